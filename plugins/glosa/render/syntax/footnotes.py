"""Footnotes: ``[^1]`` references with ``[^1]: text`` definitions, and inline ``^[text]``,
numbered in order of first reference (shown as bare numbers, as Obsidian does), listed at
the end with back-references (mdit-py-plugins' footnote plugin, a port of
markdown-it-footnote).

Env contract: ``env["docId"]`` (a string) prefixes the ids, for pages holding several
notes. A reference to an undefined footnote stays text, as in Obsidian.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin


def _render_caption(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # Obsidian shows the bare number, also on a repeated reference (markdown-it-footnote
    # writes `[1]`, then `[1:1]`); the ids stay distinct.
    return str(tokens[idx].meta["id"] + 1)


def footnotes_plugin(md: MarkdownIt) -> None:
    """Footnotes, inline footnotes included."""
    footnote_plugin(md, inline=True, move_to_end=True)
    md.add_render_rule("footnote_caption", _render_caption)
