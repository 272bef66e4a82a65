"""What a build lets go of to stay small (a 10,000-note site): written pages drop their
content, term furniture and listings are made right before each page's template, search
records wait on disk, strings packed for the cache keep no second copy. Each test checks
that nothing a later step needs was dropped."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from glosa.cache import pack, unpack
from glosa.site.model import _line_starts, _nth_line
from glosa.site.search_index import RecordSpool, SearchIndexer, SearchIndexError, search_record

from .test_page_cache import Site


def _build(site: Site, cache: bool) -> tuple[Any, list[Any], dict[str, str]]:
    """Build in this process; the plugin, the pages, and each page's content as its
    template was given it (seen from the page cache's callback when on)."""
    config = load_config(str(site.config("cached" if cache else "cold", cache)))
    config.plugins.on_startup(command="build", dirty=False)
    plugin = config.plugins["glosa"]
    seen: dict[str, str] = {}
    pages: list[Any] = []
    context_hook = type(plugin).on_page_context

    def on_page_context(self: Any, context: Any, *, page: Any, **kwargs: Any) -> Any:
        out = context_hook(self, context, page=page, **kwargs)
        seen[page.file.src_uri] = page.content
        pages.append(page)
        return out

    # The hooks are bound when the settings are loaded: patched on the instance's class
    # for this build only.
    original = plugin.on_page_context
    config.plugins.events["page_context"] = [
        (lambda context, **kw: on_page_context(plugin, context, **kw))
        if handler == original else handler
        for handler in config.plugins.events["page_context"]]
    build(config)
    return plugin, pages, seen


@pytest.mark.parametrize("cache", [True, False])
def test_written_pages_let_go_of_their_content_and_furniture(tmp_path: Path,
                                                             cache: bool) -> None:
    site = Site(tmp_path)
    plugin, pages, seen = _build(site, cache)
    notes = [page for page in pages if page.meta.get("glosa_kind") == "note"]
    assert len(notes) == 7
    # Every page but the last written holds no content nor term furniture any more ...
    for page in pages[:-1]:
        assert page.content == ""
        if page.meta.get("glosa_kind") == "note":
            assert set(page.meta["glosa"]) == {"alternates"}  # for the sitemap
    # ... and each had them when its template ran: term furniture, listing, body.
    gato = next(page for page in pages if page.file.src_uri == "es/Gato 🟡③.md")
    assert "felino" in seen["es/Gato 🟡③.md"]
    assert gato.title == "Gato" and gato.toc is not None
    az = next(src for src, spec in plugin.generated.items()
              if spec["kind"] == "az" and spec["lang"] == "es")
    assert "Perro" in seen[az] and f"glosa{plugin._nonce}" not in seen[az]
    site_dir = tmp_path / ("cached" if cache else "cold") / "site"
    perro = (site_dir / "es" / "perro" / "index.html").read_text("utf-8")
    assert "glosa-backlinks" in perro and "felino" in perro  # Gato's snippet
    az_page = (site_dir / plugin.urls[az].strip("/") / "index.html").read_text("utf-8")
    assert "Perro" in az_page and "Roca" in az_page
    if cache:
        site.assert_same_as_cold()


def test_a_generated_home_is_searched_with_its_listing(tmp_path: Path) -> None:
    site = Site(tmp_path, options="")
    plugin, _pages, _seen = _build(site, False)
    assert plugin.generated["en/index.md"]["kind"] == "home"  # the vault has no en notes
    bundle = tmp_path / "cold" / "site" / "pagefind" / "en"
    (record,) = [json.loads(gzip.decompress(path.read_bytes())[12:])
                 for path in (bundle / "fragment").iterdir()]
    assert record["url"] == "/en/"
    # Its overview and downloads, which its listing holds.
    assert "A–Z index" in record["content"] and "glossary.tbx" in record["content"]


def test_the_spool_gives_back_each_record_in_order() -> None:
    spool = RecordSpool()
    records = [("/es/a/", "<p>uno</p>"), ("/es/ñ/", "é" * 70_000), ("/es/x/", ""),
               ("/es/s/", "lone \ud800 surrogate")]
    for url, record in records:
        spool.append(url, record)
    assert list(spool) == records
    # A reader that stops early leaves the next record to go at the end.
    assert next(iter(spool)) == records[0]
    spool.append("/es/z/", "<p>más</p>")
    assert list(spool) == [*records, ("/es/z/", "<p>más</p>")]
    spool.close()


def test_a_spool_that_cannot_be_written_is_a_clear_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    spool = RecordSpool()

    def full(data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(spool._file, "write", full)
    with pytest.raises(SearchIndexError, match=r"temporary file.*No space left"):
        spool.append("/es/a/", "<p>uno</p>")
    assert spool.count == 0
    spool.close()


def _record(title: str, lang: str) -> str:
    return search_record(f"<h1>{title}</h1><p>texto</p>", title=title, lang=lang)


def test_each_language_has_its_own_pagefind_and_a_late_page_is_indexed(
        tmp_path: Path) -> None:
    indexer = SearchIndexer(tmp_path / "pagefind", expected={"en": ["/en/a/"],
                                                              "es": ["/es/a/"]})
    indexer.add("en", "/en/a/", _record("One", "en"))
    indexer.add("es", "/es/a/", _record("Uno", "es"))
    processes = {lang: item._process.pid for lang, item in indexer._by_lang.items()}
    assert len(set(processes.values())) == 2
    # After its bundle was written (and Pagefind let go of its index): indexed again,
    # from the spool, with every page.
    indexer._by_lang["en"]._wait_written(indexer._bundles["en"])
    indexer.add("en", "/en/late/", _record("Late", "en"))
    indexer.finish()
    pages = {json.loads(gzip.decompress(path.read_bytes())[12:])["url"]
             for path in (tmp_path / "pagefind" / "en" / "fragment").iterdir()}
    assert pages == {"/en/a/", "/en/late/"}


def test_lines_are_found_as_split_finds_them() -> None:
    for text in ["", "a", "a\n", "\n\n", "uno\ndos\n\ntres", "x\r\ny"]:
        lines = text.split("\n")
        split = _line_starts(text)
        for index in range(-len(lines), len(lines)):
            assert _nth_line(*split, index) == lines[index]
        for index in (len(lines), -len(lines) - 1):
            with pytest.raises(IndexError):
                _nth_line(*split, index)


def test_packing_a_string_keeps_no_second_copy_in_it() -> None:
    text = "definición " * 2000
    size = sys.getsizeof(text)
    assert unpack(pack({"body": text})) == {"body": text}
    assert sys.getsizeof(text) == size
