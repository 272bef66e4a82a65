"""The persistent read cache of parsed notes: what it reuses, what it re-reads, and that a
vault loaded through it is the vault read from disk."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from glosa import GlosaConfig, check_vault, load_vault
from glosa.cache import CacheStore
from glosa.reading import filebytes
from glosa.reading.vault import NoteCache, read_vault_notes, vault_entry, vault_files

from .conftest import VaultFactory, age_files, seed_note

FILES: dict[str, str | bytes] = {
    "Índice ⚫①.md": seed_note("Índice ⚫①", parent=None,
                              body="Raíz: [[Cliente ⚫①]] y [[Nada]] ![[Cliente ⚫①#Uso]]."),
    "Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
    "es/Cliente ⚫①.md": seed_note("Cliente ⚫①", body="## Uso\n\nTexto ^b1\n\n[x](Nada.md)"),
    "es/Roto.md": "---\nlang: [\n---\n# Roto\n",
    "es/Conjunto 🔴②.md": seed_note("Conjunto 🔴②", extra="valores: !!set {a, b}\n"),
    "es/Grande 🔴②.md": seed_note("Grande 🔴②", extra="n: 123456789012345678901234567890\n"),
    "img.png": b"\x89PNG",
}


def _load(root: Path, store: CacheStore, config: GlosaConfig | None = None,
          ) -> tuple[list[object], NoteCache]:
    config = config or GlosaConfig()
    cache = NoteCache.restore(store, vault_entry("notes", root, store), config, root.resolve())
    found = vault_files(root, config)
    notes = cache.read_all(found.notes, config, root)
    cache.persist(store, vault_entry("notes", root, store), config)
    return list(notes), cache


@pytest.fixture
def vault(make_vault: VaultFactory) -> Path:
    root = make_vault(FILES)
    age_files(root)
    return root


def test_a_warm_load_is_the_cold_load_and_parses_nothing(vault: Path, tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache", key={})
    cold = load_vault(vault)
    first = load_vault(vault, store=store)
    warm, cache = _load(vault, store)
    assert first.notes == cold.notes
    assert warm == cold.notes
    assert cache.reread == 2 and not cache.changed  # only the two notes never stored
    # A note whose frontmatter the store cannot keep exactly (a YAML set, an integer
    # beyond 64 bits) is read again each time, never altered.
    kept = NoteCache.restore(store, vault_entry("notes", vault, store), GlosaConfig(), vault)
    assert set(kept.entries) == {n.path for n in cold.notes} - {
        "es/Conjunto 🔴②.md", "es/Grande 🔴②.md"}
    assert check_vault(load_vault(vault, store=store)) == check_vault(cold)


def test_a_load_may_leave_saving_the_notes_to_its_caller(vault: Path, tmp_path: Path) -> None:
    """With ``write_later`` the store is written only when the caller runs what was left
    to it (a build does while it waits for Pagefind); the entry is then the one an
    immediate save writes."""
    later: list[Callable[[], None]] = []
    store = CacheStore(tmp_path / "later", key={})
    first = load_vault(vault, store=store, write_later=later)
    assert len(later) == 1
    name = vault_entry("notes", vault, store)
    assert not NoteCache.restore(store, name, GlosaConfig(), vault.resolve()).entries
    later[0]()
    now = CacheStore(tmp_path / "now", key={})
    load_vault(vault, store=now)
    kept = NoteCache.restore(store, name, GlosaConfig(), vault.resolve())
    assert set(kept.entries) == set(NoteCache.restore(
        now, vault_entry("notes", vault, now), GlosaConfig(), vault.resolve()).entries)
    assert [kept.entries[n.path].note for n in first.notes if n.path in kept.entries] == [
        n for n in first.notes if n.path in kept.entries]
    # Nothing changed: nothing is left to write.
    again: list[Callable[[], None]] = []
    load_vault(vault, store=store, write_later=again)
    assert again == []


def test_only_changed_content_is_parsed_again(vault: Path, tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache", key={})
    load_vault(vault, store=store)
    edited = vault / "es" / "Cliente ⚫①.md"
    edited.write_text(seed_note("Cliente ⚫①", body="Nuevo [[Índice ⚫①]]."), "utf-8")
    touched = vault / "Leyenda 🔴②.md"
    touched.write_bytes(touched.read_bytes())  # a new stamp, the same content
    (vault / "es" / "Roto.md").unlink()
    age_files(vault)
    notes, cache = _load(vault, store)
    assert cache.reread == 1 + 2  # the edited note, and the two that are never stored
    assert notes == load_vault(vault).notes
    assert "es/Roto.md" not in cache.entries
    notes, cache = _load(vault, store)
    assert cache.reread == 2 and not cache.changed


def test_a_stamp_taken_right_after_a_write_is_not_trusted(vault: Path,
                                                          tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache", key={})
    note = vault / "Leyenda 🔴②.md"
    note.write_text(seed_note("Leyenda 🔴②", body="uno"), "utf-8")
    before = note.stat()
    load_vault(vault, store=store)
    # Rewritten within the same tick: same size, same modification time.
    note.write_text(seed_note("Leyenda 🔴②", body="dos"), "utf-8")
    os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = load_vault(vault, store=store)
    assert "dos" in again.index.note_at("Leyenda 🔴②.md").body  # type: ignore[union-attr]


def test_configuration_that_changes_parsing_is_not_reused(vault: Path,
                                                           tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache", key={})
    load_vault(vault, store=store)
    obsidian = GlosaConfig(profile="obsidian")
    notes, cache = _load(vault, store, obsidian)
    assert cache.reread == len(notes)
    assert notes == load_vault(vault, obsidian).notes


@pytest.mark.parametrize("damage", [
    lambda data: data[:-7],
    lambda data: data[:80] + bytes(len(data) - 80),
])
def test_a_damaged_entry_is_ignored(vault: Path, tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    store = CacheStore(tmp_path / "cache", key={})
    load_vault(vault, store=store)
    entry = tmp_path / "cache" / f"{vault_entry('notes', vault, store)}.msgpack"
    entry.write_bytes(damage(entry.read_bytes()))
    notes, cache = _load(vault, store)
    assert cache.reread == len(notes)
    assert notes == load_vault(vault).notes


def test_an_entry_of_another_shape_is_ignored(vault: Path, tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache", key={})
    name = vault_entry("notes", vault, store)
    config = GlosaConfig()
    from glosa.reading.vault import reading_key

    for value in ({"reading": reading_key(config), "notes": [["a.md", 1]]},
                  {"reading": reading_key(config), "notes": "x"}, [1, 2], None):
        store.save(name, value)
        notes, _ = _load(vault, store)
        assert notes == load_vault(vault).notes


def test_vaults_sharing_a_cache_folder_keep_their_own_entries(make_vault: VaultFactory,
                                                              tmp_path: Path) -> None:
    first = make_vault(FILES)
    second = tmp_path / "other"
    second.mkdir()
    (second / "Solo.md").write_text("# Solo\n", "utf-8")
    store = CacheStore(tmp_path / "cache", key={})
    assert vault_entry("notes", first, store) != vault_entry("notes", second, store)
    load_vault(first, store=store)
    load_vault(second, store=store)
    assert [n.path for n in load_vault(second, store=store).notes] == ["Solo.md"]
    assert len(load_vault(first, store=store).notes) == len(load_vault(first).notes)


def test_a_cache_that_is_off_reads_everything(vault: Path) -> None:
    store = CacheStore(None, key={})
    found = vault_files(vault, GlosaConfig())
    notes = read_vault_notes(vault, found.notes, GlosaConfig(), None, store)
    assert notes == load_vault(vault).notes


def test_an_unreadable_note_is_never_cached(vault: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    store = CacheStore(tmp_path / "cache", key={})
    locked = vault / "es" / "Cliente ⚫①.md"
    real = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path == locked:
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(filebytes, "read_file_bytes", lambda path: read_bytes(Path(path)))
    notes, cache = _load(vault, store)
    assert "es/Cliente ⚫①.md" not in cache.entries
    assert [n.path for n in notes if not n.readable] == ["es/Cliente ⚫①.md"]  # type: ignore[attr-defined]
    monkeypatch.undo()
    notes, cache = _load(vault, store)
    assert all(n.readable for n in notes)  # type: ignore[attr-defined]


def test_one_cache_for_another_vault_or_settings_starts_afresh(vault: Path,
                                                              tmp_path: Path) -> None:
    import shutil

    other = tmp_path / "copy"
    shutil.copytree(vault, other)  # the same files, byte for byte
    cache = NoteCache()
    config = GlosaConfig()
    cache.read_all(vault_files(vault, config).notes, config, vault)
    cache.read_all(vault_files(other, config).notes, config, other)
    assert cache.reread == len(load_vault(other).notes)
    obsidian = GlosaConfig(profile="obsidian")
    notes = cache.read_all(vault_files(other, obsidian).notes, obsidian, other)
    assert cache.reread == len(notes) and notes == load_vault(other, obsidian).notes
