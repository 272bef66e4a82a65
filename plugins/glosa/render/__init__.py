"""glosa's note renderer: a note's Markdown (CommonMark + GFM tables and strike-through +
Obsidian's wiki-links, embeds and block ids) to HTML, headings and anchors, in one parse,
with no site engine. The MkDocs adapter, the command line and any later engine share it.

Syntax extensions (callouts, comments, highlights, tags, footnotes, math, Mermaid...) are
markdown-it plugins in :mod:`glosa.render.syntax`; see :mod:`glosa.render.core` for what
they receive through markdown-it's ``env``.
"""

from __future__ import annotations

from .core import (
    EMBED_BUDGET,
    ENV_KEY,
    MAX_EMBED_DEPTH,
    NoteRenderer,
    RenderDeps,
    RenderedNote,
    RenderState,
    TocEntry,
    UnresolvedLink,
    current_answers,
    dependencies_hold,
)
from .sanitize import sanitize_html

__all__ = [
    "EMBED_BUDGET",
    "ENV_KEY",
    "MAX_EMBED_DEPTH",
    "NoteRenderer",
    "RenderDeps",
    "RenderState",
    "RenderedNote",
    "TocEntry",
    "UnresolvedLink",
    "current_answers",
    "dependencies_hold",
    "sanitize_html",
]
