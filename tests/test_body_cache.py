"""Note bodies kept between builds (body_cache.py): a body is taken from the cache only
while its note's text and everything its render read (link resolutions, addresses,
embedded notes' text, the settings) are unchanged; the site is then the same bytes as a
build without the cache."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from glosa.adapter.settled_pages import VERIFY_ENV
from glosa.cache import CacheStore, pack, unpack

from .conftest import seed_note, write_vault
from .test_page_cache import Site

EVERY_NOTE = {"es/Índice ⚫①.md", "es/Leyenda 🔴②.md", "es/Gato 🟡③.md", "es/Perro 🟡③.md",
              "es/Pez 🟢④.md", "es/Agua 🟢④.md", "es/Roca 🟢④.md"}


def _bodies(site: Site, options: str | None = None) -> Any:
    """Build the cached site in this process; the plugin's body cache."""
    if options is not None:
        site.options = options
    config = load_config(str(site.config("cached", True)))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    bodies = config.plugins["glosa"].body_cache
    assert bodies is not None
    return bodies


def _page(site: Site, slug: str) -> str:
    return (site.tmp / "cached" / "site" / "es" / slug / "index.html").read_text("utf-8")


def _write(site: Site, path: str, body: str) -> None:
    title = path.rsplit("/", 1)[-1][:-3]
    write_vault(site.vault, {path: seed_note(title, body=body)})


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Site:
    # The bodies on their own: every page made (none taken whole from the cache, as
    # settled_pages.py would), and none found stale.
    monkeypatch.setenv(VERIFY_ENV, "1")
    return Site(tmp_path)


def test_a_second_build_renders_no_body(site: Site) -> None:
    first = _bodies(site)
    assert first.rendered == EVERY_NOTE and not first.hits
    second = _bodies(site)
    assert second.hits == EVERY_NOTE and not second.rendered
    site.assert_same_as_cold()


def test_an_edited_note_alone_is_rendered_again(site: Site) -> None:
    _bodies(site)
    _write(site, "es/Roca 🟢④.md", "Piedra sin enlaces.")
    warm = _bodies(site)
    assert warm.rendered == {"es/Roca 🟢④.md"}
    assert "Piedra" in _page(site, "roca")
    site.assert_same_as_cold()


def test_a_renamed_link_target_renders_the_notes_linking_to_it(site: Site) -> None:
    _bodies(site)
    (site.vault / "es/Agua 🟢④.md").unlink()
    write_vault(site.vault, {"es/Agua dulce 🟢④.md": seed_note(
        "Agua dulce 🟢④", body="Líquido.", extra="aliases:\n  - Agua 🟢④\n")})
    warm = _bodies(site)
    # Pez's own text is unchanged; its link now goes to another address.
    assert {"es/Pez 🟢④.md", "es/Agua dulce 🟢④.md"} <= warm.rendered
    assert "es/Roca 🟢④.md" in warm.hits
    assert 'href="../agua-dulce/"' in _page(site, "pez")
    site.assert_same_as_cold()


def test_a_deleted_link_target_renders_the_notes_linking_to_it(site: Site) -> None:
    _bodies(site)
    (site.vault / "es/Perro 🟡③.md").unlink()
    warm = _bodies(site)
    assert "es/Gato 🟡③.md" in warm.rendered
    assert "glosa-broken" in _page(site, "gato")
    site.assert_same_as_cold()


def test_a_heading_added_to_a_link_target_renders_the_note_linking_to_it(site: Site) -> None:
    _write(site, "es/Pez 🟢④.md", "Nada en [[Agua 🟢④#Uso]].")
    _bodies(site)
    assert "glosa-broken" in _page(site, "pez")
    # The address of Agua's page is the same; the anchor now exists.
    _write(site, "es/Agua 🟢④.md", "Líquido.\n\n## Uso\n\nBeber.")
    warm = _bodies(site)
    assert "es/Pez 🟢④.md" in warm.rendered
    assert 'href="../agua/#uso"' in _page(site, "pez")
    site.assert_same_as_cold()


