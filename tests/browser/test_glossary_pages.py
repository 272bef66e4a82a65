"""The bundled glossary's formula and diagram pages, in both languages, light and dark, on
a desktop and a phone: screenshots to look at (tests/browser/artifacts/glossary-*.png),
the worked example and every stage of the diagram readable, nothing wider than a phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ..conftest import REPO
from .conftest import OpenPage, goto, note_path, screenshot

# (title of the page, a note whose text it shows)
PAGES = {
    ("formula", "es"): ("Tasa de conversión", "es/metricas/Tasa de conversión 🟡③.md"),
    ("formula", "en"): ("Conversion rate", "en/metrics/Conversion rate 🟡③.md"),
    ("diagram", "es"): ("Viaje del cliente", "es/viaje-del-cliente/Viaje del cliente ⚫①.md"),
    ("diagram", "en"): ("Customer journey", "en/customer-journey/Customer journey ⚫①.md"),
}
CALCULATION = re.compile(r"^> (.+ = .+)$", re.MULTILINE)
NODE_LABEL = re.compile(r"^\s*\w+\[([^\]]+)\]", re.MULTILINE)


def expected_text(kind: str, note: str) -> list[str]:
    """What the page must let a reader read, taken from the note itself."""
    source = (REPO / "glossary" / note).read_text(encoding="utf-8")
    if kind == "formula":
        found = CALCULATION.findall(source)
    else:
        diagram = source.split("```mermaid", 1)[1].split("```", 1)[0]
        found = NODE_LABEL.findall(diagram)
    assert found, f"{note} has no {kind} to show"
    return found


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("kind", "lang"), list(PAGES), ids=[f"{k}-{lang}" for k, lang in PAGES])
def test_formula_and_diagram_pages(site_dir: Path, base_url: str, open_page: OpenPage,
                                   kind: str, lang: str, scheme: str, phone: bool) -> None:
    title, note = PAGES[kind, lang]
    page = open_page(phone=phone)
    page.emulate_media(color_scheme=scheme)
    goto(page, base_url, note_path(site_dir, lang, title))
    page.wait_for_load_state("networkidle")
    if kind == "diagram":  # drawn once it nears the screen, by the site's own Mermaid
        page.locator("pre.glosa-mermaid").first.scroll_into_view_if_needed()
        page.wait_for_selector("pre.glosa-mermaid svg", timeout=30_000)
    text = " ".join(page.locator("article").inner_text().split())
    for wanted in expected_text(kind, note):
        assert " ".join(wanted.split()) in text, f"{wanted!r} is not readable on the page"
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"
    screenshot(page, f"glossary-{kind}-{lang}-{scheme}-{'phone' if phone else 'desktop'}",
               full_page=True)
