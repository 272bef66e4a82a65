"""Scanning a note body: wiki-links and embeds, headings, block ids.

Written by hand because no Markdown library reports Obsidian wiki-links with their line and
column while honouring code spans and fences; the scan is a single pass over the lines so
that 10,000 notes stay well under a second.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

from markdown.extensions.toc import slugify as _toc_slugify
from markdown.extensions.toc import unique as _toc_unique

from .markers import split_marker
from .model import Heading, WikiLink

__all__ = [
    "BodyScan",
    "LinkTarget",
    "label_of",
    "link_label",
    "link_labels",
    "parse_link",
    "parse_markdown_destination",
    "plain_heading_text",
    "scan_body",
    "slugify",
]

Slugify = Callable[[str, str], str]

WIKILINK_RE = re.compile(r"(!?)\[\[([^\[\]\r\n]+?)\]\]")
# The same without the optional "!": a pattern that starts with a literal lets the regex
# engine jump from one "[[" to the next instead of trying every position (4x faster over
# a vault); the "!" of an embed is then looked up just before the match.
_LINK_BRACKETS = re.compile(r"\[\[([^\[\]\r\n]+?)\]\]")
_FENCE_OPEN = re.compile(r"^\s*(`{3,}|~{3,})")
# The text after the hashes is cut in Python, not by a regex: `(.*?)[ \t]*#*[ \t]*$`
# backtracks cubically, and one heading line of a few thousand spaces took minutes.
_HEADING_OPEN = re.compile(r"(#{1,6})[ \t]+")
_BLOCK_ID = re.compile(r"(?:^|\s)\^([A-Za-z0-9-]+)[ \t]*$")
_BACKTICKS = re.compile(r"`+")
# Neither pattern may run past the next opening bracket, so that a long run of `[`, `(` or
# `<` without its closing one costs linear time, not quadratic.
MARKDOWN_LINK_RE = _MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*(?:\([^()]*\)[^()]*)*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~|==|`)")
_TAG = re.compile(r"<[^<>]+>")


def slugify(text: str, separator: str = "-") -> str:
    """Python-Markdown's default heading id, which MkDocs and Material use."""
    return _toc_slugify(text, separator)


def parse_link(inner: str, embed: bool, line: int, column: int,
               start: int = -1, end: int = -1) -> WikiLink:
    """Split the text between ``[[`` and ``]]`` into target, anchor and label.

    Inside tables the label separator is written ``\\|``; both forms are accepted.
    """
    raw = f"{'!' if embed else ''}[[{inner}]]"
    return WikiLink(raw, *_link_parts(inner), embed, line, column, start, end)


@functools.lru_cache(maxsize=1 << 16)
def _link_parts(inner: str) -> tuple[str, str | None, str | None, str | None]:
    """(target, heading, block, label) of a link's inner text (cached: a vault links to
    the same terms over and over)."""
    label: str | None = None
    bar = inner.find("|")
    if bar >= 0:
        label = inner[bar + 1:].strip()
        target_part = inner[:bar - 1] if bar > 0 and inner[bar - 1] == "\\" else inner[:bar]
    else:
        target_part = inner
    heading: str | None = None
    block: str | None = None
    hash_at = target_part.find("#")
    if hash_at >= 0:
        anchor = target_part[hash_at + 1:].strip()
        target = target_part[:hash_at].strip()
        if anchor.startswith("^"):
            block = anchor[1:].strip()
        else:
            # Obsidian accepts `Note#Section#Subsection`; the last part names the heading.
            heading = anchor.split("#")[-1].strip()
    else:
        target = target_part.strip()
    return target, heading, block, label or None


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """Where a link points, in the form wiki-links use: ``target`` is the note or file
    name or path as written (decoded, ``.md`` optional; empty for the note itself),
    ``heading`` the heading text, ``block`` the block id without ``^``. A
    :class:`~glosa.model.WikiLink` has the same three fields, so either resolves through
    :func:`glosa.resolver.resolve_link` / :meth:`glosa.resolver.NoteIndex.resolve`."""

    target: str
    heading: str | None = None
    block: str | None = None


# A URL scheme (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`) before `:`.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@functools.lru_cache(maxsize=1 << 14)
def parse_markdown_destination(dest: str) -> LinkTarget | None:
    """The vault target of a Markdown link destination, or None for a link elsewhere.

    ``dest`` is the destination as CommonMark gives it (backslash escapes and entities
    already processed; ``<...>`` brackets may still be there). Percent-encoding is
    decoded (Obsidian writes ``Note%20name.md#Heading%20text``), the ``#`` fragment is a
    heading by its text or ``^block``. Any scheme (``https:``, ``mailto:``,
    ``obsidian:``, ``javascript:``), a network path (``//host``) or an empty
    destination gives None: those are not links into the vault.
    """
    dest = dest.strip()
    if dest.startswith("<") and dest.endswith(">"):
        dest = dest[1:-1].strip()
    if not dest or dest.startswith("//") or _SCHEME.match(dest):
        return None
    # The fragment is cut before decoding: `%23` in a file name is a `#` of the name.
    path, hashed, fragment = dest.partition("#")
    target = unquote(path).strip()
    if not hashed:
        return LinkTarget(target)
    anchor = unquote(fragment).strip()
    if anchor.startswith("^"):
        return LinkTarget(target, None, anchor[1:].strip())
    # `Note#Section#Subsection` names its last heading, as in wiki-links.
    heading = anchor.split("#")[-1].strip()
    if not heading and not target:
        return None  # `[x](#)`: a link to nothing
    return LinkTarget(target, heading or None)


