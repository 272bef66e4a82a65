"""The Obsidian syntax in a real browser (Debian's Chromium through Playwright): a page
rendered by the plugins, with ``ofm.css`` and ``mermaid-init.js`` from the package's
assets, served on 127.0.0.1. A foldable callout opens and closes, math is laid out as
MathML, Mermaid diagrams become SVG (one in a folded callout once it opens, again after a
switch to the dark scheme), and no request leaves the local server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import material
import pytest
from markdown_it import MarkdownIt

from glosa.render.syntax import use_obsidian_syntax

from .conftest import serve_folder

ASSETS = Path(__file__).resolve().parents[2] / "templates" / "assets"

NOTE = """\
> [!faq]- Folded question
> Hidden answer.
>
> ```mermaid
> graph LR
> Folded --> Diagram
> ```

Inline $e^{2i\\pi} = 1$ and display:

$$
\\frac{a}{b}
$$

```mermaid
graph TD
Biology --> Chemistry
```
"""


@pytest.fixture(scope="module")
def page_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("ofm-page")
    for name in ("ofm.css", "mermaid-init.js", "mermaid.min.js"):
        shutil.copy(ASSETS / name, root / name)
    env: dict[str, Any] = {}
    body = use_obsidian_syntax(MarkdownIt("commonmark")).render(NOTE, env)
    assert "mermaid" in env["glosa_features"]
    (root / "note.html").write_text(
        '<!doctype html><html><head><meta charset="utf-8"><title>Note</title>'
        '<link rel="stylesheet" href="ofm.css"></head>'
        f'<body data-md-color-scheme="default"><article class="md-typeset">{body}</article>'
        '<script src="mermaid-init.js"></script></body></html>',
        encoding="utf-8",
    )
    with serve_folder(root) as url:
        yield url + "note.html"


def test_callouts_math_and_mermaid_in_the_browser(page_url: str, browser: Any) -> None:
    # The suite's one browser (a second Playwright in the same process cannot start).
    origin = page_url.rsplit("/", 1)[0] + "/"
    requests: list[str] = []
    errors: list[str] = []
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(page_url)

        # The diagram outside the callout is drawn; the folded one waits.
        page.wait_for_selector("article > pre.glosa-mermaid svg", timeout=30_000)
        folded = page.locator("details.callout")
        assert folded.get_attribute("open") is None
        assert not page.locator("details.callout .callout-content").is_visible()
        assert page.locator("details.callout pre.glosa-mermaid svg").count() == 0

        # The callout opens and closes; its diagram is drawn once it is open.
        page.click("details.callout > summary")
        assert folded.get_attribute("open") == ""
        assert page.locator("details.callout .callout-content").is_visible()
        page.wait_for_selector("details.callout pre.glosa-mermaid svg", timeout=30_000)
        page.click("details.callout > summary")
        assert folded.get_attribute("open") is None

        # MathML laid out by the browser, inline and as a block.
        for selector in ("span.math.inline math", "div.math.block math"):
            box = page.locator(selector).bounding_box()
            assert box is not None and box["width"] > 0 and box["height"] > 0, selector

        # A switch to the dark scheme draws the diagram again, in the dark theme.
        page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
        page.wait_for_function(
            "() => { const svg = document.querySelector('article > pre.glosa-mermaid svg');"
            " return svg && getComputedStyle(svg.querySelector('.node rect, .node"
            " polygon, rect')).fill !== 'rgb(236, 236, 255)'; }",
            timeout=30_000,
        )
    finally:
        context.close()
    assert not errors
    assert requests and all(url.startswith(origin) for url in requests), requests


MATERIAL_CSS = next((Path(material.__file__).parent / "templates" / "assets"
                     / "stylesheets").glob("main.*.min.css"))

CALLOUTS = """\
> [!note] Plain callout
> Body.

> [!todo]- Folded callout with a title long enough to need the whole line
> Hidden body.
"""


@pytest.fixture(scope="module")
def callouts_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The two kinds of callout under Material's own stylesheet, as on a site."""
    root = tmp_path_factory.mktemp("ofm-callouts")
    shutil.copy(ASSETS / "ofm.css", root / "ofm.css")
    shutil.copy(MATERIAL_CSS, root / "material.css")
    body = use_obsidian_syntax(MarkdownIt("commonmark")).render(CALLOUTS, {})
    (root / "note.html").write_text(
        '<!doctype html><html><head><meta charset="utf-8"><title>Callouts</title>'
        '<link rel="stylesheet" href="material.css"><link rel="stylesheet" href="ofm.css">'
        '</head><body><article class="md-typeset" style="width: 40em">'
        f'{body}</article></body></html>', encoding="utf-8")
    with serve_folder(root) as url:
        yield url + "note.html"


def test_a_foldable_callout_looks_like_a_plain_one_under_material(callouts_url: str,
                                                                  browser: Any) -> None:
    """Material styles every <details> as its own admonition (another border, smaller
    text, a pencil before the title and a chevron after it); a foldable callout keeps the
    callout's look, with the fold mark glosa adds."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(callouts_url)
        style = page.evaluate("""() => {
            const read = (el, pseudo) => getComputedStyle(el, pseudo || null);
            const plain = document.querySelector('div.callout');
            const folded = document.querySelector('details.callout');
            const title = folded.querySelector('summary');
            const pick = (s) => ({size: s.fontSize, left: s.borderLeftWidth,
                                  top: s.borderTopWidth, shadow: s.boxShadow,
                                  padding: s.padding, background: s.backgroundColor});
            return {plain: pick(read(plain)), folded: pick(read(folded)),
                    before: read(title, '::before').content,
                    after: read(title, '::after').content,
                    titleHeight: title.getBoundingClientRect().height,
                    plainTitleHeight: plain.querySelector('.callout-title')
                        .getBoundingClientRect().height};
        }""")
    finally:
        context.close()
    assert style["before"] == "none" and style["after"] == "none"
    for key in ("size", "left", "top", "shadow", "padding"):
        assert style["folded"][key] == style["plain"][key], (key, style)
    assert style["folded"]["top"] == "0px"
    # The title stays on one line beside its icons, as the plain callout's does.
    assert abs(style["titleHeight"] - style["plainTitleHeight"]) < 2, style
