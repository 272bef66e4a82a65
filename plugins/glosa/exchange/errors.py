"""Problems found while reading a file to import: each names the file and the line."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ImportProblem"]


@dataclass(frozen=True)
class ImportProblem:
    path: str
    #: 1-based line of the file (of the XML element, or of the CSV record's first line).
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"
