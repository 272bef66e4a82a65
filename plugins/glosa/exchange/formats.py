"""Names of the export and import formats (no writer imported: the command line's options
need the names only)."""

from __future__ import annotations

__all__ = ["EXPORT_FORMATS", "IMPORT_FORMATS", "SITE_DOWNLOADS"]

#: name -> (file extension, what it is)
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "tbx": ("tbx", "TBX-Basic, ISO 30042:2019 (TBX v3)"),
    "tbx-v2": ("v2.tbx", "TBX-Basic, ISO 30042:2008 (TBX v2, read by most CAT tools)"),
    "skos": ("ttl", "SKOS, Turtle"),
    "skos-jsonld": ("jsonld", "SKOS, JSON-LD"),
    "csv": ("csv", "CSV (Weblate glossary columns)"),
    "json": ("json", "JSON (glosa glossary schema, version 1)"),
}

#: The downloads a site publishes, in the order they are listed.
SITE_DOWNLOADS = ("tbx", "tbx-v2", "csv", "skos", "skos-jsonld", "json")

#: What ``glosa import`` reads: every export that can give back the same notes. SKOS is
#: export-only: it keeps no tags, dates, sections or editorial keys (only their description
#: in words), so the notes an import made of it would differ from the exported ones.
IMPORT_FORMATS = ("tbx", "csv", "json")
