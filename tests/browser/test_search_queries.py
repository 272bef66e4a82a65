"""A held-out set of reader queries (tests/browser/search_queries.json): each must put its
expected term first, whatever language the reader starts from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .conftest import OpenPage, home_path
from .test_search import RESULT_LINKS, RESULTS

QUERIES = json.loads((Path(__file__).parent / "search_queries.json").read_text("utf-8"))


def first_results(page: Any, query: str) -> list[dict[str, str]]:
    box = page.locator("#glosa-search-input")
    box.fill("")
    box.press_sequentially(query)
    # Both languages' indexes answer before the list is drawn: on a loaded machine the
    # first query (two WebAssembly modules to start) can take longer than expect's default.
    expect(page.locator(RESULTS)).to_have_attribute("data-query", query, timeout=20_000)
    expect(page.locator(RESULTS)).to_be_visible()
    return page.eval_on_selector_all(RESULT_LINKS, """links => links.map(a => ({
        title: a.querySelector('.glosa-result__title').textContent,
        excerpt: a.querySelector('.glosa-result__excerpt').textContent,
        href: a.href}))""")


def test_query_set_is_large_and_varied() -> None:
    queries = QUERIES["queries"]
    assert len(queries) >= 40
    kinds = {q["kind"] for q in queries}
    assert {"accents", "abbreviation", "multi-word", "other-language", "prefix"} <= kinds
    assert {q["from"] for q in queries} == {"es", "en"}


def test_every_query_puts_its_term_first(site_dir: Path, open_page: OpenPage) -> None:
    misses = []
    for lang in ("es", "en"):
        page = open_page(home_path(site_dir, lang))
        for item in (q for q in QUERIES["queries"] if q["from"] == lang):
            found = first_results(page, item["query"])
            titles = [r["title"] for r in found]
            if not titles or titles[0] != item["first"]:
                misses.append(f"{lang}: {item['query']!r} → {titles[:3]} "
                              f"(expected {item['first']!r})")
    assert not misses, "\n".join(misses)


def test_excerpt_of_a_name_match_is_the_definition(site_dir: Path,
                                                   open_page: OpenPage) -> None:
    page = open_page(home_path(site_dir, "es"))
    found = first_results(page, "tasa de conversion")
    assert found[0]["title"] == "Tasa de conversión"
    target = open_page(found[0]["href"])
    description = target.locator('meta[name="description"]').get_attribute("content")
    assert description and found[0]["excerpt"] == description, (found[0], description)


TYPOS = json.loads((Path(__file__).parent / "search_typos.json").read_text("utf-8"))


def test_typo_set_is_held_out_and_covers_both_languages() -> None:
    typos = TYPOS["queries"]
    assert len(typos) >= 20
    assert {q["from"] for q in typos} == {"es", "en"}
    # Typed with a typo: none is a query of the main set or a term's own name.
    assert not {q["query"] for q in typos} & {q["query"] for q in QUERIES["queries"]}
    assert all(q["query"].casefold() != q["first"].casefold() for q in typos)


def test_every_typo_finds_its_term_first(site_dir: Path, open_page: OpenPage) -> None:
    misses = []
    for lang in ("es", "en"):
        page = open_page(home_path(site_dir, lang))
        for item in (q for q in TYPOS["queries"] if q["from"] == lang):
            titles = [r["title"] for r in first_results(page, item["query"])]
            if not titles or titles[0] != item["first"]:
                misses.append(f"{lang}: {item['query']!r} → {titles[:3]} "
                              f"(expected {item['first']!r})")
    assert not misses, "\n".join(misses)


def test_names_load_only_on_a_miss(site_dir: Path, open_page: OpenPage, watch: Any) -> None:
    page = open_page(home_path(site_dir, "es"))

    def fetched() -> list[str]:
        return [url for url in watch.requests
                if "/names-" in url or url.endswith("/glosa-fuzzy.js")]

    # A query that finds terms by name costs no more than it did: no names file.
    assert first_results(page, "tasa de conversion")[0]["title"] == "Tasa de conversión"
    assert first_results(page, "CLV")
    assert fetched() == []
    assert page.locator(".glosa-result--suggest").count() == 0
    # A typo is a miss: the matcher and each language's names are fetched, once.
    found = first_results(page, "convresion")
    assert found[0]["title"] == "Conversión"
    expect(page.locator(".glosa-result--suggest")).to_have_text("¿Quisiste decir…?")
    assert sorted(url.rsplit("/", 1)[1] for url in fetched()) == [
        "glosa-fuzzy.js", "names-en.json", "names-es.json"]
    first_results(page, "fidelisacion")
    assert len(fetched()) == 3
    # Nothing near by name: no suggestion (Pagefind's own matches in the text remain).
    first_results(page, "xyzzyq")
    assert page.locator(".glosa-result--suggest, .glosa-result--fuzzy").count() == 0
