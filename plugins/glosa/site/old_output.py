"""The previous build's output: moved out of the engine's way, then either removed by
another process or put back for this build to write over.

A clean build starts by emptying ``site_dir``: at 10,000 notes some 50,000 files and
folders, seconds of file-system work that the build waits for before it writes a page.
Renaming the few top-level entries into a folder of the build cache takes no time
(:func:`move_aside`). Then either:

- :meth:`MovedOutput.remove`: a separate process removes them while the build goes on. A
  process, not a thread: the removal makes a system call per file, and a thread would
  wait for the interpreter lock after each one while the build's Python code holds it.
- :meth:`MovedOutput.put_back`: once the engine has emptied ``site_dir`` they are renamed
  back, and this build writes over them (:class:`ReusedOutput`). The files a build would
  write again unchanged (a settled page, a kept search bundle, a redirect page) are left
  in place and *marked*: their times are set to their own values, which changes only
  their change time (``st_ctime``, which no program can set back). At the end,
  :meth:`ReusedOutput.sweep` removes every file of the previous output that nobody wrote
  or marked, then the folders left empty: what remains is what a clean build writes,
  without the 20,000 folders and files made again at 10,000 notes.

What moves is exactly what MkDocs would remove (every entry whose name does not start
with a dot: it keeps ``.git`` and the like). Anything that cannot be moved is left where
it is, for the engine to remove as usual.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["MovedOutput", "OutputRemoval", "ReusedOutput", "move_aside"]

#: The cache's folder of earlier outputs being removed (and of any an interrupted build
#: left behind: each removal takes the whole folder).
FOLDER = "old-output"

# Lowered priority: the build, not the removal, should have the processor.
_REMOVE = ("import os, shutil, sys\n"
           "getattr(os, 'nice', lambda n: 0)(10)\n"
           "shutil.rmtree(sys.argv[1], ignore_errors=True)\n")


class OutputRemoval:
    """A removal under way; :meth:`wait` for its end (before the process exits, so that
    nothing half-removed is left in the cache for a CI step to keep)."""

    def __init__(self, process: subprocess.Popen[bytes], folder: Path,
                 moved: list[str]) -> None:
        self.process = process
        self.folder = folder
        #: The names of ``site_dir`` entries moved out of it.
        self.moved = moved

    def wait(self) -> None:
        try:
            self.process.wait()
        except ChildProcessError:  # a forked page process holds a copy of this object
            pass


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


@dataclass
class MovedOutput:
    """The entries of ``site_dir`` moved into ``batch``, a folder of the cache's
    ``old-output``; neither removed nor put back yet."""

    site: Path
    trash: Path
    batch: Path
    #: The names of ``site_dir`` entries moved out of it.
    moved: list[str] = field(default_factory=list)

    def remove(self) -> OutputRemoval | None:
        """Start removing every folder of ``old-output`` (this one, and any an interrupted
        build left behind) in another process; None when there is nothing to remove or
        it was removed here."""
        try:
            if not any(os.scandir(self.trash)):
                self.trash.rmdir()
                return None
        except OSError:
            pass
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", _REMOVE, str(self.trash)], stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True)
        except OSError:
            # No second process: remove here, as the engine would have.
            import shutil

            shutil.rmtree(self.trash, ignore_errors=True)
            return None
        return OutputRemoval(process, self.trash, self.moved)

    def put_back(self) -> ReusedOutput | None:
        """Rename the moved entries back into ``site_dir`` (the engine has emptied it) and
        take stock of them; None, with everything left moved, when the file system's
        times cannot tell the files this build writes from the earlier ones. An entry
        that cannot go back (the name was taken meanwhile) stays to be removed."""
        back: list[str] = []
        for name in self.moved:
            target = self.site / name
            if os.path.lexists(target):
                continue
            try:
                os.rename(self.batch / name, target)
            except OSError:
                continue
            back.append(name)
        self.moved = [name for name in self.moved if name not in back]
        reused = ReusedOutput.take_stock(self.site, back)
        if reused is None or not reused.wait_for_clock(self.trash):
            for name in back:  # the earlier output's times and this build's may be one
                try:
                    os.rename(self.site / name, self.batch / name)
                    self.moved.append(name)
                except OSError:
                    pass
            return None
        return reused


#: Whether setting a file's times moves its change time: on POSIX systems; on Windows,
#: ``st_ctime`` is the time a file was made, and a mark would not show.
_MARKS_SHOW = os.name == "posix"

#: How long :meth:`ReusedOutput.wait_for_clock` waits for the file system's clock to pass
#: the previous output's times (a file system that keeps whole seconds needs up to one).
_CLOCK_WAIT_S = 2.5


class ReusedOutput:
    """The previous build's files, back in ``site_dir`` for this build to write over; what
    each was (inode and change time) when this build began."""

    def __init__(self, site: Path, files: dict[str, tuple[int, int, int]],
                 folders: list[str]) -> None:
        self.site = site
        # Paths are kept under the site folder's name as the engine gives it; one that
        # glosa resolved (safepaths.inside) is looked up under that name.
        self._name = str(site)
        self._real = os.path.realpath(site)
        #: By path: inode, change time (ns), link count.
        self.files = files
        #: Folders, parents before their children.
        self.folders = folders

    @classmethod
    def take_stock(cls, site: Path, names: list[str]) -> ReusedOutput | None:
        """What the entries ``names`` of ``site`` hold; None where marks would not show."""
        if not _MARKS_SHOW:
            return None
        files: dict[str, tuple[int, int, int]] = {}
        folders: list[str] = []
        try:
            for name in names:
                top = os.path.join(site, name)
                info = os.lstat(top)
                if not stat.S_ISDIR(info.st_mode):
                    files[top] = (info.st_ino, info.st_ctime_ns, info.st_nlink)
                    continue
                # Each folder listed once; a link to a folder is a file of the output.
                stack = [top]
                while stack:
                    folder = stack.pop()
                    folders.append(folder)  # after its parent
                    with os.scandir(folder) as entries:
                        for entry in entries:
                            if entry.is_dir(follow_symlinks=False):
                                stack.append(entry.path)
                                continue
                            info = entry.stat(follow_symlinks=False)
                            files[entry.path] = (info.st_ino, info.st_ctime_ns,
                                                 info.st_nlink)
        except OSError:
            return None
        return cls(site, files, folders)

    def wait_for_clock(self, scratch: Path) -> bool:
        """Whether a file changed from now on gets a change time later than every earlier
        file's (waiting, briefly, for the file system's clock to move past them): then no
        file this build writes or marks can look untouched."""
        newest = max((ctime for _ino, ctime, _links in self.files.values()), default=0)
        deadline = time.monotonic() + _CLOCK_WAIT_S
        probe = scratch / f".clock-{os.getpid()}"
        try:
            while True:
                probe.write_bytes(b"")
                now = os.stat(probe).st_ctime_ns
                if now > newest:
                    return True
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.01)
        except OSError:
            return False
        finally:
            try:
                probe.unlink()
            except OSError:
                pass

    def _key(self, path: Path | str) -> str:
        path = str(path)
        if self._real != self._name and path.startswith(self._real + os.sep):
            return self._name + path[len(self._real):]
        return path

    def _untouched(self, path: str) -> os.stat_result | None:
        """The file's status when it is still the earlier build's, untouched, else None."""
        known = self.files.get(self._key(path))
        if known is None:
            return None
        try:
            info = os.lstat(path)
        except OSError:
            return None
        return info if (info.st_ino, info.st_ctime_ns) == known[:2] else None

    def mark(self, path: str, info: os.stat_result) -> bool:
        """Mark a file of the earlier output as this build's (its times set to their own
        values: only its change time moves)."""
        try:
            os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns), follow_symlinks=False)
        except (OSError, NotImplementedError):
            return False
        return True

    def holds(self, path: Path | str, source: Path | str) -> bool:
        """Whether ``path`` is still the earlier build's hard link to ``source`` (a kept
        file of the cache): then it is marked, and need not be written again."""
        path = self._key(path)
        info = self._untouched(path)
        if info is None:
            return False
        try:
            kept = os.stat(source)
        except OSError:
            return False
        if (kept.st_ino, kept.st_dev) != (info.st_ino, info.st_dev):
            return False
        return self.mark(path, info)

    def holds_bytes(self, path: Path | str, content: bytes) -> bool:
        """Whether ``path`` is still the earlier build's file and has exactly ``content``:
        then it is marked, and need not be written again."""
        path = self._key(path)
        info = self._untouched(path)
        if info is None or info.st_size != len(content) or not stat.S_ISREG(info.st_mode):
            return False
        try:
            with open(path, "rb") as handle:
                if handle.read(len(content) + 1) != content:
                    return False
        except OSError:
            return False
        return self.mark(path, info)

    def before_write(self, path: Path | str) -> None:
        """About to write ``path``: when it is an earlier file with other links (a page
        the cache keeps through a hard link), unlink it first, so that the write makes a
        new file instead of changing the kept one."""
        path = self._key(path)
        known = self.files.get(path)
        if known is None or known[2] < 2:
            return
        try:
            if os.lstat(path).st_nlink > 1:
                os.unlink(path)
        except OSError:
            pass

    def sweep(self) -> tuple[int, int]:
        """Remove every earlier file this build neither wrote nor marked, then the folders
        that leaves empty; (files, folders) removed."""
        files = folders = 0
        for path in self.files:
            if self._untouched(path) is None:
                continue
            try:
                os.unlink(path)
                files += 1
            except OSError:
                pass
        for folder in reversed(self.folders):  # children before their parents
            try:
                os.rmdir(folder)
                folders += 1
            except OSError:
                pass  # not empty
        return files, folders


def move_aside(site_dir: Path, cache_root: Path) -> MovedOutput | None:
    """Move what a clean build would remove from ``site_dir`` into
    ``cache_root/old-output``; None when nothing was moved."""
    try:
        site = site_dir.resolve()
        if not site.is_dir():
            return None
        root = cache_root.resolve()
        # A cache inside the output (or the output inside the cache) is left to the engine.
        if _inside(root, site) or _inside(site, root) or not sys.executable:
            return None
        trash = root / FOLDER
        trash.mkdir(parents=True, exist_ok=True)
        if os.stat(trash).st_dev != os.stat(site).st_dev:
            return None  # a rename cannot cross file systems
        names = sorted(name for name in os.listdir(site) if not name.startswith("."))
        if not names:
            return None
        batch = Path(tempfile.mkdtemp(prefix="build-", dir=trash))
    except OSError:
        return None
    # Named as the engine names it (its pages' paths are looked up under it).
    moved = MovedOutput(Path(os.path.abspath(site_dir)), trash, batch)
    for name in names:
        try:
            os.rename(moved.site / name, batch / name)
        except OSError:
            break  # the rest stays for the engine to remove
        moved.moved.append(name)
    return moved
