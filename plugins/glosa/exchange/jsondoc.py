"""JSON: the glossary in glosa's own versioned document, described by
``glossary.schema.json`` (shipped in the package; :func:`json_schema` loads it).

:func:`read_json` reads such a document back for ``glosa import``. It checks by hand the
fields it takes (the JSON Schema validator, jsonschema, is a test dependency only), so that
each problem names the concept's line in the file; ``iri``, ``abbreviations``, ``path`` and
``url`` are derived on export and ignored on reading.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

from .. import __version__
from .concepts import Concept, EditorialStatus, Glossary, Term, concept_iri
from .errors import ImportProblem
from .tabular import decode_text

__all__ = ["JSON_FORMAT_VERSION", "glossary_document", "json_schema", "read_json",
           "write_json"]

JSON_FORMAT_VERSION = 1


def json_schema() -> dict[str, Any]:
    text = (resources.files("glosa.exchange") / "glossary.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def glossary_document(glossary: Glossary) -> dict[str, Any]:
    base = glossary.base or None
    return {
        "format": "glosa-glossary",
        "version": JSON_FORMAT_VERSION,
        "generator": f"glosa {__version__}",
        "title": glossary.title,
        "languages": list(glossary.languages),
        "base": base,
        "concepts": [
            {
                "id": c.id,
                "iri": concept_iri(base, c.id) if base else None,
                "level": c.level,
                "parent": c.parent,
                "related": list(c.related),
                "subject": c.subject,
                "terms": {
                    lang: {
                        "term": t.term, "aliases": list(t.aliases),
                        "abbreviations": t.abbreviations, "definition": t.definition,
                        "tags": list(t.tags), "nav_primary": t.nav_primary,
                        "nav_secondary": t.nav_secondary, "status": t.status.to_dict(),
                        "created": t.created, "modified": t.modified, "version": t.version,
                        "path": t.path, "url": t.url,
                    }
                    for lang, t in c.terms.items()
                },
            }
            for c in glossary.concepts
        ],
    }


# One encoder for every concept: ``json.dumps`` with an option makes a new one each call.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def write_json(glossary: Glossary) -> bytes:
    """The document with one concept a line (json's C encoder, which an ``indent`` turns
    off, is four times faster on a large glossary)."""
    document = glossary_document(glossary)
    concepts = document.pop("concepts")
    head = json.dumps(document, ensure_ascii=False)[:-1]
    encode = _ENCODER.encode
    lines = ",\n".join(map(encode, concepts))
    return f'{head}, "concepts": [\n{lines}\n]}}\n'.encode()


_SPACE = re.compile(r"[ \t\n\r]*")


def _concept_lines(text: str) -> list[int]:
    """The 1-based line of each element of the top-level ``concepts`` array (``text`` is
    known to be valid JSON): the top level is walked here, each value skipped with json's
    own scanner."""
    decoder = json.JSONDecoder()
    lines: list[int] = []
    counted, line = 0, 1

    def line_at(position: int) -> int:
        nonlocal counted, line
        line += text.count("\n", counted, position)
        counted = position
        return line

    def skip(position: int) -> int:
        match = _SPACE.match(text, position)
        return match.end() if match else position

    position = skip(0)
    if text[position:position + 1] != "{":
        return lines
    position += 1
    while True:
        position = skip(position)
        if text[position] == "}":
            return lines
        key, position = decoder.raw_decode(text, position)
        position = skip(skip(position) + 1)  # past the colon
        if key == "concepts" and text[position] == "[":
            position += 1
            while True:
                position = skip(position)
                if text[position] == "]":
                    return lines
                lines.append(line_at(position))
                _, position = decoder.raw_decode(text, position)
                position = skip(position)
                if text[position] == ",":
                    position += 1
        _, position = decoder.raw_decode(text, position)
        position = skip(position)
        if text[position] == ",":
            position += 1


class _Refused(ValueError):
    """A field of a concept is not what the schema says."""


def _string(value: Any, where: str, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise _Refused(f"{where} must be a string, not {type(value).__name__}")
    return value


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Refused(f"{where} must be a list of strings")
    return [" ".join(v.split()) for v in value if v.strip()]


def _whole(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Refused(f"{where} must be a whole number or null")
    return value


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Refused(f"{where} must be an object")
    return value


def _read_term(lang: str, data: Any, level: int | None) -> Term:
    at = f"terms.{lang}"
    item = _object(data, at)
    status = _object(item.get("status") or {}, f"{at}.status")
    name = " ".join(_string(item.get("term"), f"{at}.term", required=True).split())
    if not name:
        raise _Refused(f"{at}.term is empty")
    return Term(
        lang=lang, term=name, level=level, aliases=_strings(item.get("aliases"), f"{at}.aliases"),
        definition=" ".join(_string(item.get("definition"), f"{at}.definition").split()),
        tags=_strings(item.get("tags"), f"{at}.tags"),
        nav_primary=_string(item.get("nav_primary"), f"{at}.nav_primary").strip(),
        nav_secondary=_string(item.get("nav_secondary"), f"{at}.nav_secondary").strip(),
        status=EditorialStatus(
            _whole(status.get("iaStatus"), f"{at}.status.iaStatus"),
            _string(status.get("iaStatus_Model"), f"{at}.status.iaStatus_Model").strip(),
            _whole(status.get("checked"), f"{at}.status.checked"),
            _string(status.get("supervisado"), f"{at}.status.supervisado").strip()),
        created=_string(item.get("created"), f"{at}.created").strip(),
        modified=_string(item.get("modified"), f"{at}.modified").strip(),
        version=_string(item.get("version"), f"{at}.version").strip())


def _read_concept(data: Any) -> Concept:
    item = _object(data, "a concept")
    concept_id = _string(item.get("id"), "id", required=True).strip()
    level = _whole(item.get("level"), "level")
    if level is not None and not 1 <= level <= 6:
        raise _Refused(f"level must be 1 to 6, not {level}")
    parent = _string(item.get("parent"), "parent").strip() or None
    related = list(dict.fromkeys(_strings(item.get("related"), "related")))
    terms_data = _object(item.get("terms"), "terms")
    terms: dict[str, Term] = {}
    for lang, term in terms_data.items():
        code = lang.strip().lower()
        if code in terms:
            raise _Refused(f"terms has language '{code}' twice")
        terms[code] = _read_term(code, term, level)
    if not terms:
        raise _Refused("a concept without any term")
    subject = _string(item.get("subject"), "subject").strip()
    first = next(iter(terms.values()))
    if subject and not first.nav_primary:
        first.nav_primary = subject
    return Concept(concept_id, terms, parent, related)


def read_json(data: bytes, where: str) -> tuple[Glossary, list[ImportProblem]]:
    """Concepts of a document :func:`write_json` wrote (format ``glosa-glossary``,
    version 1); problems carry the line (of the concept, or of a syntax error)."""
    text, problems = decode_text(data, where)
    if text is None:
        return Glossary("", [], []), problems
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        return Glossary("", [], []), [ImportProblem(
            where, exc.lineno, f"column {exc.colno}: not valid JSON: {exc.msg}")]
    if not isinstance(document, dict) or document.get("format") != "glosa-glossary":
        return Glossary("", [], []), [ImportProblem(
            where, 1, "not a glosa glossary (no \"format\": \"glosa-glossary\"); export one "
                      "with glosa export --format json")]
    version = document.get("version")
    if version != JSON_FORMAT_VERSION:
        return Glossary("", [], []), [ImportProblem(
            where, 1, f"version {version!r} of the glossary format is not read by this glosa "
                      f"(it reads version {JSON_FORMAT_VERSION})")]
    items = document.get("concepts")
    if not isinstance(items, list):
        return Glossary("", [], []), [ImportProblem(where, 1, "\"concepts\" must be a list")]
    lines = _concept_lines(text)
    concepts: list[Concept] = []
    for number, item in enumerate(items):
        line = lines[number] if number < len(lines) else 1
        try:
            concept = _read_concept(item)
        except _Refused as exc:
            name = item.get("id") if isinstance(item, dict) else None
            label = f"concept {number + 1}" + (f" ('{name}')" if isinstance(name, str) else "")
            problems.append(ImportProblem(where, line, f"{label}: {exc}"))
            continue
        concept.line = line
        concepts.append(concept)
    if not items:
        problems.append(ImportProblem(where, 1, "the glossary has no concepts"))
    languages = [lang for lang in document.get("languages") or [] if isinstance(lang, str)]
    title = document.get("title")
    return Glossary(title if isinstance(title, str) else "", languages, concepts), problems
