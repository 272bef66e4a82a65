"""Parts of the page template rendered once per folder depth and language (adapter).

Material renders its whole ``base.html`` for every page. Some of it is the same for every
page whose address is as deep and which is in the same language: the ``__config`` script
(the site's features, the interface text, the search worker's address, all relative to
``base_url``), the scripts and the stylesheets at the end and start of the page, most of
the header (logo, menu button, site name, colour toggle, search box), and each interface
text ``lang.t(key)`` (Material's language files build a dict of a hundred entries on
every call, fifteen calls a page). At 10,000 notes these took about a twentieth of a
build's CPU, the same work ten thousand times.

:class:`TemplateMemo` keeps each such part the first time a page renders it, under the
values it depends on, and hands the same text to the next page with those values: a page
is the same bytes whether its part was rendered for it or reused (the whole-site tests
build with and without the memo and compare every file). A page inside a folder the parts
link into (``assets``, the folder of a site script) renders its own: MkDocs shortens the
address of a file in a folder the page shares. glosa's ``main.html``,
``partials/header.html`` and ``partials/language.html`` call it; a theme folder
(``custom_dir``) that overrides one of the partials those parts include turns it off, as
that partial might read the page.

Why by hand: Jinja caches compiled templates, not rendered output, and a fragment cache
extension would key on names written into every template, not on what the part reads.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["MEMO_PARTIALS", "TemplateMemo", "linked_heads", "memo_allowed"]

#: Partials rendered inside the kept parts: a site's own copy of one may read the page.
MEMO_PARTIALS = ("partials/icons.html", "partials/language.html", "partials/languages",
                 "partials/javascripts", "partials/logo.html", "partials/palette.html",
                 "partials/source.html")


def memo_allowed(custom_dir: str | None) -> bool:
    """False when the site's theme folder overrides a partial the kept parts include."""
    if not custom_dir:
        return True
    root = Path(custom_dir)
    return not any((root / name).exists() for name in MEMO_PARTIALS)


def linked_heads(addresses: Iterable[str]) -> set[str]:
    """The first folder of each site address among ``addresses`` (``assets`` always: the
    theme's files); an address with a scheme or from the root of the host links nowhere
    relative."""
    heads = {"assets"}
    for address in addresses:
        if not address:
            heads.add("")  # the site's root: its pages at the top are left out
            continue
        # Read as MkDocs' `normalize_url` reads it: an address with a scheme or a host, or
        # from the root, is left as it is; `./js/x.js` is `js/x.js`; the `../` it counts
        # off the front go back in front of the address made relative to the page.
        address = address.replace("\\", "/")
        parts = urlsplit(address)
        if parts.scheme or parts.netloc or address.startswith(("/", "#")):
            continue
        path = posixpath.normpath(parts.path)
        while path.startswith("../"):
            path = path[3:]
        heads.add(path.split("/", 1)[0])
    return heads


class TemplateMemo:
    """Rendered parts of the page template, by what they depend on (one per build).

    ``linked_heads``: the first folders of the addresses the kept parts link to (the
    theme's ``assets``, the site's own scripts, stylesheets, logo and home). From a page in
    another first folder, each of those addresses is ``base_url`` followed by the address,
    whatever the rest of the page's path; from a page inside one of them it is shorter
    (MkDocs leaves out the folders both share), so such a page renders its own parts.
    """

    def __init__(self, *, enabled: bool = True, linked_heads: Iterable[str] = ()) -> None:
        self.enabled = enabled
        self.linked_heads = frozenset(linked_heads)
        self._blocks: dict[tuple[str, str, str], Any] = {}
        self._texts: dict[tuple[str, str], Any] = {}
        #: Parts rendered and parts reused, for tests.
        self.rendered = 0
        self.reused = 0

    def block(self, name: str, page: Any, base_url: Any, render: Callable[[], Any]) -> Any:
        """A template part (``render`` renders it: a block's ``super``, a macro) that reads
        only the settings, the page's language and, through ``base_url`` and the ``url``
        filter, how deep the page's address is."""
        url = getattr(page, "url", None)
        meta = getattr(page, "meta", None)
        if not (self.enabled and isinstance(url, str) and isinstance(meta, Mapping)
                and url.split("/", 1)[0] not in self.linked_heads):
            return render()
        key = (name, str(base_url), str(meta.get("glosa_lang") or ""))
        found = self._blocks.get(key)
        if found is not None:
            self.reused += 1
            return found
        self.rendered += 1
        found = self._blocks[key] = render()
        return found

    def text(self, lang: Any, key: str, *lookups: Callable[[str], Any]) -> Any:
        """An interface text: the first of ``lookups`` (the page language's table, then
        the fallback's) that has ``key``, else the key itself."""
        memo_key = (str(lang), key)
        if self.enabled:
            found = self._texts.get(memo_key)
            if found is not None:
                return found
        value: Any = key
        for lookup in lookups:
            candidate = lookup(key)
            if candidate:
                value = candidate
                break
        if self.enabled:
            self._texts[memo_key] = value
        return value
