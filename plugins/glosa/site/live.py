"""The editor loop of a served site, without any site engine: what one edited note changes.

When a note's file changes while the site is served, :func:`apply_edits` puts the new
versions of the notes into the vault, its index and the site model in place, and says
which pages show something of them (:class:`Edit`), or why the edit needs a whole new
build (a new or deleted note, a changed path, alias, language, tag, section, level,
parent, translation, permalink, publishing flag: anything that moves pages, adds or
removes generated pages or changes the navigation). The engine adapter (live_mkdocs.py)
renders those pages again with the templates of the last build.

:class:`SearchRecords` keeps the search records of the served site and rebuilds one
language's Pagefind bundle in a folder of its own, then swaps it in.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..reading.model import Note
from ..reading.vault import Vault
from ..safepaths import inside, is_language_code, remove_tree
from .model import SiteModel
from .publishing import is_published, permalink_of
from .search_index import SearchIndexer

__all__ = ["Edit", "NeedsBuild", "SearchRecords", "apply_edits", "structure_of"]

#: Frontmatter keys that decide where a page is, whether it is published, which generated
#: pages exist or what the navigation holds.
_STRUCTURAL_KEYS = ("lang", "nav_primary", "nav_secondary", "permalink", "publish",
                    "draft", "home", "level", "tags", "aliases", "translations")


class NeedsBuild(Exception):
    """The edit changes the site's structure: a whole build is needed (the message says
    why)."""


def _target(link: Any) -> str | None:
    return None if link is None else f"{link.target}#{link.heading}^{link.block}"


def structure_of(note: Note, profile: str) -> tuple[Any, ...]:
    """What of a note decides the site's pages and navigation (its path, names, language,
    level, tags, section, parent, legend and translation links, permalink, publishing).
    Two versions with the same structure give the same set of pages at the same
    addresses."""
    meta = note.meta
    return (note.path, note.readable, tuple(note.aliases), note.lang, note.level,
            tuple(note.tags), permalink_of(note), is_published(note),
            _target(note.parent), _target(note.legend),
            tuple(_target(link) for link in note.translations),
            tuple(repr(meta.get(key)) for key in _STRUCTURAL_KEYS),
            # The obsidian profile's page title comes from frontmatter.
            repr(meta.get("title")) if profile == "obsidian" else None)


def face_of(note: Note, model: SiteModel) -> tuple[Any, ...]:
    """What listings, breadcrumbs, backlinks and previews show of a note elsewhere."""
    return (note.title, note.marker, model.summary(note), repr(note.meta.get("modified")),
            repr(note.meta.get("description")))


def anchors_of(note: Note) -> tuple[Any, ...]:
    """What links to a note's headings and blocks resolve to."""
    return (tuple((h.text, h.slug, h.line) for h in note.headings), tuple(note.block_ids))


@dataclass
class Edit:
    """What a batch of edited notes changes on the site."""

    #: The new versions of the edited notes.
    notes: list[Note]
    #: Vault paths of the notes whose pages show something of the edited notes.
    pages: set[str] = field(default_factory=set)
    #: Languages whose listings (A–Z, tags, sections, levels, homes) show an edited
    #: note differently.
    listings: set[str] = field(default_factory=set)
    #: Tags (with their parents) and sections whose listing pages show an edited note.
    tags: set[tuple[str, str]] = field(default_factory=set)
    sections: set[tuple[str, str]] = field(default_factory=set)
    #: The old version's id by the new version's, for id-keyed tables of the adapter.
    replaced: dict[int, int] = field(default_factory=dict)


def apply_edits(whole: Vault, published: Vault, model: SiteModel, fresh: Sequence[Note],
                *, profile: str, embed_depth: int, homes: Iterable[str],
                explorer: bool) -> Edit:
    """Put ``fresh`` (new versions of notes read again from disk) into the vault and the
    model, in place, and say which pages change. Raises :class:`NeedsBuild`, changing
    nothing, when an edit changes the site's structure (see :func:`structure_of`)."""
    pairs: list[tuple[Note, Note]] = []
    home_paths = set(homes)
    by_path = {n.path: n for n in published.notes}
    for new in fresh:
        old = by_path.get(new.path)
        if old is None:
            raise NeedsBuild(f"{new.path}: not a published note of the last build")
        if structure_of(old, profile) != structure_of(new, profile):
            raise NeedsBuild(f"{new.path}: its path, names, language, level, tags, section, "
                             "parent, translations, permalink or publishing changed")
        if old.title != new.title and (new.path in home_paths or explorer):
            # A home's title is the site's name on every page; the explorer lists titles.
            raise NeedsBuild(f"{new.path}: its title is shown on every page")
        pairs.append((old, new))
    if not pairs:
        return Edit([])
    edit = Edit([new for _, new in pairs])
    faces = {id(old): face_of(old, model) for old, _ in pairs}
    # What each old version linked to, and the snippets those pages show of it, before
    # the model changes.
    before = {old.path: _snippets(model, old) for old, _ in pairs}
    for old, new in pairs:
        if whole is not published:
            whole.index.replace_note(old, new)
        published.index.replace_note(old, new)
        edit.replaced[id(new)] = id(old)
    relinked = model.replace_notes(pairs)
    by_id = {id(n): n for n in published.notes}
    linkers = {by_id[i].path for i in relinked if i in by_id}
    content_changed = {id(new) for _, new in pairs}
    for old, new in pairs:
        edit.pages.add(new.path)
        # The pages it links to show it among their backlinks, with the linking line.
        after = _snippets(model, new)
        edit.pages.update(path for path in before[old.path].keys() | after.keys()
                          if before[old.path].get(path) != after.get(path))
        face_changed = faces[id(old)] != face_of(new, model)
        if face_changed or anchors_of(old) != anchors_of(new):
            # Links to it show its title and definition, or resolve to its headings.
            edit.pages.update(linkers)
        if face_changed:
            # Listings, the parent's children, the children's breadcrumbs, the
            # translations' switch.
            parent = model.parent_of.get(id(new))
            if parent is not None:
                edit.pages.add(parent.path)
            edit.listings.add(new.lang)
            edit.tags.update((new.lang, tag) for tag in _with_parents(new.tags))
            section = new.meta.get("nav_primary")
            if isinstance(section, str) and section.strip():
                edit.sections.add((new.lang, section.strip()))
            edit.pages.update(n.path for n in _descendants(model, new))
            edit.pages.update(n.path for n in model.translations.get(id(new), {}).values())
    edit.pages.update(n.path for n in _embedders(model, content_changed, embed_depth))
    return edit


