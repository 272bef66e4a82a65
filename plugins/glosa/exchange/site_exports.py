"""The exports a site publishes as downloads (engine-free: the MkDocs adapter writes them).

Files go to ``exports/glossary.*``; concept IRIs are ``SITE_URL + "concepts/" + id`` (the
same as ``glosa export`` gives with the site's mkdocs.yml). Without a site URL there is no
address for IRIs: the SKOS files are left out and term pages carry no concept IRI.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..reading.model import Note
from ..reading.vault import Vault, paused_garbage_collection
from ..site.model import SiteModel
from .concepts import Glossary, collect_glossary, concept_iri
from .export import EXPORT_FORMATS, SITE_DOWNLOADS, export_bytes

__all__ = ["DOWNLOAD_TEXT", "SiteExports", "build_site_exports", "download_label",
           "with_same_as"]

EXPORTS_DIR = "exports"

DOWNLOAD_TEXT: dict[str, dict[str, str]] = {
    "es": {"downloads": "Descargar el glosario",
           "downloads_intro": "Para traductores, equipos de localización y otros programas:"},
    "en": {"downloads": "Download the glossary",
           "downloads_intro": "For translators, localisation teams and other software:"},
}

_LABELS = {
    "tbx": "TBX-Basic (ISO 30042:2019)",
    "tbx-v2": "TBX-Basic v2 (ISO 30042:2008: Weblate, memoQ, Trados, OmegaT)",
    "csv": "CSV (Weblate, spreadsheets)",
    "skos": "SKOS (Turtle)",
    "skos-jsonld": "SKOS (JSON-LD)",
    "json": "JSON",
}


def download_label(fmt: str) -> str:
    return _LABELS[fmt]


def download_text(lang: str, overrides: Mapping[str, Mapping[str, str]] | None = None
                  ) -> dict[str, str]:
    text = dict(DOWNLOAD_TEXT["en"])
    text.update(DOWNLOAD_TEXT.get(lang, {}))
    if overrides and lang in overrides:
        text.update({k: v for k, v in overrides[lang].items() if k in text})
    return text


@dataclass
class SiteExports:
    #: The concepts (None: downloads taken from the build cache, kept_exports.py).
    glossary: Glossary | None
    #: docs path -> (format, bytes), in listing order.
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    #: id(note) -> the IRI of its concept.
    iris: dict[int, str] = field(default_factory=dict)
    #: docs path -> (format, file, size): downloads kept in the build cache, in order.
    kept: dict[str, tuple[str, Path, int]] = field(default_factory=dict)
    #: The notes ``iris`` names by id.
    notes: list[Note] = field(default_factory=list)

    def downloads(self) -> list[tuple[str, str, int]]:
        """(docs path, format, size) of every download, in listing order."""
        return ([(path, fmt, len(data)) for path, (fmt, data) in self.files.items()]
                + [(path, fmt, size) for path, (fmt, _file, size) in self.kept.items()])


def build_site_exports(vault: Vault, model: SiteModel, *, title: str, site_url: str,
                       include: Callable[[Note], bool],
                       page_url: Callable[[Note], str]) -> SiteExports:
    """Every download of the site, built from the published notes."""
    base = site_url.rstrip("/") + "/concepts/" if site_url else ""
    with paused_garbage_collection():  # many small objects, no cycles (see cli_exchange)
        glossary = collect_glossary(vault, model, title=title, base=base, include=include,
                                    url_of=page_url)
        out = SiteExports(glossary)
        for fmt in SITE_DOWNLOADS:
            if fmt.startswith("skos") and not base:
                continue
            name = f"{EXPORTS_DIR}/glossary.{EXPORT_FORMATS[fmt][0]}"
            out.files[name] = (fmt, export_bytes(glossary, fmt))
    out.notes = list(model.notes)
    if base:
        by_path = {n.path: n for n in model.notes}
        for concept in glossary.concepts:
            iri = concept_iri(base, concept.id)
            for term in concept.terms.values():
                note = by_path.get(term.path)
                if note is not None:
                    out.iris[id(note)] = iri
    return out


def with_same_as(json_ld: str, iri: str) -> str:
    """A term page's schema.org JSON-LD (as :func:`glosa.site.model.json_ld` writes it) with
    ``sameAs`` naming the concept's SKOS IRI; still safe inside ``<script>``."""
    data = json.loads(json_ld)
    data["sameAs"] = iri
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
