"""The note model: plain typed data, built once and shared by the CLI and the site."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic

__all__ = ["Attachment", "Heading", "Note", "WikiLink"]


# Not frozen: a vault has a hundred thousand links, and frozen dataclasses are several
# times slower to build. Treat them as read-only all the same.
@dataclass(slots=True)
class WikiLink:
    """One ``[[target#anchor|label]]`` or ``![[...]]`` as written in a note.

    ``line`` is the line in the file (1-based), ``column`` the column of the first ``[``
    or ``!``; ``end`` is the offset just past ``]]`` within the body text (or -1 when the
    link comes from frontmatter).
    """

    raw: str
    target: str
    heading: str | None
    block: str | None
    label: str | None
    embed: bool
    line: int
    column: int
    start: int = -1
    end: int = -1

    @property
    def anchor_text(self) -> str:
        """What follows ``#`` in the link, for messages."""
        if self.block is not None:
            return f"^{self.block}"
        return self.heading or ""


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    #: The anchor id the site gives this heading (Python-Markdown's toc rules).
    slug: str
    line: int


@dataclass(frozen=True, slots=True)
class Attachment:
    """A non-note file of the vault (image, PDF, ...) that notes may embed or link."""

    path: str
    abs_path: Path


@dataclass(slots=True)
class Note:
    """One Markdown note of the vault."""

    #: Vault-relative path with forward slashes, e.g. ``es/Cliente ⚫①.md``.
    path: str
    abs_path: Path
    #: File name without ``.md``.
    stem: str
    #: Title without the level marker.
    title: str
    marker: str | None
    level: int | None
    lang: str
    meta: dict[str, Any] = field(default_factory=dict)
    #: File line of each top-level frontmatter key.
    meta_lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    #: File line on which the body starts.
    body_line: int = 1
    h1: Heading | None = None
    parent: WikiLink | None = None
    #: 0-based index, within the body's lines, of the legend line (None when absent).
    legend_index: int | None = None
    legend: WikiLink | None = None
    translations: list[WikiLink] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    block_ids: dict[str, int] = field(default_factory=dict)
    links: list[WikiLink] = field(default_factory=list)
    #: Problems found while reading the file (encoding, frontmatter syntax).
    problems: list[Diagnostic] = field(default_factory=list)
    #: False when the file could not be read at all; such a note is never published.
    readable: bool = True

    def meta_line(self, key: str) -> int:
        """The file line of a frontmatter key, or 1 when the key is absent."""
        return self.meta_lines.get(key, 1)
