"""glosa translate: the new counterpart, and a source rewritten on its translations line only."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from glosa.cli.main import main
from glosa.editing.authoring import AuthoringError, plan_translation
from glosa.reading.parser import load_frontmatter
from glosa.reading.vault import load_vault

from .conftest import VaultFactory, seed_note
from .test_authoring import LEGEND_EN, VAULT


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def only_changed_lines(before: bytes, after: bytes) -> list[tuple[bytes, bytes]]:
    """Changed lines of a rewrite that replaced lines one for one (else fail)."""
    old, new = before.split(b"\n"), after.split(b"\n")
    assert len(old) == len(new), (before, after)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def meta_of(path: Path) -> dict[str, object]:
    return load_frontmatter(path.read_text("utf-8").split("---\n")[1])[0]


def test_translate_creates_the_counterpart_and_links_both(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    source = root / "es" / "Cliente ⚫①.md"
    before = source.read_bytes()
    code, output = invoke("translate", str(source), "--to", "en", "--title", "Customer",
                          "--vault", str(root))
    assert code == 0, output
    new = root / "en" / "Customer ⚫①.md"  # beside the parent's translation
    assert output.splitlines() == [f"created {new}",
                                   f"updated the translations of {source}"]
    assert only_changed_lines(before, source.read_bytes()) == [
        (b"translations: ", b'translations: "[[Customer \xe2\x9a\xab\xe2\x91\xa0]]"'),
    ]
    text = new.read_text("utf-8")
    meta = meta_of(new)
    assert meta["lang"] == "EN"
    assert meta["translations"] == "[[Cliente ⚫①]]"
    # The translation starts at the source's version.
    assert (meta["ver_major"], meta["ver_minor"], meta["ver_rev"]) == (0, 4, 1)
    assert text.split("---\n", 2)[2] == (
        "# Customer ⚫①\n\n"
        "[[Index ⚫①]]\n\n"
        "<!-- glosa: translate from es/Cliente ⚫①.md -->\n\n"
        f"{LEGEND_EN}\n"
    )
    code, output = invoke("check", str(root))
    assert code == 0, output


def test_translate_accepts_a_note_name(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    code, output = invoke("translate", "cliente", "--to", "EN", "--title", "Customer",
                          "--vault", str(root))
    assert code == 0, output
    assert (root / "en" / "Customer ⚫①.md").is_file()


def test_translate_keeps_every_other_byte(make_vault: VaultFactory) -> None:
    """CRLF line ends, a byte-order mark, comments, odd quoting and extra keys survive."""
    source_text = (
        "---\r\n"
        "# hand-written\r\n"
        "lang: ES\r\n"
        "translations:    # fill in later\r\n"
        "aliases: ['cliente final']\r\n"
        "ver_major: 0\r\nver_minor: 4\r\nver_rev: 1\r\n"
        "---\r\n"
        "# Cliente ⚫①\r\n\r\n[[Índice ⚫①]]\r\n\r\nTexto   con  espacios.\r\n\r\n"
        "[[Leyenda 🔴②]] | ①②③④⑤⑥ | ⚫① 🔴② 🟡③ 🟢④ 🔵⑤ ⚪⑥\r\n"
    )
    files: dict[str, str | bytes] = dict(VAULT)
    files["es/Cliente ⚫①.md"] = b"\xef\xbb\xbf" + source_text.encode()
    root = make_vault(files)
    source = root / "es" / "Cliente ⚫①.md"
    before = source.read_bytes()
    code, output = invoke("translate", str(source), "--to", "en", "--title", "Customer",
                          "--vault", str(root))
    assert code == 0, output
    assert only_changed_lines(before, source.read_bytes()) == [
        (b"translations:    # fill in later\r",
         'translations:    "[[Customer ⚫①]]" # fill in later\r'.encode()),
    ]


def test_translate_appends_to_a_block_list(make_vault: VaultFactory) -> None:
    files: dict[str, str | bytes] = dict(VAULT)
    files["es/Cliente ⚫①.md"] = seed_note(
        "Cliente ⚫①", translations="\n    - '[[Kunde ⚫①]]'  # German, one day")
    root = make_vault(files)
    source = root / "es" / "Cliente ⚫①.md"
    before = source.read_text("utf-8")
    code, output = invoke("translate", str(source), "--to", "en", "--title", "Customer",
                          "--vault", str(root))
    assert code == 0, output
    after = source.read_text("utf-8")
    assert after == before.replace(
        "    - '[[Kunde ⚫①]]'  # German, one day\n",
        "    - '[[Kunde ⚫①]]'  # German, one day\n    - '[[Customer ⚫①]]'\n")
    assert meta_of(source)["translations"] == ["[[Kunde ⚫①]]", "[[Customer ⚫①]]"]


def test_translate_turns_a_single_link_into_a_list(make_vault: VaultFactory) -> None:
    files: dict[str, str | bytes] = dict(VAULT)
    files["es/Cliente ⚫①.md"] = seed_note("Cliente ⚫①", translations='"[[Kunde ⚫①]]"')
    root = make_vault(files)
    source = root / "es" / "Cliente ⚫①.md"
    before = source.read_text("utf-8")
    assert invoke("translate", str(source), "--to", "en", "--title", "Customer",
                  "--vault", str(root))[0] == 0
    assert source.read_text("utf-8") == before.replace(
        'translations: "[[Kunde ⚫①]]"\n',
        'translations:\n  - "[[Kunde ⚫①]]"\n  - "[[Customer ⚫①]]"\n')


def test_translate_extends_a_flow_list(make_vault: VaultFactory) -> None:
    files: dict[str, str | bytes] = dict(VAULT)
    files["es/Cliente ⚫①.md"] = seed_note("Cliente ⚫①", translations='["[[Kunde ⚫①]]"]')
    root = make_vault(files)
    source = root / "es" / "Cliente ⚫①.md"
    assert invoke("translate", str(source), "--to", "en", "--title", "Customer",
                  "--vault", str(root))[0] == 0
    assert 'translations: ["[[Kunde ⚫①]]", "[[Customer ⚫①]]"]\n' in source.read_text("utf-8")


def test_translate_link_already_written_leaves_the_source_alone(
        make_vault: VaultFactory) -> None:
    files: dict[str, str | bytes] = dict(VAULT)
    files["es/Cliente ⚫①.md"] = seed_note("Cliente ⚫①", translations='"[[Customer]]"')
    root = make_vault(files)
    source = root / "es" / "Cliente ⚫①.md"
    before = source.read_bytes()
    code, output = invoke("translate", str(source), "--to", "en", "--title", "Customer",
                          "--vault", str(root))
    assert code == 0, output
    assert "updated" not in output
    assert source.read_bytes() == before
    assert invoke("check", str(root))[0] == 0


def test_translate_same_title_in_both_languages_links_by_path(
        make_vault: VaultFactory) -> None:
    files: dict[str, str | bytes] = dict(VAULT)
    files["es/Retargeting 🟡③.md"] = seed_note("Retargeting 🟡③", parent="Cliente ⚫①")
    root = make_vault(files)
    code, output = invoke("translate", "Retargeting", "--to", "en", "--title", "Retargeting",
                          "--vault", str(root))
    assert code == 0, output
    source = root / "es" / "Retargeting 🟡③.md"
    assert meta_of(source)["translations"] == "[[en/Retargeting 🟡③]]"
    assert meta_of(root / "en" / "Retargeting 🟡③.md")["translations"] == \
        "[[es/Retargeting 🟡③]]"
    code, output = invoke("check", str(root))
    assert "translation" not in output, output


def test_translate_parent_without_translation_warns(make_vault: VaultFactory) -> None:
    files: dict[str, str | bytes] = dict(VAULT)
    files["es/Cliente digital 🔴②.md"] = seed_note("Cliente digital 🔴②", parent="Cliente ⚫①")
    root = make_vault(files)
    code, output = invoke("translate", "Cliente digital", "--to", "en", "--title",
                          "Digital customer", "--vault", str(root))
    assert code == 0, output
    assert "warning: the parent 'Cliente ⚫①' has no EN translation yet" in output
    new = root / "en" / "Digital customer 🔴②.md"
    assert "\n[[Cliente ⚫①]]\n" in new.read_text("utf-8")


def test_translate_folder_follows_the_neighbours(make_vault: VaultFactory) -> None:
    files: dict[str, str | bytes] = dict(VAULT)
    files["es/captacion/Anuncio 🔴②.md"] = seed_note(
        "Anuncio 🔴②", translations='"[[Ad 🔴②]]"')
    files["en/acquisition/Ad 🔴②.md"] = seed_note(
        "Ad 🔴②", lang="EN", parent="Index ⚫①", translations='"[[Anuncio 🔴②]]"',
        legend=LEGEND_EN)
    files["es/captacion/Campaña 🔴②.md"] = seed_note("Campaña 🔴②")
    root = make_vault(files)
    code, output = invoke("translate", "Campaña", "--to", "en", "--title", "Campaign",
                          "--vault", str(root))
    assert code == 0, output
    assert (root / "en" / "acquisition" / "Campaign 🔴②.md").is_file()


def test_translate_dry_run_shows_both_and_writes_nothing(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    source = root / "es" / "Cliente ⚫①.md"
    before = source.read_bytes()
    code, output = invoke("translate", str(source), "--to", "en", "--title", "Customer",
                          "--vault", str(root), "--dry-run")
    assert code == 0, output
    assert "+++ b/en/Customer ⚫①.md" in output
    assert '-translations: \n+translations: "[[Customer ⚫①]]"\n' in output
    assert source.read_bytes() == before
    assert not (root / "en" / "Customer ⚫①.md").exists()


def test_translate_refuses_an_existing_target(make_vault: VaultFactory) -> None:
    files: dict[str, str | bytes] = dict(VAULT)
    files["en/Customer ⚫①.md"] = seed_note("Customer ⚫①", lang="EN", parent="Index ⚫①",
                                            legend=LEGEND_EN)
    root = make_vault(files)
    source = root / "es" / "Cliente ⚫①.md"
    before = source.read_bytes()
    code, output = invoke("translate", str(source), "--to", "en", "--title", "customer",
                          "--vault", str(root))
    assert code == 1
    assert "already exists" in output and "Customer ⚫①.md" in output
    assert source.read_bytes() == before


def test_translate_refuses_a_second_translation(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    source = root / "Índice ⚫①.md"
    before = source.read_bytes()
    code, output = invoke("translate", str(source), "--to", "en", "--title", "Home",
                          "--vault", str(root))
    assert code == 1
    assert f"{source} already has a translation in EN: {root / 'en' / 'Index ⚫①.md'}" \
        in output
    assert source.read_bytes() == before
    assert not (root / "Home ⚫①.md").exists()


def test_translate_refuses_when_the_other_side_links_already(
        make_vault: VaultFactory) -> None:
    files: dict[str, str | bytes] = dict(VAULT)
    files["en/Customer ⚫①.md"] = seed_note("Customer ⚫①", lang="EN", parent="Index ⚫①",
                                            translations='"[[Cliente ⚫①]]"',
                                            legend=LEGEND_EN)
    root = make_vault(files)
    code, output = invoke("translate", "Cliente", "--to", "en", "--title", "Client",
                          "--vault", str(root))
    assert code == 1
    assert "already names es/Cliente ⚫①.md as its translation" in output


def test_translate_missing_note(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    code, output = invoke("translate", "Clienta", "--to", "en", "--title", "Customer",
                          "--vault", str(root))
    assert code == 1
    assert "no note 'Clienta'" in output and "did you mean 'Cliente ⚫①'" in output
    assert "Traceback" not in output


def test_translate_usage_errors(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    code, output = invoke("translate", "Cliente", "--to", "es", "--title", "Otro",
                          "--vault", str(root))
    assert code == 2 and "already in ES" in output
    code, output = invoke("translate", "Cliente", "--to", "fr", "--title", "Client",
                          "--vault", str(root))
    assert code == 2 and "not configured" in output
    code, output = invoke("translate", "Cliente", "--to", "en", "--vault", str(root))
    assert code == 2 and "--title is required" in output


def test_translate_refuses_a_damaged_source(make_vault: VaultFactory) -> None:
    files: dict[str, str | bytes] = dict(VAULT)
    files["es/Cliente ⚫①.md"] = seed_note("Cliente ⚫①", body="El tÃ©rmino segmentaciÃ³n.")
    root = make_vault(files)
    with pytest.raises(AuthoringError, match="fix-encoding"):
        vault = load_vault(root)
        source = vault.index.note_at("es/Cliente ⚫①.md")
        assert source is not None
        plan_translation(vault, source, "en", title="Customer")


def test_translate_unreadable_frontmatter_writes_nothing(make_vault: VaultFactory) -> None:
    files: dict[str, str | bytes] = dict(VAULT)
    files["es/Cliente ⚫①.md"] = seed_note("Cliente ⚫①").replace(
        "translations: \n", "translations: {a: [\n")
    root = make_vault(files)
    source = root / "es" / "Cliente ⚫①.md"
    before = source.read_bytes()
    code, output = invoke("translate", str(source), "--to", "en", "--title", "Customer",
                          "--vault", str(root))
    assert code == 1
    assert str(source) in output
    assert source.read_bytes() == before
    assert not (root / "en" / "Customer ⚫①.md").exists()


def test_translate_adds_a_missing_translations_key_after_lang(
        make_vault: VaultFactory) -> None:
    files: dict[str, str | bytes] = dict(VAULT)
    files["es/Cliente ⚫①.md"] = seed_note("Cliente ⚫①").replace("translations: \n", "")
    root = make_vault(files)
    source = root / "es" / "Cliente ⚫①.md"
    before = source.read_text("utf-8")
    assert invoke("translate", str(source), "--to", "en", "--title", "Customer",
                  "--vault", str(root))[0] == 0
    assert source.read_text("utf-8") == before.replace(
        "lang: ES\n", 'lang: ES\ntranslations: "[[Customer ⚫①]]"\n')


def test_translate_source_without_frontmatter_is_refused(make_vault: VaultFactory) -> None:
    files: dict[str, str | bytes] = dict(VAULT)
    files["es/Suelto ⚫①.md"] = "# Suelto ⚫①\n\n[[Índice ⚫①]]\n\nTexto.\n"
    root = make_vault(files)
    source = root / "es" / "Suelto ⚫①.md"
    code, output = invoke("translate", str(source), "--to", "en", "--title", "Loose",
                          "--vault", str(root))
    assert code == 1
    assert f"{source}: the note has no frontmatter block" in output
    assert not (root / "en" / "Loose ⚫①.md").exists()


def test_translate_options_override_the_guesses(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    code, output = invoke("translate", "Cliente", "--to", "en", "--title", "Customer",
                          "--parent", "Legend", "--folder", "en/people", "--tags",
                          "people,customers", "--vault", str(root))
    assert code == 0, output
    new = root / "en" / "people" / "Customer ⚫①.md"
    text = new.read_text("utf-8")
    assert "\n[[Legend 🔴②]]\n" in text
    assert "tags:\n  - people\n  - customers\n---\n" in text
