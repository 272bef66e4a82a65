"""SKOS (Turtle and JSON-LD), with rdflib.

One ``skos:ConceptScheme`` for the glossary (IRI: the concept base without its trailing
``/``), one ``skos:Concept`` per concept at ``BASE + id``: ``prefLabel`` per language,
``altLabel`` per alias, ``definition`` per language, ``broader``/``narrower`` from the parent
hierarchy, ``related`` (both ways) from links, ``topConceptOf`` for concepts without a
broader one, ``editorialNote`` per language with the editorial state, ``notation`` the level,
and ``rdfs:seeAlso`` the term's page when the site's address is known.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from .concepts import Glossary, concept_iri

__all__ = ["JSONLD_CONTEXT", "skos_graph", "write_jsonld", "write_turtle"]

#: Short names in the JSON-LD output.
JSONLD_CONTEXT = {
    "skos": str(SKOS), "dcterms": str(DCTERMS), "rdfs": str(RDFS),
}


def scheme_iri(base: str) -> str:
    return base.rstrip("/#") or base


def skos_graph(glossary: Glossary) -> Graph:
    """The glossary as an RDF graph (``glossary.base`` must be set)."""
    if not glossary.base:
        raise ValueError("SKOS needs an address for its concepts: the site URL or --base")
    graph = Graph()
    graph.bind("skos", SKOS)
    graph.bind("dcterms", DCTERMS)
    add = graph.add
    scheme = URIRef(scheme_iri(glossary.base))
    add((scheme, RDF.type, SKOS.ConceptScheme))
    add((scheme, DCTERMS.title, Literal(glossary.title)))
    iris = {c.id: URIRef(concept_iri(glossary.base, c.id)) for c in glossary.concepts}
    for concept in glossary.concepts:
        node = iris[concept.id]
        add((node, RDF.type, SKOS.Concept))
        add((node, SKOS.inScheme, scheme))
        if concept.level is not None:
            add((node, SKOS.notation, Literal(str(concept.level))))
        parent = iris.get(concept.parent) if concept.parent is not None else None
        if parent is not None:
            add((node, SKOS.broader, parent))
            add((parent, SKOS.narrower, node))
        else:
            add((node, SKOS.topConceptOf, scheme))
            add((scheme, SKOS.hasTopConcept, node))
        for other in concept.related:
            if other in iris:
                add((node, SKOS.related, iris[other]))
                add((iris[other], SKOS.related, node))
        for term in concept.terms.values():
            lang = term.lang
            add((node, SKOS.prefLabel, Literal(term.term, lang=lang)))
            for alias in term.aliases:
                if alias != term.term:
                    add((node, SKOS.altLabel, Literal(alias, lang=lang)))
            if term.definition:
                add((node, SKOS.definition, Literal(term.definition, lang=lang)))
            add((node, SKOS.editorialNote, Literal(f"{lang.upper()}: {term.status.describe()}", lang="en")))
            if term.url:
                add((node, RDFS.seeAlso, URIRef(term.url)))
    return graph


def write_turtle(glossary: Glossary) -> bytes:
    data: bytes = skos_graph(glossary).serialize(format="turtle", encoding="utf-8")
    return data


def write_jsonld(glossary: Glossary) -> bytes:
    data: bytes = skos_graph(glossary).serialize(format="json-ld", context=JSONLD_CONTEXT,
                                                 encoding="utf-8", indent=1)
    return data
