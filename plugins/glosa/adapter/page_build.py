"""Pages written from glosa's persistent cache when nothing they show changed (adapter).

Material's page template is the largest part of a build (a profile of a 1,000-note site
put it at four tenths). A page's output is a function of what the template is given: the
page (its HTML, table of contents, metadata, address, neighbours), the navigation, the
site's settings, the theme's files, and the values plugins add to the context. glosa's
own page template (``glosa-page.html``) hands that context to :meth:`PageCache.render`,
which hashes it and, when the hash names a page written by an earlier build whose bytes
still check out, returns those bytes instead of rendering ``main.html``.

Where the bytes live: MkDocs empties ``site_dir`` at the start of every build, so each
written page is also kept in ``<cache>/pages/<hash>.html`` (a hard link to the page in
``site_dir`` where the two folders share a file system, else a copy). The list of those
files with their size and SHA-256 is a :class:`~glosa.cache.CacheStore` entry, made under
a key that covers glosa's, MkDocs' and Material's versions, the settings and the theme's
templates; a page file whose bytes no longer match (edited in ``site_dir`` through the
link, truncated, damaged) is not used. Files no build uses any more are removed when a
build ends.

Not cached: pages when another plugin changes pages after their template
(``on_post_page``: the kept bytes would go through it twice), and a page whose context
holds a value this module does not know how to hash (then it is rendered as usual).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import posixpath
import re
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgpack  # type: ignore[import-untyped]  # msgpack ships no type hints
from jinja2 import Environment, FileSystemBytecodeCache, pass_context
from jinja2.bccache import Bucket
from jinja2.runtime import Context
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from ..cache import CacheStore, kept_file_unchanged, link_kept_file
from ..site.listing_cache import KeptListings
from ..site.old_output import ReusedOutput

__all__ = ["PAGE_TEMPLATE", "PageCache", "TemplateCache", "nav_digest"]

log = get_plugin_logger(__name__)

#: The template glosa's pages are built with when the cache is on (it calls back here).
PAGE_TEMPLATE = "glosa-page.html"
_MAIN_TEMPLATE = "main.html"
_ENTRY = "pages"
_SETTLED = "settled"
_LISTINGS = "listings"
#: A page hash (the name of a kept page file): never another value from the cache's list.
_PAGE_HASH = re.compile(r"[0-9a-f]{40}")
#: Context values that are the same for every page of a build: hashed once (config, nav)
#: or not shown by a page template (build_date_utc is used by sitemap.xml only);
#: glosa_nav_cache is the sidebar memo, whose content follows from glosa_nav_key.
_BUILD_WIDE = frozenset({"config", "nav", "pages", "build_date_utc", "mkdocs_version",
                         "glosa_page", "glosa_nav_cache"})


class _Unhashable(Exception):
    """A context value this module cannot reduce to bytes: the page is rendered."""


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    from .. import __version__

    found = {"glosa": __version__}
    for package in ("mkdocs", "mkdocs-material", "jinja2", "markupsafe"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "?"
    return found


def _theme_digest(dirs: list[str]) -> str:
    """The theme's template folders by content, except installed Material (its version is
    part of the key; hashing its thousands of icons every build would cost more)."""
    import material  # type: ignore[import-untyped]  # Material ships no type hints

    material_dir = Path(material.__file__).resolve().parent
    digest = hashlib.sha256()
    for folder in dirs:
        root = Path(folder).resolve()
        digest.update(b"\0dir\0" + str(root).encode("utf-8", "surrogateescape"))
        if root.is_relative_to(material_dir):
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(dirpath) / name
                rel = path.relative_to(root).as_posix()
                digest.update(b"\0file\0" + rel.encode("utf-8", "surrogateescape") + b"\0")
                try:
                    digest.update(path.read_bytes())
                except OSError:
                    digest.update(b"\0unreadable")
    return digest.hexdigest()


def _plain(value: Any, depth: int = 0) -> Any:
    """The settings as plain data for the cache key. An object without a stable form
    (its repr names a memory address) counts by its type only: a key that misses a
    change there is what a build-wide setting object would risk, which glosa's own
    settings are not."""
    if depth > 12:
        return "…"
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v, depth + 1) for k, v in value.items()
                if not str(k).startswith("_")}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v, depth + 1) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    config = getattr(value, "config", None)
    if isinstance(config, Mapping):  # a plugin: its options
        return {"plugin": type(value).__qualname__, "config": _plain(config, depth + 1)}
    if hasattr(value, "items") and callable(value.items):
        return _plain(dict(value.items()), depth + 1)
    text = str(value)
    return type(value).__qualname__ if " at 0x" in text else text


class _Hasher:
    """Hashes values with their type, so no two different values hash alike.

    The values are gathered and packed at once by msgpack, which walks the plain data a
    page's context is mostly made of (dicts, lists, strings, numbers, ``Markup``) in C;
    only the other objects come back here (:meth:`_plain`), as plain data or as
    :class:`_Unhashable`. (A walk in Python over the few hundred values of each page took
    a tenth of a cold build.) A dict is packed in its own order: one built in another
    order counts as changed, and the page is rendered again."""

    def __init__(self, nav_digest: bytes) -> None:
        self.nav_digest = nav_digest
        self._values: list[Any] = []

    def feed(self, value: Any) -> None:
        self._values.append(value)

    def _plain(self, value: Any) -> Any:
        if isinstance(value, (_dt.date, _dt.datetime)):
            return "date:" + value.isoformat()
        if isinstance(value, Page):
            return self._page(value)
        if isinstance(value, Navigation):
            return ["nav", self.nav_digest]
        if isinstance(value, File):
            return ["file", value.src_uri, value.dest_uri, value.url]
        if isinstance(value, (AnchorLink, TableOfContents)):
            return _toc(value)
        if isinstance(value, (Section, Link)):
            return _nav_item(value)
        if isinstance(value, Mapping):
            return ["mapping", dict(value.items())]
        if type(value).__name__ == "ExtraScriptValue":
            return ["script", str(value), getattr(value, "type", ""),
                    bool(getattr(value, "async_", False)),
                    bool(getattr(value, "defer", False))]
        raise _Unhashable(type(value).__qualname__)

    @staticmethod
    def _page(page: Page) -> Any:
        def near(other: Page | None) -> Any:
            return None if other is None else [str(other.title), other.url]

        return ["page", page.url, page.file.src_uri, page.file.dest_uri,
                str(page.title) if page.title is not None else None, page.content,
                page.meta, page.canonical_url, page.edit_url, page.abs_url,
                page.is_homepage, near(page.previous_page), near(page.next_page),
                [_nav_title(item) for item in page.ancestors], _toc(page.toc)]

    def digest(self) -> bytes:
        """The digest of every value fed; :class:`_Unhashable` when one cannot be."""
        values, self._values = self._values, []
        try:
            data = msgpack.packb(values, default=self._plain, use_bin_type=True,
                                 unicode_errors="surrogatepass")
        except (TypeError, ValueError, OverflowError) as exc:
            raise _Unhashable(type(exc).__name__) from None
        return hashlib.blake2b(data, digest_size=20).digest()

    def hexdigest(self) -> str:
        return self.digest().hex()


def _toc(item: AnchorLink | TableOfContents) -> Any:
    if isinstance(item, TableOfContents):
        return ["toc", [_toc(child) for child in item.items]]
    return ["a", item.title, item.id, item.level, [_toc(child) for child in item.children]]


def _nav_title(item: Any) -> Any:
    return [type(item).__name__, str(getattr(item, "title", "") or "")]


def _nav_item(item: Any) -> Any:
    if isinstance(item, Section):
        return ["section", str(item.title), [_nav_item(child) for child in item.children]]
    if isinstance(item, Page):
        return ["page", str(item.title), item.url, item.file.src_uri]
    return ["link", str(getattr(item, "title", "")), str(getattr(item, "url", ""))]


def nav_digest(nav: Any) -> bytes:
    hasher = _Hasher(b"")
    hasher.feed(["nav", [_nav_item(item) for item in getattr(nav, "items", [])],
                 getattr(getattr(nav, "homepage", None), "url", None)])
    return hasher.digest()


def _encode(output: str) -> bytes:
    # As MkDocs writes a page (mkdocs.commands.build._build_page).
    return output.encode("utf-8", errors="xmlcharrefreplace")


class PageCache:
    """The page cache of one build, in the cache folder ``root``."""

    def __init__(self, root: Path, config: MkDocsConfig) -> None:
        self.root = root
        self.pages_dir = root / "pages"
        self.site_dir = Path(config.site_dir)
        #: Pages taken from the cache and pages rendered, by source path (this build).
        self.hits: set[str] = set()
        self.rendered: set[str] = set()
        self._store: CacheStore | None = None
        self._known: dict[str, list[Any]] = {}
        self._nav_digest: bytes | None = None
        # page hash -> (site file, size, sha256) of the pages this build writes or reuses.
        self._used: dict[str, tuple[str, int, str]] = {}
        self._fresh: set[str] = set()
        #: Pages of this build whose file was linked in from the cache (settled_pages.py):
        #: their page hashes, and their source paths.
        self._linked: set[str] = set()
        self.taken_whole: set[str] = set()
        self._made_dirs: set[str] = set()
        #: The previous output, put back in site_dir to be written over (old_output.py).
        self.reused: ReusedOutput | None = None
        #: Kept pages no page uses any more, removed by :meth:`remove_unused`.
        self._unused: list[Path] = []
        #: The page hash of every page written this build, by source path.
        self.page_hashes: dict[str, str] = {}
        #: The settled-page entries to keep, by source path: the page hash, the entry
        #: (settled_pages.py).
        self.settled: dict[str, tuple[str, bytes]] = {}
        #: The generated pages' listings, kept by what their templates are given.
        self.listings = KeptListings()
        self._on = True

    @staticmethod
    def usable(config: MkDocsConfig, own: object = None) -> bool:
        """False when another plugin (than ``own``) changes pages after their template."""
        return all(getattr(handler, "__self__", None) is own
                   for handler in config.plugins.events.get("post_page", ()))

    def begin(self, config: MkDocsConfig) -> None:
        """Open the store once every plugin has finished changing the settings."""
        if self._store is None and self._on:
            self._start(config)

    def _start(self, config: MkDocsConfig) -> None:
        """The store, under a key of everything every page depends on alike (read once
        every plugin has finished changing the settings)."""
        key = {"use": "pages", "versions": _versions(),
               "config": _plain({k: v for k, v in config.items() if k != "plugins"}),
               "plugins": _plain(dict(config.plugins.items())),
               "theme": _theme_digest([str(d) for d in config.theme.dirs])}
        self._store = CacheStore(self.root, key=key)
        listings = self._store.load(_LISTINGS)
        self.listings = KeptListings(listings if isinstance(listings, dict) else None)
        known = self._store.load(_ENTRY)
        if isinstance(known, dict):
            self._known = {k: v for k, v in known.items() if isinstance(k, str)
                           and _PAGE_HASH.fullmatch(k) and isinstance(v, list)
                           and len(v) in (2, 3)}

    def settled_entries(self) -> dict[str, bytes]:
        """The settled-page entries the earlier build kept (settled_pages.py)."""
        if self._store is None:
            return {}
        loaded = self._store.load(_SETTLED)
        if not isinstance(loaded, dict):
            return {}
        return {k: v for k, v in loaded.items() if isinstance(k, str) and isinstance(v, bytes)}

    def page_file_ok(self, key: str) -> bool:
        """Whether the kept page ``key`` is there with the bytes it was kept with: by its
        size and modification time as recorded (a change through a hard link from
        ``site_dir`` changes both), else by its SHA-256."""
        known = self._known.get(key)
        if known is None:
            return False
        if len(known) == 3 and kept_file_unchanged(self.pages_dir / f"{key}.html",
                                                   known[0], known[2]):
            return True
        return self._restore(key) is not None

    def link_settled(self, src: str, key: str, dest: str) -> bool:
        """Put the kept page ``key`` at ``dest`` in ``site_dir`` (a hard link, else a
        copy), for the page of ``src``; False when it cannot be."""
        known = self._known.get(key)
        if known is None:
            return False
        target = self.site_dir / dest
        folder = posixpath.dirname(dest)
        source = self.pages_dir / f"{key}.html"
        try:
            if self.reused is None or not self.reused.holds(target, source):
                # (Else the previous output's link to the kept file is still there.)
                if folder not in self._made_dirs:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    self._made_dirs.add(folder)
                link_kept_file(source, target)
        except OSError as exc:
            log.debug("page cache: cannot link %s (%s)", target, exc)
            return False
        self._used[key] = (dest, int(known[0]), str(known[1]))
        self._linked.add(key)
        self.taken_whole.add(src)
        self.page_hashes[src] = key
        self.hits.add(src)
        return True

    def _key(self, values: Mapping[str, Any], env: Environment) -> str | None:
        nav = values.get("nav")
        if self._nav_digest is None:
            self._nav_digest = nav_digest(nav)
        hasher = _Hasher(self._nav_digest)
        try:
            for name in sorted(values):
                value = values[name]
                if name in _BUILD_WIDE or (name in env.globals and env.globals[name] is value):
                    continue
                hasher.feed(name)
                hasher.feed(value)
            return hasher.hexdigest()
        except _Unhashable as exc:
            log.debug("page cache: %s: a context value of type %s; rendered",
                      getattr(values.get("page"), "url", "?"), exc)
            return None

    def _restore(self, key: str) -> str | None:
        known = self._known.get(key)
        if known is None:
            return None
        size, digest = known[0], known[1]
        try:
            data = (self.pages_dir / f"{key}.html").read_bytes()
        except OSError:
            return None
        if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
            log.info("page cache: %s is damaged or was changed; rendering the page again",
                     self.pages_dir / f"{key}.html")
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    @pass_context
    def render(self, context: Context) -> Markup:
        """The page's HTML: from the cache when its context is one already rendered, else
        ``main.html`` rendered (and kept for the next build)."""
        values = context.get_all()
        env = context.environment
        page = values["page"]
        config = values["config"]
        if self._store is None and self._on:
            self._start(config)
        key = self._key(values, env) if self._on else None
        if key is not None:
            self.page_hashes[page.file.src_uri] = key
            cached = self._restore(key)
            if cached is not None:
                data = _encode(cached)
                self._used[key] = (page.file.dest_uri, len(data), self._known[key][1])
                self.hits.add(page.file.src_uri)
                return Markup(cached)  # a page this build's template wrote
        output = env.get_template(_MAIN_TEMPLATE).render(values)
        self.rendered.add(page.file.src_uri)
        if key is not None:
            data = _encode(output)
            self._used[key] = (page.file.dest_uri, len(data), hashlib.sha256(data).hexdigest())
            self._fresh.add(key)
        return Markup(output)  # the theme's own output

    def state(self) -> dict[str, Any]:
        """What this build's pages did, for another process of the build to take in."""
        return {"hits": sorted(self.hits), "rendered": sorted(self.rendered),
                "used": dict(self._used), "fresh": sorted(self._fresh),
                "linked": sorted(self._linked), "whole": sorted(self.taken_whole),
                "hashes": dict(self.page_hashes),
                "settled": dict(self.settled), "listings": dict(self.listings.used)}

    def absorb(self, state: dict[str, Any], config: MkDocsConfig) -> None:
        """Take in what another process of this build did with its pages (written to
        ``site_dir`` by it, kept by :meth:`finish` here)."""
        if self._store is None and self._on:
            self._start(config)
        self.hits.update(state["hits"])
        self.rendered.update(state["rendered"])
        self._used.update(state["used"])
        self._fresh.update(state["fresh"])
        self._linked.update(state["linked"])
        self.taken_whole.update(state["whole"])
        self.page_hashes.update(state["hashes"])
        self.settled.update(state["settled"])
        self.listings.used.update(state["listings"])

    def finish(self) -> None:
        """Keep the pages this build wrote, record them, and remove the pages of earlier
        builds that no page uses any more."""
        if self._store is None:
            return
        log.info("cache: %d pages from the cache (%d taken whole), %d rendered",
                 len(self.hits), len(self.taken_whole), len(self.rendered))
        try:
            self._store.prepare()
            self.pages_dir.mkdir(exist_ok=True)
        except OSError as exc:
            log.info("page cache: cannot create %s (%s)", self.pages_dir, exc)
            return
        kept: dict[str, list[Any]] = {}
        for key, (dest, size, digest) in self._used.items():
            if key in self._linked and key not in self._fresh:
                kept[key] = self._known[key]  # the kept file itself is in site_dir
                continue
            # A page taken from the cache is linked again too (MkDocs wrote a new file):
            # one copy of it on disk, not two.
            fresh = key in self._fresh
            if not self._keep(self.site_dir / dest, key, copy=fresh) and fresh:
                continue
            try:
                mtime = os.stat(self.pages_dir / f"{key}.html").st_mtime_ns
            except OSError:
                continue
            kept[key] = [size, digest, mtime]
        self._store.save(_ENTRY, kept)
        self._store.save(_SETTLED, {src: entry for src, (key, entry) in self.settled.items()
                                    if key in kept})
        if self.listings.changed():
            self._store.save(_LISTINGS, self.listings.used)
        try:
            names = os.listdir(self.pages_dir)
        except OSError:
            return
        self._unused = [self.pages_dir / name for name in names
                        if name.endswith(".html") and name[:-5] not in kept]

    def remove_unused(self) -> None:
        """Remove the kept pages of earlier builds that no page of this one uses."""
        unused, self._unused = self._unused, []
        for path in unused:
            try:
                path.unlink()
            except OSError:
                pass

    def _keep(self, page_file: Path, key: str, *, copy: bool = True) -> bool:
        """``page_file`` as ``pages/<key>.html``, replaced atomically: a hard link where
        the file system allows it (no second copy of every page), else a copy (unless
        ``copy`` is false)."""
        target = self.pages_dir / f"{key}.html"
        try:
            # A link is made whole or not at all: where no kept page has this name yet
            # (every page of a first build), one call, without a temporary name.
            os.link(page_file, target)
            return True
        except OSError:
            pass
        temporary = self.pages_dir / f".glosa-{secrets.token_hex(8)}.tmp"
        try:
            try:
                os.link(page_file, temporary)
            except OSError:
                if not copy:
                    return False
                shutil.copyfile(page_file, temporary)
            os.replace(temporary, target)
        except OSError as exc:
            log.debug("page cache: cannot keep %s (%s)", page_file, exc)
            try:
                temporary.unlink()
            except OSError:
                pass
            return False
        return True


class TemplateCache(FileSystemBytecodeCache):
    """The theme's templates compiled by an earlier build (Jinja's bytecode cache, keyed by
    each template's source): a build whose pages all come from the page cache still
    compiled Material's templates for its 404 page, and every page process compiled them
    again. A damaged file is compiled again, never an error."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        super().__init__(str(folder))

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a truncated or foreign file: marshal's own errors vary
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass  # a cache that cannot be written is one that is not kept
