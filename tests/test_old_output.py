"""The previous build's output moved out of the engine's way and removed by another
process (site/old_output.py): the site is what a clean build makes, dot entries stay,
nothing is left in the cache, and whatever cannot be moved is left for the engine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from glosa.adapter import plugin
from glosa.site.old_output import FOLDER, OutputRemoval, move_aside

from .test_page_cache import Site


def _output(site_dir: Path) -> None:
    (site_dir / "en" / "a").mkdir(parents=True)
    (site_dir / "en" / "a" / "index.html").write_text("old", "utf-8")
    (site_dir / "index.html").write_text("old", "utf-8")
    (site_dir / ".git").mkdir()
    (site_dir / ".git" / "HEAD").write_text("ref", "utf-8")
    (site_dir / ".nojekyll").write_text("", "utf-8")


def test_everything_but_dot_entries_is_moved_and_removed(tmp_path: Path) -> None:
    site_dir, cache = tmp_path / "site", tmp_path / ".cache" / "glosa"
    _output(site_dir)
    removal = move_aside(site_dir, cache)
    assert removal is not None
    assert removal.moved == ["en", "index.html"]
    # Moved at once: the engine finds only what it keeps.
    assert sorted(os.listdir(site_dir)) == [".git", ".nojekyll"]
    removal.wait()
    assert removal.process.returncode == 0
    assert not (cache / FOLDER).exists()
    assert (site_dir / ".git" / "HEAD").read_text("utf-8") == "ref"


def test_what_an_interrupted_build_left_is_removed_too(tmp_path: Path) -> None:
    site_dir, cache = tmp_path / "site", tmp_path / "cache"
    _output(site_dir)
    left = cache / FOLDER / "build-x" / "en"
    left.mkdir(parents=True)
    (left / "page.html").write_text("left", "utf-8")
    removal = move_aside(site_dir, cache)
    assert removal is not None
    removal.wait()
    assert not (cache / FOLDER).exists()


@pytest.mark.parametrize("case", ["cache inside the output", "output inside the cache",
                                  "no output", "only dot entries"])
def test_nothing_moves_when_it_should_not(tmp_path: Path, case: str) -> None:
    site_dir = tmp_path / "site"
    cache = {"cache inside the output": site_dir / "cache",
             "output inside the cache": tmp_path}.get(case, tmp_path / "cache")
    if case != "no output":
        site_dir.mkdir()
        (site_dir / ".git").mkdir()
        if case != "only dot entries":
            (site_dir / "index.html").write_text("old", "utf-8")
    before = sorted(os.listdir(site_dir)) if site_dir.exists() else None
    assert move_aside(site_dir, cache) is None
    assert (sorted(os.listdir(site_dir)) if site_dir.exists() else None) == before


def test_an_entry_that_cannot_be_moved_stays_for_the_engine(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site_dir, cache = tmp_path / "site", tmp_path / "cache"
    _output(site_dir)
    real = os.rename

    def rename(source: str | Path, target: str | Path) -> None:
        if Path(source).name == "index.html":
            raise OSError(18, "Invalid cross-device link")
        real(source, target)

    monkeypatch.setattr(os, "rename", rename)
    removal = move_aside(site_dir, cache)
    assert removal is not None and removal.moved == ["en"]
    removal.wait()
    assert (site_dir / "index.html").read_text("utf-8") == "old"


def test_a_build_over_an_earlier_one_is_a_clean_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    removals: list[OutputRemoval | None] = []

    def recorded(site_dir: Path, cache_root: Path) -> OutputRemoval | None:
        removals.append(move_aside(site_dir, cache_root))
        return removals[-1]

    monkeypatch.setattr(plugin, "move_aside", recorded)
    site = Site(tmp_path)
    site.build()
    assert removals == [None]  # nothing to remove yet
    output = tmp_path / "cached" / "site"
    (output / "stale.html").write_text("from an earlier build", "utf-8")
    (output / "gone" / "deep").mkdir(parents=True)
    (output / ".keep").write_text("mine", "utf-8")
    site.build()
    assert removals[-1] is not None and "stale.html" in removals[-1].moved
    assert not (output / "stale.html").exists() and not (output / "gone").exists()
    assert (output / ".keep").read_text("utf-8") == "mine"
    # Removed before the build ends: nothing half-removed is kept with the cache.
    assert not (site.cache_dir / FOLDER).exists()
    (output / ".keep").unlink()
    site.assert_same_as_cold()
    # A build without the cache has nowhere to move its output: the engine empties it.
    assert len(removals) == 2