def test_an_embedded_note_changed_renders_the_note_embedding_it(site: Site) -> None:
    _write(site, "es/Pez 🟢④.md", "Nada en:\n\n![[Agua 🟢④]]")
    _bodies(site)
    assert "Líquido." in _page(site, "pez")
    _write(site, "es/Agua 🟢④.md", "Incoloro.")
    warm = _bodies(site)
    assert {"es/Pez 🟢④.md", "es/Agua 🟢④.md"} <= warm.rendered
    assert "Incoloro." in _page(site, "pez")
    site.assert_same_as_cold()


def test_a_note_embedded_two_levels_down_renders_the_outer_note(site: Site) -> None:
    _write(site, "es/Pez 🟢④.md", "Nada en:\n\n![[Agua 🟢④]]")
    _write(site, "es/Agua 🟢④.md", "Como la [[Roca 🟢④]]:\n\n![[Roca 🟢④]]")
    _bodies(site)
    _write(site, "es/Roca 🟢④.md", "Granito.")
    warm = _bodies(site)
    assert "es/Pez 🟢④.md" in warm.rendered
    assert "Granito." in _page(site, "pez")
    site.assert_same_as_cold()


def test_a_settings_change_renders_every_body(site: Site) -> None:
    _write(site, "es/Pez 🟢④.md", "Nada en:\n\n![[Agua 🟢④]]")
    _bodies(site)
    warm = _bodies(site, options="      search: false\n      embed_depth: 0\n")
    assert warm.rendered == EVERY_NOTE and not warm.hits
    assert "markdown-embed" not in _page(site, "pez")
    site.assert_same_as_cold()


def _rewrite_bodies(store: CacheStore, folder: Path,
                    change: Callable[[str, list[Any]], list[Any] | None]) -> None:
    """Pack every kept body again, as ``change`` makes it (None: left out), into a new
    bodies file under the build's own key (as another glosa could have left them)."""
    listed = store.load("bodies")
    assert isinstance(listed, dict)
    data = (folder / f"{listed['blob']}.bin").read_bytes()
    out = bytearray()
    pages = {}
    for src, (key, offset, size, _digest) in listed["pages"].items():
        body = change(src, unpack(data[offset:offset + size]))
        if body is None:
            continue
        packed = pack(body)
        pages[src] = [key, len(out), len(packed),
                      hashlib.blake2b(packed, digest_size=16).hexdigest()]
        out += packed
    (folder / "0123456789abcdef.bin").write_bytes(bytes(out))
    store.save("bodies", {"blob": "0123456789abcdef", "pages": pages})


