"""The note renderer and the sanitizer, unit by unit, on a small vault in memory."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from glosa import load_vault
from glosa.render import NoteRenderer, RenderedNote, RenderState, sanitize_html
from glosa.site.model import SiteModel

from ..conftest import write_vault

RENDERER = NoteRenderer()

FILES: dict[str, str | bytes] = {
    "A.md": (
        "# A\n\n"
        "Intro [[B#Part]] and [[Nowhere]].\n\n"
        "- one ^item1\n- two\n\n"
        "## See [[B]] too\n\n"
        "![sized|120x40](https://example.org/x.png) ![](pic.png)\n\n"
        "![[B#^quote]]\n\n"
        "[missing md](Nope.md#x) [here](#See%20B%20too)\n"
    ),
    "B.md": "# B\n\n## Part\n\nPart text.\n\n> quoted\n\n^quote\n\nLast ^kept\n",
    "pic.png": b"\x89PNG\r\n\x1a\n",
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[RenderedNote, BeautifulSoup]:
    root = write_vault(tmp_path_factory.mktemp("v") / "vault", FILES)
    vault = load_vault(root)
    note = vault.index.note_at("A.md")
    assert note is not None
    state = RenderState(SiteModel(vault), lambda p: p[:-3] + "/" if p.endswith(".md") else p,
                        "A/", note)
    result = RENDERER.render_note(state, keep_structure_lines=True)
    return result, BeautifulSoup(result.html, "html.parser")


def test_broken_links_are_reported_with_file_line_and_column(
        rendered: tuple[RenderedNote, BeautifulSoup]) -> None:
    result, _ = rendered
    found = {(u.path, u.line, u.column, u.raw) for u in result.unresolved}
    assert ("A.md", 3, 22, "[[Nowhere]]") in found
    assert any(u.raw == "Nope.md#x" and u.line == 14 for u in result.unresolved)


def test_links_in_headings_and_own_headings(
        rendered: tuple[RenderedNote, BeautifulSoup]) -> None:
    result, soup = rendered
    heading = soup.select_one("h2")
    assert heading is not None and heading["id"] == "see-b-too"
    link = heading.select_one("a.glosa-link")
    assert link is not None and link["href"] == "../B/"
    [h1] = result.toc
    assert (h1.id, h1.title, [c.id for c in h1.children]) == ("a", "A", ["see-b-too"])
    here = next(a for a in soup.select("a") if a.get_text() == "here")
    assert here["href"] == "#see-b-too"


def test_block_id_of_a_list_item(rendered: tuple[RenderedNote, BeautifulSoup]) -> None:
    _, soup = rendered
    item = soup.select_one("li#item1")
    assert item is not None and item.get_text() == "one"


def test_images_from_elsewhere_and_from_the_vault(
        rendered: tuple[RenderedNote, BeautifulSoup]) -> None:
    _, soup = rendered
    outside = soup.select_one('img[src="https://example.org/x.png"]')
    assert outside is not None
    assert (outside["width"], outside["height"], outside["alt"]) == ("120", "40", "sized")
    local = soup.select_one("img.glosa-embed-image")
    assert local is not None and local["src"] == "../pic.png"


def test_block_embed_of_a_quote_has_no_duplicate_id(
        rendered: tuple[RenderedNote, BeautifulSoup]) -> None:
    _, soup = rendered
    embed = soup.select_one("div.glosa-embed")
    assert embed is not None
    quote = embed.select_one("blockquote")
    assert quote is not None and "quoted" in quote.get_text()
    assert not embed.select("[id=quote]") and "^quote" not in embed.get_text()


def test_an_own_line_block_id_names_the_block_above(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", {"B.md": FILES["B.md"]})
    vault = load_vault(root)
    note = vault.index.note_at("B.md")
    assert note is not None
    state = RenderState(SiteModel(vault), lambda p: p, "B/", note)
    soup = BeautifulSoup(RENDERER.render_note(state).html, "html.parser")
    assert soup.select_one("blockquote#quote") is not None
    kept = soup.select_one("p#kept")
    assert kept is not None and kept.get_text() == "Last"


@pytest.mark.parametrize(("fragment", "kept", "gone"), [
    ('<iframe src="doc.pdf#page=2"></iframe>', "<iframe", ""),
    ('<iframe src="page.html"></iframe>', "", "<iframe"),
    ('<iframe src="https://evil.example/x.pdf"></iframe>', "", "<iframe"),
    ('<a href="..\\..\\..\\x">x</a>', "<a>x</a>", "href"),
    ('<a href="..%5c..%5c..%5cx">x</a>', "", "href"),
    ('<input type="checkbox" checked>', 'disabled=""', ""),
    ('<input type="text" value="x">', "", "<input"),
    ('<math display="block"><mi>x</mi></math>', "<mi>x</mi>", ""),
    ('<audio controls src="a.mp3" onplay="alert(1)"></audio>', "<audio", "onplay"),
    ("<details open><summary>S</summary>t</details>", "<summary>S</summary>", ""),
    ("<script>alert(1)</script>", "", "script"),
])
def test_sanitizer_keeps_what_the_renderer_emits(fragment: str, kept: str, gone: str) -> None:
    cleaned = sanitize_html(fragment, "a/b/")
    if kept:
        assert kept in cleaned
    if gone:
        assert gone not in cleaned


def test_nesting_past_the_limit_is_kept_as_text(tmp_path: Path) -> None:
    """markdown-it drops what lies below its nesting limit; glosa shows every level up to
    MAX_NESTING and the rest as text, so nothing written is lost."""
    from glosa.render.core import MAX_NESTING

    deep_list = "".join("  " * i + f"- level{i}\n" for i in range(80))
    quotes = ">" * (MAX_NESTING + 10) + " bottom\n"
    root = write_vault(tmp_path / "v", {"N.md": deep_list + "\n" + quotes})
    vault = load_vault(root)
    note = vault.index.note_at("N.md")
    assert note is not None
    state = RenderState(SiteModel(vault), lambda p: p, "N/", note)
    html = RENDERER.render_note(state, keep_structure_lines=True).html
    assert all(f"level{i}" in html for i in range(80))
    assert html.count("<ul>") == 60  # 2 parser levels per list level
    assert html.count("<blockquote>") == MAX_NESTING
    assert "&gt;" * 10 + " bottom" in html
