"""Time ``glosa export`` in every format on one vault.

``python -m benchmarks.export VAULT [--runs N]`` runs ``glosa export VAULT --format F -o FILE``
in a fresh process per format (best of N runs) and prints a Markdown table: wall time, CPU
time (user + system of the process), output size, concepts, and the machine's one-minute load
average when the run started (above 2 on a 2-CPU machine, other work was competing).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from glosa.exchange.formats import EXPORT_FORMATS

__all__ = ["main", "time_export"]


def time_export(vault: Path, fmt: str, out: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, bytes written) of one export in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "glosa", "export", str(vault), "--format", fmt,
                    "-o", str(out), "--base", "https://example.org/concepts/"],
                   check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("vault", type=Path)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    print("| format | wall (s) | CPU (s) | size (MB) | load |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in EXPORT_FORMATS:
            out = Path(tmp) / f"export.{EXPORT_FORMATS[fmt][0]}"
            load = os.getloadavg()[0]
            best = min((time_export(args.vault, fmt, out) for _ in range(args.runs)),
                       key=lambda result: result[0])
            wall, cpu, size = best
            print(f"| {fmt} | {wall:.2f} | {cpu:.2f} | {size / 1e6:.2f} | {load:.1f} |",
                  flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
