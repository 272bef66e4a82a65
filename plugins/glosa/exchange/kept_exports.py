"""The site's downloads kept between builds (engine-free: the adapter puts the files in
the site).

The downloads of a 10,000-note glossary are some 75 MB (TBX twice, CSV, JSON) and take
seconds to make. They are made from the published notes alone (:func:`collect_glossary`
reads their frontmatter, text and paths, and nothing else), their page addresses, the
site's title and address: a build whose digest of all of these is the one an earlier
build kept its downloads under takes that build's files, and its concepts' IRIs, instead.
The digest covers every note of the vault (whether published or not), so it changes
with any edit to any note: exact, never stale, at the price of making the downloads
again after any edit. A kept file is used only when it has the size and modification
time it was kept with, else when its SHA-256 is the one kept; anything else is made again.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from ..cache import CacheStore, kept_file_unchanged, pack
from ..reading.model import Note
from .site_exports import SiteExports

__all__ = ["FOLDER", "KeptExports", "exports_key"]

log = logging.getLogger(__name__)

#: The cache folder's folder of kept downloads.
FOLDER = "exports"
_ENTRY = "site-exports"


def exports_key(notes: Iterable[Note], *, note_digest: Callable[[str], str | None],
                include: Callable[[Note], bool], page_url: Callable[[Note], str],
                title: str, site_url: str, settings: str) -> str | None:
    """The digest the downloads of these notes are kept under (None: a note the cache
    cannot hold, when they are made every build). ``settings``: the reading settings,
    as text."""
    parts: list[Any] = [title, site_url, settings]
    for note in sorted(notes, key=lambda n: n.path):
        digest = note_digest(note.path)
        if digest is None:
            return None
        published = include(note)
        parts.append([note.path, digest, published, page_url(note) if published else ""])
    try:
        return hashlib.blake2b(pack(parts), digest_size=16).hexdigest()
    except (TypeError, ValueError, OverflowError):
        return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class KeptExports:
    """The downloads an earlier build kept, and this build's, in ``store``'s folder."""

    def __init__(self, store: CacheStore) -> None:
        assert store.root is not None
        self.store = store
        self.folder = store.root / FOLDER

    def load(self, key: str, notes_by_path: Mapping[str, Note]) -> SiteExports | None:
        """The downloads kept under ``key``, every file checked; None when there are none
        or one does not check out."""
        entry = self.store.load(_ENTRY)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        files, iris = entry.get("files"), entry.get("iris")
        if not isinstance(files, list) or not isinstance(iris, dict):
            return None
        out = SiteExports(None)
        for item in files:
            if not (isinstance(item, list) and len(item) == 6
                    and all(isinstance(v, str) for v in item[:3])):
                return None
            path, fmt, name, size, sha, mtime = item
            # The name is glosa's own (the download's file name), never a note's value.
            if name != path.rsplit("/", 1)[-1] or not name or name.startswith("."):
                return None
            kept = self.folder / name
            if not kept_file_unchanged(kept, size, mtime):
                try:
                    if os.path.getsize(kept) != size or _sha256(kept) != sha:
                        log.info("exports cache: %s is damaged; making the downloads again",
                                 kept)
                        return None
                except OSError:
                    return None
            out.kept[path] = (fmt, kept, int(size))
        for path, iri in iris.items():
            note = notes_by_path.get(path) if isinstance(path, str) else None
            if note is not None and isinstance(iri, str):
                out.iris[id(note)] = iri
        return out

    def keep(self, key: str, exports: SiteExports) -> SiteExports:
        """Keep this build's downloads under ``key``; the same downloads, as kept files
        (the ones made, in memory, where they cannot be kept)."""
        try:
            self.store.prepare()
            self.folder.mkdir(exist_ok=True)
            listed: list[list[Any]] = []
            kept: dict[str, tuple[str, Path, int]] = {}
            for path, (fmt, data) in exports.files.items():
                name = path.rsplit("/", 1)[-1]
                target = self.folder / name
                temporary = self.folder / f".glosa-{secrets.token_hex(8)}.tmp"
                try:
                    temporary.write_bytes(data)
                    os.replace(temporary, target)
                finally:
                    with contextlib.suppress(OSError):
                        temporary.unlink()
                mtime = os.stat(target).st_mtime_ns
                listed.append([path, fmt, name, len(data), hashlib.sha256(data).hexdigest(),
                               mtime])
                kept[path] = (fmt, target, len(data))
        except OSError as exc:
            log.info("exports cache: cannot keep the downloads (%s)", exc)
            return exports
        by_id = {id(note): note.path for note in exports.notes}
        iris = {by_id[i]: iri for i, iri in exports.iris.items() if i in by_id}
        self.store.save(_ENTRY, {"key": key, "files": listed, "iris": iris})
        return SiteExports(exports.glossary, {}, dict(exports.iris), kept, exports.notes)