def link_label(link: WikiLink) -> str:
    """The text a reader sees for a link: its label, else a readable form of its target."""
    if link.label:
        return link.label
    title = split_marker(link.target.rsplit("/", 1)[-1]).title if link.target else ""
    if title.lower().endswith(".md"):
        title = title[:-3]
    anchor = link.heading if link.heading is not None else None
    if anchor and title:
        return f"{title} › {anchor}"
    return anchor or title or link.target


@functools.lru_cache(maxsize=1 << 16)
def label_of(inner: str) -> str:
    """:func:`link_label` of the text between ``[[`` and ``]]`` (cached: a vault links to
    the same terms over and over, and snippets and headings ask for each of them)."""
    return link_label(parse_link(inner, False, 0, 0))


def link_labels(text: str) -> str:
    """``text`` with every wiki-link or embed replaced by the text a reader sees."""
    if "[[" not in text:
        return text
    return WIKILINK_RE.sub(lambda m: label_of(m.group(2)), text)


def plain_heading_text(text: str) -> str:
    """The text of a heading as rendered (no wiki-link brackets, emphasis or tags)."""
    text = link_labels(text)
    text = _MD_LINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    return _EMPHASIS.sub("", text).strip()


@dataclass
class BodyScan:
    links: list[WikiLink] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    block_ids: dict[str, int] = field(default_factory=dict)
    #: Lines (0-based within the body) that are code, for later passes.
    code_lines: set[int] = field(default_factory=set)


def _code_spans(line: str) -> list[tuple[int, int]]:
    """Inline code spans of one line, as (start, end) offsets."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while True:
        opening = _BACKTICKS.search(line, pos)
        if opening is None:
            return spans
        width = len(opening.group())
        search = opening.end()
        while True:
            closing = _BACKTICKS.search(line, search)
            if closing is None:
                # An unmatched run is literal text; look past it for further spans.
                pos = opening.end()
                break
            if len(closing.group()) == width:
                spans.append((opening.start(), closing.end()))
                pos = closing.end()
                break
            search = closing.end()


_HEADING_LINE = re.compile(r"^(#{1,6})[ \t]+([^\n]*)", re.M)
_BLOCK_ID_LINE = re.compile(r"(?:^|\s)\^([A-Za-z0-9-]+)[ \t]*$", re.M)


def scan_body(body: str, first_line: int = 1, slug: Slugify = _toc_slugify) -> BodyScan:
    """Find every wiki-link, heading and block id of a body, outside code.

    ``first_line`` is the file line of the body's first line, so that reported lines are
    file lines.
    """
    if "`" in body or "~~~" in body:
        return _scan_lines(body, first_line, slug)
    return _scan_without_code(body, first_line, slug)


def _scan_without_code(body: str, first_line: int, slug: Slugify) -> BodyScan:
    """:func:`scan_body` for a body with no code (no backtick, no ``~~~`` fence), which is
    most notes: each kind of mark is found by one regex pass over the whole body instead
    of a Python loop over its lines. A test holds both scans to the same result."""
    scan = BodyScan()
    if "#" in body:
        used_ids: set[str] = set()
        for match in _HEADING_LINE.finditer(body):
            raw = match.group(2).rstrip(" \t").rstrip("#").rstrip(" \t")
            text = plain_heading_text(raw)
            scan.headings.append(Heading(
                len(match.group(1)), text, _toc_unique(slug(text, "-"), used_ids),
                first_line + body.count("\n", 0, match.start())))
    if "^" in body:
        for match in _BLOCK_ID_LINE.finditer(body):
            line = first_line + body.count("\n", 0, match.start(1))
            scan.block_ids.setdefault(match.group(1), line)
    if "[[" in body:
        line = first_line
        line_start = 0
        counted = 0  # newlines are counted up to here
        for match in _LINK_BRACKETS.finditer(body):
            at = match.start()
            embed = at > 0 and body[at - 1] == "!"
            if embed:
                at -= 1
            newlines = body.count("\n", counted, at)
            if newlines:
                line += newlines
                line_start = body.rfind("\n", counted, at) + 1
            counted = at
            scan.links.append(parse_link(match.group(1), embed, line, at - line_start + 1,
                                         at, match.end()))
    return scan


def _scan_lines(body: str, first_line: int, slug: Slugify) -> BodyScan:
    """:func:`scan_body` line by line, following code fences and code spans."""
    scan = BodyScan()
    used_ids: set[str] = set()
    fence: str | None = None
    offset = 0
    for index, line in enumerate(body.split("\n")):
        line_start = offset
        offset += len(line) + 1
        if fence is not None:
            scan.code_lines.add(index)
            stripped = line.strip()
            if stripped.startswith(fence) and stripped.strip(fence[0]) == "":
                fence = None
            continue
        opening = _FENCE_OPEN.match(line)
        if opening is not None:
            fence = opening.group(1)
            scan.code_lines.add(index)
            continue
        if not line:
            continue
        file_line = first_line + index
        if line[0] == "#":
            heading = _HEADING_OPEN.match(line)
            if heading is not None:
                # Drop the closing hashes and the blanks around them.
                raw = line[heading.end():].rstrip(" \t").rstrip("#").rstrip(" \t")
                text = plain_heading_text(raw)
                slug_id = _toc_unique(slug(text, "-"), used_ids)
                scan.headings.append(Heading(len(heading.group(1)), text, slug_id, file_line))
        if "^" in line:
            block = _BLOCK_ID.search(line)
            if block is not None:
                scan.block_ids.setdefault(block.group(1), file_line)
        if "[[" not in line:
            continue
        spans = _code_spans(line) if "`" in line else []
        for match in WIKILINK_RE.finditer(line):
            at = match.start()
            if any(start <= at < end for start, end in spans):
                continue
            embed = match.group(1) == "!"
            scan.links.append(parse_link(
                match.group(2), embed, file_line, at + 1,
                line_start + at, line_start + match.end(),
            ))
    return scan
