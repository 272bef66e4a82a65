"""The site's downloads: built by ``mkdocs build``, parseable, linked from the landing page
and the A–Z pages, and named by each term page's JSON-LD."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import unquote, urljoin

import jsonschema
import pytest
from lxml import etree
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS
from translate.storage import tbx

from glosa.exchange.jsondoc import json_schema
from glosa.exchange.tbx import TBX_NS

from .conftest import write_vault
from .test_exchange import INTEGRITY, SPARQL_PREFIX
from .test_site import HOSTILE, build, page, page_of, vault_files

DOWNLOADS = ("glossary.tbx", "glossary.v2.tbx", "glossary.csv", "glossary.ttl",
             "glossary.jsonld", "glossary.json")
BASE = "https://example.org/g/concepts/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("exports")
    root = write_vault(tmp / "vault", vault_files())
    code, log, built = build(root, tmp)
    assert code == 0, log
    return built


def test_every_download_is_built(site: Path) -> None:
    assert sorted(p.name for p in (site / "exports").iterdir()) == sorted(DOWNLOADS)


def test_downloads_parse_and_hold_the_published_terms(site: Path) -> None:
    folder = site / "exports"
    store = tbx.tbxfile.parsestring((folder / "glossary.v2.tbx").read_bytes(),
                                    sourcelanguage="es", targetlanguage="en")
    sources = {u.source for u in store.units}
    assert {"Cliente", "Huérfana", "Última", "Índice"} <= sources
    cliente = next(u for u in store.units if u.source == "Cliente")
    assert cliente.target == "Customer"
    root = etree.fromstring((folder / "glossary.tbx").read_bytes())
    assert root.tag == f"{{{TBX_NS}}}tbx"
    terms = {t.text for t in root.iter(f"{{{TBX_NS}}}term")}
    assert HOSTILE in terms  # a hostile alias is data, escaped by the XML writer
    assert b"<script>" not in (folder / "glossary.tbx").read_bytes()
    rows = list(csv.DictReader(io.StringIO((folder / "glossary.csv").read_text("utf-8"),
                                           newline="")))
    assert {r["term:es"] for r in rows} >= {"Cliente", "Huérfana"}
    document = json.loads((folder / "glossary.json").read_text("utf-8"))
    jsonschema.validate(document, json_schema())
    assert document["base"] == BASE
    for name, fmt in (("glossary.ttl", "turtle"), ("glossary.jsonld", "json-ld")):
        graph = Graph().parse(folder / name, format=fmt)
        for rule, query in INTEGRITY.items():
            assert list(graph.query(SPARQL_PREFIX + query)) == [], (name, rule)
        labels = {str(o) for o in graph.objects(URIRef(BASE + "cliente"), SKOS.prefLabel)}
        assert labels == {"Cliente", "Customer"}


def test_landing_and_az_pages_link_every_download(site: Path) -> None:
    for rel in ("index.html", "es/az/index.html", "en/az/index.html"):
        soup = page(site, rel)
        box = soup.select_one(".glosa-downloads")
        assert box is not None, rel
        hrefs = [a["href"] for a in box.select("a")]
        assert len(hrefs) == len(DOWNLOADS)
        base = urljoin("https://x/" + rel, ".")
        targets = {unquote(urljoin(base, str(h)))[len("https://x/"):] for h in hrefs}
        assert targets == {f"exports/{name}" for name in DOWNLOADS}, rel
        for target in targets:
            assert (site / target).is_file()
    assert page(site, "es/az/index.html").select_one(".glosa-downloads h2").get_text() == \
        "Descargar el glosario"
    assert page(site, "en/az/index.html").select_one(".glosa-downloads h2").get_text() == \
        "Download the glossary"


def test_term_json_ld_names_its_skos_concept(site: Path) -> None:
    graph = Graph().parse(site / "exports" / "glossary.ttl", format="turtle")
    for rel in ("es/temas/Cliente ⚫①/index.html", "en/Customer ⚫①/index.html"):
        soup = page_of(site, rel)
        script = soup.find("script", type="application/ld+json")
        assert script is not None
        data = json.loads(script.string or "")
        assert data["@type"] == "DefinedTerm"
        assert data["sameAs"] == BASE + "cliente"
        concept = URIRef(data["sameAs"])
        assert (concept, SKOS.prefLabel, None) in graph
        pages = {str(o) for o in graph.objects(concept, RDFS.seeAlso)}
        assert data["url"] in pages


def test_exports_can_be_turned_off(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", vault_files())
    code, log, built = build(root, tmp_path, extra=":\n      exports: false")
    assert code == 0, log
    assert not (built / "exports").exists()
    assert page(built, "index.html").select_one(".glosa-downloads") is None
    script = page_of(built, "es/temas/Cliente ⚫①/index.html").find(
        "script", type="application/ld+json")
    assert script is not None and "sameAs" not in json.loads(script.string or "")
