"""Obsidian callouts: a block quote whose first line is ``[!type]``, ``[!type]-`` or
``[!type]+``, optionally followed by a title (inline Markdown) and ``|metadata``.

Output, as Obsidian's reading view::

    <div class="callout" data-callout="warning">
      <div class="callout-title"><span class="callout-icon"><svg…></span>
        <span class="callout-title-inner">Title</span></div>
      <div class="callout-content">…</div>
    </div>

Foldable callouts are ``<details class="callout is-collapsible">`` with a ``<summary
class="callout-title">`` (``-``: closed, ``+``: ``open``) and a fold chevron.
``data-callout`` is the type as written, lower-cased (aliases and unknown types kept, so a
site's CSS can style custom types; ``ofm.css`` colours the built-in ones and falls back to
note's colour); the icon is that of the type's canonical name, note's for unknown types.
The default title is the type as written, capitalised. Nesting, block content (lists,
fences, tables, embeds) come from markdown-it's own block quote rule: this is a core rule
that rewrites block quote tokens after block parsing, one pass over the tokens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from .icons import svg_icon

# Canonical type -> (aliases, Lucide icon), as in Obsidian's default theme.
CALLOUT_TYPES: dict[str, tuple[tuple[str, ...], str]] = {
    "note": ((), "pencil"),
    "abstract": (("summary", "tldr"), "clipboard-list"),
    "info": ((), "info"),
    "todo": ((), "circle-check"),
    "tip": (("hint", "important"), "flame"),
    "success": (("check", "done"), "check"),
    "question": (("help", "faq"), "circle-help"),
    "warning": (("caution", "attention"), "triangle-alert"),
    "failure": (("fail", "missing"), "x"),
    "danger": (("error",), "zap"),
    "bug": ((), "bug"),
    "example": ((), "list"),
    "quote": (("cite",), "quote"),
}
CANONICAL_TYPE: dict[str, str] = {
    name: canonical
    for canonical, (aliases, _icon) in CALLOUT_TYPES.items()
    for name in (canonical, *aliases)
}

# `[!type]`, `[!type|metadata]`, fold sign, title: the first line of the quote.
_HEADER_RE = re.compile(r"\[!([^\]\s|]+)(?:\|([^\]\n]*))?\]([+-]?)[ \t]*([^\n]*)")


def canonical_type(written: str) -> str:
    """The built-in type a written type stands for (``note`` for unknown types)."""
    return CANONICAL_TYPE.get(written.lower(), "note")


def _default_title(written: str) -> str:
    lowered = written.lower()
    return lowered[:1].upper() + lowered[1:]


def _matching_closes(tokens: Sequence[Token]) -> dict[int, int]:
    """Index of each blockquote_open -> index of its blockquote_close."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.type == "blockquote_open":
            stack.append(index)
        elif token.type == "blockquote_close" and stack:
            pairs[stack.pop()] = index
    return pairs


def _make(
    type_: str, tag: str, nesting: Literal[-1, 0, 1], level: int, meta: dict[str, Any]
) -> Token:
    token = Token(type_, tag, nesting)
    token.block = True
    token.level = level
    token.meta = meta
    return token


