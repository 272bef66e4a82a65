"""The build cache (page_build.py): a build that takes pages from `.cache/glosa` writes the
same bytes, file for file, as a build without the cache; only pages whose inputs changed are
rendered again; a damaged or stale cache is not used."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from glosa.cache import shared_store

from .conftest import age_files, seed_note, write_vault

NOTES: dict[str, str | bytes] = {
    "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None, body="Raíz: [[Gato 🟡③]]."),
    "es/Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
    "es/Gato 🟡③.md": seed_note("Gato 🟡③", body="Un felino. Ver [[Perro 🟡③]]."),
    "es/Perro 🟡③.md": seed_note("Perro 🟡③", body="Un cánido."),
    "es/Pez 🟢④.md": seed_note("Pez 🟢④", body="Nada en [[Agua 🟢④]]."),
    "es/Agua 🟢④.md": seed_note("Agua 🟢④", body="Líquido."),
    "es/Roca 🟢④.md": seed_note("Roca 🟢④", body="Mineral sin enlaces."),
}


class Site:
    """A vault and two configurations of it: the cache on, and off (the reference)."""

    def __init__(self, tmp_path: Path, options: str = "      search: false\n") -> None:
        self.tmp = tmp_path
        self.vault = write_vault(tmp_path / "vault", dict(NOTES))
        self.options = options
        self.site_name = "T"
        self.custom: Path | None = None

    def config(self, name: str, cache: bool) -> Path:
        folder = self.tmp / name
        folder.mkdir(exist_ok=True)
        theme = "theme:\n  name: material\n"
        if self.custom is not None:
            theme += f"  custom_dir: {self.custom}\n"
        path = folder / "mkdocs.yml"
        path.write_text(
            f"site_name: {self.site_name}\ndocs_dir: {self.vault}\nsite_dir: {folder / 'site'}\n"
            f"{theme}plugins:\n  - glosa:\n      cache: {str(cache).lower()}\n{self.options}",
            encoding="utf-8")
        return path

    def build(self, name: str = "cached", cache: bool = True) -> Any:
        """Build in this process (a new plugin each time, as a new process has); the
        plugin's page cache (None when off)."""
        config = load_config(str(self.config(name, cache)))
        # As `mkdocs build` does (MkDocs keeps a plugin with on_startup between loads of
        # the settings in one process: an earlier test may have left it serving).
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        return config.plugins["glosa"].page_cache

    @property
    def cache_dir(self) -> Path:
        return self.tmp / "cached" / ".cache" / "glosa"

    def assert_same_as_cold(self) -> None:
        """Every file of the cached build's site is the cold build's, byte for byte."""
        assert self.build("cold", cache=False) is None
        cold, warm = _files(self.tmp / "cold" / "site"), _files(self.tmp / "cached" / "site")
        assert sorted(cold) == sorted(warm)
        different = [name for name in cold if cold[name] != warm[name]]
        assert not different, different[:10]


