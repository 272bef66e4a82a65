"""The Obsidian syntax plugins against their fixture files (markdown-it's fixture format:
title, ``.``, Markdown, ``.``, expected HTML, ``.``), one file per plugin, rendered through
``use_obsidian_syntax`` on the commonmark preset with GFM tables, as the renderer uses it.

Inline SVG icons are written ``<svg:NAME/>`` in the fixtures, to keep them readable; the
icons' markup itself is checked in ``test_syntax_units.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from glosa.render.syntax import use_obsidian_syntax

FIXTURES = Path(__file__).parent / "fixtures"
PLUGIN_FIXTURES = (
    "callouts",
    "comments",
    "highlight",
    "strikethrough",
    "tags",
    "footnotes",
    "tasks",
    "math",
    "mermaid",
    "linkify",
)
_ICON = re.compile(r'<svg [^>]*class="svg-icon lucide-([a-z-]+)"[^>]*>.*?</svg>')


class TagPages:
    """A site's tag pages, as ``env["glosa"]`` offers them."""

    def tag_href(self, tag: str) -> str | None:
        return f"/tags/{tag}/"


def obsidian_markdown() -> MarkdownIt:
    return use_obsidian_syntax(MarkdownIt("commonmark").enable("table"))


def _cases() -> list[object]:
    cases: list[object] = []
    for name in PLUGIN_FIXTURES:
        for line, title, source, expected in read_fixture_file(FIXTURES / f"{name}.md"):
            cases.append(pytest.param(source, expected, id=f"{name}:{line + 1}:{title}"))
    return cases


@pytest.mark.parametrize(("source", "expected"), _cases())
def test_fixture(source: str, expected: str) -> None:
    html = obsidian_markdown().render(source, {"glosa": TagPages()})
    assert _ICON.sub(r"<svg:\1/>", html) == expected


def test_every_plugin_has_its_fixture_file() -> None:
    assert set(PLUGIN_FIXTURES) <= {path.stem for path in FIXTURES.glob("*.md")}
    for name in PLUGIN_FIXTURES:
        assert len(read_fixture_file(FIXTURES / f"{name}.md")) >= 4, name
