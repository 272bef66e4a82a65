"""glosa translations: concepts, missing languages, stale and broken translations."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from glosa.checking.translation_status import translation_report
from glosa.cli.main import main
from glosa.reading.vault import load_vault

from .conftest import VaultFactory, seed_note
from .test_authoring import LEGEND_EN, VAULT

OLD = "2024-05-06T16:54:16.647Z"
NEW = "2024-06-01T10:00:00.000Z"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def en(title: str, **kwargs: str) -> str:
    kwargs.setdefault("parent", "Index ⚫①")
    return seed_note(title, lang="EN", legend=LEGEND_EN, **kwargs)


def test_complete_vault_is_all_ok(make_vault: VaultFactory) -> None:
    files = dict(VAULT)
    files["es/Cliente ⚫①.md"] = seed_note("Cliente ⚫①", translations='"[[Customer ⚫①]]"')
    files["en/Customer ⚫①.md"] = en("Customer ⚫①", translations='"[[Cliente ⚫①]]"')
    code, output = invoke("translations", str(make_vault(files)), "--fail-on",
                          "missing,stale,broken,pending")
    assert code == 0, output
    lines = output.splitlines()
    assert "es/Cliente ⚫①.md [EN ES*] ok" in lines
    assert lines[-1] == ("3 concepts (ES* = source): 3 complete, 0 missing a language, "
                         "0 stale, 0 with broken links, 0 pending")


def test_missing_language(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)  # es/Cliente has no translation
    code, output = invoke("translations", str(root))
    assert code == 0  # reporting alone never fails
    assert "es/Cliente ⚫①.md [ES*] missing\n  missing: EN\n" in output
    code, _ = invoke("translations", str(root), "--fail-on", "missing")
    assert code == 1
    code, _ = invoke("translations", str(root), "--fail-on", "stale")
    assert code == 0


@pytest.mark.parametrize(("es_meta", "reason"), [
    ({"modified": NEW}, "the source was modified on 2024-06-01T10:00:00.000Z, after this "
                        f"translation ({OLD})"),
    ({"extra": ""}, "the source is at version 0.5.0, this translation at 0.4.1"),
])
def test_stale_translation(make_vault: VaultFactory, es_meta: dict[str, str],
                           reason: str) -> None:
    files = dict(VAULT)
    source = seed_note("Cliente ⚫①", translations='"[[Customer ⚫①]]"', **es_meta)
    if "extra" in es_meta:
        source = source.replace("ver_minor: 4\nver_rev: 1", "ver_minor: 5\nver_rev: 0")
    files["es/Cliente ⚫①.md"] = source
    files["en/Customer ⚫①.md"] = en("Customer ⚫①", translations='"[[Cliente ⚫①]]"')
    root = make_vault(files)
    code, output = invoke("translations", str(root), "--fail-on", "stale")
    assert code == 1
    assert f"  stale: en/Customer ⚫①.md: {reason}" in output.splitlines()


def test_newer_translation_is_not_stale(make_vault: VaultFactory) -> None:
    files = dict(VAULT)
    files["es/Cliente ⚫①.md"] = seed_note("Cliente ⚫①", translations='"[[Customer ⚫①]]"')
    files["en/Customer ⚫①.md"] = en("Customer ⚫①", translations='"[[Cliente ⚫①]]"',
                                     modified=NEW)
    assert invoke("translations", str(make_vault(files)), "--fail-on", "stale")[0] == 0


def test_broken_reciprocity_and_unresolved_links(make_vault: VaultFactory) -> None:
    files = dict(VAULT)
    files["es/Cliente ⚫①.md"] = seed_note("Cliente ⚫①", translations='"[[Customer ⚫①]]"')
    files["en/Customer ⚫①.md"] = en("Customer ⚫①")  # does not link back
    files["es/Roto 🟡③.md"] = seed_note("Roto 🟡③", translations='"[[Nadie]]"')
    root = make_vault(files)
    code, output = invoke("translations", str(root), "--fail-on", "broken")
    assert code == 1
    lines = output.splitlines()
    assert ("  broken: es/Cliente ⚫①.md:7: en/Customer ⚫①.md does not list this note in "
            "its translations") in lines
    assert "  broken: es/Roto 🟡③.md:7: translation [[Nadie]] resolves to no note" in lines
    report = translation_report(load_vault(root))
    concept = next(c for c in report.concepts if c.source.stem == "Cliente ⚫①")
    assert [n.path for n in concept.notes] == ["es/Cliente ⚫①.md", "en/Customer ⚫①.md"]
    assert [b.problem for b in concept.broken] == ["not-reciprocal"]


def test_same_language_translation_is_broken(make_vault: VaultFactory) -> None:
    files = dict(VAULT)
    files["es/Cliente ⚫①.md"] = seed_note("Cliente ⚫①", translations='"[[Índice ⚫①]]"')
    report = translation_report(load_vault(make_vault(files)))
    concept = next(c for c in report.concepts if c.source.stem == "Cliente ⚫①")
    assert [b.problem for b in concept.broken] == ["same-language"]


def test_pending_translation_and_json(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    code, output = invoke("translate", "Cliente", "--to", "en", "--title", "Customer",
                          "--vault", str(root))
    assert code == 0, output
    code, output = invoke("translations", str(root), "--format", "json", "--fail-on",
                          "pending")
    assert code == 1
    data = json.loads(output)
    assert data["languages"] == ["es", "en"] and data["source_language"] == "es"
    concept = next(c for c in data["concepts"] if c["source"] == "es/Cliente ⚫①.md")
    assert concept["pending"] == ["en/Customer ⚫①.md"]
    assert concept["missing"] == [] and concept["stale"] == [] and concept["broken"] == []
    assert concept["notes"][1] == {
        "lang": "en", "path": "en/Customer ⚫①.md", "title": "Customer ⚫①",
        "version": "0.4.1", "modified": concept["notes"][1]["modified"],
    }
    assert data["summary"] == {"concepts": 3, "complete": 2, "missing": 0, "stale": 0,
                               "broken": 0, "pending": 1}


def test_source_language_option(make_vault: VaultFactory) -> None:
    files = dict(VAULT)
    files["es/Cliente ⚫①.md"] = seed_note("Cliente ⚫①", translations='"[[Customer ⚫①]]"',
                                          modified=NEW)
    files["en/Customer ⚫①.md"] = en("Customer ⚫①", translations='"[[Cliente ⚫①]]"')
    root = make_vault(files)
    assert invoke("translations", str(root), "--fail-on", "stale")[0] == 1
    code, output = invoke("translations", str(root), "--fail-on", "stale",
                          "--source-lang", "en")
    assert code == 0, output
    assert "en/Customer ⚫①.md [EN* ES] ok" in output


def test_only_problems(make_vault: VaultFactory) -> None:
    code, output = invoke("translations", str(make_vault(VAULT)), "--only-problems")
    assert code == 0
    assert output.splitlines()[:2] == ["es/Cliente ⚫①.md [ES*] missing", "  missing: EN"]
    assert "Índice" not in output


def test_usage_errors(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    code, output = invoke("translations", str(root), "--fail-on", "missing,late")
    assert code == 2 and "unknown condition(s) late" in output
    code, output = invoke("translations", str(root), "--source-lang", "fr")
    assert code == 2
    code, output = invoke("translations", str(root / "nope"))
    assert code == 2
