"""Property-based tests: arbitrary text never breaks the link scanner, parser or resolver,
the frontmatter loader only ever raises FrontmatterError, and the encoding repair never
raises and is idempotent."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from glosa.config import GlosaConfig
from glosa.reading.encoding import _SUSPECT, BOM, decode_note_bytes, repair_bytes
from glosa.reading.model import LINK_WIKI, Attachment, Note, WikiLink
from glosa.reading.parser import FrontmatterError, load_frontmatter, parse_note
from glosa.reading.resolver import NoteIndex, ResolutionStatus, resolve_link
from glosa.reading.wikilinks import parse_link, scan_body

from ..conftest import seed_note

PROPERTY = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# Pieces of link, heading, code and path syntax, so that examples are rich in structure.
_LINK_PIECES = st.sampled_from([
    "[[", "]]", "![[", "[", "]", "|", "\\|", "\\", "#", "#^", "^", "`", "``", "```", "~~~",
    "\n", "\r", "\t", " ", "# ", "## ", "a", "B", "é", "⚫①", "🔴②", "/", "../", "./", ".md",
    ".png", "%2E", "%", "!", ":", "Índice", "(", ")",
])
LINK_TEXT = st.one_of(st.lists(_LINK_PIECES, max_size=40).map("".join), st.text(max_size=80))
_YAML_PIECES = st.sampled_from([
    "a", "b", ":", ": ", "- ", "? ", "[", "]", "{", "}", ",", "&x ", "*x", "!!str ",
    "!!python/object:os.system ", "!foo ", "<<: ", "|", ">", "'", '"', "#", "\n", "\n  ",
    "\t", "%YAML 1.1\n", "---\n", "...\n", "\x00", "\x85", "\u2028", "\ufeff", "9" * 10,
    "0x1F", "~", "null", "yes", "2024-02-30", "\\u00e9", "\\",
])
YAML_TEXT = st.one_of(st.lists(_YAML_PIECES, max_size=40).map("".join), st.text(max_size=80))


def _text_as_damaged_bytes(text: str) -> bytes:
    """UTF-8 read as Windows-1252 and saved again, the vault's real damage."""
    return text.encode("utf-8").decode("cp1252", "replace").encode("utf-8")


NOTE_BYTES = st.one_of(
    st.binary(max_size=200),
    LINK_TEXT.map(lambda t: t.encode("utf-8", "replace")),
    LINK_TEXT.map(_text_as_damaged_bytes),
    st.tuples(st.sampled_from([b"", BOM]), LINK_TEXT).map(
        lambda p: p[0] + p[1].replace("\n", "\r\n").encode("utf-8", "replace")),
    st.text(max_size=60).map(lambda t: t.encode("latin-1", "replace")),
)


def _formatted(link: WikiLink) -> str:
    """A link written back as ``[[target#heading|label]]`` (or ``#^block``)."""
    inner = link.target
    if link.block is not None:
        inner += f"#^{link.block}"
    elif link.heading is not None:
        inner += f"#{link.heading}"
    if link.label is not None:
        # `\|` is the table form of the separator: a target ending in `\` cannot carry a
        # label (Obsidian forbids `\` in file names anyway).
        assume(not inner.endswith("\\"))
        inner += f"|{link.label}"
    return inner


def _fields(link: WikiLink) -> tuple[str, str | None, str | None, str | None, bool]:
    return link.target, link.heading, link.block, link.label, link.embed


# --- the scanner and the link parser ----------------------------------------------------

@PROPERTY
@given(LINK_TEXT, st.integers(min_value=1, max_value=50))
def test_scan_body_never_raises_and_points_at_each_link(body: str, first_line: int) -> None:
    scan = scan_body(body, first_line)
    lines = body.split("\n")
    for link in scan.links:
        assert body[link.start:link.end] == link.raw
        assert lines[link.line - first_line][link.column - 1:].startswith(link.raw)
    for heading in scan.headings:
        assert lines[heading.line - first_line].startswith("#")
    assert all(first_line <= line < first_line + len(lines) for line in scan.block_ids.values())


@PROPERTY
@given(LINK_TEXT, st.booleans())
def test_parse_link_never_raises_and_round_trips(inner: str, embed: bool) -> None:
    link = parse_link(inner, embed, 1, 1)
    # A heading part that starts with `^` would be written back as a block reference.
    assume(link.heading is None or not link.heading.startswith("^"))
    again = parse_link(_formatted(link), embed, 1, 1)
    assert _fields(again) == _fields(link)


@PROPERTY
@given(LINK_TEXT)
def test_scanned_links_round_trip_through_the_scanner(body: str) -> None:
    for link in scan_body(body).links:
        if link.kind != LINK_WIKI:
            continue  # a Markdown link's destination may hold what `[[...]]` cannot
        assume(link.heading is None or not link.heading.startswith("^"))
        inner = _formatted(link)
        assume(inner)  # `[[]]` is no link
        text = f"{'!' if link.embed else ''}[[{inner}]]"
        rescanned = scan_body(text).links
        assert [_fields(x) for x in rescanned] == [_fields(link)], text


