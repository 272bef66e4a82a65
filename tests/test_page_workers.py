"""Pages built in several processes (adapter/page_workers.py): the site is the same bytes
as a build in one process, search bundles and caches included; what a page process
logs is logged once, and counts for --strict; a page process that fails fails the build."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from benchmarks.generate import generate_vault
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from glosa.adapter import page_workers
from glosa.adapter.page_workers import AUTO_MIN_PAGES, shares, worker_count

from .conftest import LEGEND_ES, seed_note, write_vault
from .test_page_cache import _files

#: Processes of the builds whose tests need a note that a page process builds: the
#: vault's 120 notes come before its generated pages, and with two even shares the second
#: holds generated pages only.
SPLIT = 3


def _note(title: str, body: str) -> str:
    """A note of the generated vault's Spanish half (its index and legend)."""
    return seed_note(title, body=body, parent="Glosario de pruebas ⚫①",
                     legend=LEGEND_ES.replace("Leyenda 🔴②", "Leyenda de niveles 🔴②"))


class Vault:
    """A generated vault and its builds, one folder per configuration."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.docs = generate_vault(root / "vault", 120, seed=7).root

    def build(self, name: str, workers: int, *, cache: bool = False, strict: bool = False,
              custom_dir: Path | None = None) -> Any:
        """Build in this process as `mkdocs build` does; the plugin."""
        folder = self.root / name
        folder.mkdir(exist_ok=True)
        config_file = folder / "mkdocs.yml"
        config_file.write_text(
            # With an address: the sitemap lists every page with its alternates.
            f"site_name: T\nsite_url: https://example.org/\ndocs_dir: {self.docs}\n"
            f"site_dir: {folder / 'site'}\n"
            f"strict: {str(strict).lower()}\ntheme:\n  name: material\n"
            + (f"  custom_dir: {custom_dir}\n" if custom_dir else "")
            + f"plugins:\n  - glosa:\n      workers: {workers}\n"
            f"      cache: {str(cache).lower()}\n", encoding="utf-8")
        config = load_config(str(config_file))
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        return config.plugins["glosa"]

    def site(self, name: str) -> dict[str, str]:
        return _files(self.root / name / "site")

    def note_built_elsewhere(self) -> str:
        """A Spanish note that a page process (not the first) builds, from a probe build:
        the middle one of those, away from the shares' edges."""
        probe = self.build("probe", SPLIT)
        notes = [path for share in probe.page_shares[1:] for path in share
                 if path.startswith("es/") and (self.docs / path).is_file()]
        assert notes
        return notes[len(notes) // 2]

    def rewrite(self, path: str, body: str) -> None:
        """The note at ``path`` with this body (its title kept: links to it still hold)."""
        write_vault(self.docs, {path: _note(Path(path).stem, body)})


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return Vault(tmp_path)


def _assert_same(one: dict[str, str], other: dict[str, str]) -> None:
    assert sorted(one) == sorted(other)
    different = [name for name in one if one[name] != other[name]]
    assert not different, different[:10]


@pytest.mark.parametrize("workers", [2, 3])
def test_a_site_built_in_processes_is_the_site_built_in_one(vault: Vault,
                                                            workers: int) -> None:
    one = vault.build("one", 1)
    assert one.page_shares == []
    split = vault.build("split", workers)
    assert len(split.page_shares) == workers
    assert all(split.page_shares)
    # Every page in exactly one share.
    names = [name for share in split.page_shares for name in share]
    assert len(names) == len(set(names))
    site = vault.site("split")
    assert any(name.startswith("pagefind/es/") for name in site)
    sitemap = (vault.root / "split" / "site" / "sitemap.xml").read_text("utf-8")
    assert sitemap.count('hreflang="en"') > 50
    _assert_same(vault.site("one"), site)


def test_cached_builds_in_processes_keep_every_page_and_body(vault: Vault) -> None:
    first = vault.build("cached", 2, cache=True)
    pages = {name for share in first.page_shares for name in share}
    second = vault.build("cached", 2, cache=True)
    # The other process's pages and bodies were kept too: nothing is rendered again.
    assert second.page_cache.hits == pages and not second.page_cache.rendered
    assert second.body_cache.rendered == set() and second.body_cache.hits
    edited = vault.note_built_elsewhere()
    vault.rewrite(edited, "Texto nuevo del último.")
    third = vault.build("cached", SPLIT, cache=True)
    assert edited not in third.page_shares[0]
    assert edited in third.body_cache.rendered
    assert "Texto nuevo del último" in (
        vault.root / "cached" / "site" / third.url_of(edited) / "index.html").read_text("utf-8")
    vault.build("cold", 1)
    _assert_same(vault.site("cold"), vault.site("cached"))


def _big_embeds(vault: Vault) -> str:
    """A note a page process builds whose embeds pass the page's budget (a warning of
    the renderer, which the check does not give)."""
    path = vault.note_built_elsewhere()
    write_vault(vault.docs, {"es/Aa grande 🟢④.md": _note(
        "Aa grande 🟢④", "Texto largo. " * 13_000)})
    vault.rewrite(path, "![[Aa grande 🟢④]]\n\n![[Aa grande 🟢④]]\n")
    return path


def test_a_warning_from_another_process_is_logged_once(vault: Vault,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    path = _big_embeds(vault)
    with caplog.at_level(logging.INFO):
        split = vault.build("split", SPLIT)
    assert path not in split.page_shares[0]
    found = [r for r in caplog.records if "transcluded content over" in r.getMessage()]
    assert len(found) == 1
    assert path in found[0].getMessage()
    # No page is said to be skipped: each is written by the process whose share it is in.
    assert not any("Page skipped" in r.getMessage() for r in caplog.records)
    assert any("cache:" in r.getMessage() or "Cleaning site" in r.getMessage()
               for r in caplog.records)


def test_strict_counts_the_warnings_of_other_processes(vault: Vault) -> None:
    _big_embeds(vault)
    with pytest.raises(Abort, match="in strict mode"):
        vault.build("split", SPLIT, strict=True)


def test_a_page_process_that_fails_fails_the_build(vault: Vault, tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    custom = tmp_path / "overrides"
    path = vault.note_built_elsewhere()
    # A template error on that note's page only, which a page process builds.
    write_vault(custom, {"main.html": (
        '{% extends "base.html" %}{% block content %}'
        f'{{% if page.file.src_uri == "{path}" %}}{{{{ none_such.attribute }}}}'
        '{% endif %}{{ super() }}{% endblock %}')})
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        vault.build("split", SPLIT, custom_dir=custom)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    # MkDocs' own message from the page process, then the build's error naming the page.
    assert f"Error building page '{path}': 'none_such' is undefined" in errors
    assert f"{path}: UndefinedError: 'none_such' is undefined" in errors


def test_a_page_process_that_dies_fails_the_build(vault: Vault,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    def die(*args: Any, **kwargs: Any) -> Any:
        os.kill(os.getpid(), signal.SIGKILL)

    # Only the page processes run it (the first process builds its pages through MkDocs).
    monkeypatch.setattr(page_workers, "_build_share", die)
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        vault.build("split", 2)
    assert any("page process 2 of 2 ended without a result (signal 9)" in r.getMessage()
               for r in caplog.records)


def _config(events: dict[str, list[Any]]) -> Any:
    return SimpleNamespace(plugins=SimpleNamespace(events=events))


class _Glosa:
    def on_page_markdown(self) -> None: ...


class _Other:
    def on_page_context(self) -> None: ...


def test_processes_only_where_splitting_is_safe() -> None:
    glosa = _Glosa()
    own = _config({"page_markdown": [glosa.on_page_markdown]})
    many = AUTO_MIN_PAGES * 2
    assert worker_count(2, many, own, glosa, command="build", dirty=False)[0] == 2
    assert worker_count(1, many, own, glosa, command="build", dirty=False)[0] == 1
    assert worker_count(2, many, own, glosa, command="serve", dirty=False)[0] == 1
    assert worker_count(2, many, own, glosa, command="gh-deploy", dirty=False)[0] == 2
    assert worker_count(2, many, own, glosa, command="build", dirty=True)[0] == 1
    # By default a small site is built in one process; asked for, it is split.
    assert worker_count(0, AUTO_MIN_PAGES - 1, own, glosa, command="build",
                        dirty=False)[0] == 1
    assert worker_count(3, 10, own, glosa, command="build", dirty=False)[0] == 3
    assert worker_count(5, 2, own, glosa, command="build", dirty=False)[0] == 2
    other = _Other()
    shared = _config({"page_markdown": [glosa.on_page_markdown],
                      "page_context": [other.on_page_context]})
    count, why = worker_count(2, many, shared, glosa, command="build", dirty=False)
    assert count == 1 and "_Other" in why


@pytest.mark.parametrize(("count", "processes"), [(10, 2), (1129, 2), (7, 3), (2, 2)])
def test_shares_cover_every_page_in_order(count: int, processes: int) -> None:
    parts = shares(count, processes)
    assert [i for part in parts for i in part] == list(range(count))
    assert len(parts) == processes
    sizes = [len(part) for part in parts]
    assert max(sizes) - min(sizes) <= 1


@pytest.mark.parametrize(("heavy", "processes"), [
    (range(900, 1000), 2),    # the pages to make all at the end
    (range(0, 10), 2),        # ... all at the start
    (range(0, 1000, 7), 3),   # spread
    (range(0), 2),            # none: every page taken whole
])
def test_weighted_shares_split_the_pages_to_make_evenly(heavy: range, processes: int) -> None:
    """Pages taken whole from the cache weigh little: the shares stay contiguous and in
    page order, with the pages to make split as evenly as the order allows."""
    weights = [1.0 if i in heavy else 0.05 for i in range(1000)]
    parts = shares(1000, processes, weights)
    assert [i for part in parts for i in part] == list(range(1000))
    loads = [sum(weights[i] for i in part) for part in parts]
    assert max(loads) - min(loads) <= 1.0 + 1e-9
