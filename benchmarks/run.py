"""Benchmarks: glosa against plain MkDocs + Material and a peer stack, on one vault per size.

``python -m benchmarks.run [--sizes 1000 5000 [10000]]`` generates a vault per size (see
``benchmarks/generate.py``) under ``benchmarks/.work/`` and, on that same vault, measures

* ``plain``: MkDocs + Material on the same files, a one-page ``nav``, no glosa;
* ``glosa``: ``mkdocs build`` with ``plugins: [glosa]`` and the Material theme;
* ``glosa-1``: the same with ``workers: 1`` (its pages built in one process);
* ``peer``:  MkDocs + Material + ``mkdocs-roamlinks-plugin`` (one-page ``nav`` too);
* ``check``: ``glosa check`` on the vault.

Each measurement runs in a fresh wrapper process that starts the command, times it and reads
``getrusage(RUSAGE_CHILDREN)``: wall time and the peak RSS of the command's process tree.
For each site it records the size on disk, the search index size and the bytes a browser
downloads for a first search query (headless Chromium through Playwright against a local
``http.server`` on 127.0.0.1; an estimate from the files when no browser is available).

Results go to ``benchmarks/results.json`` (raw) and ``benchmarks/RESULTS.md`` (tables,
ratios and a profile of ``glosa check`` on the largest size).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from .generate import GeneratedVault, generate_vault

__all__ = [
    "CASES",
    "CaseResult",
    "Measurement",
    "measure",
    "measure_case",
    "prepare_size",
    "search_first_query",
    "site_stats",
]

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work"
RESULTS_MD = HERE / "RESULTS.md"
RESULTS_JSON = HERE / "results.json"
CASES = ("plain", "glosa", "glosa-1", "peer", "check", "check-warm")
#: The cases that run `glosa check` (the warm one over the cache a first check filled).
CHECKS = ("check", "check-warm")
CHROMIUM = "/usr/bin/chromium"
#: Results shown per search page in Pagefind's own UI, whose fragments a query loads.
PAGEFIND_PAGE_SIZE = 5
ANALYSIS_START = "<!-- analysis:start -->"
ANALYSIS_END = "<!-- analysis:end -->"

# Run by a fresh interpreter per measurement, so that RUSAGE_CHILDREN holds this command's
# process tree only. The command's own output goes to a log file.
_WRAPPER = r"""
import json, os, resource, signal, subprocess, sys, time
spec = json.loads(sys.argv[1])
timed_out = False
try:
    load1 = float(open("/proc/loadavg").read().split()[0])
except (OSError, ValueError):
    load1 = -1.0
# glosa as its users run it, whatever the calling environment says: the cache where the
# settings are (a test run turns it off), Python's compiled modules kept (an environment
# that turns them off makes every run compile glosa again).
env = {k: v for k, v in os.environ.items()
       if k not in ("GLOSA_NO_CACHE", "GLOSA_CACHE_DIR", "PYTHONDONTWRITEBYTECODE")}
with open(spec["log"], "wb") as log:
    start = time.perf_counter()
    proc = subprocess.Popen(spec["cmd"], cwd=spec["cwd"], stdout=log, env=env,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        rc = proc.wait(timeout=spec["timeout"])
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        rc = proc.wait()
    wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "wall_s": wall, "max_rss_kb": usage.ru_maxrss,
                  "user_s": usage.ru_utime, "sys_s": usage.ru_stime, "timed_out": timed_out,
                  "load1": load1}))
