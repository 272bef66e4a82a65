"""Mermaid diagrams: a ```` ```mermaid ```` fence becomes ``<pre class="glosa-mermaid">``
holding the escaped source, which the page's local copy of Mermaid draws in the browser
once the diagram comes near the screen. (Not Material's ``mermaid`` class: Material would
fetch Mermaid from unpkg.com for it, and at once, a megabyte on every page with a diagram.)

Env contract: adds ``"mermaid"`` to ``env["glosa_features"]`` when the note has a
diagram, so the page loads ``assets/mermaid-init.js`` only then (that script fetches
``mermaid.min.js`` from beside itself). The fence is re-typed in a core rule (not by
replacing the fence renderer), so a renderer that highlights code its own way keeps
working.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from .env import features

MERMAID_FEATURE = "mermaid"


def _fence_language(token: Token) -> str:
    info = token.info.strip()
    return info.split(maxsplit=1)[0].lower() if info else ""


def _mark_diagrams(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "fence" and _fence_language(token) == "mermaid":
            token.type = "mermaid_diagram"
            features(state.env).add(MERMAID_FEATURE)


def _render_diagram(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f'<pre class="glosa-mermaid">{escapeHtml(tokens[idx].content)}</pre>\n'


def mermaid_plugin(md: MarkdownIt) -> None:
    """```` ```mermaid ```` fences as diagrams drawn by the page's local Mermaid."""
    md.core.ruler.after("block", "obsidian_mermaid", _mark_diagrams)
    md.add_render_rule("mermaid_diagram", _render_diagram)
