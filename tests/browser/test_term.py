"""A term page as a reader uses it: wiki-links, level badge, backlinks, breadcrumb, the
language switcher and hover previews."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

from playwright.sync_api import expect

from .conftest import OpenPage, goto, home_path, note_path, page_path, screenshot


def article_links(page: Any, selector: str) -> list[str]:
    return page.eval_on_selector_all(f"article {selector}", "els => els.map(a => a.href)")


def status_of(page: Any, url: str) -> int:
    return int(page.request.get(url, max_redirects=0).status)


def test_wiki_links_and_heading_links(site_dir: Path, base_url: str,
                                      open_page: OpenPage) -> None:
    page = open_page(note_path(site_dir, "es", "Prueba A-B"))
    screenshot(page, "desktop-term", full_page=True)
    # Aliases are separate words in the text (what Pagefind indexes), not glued together.
    aliases = page.locator(".glosa-aliases").text_content() or ""
    assert " ".join(aliases.split()) == "También llamado: test A/B prueba A/B", aliases
    links = article_links(page, "a.glosa-link")
    assert len(links) >= 5, links
    for href in links:
        assert href.startswith(base_url), href
        assert status_of(page, urldefrag(href).url) == 200, href

    # A heading link ([[Tasa de conversión#Ejemplo]]) lands on that heading.
    heading_links = [href for href in links if urlsplit(href).fragment]
    assert heading_links, "the page has no heading link"
    href = heading_links[0]
    with page.expect_navigation():
        page.locator(f'article a.glosa-link[href$="#{urlsplit(href).fragment}"]').first.click()
    assert page.url == href
    fragment = urlsplit(href).fragment
    target = page.locator(f"[id='{fragment}']")
    expect(target).to_have_count(1)
    expect(target).to_be_in_viewport()
    expect(page.locator("article h1")).to_have_text(re.compile("^Tasa de conversión"))


def test_level_badge_backlinks_and_breadcrumb(site_dir: Path, open_page: OpenPage) -> None:
    here = note_path(site_dir, "es", "Conversión")
    page = open_page(here)
    badge = page.locator("article .glosa-level")
    expect(badge).to_be_visible()
    expect(badge).to_have_class(re.compile(r"\bglosa-level--2\b"))
    expect(badge.locator(".glosa-level__marker")).to_have_text("🔴②")
    expect(badge.locator(".glosa-level__label")).to_be_visible()
    expect(badge.locator(".glosa-level__label")).to_have_text("Nivel 2 · Esencial")

    # Every backlink is a page that links here (in its text, or as its parent).
    backlinks = page.eval_on_selector_all(
        ".glosa-backlinks li > a", "els => els.map(a => [a.textContent, a.href])")
    assert len(backlinks) >= 3, backlinks
    assert page.locator(".glosa-backlinks li").count() == len(backlinks)
    me = page.url
    for title, href in backlinks:
        goto(page, "", href)
        expect(page.locator("article h1")).to_have_text(re.compile("^" + re.escape(title)))
        targets = page.eval_on_selector_all(
            "article a.glosa-link, .glosa-breadcrumb a", "els => els.map(a => a.href)")
        assert me in {urldefrag(t).url for t in targets}, f"{title} does not link {me}"

    # The breadcrumb follows the parent chain up to the language's root note.
    goto(page, "", me)
    crumbs = page.eval_on_selector_all(
        ".glosa-breadcrumb a", "els => els.map(a => [a.textContent, a.href])")
    assert [c[0] for c in crumbs] == ["Glosario de Marketing Digital",
                                       "Indicador clave de rendimiento"]
    while crumbs:
        title, href = crumbs[-1]
        with page.expect_navigation():
            page.locator(".glosa-breadcrumb a").last.click()
        assert page.url == href
        expect(page.locator("article h1")).to_have_text(re.compile("^" + re.escape(title)))
        parent_crumbs = page.eval_on_selector_all(
            ".glosa-breadcrumb a", "els => els.map(a => [a.textContent, a.href])")
        assert parent_crumbs == crumbs[:-1]
        crumbs = parent_crumbs
    assert page_path_of(page) == home_path(site_dir, "es")


def test_language_switcher(site_dir: Path, base_url: str, open_page: OpenPage) -> None:
    es_term = note_path(site_dir, "es", "Conversión")
    en_term = note_path(site_dir, "en", "Conversion")
    page = open_page(es_term)
    switch = page.locator("header .glosa-switch__link")
    expect(switch).to_have_count(1)
    expect(switch).to_have_attribute("hreflang", "en")
    with page.expect_navigation():
        switch.click()
    assert page_path_of(page) == en_term
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("article h1")).to_have_text(re.compile("^Conversion"))
    with page.expect_navigation():
        page.locator("header .glosa-switch__link").click()
    assert page_path_of(page) == es_term
    expect(page.locator("html")).to_have_attribute("lang", "es")

    # A generated page switches to the same page of the other language (A–Z to A–Z), a
    # home to the other home.
    goto(page, base_url, "es/az/")
    with page.expect_navigation():
        page.locator("header .glosa-switch__link").click()
    assert page_path_of(page) == "en/az/"
    goto(page, base_url, home_path(site_dir, "en"))
    with page.expect_navigation():
        page.locator("header .glosa-switch__link").click()
    assert page_path_of(page) == home_path(site_dir, "es")


def page_path_of(page: Any) -> str:
    return page_path(page.url)


def test_hover_preview_shows_the_definition(site_dir: Path, open_page: OpenPage) -> None:
    page = open_page(note_path(site_dir, "es", "Conversión"))
    link = page.locator("article .glosa-term > p a.glosa-link[data-glosa-preview]").first
    href = link.evaluate("a => a.href")
    link.hover()
    preview = page.locator(".glosa-preview")
    expect(preview).to_be_visible()
    screenshot(page, "desktop-term-preview")

    target = page.context.new_page()
    goto(target, "", href)
    title = target.evaluate("""() => { const h = document.querySelector('article h1')
        .cloneNode(true); h.querySelectorAll('.headerlink').forEach(e => e.remove());
        return h.textContent.trim(); }""")
    definition = target.locator('meta[name="description"]').get_attribute("content") or ""
    target.close()
    assert definition, href
    expect(preview.locator("strong")).to_have_text(title)
    shown = " ".join(preview.locator("span").text_content().split())
    assert shown[:60] == " ".join(definition.split())[:60], (shown, definition)

    # Moving away hides it; keyboard focus shows it too.
    page.mouse.move(2, 2)
    expect(preview).to_have_count(0)
    link.focus()
    expect(page.locator(".glosa-preview")).to_be_visible()
