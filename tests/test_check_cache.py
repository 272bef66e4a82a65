"""`glosa check` through the persistent cache gives what a cold check gives, after any
edits, renames and deletions; it re-reads and re-checks only what changed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glosa import GlosaConfig, check_vault, load_vault
from glosa.cache import CacheStore
from glosa.checking.folder import check_folder
from glosa.reading import filebytes
from glosa.reading.vault import vault_entry

from .conftest import age_files, seed_note, write_vault

NAMES = ["Cliente ⚫①", "Venta 🔴②", "Precio 🟡③", "Marca 🟢④", "Canal 🔵⑤", "Oferta ⚪⑥"]
FOLDERS = ["", "es/", "es/sub/"]
HEADINGS = ["Uso", "Ejemplo", "Notas"]


def _link(draw_name: str, form: int) -> str:
    """A link to ``draw_name`` in one of the forms a vault writes."""
    bare = draw_name.split(" ")[0]
    return [f"[[{draw_name}]]", f"[[{bare}]]", f"[[{draw_name}#Uso]]", f"[[{bare}#^b1]]",
            f"![[{draw_name}#Ejemplo]]", f"[x]({draw_name.replace(' ', '%20')}.md)",
            f"[[es/{draw_name}]]", f"[[../{bare}]]", f"[[{bare}.png]]", f"[[Apodo {bare}]]",
            f"[[{draw_name}|etiqueta]]", f"[[#{HEADINGS[0]}]]"][form]


links = st.lists(st.tuples(st.sampled_from(NAMES), st.integers(0, 11)), max_size=4)


@st.composite
def note_text(draw: st.DrawFn, title: str) -> str:
    headings = draw(st.lists(st.sampled_from(HEADINGS), unique=True, max_size=3))
    body = " ".join(_link(name, form) for name, form in draw(links))
    sections = "".join(f"\n\n## {h}\n\nTexto {h}." for h in headings)
    block = " ^b1" if draw(st.booleans()) else ""
    aliases = draw(st.sampled_from(["", f"aliases: [Apodo {title.split(' ')[0]}]\n"]))
    translations = draw(st.sampled_from(["", '"[[Client ⚫①]]"']))
    return seed_note(title, body=f"Definición {body}{block}{sections}",
                     translations=translations, extra=aliases)


def _base() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "Índice ⚫①.md": seed_note("Índice ⚫①", parent=None, body="[[Cliente ⚫①]]"),
        "Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
        "en/Client ⚫①.md": seed_note("Client ⚫①", lang="EN",
                                      translations='"[[Cliente ⚫①]]"'),
        "Venta.png": b"\x89PNG",
    }
    for at, name in enumerate(NAMES):
        files[f"{FOLDERS[at % 3]}{name}.md"] = seed_note(
            name, body=f"[[{NAMES[(at + 1) % len(NAMES)]}]] ![[{NAMES[at - 1]}#Uso]]\n\n"
                       "## Uso\n\nTexto ^b1\n\n## Ejemplo\n\n![[Venta.png]]")
    return files


@st.composite
def edits(draw: st.DrawFn) -> list[tuple[str, ...]]:
    steps: list[tuple[str, ...]] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["edit", "rename", "delete", "add", "touch", "file",
                                     "template"]))
        name = draw(st.sampled_from(NAMES))
        if kind in ("edit", "add"):
            steps.append((kind, name, draw(st.sampled_from(FOLDERS)), draw(note_text(name))))
        elif kind == "rename":
            steps.append((kind, name, draw(st.sampled_from(FOLDERS)),
                          draw(st.sampled_from([*NAMES, "Nuevo 🔴②", "Cliente"]))))
        else:
            steps.append((kind, name))
    return steps


def _find(root: Path, name: str) -> Path | None:
    found = sorted(root.rglob(f"{name}.md"))
    return found[0] if found else None


def _apply(root: Path, step: tuple[str, ...]) -> None:
    kind, name = step[0], step[1]
    path = _find(root, name)
    if kind == "edit" and path is not None:
        path.write_text(step[3], "utf-8")
    elif kind == "add":
        target = root / step[2] / f"{name}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(step[3], "utf-8")
    elif kind == "rename" and path is not None:
        target = root / step[2] / f"{step[3]}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
    elif kind == "delete" and path is not None:
        path.unlink()
    elif kind == "touch" and path is not None:
        path.write_bytes(path.read_bytes())
    elif kind == "file":
        image = root / f"{name.split(' ')[0]}.png"
        if image.exists():
            image.unlink()
        else:
            image.write_bytes(b"\x89PNG")
    elif kind == "template":
        folder = root / ".obsidian"
        folder.mkdir(exist_ok=True)
        (folder / "templates.json").write_text('{"folder": "es/sub"}', "utf-8")


def _cold(root: Path, config: GlosaConfig) -> list[object]:
    return list(check_vault(load_vault(root, config)))


@settings(max_examples=70, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(edits(), min_size=1, max_size=3), st.booleans())
def test_warm_checks_equal_cold_checks_after_random_changes(
        rounds: list[list[tuple[str, ...]]], age: bool) -> None:
    config = GlosaConfig()
    with tempfile.TemporaryDirectory() as folder:
        root = write_vault(Path(folder) / "vault", _base())
        store = CacheStore(Path(folder) / "cache", key={})
        if age:
            age_files(root, 0)
        assert check_folder(root, config, store=store)[0] == _cold(root, config)
        for number, steps in enumerate(rounds, 1):
            for step in steps:
                _apply(root, step)
            if age:
                age_files(root, number)
            warm, _ = check_folder(root, config, store=store)
            assert warm == _cold(root, config), steps
            again, loaded = check_folder(root, config, store=store)
            assert again == warm
            assert loaded is None  # nothing changed: the report came from the cache


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = write_vault(tmp_path / "vault", _base())
    age_files(root, 0)
    return root


def test_an_unchanged_vault_reads_no_note(vault: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    store = CacheStore(tmp_path / "cache", key={})
    first, _ = check_folder(vault, GlosaConfig(), store=store)
    assert first  # the base vault has findings to keep (ambiguous, broken links)
    real = Path.read_bytes

    def refuse_notes(path: Path) -> bytes:
        assert not path.is_relative_to(vault), f"{path} was read"
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", refuse_notes)
    monkeypatch.setattr(filebytes, "read_file_bytes", lambda path: refuse_notes(Path(path)))
    second, loaded = check_folder(vault, GlosaConfig(), store=store)
    assert second == first and loaded is None


def test_one_edit_rechecks_that_note_and_the_notes_linking_to_its_names(
        vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import glosa.checking.checks

    store = CacheStore(tmp_path / "cache", key={})
    check_folder(vault, GlosaConfig(), store=store)
    checked: list[str] = []
    real = glosa.checking.checks._check_notes

    def spy(vault_: object, positions: list[int], resolved: object) -> object:
        checked.extend(vault_.notes[at].path for at in positions)  # type: ignore[attr-defined]
        return real(vault_, positions, resolved)  # type: ignore[arg-type]

    monkeypatch.setattr(glosa.checking.checks, "_check_notes", spy)
    edited = vault / "es" / "Venta 🔴②.md"
    edited.write_text(edited.read_text("utf-8").replace("Texto", "Otro texto"), "utf-8")
    check_folder(vault, GlosaConfig(), store=store)
    assert checked == ["es/Venta 🔴②.md"]  # same names and headings: no other note
    checked.clear()
    edited.write_text(edited.read_text("utf-8").replace("## Uso", "## Usos"), "utf-8")
    warm, _ = check_folder(vault, GlosaConfig(), store=store)
    # Its headings changed: the notes whose links look up its name are checked again.
    assert "es/Venta 🔴②.md" in checked and "Cliente ⚫①.md" in checked
    assert "Leyenda 🔴②.md" not in checked
    assert warm == _cold(vault, GlosaConfig())


@pytest.mark.parametrize("damage", [
    lambda data: data[:-5],
    lambda data: data[:90] + b"\x00" * (len(data) - 90),
])
def test_a_damaged_check_entry_is_ignored(vault: Path, tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    store = CacheStore(tmp_path / "cache", key={})
    check_folder(vault, GlosaConfig(), store=store)
    (vault / "Índice ⚫①.md").write_text(seed_note("Índice ⚫①", parent=None), "utf-8")
    check_folder(vault, GlosaConfig(), store=store)  # re-checks: saves the notes read too
    for kind in ("check", "notes"):
        entry = tmp_path / "cache" / f"{vault_entry(kind, vault, store)}.msgpack"
        entry.write_bytes(damage(entry.read_bytes()))
    (vault / "Leyenda 🔴②.md").write_text(seed_note("Leyenda 🔴②", body="[[Nada]]"), "utf-8")
    warm, loaded = check_folder(vault, GlosaConfig(), store=store)
    assert loaded is not None and warm == _cold(vault, GlosaConfig())


def test_an_entry_of_another_shape_is_ignored(vault: Path, tmp_path: Path) -> None:
    store = CacheStore(tmp_path / "cache", key={})
    first, _ = check_folder(vault, GlosaConfig(), store=store)
    name = vault_entry("check", vault, store)
    entry = store.load(name)
    assert isinstance(entry, dict)
    for broken in ({**entry, "notes": {"x.md": [1, 2]}}, {**entry, "files": []},
                   {**entry, "cross": [["rule"]]}, {"context": entry["context"]}):
        store.save(name, broken)
        assert check_folder(vault, GlosaConfig(), store=store)[0] == first


def test_other_settings_check_again(vault: Path, tmp_path: Path) -> None:
    (vault / "Leyenda 🔴②.md").write_text(seed_note("Leyenda 🔴②", body="[[Nada]]"), "utf-8")
    store = CacheStore(tmp_path / "cache", key={})
    check_folder(vault, GlosaConfig(), store=store)
    relaxed = GlosaConfig.from_mapping({"rules": {"link-broken": "warning"}}, "test")
    warm, loaded = check_folder(vault, relaxed, store=store)
    assert loaded is not None and warm == _cold(vault, relaxed)
    assert any(d.rule == "link-broken" and d.severity.value == "warning" for d in warm)


def test_only_reports_the_files_asked(vault: Path, tmp_path: Path) -> None:
    config = GlosaConfig()
    cold = _cold(vault, config)
    wanted = {"es/Venta 🔴②.md", "Índice ⚫①.md"}
    expected = [d for d in cold if d.path in wanted]  # type: ignore[attr-defined]
    assert check_folder(vault, config, only=wanted)[0] == expected
    store = CacheStore(tmp_path / "cache", key={})
    assert check_folder(vault, config, store=store, only=wanted)[0] == expected
    assert check_folder(vault, config, store=store, only=wanted)[0] == expected


# The command line.

def _run(*args: str, cwd: Path | None = None) -> tuple[int, list[dict[str, object]]]:
    from click.testing import CliRunner

    from glosa.cli.main import main

    here = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        # The cache on, as it is by default (the test suite turns it off elsewhere).
        result = CliRunner(env={"GLOSA_NO_CACHE": None}).invoke(
            main, ["check", "--format", "json", *args])
    finally:
        os.chdir(here)
    import json

    return result.exit_code, (json.loads(result.stdout) if result.stdout.strip() else [])


def _project(tmp_path: Path) -> Path:
    """A project folder: mkdocs.yml using glosa, and the vault in docs/."""
    write_vault(tmp_path / "project" / "docs", _base())
    (tmp_path / "project" / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - glosa\n", "utf-8")
    return tmp_path / "project"


def test_the_command_caches_beside_the_settings_file(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GLOSA_CACHE_DIR")
    project = _project(tmp_path)
    code, first = _run(cwd=project)
    entries = sorted(p.name.split("-")[0] for p in (project / ".cache" / "glosa").glob("*.msgpack"))
    assert entries == ["check"]  # a first run keeps its findings; notes once it re-checks
    assert (project / ".cache" / "glosa" / ".gitignore").is_file()
    assert _run(cwd=project) == (code, first)
    # A damaged entry is ignored, never trusted.
    for entry in (project / ".cache" / "glosa").glob("*.msgpack"):
        entry.write_bytes(entry.read_bytes()[:-9])
    assert _run(cwd=project) == (code, first)
    assert _run("--no-cache", "--clear-cache", cwd=project) == (code, first)
    assert not (project / ".cache" / "glosa").exists()


def test_an_answer_from_the_cache_loads_no_parser_resolver_or_rules(tmp_path: Path) -> None:
    """An unchanged vault is answered from the cache without importing what reading and
    checking notes need (a tenth of a warm check's time at 10,000 notes went to it)."""
    import subprocess
    import sys

    project = _project(tmp_path)
    heavy = ["glosa.reading.parser", "glosa.reading.resolver", "glosa.checking.checks",
             "markdown"]
    probe = (
        "import sys\n"
        "from glosa.cli.main import main\n"
        "try:\n"
        "    main(['check', '--format', 'json'], standalone_mode=False)\n"
        "finally:\n"
        f"    print('LOADED', [m for m in {heavy!r} if m in sys.modules], file=sys.stderr)\n")
    env = {key: value for key, value in os.environ.items()
           if key not in ("GLOSA_NO_CACHE", "GLOSA_CACHE_DIR")}

    def loaded() -> str:
        run = subprocess.run([sys.executable, "-c", probe], cwd=project, env=env,
                             capture_output=True, text=True, timeout=120, check=False)
        return next(line for line in run.stderr.splitlines() if line.startswith("LOADED"))

    assert loaded() != "LOADED []"  # the first run reads and checks every note
    assert loaded() == "LOADED []"


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path)
    folder = tmp_path / "c"
    assert _run("--no-cache", "--cache-dir", str(folder), cwd=project)[1]
    assert not folder.exists()


