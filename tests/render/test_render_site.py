"""Whole-site builds through glosa's note renderer, in both profiles: block structure as
CommonMark, line breaks, wiki-links and embeds anywhere, Markdown links between notes,
block ids, heading ids and the table of contents, titles, bounded transclusion."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import Tag

from ..conftest import seed_note, write_vault
from ..test_site import build, page, page_of

# Both languages named: these pages keep the two-language layout (Home/ is no site root).
OBSIDIAN = ":\n      profile: obsidian\n      languages: [es, en]"
PNG = b"\x89PNG\r\n\x1a\n"

HOME = """---
title: Front page
---
# Home heading

Line one
line two

- item
  - nested by two spaces
    ```
    code in a list
    ```

1) first
2) second

> [!note] A callout
> with ![[pic.png|100]] inside

| a | b |
|---|---|
| ![[pic.png\\|20x30]] | [[Other\\|alias]] |

A paragraph with an id ^para1

- list a
- list b

^listid

| t | u |
|---|---|
| 1 | 2 |

^tableid

Sound ![[song.mp3]] and film ![[clip.mp4]]

![[doc.pdf#page=3]]

![[board.canvas]]

![[Other#Section two]]

![[Home#Other section]]

Links: [md](Other.md#Section%20two), [angle](<Other.md>), [block](Other.md#^blk),
![an image](pic.png), [outside](https://example.org/x) and [[Missing note]].

## Other section

Text of the section. ![[Home]]

## Other section

Again.
"""

OTHER = """# Other

```mermaid
graph TD; A-->B
```

## Section two

Section text ^blk
"""


def obsidian_files() -> dict[str, str | bytes]:
    return {
        "Home.md": HOME,
        "Other.md": OTHER,
        "pic.png": PNG,
        "song.mp3": b"ID3",
        "clip.mp4": b"\x00\x00\x00\x18ftyp",
        "doc.pdf": b"%PDF-1.4\n",
        "board.canvas": '{"nodes": [], "edges": []}',
    }


@pytest.fixture(scope="module")
def obsidian_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("obsidian")
    root = write_vault(tmp / "vault", obsidian_files())
    code, log, site = build(root, tmp, extra=OBSIDIAN + "\n      search: false\n"
                            "markdown_extensions:\n  - toc:\n      permalink: true")
    assert code == 0, log
    return site, log


def _article(site: Path, rel: str) -> Tag:
    article = page(site, rel).select_one("article")
    assert article is not None
    return article


def test_block_structure_is_commonmark(obsidian_site: tuple[Path, str]) -> None:
    site, _ = obsidian_site
    article = _article(site, "Home/index.html")
    first = article.select_one("p")
    assert first is not None and first.select("br") and first.get_text() == "Line one\nline two"
    nested = article.select_one("ul > li > ul > li")
    assert nested is not None and nested.get_text().startswith("nested by two spaces")
    code = nested.select_one("pre > code")
    assert code is not None and code.get_text() == "code in a list\n"
    assert [li.get_text() for li in article.select("ol > li")] == ["first", "second"]


def test_title_and_own_h1_in_the_obsidian_profile(obsidian_site: tuple[Path, str]) -> None:
    site, _ = obsidian_site
    soup = page(site, "Home/index.html")
    assert [h.get_text() for h in soup.select("article h1")] == ["Home heading¶"]
    title = soup.select_one("title")
    assert title is not None and title.get_text().startswith("Front page")
    other = page(site, "Other/index.html").select_one("title")
    assert other is not None and other.get_text().startswith("Other")


def test_embeds_anywhere(obsidian_site: tuple[Path, str]) -> None:
    site, log = obsidian_site
    article = _article(site, "Home/index.html")
    quoted = [img for img in article.select("img") if img.find_parent("blockquote")
              or img.find_parent(class_="callout")]
    assert quoted and quoted[0]["width"] == "100"
    cell = article.select_one("td img.glosa-embed-image")
    assert cell is not None and (cell["width"], cell["height"]) == ("20", "30")
    assert unquote(str(cell["src"])) == "../pic.png"
    alias = article.select_one("td a.glosa-link")
    assert alias is not None and alias.get_text() == "alias"
    audio = article.select_one("audio.glosa-embed-audio")
    video = article.select_one("video.glosa-embed-video")
    assert audio is not None and audio.has_attr("controls") and audio["src"] == "../song.mp3"
    assert video is not None and video.has_attr("controls") and video["src"] == "../clip.mp4"
    pdf = article.select_one("iframe.glosa-embed-pdf")
    assert pdf is not None and pdf["src"] == "../doc.pdf#page=3"
    canvas = article.select_one("a.glosa-obsidian-canvas")
    assert canvas is not None and canvas["href"] == "../board.canvas"
    kind = canvas.find_next_sibling("span")
    assert kind is not None and kind.get_text() == "(Obsidian canvas)"
    assert "board.canvas" not in log


def test_transclusion_of_sections_and_cycles(obsidian_site: tuple[Path, str]) -> None:
    site, _ = obsidian_site
    article = _article(site, "Home/index.html")
    embeds = article.select("div.glosa-embed")
    texts = [e.get_text(" ", strip=True) for e in embeds]
    assert any("Section text" in t and "^blk" not in t for t in texts)
    # Another section of the same note is shown, not taken for a cycle.
    own = next(e for e in embeds if "Text of the section." in e.get_text())
    # Inside it, the whole note again is a cycle: a link, not a copy.
    inner_links = [a for a in own.select("p:not(.glosa-embed-title) a.glosa-link")]
    assert inner_links and unquote(str(inner_links[0]["href"])).rstrip("#") in ("", "./")
    assert not own.select("div.glosa-embed")


def test_markdown_links_resolve_like_wiki_links(obsidian_site: tuple[Path, str]) -> None:
    site, _ = obsidian_site
    article = _article(site, "Home/index.html")
    links = {a.get_text(): str(a["href"]) for a in article.select("a[href]")}
    assert links["md"] == "../Other/#section-two"
    assert links["angle"] == "../Other/"
    assert links["block"] == "../Other/#blk"
    assert links["outside"] == "https://example.org/x"
    image = next(img for img in article.select("img") if img.get("alt") == "an image")
    assert image["src"] == "../pic.png"
    broken = article.select_one("span.glosa-broken")
    assert broken is not None and broken.get_text() == "Missing note"
    other = page(site, "Other/index.html")
    assert other.select_one("#section-two") is not None
    assert other.select_one("p#blk") is not None and "^blk" not in other.get_text()


def test_block_ids_become_ids_and_are_not_shown(obsidian_site: tuple[Path, str]) -> None:
    site, _ = obsidian_site
    article = _article(site, "Home/index.html")
    paragraph = article.select_one("p#para1")
    assert paragraph is not None and paragraph.get_text() == "A paragraph with an id"
    listed = article.select_one("ul#listid")
    assert listed is not None and [li.get_text() for li in listed.select("li")] == [
        "list a", "list b"]
    table = article.select_one("table#tableid")
    assert table is not None
    text = article.get_text()
    for raw in ("^para1", "^listid", "^tableid", "[!note]"):
        assert raw not in text


def test_heading_ids_toc_and_permalinks(obsidian_site: tuple[Path, str]) -> None:
    site, _ = obsidian_site
    soup = page(site, "Home/index.html")
    own = [h for h in soup.select("article h2") if not h.find_parent(class_="glosa-embed")]
    ids = [h["id"] for h in own if not str(h["id"]).startswith("glosa-")]
    assert ids == ["other-section", "other-section_1"]
    marks = [m for h in own for m in h.select("a.headerlink")]
    assert [m["href"] for m in marks] == ["#other-section", "#other-section_1"]
    # Transcluded headings have ids of their own, none taken from the page's headings.
    embedded = [str(h["id"]) for h in soup.select("article .glosa-embed h2")]
    assert embedded and not set(embedded) & {"other-section", "other-section_1"}
    toc = [str(a["href"]) for a in soup.select("nav.md-nav--secondary a.md-nav__link")]
    assert "#other-section" in toc and "#other-section_1" in toc


def test_strict_line_breaks_from_the_vault_settings(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "Note.md": "# Note\n\nLine one\nline two\n",
        ".obsidian/app.json": json.dumps({"strictLineBreaks": True}),
    }
    root = write_vault(tmp_path / "vault", files)
    code, log, site = build(root, tmp_path, extra=OBSIDIAN + "\n      search: false")
    assert code == 0, log
    paragraph = _article(site, "Note/index.html").select_one("p")
    assert paragraph is not None and not paragraph.select("br")
    assert paragraph.get_text() == "Line one\nline two"


@pytest.mark.parametrize("depth", [-1, 11, 100000])
def test_embed_depth_is_validated(tmp_path: Path, depth: int) -> None:
    root = write_vault(tmp_path / "vault", {"Note.md": "# Note\n"})
    code, log, _ = build(root, tmp_path, extra=f":\n      embed_depth: {depth}")
    assert code != 0
    assert "embed_depth" in log and "0 to 10" in log


SEED_TITLE = "A=b ~c <d> e_f ⚫①"


def test_seed_titles_show_as_written(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None,
                                     body=f"Ver [[{SEED_TITLE}]].\n\n## Con [[{SEED_TITLE}]]"),
        f"es/{SEED_TITLE}.md": seed_note(SEED_TITLE, body="Una_palabra y &amp; otra."),
    }
    root = write_vault(tmp_path / "vault", files)
    code, log, site = build(root, tmp_path, extra=":\n      search: false")
    assert code == 0, log
    soup = page_of(site, f"es/{SEED_TITLE}/index.html")
    h1 = soup.select("article h1")
    assert [h.get_text() for h in h1] == ["A=b ~c <d> e_f"]
    description = soup.select_one('meta[name="description"]')
    assert description is not None and description["content"] == "Una_palabra y & otra."
    home = page_of(site, "es/Índice ⚫①/index.html")
    labels = [a.get_text() for a in home.select("article a.glosa-link")]
    assert labels == ["A=b ~c <d> e_f", "A=b ~c <d> e_f"]
    assert "\\" not in home.select_one("article").get_text()  # type: ignore[union-attr]


def test_page_assets_only_where_needed(obsidian_site: tuple[Path, str]) -> None:
    site, _ = obsidian_site

    def scripts(rel: str) -> list[str]:
        return [str(s["src"]).rsplit("/", 1)[-1] for s in page(site, rel).select("script[src]")]

    # Mermaid itself is fetched by the init script, only when a diagram nears the screen.
    assert "mermaid.min.js" not in scripts("Other/index.html") + scripts("Home/index.html")
    assert "mermaid-init.js" in scripts("Home/index.html")
    styles = [str(link["href"]) for link in page(site, "Home/index.html").select(
        "link[rel=stylesheet]")]
    assert any(href.endswith("assets/glosa/ofm.css") for href in styles)
    assert (site / "assets/glosa/mermaid.min.js").is_file()
    assert page(site, "Other/index.html").select_one("pre.glosa-mermaid") is not None
