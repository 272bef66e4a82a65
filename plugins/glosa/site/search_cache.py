"""Search bundles kept between builds: a language whose search records are the ones an
earlier build indexed, in the same order, gets that build's Pagefind bundle back instead
of indexing them again.

Pagefind writes a bundle from the records it is given, in their order; a build that hands
it the same records gets the same files. :class:`KeptSearchIndex` sits in front of a
:class:`~glosa.site.search_index.SearchIndexer`: while a language's records are the kept ones
(compared by digest, as they come) it holds them back; at the first record that differs
it hands the ones held back to Pagefind and the rest go straight through. When the build
ends, a language that matched to the last record has its kept files copied in (each
checked against its size and SHA-256; one that fails makes the language indexed after
all), and the bundles Pagefind wrote are kept for the next build. The list of records and
files is a :class:`~glosa.cache.CacheStore` entry, so a stale or damaged one reads as
missing.

Nothing here knows MkDocs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import posixpath
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..cache import CacheStore, kept_file_unchanged
from ..safepaths import (
    UnsafePathError,
    inside,
    is_language_code,
    is_plain_relative,
    remove_tree,
)
from .old_output import ReusedOutput
from .search_index import RecordSpool, SearchIndexer

__all__ = ["KeptSearchIndex", "pagefind_version"]

log = logging.getLogger(__name__)

_ENTRY = "search"


def pagefind_version() -> str:
    """The installed Pagefind's version (part of the cache's key: another Pagefind writes
    other files)."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package in ("pagefind", "pagefind_bin", "pagefind_bin_extended"):
        try:
            found.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            pass
    return ",".join(found)


def _digest(data: bytes) -> tuple[int, str]:
    return len(data), hashlib.sha256(data).hexdigest()


