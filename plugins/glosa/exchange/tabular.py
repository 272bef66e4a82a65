"""CSV: one row per concept, for spreadsheets and for Weblate's glossary upload.

The first columns are the ones Weblate's CSV format (translate-toolkit's) reads by name:
``source`` (the term in the first language), ``target`` (the term in the second),
``context`` (the concept id) and ``developer_comments`` (the definition in the first
language; Weblate shows it as the string's explanation). Then ``level``, ``parent`` (the
broader concept's id) and ``related`` (the ids of related concepts, one per line), and per
language ``L``: ``term:L``, ``aliases:L`` and ``tags:L`` (one
per line inside the cell), ``definition:L``, ``section:L``, ``subsection:L``, ``status:L``
(the editorial keys, ``iaStatus=…; iaStatus_Model=…; checked=…; supervisado=…``),
``created:L``, ``modified:L``.

RFC 4180: comma separated, CRLF record ends, fields quoted when they hold a comma, quote or
line end, UTF-8 (a byte-order mark is accepted on reading). A cell that would start with
``=``, ``+``, ``-``, ``@`` (which spreadsheets run as a formula) is written with a leading
``'``, which the import removes again.

On import, a file with only ``source``/``target`` columns (a plain Weblate glossary) is read
as the default language and the other language of the vault.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from .concepts import Concept, EditorialStatus, Glossary, Term
from .errors import ImportProblem

__all__ = ["csv_columns", "read_csv", "write_csv"]

_PER_LANGUAGE = ("term", "aliases", "definition", "tags", "section", "subsection", "status",
                 "created", "modified")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_columns(languages: Sequence[str]) -> list[str]:
    columns = ["source", "target", "context", "developer_comments", "level", "parent",
               "related"]
    for lang in languages:
        columns.extend(f"{name}:{lang}" for name in _PER_LANGUAGE)
    return columns


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _uncell(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:2] in _FORMULA_START and text[1:2] else text


def write_csv(glossary: Glossary) -> bytes:
    languages = glossary.languages
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_columns(languages))
    for concept in glossary.concepts:
        first = concept.terms.get(languages[0]) if languages else None
        second = concept.terms.get(languages[1]) if len(languages) > 1 else None
        row = [first.term if first else "", second.term if second else "", concept.id,
               first.definition if first else "",
               "" if concept.level is None else str(concept.level), concept.parent or "",
               "\n".join(concept.related)]
        for lang in languages:
            term = concept.terms.get(lang)
            if term is None:
                row.extend([""] * len(_PER_LANGUAGE))
                continue
            row.extend([term.term, "\n".join(term.aliases), term.definition,
                        "\n".join(term.tags), term.nav_primary, term.nav_secondary,
                        term.status.to_text(), term.created, term.modified])
        writer.writerow([_cell(value) for value in row])
    return out.getvalue().encode("utf-8")


def decode_text(data: bytes, where: str) -> tuple[str | None, list[ImportProblem]]:
    """UTF-8 text (a byte-order mark dropped), or a problem naming the line of the first bad
    byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [ImportProblem(where, 1, "the file is UTF-16; save it as UTF-8")]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        byte = data[exc.start:exc.start + 1].hex()
        return None, [ImportProblem(where, line, f"byte 0x{byte} is not UTF-8 (is the file "
                                                 "Windows-1252 or Latin-1?); save it as UTF-8")]


def read_csv(data: bytes, where: str, languages: Sequence[str]) -> tuple[Glossary,
                                                                          list[ImportProblem]]:
    """Concepts of a CSV file written by :func:`write_csv` (or a Weblate glossary)."""
    text, problems = decode_text(data, where)
    if text is None:
        return Glossary("", [], []), problems
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return Glossary("", [], []), [ImportProblem(where, reader.line_num or 1,
                                                    f"malformed CSV: {exc}")]
    if header is None:
        return Glossary("", [], []), [ImportProblem(where, 1, "the file is empty")]
    header = [name.strip() for name in header]
    file_langs = [name.split(":", 1)[1].lower() for name in header
                  if name.startswith("term:") and name.split(":", 1)[1]]
    plain = not file_langs
    if plain:
        if "source" not in header:
            return Glossary("", [], []), [ImportProblem(
                where, 1, "no 'term:LANG' columns and no 'source' column: not a glossary CSV")]
        file_langs = list(languages[:2])
    concepts: list[Concept] = []
    start = 2
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(ImportProblem(where, start, f"malformed CSV: {exc}"))
            break
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(ImportProblem(where, line, f"the row has {len(row)} fields, the "
                                                       f"header {len(header)}"))
            continue
        values = {name: _uncell(value) for name, value in zip(header, row, strict=True)}
        concept = _concept(values, file_langs, plain, where, line, problems)
        if concept is not None:
            concepts.append(concept)
    return Glossary("", file_langs, concepts), problems


def _lines(value: str) -> list[str]:
    return [part.strip() for part in value.splitlines() if part.strip()]


def _concept(values: dict[str, str], langs: list[str], plain: bool, where: str, line: int,
             problems: list[ImportProblem]) -> Concept | None:
    raw_level = values.get("level", "").strip()
    level: int | None = None
    if raw_level:
        if not (raw_level.isdigit() and 1 <= int(raw_level) <= 6):
            problems.append(ImportProblem(where, line, f"level must be 1 to 6, not "
                                                       f"{raw_level!r}"))
            return None
        level = int(raw_level)
    terms: dict[str, Term] = {}
    for position, lang in enumerate(langs):
        if plain:
            name = values.get("source" if position == 0 else "target", "").strip()
            definition = values.get("developer_comments", "") if position == 0 else ""
            if name:
                terms[lang] = Term(lang=lang, term=" ".join(name.split()), level=level,
                                   definition=" ".join(definition.split()))
            continue
        name = values.get(f"term:{lang}", "").strip()
        if not name:
            continue
        status_text = values.get(f"status:{lang}", "").strip()
        status = EditorialStatus()
        if status_text:
            try:
                status = EditorialStatus.from_text(status_text)
            except ValueError as exc:
                problems.append(ImportProblem(where, line, f"status:{lang}: {exc}"))
                return None
        terms[lang] = Term(
            lang=lang, term=" ".join(name.split()), level=level,
            aliases=_lines(values.get(f"aliases:{lang}", "")),
            definition=" ".join(values.get(f"definition:{lang}", "").split()),
            tags=_lines(values.get(f"tags:{lang}", "")),
            nav_primary=values.get(f"section:{lang}", "").strip(),
            nav_secondary=values.get(f"subsection:{lang}", "").strip(),
            status=status, created=values.get(f"created:{lang}", "").strip(),
            modified=values.get(f"modified:{lang}", "").strip())
    if not terms:
        problems.append(ImportProblem(where, line, "a row without any term"))
        return None
    return Concept(values.get("context", "").strip(), terms,
                   values.get("parent", "").strip() or None,
                   list(dict.fromkeys(_lines(values.get("related", "")))), line)
