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

__all__ = ["Partner", "PartnerFailed", "first_half", "split_in_two", "split_work"]

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


def first_half(count: int) -> int:
    """How many of ``count`` items :func:`split_in_two` gives the first process."""
    return count // 2


class Partner:
    """The forked child of :func:`split_in_two`, still working on its second phase."""

    def __init__(self, pid: int, replies: Any) -> None:
        self._pid = pid
        self._replies = replies

    def result(self) -> Any:
        """The child's second-phase result; :class:`PartnerFailed` if it has none."""
        try:
            return pickle.load(self._replies)
        except Exception as exc:
            raise PartnerFailed(str(exc)) from None
        finally:
            self._replies.close()
            os.waitpid(self._pid, 0)


class PartnerFailed(Exception):
    """The forked child stopped before giving its result: do its part here instead."""


def split_in_two(items: Sequence[Item], first_phase: Callable[[Sequence[Item]], Any],
                 summary: Callable[[Any], Any], second_phase: Callable[[Any, Any], Any], *,
                 min_items: int | None = None) -> tuple[Any, Any, Partner] | None:
    """Two phases of work on two halves of ``items``, with an exchange in between.

    Each process runs ``first_phase`` on its half, then the two swap
    ``summary(first-phase result)``, then the child runs ``second_phase(its result, the
    parent's summary)`` while the parent goes on. Returns (the parent's first-phase result,
    the child's summary, the child as a :class:`Partner`), or None when one process should
    do everything (too few items, no fork) or the child failed before the exchange.
    """
    if len(items) < (MIN_ITEMS if min_items is None else min_items) or not _can_fork():
        return None
    cut = first_half(len(items))
    to_child_r, to_child_w = os.pipe()
    to_parent_r, to_parent_w = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        for fd in (to_child_r, to_child_w, to_parent_r, to_parent_w):
            os.close(fd)
        return None
    if pid == 0:
        status = 1
        try:
            os.close(to_child_w)
            os.close(to_parent_r)
            mine = first_phase(items[cut:])
            # Read the parent's summary before writing ours: neither side then waits on a
            # full pipe that the other is not reading.
            with os.fdopen(to_child_r, "rb") as inbox:
                theirs = pickle.load(inbox)
            with os.fdopen(to_parent_w, "wb") as outbox:
                pickle.dump(summary(mine), outbox, protocol=pickle.HIGHEST_PROTOCOL)
                outbox.flush()
                pickle.dump(second_phase(mine, theirs), outbox,
                            protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(to_child_r)
    os.close(to_parent_w)
    replies = os.fdopen(to_parent_r, "rb")
    try:
        mine = first_phase(items[:cut])
        with os.fdopen(to_child_w, "wb") as outbox:
            pickle.dump(summary(mine), outbox, protocol=pickle.HIGHEST_PROTOCOL)
        theirs = pickle.load(replies)
    except BaseException as exc:
        replies.close()
        try:
            os.kill(pid, 9)
        except OSError:
            pass
        os.waitpid(pid, 0)
        if isinstance(exc, (OSError, EOFError, pickle.UnpicklingError)):
            return None  # the child stopped before the exchange
        raise
    return mine, theirs, Partner(pid, replies)
