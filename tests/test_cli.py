"""The command line: output formats, exit codes, fix-encoding's dry run and atomic write."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from glosa.cli.main import main

from .conftest import VaultFactory, seed_note

SARIF_SCHEMA = Path(__file__).resolve().parent / ".cache" / "sarif-schema-2.1.0.json"

GOOD = {
    "Índice ⚫①.md": seed_note("Índice ⚫①", parent=None, body="[[Cliente ⚫①]]"),
    "Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
    "es/Cliente ⚫①.md": seed_note("Cliente ⚫①"),
}
BAD = {
    **GOOD,
    "es/Roto 🟡③.md": seed_note("Roto 🟡③", parent="Cliente ⚫①",
                               body="Ver [[Clientes]] y [[Índice#Nada]]."),
    "es/Fecha 🟡③.md": seed_note("Fecha 🟡③", parent="Cliente ⚫①", created="ayer"),
}
FIELDS = {"rule", "severity", "path", "line", "column", "message", "suggestion"}


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_clean_vault_exits_0(make_vault: VaultFactory) -> None:
    code, output = invoke("check", str(make_vault(GOOD)))
    assert code == 0, output
    assert output.strip() == "0 errors, 0 warnings"


def test_all_problems_in_one_run_text(make_vault: VaultFactory) -> None:
    code, output = invoke("check", str(make_vault(BAD)))
    assert code == 1
    lines = output.splitlines()
    assert "es/Roto 🟡③.md:23:5: error link-broken: could not find 'Clientes' for link " \
           "[[Clientes]]" in lines
    assert "    hint: did you mean 'Cliente ⚫①'?" in lines
    assert any(line.startswith("es/Roto 🟡③.md:23:20: error link-heading-missing")
               for line in lines)
    assert any(line.startswith("es/Fecha 🟡③.md:8:1: error meta-date-format") for line in lines)
    assert lines[-1] == "3 errors, 0 warnings"


def test_json_has_exactly_the_documented_fields(make_vault: VaultFactory) -> None:
    code, output = invoke("check", str(make_vault(BAD)), "--format", "json")
    assert code == 1
    data = json.loads(output)
    assert len(data) == 3
    assert all(set(item) == FIELDS for item in data)
    assert data[0] == {
        "rule": "meta-date-format", "severity": "error", "path": "es/Fecha 🟡③.md",
        "line": 8, "column": 1, "suggestion": None,
        "message": "'created' must be an ISO 8601 date such as 2024-05-06T16:50:09.788Z, "
                   "not 'ayer'",
    }


def test_github_annotations(make_vault: VaultFactory) -> None:
    root = make_vault(BAD)
    _, output = invoke("check", str(root), "--format", "github")
    first = output.splitlines()[0]
    assert first.startswith(f"::error file={root.as_posix()}/es/Fecha 🟡③.md,line=8,col=1,"
                            "title=meta-date-format::'created' must be")


def test_sarif_is_valid_against_the_schema(make_vault: VaultFactory) -> None:
    _, output = invoke("check", str(make_vault(BAD)), "--format", "sarif")
    log = json.loads(output)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(log, schema)
    results = log["runs"][0]["results"]
    assert len(results) == 3
    assert results[1]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 23, "startColumn": 5}
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [rules[r["ruleIndex"]]["id"] for r in results] == [r["ruleId"] for r in results]


def test_strict_fails_on_warnings(make_vault: VaultFactory) -> None:
    files = {**GOOD, "es/Sin leyenda 🟡③.md": seed_note("Sin leyenda 🟡③",
                                                       parent="Cliente ⚫①", legend="")}
    root = str(make_vault(files))
    assert invoke("check", root)[0] == 0
    assert invoke("check", root, "--strict")[0] == 1


def test_usage_errors_exit_2(make_vault: VaultFactory, tmp_path: Path) -> None:
    assert invoke("check", str(tmp_path / "nowhere"))[0] == 2
    assert invoke("check", str(make_vault(GOOD)), "--format", "xml")[0] == 2
    bad_config = tmp_path / "pyproject.toml"
    bad_config.write_text('[tool.glosa]\nprofile = "quartz"\n')
    code, output = invoke("check", str(make_vault(GOOD)), "--config", str(bad_config))
    assert code == 2 and "'profile' must be one of" in output


def test_profile_option(make_vault: VaultFactory) -> None:
    root = make_vault({"Nota.md": "Sin nada de [[Otra]].\n", "Otra.md": "# Otra\n"})
    assert invoke("check", str(root))[0] == 1
    assert invoke("check", str(root), "--profile", "obsidian")[0] == 0


def test_settings_from_pyproject(make_vault: VaultFactory) -> None:
    root = make_vault({"Nota.md": "Texto.\n"})
    (root / "pyproject.toml").write_text(
        '[tool.glosa]\nprofile = "obsidian"\n[tool.glosa.rules]\n"link-broken" = "off"\n')
    (root / "Nota.md").write_text("[[Nada]]\n")
    code, output = invoke("check", str(root))
    assert code == 0, output


def test_fix_encoding_dry_run_then_write(make_vault: VaultFactory) -> None:
    root = make_vault({"es/Nota.md": "# Nota\n\nsegmentaciÃ³n y lÃnea\n".encode(),
                       "es/Bien.md": "# Bien\n\ntérmino ⚫①\n"})
    damaged = root / "es" / "Nota.md"
    os.chmod(damaged, 0o640)
    before = damaged.read_bytes()
    code, output = invoke("fix-encoding", str(root))
    assert code == 1
    assert "-segmentaciÃ³n y lÃnea" in output and "+segmentación y línea" in output
    assert damaged.read_bytes() == before  # dry run writes nothing
    code, output = invoke("fix-encoding", str(root), "--write")
    assert code == 0, output
    assert damaged.read_text(encoding="utf-8") == "# Nota\n\nsegmentación y línea\n"
    assert stat.S_IMODE(damaged.stat().st_mode) == 0o640
    assert (root / "es" / "Bien.md").read_text(encoding="utf-8") == "# Bien\n\ntérmino ⚫①\n"
    assert sorted(p.name for p in (root / "es").iterdir()) == ["Bien.md", "Nota.md"]
    assert invoke("fix-encoding", str(root)) == (0, "")


def test_fix_encoding_refuses_ambiguous(make_vault: VaultFactory) -> None:
    root = make_vault({"Nota.md": "Ãndice\n".encode()})
    code, output = invoke("fix-encoding", str(root / "Nota.md"), "--write")
    assert code == 1
    assert "could be 'Í', 'Á' or 'í'" in output
    assert (root / "Nota.md").read_bytes() == "Ãndice\n".encode()


def test_installed_console_script(make_vault: VaultFactory) -> None:
    root = make_vault(BAD)
    result = subprocess.run([sys.executable, "-m", "glosa", "check", str(root), "--format",
                             "json"], capture_output=True, text=True, check=False)
    assert result.returncode == 1 and len(json.loads(result.stdout)) == 3


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_every_format_on_a_clean_vault(make_vault: VaultFactory, fmt: str) -> None:
    code, _ = invoke("check", str(make_vault(GOOD)), "--format", fmt)
    assert code == 0


def test_text_output_escapes_control_characters(make_vault: VaultFactory) -> None:
    root = make_vault({**GOOD, "es/Ctl 🟡③.md": seed_note(
        "Ctl 🟡③", parent="Cliente ⚫①", body="Ver [[Nada\x1b31m]].")})
    for fmt in ("text", "github"):
        _, output = invoke("check", str(root), "--format", fmt)
        assert "\x1b" not in output and "Nada\\x1b31m" in output


def test_fix_encoding_leaves_symlinks_alone(make_vault: VaultFactory, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_bytes("segmentaciÃ³n\n".encode())
    root = make_vault({"Nota.md": "bien\n"})
    (root / "Enlace.md").symlink_to(outside)
    code, output = invoke("fix-encoding", str(root), "--write")
    assert code == 1 and "symbolic link" in output
    assert (root / "Enlace.md").is_symlink()
    assert outside.read_bytes() == "segmentaciÃ³n\n".encode()


def test_fix_encoding_reports_a_failed_write(make_vault: VaultFactory,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import glosa.cli.main

    root = make_vault({"Nota.md": "segmentaciÃ³n\n".encode()})

    def disk_full(path: Path, data: bytes, **options: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(glosa.cli.main, "write_atomic", disk_full)
    code, output = invoke("fix-encoding", str(root), "--write")
    assert code == 1 and "No space left on device" in output and "unchanged" in output
    assert (root / "Nota.md").read_bytes() == "segmentaciÃ³n\n".encode()


def test_broken_obsidian_settings_warn_once_on_stderr(make_vault: VaultFactory) -> None:
    root = make_vault({**GOOD, ".obsidian/app.json": "{broken", ".obsidian/templates.json":
                       '{"folder": "Plantillas"}', "Plantillas/Diaria.md": "[[{{date}}]]"})
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []  # the template is not checked
    warnings = result.stderr.splitlines()
    assert len(warnings) == 1
    assert warnings[0].startswith("warning: ")
    assert str(root / ".obsidian" / "app.json") in warnings[0]


def test_markdown_and_frontmatter_links_are_checked(make_vault: VaultFactory) -> None:
    root = make_vault({
        **GOOD,
        "es/Enlaces ⚫①.md": seed_note(
            "Enlaces ⚫①", parent="Índice ⚫①", extra='relacionado: "[[Clientes]]"\n',
            body="Ver [cliente](Cliente%20⚫①.md) y [otro](Clientes.md#Nada)."),
    })
    code, output = invoke("check", str(root), "--format", "json")
    found = [(d["rule"], d["line"], d["column"], d["suggestion"]) for d in json.loads(output)]
    assert code == 1
    assert found == [
        ("link-broken", 18, 15, "did you mean 'Cliente ⚫①'?"),
        ("link-broken", 24, 34, "did you mean 'Cliente ⚫①'?"),
    ]
