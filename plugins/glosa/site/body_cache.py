"""Note bodies rendered and sanitized by an earlier build, kept for the next one.

Rendering a note (markdown-it and glosa's rules) and sanitizing its HTML are most of what a
build spends on a note that did not change. A body is a function of its note's text, the
settings it was rendered with and what the renderer read of the rest of the site: the
resolution of every link it wrote, the address of every file and tag page it linked to,
the text of every note it embedded. The renderer records those as questions with their
answers (:class:`~glosa.render.RenderDeps`); a kept body is used only when its note's text
and every embedded note's text have the same digest and every question gets the same
answer in this build (:func:`~glosa.render.dependencies_hold`).

Where the bodies live: a 10,000-note site keeps some 70 MB of them, which a build need
not hold in memory. Each body is packed on its own into one file, ``bodies/<name>.bin`` in
the cache folder, as it is kept; the list of kept pages, with where each body is in that
file and its digest, is a :class:`~glosa.cache.CacheStore` entry, so a stale or damaged
list reads as missing, and a body whose bytes do not match their digest is rendered again.
A build reads a body only when its page asks for it, and writes a new file (the bodies it
rendered, then the ones it reused, copied across) only when the list changed.

Nothing here knows MkDocs.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Any

from ..cache import CacheStore, pack, unpack
from ..reading.model import Note
from ..reading.vault import encode_notes
from ..render import RenderDeps, RenderedNote, TocEntry, UnresolvedLink, dependencies_hold
from ..render.core import TagHref
from .model import SiteModel

__all__ = ["BodyCache", "CachedBody"]

log = logging.getLogger(__name__)

_ENTRY = "bodies"
_FOLDER = "bodies"
#: The name of a bodies file: glosa's own random one, never a value from the cache entry.
_BLOB_NAME = re.compile(r"[0-9a-f]{16}")
#: The file a build writes its new bodies to, before it is put in place.
_TEMPORARY = re.compile(r"\.[0-9a-f]{16}\.tmp")
# Where the vault is, not what a note says: a moved checkout keeps its bodies.
_ABS_PATH = [f.name for f in fields(Note)].index("abs_path")


@dataclass
class CachedBody:
    """A note's body as an earlier build sanitized it, and what its render reported."""

    content: str
    rendered: RenderedNote
    #: What its render asked of the rest of the site (and the answers, which hold in
    #: this build), and the notes whose text it showed.
    questions: list[Any] = field(default_factory=list)
    answers: list[Any] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def _toc_values(entries: list[TocEntry]) -> list[Any]:
    return [[e.level, e.id, e.title, _toc_values(e.children)] for e in entries]


def _toc_entries(values: Any) -> list[TocEntry]:
    return [TocEntry(int(level), str(id_), str(title), _toc_entries(children))
            for level, id_, title, children in values]


