"""``glosa check`` through the persistent cache: the previous report when nothing changed,
and only the notes a change can affect checked again when something did.

The ``check`` entry of a vault (see :func:`glosa.reading.vault.vault_entry`) keeps, for every note
file, its stamp and content digest, and for every note the diagnostics of its own checks
(reading problems, metadata, translations, links), the names other notes' links can reach
it by (*name tokens*), the names its own links look up (*link tokens*) and a digest of
what other notes' checks read of it (its *interface*: path, names, language, headings,
block ids, translations). The checks across notes (hierarchy roots, duplicate titles,
embed cycles, links to unpublished notes) are cheap and always run again over the whole
vault.

When some files changed, a note that did not is checked again only when

- a note whose interface changed, or that appeared or went, bears a name token that one
  of its links (or one of its translations' translations) looks up: the link may now
  resolve elsewhere, become ambiguous or broken, or find another heading;
- a file or template that appeared or went bears a name one of its links looks up;
- it had a broken link and the names of the vault changed (its did-you-mean list may);
- one of its links names a path the tokens cannot follow (``..``), and anything changed.

Everything else about a note's own checks is a function of its content and the
configuration, which the entry is keyed by; a test compares many random edits, renames
and deletions against a cold check.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import time
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..cache import CacheStore
from ..config import GlosaConfig
from ..reading.markers import name_keys, normalize_key
from ..reading.model import Attachment, Note, WikiLink, strip_note_suffix
from ..reading.vault import (
    RACY_NS,
    NoteCache,
    Vault,
    VaultFiles,
    content_digest,
    decode_diagnostic,
    encode_diagnostic,
    file_stamp,
    paused_garbage_collection,
    reading_key,
    vault_entry,
    vault_files,
)
from .diagnostics import Diagnostic

__all__ = ["NoteKeys", "cached_check", "check_key", "note_keys"]

#: A link token that stands for any name: the link's last path segment cannot be known
#: without resolving it (``[[a/..]]``).
_ANY = "*"
_BROKEN_RULES = frozenset({"link-broken", "translation-broken"})
_SHAPE = 3  # bumped when the entry's layout changes


def check_key(config: GlosaConfig) -> dict[str, Any]:
    """Everything of the configuration a check reads."""
    return {**reading_key(config), "roots": list(config.roots),
            "publish_exclude": list(config.publish_exclude),
            "exclude_dirs": list(config.exclude_dirs)}


@functools.lru_cache(maxsize=1 << 16)
def _last_segments(target: str) -> frozenset[str]:
    """The last path segments under which a link target can find a note or file (cached:
    a vault links to the same names over and over)."""
    found: set[str] = set()
    texts = [target, unquote(target)] if "%" in target else [target]
    for text in texts:
        key = normalize_key(strip_note_suffix(text.strip()))
        for form in (key, posixpath.normpath(key) if key else key):
            last = form.rsplit("/", 1)[-1]
            found.add(_ANY if last in ("", ".", "..") else last)
    return frozenset(found)


def _link_tokens(links: Iterable[WikiLink]) -> set[str]:
    tokens: set[str] = set()
    for link in links:
        if link.target:  # an empty target is the note itself
            tokens |= _last_segments(link.target)
    return tokens


def _name_tokens(note: Note) -> list[str]:
    """The last segments of every key the index files ``note`` under."""
    stem = strip_note_suffix(note.path).rpartition("/")[2]
    tokens = set(name_keys(stem))
    for alias in note.aliases:
        key = normalize_key(alias)
        tokens.add(key)
        tokens.add(key.rsplit("/", 1)[-1])
    return sorted(tokens)


# Token lists are kept as one UTF-8 byte string each: a vault's entry then unpacks in a
# fraction of the time a list (or a text string, decoded on every load) per note takes,
# and only a run that re-checks something decodes them. (A NUL inside a name, possible
# only in a quoted alias, splits it in two on both sides: more notes re-checked, never
# fewer.)
def _joined(tokens: Iterable[str]) -> bytes:
    return "\0".join(tokens).encode("utf-8", "surrogatepass")


def _split(joined: bytes) -> list[str]:
    if not joined:
        return []
    try:
        text = joined.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:  # not what _joined wrote: stands for any name
        return [_ANY]
    return text.split("\0")


def _file_token(path: str) -> str:
    return normalize_key(path).rsplit("/", 1)[-1]


def _template_tokens(path: str) -> set[str]:
    key = normalize_key(strip_note_suffix(path))
    return {key.rsplit("/", 1)[-1], _file_token(path)}


def _interface(note: Note) -> bytes:
    """A digest of what other notes' checks read of ``note``."""
    shape = repr((note.path, note.stem, note.title, note.lang, note.readable, note.aliases,
                  [(h.level, h.text, h.slug, h.line) for h in note.headings],
                  sorted(note.block_ids.items()),
                  [(t.target, t.heading, t.block) for t in note.translations]))
    return hashlib.blake2b(shape.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _names_digest(vault: Vault) -> bytes:
    """A digest of the names did-you-mean suggestions are chosen from."""
    index = vault.index
    shape = repr((list(index.fuzzy_choices().items()), list(index.attachment_names().items())))
    return hashlib.blake2b(shape.encode("utf-8", "surrogatepass"), digest_size=16).digest()


#: What the check entry keeps of a note to tell when it must be checked again: the digest
#: of its interface, its name tokens and its link tokens (each list joined, see _joined).
NoteKeys = tuple[bytes, bytes, bytes]


def note_keys(vault: Vault, note: Note) -> NoteKeys:
    """The :data:`NoteKeys` of ``note``: computed by each process for its own half of a
    large vault (at 10,000 notes, a fifth of a second that would run in one)."""
    return _interface(note), _joined(_name_tokens(note)), _joined(_note_tokens(vault, note))


def _note_tokens(vault: Vault, note: Note) -> list[str]:
    """The link tokens of ``note``: what its links, and its translations' own
    translations (the reciprocity check reads them), look up."""
    from ..reading.resolver import resolve_link

    links: list[WikiLink] = list(note.links) + list(note.translations)
    for group in note.property_links.values():
        links.extend(group)
    tokens = _link_tokens(links)
    for link in note.translations:
        target = resolve_link(vault.index, link, note).note
        if target is not None:
            tokens |= _link_tokens(target.translations)
    return sorted(tokens)


def _context(config: GlosaConfig, vault_settings: Any) -> dict[str, Any]:
    return {"shape": _SHAPE, "config": check_key(config), "obsidian": repr(vault_settings)}


def cached_check(root: Path, config: GlosaConfig, store: CacheStore,
                 only: Collection[str] | None = None,
                 ) -> tuple[list[Diagnostic], Vault | None]:
    """The diagnostics of the vault at ``root`` (those of the notes at the vault paths in
    ``only``, when given), through ``store``; and the vault when it had to be loaded."""
    with paused_garbage_collection():
        taken = time.time_ns()
        found = vault_files(root, config)
        name = vault_entry("check", root, store)
        context = _context(config, found.obsidian)
        saved = _saved_entry(store.load(name), context)
        problems = list(found.problems)
        entry = {"context": context, "attachments": sorted(rel for _, rel in found.attachments),
                 "templates": list(found.templates)}
        if saved is not None and all(saved[key] == entry[key]
                                     for key in ("attachments", "templates")):
            report = _unchanged_report(saved, found.notes)
            if report is not None:
                diagnostics, restamped = report
                if restamped:
                    store.save(name, saved)
                ordered = problems + diagnostics
                ordered.sort(key=Diagnostic.sort_key)
                return _select(ordered, only), None
        if saved is None:
            # Nothing to start from: the plain check, a large vault in two processes,
            # keeping what the next run needs. (The notes are saved by the next run that
            # has something to re-check: the second process's notes stay there.)
            from .checks import check_in_two

            checked = check_in_two(root, config, found, track=True)
            assert checked.files is not None and checked.keys is not None
            vault, own, cross = checked.vault, checked.found, checked.cross
            files = {rel: (None if stamp is None or stamp[0] >= taken - RACY_NS else stamp,
                           digest) for rel, (stamp, digest) in checked.files.items()}
            keys = checked.keys
            rows = None
        else:
            vault, own, cross, files, keys, rows = _recheck(root, config, store, found, saved)
        by_path: dict[str, list[Diagnostic]] = {}
        for diagnostic in own:
            by_path.setdefault(diagnostic.path, []).append(diagnostic)
        out: list[Diagnostic] = list(problems)
        kept: dict[str, list[Any]] = {}
        for note in vault.notes:
            path = note.path
            if rows is not None and path in rows:
                row = rows[path]
                out.extend(decode_diagnostic(d) for d in row[4])
            else:
                mine = by_path.get(path, [])
                out.extend(mine)
                row = [*keys[path], any(d.rule in _BROKEN_RULES for d in mine),
                       [encode_diagnostic(d) for d in mine]]
            if files.get(path, (None, None))[1] is not None:
                kept[path] = row
        out.extend(cross)
        out.sort(key=Diagnostic.sort_key)
        store.save(name, {
            **entry, "names": _names_digest(vault),
            "files": {rel: [None if files[rel][0] is None else list(files[rel][0]),  # type: ignore[arg-type]
                            files[rel][1]] for rel in kept},
            "notes": kept, "cross": [encode_diagnostic(d) for d in cross],
        })
        return _select(out, only), vault


_Stamps = dict[str, tuple[tuple[int, int] | None, bytes | None]]


def _recheck(root: Path, config: GlosaConfig, store: CacheStore, found: VaultFiles,
             saved: dict[str, Any]) -> tuple[Vault, list[Diagnostic], list[Diagnostic],
                                             _Stamps, dict[str, NoteKeys],
                                             dict[str, list[Any]]]:
    """Load the vault through the read cache and check again what the changes since
    ``saved`` can affect: (vault, findings of the notes checked, findings across notes,
    stamps and digests, keys of the notes checked, saved rows of the others)."""
    from .checks import _check_notes, _finish_checks, note_embeds

    cache = NoteCache.restore(store, vault_entry("notes", root, store), config,
                              root.resolve())
    notes = cache.read_all(found.notes, config, root)
    if cache.changed:
        cache.persist(store, vault_entry("notes", root, store), config)
    vault = Vault(root.resolve(), config, notes,
                  [Attachment(rel, abs_path) for abs_path, rel in found.attachments],
                  list(found.problems), found.obsidian, list(found.templates))
    files: _Stamps = {rel: (entry.stamp, entry.digest) for rel, entry in cache.entries.items()}
    recheck = _to_recheck(vault, saved, {rel: d for rel, (_, d) in files.items()
                                         if d is not None},
                          sorted(rel for _, rel in found.attachments), list(found.templates))
    positions = [at for at, note in enumerate(vault.notes) if note.path in recheck]
    own, embeds = _check_notes(vault, positions, None)
    embeds += note_embeds(vault, [at for at, note in enumerate(vault.notes)
                                  if note.path not in recheck])
    cross = _finish_checks(vault, [], embeds)
    keys = {vault.notes[at].path: note_keys(vault, vault.notes[at]) for at in positions}
    rows = {path: row for path, row in saved["notes"].items() if path not in recheck}
    return vault, own, cross, files, keys, rows


def _select(diagnostics: list[Diagnostic], only: Collection[str] | None) -> list[Diagnostic]:
    if only is None:
        return diagnostics
    return [d for d in diagnostics if d.path in only]


def _saved_entry(value: Any, context: dict[str, Any]) -> dict[str, Any] | None:
    """The saved check entry when it is of this shape and context, else None."""
    if not isinstance(value, dict) or value.get("context") != context:
        return None
    try:
        files, notes = value["files"], value["notes"]
        if not isinstance(files, dict) or not isinstance(notes, dict) or set(files) != set(
                notes):
            return None
        for rel, (stamp, digest) in files.items():
            if not isinstance(rel, str) or not isinstance(digest, bytes) or not (
                    stamp is None or (isinstance(stamp, list) and len(stamp) == 2)):
                return None
        for row in notes.values():
            interface, names, tokens, broken, own = row
            if not (isinstance(interface, bytes) and isinstance(names, bytes)
                    and isinstance(tokens, bytes) and isinstance(broken, bool)):
                return None
            for d in own:
                decode_diagnostic(d)
        for d in value["cross"]:
            decode_diagnostic(d)
        if not isinstance(value["attachments"], list) or not isinstance(
                value["templates"], list) or not isinstance(value["names"], bytes):
            return None
    except (KeyError, TypeError, ValueError):
        return None
    return value


def _unchanged_report(saved: dict[str, Any], files: Sequence[tuple[Path, str]],
                      ) -> tuple[list[Diagnostic], bool] | None:
    """The saved diagnostics of the notes and across them, when no note file changed
    (same files, each with its stamp or, the stamp changed, its digest); and whether
    stamps were updated. None when something changed."""
    known: dict[str, list[Any]] = saved["files"]
    if len(known) != len(files):
        return None
    restamped = False
    for abs_path, rel in files:
        entry = known.get(rel)
        if entry is None:
            return None
        stamp = file_stamp(abs_path)
        if stamp is None:
            return None
        if entry[0] is not None and tuple(entry[0]) == stamp:
            continue
        try:
            data = abs_path.read_bytes()
        except OSError:
            return None
        if content_digest(data) != entry[1]:
            return None
        # Unchanged content with a new stamp (a fresh clone): trusted from now on, unless
        # the file changed within the last moments (see glosa.reading.vault.RACY_NS).
        entry[0] = list(stamp) if stamp[0] < time.time_ns() - RACY_NS else None
        restamped = True
    out: list[Diagnostic] = []
    for rel in (rel for _, rel in files):
        out.extend(decode_diagnostic(d) for d in saved["notes"][rel][4])
    out.extend(decode_diagnostic(d) for d in saved["cross"])
    return out, restamped


def _to_recheck(vault: Vault, saved: dict[str, Any], digests: dict[str, bytes],
                attachments: list[str], templates: list[str]) -> set[str]:
    """Vault paths of the notes to check again."""
    before: dict[str, list[Any]] = saved["notes"]
    files: dict[str, list[Any]] = saved["files"]
    changed: set[str] = set()
    dirty: set[str] = set()
    present = {note.path for note in vault.notes}
    for note in vault.notes:
        old = files.get(note.path)
        if old is not None and note.path in digests and digests[note.path] == old[1]:
            continue  # the same content: the same own checks, the same interface
        changed.add(note.path)
        row = before.get(note.path)
        if row is None or row[0] != _interface(note):
            dirty.update(_name_tokens(note))
            if row is not None:
                dirty.update(_split(row[1]))
    for rel, row in before.items():
        if rel not in present:
            dirty.update(_split(row[1]))
    dirty.update(_file_token(p) for p in set(attachments) ^ set(saved["attachments"]))
    for path in set(templates) ^ set(saved["templates"]):
        dirty |= _template_tokens(path)
    names_changed = _names_digest(vault) != saved["names"]
    recheck = set(changed)
    for note in vault.notes:
        if note.path in recheck:
            continue
        row = before.get(note.path)
        if row is None:
            recheck.add(note.path)
            continue
        tokens = _split(row[2])
        if (dirty and (_ANY in tokens or not dirty.isdisjoint(tokens))) or (
                names_changed and row[3]):
            recheck.add(note.path)
    return recheck
