"""Hostile note bodies render in bounded time and never stop the build: long runs of
emphasis marks or backticks, deep nesting, runs of ``<`` in the first paragraph, embeds
that fan out; titles with Markdown's marks show as written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from glosa import load_vault
from glosa.render import EMBED_BUDGET, NoteRenderer, RenderedNote, RenderState
from glosa.site.model import SiteModel, first_paragraph

from ..conftest import seed_note, write_vault
from ..test_site import build, page_of

BUDGET_S = 2.0
RENDERER = NoteRenderer()

HOSTILE_BODIES = {
    "stars": "*" * 100_000,
    "backticks": "`" * 100_000,
    "underscores-and-stars": "*a_" * 30_000,
    "brackets": "[" * 50_000,
    "nested-lists": "- " * 500 + "x",
    "nested-lists-lines": "\n".join("  " * i + "- x" for i in range(500)),
    "nested-quotes": "> " * 500 + "x",
    "less-than": "<" * 200_000,
    "wiki-brackets": "[[" * 50_000,
    "embed-openers": "![[" * 30_000,
}


def _render(root: Path, path: str) -> tuple[RenderedNote, float]:
    vault = load_vault(root)
    model = SiteModel(vault)
    note = vault.index.note_at(path)
    assert note is not None
    # CPU time: the machine may be shared, and wall time then says little.
    start = time.process_time()
    state = RenderState(model, lambda p: p[:-3] + "/", path[:-3] + "/", note)
    rendered = RENDERER.render_note(state, title_h1=note.title)
    first_paragraph(note)
    return rendered, time.process_time() - start


@pytest.mark.parametrize("body", list(HOSTILE_BODIES.values()), ids=list(HOSTILE_BODIES))
def test_hostile_body_renders_in_bounded_time(tmp_path: Path, body: str) -> None:
    root = write_vault(tmp_path / "v", {"Malo ⚫①.md": seed_note("Malo ⚫①", parent=None,
                                                                body=body)})
    rendered, seconds = _render(root, "Malo ⚫①.md")
    assert seconds < BUDGET_S
    assert rendered.html.startswith('<h1 id="')
    assert not rendered.warnings


def _fan_out(count: int) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    for n in range(1, 5):
        body = (f"Texto {n}. " * 20) + "\n\n"
        if n < 4:
            body += "\n\n".join([f"![[N{n + 1} ⚫①]]"] * count)
        files[f"N{n} ⚫①.md"] = seed_note(f"N{n} ⚫①", parent=None, body=body)
    return files


def test_fan_out_embeds_are_bounded_per_page(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", _fan_out(20))
    rendered, seconds = _render(root, "N1 ⚫①.md")
    assert seconds < BUDGET_S
    # 20 ** 3 copies would be 8,000 embeds; the page stops at its budget, with a warning.
    copies = rendered.html.count('class="glosa-embed markdown-embed"')
    assert 20 <= copies <= EMBED_BUDGET // 500
    assert len(rendered.html) < 4 * EMBED_BUDGET
    [warning] = rendered.warnings
    assert warning.startswith("N1 ⚫①.md: transcluded content over")


def _failing_plugin(md: MarkdownIt) -> None:
    def explode(state: StateCore) -> None:
        if "explode" in state.src:
            raise RecursionError("maximum recursion depth exceeded")

    md.core.ruler.push("explode", explode)


def test_a_note_the_renderer_cannot_handle_is_published_as_text(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {
        "Malo ⚫①.md": seed_note("Malo ⚫①", parent=None, body="explode <b>x</b>"),
    })
    vault = load_vault(root)
    note = vault.index.note_at("Malo ⚫①.md")
    assert note is not None
    renderer = NoteRenderer(plugins=[_failing_plugin])
    state = RenderState(SiteModel(vault), lambda p: p, "Malo/", note)
    rendered = renderer.render_note(state, title_h1=note.title)
    assert '<pre class="glosa-unrendered">' in rendered.html
    assert "explode &lt;b&gt;x&lt;/b&gt;" in rendered.html
    assert rendered.warnings == ["Malo ⚫①.md: could not be rendered (RecursionError); "
                                 "published as plain text"]


def test_hostile_notes_build_together(tmp_path: Path) -> None:
    """Every hostile body and the fan-out in one site: the build succeeds and publishes
    every note."""
    files = _fan_out(20)
    files["Índice ⚫①.md"] = seed_note("Índice ⚫①", parent=None, body="Inicio.")
    for name, body in HOSTILE_BODIES.items():
        files[f"{name} ⚫①.md"] = seed_note(f"{name} ⚫①", body=body)
    root = write_vault(tmp_path / "vault", files)
    start = time.perf_counter()
    code, log, site = build(root, tmp_path, extra=":\n      search: false")
    elapsed = time.perf_counter() - start
    assert code == 0, log
    assert "Traceback" not in log and "RecursionError" not in log
    for name in HOSTILE_BODIES:
        assert (site / f"{name} ⚫①" / "index.html").is_file(), name
    assert "N1 ⚫①.md: transcluded content over" in log
    # Loose: the machine may be busy; the per-note budget is asserted above.
    assert elapsed < 60


TITLES = ["Igual = signo", "Tilde ~ ola", "Menor < que", "Sub_rayado", "Todo =~<_ junto"]


def test_titles_with_markdown_marks_show_as_written(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "Índice ⚫①.md": seed_note("Índice ⚫①", parent=None, body="\n".join(
            f"- [[{title} 🟡③]]" for title in TITLES) + "\n\n## " + " ".join(
            f"[[{title} 🟡③]]" for title in TITLES)),
    }
    for title in TITLES:
        files[f"{title} 🟡③.md"] = seed_note(f"{title} 🟡③",
                                            body=f"Sobre {title} y a_b_c.")
    root = write_vault(tmp_path / "vault", files)
    code, log, site = build(root, tmp_path)
    assert code == 0, log
    for title in TITLES:
        soup = page_of(site, f"{title} 🟡③/index.html")
        [h1] = soup.select("article h1")
        assert h1.get_text() == title
        description = soup.select_one('meta[name="description"]')
        assert description is not None and description["content"] == f"Sobre {title} y a_b_c."
        head_title = soup.select_one("title")
        assert head_title is not None and head_title.get_text().startswith(title)
    home = page_of(site, "Índice ⚫①/index.html")
    listed = [a.get_text() for a in home.select("article li a.glosa-link")]
    assert listed == TITLES
    in_heading = [a.get_text() for a in home.select("article h2 a.glosa-link")]
    assert in_heading == TITLES
