"""A fast reader for the plain frontmatter most notes have, with PyYAML as the authority.

Why by hand: PyYAML builds a node object for every key and value before constructing the
data, and on a 10,000-note vault that is most of what `glosa check` spends. Notes written by
editors and tools overwhelmingly hold `key: value` lines and block lists of plain values;
this reader handles exactly that and returns None for anything else (quotes with escapes,
flow collections, anchors, tags, comments after values, multi-line scalars, nesting), which
then goes to PyYAML. Plain values are typed with PyYAML's own resolver table, so a value
means here what it means to PyYAML; a test compares both readers on generated blocks.
"""

from __future__ import annotations

import re
import sys
from typing import Any

__all__ = ["load_simple_frontmatter"]

# Trailing blanks are stripped after the match, not by the pattern: a lazy value followed
# by `[ ]*` retries the blank run at every position of the value (quadratic on a value
# holding a long run of blanks).
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?:[ ]+(.*))?")
_ITEM_LINE = re.compile(r"( *)- +(.*)")  # YAML reads `-   x` as the item `x`
# Characters that give a plain value a meaning beyond text (or end it early).
_SPECIAL_START = set("[]{}&*!|>%@`#,?:-'\"")
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\.[0-9]+")
_BOOLS = {"yes": True, "true": True, "on": True, "no": False, "false": False, "off": False}
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_STR = "tag:yaml.org,2002:str"

_Resolvers = dict[Any, list[tuple[str, re.Pattern[str]]]]
_Unhandled = object()
_MISSING = object()
# What PyYAML refuses (non-printable characters) or reads as a line break where editors do
# not (U+0085, U+2028, U+2029): such blocks go to PyYAML, which reports or handles them.
_NOT_PLAIN = re.compile("[^\x09\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd"
                        "\U00010000-\U0010ffff]")


def _resolve(value: str, resolvers: _Resolvers) -> str:
    """The tag PyYAML's resolver gives a plain scalar (the same lookup as Resolver.resolve)."""
    for tag, pattern in resolvers.get(value[:1] if value else "", []):
        if pattern.match(value):
            return tag
    for tag, pattern in resolvers.get(None, []):
        if pattern.match(value):
            return tag
    return _STR


def _scalar(text: str, resolvers: _Resolvers) -> Any:
    if not text:
        return None
    first = text[0]
    if first == '"':
        inner = text[1:-1]
        if len(text) >= 2 and text[-1] == '"' and '"' not in inner and "\\" not in inner:
            return inner
        return _Unhandled
    if first == "'":
        inner = text[1:-1]
        if len(text) >= 2 and text[-1] == "'" and "'" not in inner:
            return inner
        return _Unhandled
    if (first in _SPECIAL_START or ": " in text or " #" in text or "\t" in text
            or text.endswith(":")):
        return _Unhandled
    tag = _resolve(text, resolvers)
    if tag == _STR:
        return text
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return _BOOLS.get(text.lower(), _Unhandled)
    if tag == _INT_TAG and len(text) <= 18 and _INT.fullmatch(text):
        return int(text)
    if tag == _FLOAT_TAG and _FLOAT.fullmatch(text):
        return float(text)
    return _Unhandled  # 0x1F, 1_000, 1:30, .inf, 1e3, ...: PyYAML decides


# Values already read, and lines already classified, per resolver table: notes repeat the
# same keys and most of the same values (0, "", ES, ...) and lines (`checked: 0`), and
# typing a value tries a regex per YAML type.
_SEEN: dict[int, tuple[_Resolvers, dict[str, Any], dict[str, tuple[Any, ...]]]] = {}
_SEEN_LIMIT = 65_536


def _tables_seen(resolvers: _Resolvers) -> tuple[dict[str, Any], dict[str, tuple[Any, ...]]]:
    entry = _SEEN.get(id(resolvers))
    if entry is None or entry[0] is not resolvers:
        entry = _SEEN[id(resolvers)] = (resolvers, {}, {})
    return entry[1], entry[2]


def _cached_scalar(text: str, resolvers: _Resolvers, seen: dict[str, Any]) -> Any:
    value = seen.get(text, _MISSING)
    if value is _MISSING:
        if len(seen) >= _SEEN_LIMIT:
            seen.clear()
        value = seen[text] = _scalar(text, resolvers)
    return value


# What one line of a block is, whatever the lines around it: nothing (blank, a comment),
# a list item (indentation, value), a key (key, whether a value follows it, value), or
# something this reader leaves to PyYAML.
_SKIP = (0,)
_ITEM = 1
_KEY = 2
_REFUSED = (3,)


def _line_form(line: str, resolvers: _Resolvers, seen: dict[str, Any]) -> tuple[Any, ...]:
    if not line or line.isspace():
        return _SKIP
    first = line[0]
    if first == "#":
        return _SKIP  # a whole-line comment
    if "\t" in line:
        return _REFUSED
    # Only a line that starts with a blank or a dash can be a list item.
    item = _ITEM_LINE.fullmatch(line) if first in " -" else None
    if item is not None:
        value = _cached_scalar(item.group(2).rstrip(" "), resolvers, seen)
        return _REFUSED if value is _Unhandled else (_ITEM, len(item.group(1)), value)
    match = _KEY_LINE.fullmatch(line)
    if match is None:
        return _REFUSED
    # Interned: every note repeats the same keys, which are then one object each
    # (less memory, and pickled once when notes cross between processes).
    key = sys.intern(match.group(1))
    if _cached_scalar(key, resolvers, seen) != key:
        return _REFUSED  # `yes:`, `null:`, ... are not text keys
    text = (match.group(2) or "").rstrip(" ")
    value = _cached_scalar(text, resolvers, seen)
    return _REFUSED if value is _Unhandled else (_KEY, key, bool(text), value)


def load_simple_frontmatter(
    source: str, first_line: int, resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]],
    max_nodes: int,
) -> tuple[dict[str, Any], dict[str, int], list[tuple[str, int, int]]] | None:
    """(data, line of each key, duplicates) for a plain block, or None to use PyYAML
    (which also refuses blocks of more than ``max_nodes`` values)."""
    if _NOT_PLAIN.search(source) is not None or source.count("\n") * 2 >= max_nodes:
        return None
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    duplicates: list[tuple[str, int, int]] = []
    current: str | None = None  # key whose value may continue as a block list
    indent = -1  # indentation of that list's items (all must share it)
    seen, forms = _tables_seen(resolvers)
    for number, line in enumerate(source.split("\n")):
        form = forms.get(line)
        if form is None:
            if len(forms) >= _SEEN_LIMIT:
                forms.clear()
            form = forms[line] = _line_form(line, resolvers, seen)
        kind = form[0]
        if kind == _ITEM:
            if current is None or (data[current] is not None
                                   and not isinstance(data[current], list)):
                return None
            if indent < 0:
                indent = form[1]
            elif form[1] != indent:
                return None  # a deeper item continues the one before; a shallower is invalid
            if data[current] is None:
                data[current] = []
            data[current].append(form[2])
            continue
        if kind != _KEY:
            if form is _SKIP:
                continue
            return None
        _, key, has_text, value = form
        if key in lines:
            duplicates.append((key, first_line + number, 1))
            if isinstance(data[key], list) or value is None:
                return None  # let PyYAML settle what a repeated list key holds
        else:
            lines[key] = first_line + number
        data[key] = value
        # Only a key with nothing after it can open a block list (`key: ~` is a value).
        current = key if not has_text else None
        indent = -1
    return data, lines, duplicates
