"""Work split with a forked process: same result as one process, whatever the child does."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from glosa import GlosaConfig
from glosa.reading.workers import split_work

from .conftest import seed_note

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX-only")


@pytest.fixture(autouse=True)
def fork_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Other tests leave threads behind (browsers, servers), which makes glosa keep to one
    process; these tests are about the split itself."""
    import glosa.reading.workers

    monkeypatch.setattr(glosa.reading.workers, "_can_fork", lambda: True)


def squares(items: Sequence[int]) -> list[tuple[int, int]]:
    return [(n * n, os.getpid()) for n in items]


def test_the_second_part_is_done_by_another_process() -> None:
    parts = split_work(squares, list(range(100)), min_items=10)
    assert len(parts) == 2
    assert [n for part in parts for n, _ in part] == [n * n for n in range(100)]
    assert {pid for _, pid in parts[0]} == {os.getpid()}
    assert os.getpid() not in {pid for _, pid in parts[1]}


def test_small_inputs_stay_in_one_process() -> None:
    assert split_work(squares, [1, 2, 3], min_items=10) == [squares([1, 2, 3])]


def test_a_failing_child_is_redone_here() -> None:
    parent = os.getpid()

    def fragile(items: Sequence[int]) -> list[int]:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return [n + 1 for n in items]

    assert split_work(fragile, list(range(20)), min_items=2) == [
        list(range(1, 11)), list(range(11, 21))]


def test_a_child_that_dies_is_redone_here() -> None:
    parent = os.getpid()

    def dying(items: Sequence[int]) -> list[int]:
        if os.getpid() != parent:
            os._exit(9)
        return list(items)

    assert split_work(dying, list(range(20)), min_items=2) == [list(range(10)),
                                                              list(range(10, 20))]


def test_encode_and_decode_carry_the_result() -> None:
    parts = split_work(lambda items: set(items), list(range(10)), min_items=2,
                       encode=sorted, decode=frozenset)
    assert parts == [set(range(5)), frozenset(range(5, 10))]


def test_decoded_parent_and_legend_are_links_of_the_note(tmp_path: Path) -> None:
    """Code asks `link is note.legend`: the decoded legend and parent links are the
    objects in the decoded note's links, not equal copies (else the legend line would
    count as a backlink of the legend on every page of notes read in a second process or
    from the cache)."""
    from glosa.reading.vault import decode_notes, encode_notes, read_notes_here

    path = tmp_path / "Gato 🟡③.md"
    path.write_text(seed_note("Gato 🟡③", parent="Animal ⚫①"), encoding="utf-8")
    (note,) = decode_notes(encode_notes(read_notes_here([(path, path.name)], GlosaConfig())))
    assert note.legend is not None and note.parent is not None
    assert any(link is note.legend for link in note.links)
    assert any(link is note.parent for link in note.links)


def _check_split_or_not(root: Path, monkeypatch: pytest.MonkeyPatch,
                        split: bool) -> list[tuple[str, str, int, int, str]]:
    import glosa.reading.workers
    from glosa.checking.folder import check_folder

    monkeypatch.setattr(glosa.reading.workers, "MIN_ITEMS", 2 if split else 1 << 30)
    diagnostics, _ = check_folder(root, GlosaConfig(profile="obsidian"))
    return [(d.rule, d.path, d.line, d.column, d.message) for d in diagnostics]


def test_links_to_unpublished_notes_and_block_embeds_are_checked_alike_in_two_processes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second half's notes reach the first process as stubs: what the checks across
    notes read of them (whether they are published, the lines of a block) must be there,
    and the second half's own links to unpublished notes must be reported."""
    from .conftest import write_vault

    root = write_vault(tmp_path / "v", {
        "a.md": "See [[f]].\n\n![[e#^blk]]\n",
        "b.md": "Plain.\n",
        "c.md": "---\ndraft: true\n---\nHidden.\n",
        "d.md": "See [[c]] and [[f]].\n",
        # A legend line: a stub of such a note may leave out its body.
        "e.md": "one\ntwo ![[a]]\nthree ^blk\n\n[[g]] | ①②③④⑤⑥\n",
        "f.md": "---\npublish: false\n---\nHidden too.\n",
        "g.md": "Levels.\n",
    })
    alone = _check_split_or_not(root, monkeypatch, split=False)
    assert [(rule, path, line) for rule, path, line, *_ in alone] == [
        ("link-unpublished", "a.md", 1), ("link-unpublished", "d.md", 1),
        ("link-unpublished", "d.md", 1), ("embed-cycle", "e.md", 2)]
    assert _check_split_or_not(root, monkeypatch, split=True) == alone
