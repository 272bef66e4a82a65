"""A site's pages built in several processes (adapter).

MkDocs builds one page after another in one process: every page's Markdown, then every
page's template. On a machine with more than one core, glosa splits the pages into
contiguous shares once the navigation is known (``on_nav``, the last hook before the first
page is read) and forks a process per share but the first. Every process runs MkDocs' own
page steps (``_populate_page``, ``_build_page``) for the pages of its share and a light
step for the others: a page of another share gets its title and metadata, which the
navigation, the previous and next links and the page cache read, but no body and no
template (its template is an empty one, so MkDocs writes nothing for it).

A forked process writes its pages into ``site_dir`` itself and sends back what the first
process needs to finish the build: its pages' search records as soon as its pages are
read (the first process hands them to the search index while the templates render), then,
once its pages are written, the page and body cache entries it made and its log records
(logged again by the first process, so that ``--strict`` counts them and the log reads as
one build's). The first share comes first in page order and the others follow in order,
and each share's records go to the search index only after those of the shares before it,
so the index gets the records in the order of a build in one process and makes the same
bundle.

Used only where that is safe: ``mkdocs build`` and ``gh-deploy`` (not ``serve``, which
keeps per-page state for its fast path, nor ``--dirty``), on a system with ``fork``, when
glosa is the only plugin that handles page events (another plugin's per-page state would
be split between processes), and with MkDocs' page steps where glosa expects them.

Why by hand: ``multiprocessing`` and ``concurrent.futures`` start workers that get their
work by pickling it; a page's work needs the whole build (settings, navigation, files,
every plugin's state, the theme's environment), which only ``fork`` hands over whole.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import struct
import threading
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

__all__ = ["PAGE_EVENTS", "SKIP_TEMPLATE", "PageWorkers", "QuietSkips", "WorkerError",
           "WorkerResult", "other_page_plugins", "worker_count"]

#: The template of a page another process builds: empty, so MkDocs writes nothing.
SKIP_TEMPLATE = "glosa-skip.html"
#: Plugin events run once per page: only glosa may handle them when pages are split.
PAGE_EVENTS = ("pre_page", "page_read_source", "page_markdown", "page_content",
               "page_context", "post_page")
#: Below this many pages a second process saves less than it costs to start.
AUTO_MIN_PAGES = 500
#: At most this many processes by default (more cores than that gain little: the first
#: process's own work, the search index and the caches, does not split).
AUTO_MAX = 4


class WorkerError(Exception):
    """A page process failed: its message, for the build's error."""


@dataclass
class WorkerResult:
    """What a page process sends back once its pages are written."""

    #: Its page cache's and body cache's states (page_build.PageCache.state,
    #: body_cache.BodyCache.state), None when the cache is off.
    page_cache: dict[str, Any] | None = None
    body_cache: dict[str, Any] | None = None
    #: Its log records: (logger name, level, message).
    logs: list[tuple[str, int, str]] = field(default_factory=list)
    #: Why it failed, or None.
    error: str | None = None


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worker_count(wanted: int, pages: int, config: MkDocsConfig, owner: object, *,
                 command: str, dirty: bool) -> tuple[int, str]:
    """How many processes build the pages (1: this one alone), and why not more.

    ``wanted``: the ``workers`` option (0: as many as the cores, up to ``AUTO_MAX``, for a
    site of ``AUTO_MIN_PAGES`` pages or more)."""
    if wanted == 1:
        return 1, "workers: 1"
    if command not in ("build", "gh-deploy") or dirty:
        return 1, "only `mkdocs build` and `gh-deploy` split the pages, without --dirty"
    if not hasattr(os, "fork"):
        return 1, "this system cannot fork"
    if wanted == 0 and pages < AUTO_MIN_PAGES:
        return 1, f"fewer than {AUTO_MIN_PAGES} pages"
    others = other_page_plugins(config, owner)
    if others:
        return 1, f"other plugins handle pages ({', '.join(others)})"
    try:
        from mkdocs.commands import build

        build._populate_page, build._build_page  # noqa: B018  # MkDocs' own page steps
    except (ImportError, AttributeError):
        return 1, "this MkDocs has no page steps glosa knows"
    count = wanted if wanted > 0 else min(_cores(), AUTO_MAX)
    return max(1, min(count, pages)), ""


def other_page_plugins(config: MkDocsConfig, owner: object) -> list[str]:
    """The plugins other than ``owner`` that handle page events, by class name."""
    return sorted({type(getattr(handler, "__self__", handler)).__name__
                   for event in PAGE_EVENTS
                   for handler in config.plugins.events.get(event, [])
                   if getattr(handler, "__self__", None) is not owner})


def shares(count: int, processes: int, weights: Sequence[float] | None = None) -> list[range]:
    """Contiguous shares of ``count`` pages in page order, as even as they come, by
    ``weights`` when given (a page taken whole from the cache costs little). (A smaller
    first share, for the first process's own work, left it waiting for the others: its
    tail, the search index and the caches, comes after theirs anyway.)"""
    if weights is None:
        bounds = [round(count * number / processes) for number in range(processes + 1)]
        return [range(bounds[i], bounds[i + 1]) for i in range(processes)]
    total = float(sum(weights))
    cuts = [0]
    running = 0.0
    at = 0
    for number in range(1, processes):
        goal = total * number / processes
        while at < count and running + weights[at] / 2 < goal:
            running += weights[at]
            at += 1
        cuts.append(at)
    cuts.append(count)
    return [range(cuts[i], cuts[i + 1]) for i in range(processes)]