"""


@dataclass
class Measurement:
    """One run of one command."""

    rc: int
    wall_s: float
    max_rss_kb: int
    user_s: float
    sys_s: float
    timed_out: bool
    log: str
    #: The machine's one-minute load average when the run started (other work running).
    load1: float = -1.0

    @property
    def ok(self) -> bool:
        return self.rc == 0 and not self.timed_out


@dataclass
class CaseResult:
    """What one case measured on one vault (site fields stay None for ``check``)."""

    case: str
    status: str  # "ok", "failed", "timeout", "skipped"
    runs: list[Measurement] = field(default_factory=list)
    wall_s: float | None = None
    #: User + system CPU time of the run with the best wall time.
    cpu_s: float | None = None
    max_rss_mb: float | None = None
    detail: str = ""
    site: dict[str, Any] | None = None
    search: dict[str, Any] | None = None


def measure(cmd: list[str], cwd: Path, log: Path, timeout: float = 900.0) -> Measurement:
    """Run ``cmd`` in a fresh wrapper process: wall time, peak RSS, CPU time, exit code."""
    log.parent.mkdir(parents=True, exist_ok=True)
    spec = {"cmd": cmd, "cwd": str(cwd), "log": str(log), "timeout": timeout}
    done = subprocess.run([sys.executable, "-c", _WRAPPER, json.dumps(spec)],
                          capture_output=True, text=True, check=True)
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return Measurement(rc=int(data["rc"]), wall_s=float(data["wall_s"]),
                       max_rss_kb=int(data["max_rss_kb"]), user_s=float(data["user_s"]),
                       sys_s=float(data["sys_s"]), timed_out=bool(data["timed_out"]),
                       log=str(log), load1=float(data.get("load1", -1.0)))


# --- configurations -----------------------------------------------------------------------

def _yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def write_configs(workdir: Path, vault: Path, home: str) -> dict[str, Path]:
    """One folder per site case with its ``mkdocs.yml``; ``home`` is the vault-relative
    page that the one-page ``nav`` of the plain and peer sites holds."""
    docs = os.path.relpath(vault, workdir / "plain")
    nav = f"nav:\n  - {_yaml_str(home)}\n"
    configs = {
        "plain": f"site_name: plain\ndocs_dir: {_yaml_str(docs)}\ntheme:\n  name: material\n"
                 f"{nav}",
        "glosa": f"site_name: glosa\ndocs_dir: {_yaml_str(docs)}\ntheme:\n  name: material\n"
                 "plugins:\n  - glosa\n",
        # The same site with its pages built in one process (the option `workers`).
        "glosa-1": f"site_name: glosa\ndocs_dir: {_yaml_str(docs)}\ntheme:\n  name: material\n"
                   "plugins:\n  - glosa:\n      workers: 1\n",
        "peer": f"site_name: peer\ndocs_dir: {_yaml_str(docs)}\ntheme:\n  name: material\n"
                "plugins:\n  - search\n  - roamlinks\n" + nav,
    }
    paths: dict[str, Path] = {}
    for case, text in configs.items():
        folder = workdir / case
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "mkdocs.yml").write_text(text, encoding="utf-8")
        paths[case] = folder / "mkdocs.yml"
    return paths


def command(case: str, configs: dict[str, Path], vault: Path) -> list[str]:
    if case in CHECKS:
        return [sys.executable, "-m", "glosa", "check", str(vault),
                "--config", str(configs["glosa"])]
    return [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", str(configs[case])]


def _tail(path: Path, lines: int = 8) -> str:
    try:
        text = path.read_text("utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def measure_case(case: str, configs: dict[str, Path], vault: Path, workdir: Path, *,
                 timeout: float = 900.0, repeat: int = 1, browser: bool = True) -> CaseResult:
    """Run one case ``repeat`` times (best wall time kept), then measure its site."""
    result = CaseResult(case, "ok")
    checking = case in CHECKS
    cwd = configs["glosa"].parent if checking else configs[case].parent
    if case == "check-warm":
        # Unmeasured: the first check fills the cache that the measured ones answer from.
        shutil.rmtree(cwd / ".cache", ignore_errors=True)
        measure(command(case, configs, vault), cwd, workdir / "logs" / f"{case}-fill.log",
                timeout)
    for attempt in range(repeat):
        site = cwd / "site"
        if not checking and site.exists():
            shutil.rmtree(site)
        if case != "check-warm":
            # A cold build: no page from glosa's build cache (benchmarks/incremental.py
            # measures the warm ones).
            shutil.rmtree(cwd / ".cache", ignore_errors=True)
        run = measure(command(case, configs, vault), cwd,
                      workdir / "logs" / f"{case}-{attempt + 1}.log", timeout)
        result.runs.append(run)
        if not run.ok:
            result.status = "timeout" if run.timed_out else "failed"
            result.detail = (f"timed out after {timeout:.0f} s" if run.timed_out
                             else f"exit {run.rc}: {_tail(Path(run.log), 1)}")
            break
    good = [r for r in result.runs if r.ok]
    if good:
        best = min(good, key=lambda r: r.wall_s)
        result.wall_s = best.wall_s
        result.cpu_s = best.user_s + best.sys_s
        result.max_rss_mb = max(r.max_rss_kb for r in good) / 1024
    elif result.runs:
        result.max_rss_mb = max(r.max_rss_kb for r in result.runs) / 1024
    if checking and good:
        result.detail = _tail(Path(good[-1].log), 1)
    if not checking and result.status == "ok":
        site = cwd / "site"
        result.site = site_stats(site)
        result.search = search_first_query(site, browser=browser)
    return result


# --- sites --------------------------------------------------------------------------------

def _tree_bytes(folder: Path) -> tuple[int, int]:
    total = files = 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_size
                files += 1
    return total, files


def _pagefind_bundles(site: Path) -> list[Path]:
    """Pagefind bundles of a site (one folder per ``pagefind-entry.json``; glosa writes one
    per language under ``pagefind/<lang>/``), shallowest first."""
    return sorted((p.parent for p in site.rglob("pagefind-entry.json")),
                  key=lambda p: (len(p.parts), p.as_posix()))


def _pagefind_dir(site: Path) -> Path | None:
    """The folder holding every Pagefind bundle of the site."""
    bundles = _pagefind_bundles(site)
    if not bundles:
        return None
    if (site / "pagefind").is_dir() and all(b.is_relative_to(site / "pagefind")
                                            for b in bundles):
        return site / "pagefind"
    return bundles[0]


def site_stats(site: Path) -> dict[str, Any]:
    """Size on disk (bytes of all files, and blocks as ``du`` counts them), pages, and the
    search index: Pagefind's folder, else Material's ``search/search_index.json`` (both are
    counted when a site carries both)."""
    total, files = _tree_bytes(site)
    blocks = 0
    pages = 0
    for dirpath, _, names in os.walk(site):
        for name in names:
            with contextlib.suppress(OSError):
                blocks += os.lstat(os.path.join(dirpath, name)).st_blocks * 512
            pages += name.endswith(".html")
    stats: dict[str, Any] = {"bytes": total, "disk_bytes": blocks, "files": files,
                             "html_pages": pages, "search_engine": None,
                             "search_index_bytes": 0, "search_index_files": 0}
    pagefind = _pagefind_dir(site)
    lunr = site / "search" / "search_index.json"
    engines: list[str] = []
    if pagefind is not None:
        size, count = _tree_bytes(pagefind)
        engines.append("pagefind")
        stats["pagefind_bytes"] = size
        stats["search_index_bytes"] += size
        stats["search_index_files"] += count
        stats["pagefind_bundles"] = {
            b.relative_to(site).as_posix(): _tree_bytes(b)[0] for b in _pagefind_bundles(site)}
    if lunr.is_file():
        engines.append("lunr")
        stats["lunr_index_bytes"] = lunr.stat().st_size
        stats["search_index_bytes"] += lunr.stat().st_size
        stats["search_index_files"] += 1
    if engines:
        stats["search_engine"] = "+".join(engines)
    return stats


def _start_page(site: Path) -> Path:
    """The page a reader lands on: the site's index.html, else the Spanish root note."""
    if (site / "index.html").is_file():
        return site / "index.html"
    for lang in ("es", "en"):
        pages = sorted((site / lang).rglob("index.html"), key=lambda p: (len(p.parts), p))
        if pages:
            return pages[0]
    return sorted(site.rglob("*.html"))[0]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port) for the duration of the block."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _is_search_url(path: str) -> bool:
    """Files that exist only for search: Pagefind's, glosa's "did you mean" matcher and
    names files (fetched when a query matches no term by name), and Material's index,
    worker and lunr."""
    path = urlparse(path).path
    return ("/pagefind/" in path or "/search/search_index.json" in path
            or "/workers/search" in path or "/lunr/" in path
            or "/assets/glosa/names-" in path or path.endswith("/assets/glosa/glosa-fuzzy.js"))


