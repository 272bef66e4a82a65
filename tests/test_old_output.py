"""The previous build's output moved out of the engine's way, then removed by another
process or put back to be written over (site/old_output.py): the site is what a clean
build makes, dot entries stay, nothing is left in the cache, whatever cannot be moved is
left for the engine, and a file the build leaves as it was is one it marked."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from glosa.site import old_output
from glosa.site.old_output import FOLDER, MovedOutput, ReusedOutput, move_aside

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
    moved = move_aside(site_dir, cache)
    assert moved is not None
    assert moved.moved == ["en", "index.html"]
    # Moved at once: the engine finds only what it keeps.
    assert sorted(os.listdir(site_dir)) == [".git", ".nojekyll"]
    removal = moved.remove()
    assert removal is not None
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
    moved = move_aside(site_dir, cache)
    assert moved is not None
    removal = moved.remove()
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
    moved = move_aside(site_dir, cache)
    assert moved is not None and moved.moved == ["en"]
    removal = moved.remove()
    assert removal is not None
    removal.wait()
    assert (site_dir / "index.html").read_text("utf-8") == "old"


def _put_back(site_dir: Path, cache: Path) -> tuple[MovedOutput, ReusedOutput]:
    moved = move_aside(site_dir, cache)
    assert moved is not None
    reused = moved.put_back()
    assert reused is not None
    return moved, reused


def test_put_back_the_sweep_removes_only_what_nobody_wrote_or_marked(tmp_path: Path) -> None:
    site_dir, cache = tmp_path / "site", tmp_path / "cache"
    _output(site_dir)
    (site_dir / "en" / "b").mkdir()
    (site_dir / "en" / "b" / "index.html").write_text("old b", "utf-8")
    (site_dir / "gone" / "deep").mkdir(parents=True)
    (site_dir / "gone" / "deep" / "x.html").write_text("stale", "utf-8")
    (site_dir / "kept.html").write_text("same", "utf-8")
    moved, reused = _put_back(site_dir, cache)
    assert sorted(moved.moved) == [] and sorted(os.listdir(site_dir)) == [
        ".git", ".nojekyll", "en", "gone", "index.html", "kept.html"]
    (site_dir / "index.html").write_text("new", "utf-8")  # written again
    (site_dir / "en" / "c").mkdir()
    (site_dir / "en" / "c" / "index.html").write_text("added", "utf-8")
    assert reused.holds_bytes(site_dir / "kept.html", b"same")  # left, marked
    assert not reused.holds_bytes(site_dir / "en" / "b" / "index.html", b"other")
    assert reused.sweep() == (3, 4)  # en/a, en/b, gone/deep/x; en/a, en/b, gone/deep, gone
    assert sorted(os.listdir(site_dir)) == [".git", ".nojekyll", "en", "index.html",
                                            "kept.html"]
    assert sorted(os.listdir(site_dir / "en")) == ["c"]
    assert (site_dir / "index.html").read_text("utf-8") == "new"
    assert (site_dir / "kept.html").read_text("utf-8") == "same"
    assert (site_dir / ".git" / "HEAD").read_text("utf-8") == "ref"


def test_a_hard_link_to_a_kept_file_is_held_and_never_written_through(tmp_path: Path) -> None:
    site_dir, cache = tmp_path / "site", tmp_path / "cache"
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "a.html").write_text("page a", "utf-8")
    (kept / "b.html").write_text("page b", "utf-8")
    (site_dir / "en").mkdir(parents=True)
    os.link(kept / "a.html", site_dir / "en" / "a.html")
    os.link(kept / "b.html", site_dir / "en" / "b.html")
    mtime = os.stat(kept / "a.html").st_mtime_ns
    _moved, reused = _put_back(site_dir, cache)
    # Held: the same file as the kept one; its modification time is left as it was.
    assert reused.holds(site_dir / "en" / "a.html", kept / "a.html")
    assert os.stat(kept / "a.html").st_mtime_ns == mtime
    assert not reused.holds(site_dir / "en" / "b.html", kept / "a.html")
    # About to be written: unlinked first, so that the kept file keeps its bytes.
    reused.before_write(site_dir / "en" / "b.html")
    (site_dir / "en" / "b.html").write_text("page b, new", "utf-8")
    assert (kept / "b.html").read_text("utf-8") == "page b"
    assert reused.sweep() == (0, 0)
    assert (site_dir / "en" / "a.html").read_text("utf-8") == "page a"


def test_times_that_cannot_tell_builds_apart_leave_the_output_to_be_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site_dir, cache = tmp_path / "site", tmp_path / "cache"
    _output(site_dir)
    moved = move_aside(site_dir, cache)
    assert moved is not None
    monkeypatch.setattr(old_output, "_CLOCK_WAIT_S", 0.05)
    real = ReusedOutput.take_stock

    def from_the_future(site: Path, names: list[str]) -> ReusedOutput | None:
        found = real(site, names)
        assert found is not None
        future = time.time_ns() + 3600 * 10**9  # an earlier file's time not passed yet
        found.files = {path: (ino, future, links)
                       for path, (ino, _ctime, links) in found.files.items()}
        return found

    monkeypatch.setattr(ReusedOutput, "take_stock", staticmethod(from_the_future))
    assert moved.put_back() is None
    assert sorted(os.listdir(site_dir)) == [".git", ".nojekyll"]
    assert sorted(moved.moved) == ["en", "index.html"]
    removal = moved.remove()
    assert removal is not None
    removal.wait()
    assert not (cache / FOLDER).exists()


def _spy_put_back(monkeypatch: pytest.MonkeyPatch) -> list[ReusedOutput | None]:
    calls: list[ReusedOutput | None] = []
    real = MovedOutput.put_back

    def recorded(self: MovedOutput) -> ReusedOutput | None:
        calls.append(real(self))
        return calls[-1]

    monkeypatch.setattr(MovedOutput, "put_back", recorded)
    return calls


def test_where_marks_do_not_show_nothing_is_put_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site_dir, cache = tmp_path / "site", tmp_path / "cache"
    _output(site_dir)
    monkeypatch.setattr(old_output, "_MARKS_SHOW", False)  # as on Windows
    moved = move_aside(site_dir, cache)
    assert moved is not None
    assert moved.put_back() is None
    assert sorted(os.listdir(site_dir)) == [".git", ".nojekyll"]
    removal = moved.remove()
    assert removal is not None
    removal.wait()
    assert not (cache / FOLDER).exists()


def test_a_build_over_an_earlier_one_is_a_clean_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    put_back = _spy_put_back(monkeypatch)
    site = Site(tmp_path)
    site.build()
    assert put_back == []  # nothing to put back yet
    output = tmp_path / "cached" / "site"
    page = output / "es" / "perro" / "index.html"
    before, folder = os.stat(page), os.stat(page.parent).st_ino
    (output / "stale.html").write_text("from an earlier build", "utf-8")
    (output / "gone" / "deep").mkdir(parents=True)
    (output / ".keep").write_text("mine", "utf-8")
    site.build()
    assert len(put_back) == 1 and put_back[0] is not None
    assert not (output / "stale.html").exists() and not (output / "gone").exists()
    assert (output / ".keep").read_text("utf-8") == "mine"
    # The settled page's file was left where it was, in its folder, not made again.
    after = os.stat(page)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert os.stat(page.parent).st_ino == folder
    # Nothing half-removed is kept with the cache.
    assert not (site.cache_dir / FOLDER).exists()
    (output / ".keep").unlink()
    site.assert_same_as_cold()


def test_another_plugin_has_the_previous_output_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    put_back = _spy_put_back(monkeypatch)
    site = Site(tmp_path, options="      search: false\n  - offline\n")
    site.build()
    output = tmp_path / "cached" / "site"
    (output / "stale.html").write_text("from an earlier build", "utf-8")
    site.build()
    assert not put_back
    assert not (output / "stale.html").exists()
    assert not (site.cache_dir / FOLDER).exists()
