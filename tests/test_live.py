"""`mkdocs serve`'s fast path (live.py, live_mkdocs.py): a saved note's pages, written
without a rebuild, are the pages a whole build of the edited vault writes, byte for byte;
the model updated in place is a model built anew; edits that change the site's structure
fall back to MkDocs' rebuild."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from glosa.adapter.plugin import GlosaPlugin
from glosa.config import GlosaConfig
from glosa.reading.vault import load_vault, read_notes_here
from glosa.site.live import NeedsBuild, apply_edits
from glosa.site.model import SiteModel

from .conftest import VaultFactory, seed_note

NOTES = {
    "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None,
                                 body="[[Alfa 🟡③]] [[Beta 🟡③]] [[Gamma 🟡③]]"),
    "es/Alfa 🟡③.md": seed_note("Alfa 🟡③", body="Alfa enlaza a [[Beta 🟡③]]."),
    "es/Beta 🟡③.md": seed_note("Beta 🟡③", body="Beta incluye:\n\n![[Gamma 🟡③]]"),
    "es/Gamma 🟡③.md": seed_note("Gamma 🟡③", body="Gamma define algo.\n\n## Uso\n\nUn uso."),
    "es/Delta 🟡③.md": seed_note("Delta 🟡③", parent="Alfa 🟡③",
                                 body="Delta, hija de Alfa, ve [[Gamma 🟡③#Uso]]."),
    "en/Index ⚫①.md": seed_note("Index ⚫①", lang="EN", parent=None, body="[[Alpha 🟡③]]",
                                legend="[[Legend 🔴②]] | ①②③④⑤⑥ | ⚫① 🔴② 🟡③ 🟢④ 🔵⑤ ⚪⑥"),
    "es/Leyenda 🔴②.md": seed_note("Leyenda 🔴②", body="Los niveles."),
    "en/Legend 🔴②.md": seed_note("Legend 🔴②", lang="EN", parent="Index ⚫①", body="Levels.",
                                  legend="[[Legend 🔴②]] | ①②③④⑤⑥ | ⚫① 🔴② 🟡③ 🟢④ 🔵⑤ ⚪⑥"),
    "en/Alpha 🟡③.md": seed_note("Alpha 🟡③", lang="EN", parent="Index ⚫①",
                                 translations='"[[Alfa 🟡③]]"', body="Alpha text.",
                                 legend="[[Legend 🔴②]] | ①②③④⑤⑥ | ⚫① 🔴② 🟡③ 🟢④ 🔵⑤ ⚪⑥"),
}


def write_config(root: Path, folder: Path, *, search: bool = False) -> Path:
    path = folder / "mkdocs.yml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(f"site_name: T\nsite_url: http://127.0.0.1:8000/\ndocs_dir: {root}\n"
                    f"site_dir: {folder / 'site'}\ntheme:\n  name: material\n"
                    f"plugins:\n  - glosa:\n      search: {str(search).lower()}\n"
                    "markdown_extensions:\n  - toc:\n      permalink: true\n",
                    encoding="utf-8")
    return path


def new_plugins() -> None:
    """The next configuration loaded gets new plugin instances: MkDocs keeps one instance
    of a plugin with ``on_startup`` per process (for `mkdocs serve`'s rebuilds)."""
    from mkdocs.config.defaults import MkDocsConfig

    MkDocsConfig.plugins.plugin_cache.clear()


def served(root: Path, folder: Path, *, search: bool = False) -> tuple[Any, GlosaPlugin]:
    """A site built as `mkdocs serve` builds it, with its plugin kept for the fast path."""
    new_plugins()
    config = load_config(str(write_config(root, folder, search=search)))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url="http://127.0.0.1:8000/")
    plugin = config.plugins["glosa"]
    assert isinstance(plugin, GlosaPlugin) and plugin._live is not None
    assert plugin._live.ready
    return config, plugin


def full_build(root: Path, folder: Path, nonce: str) -> Path:
    """A whole build of the vault as it is now, in a new process' state (a new plugin),
    with the served plugin's placeholder mark (random per plugin)."""
    new_plugins()
    config = load_config(str(write_config(root, folder)))
    plugin = config.plugins["glosa"]
    assert isinstance(plugin, GlosaPlugin)
    plugin._nonce = nonce
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url="http://127.0.0.1:8000/")
    if plugin._live is not None:
        plugin._live.stop()
    return folder / "site"


