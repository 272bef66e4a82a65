"""Footnotes: ``[^1]`` references with ``[^1]: text`` definitions, and inline ``^[text]``,
numbered in order of first reference (shown as bare numbers, as Obsidian does), listed at
the end with back-references (mdit-py-plugins' footnote plugin, a port of
markdown-it-footnote).

Env contract: ``env["docId"]`` (a string) prefixes the ids, for pages holding several
notes. A reference to an undefined footnote stays text, as in Obsidian.
"""

from __future__ import annotations

from collections.abc import Sequence
from weakref import WeakKeyDictionary

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_inline

# Last `]` of each inline run being parsed: a `^[` after it cannot close, and is rejected
# without scanning the rest of the text for its label (a run of `^[` would otherwise
# cost one scan each).
_LAST_CLOSE: WeakKeyDictionary[StateInline, int] = WeakKeyDictionary()


def _inline_footnote(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "^":
        return False
    last_close = _LAST_CLOSE.get(state)
    if last_close is None:
        last_close = _LAST_CLOSE[state] = state.src.rfind("]")
    if last_close < state.pos:
        return False
    return footnote_inline(state, silent)


def _render_caption(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # Obsidian shows the bare number, also on a repeated reference (markdown-it-footnote
    # writes `[1]`, then `[1:1]`); the ids stay distinct.
    return str(tokens[idx].meta["id"] + 1)


def footnotes_plugin(md: MarkdownIt) -> None:
    """Footnotes, inline footnotes included."""
    footnote_plugin(md, inline=True, move_to_end=True)
    md.inline.ruler.at("footnote_inline", _inline_footnote)
    md.add_render_rule("footnote_caption", _render_caption)