def _body_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class BodyCache:
    """The kept bodies of one build, in ``store``; ``notes_by_path``: the site's notes."""

    def __init__(self, store: CacheStore, model: SiteModel,
                 notes_by_path: Mapping[str, Note]) -> None:
        self.store = store
        self.model = model
        self.notes_by_path = dict(notes_by_path)
        self._digests: dict[str, str | None] = {}
        assert store.root is not None
        self.folder = store.root / _FOLDER
        loaded = store.load(_ENTRY)
        blob = loaded.get("blob") if isinstance(loaded, dict) else None
        pages = loaded.get("pages") if isinstance(loaded, dict) else None
        #: The bodies file of the earlier build (None: none, or not one of glosa's names).
        self._old_blob: Path | None = (
            self.folder / f"{blob}.bin" if isinstance(blob, str)
            and _BLOB_NAME.fullmatch(blob) else None)
        #: Page → [key, offset, size, digest] of its body in the earlier build's file.
        self._known: dict[str, list[Any]] = (
            {k: v for k, v in pages.items() if isinstance(k, str) and isinstance(v, list)
             and len(v) == 4} if isinstance(pages, dict) and self._old_blob else {})
        self._old: IO[bytes] | None = None
        #: This build's bodies file, written while the build goes on, and its name.
        self._new: IO[bytes] | None = None
        self._new_name = secrets.token_hex(8)
        #: Page → [key, offset, size, digest]: in the new file when the page is in
        #: ``_fresh``, else (a reused body) in the earlier build's file.
        self._kept: dict[str, list[Any]] = {}
        self._fresh: set[str] = set()
        #: Pages whose body came from the cache / was rendered (this build), by source path.
        self.hits: set[str] = set()
        self.rendered: set[str] = set()

    def note_digest(self, path: str) -> str | None:
        """A digest of everything glosa read of a note (None: no such note, or a value
        the cache cannot hold, when the note's body is not kept)."""
        if path in self._digests:
            return self._digests[path]
        note = self.notes_by_path.get(path)
        digest: str | None = None
        if note is not None:
            values = encode_notes([note])[0]
            values[_ABS_PATH] = None
            try:
                digest = hashlib.blake2b(pack(values), digest_size=16).hexdigest()
            except (TypeError, ValueError, OverflowError):
                digest = None
        self._digests[path] = digest
        return digest

    def page_key(self, note: Note, settings: list[Any]) -> str | None:
        """The key of a page's body: its note's digest and the page's own settings
        (address, title, wording), or None when the note cannot be kept."""
        digest = self.note_digest(note.path)
        if digest is None:
            return None
        try:
            return hashlib.blake2b(pack([digest, settings]), digest_size=16).hexdigest()
        except (TypeError, ValueError, OverflowError):
            return None

    def _read_old(self, offset: Any, size: Any, digest: Any) -> bytes | None:
        """A body's bytes in the earlier build's file, when they match their digest."""
        if not (isinstance(offset, int) and isinstance(size, int) and offset >= 0
                and size >= 0 and isinstance(digest, str)) or self._old_blob is None:
            return None
        try:
            if self._old is None:
                self._old = open(self._old_blob, "rb")  # closed in finish or close
            self._old.seek(offset)
            data = self._old.read(size)
        except OSError:
            return None
        return data if len(data) == size and _body_digest(data) == digest else None

    def lookup(self, src: str, key: str, url_of: Callable[[str], str],
               tag_href: TagHref) -> CachedBody | None:
        """The kept body of page ``src`` when it was made under ``key`` and what it read
        is unchanged, else None."""
        known = self._known.get(src)
        if known is None or known[0] != key:
            return None
        data = self._read_old(*known[1:])
        if data is None:
            return None
        try:
            entry = unpack(data)
            facts, texts, content, toc, unresolved, warnings, uses = entry
            for path, digest in texts:
                if digest is None or self.note_digest(str(path)) != digest:
                    return None
            if not dependencies_hold([(q, a) for q, a in facts], self.model, url_of,
                                     tag_href, self.notes_by_path):
                return None
            rendered = RenderedNote(
                "", _toc_entries(toc),
                [UnresolvedLink(str(p), int(line), int(col), str(raw))
                 for p, line, col, raw in unresolved],
                [str(w) for w in warnings], {str(u) for u in uses})
            if not isinstance(content, str):
                return None
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            return None  # an entry of another shape: rendered again
        self._kept[src] = known
        self.hits.add(src)
        return CachedBody(content, rendered, [list(q) for q, _ in facts],
                          [a for _, a in facts], [str(path) for path, _ in texts])

    def carry(self, src: str) -> None:
        """Keep page ``src``'s body as the earlier build kept it, unread: its page was
        taken whole from the cache, from the same note (settled_pages.py)."""
        known = self._known.get(src)
        if known is not None:
            self._kept[src] = known

    def keep(self, src: str, key: str, deps: RenderDeps, content: str,
             rendered: RenderedNote) -> None:
        """Keep the sanitized ``content`` of page ``src`` for the next build."""
        self.rendered.add(src)
        texts = [[path, self.note_digest(path)] for path in sorted(deps.texts)]
        if any(digest is None for _, digest in texts):
            return
        try:
            data = pack([[[list(q), a] for q, a in deps.facts.items()], texts, content,
                         _toc_values(rendered.toc),
                         [[u.path, u.line, u.column, u.raw] for u in rendered.unresolved],
                         list(rendered.warnings), sorted(rendered.uses)])
        except (TypeError, ValueError, OverflowError):
            return
        try:
            new = self._new_file()
            offset = new.tell()
            new.write(data)
        except OSError as exc:
            log.info("cache: cannot keep note bodies in %s (%s)", self.folder, exc)
            return
        self._kept[src] = [key, offset, len(data), _body_digest(data)]
        self._fresh.add(src)

    def _new_file(self) -> IO[bytes]:
        if self._new is None:
            self.store.prepare()
            self.folder.mkdir(exist_ok=True)
            self._new = open(self._temporary, "wb")  # closed in finish or close
        return self._new

    @property
    def _temporary(self) -> Path:
        return self.folder / f".{self._new_name}.tmp"

    def in_another_process(self) -> None:
        """This object now serves a forked process of the build: its bodies go to a file
        of its own, and the earlier build's file is read through a handle of its own (a
        handle shared across a fork shares its position)."""
        self._old = None
        self._new = None
        self._new_name = secrets.token_hex(8)

    def state(self) -> dict[str, Any]:
        """The bodies a forked process of the build used and kept, for the first one to
        take in (:meth:`absorb`); its file of new bodies is closed."""
        if self._new is not None:
            try:
                self._new.close()
            except OSError:
                pass
            self._new = None
        return {"kept": self._kept, "fresh": sorted(self._fresh),
                "file": str(self._temporary) if self._fresh else None,
                "hits": sorted(self.hits), "rendered": sorted(self.rendered)}

    def absorb(self, state: dict[str, Any]) -> None:
        """Take in the bodies another process of this build used and kept (its pages
        come after this process's, so the list keeps page order): its new bodies are
        copied into this process's file, and its file removed."""
        self.hits.update(state["hits"])
        self.rendered.update(state["rendered"])
        fresh = set(state["fresh"])
        name = state["file"]
        source: IO[bytes] | None = None
        try:
            if name is not None:
                path = Path(name)
                # Only a file of this cache's folder, named as the cache names them.
                if path.parent != self.folder or not _TEMPORARY.fullmatch(path.name):
                    return
                source = open(path, "rb")
            for src, entry in state["kept"].items():
                if src not in fresh:
                    self._kept[src] = entry
                    continue
                key, offset, size, digest = entry
                assert source is not None
                source.seek(offset)
                data = source.read(size)
                if len(data) != size or _body_digest(data) != digest:
                    continue  # rendered again by the next build
                new = self._new_file()
                self._kept[src] = [key, new.tell(), size, digest]
                new.write(data)
                self._fresh.add(src)
        except OSError as exc:
            log.info("cache: cannot keep note bodies in %s (%s)", self.folder, exc)
        finally:
            if source is not None:
                source.close()
                try:
                    Path(name).unlink()
                except OSError:
                    pass

    def finish(self) -> None:
        """Save the bodies this build used (unless it used exactly the kept ones): the
        reused ones are copied after the new ones, the file is put in place, then the
        list that names it, and the earlier file goes."""
        try:
            if not self._fresh and self._kept.keys() == self._known.keys():
                return
            pages: dict[str, list[Any]] = {}
            try:
                new = self._new_file()
                for src, (key, offset, size, digest) in self._kept.items():
                    if src not in self._fresh:
                        data = self._read_old(offset, size, digest)
                        if data is None:
                            continue
                        offset = new.tell()
                        new.write(data)
                    pages[src] = [key, offset, size, digest]
                new.flush()
                os.fsync(new.fileno())
                new.close()
                os.replace(self._temporary, self.folder / f"{self._new_name}.bin")
            except OSError as exc:
                log.info("cache: cannot keep note bodies in %s (%s)", self.folder, exc)
                return
            self.store.save(_ENTRY, {"blob": self._new_name, "pages": pages})
            self._remove_others()
        finally:
            self.close()

    def _remove_others(self) -> None:
        """The bodies files no list names any more (this build's is the one named now)."""
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        for name in names:
            if name != f"{self._new_name}.bin" and (
                    (name.endswith(".bin") and _BLOB_NAME.fullmatch(name[:-4]))
                    or name == self._temporary.name):
                try:
                    (self.folder / name).unlink()
                except OSError:
                    pass

    def close(self) -> None:
        """Let go of the files (a failed build keeps nothing of this one's bodies)."""
        for handle in (self._old, self._new):
            if handle is not None:
                handle.close()
        self._old = None
        if self._new is not None:
            self._new = None
            try:
                self._temporary.unlink()
            except OSError:
                pass
