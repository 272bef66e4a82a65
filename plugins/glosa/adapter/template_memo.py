"""Parts of the page template rendered once per folder depth and language (adapter).

Material renders its whole ``base.html`` for every page. Some of it is the same for every
page whose address is as deep and which is in the same language: the ``__config`` script
(the site's features, the interface text, the search worker's address, all relative to
``base_url``), the scripts and the stylesheets at the end and start of the page, and each
interface text ``lang.t(key)`` (Material's language files build a dict of a hundred
entries on every call, fifteen calls a page). At 10,000 notes these took about a twentieth
of a build's CPU, the same work ten thousand times.

:class:`TemplateMemo` keeps each such part the first time a page renders it, under the
values it depends on, and hands the same text to the next page with those values: a page
is the same bytes whether its part was rendered for it or reused (the whole-site tests
build with and without the memo and compare every file). glosa's ``main.html`` and
``partials/language.html`` call it; a theme folder (``custom_dir``) that overrides one of
the partials those parts include turns it off, as that partial might read the page.

Why by hand: Jinja caches compiled templates, not rendered output, and a fragment cache
extension would key on names written into every template, not on what the part reads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["MEMO_PARTIALS", "TemplateMemo", "memo_allowed"]

#: Partials rendered inside the kept parts: a site's own copy of one may read the page.
MEMO_PARTIALS = ("partials/icons.html", "partials/language.html",
                 "partials/languages", "partials/javascripts")


def memo_allowed(custom_dir: str | None) -> bool:
    """False when the site's theme folder overrides a partial the kept parts include."""
    if not custom_dir:
        return True
    root = Path(custom_dir)
    return not any((root / name).exists() for name in MEMO_PARTIALS)


class TemplateMemo:
    """Rendered parts of the page template, by what they depend on (one per build)."""

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._blocks: dict[tuple[str, str, str, bool], Any] = {}
        self._texts: dict[tuple[str, str], Any] = {}
        #: Parts rendered and parts reused, for tests.
        self.rendered = 0
        self.reused = 0

    def block(self, name: str, base_url: Any, lang: Any, has_page: Any,
              render: Callable[[], Any]) -> Any:
        """A template block (``render`` is its ``super``) that reads only the settings,
        the page's language and, through ``base_url`` and the ``url`` filter, how deep
        its address is."""
        if not self.enabled:
            return render()
        key = (name, str(base_url), str(lang), bool(has_page))
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
