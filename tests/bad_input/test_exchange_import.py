"""``glosa import`` of hostile and broken files: each refused with a message naming the file
and the line (or XML position), exit 1, and nothing written to the vault."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from glosa.exchange.importer import MAX_IMPORT_BYTES

from ..conftest import seed_note, write_vault
from .helpers import invoke

HEADER = "context,level,term:es,definition:es,term:en,definition:en\r\n"
TBX_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca">\n'
            "<text><body>\n")


JSON_HEAD = ('{"format": "glosa-glossary", "version": 1, "title": "T",\n'
             ' "languages": ["es"],\n "concepts": [\n')


def json_concept(concept_id: str, term: str, level: int = 2) -> str:
    return json.dumps({"id": concept_id, "level": level, "parent": None, "related": [],
                       "terms": {"es": {"term": term}}}, ensure_ascii=False)


def json_file(*concepts: str) -> bytes:
    """A JSON export with one concept a line, from line 4 on."""
    text = JSON_HEAD + ",\n".join(f"  {c}" for c in concepts) + "\n]}\n"
    return text.encode("utf-8")


def tbx_entry(term: str, lang: str = "es", level: int = 2) -> str:
    return (f'<conceptEntry id="c-x"><note>level: {level}</note>'
            f'<langSec xml:lang="{lang}"><termSec><term>{term}</term></termSec></langSec>'
            "</conceptEntry>\n")


# (case id, file name, content, text the message must contain)
CASES: list[tuple[str, str, bytes, str]] = [
    ("tbx-not-well-formed", "bad.tbx",
     (TBX_HEAD + "<conceptEntry>\n<langSec xml:lang='es'>\n</conceptEntry>\n").encode(),
     "bad.tbx:6: column"),
    ("tbx-entity-bomb", "bomb.tbx", (
        b'<?xml version="1.0"?>\n<!DOCTYPE tbx [\n<!ENTITY a "aaaaaaaaaa">\n'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">\n'
        b']>\n<tbx><text><body><conceptEntry><langSec xml:lang="es"><termSec><term>&c;</term>'
        b"</termSec></langSec></conceptEntry></body></text></tbx>\n"),
     "declares XML entities; refused"),
    ("tbx-external-entity", "xxe.tbx", (
        b'<?xml version="1.0"?>\n<!DOCTYPE tbx [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b'<tbx><text><body><conceptEntry><langSec xml:lang="es"><termSec><term>&x;</term>'
        b"</termSec></langSec></conceptEntry></body></text></tbx>\n"),
     "declares XML entities; refused"),
    ("tbx-parameter-entity", "param.tbx", (
        b'<?xml version="1.0"?>\n<!DOCTYPE tbx [<!ENTITY % x SYSTEM "http://127.0.0.1:9/x.dtd">'
        b" %x;]>\n<tbx><text><body></body></text></tbx>\n"),
     "declares XML entities; refused"),
    ("tbx-undeclared-entity", "undeclared.tbx",
     (TBX_HEAD + tbx_entry("&nope;") + "</body></text></tbx>\n").encode(),
     "undeclared.tbx:4: column"),
    ("tbx-not-tbx", "other.tbx", b'<?xml version="1.0"?>\n<html><body/></html>\n',
     "other.tbx:2: the root element is <html>"),
    ("tbx-wrong-encoding", "latin.tbx",
     (TBX_HEAD + tbx_entry("Segmentación")).encode("latin-1") + b"</body></text></tbx>\n",
     "latin.tbx:4: column"),
    ("tbx-empty-term", "empty.tbx",
     (TBX_HEAD + tbx_entry("") + "</body></text></tbx>\n").encode(),
     "empty.tbx:4: a term entry with an empty <term>"),
    ("tbx-bad-level", "level.tbx",
     (TBX_HEAD + tbx_entry("Cosa", level=9) + "</body></text></tbx>\n").encode(),
     "level.tbx:4: level must be 1 to 6"),
    ("tbx-path-escape", "escape.tbx",
     (TBX_HEAD + tbx_entry("../../x") + "</body></text></tbx>\n").encode(),
     "escape.tbx:4: the title '../../x' contains '/'"),
    ("csv-latin-1", "latin.csv", (HEADER + "a,2,Nombre,Bien,Name,Fine\r\n"
                                  "b,2,Segmentación,Mal,Segmentation,Bad\r\n").encode("latin-1"),
     "latin.csv:3: byte 0xf3 is not UTF-8"),
    ("csv-utf16", "wide.csv", (HEADER + "a,2,Nombre,x,Name,y\r\n").encode("utf-16"),
     "wide.csv:1: the file is UTF-16"),
    ("csv-unterminated-quote", "quote.csv",
     (HEADER + 'a,2,Nombre,"sin cerrar,Name,y\r\nb,2,Otro,x,Other,y\r\n').encode(),
     "quote.csv:2: malformed CSV"),
    ("csv-field-count", "fields.csv", (HEADER + "a,2,Nombre,x\r\n").encode(),
     "fields.csv:2: the row has 4 fields, the header 6"),
    ("csv-nul", "nul.csv", (HEADER + "a,2,No\x00mbre,x,Name,y\r\n").encode(),
     "nul.csv:2:"),
    ("csv-duplicate-concept", "dup.csv",
     (HEADER + "a,2,Nombre,x,Name,y\r\nb,3,nombre,z,Other,w\r\n").encode(),
     "dup.csv:3: 'nombre' (es) is a concept of its own twice (also on line 2)"),
    ("csv-duplicate-id", "dupid.csv",
     (HEADER + "a,2,Uno,x,One,y\r\na,3,Dos,z,Two,w\r\n").encode(),
     "dupid.csv:3: concept id 'a' is used twice (also on line 2)"),
    ("csv-slash", "slash.csv", (HEADER + "a,2,a/b,x,Name,y\r\n").encode(),
     "slash.csv:2: the title 'a/b' contains '/'"),
    ("csv-dot-dot", "dots.csv", (HEADER + "a,2,..,x,Name,y\r\n").encode(),
     "dots.csv:2: the title '..' starts with '.'"),
    ("csv-control-character", "control.csv", (HEADER + "a,2,Nom\x07bre,x,Name,y\r\n").encode(),
     "control.csv:2: the title 'Nom\x07bre' contains '\\x07'"),
    ("csv-300-bytes", "long.csv", (HEADER + f"a,2,{'ñ' * 150},x,Name,y\r\n").encode(),
     "long.csv:2: the title is too long for a file name"),
    ("csv-no-level", "nolevel.csv", (HEADER + "a,,Nombre,x,Name,y\r\n").encode(),
     "nolevel.csv:2: 'Nombre' has no level"),
    ("csv-bad-level", "badlevel.csv", (HEADER + "a,siete,Nombre,x,Name,y\r\n").encode(),
     "badlevel.csv:2: level must be 1 to 6, not 'siete'"),
    ("csv-unknown-language", "lang.csv",
     b"level,term:fr\r\n2,Bonjour\r\n", "lang.csv:2: language 'fr' of 'Bonjour' is not a "
                                         "language of the vault"),
    ("csv-not-a-glossary", "plain.csv", b"a,b\r\n1,2\r\n",
     "plain.csv:1: no 'term:LANG' columns and no 'source' column"),
    ("csv-bad-status", "status.csv",
     b"level,term:es,status:es\r\n2,Nombre,iaStatus=dos\r\n",
     "status.csv:2: status:es: iaStatus must be a whole number"),
    ("csv-empty", "empty.csv", b"", "empty.csv:1: the file is empty"),
    ("json-not-valid", "bad.json",
     (JSON_HEAD + '  {"id": "a", "level": 2,, "terms": {}}\n]}\n').encode(),
     "bad.json:4: column 26: not valid JSON"),
    ("json-not-glosa", "other.json", b'{"concepts": []}\n',
     "other.json:1: not a glosa glossary"),
    ("json-not-an-object", "list.json", b'[1, 2]\n', "list.json:1: not a glosa glossary"),
    ("json-version", "v2.json", b'{"format": "glosa-glossary", "version": 2, "concepts": []}',
     "v2.json:1: version 2 of the glossary format is not read by this glosa"),
    ("json-concepts-not-a-list", "nolist.json",
     b'{"format": "glosa-glossary", "version": 1, "concepts": {}}',
     "nolist.json:1: \"concepts\" must be a list"),
    ("json-no-concepts", "none.json",
     b'{"format": "glosa-glossary", "version": 1, "concepts": []}',
     "none.json:1: the glossary has no concepts"),
    ("json-wrong-type", "type.json", json_file(json_concept("a", "Nombre"),
                                               '{"id": "b", "level": 2, "terms": {"es": '
                                               '{"term": 5}}}'),
     "type.json:5: concept 2 ('b'): terms.es.term must be a string, not int"),
    ("json-bad-level", "level.json", json_file(json_concept("a", "Nombre", level=9)),
     "level.json:4: concept 1 ('a'): level must be 1 to 6, not 9"),
    ("json-no-terms", "noterms.json", json_file('{"id": "a", "level": 2, "terms": {}}'),
     "noterms.json:4: concept 1 ('a'): a concept without any term"),
    ("json-latin-1", "latin.json", json_file(json_concept("a", "Segmentación")).decode().encode(
                                  "latin-1"),
     "latin.json:4: byte 0xf3 is not UTF-8"),
    ("json-duplicate-concept", "dup.json",
     json_file(json_concept("a", "Nombre"), json_concept("b", "NOMBRE")),
     "dup.json:5: 'NOMBRE' (es) is a concept of its own twice (also on line 4)"),
    ("json-slash", "slash.json", json_file(json_concept("a", "a/b")),
     "slash.json:4: the title 'a/b' contains '/'"),
    ("json-dot-dot", "dots.json", json_file(json_concept("a", "..")),
     "dots.json:4: the title '..' starts with '.'"),
]


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "vault", {
        "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None),
        "es/Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
        "en/Index ⚫①.md": seed_note("Index ⚫①", lang="EN", parent=None,
                                    legend="[[Legend 🔴②]] | ①②③④⑤⑥ | ⚫① 🔴② 🟡③ 🟢④ 🔵⑤ ⚪⑥"),
        "en/Legend 🔴②.md": seed_note("Legend 🔴②", lang="EN", parent="Index ⚫①",
                                     legend="[[Legend 🔴②]] | ①②③④⑤⑥ | ⚫① 🔴② 🟡③ 🟢④ 🔵⑤ ⚪⑥"),
    })


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("name", "content", "expected"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_hostile_file_is_refused_and_nothing_written(vault: Path, tmp_path: Path, name: str,
                                                     content: bytes, expected: str) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    before = snapshot(vault)
    for extra in ([], ["--dry-run"]):
        result = invoke("import", str(source), "--into", str(vault), *extra)
        assert result.exit_code == 1, result.output
        assert expected in result.stderr, result.stderr
        assert "nothing was written" in result.stderr
        assert f"glosa: error: {source}:" in result.stderr
    assert snapshot(vault) == before


@pytest.mark.parametrize(("name", "head"), [("huge.csv", HEADER.encode()),
                                           ("huge.tbx", TBX_HEAD.encode()),
                                           ("huge.json", JSON_HEAD.encode())])
def test_oversized_file_is_refused_before_reading(vault: Path, tmp_path: Path, name: str,
                                                  head: bytes) -> None:
    source = tmp_path / name
    with source.open("wb") as handle:
        handle.write(head)
        handle.truncate(MAX_IMPORT_BYTES + 1)  # sparse: no disk is used
    before = snapshot(vault)
    result = invoke("import", str(source), "--into", str(vault))
    assert result.exit_code == 1
    assert f"{source}:0: the file has {MAX_IMPORT_BYTES + 1:,} bytes" in result.stderr
    assert snapshot(vault) == before


def test_one_bad_row_stops_the_good_ones(vault: Path, tmp_path: Path) -> None:
    source = tmp_path / "mixed.csv"
    source.write_bytes((HEADER + "a,2,Bueno,x,Good,y\r\nb,2,ma/lo,x,Bad,y\r\n").encode())
    before = snapshot(vault)
    result = invoke("import", str(source), "--into", str(vault))
    assert result.exit_code == 1 and f"{source}:3:" in result.stderr
    assert snapshot(vault) == before


def test_existing_note_that_cannot_take_a_translation(vault: Path, tmp_path: Path) -> None:
    """An existing note without frontmatter is neither replaced nor given a broken
    translations line: the import stops and says why."""
    (vault / "es" / "Nombre 🔴②.md").write_text("no frontmatter, no H1\n", encoding="utf-8")
    source = tmp_path / "clash.csv"
    source.write_bytes((HEADER + "a,2,Nombre,x,Name,y\r\n").encode())
    before = snapshot(vault)
    result = invoke("import", str(source), "--into", str(vault))
    assert snapshot(vault) == before
    assert result.exit_code == 1
    assert (f"{source}:2: {vault / 'es' / 'Nombre 🔴②.md'}: cannot add the translation"
            in result.stderr)


def test_missing_file_is_a_clear_error(vault: Path, tmp_path: Path) -> None:
    result = invoke("import", str(tmp_path / "nowhere.csv"), "--into", str(vault))
    assert result.exit_code == 1
    assert f"{tmp_path / 'nowhere.csv'}:0: cannot read" in result.stderr


def test_unknown_extension_needs_format(vault: Path, tmp_path: Path) -> None:
    source = tmp_path / "terms.txt"
    source.write_text("x", encoding="utf-8")
    result = invoke("import", str(source), "--into", str(vault))
    assert result.exit_code == 2 and "pass --format" in result.output
