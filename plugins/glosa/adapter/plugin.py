"""The MkDocs adapter: thin hooks that hand the work to the engine-free core.

Every language is built in the same single MkDocs run (no re-run of the build per
language): notes keep their own pages, glosa adds each language's home, A–Z index, tag and
section pages, and a small navigation that does not grow with the number of notes.
"""

from __future__ import annotations

import functools
import gc
import html
import logging
import os
import posixpath
import re
import secrets
from collections.abc import Callable
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast
from urllib.parse import quote, unquote

from jinja2 import Environment
from jinja2.utils import LRUCache
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, get_toc
from mkdocs.utils.templates import TemplateContext

from ..cache import CacheStore, default_cache_dir, link_kept_file, shared_store
from ..checking.checks import check_vault
from ..checking.diagnostics import Diagnostic, Severity
from ..config import ConfigError, GlosaConfig
from ..exchange.kept_exports import KeptExports, exports_key
from ..exchange.site_exports import (
    SiteExports,
    build_site_exports,
    download_label,
    download_text,
    with_same_as,
)
from ..reading.model import Note
from ..reading.vault import NoteCache, Vault, load_vault
from ..render import (
    MAX_EMBED_DEPTH,
    NoteRenderer,
    RenderDeps,
    RenderedNote,
    RenderState,
    TocEntry,
)
from ..render import sanitize_html as sanitize_html
from ..render.core import page_title
from ..safepaths import (
    UnsafePathError,
    fold_path,
    inside,
    is_language_code,
    numbered,
    site_language,
)
from ..site.attachments import SvgError, is_raw, raw_allowed, reserved_reason, sanitize_svg
from ..site.body_cache import BodyCache
from ..site.i18n import language_name, og_locale, ui_text
from ..site.kb import KINDS, KnowledgeBase, Settings, after_title, wording_overrides
from ..site.model import SiteModel, fill_placeholders, relative_url
from ..site.old_output import MovedOutput, OutputRemoval, ReusedOutput, move_aside
from ..site.page_inputs import PageInputs
from ..site.pages import (
    TEMPLATES,
    SitePages,
    az_page,
    tags_page,
)
from ..site.publishing import (
    alias_redirects,
    alias_slug_pages,
    permalink_of,
    plain_unpublished,
    published_vault,
    redirect_html,
    slug_pages,
    unpublished_links,
)
from ..site.search_cache import KeptSearchIndex, pagefind_version
from ..site.search_index import SearchIndexer, SearchIndexError, names_file, search_record
from .page_build import PAGE_TEMPLATE, PageCache, TemplateCache, nav_digest
from .page_workers import (
    SKIP_TEMPLATE,
    PageWorkers,
    WorkerError,
    WorkerResult,
    other_page_plugins,
    relog,
    worker_count,
)
from .settled_pages import SettledPages, settle_candidates
from .template_memo import TemplateMemo, linked_heads, memo_allowed

if TYPE_CHECKING:
    from .live_mkdocs import LiveSite

__all__ = ["GlosaPlugin", "GlosaPluginConfig", "sanitize_html"]

log = get_plugin_logger(__name__)


class GlosaPluginConfig(base.Config):  # type: ignore[no-untyped-call]
    """Options of ``plugins: [glosa]`` in mkdocs.yml (all optional)."""

    # None: es and en for a glossary; what the vault has for the obsidian profile.
    languages = c.Optional(c.ListOfItems(c.Type(str)))
    default_language = c.Optional(c.Type(str))
    profile = c.Choice(("seed", "obsidian"), default="seed")
    rules = c.DictOfItems(c.Choice(("error", "warning", "off")), default={})
    roots = c.ListOfItems(c.Type(str), default=[])
    level_labels = c.DictOfItems(c.DictOfItems(c.Type(str)), default={})
    exclude_dirs = c.Optional(c.ListOfItems(c.Type(str)))
    ui_text = c.DictOfItems(c.DictOfItems(c.Type(str)), default={})
    search = c.Type(bool, default=True)
    embed_depth = c.Type(int, default=3)
    #: The editorial dashboard page: on in `mkdocs serve` unless set, off in builds unless set.
    dashboard = c.Optional(c.Type(bool))
    #: A notice on pages the note format marks as drafted by an AI model and not checked
    #: (`iaStatus: 2`, `checked: 0`); its wording is the `ai_notice` interface text.
    ai_notice = c.Type(bool, default=True)
    #: Globs of vault paths of HTML, JavaScript and other files a browser runs as script,
    #: published as they are (by default such files are not published).
    publish_raw = c.ListOfItems(c.Type(str), default=[])
    #: The glossary as TBX, CSV, SKOS and JSON downloads under exports/ (unset: on for a
    #: glossary, off for a knowledge base, whose notes are no terminology).
    exports = c.Optional(c.Type(bool))
    #: Knowledge-base shell (see kb.py): interface words, home note, panels, publishing.
    kind = c.Optional(c.Choice(KINDS))
    home = c.Optional(c.Type(str))
    properties = c.Type((str, list), default="show")
    publish_exclude = c.ListOfItems(c.Type(str), default=[])
    explorer = c.Optional(c.Type(bool))
    graph = c.Optional(c.Type(bool))
    recent = c.Optional(c.Type(bool))
    #: Page addresses: `slug` (`es/metricas/tasa-de-conversion/`) or `title` (the file's
    #: name, as Obsidian Publish keeps it); unset: slug for the glossary, title for obsidian.
    url_style = c.Optional(c.Choice(("slug", "title")))
    #: The persistent build cache (page_build.py, body_cache.py, search_cache.py) in
    #: `cache_dir`, by default `.cache/glosa` beside mkdocs.yml (a relative folder is
    #: taken from there).
    cache = c.Type(bool, default=True)
    cache_dir = c.Optional(c.Type(str))
    #: Processes that build the pages (page_workers.py): 0 as many as the cores, 1 one.
    workers = c.Type(int, default=0)


def _core_config(options: GlosaPluginConfig) -> GlosaConfig:
    mapping: dict[str, Any] = {
        "profile": options.profile,
        "rules": dict(options.rules),
        "roots": list(options.roots),
    }
    if options.languages is not None:
        mapping["languages"] = list(options.languages)
    if options.default_language:
        mapping["default_language"] = options.default_language
    if options.level_labels:
        labels: dict[str, dict[int, str]] = {}
        for lang, items in options.level_labels.items():
            labels[lang] = {}
            for key, label in items.items():
                try:
                    labels[lang][int(key)] = label
                except (TypeError, ValueError):
                    raise PluginError(f"plugins.glosa: level_labels.{lang}: the key {key!r} "
                                      "is not a level 1 to 6") from None
        mapping["level_labels"] = labels
    if options.exclude_dirs is not None:
        mapping["exclude_dirs"] = list(options.exclude_dirs)
    mapping["publish_exclude"] = list(options.publish_exclude)
    try:
        return GlosaConfig.from_mapping(mapping, "plugins.glosa")
    except (ConfigError, ValueError) as exc:
        raise PluginError(str(exc)) from None


