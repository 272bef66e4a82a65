"""Checks over a loaded vault: metadata schema, titles and levels, translations, links.

Pure functions of the model; no file-system access and nothing of MkDocs.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import astuple, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..config import GlosaConfig
from ..reading.markers import normalize_key, split_marker
from ..reading.model import LINK_MARKDOWN, LINK_PROPERTY, LINK_WIKI, Attachment, Note, WikiLink
from ..reading.resolver import (
    WHOLE_NOTE,
    LinkResolution,
    NoteIndex,
    ResolutionStatus,
    resolve_link,
    section_lines,
)
from ..reading.vault import (
    Vault,
    VaultFiles,
    decode_stubs,
    encode_stubs,
    file_stamp,
    load_vault,
    paused_garbage_collection,
    read_notes_here,
    read_tracked,
    vault_files,
)
from ..reading.workers import PartnerFailed, first_half, split_in_two
from ..site.publishing import unpublished_link_diagnostics
from .diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from .check_cache import NoteKeys

__all__ = ["SEED_KEYS", "check_links", "check_note_metadata", "check_vault",
           "check_without_cache", "find_roots"]

# The keys of the note format, in the order the format writes them, with their kinds.
SEED_KEYS: dict[str, str] = {
    "iaStatus": "int",
    "iaStatus_Model": "str",
    "a11y": "int",
    "checked": "int",
    "lang": "str",
    "translations": "links",
    "created": "date",
    "modified": "date",
    "supervisado": "str",
    "ACCION": "str",
    "ver_major": "int",
    "ver_minor": "int",
    "ver_rev": "int",
    "nav_primary": "str",
    "nav_secondary": "str",
    "tags": "list",
}
# Keys other tools write whose type users of Obsidian-style tools rely on.
_EXTRA_KEYS = {"aliases": "list", "alias": "list"}
#: Every key whose value is checked, and its kind (made once, not for every note).
_KEY_KINDS = {**SEED_KEYS, **_EXTRA_KEYS}
# Looked up once: an enum member read through its class costs a call (150,000 links).
_OK = ResolutionStatus.OK

_ISO_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
# Where a Markdown URL begins: after `](`, or after `[id]:` opening a line (a reference
# definition; `[^1]:` is a footnote, not a link). As _url_starts finds it: a definition
# opening the body, then definitions after a line break, and apart from them each `](`.
_REFERENCE_DEFINITION_START = re.compile(r" {0,3}\[(?!\^)[^\[\]\n]+\]:")
_DEFINITION_AFTER_BREAK = re.compile(r"\n {0,3}\[(?!\^)[^\[\]\n]+\]:")
_UNSAFE_SCHEME = re.compile(r"(javascript|vbscript|data):", re.IGNORECASE)
# Browsers drop tabs and line breaks anywhere in a URL, and blanks and control characters
# before it; Python-Markdown keeps character references, which browsers then decode.
_URL_DROPPED = re.compile(r"[\t\n\r]")
_URL_LEADING = "".join(map(chr, range(0x21))) + "<"


@dataclass
class _Reporter:
    config: GlosaConfig
    out: list[Diagnostic]

    def __call__(self, rule: str, note: Note | str, line: int, column: int, message: str,
                 suggestion: str | None = None) -> None:
        severity = self.config.severity(rule)
        if severity is Severity.OFF:
            return
        path = note if isinstance(note, str) else note.path
        self.out.append(Diagnostic(rule, severity, path, line, column, message, suggestion))


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    return {int: "integer", float: "number", str: "text", list: "list", dict: "mapping"}.get(
        type(value), type(value).__name__)


# The form editors and the note format write (`2024-05-06T16:50:09.788Z`), read without
# the rewriting below: most notes carry two such distinct timestamps.
_COMMON_TIMESTAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{3})Z")


@functools.lru_cache(maxsize=65_536)
def _parse_date_text(value: str) -> datetime | None:
    common = _COMMON_TIMESTAMP.fullmatch(value)
    if common is not None:
        year, month, day, hour, minute, second, millis = map(int, common.groups())
        try:
            return datetime(year, month, day, hour, minute, second, millis * 1000,
                            tzinfo=timezone.utc)
        except ValueError:
            return None
    if not _ISO_DATE.match(value.strip()):
        return None
    text = value.strip().replace(" ", "T")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # Python 3.10's fromisoformat takes at most 6 fraction digits and no offset without colon.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)
    text = re.sub(r"\.(\d{1,5})(?=[+-]|$)", lambda m: "." + m.group(1).ljust(6, "0"), text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def _parse_date(value: Any) -> datetime | None:
    """An ISO 8601 date of the note format (cached: created/modified are parsed by several
    checks, and many notes share a timestamp)."""
    if not isinstance(value, str):
        return None
    return _parse_date_text(value)


# Kinds whose check reads only the key, the value and the configuration.
_PLAIN_KINDS = frozenset({"int", "str"})
_PLAIN_TYPES = frozenset({int, str, bool, float, type(None)})


def check_note_metadata(note: Note, config: GlosaConfig, report: _Reporter,
                        clean: set[tuple[str, type, Any]] | None = None) -> None:
    """Frontmatter keys and types, titles and level markers of one note. ``clean``: the
    (key, type, value) of integer and text values already found to pass under this
    configuration (filled as they are found; notes repeat most of their values)."""
    meta = note.meta
    has_frontmatter = bool(meta) or bool(note.meta_lines)
    if has_frontmatter:
        missing = [key for key in SEED_KEYS if key not in meta]
        if missing:
            report("meta-key-missing", note, 1, 1,
                   f"missing key{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
                   "every note carries all keys of the note format; empty values are allowed")
    for key, kind in _KEY_KINDS.items():
        if key not in meta:
            continue
        value = meta[key]
        if clean is None or kind not in _PLAIN_KINDS or type(value) not in _PLAIN_TYPES:
            _check_value(note, key, kind, value, config, report)
            continue
        seen = (key, type(value), value)
        if seen in clean:
            continue
        reported = len(report.out)
        _check_value(note, key, kind, value, config, report)
        if len(report.out) == reported:
            clean.add(seen)
    created = _parse_date(meta.get("created"))
    modified = _parse_date(meta.get("modified"))
    if created and modified and modified < created:
        report("meta-date-order", note, note.meta_line("modified"), 1,
               f"'modified' ({meta['modified']}) is earlier than 'created' ({meta['created']})")
    _check_title(note, report)


def _check_value(note: Note, key: str, kind: str, value: Any, config: GlosaConfig,
                 report: _Reporter) -> None:
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            report("meta-type", note, note.meta_line(key), 1,
                   f"'{key}' must be an integer, not {_type_name(value)} ({value!r})")
            return
        if key == "checked" and value not in (0, 1):
            report("meta-checked-value", note, note.meta_line(key), 1,
                   f"'checked' must be 0 or 1, not {value}")
        if key.startswith("ver_") and value < 0:
            report("meta-version-negative", note, note.meta_line(key), 1,
                   f"'{key}' must not be negative ({value})")
    elif kind == "str":
        if value is not None and not isinstance(value, str):
            report("meta-type", note, note.meta_line(key), 1,
                   f"'{key}' must be text or empty, not {_type_name(value)} ({value!r})")
            return
        if key == "lang" and value is not None and value.strip().lower() not in config.languages:
            report("meta-lang-unknown", note, note.meta_line(key), 1,
                   f"'lang' is '{value}'; configured languages: "
                   f"{', '.join(x.upper() for x in config.languages)}")
    elif kind == "date":
        if _parse_date(value) is None:
            report("meta-date-format", note, note.meta_line(key), 1,
                   f"'{key}' must be an ISO 8601 date such as 2024-05-06T16:50:09.788Z, "
                   f"not {value!r}")
    elif kind == "links":
        items = value if isinstance(value, list) else [value]
        if any(item is not None and not isinstance(item, str) for item in items):
            report("meta-type", note, note.meta_line(key), 1,
                   f"'{key}' must be empty, a wiki-link or a list of wiki-links")
    elif kind == "list":
        items = value if isinstance(value, list) else [value]
        # A YAML `yes`, `on` or `{a: 1}` is no text; dropping it silently would lose a tag.
        bad = next((item for item in items if not (
            item is None or (isinstance(item, (str, int, float)) and not isinstance(item, bool))
        )), None)
        if bad is not None:
            report("meta-type", note, note.meta_line(key), 1,
                   f"'{key}' must be empty or a list of text values, not {_type_name(bad)} "
                   f"({bad!r})")


def _check_title(note: Note, report: _Reporter) -> None:
    file_parts = split_marker(note.stem)
    if file_parts.marker is None:
        report("level-marker-missing", note, 1, 1,
               f"file name '{note.stem}' has no level marker (⚫① 🔴② 🟡③ 🟢④ 🔵⑤ ⚪⑥)")
    elif not file_parts.valid:
        report("level-marker-invalid", note, 1, 1,
               f"level marker '{file_parts.marker}' in the file name: colour and digit disagree")
    if note.h1 is None:
        report("title-h1-missing", note, note.body_line, 1,
               f"the note has no H1; expected '# {note.stem}'")
        return
    h1_parts = split_marker(note.h1.text)
    if h1_parts.marker is not None and not h1_parts.valid:
        report("level-marker-invalid", note, note.h1.line, 1,
               f"level marker '{h1_parts.marker}' in the H1: colour and digit disagree")
    if unicodedata.normalize("NFC", h1_parts.title) != unicodedata.normalize(
            "NFC", file_parts.title):
        report("title-mismatch", note, note.h1.line, 3,
               f"H1 title '{h1_parts.title}' differs from the file name's '{file_parts.title}'",
               f"# {note.stem}")
    if (file_parts.marker and h1_parts.marker and file_parts.level != h1_parts.level) or (
            bool(file_parts.marker) != bool(h1_parts.marker)):
        report("level-marker-mismatch", note, note.h1.line, 1,
               f"the H1 carries '{h1_parts.marker or 'no marker'}' but the file name carries "
               f"'{file_parts.marker or 'no marker'}'")


def _link_message(link: WikiLink, res: LinkResolution) -> tuple[str, str, str | None]:
    """(rule, message, suggestion) for a link that did not resolve cleanly."""
    what = "embed" if link.embed and link.kind == LINK_WIKI else (
        "image" if link.embed else "link")
    if link.kind == LINK_PROPERTY:
        what = "property link"
    hint = ", ".join(f"'{s}'" for s in res.suggestions)
    did_you_mean = f"did you mean {hint}?" if hint else None
    if res.status is ResolutionStatus.OUTSIDE:
        return "link-outside-vault", f"{what} {link.raw} points outside the vault", None
    if res.status is ResolutionStatus.BROKEN:
        if res.template is not None:
            return ("link-broken",
                    f"'{link.target}' is a template ({res.template}), not a note of the site; "
                    f"{what} {link.raw} leads nowhere once published", None)
        return ("link-broken", f"could not find '{link.target}' for {what} {link.raw}",
                did_you_mean)
    if res.status is ResolutionStatus.HEADING_MISSING:
        assert res.note is not None
        return ("link-heading-missing",
                f"'{res.note.stem}' has no heading '{link.heading}' ({link.raw})", did_you_mean)
    if res.status is ResolutionStatus.BLOCK_MISSING:
        assert res.note is not None
        return ("link-block-missing",
                f"'{res.note.stem}' has no block '^{link.block}' ({link.raw})", did_you_mean)
    assert res.note is not None
    others = ", ".join(n.path for n in res.candidates)
    if link.kind == LINK_MARKDOWN:
        shown = "!" if link.embed else ""
        choose = (f"write {shown}[{link.label or ''}]({quote(res.note.path)}) or a longer "
                  "path to choose")
    else:
        choose = f"write [[{res.note.path[:-3]}]] or a longer path to choose"
    return ("link-ambiguous",
            f"'{link.target}' matches several notes: {res.note.path}, {others}; "
            f"using {res.note.path}", choose)


def check_links(note: Note, index: NoteIndex, report: _Reporter,
                resolved: Mapping[tuple[int, int], LinkResolution] | None = None,
                ) -> Iterator[tuple[WikiLink, LinkResolution]]:
    """Resolve and report every link of a note; yields each resolution for other checks.

    ``resolved`` holds resolutions already made, by (id of note, position of link).
    """
    # Most links name a note that resolves the same from anywhere, resolved already: the
    # lookup resolve_link would start with, without the call (a hundred thousand links).
    bare = index.bare_resolutions
    for position, link in enumerate(note.links):
        res = resolved.get((id(note), position)) if resolved is not None else None
        if res is None and link.target:
            res = bare.get((link.target, link.heading, link.block))
        if res is None:
            res = resolve_link(index, link, note)
        if res.status is not _OK:
            rule, message, suggestion = _link_message(link, res)
            report(rule, note, link.line, link.column, message, suggestion)
        yield link, res
    for links in note.property_links.values():
        for link in links:
            res = resolve_link(index, link, note)
            if res.status is not ResolutionStatus.OK:
                rule, message, suggestion = _link_message(link, res)
                report(rule, note, link.line, link.column, message, suggestion)
    body = note.body
    for at, end in _url_starts(body):
        scheme = _unsafe_scheme(body, end)
        if scheme is not None:
            report("link-unsafe-url", note, note.body_line + body.count("\n", 0, at),
                   at - body.rfind("\n", 0, at),
                   f"a '{scheme}:' URL is never published as a link")


def _url_starts(body: str) -> list[tuple[int, int]]:
    """The (start, end) of every Markdown URL start in ``body`` (after ``](``, or after a
    ``[id]:`` opening a line), in order. Found by two searches that the regex engine runs
    from line break to line break and from ``](`` to ``](`` (one pattern with a line-start
    branch is tried at every offset of the body: it was a quarter of the check's time;
    one with both branches, at every ``]`` and line break). A definition holds no ``](``
    and a ``](`` no line break, so the two never overlap. The test of this function holds
    it equal to that plain pattern."""
    found: list[tuple[int, int]] = []
    first = _REFERENCE_DEFINITION_START.match(body)
    if first is not None:
        found.append(first.span())
    found.extend((match.start() + 1, match.end())
                 for match in _DEFINITION_AFTER_BREAK.finditer(body))
    at = body.find("](")
    if at < 0:
        return found
    brackets = []
    while at >= 0:
        brackets.append((at, at + 2))
        at = body.find("](", at + 2)
    if not found:
        return brackets
    found.extend(brackets)
    found.sort()
    return found


def _unsafe_scheme(text: str, start: int) -> str | None:
    """The script or data scheme of the URL at ``start``, read as a browser reads it."""
    window = text[start:start + 200]
    if ":" not in window and "&" not in window:
        return None  # no scheme without a colon, written or as a character reference
    url = _URL_DROPPED.sub("", html.unescape(window)).lstrip(_URL_LEADING)
    match = _UNSAFE_SCHEME.match(url)
    return match.group(1).lower() if match else None


def find_roots(vault: Vault) -> set[int]:
    """Notes that head the hierarchy: configured roots, or parentless notes that others
    name as their parent."""
    config = vault.config
    configured = {normalize_key(r) for r in config.roots}
    roots: set[int] = set()
    named_parents: set[int] = set()
    for note in vault.notes:
        if note.parent is not None:
            res = resolve_link(vault.index, note.parent, note)
            if res.note is not None:
                named_parents.add(id(res.note))
    for note in vault.notes:
        if note.parent is not None:
            continue
        keys = {normalize_key(note.stem), normalize_key(note.title)}
        if keys & configured or id(note) in named_parents:
            roots.add(id(note))
    return roots


def _check_structure(vault: Vault, report: _Reporter) -> None:
    roots = find_roots(vault)
    seen_titles: dict[tuple[str, str], Note] = {}
    for note in vault.notes:
        if not note.readable:
            continue
        if note.parent is None and id(note) not in roots:
            line = (note.h1.line + 1) if note.h1 else note.body_line
            report("parent-missing", note, line, 1,
                   "the first line after the H1 must be a link to the parent note",
                   "add e.g. [[Glossary index ⚫①]] on its own line, or list the note in "
                   "'roots'")
        if note.legend is None:
            report("legend-missing", note, _last_text_line(note),
                   1, "the note does not end with the legend line",
                   "[[Legend 🔴②]] | ①②③④⑤⑥ | ⚫① 🔴② 🟡③ 🟢④ 🔵⑤ ⚪⑥")
        key = (note.lang, normalize_key(note.title))
        other = seen_titles.get(key)
        if other is not None:
            report("name-duplicate", note, 1, 1,
                   f"another {note.lang.upper()} note has the title '{note.title}': "
                   f"{other.path}; bare links to it are ambiguous")
        else:
            seen_titles[key] = note


def _last_text_line(note: Note) -> int:
    """The file line where the legend is due: the body's last line that is not blank."""
    lines = note.body.split("\n")
    index = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].strip()), 0)
    return note.body_line + index


