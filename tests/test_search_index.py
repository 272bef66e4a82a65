"""The search index on its own: records, bundles per language, early writes, failures."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pytest

from glosa.site.search_index import SearchIndexer, SearchIndexError, search_record


def fragments(bundle: Path) -> dict[str, dict[str, object]]:
    """Every page of a written Pagefind bundle, by URL (fragments are gzipped JSON behind
    a 12-byte signature)."""
    pages = {}
    for path in (bundle / "fragment").iterdir():
        data = json.loads(gzip.decompress(path.read_bytes())[12:])
        pages[data["url"]] = data
    return pages


def record(title: str, text: str, lang: str = "es", **options: object) -> str:
    return search_record(f"<h1>{title}</h1><p>{text}</p>", title=title, lang=lang,
                         **options)  # type: ignore[arg-type]


def test_bundles_hold_every_page_with_its_meta(tmp_path: Path) -> None:
    indexer = SearchIndexer(tmp_path / "pagefind", expected={
        "es": ["/es/a/", "/es/b/"], "en": ["/en/a/"]})
    indexer.add("es", "/es/a/", record("Retención", "clientes que vuelven",
                                       level_meta="🟡③ Intermedio", aliases=["retencion", "RT"],
                                       definition="Clientes que vuelven, medidos así."))
    indexer.add("en", "/en/a/", record("Retention", "customers who return", "en"))
    indexer.add("es", "/es/b/", record("Conversión", "una acción deseada"))
    indexer.finish()
    es = fragments(tmp_path / "pagefind" / "es")
    en = fragments(tmp_path / "pagefind" / "en")
    assert set(es) == {"/es/a/", "/es/b/"} and set(en) == {"/en/a/"}
    # Aliases and definition are result metadata (the search box ranks names and shows the
    # definition); the definition is not indexed text, the aliases are (weighted).
    assert es["/es/a/"]["meta"] == {"title": "Retención", "level": "🟡③ Intermedio",
                                    "aliases": "retencion|RT",
                                    "definition": "Clientes que vuelven, medidos así."}
    assert "medidos" not in str(es["/es/a/"]["content"])
    assert "retencion" in str(es["/es/a/"]["content"])
    entry = json.loads((tmp_path / "pagefind" / "es" / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["es"]
    assert (tmp_path / "pagefind" / "en" / "pagefind.js").is_file()


def test_a_language_is_written_once_its_expected_pages_are_in(tmp_path: Path) -> None:
    indexer = SearchIndexer(tmp_path / "pagefind", expected={"en": ["/en/a/"],
                                                              "es": ["/es/a/"]})
    indexer.add("en", "/en/a/", record("Retention", "text", "en"))
    bundle = indexer._bundles["en"]
    assert bundle.complete
    # Written by Pagefind while the build goes on, before finish() is called.
    for _ in range(200):
        if (tmp_path / "pagefind" / "en" / "pagefind.js").is_file():
            break
        time.sleep(0.05)
    assert (tmp_path / "pagefind" / "en" / "pagefind.js").is_file()
    assert not (tmp_path / "pagefind" / "es").exists()
    indexer.add("es", "/es/a/", record("Retención", "texto"))
    indexer.finish()
    assert set(fragments(tmp_path / "pagefind" / "es")) == {"/es/a/"}


def test_a_page_nobody_expected_is_indexed_all_the_same(tmp_path: Path) -> None:
    indexer = SearchIndexer(tmp_path / "pagefind", expected={"es": ["/es/a/"]})
    indexer.add("es", "/es/a/", record("Uno", "primero"))
    indexer.add("es", "/es/late/", record("Tarde", "llega después"))
    indexer.add("fr", "/fr/x/", record("Rétention", "texte", "fr"))
    indexer.finish()
    assert set(fragments(tmp_path / "pagefind" / "es")) == {"/es/a/", "/es/late/"}
    assert set(fragments(tmp_path / "pagefind" / "fr")) == {"/fr/x/"}


def test_pagefind_stopping_fails_with_the_language(tmp_path: Path) -> None:
    indexer = SearchIndexer(tmp_path / "pagefind", expected={"es": ["/es/a/", "/es/b/"]})
    indexer.add("es", "/es/a/", record("Uno", "primero"))
    indexer._process.kill()
    indexer._process.wait()
    indexer.add("es", "/es/b/", record("Dos", "segundo"))
    with pytest.raises(SearchIndexError, match=r"search index for 'es' failed: .*stopped"):
        indexer.finish()
    assert indexer._process.poll() is not None


def test_abort_stops_pagefind_and_writes_nothing(tmp_path: Path) -> None:
    indexer = SearchIndexer(tmp_path / "pagefind", expected={"es": ["/es/a/", "/es/b/"]})
    indexer.add("es", "/es/a/", record("Uno", "primero"))
    indexer.abort()
    assert indexer._process.poll() is not None
    assert not (tmp_path / "pagefind" / "es").exists()


def test_missing_pagefind_binary_is_a_clear_error(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import glosa.site.search_index

    monkeypatch.setattr(glosa.site.search_index, "get_executable", lambda: None)
    with pytest.raises(SearchIndexError, match="Pagefind is not installed"):
        SearchIndexer(tmp_path / "pagefind")


def test_record_escapes_title_meta_and_aliases() -> None:
    hostile = '<script>alert(1)</script>"'
    html = search_record("<p>texto</p>", title=hostile, lang='es"><x', level_meta=hostile,
                         aliases=[hostile], definition=hostile)
    assert "<script>" not in html and '"><x' not in html
    # <title>, <h1>, level meta, alias meta, weighted aliases, definition meta
    assert html.count("&lt;script&gt;") == 6
    assert "data-pagefind-body" in html and 'data-pagefind-weight="6"' in html


def test_record_keeps_the_content_heading() -> None:
    html = search_record("<h1 id='t'>Título</h1><p>x</p>", title="Otro", lang="es")
    assert "<h1>Otro</h1>" not in html and "Título" in html


def test_pagefind_runs_at_a_lower_priority(tmp_path: Path) -> None:
    import os
    import shutil

    indexer = SearchIndexer(tmp_path / "pagefind")
    try:
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        expected = min(ours + 10, 19) if shutil.which("nice") else ours
        # The priority changes when `nice` runs, a moment after the process is started.
        deadline = time.monotonic() + 10
        theirs = os.getpriority(os.PRIO_PROCESS, indexer._process.pid)
        while theirs != expected and time.monotonic() < deadline:
            time.sleep(0.01)
            theirs = os.getpriority(os.PRIO_PROCESS, indexer._process.pid)
        assert theirs == expected
    finally:
        indexer.abort()


def test_every_file_of_a_bundle_is_whole(tmp_path: Path) -> None:
    """Pagefind's own writes were seen cut short (a wasm file of 65,536 of its 68,024
    bytes, an empty pagefind-entry.json) when Pagefind exited soon after; glosa writes
    the files Pagefind sends."""
    for run in range(3):
        output = tmp_path / f"run{run}" / "pagefind"
        indexer = SearchIndexer(output, expected={"es": ["/es/a/"], "en": ["/en/a/"]})
        indexer.add("es", "/es/a/", record("Retención", "clientes que vuelven"))
        indexer.add("en", "/en/a/", record("Retention", "customers who return", "en"))
        indexer.finish()
        for lang in ("es", "en"):
            bundle = output / lang
            json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
            wasm = sorted(bundle.glob("wasm.*.pagefind"))
            assert len(wasm) == 2
            for path in wasm:
                gzip.decompress(path.read_bytes())  # a whole gzip stream
            assert all(path.stat().st_size for path in bundle.rglob("*") if path.is_file())
        # Nothing is left of the folder the files were written into first.
        assert sorted(p.name for p in output.iterdir()) == ["en", "es"]


def test_a_file_pagefind_names_outside_its_bundle_is_refused(tmp_path: Path) -> None:
    from concurrent.futures import Future

    output = tmp_path / "pagefind"
    indexer = SearchIndexer(output, expected={"es": ["/es/a/"]})
    indexer.add("es", "/es/a/", record("Retención", "clientes"))
    process = indexer._by_lang["es"]
    bundle = process._bundles["es"]
    indexer.finish()
    bundle.written = Future()
    sent: Future[dict[str, object]] = Future()
    sent.set_result({"files": [{"path": "../../escaped.txt", "content": "eA=="}]})
    process._write_files(bundle, sent)
    with pytest.raises(SearchIndexError):
        bundle.written.result()
    assert not (tmp_path / "escaped.txt").exists()
    # The bundle already written stays as it was.
    assert (output / "es" / "pagefind-entry.json").is_file()


@pytest.mark.parametrize(("rel", "plain"), [
    ("pagefind-entry.json", True), ("fragment/es_1a2b.pf_fragment", True),
    ("../outside", False), ("fragment/../../outside", False), ("/etc/passwd", False),
    ("fragment//x", False), ("./x", False), ("a\\..\\b", False), ("x\0y", False), ("", False),
    (None, False), (7, False),
])
def test_a_kept_bundle_names_only_files_inside_it(rel: object, plain: bool) -> None:
    from glosa.safepaths import is_plain_relative

    assert is_plain_relative(rel) is plain


def test_a_bundle_of_many_megabytes_comes_back_whole(tmp_path: Path) -> None:
    # Pagefind sends a bundle back as one message, here several MB long: it reaches the
    # reader in many pieces, and other replies come in the same pieces as its ends.
    import random

    rng = random.Random(7)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(9))
             for _ in range(20000)]
    urls = [f"/es/p{n}/" for n in range(300)]
    indexer = SearchIndexer(tmp_path / "pagefind", expected={"es": urls})
    for n, url in enumerate(urls):
        text = " ".join(rng.choice(words) for _ in range(1500))
        indexer.add("es", url, record(f"Página {n}", text))
    indexer.finish()
    bundle = tmp_path / "pagefind" / "es"
    assert sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file()) > 3 << 20
    pages = fragments(bundle)
    assert set(pages) == set(urls)
    assert pages["/es/p299/"]["meta"]["title"] == "Página 299"
