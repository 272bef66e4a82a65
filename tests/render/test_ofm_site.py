"""Obsidian constructs that involve whole pages, on a built site (obsidian profile): tags
written only in the text get tag pages (nested tags their parents, case-blind), note
embeds inside running text leave valid HTML, a heading's block id survives the
sanitizer, bare URLs are links, and TeX that cannot be converted is shown as its source
with a build warning naming file:line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ..conftest import write_vault
from ..test_site import build, page
from .test_render_site import OBSIDIAN

FILES: dict[str, str | bytes] = {
    "Home.md": "# Home\n\nStart here.\n",
    "Topics.md": (
        "# Topics\n\n"
        "Filed under #projects/active and #Reading, not `#code` nor %% #hidden %%.\n\n"
        "```\n#fenced\n```\n\n"
        "A URL's https://example.org/#fragment is no tag, nor is #1984.\n\n"
        "Before ![[Source#Part]] after.\n\n"
        "## Linked heading ^headblock\n\n"
        "Mail help@example.org or see www.example.com/docs.\n\n"
        "Math $x^2$ and $\\ce{H2O}$ here.\n"
    ),
    "Other.md": "# Other\n\nAlso #reading (another case) and [[Topics#^headblock]].\n",
    "Source.md": "# Source\n\n## Part\n\nPart text.\n",
}


@pytest.fixture(scope="module")
def ofm_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("ofm")
    root = write_vault(tmp / "vault", FILES)
    code, log, site = build(root, tmp, extra=OBSIDIAN + "\n      search: false\n"
                            "      languages: [en]")
    assert code == 0, log
    return site, log


def _tag_pages(site: Path) -> set[str]:
    return {str(p.parent.relative_to(site)) for p in site.glob("en/tags/**/index.html")}


def test_tags_written_only_in_the_text_get_pages(ofm_site: tuple[Path, str]) -> None:
    site, _ = ofm_site
    pages = _tag_pages(site)
    # A nested tag and its parent; `#Reading` and `#reading` are one tag (Obsidian's).
    assert {"en/tags/projects/active", "en/tags/projects", "en/tags/reading"} <= pages
    assert not any(re.search(r"code|hidden|fenced|fragment|1984", p) for p in pages)
    assert len([p for p in pages if "reading" in p]) == 1
    listing = page(site, "en/tags/reading/index.html").select_one("article")
    assert listing is not None
    assert {"Topics", "Other"} <= {a.get_text(strip=True) for a in listing.select("a")}


def test_inline_tags_link_to_their_pages(ofm_site: tuple[Path, str]) -> None:
    site, _ = ofm_site
    article = page(site, "Topics/index.html").select_one("article")
    assert article is not None
    tags = {a.get_text(): str(a["href"]) for a in article.select("a.tag")}
    assert tags == {"#projects/active": "../en/tags/projects/active/",
                    "#Reading": "../en/tags/reading/"}
    assert not article.select("span.tag")
    other = page(site, "Other/index.html").select_one("article a.tag")
    assert other is not None and other["href"] == "../en/tags/reading/"


def test_embed_in_running_text_is_a_block_between_paragraphs(
        ofm_site: tuple[Path, str]) -> None:
    site, _ = ofm_site
    html = (site / "Topics/index.html").read_text(encoding="utf-8")
    embed = html.index('<div class="glosa-embed markdown-embed">')
    # The paragraph before it is closed; no <div> inside a <p>.
    assert html.rfind("</p>", 0, embed) > html.rfind("<p>", 0, embed)
    article = page(site, "Topics/index.html").select_one("article")
    assert article is not None
    texts = [p.get_text(strip=True) for p in article.select("p")]
    assert "Before" in texts and "after." in texts
    box = article.select_one(".glosa-embed .markdown-embed-content")
    assert box is not None and box.select_one("h2") is not None
    assert "Part text." in box.get_text()


def test_heading_block_id_is_an_anchor_and_is_hidden(ofm_site: tuple[Path, str]) -> None:
    site, _ = ofm_site
    article = page(site, "Topics/index.html").select_one("article")
    assert article is not None
    heading = article.select_one("h2#linked-heading")
    assert heading is not None and "^headblock" not in heading.get_text()
    assert heading.select_one("span#headblock") is not None
    link = page(site, "Other/index.html").select_one('article a[href$="#headblock"]')
    assert link is not None and link["href"] == "../Topics/#headblock"


def test_bare_urls_and_addresses_are_links(ofm_site: tuple[Path, str]) -> None:
    site, _ = ofm_site
    article = page(site, "Topics/index.html").select_one("article")
    assert article is not None
    hrefs = {str(a["href"]) for a in article.select("a[href]")}
    assert {"mailto:help@example.org", "http://www.example.com/docs",
            "https://example.org/#fragment"} <= hrefs


def test_unsupported_math_is_shown_as_source_with_a_warning(
        ofm_site: tuple[Path, str]) -> None:
    site, log = ofm_site
    article = page(site, "Topics/index.html").select_one("article")
    assert article is not None
    assert article.select_one("math") is not None  # $x^2$ converts
    source = article.select_one("code.math-source")
    assert source is not None and source.get_text() == "\\ce{H2O}"
    text = str(FILES["Topics.md"])
    line = text.split("\n").index("Math $x^2$ and $\\ce{H2O}$ here.") + 1
    assert re.search(rf"Topics\.md:{line}: math-unsupported: .*\\ce\{{H2O\}}", log), log
    assert "x^2" not in log
