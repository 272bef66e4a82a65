"""The page template's cost per page, with and without its kept parts (template_memo.py).

Builds a generated vault once in this process (one page process, no cache), keeps the
template context of the first ``--pages`` pages, then renders ``main.html`` again for each
of them: first as before the kept parts (every part rendered for every page, Jinja's LRU
cache of compiled templates), then with the parts kept, then with them kept and compiled
templates held in a plain dict. CPU time per page, min and median of ``--repeat`` rounds
(the rounds alternate, so that the machine's drift falls on all three alike). The note
bodies are let go of once their page is written, so what is timed is the page around the
body: header, sidebars, metadata, scripts (the part the kept parts are in).

``python -m benchmarks.template_parts [--notes 2000] [--pages 1000] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any


def measure(notes: int, pages: int, repeat: int) -> dict[str, list[float]]:
    import jinja2
    from jinja2.utils import LRUCache
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from benchmarks.generate import generate_vault
    from glosa.adapter.template_memo import TemplateMemo

    captured: list[tuple[jinja2.Template, dict[str, Any]]] = []
    original = jinja2.Template.render

    def keep(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        if self.name == "main.html" and len(captured) < pages:
            captured.append((self, dict(args[0]) if args else dict(kwargs)))
        return original(self, *args, **kwargs)

    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        docs = generate_vault(root / "vault", notes).root
        config_file = root / "mkdocs.yml"
        config_file.write_text(
            f"site_name: T\ndocs_dir: {docs}\nsite_dir: {root / 'site'}\n"
            "theme:\n  name: material\nplugins:\n  - glosa:\n      workers: 1\n"
            "      cache: false\n", encoding="utf-8")
        jinja2.Template.render = keep  # type: ignore[method-assign]
        try:
            config = load_config(str(config_file))
            config.plugins.on_startup(command="build", dirty=False)
            build(config)
        finally:
            jinja2.Template.render = original  # type: ignore[method-assign]
    if not captured:
        raise SystemExit("no page was rendered with main.html")
    env = captured[0][0].environment
    heads = env.globals["glosa_memo"].linked_heads
    as_dict = dict(env.cache.items()) if env.cache is not None else {}
    as_lru = LRUCache(400)
    for key, value in as_dict.items():
        as_lru[key] = value
    cases = {"every part rendered, LRU cache": (False, as_lru),
             "parts kept, LRU cache": (True, as_lru),
             "parts kept, dict cache": (True, as_dict)}
    results: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, (enabled, cache) in cases.items():
            env.cache = cache
            env.globals["glosa_memo"] = TemplateMemo(enabled=enabled, linked_heads=heads)
            started = time.process_time()
            for template, context in captured:
                template.render(context)
            results[name].append((time.process_time() - started) / len(captured) * 1000)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    results = measure(args.notes, args.pages, args.repeat)
    print("| case | CPU per page, min (ms) | median (ms) |\n|---|---:|---:|")
    for name, times in results.items():
        print(f"| {name} | {min(times):.3f} | {statistics.median(times):.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
