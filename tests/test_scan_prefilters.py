"""The fast paths of body scanning and of the unsafe-URL check find exactly what the plain
patterns they replace find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from glosa.checking.checks import _url_starts
from glosa.reading.wikilinks import _LINK_BRACKETS, parse_link, scan_body

# Where a Markdown URL begins, the plain way: after `](`, or after `[id]:` opening a line.
URL_START = re.compile(r"\]\(|^ {0,3}\[(?!\^)[^\[\]\n]+\]:", re.MULTILINE)

# Pieces that make up the syntax the scanners look for, and near misses of it.
PIECES = ["](", "]:", "[", "]", "[[", "]]", "!", "^", " ", "   ", "    ", "\n", "a", "é",
          "⚫①", "(", ")", ":", "|", "#", "javascript:", "[a]:", "[^1]:", "[[Note]]",
          "![[img.png]]", "[[A#B|c]]", "`", "%%"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=24).map("".join))
def test_url_starts_match_the_url_start_pattern(body: str) -> None:
    assert _url_starts(body) == [m.span() for m in URL_START.finditer(body)]


def _plain_wiki_links(body: str, first_line: int) -> list[tuple[object, ...]]:
    """Wiki-links of a body without code or comments, found and placed the plain way."""
    found = []
    for match in _LINK_BRACKETS.finditer(body):
        at = match.start()
        embed = at > 0 and body[at - 1] == "!"
        if embed:
            at -= 1
        line = first_line + body.count("\n", 0, at)
        column = at - (body.rfind("\n", 0, at) + 1) + 1
        link = parse_link(match.group(1), embed, line, column, at, match.end())
        found.append((link.raw, link.target, link.heading, link.block, link.label,
                      link.embed, link.line, link.column, link.start, link.end))
    return found


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from([p for p in PIECES if p not in ("`", "%%", "](", "]:")]),
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
