"""Whole-site builds over damaged vaults: a bad note never takes the site down, nothing
outside the vault is published, a serve rebuild re-reads only the changed note."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from mkdocs.commands.build import build
from mkdocs.config import load_config

from glosa.adapter.plugin import GlosaPlugin
from glosa.reading import filebytes

from .conftest import VaultFactory, seed_note


def config_for(root: Path, tmp_path: Path, strict: bool = False):  # type: ignore[no-untyped-def]
    path = tmp_path / "mkdocs.yml"
    path.write_text(f"site_name: T\ndocs_dir: {root}\nsite_dir: {tmp_path / 'site'}\n"
                    "theme:\n  name: material\nplugins:\n  - glosa:\n      search: false\n",
                    encoding="utf-8")
    return load_config(str(path), strict=strict)


GOOD = {
    "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None, body="[[Bueno ⚫①]] [[Roto ⚫①]]"),
    "es/Bueno ⚫①.md": seed_note("Bueno ⚫①", body="Definición buena."),
}


@pytest.mark.parametrize(
    ("name", "content", "published"),
    [
        ("invalid UTF-8", "# Roto ⚫①\n\nmal ".encode() + b"\xff byte\n", True),
        ("BOM and CRLF", b"\xef\xbb\xbf" + seed_note("Roto ⚫①").replace("\n", "\r\n").encode(),
         True),
        ("invalid YAML", b"---\na: [1\n---\n# Roto \xe2\x9a\xab\xe2\x91\xa0\n", True),
        ("alias bomb", ("---\na: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
            f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True))
            + "---\n# Roto ⚫①\n").encode(), True),
        ("python tag", b"---\na: !!python/object/apply:os.system ['echo hi']\n---\n# Roto\n",
         True),
        ("empty file", b"", True),
    ],
)
def test_bad_note_does_not_take_the_site_down(tmp_path: Path, make_vault: VaultFactory,
                                              name: str, content: bytes,
                                              published: bool) -> None:
    root = make_vault({**GOOD, "es/Roto ⚫①.md": content})
    build(config_for(root, tmp_path))
    site = tmp_path / "site"
    assert (site / "es" / "bueno" / "index.html").is_file()
    assert (site / "es" / "roto" / "index.html").is_file() is published
    assert "Definición buena." in (site / "es" / "bueno" / "index.html").read_text("utf-8")


def test_symlink_outside_the_vault_is_not_published(tmp_path: Path,
                                                    make_vault: VaultFactory) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("# Secreto\n\nclave=123\n", encoding="utf-8")
    root = make_vault(GOOD)
    os.symlink(secret, root / "es" / "Enlace.md")
    build(config_for(root, tmp_path))
    site = tmp_path / "site"
    assert not (site / "es" / "Enlace" / "index.html").exists()
    assert not any("clave=123" in p.read_text("utf-8", "replace")
                   for p in site.rglob("*.html"))


def test_unreadable_and_deleted_notes(tmp_path: Path, make_vault: VaultFactory,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_vault({**GOOD, "es/Roto ⚫①.md": seed_note("Roto ⚫①", body="Se borrará."),
                       "es/Cerrado 🟡③.md": seed_note("Cerrado 🟡③")})
    original_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "Cerrado 🟡③.md":
            raise PermissionError(13, "Permission denied")
        return original_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(filebytes, "read_file_bytes", lambda path: read_bytes(Path(path)))
    original_on_files = GlosaPlugin.on_files

    def on_files(self: GlosaPlugin, files, *, config):  # type: ignore[no-untyped-def]
        # The note disappears after glosa read it, before MkDocs renders it.
        (root / "es" / "Roto ⚫①.md").unlink()
        return original_on_files(self, files, config=config)

    monkeypatch.setattr(GlosaPlugin, "on_files", on_files)
    build(config_for(root, tmp_path))
    site = tmp_path / "site"
    assert "Se borrará." in (site / "es" / "roto" / "index.html").read_text("utf-8")
    assert not (site / "es" / "cerrado" / "index.html").exists()
    assert not (site / "es" / "Cerrado 🟡③" / "index.html").exists()
    assert (site / "es" / "bueno" / "index.html").is_file()


def test_rebuild_rereads_only_the_changed_note(tmp_path: Path,
                                               make_vault: VaultFactory) -> None:
    files = {**GOOD, "es/Roto ⚫①.md": seed_note("Roto ⚫①")}
    files.update({f"es/n/Nota {i} 🟡③.md": seed_note(f"Nota {i} 🟡③") for i in range(20)})
    root = make_vault(files)
    config = config_for(root, tmp_path)
    plugin = config.plugins["glosa"]
    assert isinstance(plugin, GlosaPlugin)
    plugin.on_startup(command="serve", dirty=False)
    plugin.on_config(config)
    assert plugin.reread == 23
    changed = root / "es" / "n" / "Nota 3 🟡③.md"
    changed.write_text(seed_note("Nota 3 🟡③", body="Cambiada."), encoding="utf-8")
    os.utime(changed, ns=(1, 1))
    plugin.on_config(config)
    assert plugin.reread == 1
    assert plugin.vault is not None
    note = plugin.vault.index.note_at("es/n/Nota 3 🟡③.md")
    assert note is not None and "Cambiada." in note.body


@pytest.mark.parametrize(("command", "dirty", "indexes"),
                         [("build", False, 2), ("serve", False, 2), ("serve", True, 1)])
def test_search_index_is_reused_only_by_dirty_serve_rebuilds(
        tmp_path: Path, make_vault: VaultFactory, monkeypatch: pytest.MonkeyPatch,
        command: str, dirty: bool, indexes: int) -> None:
    from mkdocs.structure.files import get_files

    import glosa.adapter.plugin

    started: list[Path] = []

    class CountingIndexer:
        def __init__(self, output_dir: Path, **options: object) -> None:
            started.append(output_dir)

        def add(self, lang: str, url: str, record: str) -> None:
            pass

        def finish(self) -> None:
            pass

        def abort(self) -> None:
            pass

    monkeypatch.setattr(glosa.adapter.plugin, "SearchIndexer", CountingIndexer)
    config = config_for(make_vault(GOOD), tmp_path)
    plugin = config.plugins["glosa"]
    assert isinstance(plugin, GlosaPlugin)
    plugin.config.search = True
    # Without the build cache, whose kept bundles start Pagefind only for changed records
    # (tests/test_body_cache.py): here every build that indexes starts one.
    plugin.config.cache = False
    config.plugins.on_startup(command=command, dirty=dirty)  # type: ignore[arg-type]
    for _ in range(2):
        config.plugins.on_config(config)
        config.plugins.on_files(get_files(config), config=config)
        config.plugins.on_post_build(config=config)
    assert started == [tmp_path / "site" / "pagefind"] * indexes


@pytest.mark.parametrize("line", ["[" * 100_000, "#" + " " * 100_000 + "x", "(" * 50_000 + "a"])
def test_pathological_long_lines_build_quickly(tmp_path: Path, make_vault: VaultFactory,
                                               line: str) -> None:
    import time

    root = make_vault({**GOOD, "es/Roto ⚫①.md": seed_note("Roto ⚫①", body=line)})
    started = time.perf_counter()
    build(config_for(root, tmp_path))
    assert time.perf_counter() - started < 30
    html = (tmp_path / "site" / "es" / "roto" / "index.html").read_text("utf-8")
    assert line.strip("# ")[:50] in html or "[[[[" in html or "((((" in html


@pytest.mark.parametrize("lang", ["XX", "<script>alert(1)</script>", "fr"])
def test_unconfigured_language_builds(tmp_path: Path, make_vault: VaultFactory,
                                      lang: str) -> None:
    note = seed_note("Roto ⚫①").replace("lang: ES", f"lang: '{lang}'")
    root = make_vault({**GOOD, "es/Roto ⚫①.md": note})
    build(config_for(root, tmp_path))
    html = (tmp_path / "site" / "es" / "roto" / "index.html").read_text("utf-8")
    assert "<script>alert" not in html


def test_dirty_serve_rebuild_renders_only_the_edited_note(tmp_path: Path,
                                                          make_vault: VaultFactory) -> None:
    root = make_vault({**GOOD, "es/Roto ⚫①.md": seed_note("Roto ⚫①", body="Antes.")})
    config = config_for(root, tmp_path)
    config.plugins.on_startup(command="serve", dirty=True)
    build(config, dirty=True)
    site = tmp_path / "site"
    az = site / "es" / "az" / "index.html"
    other = site / "es" / "bueno" / "index.html"
    stamps = {az: az.stat().st_mtime_ns, other: other.stat().st_mtime_ns}
    edited = root / "es" / "Roto ⚫①.md"
    edited.write_text(seed_note("Roto ⚫①", body="Después."), encoding="utf-8")
    config = config_for(root, tmp_path)  # serve reloads its configuration, keeps the plugin
    build(config, dirty=True)
    plugin = config.plugins["glosa"]
    assert isinstance(plugin, GlosaPlugin) and plugin.reread == 1
    assert "Después." in (site / "es" / "roto" / "index.html").read_text("utf-8")
    assert {path: path.stat().st_mtime_ns for path in stamps} == stamps


def test_build_leaves_the_cycle_collector_as_it_found_it(tmp_path: Path,
                                                         make_vault: VaultFactory) -> None:
    import gc

    before = gc.get_threshold()
    config = config_for(make_vault(GOOD), tmp_path)
    build(config)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    # A failing build too (strict mode with a broken link aborts after the pages).
    root = make_vault({**GOOD, "es/Roto ⚫①.md": seed_note("Roto ⚫①", body="[[Nada]]")})
    with pytest.raises(Exception, match="strict"):
        build(config_for(root, tmp_path / "strict", strict=True))
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_generated_listings_escape_titles_tags_and_sections(tmp_path: Path,
                                                            make_vault: VaultFactory) -> None:
    """Listing pages do not go through the sanitizer: their templates must escape."""
    hostile = "<b onmouseover=alert(1)>X"
    note = seed_note(f"{hostile} ⚫①", body=f"Texto <i onclick=alert(2)>y</i> {hostile}.")
    note = note.replace("nav_primary:\n", "nav_primary: '<s onclick=alert(3)>S'\n").replace(
        "tags:\n", "tags:\n  - '<u onclick=alert(4)>t'\n")
    assert "alert(3)" in note and "alert(4)" in note
    root = make_vault({**GOOD, f"es/{hostile} ⚫①.md": note})
    build(config_for(root, tmp_path))
    listings = [p for p in (tmp_path / "site").rglob("*.html")
                if "az" in p.parts or "tags" in p.parts or "sections" in p.parts]
    assert len(listings) >= 4, listings
    for listing in listings:
        soup = BeautifulSoup(listing.read_text("utf-8"), "html.parser")
        handlers = [(tag.name, name) for tag in soup.find_all(True) for name in tag.attrs
                    if name.lower().startswith("on")]
        assert not handlers, (listing, handlers)
        assert not [s for s in soup.find_all("s")], listing  # a title's tag stays text
    az = (tmp_path / "site" / "es" / "az" / "index.html").read_text("utf-8")
    assert "&lt;b onmouseover=alert(1)&gt;X" in az
