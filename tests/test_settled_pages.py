"""Settled pages (settled_pages.py, site/page_inputs.py): a note page whose inputs are
the ones an earlier build wrote it from is taken whole from the cache, without being read
or rendered; every change to what a page shows makes it again; the site is the same,
byte for byte, as a build without the cache."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from glosa.adapter.settled_pages import VERIFY_ENV
from glosa.cache import pack
from glosa.site.page_inputs import PageInputs

from .conftest import seed_note, write_vault
from .test_page_cache import Site

HOME = "es/Índice ⚫①.md"
NOTES = ["es/Gato 🟡③.md", "es/Perro 🟡③.md", "es/Pez 🟢④.md", "es/Agua 🟢④.md",
         "es/Roca 🟢④.md", "es/Leyenda 🔴②.md"]


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path)


def _rewrite(site: Site, path: str, old: str, new: str) -> None:
    note = site.vault / path
    text = note.read_text("utf-8")
    assert old in text
    note.write_text(text.replace(old, new), "utf-8")


def test_a_second_build_takes_every_term_page_whole(tmp_path: Path) -> None:
    site = Site(tmp_path, options="")  # search on: the kept records make the same bundle
    first = site.build()
    assert not first.taken_whole
    second = site.build()
    # Every note page but the home (its overview lists the whole language).
    assert second.taken_whole == set(NOTES)
    assert HOME in second.rendered or HOME in second.hits
    site.assert_same_as_cold()
    third = site.build()
    assert third.taken_whole == set(NOTES)
    site.assert_same_as_cold()


def _rename(site: Site, path: str, new: str) -> None:
    old = site.vault / path
    text = old.read_text("utf-8").replace(f"# {Path(path).stem}", f"# {Path(new).stem}")
    old.unlink()
    (site.vault / new).write_text(text, "utf-8")


# What an edit changes, and which pages must be made again because they show it.
EDITS: dict[str, tuple[Callable[[Site], None], set[str]]] = {
    # Perro's text: Gato links to it (by title: unchanged), nothing quotes Perro.
    "text of a linked note": (
        lambda s: _rewrite(s, "es/Perro 🟡③.md", "Un cánido.", "Un cánido doméstico."),
        {"es/Perro 🟡③.md"}),
    # Gato's text around its link is quoted on Perro's page (its backlinks).
    "text of a linking note": (
        lambda s: _rewrite(s, "es/Gato 🟡③.md", "Un felino.", "Un felino pequeño."),
        {"es/Gato 🟡③.md", "es/Perro 🟡③.md"}),
    # A title is its file's name: a rename, and the link to it rewritten.
    "a renamed note": (
        lambda s: (_rename(s, "es/Agua 🟢④.md", "es/Agua pura 🟢④.md"),
                   _rewrite(s, "es/Pez 🟢④.md", "[[Agua 🟢④]]", "[[Agua pura 🟢④]]")),
        {"es/Agua 🟢④.md", "es/Pez 🟢④.md"}),
    "a tag": (
        lambda s: _rewrite(s, "es/Roca 🟢④.md", "tags:\n", "tags:\n  - mineral\n"),
        {"es/Roca 🟢④.md"}),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_an_edit_makes_again_the_pages_that_show_it(site: Site, name: str) -> None:
    change, made = EDITS[name]
    site.build()
    site.build()
    change(site)
    warm = site.build()
    assert made.isdisjoint(warm.taken_whole)
    assert set(NOTES) - made <= warm.taken_whole
    site.assert_same_as_cold()


def test_a_note_that_mends_a_broken_link_makes_the_linking_page_again(site: Site) -> None:
    _rewrite(site, "es/Roca 🟢④.md", "Mineral sin enlaces.", "Mineral, ver [[Basalto 🟢④]].")
    site.build()
    write_vault(site.vault, {"es/Basalto 🟢④.md": seed_note("Basalto 🟢④", body="Lava.")})
    warm = site.build()
    assert "es/Roca 🟢④.md" not in warm.taken_whole
    assert {"es/Perro 🟡③.md", "es/Agua 🟢④.md"} <= warm.taken_whole
    roca = (site.tmp / "cached" / "site" / "es" / "roca" / "index.html").read_text("utf-8")
    assert 'href="../basalto/"' in roca
    site.assert_same_as_cold()
    (site.vault / "es/Basalto 🟢④.md").unlink()
    again = site.build()
    assert "es/Roca 🟢④.md" not in again.taken_whole
    site.assert_same_as_cold()


def test_an_embedded_note_edited_makes_the_embedding_page_again(site: Site) -> None:
    _rewrite(site, "es/Roca 🟢④.md", "Mineral sin enlaces.", "Mineral.\n\n![[Agua 🟢④]]")
    site.build()
    _rewrite(site, "es/Agua 🟢④.md", "Líquido.", "Líquido transparente.")
    warm = site.build()
    assert "es/Roca 🟢④.md" not in warm.taken_whole
    roca = (site.tmp / "cached" / "site" / "es" / "roca" / "index.html").read_text("utf-8")
    assert "Líquido transparente." in roca
    site.assert_same_as_cold()


def test_an_unpublished_note_leaves_no_settled_page_behind(site: Site) -> None:
    site.build()
    _rewrite(site, "es/Perro 🟡③.md", "lang: ES\n", "lang: ES\npublish: false\n")
    warm = site.build()
    assert "es/Perro 🟡③.md" not in warm.taken_whole
    assert "es/Gato 🟡③.md" not in warm.taken_whole  # its link to Perro is plain text now
    assert not (site.tmp / "cached" / "site" / "es" / "perro").exists()
    site.assert_same_as_cold()


def test_a_settings_change_settles_nothing(site: Site) -> None:
    site.build()
    site.site_name = "Otro"
    assert not site.build().taken_whole
    site.assert_same_as_cold()


def test_a_missing_or_changed_kept_page_is_made_again(site: Site,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    first = site.build()
    pages = site.cache_dir / "pages"
    gato, perro = first.page_hashes["es/Gato 🟡③.md"], first.page_hashes["es/Perro 🟡③.md"]
    (pages / f"{gato}.html").unlink()
    # Changed in place through its hard link in site_dir (a deploy step editing it).
    with (site.tmp / "cached" / "site" / "es" / "perro" / "index.html").open("r+b") as f:
        f.seek(100)
        f.write(b"<script>alert(1)</script>")
    caplog.set_level(logging.INFO)
    warm = site.build()
    assert not {"es/Gato 🟡③.md", "es/Perro 🟡③.md"} & warm.taken_whole
    assert {"es/Gato 🟡③.md", "es/Perro 🟡③.md"} <= warm.rendered
    assert f"{perro}.html is damaged or was changed" in caplog.text
    site.assert_same_as_cold()


@pytest.mark.parametrize("damage", ["garbage", "wrong shapes"])
def test_a_damaged_list_of_settled_pages_is_ignored(site: Site, damage: str) -> None:
    site.build()
    cache = site.build()
    if damage == "garbage":
        index = site.cache_dir / "settled.msgpack"
        data = index.read_bytes()
        index.write_bytes(data[:80] + bytes(255 - b for b in data[80:]))
    else:
        # A list that reads, with values of the wrong kinds: each entry is ignored.
        entries = cache.settled_entries()
        assert entries
        cache._store.save("settled", {src: pack([1, None, "x"]) for src in entries})
    warm = site.build()
    assert not warm.taken_whole
    site.assert_same_as_cold()


def test_warnings_of_a_settled_page_are_logged_again(site: Site,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    # Embeds over the page's budget: a warning of the renderer, which the check does not give.
    write_vault(site.vault, {"es/Grande 🟢④.md": seed_note("Grande 🟢④",
                                                             body="Texto largo. " * 13_000)})
    _rewrite(site, "es/Roca 🟢④.md", "Mineral sin enlaces.",
             "![[Grande 🟢④]]\n\n![[Grande 🟢④]]")
    with caplog.at_level(logging.WARNING):
        site.build()
    first = [r.getMessage() for r in caplog.records if "transcluded content over" in
             r.getMessage()]
    assert len(first) == 1 and "Roca" in first[0]
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        warm = site.build()
    assert "es/Roca 🟢④.md" in warm.taken_whole
    again = [r.getMessage() for r in caplog.records if "transcluded content over" in
             r.getMessage()]
    assert again == first
    assert not any("Page skipped" in r.getMessage() for r in caplog.records)


def test_the_verify_mode_makes_every_page_and_finds_no_stale_one(
        site: Site, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    site.build()
    _rewrite(site, "es/Gato 🟡③.md", "Un felino.", "Un felino pequeño.")
    monkeypatch.setenv(VERIFY_ENV, "1")
    with caplog.at_level(logging.WARNING):
        warm = site.build()
    assert not warm.taken_whole  # made as usual
    assert "would have been stale" not in caplog.text
    site.assert_same_as_cold()


def test_the_verify_mode_catches_an_input_left_out(
        site: Site, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """What the verify mode is for: inputs that miss what a page shows (here, the notes
    linking to it, whose text its backlinks quote) are named, page by page."""
    real = PageInputs.digest

    def without_backlinks(self: PageInputs, note, *args):  # type: ignore[no-untyped-def]
        saved = self.model.backlinks
        self.model.backlinks = {}
        try:
            return real(self, note, *args)
        finally:
            self.model.backlinks = saved

    monkeypatch.setattr(PageInputs, "digest", without_backlinks)
    site.build()
    _rewrite(site, "es/Gato 🟡③.md", "Un felino.", "Un felino pequeño.")
    monkeypatch.setenv(VERIFY_ENV, "1")
    with caplog.at_level(logging.WARNING):
        site.build()
    stale = [r.getMessage() for r in caplog.records if "would have been stale" in r.getMessage()]
    assert stale == ["glosa: es/Perro 🟡③.md: settled from the cache, this page would have "
                     "been stale"]


def test_pages_in_two_processes_settle_and_keep_page_order(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """With the pages split between processes, each takes the settled pages of its share;
    the search records reach the index in page order (the same bundle as a cold build)."""
    site = Site(tmp_path, options="      workers: 2\n")
    many = {f"es/Término {n:03d} 🟢④.md": seed_note(
        f"Término {n:03d} 🟢④", body=f"Texto {n}. Ver [[Término {(n + 1) % 600:03d} 🟢④]].")
        for n in range(600)}
    write_vault(site.vault, many)
    site.build()
    _rewrite(site, "es/Término 300 🟢④.md", "Texto 300.", "Texto 300 cambiado.")
    with caplog.at_level(logging.DEBUG):
        warm = site.build()
    assert "pages are built in 2 processes" in caplog.text
    # 301's backlinks quote 300's text around its link.
    assert {"es/Término 300 🟢④.md", "es/Término 301 🟢④.md"}.isdisjoint(warm.taken_whole)
    assert len(warm.taken_whole) == len(NOTES) + 600 - 2
    site.assert_same_as_cold()


def test_a_settled_page_keeps_its_body_for_the_builds_after(site: Site) -> None:
    """A page taken whole keeps its kept body: when a later edit elsewhere makes the page
    again (its backlinks quote the edited note), its body still comes from the cache."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    def bodies() -> tuple[set[str], set[str]]:
        config = load_config(str(site.config("cached", True)))
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        plugin = config.plugins["glosa"]
        return plugin.page_cache.taken_whole, plugin.body_cache.hits

    bodies()
    whole, _ = bodies()
    assert "es/Perro 🟡③.md" in whole
    _rewrite(site, "es/Gato 🟡③.md", "Un felino.", "Un felino pequeño.")
    whole, hits = bodies()
    assert "es/Perro 🟡③.md" not in whole and "es/Perro 🟡③.md" in hits
    site.assert_same_as_cold()


