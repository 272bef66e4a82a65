"""Obsidian highlights: ``==text==`` -> ``<mark>text</mark>``.

A port of markdown-it-mark (MIT, by Vitaly Puzrin and Alex Kocharin) to markdown-it-py,
built like markdown-it's own strike-through rule: delimiter runs are paired by
markdown-it's ``balance_pairs``, so nesting with emphasis works and the pass is linear.
No maintained Python package provides it.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Delimiter

_EQUALS = 0x3D


def _tokenize(state: StateInline, silent: bool) -> bool:
    start = state.pos
    if silent or state.src[start] != "=":
        return False
    scanned = state.scanDelims(start, True)
    length = scanned.length
    if length < 2:
        return False
    if length % 2:
        token = state.push("text", "", 0)
        token.content = "="
        length -= 1
    for _pair in range(length // 2):
        token = state.push("text", "", 0)
        token.content = "=="
        state.delimiters.append(
            Delimiter(
                marker=_EQUALS,
                length=0,  # no "rule of 3" for this marker
                token=len(state.tokens) - 1,
                end=-1,
                open=scanned.can_open,
                close=scanned.can_close,
            )
        )
    state.pos += scanned.length
    return True


def _post_process_delimiters(state: StateInline, delimiters: list[Delimiter]) -> None:
    lone_markers: list[int] = []
    for start_delim in delimiters:
        if start_delim.marker != _EQUALS or start_delim.end == -1:
            continue
        end_delim = delimiters[start_delim.end]
        opener = state.tokens[start_delim.token]
        opener.type, opener.tag, opener.nesting = "mark_open", "mark", 1
        opener.markup, opener.content = "==", ""
        closer = state.tokens[end_delim.token]
        closer.type, closer.tag, closer.nesting = "mark_close", "mark", -1
        closer.markup, closer.content = "==", ""
        before = state.tokens[end_delim.token - 1]
        if before.type == "text" and before.content == "=":
            lone_markers.append(end_delim.token - 1)
    # An odd run `=====` is split `=` + `==` + `==`: move the lone `=` after the closers.
    while lone_markers:
        index = lone_markers.pop()
        after = index + 1
        while after < len(state.tokens) and state.tokens[after].type == "mark_close":
            after += 1
        after -= 1
        if index != after:
            state.tokens[index], state.tokens[after] = state.tokens[after], state.tokens[index]


def _post_process(state: StateInline) -> None:
    _post_process_delimiters(state, state.delimiters)
    for meta in state.tokens_meta:
        if meta and "delimiters" in meta:
            _post_process_delimiters(state, meta["delimiters"])


def highlight_plugin(md: MarkdownIt) -> None:
    """``==text==`` as ``<mark>``."""
    md.inline.ruler.before("emphasis", "obsidian_highlight", _tokenize)
    md.inline.ruler2.before("emphasis", "obsidian_highlight", _post_process)
