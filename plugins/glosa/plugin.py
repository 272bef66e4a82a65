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
import posixpath
import re
import secrets
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import quote, unquote

import nh3
from jinja2 import Environment
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from .checks import _parse_date, check_vault, find_roots
from .config import ConfigError, GlosaConfig
from .diagnostics import Diagnostic, Severity
from .i18n import format_day, language_name, language_name_in, ui_text
from .kb import KINDS, KnowledgeBase, Settings, after_title, choose_home, wording_overrides
from .model import Note
from .publishing import (
    alias_redirects,
    permalink_of,
    plain_unpublished,
    published_vault,
    redirect_html,
    unpublished_links,
)
from .search_index import SearchIndexer, SearchIndexError, search_record
from .site import (
    SiteModel,
    fill_placeholders,
    json_ld,
    relative_url,
    render_body,
    slug_for_url,
)
from .tags import tag_slug, tags_with_parents
from .vault import NoteCache, Vault, load_vault

__all__ = ["GlosaPlugin", "GlosaPluginConfig", "sanitize_html"]

log = get_plugin_logger(__name__)

TEMPLATES = resources.files("glosa.templates")


class GlosaPluginConfig(base.Config):  # type: ignore[no-untyped-call]
    """Options of ``plugins: [glosa]`` in mkdocs.yml (all optional)."""

    languages = c.ListOfItems(c.Type(str), default=["es", "en"])
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
    #: Knowledge-base shell (see kb.py): interface words, home note, panels, publishing.
    kind = c.Optional(c.Choice(KINDS))
    home = c.Optional(c.Type(str))
    properties = c.Type((str, list), default="show")
    publish_exclude = c.ListOfItems(c.Type(str), default=[])
    explorer = c.Optional(c.Type(bool))
    graph = c.Optional(c.Type(bool))
    recent = c.Optional(c.Type(bool))


# Tags and attributes a rendered note may keep: what Markdown, its usual extensions and
# glosa's own markup produce. Everything else (script, style, event handlers, javascript:
# URLs) is removed by nh3 (the ammonia sanitizer).
_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var", "input", "label",
    "nav", "section", "header", "footer", "article", "aside", "time",
}
_ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "role", "aria-label", "aria-hidden"},
    "a": {"href", "hreflang", "data-level", "data-preview"},
    "img": {"src", "alt", "width", "height", "loading"},
    "time": {"datetime"},
    "td": {"align", "colspan", "rowspan"}, "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start", "type"}, "details": {"open"},
    "input": {"type", "checked", "disabled"},
    "code": {"data-lang"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}


_CLEANER = nh3.Cleaner(tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
                       url_schemes=_URL_SCHEMES, link_rel=None, strip_comments=True)


# A link or image address in nh3's output (values in double quotes, entities decoded).
_URL_VALUE = re.compile(r' (href|src)="([^"]*)"')


def sanitize_html(content: str, page_url: str = "") -> str:
    """Rendered page HTML with anything that could run script removed, and no relative
    link or image that climbs above the site root (``page_url`` is the page's URL relative
    to the site root)."""
    cleaned = _CLEANER.clean(content)
    # Checked after nh3 rather than through its attribute_filter hook, which would call
    # back into Python for every attribute of every page.
    page_dir = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(
        page_url) + "/"

    def keep_inside(match: re.Match[str]) -> str:
        value = html.unescape(match.group(2))
        if value.startswith("#") or "://" in value.split("?", 1)[0] or value.startswith(
                ("//", "/", "mailto:", "tel:")):
            return match.group(0)
        path = unquote(value.split("#", 1)[0].split("?", 1)[0])
        target = posixpath.normpath(posixpath.join(page_dir, path))
        return "" if target == ".." or target.startswith("../") else match.group(0)

    # Climbing above the root from `depth` folders down takes more than `depth` ".."
    # segments; percent-encoded dots (which browsers read as dots) are always looked at.
    depth = page_dir.count("/")
    if not any(value.count("..") > depth or "%2e" in value or "%2E" in value
               for _, value in _URL_VALUE.findall(cleaned)):
        return cleaned
    return _URL_VALUE.sub(keep_inside, cleaned)


