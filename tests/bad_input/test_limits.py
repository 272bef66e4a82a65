"""Hostile frontmatter and bodies are refused fast, with a clear message, and run nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from glosa import check_vault, load_vault
from glosa.reading.parser import FrontmatterError, load_frontmatter
from glosa.reading.wikilinks import scan_body

from ..conftest import VaultFactory, seed_note
from .cases import BASE, BILLION_LAUGHS, CASES


def _bomb(width: int, depth: int) -> str:
    first = ", ".join(["lol"] * width)
    return f"l0: &l0 [{first}]\n" + "".join(
        f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]\n" for i in range(1, depth))


@pytest.mark.parametrize(("source", "line"), [
    (BILLION_LAUGHS, 6),  # 9 ** 9 values
    (_bomb(20, 30), 5),  # 20 ** 30 values
    ("a: &a [*a, *a, *a]\n" + _bomb(100, 3), 4),
])
def test_alias_bomb_is_refused_fast(source: str, line: int) -> None:
    start = time.perf_counter()
    with pytest.raises(FrontmatterError, match="through YAML aliases") as refused:
        load_frontmatter(source)
    assert time.perf_counter() - start < 0.1
    assert refused.value.line == line


def test_alias_bomb_note_is_checked_fast(make_vault: VaultFactory) -> None:
    case = next(c for c in CASES if c.id == "fm-alias-bomb")
    root = make_vault({**BASE, **case.files})
    start = time.perf_counter()
    diagnostics = check_vault(load_vault(root))
    assert time.perf_counter() - start < 0.5
    [refusal] = [d for d in diagnostics if d.rule == "frontmatter-invalid"]
    assert refusal.message == ("frontmatter expands to more than 10000 values through YAML "
                               "aliases (an alias bomb?); refused")


def test_many_plain_values_are_not_called_a_bomb() -> None:
    with pytest.raises(FrontmatterError) as refused:
        load_frontmatter("".join(f"k{i}: {i}\n" for i in range(5_001)))
    assert "alias" not in str(refused.value)


DEEP = {
    "flow list": "a: " + "[" * 100_000,
    "flow mapping": "a: " + "{b: " * 100_000,
    "block list": "- " * 100_000 + "x",
    "explicit keys": "? " * 100_000,
    "balanced": "a: " + "[" * 60_000 + "]" * 60_000,
}
_PROBE = """
import json, sys, time
from glosa.reading.parser import FrontmatterError, load_frontmatter
for source in json.load(sys.stdin):
    start = time.perf_counter()
    try:
        load_frontmatter(source)
        print(json.dumps(None))
    except FrontmatterError as exc:
        print(json.dumps([exc.line, str(exc), time.perf_counter() - start]))
"""


def test_deep_nesting_is_refused_not_a_crash() -> None:
    """In a child process: libyaml overflowed the C stack here, killing the process."""
    completed = subprocess.run([sys.executable, "-c", _PROBE], input=json.dumps(list(
        DEEP.values())), text=True, capture_output=True, timeout=60, check=False)
    assert completed.returncode == 0, completed.stderr[-500:]
    results = dict(zip(DEEP, map(json.loads, completed.stdout.splitlines()), strict=True))
    for name, (line, message, seconds) in results.items():
        assert (line, message) == (2, "frontmatter nests deeper than 100 levels"), name
        assert seconds < 0.5, name


def test_python_tags_run_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for tag in ("!!python/object/apply:os.system", "!!python/object/new:os.system",
                "!!python/object/apply:subprocess.call"):
        with pytest.raises(FrontmatterError, match="only plain YAML values are allowed"):
            load_frontmatter(f'a: {tag} [["touch", "pwned"]]\n')
        with pytest.raises(FrontmatterError, match="only plain YAML values are allowed"):
            load_frontmatter(f'a: {tag} ["touch pwned"]\n')
    assert list(tmp_path.iterdir()) == []


LONG_LINES = {
    "heading of blanks": "# a" + " " * 100_000 + "b",  # took minutes: the pattern backtracked
    "heading of brackets": "## " + "[" * 100_000,
    "heading of open links": "## " + "[a](" * 25_000,
    "heading of angles": "# " + "<" * 100_000,
    "block ids": "x" + " ^" * 50_000 + "!",
    "code spans": "`" + "``x" * 30_000 + "[[a]]",
    "open wiki-links": "[[" * 50_000,
}


@pytest.mark.parametrize("line", list(LONG_LINES.values()), ids=list(LONG_LINES))
def test_long_hostile_lines_scan_in_linear_time(line: str) -> None:
    start = time.perf_counter()
    scan_body(line)
    assert time.perf_counter() - start < 0.5


def test_long_hostile_urls_check_in_linear_time(make_vault: VaultFactory) -> None:
    body = "\n".join(["](" + " " * 100_000 + "x", "](" * 50_000, "[a]: " + "&amp;" * 20_000])
    root = make_vault({**BASE, "Largo ⚫①.md": seed_note("Largo ⚫①", body=body)})
    start = time.perf_counter()
    check_vault(load_vault(root))
    assert time.perf_counter() - start < 1
