"""Obsidian Flavored Markdown's syntax extensions, as markdown-it-py plugins.

Each module holds one plugin, ``<name>_plugin(md)``, a rule and its renderer; the parser
core knows none of them. Apply them all, in the right order, with one call::

    from markdown_it import MarkdownIt
    from glosa.render.syntax import use_obsidian_syntax

    md = MarkdownIt("commonmark")
    use_obsidian_syntax(md)
    html = md.render(text, env)

What the plugins read from and write to ``env`` is in :mod:`glosa.render.syntax.env`
(tag links through ``env["glosa"].tag_href``, ``env["glosa_features"]`` for page assets,
``env["glosa_tags"]``, ``env["docId"]`` for footnote ids). The page assets are
``ofm.css`` (callout colours and icons, highlights, tags, tasks, math; every page) and,
when ``"mermaid"`` is in the features, ``mermaid-init.js`` (it fetches ``mermaid.min.js``
from beside itself), all in ``glosa.templates/assets``. ``SANITIZER_TAGS`` and
``SANITIZER_ATTRIBUTES`` list what the HTML sanitizer must keep for these plugins' output.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt

from .callouts import callouts_plugin
from .comments import comments_plugin, strip_comments
from .env import FEATURES_KEY, TAGS_KEY, TagLinker, features
from .footnotes import footnotes_plugin
from .highlight import highlight_plugin
from .linkify import linkify_plugin
from .math import math_plugin, tex_to_mathml
from .mermaid import MERMAID_FEATURE, mermaid_plugin
from .strikethrough import strikethrough_plugin
from .tags import tags_plugin
from .tasks import tasks_plugin

__all__ = [
    "ALL_PLUGINS",
    "FEATURES_KEY",
    "MERMAID_FEATURE",
    "SANITIZER_ATTRIBUTES",
    "SANITIZER_TAGS",
    "TAGS_KEY",
    "TagLinker",
    "callouts_plugin",
    "comments_plugin",
    "features",
    "footnotes_plugin",
    "highlight_plugin",
    "linkify_plugin",
    "math_plugin",
    "mermaid_plugin",
    "strikethrough_plugin",
    "strip_comments",
    "tags_plugin",
    "tasks_plugin",
    "tex_to_mathml",
    "use_obsidian_syntax",
]

# In the order they are applied: comments first (they are cut from the source before
# anything is parsed), math before the inline rules that would read `*` or `=` inside it.
ALL_PLUGINS: tuple[Callable[[MarkdownIt], None], ...] = (
    comments_plugin,
    callouts_plugin,
    tasks_plugin,
    mermaid_plugin,
    footnotes_plugin,
    math_plugin,
    highlight_plugin,
    strikethrough_plugin,
    tags_plugin,
    linkify_plugin,
)


def use_obsidian_syntax(md: MarkdownIt) -> MarkdownIt:
    """Apply every Obsidian syntax plugin to ``md`` (returned, for chaining)."""
    for plugin in ALL_PLUGINS:
        md.use(plugin)
    return md


_SVG_TAGS = {"svg", "path", "circle", "rect"}
_SVG_ATTRIBUTES = {
    "xmlns", "width", "height", "viewbox", "viewBox", "fill", "stroke", "stroke-width",
    "stroke-linecap", "stroke-linejoin", "d", "cx", "cy", "r", "x", "y", "rx", "ry",
}
# Tags and attributes (beyond plain HTML: class, id, href...) these plugins emit.
SANITIZER_TAGS: frozenset[str] = frozenset(
    {"details", "summary", "mark", "del", "input", "sup", "section", "hr", "pre", *_SVG_TAGS}
)
SANITIZER_ATTRIBUTES: dict[str, frozenset[str]] = {
    "div": frozenset({"data-callout", "data-callout-metadata", "data-callout-fold"}),
    "details": frozenset({"data-callout", "data-callout-metadata", "data-callout-fold", "open"}),
    "li": frozenset({"data-task"}),
    "input": frozenset({"type", "checked", "disabled", "data-task"}),
    "math": frozenset({"xmlns", "display"}),
    **{tag: frozenset(_SVG_ATTRIBUTES) for tag in _SVG_TAGS},
}
