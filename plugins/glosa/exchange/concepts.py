"""Concepts of a vault, in the form every export writes and every import reads.

A *concept* is a note and its translations (notes joined by ``translations`` links, in
either direction); it has one :class:`Term` per language. Decisions made here:

- The concept's **id** is a slug of its title in the default language (else in the first
  configured language it has): ASCII, no level marker, no emoji, so IRIs built on it stay
  stable when a file is renamed with another marker. A second concept with the same slug gets
  ``-2``, ``-3`` … in path order.
- The **definition** is the note's first paragraph as plain text (the site's own
  :func:`glosa.site.model.paragraph_text`), not cut short.
- **broader** is the concept of the source note's parent; a parent chain that loops is cut
  where it closes, so no export has a broader cycle. **related** concepts are the ones the
  concept's notes link to in their text, less its ancestors and descendants (SKOS keeps
  ``related`` disjoint from the hierarchy).
- Notes that the vault's notes name in their legend line (the level legend) are pages about
  the glossary, not terms, and are left out.
- An alias is taken for an **abbreviation** when it is written in capitals and digits only,
  2 to 6 characters with at least two letters (``CLV``, ``KPI``, ``B2B``): a heuristic, as no
  key of the note format says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import unquote

from ..reading.markers import normalize_key
from ..reading.model import Note
from ..reading.resolver import (
    LinkResolution,
    ResolutionStatus,
    _find_notes,
    _pick,
    legend_notes,
)
from ..reading.vault import Vault
from ..site.model import paragraph_text, parents_and_translations, slug_for_url, text_window

__all__ = [
    "STATUS_FILTERS",
    "Concept",
    "EditorialStatus",
    "Glossary",
    "Term",
    "collect_glossary",
    "concept_iri",
    "is_abbreviation",
    "parse_status_filters",
]

#: A definition longer than this is cut at a word (first paragraphs are far shorter).
DEFINITION_LIMIT = 10_000
_ABBREVIATION = re.compile(r"[A-Z0-9&]{2,6}")


def is_abbreviation(text: str) -> bool:
    """True for ``CLV``, ``KPI``, ``B2B``: capitals and digits, 2–6 long, two letters."""
    return bool(_ABBREVIATION.fullmatch(text)) and sum(c.isalpha() for c in text) >= 2


@dataclass(frozen=True)
class EditorialStatus:
    """The note format's editorial keys, as written (None when a key is absent or not a
    number)."""

    ia_status: int | None = None
    ia_model: str = ""
    checked: int | None = None
    supervisado: str = ""

    @classmethod
    def of(cls, meta: dict[str, Any]) -> EditorialStatus:
        def number(key: str) -> int | None:
            value = meta.get(key)
            return value if isinstance(value, int) and not isinstance(value, bool) else None

        def text(key: str) -> str:
            value = meta.get(key)
            return str(value).strip() if value not in (None, "") else ""

        return cls(number("iaStatus"), text("iaStatus_Model"), number("checked"),
                   text("supervisado"))

    def describe(self) -> str:
        """The state in words, for people reading an export."""
        writing = {0: "written by a person", 1: "written with AI help",
                   2: "drafted by an AI model, awaiting review"}.get(
            self.ia_status if self.ia_status is not None else -1,
            f"iaStatus {self.ia_status}" if self.ia_status is not None else "origin not stated")
        if self.ia_model and self.ia_status:
            writing += f" (model: {self.ia_model})"
        checked = "checked by an editor" if self.checked == 1 else "not checked"
        supervised = f"supervised by {self.supervisado}" if self.supervisado else "not supervised"
        return f"{writing}; {checked}; {supervised}"

    def to_text(self) -> str:
        """The keys as ``key=value`` pairs (read back by :meth:`from_text`)."""
        def shown(value: int | None) -> str:
            return "" if value is None else str(value)

        return (f"iaStatus={shown(self.ia_status)}; iaStatus_Model={self.ia_model}; "
                f"checked={shown(self.checked)}; supervisado={self.supervisado}")

    @classmethod
    def from_text(cls, text: str) -> EditorialStatus:
        """The status :meth:`to_text` wrote; raises ValueError on anything else."""
        values: dict[str, str] = {}
        for match in _STATUS_PAIR.finditer(text.strip()):
            values[match["key"]] = match["value"].strip()
        if not values or set(values) - set(_STATUS_KEYS):
            raise ValueError(f"not an editorial status: {text!r} (expected "
                             "'iaStatus=N; iaStatus_Model=...; checked=N; supervisado=...')")

        def number(key: str) -> int | None:
            raw = values.get(key, "")
            if not raw:
                return None
            if not raw.isdigit():
                raise ValueError(f"{key} must be a whole number, not {raw!r}")
            return int(raw)

        return cls(number("iaStatus"), values.get("iaStatus_Model", ""), number("checked"),
                   values.get("supervisado", ""))

    def to_dict(self) -> dict[str, Any]:
        return {"iaStatus": self.ia_status, "iaStatus_Model": self.ia_model,
                "checked": self.checked, "supervisado": self.supervisado}


_STATUS_KEYS = ("iaStatus", "iaStatus_Model", "checked", "supervisado")
_STATUS_PAIR = re.compile(
    r"(?:^|;\s*)(?P<key>[A-Za-z_]+)=(?P<value>.*?)(?=;\s*(?:iaStatus|iaStatus_Model|checked|"
    r"supervisado)=|$)")

#: Values of ``--status``: the same field's values widen the choice, different fields narrow
#: it (``human,ai-assisted,checked`` = iaStatus 0 or 1, and checked).
STATUS_FILTERS: dict[str, tuple[str, Any]] = {
    "human": ("ia", 0), "ai-assisted": ("ia", 1), "ai-draft": ("ia", 2),
    "checked": ("checked", True), "unchecked": ("checked", False),
    "supervised": ("supervised", True), "unsupervised": ("supervised", False),
}


def parse_status_filters(values: Iterable[str]) -> dict[str, set[Any]]:
    """``--status`` values grouped by field; raises ValueError naming an unknown one."""
    groups: dict[str, set[Any]] = {}
    for value in values:
        key = value.strip().lower()
        if not key:
            continue
        if key not in STATUS_FILTERS:
            raise ValueError(f"unknown status '{value}' (one of: {', '.join(STATUS_FILTERS)})")
        field_name, wanted = STATUS_FILTERS[key]
        groups.setdefault(field_name, set()).add(wanted)
    return groups


def _status_matches(status: EditorialStatus, groups: dict[str, set[Any]]) -> bool:
    for field_name, wanted in groups.items():
        if field_name == "ia" and status.ia_status not in wanted:
            return False
        if field_name == "checked" and (status.checked == 1) not in wanted:
            return False
        if field_name == "supervised" and bool(status.supervisado) not in wanted:
            return False
    return True


@dataclass
class Term:
    """A concept in one language: one note."""

    lang: str
    term: str
    level: int | None = None
    aliases: list[str] = field(default_factory=list)
    definition: str = ""
    tags: list[str] = field(default_factory=list)
    nav_primary: str = ""
    nav_secondary: str = ""
    status: EditorialStatus = field(default_factory=EditorialStatus)
    created: str = ""
    modified: str = ""
    version: str = ""
    #: The note's vault path (exports only).
    path: str = ""
    #: The note's page on the site, when the site's address is known (exports only).
    url: str = ""

    @property
    def abbreviations(self) -> list[str]:
        return [a for a in self.aliases if is_abbreviation(a)]

    def comparable(self) -> tuple[Any, ...]:
        """What an import compares with an existing note (and a round trip keeps)."""
        return (self.lang, self.term, self.level, tuple(self.aliases), self.definition,
                tuple(self.tags), self.nav_primary, self.nav_secondary, self.status)


@dataclass
class Concept:
    id: str
    terms: dict[str, Term]
    #: The broader concept's id.
    parent: str | None = None
    related: list[str] = field(default_factory=list)
    #: Where the concept was read from, for messages (import only): a line number.
    line: int = 0

    @property
    def source(self) -> Term:
        """The concept's first term (terms are kept in the glossary's language order)."""
        return next(iter(self.terms.values()))

    @property
    def level(self) -> int | None:
        return self.source.level

    @property
    def subject(self) -> str:
        return self.source.nav_primary


@dataclass
class Glossary:
    title: str
    languages: list[str]
    concepts: list[Concept]
    #: Prefix of concept IRIs (``…/concepts/``), or "" when the glossary has no address.
    base: str = ""

    def by_id(self) -> dict[str, Concept]:
        return {c.id: c for c in self.concepts}


def concept_iri(base: str, concept_id: str) -> str:
    return f"{base}{concept_id}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _version(meta: dict[str, Any]) -> str:
    parts = [meta.get(k) for k in ("ver_major", "ver_minor", "ver_rev")]
    if all(isinstance(p, int) and not isinstance(p, bool) for p in parts):
        return ".".join(str(p) for p in parts)
    return ""


def _date(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value).strip()


def term_of(note: Note, paragraph: str | None = None) -> Term:
    """A note as a term (``paragraph``: its first paragraph as plain text, when the caller
    has it already)."""
    meta = note.meta
    seen = {normalize_key(note.title)}
    aliases: list[str] = []
    for alias in note.aliases:
        text = " ".join(str(alias).split())
        if text and normalize_key(text) not in seen:
            seen.add(normalize_key(text))
            aliases.append(text)
    return Term(
        lang=note.lang, term=note.title, level=note.level, aliases=aliases,
        definition=text_window(paragraph_text(note) if paragraph is None else paragraph,
                               0, DEFINITION_LIMIT),
        tags=[str(t) for t in dict.fromkeys(note.tags)],
        nav_primary=_text(meta.get("nav_primary")), nav_secondary=_text(meta.get("nav_secondary")),
        status=EditorialStatus.of(meta), created=_date(meta.get("created")),
        modified=_date(meta.get("modified")), version=_version(meta), path=note.path,
    )


class LinkModel(Protocol):
    """What an export needs of a vault's links (:class:`glosa.site.model.SiteModel` has it)."""

    @property
    def notes(self) -> list[Note]: ...
    @property
    def translations(self) -> dict[int, dict[str, Note]]: ...
    @property
    def parent_of(self) -> dict[int, Note]: ...
    def resolution(self, note: Note, position: int) -> LinkResolution: ...
    def paragraph(self, note: Note) -> str: ...