def page_path(site: Path, plugin: GlosaPlugin, note: str) -> Path:
    """The file of a note's page (its address follows the site's url_style)."""
    from urllib.parse import unquote

    return site / unquote(plugin.url_of(note)) / "index.html"


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a site but the search bundle (compared through its records) and the
    compressed sitemap (gzip stamps the time it was written)."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file() and p.relative_to(site).parts[0] != "pagefind"
            and p.name != "sitemap.xml.gz"}


def assert_same_site(served_site: Path, fresh_site: Path) -> None:
    ours, theirs = site_files(served_site), site_files(fresh_site)
    assert sorted(ours) == sorted(theirs)
    different = [path for path in theirs if ours[path] != theirs[path]]
    if different:  # the first difference, readably
        import difflib

        first = different[0]
        lines = difflib.unified_diff(theirs[first].decode().splitlines(),
                                     ours[first].decode().splitlines(), lineterm="", n=1)
        pytest.fail(f"{different}: {first}:\n" + "\n".join(list(lines)[:40]))


def edit(root: Path, rel: str, change: Callable[[str], str]) -> Path:
    path = root / rel
    path.write_text(change(path.read_text("utf-8")), encoding="utf-8")
    return path


EDITS: dict[str, tuple[str, Callable[[str], str]]] = {
    # Only the note's own page and those it sits beside change.
    "body": ("es/Alfa 🟡③.md", lambda t: t.replace("Alfa enlaza", "Alfa, cambiada, enlaza")),
    # An embedded note: the page that embeds it shows the new text.
    "embedded": ("es/Gamma 🟡③.md", lambda t: t.replace("define algo", "define otra cosa")),
    # A new link: the target's backlinks list the note.
    "new link": ("es/Gamma 🟡③.md", lambda t: t.replace("Un uso.", "Un uso de [[Alfa 🟡③]].")),
    # A link removed: the old target's backlinks no longer list it.
    "link removed": ("es/Alfa 🟡③.md", lambda t: t.replace("[[Beta 🟡③]]", "Beta")),
    # A heading renamed: the link to it from Delta no longer resolves to a heading.
    "heading": ("es/Gamma 🟡③.md", lambda t: t.replace("## Uso", "## Empleo")),
    # The title (H1) renamed: backlinks, breadcrumbs, listings and the translation's
    # switch show the new one.
    "title": ("es/Alfa 🟡③.md", lambda t: t.replace("# Alfa 🟡③", "# Alfa renombrada 🟡③")),
}


@pytest.mark.parametrize("case", sorted(EDITS))
def test_fast_path_writes_what_a_full_build_writes(tmp_path: Path, make_vault: VaultFactory,
                                                   case: str) -> None:
    root = make_vault(NOTES)
    _config, plugin = served(root, tmp_path / "served")
    live = plugin._live
    assert live is not None
    rel, change = EDITS[case]
    assert live.handle({str(edit(root, rel, change))}), live.last_reason
    live._tail()
    assert live.fast_paths == 1
    assert rel in live.last_pages  # the pages whose output changed
    assert_same_site(tmp_path / "served" / "site", full_build(root, tmp_path / "fresh",
                                                              plugin._nonce))
    live.stop()


def test_definition_edit_rewrites_the_pages_that_show_it(tmp_path: Path,
                                                        make_vault: VaultFactory) -> None:
    root = make_vault(NOTES)
    _config, plugin = served(root, tmp_path / "served")
    live = plugin._live
    assert live is not None
    site = tmp_path / "served" / "site"
    untouched = page_path(site, plugin, "es/Gamma 🟡③.md")
    stamp = untouched.stat().st_mtime_ns
    rel, change = EDITS["body"]
    assert live.handle({str(edit(root, rel, change))}), live.last_reason
    # Beta shows the linking line as a backlink snippet, the A–Z index and the section
    # of the home show the definition; Gamma shows nothing of Alfa and is not rewritten.
    for page in (page_path(site, plugin, "es/Alfa 🟡③.md"),
                 page_path(site, plugin, "es/Beta 🟡③.md"), site / "es/az/index.html"):
        assert "Alfa, cambiada, enlaza" in page.read_text("utf-8"), page
    assert untouched.stat().st_mtime_ns == stamp
    # The site has no search: no bundle is built for it.
    assert live.search is not None and live.search.wait(timeout=5)
    assert live.search.swapped == 0 and not (site / "pagefind").exists()
    live.stop()


