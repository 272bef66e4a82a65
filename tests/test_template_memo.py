"""Parts of the page template rendered once per folder depth and language
(adapter/template_memo.py): a site is the same bytes with and without them; each part is
kept apart by what it reads; a theme folder that overrides a partial they include turns
them off."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment

from glosa.adapter import plugin as plugin_module
from glosa.adapter.template_memo import TemplateMemo, memo_allowed

from .test_page_workers import Vault, _assert_same


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return Vault(tmp_path)


def test_a_site_is_the_same_bytes_with_and_without_the_memo(
        vault: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = vault.build("memo", 1)
    memo = kept.template_memo
    # Every page at one depth and in one language took its parts from the first one's.
    assert memo.enabled and memo.reused > 10 * memo.rendered > 0
    monkeypatch.setattr(plugin_module, "memo_allowed", lambda custom_dir: False)
    plain = vault.build("plain", 1)
    assert not plain.template_memo.enabled
    assert plain.template_memo.reused == 0
    site = vault.site("memo")
    # Both languages' interface text, pages at several depths.
    pages = sorted((vault.root / "memo" / "site").rglob("index.html"))
    for lang, text in (("es", "No se encontraron documentos"), ("en", "No matching documents")):
        ours = [page for page in pages if f"/site/{lang}/" in page.as_posix()
                and "<title>Redirect</title>" not in page.read_text("utf-8")]
        assert len({len(page.parts) for page in ours}) > 2
        for page in ours:
            html = page.read_text("utf-8")
            assert f'"search.result.none": "{text}"' in html, page
            # Its own depth's addresses, not those of the page the part was made for.
            depth = len(page.relative_to(vault.root / "memo" / "site").parts) - 1
            assert f'"base": "{"/".join([".."] * depth)}"' in html, page
    _assert_same(site, vault.site("plain"))


def test_a_theme_folder_overriding_an_included_partial_turns_it_off(
        tmp_path: Path) -> None:
    assert memo_allowed(None)
    assert memo_allowed(str(tmp_path))
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "footer.html").write_text("x", encoding="utf-8")
    assert memo_allowed(str(tmp_path))  # the footer is rendered for every page
    (tmp_path / "partials" / "icons.html").write_text("{{ page.title }}", encoding="utf-8")
    assert not memo_allowed(str(tmp_path))


def _env() -> Environment:
    env = Environment(loader=DictLoader({
        "base.html": "[{% block config %}<{{ base_url }}|{{ lang }}|{{ n.count }}>"
                     "{% endblock %}]",
        "main.html": '{% extends "base.html" %}{% block config %}'
                     '{{ memo.block("config", base_url, lang, true, super) }}'
                     '{% endblock %}'}))
    return env


class _Counter:
    def __init__(self) -> None:
        self.calls = 0

    @property
    def count(self) -> int:
        self.calls += 1
        return self.calls


@pytest.mark.parametrize("enabled", [True, False])
def test_a_block_is_kept_by_depth_and_language(enabled: bool) -> None:
    env = _env()
    memo = TemplateMemo(enabled=enabled)
    counter = _Counter()
    template = env.get_template("main.html")
    pages = [("..", "es"), ("..", "es"), ("../..", "es"), ("..", "en"), ("../..", "es")]
    out = [template.render(base_url=base, lang=lang, memo=memo, n=counter)
           for base, lang in pages]
    if enabled:
        # Rendered once per (depth, language): the second page reuses the first's text.
        assert out == ["[<..|es|1>]", "[<..|es|1>]", "[<../..|es|2>]", "[<..|en|3>]",
                       "[<../..|es|2>]"]
        assert (memo.rendered, memo.reused) == (3, 2)
    else:
        assert out == ["[<..|es|1>]", "[<..|es|2>]", "[<../..|es|3>]", "[<..|en|4>]",
                       "[<../..|es|5>]"]
        assert memo.reused == 0


def test_an_interface_text_falls_back_and_is_looked_up_once_per_language() -> None:
    memo = TemplateMemo()
    asked: list[tuple[str, str]] = []

    def table(name: str, entries: dict[str, str]):  # type: ignore[no-untyped-def]
        def lookup(key: str) -> str:
            asked.append((name, key))
            return entries.get(key, "")
        return lookup

    es = table("es", {"header": "Cabecera"})
    en = table("en", {"header": "Header", "footer": "Footer"})
    assert memo.text("es", "header", es, en) == "Cabecera"
    assert memo.text("es", "footer", es, en) == "Footer"
    assert memo.text("es", "missing", es, en) == "missing"
    assert memo.text("en", "header", en, en) == "Header"
    before = len(asked)
    assert memo.text("es", "header", es, en) == "Cabecera"
    assert memo.text("es", "footer", es, en) == "Footer"
    assert len(asked) == before
