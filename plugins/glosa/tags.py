"""Tags as Obsidian reads them from frontmatter, and nested tags' parent pages."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from .model import Note

__all__ = ["parse_tags", "tag_slug", "tags_with_parents"]

_TAG_SPLIT = re.compile(r"[,\s]+")


def parse_tags(value: Any) -> list[str]:
    """Tags as written, in order, without ``#`` and duplicates: a YAML list, or one string
    of tags separated by commas or spaces (``a, b``, ``a b``, ``#a #b``)."""
    items: list[Any] = value if isinstance(value, list) else [value]
    out: dict[str, None] = {}
    for item in items:
        if item is None or isinstance(item, (dict, list, bool)):
            continue
        for piece in _TAG_SPLIT.split(str(item)):
            tag = piece.strip().lstrip("#").strip("/")
            if tag:
                out.setdefault(tag, None)
    return list(out)


def tag_slug(tag: str, slug: Callable[[str], str]) -> str:
    """A nested tag's URL path: each level slugged, levels kept apart by ``/``."""
    return "/".join(slug(part) for part in tag.split("/") if part) or slug(tag)


def tags_with_parents(tags: Sequence[tuple[str, list[Note]]]) -> list[tuple[str, list[Note]]]:
    """Every tag with its notes, plus each parent of a nested tag (``movies`` for
    ``movies/genres``) listing the notes of all its descendants."""
    groups: dict[str, dict[int, Note]] = {}
    for tag, notes in tags:
        parts = tag.split("/")
        for depth in range(1, len(parts) + 1):
            name = "/".join(parts[:depth])
            bucket = groups.setdefault(name, {})
            for note in notes:
                bucket.setdefault(id(note), note)
    return sorted(((tag, list(bucket.values())) for tag, bucket in groups.items()),
                  key=lambda item: item[0].casefold())
