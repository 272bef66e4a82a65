"""A vault written by an attacker, in a real browser: no note field, attachment or raw HTML
runs script on any page kind (term pages, A–Z, tags, sections, homes, landing, dashboard,
search results, hover previews). Every payload of the fixture (tests/fixtures/hostile/)
sets the global ``glosaCanary`` and opens a dialog; neither may ever happen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from ..conftest import FIXTURES
from .conftest import DESKTOP, Watch, build_site, serve_folder

HOSTILE = FIXTURES / "hostile"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("hostile-site") / "site"
    done = build_site(HOSTILE / "mkdocs.yml", site)
    assert done.returncode == 0 and (site / "index.html").is_file(), done.stderr
    return site


@pytest.fixture(scope="module")
def hostile_url(hostile_site: Path) -> Iterator[str]:
    with serve_folder(hostile_site) as url:
        yield url


class Canary:
    """A browser page that records every dialog and reads the canary global."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.base_url = base_url
        self.watch = Watch(base_url.rstrip("/"))
        self.dialogs: list[str] = []
        self.context = browser.new_context(**DESKTOP, service_workers="block")
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.watch.attach(self.page)

        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(f"{self.page.url}: {dialog.message}")
            dialog.dismiss()

        self.page.on("dialog", on_dialog)

    def open(self, path: str) -> int:
        response = self.page.goto(self.base_url + quote(path), wait_until="load")
        self.page.wait_for_timeout(100)  # let image error handlers and scripts run
        return response.status if response is not None else 0

    def assert_quiet(self) -> None:
        value = self.page.evaluate("() => window.glosaCanary")
        assert value is None, f"{self.page.url}: payload {value!r} ran"
        assert not self.dialogs, self.dialogs

    def close(self) -> None:
        self.context.close()
        # Script errors are not the point here (broken <img src=x> is expected), only
        # requests that leave the site are.
        assert not self.watch.external, self.watch.external


@pytest.fixture
def canary(browser: Any, hostile_url: str) -> Iterator[Canary]:
    watched = Canary(browser, hostile_url)
    yield watched
    watched.close()


def _is_redirect(html: Path) -> bool:
    return 'http-equiv="refresh"' in html.read_text("utf-8")


def _pages(site: Path) -> list[str]:
    """Every page, not the redirect pages of old addresses and aliases (checked apart)."""
    return sorted(p.relative_to(site).as_posix().removesuffix("index.html")
                  for p in site.rglob("*.html")
                  if "assets" not in p.parts and "pagefind" not in p.parts
                  and not _is_redirect(p))


def test_redirect_pages_send_only_to_pages_of_the_site(hostile_site: Path) -> None:
    redirects = [p for p in hostile_site.rglob("*.html") if _is_redirect(p)]
    assert redirects
    for html in redirects:
        text = html.read_text("utf-8")
        assert "<script" not in text and "javascript:" not in text, html
        target = text.split('url=', 1)[1].split('"', 1)[0]
        assert "//" not in target and not target.startswith("/"), (html, target)
        landing = (html.parent / target).resolve()
        landing = landing / "index.html" if landing.is_dir() else landing
        assert landing.is_file() and landing.is_relative_to(hostile_site.resolve()), html


def test_the_fixture_reaches_every_page_kind(hostile_site: Path) -> None:
    pages = _pages(hostile_site)
    for expected in ("", "es/az/", "es/tags/", "es/dashboard/", "es/raiz/",
                     "es/hijo/", "en/root/"):
        assert expected in pages, (expected, pages)
    assert any(p.startswith("es/tags/") and p != "es/tags/" for p in pages)
    assert any(p.startswith("es/sections/") for p in pages)


def test_no_payload_runs_on_any_page(canary: Canary, hostile_site: Path) -> None:
    for path in _pages(hostile_site):
        assert canary.open(path) in (200, 404), path
        canary.assert_quiet()
        # Hover what previews; a preview shows text only.
        for link in canary.page.locator("a[data-glosa-preview]").all()[:8]:
            if link.is_visible():
                link.hover()
                canary.page.wait_for_timeout(150)
        canary.assert_quiet()
        # Click the controls a note could have put there (details, buttons).
        for summary in canary.page.locator("article summary").all()[:4]:
            summary.click()
        canary.assert_quiet()


def test_hover_previews_fetch_only_glosas_own_links(canary: Canary) -> None:
    canary.open("es/raiz/")
    before = len(canary.watch.requests)
    for link in canary.page.locator("article a").all():
        if link.is_visible():
            link.hover()
            canary.page.wait_for_timeout(150)
    fetched = canary.watch.requests[before:]
    assert not [u for u in fetched if "evil.example" in u or u.startswith("javascript:")]
    canary.page.locator('article a.glosa-link[data-glosa-preview]').first.hover()
    expect(canary.page.locator(".glosa-preview")).to_be_visible()
    assert "onerror" not in canary.page.locator(".glosa-preview").inner_html()
    canary.assert_quiet()


@pytest.mark.parametrize("query", ["Definición", "Hijo", "glosaCanary", "img", "script"])
def test_search_results_run_no_payload(canary: Canary, query: str) -> None:
    canary.open("es/raiz/")
    box = canary.page.locator("#glosa-search-input")
    box.click()
    box.press_sequentially(query)
    canary.page.wait_for_timeout(1500)
    canary.assert_quiet()
    for link in canary.page.locator("#glosa-search-results li a").all()[:5]:
        link.hover()
    canary.page.wait_for_timeout(200)
    canary.assert_quiet()


def test_attachments_run_no_script(canary: Canary) -> None:
    assert canary.open("dibujo.svg") == 200
    canary.assert_quiet()
    assert canary.open("pagina.html") == 404
    canary.assert_quiet()
    script = canary.page.request.get(canary.base_url + "assets/glosa/glosa.js").text()
    assert "glosaCanary" not in script  # the vault's own assets/glosa/glosa.js is not used
