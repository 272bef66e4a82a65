"""Layout: glosa's lists keep their own layout inside Material's typeset styles; on a
phone-sized viewport (390×844) pages fit the width and the search box works. Screenshots of
the main pages, desktop and phone, go to tests/browser/artifacts/ for a human look."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import OpenPage, goto, home_path, note_path, screenshot

WIDTH = 390


def overflow(page: Any) -> dict[str, int]:
    """How far the page is wider than the viewport (0 when it fits)."""
    return page.evaluate("""() => ({
        document: document.documentElement.scrollWidth - window.innerWidth,
        body: document.body.scrollWidth - window.innerWidth})""")


def test_term_page_is_readable_on_a_phone(site_dir: Path, open_page: OpenPage) -> None:
    page = open_page(note_path(site_dir, "es", "Indicador clave de rendimiento"), phone=True)
    assert page.viewport_size == {"width": WIDTH, "height": 844}
    screenshot(page, "phone-term")
    assert overflow(page) == {"document": 0, "body": 0}
    for selector in ("article h1", "article .glosa-level", "article .glosa-term > p"):
        box = page.locator(selector).first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, \
            (selector, box)
    # A wide table scrolls inside the article instead of widening the page.
    assert page.locator("article table").count() > 0
    expect(page.locator(".glosa-switch__link")).to_be_visible()


def test_search_works_on_a_phone(site_dir: Path, base_url: str, open_page: OpenPage) -> None:
    page = open_page(home_path(site_dir, "es"), phone=True)
    screenshot(page, "phone-home")
    assert overflow(page) == {"document": 0, "body": 0}
    box = page.locator("#glosa-search-input")
    expect(box).to_be_visible()
    box.tap()
    box.press_sequentially("churn rate")
    expect(page.locator("#glosa-search-results")).to_have_attribute("data-query", "churn rate")
    first = page.locator("#glosa-search-results li a").first
    expect(first).to_be_visible()
    expect(first.locator(".glosa-result__title")).to_have_text("Churn rate")
    results = page.locator("#glosa-search-results").bounding_box()
    assert results is not None and results["x"] >= 0 and \
        results["x"] + results["width"] <= WIDTH, results
    screenshot(page, "phone-search-results")
    href = first.evaluate("a => a.href")
    with page.expect_navigation():
        first.tap()
    assert page.url == href
    expect(page.locator("article h1")).to_contain_text("Churn rate")

    goto(page, base_url, "es/az/")
    assert overflow(page) == {"document": 0, "body": 0}
    screenshot(page, "phone-az")


def styles(page: Any, selector: str) -> dict[str, str]:
    return page.locator(selector).first.evaluate("""e => { const s = getComputedStyle(e);
        return {display: s.display, listStyle: s.listStyleType, marginLeft: s.marginLeft}; }""")


def test_desktop_layout_and_screenshots(site_dir: Path, base_url: str,
                                        open_page: OpenPage) -> None:
    page = open_page("")
    screenshot(page, "desktop-landing")
    # Language cards: a grid of boxes, not a bulleted list.
    assert styles(page, ".glosa-landing ul.glosa-cards") == {
        "display": "grid", "listStyle": "none", "marginLeft": "0px"}
    assert styles(page, ".glosa-cards > li")["marginLeft"] == "0px"
    goto(page, base_url, "es/tags/")
    assert styles(page, "ul.glosa-tags")["display"] == "flex"
    assert styles(page, "ul.glosa-tags > li")["marginLeft"] == "0px"
    goto(page, base_url, "es/az/")
    assert styles(page, "ul.glosa-list")["marginLeft"] == "0px"
    # The breadcrumb reads on one line: "Root › Parent".
    goto(page, base_url, note_path(site_dir, "es", "Conversión"))
    assert styles(page, ".glosa-breadcrumb ol")["display"] == "flex"
    tops = page.eval_on_selector_all(".glosa-breadcrumb li",
                                     "lis => lis.map(li => li.getBoundingClientRect().top)")
    assert len(tops) == 2 and tops[0] == tops[1], tops
    goto(page, base_url, home_path(site_dir, "es"))
    screenshot(page, "desktop-home")
    assert overflow(page) == {"document": 0, "body": 0}
    goto(page, base_url, note_path(site_dir, "en", "Customer lifetime value"))
    screenshot(page, "desktop-term-en", full_page=True)
