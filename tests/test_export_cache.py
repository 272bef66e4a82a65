"""glosa export through the persistent cache of read notes: the same bytes as without it,
only changed notes parsed again, and a damaged cache ignored."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import glosa.reading.parser
from glosa.cli.main import main

from .conftest import seed_note, write_vault

BASE = "https://example.org/concepts/"


def _vault(root: Path) -> Path:
    return write_vault(root, {
        "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None, body="Portada del glosario."),
        "es/Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
        "es/Cliente ⚫①.md": seed_note(
            "Cliente ⚫①", body="Persona que *compra* y vuelve: ver [[Venta 🔴②]]."),
        "es/Venta 🔴②.md": seed_note("Venta 🔴②", parent="Cliente ⚫①",
                                     body="Intercambio con un [[Cliente ⚫①|cliente]]."),
    })


def _export(root: Path, fmt: str, *args: str) -> bytes:
    # The cache on, as it is by default (the test suite turns it off elsewhere).
    result = CliRunner(env={"GLOSA_NO_CACHE": None}).invoke(
        main, ["export", str(root), "--format", fmt, "--base", BASE, *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = glosa.reading.parser.parse_note

    def counting(data: bytes, rel: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(rel)
        return real(data, rel, *args, **kwargs)

    monkeypatch.setattr(glosa.reading.parser, "parse_note", counting)
    return parsed


FORMATS = ["tbx", "tbx-v2", "skos", "skos-jsonld", "csv", "json"]


def test_a_cached_export_is_byte_identical_and_parses_only_changed_notes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _vault(tmp_path / "v")
    cache = tmp_path / "cache"
    uncached = {fmt: _export(root, fmt, "--no-cache") for fmt in FORMATS}
    assert not cache.exists()
    cold = {fmt: _export(root, fmt, "--cache-dir", str(cache)) for fmt in FORMATS}
    assert cold == uncached
    assert [p.name.split("-")[0] for p in cache.glob("*.msgpack")] == ["notes"]
    parsed = _count_parses(monkeypatch)
    warm = {fmt: _export(root, fmt, "--cache-dir", str(cache)) for fmt in FORMATS}
    assert warm == uncached and parsed == []
    edited = root / "es" / "Cliente ⚫①.md"
    edited.write_text(edited.read_text("utf-8").replace("vuelve", "repite"), "utf-8")
    after = _export(root, "json", "--cache-dir", str(cache))
    assert parsed == ["es/Cliente ⚫①.md"]
    assert "repite" in after.decode() and after == _export(root, "json", "--no-cache")


@pytest.mark.parametrize("damage", [
    lambda data: data[:-7],
    lambda data: data[:40] + b"\x00" * (len(data) - 40),
    lambda data: b"not a cache entry",
])
def test_a_damaged_cache_is_ignored(tmp_path: Path, damage: Any) -> None:
    root = _vault(tmp_path / "v")
    cache = tmp_path / "cache"
    _export(root, "csv", "--cache-dir", str(cache))
    entries = list(cache.glob("*.msgpack"))
    assert entries
    # A damaged entry under notes whose content changed: the notes as the files say.
    (root / "es" / "Venta 🔴②.md").write_text(
        seed_note("Venta 🔴②", parent="Cliente ⚫①", body="Operación de compra."), "utf-8")
    for entry in entries:
        entry.write_bytes(damage(entry.read_bytes()))
    for fmt in FORMATS:
        assert _export(root, fmt, "--cache-dir", str(cache)) == _export(root, fmt,
                                                                        "--no-cache")
    assert "Operación de compra." in _export(root, "csv", "--cache-dir", str(cache)).decode()


def test_export_caches_beside_the_settings_file(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GLOSA_CACHE_DIR")
    project = tmp_path / "project"
    _vault(project / "docs")
    (project / "mkdocs.yml").write_text("site_name: T\nsite_url: https://t.example/\n"
                                        "plugins:\n  - glosa\n", "utf-8")
    here = Path.cwd()
    try:
        os.chdir(tmp_path)  # not the project: the cache goes beside its settings file
        first = _export(project / "docs", "skos", "--config", str(project / "mkdocs.yml"))
        assert list((project / ".cache" / "glosa").glob("notes-*.msgpack"))
        assert not (tmp_path / ".cache").exists()
        assert _export(project / "docs", "skos", "--config",
                       str(project / "mkdocs.yml")) == first
    finally:
        os.chdir(here)