def _rewrite(state: StateCore) -> None:
    tokens = state.tokens
    if not any(token.type == "blockquote_open" for token in tokens):
        return
    closes = _matching_closes(tokens)
    # blockquote_close index -> tokens to emit in its place
    close_tokens: dict[int, list[Token]] = {}
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if index in close_tokens:
            result.extend(close_tokens.pop(index))
            index += 1
            continue
        header = None
        if (
            token.type == "blockquote_open"
            and index + 2 < len(tokens)
            and tokens[index + 1].type == "paragraph_open"
            and tokens[index + 2].type == "inline"
        ):
            header = _HEADER_RE.match(tokens[index + 2].content)
        if header is None or index not in closes:
            result.append(token)
            index += 1
            continue
        written, metadata, fold, title = header.groups()
        meta: dict[str, Any] = {
            "type": written.lower(),
            "canonical": canonical_type(written),
            "fold": fold,
            "metadata": (metadata or "").strip(),
            "default_title": _default_title(written),
        }
        level = token.level
        callout_open = _make("callout_open", "details" if fold else "div", 1, level, meta)
        callout_open.map = token.map
        callout_open.markup = ">"
        result.append(callout_open)
        result.append(_make("callout_title_open", "", 1, level + 1, meta))
        title = title.rstrip()
        if title:
            title_inline = Token("inline", "", 0)
            title_inline.content = title
            title_inline.children = []
            title_inline.level = level + 2
            title_inline.map = token.map
            result.append(title_inline)
        result.append(_make("callout_title_close", "", -1, level + 1, meta))

        paragraph_inline = tokens[index + 2]
        rest = paragraph_inline.content[header.end() :].lstrip("\n")
        close_index = closes[index]
        body_tokens: list[Token] = []
        if rest:
            paragraph_inline.content = rest
            body_tokens = [tokens[index + 1], paragraph_inline, tokens[index + 3]]
        index += 4  # past the quote's first paragraph (open, inline, close)
        has_body = bool(body_tokens) or index < close_index
        if has_body:
            result.append(_make("callout_content_open", "div", 1, level + 1, meta))
            result.extend(body_tokens)
            close_tokens[close_index] = [
                _make("callout_content_close", "div", -1, level + 1, meta),
                _make("callout_close", callout_open.tag, -1, level, meta),
            ]
        else:
            close_tokens[close_index] = [_make("callout_close", callout_open.tag, -1, level, meta)]
    state.tokens = result


def _attrs(meta: dict[str, Any]) -> str:
    classes = "callout"
    if meta["fold"]:
        classes += " is-collapsible" + (" is-collapsed" if meta["fold"] == "-" else "")
    parts = [f'class="{classes}"', f'data-callout="{escapeHtml(meta["type"])}"']
    if meta["metadata"]:
        parts.append(f'data-callout-metadata="{escapeHtml(meta["metadata"])}"')
    if meta["fold"]:
        parts.append(f'data-callout-fold="{meta["fold"]}"')
    if meta["fold"] == "+":
        parts.append("open")
    return " ".join(parts)


def _render_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    # After a tight list item's hidden paragraph, start on a new line (as block quotes do).
    newline = "\n" if idx and tokens[idx - 1].hidden else ""
    return f"{newline}<{token.tag} {_attrs(token.meta)}>\n"


def _render_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f"</{tokens[idx].tag}>\n"


def _render_title_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    meta = tokens[idx].meta
    tag = "summary" if meta["fold"] else "div"
    icon = svg_icon(CALLOUT_TYPES[meta["canonical"]][1])
    html = (
        f'<{tag} class="callout-title"><span class="callout-icon">{icon}</span>'
        '<span class="callout-title-inner">'
    )
    has_title = idx + 1 < len(tokens) and tokens[idx + 1].type == "inline"
    if not has_title:
        html += escapeHtml(meta["default_title"])
    return html


def _render_title_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    meta = tokens[idx].meta
    if meta["fold"]:
        return f'</span><span class="callout-fold">{svg_icon("chevron-down")}</span></summary>\n'
    return "</span></div>\n"


def _render_content_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return '<div class="callout-content">\n'


def _render_content_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</div>\n"


def callouts_plugin(md: MarkdownIt) -> None:
    """Turn ``> [!type]`` block quotes into Obsidian callouts."""
    md.core.ruler.after("block", "obsidian_callouts", _rewrite)
    md.add_render_rule("callout_open", _render_open)
    md.add_render_rule("callout_close", _render_close)
    md.add_render_rule("callout_title_open", _render_title_open)
    md.add_render_rule("callout_title_close", _render_title_close)
    md.add_render_rule("callout_content_open", _render_content_open)
    md.add_render_rule("callout_content_close", _render_content_close)
