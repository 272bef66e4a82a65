"""glosa new and glosa bump: what they write, what they refuse, what they leave alone."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from glosa.checking.checks import SEED_KEYS
from glosa.cli.main import main
from glosa.editing.authoring import (
    AuthoringError,
    AuthoringUsageError,
    bump_version,
    parse_timestamp,
    plan_bump,
    plan_new_note,
    timestamp,
)
from glosa.reading.parser import load_frontmatter
from glosa.reading.vault import load_vault

from .conftest import VaultFactory, seed_note

LEGEND_EN = "[[Legend 🔴②]] | ①②③④⑤⑥ | ⚫① 🔴② 🟡③ 🟢④ 🔵⑤ ⚪⑥"
VAULT = {
    "Índice ⚫①.md": seed_note("Índice ⚫①", parent=None, body="[[Cliente ⚫①]]",
                              translations='"[[Index ⚫①]]"'),
    "Leyenda 🔴②.md": seed_note("Leyenda 🔴②", translations='"[[Legend 🔴②]]"'),
    "es/Cliente ⚫①.md": seed_note("Cliente ⚫①"),
    "en/Index ⚫①.md": seed_note("Index ⚫①", lang="EN", parent=None,
                                translations='"[[Índice ⚫①]]"', legend=LEGEND_EN),
    "en/Legend 🔴②.md": seed_note("Legend 🔴②", lang="EN", parent="Index ⚫①",
                                  translations='"[[Leyenda 🔴②]]"', legend=LEGEND_EN),
}
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
NOW = datetime(2025, 1, 2, 3, 4, 5, 678_901, tzinfo=timezone.utc)


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def frontmatter(path: Path) -> tuple[list[str], dict[str, object]]:
    text = path.read_text("utf-8")
    block = text.split("---\n")[1]
    meta = load_frontmatter(block)[0]
    return list(meta), meta


# --- glosa new ---------------------------------------------------------------------------


def test_new_writes_every_key_in_the_format_order(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    code, output = invoke("new", "Cliente digital", "--lang", "es", "--level", "2",
                          "--parent", "cliente", "--tags", "clientes,#digital",
                          "--vault", str(root))
    assert code == 0, output
    path = root / "es" / "Cliente digital 🔴②.md"
    assert output.strip() == f"created {path}"
    keys, meta = frontmatter(path)
    assert keys == list(SEED_KEYS)
    assert meta["iaStatus"] == 0 and meta["iaStatus_Model"] == "" and meta["a11y"] == 0
    assert meta["checked"] == 0 and meta["lang"] == "ES" and meta["translations"] is None
    assert meta["supervisado"] == "" and meta["ACCION"] == ""
    assert (meta["ver_major"], meta["ver_minor"], meta["ver_rev"]) == (0, 1, 0)
    assert meta["nav_primary"] is None and meta["nav_secondary"] is None
    assert meta["tags"] == ["clientes", "digital"]
    assert STAMP.fullmatch(str(meta["created"])) and meta["created"] == meta["modified"]
    body = path.read_text("utf-8").split("---\n", 2)[2]
    assert body == (
        "# Cliente digital 🔴②\n\n"
        "[[Cliente ⚫①]]\n\n"
        "[[Leyenda 🔴②]] | ①②③④⑤⑥ | ⚫① 🔴② 🟡③ 🟢④ 🔵⑤ ⚪⑥\n"
    )
    code, output = invoke("check", str(root))
    assert code == 0, output


def test_new_note_is_read_back_as_planned(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    vault = load_vault(root)
    planned = plan_new_note(vault, "Valor  de vida", lang="ES", level=4, parent="Índice ⚫①",
                            folder="es/metricas", nav_primary="Métricas: valor",
                            now=NOW)
    assert planned.rel == "es/metricas/Valor de vida 🟢④.md"
    assert "created: 2025-01-02T03:04:05.678Z\nmodified: 2025-01-02T03:04:05.678Z\n" \
        in planned.content
    assert 'nav_primary: "Métricas: valor"\n' in planned.content
    assert "\n[[Índice ⚫①]]\n" in planned.content


def test_new_uses_the_legend_of_its_language(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    code, output = invoke("new", "Customer", "--lang", "EN", "--level", "1", "--parent",
                          "Index", "--vault", str(root))
    assert code == 0, output
    text = (root / "en" / "Customer ⚫①.md").read_text("utf-8")
    assert text.endswith("\n[[Legend 🔴②]] | ①②③④⑤⑥ | ⚫① 🔴② 🟡③ 🟢④ 🔵⑤ ⚪⑥\n")
    assert "\nlang: EN\n" in text


def test_new_without_a_legend_in_the_vault_needs_the_option(
        make_vault: VaultFactory) -> None:
    root = make_vault({"Índice ⚫①.md": seed_note("Índice ⚫①", parent=None, legend="Fin.")})
    code, output = invoke("new", "Cliente", "--lang", "es", "--level", "1", "--parent",
                          "Índice", "--vault", str(root))
    assert code == 1
    assert "pass --legend" in output
    code, output = invoke("new", "Leyenda", "--lang", "es", "--level", "2", "--parent",
                          "Índice", "--legend", "Índice", "--vault", str(root))
    assert code == 0, output


def test_new_unknown_parent_suggests_and_writes_nothing(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    before = sorted(p.name for p in root.rglob("*.md"))
    code, output = invoke("new", "Cliente digital", "--lang", "es", "--level", "2",
                          "--parent", "Clientes", "--vault", str(root))
    assert code == 1
    assert "no parent note 'Clientes'" in output
    assert "did you mean 'Cliente ⚫①'" in output
    assert "Traceback" not in output
    assert sorted(p.name for p in root.rglob("*.md")) == before


@pytest.mark.parametrize("level", ["0", "7", "-1", "dos"])
def test_new_bad_level_is_a_usage_error(make_vault: VaultFactory, level: str) -> None:
    root = make_vault(VAULT)
    code, output = invoke("new", "Cliente digital", "--lang", "es", "--level", level,
                          "--parent", "Cliente", "--vault", str(root))
    assert code == 2
    assert "level" in output.lower()


@pytest.mark.parametrize(("title", "words"), [
    ("Cliente ⚫①", "without its level marker"),
    ("Cliente/digital", "cannot contain"),
    ("Qué es [esto]", "cannot contain"),
    ("   ", "empty"),
])
def test_new_bad_title_is_a_usage_error(make_vault: VaultFactory, title: str,
                                        words: str) -> None:
    root = make_vault(VAULT)
    code, output = invoke("new", title, "--lang", "es", "--level", "2", "--parent",
                          "Cliente", "--vault", str(root))
    assert code == 2
    assert words in output


def test_new_unknown_language_is_a_usage_error(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    code, output = invoke("new", "Kunde", "--lang", "de", "--level", "1", "--parent",
                          "Index", "--vault", str(root))
    assert code == 2
    assert "language 'de' is not configured" in output


def test_new_refuses_an_existing_title_in_that_language(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    target = root / "es" / "Cliente ⚫①.md"
    before = target.read_bytes()
    # Same title, other level, other folder: still the same concept name.
    code, output = invoke("new", "CLIENTE", "--lang", "es", "--level", "3", "--parent",
                          "Índice", "--vault", str(root))
    assert code == 1
    assert "already exists" in output and "Cliente ⚫①.md" in output
    assert target.read_bytes() == before


def test_new_refuses_an_existing_file(make_vault: VaultFactory) -> None:
    files = dict(VAULT)
    files["es/Otro 🔴②.md"] = seed_note("Otro 🔴②", lang="EN")
    root = make_vault(files)
    target = root / "es" / "Otro 🔴②.md"
    before = target.read_bytes()
    code, output = invoke("new", "Otro", "--lang", "es", "--level", "2", "--parent",
                          "Cliente", "--vault", str(root))
    assert code == 1
    assert f"{target}: the file already exists" in output
    assert target.read_bytes() == before


def test_new_same_title_in_the_other_language_is_fine(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    code, output = invoke("new", "Cliente", "--lang", "en", "--level", "1", "--parent",
                          "Index", "--vault", str(root))
    assert code == 0, output
    assert (root / "en" / "Cliente ⚫①.md").is_file()


def test_new_needs_a_parent_or_root(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    code, output = invoke("new", "Otro índice", "--lang", "es", "--level", "1",
                          "--vault", str(root))
    assert code == 2
    assert "--parent" in output
    code, output = invoke("new", "Otro índice", "--lang", "es", "--level", "1", "--root",
                          "--vault", str(root))
    assert code == 0, output
    text = (root / "Otro índice ⚫①.md").read_text("utf-8")
    assert "# Otro índice ⚫①\n\n[[Leyenda 🔴②]] |" in text


def test_new_dry_run_writes_nothing(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    code, output = invoke("new", "Cliente digital", "--lang", "es", "--level", "2",
                          "--parent", "Cliente", "--vault", str(root), "--dry-run")
    assert code == 0, output
    assert "+# Cliente digital 🔴②" in output
    assert not (root / "es" / "Cliente digital 🔴②.md").exists()


def test_new_folder_must_stay_in_the_vault(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    code, output = invoke("new", "Fuera", "--lang", "es", "--level", "2", "--parent",
                          "Cliente", "--folder", "../fuera", "--vault", str(root))
    assert code == 2
    assert "inside the vault" in output


def test_new_ambiguous_parent_asks_for_a_path(make_vault: VaultFactory) -> None:
    files = dict(VAULT)
    files["a/Doble 🟡③.md"] = seed_note("Doble 🟡③")
    files["b/Doble 🟡③.md"] = seed_note("Doble 🟡③")
    root = make_vault(files)
    code, output = invoke("new", "Hijo", "--lang", "es", "--level", "4", "--parent", "Doble",
                          "--vault", str(root))
    assert code == 1
    assert "matches several notes" in output
    code, output = invoke("new", "Hijo", "--lang", "es", "--level", "4", "--parent",
                          "b/Doble", "--vault", str(root))
    assert code == 0, output
    text = (root / "b" / "Hijo 🟢④.md").read_text("utf-8")
    # From b/, [[Doble 🟡③]] opens b/Doble (same folder wins), so the name is exact.
    assert "\n[[Doble 🟡③]]\n" in text


def test_plan_new_note_errors_are_typed(make_vault: VaultFactory) -> None:
    vault = load_vault(make_vault(VAULT))
    with pytest.raises(AuthoringUsageError):
        plan_new_note(vault, "X", lang="es", level=9, parent="Cliente")
    with pytest.raises(AuthoringError):
        plan_new_note(vault, "X", lang="es", level=2, parent="Nadie")


# --- glosa bump --------------------------------------------------------------------------

HAND_WRITTEN = (
    "---\r\n"
    "# written by hand\r\n"
    "iaStatus: 0\r\n"
    "lang:   ES   # spaces kept\r\n"
    "aliases: [cliente final]\r\n"
    "created: '2024-05-06T16:50:09.788Z'\r\n"
    'modified: "2024-05-06T16:54:16.647Z"  # quoted\r\n'
    "ver_rev: 7\r\n"
    "ver_major: 0\r\n"
    "ver_minor:    4 # odd spacing\r\n"
    "tags:\r\n"
    "- b\r\n"
    "- a\r\n"
    "---\r\n"
    "# Cliente ⚫①\r\n"
    "\r\n"
    "ver_rev: 7 in the body is not the version.\r\n"
)


def changed_lines(before: bytes, after: bytes) -> list[tuple[bytes, bytes]]:
    old, new = before.split(b"\n"), after.split(b"\n")
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def test_bump_rev_changes_only_version_and_modified(tmp_path: Path) -> None:
    path = tmp_path / "Cliente ⚫①.md"
    path.write_bytes(b"\xef\xbb\xbf" + HAND_WRITTEN.encode())
    before = path.read_bytes()
    plan = plan_bump(path, now=NOW)
    assert changed_lines(before, plan.rewrite.after) == [
        (b'modified: "2024-05-06T16:54:16.647Z"  # quoted\r',
         b'modified: "2025-01-02T03:04:05.678Z"  # quoted\r'),
        (b"ver_rev: 7\r", b"ver_rev: 8\r"),
    ]
    assert path.read_bytes() == before  # planning writes nothing


@pytest.mark.parametrize(("flag", "expected"), [
    ("--major", [(b"ver_rev: 7\r", b"ver_rev: 0\r"), (b"ver_major: 0\r", b"ver_major: 1\r"),
                 (b"ver_minor:    4 # odd spacing\r", b"ver_minor:    0 # odd spacing\r")]),
    ("--minor", [(b"ver_rev: 7\r", b"ver_rev: 0\r"),
                 (b"ver_minor:    4 # odd spacing\r", b"ver_minor:    5 # odd spacing\r")]),
    ("--rev", [(b"ver_rev: 7\r", b"ver_rev: 8\r")]),
])
def test_bump_cli_parts(tmp_path: Path, flag: str,
                        expected: list[tuple[bytes, bytes]]) -> None:
    path = tmp_path / "Cliente ⚫①.md"
    path.write_bytes(HAND_WRITTEN.encode())
    before = path.read_bytes()
    code, output = invoke("bump", str(path), flag)
    assert code == 0, output
    assert output.startswith(f"bumped {path}: 0.4.7 → ")
    changes = changed_lines(before, path.read_bytes())
    assert [c for c in changes if not c[0].startswith(b"modified")] == expected
    (modified,) = [c for c in changes if c[0].startswith(b"modified")]
    assert re.fullmatch(rb'modified: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"  # quoted\r',
                        modified[1])


def test_bump_default_is_rev_and_reads_a_title(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    path = root / "es" / "Cliente ⚫①.md"
    code, output = invoke("bump", "cliente", "--vault", str(root))
    assert code == 0, output
    assert "0.4.1 → 0.4.2" in output
    assert "ver_rev: 2\n" in path.read_text("utf-8")


def test_bump_dry_run_prints_a_diff(tmp_path: Path) -> None:
    path = tmp_path / "Nota ⚫①.md"
    path.write_text(seed_note("Nota ⚫①"), encoding="utf-8")
    before = path.read_bytes()
    code, output = invoke("bump", str(path), "--minor", "--dry-run")
    assert code == 0, output
    assert "-ver_minor: 4\n-ver_rev: 1\n+ver_minor: 5\n+ver_rev: 0\n" in output
    assert "-modified: 2024-05-06T16:54:16.647Z\n" in output
    assert path.read_bytes() == before


def test_bump_refuses_two_parts(tmp_path: Path) -> None:
    path = tmp_path / "Nota ⚫①.md"
    path.write_text(seed_note("Nota ⚫①"), encoding="utf-8")
    code, output = invoke("bump", str(path), "--major", "--minor")
    assert code == 2
    assert "choose one" in output


def test_bump_missing_note(make_vault: VaultFactory) -> None:
    root = make_vault(VAULT)
    code, output = invoke("bump", "Clientes", "--vault", str(root))
    assert code == 1
    assert "no note 'Clientes'" in output and "did you mean 'Cliente ⚫①'" in output


@pytest.mark.parametrize(("text", "words"), [
    (seed_note("N ⚫①").replace("ver_minor: 4", 'ver_minor: "4"'), "'ver_minor' is '4'"),
    (seed_note("N ⚫①").replace("ver_rev: 1\n", ""), "no 'ver_rev' key"),
    (seed_note("N ⚫①").replace("ver_rev: 1\n", "ver_rev: 1\nver_rev: 2\n"), "written twice"),
    ("# N ⚫①\n\nno frontmatter\n", "no frontmatter"),
    ("---\nver_rev: [\n---\n", "not valid YAML"),
])
def test_bump_refusals_name_the_file(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "N ⚫①.md"
    path.write_text(text, encoding="utf-8")
    code, output = invoke("bump", str(path))
    assert code == 1
    assert str(path) in output and words in output
    assert "Traceback" not in output
    assert path.read_text("utf-8") == text


def test_bump_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "N ⚫①.md"
    path.write_text(seed_note("N ⚫①"), encoding="utf-8")
    path.chmod(0o640)
    assert invoke("bump", str(path))[0] == 0
    assert path.stat().st_mode & 0o777 == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_bump_invalid_utf8_elsewhere_is_carried_through(tmp_path: Path) -> None:
    path = tmp_path / "N ⚫①.md"
    data = seed_note("N ⚫①", body="caf\xe9").encode().replace(b"caf\xc3\xa9", b"caf\xe9")
    path.write_bytes(data)
    plan = plan_bump(path, now=NOW)
    assert b"caf\xe9" in plan.rewrite.after
    assert len(changed_lines(data, plan.rewrite.after)) == 2


def test_versions_and_timestamps() -> None:
    assert bump_version((1, 2, 3), "major") == (2, 0, 0)
    assert bump_version((1, 2, 3), "minor") == (1, 3, 0)
    assert bump_version((1, 2, 3), "rev") == (1, 2, 4)
    assert timestamp(NOW) == "2025-01-02T03:04:05.678Z"
    assert parse_timestamp("2025-01-02T03:04:05.678Z") == NOW.replace(microsecond=678_000)
    assert parse_timestamp("2025-01-02") == datetime(2025, 1, 2, tzinfo=timezone.utc)
    assert parse_timestamp("ayer") is None


_LINE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"),
                max_size=40)
# YAML comments take printable text only (no control characters or line separators).
_COMMENT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
                   max_size=40)


@settings(max_examples=60, deadline=None)
@given(comments=st.lists(_COMMENT, max_size=4), body=st.lists(_LINE, max_size=10))
def test_bump_never_touches_other_lines(comments: list[str], body: list[str]) -> None:
    frontmatter_comments = "".join(f"# {c}\n" for c in comments)
    text = seed_note("N ⚫①", extra=frontmatter_comments, body="\n".join(body))
    with TemporaryDirectory() as folder:
        path = Path(folder) / "N ⚫①.md"
        path.write_text(text, encoding="utf-8")
        plan = plan_bump(path, now=NOW)
    changes = changed_lines(text.encode(), plan.rewrite.after)
    assert changes == [
        (b"modified: 2024-05-06T16:54:16.647Z", b"modified: 2025-01-02T03:04:05.678Z"),
        (b"ver_rev: 1", b"ver_rev: 2"),
    ]
