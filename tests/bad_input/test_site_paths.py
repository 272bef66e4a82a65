"""No value from a note names a path glosa writes or removes (issue items 1, 5, 8, 11).

Languages are checked against the configured ones, output paths come from glosa's own
slugs, every write or removal goes through one check (``safepaths.inside``), and two notes
never share one page.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.structure.files import File

from glosa.adapter.plugin import _search_url
from glosa.safepaths import UnsafePathError, inside, remove_tree, site_language, unique_slugs
from glosa.site.model import slug_for_url
from glosa.site.search_index import SearchIndexer, SearchIndexError

from ..conftest import VaultFactory, seed_note
from .sites import BASE, build_site

#: What a hostile `lang:` (or tag, title...) may hold: separators, dots, absolute paths.
HOSTILE_PARTS = st.lists(st.sampled_from(["/", "\\", "..", ".", "~", "a", "es", "\x00", " ",
                                          "%2e", "C:", "\n", "/tmp", "/etc"]),
                         max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(HOSTILE_PARTS, st.text(max_size=20)))
def test_a_page_language_is_always_a_configured_one(value: str) -> None:
    assert site_language(value, ("es", "en"), "es") in ("es", "en")


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.one_of(HOSTILE_PARTS, st.text(max_size=20)))
def test_no_path_outside_the_site_folder_passes(tmp_path: Path, value: str) -> None:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    candidate = site / value.replace("\x00", "")
    resolved = Path(os.path.realpath(candidate))
    inside_site = resolved.is_relative_to(Path(os.path.realpath(site)))
    if inside_site:
        assert inside(site, candidate) == resolved
    else:
        with pytest.raises(UnsafePathError):
            inside(site, candidate)


def test_removal_never_leaves_the_site_folder(tmp_path: Path) -> None:
    site, victim = tmp_path / "site", tmp_path / "victim"
    site.mkdir()
    victim.mkdir()
    (victim / "keep.txt").write_text("x")
    for target in (victim, site / ".." / "victim", site):
        with pytest.raises(UnsafePathError):
            remove_tree(site, target)
    (site / "link").symlink_to(victim)
    with pytest.raises(UnsafePathError):
        remove_tree(site, site / "link")
    assert (victim / "keep.txt").is_file()


@pytest.mark.parametrize("lang", ["/tmp", "..", "../x", "es/../../x", "", "ES", "e s"])
def test_search_bundles_are_named_by_language_codes_only(tmp_path: Path, lang: str) -> None:
    indexer = SearchIndexer(tmp_path / "pagefind")
    try:
        with pytest.raises(SearchIndexError):
            indexer.add(lang, "/x/", "<html><body><p>x</p></body></html>")
    finally:
        indexer.abort()


def test_two_pages_at_one_url_with_a_hostile_lang_remove_nothing(
        tmp_path: Path, make_vault: VaultFactory, caplog: pytest.LogCaptureFixture) -> None:
    """`Foo.md` and `Foo/index.md` are one page URL; with search on, the second page used
    to make glosa rewrite (rmtree) the bundle folder named by the note's `lang:`."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me", encoding="utf-8")
    note = seed_note("Foo ⚫①").replace("lang: ES", f"lang: '{victim}'")
    root = make_vault({**BASE, "es/Foo.md": note, "es/Foo/index.md": note})
    # Title-style addresses: the two files are one URL (slug URLs move `Foo.md` anyway).
    site, log = build_site(root, tmp_path, caplog,
                           options="      search: true\n      url_style: title\n")
    assert (victim / "precious.txt").read_text(encoding="utf-8") == "keep me"
    assert not any(p.name == "victim" for p in (site / "pagefind").iterdir())
    # The two files got two pages, and the build said so.
    assert "es/Foo/index.md" in log and "es/Foo.md" in log
    assert sorted(p.relative_to(site).as_posix() for p in site.glob("es/Foo*/index.html")) == [
        "es/Foo-2/index.html", "es/Foo/index.html"]


