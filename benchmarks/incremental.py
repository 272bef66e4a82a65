"""Time `mkdocs build` with glosa's build cache, each build in a new process (as CI runs it).

``python -m benchmarks.incremental N [--runs R]`` generates an N-note vault (as
``benchmarks.run`` does, same configurations) and measures, in this order: plain MkDocs
+ Material and glosa cold (no cache folder; best of R), then glosa again with the cache the
previous build left: nothing changed, one note edited, one link target renamed the way
Obsidian renames (the file, and every ``[[link]]`` to it). It prints a Markdown table: wall
and CPU time (user + system of the build process), peak RSS, the machine's one-minute load
average when the build started, and the pages the build took from the cache / rendered
(from the build's own log line).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
from pathlib import Path

from .generate import generate_vault
from .run import WORK, Measurement, command, measure, write_configs

__all__ = ["main"]

_COUNTS = re.compile(
    r"cache: (\d+) pages from the cache \((\d+) taken whole\), (\d+) rendered")


def _counts(log: str) -> str:
    try:
        text = Path(log).read_text("utf-8", errors="replace")
    except OSError:
        return "–"
    found = _COUNTS.findall(text)
    return f"{found[-1][0]} ({found[-1][1]}) / {found[-1][2]}" if found else "–"


def _row(label: str, run: Measurement, cold: float | None) -> str:
    cpu = run.user_s + run.sys_s
    share = f"{cpu / cold:.0%}" if cold else ""
    return (f"| {label} | {run.wall_s:.2f} | {cpu:.2f} | {share} | {run.max_rss_kb / 1024:.0f} "
            f"| {run.load1:.1f} | {_counts(run.log)} |")


def _edit_one(vault: Path) -> Path:
    """Add a sentence to the first paragraph of one ordinary note (not a home or the
    legend; the legend line at the end of a note is not shown)."""
    notes = sorted(vault.glob("es/*/*/*.md"))
    note = notes[len(notes) // 2]
    lines = note.read_text("utf-8").split("\n")
    body = lines.index("---", 1) + 1
    for at in range(body, len(lines)):
        line = lines[at]
        if line.strip() and not line.startswith(("#", "[[", "!", ">", "-", "|")):
            lines[at] = line + " Frase añadida."
            break
    note.write_text("\n".join(lines), "utf-8")
    return note


def _rename_target(vault: Path) -> tuple[str, int]:
    """Rename a note that a few others link to, and those links with it; (its old title,
    the notes whose links changed)."""
    notes = sorted(vault.rglob("*.md"))
    texts = {path: path.read_text("utf-8") for path in notes}
    for path in notes[len(notes) // 3:]:
        old = path.stem
        linkers = [p for p, text in texts.items() if p != path and f"[[{old}" in text]
        if 2 <= len(linkers) <= 30:
            break
    else:
        raise SystemExit("no note with 2 to 30 notes linking to it")
    marker = old.rsplit(" ", 1)[-1]
    new = f"{old.rsplit(' ', 1)[0]} renombrado {marker}"
    for linker in linkers:
        linker.write_text(texts[linker].replace(f"[[{old}", f"[[{new}"), "utf-8")
    path.write_text(texts[path].replace(f"# {old}", f"# {new}", 1), "utf-8")
    path.rename(path.with_name(f"{new}.md"))
    return old, len(linkers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("notes", type=int)
    parser.add_argument("--runs", type=int, default=1, help="cold runs per case (best kept)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--timeout", type=float, default=1800.0)
    args = parser.parse_args(argv)
    workdir = WORK / f"incremental-{args.notes}"
    shutil.rmtree(workdir, ignore_errors=True)
    vault = generate_vault(workdir / "vault", args.notes, args.seed)
    configs = write_configs(workdir, vault.root, vault.index_notes["es"])
    logs = workdir / "logs"

    def build(case: str, name: str) -> Measurement:
        run = measure(command(case, configs, vault.root), configs[case].parent,
                      logs / f"{name}.log", args.timeout)
        if not run.ok:
            raise SystemExit(f"{name}: the build failed (rc {run.rc}), see {run.log}")
        return run

    def cold(case: str) -> Measurement:
        runs = []
        for attempt in range(args.runs):
            shutil.rmtree(configs[case].parent / ".cache", ignore_errors=True)
            runs.append(build(case, f"{case}-cold-{attempt + 1}"))
        return min(runs, key=lambda run: run.user_s + run.sys_s)

    print(f"{args.notes} notes; load average {os.getloadavg()[0]:.1f} at the start")
    print("| build | wall (s) | CPU (s) | CPU / glosa cold | peak RSS (MB) | load "
          "| pages cached (taken whole) / rendered |")
    print("|---|---:|---:|---:|---:|---:|---|")
    plain = cold("plain")
    print(_row("plain MkDocs + Material, cold", plain, None), flush=True)
    glosa = cold("glosa")
    base = glosa.user_s + glosa.sys_s
    print(_row("glosa cold (no cache)", glosa, base), flush=True)
    print(_row("glosa, nothing changed", build("glosa", "glosa-same"), base), flush=True)
    edited = _edit_one(vault.root)
    print(_row(f"glosa, one note edited ({edited.name})", build("glosa", "glosa-edit"), base),
          flush=True)
    old, linkers = _rename_target(vault.root)
    print(_row(f"glosa, '{old}' renamed ({linkers} notes link to it)",
               build("glosa", "glosa-rename"), base), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
