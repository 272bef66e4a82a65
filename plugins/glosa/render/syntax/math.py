"""Obsidian math: ``$inline$`` and ``$$display$$``, rendered to MathML on the server.

Parsing is mdit-py-plugins' dollarmath, set to Obsidian's rules: no space just inside the
dollars (``$ x$`` and ``$x $`` are text), no digit before an opening or after a closing
``$`` (so prices such as ``$5 and $10`` stay text), ``$$…$$`` also inside a paragraph.
Math is parsed before emphasis, so ``*`` and ``_`` inside it stay. Conversion is
latex2mathml (pure Python, no script in the page, no request to another host), cached per
formula. A formula it cannot convert (a TeX error, a command or environment it does not
know, such as mhchem's ``\\ce``, ``\\require``, ``\\bbox``, ``\\enclose``, ``\\label``; or
one too long to be real) is shown as its TeX source in ``<code class="math-source">``,
and reported (env contract: one entry in ``env["glosa_problems"]``, with the source line).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from xml.etree.ElementTree import tostring

from latex2mathml.converter import convert_to_element
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin

from .env import problems

# latex2mathml stores symbols as character references in element text and un-escapes the
# whole document afterwards, which would also un-escape text the author wrote (a
# `\text{<b>}` would become markup). Serialise escaped, then restore only numeric
# character references, which are characters, never markup.
_ESCAPED_CHAR_REF = re.compile(r"&amp;(#x[0-9A-Fa-f]+;|#[0-9]+;)")
# latex2mathml takes about 0.1 ms per TeX token: a formula longer than this (no real one
# is) is shown as source, so a hostile note cannot make the build crawl.
MAX_TEX_LENGTH = 5000


# latex2mathml writes a command it does not know as an identifier holding its name
# (`<mi>\ce</mi>`) rather than failing: that is a formula it could not convert.
_UNKNOWN_COMMAND = re.compile(r"<m(?:i|o|n|text)(?: [^>]*)?>\\[A-Za-z]")
_INLINE_MATH = frozenset({"math_inline", "math_inline_double"})
_BLOCK_MATH = frozenset({"math_block", "math_block_label"})


@lru_cache(maxsize=4096)
def convert_tex(tex: str, display: bool) -> str | None:
    """MathML for ``tex``, or None when latex2mathml cannot convert it."""
    if len(tex) > MAX_TEX_LENGTH:
        return None
    try:
        element = convert_to_element(tex, display="block" if display else "inline")
        mathml = tostring(element, encoding="unicode")
    except Exception:  # latex2mathml raises many kinds of error on bad TeX
        return None
    if "\\" in mathml and _UNKNOWN_COMMAND.search(mathml):
        return None
    return _ESCAPED_CHAR_REF.sub(r"&\1", mathml)


def tex_to_mathml(tex: str, display: bool) -> str:
    """MathML for ``tex``, or ``<code class="math-source">`` holding the source."""
    mathml = convert_tex(tex, display)
    if mathml is None:
        return f'<code class="math-source">{escapeHtml(tex)}</code>'
    return mathml


def _render(content: str, options: dict[str, Any]) -> str:
    return tex_to_mathml(content, bool(options.get("display_mode")))


def _render_display_in_paragraph(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # `$$…$$` inside a paragraph: a <span> (dollarmath writes a <div>, invalid inside <p>).
    content = tex_to_mathml(tokens[idx].content.strip(), True)
    return f'<span class="math display">{content}</span>'


def _report_unsupported(state: StateCore) -> None:
    """Each formula that will be shown as source, with its line in the parsed text."""
    for token in state.tokens:
        if token.type in _BLOCK_MATH:
            tex = token.content.strip()
            if convert_tex(tex, True) is None:
                _problem(state.env, token.map[0] if token.map else 0, tex)
        elif token.type == "inline" and token.children and "$" in token.content:
            for child in token.children:
                if child.type not in _INLINE_MATH:
                    continue
                tex = child.content.strip()
                if convert_tex(tex, child.type == "math_inline_double") is None:
                    first = token.map[0] if token.map else 0
                    at = token.content.find(tex)
                    _problem(state.env, first + token.content.count("\n", 0, max(at, 0)),
                             tex)


def _problem(env: EnvType, line: int, tex: str) -> None:
    shown = " ".join(tex.split())
    if len(shown) > 60:
        shown = shown[:57] + "..."
    problems(env).append((line, "math-unsupported: shown as TeX source, not converted to "
                                f"MathML: ${shown}$"))


def math_plugin(md: MarkdownIt) -> None:
    """``$…$`` and ``$$…$$`` as MathML; unsupported TeX as its source, reported."""
    dollarmath_plugin(
        md,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        double_inline=True,
        renderer=_render,
    )
    md.add_render_rule("math_inline_double", _render_display_in_paragraph)
    md.core.ruler.push("obsidian_math_check", _report_unsupported)