@pytest.mark.parametrize("damage", ["list", "body", "missing", "shape", "question"])
def test_a_damaged_entry_is_ignored(site: Site, damage: str) -> None:
    first = _bodies(site)
    entry = site.cache_dir / "bodies.msgpack"
    folder = site.cache_dir / "bodies"
    (blob,) = folder.glob("*.bin")
    expected = EVERY_NOTE
    if damage == "list":
        data = entry.read_bytes()
        entry.write_bytes(data[:90] + bytes(255 - b for b in data[90:]))
    elif damage == "missing":
        blob.unlink()
    elif damage == "body":
        # One byte of Gato's body: its digest no longer matches; the others still do.
        listed = first.store.load("bodies")
        _key, offset, size, _digest = listed["pages"]["es/Gato 🟡③.md"]
        data = bytearray(blob.read_bytes())
        data[offset + size // 2] ^= 1
        blob.write_bytes(bytes(data))
        expected = {"es/Gato 🟡③.md"}
    else:
        def change(src: str, body: list[Any]) -> list[Any] | None:
            if damage == "shape":
                if src == "es/Gato 🟡③.md":
                    body[2] = 7  # content: not text
                elif src == "es/Pez 🟢④.md":
                    body = body[:3]
            elif src == "es/Gato 🟡③.md":
                body[0].append([["what", 1], None])
            elif src == "es/Pez 🟢④.md":
                body[0].append([["link", "es/Pez 🟢④.md", 99], None])
            return body

        _rewrite_bodies(first.store, folder, change)
        expected = {"es/Gato 🟡③.md", "es/Pez 🟢④.md"}
    warm = _bodies(site)
    assert warm.rendered == expected and warm.hits == EVERY_NOTE - expected
    site.assert_same_as_cold()
    # The damaged ones rendered again are kept again, in one bodies file.
    assert len(list(folder.glob("*.bin"))) == 1
    assert _bodies(site).hits == EVERY_NOTE


def test_bodies_are_read_from_their_file_when_a_page_asks(site: Site) -> None:
    """A build holds no kept body in memory: it reads each from the bodies file when its
    page is built, and writes the bodies it rendered to a file as it goes."""
    _bodies(site)
    _write(site, "es/Roca 🟢④.md", "Piedra sin enlaces.")
    config = load_config(str(site.config("cached", True)))
    config.plugins.on_startup(command="build", dirty=False)
    plugin = config.plugins["glosa"]
    build(config)
    bodies = plugin.body_cache
    assert bodies.rendered == {"es/Roca 🟢④.md"} and bodies.hits == EVERY_NOTE - bodies.rendered
    # What a kept page holds in memory: where its body is, never the body.
    assert bodies._kept.keys() == EVERY_NOTE
    assert all(len(value) == 4 and not any(isinstance(v, str) and len(v) > 40 for v in value)
               for value in bodies._kept.values())
    # The new file holds Roca's new body and the reused ones; the earlier file is gone.
    (blob,) = (site.cache_dir / "bodies").glob("*.bin")
    assert b"Piedra sin enlaces." in blob.read_bytes()
    assert not list((site.cache_dir / "bodies").glob(".*.tmp"))
    site.assert_same_as_cold()


def _search(site: Site) -> Any:
    """Build the cached site with search on; its search index (search_cache.py)."""
    site.options = ""
    config = load_config(str(site.config("cached", True)))
    config.plugins.on_startup(command="build", dirty=False)
    plugin = config.plugins["glosa"]
    indexers = []
    start = plugin._start_search_index

    def capture(*args: Any, **kwargs: Any) -> None:
        start(*args, **kwargs)
        indexers.append(plugin._indexer)

    plugin._start_search_index = capture
    build(config)
    return indexers[-1]


def test_an_unchanged_search_bundle_is_reused_and_a_changed_one_is_written(
        site: Site) -> None:
    first = _search(site)
    assert first.indexed == {"es", "en"} and not first.reused  # en: its home page
    second = _search(site)
    assert second.reused == {"es", "en"} and not second.indexed
    site.assert_same_as_cold()
    _write(site, "es/Roca 🟢④.md", "Piedra sin enlaces.")
    third = _search(site)
    assert third.indexed == {"es"} and third.reused == {"en"}
    site.assert_same_as_cold()
    # The bundle written for the edit is the one kept now.
    assert _search(site).reused == {"es", "en"}
    site.assert_same_as_cold()


def test_a_damaged_kept_search_file_is_not_used(site: Site) -> None:
    _search(site)
    kept = sorted(path for path in (site.cache_dir / "search" / "es").rglob("*")
                  if path.is_file())
    assert kept
    # Hard links: the site's copy is rewritten by the next build, not the kept file.
    data = kept[0].read_bytes()
    kept[0].unlink()
    kept[0].write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    again = _search(site)
    assert again.indexed == {"es"} and again.reused == {"en"}
    site.assert_same_as_cold()


def test_a_search_file_changed_through_its_link_in_the_site_is_not_used(site: Site) -> None:
    """A kept bundle's files are linked into the site: one changed there in place (the
    same file) is found by its size and time, checked by its bytes, and not used."""
    _search(site)
    bundle = site.tmp / "cached" / "site" / "pagefind" / "es"
    fragment = sorted(path for path in bundle.rglob("*.pf_fragment"))[0]
    kept = site.cache_dir / "search" / "es" / fragment.relative_to(bundle)
    assert os.path.samefile(fragment, kept)
    with fragment.open("r+b") as handle:
        first = handle.read(1)
        handle.seek(0)
        handle.write(bytes([first[0] ^ 1]))
    again = _search(site)
    assert again.indexed == {"es"} and again.reused == {"en"}
    site.assert_same_as_cold()
