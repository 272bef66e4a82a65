"""The search index: one Pagefind bundle per language, indexed while the site is built.

Every searchable page hands in a small *search record* as soon as its content is rendered
(the HTML Pagefind indexes, and nothing else: no page furniture) and its URL. The records
go to one Pagefind process, which indexes them on another core while the build goes on;
when the site is written, each language's bundle is written to ``pagefind/<lang>/``.
Nothing here knows MkDocs.

The records are sent over Pagefind's own service protocol (``pagefind --service``, the
message types of ``pagefind.service.types``), written by hand here because the Python
client around it waits 0.1 s before reading each reply (100 s for 1,000 pages) and stops
the process 5 s after the last request, before a large index is written. Files staged on
disk for the command line would cost a directory per page, which on some file systems
costs more than indexing them.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import io
import json
import os
import posixpath
import shutil
import struct
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pagefind.service import get_executable

from ..safepaths import inside, is_language_code, is_plain_relative, remove_tree

__all__ = ["RecordSpool", "SearchIndexError", "SearchIndexer", "names_file", "search_record"]


class SearchIndexError(Exception):
    """Pagefind failed for a language (its message names the language)."""


def names_file(entries: Iterable[tuple[str, str, Iterable[str], str]]) -> bytes:
    """A language's term names for the search box's "did you mean" (JSON): per page its
    title, URL from the site's root, aliases and level. Pagefind matches word prefixes
    only, so a typo finds nothing; the box fetches this small file only then and compares
    the query with every name itself."""
    names = [{"title": title, "url": url, "aliases": [a for a in aliases if a.strip()],
              "level": level}
             for title, url, aliases, level in entries]
    return json.dumps({"names": names}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def search_record(content: str, *, title: str, lang: str, level_meta: str = "",
                  aliases: Iterable[str] = (), definition: str = "") -> str:
    """The HTML Pagefind indexes for one page: its rendered content (already sanitized)
    under ``data-pagefind-body``, the title as H1 when the content has none, the level as
    a result meta, and the aliases weighted like a heading, so a search for an alias ranks
    the term first. The aliases and the definition are also result metadata (outside the
    indexed body, so they add no words twice): the search box ranks name matches first
    and shows the definition as the excerpt of a term whose name matched."""
    names = [html.escape(alias) for alias in aliases]
    parts = [f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
             f"<title>{html.escape(title)}</title></head><body>"]
    if definition:
        parts.append(f'<p data-pagefind-meta="definition">{html.escape(definition)}</p>')
    if names:
        parts.append('<p data-pagefind-meta="aliases">' + "|".join(names) + "</p>")
    parts.append("<div data-pagefind-body")
    if level_meta:
        parts.append(f' data-pagefind-meta="level:{html.escape(level_meta)}"')
    parts.append(">")
    if "<h1" not in content:
        parts.append(f"<h1>{html.escape(title)}</h1>")
    parts.append(content)
    if names:
        parts.append('<p data-pagefind-weight="6">' + " · ".join(names) + "</p>")
    parts.append("</div></body></html>")
    return "".join(parts)


def _lower_priority(command: list[str]) -> list[str]:
    """``command`` run at a lower priority where the system has ``nice``: the build's own
    thread is the one that decides how long the build takes, and Pagefind's threads, which
    have time to spare, give way to it when both want the same core. (Through the ``nice``
    program rather than a ``preexec_fn``, which is unsafe in a process with threads, as
    `mkdocs serve` is.)"""
    nice = shutil.which("nice") if os.name == "posix" else None
    return [nice, "-n", "10", *command] if nice else command


_SPOOL_HEADER = struct.Struct("<II")


def _spool_error(exc: Exception) -> SearchIndexError:
    return SearchIndexError(f"search index: cannot keep its records in a temporary file "
                            f"({exc})")


class RecordSpool:
    """Search records (URL and HTML) kept in a temporary file, in the order handed in, to
    be read back in that order: the records of a language's thousands of pages are most
    of a page's size each, and a build that must keep them keeps them out of memory."""

    def __init__(self) -> None:
        try:
            self._file: IO[bytes] = tempfile.TemporaryFile()
        except OSError as exc:
            raise _spool_error(exc) from None
        self.count = 0

    def append(self, url: str, record: str) -> None:
        # surrogatepass: a record holding a lone surrogate reads back as it was.
        url_bytes = url.encode("utf-8", "surrogatepass")
        data = record.encode("utf-8", "surrogatepass")
        try:
            self._file.write(_SPOOL_HEADER.pack(len(url_bytes), len(data)))
            self._file.write(url_bytes)
            self._file.write(data)
        except OSError as exc:
            raise _spool_error(exc) from None
        self.count += 1

    def __iter__(self) -> Iterator[tuple[str, str]]:
        """The records so far, in order (appending while reading is not supported)."""
        try:
            self._file.flush()
            self._file.seek(0)
            for _ in range(self.count):
                url_size, size = _SPOOL_HEADER.unpack(self._file.read(_SPOOL_HEADER.size))
                url = self._file.read(url_size).decode("utf-8", "surrogatepass")
                yield url, self._file.read(size).decode("utf-8", "surrogatepass")
        except (OSError, struct.error) as exc:
            raise _spool_error(exc) from None
        finally:
            # Appends go on at the end, however far the reader went.
            with contextlib.suppress(OSError, ValueError):
                self._file.seek(0, os.SEEK_END)

    def close(self) -> None:
        self._file.close()


