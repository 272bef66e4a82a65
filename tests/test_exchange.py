"""glosa export / glosa import: the bundled glossary in every format and back, read by
other programs' readers (translate-toolkit, rdflib, jsonschema, Python's csv)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result
from lxml import etree
from rdflib import Graph
from rdflib.compare import isomorphic
from translate.storage import csvl10n, tbx

from glosa.cli.main import main
from glosa.config import find_config, load_config
from glosa.exchange.concepts import (
    EditorialStatus,
    Glossary,
    collect_glossary,
    is_abbreviation,
    parse_status_filters,
)
from glosa.exchange.export import EXPORT_FORMATS, export_bytes
from glosa.exchange.importer import plan_import
from glosa.exchange.jsondoc import json_schema, read_json
from glosa.exchange.skos import skos_graph
from glosa.exchange.tabular import read_csv
from glosa.exchange.tbx import TBX_NS, read_tbx
from glosa.reading.vault import Vault, load_vault

from .conftest import REPO, seed_note, write_vault

BASE = "https://glosa.example.org/concepts/"
LEGEND = "⚫🔴🟡🟢🔵⚪ (🔴②)"  # the seed format's name, the same in both languages
LEGENDS = (f"es/{LEGEND}.md", f"en/{LEGEND}.md")


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"glosa {' '.join(args)} raised {result.exception!r}")
    return result


@pytest.fixture(scope="module")
def bundled() -> Vault:
    config, docs = load_config(find_config(REPO))
    assert docs is not None
    return load_vault(docs, config)


@pytest.fixture(scope="module")
def glossary(bundled: Vault) -> Glossary:
    return collect_glossary(bundled, title="Glosario", base=BASE)


def comparable(glossary: Glossary) -> dict[str, tuple[object, ...]]:
    """What a round trip must keep: per concept id, parent, related concepts and every
    term's content."""
    return {c.id: (c.parent, tuple(sorted(c.related)),
                   tuple(t.comparable() for t in c.terms.values()))
            for c in glossary.concepts}


# --- the bundled glossary ------------------------------------------------------------------


def test_every_concept_has_both_languages_and_no_legend(glossary: Glossary) -> None:
    notes = sum(1 for _ in (REPO / "glossary").rglob("*.md"))
    assert len(glossary.concepts) == (notes - 2) // 2  # less the two legend notes, in pairs
    assert all(set(c.terms) == {"es", "en"} for c in glossary.concepts)
    titles = {t.term for c in glossary.concepts for t in c.terms.values()}
    assert "⚫🔴🟡🟢🔵⚪" not in titles and "Level legend" not in titles
    assert all("⚫" not in t and "①" not in t for t in titles)
    ids = [c.id for c in glossary.concepts]
    assert len(ids) == len(set(ids)) and all(i.isascii() for i in ids)
    segment = glossary.by_id()["segmentacion-de-clientes"]
    assert segment.terms["en"].term == "Customer segmentation"
    assert segment.parent == "cliente-marketing-digital"
    assert segment.terms["es"].definition.startswith("La segmentación de clientes consiste")
    assert "**" not in segment.terms["es"].definition


def test_tbx_v2_is_read_by_translate_toolkit_with_every_term(glossary: Glossary) -> None:
    store = tbx.tbxfile.parsestring(export_bytes(glossary, "tbx-v2"), sourcelanguage="es",
                                    targetlanguage="en")
    assert len(store.units) == len(glossary.concepts)
    for unit, concept in zip(store.units, glossary.concepts, strict=True):
        for lang, term in concept.terms.items():
            node = unit._get_language_node(lang)  # the reader's own lookup by language
            read = [t.text for t in unit._get_terms(node)]
            assert read == [term.term, *term.aliases]
        status = [t.administrative_status for t in unit.get_source_terms()]
        assert status[0] == "preferredTerm-admn-sts"
        assert all(s == "admittedTerm-admn-sts" for s in status[1:])


def test_tbx_2019_structure(glossary: Glossary) -> None:
    data = export_bytes(glossary, "tbx")
    root = etree.fromstring(data)
    ns = {"t": TBX_NS}
    assert root.tag == f"{{{TBX_NS}}}tbx" and root.get("type") == "TBX-Basic"
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    entries = root.findall(".//t:conceptEntry", ns)
    assert len(entries) == len(glossary.concepts)
    entry = root.find(".//t:conceptEntry[@id='c-segmentacion-de-clientes']", ns)
    assert entry is not None
    assert entry.findtext("t:descrip[@type='subjectField']", namespaces=ns) == "Cliente"
    ref = entry.find("t:ref[@type='crossReference']", ns)
    assert ref is not None and ref.get("target") == "c-cliente-marketing-digital"
    langs = [s.get("{http://www.w3.org/XML/1998/namespace}lang")
             for s in entry.findall("t:langSec", ns)]
    assert langs == ["es", "en"]
    notes = [n.text or "" for n in entry.iterfind(".//t:note", ns)]
    assert "status: iaStatus=2; iaStatus_Model=Claude (Anthropic); checked=0; supervisado=" \
        in notes