# --- the resolver -----------------------------------------------------------------------

_CONFIG = GlosaConfig()
_VAULT = {
    "Índice ⚫①.md": seed_note("Índice ⚫①", parent=None, body="## Uso\n\nFrase. ^b1"),
    "es/Cliente ⚫①.md": seed_note("Cliente ⚫①", extra="aliases: [cliente final]\n",
                                  body="## Tipos de cliente\n\nUno. ^tipo-1"),
    "es/a/Duplicado 🟡③.md": seed_note("Duplicado 🟡③"),
    "es/b/Duplicado 🟡③.md": seed_note("Duplicado 🟡③"),
    "en/Customer ⚫①.md": seed_note("Customer ⚫①", lang="EN"),
}
NOTES: list[Note] = [parse_note(text.encode(), path, Path("/vault", path), _CONFIG)
                     for path, text in _VAULT.items()]
INDEX = NoteIndex(NOTES, [Attachment("img/logo.png", Path("/vault/img/logo.png"))])
SOURCES = st.sampled_from([None, *NOTES])
_SPELLINGS: list[Callable[[str], str]] = [
    str, str.lower, str.upper, lambda s: unicodedata.normalize("NFD", s)]


@PROPERTY
@given(LINK_TEXT, st.booleans(), SOURCES)
def test_resolve_link_never_raises(inner: str, embed: bool, source: Note | None) -> None:
    res = resolve_link(INDEX, parse_link(inner, embed, 1, 1), source)
    if res.status in (ResolutionStatus.OK, ResolutionStatus.AMBIGUOUS):
        assert (res.note is None) != (res.attachment is None)
    elif res.status in (ResolutionStatus.BROKEN, ResolutionStatus.OUTSIDE):
        assert res.note is None and res.attachment is None
    else:
        assert res.note is not None
    assert all(n in NOTES for n in res.candidates)


@PROPERTY
@given(st.sampled_from(NOTES), st.sampled_from(_SPELLINGS), st.booleans(), SOURCES)
def test_every_note_resolves_by_its_path_in_any_case_and_form(
        note: Note, spelling: Callable[[str], str], with_extension: bool,
        source: Note | None) -> None:
    target = note.path if with_extension else note.path[:-3]
    res = resolve_link(INDEX, parse_link(spelling(target), False, 1, 1), source)
    assert res.status is ResolutionStatus.OK and res.note is note


# --- frontmatter ------------------------------------------------------------------------

@PROPERTY
@given(YAML_TEXT, st.integers(min_value=2, max_value=40))
def test_load_frontmatter_raises_only_frontmatter_error(source: str, first_line: int) -> None:
    last_line = first_line + source.count("\n")
    try:
        data, lines, duplicates = load_frontmatter(source, first_line)
    except FrontmatterError as exc:
        assert first_line <= exc.line <= last_line and exc.column >= 1
        return
    assert all(isinstance(key, str) for key in data)
    assert set(lines) <= set(data)
    assert all(first_line <= line <= last_line for line in lines.values())
    assert all(first_line <= line <= last_line for _, line, _ in duplicates)


@PROPERTY
@given(NOTE_BYTES)
def test_parse_note_never_raises_and_stays_inside_the_file(data: bytes) -> None:
    note = parse_note(b"---\n" + data, "es/Nota.md", Path("/vault/es/Nota.md"), _CONFIG)
    decoded = decode_note_bytes(b"---\n" + data).text
    last_line = decoded.count("\n") + 1
    assert all(1 <= p.line <= last_line for p in note.problems), note.problems
    assert all(1 <= link.line <= last_line for link in note.links)


# --- encodings --------------------------------------------------------------------------

@PROPERTY
@given(NOTE_BYTES)
def test_repair_bytes_never_raises_and_is_idempotent(data: bytes) -> None:
    decoded = decode_note_bytes(data)
    assert "\r" not in decoded.text
    repair = repair_bytes(data)
    if repair.refusal is not None:
        assert repair.repaired is None
        return
    if repair.repaired is None:
        assert not repair.changed
        return
    repaired = repair.repaired.decode("utf-8")  # always valid UTF-8
    assert "\r" not in repaired and not repaired.startswith("\ufeff")
    again = repair_bytes(repair.repaired)
    assert again.refusal is None and not again.changed, again


@PROPERTY
@given(st.text(max_size=200))
def test_correct_text_is_never_changed(text: str) -> None:
    assume("\r" not in text and not text.startswith("\ufeff"))
    assume(_SUSPECT.search(text) is None)
    data = text.encode("utf-8", "surrogatepass")
    assume(data.decode("utf-8", "replace") == text)
    assert not repair_bytes(data).changed
    assert decode_note_bytes(data).problems == []
