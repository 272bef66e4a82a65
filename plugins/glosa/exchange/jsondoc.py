"""JSON: the glossary in glosa's own versioned document, described by
``glossary.schema.json`` (shipped in the package; :func:`json_schema` loads it)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from .. import __version__
from .concepts import Glossary, concept_iri

__all__ = ["JSON_FORMAT_VERSION", "glossary_document", "json_schema", "write_json"]

JSON_FORMAT_VERSION = 1


def json_schema() -> dict[str, Any]:
    text = (resources.files("glosa.exchange") / "glossary.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def glossary_document(glossary: Glossary) -> dict[str, Any]:
    base = glossary.base or None
    return {
        "format": "glosa-glossary",
        "version": JSON_FORMAT_VERSION,
        "generator": f"glosa {__version__}",
        "title": glossary.title,
        "languages": list(glossary.languages),
        "base": base,
        "concepts": [
            {
                "id": c.id,
                "iri": concept_iri(base, c.id) if base else None,
                "level": c.level,
                "parent": c.parent,
                "related": list(c.related),
                "subject": c.subject,
                "terms": {
                    lang: {
                        "term": t.term, "aliases": list(t.aliases),
                        "abbreviations": t.abbreviations, "definition": t.definition,
                        "tags": list(t.tags), "nav_primary": t.nav_primary,
                        "nav_secondary": t.nav_secondary, "status": t.status.to_dict(),
                        "created": t.created, "modified": t.modified, "version": t.version,
                        "path": t.path, "url": t.url,
                    }
                    for lang, t in c.terms.items()
                },
            }
            for c in glossary.concepts
        ],
    }


def write_json(glossary: Glossary) -> bytes:
    """The document with one concept a line (json's C encoder, which an ``indent`` turns
    off, is four times faster on a large glossary)."""
    document = glossary_document(glossary)
    concepts = document.pop("concepts")
    head = json.dumps(document, ensure_ascii=False)[:-1]
    lines = ",\n".join(json.dumps(c, ensure_ascii=False) for c in concepts)
    return f'{head}, "concepts": [\n{lines}\n]}}\n'.encode()
