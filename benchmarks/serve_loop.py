"""The editor loop of `mkdocs serve`: from saving a note to its page and its search bundle
being updated.

``python -m benchmarks.serve_loop VAULT [--edits N] [--engine mkdocs|properdocs]`` copies
VAULT to a temporary folder, starts ``mkdocs serve`` on it (glosa, Material, search on)
on a free local port, waits for the first build, then N times appends a sentence with a
new word to one note and measures, polling the server over HTTP every 5 ms:

- *page*: until the note's page, as the server serves it, holds the new word (what an
  author waits for after saving; includes the file notification, the settling delay and
  the HTTP polling);
- *fast path*: the time glosa's fast path logs for reading the note, updating the model
  and writing the pages (its own measure, without the notification);
- *search*: until the language's Pagefind entry file has changed (the bundle rebuilt and
  swapped in);
- *CPU*: user + system time of the serve process from the save to the page (the Pagefind
  process that indexes in the background is not counted).

Prints one Markdown table row per edit and the median, with the one-minute load average.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

__all__ = ["main", "measure_edits"]

POLL_S = 0.005
_FAST = re.compile(r"glosa: .*: (\d+) page\(s\) rewritten in ([0-9.]+) s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return bytes(reply.read())
    except (urllib.error.URLError, OSError):
        return None


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait(condition: object, timeout: float) -> float | None:
    """Seconds until ``condition()`` is true, polling; None on timeout."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if condition():  # type: ignore[operator]
            return time.perf_counter() - start
        time.sleep(POLL_S)
    return None


def _pick_note(docs: Path) -> Path:
    """A regular Spanish note in the middle of the vault (not a home, not the legend)."""
    notes = sorted(p for p in (docs / "es").rglob("*.md")
                   if p.name not in ("index.md", "README.md") and p.parent != docs / "es")
    return notes[len(notes) // 2]


def measure_edits(vault: Path, edits: int, engine: str = "mkdocs",
                  timeout: float = 900.0) -> list[dict[str, float | None]]:
    work = Path(tempfile.mkdtemp(prefix="glosa-serve-bench-"))
    docs = work / "docs"
    shutil.copytree(vault, docs, ignore=shutil.ignore_patterns(".glosa-bench-vault"))
    port = _free_port()
    (work / "mkdocs.yml").write_text(
        f"site_name: bench\ndocs_dir: docs\ndev_addr: 127.0.0.1:{port}\n"
        # Title addresses: the loop finds the edited note's page from its file path.
        "theme:\n  name: material\nplugins:\n  - glosa:\n      url_style: title\n",
        encoding="utf-8")
    log_path = work / "serve.log"
    note = _pick_note(docs)
    rel = note.relative_to(docs).as_posix()
    base = f"http://127.0.0.1:{port}/"
    page_url = base + quote(rel[: -len(".md")]) + "/"
    entry_url = base + "pagefind/es/pagefind-entry.json"
    results: list[dict[str, float | None]] = []
    with log_path.open("wb") as log:
        server = subprocess.Popen([sys.executable, "-m", engine, "serve", "-f",
                                   str(work / "mkdocs.yml")], cwd=work, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            if _wait(lambda: _get(page_url) is not None and _get(entry_url) is not None,
                     timeout) is None:
                raise SystemExit(f"the first build did not finish in {timeout:.0f} s "
                                 f"(see {log_path})")
            time.sleep(2.0)  # let the first build's background work settle
            for number in range(edits):
                word = f"zorglub{number}x{os.getpid()}"
                entry_before = _get(entry_url)
                seen = len(log_path.read_bytes())
                text = note.read_text("utf-8").rstrip("\n").split("\n")
                text.insert(len(text) - 1, f"Una frase nueva con {word}.\n")
                cpu_before = _cpu_s(server.pid)
                note.write_text("\n".join(text) + "\n", encoding="utf-8")
                page_s = _wait(lambda word=word: word.encode() in (_get(page_url) or b""),
                               timeout)
                cpu = _cpu_s(server.pid) - cpu_before
                search_s = _wait(lambda old=entry_before: _get(entry_url) not in (None, old),
                                 timeout)
                if search_s is not None and page_s is not None:
                    search_s += page_s
                logged = log_path.read_bytes()[seen:].decode("utf-8", "replace")
                fast = _FAST.search(logged)
                results.append({"page_s": page_s, "search_s": search_s, "cpu_s": cpu,
                                "fast_s": float(fast.group(2)) if fast else None,
                                "pages": float(fast.group(1)) if fast else None})
                time.sleep(1.0)  # the downloads are refreshed after the page: let them
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    shutil.rmtree(work, ignore_errors=True)
    return results


def _fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("vault", type=Path)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--engine", choices=("mkdocs", "properdocs"), default="mkdocs")
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args(argv)
    notes = sum(1 for _ in args.vault.rglob("*.md"))
    load = os.getloadavg()[0]
    rows = measure_edits(args.vault, args.edits, args.engine, args.timeout)
    print(f"{notes} notes, {args.engine}, load {load:.1f} at start\n")
    print("| edit | page (s) | fast path (s) | pages written | search (s) | CPU to page (s) |")
    print("|---|---|---|---|---|---|")
    for number, row in enumerate(rows, 1):
        print(f"| {number} | {_fmt(row['page_s'])} | {_fmt(row['fast_s'])} | "
              f"{_fmt(row['pages'], 0)} | {_fmt(row['search_s'], 2)} | {_fmt(row['cpu_s'])} |")

    def median(key: str) -> float | None:
        values = [r[key] for r in rows if r[key] is not None]
        return statistics.median(values) if values else None  # type: ignore[type-var]

    print(f"| median | {_fmt(median('page_s'))} | {_fmt(median('fast_s'))} | "
          f"{_fmt(median('pages'), 0)} | {_fmt(median('search_s'), 2)} | "
          f"{_fmt(median('cpu_s'))} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
