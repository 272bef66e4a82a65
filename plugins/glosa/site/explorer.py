"""The folder explorer: one tree per language, written once as a data file the pages
fetch, and the current folder rendered into each page for readers without JavaScript
(no MkDocs here).

Rendering the whole tree into every page would make the build quadratic in the vault;
each page gets only its own folder (at most ``FOLDER_LIMIT`` entries around the page).
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..reading.model import Note
from .model import relative_url, sort_key

__all__ = ["FOLDER_LIMIT", "Explorer", "natural_key"]

#: Entries of the current folder a page shows without JavaScript.
FOLDER_LIMIT = 60
_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order (2 before 10), accents and case ignored, Spanish ñ after n."""
    parts = _DIGITS.split(sort_key(name))
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


@dataclass
class _Folder:
    name: str
    path: str
    folders: dict[str, _Folder] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (title, url)

    def sorted_folders(self) -> list[_Folder]:
        return sorted(self.folders.values(), key=lambda f: natural_key(f.name))

    def sorted_notes(self) -> list[tuple[str, str]]:
        return sorted(self.notes, key=lambda item: natural_key(item[0]))

    def as_data(self) -> dict[str, Any]:
        return {"n": self.name,
                "c": [f.as_data() for f in self.sorted_folders()]
                + [{"n": title, "u": url} for title, url in self.sorted_notes()]}


class Explorer:
    """The folder tree of one language's published notes."""

    def __init__(self, lang: str, notes: list[Note], url_of: Callable[[str], str],
                 strip_prefix: bool) -> None:
        self.lang = lang
        self.root = _Folder("", "")
        self.folder_of: dict[str, _Folder] = {}
        prefix = f"{lang}/"
        for note in notes:
            path = note.path
            if strip_prefix and path.startswith(prefix):
                path = path[len(prefix):]
            parts = path.split("/")[:-1]
            folder = self.root
            for depth, part in enumerate(parts):
                child = folder.folders.get(part)
                if child is None:
                    child = folder.folders[part] = _Folder(part, "/".join(parts[:depth + 1]))
                folder = child
            folder.notes.append((note.title, url_of(note.path)))
            self.folder_of[note.path] = folder
        # Per folder: its sorted subfolders and notes, and each note's place by URL (a page
        # finds itself without scanning a folder of thousands).
        self._listing: dict[str, tuple[list[_Folder], list[tuple[str, str]],
                                       dict[str, int]]] = {}
        self._html: dict[tuple[str, int, str], str] = {}

    def data(self) -> str:
        """The tree as JSON: folders ``{"n", "c"}`` and notes ``{"n", "u"}``, URLs from the
        site root."""
        return json.dumps(self.root.as_data()["c"], ensure_ascii=False, separators=(",", ":"))

    def folder_html(self, page_url: str, note_path: str | None, label: str,
                    data_url: str, current_label: str) -> str:
        """The explorer's place in a page: the current folder's entries (the page's own
        folder for a note, the top folder otherwise), replaced by the whole tree when the
        script has loaded the data file."""
        folder = self.folder_of.get(note_path or "", self.root)
        listing = self._listing.get(folder.path)
        if listing is None:
            ordered = folder.sorted_notes()
            listing = self._listing[folder.path] = (
                folder.sorted_folders(), ordered,
                {url: at for at, (_, url) in enumerate(ordered)})
        folders, notes, place = listing
        at = place.get(page_url) if note_path is not None else None
        start = 0
        if len(notes) > FOLDER_LIMIT:
            # Windows start at multiples of half the limit, so that pages share them.
            step = FOLDER_LIMIT // 2
            start = max(0, min(((at or 0) - step) // step * step, len(notes) - FOLDER_LIMIT))
        # Links as seen from any page of this page's folder (siblings share the HTML).
        sibling = posixpath.join(posixpath.dirname(page_url.rstrip("/")), "\0") + (
            "/" if page_url.endswith("/") else "")
        key = (folder.path, start, sibling)
        items = self._html.get(key)
        if items is None:
            parts: list[str] = []
            if folder is not self.root:
                parts.append(f'<li class="glosa-explorer__folder glosa-explorer__current">'
                             f'<span>{html.escape(folder.path)}</span></li>')
            for sub in folders[:FOLDER_LIMIT]:
                parts.append(f'<li class="glosa-explorer__folder">{html.escape(sub.name)}/</li>')
            for title, url in notes[start:start + FOLDER_LIMIT]:
                link = html.escape(relative_url(sibling, url) or "./", quote=True)
                parts.append(f'<li><a href="{link}">{html.escape(title)}</a></li>')
            items = self._html[key] = "".join(parts)
        if at is not None:
            link = html.escape(relative_url(sibling, page_url) or "./", quote=True)
            items = items.replace(f'<a href="{link}">', f'<a href="{link}" aria-current="page">', 1)
        here = page_url
        return (f'<nav class="glosa-explorer" aria-label="{html.escape(label, quote=True)}" '
                f'data-src="{html.escape(data_url, quote=True)}" '
                f'data-root="{html.escape(relative_url(here, "") or "./", quote=True)}" '
                f'data-current="{html.escape(page_url, quote=True)}" '
                f'data-folder="{html.escape(folder.path, quote=True)}">'
                f'<p class="glosa-explorer__title">{html.escape(label)}</p>'
                f'<ul class="glosa-explorer__here" aria-label="'
                f'{html.escape(current_label, quote=True)}">{items}</ul></nav>')
