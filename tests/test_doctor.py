"""`glosa --version` and `glosa doctor`: what is reported, and the combinations that fail."""

from __future__ import annotations

from datetime import date
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import glosa
from glosa.cli import doctor as cli_doctor
from glosa.cli.main import main

from .conftest import REPO

GOOD = {"mkdocs": "1.6.1", "properdocs": "1.6.7", "mkdocs-material": "9.7.0",
        "pagefind": "1.5.2", "zensical": None}


def write_site(folder: Path, theme: str = "material", extra: str = "") -> Path:
    config = folder / "mkdocs.yml"
    config.write_text(f"site_name: T\ndocs_dir: notes\ntheme:\n  name: {theme}\n"
                      f"plugins:\n  - glosa{extra}\n", encoding="utf-8")
    (folder / "notes").mkdir(exist_ok=True)
    return config


def doctor(config: Path, monkeypatch: pytest.MonkeyPatch, versions: dict[str, str | None],
           binary: str | None = "/opt/pagefind/pagefind_extended") -> Result:
    monkeypatch.setattr(cli_doctor, "installed_version", lambda dist: versions.get(dist))
    monkeypatch.setattr(cli_doctor, "pagefind_binary", lambda: binary)
    monkeypatch.chdir(config.parent)
    return CliRunner().invoke(main, ["doctor", "--config", str(config)])


def test_version_option_prints_the_package_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"glosa, version {glosa.__version__}"
    # The version the package reports is the one its metadata was installed with.
    assert glosa.__version__ == metadata.version("glosa")


def test_doctor_on_this_machine_reports_the_real_stack() -> None:
    # No monkeypatching: the engines, theme and Pagefind binary the suite itself builds with.
    result = CliRunner().invoke(main, ["doctor", "--config", str(REPO / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    lines = dict(line.split(None, 1) for line in result.stdout.splitlines()
                 if line and not line.startswith("ok:"))
    assert lines["glosa"] == glosa.__version__
    assert f"MkDocs {metadata.version('mkdocs')}" in lines["engine"]
    assert f"ProperDocs {metadata.version('properdocs')}" in lines["engine"]
    assert f"Material for MkDocs {metadata.version('mkdocs-material')}" in lines["theme"]
    assert "end of life 2027-05-05" in lines["theme"]
    assert f"Pagefind {metadata.version('pagefind')}" in lines["search"]
    assert "binary: not found" not in lines["search"]
    assert lines["config"].startswith(str(REPO / "mkdocs.yml"))
    assert "theme: material" in lines["config"]


def test_a_good_combination_exits_0_and_says_so(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    result = doctor(write_site(tmp_path), monkeypatch, GOOD)
    assert result.exit_code == 0, result.output
    assert "MkDocs 1.6.1 (`mkdocs build`); ProperDocs 1.6.7 (`properdocs build`)" in result.stdout
    assert "Material for MkDocs 9.7.0" in result.stdout
    assert "Pagefind 1.5.2 (binary: /opt/pagefind/pagefind_extended)" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("ok: a supported combination")
    assert "warning" not in result.stderr and "error" not in result.stderr


@pytest.mark.parametrize(("changes", "binary", "theme", "expected"), [
    ({"mkdocs": "2.0.0", "properdocs": None}, "pf", "material", "2.x rewrite"),
    ({"mkdocs": "1.5.3", "properdocs": None}, "pf", "material", "older than 1.6"),
    ({"mkdocs": None, "properdocs": None}, "pf", "material", "No site engine"),
    ({"mkdocs-material": None}, "pf", "material", "Material for MkDocs is missing"),
    ({"pagefind": None}, None, "material", "No Pagefind binary"),
    ({}, "pf", "readthedocs", "theme readthedocs"),
])
def test_known_bad_combinations_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       changes: dict[str, str | None], binary: str | None,
                                       theme: str, expected: str) -> None:
    result = doctor(write_site(tmp_path, theme), monkeypatch, {**GOOD, **changes}, binary)
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and expected in errors[0], result.stderr
    assert "ok:" not in result.stdout


@pytest.mark.parametrize(("changes", "binary", "extra", "expected"), [
    # ProperDocs still builds where the mkdocs command is the 2.x rewrite.
    ({"mkdocs": "2.0.0"}, "pf", "", "Build with `properdocs build`"),
    ({"zensical": "0.0.73"}, "pf", "", "runs no MkDocs plugin"),
    ({"mkdocs-material": "10.0.0"}, "pf", "", "outside the releases"),
    ({"pagefind": None}, None, ":\n      search: false", "turns search off"),
])
def test_warnings_keep_exit_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              changes: dict[str, str | None], binary: str | None, extra: str,
                              expected: str) -> None:
    result = doctor(write_site(tmp_path, extra=extra), monkeypatch, {**GOOD, **changes}, binary)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and expected in warnings[0], result.stderr
    assert "error:" not in result.stderr


@pytest.mark.parametrize(("today", "days_left", "past"), [
    (date(2027, 5, 4), "1 days left", False),
    (date(2027, 5, 5), "reached", True),
])
def test_material_end_of_life(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, today: date,
                              days_left: str, past: bool) -> None:
    monkeypatch.setattr(cli_doctor, "installed_version", lambda dist: GOOD.get(dist))
    monkeypatch.setattr(cli_doctor, "pagefind_binary", lambda: "pf")
    report = cli_doctor.diagnose(tmp_path, write_site(tmp_path), today=today)
    theme = dict(report.facts)["theme"]
    assert f"end of life 2027-05-05: {days_left}" in theme
    assert any("end of life" in w for w in report.warnings) is past
    assert report.exit_code == 0


def test_a_site_without_the_plugin_is_reported(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: T\ntheme:\n  name: material\n", encoding="utf-8")
    result = doctor(config, monkeypatch, GOOD)
    assert result.exit_code == 0
    assert "the glosa plugin is not in `plugins`" in result.stderr
