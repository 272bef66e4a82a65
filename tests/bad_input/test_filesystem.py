"""Files that cannot be read, or that change under glosa's feet, and links out of the vault."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

import glosa.checking.checks
import glosa.reading.vault
from glosa import GlosaConfig, check_vault, load_vault
from glosa.reading import filebytes

from ..conftest import VaultFactory, seed_note
from . import filesystem
from .cases import BASE
from .helpers import check_json, snapshot, triples

AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NOTES = {
    **BASE,
    "fs/Leída ⚫①.md": seed_note("Leída ⚫①", body="[[Rota en leída]]"),
    "fs/Perdida ⚫①.md": seed_note("Perdida ⚫①", body="[[Rota en perdida]]"),
}
LOST = "fs/Perdida ⚫①.md"


def _still_checked(found: set[tuple[str, str, int]]) -> None:
    """The other note is checked in the same run (all problems at once)."""
    assert ("link-broken", "fs/Leída ⚫①.md", 23) in found


def test_unreadable_file_simulated(make_vault: VaultFactory,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs everywhere, root included (chmod does not stop root from reading)."""
    root = make_vault(NOTES)
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == Path(LOST).name:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(filebytes, "read_file_bytes", lambda path: read_bytes(Path(path)))
    code, diagnostics = check_json(root)
    assert code == 1
    found = triples(diagnostics)
    assert ("note-unreadable", LOST, 1) in found
    assert [d["message"] for d in diagnostics if d["path"] == LOST] == [
        "cannot read the file: Permission denied"]
    _still_checked(found)


def test_unreadable_file_chmod(make_vault: VaultFactory) -> None:
    """A real mode-000 file. Root reads any file through its CAP_DAC_* capabilities, so as
    root the check runs without them (util-linux setpriv), where the mode applies."""
    import json
    import shutil

    root = make_vault(NOTES)
    os.chmod(root / LOST, 0)
    command = [sys.executable, "-m", "glosa", "check", str(root), "--format", "json"]
    if AS_ROOT:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) is needed to test file modes as root"
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    finally:
        os.chmod(root / LOST, 0o644)
    assert result.returncode == 1, result.stderr
    diagnostics = json.loads(result.stdout)
    assert ("note-unreadable", LOST, 1) in triples(diagnostics)
    _still_checked(triples(diagnostics))


def test_unreadable_folder_simulated(make_vault: VaultFactory,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_vault({**NOTES, "cerrada/Dentro ⚫①.md": seed_note("Dentro ⚫①")})
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str]) -> object:
        if Path(path).name == "cerrada":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(glosa.reading.vault.os, "scandir", scandir)
    code, diagnostics = check_json(root)
    assert code == 1
    found = triples(diagnostics)
    assert ("note-unreadable", "cerrada", 1) in found
    _still_checked(found)


def test_note_deleted_between_walk_and_read(make_vault: VaultFactory,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_vault(NOTES)
    real_walk = glosa.reading.vault.walk_vault

    def walk_then_delete(*args: object, **kwargs: object) -> object:
        walked = real_walk(*args, **kwargs)  # type: ignore[arg-type]
        (root / LOST).unlink()
        return walked

    # Both the check and load_vault walk through glosa.reading.vault.vault_files.
    monkeypatch.setattr(glosa.reading.vault, "walk_vault", walk_then_delete)
    code, diagnostics = check_json(root)
    assert code == 1
    assert [(d["rule"], d["line"], d["message"]) for d in diagnostics if d["path"] == LOST] == [
        ("note-unreadable", 1, "cannot read the file: No such file or directory")]
    _still_checked(triples(diagnostics))


def test_special_entries_are_reported_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    root.mkdir()
    filesystem.add_entries(root, tmp_path / "outside")
    for name, text in BASE.items():
        (root / name).write_text(str(text), encoding="utf-8")
    before = snapshot(tmp_path)
    vault = load_vault(root)
    # The link to an outside folder is not walked, the outside note never read.
    assert sorted(n.path for n in vault.notes) == sorted(BASE)
    assert triples([d.to_dict() for d in check_vault(vault)]) == set(filesystem.EXPECT)
    assert snapshot(tmp_path) == before


def test_named_pipe_does_not_block(tmp_path: Path) -> None:
    """A real process with a deadline: reading a pipe would wait for a writer forever."""
    root = tmp_path / "vault"
    root.mkdir()
    os.mkfifo(root / "Tubería ⚫①.md")
    completed = subprocess.run([sys.executable, "-m", "glosa", "check", str(root)],
                               capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 1 and completed.stderr == ""
    assert completed.stdout.startswith("Tubería ⚫①.md:1:1: error note-unreadable: not a "
                                       "regular file")


def test_rules_switched_off_are_not_reported(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    root.mkdir()
    filesystem.add_entries(root, tmp_path / "outside")
    config = GlosaConfig.from_mapping(
        {"rules": {"note-unreadable": "off", "symlink-outside-vault": "off"}})
    assert check_vault(load_vault(root, config)) == []
