"""Safe file writes: every file glosa rewrites goes through :func:`write_atomic`."""

from __future__ import annotations

import os
import secrets
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["FileChangedError", "locked", "write_atomic"]


class FileChangedError(OSError):
    """The file is not what the caller read: someone else wrote it meanwhile."""


def _target(path: Path) -> Path:
    """The file a write to ``path`` changes: a symbolic link's target, as an editor would
    (replacing the link by a regular file would silently unlink the two)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def write_atomic(path: Path, data: bytes, *, expected: bytes | None = None) -> None:
    """Replace ``path`` with ``data`` so that a reader sees the old file or the new one,
    never a mix: write a temporary file beside it, flush it to disk, keep the mode, rename.

    A new file gets the mode an editor would give it (0666 less the umask). With
    ``expected``, the file must still hold those bytes right before it is replaced, else
    :class:`FileChangedError` and nothing is written (hold :func:`locked` around the read
    and the write to keep other glosa commands out in between).
    """
    path = _target(Path(path))
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    # A short name of glosa's own, whatever the note's name: a name built from a note's
    # name of 240+ bytes would not fit NAME_MAX (255 bytes).
    tmp_path = path.parent / f".glosa-{secrets.token_hex(8)}.tmp"
    # os.open applies the umask to 0o666, as an editor's new file gets.
    fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp_path, mode)
        if expected is not None:
            try:
                current = path.read_bytes()
            except FileNotFoundError:
                current = None
            if current != expected:
                raise FileChangedError(
                    0, "the file changed since glosa read it; nothing was written", str(path))
        os.replace(tmp_path, path)
    except BaseException:
        try:
            os.unlink(tmp_path)
        except FileNotFoundError:
            pass
        raise


_held: dict[str, int] = {}
_held_lock = threading.Lock()


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder of ``path`` (for a file) or on ``path`` (a
    folder) while glosa reads, edits and writes a note there, so that commands run at once
    on one note take turns instead of losing each other's change.

    The lock is taken on the folder, not the file, because an atomic write replaces the
    file's inode (a lock on the old inode would let the next writer in on stale bytes).
    Re-entrant within a thread. Without ``fcntl`` (Windows), there is no lock and the
    compare-and-swap of :func:`write_atomic` still refuses a lost update.
    """
    target = _target(Path(path))
    folder = target if target.is_dir() else target.parent
    real = os.path.realpath(folder)
    key = f"{threading.get_ident()}:{real}"
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        yield
        return
    with _held_lock:
        depth = _held.get(key, 0)
        _held[key] = depth + 1
    fd = -1
    try:
        if depth == 0:
            fd = os.open(real, os.O_RDONLY)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        if fd >= 0:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        with _held_lock:
            _held[key] -= 1
            if not _held[key]:
                del _held[key]
