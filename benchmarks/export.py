"""Time ``glosa export`` in every format on one vault.

``python -m benchmarks.export VAULT [--runs N]`` runs ``glosa export VAULT --format F -o FILE``
in a fresh process per format (best of N runs) and prints a Markdown table: wall time, CPU
time (user + system of the process), output size, concepts, and the machine's one-minute load
average when the run started (above 2 on a 2-CPU machine, other work was competing).
The CPU time includes the forked process that reads half of a large vault.

``--cache`` chooses how the notes are read: ``off`` (``--no-cache``: every note parsed),
``cold`` (an empty cache folder each run: every note parsed and the cache written, a
first export in CI) or ``warm`` (a cache written by an earlier export of the same vault:
nothing parsed, a repeated export).

``--phases`` also times, in this process and best of N, what an export spends after
reading the vault: the link model, the concepts, and each format's writer (CPU seconds,
``time.process_time``, garbage collection paused as the command pauses it).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from glosa.exchange.concepts import Glossary
from glosa.exchange.formats import EXPORT_FORMATS
from glosa.reading.vault import Vault

__all__ = ["main", "time_export", "time_phases"]


def time_export(vault: Path, fmt: str, out: Path, cache: str = "off",
                cache_dir: Path | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, bytes written) of one export in a fresh process, reading
    through ``cache_dir`` (``cache``: off, cold or warm, see the module's help)."""
    caching = ["--no-cache"]
    if cache != "off":
        assert cache_dir is not None
        if cache == "cold":
            shutil.rmtree(cache_dir, ignore_errors=True)
        caching = ["--cache-dir", str(cache_dir)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "glosa", "export", str(vault), "--format", fmt,
                    "-o", str(out), "--base", "https://example.org/concepts/", *caching],
                   check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out.stat().st_size


def time_phases(vault_root: Path, runs: int) -> list[tuple[str, float]]:
    """(phase, best CPU seconds) of an export done in this process."""
    from glosa.cache import shared_store
    from glosa.config import find_config, load_config
    from glosa.exchange.concepts import LinkFacts, collect_glossary
    from glosa.exchange.export import export_bytes
    from glosa.reading.vault import load_vault, paused_garbage_collection

    def cpu(work: Callable[[], object]) -> tuple[float, object]:
        best, result = float("inf"), None
        for _ in range(runs):
            start = time.process_time()
            result = work()
            best = min(best, time.process_time() - start)
        return best, result

    config, _docs = load_config(find_config(vault_root))
    read, vault = cpu(lambda: load_vault(vault_root, config))
    assert isinstance(vault, Vault)
    phases = [("read the vault (this process's part)", read)]
    with tempfile.TemporaryDirectory() as tmp:
        store = shared_store(Path(tmp))
        load_vault(vault_root, config, store=store)
        phases.append(("read the vault through a written cache",
                       cpu(lambda: load_vault(vault_root, config, store=store))[0]))
    with paused_garbage_collection():
        facts_cpu, facts = cpu(lambda: LinkFacts(vault))
        assert isinstance(facts, LinkFacts)
        phases.append(("link model", facts_cpu))
        concepts_cpu, glossary = cpu(lambda: collect_glossary(
            vault, facts, title="Glossary", base="https://example.org/concepts/"))
        assert isinstance(glossary, Glossary)
        phases.append(("concepts", concepts_cpu))
        for fmt in EXPORT_FORMATS:
            phases.append((f"write {fmt}", cpu(partial(export_bytes, glossary, fmt))[0]))
    return phases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("vault", type=Path)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--cache", choices=("off", "cold", "warm"), default="off",
                        help="read with no cache, an empty one, or one already written "
                             "(default: off)")
    parser.add_argument("--phases", action="store_true",
                        help="also time the phases of an export in this process")
    args = parser.parse_args(argv)
    print("| format | wall (s) | CPU (s) | size (MB) | load |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        cache_dir = Path(tmp) / "cache"
        if args.cache == "warm":
            time_export(args.vault, "csv", Path(tmp) / "prime.csv", "cold", cache_dir)
        for fmt in EXPORT_FORMATS:
            out = Path(tmp) / f"export.{EXPORT_FORMATS[fmt][0]}"
            load = os.getloadavg()[0]
            best = min((time_export(args.vault, fmt, out, args.cache, cache_dir)
                        for _ in range(args.runs)), key=lambda result: result[0])
            wall, cpu, size = best
            print(f"| {fmt} | {wall:.2f} | {cpu:.2f} | {size / 1e6:.2f} | {load:.1f} |",
                  flush=True)
    if args.phases:
        print(f"\n| phase (load {os.getloadavg()[0]:.1f}) | CPU (s) |\n|---|---:|")
        for name, seconds in time_phases(args.vault, args.runs):
            print(f"| {name} | {seconds:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