#: What web servers compress (nginx's and Apache's usual lists); the rest is sent as it is.
COMPRESSED = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".map")


def _site_file(site: Path, url: str) -> Path:
    """The file of ``site`` that a URL (or site path) names: a folder's ``index.html``."""
    local = site / unquote(urlparse(url).path).lstrip("/")
    return local / "index.html" if local.is_dir() else local


def sent_length(file: Path) -> int:
    """The bytes a web server sends for a file: gzip (level 6, the usual default) of a
    text file, the file itself otherwise (Pagefind's index files are compressed already)."""
    data = file.read_bytes()
    if file.suffix in COMPRESSED or not file.suffix:
        return len(gzip.compress(data, compresslevel=6))
    return len(data)


def sent_size(site: Path, path: str) -> int:
    """:func:`sent_length` of the file a site path names; 0 for a path outside the site's
    files."""
    local = _site_file(site, path)
    return sent_length(local) if local.is_file() else 0


#: Search boxes the runner knows: (name, the box, a result shown, the list complete: None
#: when the UI does not say).
_SEARCH_UIS = (
    ("glosa", "[data-glosa-search] input", "#glosa-search-results li a",
     "#glosa-search-results[data-query]"),
    ("material", "input.md-search__input", ".md-search-result__item", None),
)

#: Milliseconds between keystrokes of the typed query (a quick typist: 120 words a minute).
TYPING_DELAY_MS = 100

