"""End-to-end fixtures: the bundled glossary built once, served on 127.0.0.1, and Debian's
Chromium driven by Playwright (never a downloaded browser).

Every page a test opens through ``open_page`` is watched: a console error, an uncaught
exception or a request that leaves the local server fails the test that made it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from ..conftest import REPO

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CACHE = REPO / "tests" / ".cache"
AXE_SCRIPT = CACHE / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def chromium_path() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail("Chromium is missing: the browser tests drive Debian's chromium "
                "(/usr/bin/chromium). Run `python tests/prepare.py` (it installs it with "
                "apt-get), then run the tests again.", pytrace=False)


# ---------------------------------------------------------------- the built site


def build_site(config: Path, site: Path, *,
               cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``mkdocs build -q`` of ``config`` into ``site``, in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
        cwd=cwd, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True,
        text=True, timeout=300, check=False)


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled glossary (mkdocs.yml at the repository root), built once."""
    site = tmp_path_factory.mktemp("bundled-site") / "site"
    done = build_site(REPO / "mkdocs.yml", site, cwd=REPO)
    if done.returncode != 0 or not (site / "index.html").is_file():
        pytest.fail(f"mkdocs build of the bundled glossary failed:\n{done.stdout}\n"
                    f"{done.stderr}", pytrace=False)
    return site


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """A missing page answers with the site's 404.html, as static hosts do."""
        page = Path(str(self.directory)) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """``folder`` served by a static file server on a free port of 127.0.0.1 (missing
    pages answer with its 404.html); yields the server's root URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    """The bundled site, served on 127.0.0.1."""
    with serve_folder(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


# ---------------------------------------------------------------- watched pages


@dataclass
class Watch:
    """What the pages of one test did that they should not have."""

    origin: str
    requests: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        def on_request(request: Any) -> None:
            self.requests.append(request.url)
            if not (request.url.startswith(self.origin) or request.url.startswith("data:")
                    or request.url.startswith("blob:")):
                self.external.append(request.url)

        def on_console(message: Any) -> None:
            if message.type == "error":
                location = message.location.get("url", "") if message.location else ""
                self.console_errors.append(f"{page.url}: {message.text} ({location})")

        page.on("request", on_request)
        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"{page.url}: {exc}"))

    def check(self) -> None:
        assert not self.external, f"requests left 127.0.0.1: {sorted(set(self.external))}"
        assert not self.console_errors, "console errors:\n" + "\n".join(self.console_errors)


OpenPage = Callable[..., Any]


@pytest.fixture
def watch(base_url: str) -> Watch:
    return Watch(base_url.rstrip("/"))


@pytest.fixture
def open_page(browser: Any, base_url: str, watch: Watch) -> Iterator[OpenPage]:
    """``open_page(path="", phone=False, dark=False)``: a new watched page, at ``path`` if
    given; ``dark``: the reader's system prefers a dark colour scheme."""
    contexts: list[Any] = []

    def factory(path: str | None = None, *, phone: bool = False, dark: bool = False) -> Any:
        context = browser.new_context(**(PHONE if phone else DESKTOP), locale="es-ES",
                                      service_workers="block",
                                      color_scheme="dark" if dark else "light")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watch.attach(page)
        if path is not None:
            goto(page, base_url, path)
        return page

    yield factory
    for context in contexts:
        context.close()
    watch.check()


def goto(page: Any, base_url: str, path: str) -> Any:
    """Open a site path (unquoted, as on disk: "es/az/") or a full URL; require a 200."""
    url = path if path.startswith("http") else base_url + quote(path)
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, (url, response and response.status)
    return response


# ---------------------------------------------------------------- the site's pages


def page_path(url: str) -> str:
    """The unquoted site path of a URL ("es/az/"), without query or fragment."""
    return unquote(urlsplit(url).path).lstrip("/")


def disk_file(site: Path, url: str) -> Path:
    path = page_path(url)
    return site / (path + "index.html" if path == "" or path.endswith("/") else path)


def soup_of(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup(disk_file(site, path).read_text(encoding="utf-8"), "html.parser")


def home_path(site: Path, lang: str) -> str:
    """A language's home, as the landing page (site/index.html) links it."""
    link = soup_of(site, "").select_one(f".glosa-landing a[hreflang={lang}]")
    assert link is not None, f"the landing page does not link the {lang} home"
    return unquote(str(link["href"]))


def note_path(site: Path, lang: str, title: str) -> str:
    """The site path of the note page whose H1 is ``title``."""
    for html in sorted((site / lang).rglob("index.html")):
        text = html.read_text(encoding="utf-8")
        if 'class="glosa-term"' in text and re.search(
                rf'<h1 id="[^"]*">{re.escape(title)}<a class="headerlink"', text):
            return html.parent.relative_to(site).as_posix() + "/"
    raise AssertionError(f"no {lang} note titled {title!r} in the built site")


def screenshot(page: Any, name: str, *, full_page: bool = False) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=full_page)
    return target
