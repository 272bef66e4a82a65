"""Scans that stay linear on hostile text, reports no note can forge, and encoding repairs
that never write a letter the text's language does not use (issue items 9, 10, 15)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glosa.checking.diagnostics import Diagnostic, Severity
from glosa.checking.mentions import code_spans
from glosa.checking.report import render
from glosa.reading.encoding import repair_bytes
from glosa.reading.frontmatter_fast import load_simple_frontmatter
from glosa.reading.parser import MAX_YAML_NODES, _FrontmatterLoader

from ..conftest import VaultFactory, seed_note
from .helpers import invoke

RESOLVERS = _FrontmatterLoader.yaml_implicit_resolvers


@pytest.mark.parametrize("value", ["a" + " " * 100_000 + "b", " " * 100_000,
                                   "a " * 50_000 + "b", "- " + " " * 100_000 + "x"])
def test_frontmatter_reader_is_linear_in_blanks(value: str) -> None:
    started = time.perf_counter()
    load_simple_frontmatter(f"key: {value}\nlist:\n  - {value}\n", 2, RESOLVERS,
                            MAX_YAML_NODES)
    assert time.perf_counter() - started < 0.5


def test_check_of_a_note_with_a_long_blank_run_is_quick(make_vault: VaultFactory) -> None:
    note = seed_note("Blancos ⚫①", parent=None, extra="nota: a" + " " * 100_000 + "b\n")
    root = make_vault({"Blancos ⚫①.md": note})
    started = time.perf_counter()
    result = invoke("check", str(root), "--format", "json")
    assert time.perf_counter() - started < 5
    assert json.loads(result.stdout) is not None


def _reference_spans(text: str) -> list[tuple[int, int]]:
    """CommonMark's code spans, the slow obvious way: each maximal run of backticks opens
    a span closed by the next run of the same length."""
    runs = [(m.start(), m.end()) for m in re.finditer(r"`+", text)]
    spans, i = [], 0
    while i < len(runs):
        length = runs[i][1] - runs[i][0]
        for j in range(i + 1, len(runs)):
            if runs[j][1] - runs[j][0] == length:
                spans.append((runs[i][0], runs[j][1]))
                i = j
                break
        i += 1
    return spans


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="`` a\n", max_size=40))
def test_code_spans_follow_commonmark(text: str) -> None:
    assert code_spans(text) == _reference_spans(text)


@pytest.mark.parametrize("body", ["`" + " ``" * 7_000, "`a" * 10_000, "``` `" * 4_000])
def test_mentions_are_linear_on_backtick_runs(make_vault: VaultFactory, body: str) -> None:
    root = make_vault({"Uno ⚫①.md": seed_note("Uno ⚫①", parent=None, body=body),
                       "Dos ⚫①.md": seed_note("Dos ⚫①", parent=None, body="Uno y dos.")})
    started = time.perf_counter()
    result = invoke("mentions", str(root))
    assert time.perf_counter() - started < 3
    assert result.exit_code in (0, 1)


# --- reports -------------------------------------------------------------------------------

HOSTILE = st.lists(st.sampled_from([*"\n\r\t\x1b\x00\x85\u2028\u2029\u202e:%,a ", "::error ",
                                     "0 errors", "::"]), max_size=30).map("".join)


def _diagnostic(message: str, path: str, suggestion: str) -> Diagnostic:
    return Diagnostic("meta-type", Severity.ERROR, path, 3, 1, message, suggestion or None)


@settings(max_examples=400, deadline=None)
@given(message=HOSTILE, path=HOSTILE, suggestion=HOSTILE)
def test_no_note_text_starts_a_line_of_its_own(message: str, path: str,
                                                suggestion: str) -> None:
    diagnostics = [_diagnostic(message, path, suggestion)]
    for fmt in ("text", "github"):
        out = render(diagnostics, fmt, Path("/v"))
        lines = out.split("\n")
        expected = {"text": 2 + bool(suggestion), "github": 1}[fmt]
        assert len(lines) == expected, (fmt, out)
        assert not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202e]", out.replace("\n", "")), out
        if fmt == "github":
            # A workflow command is a line that starts with `::`: there is one, glosa's.
            assert lines[0].startswith("::error file=")
        else:
            assert lines[-1] == "1 error, 0 warnings"
    for fmt in ("json", "sarif"):
        out = render(diagnostics, fmt, Path("/v"))
        assert json.loads(out) and "\n" not in json.dumps(json.loads(out))


def test_a_frontmatter_value_cannot_forge_a_summary(make_vault: VaultFactory) -> None:
    note = seed_note("Falsa ⚫①", parent=None).replace(
        "checked: 0", 'checked: "x\\n0 errors, 0 warnings\\n::error file=a::b"')
    root = make_vault({"Falsa ⚫①.md": note})
    for fmt in ("text", "github"):
        result = invoke("check", str(root), "--format", fmt)
        lines = result.stdout.rstrip("\n").split("\n")
        assert sum(line.startswith("::") for line in lines) == (len(lines) if fmt == "github"
                                                                else 0), result.stdout
        assert [line for line in lines if re.fullmatch(r"\d+ errors?, \d+ warnings?", line)
                ] == ([] if fmt == "github" else [lines[-1]])
        assert not lines[-1].startswith("0 errors")


# --- encoding repair -------------------------------------------------------------------------

WORDS = {"aquí": "aquÃ", "así": "asÃ", "allí": "allÃ", "sí": "sÃ", "mí": "mÃ"}


@pytest.mark.parametrize("word", sorted(WORDS))
@pytest.mark.parametrize("after", ["", " ", ".", ",", "!", ")"])
def test_word_final_i_is_repaired_in_spanish(word: str, after: str) -> None:
    text = f"Está {WORDS[word]}{after}\n"
    repair = repair_bytes(text.encode(), language="es")
    assert repair.refusal is None
    assert repair.repaired == f"Está {word}{after}\n".encode()


@pytest.mark.parametrize("language", [None, "en", "fr"])
def test_word_final_a_tilde_is_refused_where_the_language_is_not_spanish(
        language: str | None) -> None:
    repair = repair_bytes("Está aquÃ y allÃ.\n".encode(), language=language)
    assert repair.repaired is None
    assert repair.refusal is not None and "word-final 'Ã'" in repair.refusal


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"aeiouns ÃÂ©¡³±ºª.,\xa0\xad", "Ã©", "Ã³", "Ã±", "Ã "]),
                max_size=30).map("".join))
def test_spanish_repairs_write_only_spanish_letters(text: str) -> None:
    repair = repair_bytes((text + "\n").encode(), language="es")
    if repair.repaired is None:
        return
    written = repair.repaired.decode("utf-8")
    foreign = {c for c in written if c.isalpha() and c not in text
               and c not in "abcdefghijklmnopqrstuvwxyzñáéíóúüABCDEFGHIJKLMNOPQRSTUVWXYZÑÁÉÍÓÚÜºª"}
    assert not foreign, (text, written)


def test_fix_encoding_repairs_by_the_notes_language(make_vault: VaultFactory) -> None:
    root = make_vault({
        "es/Aquí ⚫①.md": seed_note("Aquí ⚫①", parent=None, body="Está aquÃ."),
        "Sin ⚫①.md": "Está aquÃ.\n",
    })
    result = invoke("fix-encoding", str(root / "es" / "Aquí ⚫①.md"), "--write")
    assert result.exit_code == 0, result.output
    assert "Está aquí." in (root / "es" / "Aquí ⚫①.md").read_text("utf-8")
    result = invoke("fix-encoding", str(root / "Sin ⚫①.md"), "--write")
    assert result.exit_code == 1
    assert "language is not known" in result.output
    assert (root / "Sin ⚫①.md").read_text("utf-8") == "Está aquÃ.\n"
