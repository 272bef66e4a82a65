"""``glosa import``: notes from a TBX, CSV or JSON glossary, for the concepts a vault lacks.

Like the editing commands, an import first *plans* (every file's exact text, every refusal)
and writes only when the whole plan is sound; a file with any problem writes nothing.

- A term whose note exists (same language, same title, case- and accent-form-insensitive)
  is never rewritten: when its content differs (definition, aliases, level, tags, sections)
  the difference is reported.
- A new note is written as ``glosa new`` writes one (every key of the note format, H1 with
  the level marker, parent link, legend line) with the term's aliases, editorial keys, dates
  and version when the file gives them, and the definition as its first paragraph.
- It goes beside its parent's note in its language; without one, in the vault's folder for
  that language (``es/``) when the vault has one, else at the top.
- Its ``translations`` name the concept's notes in the other languages, and an existing note
  of the concept gets the new note added to its ``translations`` (only that line changes).
- The parent is the broader concept's note in the same language, else in another language,
  else none (the note heads the hierarchy).
- Related concepts become the note's related-terms section after the definition
  (``## Términos relacionados`` / ``## Related terms``, one ``- [[Term]]`` a line), each
  linked in the note's language when the concept has a note there, else in another; a
  related concept neither in the file nor in the vault is a warning, not linked.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..editing.authoring import (
    AuthoringError,
    PlannedFile,
    Rewrite,
    _add_translation,
    _link_text,
    _link_to_new,
    apply_rewrite,
    check_tags,
    check_title,
    create_file,
    find_note,
    frontmatter_lines,
    parse_timestamp,
    render_note,
    timestamp,
    vault_legend,
)
from ..editing.frontmatter_text import FrontmatterEditError, NoteText
from ..reading.markers import LEVEL_MARKERS, normalize_key
from ..reading.model import Note
from ..reading.vault import Vault
from .concepts import Concept, Glossary, Term, collect_glossary, term_of
from .errors import ImportProblem
from .jsondoc import read_json
from .tabular import read_csv
from .tbx import read_tbx

__all__ = ["MAX_IMPORT_BYTES", "RELATED_HEADINGS", "ImportPlan", "apply_import",
           "plan_import", "read_import_file", "related_heading"]

#: Larger files are refused before they are read (a glossary of 10,000 concepts in TBX is
#: about 30 MB).
MAX_IMPORT_BYTES = 64 * 1024 * 1024
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")
# A paragraph that would start a Markdown block other than a paragraph (or the frontmatter).
_BLOCK_START = re.compile(r"^(?:[#>|<!*+=~`-]|\d+[.)]\s|\[\[)")


def read_import_file(path: Path, fmt: str, languages: list[str],
                     max_bytes: int = MAX_IMPORT_BYTES) -> tuple[Glossary, list[ImportProblem]]:
    """The concepts of a file to import, or the problems that stop the import."""
    where = str(path)
    try:
        info = path.stat()
    except OSError as exc:
        return Glossary("", [], []), [ImportProblem(where, 0, f"cannot read: {exc.strerror}")]
    if not path.is_file():
        return Glossary("", [], []), [ImportProblem(where, 0, "not a regular file")]
    if info.st_size > max_bytes:
        return Glossary("", [], []), [ImportProblem(
            where, 0, f"the file has {info.st_size:,} bytes, more than the "
                      f"{max_bytes:,} an import reads")]
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return Glossary("", [], []), [ImportProblem(where, 0, f"cannot read: {exc.strerror}")]
    if len(data) > max_bytes:
        return Glossary("", [], []), [ImportProblem(
            where, 0, f"the file is larger than the {max_bytes:,} bytes an import reads")]
    if fmt == "tbx":
        return read_tbx(data, where)
    if fmt == "json":
        return read_json(data, where)
    return read_csv(data, where, languages)


@dataclass
class ImportPlan:
    creates: list[PlannedFile] = field(default_factory=list)
    rewrites: list[Rewrite] = field(default_factory=list)
    #: Existing notes whose content differs from the file's (never overwritten).
    differences: list[str] = field(default_factory=list)
    #: Terms already in the vault as the file has them.
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _paragraph(definition: str) -> str:
    text = " ".join(definition.split())
    return "\\" + text if _BLOCK_START.match(text) else text


def _differences(existing: Note, term: Term, level: int | None) -> list[str]:
    mine = term_of(existing)
    changed = []
    if level is not None and mine.level != level:
        changed.append(f"level {mine.level} → {level}")
    if term.definition and mine.definition != term.definition:
        changed.append("definition")
    if term.aliases and [normalize_key(a) for a in mine.aliases] != [
            normalize_key(a) for a in term.aliases]:
        changed.append("aliases")
    if term.tags and mine.tags != term.tags:
        changed.append("tags")
    if term.nav_primary and mine.nav_primary != term.nav_primary:
        changed.append("section")
    if term.nav_secondary and mine.nav_secondary != term.nav_secondary:
        changed.append("subsection")
    return changed


def _lang_folder(vault: Vault, lang: str) -> str:
    prefix = f"{lang}/"
    for note in vault.notes:
        if note.lang == lang and note.path.lower().startswith(prefix):
            return note.path[:len(lang)]
    return ""


@dataclass
class _Slot:
    """A term of the file and the note it is (existing) or will be (planned)."""

    concept: Concept
    term: Term
    existing: Note | None = None
    rel: str = ""
    stem: str = ""
    link: str = ""


def _order(concepts: list[Concept]) -> list[Concept]:
    """Parents before children (a loop is broken where it closes)."""
    by_id = {c.id: c for c in concepts if c.id}
    done: set[int] = set()
    out: list[Concept] = []

    def visit(concept: Concept, trail: set[int]) -> None:
        if id(concept) in done or id(concept) in trail:
            return
        parent = by_id.get(concept.parent or "")
        if parent is not None:
            visit(parent, trail | {id(concept)})
        done.add(id(concept))
        out.append(concept)

    for concept in concepts:
        visit(concept, set())
    return out


def plan_import(vault: Vault, glossary: Glossary, where: str, *, legend: str | None = None,
                default_level: int | None = None, now: datetime | None = None) -> ImportPlan:
    """Plan the notes an import writes; ``plan.problems`` non-empty means nothing may be
    written."""
    plan = ImportPlan()
    problems = plan.problems
    config = vault.config
    stamp = timestamp(now)
    existing_by_title: dict[tuple[str, str], Note] = {}
    for note in vault.notes:
        if note.readable:
            existing_by_title.setdefault((note.lang, normalize_key(note.title)), note)
    vault_glossary = collect_glossary(vault)
    vault_concepts = {c.id: c for c in vault_glossary.concepts}

    # 1. Each term checked on its own; duplicates across the file.
    seen_terms: dict[tuple[str, str], int] = {}
    seen_ids: dict[str, int] = {}
    for concept in glossary.concepts:
        if concept.id:
            if concept.id in seen_ids:
                problems.append(ImportProblem(
                    where, concept.line, f"concept id '{concept.id}' is used twice (also on "
                                         f"line {seen_ids[concept.id]})"))
            seen_ids.setdefault(concept.id, concept.line)
        level = concept.level or default_level
        if level is None:
            problems.append(ImportProblem(where, concept.line, f"'{concept.source.term}' has no "
                                          "level; add one (1 to 6) or pass --level"))
        for term in concept.terms.values():
            if term.lang not in config.languages:
                configured = ", ".join(config.languages)
                problems.append(ImportProblem(where, concept.line, f"language '{term.lang}' of "
                                              f"'{term.term}' is not a language of the vault "
                                              f"({configured})"))
                continue
            try:
                term.term = check_title(term.term)
                term.tags = check_tags(term.tags)
            except AuthoringError as exc:
                problems.append(ImportProblem(where, concept.line, str(exc)))
                continue
            key = (term.lang, normalize_key(term.term))
            if key in seen_terms:
                problems.append(ImportProblem(
                    where, concept.line, f"'{term.term}' ({term.lang}) is a concept of its own "
                                         f"twice (also on line {seen_terms[key]})"))
            seen_terms.setdefault(key, concept.line)
    if problems:
        return plan

    # 2. Which terms exist, which become notes, and where.
    ordered = _order(glossary.concepts)
    slots: dict[int, dict[str, _Slot]] = {}
    by_id = {c.id: c for c in glossary.concepts if c.id}
    planned_keys: set[str] = set()
    legends: dict[str, Note] = {}
    for concept in ordered:
        level = concept.level or default_level
        assert level is not None
        marker = LEVEL_MARKERS[level - 1]
        mine: dict[str, _Slot] = {}
        slots[id(concept)] = mine
        known = vault_concepts.get(concept.id)
        for lang, term in concept.terms.items():
            slot = _Slot(concept, term)
            mine[lang] = slot
            found = existing_by_title.get((lang, normalize_key(term.term)))
            if found is not None:
                slot.existing = found
                changed = _differences(found, term, level)
                if changed:
                    plan.differences.append(
                        f"{vault.root / found.path}: differs from {where}:{concept.line} "
                        f"({', '.join(changed)}); kept as it is")
                else:
                    plan.unchanged += 1
                continue
            other = (vault.index.note_at(known.terms[lang].path)
                     if known is not None and lang in known.terms else None)
            if known is not None and other is not None:
                plan.differences.append(
                    f"{vault.root / known.terms[lang].path}: concept '{concept.id}' is "
                    f"'{known.terms[lang].term}' in the vault, '{term.term}' in "
                    f"{where}:{concept.line}; kept as it is")
                slot.existing = other
                continue
            slot.stem = f"{term.term} {marker}"
        # Folders: beside the parent's note in the language (existing or planned).
        broader = by_id.get(concept.parent or "")
        for lang, slot in mine.items():
            if slot.existing is not None:
                continue
            folder = _lang_folder(vault, lang)
            if broader is not None and id(broader) in slots:
                parent_slot = slots[id(broader)].get(lang)
                if parent_slot is not None:
                    parent_rel = (parent_slot.existing.path if parent_slot.existing is not None
                                  else parent_slot.rel)
                    folder = parent_rel.rpartition("/")[0]
            elif concept.parent and concept.parent in vault_concepts:
                parent_term = vault_concepts[concept.parent].terms.get(lang)
                if parent_term is not None:
                    folder = parent_term.path.rpartition("/")[0]
            rel = posixpath.join(folder, f"{slot.stem}.md") if folder else f"{slot.stem}.md"
            target = (vault.root / rel).resolve()
            if not target.is_relative_to(vault.root.resolve()):
                problems.append(ImportProblem(where, concept.line, f"'{slot.term.term}' would "
                                              "be written outside the vault"))
                continue
            if target.exists() or vault.index.note_at(rel) is not None or rel in planned_keys:
                problems.append(ImportProblem(where, concept.line, f"{vault.root / rel}: the "
                                              "file already exists; nothing was written"))
                continue
            planned_keys.add(rel)
            slot.rel = rel
            slot.link = _link_to_new(vault, rel, slot.stem, slot.term.term)
            if lang not in legends:
                try:
                    found_legend = (find_note(vault, legend, None, "legend")
                                    if legend is not None else vault_legend(vault, lang))
                except AuthoringError as exc:
                    problems.append(ImportProblem(where, concept.line, str(exc)))
                    continue
                if found_legend is None:
                    problems.append(ImportProblem(
                        where, concept.line, f"no {lang.upper()} note of {vault.root} ends "
                        "with a legend line, so the legend note is unknown; pass --legend"))
                    continue
                legends[lang] = found_legend
    if problems:
        return plan

    # 3. The text of each new note, and the translations lines of existing ones.
    edits: dict[str, tuple[Note, NoteText, bytes]] = {}
    for concept in ordered:
        mine = slots[id(concept)]
        parent = by_id.get(concept.parent or "")
        level = concept.level or default_level
        assert level is not None
        for lang, slot in mine.items():
            if slot.existing is not None or not slot.rel:
                continue
            draft = Note(slot.rel, vault.root / slot.rel, slot.stem, slot.term.term,
                         LEVEL_MARKERS[level - 1], level, lang)
            translations = []
            for other_lang, counterpart in mine.items():
                if other_lang == lang:
                    continue
                if counterpart.existing is not None:
                    translations.append(_link_text(vault, counterpart.existing, draft))
                else:
                    translations.append(counterpart.link)
            parent_link = _parent_link(vault, draft, lang, parent, slots,
                                       vault_concepts.get(concept.parent or ""))
            term = slot.term
            created = term.created if parse_timestamp(term.created) else stamp
            modified = term.modified if parse_timestamp(term.modified) else created
            version_match = _VERSION.fullmatch(term.version)
            version = (tuple(int(p) for p in version_match.groups()) if version_match
                       else (0, 1, 0))
            status = term.status
            meta = frontmatter_lines(
                lang=lang, translations=translations, created=created, modified=modified,
                version=(version[0], version[1], version[2]), nav_primary=term.nav_primary,
                nav_secondary=term.nav_secondary, tags=term.tags,
                ia_status=status.ia_status or 0, ia_model=status.ia_model,
                checked=1 if status.checked == 1 else 0, supervisado=status.supervisado,
                aliases=[a for a in term.aliases if normalize_key(a) != normalize_key(term.term)])
            body = [_paragraph(term.definition)] if term.definition.strip() else []
            related = _related_links(vault, draft, lang, concept, slots, by_id,
                                     vault_concepts)
            if related:
                body += [f"## {related_heading(lang)}",
                         "\n".join(f"- [[{link}]]" for link in related)]
            for missing in (r for r in concept.related
                            if r not in by_id and r not in vault_concepts):
                plan.warnings.append(f"{where}:{concept.line}: related concept '{missing}' "
                                     "is neither in the file nor in the vault; not linked")
            content = render_note(meta, slot.stem, parent_link, body,
                                  _link_text(vault, legends[lang], draft))
            plan.creates.append(PlannedFile(vault.root / slot.rel, slot.rel, content))
            for counterpart in mine.values():
                if counterpart.existing is None:
                    continue
                note = counterpart.existing
                if any(normalize_key(link.target) in {normalize_key(slot.stem),
                                                      normalize_key(slot.term.term)}
                       for link in note.translations):
                    continue
                if note.path not in edits:
                    try:
                        text = NoteText.read(note.abs_path)
                    except (OSError, FrontmatterEditError) as exc:
                        problems.append(ImportProblem(where, concept.line, f"{note.abs_path}: "
                                                      f"cannot add the translation: {exc}"))
                        continue
                    edits[note.path] = (note, text, text.to_bytes())
                _, text, _ = edits[note.path]
                try:
                    before_meta = dict(text.meta)
                    _add_translation(text, f"[[{slot.link}]]")
                    text.verify_only(before_meta, {"translations"})
                except FrontmatterEditError as exc:
                    problems.append(ImportProblem(where, concept.line, str(exc)))
    for note, text, before in edits.values():
        plan.rewrites.append(Rewrite(note.abs_path, note.path, before, text.to_bytes()))
    return plan


#: The heading of the section that lists a note's related terms, as the bundled glossary
#: writes it (``## Términos relacionados`` … ``- [[Term]]``); English for other languages.
RELATED_HEADINGS = {"es": "Términos relacionados", "en": "Related terms"}


def related_heading(lang: str) -> str:
    return RELATED_HEADINGS.get(lang, RELATED_HEADINGS["en"])


def _concept_note(vault: Vault, draft: Note, lang: str, concept_id: str,
                  slots: dict[int, dict[str, _Slot]], by_id: dict[str, Concept],
                  vault_concepts: dict[str, Concept]) -> str | None:
    """The link text to a concept's note in ``lang``, else in another language (the file's
    concept first, then the vault's), or None when neither has a note for it."""
    concept = by_id.get(concept_id)
    if concept is not None and id(concept) in slots:
        mine = slots[id(concept)]
        for slot in sorted(mine.values(), key=lambda s: s.term.lang != lang):
            if slot.existing is not None:
                return _link_text(vault, slot.existing, draft)
            if slot.rel:
                return slot.link
    known = vault_concepts.get(concept_id)
    if known is not None:
        for term in sorted(known.terms.values(), key=lambda t: t.lang != lang):
            note = vault.index.note_at(term.path)
            if note is not None:
                return _link_text(vault, note, draft)
    return None


