"""The bundled glossary: size, both languages, reciprocity, format and honesty."""

from __future__ import annotations

import pytest

from glosa import GlosaConfig, Vault, check_vault, load_vault
from glosa.config import find_config, load_config
from glosa.resolver import resolve_link

from .conftest import REPO

GLOSSARY = REPO / "glossary"


@pytest.fixture(scope="module")
def vault() -> Vault:
    config, _ = load_config(find_config(REPO))
    return load_vault(GLOSSARY, config)


def test_settings_come_from_mkdocs_yml() -> None:
    path = find_config(REPO)
    assert path is not None and path.name == "mkdocs.yml"
    config, docs = load_config(path)
    assert docs == REPO / "glossary" and config.languages == ("es", "en")


def test_check_is_clean(vault: Vault) -> None:
    assert check_vault(vault) == []


def test_both_languages_cover_the_same_concepts(vault: Vault) -> None:
    by_lang = {"es": [n for n in vault.notes if n.lang == "es"],
               "en": [n for n in vault.notes if n.lang == "en"]}
    assert len(by_lang["es"]) == len(by_lang["en"]) >= 62  # 60 concepts + index + legend
    pairs = set()
    for note in by_lang["es"]:
        assert len(note.translations) == 1, note.path
        target = resolve_link(vault.index, note.translations[0], note).note
        assert target is not None and target.lang == "en", note.path
        back = resolve_link(vault.index, target.translations[0], target).note
        assert back is note, f"{note.path} <-> {target.path} is not reciprocal"
        assert target.level == note.level, note.path
        pairs.add(target.path)
    assert pairs == {n.path for n in by_lang["en"]}


def test_format_of_every_note(vault: Vault) -> None:
    for note in vault.notes:
        assert note.marker is not None and note.h1 is not None, note.path
        assert note.legend is not None, note.path
        assert note.meta["iaStatus"] == 2 and note.meta["iaStatus_Model"], note.path
        assert note.meta["checked"] == 0 and note.meta["supervisado"] == "", note.path
        targets = [resolve_link(vault.index, link, note).note for link in note.links
                   if link is not note.parent and link is not note.legend]
        others = {t.path for t in targets if t is not None and t is not note}
        assert len(others) >= 3, f"{note.path} links to {len(others)} other terms"


def test_every_link_form_is_used(vault: Vault) -> None:
    links = [link for note in vault.notes for link in note.links]
    assert any(link.label for link in links)
    assert any(link.heading for link in links)
    assert any(link.block for link in links)
    assert any(link.embed for link in links)
    assert any("\\|" in link.raw for link in links)
    no_marker = [link for link in links if link.target and link.target[-1] not in "①②③④⑤⑥"]
    by_alias = [link for link in no_marker
                if link.target.casefold() in {a.casefold() for n in vault.notes
                                              for a in n.aliases}]
    assert no_marker and by_alias


@pytest.mark.parametrize("alias", ["CLV", "LTV", "CAC", "NPS", "KPI", "CRM", "SEO", "SEM"])
def test_common_abbreviations_are_aliases_in_both_languages(vault: Vault, alias: str) -> None:
    langs = {n.lang for n in vault.notes if alias in n.aliases}
    assert langs == {"es", "en"}


def test_sections_group_the_terms(vault: Vault) -> None:
    for lang in ("es", "en"):
        sections = {n.meta["nav_primary"] for n in vault.notes
                    if n.lang == lang and n.meta.get("nav_primary")}
        assert 4 <= len(sections) <= 8


def test_default_profile_is_seed() -> None:
    assert GlosaConfig().profile == "seed"