class QuietSkips:
    """Leaves out MkDocs' "Page skipped" note for the pages named (written otherwise),
    from :meth:`start` to :meth:`stop`."""

    def __init__(self, names: Container[str]) -> None:
        self._filter = _SkipFilter(names)
        self._on = False

    def start(self) -> None:
        if not self._on:
            _build_logger().addFilter(self._filter)
            self._on = True

    def stop(self) -> None:
        if self._on:
            _build_logger().removeFilter(self._filter)
            self._on = False


class _SkipFilter(logging.Filter):
    """MkDocs' "Page skipped" note for a page another process wrote (it is not skipped)."""

    def __init__(self, others: Container[str]) -> None:
        super().__init__()
        self.others = others

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not message.startswith("Page skipped: '"):
            return True
        return message[len("Page skipped: '"):].split("'", 1)[0] not in self.others


class _Capture(logging.Handler):
    """A page process's log records, sent back to the first process."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Once, however many loggers it passes on its way up.
        if getattr(record, "_glosa_captured", False):
            return
        record._glosa_captured = True
        try:
            self.records.append((record.name, record.levelno, record.getMessage()))
        except Exception:  # a record that cannot format: as logging itself would
            self.handleError(record)


#: The search records of a share's pages in page order: (language, URL, record).
Records = list[tuple[str, str, str]]
_LENGTH = struct.Struct("<Q")


def _send(pipe: Any, value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    pipe.write(_LENGTH.pack(len(data)) + data)
    pipe.flush()


def _receive(pipe: Any) -> object | None:
    """The next value a page process sent, or None at the end of the pipe (a process
    that failed before sending it)."""
    head = pipe.read(_LENGTH.size)
    if len(head) != _LENGTH.size:
        return None
    size = _LENGTH.unpack(head)[0]
    data = pipe.read(size)
    if len(data) != size:
        return None
    try:
        value: object = pickle.loads(data)
    except Exception:
        return None
    return value


@dataclass
class _Child:
    pid: int
    share: int
    #: Set once this share's records are with the search index (or never will be).
    fed: threading.Event
    reader: threading.Thread | None = None
    result: WorkerResult | None = None
    failure: str | None = None


class PageWorkers:
    """The page processes of one build.

    In a page process, ``prepare_child`` is called with the pages it builds, ``records``
    once they are all read (the search records to send), ``collect`` once they are
    written (the :class:`WorkerResult` to send, without its logs, which this class adds).
    Here, ``feed`` gets each share's records, from a reader thread, once this process has
    read its own pages (:meth:`pages_read`) and the shares before have been fed."""

    def __init__(self, processes: int, feed: Callable[[Records], None]) -> None:
        self.processes = processes
        self.feed = feed
        #: The source paths of the pages this process builds.
        self.own: set[str] = set()
        #: Every process's pages (source paths), the first process's first.
        self.shares: list[list[str]] = []
        self._others: set[str] = set()
        self._children: list[_Child] = []
        self._quiet: QuietSkips | None = None
        self._read = threading.Event()

    def start(self, config: MkDocsConfig, files: Files, nav: Any,
              prepare_child: Callable[[set[str]], None], records: Callable[[], Records],
              collect: Callable[[], WorkerResult],
              weight: Callable[[str], float] | None = None) -> None:
        """Fork the page processes. Returns in this process; a page process builds its
        pages here, sends what it has to and exits. ``weight``: what a page costs to
        build, by source path, when not all cost alike."""
        pages = _pages(files, config)
        split = shares(len(pages), self.processes, None if weight is None else
                       [weight(page.file.src_uri) for page in pages])
        names = [[page.file.src_uri for page in pages[share.start:share.stop]]
                 for share in split]
        self.shares = names
        self.own = set(names[0])
        self._others = {name for share in names[1:] for name in share}
        before = self._read
        for number in range(1, self.processes):
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover  # the child's coverage is not collected
                os.close(read_fd)
                self._run_child(config, files, nav, pages, set(names[number]), write_fd,
                                prepare_child, records, collect)
            os.close(write_fd)
            child = _Child(pid, number, threading.Event())
            child.reader = threading.Thread(target=self._read_child,
                                            args=(child, read_fd, before), daemon=True)
            child.reader.start()
            self._children.append(child)
            before = child.fed
        self._quiet = QuietSkips(self._others)
        self._quiet.start()

    def _read_child(self, child: _Child, fd: int, before: threading.Event) -> None:
        """A reader thread: the child's records (fed in page order), then its result.
        Reading as the child writes, it never waits on a full pipe."""
        try:
            with os.fdopen(fd, "rb") as pipe:
                records = _receive(pipe)
                before.wait()
                if isinstance(records, list):
                    try:
                        self.feed(records)
                    except Exception as exc:  # the search index failed: the build fails
                        child.failure = f"search index: {exc}"
                child.fed.set()
                result = _receive(pipe)
                child.result = result if isinstance(result, WorkerResult) else None
        finally:
            child.fed.set()

    def pages_read(self) -> None:
        """This process has read all its pages (its records are with the search index)."""
        self._read.set()

    def _run_child(self, config: MkDocsConfig, files: Files, nav: Any, pages: list[Page],
                   own: set[str], write_fd: int, prepare_child: Callable[[set[str]], None],
                   records: Callable[[], Records],
                   collect: Callable[[], WorkerResult]) -> None:  # pragma: no cover
        """A page process: never returns."""
        code = 0
        capture = _Capture()
        with os.fdopen(write_fd, "wb") as pipe:
            try:
                _capture_logs(capture)
                prepare_child(own)
                result = _build_share(config, files, nav, pages, own,
                                      lambda: _send(pipe, records()), collect)
            except BaseException as exc:  # everything is reported to the first process
                code = 1
                result = WorkerResult(error=_describe(exc))
            result.logs = capture.records
            try:
                _send(pipe, result)
            except BaseException:
                code = 2
        # No interpreter shutdown: nothing of the first process's state (its search
        # index process, its open files, atexit handlers) is touched from here.
        os._exit(code)

    def join(self) -> list[WorkerResult]:
        """The results of the page processes, in share order, once all have ended.
        Raises WorkerError (after the rest have ended) when one failed."""
        self._read.set()
        results: list[WorkerResult] = []
        failure: str | None = None
        children, self._children = self._children, []
        for child in children:
            assert child.reader is not None
            child.reader.join()
            _, status = os.waitpid(child.pid, 0)
            result, child.result = child.result, None
            if result is None:
                failure = failure or (f"page process {child.share + 1} of {self.processes} "
                                      f"ended without a result ({_status(status)})")
                continue
            results.append(result)
            failure = failure or result.error or child.failure
        self._stop_filtering()
        if failure is not None:
            for result in results:
                relog(result.logs)
            raise WorkerError(failure)
        return results

    def abort(self) -> None:
        """Stop the page processes (a failed build)."""
        children, self._children = self._children, []
        self._read.set()
        for child in children:
            try:
                os.kill(child.pid, signal.SIGTERM)
            except OSError:
                pass
        for child in children:
            try:
                os.waitpid(child.pid, 0)
            except OSError:
                pass
            if child.reader is not None:
                child.reader.join(timeout=5)
        self._stop_filtering()

    def _stop_filtering(self) -> None:
        if self._quiet is not None:
            self._quiet.stop()
            self._quiet = None


def relog(records: Sequence[tuple[str, int, str]]) -> None:
    """Log a page process's records again, here (where ``--strict`` counts them)."""
    for name, level, message in records:
        logging.getLogger(name).log(level, "%s", message)


