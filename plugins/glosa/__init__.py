"""glosa: publish a bilingual glossary from Obsidian-style Markdown notes, and check it."""

from __future__ import annotations

from .checks import check_vault
from .config import GlosaConfig
from .diagnostics import Diagnostic, Severity
from .model import Heading, Note, WikiLink
from .resolver import LinkResolution, NoteIndex, resolve_link
from .vault import Vault, load_vault

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
