"""Walking a vault and loading every note once.

Parsed notes can be kept between runs in glosa's persistent cache
(:class:`~glosa.cache.CacheStore`): ``load_vault(root, config, store=store)`` re-reads only
the files whose stamp (modification time and size) changed, and parses only those whose
content digest changed too (a fresh clone of a repository touches every file but changes
none). A long-lived process keeps a :class:`NoteCache` in memory instead, or as well.
"""

from __future__ import annotations

import datetime as _dt
import functools
import gc
import hashlib
import operator
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cache import CacheStore
from ..checking.diagnostics import Diagnostic, Severity
from ..config import GlosaConfig, ObsidianSettings, read_obsidian_settings, with_vault_languages
from . import filebytes
from .model import NOTE_SUFFIXES, Attachment, Heading, Note, WikiLink
from .workers import split_work

# The parser and the resolver are imported where notes are parsed or indexed: a check
# answered from the cache only walks the vault and reads none.
if TYPE_CHECKING:
    from .resolver import NoteIndex

__all__ = ["NoteCache", "Vault", "decode_diagnostic", "decode_notes", "decode_stubs",
           "encode_diagnostic", "encode_notes", "encode_stubs", "file_stamp", "load_vault",
           "read_notes", "read_notes_here",
           "read_tracked", "read_vault_notes", "reading_key", "split_templates",
           "vault_entry", "vault_files", "walk_vault"]


@dataclass
class Vault:
    root: Path
    config: GlosaConfig
    notes: list[Note]
    attachments: list[Attachment]
    #: Problems that belong to no single note's content (files skipped while walking).
    problems: list[Diagnostic] = field(default_factory=list)
    #: The vault's own Obsidian settings (``.obsidian/``), Obsidian's defaults without them.
    obsidian: ObsidianSettings = field(default_factory=ObsidianSettings)
    #: Vault-relative paths of the files in template folders (see
    #: ``ObsidianSettings.template_folders``): not notes of the vault, never published.
    templates: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        from .resolver import NoteIndex

        self.index: NoteIndex = NoteIndex(self.notes, self.attachments, self.obsidian,
                                          self.templates)


@dataclass
class VaultFiles:
    """What :func:`vault_files` found: the files to read, and the vault's settings."""

    notes: list[tuple[Path, str]]
    attachments: list[tuple[Path, str]]
    problems: list[Diagnostic]
    obsidian: ObsidianSettings
    templates: list[str]


def vault_files(root: Path, config: GlosaConfig) -> VaultFiles:
    """The vault's Obsidian settings and its files, template folders set apart."""
    settings = read_obsidian_settings(root)
    note_files, attachment_files, problems = walk_vault(root, config)
    note_files, templates = split_templates(note_files, settings.template_folders)
    attachment_files, template_files = split_templates(attachment_files,
                                                       settings.template_folders)
    return VaultFiles(note_files, attachment_files, problems, settings,
                      sorted(templates + template_files))


def split_templates(files: Sequence[tuple[Path, str]], folders: Sequence[str],
                    ) -> tuple[list[tuple[Path, str]], list[str]]:
    """(files outside the template folders, vault-relative paths of those inside)."""
    if not folders:
        return list(files), []
    prefixes = tuple(f"{folder.casefold()}/" for folder in folders)
    kept: list[tuple[Path, str]] = []
    inside: list[str] = []
    for item in files:
        if item[1].casefold().startswith(prefixes):
            inside.append(item[1])
        else:
            kept.append(item)
    return kept, inside


