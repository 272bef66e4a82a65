"""glosa on Zensical (a spike): the pages glosa pre-generates, and a Python-Markdown extension.

Zensical reads ``mkdocs.yml`` and renders each page through Python-Markdown with the
extensions it lists, but runs no MkDocs plugin. So glosa's work is split in two:

* :func:`prepare` reads the vault once with glosa's core and writes a build folder: a
  ``mkdocs.yml`` for Zensical, and a ``docs/`` folder with every published note (a small
  frontmatter Zensical reads: title, description, hreflang alternates, the term furniture as
  HTML), its attachments, glosa's assets and the pages the plugin would generate (homes,
  A–Z, tags, sections, levels), chosen and rendered by the engine-free ``glosa.site.pages``
  that the MkDocs plugin uses too;
* :class:`GlosaExtension` (``markdown_extensions: [glosa_zensical]``) renders each note with
  glosa's own renderer (``glosa.render``, the one the MkDocs plugin uses) while Zensical
  renders the page: Python-Markdown sees one placeholder, the note's HTML goes in after
  it, and the page goes through glosa's sanitizer. (So Zensical's table of contents of a
  note stays empty: its toc extension only sees what Python-Markdown parsed.) The term
  furniture is marked ``data-search-exclude``, so Zensical's search indexes the note's
  text only, as glosa's own search does.

Nothing here imports Zensical: the page being rendered comes from Zensical's rendering
context when there is one, else from the extension's ``page`` option (tests, plain
Python-Markdown).
"""

from __future__ import annotations

import html
import posixpath
import re
import secrets
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import yaml
from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader, select_autoescape
from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from glosa.checking.checks import check_vault
from glosa.checking.diagnostics import Severity
from glosa.config import GlosaConfig, _mkdocs_glosa_options
from glosa.reading.model import Note
from glosa.reading.vault import Vault, load_vault
from glosa.render import NoteRenderer, RenderState, sanitize_html
from glosa.render.core import page_title
from glosa.site.i18n import language_name
from glosa.site.kb import Settings
from glosa.site.model import SiteModel, fill_placeholders
from glosa.site.pages import TEMPLATES, SitePages, az_page, tags_page
from glosa.site.publishing import published_vault

__all__ = ["GlosaExtension", "PreparedSite", "makeExtension", "page_url", "prepare"]

_CORE_KEYS = {"languages", "default_language", "profile", "rules", "roots", "level_labels",
              "exclude_dirs", "publish_exclude"}
_NOTE_SUFFIXES = (".md", ".markdown")


def page_url(path: str, use_directory_urls: bool = True) -> str:
    """The URL (relative to the site root, not encoded) Zensical gives the page of a docs
    path, as MkDocs does: ``es/Cliente.md`` -> ``es/Cliente/``; ``es/index.md`` -> ``es/``."""
    stem, ext = posixpath.splitext(path)
    if ext.lower() not in _NOTE_SUFFIXES:
        return path
    folder, name = posixpath.split(stem)
    if name in ("index", "README"):
        return f"{folder}/" if folder else ""
    return f"{stem}/" if use_directory_urls else f"{stem}.html"


@dataclass
class PreparedSite:
    """What glosa knows of a site once its vault is read: enough to render any page."""

    settings: Path
    vault: Vault
    model: SiteModel
    core: GlosaConfig
    options: dict[str, Any]
    site_name: str
    site_url: str
    use_directory_urls: bool
    #: The generated pages and note furniture, as the MkDocs plugin makes them.
    pages: SitePages = field(init=False)
    #: Placeholders carry a random part, so no note text can forge one.
    nonce: str = field(default_factory=lambda: secrets.token_hex(4))
    renderer: NoteRenderer | None = None
    problems: int = 0

    def __post_init__(self) -> None:
        self.pages = SitePages(self.vault, self.model, self.core, self.url_of,
                               ui_overrides=self.options.get("ui_text") or {},
                               site_name=self.site_name, site_url=self.site_url,
                               ai_notice=bool(self.options.get("ai_notice", True)))

    @property
    def homes(self) -> dict[str, str]:
        return self.pages.homes

    @property
    def generated(self) -> dict[str, dict[str, Any]]:
        return self.pages.generated

    def url_of(self, path: str) -> str:
        """A docs path's page URL from the site root, percent-encoded as MkDocs writes it."""
        return quote(page_url(path, self.use_directory_urls), safe="/")

    def link_base(self, path: str) -> str:
        """What the links of the page of docs path ``path`` are written relative to.
        Zensical resolves a page's relative links from its source file's folder (and
        rewrites them for the page's URL), so that folder, not the page URL, is the base."""
        folder = posixpath.dirname(path)
        return quote(folder, safe="/") + "/" if folder else ""

    def ui(self, lang: str) -> dict[str, str]:
        return self.pages.ui(lang)


