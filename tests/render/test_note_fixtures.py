"""Constructs the note renderer itself handles (embeds, block ids, nesting), against
fixture files in markdown-it's format (title, ``.``, Markdown, ``.``, expected HTML,
``.``). Every case is a note of one vault, rendered as its own page, beside the notes it
embeds or links (``TARGETS``); pages are at ``<name>/`` (so ``T.md`` is ``../T/``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from glosa import load_vault
from glosa.render import NoteRenderer, RenderedNote, RenderState
from glosa.site.model import SiteModel

from ..conftest import write_vault

FIXTURES = Path(__file__).parent / "fixtures"
NOTE_FIXTURES = ("embeds", "block_ids", "nesting")

TARGETS: dict[str, str | bytes] = {
    "T.md": ("# T\n\nIntro of T.\n\n## Part\n\nPart text ^pb\n\n### Sub\n\nSub text.\n\n"
             "## Other\n\nOther text.\n"),
    "pic.png": b"\x89PNG\r\n\x1a\n",
}


def _cases() -> list[tuple[str, str, str, str]]:
    """(note name, id, Markdown, expected HTML) of every case."""
    cases = []
    for name in NOTE_FIXTURES:
        for at, (line, title, source, expected) in enumerate(
                read_fixture_file(FIXTURES / f"{name}.md")):
            cases.append((f"{name}-{at}", f"{name}:{line + 1}:{title}", source, expected))
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RenderedNote]:
    files = dict(TARGETS)
    files.update({f"{note}.md": source for note, _, source, _ in CASES})
    root = write_vault(tmp_path_factory.mktemp("notes") / "vault", files)
    vault = load_vault(root)
    model = SiteModel(vault)
    renderer = NoteRenderer()
    out = {}
    for note, _, _, _ in CASES:
        found = vault.index.note_at(f"{note}.md")
        assert found is not None
        state = RenderState(model, lambda p: p[:-3] + "/" if p.endswith(".md") else p,
                            f"{note}/", found, tag_href=lambda tag: f"/tags/{tag}/")
        out[note] = renderer.render_note(state, keep_structure_lines=True)
    return out


@pytest.mark.parametrize(("note", "source", "expected"),
                         [pytest.param(n, s, e, id=i) for n, i, s, e in CASES])
def test_fixture(pages: dict[str, RenderedNote], note: str, source: str,
                 expected: str) -> None:
    assert pages[note].html == expected


def test_every_construct_has_its_fixture_file() -> None:
    for name in NOTE_FIXTURES:
        assert len(read_fixture_file(FIXTURES / f"{name}.md")) >= 4, name
