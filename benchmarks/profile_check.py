"""Profile ``glosa check`` on one vault: phase timings, then cProfile's top functions.

Phases and profile are of the work done in one process (what each half of the work costs);
``split_total`` is the command's own path, :func:`glosa.checking.folder.check_folder`, which
splits a large vault between two processes where it can fork.

``python -m benchmarks.profile_check VAULT [--json OUT] [--top 25] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import importlib
import json
import pstats
import sys
import time
import types
from pathlib import Path
from typing import Any


def _paused_gc() -> contextlib.AbstractContextManager[Any]:
    """The CLI's pause of cycle collection while loading and checking, where it has one."""
    import glosa.reading.vault

    pause = getattr(glosa.reading.vault, "paused_garbage_collection", None)
    return pause() if pause is not None else contextlib.nullcontext()


def _forget_caches() -> None:
    """Empty the memo caches of glosa's modules, so that each run reads the vault as a new
    process does: the best of several runs otherwise times the later ones with every link,
    heading and frontmatter value already parsed (at 10,000 notes, 1.4 s of parsing instead
    of 2.2 s)."""
    for name, module in list(sys.modules.items()):
        if name == "glosa" or name.startswith("glosa."):
            for value in list(vars(module).values()):
                # functools' caches only (a module's `cache_clear` may be a command).
                if not isinstance(value, types.ModuleType) and callable(
                        getattr(value, "cache_info", None)):
                    value.cache_clear()


def _phases(vault: Path) -> dict[str, float]:
    _forget_caches()
    with _paused_gc():
        return _timed_phases(vault)


def _timed_phases(vault: Path) -> dict[str, float]:
    from glosa.checking.checks import check_vault
    from glosa.checking.report import render
    from glosa.config import GlosaConfig
    from glosa.reading.model import Attachment
    from glosa.reading.parser import read_note
    from glosa.reading.vault import Vault, walk_vault

    config = GlosaConfig()
    t0 = time.perf_counter()
    note_files, attachment_files, problems = walk_vault(vault, config)
    t1 = time.perf_counter()
    notes = [read_note(abs_path, rel, config) for abs_path, rel in note_files]
    attachments = [Attachment(rel, abs_path) for abs_path, rel in attachment_files]
    t2 = time.perf_counter()
    loaded = Vault(vault.resolve(), config, notes, attachments, problems)
    t3 = time.perf_counter()
    diagnostics = check_vault(loaded)
    t4 = time.perf_counter()
    render(diagnostics, "text", vault, color=False, version="0")
    t5 = time.perf_counter()
    return {"walk": t1 - t0, "parse": t2 - t1, "index": t3 - t2, "check": t4 - t3,
            "report": t5 - t4, "total": t5 - t0}


def _whole(vault: Path) -> None:
    _forget_caches()
    with _paused_gc():
        _timed_phases(vault)


def _split_total(vault: Path) -> float:
    from glosa.checking.folder import check_folder
    from glosa.config import GlosaConfig

    _forget_caches()
    with _paused_gc():
        started = time.perf_counter()
        check_folder(vault, GlosaConfig())
        return time.perf_counter() - started


def profile(vault: Path, top: int = 25, repeat: int = 3) -> dict[str, Any]:
    started = time.perf_counter()
    importlib.import_module("glosa.cli.main")
    imported = time.perf_counter() - started
    runs = [_phases(vault) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["total"])
    best["import"] = imported
    best["split_total"] = min(_split_total(vault) for _ in range(repeat))
    profiler = cProfile.Profile()
    profiler.enable()
    _whole(vault)
    profiler.disable()
    stats = pstats.Stats(profiler)
    rows: list[dict[str, Any]] = []
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, line, name), (_, ncalls, tottime, cumtime, _) in sorted(
            raw.items(), key=lambda item: -item[1][2])[:top]:
        where = filename
        for marker in ("site-packages/", "plugins/", "lib/python"):
            if marker in filename:
                where = filename.split(marker, 1)[1]
                break
        rows.append({"function": f"{where}:{line}({name})", "ncalls": ncalls,
                     "tottime": round(tottime, 4), "cumtime": round(cumtime, 4)})
    notes = sum(1 for p in vault.rglob("*.md") if not any(
        part.startswith(".") for part in p.relative_to(vault).parts))
    total_profiled = sum(v[2] for v in raw.values())
    return {"vault": str(vault), "notes": notes, "repeat": repeat,
            "phases": {k: round(v, 4) for k, v in best.items()},
            "profiled_total_s": round(total_profiled, 3), "top": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("vault", type=Path)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    result = profile(args.vault, args.top, args.repeat)
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    phases = result["phases"]
    print(" ".join(f"{k}={v:.3f}s" for k, v in phases.items()))
    for row in result["top"]:
        print(f"{row['tottime']:8.3f} {row['cumtime']:8.3f} {row['ncalls']:>9} "
              f"{row['function']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
