"""The knowledge-base shell in a browser, over the fixture vault tests/fixtures/kb built
with the obsidian profile: the explorer by mouse and keyboard, the graph and its nodes,
property links, and no trace of an unpublished note (its page, its words in search)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import quote, unquote
from urllib.request import urlopen

import pytest
from playwright.sync_api import expect

from ..conftest import FIXTURES
from .conftest import DESKTOP, Watch, build_site, goto, screenshot, serve_folder

KB_CONFIG = """site_name: KB
site_url: http://127.0.0.1/
docs_dir: {docs}
theme:
  name: material
plugins:
  - glosa:
      languages: [en]
      profile: obsidian
      publish_exclude: ["Privado/"]
"""


@pytest.fixture(scope="session")
def kb_site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture vault tests/fixtures/kb, built once as an obsidian-profile site."""
    tmp = tmp_path_factory.mktemp("kb-site")
    docs = tmp / "vault"
    shutil.copytree(FIXTURES / "kb", docs)
    config = tmp / "mkdocs.yml"
    config.write_text(KB_CONFIG.format(docs=docs), encoding="utf-8")
    site = tmp / "site"
    done = build_site(config, site)
    if done.returncode != 0:
        pytest.fail(f"mkdocs build of the kb fixture failed:\n{done.stdout}\n{done.stderr}",
                    pytrace=False)
    return site


@pytest.fixture(scope="session")
def kb_url(kb_site_dir: Path) -> Iterator[str]:
    with serve_folder(kb_site_dir) as url:
        yield url


@pytest.fixture
def kb_page(browser: Any, kb_url: str) -> Iterator[Any]:
    """``kb_page(path)``: a watched page of the kb site (no console error, no request
    leaving 127.0.0.1)."""
    watch = Watch(kb_url.rstrip("/"))
    contexts: list[Any] = []

    def factory(path: str) -> Any:
        context = browser.new_context(**DESKTOP, locale="en-GB", service_workers="block")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watch.attach(page)
        goto(page, kb_url, path)
        return page

    yield factory
    for context in contexts:
        context.close()
    watch.check()


ADA = "Personas/Ada Lovelace/"


def path_of(page: Any) -> str:
    return unquote(page.url.split("://", 1)[1].split("/", 1)[1])


def test_explorer_expands_collapses_and_works_by_keyboard(kb_page: Any) -> None:
    page = kb_page(ADA)
    explorer = page.locator("nav.glosa-explorer[data-loaded]")
    expect(explorer).to_be_visible()
    personas = explorer.locator("details", has=page.locator("summary", has_text="Personas"))
    proyectos = explorer.locator("details", has=page.locator("summary", has_text="Proyectos"))
    # The current page's folder is open and the page marked; other folders are closed.
    expect(personas.first).to_have_attribute("open", "")
    expect(explorer.locator("a[aria-current=page]")).to_have_text("Ada Lovelace")
    expect(proyectos.first).not_to_have_attribute("open", "")
    engine = explorer.locator("a", has_text="Engine")
    expect(engine).to_have_count(0)  # a closed folder's entries are not drawn yet

    summary = proyectos.first.locator("> summary")
    summary.click()
    expect(engine).to_be_visible()
    summary.click()
    expect(engine).to_be_hidden()

    # By keyboard: focus the folder, Enter opens it, Tab reaches its first entry.
    summary.focus()
    page.keyboard.press("Enter")
    expect(proyectos.first).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Año 2"
    page.keyboard.press("Enter")  # opens the subfolder
    nota = explorer.locator("a", has_text="Nota 10")
    expect(nota).to_be_visible()
    # Natural order: 2 before 10.
    names = explorer.locator("details:has(> summary:text('Año 2')) a").all_text_contents()
    assert names == ["Nota 2", "Nota 10"]
    nota.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/Nota%2010/")
    expect(page.locator("nav.glosa-explorer a[aria-current=page]")).to_have_text("Nota 10")
    screenshot(page, "kb-explorer")


