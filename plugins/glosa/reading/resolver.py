"""Link resolution by Obsidian's rules, plus the vault's: one index, O(1) per link.

Order of lookup for ``[[target]]``:

1. empty target (``[[#Heading]]``): the note itself;
2. ``./`` or ``../``: relative to the linking note's folder (never above the vault);
3. a path with ``/``: vault-absolute, then relative, then as a path suffix;
4. a bare name: every note whose file name matches, with or without level marker, in any
   folder (case-insensitive, NFC/NFD-insensitive);
5. an alias from some note's frontmatter.

When several notes match, a note in the same folder wins, then one in the same language as
the linking note (a bilingual vault may reuse a term's name in both languages), then the
shortest path (Obsidian's rule); a remaining tie is reported as ambiguous.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol
from urllib.parse import unquote

from ..config import ObsidianSettings
from .closest import NameSearch
from .markers import name_keys, normalize_key, split_marker
from .model import Attachment, Heading, Note, strip_note_suffix
from .wikilinks import parse_markdown_destination, slugify

__all__ = ["LinkLike", "LinkResolution", "NoteIndex", "ResolutionStatus", "block_lines",
           "legend_notes",
           "resolve_link", "section_lines"]


class LinkLike(Protocol):
    """What resolution reads of a link: a :class:`~glosa.reading.model.WikiLink` (any kind) or a
    :class:`~glosa.reading.wikilinks.LinkTarget`."""

    @property
    def target(self) -> str: ...
    @property
    def heading(self) -> str | None: ...
    @property
    def block(self) -> str | None: ...


#: How many distinct broken names keep their did-you-mean suggestions (bounded memory).
SUGGESTION_CACHE = 4096

class ResolutionStatus(str, Enum):
    OK = "ok"
    AMBIGUOUS = "ambiguous"
    BROKEN = "broken"
    HEADING_MISSING = "heading-missing"
    BLOCK_MISSING = "block-missing"
    OUTSIDE = "outside"


# Not frozen, for the same reason as WikiLink (one per link); read-only all the same.
@dataclass(slots=True)
class LinkResolution:
    status: ResolutionStatus
    note: Note | None = None
    attachment: Attachment | None = None
    heading: Heading | None = None
    block: str | None = None
    #: Other candidates when the link was ambiguous (the chosen one is ``note``).
    candidates: tuple[Note, ...] = ()
    #: Closest names for a broken target, heading or block.
    suggestions: tuple[str, ...] = ()
    #: For a broken link: the template file (vault-relative) it names, if any; templates
    #: are not notes of the site.
    template: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in (ResolutionStatus.OK, ResolutionStatus.AMBIGUOUS)

    @property
    def anchor(self) -> str | None:
        """The URL fragment: the heading's slug or the block id."""
        if self.heading is not None:
            return self.heading.slug
        return self.block


