"""The editing commands never lose an edit, never leave the vault and never fail on a long
name (issue items: fix-encoding compare-and-swap, bump on a link, concurrent bumps, --folder
through a link, new files' mode, names of 242-255 bytes)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import glosa.reading.encoding
from glosa.cli.main import main
from glosa.reading.encoding import repair_bytes

from ..conftest import VaultFactory, seed_note
from ..test_authoring import VAULT

DAMAGED = seed_note("Término ⚫①", body="tÃ©rmino").encode("utf-8")


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception)
    return result.exit_code, result.output


def test_fix_encoding_keeps_an_edit_saved_while_it_worked(
        make_vault: VaultFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_vault({"Término ⚫①.md": DAMAGED})
    path = root / "Término ⚫①.md"
    edited = DAMAGED + b"Una l\xc3\xadnea guardada por el editor.\n"

    def repair_then_edit(data: bytes, **options: object) -> object:
        repair = repair_bytes(data, **options)  # type: ignore[arg-type]
        path.write_bytes(edited)  # the editor saves while glosa repairs
        return repair

    # The command imports the repair when it runs: patched where it is defined.
    monkeypatch.setattr(glosa.reading.encoding, "repair_bytes", repair_then_edit)
    code, output = invoke("fix-encoding", str(path), "--write")
    assert code == 1
    assert "changed since it was read" in output
    assert path.read_bytes() == edited


def test_bump_on_a_symlinked_note_edits_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real" / "Nota ⚫①.md"
    target.parent.mkdir()
    target.write_text(seed_note("Nota ⚫①"), encoding="utf-8")
    link = tmp_path / "Nota ⚫①.md"
    link.symlink_to(target)
    code, output = invoke("bump", str(link))
    assert code == 0, output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert "ver_rev: 2" in target.read_text("utf-8")


def test_twenty_bumps_at_once_lose_no_update(tmp_path: Path) -> None:
    note = tmp_path / "Nota ⚫①.md"
    note.write_text(seed_note("Nota ⚫①"), encoding="utf-8")  # version 0.4.1
    processes = [subprocess.Popen([sys.executable, "-m", "glosa", "bump", str(note)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(20)]
    results = [(p.wait(timeout=120), p.stderr.read().decode() if p.stderr else "")
               for p in processes]
    assert [code for code, _ in results] == [0] * 20, results
    assert "ver_rev: 21\n" in note.read_text("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == [note.name]  # no temporary file left


def test_new_refuses_a_folder_that_leaves_the_vault_through_a_link(
        make_vault: VaultFactory, tmp_path: Path) -> None:
    root = make_vault(VAULT)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "es" / "salida").symlink_to(outside)
    for folder in ("es/salida", "es/salida/sub"):
        code, output = invoke("new", "Fuera", "--lang", "es", "--level", "2", "--parent",
                              "Cliente", "--folder", folder, "--vault", str(root))
        assert code == 2, output
        assert "outside the vault" in output
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_new_notes_get_the_umask_mode(make_vault: VaultFactory, umask: int) -> None:
    root = make_vault(VAULT)
    old = os.umask(umask)
    try:
        code, output = invoke("new", "Nueva", "--lang", "es", "--level", "2", "--parent",
                              "Cliente", "--vault", str(root))
    finally:
        os.umask(old)
    assert code == 0, output
    created = next(root.rglob("Nueva*.md"))
    assert stat.S_IMODE(created.stat().st_mode) == 0o666 & ~umask


def _long_title(total_bytes: int) -> str:
    """A title whose file name `TITLE ⚫①.md` takes ``total_bytes`` bytes."""
    suffix = len(" ⚫①.md".encode())
    return "a" * (total_bytes - suffix)


@pytest.mark.parametrize("size", [242, 250, 255])
def test_long_names_fit_the_temporary_file(make_vault: VaultFactory, size: int) -> None:
    title = _long_title(size)
    name = f"{title} ⚫①.md"
    assert len(name.encode()) == size
    root = make_vault({**VAULT, f"es/{name}": seed_note(f"{title} ⚫①").replace(
        "Definición.", "tÃ©rmino")})
    path = root / "es" / name
    code, output = invoke("fix-encoding", str(path), "--write")
    assert code == 0, output
    assert "término" in path.read_text("utf-8")
    code, output = invoke("bump", str(path))
    assert code == 0, output
    code, output = invoke("translate", str(path), "--to", "en", "--title", "b" * (size - 10),
                          "--vault", str(root))
    assert code == 0, output
    assert not list(root.rglob(".glosa-*"))


def test_new_with_the_longest_title_works_and_a_longer_one_is_refused(
        make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    longest = _long_title(255)
    code, output = invoke("new", longest, "--lang", "es", "--level", "1", "--parent",
                          "Cliente", "--vault", str(root))
    assert code == 0, output
    code, output = invoke("new", longest + "b", "--lang", "es", "--level", "1", "--parent",
                          "Cliente", "--vault", str(root))
    assert code == 2 and "too long" in output
