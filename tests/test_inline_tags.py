"""Inline ``#tags`` collected from a note's body when the vault is read (so that their tag
pages exist before any page is rendered), by Obsidian's rules."""

from __future__ import annotations

import pytest

from glosa.reading.tags import inline_tags, tags_with_parents, with_folded_keys
from glosa.reading.wikilinks import scan_body


@pytest.mark.parametrize(("body", "tags"), [
    ("A #meeting note", ["meeting"]),
    ("#start of a line and #nested/tag/deep", ["start", "nested/tag/deep"]),
    ("- item #inlist\n> quote #inquote", ["inlist", "inquote"]),
    ("## Heading #inheading", ["inheading"]),
    ("# Heading only\n###### Six", []),
    ("#1984 and #2024/10 are numbers; #y1984 is not", ["y1984"]),
    ("a#b https://x.org/#frag [x](#anchor) [[Note#Heading]] \\#escaped", []),
    ("#trailing/ slash and #a, #b. (#c)", ["trailing", "a", "b"]),
    ("#dup and #dup again", ["dup"]),
    ("#número #日本語 #emoji🎉", ["número", "日本語", "emoji🎉"]),
])
def test_inline_tags(body: str, tags: list[str]) -> None:
    assert scan_body(body).tags == tags


@pytest.mark.parametrize(("body", "tags"), [
    ("`#span` and\n```\n#fence\n```\n~~~\n#tilde\n~~~\n", []),
    ("%% #comment %%\n<!-- #html -->\n%%\n#multi\n%%\n", []),
    ("para\n\n    #indented code\n    #more", []),
    ("\t#tab code", []),
    ("- item\n\n    #continuation of the item", ["continuation"]),
    ("text\n    #lazy continuation", ["lazy"]),
    ("> ```\n> #in a quoted fence\n> ```\n#after", ["after"]),
])
def test_no_tags_in_code_or_comments(body: str, tags: list[str]) -> None:
    assert scan_body(body).tags == tags


def test_inline_tags_of_masked_text_directly() -> None:
    assert inline_tags("   ") == []
    assert inline_tags("#a\n#b") == ["a", "b"]


def test_nested_tags_and_cases_merge_like_obsidian() -> None:
    listing = dict(tags_with_parents([("Movies/Drama", []), ("movies", []),
                                      ("movies/drama/old", [])]))
    # One `Movies` and one `Movies/Drama` (each named as first met), and the deeper tag.
    assert sorted(listing) == ["Movies", "Movies/Drama", "movies/drama/old"]


def test_folded_slug_keys_find_the_page_of_another_case() -> None:
    slugs = with_folded_keys({"Reading": "reading", "a/B": "a/b"})
    assert slugs["reading"] == "reading" and slugs["a/b"] == "a/b"
    assert slugs["Reading"] == "reading"
