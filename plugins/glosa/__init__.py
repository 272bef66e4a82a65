"""glosa: publish a bilingual glossary from Obsidian-style Markdown notes, and check it."""

from __future__ import annotations

from .checking.checks import check_vault
from .checking.diagnostics import Diagnostic, Severity
from .config import GlosaConfig
from .reading.model import Heading, Note, WikiLink
from .reading.resolver import LinkResolution, NoteIndex, resolve_link
from .reading.vault import Vault, load_vault

__version__ = "0.1.0"

__all__ = [
    "Diagnostic",
    "GlosaConfig",
    "Heading",
    "LinkResolution",
    "Note",
    "NoteIndex",
    "Severity",
    "Vault",
    "WikiLink",
    "check_vault",
    "load_vault",
    "resolve_link",
]
