"""Obsidian math: ``$inline$`` and ``$$display$$``, rendered to MathML on the server.

Parsing is mdit-py-plugins' dollarmath, set to Obsidian's rules: no space just inside the
dollars (``$ x$`` and ``$x $`` are text), no digit before an opening or after a closing
``$`` (so prices such as ``$5 and $10`` stay text), ``$$…$$`` also inside a paragraph.
Math is parsed before emphasis, so ``*`` and ``_`` inside it stay. Conversion is
latex2mathml (pure Python, no script in the page, no request to another host), cached per
formula; a formula it cannot convert (or too long to be real) is shown as its TeX source in
``<code class="math-source">``.
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
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin

# latex2mathml stores symbols as character references in element text and un-escapes the
# whole document afterwards, which would also un-escape text the author wrote (a
# `\text{<b>}` would become markup). Serialise escaped, then restore only numeric
# character references, which are characters, never markup.
_ESCAPED_CHAR_REF = re.compile(r"&amp;(#x[0-9A-Fa-f]+;|#[0-9]+;)")
# latex2mathml takes about 0.1 ms per TeX token: a formula longer than this (no real one
# is) is shown as source, so a hostile note cannot make the build crawl.
MAX_TEX_LENGTH = 5000


@lru_cache(maxsize=4096)
def tex_to_mathml(tex: str, display: bool) -> str:
    """MathML for ``tex``, or ``<code class="math-source">`` holding the source."""
    if len(tex) > MAX_TEX_LENGTH:
        return f'<code class="math-source">{escapeHtml(tex)}</code>'
    try:
        element = convert_to_element(tex, display="block" if display else "inline")
        mathml = tostring(element, encoding="unicode")
    except Exception:  # latex2mathml raises many kinds of error on bad TeX
        return f'<code class="math-source">{escapeHtml(tex)}</code>'
    return _ESCAPED_CHAR_REF.sub(r"&\1", mathml)


def _render(content: str, options: dict[str, Any]) -> str:
    return tex_to_mathml(content, bool(options.get("display_mode")))


def _render_display_in_paragraph(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # `$$…$$` inside a paragraph: a <span> (dollarmath writes a <div>, invalid inside <p>).
    content = tex_to_mathml(tokens[idx].content.strip(), True)
    return f'<span class="math display">{content}</span>'


def math_plugin(md: MarkdownIt) -> None:
    """``$…$`` and ``$$…$$`` as MathML."""
    dollarmath_plugin(
        md,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        double_inline=True,
        renderer=_render,
    )
    md.add_render_rule("math_inline_double", _render_display_in_paragraph)