# In the page: the time of the last keystroke and of the first frame that shows a result
# (and the complete list), on the page's own clock.
_WATCH_TYPED = """
([box, hit, done]) => {
  const seen = window.__typed = {last: null, shown: null, done: null};
  document.querySelector(box).addEventListener("input", () => {
    seen.last = performance.now(); seen.shown = seen.done = null; });
  const look = () => {
    if (seen.last !== null) {
      if (seen.shown === null && document.querySelector(hit)) seen.shown = performance.now();
      if (done && seen.done === null && document.querySelector(done)) {
        seen.done = performance.now();
      }
    }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}
"""

_PAGEFIND_QUERY = """
async ([url, query, pageSize]) => {
  const started = performance.now();
  const pagefind = await import(url);
  if (pagefind.init) await pagefind.init();
  const search = await pagefind.search(query);
  const data = await Promise.all(search.results.slice(0, pageSize).map(r => r.data()));
  return {results: data.length, ms: performance.now() - started};
}
"""


def search_first_query(site: Path, browser: bool = True) -> dict[str, Any]:
    """Bytes a browser downloads for a first search query on ``site``.

    With Chromium: open the start page, type a word every note contains into the site's
    search box (glosa's or Material's; Pagefind's API when the page has neither) and wait
    for results; sum the sizes of the search files fetched from page load to results
    (Pagefind's folder, Material's index, worker and lunr). Without: an estimate from the
    files.
    """
    engine = site_stats(site).get("search_engine")
    if engine is None:
        return {"method": "none", "search_bytes": None}
    if browser and Path(CHROMIUM).exists():
        try:
            return _browser_query(site)
        except Exception as exc:  # a broken browser must not lose the other figures
            estimate = _estimate_query(site)
            estimate["browser_error"] = f"{type(exc).__name__}: {exc}"[:500]
            return estimate
    return _estimate_query(site)


def _browser_query(site: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    start = _start_page(site).relative_to(site).as_posix()
    fetched: list[tuple[str, int]] = []

    def size_of(url: str, headers: dict[str, str]) -> int:
        length = headers.get("content-length")
        if length is not None and length.isdigit():
            return int(length)
        local = _site_file(site, url)
        return local.stat().st_size if local.is_file() else 0

    with serve(site) as base, sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=["--no-sandbox", "--headless"])
        try:
            page = chromium.new_page()
            page.on("response", lambda r: fetched.append(
                (_site_path(r.url, base), size_of(r.url, r.headers))))
            page.goto(base + start, wait_until="load", timeout=120_000)
            lang = str(page.evaluate("document.documentElement.lang || ''"))
            query = "customer" if lang.lower().startswith("en") else "cliente"
            ui = next((found for found in _SEARCH_UIS if page.locator(found[1]).count()),
                      None)
            typed: dict[str, Any] = {}
            if ui is not None:
                name, box, hit, _ = ui
                started = time.perf_counter()
                page.fill(box, query, timeout=60_000)
                page.wait_for_selector(hit, timeout=300_000)
                shown = page.locator(hit).count()
                ms = (time.perf_counter() - started) * 1000
                typed = _typed_query(chromium, site, base, start, ui, query)
            else:
                bundles = _pagefind_bundles(site)
                if not bundles:
                    raise RuntimeError("no search box and no Pagefind bundle on the page")
                name = "pagefind-api"
                bundle = next((b for b in bundles if b.name == lang), bundles[0])
                url = "/" + bundle.relative_to(site).as_posix() + "/pagefind.js"
                outcome = page.evaluate(_PAGEFIND_QUERY, [url, query, PAGEFIND_PAGE_SIZE])
                shown, ms = int(outcome["results"]), float(outcome["ms"])
            page.wait_for_load_state("networkidle", timeout=60_000)
        finally:
            chromium.close()
    search = [(path, size) for path, size in fetched if _is_search_url(path)]
    return {
        "method": "chromium",
        "ui": name,
        "start_page": start,
        "query": query,
        "results_shown": shown,
        "query_ms": round(ms, 1),
        **typed,
        "search_bytes": sum(size for _, size in search),
        # The same files as a web server compressing text would send them.
        "search_bytes_sent": sum(sent_size(site, path) for path, _ in search),
        "index_bytes_sent": _index_bytes_sent(site, [path for path, _ in search]),
        "search_requests": len(search),
        "page_and_search_bytes": sum(size for _, size in fetched),
        "requests": len(fetched),
        "files": sorted(search, key=lambda item: -item[1])[:40],
    }


def _site_path(url: str, base: str) -> str:
    """A fetched URL as the site's absolute path (``/pagefind/...``) when the test server
    ``base`` served it, else as it is."""
    return "/" + url[len(base):] if url.startswith(base) else url