def _check_translations(vault: Vault, note: Note, report: _Reporter) -> None:
    """A note's translations: each resolves, to another language, and lists it back."""
    for link in note.translations:
        res = resolve_link(vault.index, link, note)
        target = res.note
        if target is None:
            hint = ", ".join(f"'{s}'" for s in res.suggestions)
            report("translation-broken", note, link.line, link.column,
                   f"translation '{link.target}' resolves to no note",
                   f"did you mean {hint}?" if hint else None)
            continue
        if target is note or target.lang == note.lang:
            report("translation-same-language", note, link.line, link.column,
                   f"translation '{target.stem}' is in the note's own language "
                   f"({note.lang.upper()})")
            continue
        back = [resolve_link(vault.index, b, target).note for b in target.translations]
        if not any(b is note for b in back):
            report("translation-not-reciprocal", note, link.line, link.column,
                   f"'{target.path}' does not list this note in its translations",
                   f'add translations: "[[{note.stem}]]" to {target.path}')


#: An embed found by the link checks: (note, link, embedded note, first and last file line
#: of what it shows), notes given by their position in the vault.
_Embed = tuple[int, WikiLink, int, int, int]
_Node = tuple[int, int, int]  # (note, first line, last line): a note or part of it


def _check_embed_cycles(vault: Vault, embeds: list[_Embed], report: _Reporter) -> None:
    """Embeds that lead back to what embeds them. A node is a note or the part of it an
    embed shows (a heading's section, a block), so that a note embedding another section
    of itself (`![[#Other heading]]`) is no cycle, while a section embedding itself is."""
    by_note: dict[int, list[_Embed]] = {}
    for embed in embeds:
        by_note.setdefault(embed[0], []).append(embed)
    for items in by_note.values():
        items.sort(key=lambda e: e[1].line)
    state: dict[_Node, int] = {}  # 1 = on the current path, 2 = done
    reported: set[tuple[int, int, int]] = set()

    def edges(node: _Node) -> list[_Embed]:
        note, first, last = node
        return [e for e in by_note.get(note, []) if first <= e[1].line <= last]

    def visit(start: _Node) -> None:
        # Iterative depth-first search: deep embed chains must not hit the recursion limit.
        stack: list[tuple[_Node, list[_Embed], int]] = [(start, edges(start), 0)]
        state[start] = 1
        while stack:
            node, out, position = stack[-1]
            if position >= len(out):
                state[node] = 2
                stack.pop()
                continue
            stack[-1] = (node, out, position + 1)
            source, link, target, first, last = out[position]
            child: _Node = (target, first, last)
            child_state = state.get(child, 0)
            if child_state == 1:
                key = (source, link.line, link.column)
                if key not in reported:
                    reported.add(key)
                    report("embed-cycle", vault.notes[source], link.line, link.column,
                           f"embedding '{vault.notes[target].stem}"
                           f"{'#' + link.anchor_text if link.anchor_text else ''}' closes a "
                           "cycle of embeds; it is shown as a link instead")
            elif child_state == 0:
                state[child] = 1
                stack.append((child, edges(child), 0))

    for at in sorted(by_note):
        whole: _Node = (at, *WHOLE_NOTE)
        if state.get(whole, 0) == 0:
            visit(whole)