def test_search_records_and_bundle_follow_the_edit(tmp_path: Path,
                                                   make_vault: VaultFactory) -> None:
    root = make_vault(NOTES)
    _config, plugin = served(root, tmp_path / "served", search=True)
    live = plugin._live
    assert live is not None and live.search is not None
    bundle = tmp_path / "served" / "site" / "pagefind" / "es"
    entry = bundle / "pagefind-entry.json"
    first = entry.read_bytes()
    assert live.handle({str(edit(root, "es/Gamma 🟡③.md",
                                 lambda t: t.replace("define algo", "define zorglub")))})
    # The records of Gamma and of Beta (which embeds it) hold the new word at once...
    records = live.search.records["es"]
    gamma, beta = ("/" + plugin.url_of(f"es/{name} 🟡③.md") for name in ("Gamma", "Beta"))
    assert "zorglub" in records[gamma] and "zorglub" in records[beta]
    # ...and the bundle is rebuilt and swapped in, in the background.
    assert live.search.wait(timeout=120)
    assert live.search.swapped == 1
    assert entry.read_bytes() != first
    assert not [p for p in bundle.parent.iterdir() if p.name.startswith(".")]
    live.stop()


@pytest.mark.parametrize(("what", "change"), [
    ("a tag added", lambda root: edit(root, "es/Alfa 🟡③.md",
                                      lambda t: t.replace("tags:\n", "tags: [nueva]\n"))),
    ("a new note", lambda root: (root / "es" / "Nueva 🟡③.md").write_text(
        seed_note("Nueva 🟡③"), encoding="utf-8") and root / "es" / "Nueva 🟡③.md"),
    ("a note deleted", lambda root: ((root / "es" / "Delta 🟡③.md").unlink(),
                                     root / "es" / "Delta 🟡③.md")[1]),
    ("a note renamed", lambda root: (os.replace(root / "es" / "Beta 🟡③.md",
                                                root / "es" / "Bet 🟡③.md"),
                                     root / "es" / "Bet 🟡③.md")[1]),
    ("a parent changed", lambda root: edit(root, "es/Delta 🟡③.md",
                                           lambda t: t.replace("[[Alfa 🟡③]]\n",
                                                               "[[Gamma 🟡③]]\n"))),
    ("a section given", lambda root: edit(root, "es/Alfa 🟡③.md",
                                          lambda t: t.replace("nav_primary:\n",
                                                              "nav_primary: Sección\n"))),
])
def test_structural_edits_fall_back_to_a_rebuild(tmp_path: Path, make_vault: VaultFactory,
                                                 what: str,
                                                 change: Callable[[Path], Path]) -> None:
    root = make_vault(NOTES)
    _config, plugin = served(root, tmp_path / "served")
    live = plugin._live
    assert live is not None
    site = tmp_path / "served" / "site"
    before = site_files(site)
    assert not live.handle({str(change(root))}), what
    assert live.last_reason
    # Nothing was written and the model still holds the old notes.
    assert site_files(site) == before
    assert plugin.vault is not None and plugin.model is not None
    assert [n.path for n in plugin.vault.notes] == [n.path for n in plugin.model.notes]
    live.stop()


def test_editor_temporary_files_are_ignored_and_a_setting_rebuilds(
        tmp_path: Path, make_vault: VaultFactory) -> None:
    root = make_vault(NOTES)
    _config, plugin = served(root, tmp_path / "served")
    live = plugin._live
    assert live is not None
    # Written and renamed away before the fast path looks: nothing to do.
    assert live.handle({str(root / "es" / ".Alfa.md.swp"), str(root / "es" / "4913")})
    assert live.fast_paths == 0
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "app.json").write_text("{}", encoding="utf-8")
    assert not live.handle({str(root / ".obsidian" / "app.json")})
    live.stop()


