"""The glossary as data: export to TBX, SKOS, CSV and JSON, and import from TBX and CSV.

Every format goes through one intermediate form, :class:`~glosa.exchange.concepts.Glossary`
(concepts, each with a term per language), so export and import agree on what a concept is.
Nothing here imports MkDocs.
"""

from __future__ import annotations

from .concepts import Concept, EditorialStatus, Glossary, Term, collect_glossary

__all__ = ["Concept", "EditorialStatus", "Glossary", "Term", "collect_glossary"]