def _with_parents(tags: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for tag in tags:
        parts = tag.split("/")
        found.update("/".join(parts[:depth]) for depth in range(1, len(parts) + 1))
    return found


def _snippets(model: SiteModel, note: Note) -> dict[str, tuple[int, str]]:
    """The pages a note links to, each with where and how its backlinks show the note."""
    found: dict[str, tuple[int, str]] = {}
    for position in range(len(note.links)):
        res = model.resolutions.get((id(note), position))
        target = res.note if res is not None else None
        if target is None or target.path in found:
            continue
        found[target.path] = next(
            ((at, text) for at, (source, text) in enumerate(model.backlinks_of(target))
             if source is note), (-1, ""))
    return found


def _descendants(model: SiteModel, note: Note) -> list[Note]:
    out: list[Note] = []
    seen = {id(note)}
    todo = list(model.children(note))
    while todo:
        child = todo.pop()
        if id(child) in seen:
            continue
        seen.add(id(child))
        out.append(child)
        todo.extend(model.children(child))
    return out


def _embedders(model: SiteModel, changed: set[int], depth: int) -> list[Note]:
    """Notes whose page embeds one of ``changed`` (directly or through embeds, as deep
    as embeds are rendered)."""
    by_id = {id(n): n for n in model.notes}
    found: list[Note] = []
    frontier = set(changed)
    seen = set(changed)
    for _ in range(max(depth, 0)):
        reached: set[int] = set()
        for (source_id, position), res in model.resolutions.items():
            if res.note is None or id(res.note) not in frontier or source_id in seen:
                continue
            source = by_id.get(source_id)
            if source is not None and source.links[position].embed:
                reached.add(source_id)
        if not reached:
            break
        seen |= reached
        found.extend(by_id[i] for i in reached)
        frontier = reached
    return found


class SearchRecords:
    """The search records of a served site, by language and page address, and the
    rebuild of one language's bundle: indexed into a folder of its own, then swapped in
    for the served one (two renames), so a reader never sees a half-written bundle.

    Rebuilds run on one background thread, one language after the other; a language
    edited again while its bundle is being built is built once more afterwards.
    """

    def __init__(self, output_dir: Path, exclude_selectors: Sequence[str] = (),
                 on_error: Callable[[str], None] = lambda message: None,
                 on_done: Callable[[str], None] = lambda lang: None) -> None:
        self.output_dir = output_dir
        self._exclude = list(exclude_selectors)
        self.records: dict[str, dict[str, str]] = {}
        self._lock = threading.Condition()
        self._wanted: dict[str, dict[str, str]] = {}
        self._running = False
        self._on_error = on_error
        self._on_done = on_done
        #: How many bundles were swapped in, for tests and benchmarks.
        self.swapped = 0

    def set(self, lang: str, url: str, record: str) -> bool:
        """Record a page's search record; True when it differs from the one held."""
        held = self.records.setdefault(lang, {})
        if held.get(url) == record:
            return False
        held[url] = record
        return True

    def refresh(self, lang: str) -> None:
        """Rebuild ``lang``'s bundle in the background from the records held now."""
        with self._lock:
            self._wanted[lang] = dict(self.records.get(lang, {}))
            if not self._running:
                self._running = True
                threading.Thread(target=self._work, name="glosa-search", daemon=True).start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until no rebuild is pending or running; False on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._running, timeout=timeout)

    def _work(self) -> None:
        while True:
            with self._lock:
                if not self._wanted:
                    self._running = False
                    self._lock.notify_all()
                    return
                lang = next(iter(self._wanted))
                records = self._wanted.pop(lang)
            try:
                self._rebuild(lang, records)
            except Exception as exc:  # never take the served site down: say so
                self._on_error(f"search index for '{lang}' not updated: {exc}")
            else:
                self._on_done(lang)

    def _rebuild(self, lang: str, records: dict[str, str]) -> None:
        if not is_language_code(lang):
            raise ValueError(f"{lang!r} is not a language code")
        staging = inside(self.output_dir, self.output_dir / f".staging-{secrets.token_hex(4)}")
        try:
            indexer = SearchIndexer(staging, exclude_selectors=self._exclude)
            try:
                for url, record in records.items():
                    indexer.add(lang, url, record)
                indexer.finish()
            except BaseException:
                indexer.abort()
                raise
            live = inside(self.output_dir, self.output_dir / lang)
            retired = inside(self.output_dir,
                             self.output_dir / f".retired-{secrets.token_hex(4)}")
            built = staging / lang
            if not built.is_dir():
                raise OSError("Pagefind wrote no bundle")
            if live.exists():
                os.replace(live, retired)
            os.replace(built, live)
            self.swapped += 1
            if retired.exists():
                remove_tree(self.output_dir, retired)
        finally:
            if staging.exists():
                remove_tree(self.output_dir, staging)
