"""The editors' commands: ``glosa new``, ``translate``, ``translations``, ``bump``,
``mentions``. Registered on the ``glosa`` group by :mod:`glosa.cli.main`.

Exit status: 0 done, 1 refused or failed (the message names the file; nothing was written),
2 usage error.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ..checking.mentions import find_mentions
from ..checking.mentions import render_json as mentions_json
from ..checking.mentions import render_text as mentions_text
from ..checking.translation_status import CONDITIONS, translation_report
from ..checking.translation_status import render_json as translations_json
from ..checking.translation_status import render_text as translations_text
from ..editing.authoring import (
    AuthoringError,
    AuthoringUsageError,
    apply_rewrite,
    apply_translation,
    create_file,
    describe_bump,
    locate_note,
    plan_bump,
    plan_new_note,
    plan_translation,
)
from ..files import locked
from ..reading.vault import Vault, load_vault
from . import vault_settings

__all__ = ["EDITING_COMMANDS"]

_VAULT_OPTION = click.option(
    "--vault", type=click.Path(path_type=Path, file_okay=False),
    help="The vault folder (default: from the settings, else the working folder).")
_CONFIG_OPTION = click.option(
    "--config", "config_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A pyproject.toml with [tool.glosa] or an mkdocs.yml using glosa.")
_DRY_RUN_OPTION = click.option("--dry-run", is_flag=True,
                               help="Show what would be written; write nothing.")


@contextmanager
def _errors() -> Iterator[None]:
    """Refusals and failures as one clear line on stderr, never a traceback."""
    try:
        yield
    except AuthoringUsageError as exc:
        raise click.UsageError(str(exc)) from None
    except AuthoringError as exc:
        click.echo(f"glosa: error: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"glosa: error: {where}{exc.strerror or exc}", err=True)
        sys.exit(1)


def _load(vault: Path | None, config_file: Path | None, start: Path | None = None) -> Vault:
    config, folder, _found = vault_settings(vault, config_file, start)
    return load_vault(folder, config)


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _echo_diff(text: str) -> None:
    if text:
        click.echo(text, nl=False)


@click.command("new")
@click.argument("title")
@click.option("--lang", required=True, help="Language code of the note (ES, EN, ...).")
@click.option("--level", type=int, required=True, help="Level 1 to 6 (⚫① … ⚪⑥).")
@click.option("--parent", help="The parent note's title (with or without level marker).")
@click.option("--root", is_flag=True, help="The note heads the hierarchy: no parent line.")
@click.option("--tags", help="Comma-separated tags.")
@click.option("--folder", help="Vault folder for the file (default: the parent's folder).")
@click.option("--legend", help="The legend note (default: the one the vault's notes of "
                               "that language use in their legend line).")
@click.option("--nav-primary", default="", help="Value of nav_primary.")
@click.option("--nav-secondary", default="", help="Value of nav_secondary.")
@_VAULT_OPTION
@_CONFIG_OPTION
@_DRY_RUN_OPTION
def new(title: str, lang: str, level: int, parent: str | None, root: bool, tags: str | None,
        folder: str | None, legend: str | None, nav_primary: str, nav_secondary: str,
        vault: Path | None, config_file: Path | None, dry_run: bool) -> None:
    """Create the note TITLE with every key of the note format, its H1, parent link and
    legend line.

    The parent is looked up like a wiki-link and written exactly as its file name; an
    unknown parent is an error with suggestions. Refuses an existing file or a title that
    already exists in that language.
    """
    if not 1 <= level <= 6:
        raise click.UsageError(f"--level must be 1 to 6, not {level}")
    loaded = _load(vault, config_file)
    with _errors():
        planned = plan_new_note(loaded, title, lang=lang, level=level, parent=parent,
                                root=root, tags=_split(tags), folder=folder, legend=legend,
                                nav_primary=nav_primary, nav_secondary=nav_secondary)
        if dry_run:
            _echo_diff(planned.diff())
            click.echo(f"# would create {planned.path}")
            return
        create_file(planned)
        click.echo(f"created {planned.path}")


@click.command("translate")
@click.argument("note")
@click.option("--to", "to_lang", required=True, help="Language of the translation.")
@click.option("--title", help="The translation's title, without level marker (asked for "
                              "when run in a terminal; required otherwise).")
@click.option("--parent", help="Parent note (default: the translation of the source's "
                               "parent, else the source's parent).")
@click.option("--folder", help="Vault folder for the file (default: where the translations "
                               "of the source's neighbours are).")
@click.option("--legend", help="The legend note (default: the one the vault's notes of "
                               "that language use).")
@click.option("--tags", help="Comma-separated tags (the source's are not copied: tags are "
                             "words of a language).")
@_VAULT_OPTION
@_CONFIG_OPTION
@_DRY_RUN_OPTION
def translate(note: str, to_lang: str, title: str | None, parent: str | None,
              folder: str | None, legend: str | None, tags: str | None, vault: Path | None,
              config_file: Path | None, dry_run: bool) -> None:
    """Create the counterpart of NOTE (a file or a note name) in another language.

    The translation gets the source's level and version, links back to the source, and
    a body left for the editor, marked `<!-- glosa: translate from PATH -->`. The source's
    `translations` key is the only thing rewritten in the source (atomically).
    """
    start = Path(note).parent if Path(note).is_file() else None
    loaded = _load(vault, config_file, start)
    with _errors():
        source = locate_note(loaded, note)
        if title is None:
            if not sys.stdin.isatty():
                raise click.UsageError(
                    "--title is required: the translation's title names its file")
            title = click.prompt(f"{to_lang.upper()} title for '{source.stem}' "
                                 "(without level marker)")
        plan = plan_translation(loaded, source, to_lang, title=title, parent=parent,
                                folder=folder, legend=legend, tags=_split(tags))
        for warning in plan.warnings:
            click.echo(f"glosa: warning: {warning}", err=True)
        if dry_run:
            _echo_diff(plan.new_file.diff())
            if plan.source is not None:
                _echo_diff(plan.source.diff())
            click.echo(f"# would create {plan.new_file.path}")
            if plan.source is not None:
                click.echo(f"# would update the translations of {plan.source.path}")
            return
        apply_translation(plan)
        click.echo(f"created {plan.new_file.path}")
        if plan.source is not None:
            click.echo(f"updated the translations of {plan.source.path}")


@click.command("translations")
@click.argument("vault", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.option("--fail-on", default="",
              help=f"Exit 1 when one of these occurs (comma-separated: "
                   f"{', '.join(CONDITIONS)}).")
@click.option("--source-lang", help="Language of the source notes (default: the vault's "
                                    "default language).")
@click.option("--only-problems", is_flag=True, help="Text output: omit complete concepts.")
@_CONFIG_OPTION
def translations(vault: Path | None, fmt: str, fail_on: str, source_lang: str | None,
                 only_problems: bool, config_file: Path | None) -> None:
    """Report, for each concept, its languages: present, missing, stale, broken links.

    A concept is a group of notes joined by `translations`. A translation is stale when
    its source was modified after it or has a higher version. Exit status: 0, or 1 when a
    condition named by --fail-on occurs; 2 on usage errors.
    """
    wanted = {name.lower() for name in _split(fail_on)}
    unknown = sorted(wanted - set(CONDITIONS))
    if unknown:
        raise click.UsageError(f"--fail-on: unknown condition(s) {', '.join(unknown)}; "
                               f"use {', '.join(CONDITIONS)}")
    loaded = _load(vault, config_file)
    if source_lang is not None and source_lang.lower() not in loaded.config.languages:
        raise click.UsageError(f"--source-lang '{source_lang}' is not a configured language")
    report = translation_report(loaded, source_lang)
    click.echo(translations_json(report) if fmt == "json"
               else translations_text(report, only_problems))
    sys.exit(1 if wanted & report.conditions() else 0)


@click.command("bump")
@click.argument("note")
@click.option("--major", is_flag=True, help="Raise ver_major (minor and rev go to 0).")
@click.option("--minor", is_flag=True, help="Raise ver_minor (rev goes to 0).")
@click.option("--rev", is_flag=True, help="Raise ver_rev (the default).")
@_VAULT_OPTION
@_CONFIG_OPTION
@click.option("--dry-run", is_flag=True, help="Print the diff; write nothing.")
def bump(note: str, major: bool, minor: bool, rev: bool, vault: Path | None,
         config_file: Path | None, dry_run: bool) -> None:
    """Raise the version of NOTE (a file, or a note name) and set `modified` to now.

    Only those lines change; everything else stays byte for byte. Atomic write.
    """
    chosen = [name for name, on in (("major", major), ("minor", minor), ("rev", rev)) if on]
    if len(chosen) > 1:
        raise click.UsageError("choose one of --major, --minor, --rev")
    part = chosen[0] if chosen else "rev"
    with _errors():
        path = Path(note)
        rel = note
        if not path.is_file():
            loaded = _load(vault, config_file)
            found = locate_note(loaded, note)
            path, rel = found.abs_path, found.path
        # Read, bump and write under one lock: bumps run at once on one note take turns,
        # and each raises the version the previous one wrote.
        with locked(path):
            plan = plan_bump(path, part, rel=rel)
            if dry_run:
                _echo_diff(plan.rewrite.diff())
                click.echo(f"# would bump {path}: {describe_bump(plan)}")
                return
            apply_rewrite(plan.rewrite)
        click.echo(f"bumped {path}: {describe_bump(plan)}")


@click.command("mentions")
@click.argument("vault", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.option("--first-only", is_flag=True,
              help="Only the first mention of each note per note, and none of the notes "
                   "it already links to.")
@_CONFIG_OPTION
def mentions(vault: Path | None, fmt: str, first_only: bool,
             config_file: Path | None) -> None:
    """List plain-text mentions of other notes' titles or aliases that are not links.

    Case and accents are ignored when matching, whole words only; code, links, headings,
    the frontmatter and the note's own names are skipped. Reported as PATH:LINE:COLUMN.
    """
    loaded = _load(vault, config_file)
    found = find_mentions(loaded, first_only)
    click.echo(mentions_json(found) if fmt == "json" else mentions_text(found))


EDITING_COMMANDS = (new, translate, translations, bump, mentions)
