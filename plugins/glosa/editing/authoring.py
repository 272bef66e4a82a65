"""The editors' commands that write notes: ``glosa new``, ``glosa translate``, ``glosa bump``.

Every function here first *plans* (computes the exact bytes to write, refusing anything
unsafe) and only then, in a separate step, writes with :func:`glosa.files.write_atomic`.
That is what makes ``--dry-run`` honest: it shows the plan that would be applied.

Decisions the note format leaves open, made here and documented in the commands' help:

- A new note carries every key of the format in the format's order, version 0.1.0.
- A translation carries the *source's* version: a translation of version 0.4.1 is at 0.4.1,
  so ``glosa translations`` reports it stale as soon as the source is bumped past it.
- A translation needs a title (file names are titles, so no placeholder is written): it comes
  from ``--title``, or is asked for when the command runs in a terminal.
- The translation's body is left for the editor, marked with
  ``<!-- glosa: translate from PATH -->``; ``glosa translations`` lists notes still marked.
"""

from __future__ import annotations

import difflib
import errno
import os
import posixpath
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..files import FileChangedError, locked, write_atomic
from ..reading.markers import LEGEND_SEQUENCE, LEVEL_MARKERS, normalize_key, split_marker
from ..reading.model import Note
from ..reading.resolver import ResolutionStatus, resolve_link
from ..reading.vault import Vault
from ..reading.wikilinks import parse_link
from .frontmatter_text import FrontmatterEditError, NoteText, quote_scalar, yaml_scalar

__all__ = [
    "TRANSLATE_MARKER_RE",
    "VERSION_KEYS",
    "AuthoringError",
    "AuthoringUsageError",
    "BumpPlan",
    "PlannedFile",
    "Rewrite",
    "TranslationPlan",
    "apply_rewrite",
    "apply_translation",
    "bump_version",
    "create_file",
    "find_note",
    "locate_note",
    "parse_timestamp",
    "plan_bump",
    "plan_new_note",
    "plan_translation",
    "timestamp",
    "vault_legend",
]

VERSION_KEYS = ("ver_major", "ver_minor", "ver_rev")
BUMP_PARTS = ("major", "minor", "rev")
#: The line a new translation's body carries until the editor writes the text.
TRANSLATE_MARKER = "<!-- glosa: translate from {path} -->"
TRANSLATE_MARKER_RE = re.compile(r"<!--\s*glosa:\s*translate from\s+(.*?)\s*-->")
# Characters that cannot appear in an Obsidian note name (file systems or link syntax).
_FORBIDDEN_IN_TITLE = '[]#^|\\/:*"<>?'
_ENCODING_RULES = ("encoding-double", "encoding-invalid-utf8")


class AuthoringError(Exception):
    """A refusal or a failure; the message names the file and says what to do."""


class AuthoringUsageError(AuthoringError):
    """An option value that cannot be used (exit status 2 on the command line)."""


# --- dates and versions ---------------------------------------------------------------


def timestamp(now: datetime | None = None) -> str:
    """A date as the note format writes it: ISO 8601 UTC, milliseconds, ``Z``."""
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


_ISO = re.compile(
    r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?"
    r"(Z|[+-]\d{2}:?\d{2})?)?"
)