def _check_notes(vault: Vault, positions: Sequence[int],
                 resolved: Mapping[tuple[int, int], LinkResolution] | None,
                 ) -> tuple[list[Diagnostic], list[_Embed]]:
    """The checks of each note on its own: reading problems, metadata, links; and the
    embeds of notes met on the way."""
    out: list[Diagnostic] = []
    report = _Reporter(vault.config, out)
    embeds = _Embeds(vault)
    clean: set[tuple[str, type, Any]] = set()
    for at in positions:
        note = vault.notes[at]
        out.extend(note.problems)
        if not note.readable:
            continue
        check_note_metadata(note, vault.config, report, clean)
        _check_translations(vault, note, report)
        for link, res in check_links(note, vault.index, report, resolved):
            if link.embed and res.note is not None:
                embeds.add(at, link, res)
    return out, embeds.found


class _Embeds:
    """The embeds met by the link checks, notes by their position in the vault."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.found: list[_Embed] = []
        self._where: dict[int, int] | None = None

    def add(self, at: int, link: WikiLink, res: LinkResolution) -> None:
        assert res.note is not None
        if self._where is None:
            self._where = {id(n): i for i, n in enumerate(self.vault.notes)}
        self.found.append((at, link, self._where[id(res.note)],
                           *section_lines(res.note, res)))


def note_embeds(vault: Vault, positions: Sequence[int]) -> list[_Embed]:
    """The embeds :func:`_check_notes` would meet in the notes at ``positions``, without
    checking them (for notes whose checks are known already)."""
    embeds = _Embeds(vault)
    for at in positions:
        note = vault.notes[at]
        if not note.readable:
            continue
        for link in note.links:
            if link.embed:
                res = resolve_link(vault.index, link, note)
                if res.note is not None:
                    embeds.add(at, link, res)
    return embeds.found


def check_without_cache(root: Path, config: GlosaConfig,
                        only: Collection[str] | None = None,
                        ) -> tuple[list[Diagnostic], Vault]:
    """:func:`glosa.checking.folder.check_folder` without a cache: every note read and
    checked (``config`` already knows the vault's languages)."""
    if only is not None:
        vault = load_vault(root, config)
        with paused_garbage_collection():
            wanted = [at for at, note in enumerate(vault.notes) if note.path in only]
            found, embeds = _check_notes(vault, wanted, None)
            # The checks across notes need every embed, not only those of the notes asked.
            embeds += note_embeds(vault, [at for at, note in enumerate(vault.notes)
                                          if note.path not in only])
            reported = _finish_checks(vault, list(vault.problems) + found, embeds)
        return [d for d in reported if d.path in only], vault
    with paused_garbage_collection():
        checked = check_in_two(root, config, vault_files(root, config))
        out = checked.problems + checked.found + checked.cross
        out.sort(key=Diagnostic.sort_key)
        return out, checked.vault


@dataclass
class CheckedVault:
    """What :func:`check_in_two` found: the walk's problems, the findings of each note's
    own checks (in the vault's order), those of the checks across notes, and, when asked
    for, each note file's stamp and content digest and each note's keys (see
    :mod:`glosa.checking.check_cache`), by vault path."""

    vault: Vault
    problems: list[Diagnostic]
    found: list[Diagnostic]
    cross: list[Diagnostic]
    files: dict[str, tuple[tuple[int, int] | None, bytes | None]] | None = None
    keys: dict[str, NoteKeys] | None = None


def check_in_two(root: Path, config: GlosaConfig, found_files: VaultFiles, *,
                 track: bool = False) -> CheckedVault:
    """Read and check a vault, a large one in two processes (see
    :func:`~glosa.checking.folder.check_folder`); with ``track``, also what the check cache
    keeps of every note."""
    from .check_cache import note_keys

    note_files, problems = found_files.notes, found_files.problems
    settings, templates = found_files.obsidian, found_files.templates
    attachments = [Attachment(rel, abs_path) for abs_path, rel in found_files.attachments]
    root = root.resolve()
    # Stamps and digests of the files this process read (each process its own half).
    files: dict[str, tuple[tuple[int, int] | None, bytes | None]] = {}

    def read(part: Sequence[tuple[Path, str]]) -> list[Note]:
        if not track:
            return read_notes_here(part, config)
        notes = []
        for abs_path, rel in part:
            stamp = file_stamp(abs_path)  # before reading: a later edit changes it
            digest, note = read_tracked(abs_path, rel, config)
            files[rel] = (stamp, digest)
            notes.append(note)
        return notes

    cut = first_half(len(note_files))

    def keys_of(vault: Vault, positions: Sequence[int]) -> dict[str, NoteKeys] | None:
        if not track:
            return None
        return {vault.notes[at].path: note_keys(vault, vault.notes[at]) for at in positions}

    def check_second_half(mine: list[Note], theirs: list[tuple[Any, ...]]) -> Any:
        first = decode_stubs(theirs, note_files[:cut])
        vault = Vault(root, config, first + mine, attachments, [], settings, templates)
        own = range(len(first), len(vault.notes))
        found, embeds = _check_notes(vault, own, None)
        # The links of this half to unpublished notes: the other process has only stubs
        # of these notes, without their links.
        unpublished = unpublished_link_diagnostics(vault, config.publish_exclude, own)
        return found, unpublished, [(source, astuple(link), target, first, last)
                                    for source, link, target, first, last in embeds], (
            files, keys_of(vault, own))

    def in_one_process() -> CheckedVault:
        vault = Vault(root, config, read(note_files), attachments, problems, settings,
                      templates)
        every = range(len(vault.notes))
        found, embeds = _check_notes(vault, every, None)
        return CheckedVault(vault, list(problems), found, _finish_checks(vault, [], embeds),
                            files if track else None, keys_of(vault, every))

    split = split_in_two(note_files, read, encode_stubs, check_second_half)
    if split is None:
        return in_one_process()
    mine, theirs, partner = split
    vault = Vault(root, config, mine + decode_stubs(theirs, note_files[cut:]), attachments,
                  problems, settings, templates)
    found, embeds = _check_notes(vault, range(len(mine)), None)
    unpublished = unpublished_link_diagnostics(vault, config.publish_exclude, range(len(mine)))
    keys = keys_of(vault, range(len(mine)))
    try:
        (child_found, child_unpublished, child_embeds,
         (child_files, child_keys)) = partner.result()
    except PartnerFailed:
        # The second half needs full notes, not stubs: start again here.
        files.clear()
        return in_one_process()
    found.extend(child_found)
    unpublished.extend(child_unpublished)
    embeds += [(source, WikiLink(*values), target, first, last)
               for source, values, target, first, last in child_embeds]
    if keys is not None:
        keys.update(child_keys)
        files.update(child_files)
    return CheckedVault(vault, list(problems), found,
                        _finish_checks(vault, [], embeds, unpublished),
                        files if track else None, keys)


def check_vault(vault: Vault,
                resolved: Mapping[tuple[int, int], LinkResolution] | None = None,
                ) -> list[Diagnostic]:
    """Every problem of a vault, sorted by file, line and column.

    ``resolved``: link resolutions a caller has already made (the site model has), by
    (id of note, position of link), so that no link is resolved twice.
    """
    out: list[Diagnostic] = list(vault.problems)
    diagnostics, found = _check_notes(vault, range(len(vault.notes)), resolved)
    out.extend(diagnostics)
    return _finish_checks(vault, out, found)


def _finish_checks(vault: Vault, out: list[Diagnostic], embeds: list[_Embed],
                   unpublished: list[Diagnostic] | None = None) -> list[Diagnostic]:
    """The checks across notes, then every diagnostic in order. ``embeds``: the embeds
    the link checks met; ``unpublished``: the links to unpublished notes, when they were
    found already (by the processes that hold the notes' links)."""
    report = _Reporter(vault.config, out)
    _check_structure(vault, report)
    _check_embed_cycles(vault, embeds, report)
    if unpublished is None:
        unpublished = unpublished_link_diagnostics(vault, vault.config.publish_exclude)
    out.extend(unpublished)
    out.sort(key=Diagnostic.sort_key)
    return out