def load_site(settings: Path) -> PreparedSite:
    """Read the vault an ``mkdocs.yml`` using glosa names, with that file's plugin options."""
    data = yaml.safe_load(settings.read_text("utf-8")) or {}
    options = _mkdocs_glosa_options(settings)
    if options is None:
        raise SystemExit(f"{settings}: no glosa plugin in this configuration")
    core = GlosaConfig.from_mapping({k: v for k, v in options.items() if k in _CORE_KEYS},
                                    str(settings))
    docs_dir = settings.parent / str(data.get("docs_dir", "docs"))
    whole = load_vault(docs_dir, core)
    # The site is built from the published notes only, as the plugin builds it.
    vault = published_vault(whole, core.publish_exclude)
    model = SiteModel(vault)
    site_url = str(data.get("site_url") or "").rstrip("/")
    site = PreparedSite(settings=settings, vault=vault, model=model, core=core,
                        options=options, site_name=str(data.get("site_name", "Glossary")),
                        site_url=site_url + "/" if site_url else "",
                        use_directory_urls=bool(data.get("use_directory_urls", True)))
    for item in check_vault(whole, model.resolutions if vault is whole else None):
        if item.severity in (Severity.ERROR, Severity.WARNING):
            site.problems += 1
            print(f"WARNING - {item.path}:{item.line}:{item.column}: {item.rule}: "
                  f"{item.message}", file=sys.stderr)
    for path, tokens, limit in long_search_sections(model.notes):
        site.problems += 1
        print(f"WARNING - {path}: a section of {tokens:,} words passes Zensical's search "
              f"limit of {limit:,} a field for this site; the build will fail on it (split it "
              "with headings)", file=sys.stderr)
    # The spike has no knowledge-base shell (explorer, graph, recent changes): Zensical
    # runs no plugin that would write its data files and decorate every page.
    kind = str(options.get("kind") or ("notes" if core.profile == "obsidian" else "glossary"))
    for path in site.pages.plan(Settings(kind=kind, explorer=False, graph=False, recent=False),
                                options.get("home")):
        print(f"WARNING - {path}: the vault has a note at this path; glosa's generated page "
              "is not built", file=sys.stderr)
    return site


# --- pages glosa writes before Zensical runs -----------------------------------------------

#: The opening tags of the term furniture in glosa's term template (partials/glosa-term.html),
#: each given Zensical's ``data-search-exclude`` in the spike's copy of the template.
#: Zensical indexes a page's content, and the spike renders the furniture into it (the
#: MkDocs site draws it in the page template, around the indexed content): without the
#: mark, the backlinks of a note linked from every note pass the search index's limit of
#: words a field. A heading needs the mark itself: Zensical starts a search section at a
#: heading inside an excluded element.
SEARCH_EXCLUDED_TAGS = (
    '<nav class="glosa-breadcrumb"', '<div class="glosa-termhead"', '<p class="glosa-notice"',
    '<section class="glosa-children"', '<h2 id="glosa-children"', '<p class="glosa-tags"',
    '<section class="glosa-backlinks"', '<h2 id="glosa-backlinks"')
SEARCH_EXCLUDE = "data-search-exclude"
_HEADING_TAG = re.compile(r"<h[1-6](?=[\s>])")


def term_template_source() -> str:
    """glosa's term template with every piece of furniture marked out of Zensical's search;
    a template that no longer has one of those tags stops the build, rather than indexing
    the furniture again."""
    source = (TEMPLATES / "partials" / "glosa-term.html").read_text("utf-8")
    for tag in SEARCH_EXCLUDED_TAGS:
        if source.count(tag) != 1:
            raise SystemExit(f"glosa-term.html: expected one {tag!r} to mark out of search")
        source = source.replace(tag, f"{tag} {SEARCH_EXCLUDE}")
    return source