def parse_timestamp(value: Any) -> datetime | None:
    """A frontmatter date as an aware datetime (UTC when no offset is written), else None."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if not isinstance(value, str):
        return None
    match = _ISO.fullmatch(value.strip())
    if match is None:
        return None
    day, clock, fraction, offset = match.groups()
    text = f"{day}T{clock or '00:00'}"
    if clock and clock.count(":") == 1:
        text += ":00"
    if fraction:
        text += "." + fraction[:6].ljust(6, "0")
    if offset and offset != "Z":
        text += offset if ":" in offset else f"{offset[:3]}:{offset[3:]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def note_version(meta: dict[str, Any]) -> tuple[int, int, int] | None:
    """``(ver_major, ver_minor, ver_rev)``, or None when a part is absent or not a number."""
    parts = [meta.get(key) for key in VERSION_KEYS]
    if all(isinstance(p, int) and not isinstance(p, bool) for p in parts):
        return (int(parts[0]), int(parts[1]), int(parts[2]))  # type: ignore[arg-type]
    return None


def bump_version(version: tuple[int, int, int], part: str) -> tuple[int, int, int]:
    """Raise one part of a version; the parts below it go back to 0."""
    major, minor, rev = version
    if part == "major":
        return (major + 1, 0, 0)
    if part == "minor":
        return (major, minor + 1, 0)
    if part == "rev":
        return (major, minor, rev + 1)
    raise AuthoringUsageError(f"unknown version part '{part}' (major, minor or rev)")


def _dotted(version: tuple[int, int, int]) -> str:
    return ".".join(str(p) for p in version)


# --- planned writes -------------------------------------------------------------------


def _diff(before: str, after: str, rel: str, new: bool = False) -> str:
    absolute = rel.startswith("/") or Path(rel).is_absolute()
    old_name = "/dev/null" if new else (rel if absolute else f"a/{rel}")
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        old_name, rel if absolute else f"b/{rel}",
    )
    out = "".join(lines)
    return out if out.endswith("\n") or not out else out + "\n"


@dataclass
class PlannedFile:
    """A new note: where it goes and its text."""

    path: Path
    rel: str
    content: str

    def data(self) -> bytes:
        return self.content.encode("utf-8")

    def diff(self) -> str:
        return _diff("", self.content, self.rel, new=True)


@dataclass
class Rewrite:
    """A change to an existing file, as its bytes before and after."""

    path: Path
    rel: str
    before: bytes
    after: bytes

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        return _diff(self.before.decode("utf-8", "replace"),
                     self.after.decode("utf-8", "replace"), self.rel)


def create_file(planned: PlannedFile) -> None:
    """Write a new note; never replaces an existing file."""
    if planned.path.exists() or planned.path.is_symlink():
        raise AuthoringError(f"{planned.path}: the file already exists; nothing was written")
    planned.path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with locked(planned.path):
            if planned.path.exists() or planned.path.is_symlink():
                raise AuthoringError(
                    f"{planned.path}: the file already exists; nothing was written")
            write_atomic(planned.path, planned.data())
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise AuthoringError(f"{planned.path}: the name is too long for this file "
                                 "system; nothing was written") from None
        raise


def apply_rewrite(rewrite: Rewrite) -> None:
    """Replace a file atomically, unless it changed since the rewrite was planned."""
    with locked(rewrite.path):
        try:
            current = rewrite.path.read_bytes()
        except OSError as exc:
            raise AuthoringError(
                f"{rewrite.path}: cannot read the file: {exc.strerror}") from None
        if current != rewrite.before:
            raise AuthoringError(
                f"{rewrite.path}: the file changed while glosa was working; nothing was written")
        try:
            write_atomic(rewrite.path, rewrite.after, expected=rewrite.before)
        except FileChangedError:
            raise AuthoringError(
                f"{rewrite.path}: the file changed while glosa was working; nothing was written"
            ) from None


# --- finding notes --------------------------------------------------------------------


def _strip_brackets(name: str) -> str:
    name = name.strip()
    if name.startswith("[[") and name.endswith("]]"):
        name = name[2:-2].strip()
    return name


def find_note(vault: Vault, name: str, source: Note | None, what: str = "note") -> Note:
    """The note a link ``[[name]]`` written in ``source`` would open, or a clear error
    (with did-you-mean suggestions) naming the vault."""
    target = _strip_brackets(name)
    if not target:
        raise AuthoringUsageError(f"the {what} name is empty")
    link = parse_link(target, False, 0, 0)
    if link.heading is not None or link.block is not None:
        raise AuthoringUsageError(f"{what} '{name}': name a note, not a heading or block")
    res = resolve_link(vault.index, link, source)
    if res.note is None:
        hint = ", ".join(f"'{s}'" for s in res.suggestions)
        label = "note" if what == "note" else f"{what} note"
        raise AuthoringError(
            f"no {label} '{target}' in {vault.root}" + (f"; did you mean {hint}?"
                                                       if hint else ""))
    if res.status is ResolutionStatus.AMBIGUOUS:
        paths = ", ".join(n.path for n in (res.note, *res.candidates))
        raise AuthoringError(
            f"{what} '{target}' matches several notes ({paths}); write its path to choose")
    return res.note


def locate_note(vault: Vault, spec: str) -> Note:
    """A note given as a file path (absolute or relative to the working folder) or as the
    name a wiki-link would use."""
    path = Path(spec)
    if path.is_file():
        resolved = path.resolve()
        for note in vault.notes:
            if note.abs_path.resolve() == resolved:
                return note
        raise AuthoringError(f"{spec}: not a note of the vault {vault.root} (pass --vault)")
    return find_note(vault, spec, None)


def _folder_of(rel: str) -> str:
    return rel.rpartition("/")[0]


def _draft(vault: Vault, rel: str, lang: str) -> Note:
    """A stand-in for a note not yet written, so links are resolved from where it will be."""
    stem = rel.rsplit("/", 1)[-1][:-3]
    parts = split_marker(stem)
    return Note(rel, vault.root / rel, stem, parts.title, parts.marker, parts.level, lang)


def _link_text(vault: Vault, target: Note, source: Note) -> str:
    """What to write between ``[[`` and ``]]`` so that the link opens exactly ``target``
    from ``source``: its file name, or its vault path when the name alone is ambiguous."""
    by_path = target.path[:-3] if target.path.lower().endswith(".md") else target.path
    # A name the source itself answers to would open the source once it is in the index.
    own = {normalize_key(source.stem), normalize_key(source.title)}
    for candidate in (target.stem, by_path):
        if {normalize_key(candidate), normalize_key(split_marker(candidate).title)} & own:
            continue
        res = resolve_link(vault.index, parse_link(candidate, False, 0, 0), source)
        if res.status is ResolutionStatus.OK and res.note is target:
            return candidate
    return by_path


def _link_to_new(vault: Vault, rel: str, stem: str, title: str) -> str:
    """How other notes should link to a note that is not in the index yet: by its name when
    no existing note or alias answers to that name, else by its vault path."""
    keys = {normalize_key(stem), normalize_key(title)}
    taken = any(key in vault.index.by_suffix or key in vault.index.by_alias for key in keys)
    return rel[:-3] if taken else stem


def vault_legend(vault: Vault, lang: str) -> Note | None:
    """The note that the vault's notes of ``lang`` link to in their legend line (the most
    used one; ties go to the first path)."""
    counts: Counter[str] = Counter()
    by_path: dict[str, Note] = {}
    for note in vault.notes:
        if note.lang != lang or note.legend is None:
            continue
        res = resolve_link(vault.index, note.legend, note)
        if res.note is not None:
            counts[res.note.path] += 1
            by_path[res.note.path] = res.note
    if not counts:
        return None
    best = min(counts, key=lambda path: (-counts[path], path))
    return by_path[best]


def _translation_in(vault: Vault, note: Note, lang: str) -> Note | None:
    for link in note.translations:
        res = resolve_link(vault.index, link, note)
        if res.note is not None and res.note.lang == lang:
            return res.note
    return None


# --- checks on option values ------------------------------------------------------------


def check_title(title: str) -> str:
    """A title as it will be written: NFC, single spaces; refuses what cannot be a name."""
    text = unicodedata.normalize("NFC", " ".join(title.split()))
    if not text:
        raise AuthoringUsageError("the title is empty")
    bad = sorted({c for c in text if c in _FORBIDDEN_IN_TITLE
                  or unicodedata.category(c).startswith("C")})
    if bad:
        shown = " ".join(repr(c) for c in bad)
        raise AuthoringUsageError(
            f"the title '{text}' contains {shown}, which a note name cannot contain")
    if text.startswith("."):
        raise AuthoringUsageError(f"the title '{text}' starts with '.', which hides the file")
    if split_marker(text).marker is not None:
        raise AuthoringUsageError(
            f"write the title '{text}' without its level marker; the level sets it")
    if len(f"{text} {LEVEL_MARKERS[0]}.md".encode()) > 255:
        raise AuthoringUsageError("the title is too long for a file name")
    return text


def check_lang(vault: Vault, lang: str) -> str:
    code = lang.strip().lower()
    if code not in vault.config.languages:
        known = ", ".join(x.upper() for x in vault.config.languages)
        raise AuthoringUsageError(f"language '{lang}' is not configured (languages: {known})")
    return code


def check_level(level: int) -> str:
    if not 1 <= level <= 6:
        raise AuthoringUsageError(f"the level must be 1 to 6, not {level}")
    return LEVEL_MARKERS[level - 1]


def check_folder(vault: Vault, folder: str) -> str:
    """A vault-relative folder (forward slashes, no ``..``)."""
    cleaned = folder.replace("\\", "/").strip().strip("/")
    if not cleaned or cleaned == ".":
        return ""
    normal = posixpath.normpath(cleaned)
    if normal == ".." or normal.startswith("../") or posixpath.isabs(folder.replace("\\", "/")):
        raise AuthoringUsageError(f"--folder '{folder}' must be a folder inside the vault")
    if any(part.startswith(".") for part in normal.split("/")):
        raise AuthoringUsageError(f"--folder '{folder}': glosa never reads hidden folders")
    if (vault.root / normal).exists() and not (vault.root / normal).is_dir():
        raise AuthoringUsageError(f"--folder '{folder}' is a file, not a folder")
    # The deepest part of the folder that exists must stay inside the vault once symbolic
    # links are followed: a link to /etc would put the new note there.
    existing = vault.root / normal
    while not existing.exists() and existing != vault.root:
        existing = existing.parent
    if not Path(os.path.realpath(existing)).is_relative_to(Path(os.path.realpath(vault.root))):
        raise AuthoringUsageError(
            f"--folder '{folder}' leads outside the vault through a symbolic link")
    return normal


def check_tags(tags: list[str]) -> list[str]:
    out: list[str] = []
    for tag in tags:
        text = tag.strip().lstrip("#")
        if not text:
            continue
        if any(c.isspace() for c in text) or any(c in ",[]{}" for c in text):
            raise AuthoringUsageError(f"tag '{tag}' cannot contain spaces or , [ ] {{ }}")
        out.append(text)
    return out


def _refuse_existing_title(vault: Vault, title: str, lang: str) -> None:
    key = normalize_key(title)
    for note in vault.notes:
        if note.lang == lang and normalize_key(note.title) == key:
            raise AuthoringError(
                f"a note in {lang.upper()} titled '{title}' already exists: "
                f"{vault.root / note.path}")


def _refuse_existing_path(vault: Vault, rel: str) -> Path:
    path = vault.root / rel
    if path.exists() or vault.index.note_at(rel) is not None:
        raise AuthoringError(f"{path}: the file already exists; nothing was written")
    return path


# --- rendering ---------------------------------------------------------------------------


def frontmatter_lines(
    *, lang: str, translations: list[str], created: str,
    version: tuple[int, int, int] = (0, 1, 0), nav_primary: str = "",
    nav_secondary: str = "", tags: list[str] | None = None,
    modified: str | None = None, ia_status: int = 0, ia_model: str = "", checked: int = 0,
    supervisado: str = "", aliases: list[str] | None = None,
) -> list[str]:
    """Every key of the note format, in the format's order, as text lines (then
    ``aliases``, when given)."""
    lines = [f"iaStatus: {ia_status}", f"iaStatus_Model: {quote_scalar(ia_model)}", "a11y: 0",
             f"checked: {checked}", f"lang: {lang.upper()}"]
    if not translations:
        lines.append("translations:")
    elif len(translations) == 1:
        lines.append(f"translations: {quote_scalar(f'[[{translations[0]}]]')}")
    else:
        lines.append("translations:")
        lines.extend(f"  - {quote_scalar(f'[[{t}]]')}" for t in translations)
    lines += [
        f"created: {created}",
        f"modified: {modified or created}",
        f"supervisado: {quote_scalar(supervisado)}",
        'ACCION: ""',
        f"ver_major: {version[0]}",
        f"ver_minor: {version[1]}",
        f"ver_rev: {version[2]}",
        f"nav_primary: {yaml_scalar(nav_primary)}" if nav_primary else "nav_primary:",
        f"nav_secondary: {yaml_scalar(nav_secondary)}" if nav_secondary else "nav_secondary:",
        "tags:",
    ]
    lines.extend(f"  - {yaml_scalar(tag)}" for tag in tags or [])
    if aliases:
        lines.append("aliases:")
        lines.extend(f"  - {yaml_scalar(alias)}" for alias in aliases)
    return lines


def legend_line(link: str) -> str:
    return f"[[{link}]] | {LEGEND_SEQUENCE} | {' '.join(LEVEL_MARKERS)}"


def render_note(meta: list[str], stem: str, parent: str | None, body: list[str],
                legend: str) -> str:
    lines = ["---", *meta, "---", f"# {stem}", ""]
    if parent is not None:
        lines += [f"[[{parent}]]", ""]
    for paragraph in body:
        lines += [paragraph, ""]
    lines.append(legend_line(legend))
    return "\n".join(lines) + "\n"


def _legend_for(vault: Vault, lang: str, legend: str | None, draft: Note) -> Note:
    if legend is not None:
        return find_note(vault, legend, draft, "legend")
    found = vault_legend(vault, lang)
    if found is None:
        raise AuthoringError(
            f"no {lang.upper()} note of {vault.root} ends with a legend line, so the legend "
            "note is unknown; pass --legend TITLE")
    return found


# --- glosa new ---------------------------------------------------------------------------


def plan_new_note(
    vault: Vault, title: str, *, lang: str, level: int, parent: str | None,
    root: bool = False, tags: list[str] | None = None, folder: str | None = None,
    legend: str | None = None, nav_primary: str = "", nav_secondary: str = "",
    now: datetime | None = None,
) -> PlannedFile:
    """Plan a new note: every key of the format, H1, parent link and legend line."""
    title = check_title(title)
    code = check_lang(vault, lang)
    marker = check_level(level)
    tag_list = check_tags(tags or [])
    if parent is None and not root:
        raise AuthoringUsageError("give the parent note with --parent (or --root for a note "
                                  "that heads the hierarchy)")
    if parent is not None and root:
        raise AuthoringUsageError("--parent and --root exclude each other")
    folder_rel = check_folder(vault, folder) if folder is not None else None
    _refuse_existing_title(vault, title, code)
    stem = f"{title} {marker}"
    parent_note: Note | None = None
    if parent is not None:
        lookout = _draft(vault, posixpath.join(folder_rel or "", f"{stem}.md"), code)
        parent_note = find_note(vault, parent, lookout, "parent")
    if folder_rel is None:
        folder_rel = _folder_of(parent_note.path) if parent_note is not None else ""
    rel = posixpath.join(folder_rel, f"{stem}.md") if folder_rel else f"{stem}.md"
    path = _refuse_existing_path(vault, rel)
    draft = _draft(vault, rel, code)
    parent_link = _link_text(vault, parent_note, draft) if parent_note is not None else None
    legend_note = _legend_for(vault, code, legend, draft)
    meta = frontmatter_lines(lang=code, translations=[], created=timestamp(now),
                             nav_primary=nav_primary, nav_secondary=nav_secondary,
                             tags=tag_list)
    content = render_note(meta, stem, parent_link, [], _link_text(vault, legend_note, draft))
    return PlannedFile(path, rel, content)


# --- glosa translate ---------------------------------------------------------------------


@dataclass
class TranslationPlan:
    new_file: PlannedFile
    #: The source note's new translations line; None when it already names the new note.
    source: Rewrite | None
    warnings: list[str] = field(default_factory=list)


def _guess_folder(vault: Vault, source: Note, lang: str, parent: Note | None) -> str:
    """Where the translation goes: where the translations of the source's neighbours went,
    else beside the parent's translation, else the source's folder with its language
    segment swapped (``es/x`` → ``en/x``), else the source's folder."""
    here = _folder_of(source.path)
    counts: Counter[str] = Counter()
    for other in vault.notes:
        if other is source or _folder_of(other.path) != here:
            continue
        translated = _translation_in(vault, other, lang)
        if translated is not None:
            counts[_folder_of(translated.path)] += 1
    if counts:
        return min(counts, key=lambda f: (-counts[f], f))
    if parent is not None and parent.lang == lang:
        return _folder_of(parent.path)
    segments = here.split("/") if here else []
    for index, segment in enumerate(segments):
        if segment.lower() == source.lang:
            segments[index] = lang
            return "/".join(segments)
    return here


