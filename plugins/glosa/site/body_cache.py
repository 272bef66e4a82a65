"""Note bodies rendered and sanitized by an earlier build, kept for the next one.

Rendering a note (markdown-it and glosa's rules) and sanitizing its HTML are most of what a
build spends on a note that did not change. A body is a function of its note's text, the
settings it was rendered with and what the renderer read of the rest of the site: the
resolution of every link it wrote, the address of every file and tag page it linked to,
the text of every note it embedded. The renderer records those as questions with their
answers (:class:`~glosa.render.RenderDeps`); a kept body is used only when its note's text
and every embedded note's text have the same digest and every question gets the same
answer in this build (:func:`~glosa.render.dependencies_hold`). The entry is a
:class:`~glosa.cache.CacheStore` entry, so a stale or damaged one reads as missing.

Nothing here knows MkDocs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from ..cache import CacheStore, pack
from ..reading.model import Note
from ..reading.vault import encode_notes
from ..render import RenderDeps, RenderedNote, TocEntry, UnresolvedLink, dependencies_hold
from ..render.core import TagHref
from .model import SiteModel

__all__ = ["BodyCache", "CachedBody"]

_ENTRY = "bodies"
# Where the vault is, not what a note says: a moved checkout keeps its bodies.
_ABS_PATH = [f.name for f in fields(Note)].index("abs_path")


@dataclass
class CachedBody:
    """A note's body as an earlier build sanitized it, and what its render reported."""

    content: str
    rendered: RenderedNote


def _toc_values(entries: list[TocEntry]) -> list[Any]:
    return [[e.level, e.id, e.title, _toc_values(e.children)] for e in entries]


def _toc_entries(values: Any) -> list[TocEntry]:
    return [TocEntry(int(level), str(id_), str(title), _toc_entries(children))
            for level, id_, title, children in values]


class BodyCache:
    """The kept bodies of one build, in ``store``; ``notes_by_path``: the site's notes."""

    def __init__(self, store: CacheStore, model: SiteModel,
                 notes_by_path: Mapping[str, Note]) -> None:
        self.store = store
        self.model = model
        self.notes_by_path = dict(notes_by_path)
        self._digests: dict[str, str | None] = {}
        loaded = store.load(_ENTRY)
        self._known: dict[str, list[Any]] = (
            {k: v for k, v in loaded.items() if isinstance(k, str) and isinstance(v, list)}
            if isinstance(loaded, dict) else {})
        self._kept: dict[str, list[Any]] = {}
        self._changed = False
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

    def lookup(self, src: str, key: str, url_of: Callable[[str], str],
               tag_href: TagHref) -> CachedBody | None:
        """The kept body of page ``src`` when it was made under ``key`` and what it read
        is unchanged, else None."""
        entry = self._known.get(src)
        if entry is None or len(entry) != 8 or entry[0] != key:
            return None
        try:
            _, facts, texts, content, toc, unresolved, warnings, uses = entry
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
        self._kept[src] = entry
        self.hits.add(src)
        return CachedBody(content, rendered)

    def keep(self, src: str, key: str, deps: RenderDeps, content: str,
             rendered: RenderedNote) -> None:
        """Keep the sanitized ``content`` of page ``src`` for the next build."""
        self.rendered.add(src)
        texts = [[path, self.note_digest(path)] for path in sorted(deps.texts)]
        if any(digest is None for _, digest in texts):
            return
        self._kept[src] = [key, [[list(q), a] for q, a in deps.facts.items()], texts,
                           content, _toc_values(rendered.toc),
                           [[u.path, u.line, u.column, u.raw] for u in rendered.unresolved],
                           list(rendered.warnings), sorted(rendered.uses)]
        self._changed = True

    def state(self) -> dict[str, Any]:
        """The bodies this build used and kept, for another process of it to take in."""
        return {"kept": self._kept, "hits": sorted(self.hits),
                "rendered": sorted(self.rendered), "changed": self._changed}

    def absorb(self, state: dict[str, Any]) -> None:
        """Take in the bodies another process of this build used and kept (its pages
        come after this process's, so the entry keeps page order)."""
        self._kept.update(state["kept"])
        self.hits.update(state["hits"])
        self.rendered.update(state["rendered"])
        self._changed = self._changed or bool(state["changed"])

    def finish(self) -> None:
        """Save the bodies this build used (unless it used exactly the kept ones)."""
        if self._changed or self._kept.keys() != self._known.keys():
            self.store.save(_ENTRY, self._kept)
