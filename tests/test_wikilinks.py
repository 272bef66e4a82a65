"""Scanning bodies: links with line and column, code is not scanned, headings and blocks."""

from __future__ import annotations

import pytest

from glosa.wikilinks import link_label, parse_link, scan_body


@pytest.mark.parametrize(
    ("inner", "target", "heading", "block", "label"),
    [
        ("Nota", "Nota", None, None, None),
        ("Nota|texto", "Nota", None, None, "texto"),
        ("Nota\\|texto", "Nota", None, None, "texto"),
        ("Nota#Sección", "Nota", "Sección", None, None),
        ("Nota#Sección|texto", "Nota", "Sección", None, "texto"),
        ("#Sección", "", "Sección", None, None),
        ("Nota#^bloque-1", "Nota", None, "bloque-1", None),
        ("carpeta/Nota ⚫①", "carpeta/Nota ⚫①", None, None, None),
        ("Nota#A#B", "Nota", "B", None, None),
    ],
)
def test_parse_link(inner: str, target: str, heading: str | None, block: str | None,
                    label: str | None) -> None:
    link = parse_link(inner, False, 1, 1)
    assert (link.target, link.heading, link.block, link.label) == (target, heading, block, label)


def test_positions_are_file_lines_and_columns() -> None:
    body = "# T\n\nUno [[A]] y ![[B|b]].\n| x | [[C\\|c]] |\n"
    scan = scan_body(body, first_line=10)
    assert [(link.target, link.line, link.column, link.embed) for link in scan.links] == [
        ("A", 12, 5, False), ("B", 12, 13, True), ("C", 13, 7, False)]
    start, end = scan.links[0].start, scan.links[0].end
    assert body[start:end] == "[[A]]"


def test_code_holds_no_links() -> None:
    body = (
        "Texto `[[NoEsEnlace]]` y ``doble `[[Tampoco]]` `` y [[Sí]].\n"
        "```markdown\n[[EnBloque]]\n```\n"
        "~~~~\n[[EnTilde]]\n~~~~\n"
        "    [[Sangrado]]\n"
        "Sin cerrar ` [[Vale]]\n"
    )
    targets = [link.target for link in scan_body(body).links]
    assert targets == ["Sí", "Sangrado", "Vale"]


def test_headings_and_block_ids() -> None:
    scan = scan_body("# Título ⚫①\n## Ejemplo **claro**\nFrase. ^id-1\n```\n## no\n```\n")
    assert [(h.level, h.text, h.slug) for h in scan.headings] == [
        (1, "Título ⚫①", "titulo-1"), (2, "Ejemplo claro", "ejemplo-claro")]
    assert scan.block_ids == {"id-1": 3}


@pytest.mark.parametrize(
    ("inner", "label"),
    [("Nota ⚫①", "Nota"), ("Nota|Texto", "Texto"), ("Nota 🔴②#Ejemplo", "Nota › Ejemplo"),
     ("#Ejemplo", "Ejemplo"), ("dir/Otra.md", "Otra")],
)
def test_readable_labels(inner: str, label: str) -> None:
    assert link_label(parse_link(inner, False, 1, 1)) == label