class FakeServer:
    """The parts of MkDocs' LiveReloadServer the fast path uses."""

    def __init__(self, docs_dir: str) -> None:
        self.builds = 0
        self._rebuild_cond = threading.Condition()
        self._epoch_cond = threading.Condition()
        self._want_rebuild = False
        self._visible_epoch = self._wanted_epoch = 0
        self.watched = {docs_dir}

    def builder(self) -> None:
        self.builds += 1

    def unwatch(self, path: str) -> None:
        self.watched.discard(path)


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_saved_note_is_rewritten_and_browsers_reload(tmp_path: Path,
                                                     make_vault: VaultFactory) -> None:
    """Through the watcher: save a note, its page changes, the server's epoch moves; save
    a new file, the server is asked for its rebuild."""
    root = make_vault(NOTES)
    config, plugin = served(root, tmp_path / "served")
    live = plugin._live
    assert live is not None
    server = FakeServer(os.path.abspath(config.docs_dir))
    assert plugin.on_serve(server, config=config, builder=server.builder) is server
    assert server.watched == set()  # glosa watches the docs folder now
    page = page_path(tmp_path / "served" / "site", plugin, "es/Alfa 🟡③.md")
    # An editor's save: a temporary file renamed over the note.
    temporary = root / "es" / ".Alfa 🟡③.md.tmp"
    temporary.write_text((root / "es" / "Alfa 🟡③.md").read_text("utf-8").replace(
        "Alfa enlaza", "Alfa guardada enlaza"), encoding="utf-8")
    os.replace(temporary, root / "es" / "Alfa 🟡③.md")
    assert wait_until(lambda: "Alfa guardada" in page.read_text("utf-8"))
    assert wait_until(lambda: server._visible_epoch > 0)
    assert not server._want_rebuild
    (root / "es" / "Nueva 🟡③.md").write_text(seed_note("Nueva 🟡③"), encoding="utf-8")
    assert wait_until(lambda: server._want_rebuild)
    # The server's builds go through glosa's lock (never beside a fast path).
    server.builder()
    assert server.builds == 1
    plugin.on_shutdown()


@pytest.mark.parametrize("case", sorted(EDITS))
def test_model_updated_in_place_equals_a_new_model(tmp_path: Path, make_vault: VaultFactory,
                                                   case: str) -> None:
    root = make_vault(NOTES)
    config = GlosaConfig()
    vault = load_vault(root, config)
    model = SiteModel(vault)
    rel, change = EDITS[case]
    edit(root, rel, change)
    fresh = read_notes_here([(root / rel, rel)], config)
    apply_edits(vault, vault, model, fresh, profile="seed", embed_depth=3, homes=(),
                explorer=False)
    assert facts(model) == facts(SiteModel(load_vault(root, config)))


def test_edit_that_changes_names_is_refused_unchanged(tmp_path: Path,
                                                      make_vault: VaultFactory) -> None:
    root = make_vault(NOTES)
    config = GlosaConfig()
    vault = load_vault(root, config)
    model = SiteModel(vault)
    before = facts(model)
    rel = "es/Alfa 🟡③.md"
    edit(root, rel, lambda t: t.replace("tags:\n", "aliases: [Primera]\ntags:\n"))
    with pytest.raises(NeedsBuild):
        apply_edits(vault, vault, model, read_notes_here([(root / rel, rel)], config),
                    profile="seed", embed_depth=3, homes=(), explorer=False)
    assert facts(model) == before


def facts(model: SiteModel) -> dict[str, Any]:
    """A model's cross-note facts by path (ids differ between two models)."""
    def path(note: Any) -> str | None:
        return None if note is None else str(note.path)

    notes = model.vault.notes
    return {
        "resolutions": {(note.path, position): (res.status, path(res.note),
                                                 res.heading.slug if res.heading else None,
                                                 tuple(path(c) for c in res.candidates))
                        for note in notes for position in range(len(note.links))
                        if (res := model.resolutions.get((id(note), position))) is not None},
        "backlinks": {note.path: [(b.source.path, b.link.line, b.link.column)
                                  for b in model.backlinks.get(id(note), [])]
                      for note in notes},
        "snippets": {note.path: model.backlinks_of(note) and [
            (s.path, text) for s, text in model.backlinks_of(note)] for note in notes},
        "parents": {note.path: path(model.parent_of.get(id(note))) for note in notes},
        "children": {note.path: [c.path for c in model.children(note)] for note in notes},
        "translations": {note.path: {lang: t.path for lang, t in
                                     model.translations.get(id(note), {}).items()}
                         for note in notes},
        "summaries": {note.path: model.summary(note) for note in notes},
        "index": {key: path(note) for key, note in model.vault.index.by_path.items()},
    }
