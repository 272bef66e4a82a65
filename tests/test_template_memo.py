"""Parts of the page template rendered once per folder depth and language
(adapter/template_memo.py): a site is the same bytes with and without them; each part is
kept apart by what it reads; a theme folder that overrides a partial they include turns
them off."""

from __future__ import annotations

import os
import posixpath
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from jinja2 import DictLoader, Environment
from mkdocs.commands.build import build
from mkdocs.config import load_config

from glosa.adapter import plugin as plugin_module
from glosa.adapter.template_memo import TemplateMemo, linked_heads, memo_allowed
from glosa.site import pages as pages_module

from .conftest import write_vault
from .test_page_cache import _files
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
    return Environment(loader=DictLoader({
        "base.html": "[{% block config %}<{{ base_url }}|{{ page.meta.glosa_lang }}|"
                     "{{ n.count }}>{% endblock %}]",
        "main.html": '{% extends "base.html" %}{% block config %}'
                     '{{ memo.block("config", page, base_url, super) }}'
                     '{% endblock %}'}))


class _Counter:
    def __init__(self) -> None:
        self.calls = 0

    @property
    def count(self) -> int:
        self.calls += 1
        return self.calls


class _Page:
    def __init__(self, url: str, lang: str) -> None:
        self.url = url
        self.meta = {"glosa_lang": lang}


def _render(memo: TemplateMemo, pages: list[tuple[str, str]]) -> list[str]:
    template = _env().get_template("main.html")
    counter = _Counter()
    return [template.render(page=_Page(url, lang), base_url=posixpath.relpath(".", url or "."),
                            memo=memo, n=counter)
            for url, lang in pages]


@pytest.mark.parametrize("enabled", [True, False])
def test_a_block_is_kept_by_depth_and_language(enabled: bool) -> None:
    memo = TemplateMemo(enabled=enabled, linked_heads=linked_heads([]))
    out = _render(memo, [("es/a/", "es"), ("es/b/", "es"), ("es/a/b/", "es"),
                         ("en/a/", "en"), ("en/b/c/", "es")])
    if enabled:
        # Rendered once per (depth, language): the second page reuses the first's text.
        assert out == ["[<../..|es|1>]", "[<../..|es|1>]", "[<../../..|es|2>]",
                       "[<../..|en|3>]", "[<../../..|es|2>]"]
        assert (memo.rendered, memo.reused) == (3, 2)
    else:
        assert out == ["[<../..|es|1>]", "[<../..|es|2>]", "[<../../..|es|3>]",
                       "[<../..|en|4>]", "[<../../..|es|5>]"]
        assert memo.reused == 0


def test_a_page_inside_a_linked_folder_renders_its_own_parts() -> None:
    # From assets/notes/, the theme's assets/x.js is ../x.js, not ../../assets/x.js.
    heads = linked_heads(["js/extra.js", "https://cdn.example.org/lib.js", "/abs.css",
                          "images/logo.svg", ""])
    assert heads == {"assets", "js", "images", ""}
    # Written the other ways MkDocs reads: from the current folder, above the root, with
    # a query or a backslash; another scheme links nowhere here.
    assert linked_heads(["./css/site.css", "../up/y.js", "media/x.js?v=2", "win\\y.js",
                         "mailto:a@example.org"]) == {"assets", "css", "up", "media", "win"}
    memo = TemplateMemo(linked_heads=heads)
    out = _render(memo, [("es/a/", "es"), ("assets/a/", "es"), ("js/b/", "es"),
                         ("", "es"), ("es/b/", "es")])
    assert out == ["[<../..|es|1>]", "[<../..|es|2>]", "[<../..|es|3>]", "[<.|es|4>]",
                   "[<../..|es|1>]"]
    assert (memo.rendered, memo.reused) == (1, 1)
    # No page (the 404 page's template): rendered.
    calls: list[int] = []
    assert memo.block("config", None, "/", lambda: str(calls.append(1))) == "None"
    assert calls == [1]
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


def _build_notes_site(root: Path, name: str) -> Path:
    """A notes vault (Obsidian profile, title addresses) with notes inside a folder named
    like the theme's ``assets`` and like the site's own script folder, built in this
    process."""
    docs = root / "vault"
    if not docs.exists():
        write_vault(docs, {
            "index.md": "# Home\n\n[[Inside assets]] and [[Elsewhere]].\n",
            "assets/deep/Inside assets.md": "# Inside assets\n\nSee [[Elsewhere]].\n",
            "notes/deep/Elsewhere.md": "# Elsewhere\n\nSee [[Inside assets]].\n",
            "notes/deep/Third.md": "# Third\n\nSee [[Elsewhere]].\n",
            "js/deep/Script folder.md": "# Script folder\n\nText.\n",
            "js/extra.js": "console.log(1);\n",
        })
    folder = root / name
    folder.mkdir()
    (folder / "mkdocs.yml").write_text(
        f"site_name: N\ndocs_dir: {docs}\nsite_dir: {folder / 'site'}\n"
        "extra_javascript: [js/extra.js]\ntheme:\n  name: material\n"
        "plugins:\n  - glosa:\n      profile: obsidian\n      workers: 1\n"
        "      cache: false\n", encoding="utf-8")
    config = load_config(str(folder / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    return folder / "site"


def test_pages_in_folders_the_parts_link_into_get_their_own_addresses(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = _build_notes_site(tmp_path, "memo")
    monkeypatch.setattr(plugin_module, "memo_allowed", lambda custom_dir: False)
    plain = _build_notes_site(tmp_path, "plain")
    _assert_same(_files(kept), _files(plain))
    inside = next(kept.glob("assets/deep/*/index.html")).read_text("utf-8")
    elsewhere = next(kept.glob("notes/deep/*/index.html")).read_text("utf-8")
    scripts = next(kept.glob("js/deep/*/index.html")).read_text("utf-8")
    assert 'src="../../javascripts/bundle.' in inside
    assert 'src="../../../assets/javascripts/bundle.' in elsewhere
    assert 'src="../../extra.js"' in scripts
    assert 'src="../../../js/extra.js"' in elsewhere


def test_generated_pages_look_at_each_template_file_once(
        vault: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    """glosa's own templates are not checked for changes at every include: a listing
    includes its entry template once per note, and each check was a file-system call."""
    own = str(Path(str(pages_module.TEMPLATES)) / "glosa")
    looked: Counter[str] = Counter()
    getmtime = os.path.getmtime

    def counted(path: Any) -> float:
        if str(path).startswith(own):
            looked[Path(path).name] += 1
        return getmtime(path)

    monkeypatch.setattr(os.path, "getmtime", counted)
    vault.build("once", 1)
    # The A–Z index and the tag, section and level pages list the notes through it.
    assert looked["_entry.html"] == 1
    assert looked and max(looked.values()) == 1, looked