def test_cache_clear(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from glosa.cli.main import main

    project = _project(tmp_path)
    folder = tmp_path / "c"
    _run("--cache-dir", str(folder), cwd=project)
    assert list(folder.glob("*.msgpack"))
    (folder / "mine.txt").write_text("kept", "utf-8")
    result = CliRunner(env={"GLOSA_NO_CACHE": None}).invoke(
        main, ["cache", "clear", "--cache-dir", str(folder)])
    assert result.exit_code == 0
    assert not list(folder.glob("*.msgpack")) and (folder / "mine.txt").is_file()


def test_files_mode_reports_the_files_named(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "docs" / "es" / "Venta 🔴②.md").write_text(
        seed_note("Venta 🔴②", body="[[Nada]] [[Cliente]]"), "utf-8")
    code, everything = _run(cwd=project)
    assert code == 1
    named = ["docs/es/Venta 🔴②.md", "docs/Venta.png", "mkdocs.yml"]
    code, found = _run(*named, cwd=project)
    assert code == 1
    assert found == [d for d in everything if d["path"] == "es/Venta 🔴②.md"]
    assert _run(*named, "--no-cache", cwd=project) == (code, found)
    # No note among the files: nothing is read, nothing to report.
    assert _run("docs/Venta.png", "mkdocs.yml", cwd=project) == (0, [])


def test_files_and_a_folder_together_are_a_usage_error(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert _run("docs", "docs/Venta.png", cwd=project)[0] == 2
    assert _run("docs/missing.md", cwd=project)[0] == 2


def test_a_first_cached_check_split_between_two_processes_is_kept_whole(
        vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import glosa.reading.workers

    monkeypatch.setattr(glosa.reading.workers, "MIN_ITEMS", 2)
    monkeypatch.setattr(glosa.reading.workers, "_can_fork", lambda: True)
    config = GlosaConfig()
    store = CacheStore(tmp_path / "cache", key={})
    assert check_folder(vault, config, store=store)[0] == _cold(vault, config)
    # What each process kept of its half lets the next runs reuse or re-check it.
    assert check_folder(vault, config, store=store)[1] is None
    for number, name in enumerate(["Venta 🔴②", "Oferta ⚪⑥"], 1):
        _apply(vault, ("rename", name, "es/", f"{name} {number}"))
        age_files(vault, number)
        assert check_folder(vault, config, store=store)[0] == _cold(vault, config)
