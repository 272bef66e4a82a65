"""Scanning a note body: wiki-links and embeds, headings, block ids.

Written by hand because no Markdown library reports Obsidian wiki-links with their line and
column while honouring code spans and fences; the scan is a single pass over the lines so
that 10,000 notes stay well under a second.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

from .markers import split_marker
from .model import LINK_MARKDOWN, Heading, WikiLink
from .tags import inline_tags

__all__ = [
    "BodyScan",
    "LinkTarget",
    "label_of",
    "link_label",
    "link_labels",
    "markdown_link",
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
# a vault); the "!" of an embed is then looked up just before the match. Greedy: the
# inner text holds no `]`, so it ends at the first `]` either way, and the engine does not
# try `]]` after every character.
_LINK_BRACKETS = re.compile(r"\[\[([^\[\]\r\n]+)\]\]")
# The text after the hashes is cut in Python, not by a regex: `(.*?)[ \t]*#*[ \t]*$`
# backtracks cubically, and one heading line of a few thousand spaces took minutes.
_HEADING_OPEN = re.compile(r"(#{1,6})[ \t]+")
_BACKTICKS = re.compile(r"`+")
# Neither pattern may run past the next opening bracket, so that a long run of `[`, `(` or
# `<` without its closing one costs linear time, not quadratic.
MARKDOWN_LINK_RE = _MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*(?:\([^()]*\)[^()]*)*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~|==|`)")
_TAG = re.compile(r"<[^<>]+>")


# Python-Markdown is imported on the first heading, not with this module: a `glosa check`
# answered from the cache then never loads it.
def _toc_slugify(value: str, separator: str) -> str:
    from markdown.extensions.toc import slugify as toc_slugify

    return toc_slugify(value, separator)


@functools.cache
def _toc_unique_function() -> Callable[[str, set[str], dict[str, int]], str]:
    """Python-Markdown's unique ids, imported once (not by every heading)."""
    from markdown.extensions.toc import unique as toc_unique

    return toc_unique


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
    bar = inner.find("|")
    if bar < 0:
        return (*_target_parts(inner), None)
    label = inner[bar + 1:].strip()
    target_part = inner[:bar - 1] if bar > 0 and inner[bar - 1] == "\\" else inner[:bar]
    return (*_target_parts(target_part), label or None)


@functools.lru_cache(maxsize=1 << 16)
def _target_parts(target_part: str) -> tuple[str, str | None, str | None]:
    """(target, heading, block) of the text before a link's label (cached apart: links
    with labels of their own repeat their targets)."""
    hash_at = target_part.find("#")
    if hash_at < 0:
        return target_part.strip(), None, None
    anchor = target_part[hash_at + 1:].strip()
    target = target_part[:hash_at].strip()
    if anchor.startswith("^"):
        return target, None, anchor[1:].strip()
    # Obsidian accepts `Note#Section#Subsection`; the last part names the heading.
    return target, anchor.split("#")[-1].strip(), None


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """Where a link points, in the form wiki-links use: ``target`` is the note or file
    name or path as written (decoded, ``.md`` optional; empty for the note itself),
    ``heading`` the heading text, ``block`` the block id without ``^``. A
    :class:`~glosa.reading.model.WikiLink` has the same three fields, so either resolves
    through :func:`~glosa.reading.resolver.resolve_link` /
    :meth:`~glosa.reading.resolver.NoteIndex.resolve`."""

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
    # Obsidian shows a block link's id as written: `Note › ^id`, `^id`.
    anchor = link.heading if link.heading is not None else (
        f"^{link.block}" if link.block else None)
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
    #: Inline ``#tags`` outside code and comments, once each, without ``#``.
    tags: list[str] = field(default_factory=list)


