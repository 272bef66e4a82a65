"""The whole bad vault at once: one run reports every problem of every file, in-process
(click's CliRunner) and as a real process (``python -m glosa``), and writes nothing."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import write_vault
from . import filesystem
from .cases import CASES, all_files
from .helpers import assert_case, assert_positions, invoke, snapshot, triples

LOCATED = re.compile(r"^(.*?):(\d+):(\d+): (error|warning) ([a-z0-9-]+): ")


@pytest.fixture(scope="module")
def bad_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("combined")
    root = write_vault(base / "vault", all_files())
    filesystem.add_entries(root, base / "outside")
    return root


def test_one_run_reports_every_case(bad_vault: Path) -> None:
    before = snapshot(bad_vault.parent)
    result = invoke("check", str(bad_vault), "--format", "json")
    assert result.exit_code == 1
    diagnostics = json.loads(result.stdout)
    for case in CASES:
        assert_case(case, diagnostics)
    found = triples(diagnostics)
    assert [e for e in filesystem.EXPECT if e not in found] == []
    assert_positions(bad_vault, diagnostics)
    # Nothing outside the vault is read: the outside note's broken link is not reported.
    assert not any("No existe fuera" in d["message"] for d in diagnostics)
    assert snapshot(bad_vault.parent) == before


def test_text_report_names_every_case(bad_vault: Path) -> None:
    result = invoke("check", str(bad_vault))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    found = [LOCATED.match(line) for line in lines]
    located = {(m[5], m[1], int(m[2])) for m in found if m}
    for case in CASES:
        assert [e for e in case.expect if e not in located] == [], case.id
    errors = sum(m[4] == "error" for m in found if m)
    warnings = sum(m[4] == "warning" for m in found if m)
    assert lines[-1] == f"{errors} errors, {warnings} warnings"


def test_real_process_no_traceback(bad_vault: Path) -> None:
    before = snapshot(bad_vault.parent)
    completed = subprocess.run(
        [sys.executable, "-m", "glosa", "check", str(bad_vault), "--format", "json"],
        capture_output=True, text=True, encoding="utf-8", timeout=120, check=False,
        cwd=bad_vault.parent,
    )
    assert completed.stderr == ""
    assert completed.returncode == 1
    diagnostics = json.loads(completed.stdout)
    in_process = json.loads(invoke("check", str(bad_vault), "--format", "json").stdout)
    assert diagnostics == in_process
    for case in CASES:
        assert_case(case, diagnostics)
    # The `!!python/object/apply` case would have created this file had it run.
    assert not (bad_vault.parent / "glosa-pwned").exists()
    assert snapshot(bad_vault.parent) == before


@pytest.mark.parametrize("fmt", ["github", "sarif"])
def test_other_formats_survive(bad_vault: Path, fmt: str) -> None:
    result = invoke("check", str(bad_vault), "--format", fmt)
    assert result.exit_code == 1
    if fmt == "sarif":
        results = json.loads(result.stdout)["runs"][0]["results"]
        assert len(results) == len(json.loads(
            invoke("check", str(bad_vault), "--format", "json").stdout))
    else:
        # One annotation per line: hostile text cannot start a second workflow command.
        assert all(line.startswith(("::error ", "::warning "))
                   for line in result.stdout.splitlines())


def test_work_split_with_a_forked_process_reports_the_same(
        bad_vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large vaults are read and checked by two processes; the report is the same."""
    import glosa.checking.checks
    import glosa.reading.workers

    serial = invoke("check", str(bad_vault), "--format", "json")
    splits: list[bool] = []
    original = glosa.reading.workers.split_in_two

    def recording(*args: object, **kwargs: object) -> object:
        result = original(*args, **kwargs)  # type: ignore[arg-type]
        splits.append(result is not None)
        return result

    monkeypatch.setattr(glosa.reading.workers, "MIN_ITEMS", 2)
    # Threads other tests leave behind would keep glosa to one process.
    monkeypatch.setattr(glosa.reading.workers, "_can_fork", lambda: True)
    monkeypatch.setattr(glosa.checking.checks, "split_in_two", recording)
    split = invoke("check", str(bad_vault), "--format", "json")
    assert splits == [True], "the work was not split"
    assert split.exit_code == serial.exit_code == 1
    assert json.loads(split.stdout) == json.loads(serial.stdout)


def test_a_failing_second_process_is_redone_in_the_first(
        bad_vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import glosa.checking.checks
    import glosa.reading.workers

    serial = invoke("check", str(bad_vault), "--format", "json")
    parent = os.getpid()
    original = glosa.checking.checks._check_notes

    def failing_in_the_child(*args: object, **kwargs: object) -> object:
        if os.getpid() != parent:
            raise RuntimeError("the second process fails while checking")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(glosa.reading.workers, "MIN_ITEMS", 2)
    monkeypatch.setattr(glosa.reading.workers, "_can_fork", lambda: True)
    monkeypatch.setattr(glosa.checking.checks, "_check_notes", failing_in_the_child)
    redone = invoke("check", str(bad_vault), "--format", "json")
    assert redone.exit_code == serial.exit_code == 1
    assert json.loads(redone.stdout) == json.loads(serial.stdout)


def test_notes_read_by_two_processes_are_the_notes_read_by_one(
        bad_vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import glosa.reading.workers
    from glosa.reading.vault import load_vault

    serial = load_vault(bad_vault).notes
    monkeypatch.setattr(glosa.reading.workers, "MIN_ITEMS", 2)
    monkeypatch.setattr(glosa.reading.workers, "_can_fork", lambda: True)
    calls: list[int] = []
    original = glosa.reading.workers.os.fork

    def counting_fork() -> int:
        calls.append(1)
        return original()

    monkeypatch.setattr(glosa.reading.workers.os, "fork", counting_fork)
    split = load_vault(bad_vault).notes
    assert calls, "the notes were not read by two processes"
    assert split == serial
