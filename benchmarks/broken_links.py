"""Copies of a generated vault with broken links, for timing ``glosa check`` when many
links are broken.

``python -m benchmarks.broken_links SRC OUT --mode same|distinct``: every note of SRC gets
one more link before its legend line: the same missing note everywhere (``same``), or a
missing note of its own (``distinct``, each name a near miss of the note's own title, so
that the did-you-mean search finds candidates).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path


def break_links(source: Path, out: Path, mode: str) -> int:
    """Write the copy; returns how many notes got a broken link."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(source, out)
    count = 0
    for path in sorted(out.rglob("*.md")):
        text = path.read_text("utf-8")
        name = "Missing term" if mode == "same" else f"{path.stem.split(' ')[0]}x{count}"
        lines = text.rstrip("\n").split("\n")
        lines.insert(len(lines) - 1, f"See [[{name}]].\n")
        path.write_text("\n".join(lines) + "\n", "utf-8")
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--mode", choices=("same", "distinct"), default="same")
    args = parser.parse_args(argv)
    print(f"{break_links(args.source, args.out, args.mode)} notes with a broken link")
    return 0


if __name__ == "__main__":
    sys.exit(main())
