"""glosa mentions: unlinked mentions, matched without case or accents, whole words only."""

from __future__ import annotations

import json

from click.testing import CliRunner

from glosa.checking.mentions import find_mentions, fold
from glosa.cli.main import main
from glosa.reading.vault import load_vault

from .conftest import VaultFactory, seed_note
from .test_authoring import LEGEND_EN, VAULT


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def mentions_in(make_vault: VaultFactory, body: str, **extra: str) -> list[tuple[int, int, str,
                                                                                   str]]:
    files: dict[str, str | bytes] = dict(VAULT)
    files["es/Página de aterrizaje 🟡③.md"] = seed_note(
        "Página de aterrizaje 🟡③", parent="Cliente ⚫①", extra="aliases:\n  - landing\n")
    files["es/Marketing 🔴②.md"] = seed_note("Marketing 🔴②", parent="Cliente ⚫①")
    files["es/Marketing digital ⚫①.md"] = seed_note("Marketing digital ⚫①",
                                                    parent="Cliente ⚫①")
    files["es/Texto 🟢④.md"] = seed_note("Texto 🟢④", parent="Cliente ⚫①", body=body,
                                         **extra)
    vault = load_vault(make_vault(files))
    return [(m.line, m.column, m.text, m.target.stem) for m in find_mentions(vault)
            if m.path == "es/Texto 🟢④.md"]


BODY_LINE = 23  # the body's first line in a seed note with a parent line


def test_case_and_accents_are_folded_but_reported_as_written(
        make_vault: VaultFactory) -> None:
    found = mentions_in(make_vault, "Una PAGINA DE ATERRIZAJE y un cliente.")
    assert found == [
        (BODY_LINE, 5, "PAGINA DE ATERRIZAJE", "Página de aterrizaje 🟡③"),
        (BODY_LINE, 31, "cliente", "Cliente ⚫①"),
    ]


def test_whole_words_only(make_vault: VaultFactory) -> None:
    assert mentions_in(make_vault, "La clientela y los subclientes; marketingdigital.") == []


def test_longest_match_wins_and_aliases_count(make_vault: VaultFactory) -> None:
    found = mentions_in(make_vault, "El marketing  digital usa una landing.\nY marketing.")
    assert found == [
        (BODY_LINE, 4, "marketing  digital", "Marketing digital ⚫①"),
        (BODY_LINE, 31, "landing", "Página de aterrizaje 🟡③"),
        (BODY_LINE + 1, 3, "marketing", "Marketing 🔴②"),
    ]


def test_skips_code_links_headings_and_comments(make_vault: VaultFactory) -> None:
    body = "\n".join([
        "## Cliente en un título",
        "Ver [[Cliente ⚫①]] y [[Marketing 🔴②|el marketing]].",
        "Un `cliente` en código y [cliente](https://example.com/cliente).",
        "```",
        "cliente",
        "```",
        "<!-- cliente --> %% cliente %% #cliente https://cliente.example",
        "<span title=\"cliente\">texto</span>",
        "Por fin, un cliente.",
    ])
    assert mentions_in(make_vault, body) == [(BODY_LINE + 8, 13, "cliente", "Cliente ⚫①")]


def test_own_title_and_aliases_are_skipped(make_vault: VaultFactory) -> None:
    found = mentions_in(make_vault, "Este texto trata de textos y de un escrito.",
                        extra="aliases:\n  - escrito\n")
    assert found == []


def test_frontmatter_is_not_scanned(make_vault: VaultFactory) -> None:
    found = mentions_in(make_vault, "Nada.", extra="description: un cliente\n")
    assert found == []


def test_other_languages_are_not_suggested(make_vault: VaultFactory) -> None:
    files: dict[str, str | bytes] = dict(VAULT)
    files["en/Customer ⚫①.md"] = seed_note("Customer ⚫①", lang="EN", parent="Index ⚫①",
                                            legend=LEGEND_EN,
                                            body="A customer, not a cliente; see the Index.")
    vault = load_vault(make_vault(files))
    found = [(m.path, m.text, m.target.stem) for m in find_mentions(vault)
             if m.path.startswith("en/")]
    assert found == [("en/Customer ⚫①.md", "Index", "Index ⚫①")]


def test_cli_text_and_json(make_vault: VaultFactory) -> None:
    files: dict[str, str | bytes] = dict(VAULT)
    files["es/Nota 🟡③.md"] = seed_note("Nota 🟡③", parent="Cliente ⚫①",
                                        body="Cada cliente cuenta. Otro Cliente.")
    root = make_vault(files)
    code, output = invoke("mentions", str(root))
    assert code == 0, output
    lines = output.splitlines()
    assert ("es/Nota 🟡③.md:23:6: 'cliente' could link to es/Cliente ⚫①.md: "
            "[[Cliente ⚫①|cliente]]") in lines
    assert lines[-1] == "2 unlinked mentions in 1 note"
    code, output = invoke("mentions", str(root), "--format", "json")
    assert code == 0
    data = json.loads(output)
    assert data[1] == {
        "path": "es/Nota 🟡③.md", "line": 23, "column": 27, "text": "Cliente",
        "target": "Cliente ⚫①", "target_path": "es/Cliente ⚫①.md", "matched": "Cliente",
        "link": "[[Cliente ⚫①|Cliente]]", "others": [],
    }


def test_first_only(make_vault: VaultFactory) -> None:
    files: dict[str, str | bytes] = dict(VAULT)
    files["es/Nota 🟡③.md"] = seed_note("Nota 🟡③", parent="Cliente ⚫①",
                                        body="Cada cliente cuenta. Otro Cliente. Un índice.")
    root = make_vault(files)
    code, output = invoke("mentions", str(root), "--first-only")
    assert code == 0, output
    # Cliente is already the parent link; Índice is mentioned once.
    assert output.splitlines() == [
        "es/Nota 🟡③.md:23:39: 'índice' could link to Índice ⚫①.md: [[Índice ⚫①|índice]]",
        "1 unlinked mention in 1 note",
    ]


def test_fold() -> None:
    assert fold("  Página  de\u00a0Aterrizaje ") == "pagina de aterrizaje"
    assert fold("Straße") == "strasse"