@dataclass
class NoteIndex:
    """Every note and attachment of a vault, by every name a link may use."""

    notes: list[Note]
    attachments: list[Attachment] = field(default_factory=list)
    obsidian: ObsidianSettings = field(default_factory=ObsidianSettings)
    #: Vault-relative paths of template files (not notes, not attachments).
    templates: Sequence[str] = ()

    def __post_init__(self) -> None:
        self.by_path: dict[str, Note] = {}
        self.by_suffix: dict[str, list[Note]] = {}
        self.by_alias: dict[str, list[Note]] = {}
        self.attachment_by_path: dict[str, Attachment] = {}
        self.attachment_by_suffix: dict[str, list[Attachment]] = {}
        self._headings: dict[int, dict[str, Heading]] = {}
        self._fuzzy_choices: dict[str, str] | None = None
        self._attachment_names: dict[str, str] | None = None
        # Did-you-mean suggestions by (table, query): a vault whose notes all share one
        # broken link pays for one fuzzy search, not one per note.
        self._suggestions: dict[tuple[str, str], tuple[str, ...]] = {}
        self._name_searches: dict[str, NameSearch] = {}
        #: Resolutions by (target, heading, block, source folder, source language); see
        #: :func:`resolve_link`.
        self.resolutions: dict[tuple[str, str | None, str | None, str, str],
                               LinkResolution] = {}
        #: Resolutions that do not depend on the linking note, by (target, heading, block).
        self.bare_resolutions: dict[tuple[str, str | None, str | None], LinkResolution] = {}
        self.template_by_name: dict[str, str] = {}
        self._folder_heads: dict[str, list[str]] = {}
        for path in self.templates:
            key = normalize_key(strip_note_suffix(path))
            self.template_by_name.setdefault(key, path)
            self.template_by_name.setdefault(key.rsplit("/", 1)[-1], path)
        for note in self.notes:
            self._add_note(note)
        for attachment in self.attachments:
            key = normalize_key(attachment.path)
            self.attachment_by_path[key] = attachment
            segments = key.split("/")
            for i in range(len(segments)):
                self.attachment_by_suffix.setdefault("/".join(segments[i:]), []).append(
                    attachment)

    def _add_note(self, note: Note) -> None:
        without_ext = strip_note_suffix(note.path)
        folder, _, stem = without_ext.rpartition("/")
        folder_key = normalize_key(folder)
        # `a/b/`, `b/`, ``: what each path suffix of a note of this folder begins with.
        heads = self._folder_heads.get(folder_key)
        if heads is None:
            segments = folder_key.split("/") if folder_key else []
            heads = self._folder_heads[folder_key] = [
                "".join(f"{segment}/" for segment in segments[i:])
                for i in range(len(segments) + 1)]
        by_suffix = self.by_suffix
        for name in name_keys(stem):
            self.by_path.setdefault(heads[0] + name, note)
            for head in heads:
                key = head + name
                bucket = by_suffix.get(key)
                if bucket is None:
                    by_suffix[key] = [note]
                elif not any(other is note for other in bucket):
                    bucket.append(note)
        for alias in note.aliases:
            bucket = self.by_alias.setdefault(normalize_key(alias), [])
            if not any(other is note for other in bucket):
                bucket.append(note)

    def replace_note(self, old: Note, new: Note) -> None:
        """Put a new version of a note in the old one's place (`mkdocs serve`'s fast path):
        same path and aliases, so it goes under the same names, in the same order."""
        if old.path != new.path or old.aliases != new.aliases:
            raise ValueError(f"{new.path}: a note's path or aliases changed; index it anew")
        for table in (self.by_suffix, self.by_alias):
            for bucket in table.values():
                for at, note in enumerate(bucket):
                    if note is old:
                        bucket[at] = new
        for key, note in self.by_path.items():
            if note is old:
                self.by_path[key] = new
        self.notes[next(at for at, note in enumerate(self.notes) if note is old)] = new
        self._headings.pop(id(old), None)
        self._fuzzy_choices = None
        self._suggestions.clear()
        # Resolutions name the old version (and its headings and block ids).
        self.resolutions.clear()
        self.bare_resolutions.clear()

    def note_at(self, path: str) -> Note | None:
        """The note at a vault-relative path (with or without ``.md``)."""
        return self.by_path.get(normalize_key(strip_note_suffix(path)))

    def headings_of(self, note: Note) -> dict[str, Heading]:
        """A note's headings by normalised text and by slug (built on first use)."""
        table = self._headings.get(id(note))
        if table is None:
            table = {}
            for heading in note.headings:
                table.setdefault(normalize_key(heading.text), heading)
                table.setdefault(heading.slug, heading)
            self._headings[id(note)] = table
        return table

    def fuzzy_choices(self) -> dict[str, str]:
        """Names to suggest (file names and aliases), each with the text compared."""
        if self._fuzzy_choices is None:
            names: dict[str, str] = {}
            for note in self.notes:
                names.setdefault(note.stem, normalize_key(note.title))
                for alias in note.aliases:
                    names.setdefault(alias, normalize_key(alias))
            self._fuzzy_choices = names
        return self._fuzzy_choices

    def attachment_names(self) -> dict[str, str]:
        """File names of attachments to suggest, each with the text compared."""
        if self._attachment_names is None:
            names: dict[str, str] = {}
            for attachment in self.attachments:
                name = attachment.path.rsplit("/", 1)[-1]
                names.setdefault(name, normalize_key(name))
            self._attachment_names = names
        return self._attachment_names

    def suggest(self, table: str, query: str) -> tuple[str, ...]:
        """Closest names to ``query`` among notes (``table="notes"``) or attachments
        (``"attachments"``), computed once per distinct query (bounded cache)."""
        key = (table, query)
        found = self._suggestions.get(key)
        if found is None:
            choices = self.fuzzy_choices() if table == "notes" else self.attachment_names()
            search = self._name_searches.get(table)
            if search is None or search.choices is not choices:
                search = self._name_searches[table] = NameSearch(
                    choices, lambda text, names, limit: _closest(text, names, limit),
                    normalize_key)
            found = search.closest(query)
            if len(self._suggestions) >= SUGGESTION_CACHE:
                self._suggestions.clear()
            self._suggestions[key] = found
        return found

    def resolve(self, link: LinkLike, source: Note | None) -> LinkResolution:
        """:func:`resolve_link` of a wiki-link, Markdown link or :class:`LinkTarget`."""
        return resolve_link(self, link, source)

    def resolve_destination(self, dest: str, source: Note | None) -> LinkResolution | None:
        """Resolve a Markdown link destination (``Note%20name.md#Heading``,
        ``<../a b.png>``) exactly like a wiki-link; None for a link to another site."""
        target = parse_markdown_destination(dest)
        if target is None:
            return None
        return resolve_link(self, target, source)


