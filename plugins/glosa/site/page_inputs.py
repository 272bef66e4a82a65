"""What a note's page is made from, as one digest: a page whose digest is the one an earlier
build wrote it under is the same page, so that build's file can be used as it is.

A cold build makes every page; a build after it, in a new process, used to make every page
again up to its template (the term furniture, the context's hash) just to find the page it
had already written. :class:`PageInputs` names, before any page is read, everything a note
page shows:

- its note, by a digest of all glosa read of it (frontmatter, text, links, path);
- what its body's render asked of the rest of the site (how each link resolved, the
  address of each file and tag page) with this build's answers, and the text of every note
  it embedded (:class:`~glosa.render.RenderDeps`, kept from the build that rendered it);
- its term furniture: the title and address of its translations, children and ancestors;
  the notes linking to it by a digest of all of each (the page quotes their text around
  the link); the panels the knowledge-base shell adds (properties, local graph, image,
  explorer) as the strings this build makes of them;
- what the caller adds: the page's place in the site (addresses, navigation) and the
  values of the build every page shows alike (homes, generated pages, settings).

The digest errs on the side of a page made again: a page is reused only when every one of
these is the same. Nothing here knows MkDocs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..cache import pack
from ..reading.model import Note
from ..render import current_answers
from ..render.core import TagHref
from .kb import KnowledgeBase
from .model import SiteModel

__all__ = ["PageInputs"]


class PageInputs:
    """Digests of note pages over one build's site model.

    ``note_digest``: a digest of all glosa read of a note, by path (None: not one the
    cache can hold); ``site_values``: plain values every page of the build shows alike."""

    def __init__(self, model: SiteModel, kb: KnowledgeBase, url_of: Callable[[str], str],
                 note_digest: Callable[[str], str | None],
                 notes_by_path: Mapping[str, Note], site_values: Sequence[Any]) -> None:
        self.model = model
        self.kb = kb
        self.url_of = url_of
        self.note_digest = note_digest
        self.notes_by_path = notes_by_path
        self._site = hashlib.blake2b(pack(list(site_values)), digest_size=16).digest()

    def _shown(self, notes: Sequence[Note]) -> list[Any]:
        """Notes a page names by title and address."""
        return [[n.path, n.title, self.url_of(n.path)] for n in notes]

    def digest(self, note: Note, page_url: str, page_values: Sequence[Any],
               questions: Sequence[Sequence[Any]], texts: Sequence[str],
               tag_href: TagHref, answers: Sequence[Any] | None = None) -> str | None:
        """The digest of ``note``'s page at ``page_url`` (None: one that cannot be made,
        when the page is not reused). ``questions`` and ``texts``: what the render of its
        body asked and showed; ``answers``: this build's answers to them, when the render
        has just had them (else they are asked again); ``page_values``: the caller's
        values for this page."""
        own = self.note_digest(note.path)
        if own is None:
            return None
        if answers is None:
            answers = current_answers(questions, self.model, self.url_of, tag_href,
                                      self.notes_by_path)
            if answers is None:
                return None
        embedded = [[path, self.note_digest(path)] for path in texts]
        if any(digest is None for _, digest in embedded):
            return None
        model = self.model
        translations = model.translations.get(id(note), {})
        backlinks = [[b.source.path, self.url_of(b.source.path),
                      self.note_digest(b.source.path)]
                     for b in model.backlinks.get(id(note), [])]
        shell = self.kb.page(note, note.lang, page_url)
        values = [
            self._site, own, page_url, list(page_values),
            [list(q) for q in questions], list(answers), embedded,
            [[lang, *self._shown([t])[0]] for lang, t in sorted(translations.items())],
            self._shown(model.children(note)),
            self._shown(model.breadcrumb(note)),
            backlinks,
            sorted(shell.items()),
            self.kb.explorer(note.path, note.lang, page_url),
        ]
        try:
            return hashlib.blake2b(pack(values), digest_size=16).hexdigest()
        except (TypeError, ValueError, OverflowError):
            return None