# A heading line: hashes, a blank, the rest of the line. Found as the body's first line
# or after a line break: a `^`-anchored multi-line pattern is tried at every offset of the
# body, one that starts with the break only at line ends (a fourth of the time).
_HEADING_LINE = re.compile(r"(#{1,6})([ \t][^\n]*)")
_HEADING_AFTER_BREAK = re.compile(r"\n(#{1,6})([ \t][^\n]*)")
_HEADING_BLOCK_ID = re.compile(r"[ \t]+\^[A-Za-z0-9-]+$")
# A block id ends its line, after a blank, at the start of a line of its own, or right
# after an embed (`![[image.png]]^id`, which Obsidian's own help vault writes).
_BLOCK_ID_LINE = re.compile(r"(?:^|[\s\])])\^([A-Za-z0-9-]+)[ \t]*$", re.M)
# A fence may open inside a quote or callout (`> ```).
_FENCE_LINE = re.compile(r"^[ \t]*(?:>[ \t]?)*(`{3,}|~{3,})")
_QUOTE_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)*")
# What hides text from links inside a line: code spans, `%%` comments, HTML comments.
_HIDING = re.compile(r"`+|%%|<!--")
# Prefilters of scan_body, as patterns: the regex engine scans a note with emoji (four
# bytes a character) for these in half the time `in` takes for each.
_MAYBE_HIDDEN = re.compile(r"`|~~~|%%|<!--")
_INLINE_LINK_MARK = re.compile(r"\]\(")
_COMMENT_END = {"%%": "%%", "<!--": "-->"}
# Markdown inline links and images: label (one level of nested brackets, one line),
# destination (`<...>`, or no blank with balanced parentheses), optional title. No part
# may run past the next `[`, so that a line of `[a](` repeated scans in linear time.
_MD_INLINE = re.compile(
    r"(!?)\[([^\[\]\n]*(?:\[[^\[\]\n]*\][^\[\]\n]*)*)\]"
    r"\([ \t]*(<[^<>\n]*>|(?:[^\s()\[\]\\]|\\[^\n]|\([^\s()\[\]]*\))*)"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def without_comments(body: str) -> str:
    """The body with its ``%%`` and HTML comments blanked out (offsets and lines kept),
    code left as it is: the text a reader sees, for descriptions and snippets."""
    if "%%" not in body and "<!--" not in body:
        return body
    return _mask(body, keep_code=True)[0]


def _mask(body: str, *, keep_code: bool = False) -> tuple[str, set[int]]:
    """The body with everything that holds no links blanked out, offsets kept: fenced
    code (inside quotes and callouts too), code spans, ``%%`` and HTML comments (which
    Obsidian's reading view hides, across lines too). Returns (masked body, code lines).
    ``keep_code`` blanks the comments only (a ``%%`` in code is still no comment).

    Written by hand: a Markdown parser would give blocks, not the character offsets that
    positions of links and the rewriting of pages need."""
    lines = body.split("\n")
    code_lines: set[int] = set()
    fence: str | None = None
    comment: str | None = None  # the closing mark of the comment that is open
    for index, line in enumerate(lines):
        if fence is not None:
            code_lines.add(index)
            stripped = line[_QUOTE_PREFIX.match(line).end():].strip()  # type: ignore[union-attr]
            if stripped.startswith(fence) and stripped.strip(fence[0]) == "":
                fence = None
            if not keep_code:
                lines[index] = " " * len(line)
            continue
        if comment is None and ("```" in line or "~~~" in line):
            opening = _FENCE_LINE.match(line)
            if opening is not None:
                fence = opening.group(1)
                code_lines.add(index)
                if not keep_code:
                    lines[index] = " " * len(line)
                continue
        if comment is None and "`" not in line and "%%" not in line and "<!--" not in line:
            continue
        pieces: list[str] = []
        pos = 0
        while pos < len(line):
            if comment is not None:
                end = line.find(comment, pos)
                if end < 0:
                    pieces.append(" " * (len(line) - pos))
                    pos = len(line)
                    break
                end += len(comment)
                pieces.append(" " * (end - pos))
                pos = end
                comment = None
                continue
            mark = _HIDING.search(line, pos)
            if mark is None:
                break
            pieces.append(line[pos:mark.start()])
            text = mark.group()
            if text[0] == "`":
                closing = _matching_backticks(line, mark.end(), len(text))
                if closing < 0:
                    pieces.append(text)  # an unmatched run is literal text
                    pos = mark.end()
                else:
                    pieces.append(line[mark.start():closing] if keep_code
                                  else " " * (closing - mark.start()))
                    pos = closing
                continue
            comment = _COMMENT_END[text]
            pieces.append(" " * len(text))
            pos = mark.end()
        pieces.append(line[pos:])
        lines[index] = "".join(pieces)
    return "\n".join(lines), code_lines


def _matching_backticks(line: str, start: int, width: int) -> int:
    """The offset just past the run of ``width`` backticks that closes a code span
    opened before ``start``, or -1."""
    search = start
    while True:
        closing = _BACKTICKS.search(line, search)
        if closing is None:
            return -1
        if len(closing.group()) == width:
            return closing.end()
        search = closing.end()


def markdown_link(label: str, dest: str, embed: bool, raw: str, line: int, column: int,
                  start: int = -1, end: int = -1) -> WikiLink | None:
    """A Markdown link or image into the vault as a :class:`WikiLink` (``kind`` is
    ``"markdown"``), or None when ``dest`` (as written, escapes not yet processed)
    points elsewhere."""
    found = parse_markdown_destination(_destination_text(dest))
    if found is None:
        return None
    return WikiLink(raw, found.target, found.heading, found.block, label.strip() or None,
                    embed, line, column, start, end, LINK_MARKDOWN)


@functools.lru_cache(maxsize=1 << 14)
def _destination_text(dest: str) -> str:
    """A destination as written, with CommonMark's backslash escapes and character
    references processed."""
    if "\\" in dest:
        dest = _ESCAPED.sub(r"\1", dest)
    if "&" in dest:
        dest = html.unescape(dest)
    return dest


@functools.lru_cache(maxsize=1 << 14)
def _heading_text_and_slug(raw: str, slug: Slugify) -> tuple[str, str]:
    """A heading line's text (after the hashes) as shown, and its slug before it is made
    unique (cached: notes repeat headings such as "Example" over and over)."""
    raw = raw.strip(" \t").rstrip("#").rstrip(" \t")
    if "^" in raw:
        # `## Heading ^id`: the id is the heading's block id, not part of its text.
        raw = _HEADING_BLOCK_ID.sub("", raw)
    text = plain_heading_text(raw)
    return text, slug(text, "-")


def scan_body(body: str, first_line: int = 1, slug: Slugify = _toc_slugify) -> BodyScan:
    """Find every link (wiki-links, embeds, Markdown links and images into the vault),
    heading and block id of a body, outside code and comments.

    ``first_line`` is the file line of the body's first line, so that reported lines are
    file lines.
    """
    scan = BodyScan()
    text = body
    if _MAYBE_HIDDEN.search(body) is not None:
        text, scan.code_lines = _mask(body)
    lines = _Lines(body, first_line)
    if "#" in text:
        used_ids: set[str] = set()
        # Python-Markdown's counters make a thousand equal headings cost linear time.
        counters: dict[str, int] = {}
        for match in heading_lines(text):
            unique = _toc_unique_function()  # imported on the first heading
            # The text from the body, not the masked text: code spans are heading text.
            heading_text, base = _heading_text_and_slug(body[match.start(2):match.end(2)], slug)
            scan.headings.append(Heading(
                len(match.group(1)), heading_text, unique(base, used_ids, counters),
                lines.line_of(match.start(1))))
        scan.tags = inline_tags(text)
    if "^" in text:
        for match in _BLOCK_ID_LINE.finditer(text):
            scan.block_ids.setdefault(match.group(1), lines.line_of(match.start(1)))
    if "[[" in text:
        _wiki_links(body, text, first_line, scan.links)
    markdown: list[WikiLink] = []
    if _INLINE_LINK_MARK.search(text) is not None:
        markdown = _markdown_links(body, text, lines, _spans(scan.links))
    if "]:" in text:
        markdown += _reference_links(body, text, lines, scan.links, markdown)
    if markdown:
        scan.links.extend(markdown)
        scan.links.sort(key=_link_start)
    return scan


def heading_lines(text: str) -> list[re.Match[str]]:
    """The heading lines of ``text`` in order, as matches of ``(hashes)(blank and rest)``
    (group 1 starts the line): what ``^(#{1,6})([ \\t][^\\n]*)`` finds line by line."""
    found = [] if (first := _HEADING_LINE.match(text)) is None else [first]
    found.extend(_HEADING_AFTER_BREAK.finditer(text))
    return found


def _wiki_links(body: str, text: str, first_line: int, links: list[WikiLink]) -> None:
    """Append the wiki-links and embeds of the masked body ``text`` to ``links``: what
    :func:`parse_link` gives, with the line counting of :class:`_Lines` done inline (a
    vault has a hundred thousand links; the calls cost a third of reading it)."""
    line, counted, line_start = first_line, 0, 0
    count, rfind, append, parts = body.count, body.rfind, links.append, _link_parts
    masked = text is not body
    for match in _LINK_BRACKETS.finditer(text):
        at, end = match.span()
        embed = at > 0 and text[at - 1] == "!"
        if embed:
            at -= 1
        newlines = count("\n", counted, at)
        if newlines:
            line += newlines
            line_start = rfind("\n", counted, at) + 1
        counted = at
        if masked:
            # The body's own text: a code span or comment inside a link is blanked in
            # ``text`` only.
            raw, inner = body[at:end], body[match.start(1):end - 2]
        else:
            inner = match.group(1)
            raw = "!" + match.group() if embed else match.group()
        target, heading, block, label = parts(inner)
        append(WikiLink(raw, target, heading, block, label, embed, line, at - line_start + 1,
                        at, end))


# `[label]: destination "title"` opening a line (not `[^1]:`, a footnote).
_REFERENCE_DEFINITION = re.compile(r" {0,3}\[(?!\^)([^\[\]\n]+)\]:[ \t]*(<[^<>\n]*>|\S+)")
# The same after a line break: tried only at line ends, where a `^`-anchored pattern would
# be tried at every offset of the body (`[[Term]]: text` lines are common in a glossary,
# so looking for `]:` first does not spare the search).
_REFERENCE_DEFINITION_AFTER_BREAK = re.compile(
    r"\n {0,3}\[(?!\^)([^\[\]\n]+)\]:[ \t]*(<[^<>\n]*>|\S+)")
# `[text][label]`, `[label][]` and `[label]` (the last only when such a label is defined).
_REFERENCE_USE = re.compile(r"(!?)\[([^\[\]\n]*)\](?:\[([^\[\]\n]*)\])?(?![(:\[])")


def reference_definitions(text: str) -> list[re.Match[str]]:
    """The reference definitions of ``text`` in order, one a line at most, as matches of
    ``(label)`` and ``(destination)``: what :data:`_REFERENCE_DEFINITION` finds at the
    start of each line."""
    found = [] if (first := _REFERENCE_DEFINITION.match(text)) is None else [first]
    found.extend(_REFERENCE_DEFINITION_AFTER_BREAK.finditer(text))
    return found


def _reference_key(label: str) -> str:
    """CommonMark's label matching: case-insensitive, inner blanks collapsed."""
    return " ".join(label.split()).casefold()


def _spans(links: list[WikiLink]) -> list[tuple[int, int]]:
    """The spans of wiki-links in the body, which no Markdown link may overlap."""
    return [(link.start, link.end) for link in links]


def _reference_links(body: str, text: str, lines: _Lines, wiki_links: list[WikiLink],
                     inline: list[WikiLink]) -> list[WikiLink]:
    """Reference-style links and images whose definition points into the vault, each
    where it is used (the definition line itself is no link)."""
    definitions: dict[str, str] = {}
    for match in reference_definitions(text):
        definitions.setdefault(_reference_key(body[match.start(1):match.end(1)]),
                               body[match.start(2):match.end(2)])
    if not definitions:
        return []
    taken = sorted(_spans(wiki_links) + _spans(inline))
    found: list[WikiLink] = []
    for match in _REFERENCE_USE.finditer(text):
        at, end = match.start(), match.end()
        label = body[match.start(2):match.end(2)]
        ref = body[match.start(3):match.end(3)] if match.group(3) is not None else ""
        dest = definitions.get(_reference_key(ref or label))
        if dest is None or (taken and _overlaps(taken, at, end)):
            continue
        line, column = lines.position(at)
        link = markdown_link(label, dest, match.group(1) == "!", body[at:end], line, column,
                             at, end)
        if link is not None:
            found.append(link)
    return found


def _link_start(link: WikiLink) -> int:
    return link.start


class _Lines:
    """File line and 1-based column of body offsets, counting newlines from the offset
    asked before (offsets come in increasing order), so that a body of many marks costs
    linear time, not quadratic."""

    def __init__(self, body: str, first_line: int) -> None:
        self.body = body
        self.first_line = first_line
        self.offset = 0
        self.line = first_line
        self.line_start = 0

    def line_of(self, at: int) -> int:
        if at < self.offset:
            self.offset, self.line, self.line_start = 0, self.first_line, 0
        newlines = self.body.count("\n", self.offset, at)
        if newlines:
            self.line += newlines
            self.line_start = self.body.rfind("\n", self.offset, at) + 1
        self.offset = at
        return self.line

    def position(self, at: int) -> tuple[int, int]:
        line = self.line_of(at)
        return line, at - self.line_start + 1


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) meets one of ``spans`` (sorted, not overlapping each other)."""
    at = bisect.bisect_right(spans, (start, 1 << 62)) - 1
    if at >= 0 and spans[at][1] > start:
        return True
    return at + 1 < len(spans) and spans[at + 1][0] < end


def _markdown_links(body: str, text: str, lines: _Lines,
                    wiki_spans: list[tuple[int, int]]) -> list[WikiLink]:
    """Markdown links and images of the masked body ``text`` that point into the vault,
    images inside a link's label included; none inside a wiki-link."""
    found: list[WikiLink] = []
    pending = [(0, len(text))]
    while pending:
        begin, finish = pending.pop()
        for match in _MD_INLINE.finditer(text, begin, finish):
            at, end = match.start(), match.end()
            if wiki_spans and _overlaps(wiki_spans, at, end):
                continue
            if "](" in match.group(2):
                pending.append((match.start(2), match.end(2)))  # `[![img](a.png)](b.md)`
            line, column = lines.position(at)
            link = markdown_link(body[match.start(2):match.end(2)],
                                 body[match.start(3):match.end(3)],
                                 match.group(1) == "!", body[at:end], line, column, at, end)
            if link is not None:
                found.append(link)
    return found
