"""Each metadata and structure rule, one small vault per case: rule id, file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from glosa import GlosaConfig, check_vault, load_vault
from glosa.checking.diagnostics import RULES, Severity
from glosa.config import ConfigError

from .conftest import VaultFactory, seed_note

INDEX = "Índice ⚫①.md"
LEGEND = "Leyenda 🔴②.md"


def base_vault() -> dict[str, str | bytes]:
    return {
        INDEX: seed_note("Índice ⚫①", parent=None,
                         body="Raíz del glosario: [[Cliente ⚫①]]."),
        LEGEND: seed_note("Leyenda 🔴②"),
    }


def run(make_vault: VaultFactory, files: dict[str, str | bytes],
        config: GlosaConfig | None = None) -> list[tuple[str, str, int]]:
    root = make_vault({**base_vault(), **files})
    return [(d.rule, d.path, d.line)
            for d in check_vault(load_vault(root, config or GlosaConfig()))]


def test_clean_vault_has_no_diagnostics(make_vault: VaultFactory) -> None:
    assert run(make_vault, {"es/Cliente ⚫①.md": seed_note("Cliente ⚫①")}) == []


def _replace(title: str, old: str, new: str, **kwargs: str) -> str:
    text = seed_note(title, **kwargs)  # type: ignore[arg-type]
    assert old in text
    return text.replace(old, new, 1)


CASES = [
    # (id, note text, expected rule, expected line)
    ("missing key", _replace("Cliente ⚫①", "a11y: 3\n", ""), "meta-key-missing", 1),
    ("integer as text", _replace("Cliente ⚫①", "a11y: 3", "a11y: tres"), "meta-type", 4),
    ("integer as boolean", _replace("Cliente ⚫①", "iaStatus: 0", "iaStatus: yes"),
     "meta-type", 2),
    ("checked out of range", _replace("Cliente ⚫①", "checked: 0", "checked: 2"),
     "meta-checked-value", 5),
    ("unknown lang", _replace("Cliente ⚫①", "lang: ES", "lang: FR"), "meta-lang-unknown", 6),
    ("date not ISO", seed_note("Cliente ⚫①", created="06/05/2024"), "meta-date-format", 8),
    ("impossible date", seed_note("Cliente ⚫①", modified="2024-02-30T10:00:00.000Z"),
     "meta-date-format", 9),
    ("modified before created", seed_note("Cliente ⚫①", modified="2023-01-01T00:00:00.000Z"),
     "meta-date-order", 9),
    ("negative version", _replace("Cliente ⚫①", "ver_rev: 1", "ver_rev: -1"),
     "meta-version-negative", 14),
    ("tags as mapping", _replace("Cliente ⚫①", "tags:\n", "tags: {a: 1}\n"), "meta-type", 17),
    ("string key as list", _replace("Cliente ⚫①", 'ACCION: ""', "ACCION: [a]"), "meta-type", 11),
    ("no H1", _replace("Cliente ⚫①", "# Cliente ⚫①\n", ""), "title-h1-missing", 19),
    ("H1 differs", _replace("Cliente ⚫①", "# Cliente ⚫①", "# Clientes ⚫①"),
     "title-mismatch", 19),
    ("marker differs", _replace("Cliente ⚫①", "# Cliente ⚫①", "# Cliente 🔴②"),
     "level-marker-mismatch", 19),
    ("invalid marker", _replace("Cliente ⚫①", "# Cliente ⚫①", "# Cliente 🔴①"),
     "level-marker-invalid", 19),
    ("no parent", seed_note("Cliente ⚫①", parent=None), "parent-missing", 20),
    ("no legend", seed_note("Cliente ⚫①", legend="Fin."), "legend-missing", 25),
    ("broken parent", seed_note("Cliente ⚫①", parent="Indice general"), "link-broken", 21),
    ("unclosed frontmatter", "---\nlang: ES\n# Cliente ⚫①\n", "frontmatter-invalid", 1),
    ("invalid YAML", _replace("Cliente ⚫①", "a11y: 3", "a11y: [3"), "frontmatter-invalid", 5),
    ("tab indentation", _replace("Cliente ⚫①", "tags:\n", "tags:\n\t- a\n"),
     "frontmatter-invalid", 18),
    ("duplicate key", _replace("Cliente ⚫①", "a11y: 3", "a11y: 3\na11y: 4"),
     "frontmatter-duplicate-key", 5),
    ("list instead of mapping", "---\n- a\n- b\n---\n# Cliente ⚫①\n", "frontmatter-invalid", 2),
    ("python tag", _replace("Cliente ⚫①", "a11y: 3", "a11y: !!python/object:os.system {}"),
     "frontmatter-invalid", 4),
    ("no frontmatter", "# Cliente ⚫①\n\n[[Índice ⚫①]]\n", "frontmatter-missing", 1),
    ("javascript URL", seed_note("Cliente ⚫①", body="[x](javascript:alert(1))"),
     "link-unsafe-url", 23),
]


@pytest.mark.parametrize(("case", "text", "rule", "line"), CASES, ids=[c[0] for c in CASES])
def test_rule(make_vault: VaultFactory, case: str, text: str, rule: str, line: int) -> None:
    found = run(make_vault, {"es/Cliente ⚫①.md": text})
    assert (rule, "es/Cliente ⚫①.md", line) in found, found


def test_level_marker_missing_in_file_name(make_vault: VaultFactory) -> None:
    found = run(make_vault, {"es/Cliente.md": seed_note("Cliente")})
    assert ("level-marker-missing", "es/Cliente.md", 1) in found


def test_unknown_keys_are_kept_not_errors(make_vault: VaultFactory) -> None:
    root = make_vault({**base_vault(), "es/Cliente ⚫①.md": seed_note(
        "Cliente ⚫①", extra="description: algo\nautor: Ana\n")})
    vault = load_vault(root)
    note = vault.index.note_at("es/Cliente ⚫①.md")
    assert note is not None and note.meta["autor"] == "Ana"
    assert check_vault(vault) == []


def test_alias_bomb_is_refused_quickly(make_vault: VaultFactory) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))
    found = run(make_vault, {"es/Bomba ⚫①.md": f"---\n{bomb}---\n# Bomba ⚫①\n"})
    assert ("frontmatter-invalid", "es/Bomba ⚫①.md", 2) in [
        (r, p, line) for r, p, line in found if r == "frontmatter-invalid"] or any(
        r == "frontmatter-invalid" and p == "es/Bomba ⚫①.md" for r, p, _ in found)


TRANSLATED = {
    "es/Cliente ⚫①.md": seed_note("Cliente ⚫①", translations='"[[Customer ⚫①]]"'),
    "en/Customer ⚫①.md": seed_note("Customer ⚫①", lang="EN", translations='"[[Cliente ⚫①]]"'),
}


def test_reciprocal_translations_are_clean(make_vault: VaultFactory) -> None:
    assert [r for r in run(make_vault, TRANSLATED) if r[0].startswith("translation")] == []


@pytest.mark.parametrize(
    ("translations_es", "translations_en", "rule"),
    [
        ('"[[Customerr ⚫①]]"', '"[[Cliente ⚫①]]"', "translation-broken"),
        ('"[[Índice ⚫①]]"', '"[[Cliente ⚫①]]"', "translation-same-language"),
        ('"[[Customer ⚫①]]"', "", "translation-not-reciprocal"),
        ('["[[Customer ⚫①]]"]', '["[[Cliente ⚫①]]"]', None),
    ],
)
def test_translation_rules(make_vault: VaultFactory, translations_es: str,
                           translations_en: str, rule: str | None) -> None:
    found = run(make_vault, {
        "es/Cliente ⚫①.md": seed_note("Cliente ⚫①", translations=translations_es),
        "en/Customer ⚫①.md": seed_note("Customer ⚫①", lang="EN",
                                       translations=translations_en),
    })
    rules = [(r, p, line) for r, p, line in found
             if r.startswith("translation") and p.startswith("es/")]
    if rule is None:
        assert rules == []
    else:
        assert rules == [(rule, "es/Cliente ⚫①.md", 7)]


def test_obsidian_profile_keeps_link_checks_only(make_vault: VaultFactory) -> None:
    files = {"Nota.md": "Texto con [[Otra nota]] y [[Inexistente]].\n",
             "Otra nota.md": "# Otra nota\n"}
    found = run(make_vault, files, GlosaConfig(profile="obsidian"))
    assert [r for r in found if r[1] in files] == [("link-broken", "Nota.md", 1)]


def test_severity_overrides(make_vault: VaultFactory) -> None:
    config = GlosaConfig.from_mapping({"rules": {"parent-missing": "warning",
                                                 "legend-missing": "off"}})
    root = make_vault({**base_vault(),
                       "es/Cliente ⚫①.md": seed_note("Cliente ⚫①", parent=None, legend="")})
    found = {(d.rule, d.severity) for d in check_vault(load_vault(root, config))
             if d.path == "es/Cliente ⚫①.md"}
    assert found == {("parent-missing", Severity.WARNING)}


def test_roots_option(make_vault: VaultFactory) -> None:
    files = {"es/Suelta ⚫①.md": seed_note("Suelta ⚫①", parent=None)}
    assert ("parent-missing", "es/Suelta ⚫①.md", 20) in run(make_vault, files)
    config = GlosaConfig.from_mapping({"roots": ["Suelta"]})
    assert [r for r in run(make_vault, files, config) if r[0] == "parent-missing"] == []


def test_language_from_folder_when_lang_is_absent(make_vault: VaultFactory,
                                                  tmp_path: Path) -> None:
    root = make_vault({"en/Note.md": "# Note\n", "Other.md": "# Other\n",
                       "es/Nota.md": "---\nlang: EN\n---\n# Nota\n"})
    vault = load_vault(root, GlosaConfig(default_language="es"))
    langs = {n.path: n.lang for n in vault.notes}
    assert langs == {"en/Note.md": "en", "Other.md": "es", "es/Nota.md": "en"}


def test_duplicate_titles_in_one_language(make_vault: VaultFactory) -> None:
    found = run(make_vault, {"es/a/Cliente ⚫①.md": seed_note("Cliente ⚫①"),
                             "es/b/Cliente ⚫①.md": seed_note("Cliente ⚫①")})
    assert ("name-duplicate", "es/b/Cliente ⚫①.md", 1) in found


def test_embed_cycle_is_reported(make_vault: VaultFactory) -> None:
    found = run(make_vault, {
        "es/A ⚫①.md": seed_note("A ⚫①", body="![[B ⚫①]]"),
        "es/B ⚫①.md": seed_note("B ⚫①", body="![[A ⚫①]]"),
    })
    assert [r for r in found if r[0] == "embed-cycle"] == [("embed-cycle", "es/B ⚫①.md", 23)]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"profile": "quartz"}, "'profile' must be one of"),
        ({"rules": {"no-such-rule": "error"}}, "unknown rule 'no-such-rule'"),
        ({"rules": {"link-broken": "fatal"}}, "must be error, warning or off"),
        ({"languages": []}, "non-empty list"),
        ({"default_language": "fr"}, "'default_language' must be one of es, en"),
        ({"colour": "red"}, "unknown option(s) colour"),
    ],
)
def test_bad_settings_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        GlosaConfig.from_mapping(options)


def test_every_rule_has_a_summary() -> None:
    assert all(rule.summary and rule.id == key for key, rule in RULES.items())


def test_common_timestamps_read_as_the_general_iso_reader_reads_them() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from glosa.checking.checks import _parse_date_text

    general = _parse_date_text.__wrapped__

    @settings(max_examples=400, deadline=None)
    @given(st.tuples(*(st.integers(0, top) for top in (9999, 14, 32, 25, 61, 61, 999))))
    def same(parts: tuple[int, ...]) -> None:
        text = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z".format(*parts)
        # A trailing blank takes the general path (the fast one reads the exact form only).
        assert general(text) == general(text + " ")

    same()
