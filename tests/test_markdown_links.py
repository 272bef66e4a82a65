"""Markdown links and images: destinations parsed into the form wiki-links use."""

from __future__ import annotations

import pytest

from glosa.reading.wikilinks import LinkTarget, parse_markdown_destination


@pytest.mark.parametrize(
    ("dest", "expected"),
    [
        ("Note.md", LinkTarget("Note.md")),
        ("Note", LinkTarget("Note")),
        ("Note%20name.md", LinkTarget("Note name.md")),
        ("<Note name.md>", LinkTarget("Note name.md")),
        ("Folder/Note%20name.md#Heading%20text", LinkTarget("Folder/Note name.md",
                                                             "Heading text")),
        ("Note.md#^block-1", LinkTarget("Note.md", None, "block-1")),
        ("#Heading%20here", LinkTarget("", "Heading here")),
        ("#^id", LinkTarget("", None, "id")),
        ("Note.md#A#B", LinkTarget("Note.md", "B")),
        ("../up/Imagen%20%C3%BAnica.png", LinkTarget("../up/Imagen única.png")),
        ("/abs/file.pdf", LinkTarget("/abs/file.pdf")),
        ("Hash%23in%20name.md", LinkTarget("Hash#in name.md")),
        ("Board.canvas", LinkTarget("Board.canvas")),
        ("100%.md", LinkTarget("100%.md")),
    ],
)
def test_vault_destinations(dest: str, expected: LinkTarget) -> None:
    assert parse_markdown_destination(dest) == expected


@pytest.mark.parametrize(
    "dest",
    ["https://obsidian.md", "http://x/y.md", "mailto:a@b.c", "//host/x.png",
     "obsidian://open?vault=v&file=Note", "javascript:alert(1)", "data:text/html,x",
     "ftp://x", "tel:+34", "", "  ", "<>", "#"],
)
def test_external_or_empty_destinations_are_not_vault_links(dest: str) -> None:
    assert parse_markdown_destination(dest) is None