class KeptSearchIndex:
    """The search index of one build, reusing kept bundles (see the module's text).

    ``start`` makes the real indexer, only when a language needs indexing."""

    def __init__(self, output_dir: Path, store: CacheStore, folder: Path,
                 start: Callable[[], SearchIndexer], *,
                 previous: ReusedOutput | None = None) -> None:
        self.output_dir = output_dir
        #: The previous output, put back in the site to be written over (old_output.py).
        self.previous = previous
        self.store = store
        self.folder = folder
        self._start = start
        self._indexer: SearchIndexer | None = None
        loaded = store.load(_ENTRY)
        self._kept: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
        #: Per language: the (URL, record digest) of every record of this build.
        self._seen: dict[str, list[list[str]]] = {}
        #: Per language still matching the kept records: the records held back (on disk:
        #: an unchanged language holds back every record it has until the build ends).
        self._held: dict[str, RecordSpool] = {}
        self._passing: set[str] = set()
        #: Languages whose bundle came from the cache / was written by Pagefind.
        self.reused: set[str] = set()
        self.indexed: set[str] = set()

    def _kept_records(self, lang: str) -> list[Any]:
        entry = self._kept.get(lang)
        records = entry.get("records") if isinstance(entry, dict) else None
        return records if isinstance(records, list) else []

    def _real(self) -> SearchIndexer:
        if self._indexer is None:
            self._indexer = self._start()
        return self._indexer

    def add(self, lang: str, url: str, record: str) -> None:
        digest = hashlib.blake2b(record.encode("utf-8", "surrogatepass"),
                                 digest_size=16).hexdigest()
        seen = self._seen.setdefault(lang, [])
        seen.append([url, digest])
        if lang in self._passing:
            self._real().add(lang, url, record)
            return
        kept = self._kept_records(lang)
        at = len(seen) - 1
        if at < len(kept) and kept[at] == seen[at]:
            held = self._held.get(lang)
            if held is None:
                held = self._held[lang] = RecordSpool()
            held.append(url, record)
            return
        self._pass(lang)
        self._real().add(lang, url, record)

    def _pass(self, lang: str) -> None:
        """From now on ``lang``'s records go to Pagefind, the held ones first."""
        self._passing.add(lang)
        indexer = self._real()
        held = self._held.pop(lang, None)
        if held is not None:
            for url, record in held:
                indexer.add(lang, url, record)
            held.close()

    def finish(self) -> None:
        """Copy in the bundles kept for unchanged languages, have Pagefind write the
        others, and keep what was written."""
        for lang in list(self._held):
            if len(self._seen[lang]) != len(self._kept_records(lang)) or not self._restore(lang):
                self._pass(lang)
        self.reused = set(self._held)
        self._release_held()
        if self._indexer is not None:
            self._indexer.finish()
        self.indexed = set(self._passing)
        entry: dict[str, Any] = {lang: self._kept[lang] for lang in self.reused}
        for lang in sorted(self.indexed):
            files = self._keep(lang)
            if files is not None:
                entry[lang] = {"records": self._seen[lang], "files": files}
        if entry != self._kept:
            self.store.save(_ENTRY, entry)

    def abort(self) -> None:
        self._release_held()
        if self._indexer is not None:
            self._indexer.abort()

    def _release_held(self) -> None:
        for held in self._held.values():
            held.close()
        self._held = {}

    def _restore(self, lang: str) -> bool:
        """Copy ``lang``'s kept bundle into the site when every file checks out."""
        entry = self._kept.get(lang)
        files = entry.get("files") if isinstance(entry, dict) else None
        if not is_language_code(lang) or not isinstance(files, list) or not files:
            return False
        try:
            source = inside(self.folder, self.folder / lang)
            target = inside(self.output_dir, self.output_dir / lang)
            plan: list[tuple[str, bytes | None, Any, Any]] = []
            for rel, size, digest, *stamp in files:
                # Checked by its words, not by resolving each of thousands of paths: the
                # folder it lands in is made anew here, so no link in it leads out.
                if not is_plain_relative(rel):
                    raise ValueError(f"{rel!r} is not a path inside the bundle")
                if stamp and kept_file_unchanged(source / rel, size, stamp[0]):
                    plan.append((rel, None, size, digest))  # linked: the kept file
                    continue
                data = (source / rel).read_bytes()
                if _digest(data) != (size, digest):
                    log.info("search cache: %s is damaged; indexing '%s' again",
                             source / rel, lang)
                    return False
                plan.append((rel, data, size, digest))
            reused = self.previous
            if reused is None:
                remove_tree(self.output_dir, target)
            made: set[str] = set()
            for rel, data, size, digest in plan:
                if data is None and reused is not None and reused.holds(target / rel,
                                                                        source / rel):
                    continue  # the previous output's link to the kept file
                folder = posixpath.dirname(rel)
                if folder not in made:
                    (target / folder).mkdir(parents=True, exist_ok=True)
                    made.add(folder)
                if reused is not None:  # whatever is there goes: never written through
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(target / rel)
                if data is None:
                    try:
                        os.link(source / rel, target / rel)
                        continue
                    except OSError:  # another file system: a copy, checked
                        data = (source / rel).read_bytes()
                    if _digest(data) != (size, digest):
                        raise ValueError(f"{source / rel} changed while it was read")
                (target / rel).write_bytes(data)
        except (OSError, ValueError, TypeError, UnsafePathError) as exc:
            log.info("search cache: cannot reuse the bundle of '%s' (%s)", lang, exc)
            remove_tree(self.output_dir, self.output_dir / lang)
            return False
        return True

    def _keep(self, lang: str) -> list[list[Any]] | None:
        """Keep the bundle Pagefind wrote for ``lang`` (hard links where the file system
        allows, else copies); its files with size and SHA-256, or None."""
        bundle = self.output_dir / lang
        kept_dir = self.folder / lang
        try:
            # A bundle whose entry file does not name its language (Pagefind stopped while
            # writing it) is not kept: the next build indexes the language again.
            entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
            if not isinstance(entry, dict) or not entry.get("languages"):
                return None
        except (OSError, ValueError) as exc:
            log.info("search cache: the bundle of '%s' is incomplete (%s); not kept", lang, exc)
            return None
        try:
            self.store.prepare()
            remove_tree(self.folder, kept_dir)
            files = []
            for dirpath, dirnames, filenames in os.walk(bundle):
                dirnames.sort()
                # Each folder made once, not once a file: a bundle's thousands of fragments
                # share one folder.
                folder = kept_dir / Path(dirpath).relative_to(bundle)
                folder.mkdir(parents=True, exist_ok=True)
                for name in sorted(filenames):
                    path = Path(dirpath) / name
                    dest = folder / name
                    try:
                        os.link(path, dest)
                    except OSError:
                        shutil.copyfile(path, dest)
                    # The kept file's size and time: a change through a hard link from
                    # the site changes them, and the file is then checked by its bytes.
                    with open(dest, "rb", buffering=0) as kept:
                        data = kept.readall()
                        mtime = os.fstat(kept.fileno()).st_mtime_ns
                    files.append([path.relative_to(bundle).as_posix(), *_digest(data), mtime])
        except (OSError, UnsafePathError) as exc:
            log.info("search cache: cannot keep the bundle of '%s' (%s)", lang, exc)
            return None
        return files