def exclude_from_search(fragment: str) -> str:
    """A piece of glosa's own HTML (a home's overview) wrapped out of Zensical's search, its
    headings marked too."""
    marked = _HEADING_TAG.sub(lambda m: f"{m.group(0)} {SEARCH_EXCLUDE}", fragment)
    return f"<div {SEARCH_EXCLUDE}>{marked}</div>"


#: How Zensical 0.0.73 splits a search field into tokens (its ``search.separator``).
_SEARCH_SEPARATOR = re.compile(r'[\s\-_,:!=\[\]()\\"`/]+|\.(?!\d)')
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)")
_FENCE = re.compile(r"^ {0,3}(?:`{3,}|~{3,})")


def search_field_limit(items: int) -> int:
    """The most tokens Zensical 0.0.73 takes in one search field of an index of ``items``
    sections: 2**30 positions shared by the items, rounded to powers of two (measured:
    16,384 for 58,384 items, 131,072 for 4,101; past it the build fails)."""
    return 2 ** 30 >> max(items - 1, 1).bit_length()


def section_tokens(body: str) -> list[int]:
    """The tokens of each heading section of a note's text (headings in code excepted), as
    Zensical would count them: a section is one search field."""
    sections = [0]
    fenced = False
    for line in body.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and _ATX_HEADING.match(line):
            sections.append(0)
            continue
        sections[-1] += sum(1 for token in _SEARCH_SEPARATOR.split(line) if token)
    return sections


def long_search_sections(notes: Iterable[Note]) -> list[tuple[str, int, int]]:
    """(path, tokens, limit) of each note with a section longer than Zensical's search takes
    for this site: the build would fail on it. The site's sections are counted from the
    notes' headings (a page and its title's section each, then one a heading)."""
    counts = {note.path: section_tokens(note.body) for note in notes if note.readable}
    limit = search_field_limit(sum(len(c) + 1 for c in counts.values()))
    return [(path, max(c), limit) for path, c in counts.items() if max(c) > limit]


