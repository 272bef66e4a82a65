"""The glossary as a reader meets it: definition first, dark mode, a shell in the page's
language (switch, sidebar, titles, 404), sharing metadata, compact backlinks."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

import pytest
from playwright.sync_api import expect

from glosa.site.model import sort_key

from .conftest import OpenPage, home_path, note_path, screenshot, soup_of
from .test_a11y import BLOCKING, axe, report

TERM_ES = "Tasa de conversión"
TERM_EN = "Conversion rate"


def resolve(site: Path, page: str, href: str) -> Path:
    """The file a relative link of the page at site path ``page`` leads to."""
    target = unquote(urljoin("https://x/" + page, href).split("https://x/", 1)[1])
    target = target.split("#")[0]
    return site / (target + "index.html" if target.endswith("/") or not target else target)


def test_term_page_puts_title_facts_and_definition_first(site_dir: Path) -> None:
    term = soup_of(site_dir, note_path(site_dir, "es", TERM_ES)).select_one(".glosa-term")
    assert term is not None
    order = [el for el in term.find_all(recursive=False) if el.name]
    names = [(el.name, " ".join(el.get("class") or [])) for el in order]
    h1 = names.index(("h1", ""))
    head = names.index(("div", "glosa-termhead"))
    first_text = next(i for i, (tag, cls) in enumerate(names) if tag == "p" and not cls)
    backlinks = names.index(("section", "glosa-backlinks"))
    assert h1 < head < first_text < backlinks, names
    # The facts line holds the level, the translation, the version, the date, the aliases.
    facts = order[head]
    assert facts.select_one(".glosa-level") and facts.select_one(".glosa-translation")
    assert facts.select_one("time") and facts.select_one(".glosa-aliases")


def test_definition_starts_near_the_top_on_a_phone(site_dir: Path, open_page: OpenPage) -> None:
    for lang, title in (("es", TERM_ES), ("en", TERM_EN)):
        page = open_page(note_path(site_dir, lang, title), phone=True)
        top = page.evaluate("""() => document.querySelector('.glosa-term > p:not([class])')
            .getBoundingClientRect().top + window.scrollY""")
        assert top <= 320, f"{lang}: the definition starts {top}px down on a 390x844 phone"
        screenshot(page, f"phone-term-{lang}-light")


def test_dark_mode_follows_the_system_and_toggles(site_dir: Path, open_page: OpenPage) -> None:
    page = open_page(note_path(site_dir, "es", TERM_ES), dark=True)
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    screenshot(page, "desktop-term-es-dark")
    toggle = page.locator("form[data-md-component=palette] label:visible")
    expect(toggle).to_have_attribute("title", "Cambiar a modo claro")
    toggle.click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    light = open_page(note_path(site_dir, "en", TERM_EN))
    expect(light.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    expect(light.locator("form[data-md-component=palette] label:visible")).to_have_attribute(
        "title", "Switch to dark mode")


@pytest.mark.parametrize("page_of", [
    pytest.param(lambda site: note_path(site, "es", TERM_ES), id="es-term"),
    pytest.param(lambda site: home_path(site, "en"), id="en-home"),
    pytest.param(lambda site: "", id="landing"),
    pytest.param(lambda site: "es/az/", id="es-az"),
])
def test_no_serious_violation_in_dark_mode(page_of: Any, site_dir: Path,
                                           open_page: OpenPage) -> None:
    page = open_page(page_of(site_dir), dark=True)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    blocking = [v for v in axe(page) if v["impact"] in BLOCKING]
    assert not blocking, report(blocking)


def test_screenshots_of_the_main_pages(site_dir: Path, open_page: OpenPage) -> None:
    for dark in (False, True):
        scheme = "dark" if dark else "light"
        for name, path in (("landing", ""), ("home-es", home_path(site_dir, "es")),
                           ("term-en", note_path(site_dir, "en", TERM_EN))):
            for phone in (False, True):
                page = open_page(path, phone=phone, dark=dark)
                shot = screenshot(page, f"{'phone' if phone else 'desktop'}-{name}-{scheme}")
                assert shot.stat().st_size > 5_000
                page.context.close()


def test_language_switch_matches_every_page_kind(site_dir: Path) -> None:
    cases = {"es/az/": "en/az/", "en/tags/": "es/tags/"}
    for page, expected in cases.items():
        links = soup_of(site_dir, page).select(".glosa-switch a")
        assert [resolve(site_dir, page, str(a["href"])) for a in links] == \
            [site_dir / expected / "index.html"], page
    # Tag and section pages go to the same concept's page of the other language.
    checked = 0
    for kind in ("tags", "sections"):
        for listing in sorted((site_dir / "en" / kind).glob("*/index.html")):
            page = listing.parent.relative_to(site_dir).as_posix() + "/"
            (link,) = soup_of(site_dir, page).select(".glosa-switch a")
            target = resolve(site_dir, page, str(link["href"]))
            assert target.is_file(), (page, link["href"])
            assert target.parent.parent == site_dir / "es" / kind, (page, target)
            checked += 1
    assert checked >= 10
    # "metrics" is "métricas".
    (link,) = soup_of(site_dir, "en/tags/metrics/").select(".glosa-switch a")
    assert resolve(site_dir, "en/tags/metrics/", str(link["href"])) == \
        site_dir / "es/tags/metricas/index.html"


def test_tags_are_shown_with_accents_under_ascii_addresses(site_dir: Path) -> None:
    term = note_path(site_dir, "es", TERM_ES)
    tags = {a.get_text(strip=True): str(a["href"])
            for a in soup_of(site_dir, term).select("article a[href*='tags/']")
            if a.get_text(strip=True).startswith("#")}
    assert {"#métricas", "#conversión"} <= set(tags), tags
    for name, href in tags.items():
        assert href.isascii(), (name, href)
        page = resolve(site_dir, term, href)
        heading = soup_of(site_dir, page.parent.relative_to(site_dir).as_posix() + "/")
        assert heading.select_one("h1").get_text(strip=True).removesuffix("¶") == \
            f"Etiqueta: {name[1:]}"
    listing = soup_of(site_dir, "es/tags/").select_one("article").get_text(" ", strip=True)
    assert "#métricas" in listing and "#metricas" not in listing
    # Accents do not move a tag out of its letter: métricas sorts among the m's.
    words = [w for w in listing.split() if w.startswith("#m")]
    assert words == sorted(words, key=lambda w: sort_key(w)), words


def test_sidebar_shows_the_page_language_and_marks_the_section(site_dir: Path) -> None:
    for lang, title, section in (("es", TERM_ES, "Métricas"), ("en", TERM_EN, "Metrics")):
        soup = soup_of(site_dir, note_path(site_dir, lang, title))
        nav = soup.select_one(".md-nav--primary")
        assert nav is not None
        text = nav.get_text(" ", strip=True)
        other = "English" if lang == "es" else "Español"
        assert other not in text, f"{lang} sidebar lists the other language: {text[:200]}"
        active = [a.get_text(strip=True) for a in nav.select("a.md-nav__link--active")]
        assert active == [section], active
        assert soup.select_one(".md-header__topic .md-ellipsis").get_text(strip=True) == (
            "Glosario de Marketing Digital" if lang == "es" else "Digital Marketing Glossary")


def test_tab_titles_name_the_site_once_in_the_page_language(site_dir: Path) -> None:
    assert soup_of(site_dir, home_path(site_dir, "en")).title.get_text(strip=True) == \
        "Digital Marketing Glossary"
    assert soup_of(site_dir, note_path(site_dir, "es", TERM_ES)).title.get_text(strip=True) \
        == f"{TERM_ES} - Glosario de Marketing Digital"


def test_sharing_metadata_and_absolute_alternates(site_dir: Path) -> None:
    soup = soup_of(site_dir, note_path(site_dir, "es", TERM_ES))

    def meta(key: str) -> str:
        tag = soup.select_one(f'meta[property="{key}"], meta[name="{key}"]')
        assert tag is not None, key
        return str(tag["content"])

    assert meta("og:title") == TERM_ES and meta("twitter:title") == TERM_ES
    assert meta("og:description") == meta("description") != ""
    assert meta("og:locale") == "es_ES" and meta("og:locale:alternate") == "en_US"
    assert meta("og:url").startswith("https://glosa.example.org/es/")
    alternates = soup.select('link[hreflang]')
    assert {a["hreflang"] for a in alternates} == {"es", "en"}
    assert all(str(a["href"]).startswith("https://glosa.example.org/") for a in alternates)
    icon = soup.select_one('link[rel="icon"]')
    assert icon is not None and str(icon["href"]).endswith("assets/glosa/favicon.svg")
    assert (site_dir / "assets/glosa/favicon.svg").read_text().startswith("<svg")


def test_no_sitemap_download_on_page_load(site_dir: Path, open_page: OpenPage,
                                          base_url: str) -> None:
    page = open_page()
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.goto(base_url + note_path(site_dir, "es", TERM_ES).replace(" ", "%20"))
    page.locator(".glosa-backlinks a").first.hover()
    page.wait_for_timeout(500)
    assert not [url for url in seen if "sitemap" in url], seen


def test_backlinks_are_compact(site_dir: Path) -> None:
    soup = soup_of(site_dir, note_path(site_dir, "es", TERM_ES))
    section = soup.select_one(".glosa-backlinks")
    assert section is not None
    shown = section.select(":scope > ul > li")
    rest = section.select(".glosa-backlinks__rest li")
    count = int(section.select_one(".glosa-count").get_text(strip=True).strip("()"))
    assert len(shown) == 5 and len(shown) + len(rest) == count > 5
    assert all(li.select_one(".glosa-snippet") for li in shown)
    children = {a.get_text(strip=True) for a in soup.select(".glosa-children a")}
    listed = {a.get_text(strip=True) for a in section.select("a")}
    assert not children & listed
    toc = soup.select_one(".md-nav--secondary")
    assert toc is not None and toc.select_one('a[href="#glosa-backlinks"]') is not None


def test_unreviewed_drafts_say_so(site_dir: Path) -> None:
    for lang, title, words in (("es", TERM_ES, "pendiente de revisión"),
                               ("en", TERM_EN, "awaiting review")):
        notice = soup_of(site_dir, note_path(site_dir, lang, title)).select_one(".glosa-notice")
        assert notice is not None and words in notice.get_text(), lang


def test_not_found_page_speaks_both_languages_and_leads_home(browser: Any, base_url: str,
                                                             site_dir: Path) -> None:
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        response = page.goto(base_url + "es/no-existe/")
        assert response is not None and response.status == 404
        expect(page.locator(".glosa-404 h1")).to_have_text("Página no encontrada")
        expect(page.locator(".glosa-404 [lang=en]")).to_contain_text("Page not found")
        expect(page.locator("#glosa-search-input")).to_be_visible()
        with page.expect_navigation():
            page.locator(".glosa-404 [lang=en] a").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    finally:
        context.close()


def entries(site: Path, page: str) -> list[str]:
    return [a.get_text(" ", strip=True) for a in soup_of(site, page).select(".glosa-entry")]


def test_az_lists_terms_and_their_aliases_not_the_site_furniture(site_dir: Path) -> None:
    soup = soup_of(site_dir, "en/az/")
    see = {e.select_one(".glosa-entry__alias").get_text(strip=True):
           e.select_one("a").get_text(strip=True) for e in soup.select(".glosa-entry--see")}
    assert see.get("CLV") == "Customer lifetime value", see
    assert see.get("KPI") == "Key performance indicator"
    assert see.get("NPS") == "Net Promoter Score"
    terms = [a.get_text(strip=True) for a in soup.select(".glosa-entry:not(.glosa-entry--see)"
                                                          " > a")]
    assert "Digital Marketing Glossary" not in terms and "Level legend" not in terms
    assert TERM_EN in terms
    # Every cross-reference leads to its term's page.
    for entry in soup.select(".glosa-entry--see a")[:10]:
        assert resolve(site_dir, "en/az/", str(entry["href"])).is_file()


def test_a_page_per_level_linked_from_the_badge(site_dir: Path) -> None:
    page = note_path(site_dir, "es", TERM_ES)
    badge = soup_of(site_dir, page).select_one(".glosa-termhead a.glosa-level")
    assert badge is not None
    target = resolve(site_dir, page, str(badge["href"]))
    level_page = target.parent.relative_to(site_dir).as_posix() + "/"
    listed = [e.split(" ")[0] for e in entries(site_dir, level_page)]
    assert TERM_ES.split(" ")[0] in listed
    assert soup_of(site_dir, level_page).select_one("h1").get_text(strip=True).startswith(
        "Nivel 3")


def test_landing_says_what_the_site_is_with_counts_and_newest(site_dir: Path) -> None:
    soup = soup_of(site_dir, "")
    landing = soup.select_one(".glosa-landing")
    assert landing is not None
    assert "glossary" in landing.select_one(".glosa-landing__about").get_text()
    for lang in ("es", "en"):
        block = landing.select_one(f".glosa-landing__language[lang={lang}]")
        assert block is not None
        count = int(block.select_one(".glosa-overview__count strong").get_text())
        levels = sum(int(c.get_text()) for c in block.select(".glosa-levels .glosa-count"))
        assert count == levels > 70, (lang, count, levels)
        assert len(block.select(".glosa-list .glosa-entry")) >= 3


def test_homes_have_no_term_furniture(site_dir: Path) -> None:
    for lang in ("es", "en"):
        soup = soup_of(site_dir, home_path(site_dir, lang))
        term = soup.select_one(".glosa-term")
        assert term is not None
        assert term.select_one(".glosa-termhead") is None, lang
        assert term.select_one(".glosa-backlinks") is None, lang
        assert term.select_one(".glosa-notice") is None, lang
        assert term.select_one(".glosa-home .glosa-levels") is not None, lang


def test_old_addresses_and_aliases_lead_to_the_slug_page(site_dir: Path,
                                                         open_page: OpenPage) -> None:
    term = note_path(site_dir, "es", TERM_ES)
    assert term == "es/metricas/tasa-de-conversion/"  # no marker, accent or space
    # The title-style address (as the file is named) and an abbreviation both lead there.
    page = open_page("es/metricas/Tasa de conversión 🟡③/")
    page.wait_for_url("**/es/metricas/tasa-de-conversion/")
    assert page.locator("article h1").inner_text().removesuffix("¶").strip() == TERM_ES
    clv = note_path(site_dir, "es", "Valor del tiempo de vida del cliente")
    page = open_page("es/metricas/clv/")
    page.wait_for_url(f"**/{clv}")
    page = open_page("es/")
    page.wait_for_url(f"**/{home_path(site_dir, 'es')}")
