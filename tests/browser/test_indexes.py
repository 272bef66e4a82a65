"""The generated listings against the vault itself: the A–Z index lists every note of its
language, each tag page lists the notes carrying that tag."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import frontmatter
import pytest
from playwright.sync_api import expect

from ..conftest import REPO
from .conftest import OpenPage, page_path, screenshot

GLOSSARY = REPO / "glossary"


def notes_of(lang: str) -> list[Path]:
    return sorted((GLOSSARY / lang).rglob("*.md"))


def tag_counts(lang: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for path in notes_of(lang):
        tags = frontmatter.load(str(path)).metadata.get("tags") or []
        counts.update({str(t).lstrip("#") for t in tags})
    return counts


def entries(page: Any, scope: str) -> list[dict[str, str]]:
    """The terms a listing shows (not the cross-references from aliases)."""
    return page.eval_on_selector_all(
        f"{scope} .glosa-entry:not(.glosa-entry--see) > a", """links => links.map(a => ({
        title: a.textContent.trim(), href: a.href}))""")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_az_lists_every_term(lang: str, site_dir: Path, open_page: OpenPage) -> None:
    page = open_page(f"{lang}/az/")
    if lang == "es":
        screenshot(page, "desktop-az")
    listed = entries(page, ".glosa-az")
    assert notes_of(lang), f"no notes under {GLOSSARY / lang}"
    # Every note but the language's home and the legend, which are the site's furniture.
    assert len(listed) == len(notes_of(lang)) - 2, (len(listed), len(notes_of(lang)))
    assert len({e["href"] for e in listed}) == len(listed), "a term is listed twice"
    # Each entry is a term page of this language, and every term page of it is listed.
    term_pages = {
        html.parent.relative_to(site_dir).as_posix() + "/"
        for html in (site_dir / lang).rglob("index.html")
        if 'class="glosa-term"' in (text := html.read_text(encoding="utf-8"))
        and 'class="glosa-home"' not in text
        # The legend (titled in its markers; its page has its alias's slug).
        and re.search(r"<h1[^>]*>⚫🔴🟡🟢🔵⚪", text) is None}
    assert {page_path(e["href"]) for e in listed} == term_pages
    # Aliases and abbreviations are cross-references to their terms.
    see = page.eval_on_selector_all(".glosa-entry--see a", "as => as.map(a => a.href)")
    assert see and {page_path(h) for h in see} <= term_pages
    # Alphabetical, letter groups in order, the letters bar pointing at them.
    letters = page.eval_on_selector_all(".glosa-az h2", "hs => hs.map(h => h.id)")
    bar = page.eval_on_selector_all(".glosa-az__letters a",
                                    "as => as.map(a => a.getAttribute('href'))")
    assert bar == [f"#{letter}" for letter in letters]
    # Letters in order; titles that start with no letter come last, under '#'.
    assert letters == sorted(letters, key=lambda letter: (letter == "az-#", letter))
    last = page.locator(".glosa-az__letters a").last
    last.click()
    expect(page.locator(f"[id='{bar[-1][1:]}']")).to_be_in_viewport()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_tag_pages_list_their_notes(lang: str, site_dir: Path, base_url: str,
                                    open_page: OpenPage) -> None:
    expected = tag_counts(lang)
    page = open_page(f"{lang}/tags/")
    cloud = page.eval_on_selector_all(
        ".glosa-tagcloud li", """lis => lis.map(li => ({
            name: li.querySelector('a').textContent.trim().replace(/^#/, ''),
            href: li.querySelector('a').href,
            count: Number(li.querySelector('.glosa-count').textContent)}))""")
    assert {t["name"]: t["count"] for t in cloud} == dict(expected)
    for tag in cloud:
        answer = page.goto(tag["href"], wait_until="domcontentloaded")
        assert answer is not None and answer.status == 200, tag
        listed = entries(page, ".glosa-tagpage")
        assert len(listed) == tag["count"], tag
        # Each note listed shows the tag on its own page (checked on disk: fast).
        for entry in listed:
            html = (site_dir / page_path(entry["href"]) / "index.html").read_text(
                encoding="utf-8")
            assert f">#{tag['name']}</a>" in html, (tag["name"], entry["title"])
