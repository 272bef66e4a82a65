"""The link graph: one data file per language (its size linear in notes and links), and
each note's neighbours for the page's list without JavaScript (no MkDocs here)."""

from __future__ import annotations

import json
from collections.abc import Callable

from ..reading.model import Note
from .model import SiteModel, sort_key

__all__ = ["graph_data", "neighbours"]


def graph_data(model: SiteModel, lang: str, url_of: Callable[[str], str]) -> str:
    """``{"nodes": [[title, url], ...], "links": [[source, target], ...]}``: the notes of
    one language and the links between them (each pair once), URLs from the site root."""
    notes = model.by_language(lang)
    number = {id(n): i for i, n in enumerate(notes)}
    links: set[tuple[int, int]] = set()
    for target in notes:
        j = number[id(target)]
        for backlink in model.backlinks.get(id(target), []):
            i = number.get(id(backlink.source))
            if i is not None and i != j:
                links.add((i, j))
    data = {"nodes": [[n.title, url_of(n.path)] for n in notes],
            "links": sorted(links)}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def neighbours(model: SiteModel, note: Note, limit: int = 40) -> list[Note]:
    """The notes this one links to and the notes linking here, once each, by title."""
    found: dict[int, Note] = {}
    for position in range(len(note.links)):
        res = model.resolutions.get((id(note), position))
        target = res.note if res is not None and res.ok else None
        if target is not None and target is not note:
            found.setdefault(id(target), target)
    for key, target in model.property_targets.get(id(note), {}).items():
        found.setdefault(key, target)
    for backlink in model.backlinks.get(id(note), []):
        found.setdefault(id(backlink.source), backlink.source)
    rank = _ranks(model)
    ordered = sorted(found.values(), key=lambda n: rank.get(id(n), 0))
    return ordered[:limit]


_RANKS: dict[int, tuple[SiteModel, dict[int, int]]] = {}


def _ranks(model: SiteModel) -> dict[int, int]:
    """Each note's place in title order, computed once per model (sorting every page's
    neighbours by a collation key would cost more than the rest of the page's graph)."""
    held = _RANKS.get(id(model))
    if held is None or held[0] is not model:
        ordered = sorted(model.notes, key=lambda n: sort_key(n.title))
        _RANKS.clear()
        held = _RANKS[id(model)] = (model, {id(n): at for at, n in enumerate(ordered)})
    return held[1]
