"""``python -m benchmarks.renderer VAULT [--repeat N]``: the note renderer against
Python-Markdown (MkDocs' engine, with the extensions this repository's mkdocs.yml uses)
on the bodies of a vault's notes: mean time per note, best of ``--repeat`` passes.

Three columns: Python-Markdown (a new ``Markdown`` per page, as MkDocs does), bare
markdown-it-py (commonmark preset + tables + strike-through), and glosa's renderer with
everything on (wiki-links resolved, embeds transcluded, block ids, heading ids, every
syntax extension).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import markdown
from markdown_it import MarkdownIt

from glosa import load_vault
from glosa.render import NoteRenderer, RenderState
from glosa.site.model import SiteModel

EXTENSIONS = ["toc", "tables", "attr_list", "md_in_html", "admonition"]


def _best(repeat: int, bodies: list[str], render: Callable[[int, str], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for at, body in enumerate(bodies):
            render(at, body)
        best = min(best, time.perf_counter() - start)
    return best / max(len(bodies), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vault", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    vault = load_vault(args.vault)
    model = SiteModel(vault)
    notes = [n for n in vault.notes if n.readable]
    bodies = [n.body for n in notes]

    def python_markdown(_: int, body: str) -> object:
        return markdown.Markdown(extensions=EXTENSIONS).convert(body)

    bare = MarkdownIt("commonmark", {"breaks": True, "html": True}).enable(
        ["table", "strikethrough"])
    renderer = NoteRenderer()

    def glosa(at: int, _: str) -> object:
        note = notes[at]
        state = RenderState(model, lambda p: p[:-3] + "/", note.path[:-3] + "/", note)
        return renderer.render_note(state, title_h1=note.title)

    figures = {
        "Python-Markdown": _best(args.repeat, bodies, python_markdown),
        "markdown-it-py (bare)": _best(args.repeat, bodies, lambda _, b: bare.render(b)),
        "glosa renderer (all on)": _best(args.repeat, bodies, glosa),
    }
    size = sum(len(b) for b in bodies) / max(len(bodies), 1)
    print(f"{len(bodies)} notes, {size:.0f} characters per body on average")
    base = figures["Python-Markdown"]
    for name, seconds in figures.items():
        print(f"{name:26} {seconds * 1e6:8.0f} us/note  {seconds / base:5.2f}x")


if __name__ == "__main__":
    main()
