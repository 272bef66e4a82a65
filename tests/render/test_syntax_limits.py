"""Limits of the Obsidian syntax plugins: they leave core CommonMark alone, and they stay
linear on pathological input.

CommonMark: inputs shaped like the spec's examples (lists, fences, emphasis, block quotes,
breaks, links, setext and ATX headings), and generated text holding none of Obsidian's
markers, render exactly as markdown-it's commonmark preset renders them (which passes the
spec). Inputs where Obsidian deliberately differs (``#tag``, ``==``, ``$``, ``%%``,
``[!type]``, ``[x]``) are the fixture files' business.

Time: CPU time (not wall time, on a shared machine) of each 100 KB input, against a
quarter of it: linear rules take about 4x, a quadratic one 16x.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from glosa.render.syntax import strip_comments, use_obsidian_syntax

COMMONMARK_LIKE = [
    "- foo\n- bar\n\n\n- baz\n",
    "1. a\n\n   b\n2) c\n",
    "- a\n  - b\n    - c\n      - d\n",
    "10) foo\n    - bar\n",
    "- foo\n\n      bar\n",
    "* a\n*\n\n* c\n",
    "```\n<\n >\n```\n",
    "~~~ruby startline=3 $%@#$\ndef foo(x)\n  return 3\nend\n~~~~~~~\n",
    "````\naaa\n```\n``````\n",
    "> ```\n> aaa\n\nbbb\n",
    "- ```\n  code\n  ```\n- x\n",
    "*foo bar*\n",
    "a * foo bar*\n",
    "**foo*bar*baz**\n",
    "_foo_bar_baz_\n",
    "*(**foo**)*\n",
    "***strong emph***\n",
    "> # Foo\n> bar\n> baz\n",
    "> bar\nbaz\n> foo\n",
    "> foo\n\n> bar\n",
    "foo  \nbaz\n",
    "foo\\\nbaz\n",
    "Foo *bar*\n=========\n\nFoo\n---\n",
    "# foo *bar* \\*baz\\*\n## foo ###\n#5 bolt\n",
    "[link](/uri \"title\")\n[foo]: /url\n\n[foo]\n",
    "`` foo ` bar ``\n",
    "<a href=\"x\">*x*</a>\n",
    "| a | b |\n| - | - |\n| 1 | 2 |\n",
    "50% of $3 is ~1.5~ dollars; a = b\n",
]


def commonmark() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def obsidian() -> MarkdownIt:
    return use_obsidian_syntax(MarkdownIt("commonmark").enable("table"))


@pytest.mark.parametrize("source", COMMONMARK_LIKE)
def test_commonmark_inputs_render_as_commonmark(source: str) -> None:
    assert obsidian().render(source) == commonmark().render(source)


# Characters of core Markdown, none of which starts an Obsidian construct on its own
# (no `#`, `=`, `$`, `%`, `~`, `[`, `^`).
_CORE_TEXT = st.text(alphabet="ab *_`\n-+1.>:&\\\t()<", max_size=80)


@settings(max_examples=150, deadline=None)
@given(_CORE_TEXT)
def test_text_without_obsidian_markers_renders_as_commonmark(source: str) -> None:
    assert obsidian().render(source) == commonmark().render(source)


SIZE = 100_000
# Each renders well under a second: 100 KB of each marker alone, and 50 KB of the
# constructs themselves, by the thousand.
PATHOLOGICAL = {
    "equals": "=" * SIZE,
    "percent": "%" * SIZE,
    "dollars": "$" * SIZE,
    "hashes": "#" * SIZE,
    "tildes": "~" * SIZE,
    "quotes 500 deep": "> " * 500 + "x\n",
    "callouts 500 deep": "".join(">" * depth + " [!note] t\n" for depth in range(1, 501)),
    "equal pairs": "==a " * (SIZE // 8),
    "unclosed comments": "a %%\n" * (SIZE // 10),
    "dollar pairs": "$a$ " * (SIZE // 8),
    "tags": "#a " * (SIZE // 6),
    "callout headers": "> [!note]- t\n" * (SIZE // 26),
    # Bare URLs: linkify-it's inline rule (off) was quadratic on `://`, its `www.`
    # check on runs of `www.`.
    "scheme separators": "://" * (SIZE // 3),
    "www runs": "www." * (SIZE // 4),
    "urls": "https://a.org/x " * (SIZE // 16),
    "at signs": "a@b." * (SIZE // 4),
}
# markdown-it itself takes seconds on 100 KB of these (linear, but slow): measured at a
# quarter of the size, the plugins must add little to markdown-it's own time.
PATHOLOGICAL_FOR_MARKDOWN_IT = {
    "inline footnote openers": "^[" * (SIZE // 8),
    "task items": "- [x] a\n" * (SIZE // 32),
    "brackets": "[" * (SIZE // 8),
}


def _cpu_seconds(md: MarkdownIt, text: str, repeat: int = 3) -> float:
    """The least CPU time of ``repeat`` renders: a single one also measures the first
    render's own costs and whatever else the machine was doing (a 9 ms render once took
    61 ms and failed the ratio below)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        md.render(text)
        best = min(best, time.process_time() - start)
    return best


def _assert_linear(md: MarkdownIt, text: str, full: float) -> None:
    quarter = _cpu_seconds(md, text[: len(text) // 4])
    # Below 50 ms the ratio is noise; above it, quadratic growth would show as ~16x.
    assert full < 0.05 or full / max(quarter, 1e-3) < 8


@pytest.mark.parametrize("text", list(PATHOLOGICAL.values()), ids=list(PATHOLOGICAL))
def test_pathological_input_renders_fast_and_in_linear_time(text: str) -> None:
    md = obsidian()
    full = _cpu_seconds(md, text)
    assert full < 1.0
    _assert_linear(md, text, full)


@pytest.mark.parametrize(
    "text", list(PATHOLOGICAL_FOR_MARKDOWN_IT.values()), ids=list(PATHOLOGICAL_FOR_MARKDOWN_IT)
)
def test_input_slow_for_markdown_it_is_not_made_much_slower(text: str) -> None:
    md = obsidian()
    base = _cpu_seconds(commonmark(), text)
    full = _cpu_seconds(md, text)
    assert full < 1.5 * base + 0.25
    _assert_linear(md, text, full)


@pytest.mark.parametrize(
    "text",
    [
        "%" * SIZE,
        "%% " * (SIZE // 3),
        "`" * SIZE,
        "".join("`" * n + " %%" for n in range(440)),
        "a %%\n" * (SIZE // 5),
        "```\n%%\n" * (SIZE // 8),
    ],
    ids=["percent", "comment pairs", "backtick run", "backtick runs of every length",
         "unclosed comments", "fences"],
)
def test_strip_comments_is_linear(text: str) -> None:
    start = time.process_time()
    strip_comments(text)
    assert time.process_time() - start < 0.2
