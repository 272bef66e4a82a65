"""What a vault publishes: notes marked ``publish: false`` or ``draft: true`` and paths
matched by the ``publish_exclude`` globs stay out of the site (no MkDocs here).

The site is built from a *published vault*: the same notes minus the unpublished ones,
with its own link index, so that no page, listing, backlink, preview, transclusion, search
record, feed, graph or explorer entry can reach an unpublished note — links to one find
nothing and render as plain text. ``glosa check`` reads the whole vault and warns about
each link to an unpublished note (``link-unpublished``).
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

if TYPE_CHECKING:
    from pathspec import PathSpec

from ..checking.diagnostics import Diagnostic, Severity
from ..reading.markers import split_marker
from ..reading.model import Note, WikiLink
from ..reading.resolver import resolve_link
from ..reading.vault import Vault
from ..safepaths import fold_path, numbered

__all__ = [
    "SlugClash",
    "alias_redirects",
    "alias_slug_pages",
    "is_published",
    "permalink_of",
    "plain_unpublished",
    "published_vault",
    "slug_pages",
    "unpublished_link_diagnostics",
    "unpublished_links",
]

_FALSE_WORDS = {"false", "no", "off", "0"}
_TRUE_WORDS = {"true", "yes", "on", "1"}


def _flag(value: Any) -> bool | None:
    """A frontmatter yes/no as Obsidian's checkbox or as text; None when it is neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _FALSE_WORDS:
            return False
        if word in _TRUE_WORDS:
            return True
    return None


def exclude_spec(patterns: Sequence[str]) -> PathSpec[Any] | None:
    """gitignore-style patterns (``private/``, ``**/*.draft.md``) over vault paths."""
    if not patterns:
        return None
    # Imported here: pathspec pulls in asyncio, a tenth of `glosa check`'s start-up, for
    # vaults that mostly have no exclude list.
    from pathspec import PathSpec

    try:
        return PathSpec.from_lines("gitignore", patterns)
    except KeyError:  # pathspec before 1.0 names the same rules "gitwildmatch"
        return PathSpec.from_lines("gitwildmatch", patterns)


def is_published(note: Note, spec: PathSpec[Any] | None = None) -> bool:
    """False for ``publish: false``, ``draft: true``, or a path the exclude list matches."""
    if _flag(note.meta.get("publish")) is False or _flag(note.meta.get("draft")) is True:
        return False
    return spec is None or not spec.match_file(note.path)


def published_vault(vault: Vault, patterns: Sequence[str]) -> Vault:
    """The vault the site is built from (the same object when everything is published)."""
    spec = exclude_spec(patterns)
    notes = [n for n in vault.notes if is_published(n, spec)]
    attachments = [a for a in vault.attachments
                   if spec is None or not spec.match_file(a.path)]
    if len(notes) == len(vault.notes) and len(attachments) == len(vault.attachments):
        return vault
    return Vault(vault.root, vault.config, notes, attachments, list(vault.problems),
                 vault.obsidian, vault.templates)


def unpublished_links(vault: Vault, patterns: Sequence[str],
                      positions: Sequence[int] | None = None,
                      ) -> Iterator[tuple[Note, WikiLink, Note]]:
    """(note, link, target) of each link from a published note to an unpublished one;
    with ``positions``, only the links of the notes at those positions of the vault."""
    spec = exclude_spec(patterns)
    hidden = {id(n) for n in vault.notes if not is_published(n, spec)}
    if not hidden:
        return
    for note in vault.notes if positions is None else (vault.notes[at] for at in positions):
        if id(note) in hidden or not note.readable:
            continue
        for link in note.links:
            target = resolve_link(vault.index, link, note).note
            if target is not None and id(target) in hidden:
                yield note, link, target


def unpublished_link_diagnostics(vault: Vault, patterns: Sequence[str] = (),
                                 positions: Sequence[int] | None = None) -> list[Diagnostic]:
    """A warning for each link from a published note to an unpublished one: on the site
    it shows as plain text. ``positions``: see :func:`unpublished_links`."""
    severity = vault.config.severity("link-unpublished")
    if severity is Severity.OFF:
        return []
    out: list[Diagnostic] = []
    for note, link, target in unpublished_links(vault, patterns, positions):
        out.append(Diagnostic(
            "link-unpublished", severity, note.path, link.line, link.column,
            f"{link.raw} links to {target.path}, which is not published "
            "(publish: false, draft: true or publish_exclude)",
            "the site shows this link as plain text"))
    return out


def permalink_of(note: Note) -> str | None:
    """The page path a note's ``permalink`` asks for (``a/b`` → ``a/b/``), or None when
    it has none or it would leave the site."""
    value = note.meta.get("permalink")
    if not isinstance(value, str):
        return None
    return _site_path(value)


