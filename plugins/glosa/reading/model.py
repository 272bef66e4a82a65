"""The note model: plain typed data, built once and shared by the CLI and the site."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checking.diagnostics import Diagnostic

__all__ = ["LINK_MARKDOWN", "LINK_PROPERTY", "LINK_WIKI", "NOTE_SUFFIXES", "Attachment", "Heading",
           "Note", "WikiLink", "strip_note_suffix"]

#: What wrote a link (``WikiLink.kind``): ``[[...]]``, ``[text](dest)``, or a frontmatter
#: property holding ``[[...]]``.
LINK_WIKI = "wiki"
LINK_MARKDOWN = "markdown"
LINK_PROPERTY = "property"

#: The file names a vault reads as notes (lower-cased).
NOTE_SUFFIXES = (".md", ".markdown")


def strip_note_suffix(path: str) -> str:
    """``path`` without its note suffix (``.md``, ``.markdown``, any case), if it has one."""
    lower = path.lower()
    for suffix in NOTE_SUFFIXES:
        if lower.endswith(suffix):
            return path[: -len(suffix)]
    return path


# Not frozen: a vault has a hundred thousand links, and frozen dataclasses are several
# times slower to build. Treat them as read-only all the same.
@dataclass(slots=True)
class WikiLink:
    """One link as written in a note: ``[[target#anchor|label]]``, ``![[...]]``, or a
    Markdown link or image (``kind`` says which).

    ``line`` is the line in the file (1-based), ``column`` the column of the first ``[``
    or ``!``; ``start``/``end`` are the offsets of ``raw`` within the body text (-1 when
    the link comes from frontmatter). For a Markdown link ``raw`` is the whole
    ``[label](destination)``, ``target``/``heading``/``block`` come from its decoded
    destination and ``label`` is the bracketed text.
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
    kind: str = LINK_WIKI

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
    #: ``#tags`` written in the body (outside code and comments), once each.
    inline_tags: list[str] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    block_ids: dict[str, int] = field(default_factory=dict)
    #: Links of the body in the order written: wiki-links, embeds, Markdown links and images
    #: to notes or files of the vault (links to other sites are not kept).
    links: list[WikiLink] = field(default_factory=list)
    #: Wiki-links written in frontmatter properties (``related: "[[Note]]"``), by key;
    #: their ``line``/``column`` are those of the link in the frontmatter.
    property_links: dict[str, list[WikiLink]] = field(default_factory=dict)
    #: Problems found while reading the file (encoding, frontmatter syntax).
    problems: list[Diagnostic] = field(default_factory=list)
    #: False when the file could not be read at all; such a note is never published.
    readable: bool = True

    def meta_line(self, key: str) -> int:
        """The file line of a frontmatter key, or 1 when the key is absent."""
        return self.meta_lines.get(key, 1)
