"""Editing a note's frontmatter as text, line by line.

The commands that rewrite notes (``glosa translate``, ``glosa bump``) change a few keys and
nothing else: key order, comments, quoting, blank lines, line ends and the body stay exactly
as the editor wrote them. So the YAML is never re-dumped; the lines of the keys concerned are
located (with the YAML parser's own key positions), replaced as text, and the result is parsed
again to prove that only those keys changed.

Bytes that are not valid UTF-8 are carried through unchanged (``surrogateescape``), as is a
byte-order mark.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..reading.parser import FrontmatterError, load_frontmatter

__all__ = [
    "FrontmatterEditError",
    "NoteText",
    "quote_scalar",
    "yaml_scalar",
]

_BOM = "\ufeff"
_BOUNDARY = re.compile(r"-{3,}[ \t]*\r?")
# The value part of a single-line ``key: value  # comment`` entry.
_VALUE = re.compile(
    r"(?P<space>[ \t]*)"
    r"(?P<value>\"(?:[^\"\\\r]|\\.)*\"|'(?:[^'\r]|'')*'|[^\s#\"'](?:\S|[ \t]+(?=[^\s#]))*)?"
    r"(?P<trail>[ \t]*(?:#[^\r]*)?)(?P<cr>\r?)"
)


class FrontmatterEditError(ValueError):
    """The frontmatter cannot be edited safely; the message says why."""


def quote_scalar(text: str, style: str = '"') -> str:
    """``text`` as a quoted YAML scalar: double quotes (JSON escapes are valid YAML) or
    single quotes."""
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


def yaml_scalar(text: str) -> str:
    """``text`` as YAML writes it in the note format: plain when that reads back as the same
    string, double-quoted otherwise (and always quoted when empty)."""
    if not text:
        return '""'
    if text == text.strip() and "\n" not in text:
        try:
            loaded = load_frontmatter(f"k: {text}\n")[0].get("k")
        except FrontmatterError:
            loaded = None
        if loaded == text and "#" not in text and ": " not in text:
            return text
    return quote_scalar(text)


@dataclass
class NoteText:
    """A note file split into lines, with its frontmatter located and parsed."""

    path: Path
    lines: list[str]
    bom: bool = False
    #: Index of the closing ``---`` line (the frontmatter is ``lines[1:end]``).
    end: int = 0
    meta: dict[str, Any] = field(default_factory=dict)
    #: 0-based line index of each top-level key.
    key_index: dict[str, int] = field(default_factory=dict)
    duplicates: set[str] = field(default_factory=set)

    @classmethod
    def from_bytes(cls, data: bytes, path: Path) -> NoteText:
        text = data.decode("utf-8", "surrogateescape")
        bom = text.startswith(_BOM)
        if bom:
            text = text[1:]
        note = cls(path, text.split("\n"), bom)
        note._locate()
        return note

    @classmethod
    def read(cls, path: Path) -> NoteText:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise FrontmatterEditError(
                f"{path}: cannot read the file: {exc.strerror or exc}") from None
        return cls.from_bytes(data, path)

    def to_bytes(self) -> bytes:
        text = (_BOM if self.bom else "") + "\n".join(self.lines)
        return text.encode("utf-8", "surrogateescape")

    def _locate(self) -> None:
        if not self.lines or not _BOUNDARY.fullmatch(self.lines[0]):
            raise FrontmatterEditError(f"{self.path}: the note has no frontmatter block")
        for index in range(1, len(self.lines)):
            if _BOUNDARY.fullmatch(self.lines[index]):
                self.end = index
                break
        else:
            raise FrontmatterEditError(
                f"{self.path}: the frontmatter opened with '---' on line 1 is never closed")
        self._parse()

    def _parse(self) -> None:
        source = "\n".join(line.rstrip("\r") for line in self.lines[1:self.end]) + "\n"
        try:
            meta, key_lines, duplicates = load_frontmatter(source, first_line=2)
        except FrontmatterError as exc:
            raise FrontmatterEditError(
                f"{self.path}:{exc.line}: the frontmatter is not valid YAML ({exc}); "
                "fix it first") from None
        self.meta = meta
        self.key_index = {key: line - 1 for key, line in key_lines.items()}
        self.duplicates = {key for key, _, _ in duplicates}

    def key_line(self, key: str) -> int:
        """The line index of ``key``; refuses a missing or duplicated key."""
        if key in self.duplicates:
            raise FrontmatterEditError(
                f"{self.path}: key '{key}' is written twice in the frontmatter; "
                "remove one first")
        if key not in self.key_index:
            raise FrontmatterEditError(f"{self.path}: the frontmatter has no '{key}' key")
        return self.key_index[key]

    def extent(self, key: str) -> tuple[int, int]:
        """(first, last + 1) line indexes of a key's entry, continuation lines included
        (trailing blank and comment lines are not part of it)."""
        first = self.key_line(key)
        following = [i for i in self.key_index.values() if i > first]
        stop = min(following) if following else self.end
        last = first
        for index in range(first + 1, stop):
            stripped = self.lines[index].strip()
            if stripped and not stripped.startswith("#"):
                last = index
        return first, last + 1

    def value_parts(self, key: str) -> tuple[int, re.Match[str], str]:
        """(line index, match of the value part, the ``key:`` head) of a single-line entry;
        the match has groups ``space``, ``value``, ``trail`` (comment) and ``cr``."""
        index = self.key_line(key)
        line = self.lines[index]
        prefix = re.match(rf"{re.escape(key)}[ \t]*:", line)
        if prefix is None:  # pragma: no cover - the parser placed the key on this line
            raise FrontmatterEditError(f"{self.path}:{index + 1}: cannot find '{key}:'")
        match = _VALUE.fullmatch(line, prefix.end())
        if match is None:
            raise FrontmatterEditError(
                f"{self.path}:{index + 1}: the value of '{key}' is not a single-line value "
                "glosa can edit; change it by hand")
        return index, match, line[:prefix.end()]

    def set_scalar(self, key: str, text: str, keep_quotes: bool = True) -> None:
        """Replace the value written on ``key``'s line by ``text`` (already YAML), keeping
        the quote style of the old value when ``keep_quotes``, and any trailing comment."""
        first, stop = self.extent(key)
        if stop > first + 1:
            raise FrontmatterEditError(
                f"{self.path}:{first + 1}: '{key}' spans several lines; change it by hand")
        index, match, head = self.value_parts(key)
        old = match["value"] or ""
        if keep_quotes and old[:1] in ("'", '"') and text[:1] not in ("'", '"'):
            text = quote_scalar(text, old[0])
        space = match["space"] or " "
        trail = match["trail"]
        if trail.startswith("#"):  # the old value was empty: keep the comment apart
            trail = " " + trail
        self.lines[index] = f"{head}{space}{text}{trail}{match['cr']}"

    def raw_value(self, key: str) -> str:
        """The value text written on ``key``'s line (empty when the value is below it)."""
        return self.value_parts(key)[1]["value"] or ""

    def replace(self, first: int, stop: int, new_lines: list[str]) -> None:
        """Replace ``lines[first:stop]`` and parse the frontmatter again."""
        self.lines[first:stop] = new_lines
        self.end += len(new_lines) - (stop - first)
        self._parse()

    def line_end(self, index: int) -> str:
        return "\r" if self.lines[index].endswith("\r") else ""

    def verify_only(self, before: dict[str, Any], changed: set[str]) -> None:
        """Refuse the edit unless every key outside ``changed`` kept its value and order."""
        self._parse()
        kept_before = [(k, v) for k, v in before.items() if k not in changed]
        kept_after = [(k, v) for k, v in self.meta.items() if k not in changed]
        if kept_before != kept_after:
            raise FrontmatterEditError(
                f"{self.path}: editing {', '.join(sorted(changed))} would change other keys; "
                "nothing was written")