def _pages(files: Files, config: MkDocsConfig) -> list[Page]:
    """Every page ``mkdocs build`` builds, in its order, each with its Page object (made
    here for pages outside the navigation, as MkDocs' own loop would make it)."""
    pages: list[Page] = []
    for file in files.documentation_pages(inclusion=InclusionLevel.is_included):
        if file.page is None and file.inclusion.is_not_in_nav():  # type: ignore[no-untyped-call]
            Page(None, file, config)
        assert file.page is not None
        pages.append(file.page)
    return pages


def _build_logger() -> logging.Logger:
    """The logger of MkDocs' page steps (``properdocs.commands.build`` under ProperDocs)."""
    from mkdocs.commands import build

    return logging.getLogger(build.__name__)


def _capture_logs(capture: _Capture) -> None:  # pragma: no cover
    """In a page process: every record to ``capture``, none to the terminal. The
    capture takes the place of every handler, wherever the engine put its own (the
    ``mkdocs`` logger, ``properdocs``, the root)."""
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)]
    for logger in loggers:
        if logger.handlers:
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
            logger.addHandler(capture)


def _build_share(config: MkDocsConfig, files: Files, nav: Any, pages: list[Page],
                 own: set[str], read: Callable[[], None], collect: Callable[[], WorkerResult]
                 ) -> WorkerResult:  # pragma: no cover
    """MkDocs' page steps for a share: every page read (the others lightly, by glosa's
    hooks), the theme's environment made as MkDocs makes it, the share's pages written."""
    from mkdocs.commands.build import _build_page, _populate_page

    page: Page | None = None
    try:
        for page in pages:
            _populate_page(page, config, files)
        page = None
        read()
        env = config.plugins.on_env(config.theme.get_env(), config=config, files=files)
        doc_files: list[File] = [page.file for page in pages]
        for page in pages:
            if page.file.src_uri in own:
                _build_page(page, config, doc_files, nav, env)
        page = None
        return collect()
    except Exception as exc:
        where = f"{page.file.src_uri}: " if page is not None else ""
        raise WorkerError(f"{where}{_describe(exc)}") from exc


def _describe(exc: BaseException) -> str:
    if isinstance(exc, WorkerError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit {os.waitstatus_to_exitcode(status)}"