def test_abbreviations_are_typed_as_such(glossary: Glossary) -> None:
    data = export_bytes(glossary, "tbx")
    root = etree.fromstring(data)
    ns = {"t": TBX_NS}
    typed = {sec.findtext("t:term", namespaces=ns)
             for sec in root.iterfind(".//t:termSec", ns)
             if sec.findtext("t:termNote[@type='termType']", namespaces=ns) == "abbreviation"}
    assert {"SEO", "SEM"} <= typed
    assert all(is_abbreviation(t or "") for t in typed)


@pytest.mark.parametrize(("text", "expected"), [
    ("CLV", True), ("KPI", True), ("B2B", True), ("ROI", True), ("NPS", True),
    ("lead", False), ("Lead", False), ("A", False), ("ABCDEFG", False), ("12", False),
    ("A1", False), ("SEO y SEM", False),
])
def test_abbreviation_heuristic(text: str, expected: bool) -> None:
    assert is_abbreviation(text) is expected


SPARQL_PREFIX = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
# SKOS integrity conditions S14 (one prefLabel per language), S13 (prefLabel and altLabel
# disjoint), no broader cycle, S27 (related disjoint with broaderTransitive).
INTEGRITY = {
    "two prefLabels in one language": """
        SELECT ?c ?a ?b WHERE { ?c skos:prefLabel ?a, ?b .
          FILTER (?a != ?b && lang(?a) = lang(?b)) }""",
    "prefLabel also altLabel": """
        SELECT ?c ?l WHERE { ?c skos:prefLabel ?l ; skos:altLabel ?l }""",
    "broader cycle": """
        SELECT ?c WHERE { ?c skos:broader+ ?c }""",
    "related and broader": """
        SELECT ?a ?b WHERE { ?a skos:related ?b ; skos:broader+ ?b }""",
    "concept without prefLabel": """
        SELECT ?c WHERE { ?c a skos:Concept . FILTER NOT EXISTS { ?c skos:prefLabel ?l } }""",
}


@pytest.mark.parametrize(("fmt", "rdf_format"), [("skos", "turtle"),
                                                  ("skos-jsonld", "json-ld")])
def test_skos_parses_and_meets_integrity_rules(glossary: Glossary, fmt: str,
                                               rdf_format: str) -> None:
    graph = Graph().parse(data=export_bytes(glossary, fmt), format=rdf_format)
    assert isomorphic(graph, skos_graph(glossary))
    for name, query in INTEGRITY.items():
        rows = list(graph.query(SPARQL_PREFIX + query))
        assert rows == [], f"{name}: {rows[:3]}"
    concepts = list(graph.query(SPARQL_PREFIX + "SELECT ?c WHERE { ?c a skos:Concept }"))
    assert len(concepts) == len(glossary.concepts)
    narrower = list(graph.query(SPARQL_PREFIX + f"""
        SELECT ?n WHERE {{ <{BASE}cliente-marketing-digital> skos:narrower ?n }}"""))
    assert (f"{BASE}segmentacion-de-clientes",) in {(str(r[0]),) for r in narrower}
    labels = {str(r[0]) for r in graph.query(SPARQL_PREFIX + f"""
        SELECT ?l WHERE {{ <{BASE}segmentacion-de-clientes> skos:prefLabel ?l }}""")}
    assert labels == {"Segmentación de clientes", "Customer segmentation"}


def test_integrity_queries_find_a_broken_graph() -> None:
    """The queries above do report what they look for."""
    graph = Graph().parse(format="turtle", data="""
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <x:a> a skos:Concept ; skos:prefLabel "a"@es, "b"@es ; skos:altLabel "a"@es ;
              skos:broader <x:b> ; skos:related <x:b> .
        <x:b> a skos:Concept ; skos:broader <x:a> .""")
    for name, query in INTEGRITY.items():
        assert list(graph.query(SPARQL_PREFIX + query)), name


