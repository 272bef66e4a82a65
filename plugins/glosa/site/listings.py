"""What the listing pages show beyond the notes of a language (engine-free): the A–Z with
aliases and abbreviations as cross-references, the notes of each level, the newest terms,
and the notes that are the site's furniture rather than terms (homes, the legend)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..checking.checks import _parse_date
from ..reading.model import Note
from ..reading.resolver import legend_notes
from .model import SiteModel, initial_of, sort_key

__all__ = ["AzEntry", "az_entries", "by_level", "furniture", "newest", "terms"]


@dataclass
class AzEntry:
    """A line of the A–Z index: a term, or an alias pointing to its term (``see``)."""

    title: str
    note: Note
    see: bool = False


def furniture(model: SiteModel, homes: Iterable[str]) -> set[int]:
    """ids of the notes that are not terms: the language homes and the notes that the
    legend lines point to."""
    index = model.vault.index
    found = {id(note) for path in homes if (note := index.note_at(path)) is not None
             and note.path == path}
    return found | legend_notes(index, model.notes)


def terms(model: SiteModel, lang: str, skip: set[int]) -> list[Note]:
    return [note for note in model.by_language(lang) if id(note) not in skip]


def az_entries(model: SiteModel, lang: str, skip: set[int]) -> list[tuple[str, list[AzEntry]]]:
    """Letter → entries: every term, and every alias of a term ("CLV → Customer lifetime
    value") unless it spells a term's own title."""
    notes = terms(model, lang, skip)
    titles = {sort_key(n.title) for n in notes}
    entries = [AzEntry(n.title, n) for n in notes]
    for note in notes:
        seen: set[str] = set()
        for alias in note.aliases:
            key = sort_key(alias)
            if not key.strip() or key in titles or key in seen:
                continue
            seen.add(key)
            entries.append(AzEntry(alias, note, see=True))
    entries.sort(key=lambda e: (sort_key(e.title), e.see))
    groups: dict[str, list[AzEntry]] = {}
    for entry in entries:
        groups.setdefault(initial_of(entry.title), []).append(entry)
    return sorted(groups.items(), key=lambda item: (item[0] == "#", item[0]))


def by_level(model: SiteModel, lang: str, skip: set[int]) -> dict[int, list[Note]]:
    """Level → the terms of that level, in alphabetical order."""
    levels: dict[int, list[Note]] = {}
    for note in terms(model, lang, skip):
        if note.level:
            levels.setdefault(note.level, []).append(note)
    return dict(sorted(levels.items()))


def newest(model: SiteModel, lang: str, skip: set[int], count: int = 6) -> list[Note]:
    """The most recently created terms (by the ``created`` date of the note format)."""
    dated = [(moment, note) for note in terms(model, lang, skip)
             if (moment := _parse_date(note.meta.get("created"))) is not None]
    dated.sort(key=lambda item: (item[0], sort_key(item[1].title)), reverse=True)
    return [note for _, note in dated[:count]]
