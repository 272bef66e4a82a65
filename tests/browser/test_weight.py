"""Page weight: what a reader's browser downloads for a term page of the bundled site,
counted as a web server would send it (text gzip-compressed, images and fonts as they are),
from the site's own files, and held to 100 KB."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from benchmarks.run import search_first_query, sent_length

from .conftest import OpenPage, disk_file, note_path

BUDGET = 100 * 1024


def sent_bytes(site: Path, url: str) -> int:
    """The bytes a server sends for a URL of the site (text gzip-compressed)."""
    return sent_length(disk_file(site, url))


def transfer(site: Path, page: Any, requests: list[str], origin: str) -> dict[str, int]:
    page.wait_for_load_state("networkidle")
    return {url: sent_bytes(site, url) for url in dict.fromkeys(requests)
            if url.startswith(origin)}


def report(weights: dict[str, int]) -> str:
    rows = sorted(weights.items(), key=lambda item: -item[1])
    return "\n".join(f"{size:>9,} {url}" for url, size in rows)


MERMAID = "/assets/glosa/mermaid.min.js"


@pytest.mark.parametrize(("lang", "title"), [
    ("es", "Tasa de conversión"),   # a formula with its worked example, 10 backlinks
    ("en", "Conversion rate"),
    ("es", "Cliente (Marketing Digital)"),  # the most linked term
    ("en", "Customer journey"),     # a Mermaid diagram near the top
    ("es", "Viaje del cliente"),
])
def test_a_term_page_weighs_at_most_100_kb(site_dir: Path, base_url: str,
                                           open_page: OpenPage, lang: str,
                                           title: str) -> None:
    page = open_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url.split("#")[0]))
    page.goto(base_url + note_path(site_dir, lang, title), wait_until="load")
    weights = transfer(site_dir, page, requests, base_url)
    assert any(url.endswith("/glosa.js") for url in weights), report(weights)
    assert all(url.startswith(base_url) for url in requests), requests  # no unpkg.com
    diagram = 'class="glosa-mermaid"' in disk_file(site_dir, page.url).read_text("utf-8")
    # Mermaid (about 1 MB gzipped, ten times the rest) is fetched only once a diagram
    # comes near the screen (400 px), and is counted apart; everything else fits the
    # budget, and a page whose diagram is further down fits it whole.
    near = page.evaluate(
        "() => [...document.querySelectorAll('pre.glosa-mermaid')].some("
        "n => n.getBoundingClientRect().top < innerHeight + 400)")
    mermaid = sum(size for url, size in weights.items() if url.endswith(MERMAID))
    assert bool(mermaid) == (diagram and near), report(weights)
    total = sum(weights.values()) - mermaid
    print(f"{lang} {title}: {total:,} bytes gzipped, Mermaid {mermaid:,}\n{report(weights)}")
    assert total <= BUDGET, f"{title}: {total:,} bytes > {BUDGET:,}\n{report(weights)}"
    if diagram:
        # Drawn by glosa's init inside its <pre> once scrolled to, never by Material.
        page.locator("pre.glosa-mermaid").first.scroll_into_view_if_needed()
        page.wait_for_selector("pre.glosa-mermaid svg", timeout=30_000)
        assert page.locator("div.mermaid").count() == 0


def test_benchmark_times_a_typed_first_query(site_dir: Path) -> None:
    """The benchmarks' first-query run on the bundled site: pasted and typed key by key,
    the typed one timed from the last keystroke to the first results and to the list
    complete (glosa's box says which query its list answers)."""
    # In a thread of its own: the suite's browser holds this thread's Playwright loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        found = pool.submit(search_first_query, site_dir).result(timeout=600)
    assert found["method"] == "chromium" and found["ui"] == "glosa", found
    assert found["results_shown"] > 0, found
    assert 0 < found["typed_ms"] <= found["typed_complete_ms"] < 60_000, found
    assert found["typed_delay_ms"] > 0
    # Typed key by key, the box fetches no more index chunks than for the word pasted at
    # once: what it preloads while the word is typed is what the search then needs. The
    # fragments differ when a slow keystroke lets a search run on a part of the word, so
    # the whole bytes are only bounded loosely.
    assert 0 < found["typed_index_bytes_sent"] <= found["index_bytes_sent"], found
    assert 0 < found["typed_bytes_sent"] <= found["search_bytes_sent"] * 1.5, found
    assert any("/pagefind/" in url for url, _ in found["files"]), found["files"]
    # Pagefind runs in the page: no bundle's copy of its web worker is fetched.
    assert not any(url.endswith("/pagefind-worker.js") for url, _ in found["files"]), found