class GlosaPlugin(BasePlugin[GlosaPluginConfig]):  # type: ignore[no-untyped-call]
    """Builds a bilingual glossary site from a vault of notes."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        # Notes read in earlier builds of `mkdocs serve`: a rebuild re-reads only the notes
        # whose file changed.
        self._cache = NoteCache()
        self.vault: Vault | None = None
        self.model: SiteModel | None = None
        self.urls: dict[str, str] = {}
        self.homes: dict[str, str] = {}
        self.generated: dict[str, dict[str, Any]] = {}
        self._indexer: SearchIndexer | KeptSearchIndex | None = None
        self.exports: SiteExports | None = None
        self.diagnostics: list[Diagnostic] = []
        self._fragments: dict[str, list[str]] = {}
        #: Page furniture made right before a page's template (_PageMemory).
        self._memory = _PageMemory()
        self._rendered: dict[str, RenderedNote] = {}
        self._diagnostic_lines: set[tuple[str, int]] | None = None
        self.renderer: NoteRenderer | None = None
        self._renderer_key: tuple[Any, ...] | None = None
        self._permalink: str | None = None
        self._permalink_title = "Permanent link"
        self._nav_cache: dict[str, str] = {}
        #: The page template's kept parts of the last build (template_memo.py).
        self.template_memo = TemplateMemo(enabled=False)
        self.site_name = "Glossary"
        self.site_description = ""
        self.site_url = ""
        self.command = "build"
        self.dirty = False
        #: The previous build's output (old_output.py): moved out of the engine's way,
        #: being removed by another process, or put back for this build to write over.
        self._moved: MovedOutput | None = None
        self._removal: OutputRemoval | None = None
        self.reused: ReusedOutput | None = None
        self._indexed_once = False
        self._built_once = False
        self._own_nav = False
        # Notes that are the site's furniture (homes, the legend), not terms.
        self.furniture: set[int] = set()
        #: Unique slugs of tags and sections, per language.
        self.tag_slugs: dict[str, dict[str, str]] = {}
        self.section_slugs: dict[str, dict[str, str]] = {}
        #: Each note by its exact vault path (not by the names links may use).
        self._notes_by_path: dict[str, Note] = {}
        self.kb: KnowledgeBase
        #: The generated pages and note furniture (pages.py); made in on_config.
        self.pages: SitePages
        self.kb_settings = Settings()
        self._moves: dict[str, str] = {}
        self._unpublished: set[str] = set()
        self._redirects: dict[str, str] = {}
        #: Notes published under the slug of their title: note path → page path.
        self._slugged: dict[str, str] = {}
        # Placeholders carry a random part, so no note text can forge one.
        self._nonce = secrets.token_hex(4)
        #: The vault with its unpublished notes (the site is built from ``vault``).
        self.whole: Vault | None = None
        #: `mkdocs serve`'s fast path (live_mkdocs.py) and the search records it keeps.
        self._live: LiveSite | None = None
        self.live_records: dict[str, dict[str, str]] | None = None
        #: Cache writes a build leaves until it waits for its search index.
        self._write_later: list[Callable[[], None]] = []
        #: This build's page cache (None when off: `cache: false`, `mkdocs serve`).
        self.page_cache: PageCache | None = None
        #: This build's kept note bodies (None when off, as the page cache).
        self.body_cache: BodyCache | None = None
        #: What each body rendered this build read (kept with it by the body cache).
        self._body_deps: dict[str, tuple[str, RenderDeps]] = {}
        #: This build's page processes (page_workers.py), the pages this process builds
        #: (None: all) and, in a page process, the search records it sends back.
        self._workers: PageWorkers | None = None
        self._own: set[str] | None = None
        self._collected: list[tuple[str, str, str]] | None = None
        #: The last build's pages per process (source paths; empty: all in one).
        self.page_shares: list[list[str]] = []
        #: Note pages this build takes whole from the cache (settled_pages.py).
        self.settled: SettledPages | None = None

    # `mkdocs serve` keeps a plugin with on_startup alive across rebuilds (the note cache).
    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"],
                   dirty: bool) -> None:
        self.command = command
        self.dirty = dirty
        gc.unfreeze()  # what an earlier build in this process froze at its end
        self._indexed_once = False
        self._built_once = False
        if command == "serve" and self._live is None:
            from .live_mkdocs import LiveSite

            self._live = LiveSite(self)
        elif command != "serve" and self._live is not None:
            # The same plugin object, reused for a build after serving in this process.
            self._live.stop()
            self._live = None

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        # The docs folder is watched by glosa from now on: a saved note takes the fast path.
        return self._live.attach(server, config) if self._live is not None else server

    def on_shutdown(self) -> None:
        self._end_removal()
        if self._live is not None:
            self._live.stop()
        if self.command != "serve":
            # The command ends and the process with it: the interpreter's last full
            # collection would walk every object of the build (3.4 s at 10,000 notes) for
            # memory the system takes back anyway. A next build in this process unfreezes.
            gc.freeze()

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Just before the engine empties site_dir: what it would remove, moved out of its
        # way (the build need not wait for it; `--dirty` and `serve` keep their output).
        root = self._cache_root(config)
        self.reused = None
        if (root is not None and self.command in ("build", "gh-deploy") and not self.dirty
                and self._removal is None and self._moved is None):
            self._moved = move_aside(Path(config.site_dir), root)
            if self._moved is not None and not _reusable_output(config):
                self._removal, self._moved = self._moved.remove(), None

    def _reuse_output(self) -> None:
        """Once the engine has emptied site_dir: the previous output put back to be written
        over, else (and whatever could not go back) removed by another process."""
        moved, self._moved = self._moved, None
        if moved is None:
            return
        self.reused = moved.put_back()
        if self.page_cache is not None:
            self.page_cache.reused = self.reused
        if self.reused is None:
            log.debug("the previous output is removed, not written over (its files cannot "
                      "be listed, or their times told from this build's)")
        self._removal = moved.remove()

    def _sweep_output(self) -> None:
        """Remove what of the previous output this build did not write again."""
        reused, self.reused = self.reused, None
        if reused is not None:
            files, folders = reused.sweep()
            log.debug("previous output: %d files and %d folders no longer built, removed",
                      files, folders)

    def _end_removal(self) -> None:
        moved, self._moved = self._moved, None
        if moved is not None:  # the build stopped before putting it back
            self._removal = moved.remove()
        removal, self._removal = self._removal, None
        if removal is not None:
            removal.wait()

    @property
    def reread(self) -> int:
        """How many notes the last build read from disk."""
        return self._cache.reread

    @property
    def _dashboard_enabled(self) -> bool:
        if self.config.dashboard is not None:
            return bool(self.config.dashboard)
        return self.command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        _release_memory_settings()
        core = _core_config(self.config)
        _resolved.cache_clear()
        language = config.theme.get("language")
        if isinstance(language, str) and is_language_code(language.lower()):
            core = replace(core, site_language=language.lower())
        depth = self.config.embed_depth
        if isinstance(depth, bool) or not 0 <= depth <= MAX_EMBED_DEPTH:
            raise PluginError(f"plugins.glosa.embed_depth: {depth!r} is not a whole number "
                              f"from 0 to {MAX_EMBED_DEPTH}")
        _check_site_config(config)
        workers = self.config.workers
        if isinstance(workers, bool) or workers < 0:
            raise PluginError(f"plugins.glosa.workers: {workers!r} is not a number of "
                              "processes (0: one per core)")
        self._workers = self._own = self._collected = None
        self._write_later = []  # those of a build that failed are not made
        _prune_docs_walk(core)
        try:
            # The notes `glosa check` or the last build parsed are read back, not parsed.
            root = self._cache_root(config)
            if root is None:
                whole = load_vault(Path(config.docs_dir), core, self._cache)
            else:
                whole = load_vault(Path(config.docs_dir), core, store=shared_store(root),
                                   write_later=self._write_later)
        except OSError as exc:
            # `mkdocs serve` under file churn: a folder renamed while it was read.
            raise PluginError(f"{config.docs_dir}: cannot read the vault ({exc})") from None
        # With the languages the vault has, when the settings name none.
        core = self.core = whole.config
        # The site is built from the published notes only (publishing.py).
        self.whole = whole
        self.vault = published_vault(whole, core.publish_exclude)
        if self._live is not None:
            self._live.build_started()
        self._notes_by_path = {n.path: n for n in self.vault.notes}
        self.model = SiteModel(self.vault)
        self.diagnostics = check_vault(
            whole, self.model.resolutions if self.vault is whole else None)
        self.kb_settings = self._kb_settings()
        self._unpublished = {link.target for _, link, _ in
                             unpublished_links(whole, core.publish_exclude)}
        self.config["ui_text"] = wording_overrides(self.kb_settings.kind, core.languages,
                                                   self.config.ui_text)
        self._diagnostic_lines = None
        self._nav_cache = {}
        self._rendered = {}
        self._memory = _PageMemory()
        self._setup_renderer(config)
        self._plan_pages()
        _configure_theme(config, self)
        self.pages.site_name = self.site_name
        self.pages.site_description = self.site_description
        self.pages.site_url = self.site_url
        self.page_cache = self._open_page_cache(config)
        self.body_cache = self._open_body_cache(config)
        self._body_deps = {}
        _hold_memory_settings()
        return config

    def _open_page_cache(self, config: MkDocsConfig) -> PageCache | None:
        """The page cache of a build (`mkdocs serve` rebuilds in memory and into a
        temporary folder: it keeps nothing)."""
        root = self._cache_root(config)
        if root is None:
            return None
        if not PageCache.usable(config, self):
            log.info("cache: pages are not cached: another plugin changes pages after "
                     "their template (on_post_page)")
            return None
        return PageCache(root, config)

    def _open_body_cache(self, config: MkDocsConfig) -> BodyCache | None:
        """The kept note bodies of a build: off as the page cache is, and when another
        plugin changes a page's HTML before glosa sanitizes it (its output is not
        glosa's to keep)."""
        root = self._cache_root(config)
        if root is None or self.model is None:
            return None
        if any(getattr(handler, "__self__", None) is not self
               for handler in config.plugins.events.get("page_content", [])):
            log.info("cache: note bodies are not cached: another plugin changes pages "
                     "(on_page_content)")
            return None
        core = self.core
        key = {"use": "bodies", "profile": core.profile, "permalink": self._permalink,
               "permalink_title": self._permalink_title,
               "embed_depth": self.config.embed_depth, "renderer": list(self._renderer_key or ()),
               "languages": list(core.languages), "default_language": core.default_language,
               "ui_text": {str(k): dict(v) for k, v in self.config.ui_text.items()}}
        return BodyCache(CacheStore(root, key=key), self.model, self._notes_by_path)

    def _cache_root(self, config: MkDocsConfig) -> Path | None:
        """The build cache's folder, or None when the build keeps none (`cache: false`,
        `mkdocs serve`, which keeps what it read in memory)."""
        if not self.config.cache or self.command == "serve" or not config.config_file_path:
            return None
        base = Path(config.config_file_path).resolve().parent
        named = self.config.cache_dir
        return base / Path(named).expanduser() if named else default_cache_dir(base)

    def _setup_renderer(self, config: MkDocsConfig) -> None:
        """glosa's note renderer (built once; again only when a setting it depends on
        changed), with the heading permalinks the site's ``toc`` extension asks for."""
        assert self.vault is not None
        toc = config.mdx_configs.get("toc", {}) if "toc" in config.markdown_extensions else {}
        permalink = toc.get("permalink")
        self._permalink = ("¶" if permalink is True else str(permalink)
                           if permalink else None)
        self._permalink_title = str(toc.get("permalink_title", "Permanent link"))
        breaks = not self.vault.obsidian.strict_line_breaks
        key = (breaks,)
        if self.renderer is None or self._renderer_key != key:
            self.renderer = NoteRenderer(breaks=breaks)
            self._renderer_key = key

    def _plan_pages(self) -> None:
        """Decide the homes and generated pages of every language (pages.py)."""
        assert self.vault is not None and self.model is not None
        self.pages = SitePages(self.vault, self.model, self.core, self.url_of,
                               ui_overrides=self.config.ui_text,
                               ai_notice=bool(self.config.ai_notice),
                               downloads=self._downloads)
        for path in self.pages.plan(self.kb_settings, self.config.home,
                                    dashboard=self._dashboard_enabled):
            log.warning("%s: the vault has a note at this path; glosa's generated page "
                        "is not built", path)
        self.homes, self.generated = self.pages.homes, self.pages.generated
        self.furniture = self.pages.furniture
        self.tag_slugs, self.section_slugs = self.pages.tag_slugs, self.pages.section_slugs
        existing = {n.path for n in self.vault.notes} | {a.path for a in self.vault.attachments}
        self._moves = self._planned_moves(self.pages.root_home, existing)

    def tag_path(self, lang: str, tag: str) -> str:
        return self.pages.tag_path(lang, tag)

    def section_path(self, lang: str, section: str) -> str:
        return self.pages.section_path(lang, section)

    def _note_at(self, src_uri: str) -> Note | None:
        """The note whose file is ``src_uri`` exactly (two notes whose names differ only
        by a level marker, case or normalisation are two pages)."""
        return self._notes_by_path.get(src_uri)

    # Runs late so that files added by other plugins are already present to be mapped.
    @event_priority(-50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.vault is not None
        self._reuse_output()
        _publishable_files(self, files, config)
        # `mkdocs serve --dirty` after the first build: listing pages already written are
        # kept (they refresh on the next full build); re-rendering every tag page and the
        # A–Z index after each edit would dominate the rebuild of a large vault.
        keep_listings = self.dirty and self._built_once
        for path, spec in self.generated.items():
            file = File.generated(config, path, content=self._page_stub(path, spec))
            if keep_listings and Path(file.abs_dest_path).is_file():
                file.is_modified = lambda: False  # type: ignore[method-assign]
            files.append(file)
        for name in _asset_names():
            source = TEMPLATES / "assets" / name
            files.append(File.generated(config, f"assets/glosa/{name}",
                                        content=source.read_bytes()))
        _give_each_page_its_url(files, config)
        self._apply_moves(files, config)
        for file in files:
            if file.generated_by is not None:
                # Generated pages are named by glosa's slugs; this asserts it.
                try:
                    inside(Path(config.site_dir), Path(file.abs_dest_path))
                except UnsafePathError as exc:
                    raise PluginError(str(exc)) from None
        self.urls = {f.src_uri: f.url for f in files}
        self._add_kb_files(files, config)
        self._add_exports(files, config)
        self._add_search_names(files, config)
        for item in self.diagnostics:
            _log_diagnostic(item)
        self._start_search_index(files, config)
        return files

    def _add_exports(self, files: Files, config: MkDocsConfig) -> None:
        """The glossary's downloads (option ``exports``), from the notes the site publishes."""
        self.exports = None
        wanted = self.config.exports
        if not (self.kb_settings.kind == "glossary" if wanted is None else wanted):
            return
        self.exports = self._kept_exports()
        for path, (_fmt, data) in self.exports.files.items():
            file = File.generated(config, path, content=data)
            files.append(file)
            self.urls[path] = file.url
        for path, (_fmt, source, _size) in self.exports.kept.items():
            kept = _KeptFile.generated(config, path, abs_src_path=str(source))
            assert isinstance(kept, _KeptFile)
            kept.reused = self.reused
            files.append(kept)
            self.urls[path] = kept.url

    def _kept_exports(self) -> SiteExports:
        """The downloads: the build cache's when made from the same notes, else made (and
        kept for the next build)."""
        body_cache = self.body_cache
        if body_cache is None or body_cache.store.root is None:
            return self._build_exports()
        assert self.vault is not None
        published = set(self.urls)
        site_url = self.site_url
        key = exports_key(self.vault.notes, note_digest=body_cache.note_digest,
                          include=lambda note: note.path in published,
                          page_url=lambda note: self.url_of(note.path),
                          title=self.site_name, site_url=site_url,
                          settings=repr(self.vault.config))
        if key is None:
            return self._build_exports()
        kept = KeptExports(body_cache.store)
        found = kept.load(key, self._notes_by_path)
        if found is not None:
            log.debug("cache: the downloads from the cache")
            return found
        return kept.keep(key, self._build_exports())

    def _build_exports(self) -> SiteExports:
        assert self.vault is not None and self.model is not None
        published = set(self.urls)
        site_url = self.site_url
        return build_site_exports(
            self.vault, self.model, title=self.site_name, site_url=site_url,
            include=lambda note: note.path in published,
            page_url=lambda note: site_url + self.url_of(note.path) if site_url else "")

    def _downloads(self, here: str, lang: str) -> dict[str, Any] | None:
        """The download links of a generated page, or None when there are none."""
        downloads = self.exports.downloads() if self.exports is not None else []
        if not downloads:
            return None
        text = download_text(lang, self.config.ui_text)
        return {"title": text["downloads"], "intro": text["downloads_intro"],
                "files": [{"label": download_label(fmt), "url": self.href(here, path),
                           "name": path.rsplit("/", 1)[-1], "size": size}
                          for path, fmt, size in downloads]}

    # ---------------------------------------------------------------- knowledge-base shell

    def _kb_settings(self) -> Settings:
        options = self.config
        kind = options.kind or ("notes" if self.core.profile == "obsidian" else "glossary")
        notes = kind == "notes"
        properties = options.properties
        if isinstance(properties, list):
            shown: str | list[str] = [str(key) for key in properties]
        elif properties in ("show", "hide"):
            shown = str(properties)
        else:
            raise PluginError("plugins.glosa: 'properties' is show, hide or a list of keys")
        return Settings(kind=kind, properties=shown,
                        explorer=notes if options.explorer is None else options.explorer,
                        graph=notes if options.graph is None else options.graph,
                        recent=notes if options.recent is None else options.recent)

    def tag_listing(self, lang: str) -> list[tuple[str, list[Note]]]:
        return self.pages.tag_listing(lang)

    def _planned_moves(self, root_home: bool, existing: set[str]) -> dict[str, str]:
        """Notes whose page moves (a ``permalink``, or the home of a single-language notes
        site to the root), to their page path ("" for the root)."""
        assert self.vault is not None
        moves: dict[str, str] = {}
        for note in self.vault.notes:
            target = permalink_of(note)
            if target is not None:
                moves[note.path] = target
        home = self.homes.get(self.core.default_language, "")
        if root_home and home != "index.md" and home in existing:
            moves[home] = ""
        return moves

    @property
    def url_style(self) -> str:
        """`slug` or `title` (option ``url_style``; by default the profile's)."""
        if self.config.url_style:
            return str(self.config.url_style)
        return "title" if self.core.profile == "obsidian" else "slug"

    def _apply_moves(self, files: Files, config: MkDocsConfig) -> None:
        """Give moved notes their URL (a ``permalink``, the root home, else with
        ``url_style: slug`` the slug of their title); their default URL redirects there."""
        self._redirects = {}
        self._slugged = {}
        directory = config.use_directory_urls
        moves = dict(self._moves)
        if self.url_style == "slug":
            self._slugged = self._slug_moves(files, moves, directory)
            moves.update(self._slugged)
        if not moves:
            return
        taken = {f.url for f in files}
        for file in files.documentation_pages():
            target = moves.get(file.src_uri)
            if target is None:
                continue
            dest, url = _page_dest(target, directory)
            # Slugs were chosen clear of every page that stays; they may take the old
            # address of another page that moves.
            if url in taken and url != file.url and file.src_uri not in self._slugged:
                log.warning("%s: permalink %r is the address of another page; not moved",
                            file.src_uri, target)
                continue
            taken.discard(file.url)
            if url != file.url:
                self._redirects[file.url] = url
            taken.add(url)
            file.dest_uri = dest
            file.url = url
            file.abs_dest_path = str(Path(config.site_dir) / dest)

    def _slug_moves(self, files: Files, moves: dict[str, str],
                    directory: bool) -> dict[str, str]:
        """The slug page path of every note page that no ``permalink`` moves; folder
        index notes keep their folder's address."""
        pages: list[tuple[str, list[str]]] = []
        taken: dict[str, str] = {}
        for file in files:
            note = self._note_at(file.src_uri) if file.is_documentation_page() else None
            stem = posixpath.splitext(posixpath.basename(file.src_uri))[0].casefold()
            if note is None or file.src_uri in moves or stem in ("index", "readme"):
                taken[fold_path(file.dest_uri)] = file.src_uri
            else:
                pages.append((file.src_uri,
                              [page_title(note, self.core.profile), *note.aliases]))
        for source, target in moves.items():
            taken[fold_path(_page_dest(target, directory)[0])] = source
        targets, clashes = slug_pages(sorted(pages), taken,
                                      lambda path: _page_dest(path, directory)[0])
        for clash in clashes:
            log.warning("%s: published at '%s': '%s' already has '%s'", clash.path,
                        _page_dest(clash.page, directory)[1], clash.holder,
                        _page_dest(clash.wanted, directory)[1])
        return targets

    def _add_kb_files(self, files: Files, config: MkDocsConfig) -> None:
        """Redirects, explorer and graph data and feeds, once every URL is known."""
        assert self.model is not None and self.vault is not None
        self.kb = self._make_kb()
        taken = {f.url for f in files} | {f.dest_uri for f in files}
        redirects = dict(self._redirects)
        # Aliases as old page paths are Obsidian Publish's convention; a glossary's aliases
        # (`A/B testing`) are names.
        for note in self.vault.notes if self.kb_settings.kind == "notes" else ():
            for alias in alias_redirects(note):
                redirects.setdefault(f"{alias}/" if config.use_directory_urls
                                     else f"{alias}.html", self.url_of(note.path))
        directory = config.use_directory_urls
        # With slug URLs every alias is an address too (`es/metricas/clv/`): a title
        # renamed with its old one kept as an alias breaks no link from outside.
        for path in self._slugged:
            slugged = self._note_at(path)
            for alias in alias_slug_pages(slugged, posixpath.dirname(path)) if slugged else ():
                redirects.setdefault(_page_dest(alias, directory)[1], self.url_of(path))
        # A reader trimming a page's address to `/es/` finds the language's home.
        for lang, home in self.homes.items():
            redirects.setdefault(f"{lang}/" if directory else f"{lang}/index.html",
                                 self.url_of(home))
        # Folded: on a case-insensitive disk or server `Foo/` is the page `foo/`.
        taken = {fold_path(item) for item in taken}
        for source, target in redirects.items():
            # Page URLs are percent-encoded, file paths are not.
            path = unquote(source)
            dest = (f"{path}index.html" if path.endswith("/") or not path
                    else path if path.endswith(".html") else f"{path}/index.html")
            if fold_path(dest) in taken or (fold_path(quote(path)) in taken
                                             and source not in self._redirects):
                continue
            taken.add(fold_path(dest))
            page_url = quote(path if directory else dest)
            redirect = _RedirectFile.generated(config, dest, content=redirect_html(
                relative_url(page_url, target) or "./"))
            assert isinstance(redirect, _RedirectFile)
            redirect.reused = self.reused
            files.append(redirect)
        for path, content in self.kb.data_files(self.site_url,
                                                self.site_name).items():
            files.append(File.generated(config, path, content=content))

    def _make_kb(self) -> KnowledgeBase:
        """The knowledge-base shell over the current model (the generated pages use it)."""
        assert self.model is not None
        # The site's own tag paths: two tags sharing a slug get numbered pages.
        kb = KnowledgeBase(self.model, self.core.languages, self.kb_settings, self.url_of,
                           self.tag_path, lambda lang: ui_text(lang, self.config.ui_text),
                           site_url=self.site_url)
        self.pages.kb = kb
        return kb

    def _start_search_index(self, files: Files, config: MkDocsConfig) -> None:
        """Start this build's search index, which pages feed as they are rendered."""
        if self._indexer is not None:
            self._indexer.abort()
            self._indexer = None
        # Served, every page's record is kept for the fast path's search updates.
        self.live_records = {} if self._live is not None and self.config.search else None
        # `mkdocs serve --dirty` keeps the site folder between rebuilds: the search index is
        # written once, since re-indexing every page after each edit would dominate the
        # rebuild of a large vault (new terms become searchable on the next full build).
        if not self.config.search or (self.dirty and self._indexed_once):
            return
        # The searchable pages of each language: once all of a language's pages are
        # indexed, its bundle is written while the build goes on.
        expected: dict[str, set[str]] = {}
        serving = self.command == "serve"
        for file in files.documentation_pages():
            included = file.inclusion.is_in_serve if serving else file.inclusion.is_included
            if not included():  # type: ignore[no-untyped-call]
                continue
            lang = self._search_language(file.src_uri)
            if lang is not None:
                expected.setdefault(lang, set()).add(_search_url(file))
        output = Path(config.site_dir) / "pagefind"
        # Permalink marks (¶) are not a heading's text.
        exclude = [".headerlink"]

        def start() -> SearchIndexer:
            try:
                return SearchIndexer(output, expected=expected, exclude_selectors=exclude)
            except (SearchIndexError, OSError) as exc:
                raise PluginError(f"search index: {exc}") from None

        root = self._cache_root(config)
        if root is None:
            self._indexer = start()
            return
        # Pagefind is started only if a language's records changed (search_cache.py).
        store = CacheStore(root, key={"use": "search", "pagefind": pagefind_version(),
                                      "exclude": exclude})
        self._indexer = KeptSearchIndex(output, store, root / "search", start,
                                        previous=self.reused)

    def _add_search_names(self, files: Files, config: MkDocsConfig) -> None:
        """Each language's names file (search_index.names_file), from the searchable notes."""
        if not self.config.search:
            return
        assert self.vault is not None
        by_lang: dict[str, list[tuple[str, str, list[str], str]]] = {
            lang: [] for lang in self.core.languages}
        for file in files.documentation_pages():
            note = self._note_at(file.src_uri)
            lang = self._search_language(file.src_uri) if note is not None else None
            if note is None or lang is None:
                continue
            level = (f"{note.marker} {self.core.level_label(note.level, lang)}"
                     if note.level else "")
            by_lang[lang].append((page_title(note, self.core.profile), file.url,
                                  note.aliases, level))
        for lang, entries in by_lang.items():
            path = f"assets/glosa/names-{lang}.json"
            files.append(File.generated(config, path, content=names_file(entries)))

    def _search_language(self, src_uri: str) -> str | None:
        """The language of a searchable page (a note or a home), else None."""
        assert self.vault is not None
        spec = self.generated.get(src_uri)
        if spec is not None:
            return str(spec["lang"]) if spec["kind"] == "home" else None
        note = self._note_at(src_uri)
        if note is None or not note.readable:
            return None
        # Never the note's own value unchecked: it names the search bundle's folder.
        return site_language(note.lang, self.core.languages, self.core.default_language)

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """Nothing for MkDocs to read for a note: glosa renders the body it read (already
        decoded, without frontmatter, still there if the file was deleted or damaged after
        the vault was read)."""
        assert self.vault is not None
        note = self._note_at(page.file.src_uri)
        if note is None:
            return None
        return ""

    def _page_stub(self, path: str, spec: dict[str, Any]) -> str:
        # Generated pages get their HTML in on_page_markdown, once every URL is known.
        return f"# {spec['kind']}\n"

    def url_of(self, path: str) -> str:
        return self.urls.get(path, path)

    def href(self, page_url: str, path: str) -> str:
        """A link from the page at ``page_url`` to the page of docs path ``path``."""
        return relative_url(page_url, self.url_of(path)) or "./"

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str | None:
        assert self.vault is not None and self.model is not None
        src = page.file.src_uri
        spec = self.generated.get(src)
        if self.settled is not None and src in self.settled.found:
            light = self._light_page(page, None)
            if not self._builds_here(src) or self._take_settled(page, self.settled):
                return light
        elif not self._builds_here(src):
            return self._light_page(page, spec)
        if spec is not None:
            page.meta = self._generated_meta(spec)
            page.meta["glosa_kb"] = self.kb.page(None, spec["lang"], page.url)
            return _render_generated(self, spec, page)
        note = self._note_at(src)
        if note is None or not note.readable:
            return None
        assert self.renderer is not None
        lang = note.lang
        obsidian = self.core.profile == "obsidian"
        title = page_title(note, self.core.profile)
        tag_href = functools.partial(self._tag_href, page.url, lang)
        open_label = ui_text(lang, self.config.ui_text)["open_embed"]
        bodies = self.body_cache
        key = None if bodies is None else bodies.page_key(note, [page.url, title, open_label])
        cached = None if bodies is None or key is None else bodies.lookup(
            src, key, self.url_of, tag_href)
        if cached is not None:
            # Rendered and sanitized by an earlier build from what this one has.
            rendered = cached.rendered
            rendered.html = cached.content
            if self.settled is not None:
                self.settled.made(page, note, cached.questions, cached.answers,
                                  cached.texts, rendered)
        else:
            deps = RenderDeps() if key is not None else None
            state = RenderState(
                self.model, self.url_of, page.url, note, max_depth=self.config.embed_depth,
                tag_href=tag_href, permalink=self._permalink,
                permalink_title=self._permalink_title, preview_mark=self._nonce,
                open_label=open_label, deps=deps)
            rendered = self.renderer.render_note(
                state, title_h1=None if obsidian else title, keep_structure_lines=obsidian)
            if key is not None and deps is not None:
                self._body_deps[src] = (key, deps)
                if self.settled is not None:
                    self.settled.made(page, note, [list(q) for q in deps.facts],
                                      list(deps.facts.values()), sorted(deps.texts),
                                      rendered)
        self._rendered[src] = rendered
        self._report_render(note, rendered)
        description = self.model.summary(note)
        # The rest of the term furniture is made right before the page's template
        # (_PageMemory).
        page.meta = self._note_meta(note, title)
        page.meta["description"] = html.escape(description, quote=True)
        self._memory.furniture_due(page)
        self._kb_page_meta(note, page)
        # MkDocs does not parse the note again: the page's render step (a new
        # Python-Markdown instance per page, its extensions looked up each time) is
        # replaced by one that takes glosa's HTML and headings.
        page.render = functools.partial(  # type: ignore[method-assign]
            _take_rendered, page, rendered)
        return ""

    def _take_settled(self, page: Page, settled: SettledPages) -> bool:
        """A settled page this process builds: its kept file in ``site_dir``, its search
        record and its render's warnings (False: the file cannot be put there, and the
        page is made as usual)."""
        kept = settled.take(page)
        if kept is None:
            return False
        if self.body_cache is not None:
            self.body_cache.carry(page.file.src_uri)
        note = self._note_at(page.file.src_uri)
        lang = self._search_language(page.file.src_uri)
        if kept.record is not None and lang is not None:
            # Only the record's text is the cache's: its language names a folder.
            self._feed_record(lang, _search_url(page.file), kept.record[2])
        if note is not None:
            self._report_render(note, kept.rendered())
        return True

    def _tag_href(self, page_url: str, lang: str, tag: str) -> str | None:
        """The address of a tag's page from a page (None when the site has none)."""
        path = self.tag_path(lang, tag)
        if path not in self.generated:
            return None
        return self.href(page_url, path)

    def _report_render(self, note: Note, rendered: RenderedNote) -> None:
        """Problems the renderer met: broken links the check did not already report
        (it reports each with file:line:col), an embed budget exceeded, a failed note."""
        for message in rendered.warnings:
            log.warning(message)
        if not rendered.unresolved:
            return
        reported = self._reported_lines()
        for item in rendered.unresolved:
            if (item.path, item.line) not in reported:
                log.warning("%s:%d:%d: link-broken: %s does not resolve", item.path,
                            item.line, item.column, item.raw)

    def _reported_lines(self) -> set[tuple[str, int]]:
        found = self._diagnostic_lines
        if found is None:
            found = self._diagnostic_lines = {(d.path, d.line) for d in self.diagnostics}
        return found

    def _kb_page_meta(self, note: Note, page: Page) -> None:
        """The shell's pieces of a note page; its own description, if any, for meta tags."""
        pieces = page.meta["glosa_kb"] = self.kb.page(note, note.lang, page.url)
        if "description" in pieces:
            page.meta["description"] = html.escape(pieces["description"], quote=True)

    def _kb_decorate(self, content: str, page: Page) -> str:
        """Properties under the title, the local graph after the text."""
        pieces = page.meta.get("glosa_kb")
        if not pieces:
            return content
        content = plain_unpublished(content, self._unpublished)
        # Now part of the content: not held twice until the page is written.
        properties, graph = pieces.pop("properties", ""), pieces.pop("graph", "")
        return after_title(content, str(properties)) + str(graph)

    def _generated_title(self, spec: dict[str, Any]) -> str:
        return self.pages.title(spec)

    def _note_context(self, note: Note, page: Page, description: str) -> dict[str, Any]:
        # MkDocs writes a page's links relative to its URL.
        return self.pages.note_context(note, page.url, page.url, description)

    def on_page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                        nav: Any) -> TemplateContext:
        if not self._makes(page.file.src_uri):
            return context
        self._memory.before_template(self, page)
        lang = page.meta.get("glosa_lang") or self.core.default_language
        # glosa's own template variables, beside MkDocs' typed ones.
        extra = cast("dict[str, Any]", context)
        extra["glosa_ui"] = ui_text(lang, self.config.ui_text)
        # The theme's interface text exists for some languages only; a note in another
        # (an unconfigured `lang`) gets the site's.
        extra["glosa_locale"] = og_locale(lang)
        extra["glosa_lang"] = lang if lang in _theme_languages() else (
            config.theme.get("language") or "en")
        extra["glosa_homes"] = [
            {"lang": code, "name": language_name(code),
             "url": self.href(page.url, path)}
            for code, path in self.homes.items()]
        extra["glosa_search"] = self.config.search
        extra["glosa_site_name"] = self._site_name(lang)
        pieces = page.meta.get("glosa_kb")
        if pieces:
            # Made for this render only (kb.KnowledgeBase.explorer).
            shown = (None if page.file.src_uri in self.generated
                     else self._note_at(page.file.src_uri))
            extra["glosa_explorer"] = self.kb.explorer(shown.path if shown else None,
                                                       pieces["lang"], page.url)
        if self.page_cache is not None and page.meta.get("template") == PAGE_TEMPLATE:
            extra["glosa_page"] = self.page_cache.render
        if page.meta.get("glosa_kind") == "note" and not page.meta["glosa"]["is_home"]:
            _add_backlinks_to_toc(page, extra["glosa_ui"]["backlinks"])
        if self._own_nav:
            # glosa's sidebar: the page's own language only.
            extra["glosa_nav_lang"] = language_name(lang)
        if page.meta.get("glosa_kind") != "note":
            spec = self.generated.get(page.file.src_uri)
            extra["glosa_switch"] = [self._switch_item(page, spec, code)
                                     for code in self.homes if code != lang]
        else:
            extra["glosa_switch"] = page.meta["glosa"]["switch"]
            if not any(item.file is page.file for item in getattr(nav, "pages", [])):
                # A note outside the navigation: its sidebar (relative links, nothing
                # active) depends only on the folder its page is in.
                extra["glosa_nav_cache"] = self._nav_cache
                note = self.vault.index.note_at(page.file.src_uri) if self.vault else None
                section = note.meta.get("nav_primary") if note is not None else None
                section_path = (self.section_path(lang, section.strip())
                                if isinstance(section, str) and section.strip() else None)
                if section_path in self.generated:
                    # The sidebar marks the section the term belongs to.
                    extra["glosa_nav_active"] = self.url_of(section_path)
                extra["glosa_nav_key"] = (lang, posixpath.dirname(page.url.rstrip("/")))
            self._link_concept(page)
        return context

    def on_template_context(self, context: TemplateContext, *, template_name: str,
                            config: MkDocsConfig) -> TemplateContext:
        """The 404 page: the header's search box and, in every language, a way home."""
        if template_name != "404.html":
            return context
        extra = cast("dict[str, Any]", context)
        base = str(context.get("base_url") or "/").rstrip("/") + "/"
        lang = self.core.default_language
        homes = [{"lang": code, "name": language_name(code),
                  "url": base + self.url_of(path).lstrip("/")}
                 for code, path in self.homes.items()]
        extra.update(glosa_ui=ui_text(lang, self.config.ui_text), glosa_homes=homes,
                     glosa_site_name=self._site_name(lang),
                     glosa_lang=lang if lang in _theme_languages() else "en",
                     glosa_locale=og_locale(lang), glosa_search=self.config.search,
                     glosa_switch=[],
                     glosa_404=[{**home, "text": ui_text(home["lang"], self.config.ui_text)}
                                for home in homes])
        return context

    def _site_name(self, lang: str) -> str:
        """The site's name in a language: the title of that language's home note (a
        bilingual site_name is both languages at once), else site_name."""
        assert self.vault is not None
        home = self.homes.get(lang)
        note = self.vault.index.note_at(home) if home else None
        return note.title if note is not None and note.path == home else self.site_name

    def _switch_target(self, spec: dict[str, Any] | None, other: str) -> str:
        return self.pages.switch_target(spec, other)

    def _switch_item(self, page: Page, spec: dict[str, Any] | None,
                     other: str) -> dict[str, Any]:
        target = self._switch_target(spec, other)
        return {"lang": other, "name": language_name(other), "url": self.href(page.url, target),
                "title": None}

    def _link_concept(self, page: Page) -> None:
        """A term page's JSON-LD names its concept's SKOS IRI (``sameAs``)."""
        if self.exports is None or self.vault is None:
            return
        note = self.vault.index.note_at(page.file.src_uri)
        iri = self.exports.iris.get(id(note)) if note is not None else None
        if iri is not None:
            page.meta["glosa"]["json_ld"] = with_same_as(page.meta["glosa"]["json_ld"], iri)

    # Sanitizing runs after every other plugin has changed the page content.
    @event_priority(-100)
    def on_page_content(self, html_content: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        if not self._makes(page.file.src_uri):
            page.meta["template"] = SKIP_TEMPLATE
            return html_content
        if page.meta.get("glosa_kind") is None:
            return html_content
        if page.meta["glosa_kind"] == "note":
            src = page.file.src_uri
            rendered = self._rendered.pop(src, None)
            if rendered is None:
                return html_content
            if self.body_cache is not None and src in self.body_cache.hits:
                content = html_content  # sanitized when it was kept
            else:
                content = sanitize_html(html_content, page.url, preview_mark=self._nonce)
                # The mark has done its work (the sanitizer kept previews on glosa's links
                # only); the page shows none of this build's random value, so that a page
                # is the same bytes in every build of the same notes.
                content = content.replace(f'data-glosa-preview="{self._nonce}"',
                                          "data-glosa-preview")
                kept = self._body_deps.pop(src, None)
                if kept is not None and self.body_cache is not None:
                    self.body_cache.keep(src, kept[0], kept[1], content, rendered)
        else:
            fragments = self._fragments.pop(page.file.src_uri, None)
            # A generated page: its listing comes from glosa's templates, which escape
            # every value, and need not go through the sanitizer (an A–Z index of
            # thousands of terms would cost more than the notes); what Markdown and other
            # plugins made of the page still does.
            content = sanitize_html(html_content, page.url)
            if fragments is None:
                self._memory.listing_due(page)
                if self.page_cache is not None:
                    page.meta["template"] = PAGE_TEMPLATE
                return content
            content = fill_placeholders(content, fragments, self._nonce)
        if (self._indexer is not None or self.live_records is not None
                or self._collected is not None):
            self._add_search_record(page, content)
        if self.page_cache is not None:
            page.meta["template"] = PAGE_TEMPLATE
        return self._kb_decorate(content, page)

    def _add_search_record(self, page: Page, content: str) -> None:
        assert self.vault is not None
        src = page.file.src_uri
        lang = self._search_language(src)
        if lang is None:
            return
        spec = self.generated.get(src)
        if spec is not None:  # a generated home
            record = search_record(content, lang=lang, title=self._generated_title(spec))
        else:
            note = self._note_at(src)
            assert note is not None  # _search_language found it
            level = (f"{note.marker} {self.core.level_label(note.level, lang)}"
                     if note.level else "")
            assert self.model is not None
            record = search_record(content, title=page_title(note, self.core.profile),
                                   lang=lang, level_meta=level, aliases=note.aliases,
                                   definition=self.model.summary(note))
        url = _search_url(page.file)
        if self.settled is not None:
            self.settled.record(src, lang, url, record)
        self._feed_record(lang, url, record)

    def _feed_record(self, lang: str, url: str, record: str) -> None:
        if self._collected is not None:  # a page process: sent to the first one
            self._collected.append((lang, url, record))
        if self._indexer is not None:
            self._indexer.add(lang, url, record)
        if self.live_records is not None:
            self.live_records.setdefault(lang, {})[url] = record

    # The first: other plugins' post_build sees every page, page processes' included.
    @event_priority(100)
    def _post_build_first(self, *, config: MkDocsConfig) -> None:
        workers, self._workers = self._workers, None
        if workers is not None:
            self._join_page_processes(workers, config)
        settled, self.settled = self.settled, None
        if settled is not None:
            settled.keep_made()
            settled.stop()
        _release_memory_settings()
        # The caches are written while Pagefind may still be writing a bundle on the other
        # core, before this process waits for it.
        writes, self._write_later = self._write_later, []
        for write in writes:
            write()
        if self.page_cache is not None:
            self.page_cache.finish()
        if self.body_cache is not None:
            log.info("cache: %d note bodies from the cache, %d rendered",
                     len(self.body_cache.hits), len(self.body_cache.rendered))
            self.body_cache.finish()
        indexer, self._indexer = self._indexer, None
        if indexer is not None:
            try:
                indexer.finish()
            except SearchIndexError as exc:
                raise PluginError(str(exc)) from None
            if isinstance(indexer, KeptSearchIndex):
                log.info("cache: search bundles of %d languages from the cache, %d indexed",
                         len(indexer.reused), len(indexer.indexed))
            self._indexed_once = True
        self._built_once = True
        if self._live is not None:
            records, self.live_records = self.live_records, None
            self._live.build_done(records, dirty=self.dirty)
        self._end_removal()

    # The last: every other plugin has changed the page.
    @event_priority(-100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if self.reused is not None and output.strip():  # MkDocs writes the page next
            self.reused.before_write(page.file.abs_dest_path)
        return output

    # The last: every other plugin has written its files.
    @event_priority(-100)
    def _post_build_last(self, *, config: MkDocsConfig) -> None:
        self._sweep_output()
        # Only now: a kept page the cache lets go of may be the previous output's file
        # through a hard link, and unlinking it would make it look written this build.
        if self.page_cache is not None:
            self.page_cache.remove_unused()

    on_post_build = CombinedEvent(_post_build_first, _post_build_last)

    # The last: the navigation as every other plugin left it, which page processes share.
    @event_priority(-100)
    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        if self._live is not None:
            self._live.captured(config, files, nav=nav)
        if self.page_cache is not None:
            self.page_cache.begin(config)
            self.pages.kept_listings = self.page_cache.listings
        self._settle_pages(config, files, nav)
        self._split_pages(config, files, nav)
        return nav

    def _settle_pages(self, config: MkDocsConfig, files: Files, nav: Any) -> None:
        """Find the note pages this build takes whole from the cache (settled_pages.py)."""
        self.settled = None
        cache, bodies = self.page_cache, self.body_cache
        if (cache is None or bodies is None or self.model is None or self._live is not None
                or self.command not in ("build", "gh-deploy") or self.dirty
                or other_page_plugins(config, self)):
            return
        cache.begin(config)
        pages = [file.page for file in files.documentation_pages(
            inclusion=InclusionLevel.is_included) if file.page is not None]
        settled = SettledPages(cache, self._page_inputs(nav, bodies), self._settle_values,
                               lambda page, note: functools.partial(
                                   self._tag_href, page.url, note.lang))
        settled.find(settle_candidates(self, pages, nav))
        self.settled = settled

    def _page_inputs(self, nav: Any, bodies: BodyCache) -> PageInputs:
        """What every page of this build shows alike, beside the settings: the homes and
        generated pages (addresses, titles), what is unpublished, the navigation."""
        assert self.model is not None
        in_nav = [[page.file.src_uri, bodies.note_digest(page.file.src_uri)]
                  for page in getattr(nav, "pages", [])]
        site = [sorted([lang, path, self.url_of(path), self._site_name(lang)]
                       for lang, path in self.homes.items()),
                # Tag pages are not among them: a page links to its own tags' pages
                # (_settle_values), and its body asked for the pages of the tags it shows.
                sorted([path, self.url_of(path), self._generated_title(spec)]
                       for path, spec in self.generated.items() if spec["kind"] != "tag"),
                sorted(self._unpublished), nav_digest(nav).hex(), in_nav, self._own_nav,
                self.site_name, self.site_url, self.site_description,
                sorted(_theme_languages())]
        return PageInputs(self.model, self.kb, self.url_of, bodies.note_digest,
                          self._notes_by_path, site)

    def _settle_values(self, page: Page, note: Note) -> list[Any]:
        """A note page's place in the site, as its template shows it."""
        iri = self.exports.iris.get(id(note)) if self.exports is not None else None
        tags = [[tag, self.url_of(self.tag_path(note.lang, tag))] for tag in note.tags]
        return [page.file.src_uri, page.file.dest_uri, page.url, page.canonical_url,
                page.edit_url, page.abs_url, page.is_homepage, iri, tags]

    def _split_pages(self, config: MkDocsConfig, files: Files, nav: Any) -> None:
        """Fork the processes that build shares of the pages (page_workers.py)."""
        pages = len(files.documentation_pages(inclusion=InclusionLevel.is_included))
        settled = self.settled.found if self.settled is not None else {}
        processes, why = worker_count(self.config.workers, pages - len(settled), config,
                                      self, command=self.command, dirty=self.dirty)
        if processes < 2:
            self.page_shares = []
            (log.info if self.config.workers > 1 else log.debug)(
                "pages are built in one process: %s", why)
            return
        workers = PageWorkers(processes, self._feed_search_index)
        workers.start(config, files, nav, self._become_page_process,
                      lambda: self._collected or [], self._page_result,
                      weight=lambda src: 0.05 if src in settled else 1.0)
        self._workers, self._own = workers, workers.own
        self.page_shares = workers.shares
        log.debug("pages are built in %d processes (%s pages)", processes,
                  " + ".join(str(len(share)) for share in workers.shares))

    def _become_page_process(self, own: set[str]) -> None:
        """In a page process: build ``own``, and keep search records to send back."""
        self._own = own
        self._collected = []
        self._indexer = None  # the first process's, fed there
        self._live = None
        if self.body_cache is not None:
            self.body_cache.in_another_process()

    def _feed_search_index(self, records: list[tuple[str, str, str]]) -> None:
        """A page process's search records (from a reader thread, once this process has
        fed its own: nothing else feeds the index then)."""
        indexer = self._indexer
        if indexer is not None:
            for lang, url, record in records:
                indexer.add(lang, url, record)

    def _page_result(self) -> WorkerResult:
        if self.settled is not None:
            self.settled.keep_made()
        return WorkerResult(
            page_cache=self.page_cache.state() if self.page_cache is not None else None,
            body_cache=self.body_cache.state() if self.body_cache is not None else None)

    def _join_page_processes(self, workers: PageWorkers, config: MkDocsConfig) -> None:
        """Wait for the page processes and take in what they send back, in page order."""
        self._own = None
        try:
            results = workers.join()
        except WorkerError as exc:
            raise PluginError(str(exc)) from None
        for result in results:
            relog(result.logs)
            if self.page_cache is not None and result.page_cache is not None:
                self.page_cache.absorb(result.page_cache, config)
            if self.body_cache is not None and result.body_cache is not None:
                self.body_cache.absorb(result.body_cache)

    def _builds_here(self, src_uri: str) -> bool:
        return self._own is None or src_uri in self._own

    def _makes(self, src_uri: str) -> bool:
        """Whether this process makes the page (not another process, not the cache)."""
        return self._builds_here(src_uri) and (
            self.settled is None or src_uri not in self.settled.found)

    def _generated_meta(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A generated page's metadata in every process: its title and language."""
        return {"title": html.escape(self._generated_title(spec)),
                "glosa_lang": spec["lang"], "glosa_kind": spec["kind"]}

    def _note_meta(self, note: Note, title: str) -> dict[str, Any]:
        """A note page's metadata in every process: the title and language that the
        navigation and its neighbours' links read, and the alternates that the sitemap
        (written before any page, by the first process) reads."""
        return {"title": html.escape(title), "glosa_lang": note.lang, "glosa_kind": "note",
                "glosa": {"alternates": self.pages.alternates(note)}}

    def _light_page(self, page: Page, spec: dict[str, Any] | None) -> str | None:
        """A page another process builds: its metadata, no body and an empty template."""
        if spec is not None:
            page.meta = self._generated_meta(spec)
        else:
            note = self._note_at(page.file.src_uri)
            if note is None or not note.readable:
                return None  # as MkDocs renders it (on_page_content skips its template)
            page.meta = self._note_meta(note, page_title(note, self.core.profile))
        page.meta["template"] = SKIP_TEMPLATE
        page.render = functools.partial(_take_nothing, page)  # type: ignore[method-assign]
        return ""

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        # A new memo each build: what it keeps follows from this build's settings.
        self.template_memo = TemplateMemo(enabled=memo_allowed(config.theme.custom_dir),
                                          linked_heads=_memo_linked_heads(config, files))
        env.globals["glosa_memo"] = self.template_memo
        # Every page includes thirty-odd templates; Jinja's default cache of compiled
        # templates is an LRU list that moves each one found to its end (a search of the
        # whole list, a twentieth of the template phase). A build loads a theme's
        # templates once and keeps them all: a plain dict, which Jinja also takes.
        if isinstance(env.cache, LRUCache):
            env.cache = dict(env.cache.items())
        root = self._cache_root(config)
        if root is not None and env.bytecode_cache is None:
            try:
                shared_store(root).prepare()
                env.bytecode_cache = TemplateCache(root / "templates")
            except OSError as exc:
                log.info("cache: templates are not kept: %s", exc)
        if self._workers is not None:
            self._workers.pages_read()  # the page processes' search records may follow
        if self._live is not None:
            self._live.captured(config, files, env=env)
        return env

    def on_build_error(self, *, error: Exception) -> None:
        workers, self._workers, self._own = self._workers, None, None
        if workers is not None:
            workers.abort()
        if self.settled is not None:
            self.settled.stop()
            self.settled = None
        _release_memory_settings()
        self.page_cache = None  # nothing of a failed build is kept
        if self.body_cache is not None:
            self.body_cache.close()
        self.body_cache = None
        if self._live is not None:
            self._live.build_started()  # no fast path from a failed build
        if self._indexer is not None:
            self._indexer.abort()
            self._indexer = None
        self.reused = None  # what the failed build wrote stays beside the earlier output
        self._end_removal()


class _PageMemory:
    """What of a page glosa makes right before its template and lets go of once the page
    is written: MkDocs keeps every page, with its content, until the build ends, and
    renders the templates only once every page's content is made; a 10,000-note site held
    over 200 MB of listings and term furniture that way.

    Made late: a note's term furniture (``page.meta["glosa"]``) and the listing of a
    generated page that no search record needs (the homes' are searched). Let go: the
    content and term furniture of the page written before (pages are written one at a
    time; a page rendered again, by `mkdocs serve`, is read again first).
    """

    def __init__(self) -> None:
        self._listings: set[str] = set()
        self._furniture: set[str] = set()
        self._written: Page | None = None

    def listing_due(self, page: Page) -> None:
        self._listings.add(page.file.src_uri)

    def furniture_due(self, page: Page) -> None:
        self._furniture.add(page.file.src_uri)

    def before_template(self, plugin: GlosaPlugin, page: Page) -> None:
        """Called first thing by on_page_context, before the page's template."""
        done, self._written = self._written, page
        if done is not None and done is not page:
            done.content = ""
            furniture = done.meta.get("glosa") if done.meta.get("glosa_kind") == "note" else None
            if isinstance(furniture, dict):
                done.meta["glosa"] = {"alternates": furniture.get("alternates", [])}
        src = page.file.src_uri
        if src in self._furniture:
            self._furniture.discard(src)
            note = plugin._note_at(src)
            if note is not None and plugin.model is not None:
                page.meta["glosa"] = plugin._note_context(note, page,
                                                          plugin.model.summary(note))
        if src in self._listings:
            self._listings.discard(src)
            spec = plugin.generated[src]
            page.content = plugin._kb_decorate(fill_placeholders(
                page.content or "", [plugin.pages.listing(spec, page.url)], plugin._nonce),
                page)


def _add_backlinks_to_toc(page: Page, title: str) -> None:
    """The term page's backlinks section, written by glosa's template, as the last entry of
    its table of contents (under the page's H1 when the toc has one)."""
    toc = page.toc
    link = AnchorLink(title, "glosa-backlinks", 2)
    items = list(toc)
    if any(item.id == "glosa-backlinks" for item in items):
        return
    if len(items) == 1 and items[0].level == 1:
        items[0].children.append(link)
    else:
        toc.items.append(link)


#: The favicon Material uses when a site sets none.
MATERIAL_FAVICON = "assets/images/favicon.png"

def _take_rendered(page: Page, rendered: RenderedNote, config: MkDocsConfig,
                   files: Files) -> None:
    """``Page.render`` for a note glosa rendered: its HTML (sanitized next, in
    on_page_content) and its table of contents, for Material's sidebar."""
    page.content = rendered.html
    # The page holds the HTML now; the render step, which MkDocs keeps with the page
    # until the build ends, need not hold it too.
    rendered.html = ""
    page.toc = get_toc(_toc_tokens(rendered.toc))
    page._title_from_render = None  # the title is the page's meta title
    page.present_anchor_ids = set(_toc_ids(rendered.toc))


def _take_nothing(page: Page, config: MkDocsConfig, files: Files) -> None:
    """``Page.render`` for a page another process builds."""
    page.content = ""
    page.toc = get_toc([])
    page._title_from_render = None


def _toc_ids(entries: list[TocEntry]) -> list[str]:
    return [id_ for e in entries for id_ in (e.id, *_toc_ids(e.children))]


def _toc_tokens(entries: list[TocEntry]) -> list[Any]:
    """The renderer's headings in the form MkDocs builds its table of contents from."""
    return [{"level": e.level, "id": e.id, "name": e.title, "children": _toc_tokens(e.children)}
            for e in entries]


_saved_gc_threshold: tuple[int, int, int] | None = None


def _hold_memory_settings() -> None:
    """Settings of Python's cycle collector for the rest of the build.

    The vault and its model live as long as the build: frozen, the collector no longer
    walks them. Full collections are put off until the build ends: the garbage of each page
    (Markdown's objects) is young and is freed by the young-generation collections, while
    each full collection walks every page MkDocs keeps; together, these took a tenth of a
    10,000-note build.
    """
    global _saved_gc_threshold
    gc.freeze()
    if _saved_gc_threshold is None:
        _saved_gc_threshold = gc.get_threshold()
        young, middle, old = _saved_gc_threshold
        gc.set_threshold(young, middle, max(old, 1000))


def _release_memory_settings() -> None:
    global _saved_gc_threshold
    gc.unfreeze()
    if _saved_gc_threshold is not None:
        gc.set_threshold(*_saved_gc_threshold)
        _saved_gc_threshold = None


#: Plugins known to write every file of theirs afresh in a build that does not clean
#: site_dir: with any other, the previous output is not reused (old_output.py), since a
#: plugin that leaves a file it finds in site_dir as it is would see it swept away.
_FRESH_WRITERS = frozenset({"glosa", "search", "material/search", "tags", "material/tags"})


def _reusable_output(config: MkDocsConfig) -> bool:
    return all(name in _FRESH_WRITERS for name in config.plugins)


class _RedirectFile(File):
    """A redirect page, left as it is when the previous output put back in site_dir
    already holds it (``reused``), else written as MkDocs writes a generated file."""

    reused: ReusedOutput | None = None

    def copy_file(self, dirty: bool = False) -> None:
        reused = self.reused
        if reused is not None and not dirty and reused.holds_bytes(
                self.abs_dest_path, self.content_bytes):
            return
        _write_in_own_folder(self.abs_dest_path, self.content_bytes)


def _write_in_own_folder(path: str, data: bytes) -> None:
    """Write ``path`` as MkDocs writes a generated file (its folder made, the file
    truncated and written), in four system calls where MkDocs' ``makedirs`` and buffered
    file take eight: the first process writes one redirect page per note."""
    folder = os.path.dirname(path)
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


class _KeptFile(File):
    """A file of the build cache put in the site: left as it is when the previous output
    put back in site_dir still holds it (``reused``), else linked there (copied across
    file systems), never written through a link."""

    reused: ReusedOutput | None = None

    def copy_file(self, dirty: bool = False) -> None:
        source, target = self.abs_src_path, self.abs_dest_path
        assert source is not None
        if self.reused is not None and self.reused.holds(target, source):
            return
        os.makedirs(os.path.dirname(target), exist_ok=True)
        link_kept_file(source, target)


@functools.cache
def _asset_names() -> tuple[str, ...]:
    """glosa's own style sheets and scripts (the syntax extensions' among them; Mermaid's
    script is loaded only by pages with a diagram, see main.html)."""
    folder = TEMPLATES / "assets"
    return tuple(sorted(entry.name for entry in folder.iterdir()
                        if entry.name.endswith((".css", ".js", ".svg"))))


@functools.cache
def _theme_languages() -> frozenset[str]:
    """Languages Material has interface text for (partials/languages/<code>.html)."""
    folder = resources.files("material") / "templates" / "partials" / "languages"
    return frozenset(entry.name[:-5] for entry in folder.iterdir()
                     if entry.name.endswith(".html"))


def _is_vault_file(file: File, docs_dir: Path) -> bool:
    """A file MkDocs found in the docs folder (theme files and generated ones are not)."""
    return file.generated_by is None and file.src_dir is not None and (
        _resolved(file.src_dir) == docs_dir)


@functools.lru_cache(maxsize=256)
def _resolved(folder: str) -> Path:
    # Every file of a folder names the same one: resolved once (a system call per path
    # element), not once per file (10,000 notes took a second). The cache is cleared at
    # the start of each build, so `mkdocs serve` sees a folder moved or relinked.
    return Path(folder).resolve()


_URL_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\]")


def _search_url(file: File) -> str:
    """A page's address in the search index: from the site root, not percent-encoded
    (as Pagefind writes the addresses of the pages it finds), except for backslashes,
    and control characters, which browsers read as slashes or drop (a note named
    `\\\\host\\x` would give `//host/x`, another host)."""
    return "/" + _URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", unquote(file.url))


def _log_diagnostic(item: Diagnostic) -> None:
    text = f"{item.path}:{item.line}:{item.column}: {item.rule}: {item.message}"
    if item.suggestion:
        text += f" ({item.suggestion})"
    if item.severity is Severity.ERROR or item.severity is Severity.WARNING:
        log.warning(text)


def _configure_theme(config: MkDocsConfig, plugin: GlosaPlugin) -> None:
    """Theme settings glosa needs: its templates, no web fonts, its assets, its nav."""
    plugin.site_name = config.site_name
    plugin.site_description = config.site_description or ""
    site_url = (config.site_url or "").rstrip("/")
    plugin.site_url = site_url + "/" if site_url else ""
    theme = config.theme
    templates_dir = str(TEMPLATES)
    dirs = theme.dirs
    if templates_dir not in dirs:
        # After a user's custom_dir (so a site can override glosa's templates), before Material.
        position = 1 if theme.custom_dir else 0
        dirs.insert(position, templates_dir)
    # Material loads Google Fonts unless told not to: a published glossary makes no
    # third-party request.
    theme["font"] = False
    if theme.get("favicon") in (None, MATERIAL_FAVICON):
        # The site's own icon rather than Material's logo (a site's favicon option wins).
        theme["favicon"] = "assets/glosa/favicon.svg"
    if not theme.get("palette"):
        # Light and dark, following the reader's system setting, with a toggle.
        theme["palette"] = default_palette()
    if theme.get("language") is None:
        theme["language"] = plugin.core.default_language
    styles = ["assets/glosa/glosa.css", "assets/glosa/glosa-kb.css"]
    if "ofm.css" in _asset_names():
        styles.append("assets/glosa/ofm.css")  # callouts, highlights, tags, tasks, math
    for css in styles:
        if css not in config.extra_css:
            config.extra_css.append(css)
    scripts = [str(s) for s in config.extra_javascript]
    for script in ("assets/glosa/glosa.js", "assets/glosa/glosa-kb.js"):
        if script not in scripts:
            config.extra_javascript.append(script)
    plugin._own_nav = not config.nav
    if not config.nav:
        config.nav = _navigation(plugin)
        # Notes are reached through the generated pages, not the sidebar: listing every
        # note left out of the nav would only bury real messages.
        if config.validation.nav.omitted_files == logging.INFO:
            config.validation.nav.omitted_files = logging.DEBUG


def default_palette(primary: str = "indigo", accent: str = "indigo") -> list[dict[str, Any]]:
    """Material's palette for a light and a dark scheme chosen by ``prefers-color-scheme``,
    each with the toggle to the other (its label is set per page language by glosa's
    palette partial)."""
    return [
        {"media": "(prefers-color-scheme: light)", "scheme": "default", "primary": primary,
         "accent": accent,
         "toggle": {"icon": "material/weather-night", "name": "Switch to dark mode"}},
        {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": primary,
         "accent": accent,
         "toggle": {"icon": "material/weather-sunny", "name": "Switch to light mode"}},
    ]


def _navigation(plugin: GlosaPlugin) -> list[Any]:
    """A navigation of a fixed handful of pages per language (homes, A–Z, tags, sections):
    a sidebar listing every note on every page would make the build quadratic."""
    assert plugin.model is not None
    nav: list[Any] = []
    for lang in plugin.core.languages:
        text = ui_text(lang, plugin.config.ui_text)
        items: list[Any] = [{text["home"]: plugin.homes[lang]}]
        items.append({text["az"]: az_page(lang)})
        for section, _ in plugin.model.sections(lang):
            path = plugin.section_path(lang, section)
            if path in plugin.generated:
                # Material writes navigation titles unescaped; a section is note text.
                items.append({html.escape(section): path})
        items.append({text["tags"]: tags_page(lang)})
        for kind in ("graph", "recent"):
            if f"{lang}/{kind}.md" in plugin.generated:
                items.append({text[kind]: f"{lang}/{kind}.md"})
        if f"{lang}/dashboard.md" in plugin.generated:
            items.append({text["dashboard"]: f"{lang}/dashboard.md"})
        if len(plugin.core.languages) == 1:
            return items  # one language: no language heading in the sidebar
        nav.append({language_name(lang): items})
    return nav


def _render_generated(plugin: GlosaPlugin, spec: dict[str, Any], page: Page) -> str:
    """The Markdown (an H1 and a placeholder) of a generated page; its listing's HTML
    (pages.py) goes in after Markdown, which need not parse it."""
    if plugin._search_language(page.file.src_uri) is not None:
        # A home: its search record is made from its whole content, listing included.
        plugin._fragments[page.file.src_uri] = [plugin.pages.listing(spec, page.url)]
    title = html.escape(plugin._generated_title(spec)).replace("#", "&#35;")
    return f"# {title}\n\nglosa{plugin._nonce}x0x\n"


# --- what of the vault is published, and where (see attachments and safepaths) ---------


def _check_site_config(config: MkDocsConfig) -> None:
    """Site settings glosa cannot work with: one clear line, not a traceback later."""
    name = config.theme.name
    if name != "material":
        raise PluginError(f"{config.config_file_path}: theme.name: glosa needs the "
                          f"'material' theme, not {name!r}")


@functools.cache
def _theme_paths(dirs: tuple[str, ...]) -> frozenset[str]:
    """Every file of the theme's folders, as a site path in lower case."""
    found: set[str] = set()
    for folder in dirs:
        for dirpath, _dirnames, filenames in os.walk(folder):
            rel = os.path.relpath(dirpath, folder)
            for filename in filenames:
                found.add(posixpath.normpath(posixpath.join(
                    rel.replace(os.sep, "/"), filename)).lower())
    return frozenset(found)


def _publishable_files(plugin: GlosaPlugin, files: Files, config: MkDocsConfig) -> None:
    """Remove from ``files`` what glosa must not publish, and sanitize SVG images.

    Published from the vault: the notes glosa read, and attachments that take the place of
    no theme or glosa file. Not published: anything behind a symbolic link that leaves the
    vault, in excluded folders, unreadable, pages in other Markdown extensions (which glosa
    neither reads nor sanitizes), and files that run as script unless `publish_raw` names
    them.
    """
    assert plugin.vault is not None
    notes = {n.path for n in plugin.vault.notes}
    known = {n.path for n in plugin.vault.notes if n.readable} | {
        a.path for a in plugin.vault.attachments}
    docs_dir = Path(config.docs_dir).resolve()
    theme = _theme_paths(tuple(str(d) for d in config.theme.dirs))
    for file in list(files):
        if not _is_vault_file(file, docs_dir):
            continue
        src = file.src_uri
        if src not in known:
            files.remove(file)
            continue
        if file.is_documentation_page() and src not in notes:
            log.warning("%s: not published: glosa publishes notes ending in .md or "
                        ".markdown (rename the file to publish it)", src)
            files.remove(file)
            continue
        reason = reserved_reason(file.dest_uri, theme)
        if reason is not None:
            log.warning("%s: not published: %s", src, reason)
            files.remove(file)
            continue
        if is_raw(src):
            if raw_allowed(src, plugin.config.publish_raw):
                log.warning("%s: published as it is (publish_raw): a browser opening it "
                            "runs any script it holds on the site's origin", src)
            else:
                log.warning("%s: not published: a browser would run it as a page or "
                            "script on the site's origin (list it in publish_raw to "
                            "publish it)", src)
                files.remove(file)
                continue
        elif src.lower().endswith(".svg"):
            try:
                clean = sanitize_svg(Path(str(file.abs_src_path)).read_bytes())
            except (SvgError, OSError) as exc:
                log.warning("%s: not published: %s", src, exc)
                files.remove(file)
                continue
            files.remove(file)
            files.append(File.generated(config, src, content=clean))
            continue
        _tolerate_vanishing(file)


def _tolerate_vanishing(file: File) -> None:
    """A note or attachment deleted, renamed or saved after the vault was read (`mkdocs
    serve` under file churn) is reported in one line instead of stopping the build: a
    note's page is built from the text glosa read, an attachment is skipped."""
    modified = file.is_modified
    copy = file.copy_file
    answer: list[bool] = []

    def is_modified() -> bool:
        # Asked once per build and then kept: MkDocs asks again when it writes the page,
        # and a file saved between its two questions would be written unread (no content).
        if not answer:
            try:
                answer.append(modified())
            except OSError:
                answer.append(True)  # gone: rendered again from what glosa read
        return answer[0]

    file.is_modified = is_modified  # type: ignore[method-assign]
    if file.is_documentation_page():
        return

    def copy_file(dirty: bool = False) -> None:
        try:
            copy(dirty)
        except FileNotFoundError:
            log.warning("%s: not copied: the file was removed during the build", file.src_uri)

    file.copy_file = copy_file  # type: ignore[method-assign]


def _give_each_page_its_url(files: Files, config: MkDocsConfig) -> None:
    """Two vault files that would be written to one place (same path once case-folded and
    normalised, as on macOS, Windows and many web servers, or `Foo.md` beside
    `Foo/index.md`): the first (by path) keeps it, the others get a numbered one, named
    in a warning. Generated pages and theme files keep theirs."""
    docs_dir = Path(config.docs_dir).resolve()
    taken: dict[str, File] = {}
    movable: list[File] = []
    for file in files:
        if _is_vault_file(file, docs_dir):
            movable.append(file)
        else:
            taken.setdefault(fold_path(file.dest_uri), file)
    for file in sorted(movable, key=lambda f: f.src_uri):
        key = fold_path(file.dest_uri)
        other = taken.get(key)
        if other is None:
            taken[key] = file
            continue
        number = 2
        while fold_path(dest := _numbered_dest(file, number)) in taken:
            number += 1
        log.warning("%s: published at '%s': '%s' already has '%s'", file.src_uri, dest,
                    other.src_uri, file.dest_uri)
        file.dest_uri = dest
        for cached in ("url", "abs_dest_path"):
            file.__dict__.pop(cached, None)
        taken[fold_path(dest)] = file


def _page_dest(target: str, directory: bool) -> tuple[str, str]:
    """The file and URL of the page at page path ``target`` ("" for the site's root)."""
    if directory:
        return (f"{target}/index.html" if target else "index.html",
                f"{quote(target)}/" if target else "")
    dest = f"{target}.html" if target else "index.html"
    return dest, quote(dest)


def _numbered_dest(file: File, number: int) -> str:
    dest = file.dest_uri
    if file.is_documentation_page() and dest.endswith("/index.html"):
        return numbered(dest[: -len("/index.html")], number) + "/index.html"
    stem, ext = posixpath.splitext(dest)
    return numbered(stem, number) + ext


def _prune_docs_walk(core: GlosaConfig) -> None:
    """Make MkDocs' own walk of docs_dir skip what glosa never reads: it follows symbolic
    links to folders, and a link to `/` would make it list the whole machine before any
    plugin sees a file (exclude_docs only filters what was already walked)."""
    import mkdocs.commands.build as build_module

    _pruned_walk.excluded = frozenset(core.exclude_dirs)
    if getattr(build_module, "get_files", None) is not _pruned_get_files:
        setattr(build_module, "get_files", _pruned_get_files)  # noqa: B010


class _PrunedWalk:
    excluded: frozenset[str] = frozenset()


_pruned_walk = _PrunedWalk()


def _pruned_get_files(config: MkDocsConfig) -> Files:
    """MkDocs' get_files, walking only folders inside docs_dir: no symbolic link that
    leaves it, no hidden or excluded folder, no folder twice."""
    from mkdocs.structure.files import set_exclusions

    docs_dir = str(config["docs_dir"])
    root = Path(os.path.realpath(docs_dir))
    seen = {root}
    found: list[File] = []
    conflicting: list[tuple[File, File]] = []
    for source_dir, dirnames, filenames in os.walk(docs_dir, followlinks=True):
        kept = []
        for name in sorted(dirnames):
            if name.startswith(".") or name in _pruned_walk.excluded:
                continue
            real = Path(os.path.realpath(os.path.join(source_dir, name)))
            if real in seen or not real.is_relative_to(root):
                continue
            seen.add(real)
            kept.append(name)
        dirnames[:] = kept
        relative_dir = os.path.relpath(source_dir, docs_dir)
        filenames.sort(key=lambda f: (os.path.splitext(f)[0] not in ("index", "README"), f))
        by_dest: dict[str, File] = {}
        for filename in filenames:
            file = File(os.path.join(relative_dir, filename), docs_dir,
                        config["site_dir"], config["use_directory_urls"])
            previous = by_dest.setdefault(file.dest_uri, file)
            if previous is not file:
                conflicting.append((previous, file))
            found.append(file)
    set_exclusions(found, config)
    # As MkDocs does: README.md gives way to an index file in the same folder.
    for a, b in conflicting:
        loser = a if b.inclusion.is_included() else b  # type: ignore[no-untyped-call]
        if loser is a and a.inclusion.is_included():  # type: ignore[no-untyped-call]
            log.warning("Excluding '%s' from the site because it conflicts with '%s'.",
                        a.src_uri, b.src_uri)
        if loser in found:
            found.remove(loser)
    return Files(found)


def _memo_linked_heads(config: MkDocsConfig, files: Files) -> set[str]:
    """The first folders of the site addresses the page template's kept parts link to:
    the site's scripts, stylesheets, logo, icon and home (template_memo.py)."""
    addresses: list[str] = []
    for item in [*config.extra_javascript, *config.extra_css]:
        path = getattr(item, "path", item)
        if isinstance(path, str):
            addresses.append(path)
    for value in (config.theme.get("logo"), config.theme.get("favicon"),
                  config.extra.get("homepage")):
        if isinstance(value, str):
            addresses.append(value)
    home = files.get_file_from_path("index.md")
    addresses.append(home.url if home is not None else "")
    return linked_heads(addresses)
