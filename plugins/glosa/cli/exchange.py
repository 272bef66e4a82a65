"""``glosa export`` and ``glosa import``: the glossary as TBX, SKOS, CSV or JSON, and notes
from a TBX, CSV or JSON glossary. Registered on the ``glosa`` group by :mod:`glosa.cli.main`.

Exit status: 0 done, 1 refused (every problem listed with file and line; nothing written),
2 usage error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click
import yaml

from ..cache import default_cache_dir, shared_store
from ..config import _LenientLoader
from ..exchange.formats import EXPORT_FORMATS, IMPORT_FORMATS
from ..files import write_atomic
from ..reading.vault import Vault, load_vault, paused_garbage_collection
from . import cache_dir_option, vault_settings

__all__ = ["EXCHANGE_COMMANDS"]


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _site_settings(path: Path | None) -> dict[str, Any]:
    """``site_name`` and ``site_url`` of an mkdocs.yml (nothing for other settings files)."""
    if path is None or path.suffix not in (".yml", ".yaml"):
        return {}
    try:
        data = yaml.load(path.read_text("utf-8"), Loader=_LenientLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _load(vault: Path | None, config_file: Path | None, *, cached: bool = False,
          cache_dir: Path | None = None) -> tuple[Vault, dict[str, Any]]:
    """The vault and its site settings; with ``cached``, the notes are read through glosa's
    persistent cache (``cache_dir``, else ``.cache/glosa`` beside the settings file, else
    in the current folder, as ``glosa check`` keeps it): only changed notes are parsed."""
    config, folder, found = vault_settings(vault, config_file)
    store = None
    if cached:
        store = shared_store(cache_dir if cache_dir is not None else default_cache_dir(
            found.parent if found is not None else Path.cwd()))
    return load_vault(folder, config, store=store), _site_settings(found)


_CONFIG_OPTION = click.option(
    "--config", "config_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A pyproject.toml with [tool.glosa] or an mkdocs.yml using glosa.")


@click.command("export")
@click.argument("vault", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), required=True,
              help="tbx (ISO 30042:2019), tbx-v2 (2008), skos (Turtle), skos-jsonld, csv, "
                   "json.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to FILE (atomically) instead of standard output.")
@click.option("--lang", "langs", multiple=True,
              help="Only these languages (comma-separated or repeated; default: all).")
@click.option("--status", "statuses", multiple=True,
              help="Only notes in these editorial states: human, ai-assisted, ai-draft, "
                   "checked, unchecked, supervised, unsupervised (values of one field widen "
                   "the choice, of different fields narrow it).")
@click.option("--base", help="Prefix of the concept IRIs (default: the site URL + "
                             "'concepts/').")
@click.option("--title", help="Title of the glossary (default: the site name).")
@_CONFIG_OPTION
@click.option("--no-cache", is_flag=True, envvar="GLOSA_NO_CACHE", show_envvar=True,
              help="Read every note; neither use nor update the cache of read notes.")
@cache_dir_option
def export(vault: Path | None, fmt: str, output: Path | None, langs: tuple[str, ...],
           statuses: tuple[str, ...], base: str | None, title: str | None,
           config_file: Path | None, no_cache: bool, cache_dir: Path | None) -> None:
    """Export the concepts of VAULT (a note and its translations each) as TBX-Basic, SKOS,
    CSV (Weblate's glossary columns) or JSON.

    Notes are read through the cache that `glosa check` keeps (.cache/glosa): a repeated
    export parses only the notes that changed.
    """
    # Loaded here: `glosa check` and the other commands need neither lxml nor the writers.
    from ..exchange.concepts import collect_glossary, parse_status_filters
    from ..exchange.export import export_bytes

    loaded, site = _load(vault, config_file, cached=not no_cache, cache_dir=cache_dir)
    languages = [lang.lower() for lang in _split(langs)] or list(loaded.config.languages)
    unknown = [lang for lang in languages if lang not in loaded.config.languages]
    if unknown:
        raise click.UsageError(f"--lang {', '.join(unknown)}: not a language of the vault "
                               f"({', '.join(loaded.config.languages)})")
    try:
        status_groups = parse_status_filters(_split(statuses))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    site_url = str(site.get("site_url") or "")
    if base is not None and (not base.startswith(("http://", "https://", "urn:", "tag:"))
                             or any(c in base for c in ' <>"{}|^`\\')):
        raise click.UsageError(f"--base {base!r}: give an absolute IRI prefix such as "
                               "https://example.org/concepts/")
    if base is None:
        base = (site_url.rstrip("/") + "/concepts/") if site_url else ""
    if fmt.startswith("skos") and not base:
        raise click.UsageError("SKOS needs an address for its concepts: set site_url in "
                               "mkdocs.yml or pass --base https://example.org/concepts/")
    # The concepts and the writers' statements are many small objects without cycles: a
    # cycle collection now and then would scan the whole vault again (a third of the time).
    with paused_garbage_collection():
        glossary = collect_glossary(loaded, title=title or str(site.get("site_name") or ""),
                                    languages=languages, statuses=status_groups, base=base)
        data = export_bytes(glossary, fmt)
    code = 0
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        try:
            write_atomic(output, data)
        except OSError as exc:
            click.echo(f"glosa: error: {output}: {exc.strerror or exc}; nothing was written",
                       err=True)
            code = 1
        else:
            click.echo(f"{output}: {len(glossary.concepts)} concepts, {len(data):,} bytes "
                       f"({EXPORT_FORMATS[fmt][1]})", err=True)
    from .main import _standalone

    sys.stdout.flush()
    sys.stderr.flush()
    if _standalone():
        # Everything is written: skip freeing the vault and the glossary object by object
        # at exit (a few tenths of a second on 10,000 notes), as `glosa check` does.
        os._exit(code)
    if code:
        sys.exit(code)


def _guess_format(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in (".tbx", ".xml"):
        return "tbx"
    if suffix == ".csv":
        return "csv"
    if suffix == ".json":
        return "json"
    return None


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(IMPORT_FORMATS),
              help="tbx (either edition), csv or json (glosa's schema; default: from the "
                   "file's extension).")
@click.option("--into", "vault", type=click.Path(path_type=Path, file_okay=False),
              help="The vault folder (default: from the settings, else the working folder).")
@click.option("--dry-run", is_flag=True, help="List every file that would be written; write "
                                              "nothing.")
@click.option("--legend", help="The legend note new notes end with (default: the one the "
                               "vault's notes of each language use).")
@click.option("--level", "default_level", type=click.IntRange(1, 6),
              help="Level of concepts the file gives none (1 to 6).")
@_CONFIG_OPTION
def import_(file: Path, fmt: str | None, vault: Path | None, dry_run: bool,
            legend: str | None, default_level: int | None, config_file: Path | None) -> None:
    """Create notes for the concepts of FILE (TBX, CSV or JSON) that the vault lacks.

    Existing notes are never overwritten: a term whose note differs is reported. Every key
    of the note format, H1 with level marker, parent link and legend line are written, and
    translations are linked both ways. A file with any problem writes nothing.
    """
    from ..exchange.importer import apply_import, plan_import, read_import_file

    fmt = fmt or _guess_format(file)
    if fmt is None:
        raise click.UsageError(f"{file}: cannot tell the format from the name; pass --format")
    loaded, _site = _load(vault, config_file)
    glossary, problems = read_import_file(file, fmt, list(loaded.config.languages))
    plan = None
    if not problems:
        plan = plan_import(loaded, glossary, str(file), legend=legend,
                           default_level=default_level)
        problems = plan.problems
    if problems:
        for problem in problems:
            click.echo(f"glosa: error: {problem}", err=True)
        click.echo(f"{len(problems)} problem(s); nothing was written", err=True)
        sys.exit(1)
    assert plan is not None
    for line in plan.differences:
        click.echo(f"differs: {line}")
    for line in plan.warnings:
        click.echo(f"glosa: warning: {line}", err=True)
    verb = "would create" if dry_run else "created"
    if dry_run:
        for planned in plan.creates:
            click.echo(f"{verb} {planned.path}")
        for rewrite in plan.rewrites:
            click.echo(f"would add a translation to {rewrite.path}")
            click.echo(rewrite.diff(), nl=False)
    else:
        try:
            apply_import(plan)
        except (OSError, Exception) as exc:  # every write is rolled back before this
            click.echo(f"glosa: error: {exc}; nothing was written", err=True)
            sys.exit(1)
        for planned in plan.creates:
            click.echo(f"{verb} {planned.path}")
        for rewrite in plan.rewrites:
            click.echo(f"added a translation to {rewrite.path}")
    done = "would be written" if dry_run else "written"
    click.echo(f"{len(plan.creates)} new note(s) and {len(plan.rewrites)} translations "
               f"line(s) {done}; {plan.unchanged} term(s) already present, "
               f"{len(plan.differences)} differing", err=True)


EXCHANGE_COMMANDS = [export, import_]
