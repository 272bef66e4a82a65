"""The page of another language that matches a listing page: the same tag or section as
the translations of its notes carry (engine-free; the site's language switch uses it).

A tag or section is text in its own language (`#métricas`, `#metrics`), so the match comes
from the notes: the counterpart of a group of notes is the group of the other language
that best overlaps their translations (Jaccard similarity of the two sets of notes, at
least a third), so a broad tag that a few of them also carry does not win."""

from __future__ import annotations

from ..reading.model import Note
from .model import SiteModel

__all__ = ["counterpart_section", "counterpart_tag"]

#: The least overlap (Jaccard) for two groups to be the same concept.
MIN_OVERLAP = 1 / 3


def _best_match(notes: list[Note], groups: list[tuple[str, list[Note]]], model: SiteModel,
                other: str) -> str | None:
    translated = {id(t) for n in notes
                  if (t := model.translations.get(id(n), {}).get(other)) is not None}
    if not translated:
        return None
    best, best_score = None, MIN_OVERLAP
    for name, members in groups:
        ids = {id(m) for m in members}
        shared = len(ids & translated)
        if not shared:
            continue
        score = shared / len(ids | translated)
        if score > best_score or (score == best_score and best is None):
            best, best_score = name, score
    return best


def counterpart_tag(model: SiteModel, lang: str, tag: str, other: str) -> str | None:
    """The tag of language ``other`` that matches ``tag`` of ``lang``, else None."""
    notes = dict(model.tags(lang)).get(tag, [])
    return _best_match(notes, model.tags(other), model, other)


def _flat_sections(model: SiteModel, lang: str) -> list[tuple[str, list[Note]]]:
    return [(name, [n for _, notes in subs for n in notes])
            for name, subs in model.sections(lang)]


def counterpart_section(model: SiteModel, lang: str, section: str, other: str) -> str | None:
    """The section (``nav_primary``) of language ``other`` matching ``section``, else None."""
    notes = dict(_flat_sections(model, lang)).get(section, [])
    return _best_match(notes, _flat_sections(model, other), model, other)