def _add_translation(text: NoteText, link: str) -> None:
    """Add ``link`` to the translations of a note, editing only that key's lines."""
    quoted = quote_scalar(link)
    if "translations" not in text.key_index:
        anchor = text.extent("lang")[1] if "lang" in text.key_index else text.end
        cr = text.line_end(anchor - 1) if anchor > 0 else ""
        text.replace(anchor, anchor, [f"translations: {quoted}{cr}"])
        return
    value = text.meta.get("translations")
    first, stop = text.extent("translations")
    if value in (None, "", []):
        text.set_scalar("translations", quoted, keep_quotes=False)
        return
    if isinstance(value, list) and stop > first + 1:
        item = re.match(r"([ \t]*)-([ \t]+)(['\"]?)", text.lines[stop - 1])
        if item is None:
            raise FrontmatterEditError(
                f"{text.path}:{stop}: cannot tell how the translations list is written; "
                f"add {quoted} to it by hand")
        style = "'" if item[3] == "'" else '"'
        new = f"{item[1]}-{item[2]}{quote_scalar(link, style)}{text.line_end(stop - 1)}"
        text.replace(stop, stop, [new])
        return
    index, match, head = text.value_parts("translations")
    raw = match["value"] or ""
    if isinstance(value, list) and raw.startswith("[") and raw.endswith("]"):
        inner = raw[1:-1].rstrip()
        text.set_scalar("translations", f"[{inner}, {quoted}]", keep_quotes=False)
        return
    if isinstance(value, str) and raw:
        cr = match["cr"]
        text.replace(index, index + 1, [
            f"{head}{match['trail']}{cr}", f"  - {raw}{cr}", f"  - {quoted}{cr}",
        ])
        return
    raise FrontmatterEditError(
        f"{text.path}:{index + 1}: cannot tell how the translations are written; "
        f"add {quoted} by hand")