def walk_vault(root: Path, config: GlosaConfig) -> tuple[list[tuple[Path, str]],
                                                          list[tuple[Path, str]],
                                                          list[Diagnostic]]:
    """(notes, attachments, problems) as (absolute path, vault-relative path) pairs.

    Hidden folders and the configured ``exclude_dirs`` are skipped; a symbolic link that
    leads outside the vault is never followed.
    """
    root = root.resolve()
    # Every entry's path is the root's path, a separator, then the path inside the vault.
    prefix = len(os.path.join(str(root), ""))
    notes: list[tuple[Path, str]] = []
    attachments: list[tuple[Path, str]] = []
    problems: list[Diagnostic] = []
    excluded = set(config.exclude_dirs)

    def skip(rule: str, rel: str, message: str) -> None:
        severity = config.severity(rule)
        if severity.value != "off":
            problems.append(Diagnostic(rule, severity, rel, 1, 1, message))

    stack = [root]
    seen_dirs = {root}
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            rel = folder.relative_to(root).as_posix() if folder != root else "."
            skip("note-unreadable", rel, f"cannot read the folder: {exc.strerror}")
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name in excluded:
                continue
            # Joined to the folder's path, not parsed again from the whole string: half the
            # time, 10,000 times over.
            path = folder / entry.name
            # Cut from the string: Path.relative_to parses both paths again, 10,000 times.
            rel = entry.path[prefix:]
            if os.sep != "/":
                rel = rel.replace(os.sep, "/")
            try:
                entry.name.encode("utf-8")
            except UnicodeEncodeError:
                # Bytes that are no UTF-8 come back as lone surrogates, which no report and
                # no site page can carry; the name must be fixed first.
                shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                skip("note-unreadable", shown, "the name is not valid UTF-8; not read")
                continue
            if entry.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):  # a loop, or a link to nothing
                    skip("note-unreadable", rel,
                         "broken symbolic link (it loops or its target is missing); not read")
                    continue
                if not target.is_relative_to(root):
                    skip("symlink-outside-vault", rel,
                         "symbolic link to a file outside the vault; not read")
                    continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                real = path.resolve()
                if real not in seen_dirs:
                    seen_dirs.add(real)
                    stack.append(path)
                continue
            try:
                is_file = entry.is_file()
            except OSError:
                is_file = False
            if not is_file:
                # A named pipe would block the read forever; a device is no note either.
                skip("note-unreadable", rel,
                     "not a regular file (a pipe, socket or device); not read")
                continue
            if entry.name.lower().endswith(NOTE_SUFFIXES):
                notes.append((path, rel))
            else:
                attachments.append((path, rel))
    notes.sort(key=lambda item: item[1])
    attachments.sort(key=lambda item: item[1])
    return notes, attachments, problems


#: A file's stamp: (modification time in nanoseconds, size in bytes).
Stamp = tuple[int, int]
# A stamp this close to the moment it was taken is not trusted next time: the file may
# change again within the file system's timestamp granularity (coarse clocks, FAT's 2 s)
# keeping the same stamp, so the content digest decides instead ("racy" entries, as Git).
RACY_NS = 2_000_000_000


def file_stamp(path: Path) -> Stamp | None:
    """The stamp of a file, or None when it cannot be read."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def content_digest(data: bytes) -> bytes:
    """The digest a cache entry keeps of a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).digest()


def reading_key(config: GlosaConfig) -> dict[str, Any]:
    """What of the configuration changes how a file is parsed into a note (its language,
    its title under a profile, the severity of the problems found while reading)."""
    return {"languages": list(config.languages), "default_language": config.default_language,
            "profile": config.profile,
            "rules": {rule: severity.value for rule, severity in sorted(config.rules.items())}}


def vault_entry(kind: str, root: Path, store: CacheStore) -> str:
    """The cache entry name of ``kind`` (``notes``, ``check``) for the vault at ``root``:
    one per vault, so that vaults sharing a cache folder do not evict each other. Named
    after the vault's path relative to the cache folder where it can be, so that a
    project moved or cloned elsewhere keeps its cache."""
    where = root.resolve()
    if store.root is not None:
        try:
            where = Path(os.path.relpath(where, store.root.resolve()))
        except ValueError:  # another drive (Windows)
            pass
    return f"{kind}-{hashlib.blake2b(where.as_posix().encode(), digest_size=8).hexdigest()}"


@dataclass
class _Cached:
    stamp: Stamp | None  # None: not to be trusted, compare the digest
    digest: bytes
    note: Note


