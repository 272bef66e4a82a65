"""The ``glosa`` command line, and what its commands share: where a command's vault and
settings are, and the cache folder option."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import ConfigError, GlosaConfig, find_config, load_config

__all__ = ["cache_dir_option", "vault_settings"]


def vault_settings(vault: Path | None, config_file: Path | None,
                   start: Path | None = None) -> tuple[GlosaConfig, Path, Path | None]:
    """A command's settings, its vault folder and the settings file they came from (None
    when there is none), as a usage error when the settings are bad or the folder is
    missing."""
    try:
        found = config_file or find_config(vault or start or Path.cwd())
        config, docs_dir = load_config(found)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    folder = vault or docs_dir or Path.cwd()
    if not folder.is_dir():
        raise click.UsageError(f"vault folder not found: {folder}")
    return config, folder, found


cache_dir_option = click.option(
    "--cache-dir", type=click.Path(path_type=Path, file_okay=False),
    envvar="GLOSA_CACHE_DIR", show_envvar=True,
    help="The cache folder (default: .cache/glosa beside the settings file, else in the "
         "current folder).")
