"""Walking a vault and loading every note once."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .config import GlosaConfig
from .diagnostics import Diagnostic
from .model import Attachment, Note
from .parser import read_note
from .resolver import NOTE_SUFFIXES, NoteIndex

__all__ = ["NoteCache", "Vault", "load_vault", "walk_vault"]


@dataclass
class Vault:
    root: Path
    config: GlosaConfig
    notes: list[Note]
    attachments: list[Attachment]
    #: Problems that belong to no single note's content (files skipped while walking).
    problems: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.index = NoteIndex(self.notes, self.attachments)


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

    def read(self, abs_path: Path, rel: str, config: GlosaConfig) -> Note:
        try:
            info = abs_path.stat()
            stamp: tuple[int, int] | None = (info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = None
        cached = self.entries.get(rel)
        if stamp is not None and cached is not None and cached[0] == stamp:
            return cached[1]
        note = read_note(abs_path, rel, config)
        self.reread += 1
        if stamp is not None:
            self.entries[rel] = (stamp, note)
        return note


def load_vault(root: Path, config: GlosaConfig | None = None,
               cache: NoteCache | None = None) -> Vault:
    """Read every note of a vault and index it. Never raises on bad notes.

    With a ``cache``, notes whose file is unchanged since the cache's last load are reused.
    """
    config = config or GlosaConfig()
    note_files, attachment_files, problems = walk_vault(root, config)
    with paused_garbage_collection():
        if cache is None:
            notes = [read_note(abs_path, rel, config) for abs_path, rel in note_files]
        else:
            cache.reread = 0
            notes = [cache.read(abs_path, rel, config) for abs_path, rel in note_files]
            present = {rel for _, rel in note_files}
            for rel in set(cache.entries) - present:
                del cache.entries[rel]
        attachments = [Attachment(rel, abs_path) for abs_path, rel in attachment_files]
        return Vault(root.resolve(), config, notes, attachments, problems)


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