class LinkFacts:
    """The link model of an export without a site: parents and translations as the site
    model has them (one function, :func:`glosa.site.model.parents_and_translations`, computes
    them for both), without the backlinks and listings an export does not use (a third of
    the site model's time on a large vault). A site build passes its
    :class:`~glosa.site.model.SiteModel` instead, whose links are resolved already."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.notes = [n for n in vault.notes if n.readable]
        self.parent_of, self.translations = parents_and_translations(vault)
        # Candidates of each bare link target (no folder in it): the same from every note,
        # so a target named by thousands of notes is looked up once.
        self._candidates: dict[str, list[Note]] = {}
        self._unique: dict[str, LinkResolution] = {}

    def paragraph(self, note: Note) -> str:
        """The note's first paragraph as plain text, whole."""
        return paragraph_text(note)

    def resolution(self, note: Note, position: int) -> LinkResolution:
        """The note a link opens, found as :func:`glosa.reading.resolver.resolve_link` finds it,
        without its anchor or, for a broken link, the suggestions (fuzzy matching over every
        name) that an export has no use for."""
        target = note.links[position].target
        if not target:
            return LinkResolution(ResolutionStatus.OK, note=note)
        known = self._unique.get(target)  # only bare targets are kept there
        if known is not None:
            return known
        shared = "/" not in target and not target.startswith(".")
        found = self._candidates.get(target) if shared else None
        if found is None:
            result = _find_notes(self.vault.index, target, note)
            if result == [] and "%" in target:
                result = _find_notes(self.vault.index, unquote(target), note)
            found = result if isinstance(result, list) else []
            if shared:
                self._candidates[target] = found
        if not found:
            return LinkResolution(ResolutionStatus.BROKEN)
        resolution = LinkResolution(ResolutionStatus.OK, note=_pick(found, note)[0])
        if shared and len(found) == 1:  # one candidate: the same answer from every note
            self._unique[target] = resolution
        return resolution


