"""The ``glosa`` command line."""

from __future__ import annotations

import difflib
import gc
import logging
import os
import re
import sys
from pathlib import Path

import click

from .. import __version__
from ..cache import default_cache_dir, shared_store
from ..checking.diagnostics import Severity
from ..checking.folder import check_folder
from ..checking.report import FORMATS, render
from ..config import PROFILES, ConfigError, GlosaConfig, find_config, load_config
from ..files import FileChangedError, locked, write_atomic
from ..reading.model import NOTE_SUFFIXES
from . import cache_dir_option

__all__ = ["main", "run"]


def _settings(vault: Path | None, config_file: Path | None,
              profile: str | None) -> tuple[GlosaConfig, Path, Path | None]:
    """Settings and vault folder from --config, or the nearest pyproject.toml / mkdocs.yml;
    and that settings file (None when there is none)."""
    try:
        found = config_file or find_config(vault if vault is not None else Path.cwd())
        config, docs_dir = load_config(found)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    if profile is not None:
        from dataclasses import replace

        config = replace(config, profile=profile)
    folder = vault or docs_dir or Path.cwd()
    if not folder.is_dir():
        raise click.UsageError(f"vault folder not found: {folder}")
    return config, folder, found


class _StderrHandler(logging.Handler):
    """Log records on the standard error the command has now (a test runner swaps it)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


_WARNINGS = _StderrHandler()
_WARNINGS.setFormatter(logging.Formatter("warning: %(message)s"))


def _log_warnings_to_stderr() -> None:
    """glosa's own warnings (a broken `.obsidian` settings file) on standard error, marked
    as warnings; the report itself stays on standard output."""
    log = logging.getLogger("glosa")
    if _WARNINGS not in log.handlers:
        log.addHandler(_WARNINGS)


#: Commands defined in other modules, by name: (module, attribute). They are imported when
#: named (or when the help lists them), so that `glosa check` does not pay for the editing,
#: exchange and doctor commands' imports.
_LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "new": ("editing", "new"), "translate": ("editing", "translate"),
    "translations": ("editing", "translations"), "bump": ("editing", "bump"),
    "mentions": ("editing", "mentions"), "export": ("exchange", "export"),
    "import": ("exchange", "import_"), "doctor": ("doctor", "doctor"),
}


class _LazyGroup(click.Group):
    """A group whose commands from :data:`_LAZY_COMMANDS` are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _LAZY_COMMANDS:
            import importlib

            module, attribute = _LAZY_COMMANDS[cmd_name]
            command = getattr(importlib.import_module(f"{__package__}.{module}"), attribute)
            assert isinstance(command, click.Command) and command.name == cmd_name
            self.add_command(command)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="glosa")
def main() -> None:
    """Check and publish a glossary written as Obsidian-style Markdown notes."""


def _cache_folder(cache_dir: Path | None, settings_file: Path | None) -> Path:
    """--cache-dir, else ``.cache/glosa`` beside the settings file (where ``mkdocs build``
    keeps its cache too), else in the current folder (as pytest and ruff do)."""
    if cache_dir is not None:
        return cache_dir
    return default_cache_dir(settings_file.parent if settings_file is not None else Path.cwd())


def _check_paths(paths: tuple[Path, ...]) -> tuple[Path | None, list[Path]]:
    """(the vault folder named, the note files named): one folder, or files, or nothing."""
    folders = [p for p in paths if p.is_dir()]
    files = [p for p in paths if not p.is_dir()]
    if folders and (files or len(folders) > 1):
        raise click.UsageError("give one vault folder, or note files (not both)")
    for path in files:
        if not path.is_file():
            raise click.UsageError(f"no such file or folder: {path}")
    return (folders[0] if folders else None), files


def _vault_paths(files: list[Path], folder: Path) -> set[str]:
    """The vault-relative paths of note files (pre-commit passes them from the repository
    root); files outside the vault or not notes are no usage error, only not checked."""
    root = folder.resolve()
    wanted: set[str] = set()
    for path in files:
        try:
            rel = path.resolve().relative_to(root)
        except ValueError:
            continue
        if rel.name.lower().endswith(NOTE_SUFFIXES):
            wanted.add(rel.as_posix())
    return wanted


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True, help="Output format.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--profile", type=click.Choice(PROFILES), default=None,
              help="Which metadata rules apply (default: from the settings, else 'seed').")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False,
                                                         exists=True),
              help="A pyproject.toml with [tool.glosa] or an mkdocs.yml using glosa.")
@click.option("--no-cache", is_flag=True, envvar="GLOSA_NO_CACHE", show_envvar=True,
              help="Read and check everything; neither use nor update the cache.")
