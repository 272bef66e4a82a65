"""Scanning bodies: links with line and column, code is not scanned, headings and blocks."""

from __future__ import annotations

import time

import pytest

from glosa.reading.model import LINK_MARKDOWN, LINK_WIKI
from glosa.reading.wikilinks import link_label, parse_link, scan_body


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


@pytest.mark.parametrize(
    "body",
    [
        "Text %% [[Hidden]] %% and [[Shown]].",
        "%%\n[[Hidden]]\n[x](Hidden.md)\n%%\n[[Shown]]",
        "<!-- [[Hidden]] -->\n[[Shown]]",
        "<!--\n[[Hidden]]\n-->[[Shown]]",
        "`%%` is code, so [[Shown]] is a link",
        "> ```\n> [[Hidden]]\n> ```\n[[Shown]]",
        "- item\n  ```md\n  [[Hidden]] [y](Hidden.md)\n  ```\n[[Shown]]",
        "[[Shown]] and an open comment %% [[Hidden]] to the end\n[[Hidden]]",
    ],
)
def test_comments_and_fences_hold_no_links(body: str) -> None:
    assert [link.target for link in scan_body(body).links] == ["Shown"]


def test_comments_hold_no_headings_or_block_ids() -> None:
    scan = scan_body("%%\n# Hidden\nText ^hidden\n%%\n# Shown\nText ^shown\n")
    assert [h.text for h in scan.headings] == ["Shown"]
    assert scan.block_ids == {"shown": 6}


def test_heading_with_code_keeps_its_text() -> None:
    scan = scan_body("## The `move` command\n[[#The move command]]")
    assert [(h.text, h.slug) for h in scan.headings] == [
        ("The move command", "the-move-command")]


@pytest.mark.parametrize(
    ("line", "block"),
    [("Paragraph ending here. ^p-1", "p-1"), ("^own-line", "own-line"),
     ("![[image.png]]^after-embed", "after-embed"), ("- item ^li", "li"),
     ("> quoted ^q", "q")],
)
def test_block_ids(line: str, block: str) -> None:
    assert scan_body(f"Intro\n\n{line}\n").block_ids == {block: 3}


@pytest.mark.parametrize("line", ["word^notid", "`code ^x`", "^bad id", "a ^b c"])
def test_not_block_ids(line: str) -> None:
    assert scan_body(line).block_ids == {}


def test_markdown_links_have_positions_labels_and_kinds() -> None:
    body = "See [the note](Other%20note.md#Part%20two) and ![](img.png).\n[[Wiki]](x.md)"
    links = scan_body(body, first_line=5).links
    assert [(lk.kind, lk.target, lk.heading, lk.label, lk.embed, lk.line, lk.column)
            for lk in links] == [
        (LINK_MARKDOWN, "Other note.md", "Part two", "the note", False, 5, 5),
        (LINK_MARKDOWN, "img.png", None, None, True, 5, 48),
        (LINK_WIKI, "Wiki", None, None, False, 6, 1),
    ]
    assert all(body[lk.start:lk.end] == lk.raw for lk in links)


@pytest.mark.parametrize(
    ("text", "target"),
    [(r"[x](a\(1\).md)", "a(1).md"), ("[x](a(1).md)", "a(1).md"),
     ("[x](Caf&eacute;.md)", "Café.md"), ("[x]( <a b.md> )", "a b.md")],
)
def test_markdown_destinations_as_commonmark_reads_them(text: str, target: str) -> None:
    assert [link.target for link in scan_body(text).links] == [target]


@pytest.mark.parametrize(
    "text", ["[x](a b.md)", "[x](https://e.org/a.md)", "[x]()", "[x] (a.md)", "[x](#)"])
def test_not_markdown_links_into_the_vault(text: str) -> None:
    assert scan_body(text).links == []


def test_twenty_thousand_equal_headings_scan_in_linear_time() -> None:
    body = "## Same\n\ntext\n\n" * 20_000
    # CPU time, not wall time: the budget is for the work, whatever else the machine runs.
    start = time.process_time()
    scan = scan_body(body)
    elapsed = time.process_time() - start
    slugs = [h.slug for h in scan.headings]
    # Python-Markdown's own ids, so that links land where the site puts the anchors.
    assert slugs[:3] == ["same", "same_1", "same_2"] and slugs[-1] == "same_19999"
    assert len(set(slugs)) == 20_000
    assert elapsed < 2.0  # quadratic took over a minute


def test_twenty_thousand_links_on_one_line_scan_in_linear_time() -> None:
    start = time.process_time()
    links = scan_body("[[a]] [b](c.md) " * 20_000).links
    assert len(links) == 40_000 and links[-1].column == 16 * 19_999 + 7
    assert time.process_time() - start < 2.0


def test_reference_links_resolve_through_their_definitions() -> None:
    body = ("See [the note][n], [Other], ![pic][] and [undefined], [[Wiki]], [x](y.md).\n"
            "\n"
            "[n]: Note%20one.md#Part\n"
            "[OTHER]: <Other note.md> \"title\"\n"
            "[pic]: img.png\n"
            "[site]: https://example.org\n"
            "[^1]: a footnote, not a definition\n")
    links = scan_body(body).links
    assert [(lk.raw, lk.target, lk.heading, lk.embed, lk.kind) for lk in links] == [
        ("[the note][n]", "Note one.md", "Part", False, LINK_MARKDOWN),
        ("[Other]", "Other note.md", None, False, LINK_MARKDOWN),
        ("![pic][]", "img.png", None, True, LINK_MARKDOWN),
        ("[[Wiki]]", "Wiki", None, False, LINK_WIKI),
        ("[x](y.md)", "y.md", None, False, LINK_MARKDOWN),
    ]
