"""The fast frontmatter reader agrees with PyYAML wherever it answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from glosa.reading.frontmatter_fast import load_simple_frontmatter
from glosa.reading.parser import MAX_YAML_NODES, FrontmatterError, _FrontmatterLoader, _load

from .conftest import REPO, seed_note

RESOLVERS = _FrontmatterLoader.yaml_implicit_resolvers
TRICKY = ["yes", "No", "ON", "off", "true", "False", "y", "n", "~", "null", "Null", "", "0",
          "007", "-3", "+4", "1_000", "0x1F", "0o17", "1:30", "1e3", "1.5", ".5", "-.inf",
          ".NaN", "2024-05-06", "2024-05-06T16:50:09.788Z", '""', "''", '"a b"', "'a b'",
          '"a\\"b"', "'it''s'", "[a, b]", "{a: 1}", "&x a", "*x", "!!str 1", "a: b", "a #c",
          "#c", "- a", "? a", "|", ">", "@a", "`a`", "%a", "[[Note ⚫①]]", '"[[Note ⚫①]]"',
          "Ünïcödé", "emoji 🟡③", "a:b", "http://x.y/z", "a,b", "9" * 30, "0:", "a:", "a :b",
          "a\\b", "a' b", 'a" b', "- ", "-", "--- x", "... x", "=", "<<", "1.", "+.5"]
value = st.one_of(st.sampled_from(TRICKY), st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12))
key = st.one_of(st.sampled_from(["lang", "tags", "yes", "null", "a-b", "ACCION", "x_1", "1"]),
                st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True))
line = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", key, value),
    st.builds(lambda k: f"{k}:", key),
    st.builds(lambda v, indent: f"{' ' * indent}- {v}", value, st.integers(0, 4)),
    st.sampled_from(["# comment", "", "   ", "\t- a", "  nested: 1"]),
)


def slow(source: str) -> object:
    try:
        return _load(source, 2)
    except FrontmatterError:
        return "error"
    except Exception:  # any PyYAML failure: the fast path must not have answered
        return "error"


@settings(max_examples=1500, deadline=None)
@given(st.lists(line, max_size=8))
@example(lines=["lang: yes", "tags:", "-  0"])  # blanks after the dash are no value
def test_fast_reader_agrees_with_pyyaml(lines: list[str]) -> None:
    source = "\n".join(lines) + "\n"
    fast = load_simple_frontmatter(source, 2, RESOLVERS, MAX_YAML_NODES)
    if fast is None:
        return
    expected = slow(source)
    assert expected != "error", source
    assert fast == expected, source


def test_fast_reader_takes_the_note_format() -> None:
    block = seed_note("Cliente ⚫①", translations='"[[Customer ⚫①]]"',
                      extra="aliases:\n  - CLV\n  - LTV\n").split("---\n")[1]
    assert load_simple_frontmatter(block, 2, RESOLVERS, MAX_YAML_NODES) == _load(block, 2)


@pytest.mark.parametrize("path", sorted((REPO / "glossary").rglob("*.md"))[:40],
                         ids=lambda p: p.name)
def test_fast_reader_on_the_bundled_glossary(path: Path) -> None:
    block = path.read_text(encoding="utf-8").split("---\n")[1]
    fast = load_simple_frontmatter(block, 2, RESOLVERS, MAX_YAML_NODES)
    assert fast is not None and fast == _load(block, 2)
