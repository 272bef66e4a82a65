"""``glosa translations``: which concepts exist in which languages, and how current they are.

A *concept* is a group of notes joined by their ``translations`` links (in either direction).
For each one the report gives the languages present and missing, the translations that are
*stale*, the translation links that are *broken* and the notes still *pending* translation.

- The **source** of a concept is its note in the source language (by default the vault's
  ``default_language``); when the concept has none, its earliest created note.
- A translation is **stale** when the source was modified after it (``modified``), or when
  the source's version (``ver_major.ver_minor.ver_rev``) is ahead of the translation's.
  ``glosa translate`` gives a new translation the source's version for that reason.
- A link is **broken** when it resolves to no note, to a note in the same language, or to a
  note that does not link back (reciprocity); two notes of one language in one concept are
  reported as broken too.
- A note is **pending** while its body still carries ``<!-- glosa: translate from ... -->``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..editing.authoring import TRANSLATE_MARKER_RE, note_version, parse_timestamp
from ..reading.model import Note
from ..reading.resolver import resolve_link
from ..reading.vault import Vault

__all__ = ["CONDITIONS", "Concept", "TranslationReport", "render_json", "render_text",
           "translation_report"]

#: Conditions ``--fail-on`` can name.
CONDITIONS = ("missing", "stale", "broken", "pending")


@dataclass
class StaleTranslation:
    path: str
    lang: str
    reasons: list[str]


@dataclass
class BrokenLink:
    path: str
    line: int
    link: str
    problem: str
    message: str


@dataclass
class Concept:
    source: Note
    notes: list[Note]
    missing: list[str] = field(default_factory=list)
    stale: list[StaleTranslation] = field(default_factory=list)
    broken: list[BrokenLink] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)

    @property
    def languages(self) -> list[str]:
        return sorted({n.lang for n in self.notes})

    def conditions(self) -> set[str]:
        found = set()
        for name in CONDITIONS:
            if getattr(self, name):
                found.add(name)
        return found

    def to_dict(self) -> dict[str, Any]:
        def version(note: Note) -> str | None:
            parts = note_version(note.meta)
            return ".".join(map(str, parts)) if parts else None

        return {
            "concept": self.source.stem,
            "source": self.source.path,
            "languages": self.languages,
            "notes": [
                {"lang": n.lang, "path": n.path, "title": n.stem, "version": version(n),
                 "modified": _text(n.meta.get("modified"))}
                for n in self.notes
            ],
            "missing": self.missing,
            "stale": [vars(s) for s in self.stale],
            "broken": [vars(b) for b in self.broken],
            "pending": self.pending,
        }


@dataclass
class TranslationReport:
    languages: tuple[str, ...]
    source_language: str
    concepts: list[Concept]

    def conditions(self) -> set[str]:
        found: set[str] = set()
        for concept in self.concepts:
            found |= concept.conditions()
        return found

    def summary(self) -> dict[str, int]:
        counts = {"concepts": len(self.concepts),
                  "complete": sum(1 for c in self.concepts if not c.conditions())}
        for name in CONDITIONS:
            counts[name] = sum(1 for c in self.concepts if name in c.conditions())
        return counts


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class _Groups:
    """Union-find over notes by identity."""

    def __init__(self, notes: list[Note]) -> None:
        self.parent = {id(n): id(n) for n in notes}

    def find(self, key: int) -> int:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _created_key(note: Note) -> tuple[int, datetime | str, str]:
    created = parse_timestamp(note.meta.get("created"))
    return (0, created, note.path) if created else (1, "", note.path)


def _stale_reasons(source: Note, note: Note) -> list[str]:
    reasons: list[str] = []
    source_modified = parse_timestamp(source.meta.get("modified"))
    modified = parse_timestamp(note.meta.get("modified"))
    if source_modified and modified and source_modified > modified:
        reasons.append(f"the source was modified on {source.meta.get('modified')}, after this "
                       f"translation ({note.meta.get('modified')})")
    source_version = note_version(source.meta)
    version = note_version(note.meta)
    if source_version and version and source_version > version:
        reasons.append(f"the source is at version {'.'.join(map(str, source_version))}, this "
                       f"translation at {'.'.join(map(str, version))}")
    return reasons


def translation_report(vault: Vault, source_lang: str | None = None) -> TranslationReport:
    """Group the vault's notes into concepts and assess each one."""
    config = vault.config
    source_lang = (source_lang or config.default_language).lower()
    notes = [n for n in vault.notes if n.readable]
    groups = _Groups(notes)
    broken: dict[int, list[BrokenLink]] = {}
    resolved: dict[int, list[Note]] = {}
    for note in notes:
        targets: list[Note] = []
        for link in note.translations:
            target = resolve_link(vault.index, link, note).note
            if target is None:
                broken.setdefault(id(note), []).append(BrokenLink(
                    note.path, link.line, link.raw, "unresolved",
                    f"translation {link.raw} resolves to no note"))
                continue
            if target is note or target.lang == note.lang:
                broken.setdefault(id(note), []).append(BrokenLink(
                    note.path, link.line, link.raw, "same-language",
                    f"translation {link.raw} is in the note's own language "
                    f"({note.lang.upper()})"))
                continue
            targets.append(target)
            if id(target) in groups.parent:
                groups.join(id(note), id(target))
        resolved[id(note)] = targets
    for note in notes:
        for target in resolved[id(note)]:
            if not any(back is note for back in resolved.get(id(target), [])):
                link = next(link for link in note.translations
                            if resolve_link(vault.index, link, note).note is target)
                broken.setdefault(id(note), []).append(BrokenLink(
                    note.path, link.line, link.raw, "not-reciprocal",
                    f"{target.path} does not list this note in its translations"))

    members: dict[int, list[Note]] = {}
    for note in notes:
        members.setdefault(groups.find(id(note)), []).append(note)
    concepts: list[Concept] = []
    for group in members.values():
        in_source = sorted((n for n in group if n.lang == source_lang), key=_created_key)
        source = in_source[0] if in_source else min(group, key=_created_key)
        ordered = sorted(group, key=lambda n: (n is not source, n.lang, n.path))
        concept = Concept(source, ordered)
        present = {n.lang for n in group}
        concept.missing = [lang for lang in config.languages if lang not in present]
        for note in ordered:
            concept.broken.extend(broken.get(id(note), []))
            if TRANSLATE_MARKER_RE.search(note.body):
                concept.pending.append(note.path)
            if note is source:
                continue
            if note.lang == source.lang:
                concept.broken.append(BrokenLink(
                    note.path, note.meta_line("translations"), "", "duplicate-language",
                    f"{source.path} and this note are both {note.lang.upper()} versions of "
                    "one concept"))
                continue
            reasons = _stale_reasons(source, note)
            if reasons:
                concept.stale.append(StaleTranslation(note.path, note.lang, reasons))
        concepts.append(concept)
    concepts.sort(key=lambda c: c.source.path)
    return TranslationReport(config.languages, source_lang, concepts)


