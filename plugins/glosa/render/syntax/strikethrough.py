"""``~~text~~`` -> ``<del>text</del>``: markdown-it's own strike-through rule (off in the
commonmark preset), written as ``<del>`` as Obsidian does rather than ``<s>``."""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict


def _render_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "<del>"


def _render_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "</del>"


def strikethrough_plugin(md: MarkdownIt) -> None:
    """Enable ``~~strike~~`` and render it as ``<del>``."""
    md.enable("strikethrough")
    md.add_render_rule("s_open", _render_open)
    md.add_render_rule("s_close", _render_close)
