"""The export writers by format name (see :mod:`glosa.exchange.formats`)."""

from __future__ import annotations

from collections.abc import Callable

from .concepts import Glossary
from .formats import EXPORT_FORMATS, SITE_DOWNLOADS
from .jsondoc import write_json
from .skos import write_jsonld, write_turtle
from .tabular import write_csv
from .tbx import write_tbx

__all__ = ["EXPORT_FORMATS", "SITE_DOWNLOADS", "WRITERS", "export_bytes"]


def _tbx3(glossary: Glossary) -> bytes:
    return write_tbx(glossary, edition=3)


def _tbx2(glossary: Glossary) -> bytes:
    return write_tbx(glossary, edition=2)


WRITERS: dict[str, Callable[[Glossary], bytes]] = {
    "tbx": _tbx3, "tbx-v2": _tbx2, "skos": write_turtle, "skos-jsonld": write_jsonld,
    "csv": write_csv, "json": write_json,
}
assert set(WRITERS) == set(EXPORT_FORMATS)


def export_bytes(glossary: Glossary, fmt: str) -> bytes:
    return WRITERS[fmt](glossary)
