"""The did-you-mean search over many names chooses what the plain search over all of them
chooses: the same names, in the same order, ties included."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import glosa.reading.closest
from glosa.reading.closest import MIN_NAMES, NameSearch
from glosa.reading.markers import normalize_key
from glosa.reading.resolver import _closest

SYLLABLES = ["cli", "en", "te", "ma", "ña", "ción", "pa", "go", "a", "e", " ", "2", "ü", "x"]


def _names(count: int, seed: int) -> dict[str, str]:
    """Names made of few syllables, so that many share a score with a query; some repeat
    (in another case or with a marker), as titles of a vault do."""
    chooser = random.Random(seed)
    names: dict[str, str] = {}
    while len(names) < count:
        title = "".join(chooser.choice(SYLLABLES) for _ in range(chooser.randint(1, 8)))
        for name in (title, title.upper(), f"{title} ⚫①"):
            names.setdefault(name, normalize_key(name))
    return names


NAMES = _names(MIN_NAMES + 200, 7)


@pytest.fixture(autouse=True)
def counts_from_the_first_search(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(glosa.reading.closest, "PLAIN_SEARCHES", 0)


def _fast(query: str, names: dict[str, str] = NAMES) -> tuple[str, ...]:
    search = NameSearch(names, _closest, normalize_key)
    return search.closest(query)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*SYLLABLES, "Cli", "⚫①", "\ufe0f", "z", "  "]),
                max_size=10).map("".join))
def test_the_closest_names_are_those_of_the_search_over_every_name(query: str) -> None:
    assert _fast(query) == _closest(query, NAMES)


def test_many_queries_on_one_search_and_every_score() -> None:
    search = NameSearch(NAMES, _closest, normalize_key)
    chooser = random.Random(3)
    queries = [name for name in list(NAMES)[::37]] + [
        "".join(chooser.choice(SYLLABLES) for _ in range(chooser.randint(1, 9)))
        for _ in range(300)]
    answers = [search.closest(query) for query in queries]
    assert answers == [_closest(query, NAMES) for query in queries]
    assert sum(1 for answer in answers if len(answer) == 3) > 100  # the searches found names
    for limit in (1, 5):
        assert search.closest("clienteee", limit) == _closest("clienteee", NAMES, limit)


def test_few_names_and_long_queries_are_searched_over_every_name(
        monkeypatch: pytest.MonkeyPatch) -> None:
    few = dict(list(NAMES.items())[:50])
    assert _fast("clien", few) == _closest("clien", few)
    calls: list[str] = []

    def plain(query: str, names: dict[str, str], limit: int) -> tuple[str, ...]:
        calls.append(query)
        return _closest(query, names, limit)

    search = NameSearch(NAMES, plain, normalize_key)
    search.closest("cliente")
    search.closest("a" * 300)
    assert calls == ["a" * 300]


def test_without_numpy_every_search_is_over_every_name(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "numpy", None)  # `import numpy` fails
    calls: list[str] = []

    def plain(query: str, names: dict[str, str], limit: int) -> tuple[str, ...]:
        calls.append(query)
        return _closest(query, names, limit)

    search = NameSearch(NAMES, plain, normalize_key)
    assert [search.closest(q) for q in ("cliente", "pago")] == [
        _closest(q, NAMES) for q in ("cliente", "pago")]
    assert calls == ["cliente", "pago"]
