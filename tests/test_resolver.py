"""Link → target table over a fixture vault (tests/fixtures/resolver)."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest

from glosa import GlosaConfig, load_vault, resolve_link
from glosa.reading.model import LINK_MARKDOWN, LINK_WIKI
from glosa.reading.resolver import ResolutionStatus
from glosa.reading.wikilinks import parse_link, scan_body

from .conftest import FIXTURES

CASES: list[dict[str, Any]] = json.loads(
    (FIXTURES / "resolver" / "cases.json").read_text(encoding="utf-8"))
VAULT = load_vault(FIXTURES / "resolver" / "vault", GlosaConfig(profile="obsidian"))


def _nfc(path: str | None) -> str | None:
    return unicodedata.normalize("NFC", path) if path else path


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_resolve_link(case: dict[str, Any]) -> None:
    source = VAULT.index.note_at(case["source"])
    assert source is not None
    # Through the scanner, as a note's body is read: one link, of the kind written.
    links = scan_body(case["link"]).links
    assert len(links) == 1
    link = links[0]
    assert link.kind == (LINK_WIKI if case["link"].lstrip("!").startswith("[[")
                         else LINK_MARKDOWN)
    res = resolve_link(VAULT.index, link, source)
    assert res.status is ResolutionStatus(case["status"])
    found = res.note.path if res.note else (res.attachment.path if res.attachment else None)
    if case["status"] in ("broken", "outside"):
        assert found is None
    else:
        assert _nfc(found) == _nfc(case["path"])
    if case["anchor"] is not None:
        assert res.anchor == case["anchor"]


def test_ambiguous_lists_every_candidate() -> None:
    source = VAULT.index.note_at("es/Cliente (Marketing Digital) ⚫①.md")
    res = resolve_link(VAULT.index, parse_link("Duplicado", False, 1, 1), source)
    assert res.note is not None
    assert {res.note.path, *(n.path for n in res.candidates)} == {
        "a/Duplicado 🟡③.md", "b/Duplicado 🟡③.md"}


def test_broken_link_suggests_the_closest_title() -> None:
    source = VAULT.index.note_at("es/Cliente (Marketing Digital) ⚫①.md")
    res = resolve_link(VAULT.index, parse_link("Clientte (Marketing Digital)", False, 1, 1),
                       source)
    assert res.suggestions[0] == "Cliente (Marketing Digital) ⚫①"


def test_duplicate_heading_gets_a_unique_slug() -> None:
    note = VAULT.index.note_at("es/Cliente (Marketing Digital) ⚫①.md")
    assert note is not None
    assert [h.slug for h in note.headings] == [
        "cliente-marketing-digital-1", "definicion", "tipos-de-cliente", "definicion_1"]


@pytest.mark.parametrize("case", [c for c in CASES if "](" in c["link"]],
                         ids=[c["id"] for c in CASES if "](" in c["link"]])
def test_destination_resolves_like_the_scanned_link(case: dict[str, Any]) -> None:
    """NoteIndex.resolve_destination (the renderer's entry) agrees with the scanner."""
    source = VAULT.index.note_at(case["source"])
    link = scan_body(case["link"]).links[0]
    dest = case["link"].split("](", 1)[1][:-1].split(' "')[0]
    res = VAULT.index.resolve_destination(dest, source)
    assert res is not None
    assert res == resolve_link(VAULT.index, link, source)


def test_external_destination_is_not_resolved() -> None:
    assert VAULT.index.resolve_destination("https://example.org/a.md", None) is None


def test_suggestions_are_computed_once_per_distinct_target(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import glosa.reading.resolver

    calls: list[str] = []
    real = glosa.reading.resolver._closest

    def counted(query: str, choices: Any, limit: int = 3) -> tuple[str, ...]:
        calls.append(query)
        return real(query, choices, limit)

    monkeypatch.setattr(glosa.reading.resolver, "_closest", counted)
    index = load_vault(FIXTURES / "resolver" / "vault", GlosaConfig(profile="obsidian")).index
    results = {resolve_link(index, parse_link(target, False, 1, 1), note).suggestions
               for note in index.notes for target in ("Clientte", "Clientte", "Otro.png")}
    assert sorted(calls) == ["Clientte", "Otro.png"]
    assert len(results) == 2  # every note got the same two answers