@dataclass
class NoteCache:
    """Notes read by an earlier load, by vault-relative path, with the file's stamp and
    content digest: a long-lived process (`mkdocs serve`) re-reads only the files whose
    stamp changed and re-parses only those whose content changed; :meth:`restore` and
    :meth:`persist` keep it in a :class:`~glosa.cache.CacheStore` between processes."""

    entries: dict[str, _Cached] = field(default_factory=dict)
    #: How many notes the last load parsed (read from disk and found changed).
    reread: int = 0
    #: Whether the last load changed anything worth saving.
    changed: bool = False
    #: The vault and the reading settings the entries were made for (another vault or
    #: other settings start afresh: equal files there may mean other notes).
    made_for: tuple[Path | None, dict[str, Any]] | None = None

    def read_all(self, files: Sequence[tuple[Path, str]], config: GlosaConfig,
                 root: Path | None = None) -> list[Note]:
        """The notes of ``files`` (absolute and vault-relative paths), reading only the
        files that changed since they were cached. Forgets the notes of other files."""
        taken = time.time_ns()
        made_for = (None if root is None else root.resolve(), reading_key(config))
        if self.made_for != made_for:
            self.entries.clear()
            self.made_for = made_for
        stamps: list[Stamp | None] = []
        stale: list[tuple[Path, str]] = []
        for abs_path, rel in files:
            stamp = file_stamp(abs_path)
            stamps.append(stamp)
            cached = self.entries.get(rel)
            if stamp is None or cached is None or cached.stamp != stamp:
                stale.append((abs_path, rel))
        known = {rel: self.entries[rel].digest for _, rel in stale if rel in self.entries}

        def read(part: Sequence[tuple[Path, str]]) -> list[tuple[bytes | None, Note | None]]:
            return [_read_unless(abs_path, rel, known.get(rel), config)
                    for abs_path, rel in part]

        fresh: dict[str, tuple[bytes | None, Note | None]] = {}
        parts = split_work(read, stale, encode=_encode_read, decode=_decode_read)
        for (_, rel), found in zip(stale, (item for part in parts for item in part),
                                   strict=True):
            fresh[rel] = found
        self.reread = sum(1 for _, note in fresh.values() if note is not None)
        present = {rel for _, rel in files}
        gone = [rel for rel in self.entries if rel not in present]
        # Worth saving: anything but notes the store leaves out, read again every time.
        self.changed = bool(gone)
        for rel in gone:
            del self.entries[rel]
        notes = []
        for (abs_path, rel), stamp in zip(files, stamps, strict=True):
            trusted = stamp if stamp is not None and stamp[0] < taken - RACY_NS else None
            if rel not in fresh:
                notes.append(self.entries[rel].note)
                continue
            digest, note = fresh[rel]
            if note is None:  # unchanged content (the digest matched): keep the note
                entry = self.entries[rel]
                self.changed = self.changed or entry.stamp != trusted
                entry.stamp = trusted
                if entry.note.abs_path != abs_path:
                    entry.note.abs_path = abs_path
                notes.append(entry.note)
                continue
            if digest is None:  # unreadable: never cached
                self.changed = self.changed or self.entries.pop(rel, None) is not None
            else:
                self.entries[rel] = _Cached(trusted, digest, note)
                self.changed = self.changed or _storable(note)
            notes.append(note)
        return notes

    @classmethod
    def restore(cls, store: CacheStore, name: str, config: GlosaConfig, root: Path,
                ) -> NoteCache:
        """The notes ``store`` keeps as ``name`` for this configuration (an empty cache
        when there are none or the entry cannot be used)."""
        cache = cls(made_for=(root.resolve(), reading_key(config)))
        value = store.load(name)
        if not isinstance(value, dict) or value.get("reading") != reading_key(config):
            return cache
        try:
            rows = value["notes"]
            rels = [row[0] for row in rows]
            encoded = [row[4] for row in rows]
            for rel, values in zip(rels, encoded, strict=True):
                values[_PATH] = str(root / rel)
            notes = decode_notes(encoded)
            for rel, row, note in zip(rels, rows, notes, strict=True):
                note.abs_path = root / rel
                stamp = None if row[1] is None else (row[1], row[2])
                cache.entries[rel] = _Cached(stamp, bytes(row[3]), note)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            return cls(made_for=cache.made_for)  # an entry of another shape: start afresh
        return cache

    def persist(self, store: CacheStore, name: str, config: GlosaConfig) -> None:
        """Keep the cached notes in ``store`` as ``name`` (notes whose frontmatter holds
        values the store cannot keep exactly are left out, and re-read next time)."""
        rows = []
        for rel, entry in self.entries.items():
            if not _storable(entry.note):
                continue
            values = encode_notes([entry.note])[0]
            values[_PATH] = None  # rebuilt from the vault's root when restored
            stamp = entry.stamp
            rows.append([rel, None if stamp is None else stamp[0],
                         None if stamp is None else stamp[1], entry.digest, values])
        store.save(name, {"reading": reading_key(config), "notes": rows})


