"""Frontmatter as readers see it: tags parsed the ways Obsidian accepts them, and the
properties panel under a note's title (no MkDocs here).

The panel is HTML made here from escaped values only; links in property values resolve
through the vault's link index, the same rules as links in the body.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from ..reading.model import Note
from ..reading.resolver import NoteIndex, resolve_link
from ..reading.tags import parse_tags
from ..reading.wikilinks import WIKILINK_RE, link_label, parse_link
from .i18n import format_day

__all__ = ["HIDDEN_KEYS", "SEED_EDITORIAL_KEYS", "properties_html", "shown_properties"]

#: Keys that steer publishing or the page itself, never shown as properties.
HIDDEN_KEYS = frozenset({"publish", "draft", "permalink", "cssclasses", "cssclass",
                         "position", "title"})
#: The seed note format's editorial keys: the glossary hides them unless asked for.
SEED_EDITORIAL_KEYS = frozenset({
    "iaStatus", "iaStatus_Model", "a11y", "checked", "lang", "translations", "created",
    "modified", "supervisado", "ACCION", "ver_major", "ver_minor", "ver_rev",
    "nav_primary", "nav_secondary", "tags", "aliases", "alias"})

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                      r"(?:Z|[+-]\d{2}:?\d{2})?)?$")
_URL = re.compile(r"^https?://[^\s<>\"']+$")


def shown_properties(note: Note, setting: str | Sequence[str], glossary: bool) -> list[str]:
    """The frontmatter keys the panel shows, in the note's order."""
    if setting == "hide":
        return []
    if not isinstance(setting, str):
        return [key for key in setting if key in note.meta]
    return [key for key in note.meta if key not in HIDDEN_KEYS
            and not (glossary and key in SEED_EDITORIAL_KEYS)]


UrlTo = Callable[[str], str]


class _Panel:
    def __init__(self, note: Note, index: NoteIndex, href: UrlTo, tag_href: UrlTo,
                 lang: str) -> None:
        self.note, self.index, self.href, self.tag_href, self.lang = (
            note, index, href, tag_href, lang)
        self.key = ""

    def text_with_links(self, text: str) -> str:
        """Text whose ``[[links]]`` become links to their pages (plain text when they
        resolve to nothing published)."""
        pieces: list[str] = []
        cursor = 0
        for match in WIKILINK_RE.finditer(text):
            pieces.append(html.escape(text[cursor:match.start()]))
            link = parse_link(match.group(2), bool(match.group(1)),
                              self.note.meta_line(self.key), 1)
            res = resolve_link(self.index, link, self.note)
            label = html.escape(link_label(link))
            if res.note is not None and res.ok:
                anchor = f"#{res.anchor}" if res.anchor else ""
                url = html.escape(self.href(res.note.path) + anchor, quote=True)
                pieces.append(f'<a class="glosa-link" href="{url}" data-glosa-preview>{label}</a>')
            else:
                pieces.append(f'<span class="glosa-property__plain">{label}</span>')
            cursor = match.end()
        pieces.append(html.escape(text[cursor:]))
        return "".join(pieces)

    def value(self, key: str, value: Any) -> tuple[str, str]:
        """(type, HTML) of one property value."""
        self.key = key
        if key in ("tags", "tag"):
            chips = "".join(
                f'<li><a class="glosa-tag" href="{html.escape(self.tag_href(t), quote=True)}">'
                f"#{html.escape(t)}</a></li>" for t in parse_tags(value))
            return "tags", f'<ul class="glosa-property__list">{chips}</ul>'
        if isinstance(value, bool):
            checked = " checked" if value else ""
            return "checkbox", (f'<input type="checkbox" disabled{checked} '
                                f'aria-label="{html.escape(key, quote=True)}">')
        if isinstance(value, (int, float)):
            return "number", html.escape(str(value))
        if isinstance(value, (date, datetime)):
            moment = value if isinstance(value, datetime) else datetime(
                value.year, value.month, value.day)
            return "date", (f'<time datetime="{value.isoformat()}">'
                            f"{html.escape(format_day(moment, self.lang))}</time>")
        if (isinstance(value, list) and len(value) == 1 and isinstance(value[0], list)
                and len(value[0]) == 1 and isinstance(value[0][0], str)):
            # `key: [[Note]]` unquoted: YAML reads a list in a list.
            return "text", self.text_with_links(f"[[{value[0][0]}]]")
        if isinstance(value, list):
            items = "".join(f"<li>{self.value(key, item)[1]}</li>" for item in value
                            if item is not None and item != "")
            return "list", f'<ul class="glosa-property__list">{items}</ul>'
        if isinstance(value, Mapping):
            items = "".join(f"<li>{html.escape(str(k))}: {self.value(key, v)[1]}</li>"
                            for k, v in value.items())
            return "object", f'<ul class="glosa-property__list">{items}</ul>'
        if value is None:
            return "empty", ""
        text = str(value).strip()
        if _ISO_DAY.match(text):
            try:
                day = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
            except ValueError:
                day = None
            if day is not None:
                return "date", (f'<time datetime="{html.escape(text, quote=True)}">'
                                f"{html.escape(format_day(day, self.lang))}</time>")
        if _URL.match(text):
            safe = html.escape(text, quote=True)
            return "url", f'<a class="glosa-property__url" href="{safe}">{html.escape(text)}</a>'
        return "text", self.text_with_links(text)


def properties_html(note: Note, keys: Sequence[str], index: NoteIndex, href: UrlTo,
                    tag_href: UrlTo, label: str) -> str:
    """The properties panel of a note (empty when no key is shown). ``href`` maps a note's
    path to a URL from the page, ``tag_href`` a tag to its page's URL."""
    if not keys:
        return ""
    panel = _Panel(note, index, href, tag_href, note.lang)
    rows = []
    for key in keys:
        kind, shown = panel.value(key, note.meta.get(key))
        rows.append(f'<div class="glosa-property glosa-property--{kind}" '
                    f'data-property="{html.escape(key, quote=True)}">'
                    f'<dt>{html.escape(key)}</dt><dd>{shown}</dd></div>')
    return (f'<dl class="glosa-properties" aria-label="{html.escape(label, quote=True)}">'
            + "".join(rows) + "</dl>")
