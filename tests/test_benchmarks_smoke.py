"""The benchmark suite stays runnable: a tiny generated vault is clean, and the runner's
measurement works on it for the ``glosa check`` case (nothing here is timed)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from benchmarks.generate import MARKERS, generate_vault
from benchmarks.run import _is_search_url, measure_case, sent_size, write_configs

from glosa.checking.checks import check_vault
from glosa.reading.vault import load_vault


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_generated_vault_is_clean_and_deterministic(tmp_path: Path) -> None:
    vault = generate_vault(tmp_path / "a", 20, seed=7)
    assert vault.notes == 20
    assert sum(f.startswith("es/") for f in vault.files) == 10
    assert sum(f.startswith("en/") for f in vault.files) == 10
    loaded = load_vault(vault.root)
    assert [str(d) for d in check_vault(loaded)] == []
    notes = {n.path: n for n in loaded.notes}
    term = next(n for n in loaded.notes if n.parent is not None and n.path.count("/") >= 3)
    assert term.legend is not None and term.translations
    assert set(term.meta) >= {"iaStatus", "translations", "nav_primary", "tags", "ACCION"}
    raws = [link.raw for link in term.links]
    assert any("\\|" in raw for raw in raws)  # a table cell link
    assert any("#" in raw and "|" in raw for raw in raws)
    assert any(not any(m in raw for m in MARKERS) for raw in raws)  # no level marker
    assert notes[vault.index_notes["es"]].parent is None
    assert _files(vault.root) == _files(generate_vault(tmp_path / "b", 20, seed=7).root)


@pytest.mark.parametrize("case", ["check", "check-warm"])
def test_runner_measures_glosa_check(tmp_path: Path, case: str) -> None:
    vault = generate_vault(tmp_path / "vault", 20)
    configs = write_configs(tmp_path, vault.root, vault.index_notes["es"])
    result = measure_case(case, configs, vault.root, tmp_path, timeout=120, repeat=2)
    assert result.status == "ok", result.detail
    assert result.detail == "0 errors, 0 warnings"
    assert result.wall_s is not None and result.wall_s > 0
    assert result.max_rss_mb is not None and result.max_rss_mb > 10
    # The warm case fills the cache once, unmeasured, and keeps it for every measured run.
    filled = tmp_path / "logs" / "check-warm-fill.log"
    assert filled.exists() == (case == "check-warm")
    assert (configs["glosa"].parent / ".cache" / "glosa").is_dir()


def test_the_template_parts_benchmark_runs() -> None:
    from benchmarks.template_parts import measure

    results = measure(notes=20, pages=8, repeat=1)
    assert set(results) == {"every part rendered, LRU cache", "parts kept, LRU cache",
                            "parts kept, dict cache"}
    assert all(len(times) == 1 and times[0] > 0 for times in results.values())


@pytest.mark.parametrize(("path", "counted"), [
    ("/pagefind/es/pagefind.js", True),
    ("/pagefind/en/index/en_81b7fd0.pf_index", True),
    ("/assets/glosa/names-es.json", True),
    ("/sub/site/assets/glosa/glosa-fuzzy.js?v=1", True),
    ("/search/search_index.json", True),
    ("/assets/glosa/glosa.js", False),
    ("/es/names-of-things/", False),
])
def test_the_first_query_counts_every_file_search_fetches(path: str, counted: bool) -> None:
    assert _is_search_url(path) is counted


def test_sent_size_compresses_text_as_a_server_would(tmp_path: Path) -> None:
    text = b"var names = " + b'"a term", ' * 2000
    (tmp_path / "pagefind").mkdir()
    (tmp_path / "pagefind" / "pagefind.js").write_bytes(text)
    (tmp_path / "pagefind" / "wasm.es.pagefind").write_bytes(gzip.compress(text))
    (tmp_path / "es" / "término").mkdir(parents=True)
    (tmp_path / "es" / "término" / "index.html").write_bytes(b"<p>x</p>")
    assert sent_size(tmp_path, "/pagefind/pagefind.js") == len(gzip.compress(text, 6))
    assert sent_size(tmp_path, "/pagefind/pagefind.js") < len(text) // 10
    assert sent_size(tmp_path, "/pagefind/wasm.es.pagefind") == len(gzip.compress(text))
    assert sent_size(tmp_path, "/es/t%C3%A9rmino/") == len(gzip.compress(b"<p>x</p>", 6))
    assert sent_size(tmp_path, "/missing.js") == 0


def test_the_check_profile_forgets_memo_caches_between_runs(tmp_path: Path) -> None:
    """Each profiled run parses as a new process would; only functools' caches are
    emptied (glosa's command line has a command named `cache_clear`)."""
    from benchmarks.profile_check import _forget_caches, profile

    import glosa.cli.main  # noqa: F401  (its commands must not be run)
    from glosa.reading.wikilinks import _link_parts

    _link_parts("Término ⚫①|etiqueta")
    assert _link_parts.cache_info().currsize > 0
    _forget_caches()
    assert _link_parts.cache_info().currsize == 0
    vault = generate_vault(tmp_path / "vault", 20)
    result = profile(vault.root, top=3, repeat=1)
    assert set(result["phases"]) >= {"walk", "parse", "index", "check", "split_total"}
    assert result["notes"] == vault.notes and len(result["top"]) == 3