def _files(site: Path) -> dict[str, str]:
    found = {}
    for dirpath, _dirnames, filenames in os.walk(site):
        for name in filenames:
            path = Path(dirpath) / name
            found[path.relative_to(site).as_posix()] = hashlib.sha256(
                path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def site(tmp_path: Path) -> Site:
    # Without the search bundle (compared in the first test): Pagefind's own output once
    # came out with an empty pagefind-entry.json in one build of two, cache or not.
    return Site(tmp_path)


def test_a_second_build_renders_nothing_and_writes_the_same_bytes(tmp_path: Path) -> None:
    site = Site(tmp_path, options="")  # search on: its bundle is compared too
    first = site.build()
    assert first is not None and not first.hits and "es/Gato 🟡③.md" in first.rendered
    pages = set(first.rendered)
    assert (site.cache_dir / ".gitignore").is_file()
    second = site.build()
    assert second.hits == pages and not second.rendered
    site.assert_same_as_cold()


def test_a_build_keeps_the_notes_it_parsed_for_the_next_one(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """The notes a build read are in the cache when it ends (written while it waits for
    its search index): the next build, a new plugin as a new process has, parses none."""
    import glosa.reading.parser as parser

    age_files(site.vault)
    parsed: list[str] = []
    real = parser.parse_note

    def counted(data: bytes, rel: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(rel)
        return real(data, rel, *args, **kwargs)

    monkeypatch.setattr(parser, "parse_note", counted)
    site.build()
    assert sorted(parsed) == sorted(NOTES)
    parsed.clear()
    site.build()
    assert parsed == []


def test_an_edited_note_is_rendered_again_and_an_unrelated_one_is_not(site: Site) -> None:
    site.build()
    note = site.vault / "es/Roca 🟢④.md"
    note.write_text(note.read_text("utf-8").replace("Mineral", "Piedra"), "utf-8")
    warm = site.build()
    assert "es/Roca 🟢④.md" in warm.rendered
    assert {"es/Gato 🟡③.md", "es/Perro 🟡③.md", "es/Pez 🟢④.md"} <= warm.hits
    page = site.tmp / "cached" / "site" / "es" / "roca" / "index.html"
    assert "Piedra" in page.read_text("utf-8")
    site.assert_same_as_cold()


def test_a_renamed_link_target_renders_the_pages_that_link_to_it(site: Site) -> None:
    site.build()
    (site.vault / "es/Agua 🟢④.md").unlink()
    write_vault(site.vault, {"es/Agua dulce 🟢④.md": seed_note(
        "Agua dulce 🟢④", body="Líquido.", extra="aliases:\n  - Agua 🟢④\n")})
    warm = site.build()
    # Pez links to it: its link now goes to the new page.
    assert {"es/Pez 🟢④.md", "es/Agua dulce 🟢④.md"} <= warm.rendered
    assert {"es/Gato 🟡③.md", "es/Perro 🟡③.md", "es/Roca 🟢④.md"} <= warm.hits
    pez = (site.tmp / "cached" / "site" / "es" / "pez" / "index.html").read_text("utf-8")
    assert 'href="../agua-dulce/"' in pez
    site.assert_same_as_cold()


def test_deleted_and_added_notes(site: Site) -> None:
    site.build()
    (site.vault / "es/Perro 🟡③.md").unlink()
    write_vault(site.vault, {"es/Lobo 🟡③.md": seed_note("Lobo 🟡③", body="Salvaje.")})
    warm = site.build()
    assert "es/Lobo 🟡③.md" in warm.rendered
    assert "es/Gato 🟡③.md" in warm.rendered  # its link to Perro is broken now
    assert "es/Roca 🟢④.md" in warm.hits
    assert not (site.tmp / "cached" / "site" / "es" / "perro").exists()
    site.assert_same_as_cold()
    # The page of the deleted note is no longer kept in the cache.
    kept = len(list((site.cache_dir / "pages").glob("*.html")))
    assert kept == len(warm.hits | warm.rendered)


def test_a_settings_change_renders_every_page(site: Site) -> None:
    first = site.build()
    site.site_name = "Otro"
    warm = site.build()
    assert not warm.hits and warm.rendered == first.rendered
    site.assert_same_as_cold()


def test_a_theme_override_change_renders_every_page(site: Site) -> None:
    site.custom = site.tmp / "overrides"
    (site.custom / "partials").mkdir(parents=True)
    footer = site.custom / "partials" / "copyright.html"
    footer.write_text("<p>pie uno</p>", "utf-8")
    first = site.build()
    footer.write_text("<p>pie dos</p>", "utf-8")
    warm = site.build()
    assert not warm.hits and warm.rendered == first.rendered
    page = site.tmp / "cached" / "site" / "es" / "roca" / "index.html"
    assert "pie dos" in page.read_text("utf-8")
    site.assert_same_as_cold()


def test_a_damaged_page_file_is_not_used(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    site.build()
    pages = sorted((site.cache_dir / "pages").glob("*.html"))
    # A page changed through its link in site_dir (a deploy step editing it in place), and
    # one cut short: both are rendered again, the others come from the cache.
    with pages[0].open("r+b") as handle:
        handle.seek(200)
        handle.write(b"<script>alert(1)</script>")
    pages[1].write_bytes(pages[1].read_bytes()[:100])
    caplog.set_level(logging.INFO)
    warm = site.build()
    assert len(warm.rendered) == 2 and warm.hits
    assert "damaged or was changed" in caplog.text
    site.assert_same_as_cold()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other-version"])
def test_a_damaged_or_stale_index_is_ignored(site: Site, damage: str) -> None:
    first = site.build()
    index = site.cache_dir / "pages.msgpack"
    data = index.read_bytes()
    if damage == "garbage":
        index.write_bytes(data[:80] + bytes(255 - b for b in data[80:]))
    elif damage == "truncated":
        index.write_bytes(data[: len(data) // 2])
    else:  # made by another glosa or configuration: another key digest in the header
        magic = len(b"glosa-cache\n")
        index.write_bytes(data[:magic] + bytes(32) + data[magic + 32:])
    warm = site.build()
    assert not warm.hits and warm.rendered == first.rendered
    site.assert_same_as_cold()


def test_cache_off_writes_no_cache_folder(site: Site) -> None:
    assert site.build(cache=False) is None
    assert not (site.tmp / "cached" / ".cache").exists()


def test_cache_dir_names_the_folder(site: Site) -> None:
    site.options += "      cache_dir: build-cache\n"
    site.build()
    assert (site.tmp / "cached" / "build-cache" / "pages.msgpack").is_file()
    assert not (site.tmp / "cached" / ".cache").exists()
    assert site.build().hits


def test_a_new_process_takes_the_pages_from_the_cache(site: Site) -> None:
    """What CI does: `mkdocs build` twice, one process each, one note edited between."""
    config = site.config("cached", cache=True)
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)]
    subprocess.run(command, check=True, capture_output=True)
    before = (site.cache_dir / "pages.msgpack").stat().st_mtime_ns
    kept_before = {p.name for p in (site.cache_dir / "pages").glob("*.html")}
    note = site.vault / "es/Roca 🟢④.md"
    note.write_text(note.read_text("utf-8").replace("Mineral", "Piedra"), "utf-8")
    subprocess.run(command, check=True, capture_output=True)
    kept_after = {p.name for p in (site.cache_dir / "pages").glob("*.html")}
    assert (site.cache_dir / "pages.msgpack").stat().st_mtime_ns != before
    # Most pages kept their file; the edited one (and what shows its text) got a new one.
    assert len(kept_before & kept_after) >= len(kept_before) - 6
    assert kept_after != kept_before
    site.assert_same_as_cold()


def test_the_cache_folder_can_be_deleted_between_builds(site: Site) -> None:
    site.build()
    shutil.rmtree(site.cache_dir)
    assert not site.build().hits
    site.assert_same_as_cold()


def test_a_note_added_to_a_folder_renders_its_siblings_explorer_again(tmp_path: Path) -> None:
    """A notes site's explorer shows each page's folder; it is made when the page's
    template is rendered (not kept in the page's metadata), and the cache key covers it:
    a sibling that changes nothing else still shows the new note."""
    site = Site(tmp_path, options="      profile: obsidian\n      search: false\n")
    site.vault = write_vault(tmp_path / "notes", {
        "Projects/Alpha.md": "# Alpha\n\nFirst.\n", "Projects/Beta.md": "# Beta\n\nSecond.\n",
        "Other/Gamma.md": "# Gamma\n\nThird.\n"})
    site.build()
    write_vault(site.vault, {"Projects/Delta.md": "# Delta\n\nFourth.\n"})
    warm = site.build()
    assert "Projects/Alpha.md" in warm.rendered and "Other/Gamma.md" in warm.hits
    alpha = (site.tmp / "cached" / "site" / "Projects" / "Alpha" / "index.html").read_text(
        "utf-8")
    explorer = alpha.split('<nav class="glosa-explorer"', 1)[1].split("</nav>", 1)[0]
    assert 'href="../Delta/"' in explorer and 'aria-current="page"' in explorer
    site.assert_same_as_cold()


def test_compiled_templates_are_kept_and_a_damaged_one_is_compiled_again(site: Site) -> None:
    site.build()
    compiled = sorted((site.cache_dir / "templates").glob("__jinja2_*.cache"))
    assert compiled
    for path in compiled:
        path.write_bytes(path.read_bytes()[:20] + b"\x00 not marshal data")
    site.build()  # compiled again from the templates, not an error
    # The templates this build used (its 404 page's) are kept again, whole.
    assert any(path.read_bytes()[20:38] != b"\x00 not marshal data" for path in compiled)
    site.assert_same_as_cold()


def test_clearing_the_cache_removes_the_files_builds_kept(site: Site) -> None:
    site.build()
    assert (site.cache_dir / "pages").is_dir() and (site.cache_dir / "templates").is_dir()
    shared_store(site.cache_dir).clear()
    assert not site.cache_dir.exists()


def test_context_values_hash_by_value_and_type() -> None:
    import datetime

    from markupsafe import Markup

    from glosa.adapter.page_build import _Hasher, _Unhashable

    def digest(*values: object) -> bytes:
        hasher = _Hasher(b"nav")
        for value in values:
            hasher.feed(value)
        return hasher.digest()

    distinct = [1, "1", 1.0, True, None, [1], {"a": 1}, {"a": "1"}, b"1",
                datetime.date(2024, 5, 6), [[1, 2], 3], [1, [2, 3]]]
    digests = [digest(value) for value in distinct]
    assert len(set(digests)) == len(distinct)
    assert digest("x", {"k": [1, 2]}) == digest("x", {"k": (1, 2)})  # both shown alike
    assert digest(Markup("<b>x</b>")) == digest("<b>x</b>")  # the text is what is shown
    assert digest("\udcff") != digest("\udcfe")  # a lone surrogate hashes too
    for unhashable in (object(), {1, 2}, [lambda: 1]):
        with pytest.raises(_Unhashable):
            digest(unhashable)
