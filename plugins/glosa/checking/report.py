"""Diagnostics as text, JSON, GitHub Actions annotations and SARIF 2.1.0."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from .diagnostics import RULES, Diagnostic, Severity

__all__ = ["FORMATS", "render"]

FORMATS = ("text", "json", "github", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


# Every control character, line ends included (a newline from a frontmatter value would
# start a line of its own: a forged summary, or a workflow command in GitHub Actions), and
# the Unicode line and paragraph separators and bidirectional controls.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e"
                      "\u2066-\u2069]")


def _printable(text: str) -> str:
    """Control characters from notes shown as escapes: never sent to a terminal as is."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


def _text(diagnostics: Sequence[Diagnostic], color: bool) -> str:
    lines = []
    for d in diagnostics:
        colour = "red" if d.severity is Severity.ERROR else "yellow"
        severity = d.severity.value
        if color:
            severity = click.style(severity, fg=colour, bold=True)
        place = _printable(f"{d.path}:{d.line}:{d.column}")
        location = click.style(place, bold=True) if color else place
        line = f"{location}: {severity} {_printable(d.rule)}: {_printable(d.message)}"
        if d.suggestion:
            hint = click.style("hint", fg="cyan") if color else "hint"
            line += f"\n    {hint}: {_printable(d.suggestion)}"
        lines.append(line)
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
    lines.append(f"{errors} error{'s' * (errors != 1)}, "
                 f"{warnings} warning{'s' * (warnings != 1)}")
    return "\n".join(lines)


def _github_escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _github(diagnostics: Sequence[Diagnostic], vault: Path) -> str:
    lines = []
    for d in diagnostics:
        command = "error" if d.severity is Severity.ERROR else "warning"
        file = _github_escape(_printable((vault / d.path).as_posix()), True)
        message = _printable(d.message + (f" ({d.suggestion})" if d.suggestion else ""))
        lines.append(f"::{command} file={file},line={d.line},col={d.column},"
                     f"title={_github_escape(d.rule, True)}::{_github_escape(message)}")
    return "\n".join(lines)


def _sarif(diagnostics: Sequence[Diagnostic], vault: Path, version: str) -> dict[str, Any]:
    used = sorted({d.rule for d in diagnostics})
    rule_index = {rule_id: i for i, rule_id in enumerate(used)}
    results = []
    for d in diagnostics:
        message = d.message + (f" ({d.suggestion})" if d.suggestion else "")
        results.append({
            "ruleId": d.rule,
            "ruleIndex": rule_index[d.rule],
            "level": "error" if d.severity is Severity.ERROR else "warning",
            "message": {"text": message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(d.path), "uriBaseId": "VAULT"},
                    "region": {"startLine": max(d.line, 1), "startColumn": max(d.column, 1)},
                },
            }],
        })
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "glosa",
                "version": version,
                "informationUri": "https://pypi.org/project/glosa/",
                "rules": [{
                    "id": rule_id,
                    "shortDescription": {"text": RULES[rule_id].summary},
                    "defaultConfiguration": {
                        "level": "error" if RULES[rule_id].default is Severity.ERROR
                        else "warning",
                    },
                } for rule_id in used],
            }},
            "originalUriBaseIds": {"VAULT": {"uri": vault.resolve().as_uri() + "/"}},
            "results": results,
        }],
    }


def _uri(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


def render(diagnostics: Sequence[Diagnostic], fmt: str, vault: Path, *, color: bool = False,
           version: str = "0") -> str:
    """The diagnostics in one of :data:`FORMATS`."""
    if fmt == "text":
        return _text(diagnostics, color)
    if fmt == "json":
        return json.dumps([d.to_dict() for d in diagnostics], ensure_ascii=False, indent=2)
    if fmt == "github":
        return _github(diagnostics, vault)
    if fmt == "sarif":
        return json.dumps(_sarif(diagnostics, vault, version), ensure_ascii=False, indent=2)
    raise ValueError(f"unknown format {fmt!r}")
