"""The knowledge-base shell around notes: interface wording per site kind, the home note,
and each page's explorer, properties, local graph and metadata (no MkDocs here).

The adapter builds one :class:`KnowledgeBase` per build, once every page URL is known, and
asks it for each page's pieces; every piece is HTML made from escaped values.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..reading.model import Note
from .explorer import Explorer
from .feeds import RECENT_LIMIT, atom_feed, changed_dates
from .graph import graph_data, neighbours
from .i18n import UI_TEXT, format_day
from .model import SiteModel, relative_url
from .properties import properties_html, shown_properties

__all__ = ["KINDS", "KnowledgeBase", "choose_home", "wording_overrides"]

KINDS = ("glossary", "notes")
_LANGUAGE_MARKS = re.compile(r"\s*\((?:[a-z]{2,3}/)+[a-z]{2,3}\)")
_HOME_NAMES = ("index.md", "home.md", "inicio.md", "readme.md")
_IMAGE_KEYS = ("image", "cover")
#: Neighbours a page lists for readers without JavaScript (the drawn graph shows them all).
NEIGHBOURS_LISTED = 24


def wording_overrides(kind: str, languages: Sequence[str],
                      user: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """The ``ui_text`` overrides a site of this kind uses: a notes site says "note" where a
    glossary says "term"; a single-language site names no languages. The site's own
    ``ui_text`` wins over both."""
    out: dict[str, dict[str, str]] = {}
    for lang in {*languages, *user}:
        table = {**UI_TEXT["en"], **UI_TEXT.get(lang, {})}
        words: dict[str, str] = {}
        if kind == "notes":
            words = {key[len("kind_notes_"):]: value for key, value in table.items()
                     if key.startswith("kind_notes_")}
        if len(languages) == 1:
            placeholder = words.get("search_placeholder", table["search_placeholder"])
            words["search_placeholder"] = _LANGUAGE_MARKS.sub("", placeholder)
        out[lang] = {**words, **user.get(lang, {})}
    return out


def choose_home(notes: Sequence[Note], lang: str, languages: Sequence[str],
                option: str | None) -> str | None:
    """The home note of a language: the ``home`` option (a vault path, or one per language
    as ``lang:path``), else ``index.md``, ``Home.md``, ``Inicio.md`` or ``README.md`` at the
    language's folder or, for the default language of a vault without one, the vault root."""
    by_path = {n.path: n for n in notes}
    if option:
        for choice in option.split(","):
            choice = choice.strip()
            prefix, _, rest = choice.partition(":")
            if rest and prefix in languages:
                if prefix == lang and rest.strip() in by_path:
                    return rest.strip()
            elif choice in by_path and by_path[choice].lang == lang:
                return choice
    folders = [f"{lang}/", ""] if len(languages) > 1 else ["", f"{lang}/"]
    lowered = {n.path.lower(): n for n in notes if n.lang == lang}
    for folder in folders:
        for name in _HOME_NAMES:
            note = lowered.get(folder + name)
            if note is not None:
                return note.path
    return None


@dataclass
class Settings:
    kind: str = "notes"
    properties: str | list[str] = "show"
    explorer: bool = True
    graph: bool = True
    recent: bool = True


