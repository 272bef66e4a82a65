"""``glosa mentions``: plain-text mentions of other notes that could be links.

Every title (without its level marker) and alias of the vault's notes is a pattern; one
Aho-Corasick automaton per language (``ahocorasick_rs``) finds them all in a note's body in a
single pass, so a vault of 10,000 notes is one automaton per language and one scan per note.

Matching folds case and accents (``Página`` matches ``pagina``) but reports the text as
written; a mention must be a whole word at both ends. The scan skips the frontmatter, code
(fenced blocks and inline spans), headings, wiki-links and Markdown links, URLs, HTML tags
and comments, Obsidian ``%%comments%%``, tags and block ids, and never suggests a note's own
title or aliases. Notes are matched against the notes of their own language only. When two
patterns overlap, the leftmost, then longest, wins.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick_rs

from ..reading.model import Note
from ..reading.resolver import resolve_link
from ..reading.vault import Vault

__all__ = ["Mention", "find_mentions", "fold", "render_json", "render_text"]

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]|$)")
# Regions of a body that are never plain prose; multi-line ones are matched over the body.
_SKIP = re.compile(
    r"(?=[<%!\[#^hHfFmMwW])(?:"              # (a quick test of the first character)
    r"<!--.*?(?:-->|\Z)"                      # HTML comment
    r"|%%.*?(?:%%|\Z)"                        # Obsidian comment
    r"|!?\[\[[^\[\]\n]*\]\]"                  # wiki-link or embed
    r"|!?\[[^\]\n]*\]\([^)\n]*\)"             # Markdown link or image
    r"|!?\[[^\]\n]*\]\[[^\]\n]*\]"            # reference link
    r"|^\[[^\]\n]+\]:[^\n]*"                  # link reference definition
    r"|<[A-Za-z/!][^<>\n]*>"                  # HTML tag or autolink
    r"|\b(?:https?|ftp|mailto):[^\s<>()\[\]]+"  # bare URL
    r"|\bwww\.[^\s<>()\[\]]+"
    r"|(?<![\w&/])#[^\s#\[\]()]+"             # tag
    r"|(?<!\S)\^[A-Za-z0-9-]+[ \t]*$)",       # block id
    re.DOTALL | re.MULTILINE,
)
_BACKTICKS = re.compile(r"`+")
_MASK = "\x00"


_SPACES = " \t\u00a0\u2007\u202f"
_NOT_NEWLINE = re.compile(r"[^\n]")
# What a character folds to in the fast path when its fold is not one character: a mark
# that disappears, or a letter that becomes two (ß → ss). Its presence sends the text down
# the slow path, which keeps a map of offsets.
_IRREGULAR = "\x01"


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    if char in _SPACES:
        return " "
    decomposed = unicodedata.normalize("NFD", char)
    base = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return base.casefold()


class _FoldTable(dict[int, str]):
    """``str.translate`` table folding one character to one character (filled lazily)."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        value = folded if len(folded) == 1 else _IRREGULAR
        self[code] = value
        return value


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """The form names and text are compared in: no accents, case-folded, single spaces."""
    return _fold_with_map(unicodedata.normalize("NFC", text))[0].strip()


