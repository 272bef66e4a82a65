"""Splitting CPU-bound work on a large vault between this process and a forked one.

Why by hand: ``multiprocessing`` and ``concurrent.futures`` start workers that re-import
glosa and receive their inputs by pickling, which on a 10,000-note vault costs more than
the work; a forked child already holds the vault (copy-on-write), and only its result comes
back through a pipe, in the compact form the caller chooses. Used only where ``fork`` is
safe and useful: POSIX, more than one CPU, no other thread running, enough items.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["split_work"]

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Below this many items, one process does it all: forking would cost more than it saves.
MIN_ITEMS = 2000


def _can_fork() -> bool:
    return (hasattr(os, "fork") and sys.platform != "darwin"  # macOS: fork is unsafe
            and (os.cpu_count() or 1) > 1 and threading.active_count() == 1)


def split_work(work: Callable[[Sequence[Item]], Result], items: Sequence[Item], *,
               encode: Callable[[Result], Any] = lambda result: result,
               decode: Callable[[Any], Result] = lambda data: data,
               share: float = 0.5, min_items: int | None = None) -> list[Result]:
    """``[work(first part), work(second part)]``, the second part done by a forked child
    at the same time when that pays, else both here, one after the other.

    The child's result crosses as ``pickle(encode(result))`` and is rebuilt with
    ``decode``. ``share`` is the parent's part of the items (the parent also decodes the
    child's result). A child that fails or dies is not an error: its part is done again
    here, so the result never depends on whether the fork worked.
    """
    if len(items) < (MIN_ITEMS if min_items is None else min_items) or not _can_fork():
        return [work(items)]
    cut = int(len(items) * share)
    first, second = items[:cut], items[cut:]
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return [work(items)]
    if pid == 0:  # the child: do the second part, send it, leave without cleanup
        status = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as pipe:
                pickle.dump(encode(work(second)), pipe, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        mine = work(first)
    except BaseException:
        os.close(read_end)
        os.waitpid(pid, 0)
        raise
    try:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
    finally:
        _, status = os.waitpid(pid, 0)
    if status == 0 and data:
        try:
            return [mine, decode(pickle.loads(data))]
        except Exception:  # a result cut short: do that part here
            pass
    return [mine, work(second)]