@dataclass
class KnowledgeBase:
    """The shell's pieces for one build (``url_of`` gives a docs path's URL from the site
    root; ``tag_page`` a tag's docs path)."""

    model: SiteModel
    languages: Sequence[str]
    settings: Settings
    url_of: Callable[[str], str]
    tag_page: Callable[[str, str], str]
    ui: Callable[[str], Mapping[str, str]]
    #: The site's absolute URL with a trailing slash ("" when unknown).
    site_url: str = ""
    explorers: dict[str, Explorer] = field(default_factory=dict)
    _dates: dict[str, datetime] | None = None
    _escaped_titles: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.settings.explorer:
            for lang in self.languages:
                notes = self.model.by_language(lang)
                strip = len(self.languages) > 1 and all(
                    n.path.startswith(f"{lang}/") for n in notes)
                self.explorers[lang] = Explorer(lang, notes, self.url_of, strip)

    # ---------------------------------------------------------------- data files

    def data_files(self, site_url: str, site_name: str) -> dict[str, bytes]:
        """Files the site serves besides pages, by path from the site root."""
        out: dict[str, bytes] = {}
        for lang in self.languages:
            if self.settings.explorer:
                out[f"assets/glosa/explorer-{lang}.json"] = (
                    self.explorers[lang].data().encode("utf-8"))
            if self.settings.graph:
                out[f"assets/glosa/graph-{lang}.json"] = graph_data(
                    self.model, lang, self.url_of).encode("utf-8")
            if self.settings.recent:
                base = site_url or "/"
                entries = [(n, moment, base + self.url_of(n.path))
                           for n, moment in self.recent(lang)]
                out[f"{lang}/feed.xml"] = atom_feed(
                    title=f"{site_name} · {self.ui(lang)['recent']}",
                    feed_url=f"{base}{lang}/feed.xml", site_url=base, lang=lang,
                    entries=entries, summary=lambda n: self.model.summary(n, 300))
        return out

    def dates(self) -> dict[str, datetime]:
        if self._dates is None:
            self._dates = changed_dates(self.model.notes, Path(self.model.vault.root))
        return self._dates

    def recent(self, lang: str, limit: int = RECENT_LIMIT) -> list[tuple[Note, datetime]]:
        dates = self.dates()
        dated = [(n, dates[n.path]) for n in self.model.by_language(lang) if n.path in dates]
        dated.sort(key=lambda item: (item[1], item[0].path), reverse=True)
        return dated[:limit]

    # ---------------------------------------------------------------- page pieces

    def page(self, note: Note | None, lang: str, page_url: str) -> dict[str, Any]:
        """What a page of ``lang`` at ``page_url`` shows around its content."""
        ui = self.ui(lang)
        root = relative_url(page_url, "") or "./"
        out: dict[str, Any] = {"lang": lang, "root": root, "cssclasses": "",
                               "image": None, "feed": None, "properties": "", "graph": ""}
        if self.settings.recent:
            out["feed"] = f"{root}{lang}/feed.xml"
        if note is None:
            return out
        out["cssclasses"] = " ".join(_css_classes(note.meta.get("cssclasses",
                                                                note.meta.get("cssclass"))))
        image = next((v for k in _IMAGE_KEYS if isinstance(v := note.meta.get(k), str)
                      and v.strip()), None)
        if image is not None:
            out["image"] = self._image_url(note, image.strip(), page_url)
        description = note.meta.get("description")
        if isinstance(description, str) and description.strip():
            out["description"] = " ".join(description.split())

        def href(path: str) -> str:
            return relative_url(page_url, self.url_of(path)) or "./"

        keys = shown_properties(note, self.settings.properties,
                                glossary=self.settings.kind == "glossary")
        out["properties"] = properties_html(
            note, keys, self.model.vault.index, href,
            lambda tag: href(self.tag_page(note.lang, tag)), ui["properties"])
        if self.settings.graph:
            out["graph"] = self._local_graph(note, lang, page_url, root, href)
        return out

    def explorer(self, note_path: str | None, lang: str, page_url: str) -> str:
        """The explorer's place in a page of ``lang`` ("" without an explorer). Asked for
        when the page's template is rendered, not with :meth:`page`: a build holds every
        page's pieces until the last page is written, and this one is the largest."""
        explorer = self.explorers.get(lang)
        if explorer is None:
            return ""
        ui = self.ui(lang)
        root = relative_url(page_url, "") or "./"
        return explorer.folder_html(page_url, note_path, ui["explorer"],
                                    f"{root}assets/glosa/explorer-{lang}.json",
                                    ui["explorer_here"])

    def _image_url(self, note: Note, value: str, page_url: str) -> str | None:
        """An absolute http(s) image, or a vault attachment's URL from the page."""
        if re.match(r"^https?://", value):
            return value
        target = value.strip("[]!").split("|", 1)[0]
        for attachment in self.model.vault.attachments:
            if attachment.path == target or attachment.path.endswith("/" + target):
                url = self.url_of(attachment.path)
                # OpenGraph wants an absolute address.
                return self.site_url + url if self.site_url else relative_url(page_url, url)
        return None

    def _local_graph(self, note: Note, lang: str, page_url: str, root: str,
                     href: Callable[[str], str]) -> str:
        ui = self.ui(lang)
        near = neighbours(self.model, note, limit=NEIGHBOURS_LISTED)
        titles = self._escaped_titles
        items = "".join(f'<li><a href="{html.escape(href(n.path), quote=True)}">'
                        f"{titles.get(id(n)) or titles.setdefault(id(n), html.escape(n.title))}"
                        "</a></li>" for n in near)
        listing = (f'<ul class="glosa-graph__list">{items}</ul>' if items else "")
        return (f'<section class="glosa-graph glosa-graph--local" aria-labelledby="glosa-graph">'
                f'<h2 id="glosa-graph">{html.escape(ui["graph_local"])}</h2>'
                f'<div class="glosa-graph__canvas" '
                f'data-src="{html.escape(root, quote=True)}assets/glosa/graph-{lang}.json" '
                f'data-root="{html.escape(root, quote=True)}" '
                f'data-current="{html.escape(self.url_of(note.path), quote=True)}" '
                f'data-depth="2"></div>'
                f'<p class="glosa-graph__fallback">{html.escape(ui["graph_neighbours"])}</p>'
                f"{listing}</section>")

    def graph_page(self, lang: str, page_url: str) -> dict[str, Any]:
        root = relative_url(page_url, "") or "./"
        return {"graph_src": f"{root}assets/glosa/graph-{lang}.json", "graph_root": root,
                "az_url": relative_url(page_url, self.url_of(f"{lang}/az.md")) or "./"}

    def recent_page(self, lang: str, page_url: str) -> dict[str, Any]:
        items = [{"title": n.title,
                  "url": relative_url(page_url, self.url_of(n.path)) or "./",
                  "day": format_day(moment, lang), "iso": moment.date().isoformat()}
                 for n, moment in self.recent(lang)]
        root = relative_url(page_url, "") or "./"
        return {"recent": items, "feed_url": f"{root}{lang}/feed.xml"}


def _css_classes(value: Any) -> list[str]:
    items = value if isinstance(value, list) else str(value or "").replace(",", " ").split()
    return [c for c in (str(x).strip() for x in items) if re.fullmatch(r"[A-Za-z0-9_-]+", c)]


def after_title(content: str, piece: str) -> str:
    """``piece`` placed right after the page's first heading (or first, without one)."""
    if not piece:
        return content
    end = content.find("</h1>")
    if end < 0:
        return piece + content
    return content[:end + 5] + piece + content[end + 5:]