def _read_unless(abs_path: Path, rel: str, digest: bytes | None, config: GlosaConfig,
                 ) -> tuple[bytes | None, Note | None]:
    """(digest of the file, its note), or (digest, None) when the digest is ``digest``
    (unchanged content), or (None, note) for a file that cannot be read."""
    from .parser import parse_note, read_note

    try:
        data = filebytes.read_file_bytes(abs_path)
    except OSError:
        return None, read_note(abs_path, rel, config)  # the note that says why
    found = content_digest(data)
    if found == digest:
        return found, None
    return found, parse_note(data, rel, abs_path, config)


def read_tracked(abs_path: Path, rel: str, config: GlosaConfig) -> tuple[bytes | None, Note]:
    """(digest of the file's bytes, its note); no digest for a file that cannot be read."""
    digest, note = _read_unless(abs_path, rel, None, config)
    assert note is not None
    return digest, note


def _encode_read(items: list[tuple[bytes | None, Note | None]]) -> Any:
    notes = encode_notes([note for _, note in items if note is not None])
    return [digest for digest, _ in items], [note is not None for _, note in items], notes


def _decode_read(data: Any) -> list[tuple[bytes | None, Note | None]]:
    digests, has_note, encoded = data
    notes = iter(decode_notes(encoded))
    return [(digest, next(notes) if present else None)
            for digest, present in zip(digests, has_note, strict=True)]


# The frontmatter values the store keeps exactly (YAML's sets and ordered pairs do not
# survive msgpack: a note holding one is simply re-read each time).
_MSGPACK_INT = range(-(1 << 63), 1 << 64)


def _plain(value: Any, depth: int = 0) -> bool:
    kind = type(value)
    if kind is int:
        return value in _MSGPACK_INT
    if kind in (str, float, bool, type(None), bytes, _dt.date, _dt.datetime):
        return True
    if depth > 120:
        return False
    if kind is list:
        return all(_plain(item, depth + 1) for item in value)
    if kind is dict:
        return all(type(key) in (str, int, float, bool, type(None)) and _plain(key)
                   and _plain(item, depth + 1) for key, item in value.items())
    return False


def _storable(note: Note) -> bool:
    return note.readable and _plain(note.meta)


def load_vault(root: Path, config: GlosaConfig | None = None,
               cache: NoteCache | None = None, *, store: CacheStore | None = None,
               write_later: list[Callable[[], None]] | None = None) -> Vault:
    """Read every note of a vault and index it. Never raises on bad notes.

    With a ``cache``, notes whose file is unchanged since the cache's last load are reused.
    With a ``store`` (glosa's persistent cache), the notes an earlier process read are
    restored from it first (when no ``cache`` is given) and the notes read are saved
    back: only changed files are parsed. The result is the same either way. With
    ``write_later``, saving them back is appended to it, for the caller to run when it
    has time (a build: while it waits for its search index), instead of done now.
    """
    config = with_vault_languages(config or GlosaConfig(), root)
    found = vault_files(root, config)
    with paused_garbage_collection():
        notes = read_vault_notes(root, found.notes, config, cache, store, write_later)
        attachments = [Attachment(rel, abs_path) for abs_path, rel in found.attachments]
        return Vault(root.resolve(), config, notes, attachments, found.problems,
                     found.obsidian, found.templates)