def render_text(report: TranslationReport, only_problems: bool = False) -> str:
    lines: list[str] = []
    for concept in report.concepts:
        conditions = concept.conditions()
        if only_problems and not conditions:
            continue
        langs = " ".join(
            f"{lang.upper()}{'*' if lang == concept.source.lang else ''}"
            for lang in concept.languages)
        status = "ok" if not conditions else ", ".join(
            name for name in CONDITIONS if name in conditions)
        lines.append(f"{concept.source.path} [{langs}] {status}")
        if concept.missing:
            lines.append(f"  missing: {', '.join(x.upper() for x in concept.missing)}")
        for stale in concept.stale:
            for reason in stale.reasons:
                lines.append(f"  stale: {stale.path}: {reason}")
        for link in concept.broken:
            lines.append(f"  broken: {link.path}:{link.line}: {link.message}")
        for path in concept.pending:
            lines.append(f"  pending: {path}: still marked for translation")
    counts = report.summary()
    lines.append(
        f"{counts['concepts']} concepts ({report.source_language.upper()}* = source): "
        f"{counts['complete']} complete, {counts['missing']} missing a language, "
        f"{counts['stale']} stale, {counts['broken']} with broken links, "
        f"{counts['pending']} pending")
    return "\n".join(lines)


def render_json(report: TranslationReport) -> str:
    data = {
        "languages": list(report.languages),
        "source_language": report.source_language,
        "concepts": [c.to_dict() for c in report.concepts],
        "summary": report.summary(),
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
