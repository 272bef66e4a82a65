"""Every page of the built site, opened in the browser: each same-origin link answers 200,
each #anchor exists in its target, no page logs a console error or requests anything
outside 127.0.0.1, and the backlinks of every term match the pages that link to it."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit

import pytest

from ..conftest import REPO
from .conftest import OpenPage, Watch, disk_file

# What each page tells about itself once rendered (ids after the scripts ran).
PAGE_FACTS = """() => {
  const hrefs = sel => [...document.querySelectorAll(sel)].map(a => a.href);
  const own = [...document.querySelectorAll('article a.glosa-link')]
    .filter(a => !a.closest('.glosa-embed') || a.closest('.glosa-embed-title'))
    .map(a => a.href);
  return {
    ids: [...document.querySelectorAll('[id]')].map(e => e.id),
    links: [...document.querySelectorAll('a[href]')].map(a =>
      [a.getAttribute('href'), a.href]),
    term: !!document.querySelector('.glosa-term'),
    own_links: own,
    parent: hrefs('.glosa-breadcrumb a').slice(-1),
    // A term's child terms link to it too; the page lists them once, as children.
    backlinks: hrefs('.glosa-backlinks li > a, .glosa-children li > a'),
    home: !!document.querySelector('.glosa-term .glosa-home'),
    text: document.querySelector('article') ? document.querySelector('article').innerText : '',
  };
}"""


REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


@dataclass
class Crawl:
    pages: dict[str, dict[str, Any]]
    statuses: dict[str, int]
    redirects: dict[str, str]
    links: list[tuple[str, str, str]]  # (page, href as written, absolute URL)
    #: glosa's redirect pages (old title-style addresses, aliases): URL → where it sends.
    moved: dict[str, str] = field(default_factory=dict)


def site_pages(site_dir: Path, base_url: str) -> list[str]:
    urls = []
    for html in sorted(site_dir.rglob("*.html")):
        rel = html.relative_to(site_dir).as_posix()
        if html.name == "index.html":
            rel = rel[: -len("index.html")]
        urls.append(base_url + quote(rel))
    return urls


def is_page(url: str) -> bool:
    path = urlsplit(url).path
    return path.endswith("/") or path.endswith(".html")


@pytest.fixture(scope="module")
def crawl(site_dir: Path, base_url: str, browser: Any) -> Any:
    """Open the landing page, follow every same-origin link, then every HTML file on disk."""
    watch = Watch(base_url.rstrip("/"))
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  service_workers="block")
    page = context.new_page()
    watch.attach(page)
    queue = deque([base_url, *site_pages(site_dir, base_url)])
    seen: set[str] = set()
    result = Crawl({}, {}, {}, [])
    others: set[str] = set()
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        file = disk_file(site_dir, url)
        moved = REFRESH.search(file.read_text("utf-8")) if file.is_file() else None
        if moved is not None:
            # A redirect page is checked for where it sends, not opened as a page.
            result.statuses[url] = context.request.get(url).status
            result.moved[url] = urljoin(url, moved.group(1))
            queue.append(result.moved[url])
            continue
        response = page.goto(url, wait_until="load")
        assert response is not None, url
        result.statuses[url] = response.status
        if response.request.redirected_from is not None:
            result.redirects[url] = response.url
        if response.status != 200 or "text/html" not in response.headers.get(
                "content-type", ""):
            continue
        facts = page.evaluate(PAGE_FACTS)
        result.pages[url] = facts
        for raw, absolute in facts["links"]:
            if not absolute.startswith(base_url):
                continue
            result.links.append((url, raw, absolute))
            target = urldefrag(absolute).url
            if is_page(target):
                queue.append(target)
            else:
                others.add(target)
    for url in sorted(others - seen):
        answer = context.request.get(url, max_redirects=0)
        result.statuses[url] = answer.status
    context.close()
    yield result, watch


def test_every_link_answers_200(crawl: Any, site_dir: Path, base_url: str) -> None:
    result, _ = crawl
    assert len(result.pages) >= 250, len(result.pages)
    broken = sorted({(unquote(page), raw, result.statuses.get(urldefrag(absolute).url))
                     for page, raw, absolute in result.links
                     if result.statuses.get(urldefrag(absolute).url) != 200})
    assert not broken, "links that do not answer 200:\n" + "\n".join(map(str, broken))
    assert not result.redirects, f"links answered through a redirect: {result.redirects}"
    # Every page built on disk was opened, and every page opened is on disk.
    for url in result.pages:
        assert disk_file(site_dir, url).is_file(), url
    # Every redirect page sends its reader to a page, and no page links through one.
    assert len(result.moved) >= 100, len(result.moved)
    for source, target in result.moved.items():
        assert target in result.pages, (unquote(source), unquote(target))
    through = sorted({(unquote(page), raw) for page, raw, absolute in result.links
                      if urldefrag(absolute).url in result.moved})
    assert not through, f"links to redirect pages: {through[:10]}"


def block_anchors(result: Crawl) -> set[tuple[str, str]]:
    """Links to a paragraph's block id ([[Note#^id]]) whose target page shows the id as
    text ("… ^id") instead of an anchor: see test_block_links_land_on_their_paragraph."""
    found = set()
    for page, raw, absolute in result.links:
        target, fragment = urldefrag(absolute)
        facts = result.pages.get(target)
        if facts and fragment and fragment not in facts["ids"] and re.search(
                rf"\s\^{re.escape(unquote(fragment))}\b", facts["text"]):
            found.add((page, raw))
    return found


def missing_anchors(result: Crawl) -> set[tuple[str, str]]:
    missing = set()
    for page, raw, absolute in result.links:
        target, fragment = urldefrag(absolute)
        fragment = unquote(fragment)
        if not fragment or fragment.startswith("__"):
            continue  # Material's own "#__drawer"-style anchors
        facts = result.pages.get(target)
        if facts is None or fragment not in facts["ids"]:
            missing.add((page, raw))
    return missing


def test_every_anchor_exists(crawl: Any) -> None:
    result, _ = crawl
    anchored = [link for link in result.links if urlsplit(link[2]).fragment]
    assert len(anchored) > 100, "too few #anchor links: the crawl found no permalinks?"
    missing = missing_anchors(result)
    assert not missing, "anchors missing from their target page:\n" + "\n".join(
        f"{unquote(page)}: {raw}" for page, raw in sorted(missing))


def test_block_links_land_on_their_paragraph(crawl: Any) -> None:
    result, _ = crawl
    broken = block_anchors(result)
    assert not broken, "block links whose target shows '^id' as text:\n" + "\n".join(
        f"{unquote(page)}: {raw}" for page, raw in sorted(broken))


def test_no_console_error_and_no_outside_request(crawl: Any) -> None:
    result, watch = crawl
    assert len(watch.requests) > len(result.pages)
    watch.check()


def test_backlinks_match_the_pages_linking_here(crawl: Any) -> None:
    result, _ = crawl
    terms = {url: facts for url, facts in result.pages.items() if facts["term"]}
    notes = len(list((REPO / "glossary").rglob("*.md")))
    assert len(terms) == notes, (len(terms), notes)
    linking: dict[str, set[str]] = {url: set() for url in terms}
    for url, facts in terms.items():
        for href in facts["own_links"] + facts["parent"]:
            target = urldefrag(href).url
            if target != url and target in linking:
                linking[target].add(url)
    differences = []
    for url, facts in terms.items():
        if facts["home"]:
            continue  # a language's home shows its overview, not backlinks
        listed = set(facts["backlinks"])
        if len(listed) != len(facts["backlinks"]):
            differences.append(f"{unquote(url)}: a backlink is listed twice")
        if listed != linking[url]:
            differences.append(f"{unquote(url)}:\n  listed, not linking: "
                               f"{sorted(map(unquote, listed - linking[url]))}\n"
                               f"  linking, not listed: "
                               f"{sorted(map(unquote, linking[url] - listed))}")
    assert not differences, "\n".join(differences)


def test_every_page_is_reachable_from_the_landing_page(crawl: Any, base_url: str) -> None:
    result, _ = crawl
    graph: dict[str, set[str]] = {}
    for page, _raw, absolute in result.links:
        graph.setdefault(page, set()).add(urldefrag(absolute).url)
    reached = {base_url}
    todo = [base_url]
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in reached:
                reached.add(target)
                todo.append(target)
    orphans = sorted(unquote(u) for u in set(result.pages) - reached
                     if not u.endswith("/404.html"))
    assert not orphans, f"pages no link leads to: {orphans}"


def test_open_page_fixture_sees_problems(open_page: OpenPage, watch: Watch,
                                         base_url: str) -> None:
    """The guard the other tests rely on does record errors and outside requests."""
    page = open_page("es/az/")
    page.route("http://192.0.2.1/**", lambda route: route.abort())  # recorded, never sent
    page.evaluate("console.error('probe')")
    page.evaluate("fetch('http://192.0.2.1/x').catch(() => null)")
    page.wait_for_timeout(100)
    assert any("probe" in e for e in watch.console_errors)
    assert any(u.startswith("http://192.0.2.1/") for u in watch.external)
    watch.console_errors.clear()
    watch.external.clear()