def read_vault_notes(root: Path, files: Sequence[tuple[Path, str]], config: GlosaConfig,
                     cache: NoteCache | None = None, store: CacheStore | None = None,
                     write_later: list[Callable[[], None]] | None = None) -> list[Note]:
    """The notes of ``files`` through ``cache`` and/or ``store`` (see :func:`load_vault`)."""
    if store is None or not store.enabled:
        if cache is None:
            return read_notes(files, config)
        return cache.read_all(files, config, root)
    name = vault_entry("notes", root, store)
    if cache is None:
        cache = NoteCache.restore(store, name, config, root.resolve())
    notes = cache.read_all(files, config, root)
    if cache.changed:
        if write_later is None:
            cache.persist(store, name, config)
        else:
            write_later.append(functools.partial(cache.persist, store, name, config))
    return notes


def read_notes(files: Sequence[tuple[Path, str]], config: GlosaConfig) -> list[Note]:
    """Read and parse notes (absolute and vault-relative paths), in their order; a large
    batch is split with a forked process."""
    def read(part: Sequence[tuple[Path, str]]) -> list[Note]:
        return read_notes_here(part, config)

    parts = split_work(read, files, encode=encode_notes, decode=decode_notes)
    return [note for part in parts for note in part]


def read_notes_here(files: Sequence[tuple[Path, str]], config: GlosaConfig) -> list[Note]:
    """Read and parse notes in this process, in their order."""
    from .parser import read_note

    return [read_note(abs_path, rel, config) for abs_path, rel in files]


_NOTE_FIELDS = tuple(f.name for f in fields(Note))
_note_values = operator.attrgetter(*_NOTE_FIELDS)
_link_values = operator.attrgetter(*(f.name for f in fields(WikiLink)))
_heading_values = operator.attrgetter(*(f.name for f in fields(Heading)))
_LINK_LISTS = [_NOTE_FIELDS.index(name) for name in ("translations", "links")]
_ONE_LINK = [_NOTE_FIELDS.index(name) for name in ("parent", "legend")]
_HEADING = _NOTE_FIELDS.index("h1")
_HEADINGS = _NOTE_FIELDS.index("headings")
_PATH = _NOTE_FIELDS.index("abs_path")
_LINKS = _NOTE_FIELDS.index("links")
_BODY = _NOTE_FIELDS.index("body")
_META = _NOTE_FIELDS.index("meta")
_META_LINES = _NOTE_FIELDS.index("meta_lines")
_PROPERTY_LINKS = _NOTE_FIELDS.index("property_links")
_PROBLEMS = _NOTE_FIELDS.index("problems")
_diagnostic_values = operator.attrgetter(*(f.name for f in fields(Diagnostic)))


#: The frontmatter keys a stub keeps: those that say whether the note is published.
_STUB_KEYS = ("publish", "draft")


def encode_stubs(notes: list[Note]) -> list[tuple[Any, ...]]:
    """What a process that checks other notes reads of ``notes``, as link targets and in
    the checks across notes (see :func:`decode_stubs`): names, language, headings, block
    ids, translations, the H1, parent and legend links, whether the note is published,
    and the body where the legend line is missing or a block id needs the lines of its
    block. Not their own links, frontmatter, tags or reading problems; not their paths,
    which the other process has in the same order."""
    heading, link = _heading_values, _link_values
    out = []
    for note in notes:
        meta = note.meta
        out.append((
            note.stem, note.title, note.marker, note.level, note.lang,
            note.body if note.legend is None or note.block_ids else "", note.body_line,
            None if note.h1 is None else heading(note.h1),
            None if note.parent is None else link(note.parent), note.legend_index,
            None if note.legend is None else link(note.legend),
            [link(t) for t in note.translations], note.aliases,
            [heading(h) for h in note.headings], note.block_ids,
            {key: meta[key] for key in _STUB_KEYS if key in meta} if meta else meta,
            note.readable))
    return out


