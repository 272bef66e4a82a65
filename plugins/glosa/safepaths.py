"""Paths glosa writes or removes, and the names it derives them from.

No value from a note (its language, tags, titles, aliases, sections) ever names a path by
itself: languages are checked against the configured ones, output names are glosa's own
slugs, and every write or removal glosa makes in the site (or cache) folder goes through
:func:`inside`, which refuses a path that is not under that folder once ``..`` and
symbolic links are resolved.
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = [
    "LANGUAGE_CODE",
    "UnsafePathError",
    "fold_path",
    "inside",
    "is_language_code",
    "is_plain_relative",
    "numbered",
    "remove_tree",
    "site_language",
    "unique_slugs",
]

#: A language code as a site may configure it (BCP 47 shape, lower case): two or three
#: letters, then optional subtags. Nothing that can be a path separator or ``..``.
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")

#: Slugs that would take the place of a folder's own index page.
RESERVED_SLUGS = frozenset({"index", "readme"})


class UnsafePathError(ValueError):
    """A path that would leave the folder glosa may write in."""


def is_language_code(value: object) -> bool:
    return isinstance(value, str) and LANGUAGE_CODE.fullmatch(value) is not None


def site_language(value: str, languages: Iterable[str], default: str) -> str:
    """The language a page is published in: a note's ``lang`` if the site has it, else
    the site's default (an unknown or hostile ``lang`` is reported by the check)."""
    return value if value in set(languages) else default


def inside(base: Path, path: Path) -> Path:
    """``path`` resolved, if it lies inside ``base`` (resolved too); else
    :class:`UnsafePathError`. Every path glosa writes to or removes in the site folder
    goes through here."""
    root = Path(os.path.realpath(base))
    resolved = Path(os.path.realpath(path))
    if resolved != root and not resolved.is_relative_to(root):
        raise UnsafePathError(f"{path}: outside {base}; glosa writes only inside it")
    return resolved


def is_plain_relative(rel: object) -> bool:
    """A relative path of plain names (``fragment/en_1a2b.pf_fragment``): no root, no
    ``..``, no backslash or NUL."""
    if not isinstance(rel, str) or not rel or rel.startswith("/") or "\\" in rel \
            or "\0" in rel:
        return False
    return all(part not in ("", ".", "..") for part in rel.split("/"))


def remove_tree(base: Path, path: Path) -> None:
    """Remove the folder ``path``, which must lie strictly inside ``base``."""
    resolved = inside(base, path)
    if resolved == Path(os.path.realpath(base)):
        raise UnsafePathError(f"{path}: glosa never removes {base} itself")
    shutil.rmtree(resolved, ignore_errors=True)


def fold_path(path: str) -> str:
    """The form under which two paths are the same page on a case-insensitive or
    normalising file system (macOS, Windows) or web server: NFC, case-folded."""
    return unicodedata.normalize("NFC", path).casefold()


def numbered(name: str, number: int) -> str:
    """``name`` with a number that tells it apart (``c`` → ``c-2``)."""
    return f"{name}-{number}"


def unique_slugs(names: Iterable[str], slug: Callable[[str], str],
                 reserved: Iterable[str] = RESERVED_SLUGS) -> dict[str, str]:
    """A slug per name, unique once case-folded and never one of ``reserved``: names whose
    slugs clash (``C++``, ``C#`` and ``C`` all give ``c``) get numbered slugs, in the
    order of the names themselves, so the result does not depend on the input order."""
    taken = {fold_path(r) for r in reserved}
    result: dict[str, str] = {}
    by_slug: dict[str, list[str]] = {}
    for name in sorted(set(names)):
        by_slug.setdefault(fold_path(slug(name)), []).append(name)
    # Names whose slug is free keep it; the rest are numbered after them.
    clashing: list[tuple[str, str]] = []
    for base, group in sorted(by_slug.items()):
        if base in taken:
            clashing.extend((base, name) for name in group)
            continue
        taken.add(base)
        result[group[0]] = slug(group[0])
        clashing.extend((base, name) for name in group[1:])
    for base, name in clashing:
        number = 2
        while fold_path(numbered(base, number)) in taken:
            number += 1
        candidate = numbered(base, number)
        taken.add(fold_path(candidate))
        result[name] = candidate
    return result
