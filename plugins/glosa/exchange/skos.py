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
import re
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
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')


def safe_iri(text: str) -> str:
    """``text`` with what an IRI cannot contain percent-encoded (non-ASCII is kept)."""
    if _IRI_UNSAFE.search(text) is None:
        return text
    return quote(text, safe=_IRI_SAFE + "".join({c for c in text if ord(c) > 0x7F}))


def scheme_iri(base: str) -> str:
    return base.rstrip("/#") or base


_CONCEPT = Iri("skos:Concept")
_SCHEME = Iri("skos:ConceptScheme")


def skos_statements(glossary: Glossary) -> Statements:
    """Every statement of the glossary's SKOS (``glossary.base`` must be set), grouped by
    subject: the scheme, then each concept with everything said of it (the inverse
    ``narrower`` and ``related`` statements gathered first, so each node is made once)."""
    if not glossary.base:
        raise ValueError("SKOS needs an address for its concepts: the site URL or --base")
    scheme = safe_iri(scheme_iri(glossary.base))
    in_scheme = Iri(scheme)
    iris = {c.id: safe_iri(concept_iri(glossary.base, c.id)) for c in glossary.concepts}
    narrower: dict[str, list[Value]] = {}
    related: dict[str, list[Value]] = {}
    top: list[Value] = []
    for concept in glossary.concepts:
        node = iris[concept.id]
        parent = iris.get(concept.parent) if concept.parent is not None else None
        if parent is not None:
            narrower.setdefault(parent, []).append(Iri(node))
        else:
            top.append(Iri(node))
        for other in concept.related:
            other_iri = iris.get(other)
            if other_iri is not None:  # skos:related is symmetric: said on both sides
                related.setdefault(node, []).append(Iri(other_iri))
                related.setdefault(other_iri, []).append(Iri(node))
    scheme_node: dict[str, dict[Value, None]] = {
        "rdf:type": {_SCHEME: None}, "dcterms:title": {Lit(glossary.title): None}}
    if top:
        scheme_node["skos:hasTopConcept"] = dict.fromkeys(top)
    out: Statements = {scheme: scheme_node}
    for concept in glossary.concepts:
        node = iris[concept.id]
        parent = iris.get(concept.parent) if concept.parent is not None else None
        said: dict[str, dict[Value, None]] = {"rdf:type": {_CONCEPT: None},
                                              "skos:inScheme": {in_scheme: None}}
        if parent is not None:
            said["skos:broader"] = {Iri(parent): None}
        else:
            said["skos:topConceptOf"] = {in_scheme: None}
        if node in narrower:
            said["skos:narrower"] = dict.fromkeys(narrower[node])
        if node in related:
            said["skos:related"] = dict.fromkeys(related[node])
        if concept.level is not None:
            said["skos:notation"] = {Lit(str(concept.level)): None}
        labels: list[Value] = []
        alternatives: list[Value] = []
        definitions: list[Value] = []
        notes: list[Value] = []
        pages: list[Value] = []
        for term in concept.terms.values():
            lang = term.lang
            labels.append(Lit(term.term, lang))
            alternatives.extend(Lit(alias, lang) for alias in term.aliases
                                if alias != term.term)
            if term.definition:
                definitions.append(Lit(term.definition, lang))
            notes.append(Lit(f"{lang.upper()}: {term.status.describe()}", "en"))
            if term.url:
                pages.append(Iri(safe_iri(term.url)))
        said["skos:prefLabel"] = dict.fromkeys(labels)
        for predicate, values in (("skos:altLabel", alternatives),
                                  ("skos:definition", definitions),
                                  ("skos:editorialNote", notes), ("rdfs:seeAlso", pages)):
            if values:
                said[predicate] = dict.fromkeys(values)
        out[node] = said
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


_TURTLE_ESCAPES = (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"))
_NEEDS_ESCAPE = re.compile(r'["\\\n\r]')


def _literal(value: Lit) -> str:
    text = value.text
    if _NEEDS_ESCAPE.search(text) is not None:  # rare; str.translate is slow on every text
        for char, escaped in _TURTLE_ESCAPES:
            text = text.replace(char, escaped)
    text = '"' + text + '"'
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


# One encoder for every node: ``json.dumps`` with an option makes a new one each call.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _json_value(value: Value) -> Any:
    if isinstance(value, Iri):
        return {"@id": value.iri}
    if value.lang:
        return {"@value": value.text, "@language": value.lang}
    return value.text


def write_jsonld(glossary: Glossary) -> bytes:
    """JSON-LD with a context of the prefixes (``skos:prefLabel`` …), one node a line."""
    nodes = []
    encode = _ENCODER.encode
    for subject, predicates in skos_statements(glossary).items():
        node: dict[str, Any] = {"@id": subject}
        for predicate, values in predicates.items():
            if predicate == "rdf:type":
                node["@type"] = [v.iri for v in values if isinstance(v, Iri)]
            else:
                node[predicate] = [_json_value(v) for v in values]
        nodes.append(encode(node))
    context = json.dumps({"@context": PREFIXES}, ensure_ascii=False)[1:-1]
    return ("{" + context + ',\n"@graph": [\n' + ",\n".join(nodes) + "\n]}\n").encode("utf-8")