def test_parent_cycle_is_cut(make_vault: object, tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {
        "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None),
        "es/Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
        "es/A 🟡③.md": seed_note("A 🟡③", parent="B 🟡③", body="Ver [[B 🟡③]]."),
        "es/B 🟡③.md": seed_note("B 🟡③", parent="A 🟡③"),
    })
    glossary = collect_glossary(load_vault(root), title="T", base=BASE)
    by_id = glossary.by_id()
    assert {by_id["a"].parent, by_id["b"].parent} == {"a", None} or \
        {by_id["a"].parent, by_id["b"].parent} == {"b", None}
    assert by_id["a"].related == [] and by_id["b"].related == []
    graph = Graph().parse(data=export_bytes(glossary, "skos"), format="turtle")
    assert not list(graph.query(SPARQL_PREFIX + INTEGRITY["broader cycle"]))


def test_csv_round_trips_through_python_csv_and_translate_toolkit(glossary: Glossary) -> None:
    data = export_bytes(glossary, "csv")
    assert b"\r\n" in data and data.count(b"\r\n") >= len(glossary.concepts) + 1
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert len(rows) == len(glossary.concepts)
    for row, concept in zip(rows, glossary.concepts, strict=True):
        assert row["context"] == concept.id
        assert row["source"] == concept.terms["es"].term
        assert row["target"] == concept.terms["en"].term
        assert row["aliases:en"].split("\n") == (concept.terms["en"].aliases or [""])
    back, problems = read_csv(data, "g.csv", ["es", "en"])
    assert problems == []
    assert comparable(back) == comparable(glossary)
    store = csvl10n.csvfile.parsestring(data)
    units = [u for u in store.units if u.source]
    assert [(u.source, u.target, u.getcontext()) for u in units] == [
        (c.terms["es"].term, c.terms["en"].term, c.id) for c in glossary.concepts]


def test_csv_quotes_commas_quotes_newlines_and_formulas() -> None:
    from glosa.exchange.concepts import Concept, Term

    hostile = Glossary("T", ["es"], [Concept("x", {"es": Term(
        "es", 'a, "b"', level=2, aliases=["=1+1", "línea\ncon salto"],
        definition="-5 grados, \"frío\"", tags=["t"])})])
    data = export_bytes(hostile, "csv")
    row = list(csv.reader(io.StringIO(data.decode(), newline="")))[1]
    assert row[0] == 'a, "b"' and row[3].startswith("'-5")  # no formula for spreadsheets
    back, problems = read_csv(data, "x.csv", ["es"])
    assert problems == []
    term = back.concepts[0].terms["es"]
    assert term.term == 'a, "b"' and term.definition == '-5 grados, "frío"'
    assert term.aliases == ["=1+1", "línea", "con salto"]  # one alias per line in the cell


def test_json_validates_against_the_shipped_schema(glossary: Glossary) -> None:
    document = json.loads(export_bytes(glossary, "json"))
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(document, schema)
    assert document["version"] == 1 and len(document["concepts"]) == len(glossary.concepts)
    concept = next(c for c in document["concepts"] if c["id"] == "segmentacion-de-clientes")
    assert concept["iri"] == BASE + "segmentacion-de-clientes"
    assert concept["terms"]["es"]["status"]["iaStatus"] == 2
    broken = json.loads(json.dumps(document))
    broken["concepts"][0]["terms"]["es"]["term"] = ""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


# --- filters -------------------------------------------------------------------------------


def test_status_and_language_filters(tmp_path: Path) -> None:
    checked = seed_note("Revisado 🟡③", extra="").replace("checked: 0", "checked: 1")
    root = write_vault(tmp_path / "v", {
        "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None),
        "es/Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
        "es/Revisado 🟡③.md": checked,
        "es/Borrador 🟡③.md": seed_note("Borrador 🟡③").replace("iaStatus: 0", "iaStatus: 2"),
        "en/Draft 🟡③.md": seed_note("Draft 🟡③", lang="EN"),
    })
    vault = load_vault(root)
    only_checked = collect_glossary(vault, statuses=parse_status_filters(["checked"]))
    assert [c.source.term for c in only_checked.concepts] == ["Revisado"]
    drafts = collect_glossary(vault, statuses=parse_status_filters(["ai-draft"]))
    assert [c.source.term for c in drafts.concepts] == ["Borrador"]
    english = collect_glossary(vault, languages=["en"])
    assert [c.source.term for c in english.concepts] == ["Draft"]
    with pytest.raises(ValueError, match="unknown status 'reviewed'"):
        parse_status_filters(["reviewed"])
    result = invoke("export", str(root), "--format", "json", "--status", "reviewed")
    assert result.exit_code == 2