def test_explorer_without_javascript_shows_the_current_folder(browser: Any,
                                                              kb_url: str) -> None:
    context = browser.new_context(**DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        goto(page, kb_url, "Proyectos/Año 2/Nota 2/")
        links = page.locator("nav.glosa-explorer a")
        expect(links).to_have_text(["Nota 2", "Nota 10"])
        expect(page.locator("nav.glosa-explorer a[aria-current=page]")).to_have_text("Nota 2")
        # The graph's fallback: the list of neighbours.
        expect(page.locator(".glosa-graph__list a")).to_have_text(["Home", "Nota 10"])
    finally:
        context.close()


def test_local_graph_renders_and_its_nodes_navigate(kb_page: Any) -> None:
    page = kb_page(ADA)
    graph = page.locator(".glosa-graph--local .glosa-graph__canvas[data-nodes]")
    expect(graph).to_be_visible()
    nodes = graph.locator("a.glosa-graph__node")
    labels = sorted(nodes.evaluate_all("ns => ns.map(n => n.getAttribute('aria-label'))"))
    assert {"Ada Lovelace", "Engine", "Home", "Charles Babbage"} <= set(labels)
    assert "Secret Plan" not in labels
    expect(graph.locator(".glosa-graph__node--current")).to_have_attribute(
        "aria-label", "Ada Lovelace")
    box = graph.locator("svg").bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100
    # The fallback list is not shown twice once the graph is drawn.
    expect(page.locator(".glosa-graph__list")).to_be_hidden()
    # Keyboard: the node is a focusable link; Enter follows it.
    engine = graph.locator("a.glosa-graph__node[aria-label=Engine]")
    engine.focus()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Engine"
    page.keyboard.press("Enter")
    page.wait_for_url("**/machines/analytical-engine/")
    expect(page.locator("article h1")).to_have_text("Engine")


def test_global_graph_page_draws_every_note(kb_page: Any) -> None:
    page = kb_page("en/graph/")
    graph = page.locator(".glosa-graph__canvas--global[data-nodes]")
    expect(graph).to_be_visible()
    expect(graph.locator("a.glosa-graph__node")).to_have_count(7)
    screenshot(page, "kb-graph")
    graph.locator("a.glosa-graph__node[aria-label='Charles Babbage']").click()
    page.wait_for_url("**/Charles%20Babbage/")


def test_property_links_reach_their_pages(kb_page: Any) -> None:
    page = kb_page(ADA)
    panel = page.locator(".glosa-properties")
    expect(panel.locator("[data-property=born] time")).to_have_text("December 10, 1815")
    panel.locator("[data-property=friends] a", has_text="Charles Babbage").click()
    page.wait_for_url("**/Charles%20Babbage/")
    expect(page.locator("article h1")).to_have_text("Charles Babbage")
    page.go_back()
    panel.locator("[data-property=tags] a", has_text="#people/mathematicians").click()
    page.wait_for_url("**/en/tags/people/mathematicians/")
    expect(page.locator("article")).to_contain_text("Ada Lovelace")
    screenshot(page, "kb-tag")


def test_unpublished_note_has_no_page_and_is_not_found_by_search(
        kb_page: Any, kb_url: str) -> None:
    for path in ("Secret Plan/", "Diario/Borrador/", "Privado/Diary/"):
        with pytest.raises(HTTPError) as missing:
            urlopen(kb_url + quote(path))
        assert missing.value.code == 404
    page = kb_page(ADA)
    count = page.evaluate("""async (words) => {
        const pf = await import(new URL('/pagefind/en/pagefind.js', location.origin).href);
        await pf.options({ baseUrl: '/' });
        const out = {};
        for (const word of words) out[word] = (await pf.search(word)).results.length;
        return out;
    }""", ["quuxcanaryword", "plughprivateword", "xyzzydraftword", "mechanical"])
    assert count == {"quuxcanaryword": 0, "plughprivateword": 0, "xyzzydraftword": 0,
                     "mechanical": 1}
    # The plain-text link in the note's body leads nowhere.
    expect(page.locator("article .glosa-unpublished")).to_have_text("Secret Plan")
    assert path_of(page) == ADA
