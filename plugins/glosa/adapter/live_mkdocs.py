"""The MkDocs adapter of the editor loop (see live.py): `mkdocs serve` without a rebuild
per saved note.

MkDocs' server polls the docs folder every half second and rebuilds the whole site for
any change (2.5 s at 10,000 notes before glosa adds anything). After the first build,
glosa watches the docs folder itself with the system's file notifications, and for a
saved note takes a fast path: it reads the note again, updates the vault and the site
model in place (live.apply_edits), renders again only the pages that show something of
it, with the navigation, files and templates of the last build and every plugin's page
events, as the build would, writes those that changed atomically, tells the browsers to
reload, and then brings the search bundle, the downloads and the shell's data files up
to date in the background. Any other change (configuration, theme, a new, deleted or
renamed file, an edit that changes the site's structure, an error) asks MkDocs' server
for its normal rebuild.

This relies on MkDocs 1.6's server (``LiveReloadServer``: its ``builder``, ``unwatch``
and the conditions its build loop waits on, also in ProperDocs); when they are not there,
glosa leaves the server as it is.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.commands.build import _populate_page, get_context
from mkdocs.structure.files import Files, InclusionLevel

from ..files import write_atomic
from ..reading.vault import read_notes_here
from ..safepaths import UnsafePathError, inside
from ..site.live import Edit, NeedsBuild, SearchRecords, apply_edits
from ..site.publishing import unpublished_links

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from .plugin import GlosaPlugin

__all__ = ["LiveSite"]

log = logging.getLogger("mkdocs.plugins.glosa.site.live")

#: Editors save in steps (write, rename, set times): changes this close together are one.
SETTLE_S = 0.02
#: The downloads and the dashboard (seconds of work at 10,000 notes) are brought up to
#: date once edits pause this long, so that they do not hold up the next page.
IDLE_S = 1.0
#: Events that do not change a file.
_READ_ONLY_EVENTS = frozenset({"opened", "closed_no_write"})
_SERVER_PARTS = ("builder", "unwatch", "_rebuild_cond", "_epoch_cond", "_want_rebuild",
                 "_visible_epoch", "_wanted_epoch")


class LiveSite:
    """The served site's state from its last build, and the fast path over it."""

    def __init__(self, plugin: GlosaPlugin) -> None:
        self.plugin = plugin
        self.config: MkDocsConfig | None = None
        self.files: Files | None = None
        self.nav: Navigation | None = None
        self.env: Environment | None = None
        self.ready = False
        self.search: SearchRecords | None = None
        #: Serialises the fast path with MkDocs' rebuilds (both change the plugin).
        self.lock = threading.RLock()
        self._server: Any = None
        self._observer: Any = None
        self._pending: set[str] = set()
        self._changed = threading.Condition()
        self._stopped = False
        #: Counters and the last fast path's timings, for tests and benchmarks.
        self.fast_paths = 0
        self.fallbacks = 0
        self.last_pages: list[str] = []
        self.last_reason = ""
        self._tail_wanted = False

    # ------------------------------------------------------------ the build's state

    def build_started(self) -> None:
        self.ready = False

    def captured(self, config: MkDocsConfig, files: Files, nav: Navigation | None = None,
                 env: Environment | None = None) -> None:
        self.config, self.files = config, files
        if nav is not None:
            self.nav = nav
        if env is not None:
            self.env = env

    def build_done(self, records: dict[str, dict[str, str]] | None, *, dirty: bool) -> None:
        """A whole build succeeded: its state is the fast path's from now on."""
        if self.config is None:
            return  # the build's files, navigation and templates were never seen
        if self.search is None:
            self.search = SearchRecords(Path(self.config.site_dir) / "pagefind",
                                        exclude_selectors=[".headerlink"],
                                        on_error=log.warning,
                                        on_done=lambda lang: self._reload())
        if records is not None and dirty:
            # A dirty build indexes only the pages it rebuilt.
            for lang, by_url in records.items():
                self.search.records.setdefault(lang, {}).update(by_url)
        elif records is not None:
            self.search.records = records
        self.ready = all(part is not None for part in (self.files, self.nav, self.env))

    # ------------------------------------------------------------ the server

    def attach(self, server: Any, config: MkDocsConfig) -> Any:
        """Take over the watch of the docs folder from MkDocs' server."""
        if not all(hasattr(server, part) for part in _SERVER_PARTS):
            log.info("glosa: this server has no fast path; every change rebuilds the site")
            return server
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer
        except ImportError:  # MkDocs requires watchdog; without it, nothing to take over
            return server
        docs_dir = os.path.abspath(config.docs_dir)
        site = self
        build = server.builder

        def locked_builder(*args: Any, **kwargs: Any) -> None:
            with site.lock:
                build(*args, **kwargs)

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                if event.is_directory or event.event_type in _READ_ONLY_EVENTS:
                    return
                paths = [event.src_path, getattr(event, "dest_path", "") or ""]
                site._note_change([os.fsdecode(p) for p in paths if p])

        observer = Observer()
        observer.schedule(Handler(), docs_dir, recursive=True)
        observer.daemon = True
        observer.start()
        server.builder = locked_builder
        server.unwatch(docs_dir)
        self._server, self._observer = server, observer
        threading.Thread(target=self._loop, name="glosa-live", daemon=True).start()
        return server

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()
        if self._observer is not None:
            self._observer.stop()

    def _note_change(self, paths: list[str]) -> None:
        with self._changed:
            self._pending.update(paths)
            self._changed.notify_all()

    def _loop(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._pending or self._stopped
                                       or self._tail_wanted)
                if self._stopped:
                    return
                if not self._pending:
                    # Edits have paused, or a new one comes first.
                    self._changed.wait_for(lambda: self._pending or self._stopped,
                                           timeout=IDLE_S)
                    if self._stopped:
                        return
                if not self._pending:
                    self._tail_wanted = False
                    tail = True
                else:
                    tail = False
                    # Until the editor is done writing.
                    while self._changed.wait(timeout=SETTLE_S):
                        pass
                    batch, self._pending = self._pending, set()
            if tail:
                self._tail()
                continue
            try:
                handled = self.handle(batch)
            except Exception as exc:  # a fast path that fails falls back, never stops
                log.warning("glosa: fast path failed (%s); rebuilding the site", exc)
                handled = False
            if not handled:
                self._request_build()
            with self._changed:
                self._tail_wanted = handled or self._tail_wanted

    def _request_build(self) -> None:
        self.fallbacks += 1
        server = self._server
        if server is None:
            return
        with server._rebuild_cond:
            server._want_rebuild = True
            server._rebuild_cond.notify_all()

    def _reload(self) -> None:
        """Tell the browsers showing the site to reload (as MkDocs' server does after a
        build)."""
        server = self._server
        if server is None:
            return
        with server._epoch_cond:
            if server._wanted_epoch != server._visible_epoch:
                return  # MkDocs is rebuilding: browsers reload when it is done
            stamp = round(time.monotonic() * 1000)
            server._wanted_epoch = server._visible_epoch = max(stamp,
                                                               server._visible_epoch + 1)
            server._epoch_cond.notify_all()

    # ------------------------------------------------------------ the fast path

    def handle(self, paths: set[str]) -> bool:
        """Take the fast path for changed files (absolute paths); False when the site
        needs MkDocs' rebuild instead."""
        with self.lock:
            if not self.ready:
                self.last_reason = "no complete build to start from"
                return False
            notes = self._edited_notes(paths)
            if notes is None:
                return False
            if not notes:
                return True
            started = time.perf_counter()
            try:
                written = self._update(notes)
            except NeedsBuild as exc:
                self.last_reason = str(exc)
                log.info("glosa: %s: rebuilding the site", exc)
                return False
            self.fast_paths += 1
            log.info("glosa: %s: %d page(s) rewritten in %.2f s", ", ".join(notes),
                     len(written), time.perf_counter() - started)
        self._reload()
        return True

    def _edited_notes(self, paths: set[str]) -> list[str] | None:
        """The vault paths of the published notes among ``paths``; None when a path is
        anything else that exists or existed (a new, deleted or renamed file, an
        attachment, a setting), which needs a whole build. Paths that neither exist nor
        were part of the site (an editor's temporary files) are ignored."""
        plugin, config, files = self.plugin, self.config, self.files
        assert config is not None and files is not None and plugin.vault is not None
        docs_dir = Path(config.docs_dir).resolve()
        notes: list[str] = []
        known = {f.src_uri for f in files if f.abs_src_path is not None}
        for path in sorted(paths):
            try:
                rel = Path(path).resolve().relative_to(docs_dir).as_posix()
            except (ValueError, OSError):
                continue
            exists = os.path.isfile(path) and not os.path.islink(path)
            if rel not in known and not exists and plugin._note_at(rel) is None:
                continue
            if exists and plugin._note_at(rel) is not None and rel in known:
                if rel not in notes:
                    notes.append(rel)
                continue
            self.last_reason = f"{rel}: not an existing published note"
            return None
        return notes

    def _update(self, paths: list[str]) -> list[str]:
        """Read the notes again, update the model and write the pages that change."""
        plugin, config = self.plugin, self.config
        assert config is not None and plugin.vault is not None and plugin.model is not None
        docs_dir = Path(config.docs_dir)
        fresh = read_notes_here([(docs_dir / rel, rel) for rel in paths], plugin.core)
        whole = plugin.whole or plugin.vault
        edit = apply_edits(whole, plugin.vault, plugin.model, fresh,
                           profile=plugin.core.profile, embed_depth=plugin.config.embed_depth,
                           homes=plugin.homes.values(),
                           explorer=bool(plugin.kb_settings.explorer))
        after_edit(plugin, edit)
        pages = set(edit.pages)
        for path, spec in plugin.generated.items():
            if _listing_shows(spec, edit):
                pages.add(path)
        if edit.listings:
            pages.update(plugin.homes.values())  # a home note's overview
        written = self._render(sorted(pages))
        self.last_pages = written
        return written

    def _render(self, paths: list[str]) -> list[str]:
        """Render pages again as the build does (every plugin's page events, the theme's
        template) and write those whose output changed; their search records too."""
        config, files, nav, env = self.config, self.files, self.nav, self.env
        assert config is not None and files is not None and nav is not None and env is not None
        plugin = self.plugin
        site_dir = Path(config.site_dir)
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        written: list[str] = []
        # Each rendered page's search record, when the site has search.
        plugin.live_records = {} if plugin.config.search else None
        for path in paths:
            file = files.get_file_from_path(path)
            if file is None or file.page is None or not file.is_documentation_page():
                continue
            output = self._page_output(file.page, config, files, doc_files, nav, env)
            if output is None:
                continue
            target = inside(site_dir, Path(file.abs_dest_path))
            try:
                current: bytes | None = target.read_bytes()
            except OSError:
                current = None
            if current != output:
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(target, output)
                written.append(path)
        records, plugin.live_records = plugin.live_records, None
        if self.search is not None:
            for lang, by_url in (records or {}).items():
                if any([self.search.set(lang, url, record) for url, record in by_url.items()]):
                    self.search.refresh(lang)
        return written

    def _page_output(self, page: Page, config: MkDocsConfig, files: Files,
                     doc_files: Any, nav: Navigation, env: Environment) -> bytes | None:
        """A page's HTML as ``mkdocs.commands.build._build_page`` makes it, without
        writing it (glosa writes atomically, and only when it changed)."""
        _populate_page(page, config, files)
        config._current_page = page
        page.active = True
        try:
            context = get_context(nav, doc_files, config, page)
            template = env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config,
                                                     nav=nav)
            if page.file.inclusion.is_excluded():  # type: ignore[no-untyped-call]
                # As MkDocs marks a draft page in a served site.
                page.content = ('<div class="mkdocs-draft-marker" title="This page will not '
                                'be included into the built site.">DRAFT</div>'
                                + (page.content or ""))
            output = config.plugins.on_post_page(template.render(context), page=page,
                                                 config=config)
        finally:
            page.active = False
            config._current_page = None
        if not output.strip():
            return None
        return output.encode("utf-8", errors="xmlcharrefreplace")

    # ------------------------------------------------------------ after the reload

    def _tail(self) -> None:
        """The downloads and the shell's data files, brought up to date after the pages
        (the exports of 10,000 notes take seconds): written only when they changed."""
        with self.lock:
            if not self.ready or self.config is None:
                return
            try:
                changed = refresh_site_files(self.plugin, Path(self.config.site_dir),
                                             pending=lambda: bool(self._pending))
            except (OSError, UnsafePathError) as exc:
                log.warning("glosa: downloads not updated: %s", exc)
                return
            if changed is None:
                return  # a newer edit came first: done after it
            changed += [path for path, spec in self.plugin.generated.items()
                        if spec["kind"] == "dashboard"]
            written = self._render(changed)
            if written:
                log.info("glosa: %d page(s) rewritten after the downloads",
                         len(written))
        if written:
            self._reload()