def plan_translation(
    vault: Vault, source: Note, to_lang: str, *, title: str,
    parent: str | None = None, folder: str | None = None, legend: str | None = None,
    tags: list[str] | None = None, now: datetime | None = None,
) -> TranslationPlan:
    """Plan the counterpart of ``source`` in ``to_lang`` and the source's new translations
    line."""
    code = check_lang(vault, to_lang)
    where = vault.root / source.path
    if code == source.lang:
        raise AuthoringUsageError(f"{where} is already in {code.upper()}")
    if not source.readable:
        raise AuthoringError(f"{where}: cannot read the file")
    damaged = [p for p in source.problems if p.rule in _ENCODING_RULES]
    if damaged:
        raise AuthoringError(f"{where}: the file's encoding is damaged ({damaged[0].message}); "
                             f"run `glosa fix-encoding` on it first")
    if source.level is None or source.marker is None:
        raise AuthoringError(f"{where}: the file name has no level marker, so the "
                             "translation's level is unknown; add one first")
    existing = _translation_in(vault, source, code)
    if existing is not None:
        raise AuthoringError(f"{where} already has a translation in {code.upper()}: "
                             f"{vault.root / existing.path}")
    for other in vault.notes:
        if other.lang != code:
            continue
        if any(resolve_link(vault.index, link, other).note is source
               for link in other.translations):
            raise AuthoringError(
                f"{vault.root / other.path} already names {source.path} as its translation; "
                f"add [[{other.stem}]] to the translations of {where} instead")
    title = check_title(title)
    _refuse_existing_title(vault, title, code)
    folder_rel = check_folder(vault, folder) if folder is not None else None
    marker = LEVEL_MARKERS[source.level - 1]
    stem = f"{title} {marker}"
    warnings: list[str] = []

    lookout = _draft(vault, posixpath.join(folder_rel or _folder_of(source.path),
                                           f"{stem}.md"), code)
    parent_note: Note | None = None
    if parent is not None:
        parent_note = find_note(vault, parent, lookout, "parent")
    elif source.parent is not None:
        res = resolve_link(vault.index, source.parent, source)
        if res.note is None:
            raise AuthoringError(
                f"{where}:{source.parent.line}: the parent {source.parent.raw} resolves to no "
                "note; fix it or pass --parent")
        parent_note = _translation_in(vault, res.note, code)
        if parent_note is None:
            parent_note = res.note
            warnings.append(
                f"the parent '{res.note.stem}' has no {code.upper()} translation yet; the new "
                f"note links to it for now (or pass --parent)")
    if folder_rel is None:
        folder_rel = _guess_folder(vault, source, code, parent_note)
    rel = posixpath.join(folder_rel, f"{stem}.md") if folder_rel else f"{stem}.md"
    path = _refuse_existing_path(vault, rel)
    draft = _draft(vault, rel, code)
    parent_link = _link_text(vault, parent_note, draft) if parent_note is not None else None
    legend_note = _legend_for(vault, code, legend, draft)
    version = note_version(source.meta) or (0, 1, 0)
    meta = frontmatter_lines(lang=code, translations=[_link_text(vault, source, draft)],
                             created=timestamp(now), version=version,
                             tags=check_tags(tags or []))
    body = [TRANSLATE_MARKER.format(path=source.path)]
    content = render_note(meta, stem, parent_link, body, _link_text(vault, legend_note, draft))
    new_file = PlannedFile(path, rel, content)

    # The source's translations line: unless one of its links already names the new note
    # (an editor may write the link before the note exists).
    names = {normalize_key(stem), normalize_key(title), normalize_key(rel[:-3])}
    for link in source.translations:
        if normalize_key(link.target) in names:
            return TranslationPlan(new_file, None, warnings)
    link_text = f"[[{_link_to_new(vault, rel, stem, title)}]]"
    try:
        text = NoteText.read(source.abs_path)
        before = text.to_bytes()
        old_meta = dict(text.meta)
        _add_translation(text, link_text)
        text.verify_only(old_meta, {"translations"})
    except FrontmatterEditError as exc:
        raise AuthoringError(str(exc)) from None
    written = text.meta.get("translations")
    items = written if isinstance(written, list) else [written]
    if link_text not in items:  # pragma: no cover - the edit is verified just above
        raise AuthoringError(f"{where}: could not add {link_text} to its translations")
    return TranslationPlan(new_file, Rewrite(source.abs_path, source.path, before,
                                             text.to_bytes()), warnings)


