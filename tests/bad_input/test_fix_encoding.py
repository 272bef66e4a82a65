"""``glosa fix-encoding`` over the bad vault: dry run writes nothing, ``--write`` repairs
what it can, refuses the rest, never writes outside the vault and survives interruption
without losing the original or leaving a temporary file behind."""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from glosa.cli.main import main
from glosa.reading.encoding import repair_bytes

from ..conftest import VaultFactory, write_vault
from . import filesystem
from .cases import all_files
from .helpers import check_json, invoke, snapshot

REPAIRED = ["enc-bom/Marca BOM ⚫①.md", "enc-crlf/Fin de línea ⚫①.md",
            "enc-double-encoded/Doble ⚫①.md", "enc-latin1/Latin ⚫①.md",
            "enc-mixed-line-ends/Mezcla ⚫①.md"]
REFUSED = "enc-invalid-utf8/Bytes malos ⚫①.md"
DAMAGED = {
    "Uno ⚫①.md": "# Uno ⚫①\n\nEl tÃ©rmino segmentaciÃ³n.\n".encode(),
    "Dos ⚫①.md": b"# Dos\r\n\r\nTexto.\r\n",
}


@pytest.fixture
def bad_vault(tmp_path: Path) -> Path:
    root = write_vault(tmp_path / "vault", all_files())
    filesystem.add_entries(root, tmp_path / "outside")
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in root.rglob("*") if p.is_file() and not p.is_symlink()}


def test_dry_run_writes_nothing(bad_vault: Path) -> None:
    before = snapshot(bad_vault.parent)
    result = invoke("fix-encoding", str(bad_vault))
    assert result.exit_code == 1
    for rel in REPAIRED:
        assert f"# {bad_vault / rel}: " in result.stdout
    assert f"{bad_vault / REFUSED}:line 24:5: " in result.stderr
    assert snapshot(bad_vault.parent) == before


def test_write_repairs_refuses_and_stays_inside(bad_vault: Path) -> None:
    outside = bad_vault.parent / "outside"
    outside_before = snapshot(outside)
    before = _files(bad_vault)
    result = invoke("fix-encoding", str(bad_vault), "--write")
    assert result.exit_code == 1  # the refused file
    after = _files(bad_vault)
    changed = sorted(rel for rel in before if after[rel] != before[rel])
    assert changed == sorted(REPAIRED)
    assert after[REFUSED] == before[REFUSED]
    assert snapshot(outside) == outside_before
    # No temporary file is left anywhere, and the repairs are final.
    assert not [p for p in bad_vault.rglob("*.tmp")]
    again = invoke("fix-encoding", str(bad_vault))
    assert "would be repaired" not in again.output
    _, diagnostics = check_json(bad_vault)
    assert not [d for d in diagnostics
                if d["path"] in REPAIRED and d["rule"].startswith("encoding-")]


class _HalfWriter:
    """A file that takes half of what it is given, then fails (a full disk, Ctrl-C)."""

    def __init__(self, handle: io.BufferedWriter, error: BaseException) -> None:
        self.handle, self.error = handle, error

    def __enter__(self) -> _HalfWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.handle.close()

    def write(self, data: bytes) -> int:
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        raise self.error


class _FailOnCall:
    """Stands in for ``os.replace`` or ``os.fdopen`` and fails on its n-th call."""

    def __init__(self, real: Any, error: BaseException, call: int, half_write: bool) -> None:
        self.real, self.error, self.call, self.half_write = real, error, call, half_write
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls != self.call:
            return self.real(*args, **kwargs)
        if self.half_write:
            return _HalfWriter(self.real(*args, **kwargs), self.error)
        raise self.error


@pytest.mark.parametrize(
    ("target", "error", "half_write"),
    [
        ("replace", OSError(errno.ENOSPC, "No space left on device"), False),
        ("replace", KeyboardInterrupt(), False),
        ("fdopen", OSError(errno.EIO, "Input/output error"), True),
        ("fdopen", KeyboardInterrupt(), True),
    ],
    ids=["replace-disk-full", "replace-interrupted", "write-half-then-io-error",
         "write-half-then-interrupted"],
)
def test_interrupted_write_keeps_the_original(
        make_vault: VaultFactory, monkeypatch: pytest.MonkeyPatch, target: str,
        error: BaseException, half_write: bool) -> None:
    root = make_vault(dict(DAMAGED))
    first, second = sorted(DAMAGED)  # the order fix-encoding takes them in
    os.chmod(root / second, 0o640)
    before = snapshot(root)
    # Interrupt the second file: the first is repaired completely, the second not at all.
    failing = _FailOnCall(getattr(os, target), error, call=2, half_write=half_write)
    monkeypatch.setattr(os, target, failing)
    result = CliRunner().invoke(main, ["fix-encoding", str(root), "--write"])
    assert result.exit_code != 0
    assert failing.calls == 2
    after = snapshot(root)
    assert sorted(Path(p).name for p in after) == sorted(DAMAGED)  # no temporary file
    assert after[str(root / first)][1] == repair_bytes(DAMAGED[first]).repaired
    assert after[str(root / second)] == before[str(root / second)]  # content and mode
