"""Obsidian comments: ``%%…%%`` inline, across lines and across paragraphs, never shown.

Comments are removed from the source before block parsing (a core rule after
``normalize``), because a comment may span several blocks, which no block or inline rule
can see whole. ``%%`` inside fenced code and inside inline code on one line stays, and so does an
escaped ``\\%%`` (Markdown's backslash escape then shows ``%%``).
``strip_comments`` is the same pass as a plain function, for search text, previews and
descriptions. One pass over the text: linear time.

Written by hand: no markdown-it plugin handles a delimiter that crosses block boundaries.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

# A fence opening or closing line, behind optional quote markers and indentation.
_FENCE_RE = re.compile(r"[ \t>]*(`{3,}|~{3,})")
_TOKEN_RE = re.compile(r"`+|%%")
_TICKS_RE = re.compile(r"`+")
# Container prefix of a line (indentation and quote markers), kept on every line a
# multi-line comment covers, so a comment inside a quote or callout does not end it.
_PREFIX_RE = re.compile(r"[ \t>]*")


def _code_span_end(line: str, opener_start: int, length: int, runs: dict[int, list[int]]) -> int:
    """End of the code span opened by the backtick run at ``opener_start``, or -1."""
    starts = runs.get(length, [])
    index = bisect_right(starts, opener_start)
    return starts[index] + length if index < len(starts) else -1


def _backtick_runs(line: str) -> dict[int, list[int]]:
    runs: dict[int, list[int]] = {}
    for run in _TICKS_RE.finditer(line):
        runs.setdefault(run.end() - run.start(), []).append(run.start())
    return runs


def _escaped(text: str, index: int, line_start: int) -> bool:
    """Whether ``text[index]`` follows an odd number of backslashes (``\\%%`` is text)."""
    backslashes = 0
    while index - backslashes - 1 >= line_start and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def strip_comments(text: str) -> str:
    """``text`` without its ``%%`` comments (an unclosed ``%%`` hides the rest).

    Line breaks inside a comment are kept (with the container prefix of the line the
    comment starts on), so line numbers and the surrounding block structure stay.
    """
    if "%%" not in text:
        return text
    out: list[str] = []
    copied = 0  # text[:copied] is in `out` or dropped
    length = len(text)
    line_start = 0
    fence: tuple[str, int] | None = None
    while line_start < length:
        line_end = text.find("\n", line_start)
        if line_end < 0:
            line_end = length
        fence_match = _FENCE_RE.match(text, line_start, line_end)
        if fence is not None:
            if (
                fence_match is not None
                and fence_match.group(1)[0] == fence[0]
                and len(fence_match.group(1)) >= fence[1]
                and not text[fence_match.end() : line_end].strip()
            ):
                fence = None
            line_start = line_end + 1
            continue
        if fence_match is not None:
            marker = fence_match.group(1)
            # A backtick fence's info string holds no backtick (else it is inline code).
            if marker[0] == "~" or "`" not in text[fence_match.end() : line_end]:
                fence = (marker[0], len(marker))
                line_start = line_end + 1
                continue
        pos = line_start
        runs: dict[int, list[int]] | None = None
        while True:
            found = _TOKEN_RE.search(text, pos, line_end)
            if found is None:
                break
            if found.group()[0] == "`":
                if runs is None:
                    runs = _backtick_runs(text[line_start:line_end])
                end = _code_span_end(
                    text, found.start() - line_start, found.end() - found.start(), runs
                )
                pos = line_start + end if end >= 0 else found.end()
                continue
            if _escaped(text, found.start(), line_start):
                pos = found.end()
                continue
            out.append(text[copied : found.start()])
            close = text.find("%%", found.end())
            if close < 0:
                out.append("\n" * text.count("\n", found.end()))
                copied = line_end = length
                break
            breaks = text.count("\n", found.end(), close)
            if breaks:
                prefix_match = _PREFIX_RE.match(text, line_start, found.start())
                prefix = prefix_match.group() if prefix_match else ""
                out.append(("\n" + prefix) * breaks)
                line_start = text.rfind("\n", 0, close) + 1
                line_end = text.find("\n", close)
                if line_end < 0:
                    line_end = length
                runs = None
            copied = pos = close + 2
        line_start = line_end + 1
    out.append(text[copied:])
    return "".join(out)


def comments_plugin(md: MarkdownIt) -> None:
    """Remove ``%%`` comments before block parsing."""

    def remove_comments(state: StateCore) -> None:
        state.src = strip_comments(state.src)

    md.core.ruler.after("normalize", "obsidian_comments", remove_comments)
