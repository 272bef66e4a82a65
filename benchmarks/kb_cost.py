"""What the knowledge-base shell costs on a vault.

``python -m benchmarks.kb_cost VAULT [--languages es en]`` times, without MkDocs, the
shell's own work for the explorer and the graph (CPU time) and sizes their data files (raw
and gzipped): a loaded machine's wall time would blur it.

``python -m benchmarks.kb_cost --build N [N ...] [--repeat R]`` is the paired build: the
generated vault of each size (``benchmarks.generate``, seed 42) built by ``mkdocs build``
with ``profile: obsidian`` twice, the shell on (explorer, graph and recent changes, the
profile's defaults) and off, alternating, each in a fresh process (wall and CPU time, load
average at the start); run 1 of each case starts without glosa's page cache, later runs
take their pages from it. Results go to ``benchmarks/kb_cost.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from glosa.config import GlosaConfig
from glosa.reading.vault import load_vault
from glosa.site.kb import KnowledgeBase, Settings
from glosa.site.model import SiteModel

from .run import WORK, machine_info
from .run import measure as measure_run

RESULTS = Path(__file__).resolve().parent / "kb_cost.json"
#: The shell's switches: all on is the obsidian profile's default (``kind: notes``).
SHELL = {"on": "", "off": "      explorer: false\n      graph: false\n      recent: false\n"}


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
        kb.explorer(note.path, note.lang, url_of(note.path))
    page_time = time.process_time() - started
    out = {"notes": float(len(model.notes)), "data_cpu_s": data_time,
           "pages_cpu_s": page_time}
    for path, content in files.items():
        name = Path(path).name
        out[f"{name}_bytes"] = float(len(content))
        out[f"{name}_gzip_bytes"] = float(len(gzip.compress(content, 9)))
    return out


def paired_build(notes: int, repeat: int, timeout: float) -> dict[str, Any]:
    """``mkdocs build`` of the generated vault with the shell on and off, alternating."""
    from .generate import generate_vault

    workdir = WORK / f"n{notes}"
    vault = generate_vault(workdir / "vault", notes, 42)
    runs: dict[str, list[dict[str, Any]]] = {case: [] for case in SHELL}
    for attempt in range(repeat):
        for case, switches in SHELL.items():
            folder = workdir / f"kb-{case}"
            folder.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(folder / "site", ignore_errors=True)
            if attempt == 0:
                # Run 1 without the page cache an earlier invocation left, later runs with
                # run 1's: every invocation measures the same two kinds of build.
                shutil.rmtree(folder / ".cache", ignore_errors=True)
            config = folder / "mkdocs.yml"
            docs = Path("..") / "vault"
            config.write_text(f"site_name: kb\ndocs_dir: {json.dumps(str(docs))}\n"
                              "theme:\n  name: material\nplugins:\n  - glosa:\n"
                              f"      profile: obsidian\n{switches}", encoding="utf-8")
            # A folder of its own: `python -m` puts the working folder on sys.path.
            run = measure_run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
                              folder, workdir / "logs" / f"kb-{case}-{attempt + 1}.log", timeout)
            entry = {"ok": run.ok, "wall_s": round(run.wall_s, 2),
                     "cpu_s": round(run.user_s + run.sys_s, 2),
                     "max_rss_mb": round(run.max_rss_kb / 1024, 1), "load1": run.load1}
            if run.ok:
                entry["pages"] = sum(1 for _ in (folder / "site").rglob("*.html"))
            runs[case].append(entry)
            print(notes, case, attempt + 1, json.dumps(entry), flush=True)
    result: dict[str, Any] = {"notes": vault.notes, "runs": runs}
    best = {case: min((r["cpu_s"] for r in entries if r["ok"]), default=None)
            for case, entries in runs.items()}
    if best["on"] is not None and best["off"]:
        result["shell_cpu_share"] = round(best["on"] / best["off"] - 1, 4)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("vault", type=Path, nargs="?")
    parser.add_argument("--languages", nargs="+", default=["es", "en"])
    parser.add_argument("--build", type=int, nargs="+", metavar="N",
                        help="paired mkdocs builds (shell on and off) of generated vaults")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=2400.0)
    args = parser.parse_args(argv)
    if args.build:
        previous = json.loads(RESULTS.read_text("utf-8")) if RESULTS.is_file() else {}
        sizes = {str(s["notes"]): s for s in previous.get("sizes", [])}
        for notes in args.build:
            sizes[str(notes)] = paired_build(notes, args.repeat, args.timeout)
        data = {"machine": machine_info(), "sizes": [sizes[k] for k in sorted(sizes, key=int)]}
        RESULTS.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        return 0
    if args.vault is None:
        parser.error("a VAULT, or --build N")
    for key, value in measure(args.vault, args.languages).items():
        print(f"{key}\t{value:.3f}" if "cpu" in key else f"{key}\t{int(value)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
