"""The package's stages: only the adapter may import a site engine, so another engine can
be added as a second adapter."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "plugins" / "glosa"
ENGINES = {"mkdocs", "material", "properdocs"}


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "adapter" not in p.relative_to(PACKAGE).parts)


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_only_the_adapter_imports_a_site_engine(module: Path) -> None:
    assert not _imported_roots(module) & ENGINES


def test_the_adapter_is_where_the_engine_is_imported() -> None:
    adapter = PACKAGE / "adapter"
    assert "mkdocs" in _imported_roots(adapter / "plugin.py")
    # The check above really reads the modules: there are many of them, in each stage.
    stages = {p.relative_to(PACKAGE).parts[0] for p in MODULES if p.parent != PACKAGE}
    assert {"reading", "checking", "render", "site", "editing", "exchange", "cli"} <= stages
