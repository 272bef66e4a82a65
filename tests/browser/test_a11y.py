"""Accessibility: axe-core (from the npm registry, fetched by tests/prepare.py) injected into
the built pages finds no serious or critical violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import AXE_SCRIPT, OpenPage, home_path, note_path

BLOCKING = {"serious", "critical"}


def axe(page: Any) -> list[dict[str, Any]]:
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `python tests/prepare.py` (it fetches "
                    "axe-core from the npm registry with `npm pack`).", pytrace=False)
    page.add_script_tag(path=str(AXE_SCRIPT))
    found = page.evaluate("""() => axe.run(document, {resultTypes: ['violations']})
        .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ' ' + n.failureSummary)})))""")
    return list(found)


def report(violations: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['impact']}: {v['id']} ({v['help']})\n    " +
                     "\n    ".join(v["nodes"][:5]) for v in violations)


@pytest.mark.parametrize("page_of", [
    pytest.param(lambda site: note_path(site, "es", "Conversión"), id="es-term"),
    pytest.param(lambda site: note_path(site, "en", "Customer lifetime value"), id="en-term"),
    pytest.param(lambda site: home_path(site, "es"), id="es-home"),
    pytest.param(lambda site: "es/az/", id="es-az"),
    pytest.param(lambda site: "", id="landing"),
])
def test_no_serious_violation(page_of: Any, site_dir: Path, open_page: OpenPage) -> None:
    page = open_page(page_of(site_dir))
    violations = axe(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, report(blocking)


def test_no_serious_violation_with_search_results_open(site_dir: Path,
                                                       open_page: OpenPage) -> None:
    page = open_page(note_path(site_dir, "es", "Conversión"))
    page.locator("#glosa-search-input").fill("retencion")
    page.locator("#glosa-search-results li a").first.wait_for()
    page.wait_for_timeout(300)
    blocking = [v for v in axe(page) if v["impact"] in BLOCKING]
    assert not blocking, report(blocking)
    # A result chosen with the arrow keys keeps its text readable on the highlight.
    page.locator("#glosa-search-input").press("ArrowDown")
    blocking = [v for v in axe(page) if v["impact"] in BLOCKING]
    assert not blocking, report(blocking)
