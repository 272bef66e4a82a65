"""Reading one note: bytes → text → frontmatter + body → :class:`Note`.

Never raises on bad input: every problem becomes a diagnostic on the note.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Protocol

import yaml
from frontmatter.default_handlers import YAMLHandler

from ..checking.diagnostics import Diagnostic
from ..config import GlosaConfig
from . import filebytes
from .encoding import decode_note_bytes
from .frontmatter_fast import load_simple_frontmatter
from .markers import LEGEND_SEQUENCE, LEVEL_MARKERS, split_marker
from .model import LINK_PROPERTY, Note, WikiLink
from .tags import parse_tags
from .wikilinks import _LINK_BRACKETS, WIKILINK_RE, parse_link, scan_body

__all__ = ["FrontmatterError", "load_frontmatter", "parse_note", "read_note"]

# The C parser where libyaml is present: an order of magnitude faster on 10,000 notes.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Largest number of nodes a frontmatter block may expand to through aliases.
MAX_YAML_NODES = 10_000
#: Deepest nesting of lists and mappings a frontmatter block may have.
MAX_YAML_DEPTH = 100
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_STR_TAG = "tag:yaml.org,2002:str"


class _FrontmatterLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loading, with dates kept as the text the editor wrote.

    The note format's rules check dates themselves; YAML's own timestamp resolution would
    turn an impossible date into an exception instead of a diagnostic.
    """


_FrontmatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """YAML integers, with Python's limit on their digits reported where they are written."""
    try:
        return int(yaml.SafeLoader.construct_yaml_int(loader, node))
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, "integer too long to read", node.start_mark) from None


_FrontmatterLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)

# python-frontmatter's definition of a `---` boundary line, so both agree on what a block is.
_BOUNDARY: re.Pattern[str] = YAMLHandler.FM_BOUNDARY


class FrontmatterError(ValueError):
    def __init__(self, message: str, line: int, column: int = 1) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class _Mark(Protocol):
    index: int


def _position(source: str, mark: _Mark | None, first_line: int) -> tuple[int, int]:
    """The file line and column of a YAML mark.

    YAML counts U+0085, U+2028 and U+2029 as line breaks and the rest of glosa (like Git and
    editors) does not, so the position is taken from the mark's character index.
    """
    if mark is None:
        return first_line, 1
    index = min(max(mark.index, 0), len(source))
    return (first_line + source.count("\n", 0, index),
            index - source.rfind("\n", 0, index))


def _too_deep(source: str, mark: _Mark | None, first_line: int) -> FrontmatterError:
    return FrontmatterError(f"frontmatter nests deeper than {MAX_YAML_DEPTH} levels",
                            *_position(source, mark, first_line))


def _next_event_or_too_deep(loader: Any, source: str, first_line: int) -> bool:
    """``loader.check_event()``, with libyaml's own nesting limit (in some builds of it)
    reported as glosa's."""
    try:
        return bool(loader.check_event())
    except yaml.YAMLError as exc:
        if "nesting depth" in str(exc):
            raise _too_deep(source, getattr(exc, "problem_mark", None), first_line) from None
        raise


def _check_nesting(source: str, first_line: int) -> None:
    """Refuse deep nesting before libyaml composes it: its composer recurses in C, and some
    tens of thousands of levels (``[[[[...``, ``- - - ...``) overflow the C stack, which
    kills the process instead of raising.

    Every level needs one of ``[ { - ? :``; a block with few of them cannot be deep, so
    the event scan runs only for the rare block that has many.
    """
    if sum(source.count(c) for c in "[{-?:") <= MAX_YAML_DEPTH:
        return
    loader = _FrontmatterLoader(source)
    try:
        depth = 0
        while _next_event_or_too_deep(loader, source, first_line):
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_YAML_DEPTH + 1:  # the top-level mapping is level 0
                    raise _too_deep(source, event.start_mark, first_line)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    finally:
        loader.dispose()


