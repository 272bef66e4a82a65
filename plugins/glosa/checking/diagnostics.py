"""Diagnostics: the one type every check reports, and the catalogue of rules."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any

__all__ = ["RULES", "Diagnostic", "Rule", "Severity"]


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    default: Severity
    #: Rules that only make sense for the seed note format; the ``obsidian`` profile turns them off.
    seed_only: bool
    summary: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a vault.

    ``path`` is relative to the vault, with forward slashes; ``line`` and ``column`` are
    1-based (column counts characters, not bytes).
    """

    rule: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule)


def _rules(*rows: tuple[str, Severity, bool, str]) -> dict[str, Rule]:
    return {row[0]: Rule(*row) for row in rows}


E, W = Severity.ERROR, Severity.WARNING

#: Every rule glosa knows, by stable id. Severities can be changed per vault.
RULES: dict[str, Rule] = _rules(
    # reading files
    ("note-unreadable", E, False, "the file cannot be read"),
    ("symlink-outside-vault", W, False, "a symbolic link to a file outside the vault (not read)"),
    ("encoding-invalid-utf8", E, False, "bytes that are not valid UTF-8"),
    ("encoding-double", E, False, "text encoded twice (UTF-8 read as Windows-1252)"),
    ("encoding-bom", W, False, "a UTF-8 byte-order mark at the start of the file"),
    ("encoding-crlf", W, False, "Windows (CRLF) line ends"),
    # frontmatter syntax
    ("frontmatter-invalid", E, False, "frontmatter that is not a valid YAML mapping"),
    ("frontmatter-duplicate-key", E, False, "a key written twice in the frontmatter"),
    ("frontmatter-missing", E, True, "no frontmatter block"),
    # metadata schema
    ("meta-key-missing", E, True, "a key of the note format is absent"),
    ("meta-type", E, False, "a value of the wrong type"),
    ("meta-checked-value", E, True, "`checked` is not 0 or 1"),
    ("meta-lang-unknown", E, False, "`lang` is not a configured language"),
    ("meta-date-format", E, True, "a date that is not ISO 8601"),
    ("meta-date-order", E, True, "`modified` is earlier than `created`"),
    ("meta-version-negative", E, True, "a negative version part"),
    # titles and levels
    ("title-h1-missing", E, True, "the note has no H1"),
    ("title-mismatch", E, True, "the H1 differs from the file name's title"),
    ("level-marker-missing", E, True, "the title has no level marker"),
    ("level-marker-invalid", E, True, "a level marker whose colour and digit disagree"),
    ("level-marker-mismatch", E, True, "file name and H1 carry different level markers"),
    ("parent-missing", E, True, "no parent link on the first line after the H1"),
    ("legend-missing", W, True, "no legend line at the end of the note"),
    # Obsidian allows equal names in different folders; only a link that hits the
    # ambiguity is a problem there (link-ambiguous).
    ("name-duplicate", W, True, "two notes of one language with the same title"),
    # translations
    ("translation-broken", E, True, "a translation link that resolves to no note"),
    ("translation-same-language", E, True, "a translation in the note's own language"),
    ("translation-not-reciprocal", E, True, "the translation does not link back"),
    # links
    ("link-broken", E, False, "a link or embed that resolves to nothing"),
    ("link-ambiguous", W, False, "a link that matches several notes"),
    ("link-heading-missing", E, False, "a link to a heading the target does not have"),
    ("link-block-missing", E, False, "a link to a block id the target does not have"),
    ("link-outside-vault", E, False, "a link that leaves the vault"),
    ("link-unsafe-url", E, False, "a link with a script or data URL"),
    ("link-unpublished", W, False, "a link to a note the site does not publish"),
    ("embed-cycle", E, False, "notes that embed each other"),
)
