"""Running ``glosa check`` on a bad vault and judging what it says."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from glosa.cli.main import main

from .cases import Case

Diagnostics = list[dict[str, Any]]


def invoke(*args: str) -> Result:
    """``glosa ARGS`` in-process; a traceback would surface as ``result.exception``."""
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"glosa {' '.join(args)} raised {result.exception!r}")
    return result


def check_json(root: Path) -> tuple[int, Diagnostics]:
    result = invoke("check", str(root), "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def triples(diagnostics: Diagnostics) -> set[tuple[str, str, int]]:
    return {(d["rule"], d["path"], d["line"]) for d in diagnostics}


def assert_case(case: Case, diagnostics: Diagnostics) -> None:
    """Every expected diagnostic is there, and hostile text is quoted unchanged."""
    found = triples(diagnostics)
    missing = [item for item in case.expect if item not in found]
    near = sorted(t for t in found if t[1] in case.files)
    assert not missing, f"{case.id}: missing {missing}; reported for its files: {near}"
    unwanted = [(rule, path, line) for rule, path, line in found
                if (rule, path, line) in case.absent or (rule, path, None) in case.absent]
    assert not unwanted, f"{case.id}: reported {unwanted}"
    for rule, path, line, text in case.verbatim:
        quoted = [f"{d['message']} {d['suggestion'] or ''}" for d in diagnostics
                  if (d["rule"], d["path"], d["line"]) == (rule, path, line)]
        assert any(text in q for q in quoted), f"{case.id}: {text!r} not in {quoted}"


def line_count(path: Path) -> int:
    """Lines of a file as glosa counts them (CR and CRLF are line ends)."""
    text = path.read_bytes().decode("utf-8", "replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


def assert_positions(root: Path, diagnostics: Diagnostics) -> None:
    """Each diagnostic names a file of the vault and a line and column inside it."""
    counts: dict[str, int] = {}
    for d in diagnostics:
        assert d["line"] >= 1 and d["column"] >= 1, d
        path = root / d["path"]
        if not path.is_file() or not os.access(path, os.R_OK):
            # Entries glosa does not read (links, pipes, undecodable names) are named on
            # line 1; they must still be entries of the vault.
            assert d["line"] == 1, d
            continue
        if d["path"] not in counts:
            counts[d["path"]] = line_count(path)
        assert d["line"] <= counts[d["path"]], (d, counts[d["path"]])


def snapshot(folder: Path) -> dict[str, tuple[int, bytes | str]]:
    """Every entry under ``folder`` with its mode and its content (or link target)."""
    state: dict[str, tuple[int, bytes | str]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            info = path.lstat()
            if path.is_symlink():
                state[str(path)] = (info.st_mode, os.readlink(path))
            elif path.is_file():
                state[str(path)] = (info.st_mode, path.read_bytes())
            else:
                state[str(path)] = (info.st_mode, "")
    return state
