"""The fast paths of body scanning and of the unsafe-URL check find exactly what the plain
patterns they replace find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from glosa.checking.checks import _url_starts
from glosa.reading.parser import _BOUNDARY, _split_frontmatter
from glosa.reading.wikilinks import (
    _REFERENCE_DEFINITION,
    _mask,
    heading_lines,
    parse_link,
    reference_definitions,
    scan_body,
)

# Where a Markdown URL begins, the plain way: after `](`, or after `[id]:` opening a line.
URL_START = re.compile(r"\]\(|^ {0,3}\[(?!\^)[^\[\]\n]+\]:", re.MULTILINE)
# A wiki-link, the plain way (a lazy inner text).
WIKI_LINK = re.compile(r"\[\[([^\[\]\r\n]+?)\]\]")
# A heading line, the plain way: tried at the start of every line.
HEADING_LINE = re.compile(r"^(#{1,6})([ \t][^\n]*)", re.MULTILINE)

# Pieces that make up the syntax the scanners look for, and near misses of it.
PIECES = ["](", "]:", "[", "]", "[[", "]]", "!", "^", " ", "   ", "    ", "\n", "a", "é",
          "⚫①", "(", ")", ":", "|", "#", "javascript:", "[a]:", "[^1]:", "[[Note]]",
          "![[img.png]]", "[[A#B|c]]", "`", "%%"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=24).map("".join))
def test_url_starts_match_the_url_start_pattern(body: str) -> None:
    assert _url_starts(body) == [m.span() for m in URL_START.finditer(body)]


def _plain_wiki_links(body: str, first_line: int) -> list[tuple[object, ...]]:
    """Wiki-links of a body outside code and comments, found in the masked body and placed
    the plain way, with the body's own text."""
    text = _mask(body)[0]
    found = []
    for match in WIKI_LINK.finditer(text):
        at = match.start()
        embed = at > 0 and text[at - 1] == "!"
        if embed:
            at -= 1
        line = first_line + body.count("\n", 0, at)
        column = at - (body.rfind("\n", 0, at) + 1) + 1
        link = parse_link(body[match.start(1):match.end(1)], embed, line, column, at,
                          match.end())
        found.append((link.raw, link.target, link.heading, link.block, link.label,
                      link.embed, link.line, link.column, link.start, link.end))
    return found


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from([p for p in PIECES if p not in ("](", "]:")]),
                max_size=24).map("".join),
       st.integers(min_value=1, max_value=40))
def test_wiki_links_are_those_of_the_plain_scan(body: str, first_line: int) -> None:
    links = [(link.raw, link.target, link.heading, link.block, link.label, link.embed,
              link.line, link.column, link.start, link.end)
             for link in scan_body(body, first_line).links]
    assert links == _plain_wiki_links(body, first_line)


def test_a_definition_opening_the_body_and_one_after_a_break_are_url_starts() -> None:
    body = "[a]: javascript:x\ntext ](y) [[T]]: no\n   [b]: data:z\n[^1]: note"
    assert _url_starts(body) == [(0, 4), (23, 25), (38, 45)]


def test_a_link_around_a_code_span_keeps_the_body_text() -> None:
    links = scan_body("x [[a `b` c]] and ![[d %%e%%|f]]\n`[[g]]`").links
    assert [(link.raw, link.target, link.label) for link in links] == [
        ("[[a `b` c]]", "a `b` c", None), ("![[d %%e%%|f]]", "d %%e%%", "f")]


HEADING_PIECES = ["#", "##", "######", "#######", " ", "\t", "\n", "a", "é", "⚫①", "x # y",
                  "\\#", "`", "[[T]]"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(HEADING_PIECES), max_size=24).map("".join))
def test_heading_lines_are_those_of_the_line_start_pattern(text: str) -> None:
    assert [(m.start(1), m.group(1), m.group(2)) for m in heading_lines(text)] == [
        (m.start(1), m.group(1), m.group(2)) for m in HEADING_LINE.finditer(text)]


def _plain_reference_definitions(text: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Reference definitions found the plain way: from each `]:` back to its line's start,
    one a line."""
    found = []
    at = text.find("]:")
    while at >= 0:
        line_start = text.rfind("\n", 0, at) + 1
        match = _REFERENCE_DEFINITION.match(text, line_start)
        if match is not None:
            found.append((match.span(1), match.span(2)))
        line_end = text.find("\n", at)
        at = -1 if line_end < 0 else text.find("]:", line_end)
    return found


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from([*PIECES, "<a b>", "    ", "x"]), max_size=24).map("".join))
def test_reference_definitions_are_those_found_line_by_line(text: str) -> None:
    assert [(m.span(1), m.span(2)) for m in reference_definitions(text)] == (
        _plain_reference_definitions(text))


def _plain_split(text: str) -> tuple[str | None, int, int, str | None]:
    """The frontmatter split the plain way: each line after the first tried in turn."""
    if not text.startswith("---"):
        return None, 0, 1, None
    first_end = text.find("\n")
    if first_end < 0 or not _BOUNDARY.fullmatch(text[:first_end]):
        return None, 0, 1, None
    pos, line = first_end + 1, 2
    while pos <= len(text):
        end = text.find("\n", pos)
        current = text[pos:] if end < 0 else text[pos:end]
        if _BOUNDARY.fullmatch(current):
            if end < 0:
                return text[first_end + 1:pos], len(text), line, None
            return text[first_end + 1:pos], end + 1, line + 1, None
        if end < 0:
            break
        pos, line = end + 1, line + 1
    return None, 0, 1, "the frontmatter opened with '---' on line 1 is never closed"


SPLIT_PIECES = ["---", "----", "--", "-", " ", "\t", "\x0b", "\x1c", "\x85", "\u2028", "\xa0",
                "\n", "\n", "a", "key: v", "---\n"]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(SPLIT_PIECES), max_size=20).map("".join))
def test_frontmatter_split_is_the_line_by_line_split(text: str) -> None:
    assert _split_frontmatter(text) == _plain_split(text)
    assert _split_frontmatter("---\n" + text) == _plain_split("---\n" + text)