def decode_stubs(encoded: Sequence[Sequence[Any]], files: Sequence[tuple[Path, str]],
                 ) -> list[Note]:
    """The stub notes :func:`encode_stubs` encoded, with the paths of ``files`` (the
    notes' absolute and vault-relative paths, in their order)."""
    notes = []
    for (abs_path, rel), values in zip(files, encoded, strict=True):
        (stem, title, marker, level, lang, body, body_line, h1, parent, legend_index, legend,
         translations, aliases, headings, block_ids, meta, readable) = values
        notes.append(Note(
            rel, abs_path, stem, title, marker, level, lang, meta, {}, body, body_line,
            None if h1 is None else Heading(*h1),
            None if parent is None else WikiLink(*parent), legend_index,
            None if legend is None else WikiLink(*legend),
            [WikiLink(*t) for t in translations], aliases, [], [],
            [Heading(*h) for h in headings], block_ids, [], {}, [], readable))
    return notes


def encode_notes(notes: list[Note]) -> list[list[Any]]:
    """Notes as lists of plain values (see :func:`decode_notes`): pickled several times
    faster than the objects."""
    out = []
    for note in notes:
        values = list(_note_values(note))
        values[_PATH] = str(note.abs_path)
        for at in _LINK_LISTS:
            values[at] = [_link_values(link) for link in values[at]]
        for at in _ONE_LINK:
            values[at] = None if values[at] is None else _link_values(values[at])
        values[_PROPERTY_LINKS] = {key: [_link_values(link) for link in links]
                                   for key, links in values[_PROPERTY_LINKS].items()}
        values[_HEADING] = None if note.h1 is None else _heading_values(note.h1)
        values[_HEADINGS] = [_heading_values(h) for h in note.headings]
        values[_PROBLEMS] = [encode_diagnostic(d) for d in note.problems]
        out.append(values)
    return out


def decode_notes(encoded: list[list[Any]]) -> list[Note]:
    """The notes :func:`encode_notes` encoded."""
    notes = []
    for values in encoded:
        values[_PATH] = Path(values[_PATH])
        for at in _LINK_LISTS:
            values[at] = [WikiLink(*link) for link in values[at]]
        for at in _ONE_LINK:
            if values[at] is not None:
                one = WikiLink(*values[at])
                # The parent and legend links are among the note's links, and code asks
                # `link is note.legend`: the same object again, not an equal copy.
                values[at] = next((link for link in values[_LINKS] if link == one), one)
        values[_PROPERTY_LINKS] = {key: [WikiLink(*link) for link in links]
                                   for key, links in values[_PROPERTY_LINKS].items()}
        values[_HEADING] = None if values[_HEADING] is None else Heading(*values[_HEADING])
        values[_HEADINGS] = [Heading(*h) for h in values[_HEADINGS]]
        values[_PROBLEMS] = [decode_diagnostic(d) for d in values[_PROBLEMS]]
        notes.append(Note(*values))
    return notes


def encode_diagnostic(diagnostic: Diagnostic) -> list[Any]:
    """A diagnostic as plain values (see :func:`decode_diagnostic`)."""
    values = list(_diagnostic_values(diagnostic))
    values[1] = diagnostic.severity.value
    return values


def decode_diagnostic(values: Sequence[Any]) -> Diagnostic:
    """The diagnostic :func:`encode_diagnostic` encoded."""
    rule, severity, *rest = values
    return Diagnostic(rule, Severity(severity), *rest)


@contextmanager
def paused_garbage_collection() -> Iterator[None]:
    """No cycle collection while many small objects are made that hold no cycles: on a
    10,000-note vault, repeated collections cost a fifth of the load."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
