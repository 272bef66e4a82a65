"""The persistent cache store: what it keeps, and what it refuses to trust."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from glosa.cache import CacheStore, default_cache_dir, pack, unpack

VALUE = {"notes": [["es/a.md", 3, None, True, 1.5, b"\x00\xff"]],
         "meta": {"fecha": dt.date(2026, 1, 2), "hora": dt.datetime(2026, 1, 2, 3, 4, 5),
                  1: "int key"}}


def test_round_trip_of_plain_and_yaml_values(tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "c", key={"config": "x"})
    store.save("notes", VALUE)
    assert store.load("notes") == VALUE
    assert unpack(pack((1, 2))) == [1, 2]


def test_folder_is_ignored_by_git_and_tagged(tmp_path: Path) -> None:
    root = default_cache_dir(tmp_path)
    assert root == tmp_path / ".cache" / "glosa"
    CacheStore(root, key={}).save("notes", [1])
    assert (root / ".gitignore").read_text().splitlines()[-1] == "*"
    tag = (root / "CACHEDIR.TAG").read_text()
    assert tag.startswith("Signature: 8a477f597d28d172789f06886806bc55")


def test_another_key_misses(tmp_path: Path) -> None:
    CacheStore(tmp_path, key={"config": "x"}).save("notes", VALUE)
    assert CacheStore(tmp_path, key={"config": "y"}).load("notes") is None
    assert CacheStore(tmp_path, key={"config": "x"}).load("notes") == VALUE


def test_another_glosa_version_misses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import glosa

    CacheStore(tmp_path, key={}).save("notes", VALUE)
    monkeypatch.setattr(glosa, "__version__", "999.0")
    assert CacheStore(tmp_path, key={}).load("notes") is None


def test_other_glosa_code_misses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import glosa.cache

    CacheStore(tmp_path, key={}).save("notes", VALUE)
    assert glosa.cache.code_fingerprint() == glosa.cache.code_fingerprint.__wrapped__()
    monkeypatch.setattr(glosa.cache, "code_fingerprint", lambda: "edited")
    assert CacheStore(tmp_path, key={}).load("notes") is None


@pytest.mark.parametrize("damage", [
    lambda data: data[:-1],                       # truncated payload
    lambda data: data[:20],                       # truncated header
    lambda data: data[:-3] + b"\x00\x00\x00",     # flipped payload bytes
    lambda data: b"",                             # emptied
    lambda data: b"\x80" * len(data),             # garbage
])
def test_damaged_entry_misses_and_never_raises(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    store = CacheStore(tmp_path, key={})
    store.save("notes", VALUE)
    path = tmp_path / "notes.msgpack"
    path.write_bytes(damage(path.read_bytes()))
    assert store.load("notes") is None


def test_valid_digest_over_bad_msgpack_misses(tmp_path: Path) -> None:
    import glosa.cache as cache

    store = CacheStore(tmp_path, key={})
    payload = b"\xc1"  # never valid msgpack
    (tmp_path / "x.msgpack").write_bytes(
        cache._MAGIC + store.key_digest + cache._digest(payload) + payload)
    assert store.load("x") is None


def test_no_code_runs_on_load(tmp_path: Path) -> None:
    """A pickle planted in the cache is not unpickled: entries are msgpack only."""
    import pickle

    (tmp_path / "notes.msgpack").write_bytes(pickle.dumps(VALUE))
    assert CacheStore(tmp_path, key={}).load("notes") is None


def test_names_are_glosa_constants(tmp_path: Path) -> None:
    store = CacheStore(tmp_path, key={})
    for bad in ("../x", "a/b", "", ".hidden", "X" * 3):
        with pytest.raises(ValueError):
            store.save(bad, 1)


def test_off_store_misses_and_writes_nothing(tmp_path: Path) -> None:
    store = CacheStore(None, key={})
    store.save("notes", 1)
    assert store.load("notes") is None and not store.enabled
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_is_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    store = CacheStore(tmp_path / "file" / "cache", key={})
    store.save("notes", 1)  # logged, not raised
    assert store.load("notes") is None


def test_clear_removes_only_glosa_files(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("user file")
    store = CacheStore(tmp_path, key={})
    store.save("notes", 1)
    store.save("pages", 2)
    store.clear()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
    root = tmp_path / "own"
    own = CacheStore(root, key={})
    own.save("notes", 1)
    own.clear()
    assert not root.exists()


def test_a_kept_file_put_in_a_site_never_writes_through_what_was_there(tmp_path: Path) -> None:
    from glosa.cache import link_kept_file

    old, new, target = tmp_path / "old.html", tmp_path / "new.html", tmp_path / "page.html"
    old.write_text("old page", "utf-8")
    new.write_text("new page", "utf-8")
    os.link(old, target)  # the site's file is another kept file's link
    link_kept_file(new, target)
    assert target.read_text("utf-8") == "new page"
    assert os.stat(target).st_ino == os.stat(new).st_ino
    assert old.read_text("utf-8") == "old page"
    link_kept_file(new, tmp_path / "fresh.html")  # nothing there yet
    assert (tmp_path / "fresh.html").read_text("utf-8") == "new page"