def _site_path(value: str) -> str | None:
    # Decoded first: `%2e%2e` is `..` to a browser.
    text = unquote(value).strip().strip("/")
    if not text or "\\" in text or "://" in text or text.startswith(("#", "?")):
        return None
    normal = posixpath.normpath(text)
    if normal in (".", "..") or normal.startswith("../") or any(
            part.startswith(".") for part in normal.split("/")):
        return None
    return normal


def alias_redirects(note: Note) -> list[str]:
    """Aliases written like old page paths (``old/name``, ``/old/name``), which redirect to
    the note as Obsidian Publish does; plain aliases are only other names."""
    out: list[str] = []
    for alias in note.aliases:
        if "/" not in alias.strip().strip("/"):
            continue
        path = _site_path(alias)
        if path is not None:
            out.append(path)
    return out


@dataclass(frozen=True, slots=True)
class SlugClash:
    """A note whose title's slug was already a page's: it gets ``page``, a numbered one."""

    path: str
    page: str
    #: The file that holds the address the note wanted.
    holder: str
    wanted: str


def slug_pages(pages: Sequence[tuple[str, Sequence[str]]], taken: Mapping[str, str],
               dest: Callable[[str], str]) -> tuple[dict[str, str], list[SlugClash]]:
    """Page paths (``es/metricas/tasa-de-conversion``) for notes published under the slug
    of their title, in their note's folder.

    ``pages`` are (note path, names): the title without level marker, then the aliases,
    whose first with a slug is used (a legend titled in emoji goes by its alias); their
    order decides who keeps a contested slug. ``taken`` maps the folded destination file
    of every page or file that keeps its place to its source; ``dest`` gives a page path's
    destination file. A slug that lands on a taken file is numbered (``x-2``) and
    reported (a note titled `Index` is its folder's index page only where no other page
    is). A note with no name to slug keeps its own address. Slugs hold only letters,
    digits and hyphens, so no title can name a path outside its folder.
    """
    held = dict(taken)
    targets: dict[str, str] = {}
    clashes: list[SlugClash] = []
    for path, names in pages:
        slug = next((s for s in map(name_slug, names) if s), "")
        if not slug:
            continue
        folder = posixpath.dirname(path)
        base = f"{folder}/{slug}" if folder else slug
        target = base
        holder = held.get(fold_path(dest(base)))
        if holder is not None:
            number = 2
            while fold_path(dest(target := numbered(base, number))) in held:
                number += 1
            clashes.append(SlugClash(path, target, holder, base))
        held[fold_path(dest(target))] = path
        targets[path] = target
    return targets, clashes


def name_slug(name: str) -> str:
    """The slug of a title or alias without its level marker (`Leyenda 🔴②` → `leyenda`)."""
    # Imported here: the site model is a tenth of `glosa check`'s imports, and the check
    # reads no slug.
    from .model import plain_slug

    return plain_slug(split_marker(name).title)


def alias_slug_pages(note: Note, folder: str) -> list[str]:
    """The page paths of a note's aliases slugged beside it in ``folder`` (the alias
    `CLV` of a note in `es/metricas` → `es/metricas/clv`), to redirect to the note."""
    out: list[str] = []
    for alias in note.aliases:
        slug = name_slug(alias)
        if slug:
            out.append(f"{folder}/{slug}" if folder else slug)
    return out


def redirect_html(target: str) -> str:
    """A page that sends readers (and search engines) to ``target``, a URL relative to it."""
    safe = html.escape(target, quote=True)
    # An empty icon: a browser would otherwise ask the server for /favicon.ico (a 404 where
    # the site is served below a path) in the moment before it follows the redirect.
    return ("<!doctype html><html><head><meta charset=\"utf-8\">"
            "<link rel=\"icon\" href=\"data:,\">"
            f"<title>Redirect</title><link rel=\"canonical\" href=\"{safe}\">"
            f"<meta http-equiv=\"refresh\" content=\"0; url={safe}\">"
            f"<meta name=\"robots\" content=\"noindex\"></head><body>"
            f"<p><a href=\"{safe}\">{safe}</a></p></body></html>")


_BROKEN_SPAN = re.compile(r'<span class="glosa-broken" title="missing: ([^"]*)">')


def plain_unpublished(content: str, targets: set[str]) -> str:
    """Links to unpublished notes as plain text rather than marked as broken (the target
    named in a broken link's title is dropped too)."""
    if not targets or "glosa-broken" not in content:
        return content

    def plain(match: re.Match[str]) -> str:
        if html.unescape(match.group(1)) in targets:
            return '<span class="glosa-unpublished">'
        return match.group(0)

    return _BROKEN_SPAN.sub(plain, content)
