"""The export formats by name, and the files the site publishes."""

from __future__ import annotations

from collections.abc import Callable

from .concepts import Glossary
from .jsondoc import write_json
from .skos import write_jsonld, write_turtle
from .tabular import write_csv
from .tbx import write_tbx

__all__ = ["EXPORT_FORMATS", "SITE_DOWNLOADS", "export_bytes"]


def _tbx3(glossary: Glossary) -> bytes:
    return write_tbx(glossary, edition=3)


def _tbx2(glossary: Glossary) -> bytes:
    return write_tbx(glossary, edition=2)


#: name -> (writer, file extension, what it is)
EXPORT_FORMATS: dict[str, tuple[Callable[[Glossary], bytes], str, str]] = {
    "tbx": (_tbx3, "tbx", "TBX-Basic, ISO 30042:2019 (TBX v3)"),
    "tbx-v2": (_tbx2, "v2.tbx", "TBX-Basic, ISO 30042:2008 (TBX v2, read by most CAT tools)"),
    "skos": (write_turtle, "ttl", "SKOS, Turtle"),
    "skos-jsonld": (write_jsonld, "jsonld", "SKOS, JSON-LD"),
    "csv": (write_csv, "csv", "CSV (Weblate glossary columns)"),
    "json": (write_json, "json", "JSON (glosa glossary schema, version 1)"),
}

#: The downloads a site publishes, in the order they are listed.
SITE_DOWNLOADS = ("tbx", "tbx-v2", "csv", "skos", "skos-jsonld", "json")


def export_bytes(glossary: Glossary, fmt: str) -> bytes:
    writer = EXPORT_FORMATS[fmt][0]
    return writer(glossary)