def _related_links(vault: Vault, draft: Note, lang: str, concept: Concept,
                   slots: dict[int, dict[str, _Slot]], by_id: dict[str, Concept],
                   vault_concepts: dict[str, Concept]) -> list[str]:
    """Link texts of the concept's related concepts, for the new note in ``lang``."""
    links: list[str] = []
    for other in concept.related:
        if other == concept.id or other == concept.parent:
            continue
        link = _concept_note(vault, draft, lang, other, slots, by_id, vault_concepts)
        if link is not None and link not in links:
            links.append(link)
    return links


def _parent_link(vault: Vault, draft: Note, lang: str, parent: Concept | None,
                 slots: dict[int, dict[str, _Slot]], known: Concept | None) -> str | None:
    """The parent line's link: the broader concept's note in ``lang``, else in another
    language, else None."""
    candidates: list[_Slot] = []
    if parent is not None and id(parent) in slots:
        mine = slots[id(parent)]
        if lang in mine:
            candidates.append(mine[lang])
        candidates.extend(slot for other, slot in mine.items() if other != lang)
    for slot in candidates:
        if slot.existing is not None:
            return _link_text(vault, slot.existing, draft)
        if slot.rel:
            return slot.link
    if known is not None:
        ordered = sorted(known.terms.values(), key=lambda t: t.lang != lang)
        for term in ordered:
            note = vault.index.note_at(term.path)
            if note is not None:
                return _link_text(vault, note, draft)
    return None


def apply_import(plan: ImportPlan) -> None:
    """Write the planned notes, then the translations lines; on a failure, the notes
    written so far are removed again and rewritten files restored."""
    created: list[PlannedFile] = []
    rewritten: list[Rewrite] = []
    try:
        for planned in plan.creates:
            create_file(planned)
            created.append(planned)
        for rewrite in plan.rewrites:
            apply_rewrite(rewrite)
            rewritten.append(rewrite)
    except BaseException:
        for planned in created:
            planned.path.unlink(missing_ok=True)
        for rewrite in rewritten:
            apply_rewrite(Rewrite(rewrite.path, rewrite.rel, rewrite.after, rewrite.before))
        raise