@dataclass
class _Bundle:
    """One language's index inside the Pagefind process."""

    lang: str
    index_id: int
    waiting: set[str]  # expected pages not handed in yet
    outstanding: int = 0  # pages sent whose reply has not come back
    complete: bool = False  # no more pages expected: write once outstanding is 0
    failures: list[str] = field(default_factory=list)
    written: Future[dict[str, Any]] | None = None
    rewrite: bool = False  # a page came after the bundle was written
    #: Every page handed in: Pagefind lets go of a language's index once its bundle is
    #: written (a 10,000-page build held two whole indexes at its peak), and a page that
    #: comes after that has the language indexed again from here.
    spool: RecordSpool = field(default_factory=RecordSpool)


class SearchIndexer:
    """The search index of one build: a Pagefind process per language.

    :meth:`add` hands a page over and returns at once (see :class:`_Pagefind`). Each
    language has a process of its own: Pagefind's memory peaks while it writes a bundle,
    and a process holding every language's index peaked at the sum of them (1.2 GB for
    10,000 pages in two languages). The first process is started with the indexer, so
    that a missing Pagefind is reported at once.
    """

    def __init__(self, output_dir: Path, *, expected: Mapping[str, Iterable[str]] | None = None,
                 exclude_selectors: Iterable[str] = ()) -> None:
        self.output_dir = output_dir
        self._expected = {lang: list(urls) for lang, urls in (expected or {}).items()}
        self._exclude = list(exclude_selectors)
        self._spare: _Pagefind | None = self._start()
        self._first = self._spare
        self._by_lang: dict[str, _Pagefind] = {}

    def _start(self) -> _Pagefind:
        return _Pagefind(self.output_dir, expected=self._expected,
                         exclude_selectors=self._exclude)

    @property
    def _process(self) -> subprocess.Popen[bytes]:
        """The first process (the first language's)."""
        return self._first._process

    @property
    def _bundles(self) -> dict[str, _Bundle]:
        return {lang: indexer._bundles[lang] for lang, indexer in self._by_lang.items()
                if lang in indexer._bundles}

    def add(self, lang: str, url: str, record: str) -> None:
        """Index one page: ``url`` is its address from the site root (``/en/term/``)."""
        indexer = self._by_lang.get(lang)
        if indexer is None:
            if not is_language_code(lang):
                raise SearchIndexError(f"{lang!r} is not a language code")
            indexer, self._spare = self._spare or self._start(), None
            self._by_lang[lang] = indexer
        indexer.add(lang, url, record)

    def finish(self) -> None:
        """Write every bundle not written yet, wait until all are, and stop Pagefind."""
        try:
            for indexer in self._by_lang.values():
                indexer.finish()
        except BaseException:
            self.abort()
            raise
        if self._spare is not None:
            self._spare.finish()  # no page came: it writes nothing

    def abort(self) -> None:
        """Stop Pagefind, whatever it is doing, and write nothing more."""
        for indexer in [*self._by_lang.values(), self._spare]:
            if indexer is not None:
                indexer.abort()


