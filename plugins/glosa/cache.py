"""glosa's persistent cache: what one run computed, kept on disk for the next run.

The cache lives in ``.cache/glosa/`` beside the site's settings file (or another folder the
user names). Each entry is one file holding a header (a magic line, the digest of the key
it was made under, the digest of its payload) and a msgpack payload. An entry is trusted
only when its key digest matches the running glosa's version and code (a digest of its
source files: a checkout between two releases carries the same version), the cache format
and the caller's key (the configuration), and its payload digest matches its bytes; anything else
(a stale, truncated or corrupt file, another format) reads as missing, so the caller
recomputes. Values are msgpack, never pickle: a cache folder restored from an earlier CI
run must not be able to run code when it is read.

Nothing here knows MkDocs or what is cached.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import hashlib
import json
import logging
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgpack  # type: ignore[import-untyped]  # msgpack ships no type hints

from .files import write_atomic

__all__ = ["CACHE_FOLDERS", "CACHE_FORMAT", "CacheStore", "code_fingerprint", "default_cache_dir",
           "link_kept_file", "shared_store"]

log = logging.getLogger(__name__)

#: Bumped whenever what glosa stores in its cache changes shape.
CACHE_FORMAT = 1

_MAGIC = b"glosa-cache\n"
_DIGEST_SIZE = 32
_HEADER_SIZE = len(_MAGIC) + 2 * _DIGEST_SIZE
# Entry names are glosa's own constants ("notes", "pages-es"), never a note's value.
_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
# msgpack extension codes for the values YAML frontmatter yields that msgpack lacks.
_EXT_DATE = 1
_EXT_DATETIME = 2

_GITIGNORE = "# Created by glosa: its build and check cache, safe to delete.\n*\n"
# The cache directory tag convention (https://bford.info/cachedir/): backup tools skip it.
_CACHEDIR_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                 "# This file is a cache directory tag created by glosa.\n")


def default_cache_dir(base: Path) -> Path:
    """``.cache/glosa`` in ``base`` (the folder of the site's settings file)."""
    return Path(base) / ".cache" / "glosa"


@functools.cache
def code_fingerprint() -> str:
    """A digest of glosa's own source files: what a cache entry was computed by. (The
    version alone would let an edited or newer checkout trust what older code stored.)"""
    package = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"?")
    return digest.hexdigest()


#: Folders of the cache folder that hold files rather than entries (the kept note bodies,
#: the site's downloads, the page cache's pages, the kept search bundles, the theme's
#: compiled templates).
CACHE_FOLDERS = ("bodies", "exports", "pages", "search", "templates")


def shared_store(root: Path | None) -> CacheStore:
    """The store for entries that carry the configuration they were made under (the read
    cache of notes, the check results): made with an empty key, so that ``glosa check``
    and ``mkdocs build`` share them whatever else their settings say."""
    return CacheStore(root, key={})


def kept_file_unchanged(path: Path, size: object, mtime_ns: object) -> bool:
    """Whether a file the cache keeps (hard-linked into a site) has the size and
    modification time it was kept with: a change through the link changes them."""
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return stat.st_size == size and stat.st_mtime_ns == mtime_ns