def _expanded_size(node: yaml.Node, memo: dict[int, int], source: str, first_line: int,
                   depth: int = 0) -> int:
    """How many nodes a document has once aliases are expanded (bounded, memoised)."""
    key = id(node)
    if key in memo:
        return memo[key]
    if depth > MAX_YAML_DEPTH:
        raise _too_deep(source, node.start_mark, first_line)
    memo[key] = 1  # a self-referencing alias counts once
    size = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            size += _expanded_size(child, memo, source, first_line, depth + 1)
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += (_expanded_size(k, memo, source, first_line, depth + 1)
                     + _expanded_size(v, memo, source, first_line, depth + 1))
    memo[key] = size
    if size > MAX_YAML_NODES:
        # ``memo`` holds every distinct node seen; more expanded than distinct means aliases.
        reason = (" through YAML aliases (an alias bomb?)" if size > len(memo) else "")
        raise FrontmatterError(
            f"frontmatter expands to more than {MAX_YAML_NODES} values{reason}; refused",
            *_position(source, node.start_mark, first_line),
        )
    return size


def _load(source: str, first_line: int) -> tuple[dict[str, Any], dict[str, int],
                                                 list[tuple[str, int, int]]]:
    _check_nesting(source, first_line)
    loader = _FrontmatterLoader(source)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}, []
        if not isinstance(node, yaml.MappingNode):
            raise FrontmatterError(
                f"frontmatter must be a mapping of keys to values, not a {node.id}",
                *_position(source, node.start_mark, first_line),
            )
        if "*" in source or len(source) > MAX_YAML_NODES:
            # Only aliases (`*name`) make a document expand beyond its own text.
            _expanded_size(node, {}, source, first_line)
        # Lines as YAML counts them are file lines unless the text has one of the breaks
        # only YAML counts (U+0085, U+2028, U+2029).
        plain_lines = not any(c in source for c in "\x85\u2028\u2029")
        lines: dict[str, int] = {}
        duplicates: list[tuple[str, int, int]] = []
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *base` brings in another mapping's keys; it is no key
            # The key as the data will have it (`yes`, `~` and `01` are True, None and 1),
            # so that two spellings of one key are reported as a duplicate.
            if key_node.tag == _STR_TAG and isinstance(key_node.value, str):
                key = key_node.value
            else:
                key = str(loader.construct_object(key_node, deep=True))
            if plain_lines:
                line = first_line + key_node.start_mark.line
                column = key_node.start_mark.column + 1
            else:
                line, column = _position(source, key_node.start_mark, first_line)
            if key in lines:
                duplicates.append((key, line, column))
            else:
                lines[key] = line
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise FrontmatterError("frontmatter must be a mapping", first_line)
    return {str(k): v for k, v in data.items()}, lines, duplicates


def load_frontmatter(
    source: str, first_line: int = 2
) -> tuple[dict[str, Any], dict[str, int], list[tuple[str, int, int]]]:
    """Parse a frontmatter block: (data, line of each key, duplicate keys).

    ``first_line`` is the file line of the block's first line. Raises
    :class:`FrontmatterError` with a file line on anything that is not a safe mapping.
    """
    simple = load_simple_frontmatter(source, first_line,
                                     _FrontmatterLoader.yaml_implicit_resolvers, MAX_YAML_NODES)
    if simple is not None:
        return simple
    try:
        return _load(source, first_line)
    except FrontmatterError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = _position(source, mark, first_line)
        problem = exc.problem or exc.context or "invalid YAML"
        if "constructor" in str(problem) or "tag" in str(problem):
            problem = f"{problem} (only plain YAML values are allowed)"
        raise FrontmatterError(f"invalid YAML: {problem}", line, column) from None
    except yaml.reader.ReaderError as exc:
        # A control character; libyaml reports its offset in bytes, so find it instead.
        character = exc.character if isinstance(exc.character, int) else -1
        at = source.find(chr(character)) if 0 <= character <= 0x10FFFF else -1
        line, column = first_line, 1
        if at >= 0:
            line += source.count("\n", 0, at)
            column = at - source.rfind("\n", 0, at)
        raise FrontmatterError(
            f"invalid YAML: character U+{max(character, 0):04X} is not allowed ({exc.reason})",
            line, column) from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        # ValueError includes text that cannot be encoded (lone surrogates) and integers
        # too long to convert.
        raise FrontmatterError(f"invalid YAML: {exc}", first_line) from None


# A boundary line after a line break (the `\s` of _BOUNDARY that can match in a line, so
# that the closing line is found by one search instead of a match per line).
_BOUNDARY_AFTER_BREAK = re.compile(r"\n-{3,}[^\S\n]*(?=\n|\Z)")


def _split_frontmatter(text: str) -> tuple[str | None, int, int, str | None]:
    """(frontmatter, body offset, body's first file line, error).

    Written here rather than taken from python-frontmatter because diagnostics need the
    exact line on which the body starts, and python-frontmatter strips the text first.
    """
    if not text.startswith("---"):
        return None, 0, 1, None
    first_end = text.find("\n")
    if first_end < 0 or not _BOUNDARY.fullmatch(text[:first_end]):
        return None, 0, 1, None
    closing = _BOUNDARY_AFTER_BREAK.search(text, first_end)
    if closing is None:
        return None, 0, 1, "the frontmatter opened with '---' on line 1 is never closed"
    pos, end = closing.start() + 1, closing.end()
    line = 2 + text.count("\n", first_end + 1, pos)
    if end == len(text):  # the file ends on the closing line: no body, no line after it
        return text[first_end + 1:pos], len(text), line, None
    return text[first_end + 1:pos], end + 1, line + 1, None


def _as_links(value: Any, line: int) -> list[WikiLink]:
    """Wiki-links written in a frontmatter value (a string or a list of strings)."""
    items = value if isinstance(value, list) else [value]
    links: list[WikiLink] = []
    for item in items:
        if not isinstance(item, str):
            continue
        # The inner texts WIKILINK_RE finds (an embed's `!` aside), with a pattern the
        # regex engine jumps to.
        for match in _LINK_BRACKETS.finditer(item):
            links.append(parse_link(match.group(1), False, line, 1))
        if "[[" not in item and item.strip():
            # A bare title without brackets is accepted too.
            links.append(parse_link(item.strip(), False, line, 1))
    return links


def _property_links(meta: dict[str, Any], meta_lines: dict[str, int], source: str,
                    first_line: int, skip: str | None) -> dict[str, list[WikiLink]]:
    """Wiki-links in frontmatter values (``related: "[[Note]]"``, lists of them), as
    Obsidian reads properties, each at its line and column in the file when it can be
    found there (else at its key's line)."""
    found: dict[str, list[WikiLink]] = {}
    for key, value in meta.items():
        if key == skip:
            continue
        if isinstance(value, str):
            if "[[" not in value:
                continue
            texts = [value]
        elif isinstance(value, list):
            texts = [item for item in value if isinstance(item, str) and "[[" in item]
            if not texts:
                continue
        else:
            continue
        key_line = meta_lines.get(key, first_line)
        search = 0
        for _ in range(key_line - first_line):
            search = source.find("\n", search) + 1
            if search == 0:
                break
        links: list[WikiLink] = []
        for text in texts:
            for match in WIKILINK_RE.finditer(text):
                at = source.find(match.group(0), search)
                if at < 0:
                    line, column = key_line, 1
                else:
                    search = at + len(match.group(0))
                    line = first_line + source.count("\n", 0, at)
                    column = at - source.rfind("\n", 0, at)
                link = parse_link(match.group(2), match.group(1) == "!", line, column)
                link.kind = LINK_PROPERTY
                links.append(link)
        if links:
            found[key] = links
    return found


def _as_strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [str(value)] if str(value).strip() else []
    if isinstance(value, list):
        return [str(x) for x in value if isinstance(x, (str, int, float)) and str(x).strip()]
    return []


def _note_language(meta: dict[str, Any], rel_path: str, config: GlosaConfig) -> str:
    lang = meta.get("lang")
    if isinstance(lang, str) and lang.strip():
        return lang.strip().lower()
    top = rel_path.split("/", 1)[0].lower() if "/" in rel_path else ""
    if top in config.languages:
        return top
    return config.default_language


def parse_note(data: bytes, rel_path: str, abs_path: Path, config: GlosaConfig) -> Note:
    """Build a :class:`Note` from a file's bytes; every problem lands in ``note.problems``."""
    problems: list[Diagnostic] = []

    def report(rule: str, line: int, column: int, message: str,
               suggestion: str | None = None) -> None:
        severity = config.severity(rule)
        if severity.value != "off":
            problems.append(Diagnostic(rule, severity, rel_path, line, column, message,
                                       suggestion))

    decoded = decode_note_bytes(data)
    for problem in decoded.problems:
        report(problem.rule, problem.line, problem.column, problem.message, problem.suggestion)
    text = decoded.text

    stem = rel_path.rsplit("/", 1)[-1]
    # `.markdown` notes too: the extension is never part of the title.
    stem = stem.rsplit(".", 1)[0] if stem.lower().endswith((".md", ".markdown")) else stem
    parts = split_marker(stem)

    meta: dict[str, Any] = {}
    meta_lines: dict[str, int] = {}
    source, body_offset, body_line, split_error = _split_frontmatter(text)
    if split_error is not None:
        report("frontmatter-invalid", 1, 1, split_error, "add a closing '---' line")
    elif source is None:
        report("frontmatter-missing", 1, 1, "the note has no frontmatter block")
    else:
        try:
            meta, meta_lines, duplicates = load_frontmatter(source)
            for key, line, column in duplicates:
                report("frontmatter-duplicate-key", line, column,
                       f"key '{key}' is written twice; the last value wins")
        except FrontmatterError as exc:
            report("frontmatter-invalid", exc.line, exc.column, str(exc))
            meta, meta_lines = {}, {}
    body = text[body_offset:]
    scan = scan_body(body, body_line)

    note = Note(
        path=rel_path,
        abs_path=abs_path,
        stem=stem,
        title=parts.title,
        marker=parts.marker,
        level=parts.level,
        lang=_note_language(meta, rel_path, config),
        meta=meta,
        meta_lines=meta_lines,
        body=body,
        body_line=body_line,
        headings=scan.headings,
        block_ids=scan.block_ids,
        links=scan.links,
        inline_tags=scan.tags,
        problems=problems,
    )
    if source is not None and meta and "[[" in source:
        # The note format's `translations` are links of their own (note.translations).
        skip = "translations" if config.profile == "seed" else None
        note.property_links = _property_links(meta, meta_lines, source, 2, skip)
    if config.profile == "obsidian":
        # Obsidian's title is the file name (its inline title; a level marker in it is
        # still shown as the badge), or a `title` property that publishing tools honour;
        # the H1 is body content.
        title = meta.get("title")
        if isinstance(title, str) and title.strip():
            note.title = title.strip()
    note.aliases = _as_strings(meta.get("aliases", meta.get("alias")))
    note.tags = parse_tags(meta.get("tags"))
    if "translations" in meta:
        note.translations = _as_links(meta["translations"], note.meta_line("translations"))
    _find_structure(note, scan.code_lines)
    return note


def _find_structure(note: Note, code_lines: set[int]) -> None:
    """H1, the parent link after it, and the legend line at the end."""
    lines = note.body.split("\n")
    h1 = next((h for h in note.headings if h.level == 1), None)
    note.h1 = h1
    links = note.links  # in the order of the body, so by line
    start = (h1.line - note.body_line + 1) if h1 else 0
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if not stripped:
            continue
        if index in code_lines:
            break
        line = note.body_line + index
        line_links = []
        for link in links:
            if link.line >= line:
                if link.line > line:
                    break
                line_links.append(link)
        if (len(line_links) == 1 and not line_links[0].embed
                and stripped == line_links[0].raw):
            note.parent = line_links[0]
        break
    for index in range(len(lines) - 1, -1, -1):
        stripped = lines[index].strip()
        if not stripped:
            continue
        has_markers = LEGEND_SEQUENCE in stripped or all(m in stripped for m in LEVEL_MARKERS)
        if has_markers and index not in code_lines:
            line = note.body_line + index
            first = None
            for link in reversed(links):
                if link.line <= line:
                    if link.line < line:
                        break
                    first = link
            if first is not None:
                note.legend_index = index
                note.legend = first
        break


def read_note(abs_path: Path, rel_path: str, config: GlosaConfig) -> Note:
    """Read and parse one file; an unreadable file gives a note with one diagnostic."""
    try:
        data = filebytes.read_file_bytes(abs_path)
    except OSError as exc:
        parts = split_marker(Path(rel_path).stem)
        note = Note(rel_path, abs_path, Path(rel_path).stem, parts.title, parts.marker,
                    parts.level, config.default_language, readable=False)
        severity = config.severity("note-unreadable")
        note.problems.append(Diagnostic("note-unreadable", severity, rel_path, 1, 1,
                                        f"cannot read the file: {exc.strerror or exc}"))
        return note
    return parse_note(data, rel_path, abs_path, config)
