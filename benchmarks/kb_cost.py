"""What the knowledge-base shell's explorer and graph cost on a vault, in CPU time, and
how large their data files are (raw and gzipped), without MkDocs:
``python -m benchmarks.kb_cost VAULT [--languages es en]``.

The build's own CPU time is measured separately (two `mkdocs build` runs with the shell on
and off); this isolates the shell's work, which a loaded machine's wall time would blur.
"""

from __future__ import annotations

import argparse
import gzip
import time
from pathlib import Path

from glosa.config import GlosaConfig
from glosa.kb import KnowledgeBase, Settings
from glosa.site import SiteModel
from glosa.vault import load_vault


def measure(vault_dir: Path, languages: list[str]) -> dict[str, float]:
    config = GlosaConfig(languages=tuple(languages), default_language=languages[0])
    vault = load_vault(vault_dir, config)
    model = SiteModel(vault)
    settings = Settings(kind="glossary", properties="hide", explorer=True, graph=True,
                        recent=False)

    def url_of(path: str) -> str:
        return path[:-3] + "/"

    started = time.process_time()
    kb = KnowledgeBase(model, languages, settings, url_of, lambda lang, tag: f"{lang}/t/{tag}",
                       lambda lang: {"explorer": "Folders", "explorer_here": "Here",
                                     "properties": "Properties", "graph_local": "Graph",
                                     "graph_neighbours": "Linked", "recent": "Recent"})
    files = kb.data_files("https://example.org/", "Bench")
    data_time = time.process_time() - started
    started = time.process_time()
    for note in model.notes:
        kb.page(note, note.lang, url_of(note.path))
    page_time = time.process_time() - started
    out = {"notes": float(len(model.notes)), "data_cpu_s": data_time,
           "pages_cpu_s": page_time}
    for path, content in files.items():
        name = Path(path).name
        out[f"{name}_bytes"] = float(len(content))
        out[f"{name}_gzip_bytes"] = float(len(gzip.compress(content, 9)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("vault", type=Path)
    parser.add_argument("--languages", nargs="+", default=["es", "en"])
    args = parser.parse_args(argv)
    for key, value in measure(args.vault, args.languages).items():
        print(f"{key}\t{value:.3f}" if "cpu" in key else f"{key}\t{int(value)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