def link_kept_file(source: Path | str, target: Path | str) -> None:
    """Put the kept file ``source`` at ``target`` in a site: a hard link where the file
    system allows it, else a copy. Whatever was at ``target`` is unlinked first, never
    written through (it may be another kept file's link)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(target)
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copyfile(source, target)


def _digest(data: bytes | memoryview) -> bytes:
    return hashlib.blake2b(data, digest_size=_DIGEST_SIZE).digest()


def _default(value: Any) -> Any:
    # datetime before date: a datetime is a date too.
    if isinstance(value, _dt.datetime):
        return msgpack.ExtType(_EXT_DATETIME, value.isoformat().encode())
    if isinstance(value, _dt.date):
        return msgpack.ExtType(_EXT_DATE, value.isoformat().encode())
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    raise TypeError(f"glosa's cache cannot store a {type(value).__name__}")


def _ext_hook(code: int, data: bytes) -> Any:
    if code == _EXT_DATETIME:
        return _dt.datetime.fromisoformat(data.decode())
    if code == _EXT_DATE:
        return _dt.date.fromisoformat(data.decode())
    return msgpack.ExtType(code, data)


def pack(value: Any) -> bytes:
    """``value`` (plain data: None, bool, numbers, str, bytes, lists, tuples (read back as
    lists), sets (read back as sorted lists), dicts, dates and datetimes) as msgpack bytes."""
    # unicode_errors names the encoder msgpack calls for each string (the same bytes):
    # without it msgpack takes each string's UTF-8 form from CPython, which keeps that form
    # in the string for as long as it lives, a second copy of every note body it packed.
    return msgpack.packb(value, default=_default, use_bin_type=True,  # type: ignore[no-any-return]
                         unicode_errors="strict")


def unpack(data: bytes | memoryview) -> Any:
    """The value :func:`pack` packed (lists for tuples; dict keys of any plain type)."""
    return msgpack.unpackb(data, ext_hook=_ext_hook, strict_map_key=False, raw=False)


class CacheStore:
    """Entries of the cache folder ``root`` made under ``key`` (glosa's version and the
    cache format are always part of it). ``root=None`` is a cache that is off: loads miss,
    saves do nothing."""

    def __init__(self, root: Path | None, *, key: Mapping[str, Any]) -> None:
        from . import __version__

        self.root = None if root is None else Path(root)
        canonical = json.dumps({"glosa": __version__, "code": code_fingerprint(),
                                "format": CACHE_FORMAT, "key": key},
                               sort_keys=True, default=str, ensure_ascii=False)
        self.key_digest = _digest(canonical.encode())

    @property
    def enabled(self) -> bool:
        return self.root is not None

    def _path(self, name: str) -> Path:
        if not _NAME.fullmatch(name):
            raise ValueError(f"not a cache entry name: {name!r}")
        assert self.root is not None
        return self.root / f"{name}.msgpack"

    def load(self, name: str) -> Any | None:
        """The value saved as ``name`` under this key, or None when there is none or it
        cannot be trusted (stale, corrupt, unreadable: logged, never raised)."""
        if self.root is None:
            return None
        path = self._path(name)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.info("cache: cannot read %s (%s); recomputing", path, exc)
            return None
        if (len(data) < _HEADER_SIZE or not data.startswith(_MAGIC)
                or data[len(_MAGIC):len(_MAGIC) + _DIGEST_SIZE] != self.key_digest):
            log.debug("cache: %s was made by another glosa or configuration", path)
            return None
        payload = memoryview(data)[_HEADER_SIZE:]
        if _digest(payload) != data[len(_MAGIC) + _DIGEST_SIZE:_HEADER_SIZE]:
            log.info("cache: %s is damaged; recomputing", path)
            return None
        try:
            return unpack(payload)
        except (ValueError, TypeError, msgpack.UnpackException) as exc:
            log.info("cache: %s is damaged (%s); recomputing", path, exc)
            return None

    def save(self, name: str, value: Any) -> None:
        """Keep ``value`` as ``name`` (atomically: a reader sees the old entry or the new
        one). A cache that cannot be written is not an error: the next run recomputes."""
        if self.root is None:
            return
        path = self._path(name)
        payload = pack(value)
        try:
            self.prepare()
            write_atomic(path, _MAGIC + self.key_digest + _digest(payload) + payload)
        except OSError as exc:
            log.info("cache: cannot write %s (%s)", path, exc)

    def prepare(self) -> None:
        """Create the cache folder, marked as one (raises OSError when it cannot)."""
        assert self.root is not None
        if (self.root / "CACHEDIR.TAG").is_file():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        # Never committed, never backed up: it is rebuilt from the notes.
        (self.root / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")
        (self.root / "CACHEDIR.TAG").write_text(_CACHEDIR_TAG, encoding="utf-8")

    def clear(self) -> None:
        """Remove every entry of the cache folder (of any key), and the folder when nothing
        else is in it. Only glosa's own files go: a folder named by mistake (``.``) loses
        nothing else."""
        if self.root is None or not self.root.is_dir() or self.root.is_symlink():
            return
        for entry in self.root.glob("*.msgpack"):
            if entry.is_file() and not entry.is_symlink():
                entry.unlink()
        # The folders the build keeps files in: kept pages, search bundles, compiled
        # templates (a link of that name is not followed).
        for name in CACHE_FOLDERS:
            folder = self.root / name
            if folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)
        for marker in (".gitignore", "CACHEDIR.TAG"):
            path = self.root / marker
            if path.is_file() and path.read_text(encoding="utf-8", errors="replace") in (
                    _GITIGNORE, _CACHEDIR_TAG):
                path.unlink()
        with contextlib.suppress(OSError):
            self.root.rmdir()