def _listing_shows(spec: dict[str, Any], edit: Edit) -> bool:
    """Whether a generated page lists an edited note differently (the dashboard, which
    shows every note's editorial fields, is rendered again after the reload)."""
    lang = spec["lang"]
    kind = spec["kind"]
    if kind in ("home", "landing"):
        return bool(edit.listings)
    if lang not in edit.listings or kind == "dashboard":
        return False
    if kind == "tag":
        return (lang, spec["tag"]) in edit.tags
    if kind == "section":
        return (lang, spec["section"]) in edit.sections
    return True


def write_site_file(site_dir: Path, path: str, data: bytes) -> bool:
    """Write a generated file of the site if its bytes changed; True when written."""
    target = inside(site_dir, site_dir / path)
    try:
        if target.read_bytes() == data:
            return False
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data)
    return True


def after_edit(plugin: GlosaPlugin, edit: Edit) -> None:
    """The fast path changed notes in the vault and the model (live.apply_edits):
    what the plugin keeps of them follows."""
    assert plugin.vault is not None and plugin.whole is not None
    for note in edit.notes:
        plugin._notes_by_path[note.path] = note
    swap = {old: new for new, old in edit.replaced.items()}
    plugin.furniture = {swap.get(i, i) for i in plugin.furniture}
    if plugin.exports is not None:
        plugin.exports.iris = {swap.get(i, i): iri for i, iri in plugin.exports.iris.items()}
    plugin.pages.forget_listings()
    plugin._rendered = {}
    if plugin.whole is not plugin.vault:
        plugin._unpublished = {link.target for _, link, _ in
                               unpublished_links(plugin.whole, plugin.core.publish_exclude)}
    edited = {note.path for note in edit.notes}
    # The renderer reports the edited notes' broken links again.
    plugin._diagnostic_lines = {(d.path, d.line) for d in plugin.diagnostics
                                if d.path not in edited}
    plugin.kb = plugin._make_kb()


def refresh_site_files(plugin: GlosaPlugin, site_dir: Path,
                       pending: Callable[[], bool]) -> list[str] | None:
    """After a fast path: the downloads and the shell's data files written again where
    they changed; returns the pages to render again (a concept's IRI or a download's
    size changed). Stops early, returning None, when ``pending()`` says a newer edit is
    waiting (it is done after that one)."""
    pages: list[str] = []
    if plugin.exports is not None:  # built: the downloads are on
        before = plugin.exports
        exports = plugin._build_exports()
        if pending():
            return None
        for path, (_fmt, data) in exports.files.items():
            write_site_file(site_dir, path, data)
        plugin.exports = exports
        assert plugin.vault is not None
        pages = [n.path for n in plugin.vault.notes
                 if before.iris.get(id(n)) != exports.iris.get(id(n))]
        sizes = {p: len(d) for p, (_f, d) in exports.files.items()}
        if sizes != {p: len(d) for p, (_f, d) in before.files.items()}:
            pages += [p for p, spec in plugin.generated.items()
                      if spec["kind"] in ("az", "home", "landing")]
    for path, content in plugin.kb.data_files(plugin.site_url, plugin.site_name).items():
        write_site_file(site_dir, path, content)
    return pages