def _templates() -> Environment:
    # The term template (the listings are glosa.site.pages'): it includes Material's content
    # partial; here the content is the note's HTML, which the extension has sanitized.
    return Environment(
        loader=ChoiceLoader([DictLoader({
            "partials/glosa-term.html": term_template_source(),
            "partials/content.html": "{{ page_content }}",
            # Material's page partials, which Zensical's theme draws around the content.
            **{f"partials/{name}.html": "" for name in (
                "tags", "actions", "source-file", "feedback", "comments")}}),
                             FileSystemLoader(str(TEMPLATES)),
                             FileSystemLoader(str(TEMPLATES / "glosa"))]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True, lstrip_blocks=True)


def render_generated(site: PreparedSite, path: str, spec: dict[str, Any]) -> str:
    """The HTML listing of a generated page, its links relative to its source folder."""
    return site.pages.listing(spec, site.link_base(path))


def note_context(site: PreparedSite, note: Note) -> dict[str, Any]:
    """The term furniture of a note, as the MkDocs plugin hands it to glosa's term
    template, its links relative to the note's source folder."""
    return site.pages.note_context(note, site.link_base(note.path), site.url_of(note.path),
                                   site.model.summary(note))


def _frontmatter(values: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(values, allow_unicode=True, sort_keys=False) + "---\n"


def _navigation(site: PreparedSite) -> list[Any]:
    """The plugin's sidebar: a handful of pages per language, never every note."""
    nav: list[Any] = []
    for lang in site.core.languages:
        text = site.ui(lang)
        items: list[Any] = [{text["home"]: site.homes[lang]}, {text["az"]: az_page(lang)}]
        items += [{section: site.pages.section_path(lang, section)}
                  for section, _ in site.model.sections(lang)
                  if site.pages.section_path(lang, section) in site.generated]
        items.append({text["tags"]: tags_page(lang)})
        nav.append({language_name(lang): items})
    return nav


def prepare(settings: Path, out: Path) -> PreparedSite:
    """Write ``out/mkdocs.yml`` and ``out/docs/`` for Zensical from a glosa site's
    ``mkdocs.yml``; returns the site read (the extension renders from it in-process)."""
    site = load_site(settings.resolve())
    docs = out / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    for note in site.model.notes:
        target = docs / note.path
        target.parent.mkdir(parents=True, exist_ok=True)
        translations = site.model.translations.get(id(note), {})
        meta = {
            "title": note.title,
            "description": site.model.summary(note),
            # Read by the theme override (overrides/main.html) into <head>.
            "glosa_lang": note.lang,
            "glosa_alternates": [{"lang": lang, "url": site.url_of(t.path)}
                                 for lang, t in sorted(translations.items())],
        }
        # The body is rendered by the extension; the file keeps glosa's decoded text so
        # Zensical's own reading (title, search) sees the note as glosa read it.
        target.write_text(_frontmatter(meta) + note.body, encoding="utf-8")
    for attachment in site.vault.attachments:
        target = docs / attachment.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(attachment.abs_path, target)
    for path, spec in site.generated.items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        title = site.pages.title(spec)
        listing = render_generated(site, path, spec)
        meta: dict[str, Any] = {"title": title, "glosa_lang": spec["lang"]}
        if spec["kind"] != "home":
            # Listings stay out of search, as on the MkDocs site; at 10,000 notes the A–Z's
            # letter sections also pass Zensical's limit of 16,384 words a search field.
            meta["search"] = {"exclude": True}
        target.write_text(_frontmatter(meta) + f"# {html.escape(title)}\n\n{listing}\n",
                          encoding="utf-8")
    assets = docs / "assets" / "glosa"
    assets.mkdir(parents=True)
    # glosa's style sheets and scripts, as the plugin copies them (OFM's styles, the local
    # Mermaid that mermaid-init.js loads only on a page with a diagram).
    for source in (TEMPLATES / "assets").iterdir():
        if source.name.endswith((".css", ".js", ".svg")):
            (assets / source.name).write_bytes(source.read_bytes())
    overrides = out / "overrides"
    if overrides.exists():
        shutil.rmtree(overrides)
    overrides.mkdir()
    (overrides / "main.html").write_text(_MAIN_OVERRIDE, encoding="utf-8")
    (out / "mkdocs.yml").write_text(_zensical_config(site, settings), encoding="utf-8")
    return site


#: The one theme override: hreflang alternates in <head>, from the page's frontmatter.
_MAIN_OVERRIDE = """{% extends "base.html" %}
{% block extrahead %}
  {% if page.meta and page.meta.glosa_alternates %}
    <link rel="alternate " hreflang="{{ page.meta.glosa_lang }}" href="{{ page.url | url }}">
    {% for alt in page.meta.glosa_alternates %}
      <link rel="alternate " hreflang="{{ alt.lang }}" href="{{ alt.url | url }}">
    {% endfor %}
  {% endif %}
{% endblock %}
"""


def _zensical_config(site: PreparedSite, settings: Path) -> str:
    data = yaml.safe_load(settings.read_text("utf-8")) or {}
    theme = dict(data.get("theme") or {"name": "material"})
    theme["custom_dir"] = "overrides"
    theme.setdefault("language", site.core.default_language)
    # No web fonts: the site makes no third-party request.
    theme["font"] = False
    extensions: list[Any] = list(data.get("markdown_extensions") or [])
    names = {e if isinstance(e, str) else next(iter(e)) for e in extensions}
    extensions += [e for e in ("tables", "attr_list") if e not in names]
    extensions.append({"glosa_zensical": {"settings": str(settings.resolve())}})
    config = {
        "site_name": site.site_name,
        "site_url": site.site_url or None,
        "docs_dir": "docs",
        "site_dir": "site",
        "use_directory_urls": site.use_directory_urls,
        "theme": theme,
        "nav": _navigation(site),
        "extra_css": ["assets/glosa/glosa.css", "assets/glosa/ofm.css"],
        "extra_javascript": ["assets/glosa/glosa.js", "assets/glosa/mermaid-init.js"],
        # Material's own language selector: one link per language, to its home.
        "extra": {"alternate": [{"name": language_name(lang), "lang": lang,
                                 "link": "/" + site.url_of(site.homes[lang])}
                                for lang in site.core.languages]},
        "markdown_extensions": extensions,
    }
    if not config["site_url"]:
        del config["site_url"]
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


# --- the Python-Markdown extension ----------------------------------------------------------

#: Sites read in this process, by settings file: Zensical makes a Markdown instance (and
#: so an extension) per page, while the vault is read once.
SITES: dict[str, PreparedSite] = {}


def site_for(settings: str) -> PreparedSite:
    site = SITES.get(settings)
    if site is None:
        site = SITES[settings] = load_site(Path(settings))
    return site


def _current_page(md: Markdown, fallback: str) -> tuple[str, str]:
    """(docs path, page URL) of the page being rendered: Zensical's rendering context when
    Zensical runs this, else the extension's ``page`` option."""
    for processor in md.preprocessors:
        page = getattr(processor, "page", None)
        if page is not None and hasattr(page, "path"):
            return str(page.path), str(getattr(page, "url", "") or "")
    return fallback, ""


class GlosaPreprocessor(Preprocessor):
    """A note's wiki-links and embeds, rewritten by glosa's renderer."""

    def __init__(self, md: Markdown, extension: GlosaExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        ext = self.extension
        ext.fragments = []
        ext.note = None
        ext.document_ready = False
        site = site_for(ext.getConfig("settings"))
        path, _url = _current_page(self.md, ext.getConfig("page"))
        ext.page_path = path
        note = site.vault.index.note_at(path)
        if note is None or note.path != path or not note.readable:
            return lines
        here = site.link_base(path)
        # Broken links were reported with file:line when the vault was checked (load_site).
        if site.renderer is None:
            site.renderer = NoteRenderer(breaks=not site.vault.obsidian.strict_line_breaks)
        state = RenderState(site.model, site.url_of, here, note,
                            max_depth=int(site.options.get("embed_depth", 3)),
                            preview_mark=site.nonce)
        obsidian = site.core.profile == "obsidian"
        rendered = site.renderer.render_note(
            state, title_h1=None if obsidian else page_title(note, site.core.profile),
            keep_structure_lines=obsidian)
        ext.fragments = [rendered.html]
        ext.note = note
        # One placeholder paragraph: Python-Markdown does not parse the note again.
        return [f"glosa{site.nonce}x0x"]


class GlosaPostprocessor(Postprocessor):
    """Links' HTML put back, everything sanitized, then glosa's term furniture around it."""

    def __init__(self, md: Markdown, extension: GlosaExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        ext = self.extension
        if not ext.document_ready:
            # The toc extension runs the postprocessors on each heading's HTML while the
            # tree is built (for its labels): only the whole page gets the furniture.
            return text
        site = site_for(ext.getConfig("settings"))
        here = site.link_base(ext.page_path)
        content = sanitize_html(fill_placeholders(text, ext.fragments, site.nonce), here,
                                preview_mark=site.nonce)
        note = ext.note
        if note is None:
            return content
        furniture = note_context(site, note)
        if furniture.get("overview"):
            furniture = {**furniture,
                         "overview": Markup(exclude_from_search(str(furniture["overview"])))}
        # The content is sanitized HTML already: the template must not escape it again.
        term = _TERM.render(g=furniture, glosa_ui=site.ui(note.lang),
                            page_content=Markup(content),
                            page=SimpleNamespace(content=Markup(content), title=note.title,
                                                 meta={}))
        # JSON-LD in the body (schema.org reads it there too); json_ld escapes < > &.
        return f'{term}\n<script type="application/ld+json">{furniture["json_ld"]}</script>'


class _DocumentReady(Treeprocessor):
    """Marks the end of the tree stage: postprocessors after this see the whole page."""

    def __init__(self, md: Markdown, extension: GlosaExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: Any) -> None:
        self.extension.document_ready = True


_TERM = _templates().get_template("partials/glosa-term.html")


class GlosaExtension(Extension):
    """``markdown_extensions: [{glosa_zensical: {settings: path/to/mkdocs.yml}}]``."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "settings": ["mkdocs.yml", "the glosa site's mkdocs.yml (plugin options, vault)"],
            "page": ["", "docs path of the page (when no Zensical context names it)"],
        }
        self.fragments: list[str] = []
        self.page_path = ""
        self.note: Note | None = None
        self.document_ready = False
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        self.note = None
        self.document_ready = False
        # Before the HTML-block preprocessor (20) and whitespace normalisation (30).
        md.preprocessors.register(GlosaPreprocessor(md, self), "glosa", 35)
        # After raw HTML is put back (30) and ampersands are substituted (20).
        md.treeprocessors.register(_DocumentReady(md, self), "glosa-ready", -100)
        md.postprocessors.register(GlosaPostprocessor(md, self), "glosa", 1)


def makeExtension(**kwargs: Any) -> GlosaExtension:
    return GlosaExtension(**kwargs)
