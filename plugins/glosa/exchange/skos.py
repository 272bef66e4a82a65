"""SKOS (Turtle and JSON-LD), with rdflib.

One ``skos:ConceptScheme`` for the glossary (IRI: the concept base without its trailing
``/``), one ``skos:Concept`` per concept at ``BASE + id``: ``prefLabel`` per language,
``altLabel`` per alias, ``definition`` per language, ``broader``/``narrower`` from the parent
hierarchy, ``related`` (both ways) from links, ``topConceptOf`` for concepts without a
broader one, ``editorialNote`` per language with the editorial state, ``notation`` the level,
and ``rdfs:seeAlso`` the term's page when the site's address is known.

The statements are made once (:func:`skos_statements`); :func:`skos_graph` turns them into an
rdflib graph, and the two writers print them grouped by subject, with rdflib's own term
escaping (``n3()``). They do not go through rdflib's serializers, which take minutes on a
10,000-concept glossary (the Turtle one sorts and inspects every subject); the tests parse
both outputs with rdflib and compare them with the graph.
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from .concepts import Glossary, concept_iri

__all__ = ["skos_graph", "skos_statements", "write_jsonld", "write_turtle"]

Node = URIRef | Literal
#: subject -> predicate -> objects, in insertion order, without repeats.
Statements = dict[URIRef, dict[URIRef, dict[Node, None]]]

_PREFIXES = {"rdf": str(RDF), "rdfs": str(RDFS), "skos": str(SKOS), "dcterms": str(DCTERMS)}


def scheme_iri(base: str) -> str:
    return base.rstrip("/#") or base


def skos_statements(glossary: Glossary) -> Statements:
    """Every statement of the glossary's SKOS (``glossary.base`` must be set)."""
    if not glossary.base:
        raise ValueError("SKOS needs an address for its concepts: the site URL or --base")
    out: Statements = {}

    def add(subject: URIRef, predicate: URIRef, value: Node) -> None:
        out.setdefault(subject, {}).setdefault(predicate, {})[value] = None

    scheme = URIRef(scheme_iri(glossary.base))
    add(scheme, RDF.type, SKOS.ConceptScheme)
    add(scheme, DCTERMS.title, Literal(glossary.title))
    iris = {c.id: URIRef(concept_iri(glossary.base, c.id)) for c in glossary.concepts}
    for concept in glossary.concepts:
        node = iris[concept.id]
        add(node, RDF.type, SKOS.Concept)
        add(node, SKOS.inScheme, scheme)
        parent = iris.get(concept.parent) if concept.parent is not None else None
        if parent is not None:
            add(node, SKOS.broader, parent)
            add(parent, SKOS.narrower, node)
        else:
            add(node, SKOS.topConceptOf, scheme)
            add(scheme, SKOS.hasTopConcept, node)
        for other in concept.related:
            if other in iris:
                add(node, SKOS.related, iris[other])
                add(iris[other], SKOS.related, node)
        if concept.level is not None:
            add(node, SKOS.notation, Literal(str(concept.level)))
        for term in concept.terms.values():
            lang = term.lang
            add(node, SKOS.prefLabel, Literal(term.term, lang=lang))
            for alias in term.aliases:
                if alias != term.term:
                    add(node, SKOS.altLabel, Literal(alias, lang=lang))
            if term.definition:
                add(node, SKOS.definition, Literal(term.definition, lang=lang))
            add(node, SKOS.editorialNote,
                Literal(f"{lang.upper()}: {term.status.describe()}", lang="en"))
            if term.url:
                add(node, RDFS.seeAlso, URIRef(term.url))
    return out


def skos_graph(glossary: Glossary) -> Graph:
    """The glossary as an rdflib graph."""
    graph = Graph()
    graph.bind("skos", SKOS)
    graph.bind("dcterms", DCTERMS)
    for subject, predicates in skos_statements(glossary).items():
        for predicate, values in predicates.items():
            for value in values:
                graph.add((subject, predicate, value))
    return graph


def _short(iri: URIRef) -> str:
    text = str(iri)
    if text == str(RDF.type):
        return "a"
    for prefix, namespace in _PREFIXES.items():
        if text.startswith(namespace) and text[len(namespace):].isalnum():
            return f"{prefix}:{text[len(namespace):]}"
    return iri.n3()


def write_turtle(glossary: Glossary) -> bytes:
    lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in _PREFIXES.items()]
    for subject, predicates in skos_statements(glossary).items():
        lines.append("")
        parts = []
        for predicate, values in predicates.items():
            objects = ", ".join(_short(v) if isinstance(v, URIRef) else v.n3()
                                for v in values)
            parts.append(f"    {_short(predicate)} {objects}")
        lines.append(subject.n3() + "\n" + " ;\n".join(parts) + " .")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _json_value(value: Node) -> Any:
    if isinstance(value, URIRef):
        return {"@id": str(value)}
    if value.language:
        return {"@value": str(value), "@language": value.language}
    return str(value)


def write_jsonld(glossary: Glossary) -> bytes:
    """Expanded-IRI JSON-LD with a context of prefixes (``skos:prefLabel`` …)."""
    nodes = []
    for subject, predicates in skos_statements(glossary).items():
        node: dict[str, Any] = {"@id": str(subject)}
        for predicate, values in predicates.items():
            if predicate == RDF.type:
                node["@type"] = [_short(v) for v in values if isinstance(v, URIRef)]
                continue
            node[_short(predicate)] = [_json_value(v) for v in values]
        nodes.append(node)
    document = {"@context": {prefix: namespace for prefix, namespace in _PREFIXES.items()},
                "@graph": nodes}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
