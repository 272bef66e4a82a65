"""Walking a vault and loading every note once."""

from __future__ import annotations

import gc
import operator
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .config import GlosaConfig, ObsidianSettings, read_obsidian_settings, with_vault_languages
from .diagnostics import Diagnostic
from .model import Attachment, Heading, Note, WikiLink
from .parser import read_note
from .resolver import NOTE_SUFFIXES, NoteIndex
from .workers import split_work

__all__ = ["NoteCache", "Vault", "decode_notes", "encode_notes", "load_vault", "read_notes",
           "read_notes_here", "split_templates", "vault_files", "walk_vault"]


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
        self.index = NoteIndex(self.notes, self.attachments, self.obsidian, self.templates)


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
            path = Path(entry.path)
            rel = path.relative_to(root).as_posix()
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


@dataclass
class NoteCache:
    """Notes read by an earlier load, by path, with the file's stamp (modification time and
    size): a long-lived process (`mkdocs serve`) re-reads only the notes that changed."""

    entries: dict[str, tuple[tuple[int, int], Note]] = field(default_factory=dict)
    #: How many notes the last load read from disk.
    reread: int = 0

    def read_all(self, files: Sequence[tuple[Path, str]], config: GlosaConfig) -> list[Note]:
        """The notes of ``files`` (absolute and vault-relative paths), reading only the
        files that changed since they were cached."""
        stamps: list[tuple[int, int] | None] = []
        stale: list[tuple[Path, str]] = []
        for abs_path, rel in files:
            try:
                info = abs_path.stat()
                stamp: tuple[int, int] | None = (info.st_mtime_ns, info.st_size)
            except OSError:
                stamp = None
            stamps.append(stamp)
            cached = self.entries.get(rel)
            if stamp is None or cached is None or cached[0] != stamp:
                stale.append((abs_path, rel))
        fresh = {note.path: note for note in read_notes(stale, config)}
        self.reread = len(fresh)
        notes = []
        for (_, rel), stamp in zip(files, stamps, strict=True):
            note = fresh.get(rel)
            if note is None:
                note = self.entries[rel][1]
            elif stamp is not None:
                self.entries[rel] = (stamp, note)
            notes.append(note)
        return notes


def load_vault(root: Path, config: GlosaConfig | None = None,
               cache: NoteCache | None = None) -> Vault:
    """Read every note of a vault and index it. Never raises on bad notes.

    With a ``cache``, notes whose file is unchanged since the cache's last load are reused.
    """
    config = with_vault_languages(config or GlosaConfig(), root)
    found = vault_files(root, config)
    with paused_garbage_collection():
        if cache is None:
            notes = read_notes(found.notes, config)
        else:
            notes = cache.read_all(found.notes, config)
            present = {rel for _, rel in found.notes}
            for rel in set(cache.entries) - present:
                del cache.entries[rel]
        attachments = [Attachment(rel, abs_path) for abs_path, rel in found.attachments]
        return Vault(root.resolve(), config, notes, attachments, found.problems,
                     found.obsidian, found.templates)


def read_notes(files: Sequence[tuple[Path, str]], config: GlosaConfig) -> list[Note]:
    """Read and parse notes (absolute and vault-relative paths), in their order; a large
    batch is split with a forked process."""
    def read(part: Sequence[tuple[Path, str]]) -> list[Note]:
        return read_notes_here(part, config)

    parts = split_work(read, files, encode=encode_notes, decode=decode_notes)
    return [note for part in parts for note in part]


def read_notes_here(files: Sequence[tuple[Path, str]], config: GlosaConfig) -> list[Note]:
    """Read and parse notes in this process, in their order."""
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


def encode_notes(notes: list[Note], *, stubs: bool = False) -> list[list[Any]]:
    """Notes as lists of plain values (see :func:`decode_notes`): pickled several times
    faster than the objects. ``stubs`` leaves out what only a note's own checks read (its
    links, its frontmatter, and its body unless the legend line is missing), for a process
    that checks other notes and needs these only as link targets."""
    out = []
    for note in notes:
        values = list(_note_values(note))
        if stubs:
            values[_LINKS] = []
            values[_META] = {}
            values[_META_LINES] = {}
            values[_PROPERTY_LINKS] = {}
            if note.legend is not None:
                values[_BODY] = ""
        values[_PATH] = str(note.abs_path)
        for at in _LINK_LISTS:
            values[at] = [_link_values(link) for link in values[at]]
        for at in _ONE_LINK:
            values[at] = None if values[at] is None else _link_values(values[at])
        values[_PROPERTY_LINKS] = {key: [_link_values(link) for link in links]
                                   for key, links in values[_PROPERTY_LINKS].items()}
        values[_HEADING] = None if note.h1 is None else _heading_values(note.h1)
        values[_HEADINGS] = [_heading_values(h) for h in note.headings]
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
            values[at] = None if values[at] is None else WikiLink(*values[at])
        values[_PROPERTY_LINKS] = {key: [WikiLink(*link) for link in links]
                                   for key, links in values[_PROPERTY_LINKS].items()}
        values[_HEADING] = None if values[_HEADING] is None else Heading(*values[_HEADING])
        values[_HEADINGS] = [Heading(*h) for h in values[_HEADINGS]]
        notes.append(Note(*values))
    return notes


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
