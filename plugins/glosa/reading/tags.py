"""Tags as Obsidian reads them from frontmatter, and nested tags' parent pages."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from .model import Note

__all__ = ["inline_tags", "is_tag_char", "parse_tags", "tag_at", "tag_slug",
           "tags_with_parents", "with_folded_keys"]

_TAG_SPLIT = re.compile(r"[,\s]+")
_ASCII_ALLOWED = frozenset("_-/")
# Where an inline tag may start: a `#` at the start of the text or after a blank, followed
# by something other than a blank or another `#` (a heading's hashes are neither).
# (The blank before is checked by hand: a look-behind here made the engine try every
# offset of every body instead of jumping from `#` to `#`.)
_INLINE_TAG_START = re.compile(r"#(?=[^\s#])")
# A list item's marker: a line indented 4+ after a blank line is code unless it is one.
_LIST_MARKER = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")


def is_tag_char(char: str) -> bool:
    """Whether ``char`` may appear in a tag name (Obsidian's rule: letters and digits of
    any script, ``_``, ``-``, ``/``, and non-ASCII symbols such as emoji)."""
    if char.isascii():
        return char.isalnum() or char in _ASCII_ALLOWED
    # Letters, marks, digits and symbols (emoji) of any script; no punctuation, spaces
    # or control characters.
    return unicodedata.category(char)[0] in "LMNS"


def tag_at(text: str, start: int) -> str | None:
    """The tag name after the ``#`` at ``text[start]``, if a tag starts there: the ``#``
    starts the text or follows a blank, and the name is not digits only (``#1984``)."""
    if text[start] != "#" or (start > 0 and not text[start - 1].isspace()):
        return None
    end = start + 1
    while end < len(text) and is_tag_char(text[end]):
        end += 1
    # A `/` ending the name is not part of it (`#a/` is the tag `a`).
    name = text[start + 1 : end].rstrip("/")
    if not name or name.replace("/", "").isdigit():
        return None
    return name


def parse_tags(value: Any) -> list[str]:
    """Tags as written, in order, without ``#`` and duplicates: a YAML list, or one string
    of tags separated by commas or spaces (``a, b``, ``a b``, ``#a #b``)."""
    items: list[Any] = value if isinstance(value, list) else [value]
    out: dict[str, None] = {}
    for item in items:
        if item is None or isinstance(item, (dict, list, bool)):
            continue
        for tag in _item_tags(str(item)):
            out.setdefault(tag, None)
    return list(out)


@functools.lru_cache(maxsize=1 << 14)
def _item_tags(item: str) -> tuple[str, ...]:
    """The tags of one frontmatter item, in order (cached: notes repeat their tags)."""
    tags = (piece.strip().lstrip("#").strip("/") for piece in _TAG_SPLIT.split(item))
    return tuple(tag for tag in tags if tag)


def inline_tags(masked: str) -> list[str]:
    """The ``#tags`` written in a note's body, once each, in order (without ``#``).

    ``masked`` is the body with code and comments blanked (``wikilinks._mask``), so tags
    in fenced code, code spans and comments are not found; URLs' ``/#fragment``,
    ``[x](#anchor)`` and headings' own hashes do not start a tag (no blank before, or a
    blank after); nor does a line of an indented code block."""
    found: dict[str, None] = {}
    for match in _INLINE_TAG_START.finditer(masked):
        at = match.start()
        if at and not masked[at - 1].isspace():
            continue
        name = tag_at(masked, at)
        if name is None:
            continue
        line_start = masked.rfind("\n", 0, at) + 1
        if _indent(masked, line_start) >= 4 and _indented_code(masked, line_start):
            continue
        found.setdefault(name, None)
    return list(found)


def _indent(text: str, line_start: int) -> int:
    """The indentation of the line at ``line_start``, in columns (a tab counts as 4)."""
    width = 0
    for char in text[line_start:line_start + 8]:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _indented_code(text: str, line_start: int, reach: int = 40) -> bool:
    """Whether the line at ``line_start``, indented by 4 or more, is in an indented code
    block: the indented lines above it (up to ``reach``) follow a blank line or the start
    of the text, and what precedes that blank is not a list (whose items' content may be
    indented). A lazy paragraph continuation or a list item's paragraph is not code."""
    if _LIST_MARKER.match(text, line_start):
        return False
    at = line_start
    for _ in range(reach):
        if at == 0:
            return True
        above = text.rfind("\n", 0, at - 1) + 1
        line = text[above:at - 1]
        if not line.strip():
            # The blank before the run: code unless a list item's content is above.
            before = text.rfind("\n", 0, above - 1) + 1 if above else 0
            previous = text[before:above - 1] if above else ""
            while not previous.strip() and before > 0:
                above, before = before, text.rfind("\n", 0, before - 1) + 1
                previous = text[before:above - 1]
            return not (previous.strip() and (_indent(previous, 0) >= 2
                                              or _LIST_MARKER.match(previous)))
        if _indent(line, 0) < 4:
            return False  # a paragraph continued lazily
        at = above
    return False


def tag_slug(tag: str, slug: Callable[[str], str]) -> str:
    """A nested tag's URL path: each level slugged, levels kept apart by ``/``."""
    return "/".join(slug(part) for part in tag.split("/") if part) or slug(tag)


def tags_with_parents(tags: Sequence[tuple[str, list[Note]]]) -> list[tuple[str, list[Note]]]:
    """Every tag with its notes, plus each parent of a nested tag (``movies`` for
    ``movies/genres``) listing the notes of all its descendants. Tags are compared
    case-blind, as Obsidian does; each is named as first met."""
    groups: dict[str, tuple[str, dict[int, Note]]] = {}
    for tag, notes in tags:
        parts = tag.split("/")
        for depth in range(1, len(parts) + 1):
            name = "/".join(parts[:depth])
            bucket = groups.setdefault(name.casefold(), (name, {}))[1]
            for note in notes:
                bucket.setdefault(id(note), note)
    return sorted(((tag, list(bucket.values())) for tag, bucket in groups.values()),
                  key=lambda item: item[0].casefold())


def with_folded_keys(slugs: dict[str, str]) -> dict[str, str]:
    """``slugs`` (tag → slug) also keyed by each tag case-folded, so that ``#TAG`` finds
    the page of ``#Tag``."""
    folded = dict(slugs)
    for tag, slug in slugs.items():
        folded.setdefault(tag.casefold(), slug)
    return folded