@cache_dir_option
@click.option("--clear-cache", is_flag=True, help="Empty the cache folder first.")
def check(paths: tuple[Path, ...], fmt: str, strict: bool, profile: str | None,
          config_file: Path | None, no_cache: bool, cache_dir: Path | None,
          clear_cache: bool) -> None:
    """Check links, metadata and encodings of a vault without building the site.

    PATHS: the vault folder (default: the one the settings name, else the current
    folder), or note files of the vault (a pre-commit hook's staged files): then only
    their diagnostics are reported, the rest of the vault being read as link targets
    (through the cache, only what changed).

    Results are cached in .cache/glosa: an unchanged vault is not read again, and after
    edits only the notes a change can affect are checked again.

    Exit status: 0 clean, 1 errors (or warnings with --strict), 2 usage error.
    """
    vault, files = _check_paths(paths)
    config, folder, settings_file = _settings(vault, config_file, profile)
    _log_warnings_to_stderr()
    store = shared_store(None if no_cache else _cache_folder(cache_dir, settings_file))
    if clear_cache:
        shared_store(_cache_folder(cache_dir, settings_file)).clear()
    only = _vault_paths(files, folder) if files else None
    if only is not None and not only:
        sys.exit(0)  # no note of the vault among the files: nothing to read
    if _standalone():
        # A short-lived command whose objects all live until it ends: no cycle collection
        # at all (one full collection over a 10,000-note vault costs a tenth of a check).
        gc.disable()
    diagnostics, _loaded = check_folder(folder, config, store=store, only=only)
    output = render(diagnostics, fmt, folder, color=fmt == "text" and sys.stdout.isatty(),
                    version=__version__)
    if output:
        click.echo(output)
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    code = 1 if any(d.severity in failing for d in diagnostics) else 0
    if _standalone():
        # Everything is written: skip freeing a large vault object by object at exit,
        # which on 10,000 notes takes a good part of a second (`_loaded` holds it until then).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


@main.group()
def cache() -> None:
    """glosa's cache of read notes, check results and built pages (.cache/glosa)."""


@cache.command("clear")
@cache_dir_option
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False,
                                                         exists=True),
              help="A pyproject.toml with [tool.glosa] or an mkdocs.yml using glosa.")
def cache_clear(cache_dir: Path | None, config_file: Path | None) -> None:
    """Remove every entry of the cache folder (only glosa's own files)."""
    if cache_dir is None:
        try:
            settings_file = config_file or find_config(Path.cwd())
        except ConfigError as exc:
            raise click.UsageError(str(exc)) from None
        cache_dir = _cache_folder(None, settings_file)
    shared_store(cache_dir).clear()
    click.echo(f"cleared {cache_dir}")


_PROGRAM = False


def _standalone() -> bool:
    """True when running as the `glosa` program (see :func:`run`), not inside a host."""
    return _PROGRAM


def run() -> None:
    """The `glosa` program: the command line, allowed to end its process quickly."""
    global _PROGRAM
    _PROGRAM = True
    main()


def _note_files(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for path in paths or (Path.cwd(),):
        if path.is_dir():
            files.extend(sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.name.lower().endswith(NOTE_SUFFIXES)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            ))
        elif path.is_file():
            files.append(path)
        else:
            raise click.UsageError(f"no such file or folder: {path}")
    return files


_LANG_KEY = re.compile(rb"^lang:[ \t]*[\"']?([A-Za-z]{2,3})\b", re.M)


def _language_hint(path: Path, data: bytes) -> str | None:
    """The language of a note to repair: its frontmatter ``lang`` key, else the nearest
    folder named after a language code (``es/``), else unknown."""
    head = data[:4096]
    if head.startswith((b"---", b"\xef\xbb\xbf---")):
        found = _LANG_KEY.search(head)
        if found is not None:
            return found.group(1).decode("ascii").lower()
    for folder in reversed(path.resolve().parent.parts):
        if re.fullmatch(r"[a-z]{2}", folder.lower()):
            return folder.lower()
    return None


@main.command("fix-encoding")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--write", is_flag=True,
              help="Rewrite the files (atomically). Without it, only show the diff.")
def fix_encoding(paths: tuple[Path, ...], write: bool) -> None:
    """Repair double-encoded text, byte-order marks, CRLF line ends and Windows-1252 files.

    Without --write, prints a unified diff of what would change and exits 1 if anything
    would. Correct text is never touched; ambiguous repairs are refused.
    """
    from ..reading.encoding import repair_bytes

    pending = refused = 0
    for path in _note_files(paths):
        if path.is_symlink():
            # Rewriting would replace the link by a copy (or change a file elsewhere).
            click.echo(f"{path}: symbolic link; repair the file it points to instead",
                       err=True)
            refused += 1
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            click.echo(f"{path}: cannot read: {exc.strerror}", err=True)
            refused += 1
            continue
        repair = repair_bytes(data, language=_language_hint(path, data))
        if repair.refusal is not None:
            click.echo(f"{path}:{repair.refusal}", err=True)
            refused += 1
            continue
        if not repair.changed:
            continue
        assert repair.repaired is not None
        if write:
            try:
                # Compare-and-swap: an edit saved since the file was read is not lost.
                with locked(path):
                    write_atomic(path, repair.repaired, expected=data)
            except FileChangedError:
                click.echo(f"{path}: the file changed since it was read; not written (run "
                           "again)", err=True)
                refused += 1
                continue
            except OSError as exc:
                click.echo(f"{path}: not written ({exc.strerror or exc}); the file is "
                           "unchanged", err=True)
                refused += 1
                continue
            click.echo(f"fixed {path}: {'; '.join(repair.fixes)}")
            continue
        pending += 1
        before = data.decode("utf-8", "replace").splitlines(keepends=True)
        after = repair.repaired.decode("utf-8").splitlines(keepends=True)
        diff = list(difflib.unified_diff(before, after, f"a/{path}", f"b/{path}"))
        if diff:
            click.echo("".join(diff), nl=False)
            if not diff[-1].endswith("\n"):
                click.echo()
        click.echo(f"# {path}: {'; '.join(repair.fixes)}")
    if not write and pending:
        click.echo(f"{pending} file(s) would be repaired; run again with --write", err=True)
    sys.exit(1 if refused or (pending and not write) else 0)

