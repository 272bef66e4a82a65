"""CommonMark conformance of the note renderer, on the spec's own examples (the
``commonmark-spec`` npm package, fetched into ``tests/.cache`` by ``tests/prepare.py``) for
the constructs Obsidian vaults depend on: lists and list items, block quotes, fenced code,
hard and soft line breaks. The renderer runs with every syntax extension on, with
``strictLineBreaks`` (pure CommonMark) and with Obsidian's default line breaks."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from glosa.render import NoteRenderer

from ..prepare import COMMONMARK_SPEC, fetch_commonmark_spec

SECTIONS = ("List items", "Lists", "Block quotes", "Fenced code blocks",
            "Hard line breaks", "Soft line breaks")
# The spec's example fences are 32 backticks; headings name the section of what follows.
_EXAMPLE = re.compile(r"^`{32} example\n([\s\S]*?)^\.\n([\s\S]*?)^`{32}$|^#{1,6} *(.*)$",
                      re.M)

@dataclass(frozen=True)
class Example:
    number: int
    section: str
    markdown: str
    html: str


def _examples() -> list[Example]:
    fetch_commonmark_spec()
    text = COMMONMARK_SPEC.read_text(encoding="utf-8")
    text = text.split("<!-- END TESTS -->", 1)[0]
    found: list[Example] = []
    section = ""
    number = 0
    for match in _EXAMPLE.finditer(text):
        if match.group(3) is not None:
            section = match.group(3).strip()
            continue
        number += 1
        if section in SECTIONS:
            found.append(Example(number, section, match.group(1).replace("→", "\t"),
                                 match.group(2).replace("→", "\t")))
    return found


EXAMPLES = _examples()
STRICT = NoteRenderer(breaks=False)
OBSIDIAN = NoteRenderer(breaks=True)


def _normal(html: str) -> str:
    # The renderer writes HTML5 void elements (`<br>`); the spec writes XHTML (`<br />`).
    # An empty quote is written without the line break inside (the callout extension
    # renders every quote): the same HTML.
    return html.replace(" />", ">").replace("<blockquote>\n</blockquote>",
                                             "<blockquote></blockquote>")


def test_the_subset_is_the_whole_of_its_sections() -> None:
    assert len(EXAMPLES) > 140
    assert {e.section for e in EXAMPLES} == set(SECTIONS)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.number}-{e.section}")
def test_spec_example(example: Example) -> None:
    assert _normal(STRICT.md.render(example.markdown)) == _normal(example.html)


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.section == "Soft line breaks"
                                     or ("\n" in e.markdown.strip()
                                     and e.section == "Hard line breaks"
                                     # (a raw tag across lines is not a paragraph's text)
                                     and "<" not in e.markdown)],
                         ids=lambda e: f"{e.number}")
def test_line_breaks_as_obsidian_shows_them(example: Example) -> None:
    """With Obsidian's default, a soft line break inside a paragraph is a ``<br>``;
    everything else is as the spec says."""
    expected = _normal(example.html)
    expected = re.sub(r"(?<=[^>\n])\n(?=[^<\n])", "<br>\n", expected)
    rendered = _normal(OBSIDIAN.md.render(example.markdown))
    assert rendered == expected