def _closest(query: str, choices: Iterable[str] | dict[str, str],
             limit: int = 3) -> tuple[str, ...]:
    """Did-you-mean candidates (rapidfuzz): whole-string similarity, so that a short alias
    does not match every long title that happens to contain its letters."""
    table = choices if isinstance(choices, dict) else {c: normalize_key(c) for c in choices}
    if not query or not table:
        return ()
    # Imported on the first broken link: a vault without one never needs it.
    from rapidfuzz import fuzz, process

    found = process.extract(
        normalize_key(query), table, scorer=fuzz.ratio, limit=limit, score_cutoff=60,
    )
    return tuple(match[2] for match in found)


def _pick(candidates: list[Note], source: Note | None) -> tuple[Note, tuple[Note, ...]]:
    """Choose among several matching notes; returns (chosen, others still tied)."""
    if len(candidates) == 1:
        return candidates[0], ()
    tier = candidates
    if source is not None:
        folder = source.path.rpartition("/")[0]
        tier = [n for n in candidates if n.path.rpartition("/")[0] == folder] or candidates
    if len(tier) > 1 and source is not None:
        tier = [n for n in tier if n.lang == source.lang] or tier
    if len(tier) > 1:
        depth = min(n.path.count("/") for n in tier)
        shallow = sorted((n for n in tier if n.path.count("/") == depth), key=lambda n: n.path)
        # A unique shortest path wins silently (Obsidian); a tie at that depth is ambiguous.
        return shallow[0], tuple(shallow[1:])
    return tier[0], ()


def _find_notes(index: NoteIndex, target: str, source: Note | None) -> list[Note] | str:
    """Candidate notes for a target, or the string ``"outside"`` for an escaping path."""
    target = strip_note_suffix(target.strip())
    if target.startswith(("./", "../")):
        base = source.path.rpartition("/")[0] if source else ""
        joined = posixpath.normpath(posixpath.join(base, target))
        if joined == ".." or joined.startswith("../"):
            return "outside"
        note = index.by_path.get(normalize_key(joined))
        return [note] if note else []
    if target.startswith("/"):
        absolute = posixpath.normpath(target.lstrip("/"))
        if absolute.startswith("../") or absolute == "..":
            return "outside"
        note = index.by_path.get(normalize_key(absolute))
        return [note] if note else []
    key = normalize_key(target)
    if "/" in key:
        note = index.by_path.get(key)
        if note is not None:
            return [note]
        if source is not None:
            base = source.path.rpartition("/")[0]
            relative = posixpath.normpath(posixpath.join(base, target))
            if relative.startswith("../"):
                return "outside"
            note = index.by_path.get(normalize_key(relative))
            if note is not None:
                return [note]
    found = index.by_suffix.get(key)
    if found:
        return found
    return index.by_alias.get(key, [])