def _index_bytes_sent(site: Path, paths: list[str]) -> int:
    """The bytes sent of the Pagefind index chunks among ``paths``. Unlike the fragments of
    the results listed, which depend on whether a pause in the typing let a search run on
    the letters typed so far, the chunks a query needs are the same however it was typed:
    more of them means the box loaded chunks for words nobody searched."""
    return sum(sent_size(site, path) for path in paths
               if urlparse(path).path.endswith(".pf_index"))


def _typed_query(chromium: Any, site: Path, base: str, start: str,
                 ui: tuple[str, str, str, str | None], query: str) -> dict[str, Any]:
    """The same first query typed key by key into a fresh page (nothing cached), timed
    from the last keystroke: what a reader waits once done typing, while what the box
    loads on focus and as the words are typed overlaps the typing."""
    _, box, hit, done = ui
    context = chromium.new_context()
    fetched: list[str] = []
    try:
        page = context.new_page()
        page.on("response", lambda r: fetched.append(_site_path(r.url, base)))
        page.goto(base + start, wait_until="load", timeout=120_000)
        page.evaluate(_WATCH_TYPED, [box, hit, done])
        page.click(box)
        page.locator(box).press_sequentially(query, delay=TYPING_DELAY_MS)
        page.wait_for_selector(done or hit, timeout=300_000)
        page.wait_for_function("window.__typed.shown !== null"
                               + (" && window.__typed.done !== null" if done else ""),
                               timeout=60_000)
        seen = page.evaluate("window.__typed")
        page.wait_for_load_state("networkidle", timeout=60_000)
    finally:
        context.close()
    search = [path for path in fetched if _is_search_url(path)]
    out = {"typed_delay_ms": TYPING_DELAY_MS,
           "typed_ms": round(seen["shown"] - seen["last"], 1),
           # What the page fetched for search while the word was typed, as sent.
           "typed_bytes_sent": sum(sent_size(site, path) for path in search),
           "typed_index_bytes_sent": _index_bytes_sent(site, search)}
    if done:
        out["typed_complete_ms"] = round(seen["done"] - seen["last"], 1)
    return out


def _estimate_query(site: Path) -> dict[str, Any]:
    """Without a browser: the files a first query must fetch, sized from disk.

    Pagefind: per bundle its entry, metadata, wasm and one average index chunk, plus the
    loader, its worker and ``PAGEFIND_PAGE_SIZE`` average fragments. Material: the whole
    index and its worker.
    """
    total = 0
    bundles = _pagefind_bundles(site)
    for number, folder in enumerate(bundles):

        def sizes(pattern: str, folder: Path = folder) -> list[int]:
            return [p.stat().st_size for p in folder.glob(pattern) if p.is_file()]

        chunks = sizes("index/*.pf_index")
        wasm = [size for size in sizes("wasm.*.pagefind")] or [0]
        total += (sum(sizes("pagefind-entry.json")) + sum(sizes("pagefind.*.pf_meta"))
                  + max(wasm) + (int(statistics.mean(chunks)) if chunks else 0))
        if number == 0:
            fragments = sizes("fragment/*.pf_fragment")
            total += (sum(sizes("pagefind.js")) + sum(sizes("pagefind-worker.js"))
                      + (int(statistics.mean(fragments)) * PAGEFIND_PAGE_SIZE
                         if fragments else 0))
    index = site / "search" / "search_index.json"
    if index.is_file():
        workers = (site / "assets" / "javascripts" / "workers").glob("search*.js")
        total += index.stat().st_size + sum(p.stat().st_size for p in workers)
    return {"method": "estimate", "search_bytes": total}


# --- one size -----------------------------------------------------------------------------

def prepare_size(notes: int, seed: int = 42, root: Path = WORK) -> tuple[
        GeneratedVault, dict[str, Path], Path]:
    """Generate the vault for one size and write the site configurations beside it."""
    workdir = root / f"n{notes}"
    vault = generate_vault(workdir / "vault", notes, seed)
    configs = write_configs(workdir, vault.root, vault.index_notes["es"])
    return vault, configs, workdir