class _Pagefind:
    """One Pagefind process, with an index per language handed to it.

    :meth:`add` hands a page over and returns at once: Pagefind indexes it on another core
    while a thread collects its replies. Pagefind does most of its work when it writes a
    bundle, so a language's bundle is written as soon as the last of its ``expected``
    pages (their URLs) is indexed, while the build goes on. :meth:`finish` writes the other
    bundles, writes again any that got a page nobody expected, and waits for all of them;
    :meth:`abort` stops Pagefind and writes nothing more.
    """

    def __init__(self, output_dir: Path, *, expected: Mapping[str, Iterable[str]] | None = None,
                 exclude_selectors: Iterable[str] = ()) -> None:
        executable = get_executable()
        if executable is None:
            raise SearchIndexError("Pagefind is not installed: pip install 'pagefind[extended]'")
        self.output_dir = output_dir
        self._exclude = list(exclude_selectors)
        self._expected = {lang: set(urls) for lang, urls in (expected or {}).items()}
        self._stderr = tempfile.TemporaryFile()
        self._process = subprocess.Popen(_lower_priority([str(executable), "--service"]),
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self._stderr, bufsize=1 << 16)
        # One lock for the bundles, the replies awaited and Pagefind's input, which both
        # this thread and the reader thread write to.
        self._lock = threading.Condition()
        self._next_id = 0
        self._pending: dict[int, tuple[str, _Bundle | Future[dict[str, Any]]]] = {}
        self._bundles: dict[str, _Bundle] = {}
        self._stopped: str | None = None
        self._reader = threading.Thread(target=self._read_replies, daemon=True)
        self._reader.start()

    def add(self, lang: str, url: str, record: str) -> None:
        """Index one page: ``url`` is its address from the site root (``/en/term/``)."""
        bundle = self._bundles.get(lang) or self._new_bundle(lang)
        bundle.spool.append(url, record)
        with self._lock:
            if bundle.written is not None:
                bundle.rewrite = True  # indexed again, from the spool, by finish()
                return
            self._add_file(bundle, url, record)
            if not bundle.complete:
                bundle.waiting.discard(url)
                if not bundle.waiting:
                    bundle.complete = True
                    self._flush()

    def _add_file(self, bundle: _Bundle, url: str, record: str) -> None:
        """Send one page to the bundle's index (with the lock held)."""
        bundle.outstanding += 1
        self._send({"type": "AddFile", "index_id": bundle.index_id, "url": url,
                    "file_path": None, "file_contents": record}, url, bundle)

    def finish(self) -> None:
        """Write every bundle not written yet, wait until all are, and stop Pagefind."""
        try:
            with self._lock:
                for bundle in self._bundles.values():
                    bundle.complete = True
                    self._write_when_indexed(bundle)
                self._flush()
            for bundle in self._bundles.values():
                self._wait_written(bundle)
                if bundle.rewrite:
                    remove_tree(self.output_dir, self._bundle_dir(bundle.lang))
                    self._index_again(bundle)
                    self._wait_written(bundle)
        except BaseException:
            self._stop(graceful=False)
            raise
        self._stop(graceful=True)

    def abort(self) -> None:
        """Stop Pagefind, whatever it is doing, and write nothing more."""
        self._stop(graceful=False)

    def _bundle_dir(self, lang: str) -> Path:
        """The folder of a language's bundle: a checked language code under the output
        folder, never a path a page's language could name."""
        if not is_language_code(lang):
            raise SearchIndexError(f"{lang!r} is not a language code")
        return inside(self.output_dir, self.output_dir / lang)

    def _new_index(self, lang: str) -> int:
        self._bundle_dir(lang)
        config = {"force_language": lang, "exclude_selectors": self._exclude}
        reply: Future[dict[str, Any]] = Future()
        with self._lock:
            self._send({"type": "NewIndex", "config": config}, f"index '{lang}'", reply)
            self._flush()
        return int(self._result(reply, lang)["index_id"])

    def _new_bundle(self, lang: str) -> _Bundle:
        bundle = self._bundles[lang] = _Bundle(lang, self._new_index(lang),
                                               self._expected.get(lang, set()))
        return bundle

    def _index_again(self, bundle: _Bundle) -> None:
        """A new index of every page the bundle was handed, in order, written when all
        are indexed (its first index was let go when its bundle was written)."""
        index_id = self._new_index(bundle.lang)
        with self._lock:
            bundle.index_id = index_id
            bundle.written = None
            bundle.complete = False
            bundle.rewrite = False
        for url, record in bundle.spool:
            with self._lock:
                self._add_file(bundle, url, record)
        with self._lock:
            bundle.complete = True
            self._write_when_indexed(bundle)
            self._flush()

    def _release_index(self, bundle: _Bundle, index_id: int,
                       written: Future[dict[str, Any]]) -> None:
        """Once a bundle is written, Pagefind lets go of its index (the spool keeps what
        a late page needs to index the language again)."""
        if written.exception() is not None:
            return
        with self._lock:
            self._send({"type": "DeleteIndex", "index_id": index_id},
                       f"index '{bundle.lang}'", Future())
            self._flush()

    def _write_when_indexed(self, bundle: _Bundle) -> None:
        """Ask for the bundle once every page sent is indexed (a bundle written while pages
        are still being indexed could miss them). Called with the lock held."""
        if bundle.complete and not bundle.outstanding and bundle.written is None:
            written: Future[dict[str, Any]] = Future()
            bundle.written = written
            index_id = bundle.index_id
            # Run by the reader thread once the files are written.
            written.add_done_callback(
                lambda done: self._release_index(bundle, index_id, done))
            # The bundle's files come back in the reply and glosa writes them: Pagefind's
            # own WriteFiles replies before its writes are done, and a bundle written
            # just before Pagefind exits has come out with files cut short.
            fetched: Future[dict[str, Any]] = Future()
            fetched.add_done_callback(functools.partial(self._write_files, bundle))
            self._send({"type": "GetFiles", "index_id": index_id},
                       f"index '{bundle.lang}'", fetched)
            self._flush()
            self._lock.notify_all()

    def _write_files(self, bundle: _Bundle, fetched: Future[dict[str, Any]]) -> None:
        """Write a bundle's files (in the reader thread: while the build goes on) into a
        new folder, then put it in the bundle's place."""
        written = bundle.written
        assert written is not None
        try:
            files = fetched.result().get("files")
            if not isinstance(files, list):
                raise SearchIndexError("Pagefind sent no files")
            folder = self._bundle_dir(bundle.lang)
            staging = inside(self.output_dir, self.output_dir / f".{bundle.lang}.writing")
            remove_tree(self.output_dir, staging)
            made: set[str] = set()
            for item in files:
                name = item.get("path") if isinstance(item, dict) else None
                if not isinstance(name, str):
                    raise SearchIndexError("Pagefind sent a file without a path")
                # Never a path outside the bundle, whatever Pagefind sends: checked by its
                # words, not by resolving thousands of paths (the staging folder and every
                # folder in it are made here, so no link in it leads out).
                if not is_plain_relative(name):
                    raise SearchIndexError(f"Pagefind sent a file named {name!r}")
                parent = posixpath.dirname(name)
                if parent not in made:
                    (staging / parent).mkdir(parents=True, exist_ok=True)
                    made.add(parent)
                (staging / name).write_bytes(base64.b64decode(item.get("content") or ""))
            remove_tree(self.output_dir, folder)
            os.replace(staging, folder)
        except BaseException as exc:
            written.set_exception(exc if isinstance(exc, SearchIndexError)
                                  else SearchIndexError(str(exc)))
            return
        written.set_result({"files": len(files)})

    def _wait_written(self, bundle: _Bundle) -> None:
        with self._lock:
            self._lock.wait_for(lambda: bundle.written is not None or self._stopped is not None)
            written = bundle.written
        if written is None:
            raise SearchIndexError(f"search index for '{bundle.lang}' failed: {self._stopped}")
        self._result(written, bundle.lang)
        if bundle.failures:
            raise SearchIndexError(f"search index for '{bundle.lang}' failed: "
                                   + "; ".join(bundle.failures[:5]))

    def _result(self, future: Future[dict[str, Any]], lang: str) -> dict[str, Any]:
        try:
            return future.result()
        except Exception as exc:
            raise SearchIndexError(f"search index for '{lang}' failed: {exc}") from None

    def _send(self, payload: dict[str, Any], what: str,
              waiter: _Bundle | Future[dict[str, Any]]) -> None:
        """Write one message to Pagefind (with the lock held); its reply goes to
        ``waiter``."""
        if self._stopped is not None:
            if isinstance(waiter, Future):
                waiter.set_exception(SearchIndexError(f"{what}: {self._stopped}"))
            return
        self._next_id += 1
        self._pending[self._next_id] = (what, waiter)
        message = json.dumps({"message_id": self._next_id, "payload": payload})
        try:
            assert self._process.stdin is not None
            # Pagefind reads a message up to the next comma; base64 holds none.
            self._process.stdin.write(base64.b64encode(message.encode("utf-8")) + b",")
        except (OSError, ValueError):
            pass  # Pagefind stopped: the reader fails what is pending

    def _flush(self) -> None:
        try:
            if self._process.stdin is not None:
                self._process.stdin.flush()
        except (OSError, ValueError):
            pass  # Pagefind stopped: the reader reports it

    def _stop(self, *, graceful: bool) -> None:
        with self._lock:
            try:
                if self._process.stdin is not None:
                    self._process.stdin.close()  # Pagefind exits at the end of its input
            except OSError:
                pass
        if not graceful and self._process.poll() is None:
            self._process.kill()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join()
        self._stderr.close()
        for bundle in self._bundles.values():
            bundle.spool.close()

    def _read_replies(self) -> None:
        stdout = self._process.stdout
        assert isinstance(stdout, io.BufferedReader)
        # A bundle comes back as one message of tens of MB: it grows in a bytearray, and
        # only each new chunk is searched for the end of a message (adding each chunk to
        # an immutable buffer and splitting it all again cost seconds per bundle).
        message = bytearray()
        while chunk := stdout.read1(1 << 20):
            start = 0
            while (end := chunk.find(b",", start)) >= 0:
                message += chunk[start:end]
                self._settle(json.loads(base64.b64decode(message)))
                message.clear()
                start = end + 1
            message += chunk[start:]
        self._process.wait()
        self._stderr.seek(0)
        errors = self._stderr.read().decode("utf-8", "replace").strip()
        reason = f"Pagefind stopped (exit {self._process.returncode})" + (
            f": {errors[:500]}" if errors else "")
        with self._lock:
            self._stopped = reason
            pending, self._pending = self._pending, {}
            self._lock.notify_all()
        for what, waiter in pending.values():
            if isinstance(waiter, Future):
                waiter.set_exception(SearchIndexError(f"{what}: {reason}"))

    def _settle(self, reply: dict[str, Any]) -> None:
        payload = reply.get("payload") or {}
        message_id = reply.get("message_id")
        if message_id is None and payload.get("original_message"):
            # A message Pagefind could not read comes back without its id.
            try:
                message_id = json.loads(payload["original_message"]).get("message_id")
            except (ValueError, AttributeError):
                message_id = None
        error = payload.get("message") if payload.get("type") == "Error" else None
        with self._lock:
            entry = self._pending.pop(message_id, None) if isinstance(message_id, int) else None
            if entry is None:
                return
            what, waiter = entry
            if isinstance(waiter, _Bundle):
                waiter.outstanding -= 1
                if error is not None:
                    waiter.failures.append(f"{what}: {error}")
                self._write_when_indexed(waiter)
                return
        if error is not None:
            waiter.set_exception(SearchIndexError(f"{what}: {error}"))
        else:
            waiter.set_result(payload)