def apply_translation(plan: TranslationPlan) -> None:
    """Write the new note, then the source's translations line; if the second write
    fails, the new note is removed again."""
    create_file(plan.new_file)
    if plan.source is None:
        return
    try:
        apply_rewrite(plan.source)
    except BaseException:
        plan.new_file.path.unlink(missing_ok=True)
        raise


# --- glosa bump --------------------------------------------------------------------------


@dataclass
class BumpPlan:
    rewrite: Rewrite
    old: tuple[int, int, int]
    new: tuple[int, int, int]
    modified: str


def plan_bump(path: Path, part: str = "rev", *, rel: str | None = None,
              now: datetime | None = None) -> BumpPlan:
    """Raise a note's version and set ``modified`` to now, editing only those lines."""
    if part not in BUMP_PARTS:
        raise AuthoringUsageError(f"unknown version part '{part}' (major, minor or rev)")
    try:
        text = NoteText.read(path)
        before_bytes = text.to_bytes()
        before = dict(text.meta)
        for key in (*VERSION_KEYS, "modified"):
            text.key_line(key)
        old_parts: list[int] = []
        for key in VERSION_KEYS:
            value = before[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise AuthoringError(
                    f"{path}:{text.key_index[key] + 1}: '{key}' is {value!r}, not a whole "
                    "number; fix it first")
            old_parts.append(value)
        old = (old_parts[0], old_parts[1], old_parts[2])
        new = bump_version(old, part)
        for key, was, now_value in zip(VERSION_KEYS, old, new, strict=True):
            if was != now_value:
                text.set_scalar(key, str(now_value), keep_quotes=False)
        stamp = timestamp(now)
        text.set_scalar("modified", stamp)
        text.verify_only(before, {*VERSION_KEYS, "modified"})
    except FrontmatterEditError as exc:
        raise AuthoringError(str(exc)) from None
    if note_version(text.meta) != new or str(text.meta.get("modified")) != stamp:
        raise AuthoringError(f"{path}: the version could not be rewritten safely; "
                             "nothing was written")  # pragma: no cover - verified edit
    return BumpPlan(Rewrite(path, rel or str(path), before_bytes, text.to_bytes()), old, new,
                    stamp)


def describe_bump(plan: BumpPlan) -> str:
    return f"{_dotted(plan.old)} → {_dotted(plan.new)}, modified {plan.modified}"
