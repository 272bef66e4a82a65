"""SKOS (Turtle and JSON-LD), with rdflib.

One ``skos:ConceptScheme`` for the glossary (IRI: the concept base without its trailing
``/``), one ``skos:Concept`` per concept at ``BASE + id``: ``prefLabel`` per language,
``altLabel`` per alias, ``definition`` per language, ``broader``/``narrower`` from the parent
hierarchy, ``related`` (both ways) from links, ``topConceptOf`` for concepts without a
broader one, ``editorialNote`` per language with the editorial state, ``notation`` the level,
and ``rdfs:seeAlso`` the term's page when the site's address is known.

The statements are made once (:func:`skos_statements`); :func:`skos_graph` turns them into an
rdflib graph (for queries and checks), and the two writers print the same statements grouped
by subject. They do not go through rdflib's serializers, which took over two minutes (Turtle)
and one minute (JSON-LD) on a 10,000-concept glossary: Turtle's string and IRI escapes are a
handful of characters (``_literal``, ``_iri``), and JSON-LD is JSON. The tests parse both
outputs with rdflib and compare them with the graph.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote

from .concepts import Glossary, concept_iri

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = ["PREFIXES", "skos_graph", "skos_statements", "write_jsonld", "write_turtle"]

PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
}


class Lit(NamedTuple):
    text: str
    lang: str = ""


class Iri(NamedTuple):
    iri: str


Value = Lit | Iri
#: subject IRI -> predicate (prefixed name) -> objects, in insertion order, no repeats.
Statements = dict[str, dict[str, dict[Value, None]]]

# Characters an IRI in Turtle (IRIREF) cannot hold; percent-encoded.
_IRI_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '<>"{}|^`\\')


def safe_iri(text: str) -> str:
    """``text`` with what an IRI cannot contain percent-encoded (non-ASCII is kept)."""
    if all(c in _IRI_SAFE or ord(c) > 0x7F for c in text):
        return text
    return quote(text, safe=_IRI_SAFE + "".join({c for c in text if ord(c) > 0x7F}))


def scheme_iri(base: str) -> str:
    return base.rstrip("/#") or base


def skos_statements(glossary: Glossary) -> Statements:
    """Every statement of the glossary's SKOS (``glossary.base`` must be set)."""
    if not glossary.base:
        raise ValueError("SKOS needs an address for its concepts: the site URL or --base")
    out: Statements = {}

    def add(subject: str, predicate: str, value: Value) -> None:
        out.setdefault(subject, {}).setdefault(predicate, {})[value] = None

    scheme = safe_iri(scheme_iri(glossary.base))
    add(scheme, "rdf:type", Iri("skos:ConceptScheme"))
    add(scheme, "dcterms:title", Lit(glossary.title))
    iris = {c.id: safe_iri(concept_iri(glossary.base, c.id)) for c in glossary.concepts}
    for concept in glossary.concepts:
        node = iris[concept.id]
        add(node, "rdf:type", Iri("skos:Concept"))
        add(node, "skos:inScheme", Iri(scheme))
        parent = iris.get(concept.parent) if concept.parent is not None else None
        if parent is not None:
            add(node, "skos:broader", Iri(parent))
            add(parent, "skos:narrower", Iri(node))
        else:
            add(node, "skos:topConceptOf", Iri(scheme))
            add(scheme, "skos:hasTopConcept", Iri(node))
        for other in concept.related:
            if other in iris:
                add(node, "skos:related", Iri(iris[other]))
                add(iris[other], "skos:related", Iri(node))
        if concept.level is not None:
            add(node, "skos:notation", Lit(str(concept.level)))
        for term in concept.terms.values():
            lang = term.lang
            add(node, "skos:prefLabel", Lit(term.term, lang))
            for alias in term.aliases:
                if alias != term.term:
                    add(node, "skos:altLabel", Lit(alias, lang))
            if term.definition:
                add(node, "skos:definition", Lit(term.definition, lang))
            add(node, "skos:editorialNote",
                Lit(f"{lang.upper()}: {term.status.describe()}", "en"))
            if term.url:
                add(node, "rdfs:seeAlso", Iri(safe_iri(term.url)))
    return out


def _expand(name: str) -> str:
    prefix, _, local = name.partition(":")
    namespace = PREFIXES.get(prefix)
    return namespace + local if namespace is not None and "/" not in name else name


def skos_graph(glossary: Glossary) -> Graph:
    """The glossary as an rdflib graph."""
    from rdflib import Graph, Literal, URIRef  # only here: the writers do not need it

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for subject, predicates in skos_statements(glossary).items():
        node = URIRef(subject)
        for predicate, values in predicates.items():
            verb = URIRef(_expand(predicate))
            for value in values:
                target = (URIRef(_expand(value.iri)) if isinstance(value, Iri)
                          else Literal(value.text, lang=value.lang or None))
                graph.add((node, verb, target))
    return graph


_TURTLE_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _literal(value: Lit) -> str:
    text = '"' + value.text.translate(_TURTLE_ESCAPES) + '"'
    return f"{text}@{value.lang}" if value.lang else text


def _iri(name: str) -> str:
    prefix, _, local = name.partition(":")
    if prefix in PREFIXES and local.isalnum():
        return name
    return f"<{name}>"


def write_turtle(glossary: Glossary) -> bytes:
    lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in PREFIXES.items()]
    for subject, predicates in skos_statements(glossary).items():
        parts = []
        for predicate, values in predicates.items():
            objects = ", ".join(_iri(v.iri) if isinstance(v, Iri) else _literal(v)
                                for v in values)
            parts.append(f"    {'a' if predicate == 'rdf:type' else predicate} {objects}")
        lines.append(f"\n<{subject}>\n" + " ;\n".join(parts) + " .")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _json_value(value: Value) -> Any:
    if isinstance(value, Iri):
        return {"@id": value.iri}
    if value.lang:
        return {"@value": value.text, "@language": value.lang}
    return value.text


def write_jsonld(glossary: Glossary) -> bytes:
    """JSON-LD with a context of the prefixes (``skos:prefLabel`` …), one node a line."""
    nodes = []
    for subject, predicates in skos_statements(glossary).items():
        node: dict[str, Any] = {"@id": subject}
        for predicate, values in predicates.items():
            if predicate == "rdf:type":
                node["@type"] = [v.iri for v in values if isinstance(v, Iri)]
            else:
                node[predicate] = [_json_value(v) for v in values]
        nodes.append(json.dumps(node, ensure_ascii=False))
    context = json.dumps({"@context": PREFIXES}, ensure_ascii=False)[1:-1]
    return ("{" + context + ',\n"@graph": [\n' + ",\n".join(nodes) + "\n]}\n").encode("utf-8")
