"""The header search box: Pagefind over both languages, accents optional, keyboard usable."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from playwright.sync_api import expect

from ..conftest import seed_note, write_vault
from .conftest import DESKTOP, OpenPage, build_site, home_path, screenshot, serve_folder

RESULTS = "#glosa-search-results"
# Words that two notes of the glossary hold: a query of one is a "miss" (fewer than three
# results) that still lists results.
FIRST_MISS, SECOND_MISS = "adwords", "abrieron"
RESULT_LINKS = "#glosa-search-results li a"
# "ES 🔴② Esencial": the result's language, then its level marker and label.
META = re.compile(r"^(ES|EN) [⚫🔴🟡🟢🔵⚪][①②③④⑤⑥] \w+")


def search(page: Any, query: str) -> list[dict[str, str]]:
    """Type a query into the header box and return the results once they show it."""
    box = page.locator("#glosa-search-input")
    box.click()
    box.fill("")
    box.press_sequentially(query)
    expect(page.locator(RESULTS)).to_be_visible()
    expect(page.locator(RESULTS)).to_have_attribute("data-query", query, timeout=20_000)
    expect(page.locator(RESULT_LINKS).first).to_be_visible()
    return results(page)


def results(page: Any) -> list[dict[str, str]]:
    return page.eval_on_selector_all(RESULT_LINKS, """links => links.map(a => ({
        title: a.querySelector('.glosa-result__title').textContent,
        meta: a.querySelector('.glosa-result__meta').textContent,
        href: a.href}))""")


def _search_own_vault(tmp_path: Path, browser: Any, files: dict[str, str], options: str,
                      start: str, query: str, **context: Any) -> list[dict[str, str]]:
    """Build a small vault of the test's own with glosa's ``options`` (YAML lines under
    the plugin), type ``query`` on ``start`` and return the results that answer it."""
    vault = tmp_path / "vault"
    write_vault(vault, files)
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Test\ndocs_dir: vault\ntheme:\n  name: material\n"
                      f"plugins:\n  - glosa:\n{options}", encoding="utf-8")
    site = tmp_path / "site"
    done = build_site(config, site)
    assert done.returncode == 0, done.stderr
    with serve_folder(site) as url:
        browser_context = browser.new_context(**DESKTOP, **context)
        try:
            page = browser_context.new_page()
            page.goto(url + (home_path(site, start) if start else ""))
            box = page.locator("#glosa-search-input")
            box.click()
            box.press_sequentially(query)
            expect(page.locator(RESULTS)).to_have_attribute("data-query", query,
                                                            timeout=20_000)
            return results(page)
        finally:
            browser_context.close()


def wait_for_title(page: Any, title: str) -> None:
    expect(page.locator(f"{RESULT_LINKS} .glosa-result__title").filter(
        has_text=re.compile(rf"^{re.escape(title)}$")).first).to_be_visible()


def test_accentless_queries_find_accented_titles(site_dir: Path, open_page: OpenPage) -> None:
    page = open_page(home_path(site_dir, "es"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    search(page, "conversion")
    wait_for_title(page, "Conversión")
    found = results(page)
    assert found[0]["title"] == "Conversión", found
    assert found[0]["meta"].startswith("ES "), found[0]
    screenshot(page, "desktop-search-results")

    search(page, "retencion")
    expect(page.locator(f"{RESULT_LINKS} .glosa-result__title").first).to_contain_text(
        re.compile("retención", re.I))
    titles = [r["title"] for r in results(page)]
    assert {"Retención de clientes", "Tasa de retención"} <= set(titles), titles
    for result in results(page):
        assert META.match(result["meta"]), f"result meta without language and level: {result}"


def test_spanish_page_finds_english_terms(site_dir: Path, open_page: OpenPage) -> None:
    page = open_page(home_path(site_dir, "es"))
    search(page, "churn rate")
    wait_for_title(page, "Churn rate")
    found = results(page)
    assert found[0]["title"] == "Churn rate", found
    assert found[0]["meta"].startswith("EN "), found[0]
    assert "/en/" in found[0]["href"]
    # A single word answers in both languages: the Spanish term whose alias it is comes
    # first on a Spanish page, the English one is listed too.
    search(page, "churn")
    wait_for_title(page, "Churn rate")
    found = results(page)
    assert found[0]["title"] == "Tasa de abandono de clientes", found
    assert any(r["meta"].startswith("EN ") for r in found), found


def test_enter_opens_the_first_result(site_dir: Path, open_page: OpenPage) -> None:
    page = open_page(home_path(site_dir, "es"))
    search(page, "conversion")
    wait_for_title(page, "Conversión")
    first = results(page)[0]
    with page.expect_navigation():
        page.locator("#glosa-search-input").press("Enter")
    assert page.url == first["href"]
    expect(page.locator("article h1")).to_have_text(re.compile(r"^Conversión"))


def test_keyboard_only_search(site_dir: Path, open_page: OpenPage) -> None:
    page = open_page(home_path(site_dir, "es"))
    # "/" focuses the search box from anywhere on the page.
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("/")
    expect(page.locator("#glosa-search-input")).to_be_focused()
    page.keyboard.type("retencion")
    expect(page.locator(RESULT_LINKS).first).to_be_visible()
    expect(page.locator(f"{RESULT_LINKS} .glosa-result__title").first).to_contain_text(
        re.compile("retención", re.I))
    found = results(page)
    assert len(found) >= 2, found

    # A combobox: focus stays in the box, the arrows move the active option.
    box = page.locator("#glosa-search-input")
    page.keyboard.press("ArrowDown")
    expect(box).to_be_focused()
    expect(box).to_have_attribute("aria-activedescendant", "glosa-result-0")
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "glosa-result-1")
    expect(page.locator(f"{RESULTS} li").nth(1)).to_have_class("glosa-result--active")
    expect(page.locator(RESULT_LINKS).nth(1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowUp")
    expect(box).to_have_attribute("aria-activedescendant", "glosa-result-0")
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == found[1]["href"]
    expect(page.locator("article h1")).to_have_text(re.compile("^" + re.escape(
        found[1]["title"])))

    # Escape closes the list; Tab reaches the search box (it is in the tab order).
    page.keyboard.press("/")
    page.keyboard.type("churn")
    expect(page.locator(RESULT_LINKS).first).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(RESULTS)).to_be_hidden()
    page.reload()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == \
                "glosa-search-input":
            break
    else:
        raise AssertionError("Tab never reaches the search box")


def test_results_link_to_pages_of_the_site(site_dir: Path, open_page: OpenPage) -> None:
    page = open_page(home_path(site_dir, "en"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    search(page, "retention")
    wait_for_title(page, "Retention rate")
    for result in results(page):
        path = unquote(result["href"].split("#")[0].split("/", 3)[3])
        assert (site_dir / path / "index.html").is_file(), result


def test_search_bundles_are_complete(site_dir: Path) -> None:
    """Each language's Pagefind bundle is whole: a file cut short (0 bytes) makes the search
    box fail with "Failed to load Pagefind metadata" in the browser."""
    for lang in ("es", "en"):
        bundle = site_dir / "pagefind" / lang
        assert (bundle / "pagefind.js").is_file(), bundle
        empty = sorted(p.name for p in bundle.rglob("*") if p.is_file() and not p.stat().st_size)
        assert not empty, f"{bundle}: files written empty: {empty}"


def test_search_box_is_a_combobox(site_dir: Path, open_page: OpenPage) -> None:
    """Screen readers hear a combobox with a list of options and the number of results."""
    page = open_page(home_path(site_dir, "en"))
    box = page.locator("#glosa-search-input")
    expect(box).to_have_attribute("role", "combobox")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.locator(RESULTS)).to_have_attribute("role", "listbox")
    search(page, "retention")
    expect(box).to_have_attribute("aria-expanded", "true")
    count = page.locator(RESULT_LINKS).count()
    for i in range(count):
        expect(page.locator(RESULT_LINKS).nth(i)).to_have_attribute("role", "option")
    expect(page.locator(".glosa-search [role=status]")).to_have_text(f"{count} results")
    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    # A bare letter typed on the page is the reader's, not a shortcut to the box.
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("s")
    expect(box).not_to_be_focused()


def test_search_box_shows_focus(site_dir: Path, open_page: OpenPage) -> None:
    page = open_page(home_path(site_dir, "es"))
    page.locator("#glosa-search-input").focus()
    outline = page.eval_on_selector("#glosa-search-input", """el => {
        const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth]; }""")
    assert outline[0] != "none" and outline[1] != "0px", outline


def test_first_miss_shows_results_before_suggestions(site_dir: Path,
                                                     open_page: OpenPage) -> None:
    """A query with fewer than three results loads the "did you mean" names files, on a slow
    network for seconds: what Pagefind found is listed meanwhile, marked busy and
    answering no query yet, and the complete list (count announced) replaces it."""
    page = open_page(home_path(site_dir, "es"))
    held: list[Any] = []
    assert SECOND_MISS != FIRST_MISS
    # Held here, answered below: the reader waits on a slow network.
    page.route("**/assets/glosa/names-*.json", lambda route: held.append(route))
    box = page.locator("#glosa-search-input")
    box.click()
    box.press_sequentially(FIRST_MISS)
    listbox = page.locator(RESULTS)
    expect(listbox).to_have_attribute("aria-busy", "true", timeout=20_000)
    expect(page.locator(RESULT_LINKS).first).to_be_visible()
    assert listbox.get_attribute("data-query") is None
    assert page.locator(".glosa-search [role=status]").text_content() == ""
    partial = results(page)
    assert all(r["meta"].startswith(("ES ", "EN ")) for r in partial), partial
    expect(page.locator(".glosa-result--suggest")).to_have_count(0)
    # The names files arrive: the list is complete and says which query it answers.
    for _ in range(400):  # both languages' files asked for (route handlers run meanwhile)
        if len(held) == 2:
            break
        page.wait_for_timeout(50)
    assert sorted(route.request.url.rsplit("/", 1)[-1] for route in held) == [
        "names-en.json", "names-es.json"]
    for route in held:
        route.continue_()
    expect(listbox).to_have_attribute("data-query", FIRST_MISS, timeout=20_000)
    expect(listbox).not_to_have_attribute("aria-busy", "true")
    expect(page.locator(".glosa-search [role=status]")).not_to_have_text("")
    # A second miss on the same page: the names are loaded, the list is drawn once.
    page.evaluate("""() => { window.glosaBusySeen = false;
        const list = document.querySelector('#glosa-search-results');
        new MutationObserver(() => { if (list.getAttribute('aria-busy') === 'true')
            window.glosaBusySeen = true; }).observe(list, {attributes: true}); }""")
    box.fill("")
    box.press_sequentially(SECOND_MISS)
    expect(listbox).to_have_attribute("data-query", SECOND_MISS, timeout=20_000)
    assert page.locator(RESULT_LINKS).count() > 0
    assert page.evaluate("window.glosaBusySeen") is False


def test_words_pagefind_only_guessed_at_are_no_results(site_dir: Path,
                                                       open_page: OpenPage) -> None:
    """Pagefind answers a word no indexed word starts with by the longest indexed word the
    query starts with, down to one letter ("convresion" finds every note with "con"); the
    box lists none of those: a typo gets its "did you mean" only, and a Spanish word typed
    on a Spanish page lists no English note that merely holds "a"."""
    page = open_page(home_path(site_dir, "es"))
    search(page, "convresion")
    expect(page.locator(".glosa-result--suggest")).to_have_count(1)
    found = results(page)
    # Every result listed is a suggestion: none of the notes that hold "con".
    assert page.locator(".glosa-result--fuzzy").count() == len(found) > 0, found
    assert found[0]["title"] == "Conversión", found
    search(page, "aerolíneas")
    found = results(page)
    assert found, "a word three Spanish notes hold"
    assert all(r["meta"].startswith("ES ") for r in found), found
    expect(page.locator(".glosa-result--suggest")).to_have_count(0)


def test_a_word_after_many_of_another_still_holds_the_result(
        tmp_path: Path, browser: Any) -> None:
    """A result holds every query word even when one comes after many of another: the box
    reads the words at all of a result's locations, not only its first ones."""
    frequent = " ".join(["cliente"] * 90)  # more locations than a first few dozen
    found = _search_own_vault(tmp_path, browser, {
        "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None,
                                     body="[[Repeticiones 🟢④]] y [[Otra 🟢④]]."),
        "es/Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
        "es/Repeticiones 🟢④.md": seed_note("Repeticiones 🟢④",
                                            body=f"{frequent} y al final fidelización."),
        "es/Otra 🟢④.md": seed_note("Otra 🟢④", body="Un cliente, sin más."),
    }, "      languages: [es, en]\n", "es", "cliente fidelizacion", locale="es-ES")
    titles = [r["title"] for r in found]
    assert "Repeticiones" in titles, titles
    assert "Otra" not in titles, titles  # it holds one of the two words only


def test_a_one_language_site_names_no_language_in_its_results(
        tmp_path: Path, browser: Any) -> None:
    """In a vault of one language every result is in it: the box does not label each one
    with the language's code (a two-language site does, see the tests above)."""
    found = _search_own_vault(tmp_path, browser, {
        "Home.md": "# Home\n\nSee [[Callouts]] and [[Embeds]].\n",
        "Callouts.md": "# Callouts\n\nA callout holds a note of warning.\n",
        "Embeds.md": "# Embeds\n\nAn embed shows a warning from another note.\n",
    }, "      profile: obsidian\n", "", "warning")
    assert {r["title"] for r in found} == {"Callouts", "Embeds"}, found
    assert all(not r["meta"].strip() for r in found), found
