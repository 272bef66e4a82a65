"""Obsidian inline tags: ``#tag`` and nested ``#parent/child``.

Obsidian's rules: the ``#`` starts the text or follows whitespace (so ``a#b``, URLs'
``/#anchor`` and headings' own ``#`` are not tags); the name runs over letters and digits of
any script, ``_``, ``-``, ``/`` and non-ASCII symbols such as emoji, and stops at
whitespace or punctuation; a name of digits only (``#1984``) is no tag. Tags are not
recognised in code (code spans and blocks are parsed before) nor inside a link's text.

Env contract (see :mod:`glosa.render.syntax.env`): ``env["glosa"].tag_href(tag)`` gives
the tag page's address (``tag`` as written, without ``#``); without it, or when it
returns ``None``, the tag is a ``<span class="tag">``. Every tag met is appended to
``env["glosa_tags"]``.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from ...reading.tags import is_tag_char, tag_at
from .env import CONTEXT_KEY, page_tags

__all__ = ["is_tag_char", "tag_at", "tags_plugin"]


def _tokenize(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "#" or state.linkLevel > 0:
        return False
    name = tag_at(state.src, state.pos)
    if name is None:
        # A run of `#` that starts no tag is text: taken whole, so a long run costs one
        # call rather than one per character (no later `#` of the run can start a tag).
        end = state.pos + 1
        while end < state.posMax and state.src[end] == "#":
            end += 1
        if end - state.pos < 2:
            return False
        if not silent:
            state.pending += state.src[state.pos : end]
        state.pos = end
        return True
    if not silent:
        token = state.push("obsidian_tag", "a", 0)
        token.content = name
        token.markup = "#"
        page_tags(state.env).append(name)
    state.pos += 1 + len(name)
    return True


def _render_tag(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    name = tokens[idx].content
    linker = env.get(CONTEXT_KEY)
    tag_href = getattr(linker, "tag_href", None)
    href = tag_href(name) if callable(tag_href) else None
    text = escapeHtml("#" + name)
    if isinstance(href, str):
        return f'<a href="{escapeHtml(href)}" class="tag">{text}</a>'
    return f'<span class="tag">{text}</span>'


def tags_plugin(md: MarkdownIt) -> None:
    """Inline ``#tag`` as a link to the tag's page (or a ``<span class="tag">``)."""
    md.inline.ruler.after("text", "obsidian_tag", _tokenize)
    md.add_render_rule("obsidian_tag", _render_tag)
