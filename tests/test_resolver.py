"""Link → target table over a fixture vault (tests/fixtures/resolver)."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest

from glosa import GlosaConfig, load_vault, resolve_link
from glosa.resolver import ResolutionStatus
from glosa.wikilinks import WIKILINK_RE, parse_link

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
    match = WIKILINK_RE.search(case["link"])
    assert match is not None
    link = parse_link(match.group(2), bool(match.group(1)), 1, 1)
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