@pytest.mark.parametrize("status", [
    EditorialStatus(2, "Modelo; con punto y coma", 0, ""),
    EditorialStatus(0, "", 1, "Ana Pérez"),
    EditorialStatus(None, "", None, ""),
])
def test_status_text_round_trip(status: EditorialStatus) -> None:
    assert EditorialStatus.from_text(status.to_text()) == status


@pytest.mark.parametrize("text", ["iaStatus=dos", "colour=red", ""])
def test_status_text_refused(text: str) -> None:
    with pytest.raises(ValueError):
        EditorialStatus.from_text(text)


# --- import --------------------------------------------------------------------------------


@pytest.fixture
def empty_vault(tmp_path: Path) -> Path:
    """A vault with only the bundled glossary's two legend notes."""
    root = tmp_path / "vault"
    for rel in LEGENDS:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "glossary" / rel, target)
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_bundled_glossary_has_related_concepts(glossary: Glossary) -> None:
    """The round trips below compare related concepts: there must be some to compare."""
    segment = glossary.by_id()["segmentacion-de-clientes"]
    assert {"perfil-de-comprador", "personalizacion"} <= set(segment.related)
    assert sum(len(c.related) for c in glossary.concepts) > len(glossary.concepts)


@pytest.mark.parametrize("fmt", ["tbx", "tbx-v2", "csv", "json"])
def test_export_import_round_trip(glossary: Glossary, empty_vault: Path, tmp_path: Path,
                                  fmt: str) -> None:
    exported = tmp_path / f"g.{EXPORT_FORMATS[fmt][0]}"
    exported.write_bytes(export_bytes(glossary, fmt))
    before = _files(empty_vault)
    dry = invoke("import", str(exported), "--into", str(empty_vault), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert _files(empty_vault) == before  # a dry run writes nothing
    listed = [line.split(" ", 2)[2] for line in dry.stdout.splitlines()
              if line.startswith("would create ")]
    assert len(listed) == 2 * len(glossary.concepts)  # every concept in both languages
    result = invoke("import", str(exported), "--into", str(empty_vault))
    assert result.exit_code == 0, result.output
    written = sorted(str(empty_vault / rel) for rel in _files(empty_vault) if rel not in before)
    assert sorted(listed) == written
    check = invoke("check", str(empty_vault), "--format", "json")
    errors = [d for d in json.loads(check.stdout) if d["severity"] == "error"]
    assert errors == []
    again = collect_glossary(load_vault(empty_vault), title="Glosario", base=BASE)
    assert comparable(again) == comparable(glossary)
    # A second import finds every concept present and writes nothing.
    snapshot = _files(empty_vault)
    second = invoke("import", str(exported), "--into", str(empty_vault))
    assert second.exit_code == 0 and _files(empty_vault) == snapshot
    assert "0 new note(s)" in second.stderr
    assert f"{2 * len(glossary.concepts)} term(s) already present" in second.stderr


def test_imported_note_has_every_key_marker_parent_and_translation(glossary: Glossary,
                                                                   empty_vault: Path,
                                                                   tmp_path: Path) -> None:
    exported = tmp_path / "g.csv"
    exported.write_bytes(export_bytes(glossary, "csv"))
    assert invoke("import", str(exported), "--into", str(empty_vault)).exit_code == 0
    text = (empty_vault / "es" / "Segmentación de clientes 🔴②.md").read_text("utf-8")
    keys = [line.split(":")[0] for line in text.split("---")[1].splitlines()
            if line and not line.startswith(" ")]
    assert keys == ["iaStatus", "iaStatus_Model", "a11y", "checked", "lang", "translations",
                    "created", "modified", "supervisado", "ACCION", "ver_major", "ver_minor",
                    "ver_rev", "nav_primary", "nav_secondary", "tags", "aliases"]
    body = text.split("---", 2)[2]
    assert body.startswith("\n# Segmentación de clientes 🔴②\n\n[[Cliente (Marketing Digital) "
                           "⚫①]]\n\nLa segmentación de clientes consiste")
    assert 'translations: "[[Customer segmentation 🔴②]]"' in text
    assert body.rstrip().endswith(f"[[{LEGEND}]] | ①②③④⑤⑥ | ⚫① 🔴② 🟡③ 🟢④ 🔵⑤ ⚪⑥")
    english = (empty_vault / "en" / "Customer segmentation 🔴②.md").read_text("utf-8")
    assert 'translations: "[[Segmentación de clientes 🔴②]]"' in english
    # Related concepts come back as the related-terms section, before the legend line.
    related = body.split("\n## Términos relacionados\n\n", 1)[1].split("\n\n")[0]
    assert "- [[Perfil de comprador 🟡③]]" in related.splitlines()
    assert "- [[Personalización 🔴②]]" in related.splitlines()
    assert "\n## Related terms\n\n- [[" in english


def test_existing_notes_are_reported_not_overwritten(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {
        "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None),
        "es/Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
        "es/Cliente ⚫①.md": seed_note("Cliente ⚫①", body="Persona que compra."),
    })
    before = _files(root)
    source = tmp_path / "in.csv"
    source.write_text("term:es,definition:es,level,term:en,definition:en\r\n"
                      "Cliente,Otra definición.,1,Customer,A person who buys.\r\n",
                      encoding="utf-8")
    result = invoke("import", str(source), "--into", str(root), "--legend", "Leyenda 🔴②")
    assert result.exit_code == 0, result.output
    assert f"differs: {root / 'es/Cliente ⚫①.md'}: differs from {source}:2 (definition)" \
        in result.stdout
    after = _files(root)
    assert after["es/Cliente ⚫①.md"] != before["es/Cliente ⚫①.md"]  # its translations line
    assert "Persona que compra." in after["es/Cliente ⚫①.md"].decode()
    assert 'translations: "[[Customer ⚫①]]"' in after["es/Cliente ⚫①.md"].decode()
    new = after["Customer ⚫①.md"].decode()  # the vault has no en/ folder
    assert 'translations: "[[Cliente ⚫①]]"' in new
    # No broader concept in the file: no parent line, the definition comes first.
    assert new.split("\n# Customer ⚫①\n\n")[1].startswith("A person who buys.\n")


def test_import_plan_parent_comes_from_the_file(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {
        "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None),
        "es/Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
    })
    data = (b"context,parent,level,term:es,definition:es\r\n"
            b"hija,madre,3,Hija,Una hija.\r\n"
            b"madre,,2,Madre,Una madre.\r\n")
    glossary, problems = read_csv(data, "in.csv", ["es", "en"])
    assert problems == []
    plan = plan_import(load_vault(root), glossary, "in.csv")
    assert plan.problems == []
    by_rel = {p.rel: p.content for p in plan.creates}
    assert list(by_rel) == ["es/Madre 🔴②.md", "es/Hija 🟡③.md"]  # the parent first
    assert "\n# Hija 🟡③\n\n[[Madre 🔴②]]\n\nUna hija.\n" in by_rel["es/Hija 🟡③.md"]
    assert "\n# Madre 🔴②\n\nUna madre.\n" in by_rel["es/Madre 🔴②.md"]


def test_tbx_reader_reads_its_own_output(glossary: Glossary) -> None:
    for fmt in ("tbx", "tbx-v2"):
        back, problems = read_tbx(export_bytes(glossary, fmt), "g.tbx")
        assert problems == []
        assert back.title == "Glosario" and back.languages == ["es", "en"]
        assert comparable(back) == comparable(glossary)


def test_tbx_preferred_term_is_the_title_wherever_it_stands() -> None:
    data = (b'<?xml version="1.0" encoding="UTF-8"?>\n<martif type="TBX-Basic"><text><body>\n'
            b'<termEntry id="c-kpi"><note>level: 3</note><langSet xml:lang="en">'
            b'<tig><term>KPI</term><termNote type="administrativeStatus">admittedTerm-admn-sts'
            b'</termNote></tig><tig><term>Key performance indicator</term>'
            b'<termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>'
            b'</langSet></termEntry>\n</body></text></martif>\n')
    glossary, problems = read_tbx(data, "k.tbx")
    assert problems == []
    term = glossary.concepts[0].terms["en"]
    assert (term.term, term.aliases, term.level) == ("Key performance indicator", ["KPI"], 3)


def test_export_command_output_and_usage_errors(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {
        "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None),
        "es/Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
        "es/Cliente ⚫①.md": seed_note("Cliente ⚫①", body="Persona que *compra*."),
    })
    result = invoke("export", str(root), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [c["terms"]["es"]["definition"] for c in document["concepts"]
            if c["id"] == "cliente"] == ["Persona que compra."]
    assert document["base"] is None
    out = tmp_path / "out.ttl"
    result = invoke("export", str(root), "--format", "skos", "-o", str(out),
                    "--base", "https://example.org/c/")
    assert result.exit_code == 0 and f"{out}: 2 concepts" in result.stderr
    graph = Graph().parse(out, format="turtle")
    assert len(list(graph.query(SPARQL_PREFIX + "SELECT ?c WHERE { ?c a skos:Concept }"))) == 2
    no_base = invoke("export", str(root), "--format", "skos")
    assert no_base.exit_code == 2 and "SKOS needs an address" in no_base.output
    bad_base = invoke("export", str(root), "--format", "skos", "--base", "concepts/")
    assert bad_base.exit_code == 2 and "absolute IRI prefix" in bad_base.output
    bad_lang = invoke("export", str(root), "--format", "csv", "--lang", "fr")
    assert bad_lang.exit_code == 2 and "not a language of the vault" in bad_lang.output


def test_tbx_with_an_external_dtd_is_read_without_loading_it() -> None:
    """TBX v2 files name their DTD; it is neither fetched nor needed."""
    data = (b'<?xml version="1.0"?>\n<!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd">\n'
            b'<martif><text><body><termEntry><note>level: 1</note><langSet xml:lang="es">'
            b"<tig><term>Hola</term></tig></langSet></termEntry></body></text></martif>\n")
    glossary, problems = read_tbx(data, "d.tbx")
    assert problems == [] and glossary.concepts[0].terms["es"].term == "Hola"


def test_concept_known_by_id_under_another_title_is_reported(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {
        "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None),
        "es/Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
        "es/Cliente ⚫①.md": seed_note("Cliente ⚫①"),
    })
    data = b"context,level,term:es\r\ncliente,1,Cliente final\r\n"
    glossary, problems = read_csv(data, "in.csv", ["es"])
    assert problems == []
    plan = plan_import(load_vault(root), glossary, "in.csv")
    assert plan.problems == [] and plan.creates == []
    assert plan.differences == [
        f"{root / 'es/Cliente ⚫①.md'}: concept 'cliente' is 'Cliente' in the vault, "
        "'Cliente final' in in.csv:2; kept as it is"]


@pytest.mark.parametrize(("definition", "written"), [
    ("# no es un título", "\\# no es un título"),
    ("- ni una lista", "\\- ni una lista"),
    ("1. ni numerada", "\\1. ni numerada"),
    ("<script>x</script>", "\\<script>x</script>"),
    ("---", "\\---"),
    ("Texto  normal\ncon salto", "Texto normal con salto"),
])
def test_imported_definition_stays_a_paragraph(tmp_path: Path, definition: str,
                                               written: str) -> None:
    from glosa.exchange.concepts import Concept, Term

    root = write_vault(tmp_path / "v", {
        "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None),
        "es/Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
    })
    glossary = Glossary("T", ["es"], [Concept("x", {"es": Term(
        "es", "Equis", level=2, definition=definition)}, None, [], 2)])
    plan = plan_import(load_vault(root), glossary, "in.csv")
    assert plan.problems == []
    assert f"\n# Equis 🔴②\n\n{written}\n\n[[Leyenda 🔴②]]" in plan.creates[0].content


def test_export_benchmark_runs_on_a_generated_vault(tmp_path: Path) -> None:
    from benchmarks.export import time_export
    from benchmarks.generate import generate_vault

    vault = generate_vault(tmp_path / "vault", 40, seed=3)
    out = tmp_path / "g.ttl"
    wall, cpu, size = time_export(vault.root, "skos", out)
    assert wall > 0 and cpu > 0 and size == out.stat().st_size > 0
    graph = Graph().parse(out, format="turtle")
    for name, query in INTEGRITY.items():
        assert list(graph.query(SPARQL_PREFIX + query)) == [], name
    concepts = list(graph.query(SPARQL_PREFIX + "SELECT ?c WHERE { ?c a skos:Concept }"))
    assert len(concepts) == 19  # 40 notes = 20 translated pairs, less the legend pair


# --- related concepts, JSON import, TBX text, one link model -------------------------------


def _related_vault(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "v", {
        "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None),
        "es/Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
        "es/Cliente ⚫①.md": seed_note("Cliente ⚫①", body="Persona que compra."),
        "es/Lead 🔴②.md": seed_note("Lead 🔴②", body="Contacto interesado."),
    })


def test_related_concepts_of_a_file_become_links_in_new_notes(tmp_path: Path) -> None:
    root = _related_vault(tmp_path)
    data = (b"context,level,related,term:es,definition:es\r\n"
            b'nuevo,2,"cliente\nhermano\nfantasma",Nuevo,Un concepto nuevo.\r\n'
            b"hermano,3,,Hermano,Otro concepto nuevo.\r\n")
    source = tmp_path / "in.csv"
    source.write_bytes(data)
    result = invoke("import", str(source), "--into", str(root))
    assert result.exit_code == 0, result.output
    assert (f"glosa: warning: {source}:2: related concept 'fantasma' is neither in the file "
            "nor in the vault; not linked") in result.stderr
    text = (root / "es" / "Nuevo 🔴②.md").read_text("utf-8")
    assert ("\nUn concepto nuevo.\n\n## Términos relacionados\n\n- [[Cliente ⚫①]]\n"
            "- [[Hermano 🟡③]]\n\n[[Leyenda 🔴②]]") in text
    # The vault's export now finds the relations the file gave.
    again = collect_glossary(load_vault(root)).by_id()
    assert again["nuevo"].related == ["cliente", "hermano"]
    assert again["hermano"].related == []


def test_related_link_goes_to_another_language_when_the_concept_lacks_one(
        tmp_path: Path) -> None:
    root = _related_vault(tmp_path)
    document = {
        "format": "glosa-glossary", "version": 1, "title": "T", "languages": ["es", "en"],
        "concepts": [
            {"id": "solo-en", "level": 2, "parent": None, "related": [], "subject": "",
             "terms": {"en": {"term": "Only English"}}},
            {"id": "ambos", "level": 2, "parent": None, "related": ["solo-en"],
             "terms": {"es": {"term": "Ambos"}, "en": {"term": "Both"}}},
        ]}
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    result = invoke("import", str(source), "--into", str(root), "--legend", "Leyenda 🔴②")
    assert result.exit_code == 0, result.output
    spanish = (root / "es" / "Ambos 🔴②.md").read_text("utf-8")
    assert "\n## Términos relacionados\n\n- [[Only English 🔴②]]\n" in spanish
    english = (root / "Both 🔴②.md").read_text("utf-8")  # the vault has no en/ folder
    assert "\n## Related terms\n\n- [[Only English 🔴②]]\n" in english


def test_json_reader_reads_its_own_output(glossary: Glossary) -> None:
    back, problems = read_json(export_bytes(glossary, "json"), "g.json")
    assert problems == []
    assert back.title == "Glosario" and back.languages == ["es", "en"]
    assert comparable(back) == comparable(glossary)
    lines = export_bytes(glossary, "json").decode().split("\n")
    for concept in back.concepts:  # each concept's line is the one that holds it
        assert lines[concept.line - 1].startswith(f'{{"id": "{concept.id}"')


def test_json_reader_finds_concept_lines_in_indented_json(glossary: Glossary) -> None:
    document = json.loads(export_bytes(glossary, "json"))
    document["concepts"] = document["concepts"][:3]
    document["concepts"][2]["terms"]["es"]["aliases"] = "not a list"
    text = json.dumps(document, indent=2, ensure_ascii=False)
    lines = text.split("\n")
    back, problems = read_json(text.encode(), "g.json")
    assert len(back.concepts) == 2 and len(problems) == 1
    assert [lines[c.line - 1] for c in back.concepts] == ["    {", "    {"]
    assert lines[back.concepts[1].line].strip() == f'"id": "{back.concepts[1].id}",'
    third = document["concepts"][2]["id"]
    assert str(problems[0]).startswith(f"g.json:{lines.index('    {', back.concepts[1].line)+1}:")
    assert f"concept 3 ('{third}'): terms.es.aliases must be a list of strings" in str(
        problems[0])


def test_tbx_text_is_escaped_and_control_characters_replaced() -> None:
    from glosa.exchange.concepts import Concept, Term

    hostile = Glossary('T & <"T">', ["es"], [
        Concept("a", {"es": Term("es", 'A & <b> "c"', level=2, aliases=["x\x07y"],
                                 definition="uno < dos & tres > cero\x0b",
                                 tags=["t&t"], nav_primary="<s>")}, None, ["b"]),
        Concept("b", {"es": Term("es", "B]]>", level=2)}, "a"),
    ])
    for fmt in ("tbx", "tbx-v2"):
        data = export_bytes(hostile, fmt)
        root = etree.fromstring(data)  # well-formed, whatever the text held
        terms = [t.text for t in root.iter() if etree.QName(t).localname == "term"]
        assert terms == ['A & <b> "c"', "x\ufffdy", "B]]>"]
        back, problems = read_tbx(data, "h.tbx")
        assert problems == []
        first, second = back.concepts
        assert first.terms["es"].definition == "uno < dos & tres > cero\ufffd"
        assert first.terms["es"].tags == ["t&t"] and first.subject == "<s>"
        assert (first.related, second.parent, second.related) == (["b"], "a", [])
        assert back.title == 'T & <"T">'


def test_tbx_cross_references_without_a_broader_note_are_related() -> None:
    """A TBX file from another tool: its cross-references say "see also", not "broader"."""
    data = (b'<?xml version="1.0" encoding="UTF-8"?>\n<martif type="TBX-Basic"><text><body>\n'
            b'<termEntry id="c-a"><ref type="crossReference" target="c-b">B</ref>'
            b'<note>level: 2</note><langSet xml:lang="es"><tig><term>A</term></tig>'
            b'</langSet></termEntry>\n<termEntry id="c-b"><note>level: 2</note>'
            b'<langSet xml:lang="es"><tig><term>B</term></tig></langSet></termEntry>\n'
            b"</body></text></martif>\n")
    glossary, problems = read_tbx(data, "other.tbx")
    assert problems == []
    assert [(c.id, c.parent, c.related) for c in glossary.concepts] == [
        ("a", None, ["b"]), ("b", None, [])]


def test_site_model_and_link_facts_give_the_same_glossary(bundled: Vault) -> None:
    from glosa.exchange.concepts import LinkFacts
    from glosa.site.model import SiteModel

    by_site = collect_glossary(bundled, SiteModel(bundled), title="G", base=BASE)
    by_facts = collect_glossary(bundled, LinkFacts(bundled), title="G", base=BASE)
    assert comparable(by_site) == comparable(by_facts)
    assert [c.id for c in by_site.concepts] == [c.id for c in by_facts.concepts]


def test_a_site_reads_each_notes_first_paragraph_once_for_downloads_and_pages(
        bundled: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    """The downloads' definitions and the pages' summaries are cut from one reading of each
    note's first paragraph, and say what they said when each read it on its own."""
    import glosa.exchange.concepts as concepts
    import glosa.site.model as model_module
    from glosa.site.model import SiteModel, first_paragraph, text_window

    # A page's summaries are cut from its paragraph's first 300 characters, as they were.
    expected = {id(n): (first_paragraph(n, concepts.DEFINITION_LIMIT),
                        text_window(first_paragraph(n), 0, 300),
                        text_window(first_paragraph(n), 0, 160))
                for n in bundled.notes if n.readable}
    read: list[str] = []
    real = model_module.paragraph_text

    def counted(note: Any) -> str:
        read.append(note.path)
        return real(note)

    monkeypatch.setattr(model_module, "paragraph_text", counted)
    monkeypatch.setattr(concepts, "paragraph_text", counted)
    site = SiteModel(bundled)
    glossary = collect_glossary(bundled, site, title="G", base=BASE)
    shown = {id(n): (site.summary(n), site.summary(n, 160))
             for n in bundled.notes if n.readable}
    assert read and len(read) == len(set(read)), "a note's paragraph was read twice"
    by_path = {n.path: n for n in bundled.notes}
    for concept in glossary.concepts:
        for term in concept.terms.values():
            assert term.definition == expected[id(by_path[term.path])][0]
    assert shown == {key: value[1:] for key, value in expected.items()}


def test_link_facts_shared_lookup_keeps_each_notes_own_choice(tmp_path: Path) -> None:
    """Two notes named alike in two folders: a bare link opens the one beside the linking
    note, for every linking note, though the name is looked up once."""
    from glosa.exchange.concepts import LinkFacts

    root = write_vault(tmp_path / "v", {
        "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None),
        "es/Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
        "es/a/Meta 🔴②.md": seed_note("Meta 🔴②"),
        "es/b/Meta 🔴②.md": seed_note("Meta 🔴②"),
        "es/a/Uno 🔴②.md": seed_note("Uno 🔴②", body="Ver [[Meta]]."),
        "es/b/Dos 🔴②.md": seed_note("Dos 🔴②", body="Ver [[Meta]]."),
    })
    vault = load_vault(root)
    facts = LinkFacts(vault)
    opened = {}
    for note in facts.notes:
        for position, link in enumerate(note.links):
            if link.target == "Meta":
                opened[note.path] = facts.resolution(note, position).note
    assert {path: n.path if n else None for path, n in opened.items()} == {
        "es/a/Uno 🔴②.md": "es/a/Meta 🔴②.md", "es/b/Dos 🔴②.md": "es/b/Meta 🔴②.md"}
    assert list(facts._candidates) == ["Meta"]
