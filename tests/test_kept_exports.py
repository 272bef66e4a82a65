"""The site's downloads kept in the build cache (exchange/kept_exports.py): a build whose
notes, addresses and settings are the ones the downloads were made from takes them from
the cache; any edit makes them again; a damaged kept file is never used; the site is the
same, byte for byte, as a build without the cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from glosa.adapter import plugin
from glosa.exchange.kept_exports import FOLDER

from .test_page_cache import Site


class SiteWithAddress(Site):
    """The cache's test site with a ``site_url``: concept IRIs, SKOS files, ``sameAs``."""

    def config(self, name: str, cache: bool) -> Path:
        path = super().config(name, cache)
        path.write_text(path.read_text("utf-8").replace(
            "site_name:", "site_url: https://example.org/g/\nsite_name:", 1), "utf-8")
        return path


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the downloads were made."""
    calls: list[int] = []
    real = plugin.build_site_exports

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(plugin, "build_site_exports", counted)
    return calls


def _csv(site: Site) -> str:
    return (site.tmp / "cached" / "site" / "exports" / "glossary.csv").read_text("utf-8")


def test_a_second_build_takes_the_downloads_from_the_cache(tmp_path: Path,
                                                          made: list[int]) -> None:
    site = SiteWithAddress(tmp_path)
    site.build()
    assert len(made) == 1
    kept = sorted(p.name for p in (site.cache_dir / FOLDER).iterdir())
    assert "glossary.csv" in kept and "glossary.ttl" in kept
    site.build()
    assert len(made) == 1  # not made again
    page = (site.tmp / "cached" / "site" / "es" / "gato" / "index.html").read_text("utf-8")
    assert "https://example.org/g/concepts/" in page  # the concept's IRI, as sameAs
    made.clear()
    site.assert_same_as_cold()


def test_an_edit_to_any_note_makes_them_again(tmp_path: Path, made: list[int]) -> None:
    site = Site(tmp_path)
    site.build()
    note = site.vault / "es" / "Perro 🟡③.md"
    note.write_text(note.read_text("utf-8").replace("Un cánido.", "Un cánido leal."), "utf-8")
    site.build()
    assert len(made) == 2
    assert "Un cánido leal." in _csv(site)
    site.assert_same_as_cold()


@pytest.mark.parametrize("damage", ["truncated", "removed", "entry"])
def test_a_damaged_kept_download_is_made_again(tmp_path: Path, made: list[int],
                                               damage: str) -> None:
    site = Site(tmp_path)
    site.build()
    kept = site.cache_dir / FOLDER / "glossary.csv"
    if damage == "truncated":
        data = kept.read_bytes()
        os.unlink(kept)  # not through the site's link: the site keeps its own
        kept.write_bytes(data[: len(data) // 2])
    elif damage == "removed":
        os.unlink(kept)
    else:
        entry = site.cache_dir / "site-exports.msgpack"
        assert entry.is_file()
        entry.write_bytes(b"not an entry")
    site.build()
    assert len(made) == 2
    assert "Un cánido." in _csv(site)
    site.assert_same_as_cold()
