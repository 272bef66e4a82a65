"""Note pages a build takes whole from the cache, without reading or rendering them
(adapter): the pages whose inputs are the ones an earlier build wrote them from.

The page cache (page_build.py) keys a page by its template's context, which a build must
make first: the note's body, its term furniture, the context's hash. For a build in a new
process after a one-note edit that is most of the work of a cold build, spent on pages
that come out the same. This module keys a note page by what it is made from
(:class:`~glosa.site.page_inputs.PageInputs`) before any page is read. A page whose
inputs are unchanged and whose kept file checks out is *settled*: every process of the
build gives it only the light metadata the navigation and the sitemap read (as for a page
another process builds), its kept file is linked into ``site_dir``, its kept search record
goes to the index in its place in page order, and the warnings its render gave are logged
again, so ``--strict`` fails the same way.

What each page was made from is kept beside the page cache's list, under the same key
(glosa's, MkDocs' and Material's versions, the settings, the theme): the digest of its
inputs, its page hash, what its body's render asked and showed, its search record and its
render's warnings.

Not settled: homes (their overview lists the whole language), pages in the navigation
(their title is the navigation's), generated pages, and every page when another plugin
handles page events, under `mkdocs serve` or with ``--dirty``.

``GLOSA_VERIFY_SETTLED=1`` in the environment makes every page as usual and logs a
warning for each page that would have been settled but came out different: the test of
this module's inputs on a real vault.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.pages import Page

from ..cache import pack, unpack
from ..reading.model import Note
from ..render import RenderedNote, UnresolvedLink
from ..site.page_inputs import PageInputs
from .page_build import PageCache
from .page_workers import QuietSkips

if TYPE_CHECKING:
    from .plugin import GlosaPlugin

__all__ = ["VERIFY_ENV", "SettledPage", "SettledPages"]

log = get_plugin_logger(__name__)

VERIFY_ENV = "GLOSA_VERIFY_SETTLED"


@dataclass
class SettledPage:
    """A kept note page: the digest of its inputs, its page hash, what its body's render
    asked (``questions``) and showed (``texts``), its search record and its warnings."""

    digest: str
    page_hash: str
    questions: list[list[Any]]
    texts: list[str]
    record: list[str] | None  # [language, URL, record]
    warnings: list[str]
    unresolved: list[list[Any]]

    def entry(self) -> bytes:
        """The page's entry as kept (packed and compressed: a build holds thousands until
        it ends, each repeating the paths its questions name)."""
        return zlib.compress(pack([self.digest, self.page_hash, self.questions, self.texts,
                                   self.record, self.warnings, self.unresolved]), 1)

    @classmethod
    def from_entry(cls, data: bytes) -> SettledPage | None:
        try:
            digest, page_hash, questions, texts, record, warnings, unresolved = unpack(
                zlib.decompress(data))
        except (TypeError, ValueError, zlib.error):  # msgpack's errors are ValueErrors
            return None
        plain = (isinstance(digest, str) and isinstance(page_hash, str)
                 and isinstance(questions, list)
                 and all(isinstance(q, list) for q in questions)
                 and isinstance(texts, list) and all(isinstance(t, str) for t in texts)
                 and (record is None or (isinstance(record, list) and len(record) == 3
                                         and all(isinstance(r, str) for r in record)))
                 and isinstance(warnings, list) and all(isinstance(w, str) for w in warnings)
                 and isinstance(unresolved, list)
                 and all(isinstance(u, list) and len(u) == 4 for u in unresolved))
        if not plain:
            return None
        return cls(digest, page_hash, questions, texts, record, warnings, unresolved)

    def rendered(self) -> RenderedNote:
        """What its render reported, to be reported again."""
        return RenderedNote("", [], [UnresolvedLink(str(p), int(line), int(col), str(raw))
                                     for p, line, col, raw in self.unresolved],
                            list(self.warnings), set())


@dataclass
class _Made:
    """A note page made this build; what its body asked and showed and what its render
    reported, packed; its search record."""

    page: Page
    note: Note
    packed: bytes
    record: list[str] | None = None


class SettledPages:
    """The settled pages of one build, and what the pages it makes are made from."""

    def __init__(self, cache: PageCache, inputs: PageInputs,
                 page_values: Callable[[Page, Note], Sequence[Any]],
                 tag_href: Callable[[Page, Note], Callable[[str], str | None]]) -> None:
        self.cache = cache
        self.inputs = inputs
        self.page_values = page_values
        self.tag_href = tag_href
        #: The pages this build takes from the cache, by source path: the page hash and
        #: the entry (read again when the page is taken, not held unpacked).
        self.found: dict[str, tuple[str, bytes]] = {}
        #: With GLOSA_VERIFY_SETTLED: the pages that would have been, made as usual.
        self.predicted: dict[str, tuple[str, bytes]] = {}
        self._made: dict[str, _Made] = {}
        self._quiet = QuietSkips(set())

    def find(self, candidates: list[tuple[Page, Note]]) -> None:
        """Settle the candidate pages whose inputs and kept file are unchanged."""
        kept = self.cache.settled_entries()
        for page, note in candidates:
            src = page.file.src_uri
            entry = kept.pop(src, None)  # let go of each entry once read
            if entry is None:
                continue
            settled = SettledPage.from_entry(entry)
            if settled is None:
                continue
            digest = self.inputs.digest(note, page.url, self.page_values(page, note),
                                        settled.questions, settled.texts,
                                        self.tag_href(page, note))
            if digest == settled.digest and self.cache.page_file_ok(settled.page_hash):
                self.found[src] = (settled.page_hash, entry)
        if os.environ.get(VERIFY_ENV):
            self.predicted, self.found = self.found, {}
        self._quiet = QuietSkips(self.found)  # as it is when the pages are written
        self._quiet.start()
        log.debug("%d pages settled from the cache", len(self.found))

    def take(self, page: Page) -> SettledPage | None:
        """Put a settled page's kept file in ``site_dir``; None when it cannot be, and the
        page is no longer settled (this process, which builds it, makes it as usual)."""
        src = page.file.src_uri
        page_hash, entry = self.found[src]
        settled = SettledPage.from_entry(entry)
        if settled is None or not self.cache.link_settled(src, page_hash, page.file.dest_uri):
            del self.found[src]
            return None
        self.cache.settled[src] = (page_hash, entry)
        return settled

    def made(self, page: Page, note: Note, questions: list[list[Any]], answers: list[Any],
             texts: list[str], rendered: RenderedNote) -> None:
        """A note page made this build, what its body's render asked (with this build's
        answers) and showed, and what it reported."""
        unresolved = [[u.path, u.line, u.column, u.raw] for u in rendered.unresolved]
        try:
            packed = zlib.compress(pack([questions, answers, texts, list(rendered.warnings),
                                         unresolved]), 1)
        except (TypeError, ValueError, OverflowError):
            return
        self._made[page.file.src_uri] = _Made(page, note, packed)

    def record(self, src: str, lang: str, url: str, record: str) -> None:
        made = self._made.get(src)
        if made is not None:
            made.record = [lang, url, record]

    def keep_made(self) -> None:
        """Record what each page made here was made from (once its page hash is known),
        for the next build; with GLOSA_VERIFY_SETTLED, warn of each predicted page that
        came out different."""
        for src, made in self._made.items():
            page_hash = self.cache.page_hashes.get(src)
            if page_hash is None:
                continue
            predicted = self.predicted.get(src)
            if predicted is not None and predicted[0] != page_hash:
                log.warning("%s: settled from the cache, this page would have been stale",
                            src)
            questions, answers, texts, warnings, unresolved = unpack(
                zlib.decompress(made.packed))
            digest = self.inputs.digest(made.note, made.page.url,
                                        self.page_values(made.page, made.note),
                                        questions, texts, self.tag_href(made.page, made.note),
                                        answers)
            if digest is None:
                continue
            page = SettledPage(digest, page_hash, questions, texts, made.record, warnings,
                               unresolved)
            try:
                self.cache.settled[src] = (page_hash, page.entry())
            except (TypeError, ValueError, OverflowError):
                continue
        self._made = {}

    def stop(self) -> None:
        self._quiet.stop()


def settle_candidates(plugin: GlosaPlugin, pages: list[Page], nav: Any) -> list[tuple[Page, Note]]:
    """The note pages that may be settled: readable notes outside the navigation, not a
    language's home."""
    in_nav = {id(page) for page in getattr(nav, "pages", [])}
    homes = set(plugin.homes.values())
    found = []
    for page in pages:
        if id(page) in in_nav:
            continue
        note = plugin._note_at(page.file.src_uri)
        if note is None or not note.readable or note.path in homes:
            continue
        found.append((page, note))
    return found
