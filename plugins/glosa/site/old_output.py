"""The previous build's output, moved out of the way and removed by another process.

A clean build starts by emptying ``site_dir``: at 10,000 notes some 50,000 files and
folders, seconds of file-system work that the build waits for before it writes a page.
Renaming the few top-level entries into a folder of the build cache takes no time, and a
separate process removes them while the build goes on. A process, not a thread: the
removal makes a system call per file, and a thread would wait for the interpreter lock
after each one while the build's Python code holds it.

What moves is exactly what MkDocs would remove (every entry whose name does not start
with a dot: it keeps ``.git`` and the like). Anything that cannot be moved is left where
it is, for the engine to remove as usual.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["OutputRemoval", "move_aside"]

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


def move_aside(site_dir: Path, cache_root: Path) -> OutputRemoval | None:
    """Move what a clean build would remove from ``site_dir`` into
    ``cache_root/old-output`` and start removing it; None when nothing was moved."""
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
    moved: list[str] = []
    for name in names:
        try:
            os.rename(site / name, batch / name)
        except OSError:
            break  # the rest stays for the engine to remove
        moved.append(name)
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", _REMOVE, str(trash)], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True)
    except OSError:
        # No second process: remove here, as the engine would have.
        import shutil

        shutil.rmtree(trash, ignore_errors=True)
        return None
    return OutputRemoval(process, trash, moved)