def run_size(notes: int, args: argparse.Namespace) -> dict[str, Any]:
    print(f"== {notes} notes", flush=True)
    vault, configs, workdir = prepare_size(notes, args.seed)
    vault_bytes, vault_files = _tree_bytes(vault.root)
    entry: dict[str, Any] = {
        "notes": vault.notes,
        "vault": {"path": str(vault.root.relative_to(REPO)), "bytes": vault_bytes,
                  "files": vault_files, "wiki_links": vault.links, "embeds": vault.embeds},
        "cases": {},
    }
    for case in args.cases:
        if case == "peer" and args.peer_max and notes > args.peer_max:
            entry["cases"][case] = asdict(CaseResult(
                case, "skipped", detail=f"above --peer-max {args.peer_max}"))
            print(f"   {case:6} skipped", flush=True)
            continue
        result = measure_case(case, configs, vault.root, workdir, timeout=args.timeout,
                              repeat=args.repeat, browser=not args.no_browser)
        entry["cases"][case] = asdict(result)
        wall = f"{result.wall_s:8.2f} s" if result.wall_s is not None else "       - "
        rss = f"{result.max_rss_mb:7.1f} MB" if result.max_rss_mb is not None else ""
        print(f"   {case:6} {result.status:8} {wall} {rss} {result.detail[:200]}", flush=True)
    entry["ratios"] = _size_ratios(entry["cases"])
    return entry