def _fold_with_map(text: str) -> tuple[str, list[int] | None]:
    """``text`` folded, and for each folded character the index of the character of
    ``text`` it comes from (None when that is the identity). Runs of spaces fold to one."""
    fast = text.translate(_TABLE)
    if _IRREGULAR not in fast and "  " not in fast:
        return fast, None
    out: list[str] = []
    origin: list[int] = []
    previous_space = False
    for index, char in enumerate(text):
        folded = _fold_char(char)
        if folded == " ":
            if previous_space:
                continue
            previous_space = True
        elif folded:
            previous_space = False
        for piece in folded:
            out.append(piece)
            origin.append(index)
    return "".join(out), origin


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char) == "Mn"


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the characters of ``spans`` (line breaks excepted) replaced by NUL."""
    if not spans:
        return text
    pieces: list[str] = []
    position = 0
    for start, end in sorted(spans):
        start = max(start, position)
        if end <= start:
            continue
        pieces.append(text[position:start])
        pieces.append(_NOT_NEWLINE.sub(_MASK, text[start:end]))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def code_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each code span: a run of backticks up to the next run of the same
    length (CommonMark's rule). Written as a scan over the runs rather than a regex, which
    searches the rest of the text for every unclosed run (quadratic on many of them)."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        start, end = runs[index]
        same = by_length[end - start]
        at = bisect.bisect_right(same, index)
        if at < len(same):
            closing = same[at]
            spans.append((start, runs[closing][1]))
            index = closing + 1
        else:
            index += 1
    return spans


def _masked_body(body: str) -> str:
    """The body with every region that is not prose replaced by NUL characters (line
    breaks kept, so offsets and lines do not move)."""
    spans: list[tuple[int, int]] = []
    offset = 0
    fence: str | None = None
    for line in body.split("\n"):
        end = offset + len(line)
        if fence is not None:
            spans.append((offset, end))
            stripped = line.strip()
            if stripped.startswith(fence) and stripped.strip(fence[0]) == "":
                fence = None
        elif line[:1] in ("`", "~", "#", " ", "\t"):
            opening = _FENCE.match(line)
            if opening is not None:
                fence = opening.group(1)
                spans.append((offset, end))
            elif _HEADING.match(line):
                spans.append((offset, end))
        offset = end + 1
    text = _blank(body, spans)
    if "`" in text:
        text = _blank(text, [span for span in code_spans(text)
                             if "\n\n" not in text[span[0]:span[1]]])
    return _blank(text, [m.span() for m in _SKIP.finditer(text)])


@dataclass(frozen=True)
class Mention:
    """A mention of ``target`` in ``path`` at ``line``:``column`` (1-based, characters)."""

    path: str
    line: int
    column: int
    #: The text as written in the note.
    text: str
    target: Note
    #: The title or alias that matched.
    name: str
    #: Other notes answering to the same name (rare: shared aliases).
    others: tuple[Note, ...] = ()

    @property
    def link(self) -> str:
        """The wiki-link that would replace the mention."""
        if self.text == self.target.stem:
            return f"[[{self.target.stem}]]"
        return f"[[{self.target.stem}|{self.text}]]"

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path, "line": self.line, "column": self.column, "text": self.text,
            "target": self.target.stem, "target_path": self.target.path,
            "matched": self.name, "link": self.link,
            "others": [n.path for n in self.others],
        }


@dataclass
class _Patterns:
    automaton: ahocorasick_rs.AhoCorasick
    patterns: list[str]
    #: For each pattern, the (note, name) pairs it stands for, titles first.
    owners: list[list[tuple[Note, str]]]


def _names(note: Note) -> list[str]:
    names = [note.title, *note.aliases]
    return [n for n in names if len(fold(n)) >= 2]


def _build(notes: list[Note]) -> _Patterns | None:
    table: dict[str, list[tuple[Note, str]]] = {}
    for note in sorted(notes, key=lambda n: n.path):
        for name in _names(note):
            owners = table.setdefault(fold(name), [])
            if all(owner is not note for owner, _ in owners):
                owners.append((note, name))
    if not table:
        return None
    patterns = sorted(table)
    return _Patterns(ahocorasick_rs.AhoCorasick(patterns), patterns,
                     [table[p] for p in patterns])


def _scan(note: Note, patterns: _Patterns) -> list[Mention]:
    body = note.body
    masked = _masked_body(body)
    folded, origin = _fold_with_map(masked)
    own = {fold(name) for name in [note.title, note.stem, *note.aliases]}
    candidates: list[tuple[int, int, int]] = []
    for index, start, end in patterns.automaton.find_matches_as_indexes(folded,
                                                                       overlapping=True):
        pattern = patterns.patterns[index]
        if pattern in own:
            continue
        first = origin[start] if origin is not None else start
        last = (origin[end - 1] if origin is not None else end - 1) + 1
        while last < len(masked) and unicodedata.category(masked[last]) == "Mn":
            last += 1
        if _is_word(masked[first]) and first > 0 and _is_word(masked[first - 1]):
            continue
        if _is_word(masked[last - 1]) and last < len(masked) and _is_word(masked[last]):
            continue
        candidates.append((first, last, index))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    found: list[Mention] = []
    taken_until = -1
    for first, last, index in candidates:
        if first < taken_until:
            continue
        owners = [(n, name) for n, name in patterns.owners[index] if n is not note]
        if not owners:
            continue
        taken_until = last
        row = body.count("\n", 0, first)
        column = first - (body.rfind("\n", 0, first) + 1) + 1
        target, name = owners[0]
        found.append(Mention(
            note.path, note.body_line + row, column, body[first:last], target, name,
            tuple(n for n, _ in owners[1:]),
        ))
    return found


def _first_only(vault: Vault, note: Note, found: list[Mention]) -> list[Mention]:
    """The first mention of each note, and none of the notes ``note`` already links to."""
    linked = {id(res.note) for res in (resolve_link(vault.index, link, note)
                                       for link in note.links) if res.note is not None}
    kept: list[Mention] = []
    for mention in found:
        if id(mention.target) not in linked:
            linked.add(id(mention.target))
            kept.append(mention)
    return kept


def find_mentions(vault: Vault, first_only: bool = False) -> list[Mention]:
    """Every unlinked mention in the vault, by file, line and column.

    With ``first_only``, only the first mention of each note in each note, and none of the
    notes it already links to somewhere (the usual rule: link a term once per page).
    """
    by_lang: dict[str, list[Note]] = {}
    for note in vault.notes:
        if note.readable:
            by_lang.setdefault(note.lang, []).append(note)
    mentions: list[Mention] = []
    for notes in by_lang.values():
        patterns = _build(notes)
        if patterns is None:
            continue
        for note in notes:
            found = _scan(note, patterns)
            mentions.extend(_first_only(vault, note, found) if first_only else found)
    mentions.sort(key=lambda m: (m.path, m.line, m.column))
    return mentions


def render_text(mentions: list[Mention]) -> str:
    lines = [
        f"{m.path}:{m.line}:{m.column}: '{m.text}' could link to {m.target.path}: {m.link}"
        + (f" (also: {', '.join(n.path for n in m.others)})" if m.others else "")
        for m in mentions
    ]
    files = len({m.path for m in mentions})
    lines.append(f"{len(mentions)} unlinked mention{'s' if len(mentions) != 1 else ''} "
                 f"in {files} note{'s' if files != 1 else ''}")
    return "\n".join(lines)


def render_json(mentions: list[Mention]) -> str:
    return json.dumps([m.to_dict() for m in mentions], ensure_ascii=False, indent=2)
