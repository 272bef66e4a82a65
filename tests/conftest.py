"""Shared helpers: small vaults written from dictionaries, and the seed note template."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

if os.environ.get("GLOSA_TEST_ENGINE") == "properdocs":
    # Every `mkdocs.*` import from here on (the in-process builds of
    # test_site_robustness.py, glosa's plugin) resolves to ProperDocs, as under
    # `properdocs build` (tests/test_engines.py runs that file so).
    import properdocs.replacement  # noqa: F401

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

LEGEND_ES = "[[Leyenda 🔴②]] | ①②③④⑤⑥ | ⚫① 🔴② 🟡③ 🟢④ 🔵⑤ ⚪⑥"


def seed_note(
    title: str,
    *,
    lang: str = "ES",
    parent: str | None = "Índice ⚫①",
    body: str = "Definición.",
    translations: str = "",
    extra: str = "",
    created: str = "2024-05-06T16:50:09.788Z",
    modified: str = "2024-05-06T16:54:16.647Z",
    legend: str = LEGEND_ES,
) -> str:
    """A note in the seed format; ``title`` includes its level marker."""
    parent_line = f"[[{parent}]]\n\n" if parent else ""
    return (
        "---\n"
        "iaStatus: 0\n"
        'iaStatus_Model: ""\n'
        "a11y: 3\n"
        "checked: 0\n"
        f"lang: {lang}\n"
        f"translations: {translations}\n"
        f"created: {created}\n"
        f"modified: {modified}\n"
        'supervisado: ""\n'
        'ACCION: ""\n'
        "ver_major: 0\n"
        "ver_minor: 4\n"
        "ver_rev: 1\n"
        "nav_primary:\n"
        "nav_secondary:\n"
        "tags:\n"
        f"{extra}"
        "---\n"
        f"# {title}\n\n"
        f"{parent_line}"
        f"{body}\n\n"
        f"{legend}\n"
    )


VaultFactory = Callable[[dict[str, str | bytes]], Path]


def write_vault(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write notes and attachments (text as UTF-8, bytes as they are) under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def age_files(root: Path, step: int = 0) -> None:
    """Date every file under ``root`` an hour back (and ``step`` nanoseconds more, for
    stamps distinct per step): glosa's caches trust stamps that old (a stamp taken right
    after a write is not)."""
    for path in root.rglob("*"):
        if path.is_file():
            info = path.stat()
            os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - 3600 * 10**9 - step))


@pytest.fixture(autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    """`glosa check` caches beside the settings file or in the current folder: each test
    gets a cache folder of its own instead, never the repository's; and commands run
    uncached unless a test turns the cache on (test_check_cache.py does), so that each
    run of a test reads and checks its vault."""
    monkeypatch.setenv("GLOSA_CACHE_DIR", str(tmp_path_factory.mktemp("glosa-cache")))
    monkeypatch.setenv("GLOSA_NO_CACHE", "1")


@pytest.fixture
def make_vault(tmp_path: Path) -> VaultFactory:
    def build(files: dict[str, str | bytes]) -> Path:
        return write_vault(tmp_path / "vault", files)

    return build


#: The site engines the whole-site builds run under: MkDocs 1.6 and its continuation
#: ProperDocs (a separate package, `properdocs`, installed beside mkdocs by the test extras;
#: it reads the same mkdocs.yml and loads glosa from the same entry point).
ENGINES = ("mkdocs", "properdocs")


@pytest.fixture(scope="module", params=ENGINES)
def site_engine(request: pytest.FixtureRequest) -> str:
    """The name of the engine a site-build test runs under (each test runs once per engine)."""
    return str(request.param)


def engine_command(engine: str) -> list[str]:
    """The command that runs ``engine`` in this interpreter (``python -m mkdocs`` ...)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown site engine: {engine}")
    return [sys.executable, "-m", engine]