def _div(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return round(a / b, 3)


def _get(case: dict[str, Any] | None, *keys: str) -> Any:
    value: Any = case
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _size_ratios(cases: dict[str, Any]) -> dict[str, Any]:
    ratios: dict[str, Any] = {}
    glosa = cases.get("glosa")
    for other in ("plain", "peer"):
        base = cases.get(other)
        ratios[f"glosa/{other}"] = {
            "wall": _div(_get(glosa, "wall_s"), _get(base, "wall_s")),
            "rss": _div(_get(glosa, "max_rss_mb"), _get(base, "max_rss_mb")),
            "site_bytes": _div(_get(glosa, "site", "bytes"), _get(base, "site", "bytes")),
            "search_index_bytes": _div(_get(glosa, "site", "search_index_bytes"),
                                       _get(base, "site", "search_index_bytes")),
            "first_query_bytes": _div(_get(glosa, "search", "search_bytes"),
                                      _get(base, "search", "search_bytes")),
        }
    ratios["check/glosa_build"] = _div(_get(cases.get("check"), "wall_s"),
                                       _get(glosa, "wall_s"))
    ratios["check-warm/check"] = _div(_get(cases.get("check-warm"), "wall_s"),
                                      _get(cases.get("check"), "wall_s"))
    return ratios


def _scaling(sizes: list[dict[str, Any]]) -> dict[str, Any]:
    """time(N)/time(smallest N) per case, for every larger size measured."""
    if len(sizes) < 2:
        return {}
    ordered = sorted(sizes, key=lambda s: s["notes"])
    small = ordered[0]
    out: dict[str, Any] = {}
    for big in ordered[1:]:
        key = f"time({big['notes']})/time({small['notes']})"
        out[key] = {case: _div(_get(big["cases"].get(case), "wall_s"),
                               _get(small["cases"].get(case), "wall_s")) for case in CASES}
        out[key]["notes_ratio"] = round(big["notes"] / small["notes"], 3)
    return out


# --- environment --------------------------------------------------------------------------

def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine_info() -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    try:
        nproc = int(subprocess.run(["nproc"], capture_output=True, text=True,
                                   check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError, ValueError):
        nproc = os.cpu_count() or 0

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                                  check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    return {
        "nproc": nproc,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": git("rev-parse", "--short=12", "HEAD"),
        #: Uncommitted changes to the package or its templates at the time of the run.
        "uncommitted": [line[3:] for line in git("status", "--porcelain", "--",
                                                 "plugins", "templates").splitlines()],
        "plugin_present": (REPO / "plugins" / "glosa" / "adapter" / "plugin.py").is_file(),
        "versions": {name: _version(name) for name in (
            "glosa", "mkdocs", "mkdocs-material", "mkdocs-roamlinks-plugin", "pagefind",
            "pagefind_bin_extended", "pagefind_bin", "playwright")},
    }


# --- profile ------------------------------------------------------------------------------

def run_profile(notes: int, seed: int) -> dict[str, Any] | None:
    """Profile ``glosa check`` on the vault of one size (in a child process)."""
    vault = WORK / f"n{notes}" / "vault"
    if not vault.is_dir():
        generate_vault(vault, notes, seed)
    out = WORK / f"profile-{notes}.json"
    done = subprocess.run([sys.executable, "-m", "benchmarks.profile_check", str(vault),
                           "--json", str(out)], cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        return None
    data: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return data


# --- report -------------------------------------------------------------------------------

def _fmt(value: Any, unit: str = "", digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{unit}"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return f"{value}{unit}"


def _mb(value: Any) -> str:
    return "–" if value is None else f"{value / 1e6:,.2f}"


def _typed(search: dict[str, Any]) -> str:
    """The typed query's times: to the first results, then to the complete list."""
    shown = _fmt(search.get("typed_ms"), digits=0)
    if search.get("typed_complete_ms") is None:
        return shown
    return f"{shown} / {_fmt(search.get('typed_complete_ms'), digits=0)}"


def _kb(value: Any) -> str:
    return "–" if value is None else f"{value / 1e3:,.0f}"


def render_markdown(data: dict[str, Any], analysis: str) -> str:
    m = data["machine"]
    lines = [
        "# Benchmark results",
        "",
        "Generated by `python -m benchmarks.run` (see `benchmarks/run.py` for the method); raw "
        "figures in `benchmarks/results.json`.",
        "",
        f"- date: {data['date']}",
        f"- machine: {m['nproc']} CPUs (`nproc`), {m['memory_gib']} GiB memory, {m['cpu']}",
        f"- Python {m['python']} on {m['platform']}",
        f"- git commit: `{m['commit']}`"
        + (f" plus uncommitted changes to {len(m['uncommitted'])} file(s) of the package"
           if m.get("uncommitted") else ""),
        "- versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v),
        "",
        "Cases, all on the same generated vault per size: **plain** = MkDocs + Material, "
        "one-page `nav`, no glosa; **glosa** = `mkdocs build` with `plugins: [glosa]`; "
        "**glosa-1** = the same with `workers: 1` (pages built in one process); "
        "**peer** = MkDocs + Material + mkdocs-roamlinks-plugin, one-page `nav`; **check** = "
        "`glosa check`. Wall time, CPU time (user + system) and peak RSS of the whole "
        "command (fresh process, interpreter start-up included, process tree included). "
        "*Site* = bytes of all files of the built site. *Search index* = Pagefind's folder "
        "(every language) and/or Material's `search/search_index.json`. *First query* = "
        "bytes of search files Chromium fetched from opening the start page to seeing the "
        "first results for a word every note contains, typed into the site's own search box "
        "(Pagefind's files; Material's index, worker and lunr); *query* = milliseconds from "
        "pasting the word into the box to results; *typed* = milliseconds from the last "
        "keystroke to results (and to the complete list, where the box says) when the word "
        "is typed into a fresh page at one key every "
        f"{TYPING_DELAY_MS} ms. *Load* = the machine's one-minute load average when the "
        "command started: above 2 on this 2-CPU machine, other work was competing and wall "
        "times are inflated (CPU time less so).",
        "",
        "| notes | case | status | wall (s) | CPU (s) | peak RSS (MB) | site (MB) | files | "
        "search index (MB) | first query (kB) | query (ms) | typed (ms) | load |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in data["sizes"]:
        for case in CASES:
            c = size["cases"].get(case)
            if c is None:
                continue
            site = c.get("site") or {}
            search = c.get("search") or {}
            method = search.get("method")
            first = _kb(search.get("search_bytes"))
            loads = [r["load1"] for r in c.get("runs", []) if r.get("load1", -1) >= 0]
            load = f"{max(loads):.1f}" if loads else "–"
            if method == "estimate":
                first += " (est.)"
            lines.append(
                f"| {size['notes']:,} | {case} | {c['status']} | {_fmt(c['wall_s'])} | "
                f"{_fmt(c.get('cpu_s'))} | {_fmt(c['max_rss_mb'], digits=0)} | "
                f"{_mb(site.get('bytes'))} | {_fmt(site.get('files'))} | "
                f"{_mb(site.get('search_index_bytes'))} | {first} | "
                f"{_fmt(search.get('query_ms'), digits=0)} | {_typed(search)} | {load} |")
    lines += ["", "Vaults: " + "; ".join(
        f"{s['notes']:,} notes, {s['vault']['bytes'] / 1e6:,.1f} MB, "
        f"{s['vault']['wiki_links']:,} wiki-links, {s['vault']['embeds']:,} embeds"
        for s in data["sizes"]) + "."]
    failures = [(s["notes"], c) for s in data["sizes"] for c in s["cases"].values()
                if c["status"] != "ok" and c.get("detail")]
    if failures:
        lines += ["", "Not measured:", ""]
        for notes, c in failures:
            detail = " ".join(str(c["detail"]).split())[:300]
            lines.append(f"- {notes:,} notes, {c['case']}: {c['status']}, {detail}")
    lines += ["", "## Ratios", "",
              "| notes | ratio | wall | peak RSS | site size | search index | first query |",
              "|---:|---|---:|---:|---:|---:|---:|"]
    for size in data["sizes"]:
        for key in ("glosa/plain", "glosa/peer"):
            r = size["ratios"][key]
            lines.append(f"| {size['notes']:,} | {key} | {_fmt(r['wall'])} | {_fmt(r['rss'])} "
                         f"| {_fmt(r['site_bytes'])} | {_fmt(r['search_index_bytes'])} | "
                         f"{_fmt(r['first_query_bytes'])} |")
    lines += ["", "| notes | check / glosa build (wall) |", "|---:|---:|"]
    for size in data["sizes"]:
        lines.append(f"| {size['notes']:,} | {_fmt(size['ratios']['check/glosa_build'], digits=3)}"
                     " |")
    if data.get("scaling"):
        lines += ["", "Scaling (wall time of the larger size over the smaller):", "",
                  "| ratio | notes | " + " | ".join(CASES) + " |",
                  "|---|---:|" + "---:|" * len(CASES)]
        for key, row in data["scaling"].items():
            lines.append(f"| {key} | {_fmt(row['notes_ratio'])} | "
                         + " | ".join(_fmt(row.get(c)) for c in CASES) + " |")
    profile = data.get("profile")
    lines += ["", "## Profile", ""]
    if profile:
        phases = profile["phases"]
        lines += [
            f"`glosa check` on {profile['notes']:,} notes, in process (no interpreter "
            f"start-up), best of {profile['repeat']}: total {phases['total']:.2f} s = walk "
            f"{phases['walk']:.2f} s + read and parse {phases['parse']:.2f} s + index "
            f"{phases['index']:.2f} s + checks {phases['check']:.2f} s + report "
            f"{phases['report']:.2f} s. Import of the package: {phases['import']:.2f} s. "
            "These phases run in one process; the command itself splits the vault between "
            "two processes where it can fork: "
            f"{phases.get('split_total', float('nan')):.2f} s in process.",
            "",
            "Top functions by own time under cProfile (profiling slows the run; compare "
            "shares, not seconds):",
            "",
            "| own time (s) | cumulative (s) | calls | function |",
            "|---:|---:|---:|---|",
        ]
        for row in profile["top"]:
            lines.append(f"| {row['tottime']:.3f} | {row['cumtime']:.3f} | {row['ncalls']:,} "
                         f"| `{row['function']}` |")
    else:
        lines.append("(not run)")
    lines += ["", ANALYSIS_START, analysis.strip(), ANALYSIS_END, ""]
    return "\n".join(lines)


def _existing_analysis() -> str:
    try:
        text = RESULTS_MD.read_text("utf-8")
    except OSError:
        return ""
    if ANALYSIS_START in text and ANALYSIS_END in text:
        return text.split(ANALYSIS_START, 1)[1].split(ANALYSIS_END, 1)[0]
    return ""


# --- command line -------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark glosa against plain MkDocs and a "
                                                 "peer stack on generated vaults.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000],
                        help="vault sizes in notes (default: 1000 5000)")
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=1, help="runs per case (best kept)")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds before one build is stopped (default 900)")
    parser.add_argument("--peer-max", type=int, default=5000,
                        help="skip the peer stack above this many notes (default 5000: its "
                             "link resolution walks the whole docs folder for every link, "
                             "so its time grows with the square of the size; 0: never skip)")
    parser.add_argument("--no-browser", action="store_true",
                        help="estimate first-query bytes from the files instead of Chromium")
    parser.add_argument("--profile-size", type=int, default=None,
                        help="profile glosa check at this size (default: the largest; 0: no)")
    parser.add_argument("--output", type=Path, default=None,
                        help="write results here instead of benchmarks/RESULTS.md and "
                             "results.json (a folder)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    data: dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine_info(),
        "settings": {"seed": args.seed, "repeat": args.repeat, "timeout_s": args.timeout,
                     "peer_max": args.peer_max, "cases": args.cases},
        "sizes": [],
    }
    for notes in sorted(set(args.sizes)):
        data["sizes"].append(run_size(notes, args))
    data["scaling"] = _scaling(data["sizes"])
    profile_size = max(args.sizes) if args.profile_size is None else args.profile_size
    if profile_size:
        print(f"== profile of glosa check on {profile_size} notes", flush=True)
        data["profile"] = run_profile(profile_size, args.seed)
    data["elapsed_s"] = round(time.perf_counter() - started, 1)

    md_path, json_path = RESULTS_MD, RESULTS_JSON
    if args.output is not None:
        args.output.mkdir(parents=True, exist_ok=True)
        md_path, json_path = args.output / "RESULTS.md", args.output / "results.json"
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    md_path.write_text(render_markdown(data, _existing_analysis()), "utf-8")
    print(f"wrote {md_path.relative_to(REPO) if md_path.is_relative_to(REPO) else md_path} "
          f"in {data['elapsed_s']} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