def test_listings_are_kept_by_what_their_templates_are_given(site: Site) -> None:
    """Generated pages' listings (A–Z, tags, sections, levels) come back from the cache
    while their values are the same; a renamed note renders the listings that show it."""
    first = site.build()
    assert first.listings.rendered and not first.listings.hits
    second = site.build()
    assert second.listings.hits == first.listings.rendered and not second.listings.rendered
    site.assert_same_as_cold()
    _rename(site, "es/Roca 🟢④.md", "es/Roca volcánica 🟢④.md")
    third = site.build()
    assert third.listings.rendered  # the A–Z index, Roca's level, ...
    assert third.listings.hits
    az = (site.tmp / "cached" / "site" / "es" / "az" / "index.html").read_text("utf-8")
    assert "Roca volcánica" in az
    site.assert_same_as_cold()


def test_a_build_after_serving_in_the_same_process_settles_pages(site: Site) -> None:
    """MkDocs keeps a plugin with on_startup between loads of the settings in one process:
    a build after `mkdocs serve` there is a build, without the editor loop's fast path."""
    from mkdocs.config import load_config

    site.build()
    config = load_config(str(site.config("cached", True)))
    plugin = config.plugins["glosa"]
    config.plugins.on_startup(command="serve", dirty=False)
    assert plugin._live is not None
    config.plugins.on_startup(command="build", dirty=False)
    assert plugin._live is None
    assert site.build().taken_whole == set(NOTES)
