"""Recent changes: when each note last changed, and an Atom feed per language (no MkDocs
here).

A note's date comes from its ``modified``, ``updated`` or ``date`` frontmatter, else from
the last commit that touched its file (one ``git log`` for the whole vault), else from
the file's modification time.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..checking.checks import _parse_date
from ..reading.model import Note

__all__ = ["RECENT_LIMIT", "atom_feed", "changed_dates", "git_dates"]

RECENT_LIMIT = 50
_DATE_KEYS = ("modified", "updated", "date")
_ATOM = "http://www.w3.org/2005/Atom"


def _meta_date(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    return _parse_date(value)


def git_dates(root: Path) -> dict[str, datetime]:
    """The last commit time of every file under ``root`` (vault-relative paths), or an
    empty mapping when git or a repository is missing."""
    git = shutil.which("git")
    if git is None:
        return {}
    try:
        top = subprocess.run([git, "-C", str(root), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=30, check=False)
        if top.returncode != 0:
            return {}
        log = subprocess.run(
            [git, "-c", "core.quotepath=false", "-C", str(root), "log", "--format=%x01%ct",
             "--name-only", "--no-renames", "--relative", "--", "."],
            capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return {}
    if log.returncode != 0:
        return {}
    dates: dict[str, datetime] = {}
    stamp: datetime | None = None
    for line in log.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("\x01"):
            stamp = datetime.fromtimestamp(int(line[1:]), tz=timezone.utc)
        elif line and stamp is not None:
            # Newest commits come first: the first time a path is seen is its last change.
            dates.setdefault(line, stamp)
    return dates


def changed_dates(notes: Iterable[Note], root: Path) -> dict[str, datetime]:
    """When each note last changed, by path."""
    out: dict[str, datetime] = {}
    missing: list[Note] = []
    for note in notes:
        moment = next((d for key in _DATE_KEYS
                       if (d := _meta_date(note.meta.get(key))) is not None), None)
        if moment is None:
            missing.append(note)
        else:
            out[note.path] = moment
    if missing:
        from_git = git_dates(root)
        for note in missing:
            moment = from_git.get(note.path)
            if moment is None:
                try:
                    moment = datetime.fromtimestamp(note.abs_path.stat().st_mtime,
                                                    tz=timezone.utc)
                except OSError:
                    continue
            out[note.path] = moment
    return out


def atom_feed(*, title: str, feed_url: str, site_url: str, lang: str,
              entries: list[tuple[Note, datetime, str]],
              summary: Callable[[Note], str]) -> bytes:
    """An Atom document (RFC 4287) of notes as (note, changed, absolute URL)."""
    ElementTree.register_namespace("", _ATOM)

    def sub(parent: ElementTree.Element, tag: str, text: str | None = None,
            **attrs: str) -> ElementTree.Element:
        element = ElementTree.SubElement(parent, f"{{{_ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ElementTree.Element(f"{{{_ATOM}}}feed",
                               {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    sub(feed, "title", title)
    sub(feed, "id", feed_url)
    sub(feed, "link", rel="self", href=feed_url)
    sub(feed, "link", rel="alternate", href=site_url)
    newest = max((moment for _, moment, _ in entries),
                 default=datetime(1970, 1, 1, tzinfo=timezone.utc))
    sub(feed, "updated", newest.isoformat())
    for note, moment, url in entries:
        entry = sub(feed, "entry")
        sub(entry, "title", note.title)
        sub(entry, "id", url)
        sub(entry, "link", rel="alternate", href=url)
        sub(entry, "updated", moment.isoformat())
        text = summary(note)
        if text:
            sub(entry, "summary", text)
    body: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body