def _core_config(options: GlosaPluginConfig) -> GlosaConfig:
    mapping: dict[str, Any] = {
        "languages": list(options.languages),
        "profile": options.profile,
        "rules": dict(options.rules),
        "roots": list(options.roots),
    }
    if options.default_language:
        mapping["default_language"] = options.default_language
    if options.level_labels:
        mapping["level_labels"] = {lang: {int(k): v for k, v in labels.items()}
                                   for lang, labels in options.level_labels.items()}
    if options.exclude_dirs is not None:
        mapping["exclude_dirs"] = list(options.exclude_dirs)
    mapping["publish_exclude"] = list(options.publish_exclude)
    try:
        return GlosaConfig.from_mapping(mapping, "plugins.glosa")
    except (ConfigError, ValueError) as exc:
        raise PluginError(str(exc)) from None


def az_page(lang: str) -> str:
    """Docs path of a language's generated A–Z index."""
    return f"{lang}/az.md"


def tags_page(lang: str) -> str:
    return f"{lang}/tags/index.md"


def tag_page(lang: str, tag: str) -> str:
    return f"{lang}/tags/{tag_slug(tag, slug_for_url)}.md"


def section_page(lang: str, section: str) -> str:
    return f"{lang}/sections/{slug_for_url(section)}.md"


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
        self._indexer: SearchIndexer | None = None
        self.diagnostics: list[Diagnostic] = []
        self._fragments: dict[str, list[str]] = {}
        self._nav_cache: dict[str, str] = {}
        self.site_name = "Glossary"
        self.site_url = ""
        self.command = "build"
        self.dirty = False
        self._indexed_once = False
        self._built_once = False
        self._env: Environment | None = None
        self.kb: KnowledgeBase
        self.kb_settings = Settings()
        self._moves: dict[str, str] = {}
        self._unpublished: set[str] = set()
        self._redirects: dict[str, str] = {}
        self._tag_listings: dict[str, list[tuple[str, list[Note]]]] = {}
        # Placeholders carry a random part, so no note text can forge one.
        self._nonce = secrets.token_hex(4)

    # `mkdocs serve` keeps a plugin with on_startup alive across rebuilds (the note cache).
    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"],
                   dirty: bool) -> None:
        self.command = command
        self.dirty = dirty
        self._indexed_once = False
        self._built_once = False

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
        self.core = core
        whole = load_vault(Path(config.docs_dir), core, self._cache)
        # The site is built from the published notes only (publishing.py).
        self.vault = published_vault(whole, core.publish_exclude)
        self.model = SiteModel(self.vault)
        self.diagnostics = check_vault(
            whole, self.model.resolutions if self.vault is whole else None)
        self.kb_settings = self._kb_settings()
        self._unpublished = {link.target for _, link, _ in
                             unpublished_links(whole, core.publish_exclude)}
        self.config["ui_text"] = wording_overrides(self.kb_settings.kind, core.languages,
                                                   self.config.ui_text)
        self._nav_cache = {}
        self._plan_pages()
        _configure_theme(config, self)
        _hold_memory_settings()
        return config

    def _plan_pages(self) -> None:
        """Decide the homes and generated pages of every language."""
        assert self.vault is not None and self.model is not None
        model = self.model
        existing = {n.path for n in self.vault.notes} | {a.path for a in self.vault.attachments}
        roots = find_roots(self.vault)
        self.generated = {}
        self.homes = {}
        self._tag_listings = {}
        single = len(self.core.languages) == 1
        for lang in self.core.languages:
            home = f"{lang}/index.md"
            chosen = choose_home(self.vault.notes, lang, self.core.languages, self.config.home)
            if chosen is not None:
                home = chosen
            elif single and self.kb_settings.kind == "notes":
                # One language: its home is the site's front page.
                home = "index.md"
                self.generated[home] = {"kind": "home", "lang": lang}
            elif home not in existing and self.kb_settings.kind == "notes":
                self.generated[home] = {"kind": "home", "lang": lang}
            elif home not in existing:
                candidates = [n for n in self.model.notes
                              if n.lang == lang and id(n) in roots]
                candidates.sort(key=lambda n: (n.level or 9, -len(model.children(n)),
                                               n.path))
                if candidates:
                    home = candidates[0].path
                else:
                    self.generated[home] = {"kind": "home", "lang": lang}
            self.homes[lang] = home
            self.generated[az_page(lang)] = {"kind": "az", "lang": lang}
            self.generated[tags_page(lang)] = {"kind": "tags", "lang": lang}
            if self.kb_settings.graph:
                self.generated[f"{lang}/graph.md"] = {"kind": "graph", "lang": lang}
            if self.kb_settings.recent:
                self.generated[f"{lang}/recent.md"] = {"kind": "recent", "lang": lang}
            for tag, _ in self.tag_listing(lang):
                self.generated[tag_page(lang, tag)] = {
                    "kind": "tag", "lang": lang, "tag": tag}
            for section, _ in self.model.sections(lang):
                self.generated[section_page(lang, section)] = {
                    "kind": "section", "lang": lang, "section": section}
        if self._dashboard_enabled:
            self.generated[f"{self.core.default_language}/dashboard.md"] = {
                "kind": "dashboard", "lang": self.core.default_language}
        # A single-language notes site has its home at the root: no language chooser.
        root_home = single and self.kb_settings.kind == "notes"
        if "index.md" not in existing and "README.md" not in existing and not root_home:
            self.generated["index.md"] = {"kind": "landing",
                                          "lang": self.core.default_language}
        self._moves = self._planned_moves(root_home, existing)
        for path in list(self.generated):
            if path in existing:
                log.warning("%s: the vault has a note at this path; glosa's generated page "
                            "is not built", path)
                del self.generated[path]

    # Runs late so that files added by other plugins are already present to be mapped.
    @event_priority(-50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.vault is not None
        readable = {n.path for n in self.vault.notes if n.readable}
        known = readable | {a.path for a in self.vault.attachments}
        docs_dir = Path(config.docs_dir).resolve()
        for file in list(files):
            # Publish only what glosa read: nothing behind a symlink that leaves the vault,
            # nothing in excluded folders, no note that could not be read.
            if file.src_uri not in known and _is_vault_file(file, docs_dir):
                files.remove(file)
        # `mkdocs serve --dirty` after the first build: listing pages already written are
        # kept (they refresh on the next full build); re-rendering every tag page and the
        # A–Z index after each edit would dominate the rebuild of a large vault.
        keep_listings = self.dirty and self._built_once
        for path, spec in self.generated.items():
            file = File.generated(config, path, content=self._page_stub(path, spec))
            if keep_listings and Path(file.abs_dest_path).is_file():
                file.is_modified = lambda: False  # type: ignore[method-assign]
            files.append(file)
        for name in ("glosa.css", "glosa.js", "glosa-kb.css", "glosa-kb.js"):
            source = TEMPLATES / "assets" / name
            files.append(File.generated(config, f"assets/glosa/{name}",
                                        content=source.read_bytes()))
        self._apply_moves(files, config)
        self.urls = {f.src_uri: f.url for f in files}
        self._add_kb_files(files, config)
        for item in self.diagnostics:
            _log_diagnostic(item)
        self._start_search_index(files, config)
        return files

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
        """A language's tags with their notes, nested tags' parents included."""
        assert self.model is not None
        listing = self._tag_listings.get(lang)
        if listing is None:
            listing = self._tag_listings[lang] = tags_with_parents(self.model.tags(lang))
        return listing

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

    def _apply_moves(self, files: Files, config: MkDocsConfig) -> None:
        """Give moved notes their URL; their default URL redirects there."""
        self._redirects = {}
        if not self._moves:
            return
        taken = {f.url for f in files}
        directory = config.use_directory_urls
        for file in files.documentation_pages():
            target = self._moves.get(file.src_uri)
            if target is None:
                continue
            if directory:
                dest, url = (f"{target}/index.html" if target else "index.html"), (
                    f"{quote(target)}/" if target else "")
            else:
                dest = f"{target}.html" if target else "index.html"
                url = quote(dest)
            if url in taken and url != file.url:
                log.warning("%s: permalink %r is the address of another page; not moved",
                            file.src_uri, target)
                continue
            taken.discard(file.url)
            self._redirects[file.url] = url
            taken.add(url)
            file.dest_uri = dest
            file.url = url
            file.abs_dest_path = str(Path(config.site_dir) / dest)

    def _add_kb_files(self, files: Files, config: MkDocsConfig) -> None:
        """Redirects, explorer and graph data and feeds, once every URL is known."""
        assert self.model is not None and self.vault is not None
        self.kb = KnowledgeBase(self.model, self.core.languages, self.kb_settings,
                                self.url_of, tag_page,
                                lambda lang: ui_text(lang, self.config.ui_text),
                                site_url=self.site_url)
        taken = {f.url for f in files} | {f.dest_uri for f in files}
        redirects = dict(self._redirects)
        # Aliases as old page paths are Obsidian Publish's convention; a glossary's aliases
        # (`A/B testing`) are names.
        for note in self.vault.notes if self.kb_settings.kind == "notes" else ():
            for alias in alias_redirects(note):
                redirects.setdefault(f"{alias}/" if config.use_directory_urls
                                     else f"{alias}.html", self.url_of(note.path))
        directory = config.use_directory_urls
        for source, target in redirects.items():
            # Page URLs are percent-encoded, file paths are not.
            path = unquote(source)
            dest = (f"{path}index.html" if path.endswith("/") or not path
                    else path if path.endswith(".html") else f"{path}/index.html")
            if dest in taken or (quote(path) in taken and source not in self._redirects):
                continue
            taken.add(dest)
            page_url = quote(path if directory else dest)
            files.append(File.generated(config, dest, content=redirect_html(
                relative_url(page_url, target) or "./")))
        for path, content in self.kb.data_files(self.site_url,
                                                self.site_name).items():
            files.append(File.generated(config, path, content=content))

    def _start_search_index(self, files: Files, config: MkDocsConfig) -> None:
        """Start this build's search index, which pages feed as they are rendered."""
        if self._indexer is not None:
            self._indexer.abort()
            self._indexer = None
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
        try:
            self._indexer = SearchIndexer(Path(config.site_dir) / "pagefind", expected=expected,
                                          # Permalink marks (¶) are not a heading's text.
                                          exclude_selectors=[".headerlink"])
        except (SearchIndexError, OSError) as exc:
            raise PluginError(f"search index: {exc}") from None

    def _search_language(self, src_uri: str) -> str | None:
        """The language of a searchable page (a note or a home), else None."""
        assert self.vault is not None
        spec = self.generated.get(src_uri)
        if spec is not None:
            return str(spec["lang"]) if spec["kind"] == "home" else None
        note = self.vault.index.note_at(src_uri)
        if note is None or note.path != src_uri or not note.readable:
            return None
        return note.lang or self.core.default_language

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        """A note's body as glosa read it: already decoded (BOM, CRLF and bad bytes
        handled), without frontmatter (MkDocs need not parse YAML glosa has checked), and
        still there if the file was deleted or damaged after the vault was read."""
        assert self.vault is not None
        note = self.vault.index.note_at(page.file.src_uri)
        if note is None or note.path != page.file.src_uri:
            return None
        return note.body

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
        if spec is not None:
            page.meta = {"title": html.escape(self._generated_title(spec)),
                         "glosa_lang": spec["lang"], "glosa_kind": spec["kind"]}
            page.meta["glosa_kb"] = self.kb.page(None, spec["lang"], page.url)
            return _render_generated(self, spec, page)
        note = self.vault.index.note_at(src) if src.lower().endswith((".md", ".markdown")) else None
        if note is None or not note.readable:
            return None
        body, _unresolved, fragments = render_body(
            self.model, note, self.url_of, page.url, self.config.embed_depth, self._nonce)
        self._fragments[page.file.src_uri] = fragments
        description = self.model.summary(note)
        page.meta = {
            "title": html.escape(note.title),
            "description": html.escape(description, quote=True),
            "glosa_lang": note.lang,
            "glosa_kind": "note",
            "glosa": self._note_context(note, page, description),
        }
        self._kb_page_meta(note, page)
        return body

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
        return after_title(content, str(pieces["properties"])) + str(pieces["graph"])

    def _generated_title(self, spec: dict[str, Any]) -> str:
        text = ui_text(spec["lang"], self.config.ui_text)
        kind = spec["kind"]
        if kind == "tag":
            return f"{text['tag']}: {spec['tag']}"
        if kind == "section":
            return str(spec["section"])
        if kind == "landing":
            return self.site_name
        return str(text.get(kind, kind))

    def _note_context(self, note: Note, page: Page, description: str) -> dict[str, Any]:
        assert self.model is not None
        here = page.url

        def link(target: Note) -> dict[str, str]:
            return {"title": target.title, "url": self.href(here, target.path)}

        translations = self.model.translations.get(id(note), {})
        others = [lang for lang in self.core.languages if lang != note.lang]
        switch = []
        for lang in others:
            target = translations.get(lang)
            switch.append({"lang": lang, "name": language_name(lang),
                           "name_here": language_name_in(lang, note.lang),
                           "url": self.href(here, target.path if target else self.homes[lang]),
                           "title": target.title if target else None})
        modified = _parse_date(note.meta.get("modified"))
        version = None
        parts = [note.meta.get(k) for k in ("ver_major", "ver_minor", "ver_rev")]
        if all(isinstance(p, int) and not isinstance(p, bool) for p in parts):
            version = ".".join(str(p) for p in parts)
        tags = [{"name": t, "url": self.href(here, tag_page(note.lang, t))} for t in note.tags]
        site_url = self.site_url
        page_abs = site_url + page.url if site_url else page.url
        home_path = self.homes.get(note.lang, "")
        home_abs = (site_url + self.url_of(home_path)) if site_url else self.url_of(home_path)
        return {
            "level": note.level,
            "marker": note.marker,
            "level_label": self.core.level_label(note.level, note.lang) if note.level else None,
            "breadcrumb": [link(n) for n in self.model.breadcrumb(note)],
            "version": version,
            "modified": format_day(modified, note.lang) if modified else None,
            "modified_iso": modified.date().isoformat() if modified else None,
            "tags": tags,
            "aliases": note.aliases,
            "backlinks": [{**link(source), "snippet": snippet}
                          for source, snippet in self.model.backlinks_of(note)],
            "children": [link(n) for n in self.model.children(note)],
            "switch": switch,
            "alternates": [{"lang": lang, "url": self.url_of(t.path)}
                           for lang, t in sorted(translations.items())],
            "json_ld": json_ld(note, page_abs, self.site_name, home_abs, description),
        }

    def on_page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                        nav: Any) -> TemplateContext:
        lang = page.meta.get("glosa_lang") or self.core.default_language
        # glosa's own template variables, beside MkDocs' typed ones.
        extra = cast("dict[str, Any]", context)
        extra["glosa_ui"] = ui_text(lang, self.config.ui_text)
        # The theme's interface text exists for some languages only; a note in another
        # (an unconfigured `lang`) gets the site's.
        extra["glosa_lang"] = lang if lang in _theme_languages() else (
            config.theme.get("language") or "en")
        extra["glosa_homes"] = [
            {"lang": code, "name": language_name(code),
             "url": self.href(page.url, path)}
            for code, path in self.homes.items()]
        extra["glosa_search"] = self.config.search
        if page.meta.get("glosa_kind") != "note":
            extra["glosa_switch"] = [h for h in extra["glosa_homes"] if h["lang"] != lang]
        else:
            extra["glosa_switch"] = page.meta["glosa"]["switch"]
            if not any(item.file is page.file for item in getattr(nav, "pages", [])):
                # A note outside the navigation: its sidebar (relative links, nothing
                # active) depends only on the folder its page is in.
                extra["glosa_nav_cache"] = self._nav_cache
                extra["glosa_nav_key"] = posixpath.dirname(page.url.rstrip("/"))
        return context

    # Sanitizing runs after every other plugin has changed the page content.
    @event_priority(-100)
    def on_page_content(self, html_content: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        if page.meta.get("glosa_kind") is None:
            return html_content
        fragments = self._fragments.pop(page.file.src_uri, [])
        if page.meta["glosa_kind"] == "note":
            content = sanitize_html(fill_placeholders(html_content, fragments, self._nonce),
                                    page.url)
        else:
            # A generated page: its listing comes from glosa's templates, which escape
            # every value, and need not go through the sanitizer (an A–Z index of
            # thousands of terms would cost more than the notes); what Markdown and other
            # plugins made of the page still does.
            content = fill_placeholders(sanitize_html(html_content, page.url), fragments,
                                        self._nonce)
        if self._indexer is not None:
            self._add_search_record(page, content)
        return self._kb_decorate(content, page)

    def _add_search_record(self, page: Page, content: str) -> None:
        assert self._indexer is not None and self.vault is not None
        src = page.file.src_uri
        lang = self._search_language(src)
        if lang is None:
            return
        spec = self.generated.get(src)
        if spec is not None:  # a generated home
            record = search_record(content, lang=lang, title=self._generated_title(spec))
        else:
            note = self.vault.index.note_at(src)
            assert note is not None  # _search_language found it
            level = (f"{note.marker} {self.core.level_label(note.level, lang)}"
                     if note.level else "")
            record = search_record(content, title=note.title, lang=lang, level_meta=level,
                                   aliases=note.aliases)
        self._indexer.add(lang, _search_url(page.file), record)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        _release_memory_settings()
        indexer, self._indexer = self._indexer, None
        if indexer is not None:
            try:
                indexer.finish()
            except SearchIndexError as exc:
                raise PluginError(str(exc)) from None
            self._indexed_once = True
        self._built_once = True

    def on_build_error(self, *, error: Exception) -> None:
        _release_memory_settings()
        if self._indexer is not None:
            self._indexer.abort()
            self._indexer = None


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


@functools.cache
def _theme_languages() -> frozenset[str]:
    """Languages Material has interface text for (partials/languages/<code>.html)."""
    folder = resources.files("material") / "templates" / "partials" / "languages"
    return frozenset(entry.name[:-5] for entry in folder.iterdir()
                     if entry.name.endswith(".html"))


def _is_vault_file(file: File, docs_dir: Path) -> bool:
    """A file MkDocs found in the docs folder (theme files and generated ones are not)."""
    return file.generated_by is None and file.src_dir is not None and (
        Path(file.src_dir).resolve() == docs_dir)


def _search_url(file: File) -> str:
    """A page's address in the search index: from the site root, not percent-encoded
    (as Pagefind writes the addresses of the pages it finds)."""
    return "/" + unquote(file.url)


def _log_diagnostic(item: Diagnostic) -> None:
    text = f"{item.path}:{item.line}:{item.column}: {item.rule}: {item.message}"
    if item.suggestion:
        text += f" ({item.suggestion})"
    if item.severity is Severity.ERROR or item.severity is Severity.WARNING:
        log.warning(text)


def _configure_theme(config: MkDocsConfig, plugin: GlosaPlugin) -> None:
    """Theme settings glosa needs: its templates, no web fonts, its assets, its nav."""
    plugin.site_name = config.site_name
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
    if theme.get("language") is None:
        theme["language"] = plugin.core.default_language
    for css in ("assets/glosa/glosa.css", "assets/glosa/glosa-kb.css"):
        if css not in config.extra_css:
            config.extra_css.append(css)
    scripts = [str(s) for s in config.extra_javascript]
    for script in ("assets/glosa/glosa.js", "assets/glosa/glosa-kb.js"):
        if script not in scripts:
            config.extra_javascript.append(script)
    for ext in ("tables", "attr_list"):
        if ext not in config.markdown_extensions:
            config.markdown_extensions.append(ext)
    if not config.nav:
        config.nav = _navigation(plugin)
        # Notes are reached through the generated pages, not the sidebar: listing every
        # note left out of the nav would only bury real messages.
        if config.validation.nav.omitted_files == logging.INFO:
            config.validation.nav.omitted_files = logging.DEBUG


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
            path = section_page(lang, section)
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


def _template_env(plugin: GlosaPlugin) -> Environment:
    env = plugin._env
    if env is None:
        from jinja2 import FileSystemLoader, select_autoescape

        env = Environment(
            loader=FileSystemLoader(str(TEMPLATES / "glosa")),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True, lstrip_blocks=True,
        )
        plugin._env = env
    return env


def _render_generated(plugin: GlosaPlugin, spec: dict[str, Any], page: Page) -> str:
    """The Markdown (an H1 and an HTML block) of a generated page, from its template."""
    assert plugin.model is not None
    lang = spec["lang"]
    here = page.url
    model = plugin.model

    def entry(note: Note) -> dict[str, Any]:
        return {"title": note.title, "url": plugin.href(here, note.path),
                "level": note.level, "marker": note.marker,
                "level_label": plugin.core.level_label(note.level, lang) if note.level else "",
                "summary": model.summary(note, 160)}

    context: dict[str, Any] = {"ui": ui_text(lang, plugin.config.ui_text), "lang": lang,
                               "title": plugin._generated_title(spec)}
    kind = spec["kind"]
    if kind == "az":
        context["groups"] = [(letter, [entry(n) for n in notes])
                             for letter, notes in model.az(lang)]
    elif kind == "tags":
        context["tags"] = [{"name": tag, "count": len(notes),
                            "url": plugin.href(here, tag_page(lang, tag))}
                           for tag, notes in plugin.tag_listing(lang)]
    elif kind == "tag":
        context["notes"] = [entry(n) for tag, notes in plugin.tag_listing(lang)
                            if tag == spec["tag"] for n in notes]
    elif kind == "graph":
        context.update(plugin.kb.graph_page(lang, here))
    elif kind == "recent":
        context.update(plugin.kb.recent_page(lang, here))
    elif kind == "section":
        context["groups"] = [(sub, [entry(n) for n in notes])
                             for name, subs in model.sections(lang) if name == spec["section"]
                             for sub, notes in subs]
    elif kind == "dashboard":
        context.update(_dashboard_context(plugin, here, entry))
    elif kind in ("home", "landing"):
        context["homes"] = [{"lang": code, "name": language_name(code),
                             "url": plugin.href(here, path),
                             "count": len(model.by_language(code))}
                            for code, path in plugin.homes.items()]
        context["sections"] = [
            {"name": name, "url": plugin.href(here, section_page(lang, name))}
            for name, _ in model.sections(lang)]
        context["az_url"] = plugin.href(here, az_page(lang))
        context["count"] = len(model.by_language(lang))
    template = _template_env(plugin).get_template(f"{kind}.html")
    # The listing is HTML already: it goes in after Markdown, which need not parse it.
    plugin._fragments[page.file.src_uri] = [template.render(context)]
    title = html.escape(context["title"]).replace("#", "&#35;")
    return f"# {title}\n\nglosa{plugin._nonce}x0x\n"


def _dashboard_context(plugin: GlosaPlugin, here: str,
                       entry: Any) -> dict[str, Any]:
    """Counts and lists editors need: editorial fields, pending actions, translations,
    the notes left longest without changes."""
    from collections import Counter

    from .translation_status import translation_report

    assert plugin.model is not None and plugin.vault is not None
    notes = plugin.model.notes
    ui = ui_text(plugin.core.default_language, plugin.config.ui_text)

    def shown(value: Any) -> str:
        if value is None or value == "":
            return ui["dash_empty"]
        return str(value)

    counts = []
    for field in ("iaStatus", "checked", "supervisado", "a11y", "lang"):
        tally = Counter(shown(n.meta.get(field)) for n in notes)
        counts.append((field, sorted(tally.items(), key=lambda item: (-item[1], item[0]))))

    def link(note: Note) -> dict[str, Any]:
        return {"title": note.title, "lang": note.lang,
                "url": plugin.href(here, note.path)}

    actions = [{**link(n), "action": str(n.meta["ACCION"])} for n in notes
               if isinstance(n.meta.get("ACCION"), str) and n.meta["ACCION"].strip()]
    report = translation_report(plugin.vault)
    missing = [{**link(c.source), "langs": c.missing} for c in report.concepts if c.missing]
    by_path = {n.path: n for n in notes}
    stale = [{**link(by_path[s.path]), "reasons": s.reasons} for c in report.concepts
             for s in c.stale if s.path in by_path]
    dated = [(d, n) for n in notes if (d := _parse_date(n.meta.get("modified"))) is not None]
    dated.sort(key=lambda item: item[0])
    oldest = [{**link(n), "modified": d.date().isoformat()} for d, n in dated[:15]]
    return {"counts": counts, "actions": actions, "missing": missing, "stale": stale,
            "oldest": oldest, "total": len(notes),
            "languages": [language_name(code) for code in plugin.core.languages]}
