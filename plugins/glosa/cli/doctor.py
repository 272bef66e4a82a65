"""``glosa doctor``: what glosa would build with here, and the combinations known to fail.

Versions come from the installed distributions' metadata, so the command imports no site
engine (and works when the engine itself is broken or missing).
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

import click
import yaml

from .. import __version__
from ..config import _LenientLoader, _mkdocs_glosa_options, find_config

__all__ = ["MATERIAL_END_OF_LIFE", "Diagnosis", "diagnose", "doctor"]

#: The date Material for MkDocs' maintainers give for the end of its maintenance.
MATERIAL_END_OF_LIFE = date(2027, 5, 5)
#: The engine and theme releases the test suite builds sites with.
TESTED = "MkDocs 1.6 and ProperDocs 1.6 with Material for MkDocs 9"


def installed_version(dist: str) -> str | None:
    """The installed version of a distribution, else None."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _major(version: str) -> int:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else 0


def _minor(version: str) -> tuple[int, int]:
    parts = [*version.split("."), "0"][:2]
    return (_major(version), int(parts[1]) if parts[1].isdigit() else 0)


def pagefind_binary() -> str | None:
    """Path of the Pagefind executable glosa's search index would run, else None."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    try:
        found = get_executable()
    except Exception:  # a damaged install: reported as "no binary", never a traceback
        return None
    return str(found) if found else None


@dataclass
class Diagnosis:
    """What ``glosa doctor`` found: facts to print, then warnings and errors."""

    facts: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0


def _site_settings(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text("utf-8"), Loader=_LenientLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _check_engines(report: Diagnosis) -> None:
    mkdocs = installed_version("mkdocs")
    properdocs = installed_version("properdocs")
    engines = []
    if mkdocs:
        engines.append(f"MkDocs {mkdocs} (`mkdocs build`)")
    if properdocs:
        engines.append(f"ProperDocs {properdocs} (`properdocs build`)")
    report.facts.append(("engine", "; ".join(engines) or "none installed"))
    if mkdocs and _major(mkdocs) >= 2:
        message = (f"MkDocs {mkdocs} is the 2.x rewrite, which runs no plugins: `mkdocs "
                   "build` cannot build a glosa site.")
        if properdocs and _major(properdocs) < 2:
            # ProperDocs is its own package: it still builds the site.
            report.warnings.append(message + " Build with `properdocs build`.")
        else:
            report.errors.append(message + " Install `mkdocs>=1.6,<2`, or ProperDocs "
                                 "(`pip install properdocs`) and build with "
                                 "`properdocs build`.")
    elif mkdocs and _minor(mkdocs) < (1, 6):
        report.errors.append(f"MkDocs {mkdocs} is older than 1.6, which glosa needs: "
                             "`pip install 'mkdocs>=1.6,<2'`.")
    if properdocs and _major(properdocs) >= 2:
        report.warnings.append(f"ProperDocs {properdocs} is newer than the releases glosa "
                               f"is tested with ({TESTED}).")
    if not mkdocs and not properdocs:
        report.errors.append("No site engine: install ProperDocs (`pip install properdocs`) "
                             "or MkDocs 1.6 (`pip install 'mkdocs>=1.6,<2'`). "
                             "`glosa check` works without one.")
    zensical = installed_version("zensical")
    if zensical:
        report.warnings.append(
            f"Zensical {zensical} is installed here: it reads mkdocs.yml but runs no MkDocs "
            "plugin, so a `zensical build` publishes the notes without glosa (see the "
            "README's Zensical section).")


def _check_theme(report: Diagnosis, today: date) -> None:
    material = installed_version("mkdocs-material")
    if material is None:
        report.facts.append(("theme", "Material for MkDocs: not installed"))
        report.errors.append("Material for MkDocs is missing: glosa's templates extend it "
                             "(`pip install 'mkdocs-material>=9.5,<10'`).")
        return
    left = (MATERIAL_END_OF_LIFE - today).days
    when = (f"{left} days left" if left > 0 else "reached")
    report.facts.append(("theme", f"Material for MkDocs {material} (end of life "
                                  f"{MATERIAL_END_OF_LIFE.isoformat()}: {when})"))
    if left <= 0:
        report.warnings.append(
            f"Material for MkDocs reached its end of life on {MATERIAL_END_OF_LIFE.isoformat()}"
            ": it gets no more fixes, security fixes included.")
    if _major(material) != 9:
        report.warnings.append(f"Material for MkDocs {material} is outside the releases "
                               f"glosa is tested with ({TESTED}).")


def _check_search(report: Diagnosis, search_on: bool) -> None:
    version = installed_version("pagefind")
    binary = pagefind_binary()
    report.facts.append(("search", f"Pagefind {version or 'not installed'} (binary: "
                                   f"{binary or 'not found'})"))
    if binary is None:
        message = ("No Pagefind binary: the site's search cannot be built "
                   "(`pip install 'pagefind[extended]'`).")
        if search_on:
            report.errors.append(message)
        else:
            report.warnings.append(message + " The site turns search off (search: false).")


def _check_config(report: Diagnosis, start: Path, config_file: Path | None) -> bool:
    """Report the settings glosa would use; returns whether the site builds search."""
    found = config_file or find_config(start)
    if found is None:
        report.facts.append(("config", f"none found from {start} (defaults apply)"))
        return True
    if found.name == "pyproject.toml":
        report.facts.append(("config", f"{found} ([tool.glosa]; checking only)"))
        return True
    options = _mkdocs_glosa_options(found)
    data = _site_settings(found)
    theme = data.get("theme")
    theme_name = theme.get("name") if isinstance(theme, dict) else theme
    docs = data.get("docs_dir", "docs")
    report.facts.append(("config", f"{found} (vault: {docs}, theme: {theme_name or 'none'})"))
    if options is None:
        report.warnings.append(f"{found}: the glosa plugin is not in `plugins`; the site "
                               "builds without glosa.")
        return False
    if theme_name != "material":
        report.errors.append(f"{found}: theme {theme_name or '(none)'!s}: glosa's pages "
                             "need `theme: {name: material}` (Material for MkDocs).")
    return bool(options.get("search", True))


def diagnose(start: Path, config_file: Path | None = None,
             today: date | None = None) -> Diagnosis:
    """Everything ``glosa doctor`` reports, for the settings found from ``start``."""
    report = Diagnosis()
    report.facts.append(("glosa", __version__))
    report.facts.append(("python", f"{platform.python_version()} ({sys.executable})"))
    _check_engines(report)
    _check_theme(report, today or date.today())
    search_on = _check_config(report, start, config_file)
    _check_search(report, search_on)
    # The config line reads best last: move it after the versions.
    report.facts.sort(key=lambda fact: fact[0] == "config")
    return report


@click.command()
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False,
                                                         exists=True),
              help="An mkdocs.yml using glosa, or a pyproject.toml with [tool.glosa].")
def doctor(config_file: Path | None) -> None:
    """Show the engine, theme, search and settings glosa would use, and warn of known-bad
    combinations.

    Exit status: 0 usable (warnings may be printed), 1 a combination that cannot build.
    """
    report = diagnose(Path.cwd(), config_file)
    width = max(len(name) for name, _ in report.facts)
    for name, value in report.facts:
        click.echo(f"{name.ljust(width)}  {value}")
    for message in report.warnings:
        click.echo(f"warning: {message}", err=True)
    for message in report.errors:
        click.echo(f"error: {message}", err=True)
    if not report.warnings and not report.errors:
        click.echo(f"ok: a supported combination ({TESTED} are tested)")
    sys.exit(report.exit_code)
