"""glosa: publish a bilingual glossary from Obsidian-style Markdown notes, and check it."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Where each public name lives. Imported on first use (PEP 562): every `glosa.x.y` import
# runs this file first, and the command line answering `glosa check` from its cache must
# not load the parser, the resolver and the rules to reach glosa.cli.
_HOMES = {
    "check_vault": ".checking.checks",
    "Diagnostic": ".checking.diagnostics",
    "Severity": ".checking.diagnostics",
    "GlosaConfig": ".config",
    "Heading": ".reading.model",
    "Note": ".reading.model",
    "WikiLink": ".reading.model",
    "LinkResolution": ".reading.resolver",
    "NoteIndex": ".reading.resolver",
    "resolve_link": ".reading.resolver",
    "Vault": ".reading.vault",
    "load_vault": ".reading.vault",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'glosa' has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