@pytest.mark.parametrize("url_style", ["title", "slug"])
def test_notes_that_share_a_url_each_get_their_own_page(
        tmp_path: Path, make_vault: VaultFactory, caplog: pytest.LogCaptureFixture,
        url_style: str) -> None:
    root = make_vault({
        **BASE,
        "es/Foo.md": seed_note("Foo", body="Cuerpo de la nota sin marca."),
        "es/Foo ⚫①.md": seed_note("Foo ⚫①", body="Cuerpo de la nota con marca."),
        "es/caso.md": seed_note("caso", body="Minúsculas."),
        "es/Caso.md": seed_note("Caso", body="Mayúscula."),
        "es/Cafe\u0301.md": seed_note("Cafe\u0301", body="Descompuesta."),
        "es/Caf\u00e9.md": seed_note("Caf\u00e9", body="Compuesta."),
    })
    site, log = build_site(root, tmp_path, caplog,
                           options=f"      search: false\n      url_style: {url_style}\n")
    listings = {"es/Índice ⚫①", "es/Leyenda 🔴②", "es/indice", "es/leyenda", "es/az",
                "es/tags", "es/sections"}
    pages = {p.parent.relative_to(site).as_posix(): p.read_text("utf-8")
             for p in site.glob("es/*/index.html")}
    pages = {name: text for name, text in pages.items() if name not in listings}
    for body in ("sin marca", "con marca", "Minúsculas", "Mayúscula", "Descompuesta",
                 "Compuesta"):
        holding = [name for name, text in pages.items() if body in text]
        assert len(holding) == 1, (body, holding)
    if url_style == "title":
        assert "sin marca" in pages["es/Foo"] and "con marca" in pages["es/Foo ⚫①"]
    else:
        # One title, two levels: one slug, numbered in path order and reported.
        assert "sin marca" in pages["es/foo-2"] and "con marca" in pages["es/foo"]
        assert "es/Foo.md: published at 'es/foo-2/': 'es/Foo ⚫①.md' already has 'es/foo/'" \
            in log
        assert {name for name in pages if "Descompuesta" in pages[name]
                or "Compuesta" in pages[name]} == {"es/cafe", "es/cafe-2"}
    folded = [p.casefold() for p in pages]
    import unicodedata
    assert len({unicodedata.normalize("NFC", p) for p in folded}) == len(folded)
    assert "es/caso.md" in log and "es/Caso.md" in log


TAGS = ["C++", "C#", "C", "c", "index", "README", "Índice", "indice", "a/b", "..", "x y"]


@settings(max_examples=200, deadline=None)
@given(names=st.lists(st.one_of(st.sampled_from(TAGS), st.text(max_size=8)), max_size=12))
def test_tag_slugs_are_unique_and_never_an_index(names: list[str]) -> None:
    slugs = unique_slugs(names, slug_for_url)
    assert set(slugs) == set(names)
    folded = [s.casefold() for s in slugs.values()]
    assert len(set(folded)) == len(folded)
    assert not {"index", "readme"} & set(folded)
    assert all(re.fullmatch(r"[\w-]+", s) and ".." not in s for s in slugs.values())
    assert unique_slugs(list(reversed(names)), slug_for_url) == slugs


def test_tags_get_pages_of_their_own(tmp_path: Path, make_vault: VaultFactory,
                                     caplog: pytest.LogCaptureFixture) -> None:
    files = dict(BASE)
    for number, tag in enumerate(["C++", "C#", "C", "index"]):
        files[f"es/N{number} 🟡③.md"] = seed_note(f"N{number} 🟡③").replace(
            "tags:\n", f"tags:\n  - '{tag}'\n")
    site, _log = build_site(make_vault(files), tmp_path, caplog)
    index = (site / "es" / "tags" / "index.html").read_text("utf-8")
    # The tags index is still the index, and lists every tag as written.
    assert all(f">#{tag}<" in index for tag in ("C++", "C#", "C", "index"))
    titles = sorted(re.search(r"<h1[^>]*>(.*?)</h1>", p.read_text("utf-8"), re.S).group(1)
                    for p in (site / "es" / "tags").glob("*/index.html"))
    assert len(titles) == 4
    assert [t for t in titles if t.endswith(": C")] and [t for t in titles if "C++" in t]


UNC_NAMES = ["\\\\host\\x", "\\\\evil.example\\share", "\\/evil.example", "\t/evil",
             "\n", "\\", "a\\..\\..\\b"]


@settings(max_examples=300, deadline=None)
@given(name=st.one_of(st.sampled_from(UNC_NAMES),
                      st.text(alphabet=st.sampled_from(list("\\/\t\n\r .%5Ccx")), min_size=1,
                              max_size=10)))
def test_search_urls_never_leave_the_site(name: str) -> None:
    parts = [p for p in name.split("/") if p not in ("", ".", "..")] or ["x"]
    src = "/".join(parts) + ".md"
    file = File(src, "/docs", "/site", use_directory_urls=True)
    url = _search_url(file)
    # What a browser makes of it: backslashes are slashes, tabs and newlines are dropped.
    seen = re.sub(r"[\t\n\r]", "", url).replace("\\", "/")
    assert seen.startswith("/") and not seen.startswith("//"), url
    assert all(c not in url for c in "\\\t\n\r")


def test_note_named_like_a_unc_path_stays_on_the_site(tmp_path: Path,
                                                       make_vault: VaultFactory) -> None:
    from glosa.adapter.plugin import GlosaPlugin

    from .sites import site_config

    root = make_vault({**BASE, "es/\\\\evil.example\\x.md": seed_note("x")})
    config = site_config(root, tmp_path, options="      search: false\n      url_style: title\n")
    plugin = config.plugins["glosa"]
    assert isinstance(plugin, GlosaPlugin)
    from mkdocs.commands.build import get_files

    config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    urls = [_search_url(f) for f in files.documentation_pages()]
    assert any("%5C%5Cevil.example%5Cx" in u for u in urls), urls
    assert not any(set("\t\n\r\\") & set(u) for u in urls)