def _groups(model: LinkModel, notes: Sequence[Note]) -> list[list[Note]]:
    """Notes joined by translations (both directions: the model records each link on both
    sides), each group in path order."""
    wanted = {id(n) for n in notes}
    seen: set[int] = set()
    groups: list[list[Note]] = []
    for note in notes:
        if id(note) in seen:
            continue
        group: list[Note] = []
        stack = [note]
        seen.add(id(note))
        while stack:
            current = stack.pop()
            group.append(current)
            for other in model.translations.get(id(current), {}).values():
                if id(other) in wanted and id(other) not in seen:
                    seen.add(id(other))
                    stack.append(other)
        group.sort(key=lambda n: n.path)
        groups.append(group)
    return groups


def _cut_cycles(parents: dict[str, str]) -> None:
    """Remove the link that closes each parent loop (in id order, so the cut is stable)."""
    done: set[str] = set()
    for start in sorted(parents):
        path: list[str] = []
        on_path: set[str] = set()
        current: str | None = start
        while current is not None and current not in done:
            if current in on_path:
                # `path[-1]` points back into the path: cut that link.
                del parents[path[-1]]
                break
            path.append(current)
            on_path.add(current)
            current = parents.get(current)
        done.update(path)


def collect_glossary(vault: Vault, model: LinkModel | None = None, *, title: str = "",
                     languages: Sequence[str] | None = None,
                     statuses: dict[str, set[Any]] | None = None,
                     base: str = "", include: Callable[[Note], bool] | None = None,
                     url_of: Callable[[Note], str] | None = None) -> Glossary:
    """The vault's concepts: every readable note but legend notes (and, with ``include``,
    only the notes it accepts: a site passes the notes it publishes), in the given languages
    (default: the vault's) and editorial states (see :data:`STATUS_FILTERS`). ``url_of``
    gives each term's page address."""
    model = model if model is not None else LinkFacts(vault)
    config = vault.config
    order = [lang.lower() for lang in (languages or config.languages)]
    rank = {lang: position for position, lang in enumerate(config.languages)}
    legends = legend_notes(vault.index, vault.notes)
    notes = [n for n in model.notes
             if id(n) not in legends and (include is None or include(n))]
    groups = _groups(model, notes)

    def source_key(note: Note) -> tuple[int, str]:
        return (rank.get(note.lang, len(rank)), note.path)

    groups.sort(key=lambda group: min(source_key(n) for n in group)[1])
    concept_of: dict[int, str] = {}
    taken: set[str] = set()
    concepts: list[Concept] = []
    members: dict[str, list[Note]] = {}
    for group in groups:
        # The id comes from the whole group, so filters never change a concept's IRI.
        head = min(group, key=source_key)
        slug = slug_for_url(head.title).lower()
        concept_id, counter = slug, 1
        while concept_id in taken:
            counter += 1
            concept_id = f"{slug}-{counter}"
        taken.add(concept_id)
        for note in group:
            concept_of[id(note)] = concept_id
        kept = [n for n in group if n.lang in order]
        if statuses:
            kept = [n for n in kept if _status_matches(EditorialStatus.of(n.meta), statuses)]
        by_lang: dict[str, Note] = {}
        for note in sorted(kept, key=lambda n: n.path):
            by_lang.setdefault(note.lang, note)  # two notes of one language: the first
        if not by_lang:
            continue
        terms = {lang: term_of(by_lang[lang], model.paragraph(by_lang[lang]))
                 for lang in order if lang in by_lang}
        if url_of is not None:
            for lang, term in terms.items():
                term.url = url_of(by_lang[lang])
        concepts.append(Concept(concept_id, terms))
        members[concept_id] = [by_lang[lang] for lang in terms]

    exported = {c.id for c in concepts}
    parents: dict[str, str] = {}
    for concept in concepts:
        for note in members[concept.id]:
            parent = model.parent_of.get(id(note))
            parent_id = concept_of.get(id(parent)) if parent is not None else None
            if parent_id is not None and parent_id != concept.id and parent_id in exported:
                parents[concept.id] = parent_id
                break
    _cut_cycles(parents)
    ancestors: dict[str, set[str]] = {}
    for concept_id in exported:
        chain: set[str] = set()
        current = parents.get(concept_id)
        while current is not None and current not in chain:
            chain.add(current)
            current = parents.get(current)
        ancestors[concept_id] = chain
    resolution = model.resolution
    for concept in concepts:
        concept.parent = parents.get(concept.id)
        related: set[str] = set()
        mine = ancestors[concept.id]
        for note in members[concept.id]:
            # A note names the same target many times (with labels, anchors): once is enough.
            parent_line, legend_line = note.parent, note.legend
            firsts: dict[str, int] = {}
            for position, link in enumerate(note.links):
                if link is not parent_line and link is not legend_line:
                    firsts.setdefault(link.target, position)
            for position in firsts.values():
                target = resolution(note, position).note
                other = concept_of.get(id(target)) if target is not None else None
                if (other is not None and other != concept.id and other not in related
                        and other in exported and other not in mine
                        and concept.id not in ancestors[other]):
                    related.add(other)
        concept.related = sorted(related)
    return Glossary(title or "Glossary", order, concepts, base)
