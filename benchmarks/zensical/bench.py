"""Time the Zensical spike against the MkDocs and ProperDocs builds of the same vault.

``python -m benchmarks.zensical.bench [--sizes 1000 [10000]]`` (after
``bash benchmarks/zensical/setup.sh``) generates a vault per size with
``benchmarks/generate.py`` and measures, each in a fresh process (``benchmarks.run.measure``:
wall time, CPU time, peak RSS):

* ``mkdocs``: ``mkdocs build`` with the glosa plugin (the site glosa publishes today);
* ``properdocs``: the same configuration built by ``properdocs build``;
* ``zensical``: the spike (glosa prepares the docs folder, then Zensical builds it in the
  same process, rendering notes through glosa's Markdown extension);
* ``zensical-plain``: Zensical on the raw vault, no glosa (wiki-links left as text): the
  floor the spike is measured against.

It also counts, in each site built, the relative links and images of the content that do
not resolve to a file. Results go to ``benchmarks/zensical/results.json``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..run import machine_info, measure, prepare_size

HERE = Path(__file__).resolve().parent
VENV_PYTHON = HERE / ".venv" / "bin" / "python"
RESULTS = HERE / "results.json"
CASES = ("mkdocs", "properdocs", "zensical", "zensical-plain")
_LINK = re.compile(r'(?:href|src)="([^"#?]+)[^"]*"')


def broken_links(site: Path) -> tuple[int, int]:
    """(checked, broken) relative links and images in the pages' article content."""
    checked = broken = 0
    for page in site.rglob("*.html"):
        text = page.read_text("utf-8", errors="replace")
        start, end = text.find("<article"), text.find("</article>")
        if start < 0:
            continue
        for href in _LINK.findall(text[start:end]):
            if "://" in href or href.startswith(("/", "mailto:", "tel:", "data:")):
                continue
            target = (page.parent / unquote(href)).resolve()
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            broken += not target.exists()
    return checked, broken


def _plain_config(workdir: Path, home: str) -> Path:
    # Zensical wants docs_dir inside the folder of its configuration file. A one-page nav,
    # as benchmarks.run gives plain MkDocs: a sidebar of every note on every page would
    # make the build quadratic.
    path = workdir / "zensical-plain.yml"
    path.write_text("site_name: plain\ndocs_dir: vault\nsite_dir: zensical-plain-site\n"
                    f"theme:\n  name: material\nnav:\n  - {json.dumps(home)}\n",
                    encoding="utf-8")
    return path


def run_size(notes: int, timeout: float, cases: list[str],
             previous: dict[str, Any] | None = None) -> dict[str, Any]:
    vault, configs, workdir = prepare_size(notes)
    glosa_config = configs["glosa"]
    out = workdir / "zensical"
    sites = {"mkdocs": glosa_config.parent / "site",
             "properdocs": workdir / "properdocs-site",
             "zensical": out / "site",
             "zensical-plain": workdir / "zensical-plain-site"}
    commands = {
        "mkdocs": [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(glosa_config)],
        "properdocs": [sys.executable, "-m", "properdocs", "build", "-q", "-f",
                       str(glosa_config), "-d", str(sites["properdocs"])],
        "zensical": [str(VENV_PYTHON), str(HERE / "build.py"), str(glosa_config), str(out)],
        "zensical-plain": [str(VENV_PYTHON), "-m", "zensical", "build", "--clean", "-f",
                           str(_plain_config(workdir, vault.index_notes["es"]))],
    }
    # Each command runs in a folder of its own: `python -m` puts the working folder on
    # sys.path, and the work folder holds a `glosa/` site folder that must not shadow the
    # package.
    cwds = {"mkdocs": glosa_config.parent, "properdocs": glosa_config.parent,
            "zensical": HERE, "zensical-plain": workdir}
    result: dict[str, Any] = {"notes": notes, "cases": dict((previous or {}).get("cases", {}))}
    for case in cases:
        shutil.rmtree(sites[case], ignore_errors=True)
        out.mkdir(parents=True, exist_ok=True)
        run = measure(commands[case], cwds[case], workdir / "logs" / f"{case}.log", timeout)
        entry: dict[str, Any] = {"ok": run.ok, "wall_s": round(run.wall_s, 2),
                                 "cpu_s": round(run.user_s + run.sys_s, 2),
                                 "max_rss_mb": round(run.max_rss_kb / 1024, 1),
                                 "load1": run.load1}
        if run.ok and sites[case].is_dir():
            checked, broken = broken_links(sites[case])
            entry.update(pages=sum(1 for _ in sites[case].rglob("*.html")),
                         links_checked=checked, links_broken=broken)
        if case == "zensical" and run.ok:
            last = Path(run.log).read_text("utf-8").strip().splitlines()[-1]
            entry["phases"] = json.loads(last)
        result["cases"][case] = entry
        print(notes, case, json.dumps(entry), flush=True)
    return result


def render_table(data: dict[str, Any]) -> str:
    """The README's table of build times, from ``results.json``."""
    rows = ["| notes | build | wall s | CPU s | peak RSS MB | pages | links broken | load |",
            "|---|---|---|---|---|---|---|---|"]
    names = {"mkdocs": "MkDocs 1.6 + glosa", "properdocs": "ProperDocs 1.6 + glosa",
             "zensical": "Zensical 0.0.73 + glosa spike",
             "zensical-plain": "Zensical 0.0.73, raw vault, no glosa"}
    for size in data.get("sizes", []):
        for case in CASES:
            entry = size["cases"].get(case)
            if entry is None:
                continue
            if not entry["ok"]:
                rows.append(f"| {size['notes']:,} | {names[case]} | failed | | | | | |")
                continue
            broken = ("–" if case == "zensical-plain"
                      else f"{entry['links_broken']} of {entry['links_checked']:,}")
            rows.append(f"| {size['notes']:,} | {names[case]} | {entry['wall_s']:.1f} | "
                        f"{entry['cpu_s']:.1f} | {entry['max_rss_mb']:.0f} | "
                        f"{entry['pages']:,} | {broken} | {entry['load1']:.1f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--table", action="store_true",
                        help="print the README's table from results.json and stop")
    args = parser.parse_args(argv)
    if args.table:
        print(render_table(json.loads(RESULTS.read_text("utf-8"))))
        return 0
    if not VENV_PYTHON.is_file():
        print("run `bash benchmarks/zensical/setup.sh` first (Zensical's own venv)",
              file=sys.stderr)
        return 2
    previous = json.loads(RESULTS.read_text("utf-8")) if RESULTS.is_file() else {}
    sizes = {str(s["notes"]): s for s in previous.get("sizes", [])}
    for notes in args.sizes:
        sizes[str(notes)] = run_size(notes, args.timeout, args.cases, sizes.get(str(notes)))
    data = {"machine": machine_info(),
            "sizes": [sizes[k] for k in sorted(sizes, key=int)]}
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
