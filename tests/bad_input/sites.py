"""Building a small site from a hostile vault, in this process."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from ..conftest import seed_note

#: A root and a legend, so that other notes check clean.
BASE: dict[str, str | bytes] = {
    "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None, body="Raíz."),
    "es/Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
}


def site_config(root: Path, tmp_path: Path, *, options: str = "      search: false\n",
                strict: bool = False) -> Any:
    path = tmp_path / "mkdocs.yml"
    path.write_text(f"site_name: T\ndocs_dir: {root}\nsite_dir: {tmp_path / 'site'}\n"
                    "theme:\n  name: material\nplugins:\n  - glosa:\n" + options,
                    encoding="utf-8")
    return load_config(str(path), strict=strict)


def build_site(root: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, *,
               options: str = "      search: false\n") -> tuple[Path, str]:
    """Build the vault at ``root``; the site folder and what the build logged."""
    caplog.set_level(logging.INFO)
    build(site_config(root, tmp_path, options=options))
    return tmp_path / "site", caplog.text
