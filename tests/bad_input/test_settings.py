"""Bad settings for the command line: one clear line naming the file and key, exit 2,
never a traceback and never a silent fall-back to the defaults (issue item 13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import VaultFactory, seed_note
from .helpers import invoke

NOTE = {"Nota ⚫①.md": seed_note("Nota ⚫①", parent=None)}


@pytest.mark.parametrize(("name", "content", "named"), [
    ("pyproject.toml", '[tool.glosa]\nvault = 5\n', "tool.glosa.vault"),
    ("pyproject.toml", "[tool]\nglosa = 5\n", "[tool.glosa]"),
    ("pyproject.toml", "[tool.glosa\nvault = 'v'\n", "not valid TOML"),
    ("pyproject.toml", b"[tool.glosa]\nvault = '\xff'\n", "not UTF-8"),
    ("pyproject.toml", '[tool.glosa]\nvault = "v"\n[tool.glosa.level_labels.es]\nuno = "X"\n',
     "level_labels.es"),
    ("pyproject.toml", '[tool.glosa]\nvault = "v"\nlanguages = ["../x"]\n', "'languages'"),
    ("mkdocs.yml", b"site_name: \xff\nplugins:\n  - glosa\n", "not UTF-8"),
    ("mkdocs.yml", "site_name: x\nplugins:\n  - glosa: 5\n", "plugins.glosa"),
    ("mkdocs.yml", "site_name: x\nplugins: [glosa\n", "not valid YAML"),
    ("mkdocs.yml", "site_name: x\ndocs_dir: 5\nplugins:\n  - glosa\n", "docs_dir"),
])
def test_bad_settings_are_one_clear_line(tmp_path: Path, make_vault: VaultFactory, name: str,
                                         content: str | bytes, named: str) -> None:
    make_vault(NOTE)  # tmp_path/vault
    settings = tmp_path / name
    if isinstance(content, bytes):
        settings.write_bytes(content)
    else:
        settings.write_text(content, encoding="utf-8")
    for args in (["check", str(tmp_path / "vault")], ["check", "--config", str(settings)],
                 ["translations", "--config", str(settings)]):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        message = [line for line in result.output.splitlines() if line.startswith("Error")]
        assert len(message) == 1, result.output
        assert str(settings) in message[0] and named in message[0], message
        assert "Traceback" not in result.output