def _find_attachment(index: NoteIndex, target: str, source: Note | None) -> Attachment | None:
    """The file a link names: relative (``./``, ``../``), vault-absolute, else by path
    suffix or bare name anywhere (Obsidian's rules). Among files sharing a name, one in
    the note's folder wins, then one in the vault's attachment folder, then the shortest
    path."""
    key = normalize_key(target.lstrip("/"))
    if source is not None and target.startswith(("./", "../")):
        base = source.path.rpartition("/")[0]
        joined = posixpath.normpath(posixpath.join(base, target))
        if joined == ".." or joined.startswith("../"):
            return None
        key = normalize_key(joined)
    found = index.attachment_by_path.get(key)
    if found is not None:
        return found
    if source is not None and "/" in key and not target.startswith(("./", "../", "/")):
        # Obsidian also reads `sub/file.png` relative to the note's folder.
        base = source.path.rpartition("/")[0]
        if base:
            found = index.attachment_by_path.get(
                normalize_key(posixpath.normpath(posixpath.join(base, target))))
            if found is not None:
                return found
    bucket = index.attachment_by_suffix.get(key)
    if not bucket:
        return None
    if len(bucket) == 1:
        return bucket[0]
    note_folder = normalize_key(source.path.rpartition("/")[0]) if source is not None else ""
    hint = normalize_key(index.obsidian.attachment_folder_for(source.path if source else ""))

    def rank(attachment: Attachment) -> tuple[int, int, int, str]:
        folder = normalize_key(attachment.path).rpartition("/")[0]
        return (folder != note_folder, folder != hint, attachment.path.count("/"),
                attachment.path)

    return min(bucket, key=rank)


def _has_file_extension(target: str) -> bool:
    """Whether a link names a file by its extension (``x.png``, ``Board.canvas``,
    ``Data.base``), not a note: any extension but Markdown's, of letters and digits."""
    name = target.rsplit("/", 1)[-1]
    if "." not in name:
        return False
    ext = name.rsplit(".", 1)[-1].lower()
    return ext not in ("md", "markdown") and ext.isalnum() and not ext.isdigit()


#: How many distinct (link, folder, language) resolutions an index keeps (bounded memory).
RESOLUTION_CACHE = 1 << 17


def resolve_link(index: NoteIndex, link: LinkLike, source: Note | None) -> LinkResolution:
    """Resolve one link written in ``source`` (None for links from outside a note): a
    wiki-link, a Markdown link (its decoded destination) or a frontmatter link.

    A link to another note resolves the same from every note of one folder and language
    (the lookup reads only those of the source), and a vault links to the same terms over
    and over: each distinct case is resolved once per index. (Resolutions are shared:
    treat them as read-only.)"""
    target = link.target
    if not target:
        note = source
        if note is None:
            return LinkResolution(ResolutionStatus.BROKEN)
        return _resolve_anchor(index, link, note, ())
    # A bare name that matches one note (or none) resolves the same from every note.
    bare = index.bare_resolutions.get((target, link.heading, link.block))
    if bare is not None:
        return bare
    if source is None:
        key: tuple[str, str | None, str | None, str, str] = (target, link.heading, link.block,
                                                             "\0", "")
    else:
        key = (target, link.heading, link.block, source.path.rpartition("/")[0], source.lang)
    found = index.resolutions.get(key)
    if found is None:
        found = _resolve_target(index, link, source)
        memo: dict[Any, LinkResolution] = (index.bare_resolutions
                                           if _same_from_anywhere(index, target)
                                           else index.resolutions)
        if len(memo) >= RESOLUTION_CACHE:
            memo.clear()
        memo[key[:3] if memo is index.bare_resolutions else key] = found
    return found


def _same_from_anywhere(index: NoteIndex, target: str) -> bool:
    """Whether ``target`` resolves without regard to the linking note: a bare name (no
    path, nothing percent-encoded) that :func:`_find_notes` finds as one note, or as no
    note and at most one file (several are ranked by the linking note's folder)."""
    if "/" in target or "%" in target:
        return False
    key = normalize_key(strip_note_suffix(target.strip()))
    found = index.by_suffix.get(key) or index.by_alias.get(key, [])
    if found:
        return len(found) == 1
    if "." not in target:
        return True
    file_key = normalize_key(target)
    return (file_key in index.attachment_by_path
            or len(index.attachment_by_suffix.get(file_key, ())) <= 1)


def _resolve_target(index: NoteIndex, link: LinkLike, source: Note | None) -> LinkResolution:
    target = link.target

    result = _find_notes(index, target, source)
    if result == [] and "%" in target:
        result = _find_notes(index, unquote(target), source)
    if result == "outside":
        return LinkResolution(ResolutionStatus.OUTSIDE)
    assert not isinstance(result, str)
    if not result:
        if "." in target.rsplit("/", 1)[-1]:
            attachment = _find_attachment(index, target, source)
            if attachment is None and "%" in target:
                attachment = _find_attachment(index, unquote(target), source)
            if attachment is not None:
                return LinkResolution(ResolutionStatus.OK, attachment=attachment)
        template = index.template_by_name.get(normalize_key(strip_note_suffix(target.strip("/"))))
        if template is not None:
            return LinkResolution(ResolutionStatus.BROKEN, template=template)
        if _has_file_extension(target):
            return LinkResolution(
                ResolutionStatus.BROKEN,
                suggestions=index.suggest("attachments", target.rsplit("/", 1)[-1]),
            )
        query = split_marker(strip_note_suffix(target.rsplit("/", 1)[-1])).title
        return LinkResolution(ResolutionStatus.BROKEN, suggestions=index.suggest("notes", query))
    chosen, tied = _pick(result, source)
    return _resolve_anchor(index, link, chosen, tied)


def _resolve_anchor(index: NoteIndex, link: LinkLike, note: Note,
                    tied: tuple[Note, ...]) -> LinkResolution:
    status = ResolutionStatus.AMBIGUOUS if tied else ResolutionStatus.OK
    if link.block is not None:
        if link.block in note.block_ids:
            return LinkResolution(status, note=note, block=link.block, candidates=tied)
        return LinkResolution(ResolutionStatus.BLOCK_MISSING, note=note, candidates=tied,
                              suggestions=_closest(link.block, list(note.block_ids)))
    if link.heading:
        table = index.headings_of(note)
        heading = table.get(normalize_key(link.heading)) or table.get(slugify(link.heading))
        if heading is None:
            return LinkResolution(
                ResolutionStatus.HEADING_MISSING, note=note, candidates=tied,
                suggestions=_closest(link.heading, [h.text for h in note.headings]),
            )
        return LinkResolution(status, note=note, heading=heading, candidates=tied)
    return LinkResolution(status, note=note, candidates=tied)


#: A span of file lines, first and last included.
LineSpan = tuple[int, int]
#: The span that stands for the whole note.
WHOLE_NOTE: LineSpan = (0, 1 << 62)


def section_lines(note: Note, res: LinkResolution) -> LineSpan:
    """The file lines an embed resolved as ``res`` shows of ``note``: a heading's section
    (its line to the line before the next heading of its level or above), a block (see
    :func:`block_lines`), or the whole note."""
    if res.heading is not None:
        heading = res.heading
        end = WHOLE_NOTE[1]
        for other in note.headings:
            if other.line > heading.line and other.level <= heading.level:
                end = other.line - 1
                break
        return heading.line, end
    if res.block is not None and res.block in note.block_ids:
        return block_lines(note, res.block)
    return WHOLE_NOTE


def block_lines(note: Note, block: str) -> LineSpan:
    """The file lines of the block a ``^block`` id names: the paragraph or list item that
    the id ends, or, for an id on a line of its own, the block just above it (a table,
    list, quote or callout: Obsidian's rule). A note without its body gives the id's line
    alone (a stub from another process keeps the body of a note with block ids)."""
    line = note.block_ids[block]
    if not note.body:
        return line, line
    lines = note.body.split("\n")
    at = line - note.body_line
    if not 0 <= at < len(lines):
        return line, line
    if lines[at].strip() == f"^{block}":
        at -= 1
        while at >= 0 and not lines[at].strip():
            at -= 1  # the blank line(s) between the block and its id
        if at < 0:
            return line, line
        last = at
    else:
        last = at
    first = last
    while first > 0 and lines[first - 1].strip():
        first -= 1
    return note.body_line + first, max(note.body_line + last, line)


def legend_notes(index: NoteIndex, notes: Iterable[Note]) -> set[int]:
    """ids of the notes that the legend lines of ``notes`` point to (the level legend: a
    page about the site, not a term). Resolved once per name and language: the seed
    format's legend has one name in every language, and every note carries the line."""
    targets: dict[tuple[str, str], int | None] = {}
    found: set[int] = set()
    for note in notes:
        if note.legend is None:
            continue
        key = (note.legend.target, note.lang)
        if key not in targets:
            target = resolve_link(index, note.legend, note).note
            targets[key] = id(target) if target is not None else None
        target_id = targets[key]
        if target_id is not None and target_id != id(note):
            found.add(target_id)
    return found
