"""Listings kept between builds: the HTML of a generated page's listing by a digest of
what its template is given.

A generated page's listing (an A–Z index of thousands of terms, a tag's or a section's
notes) is a function of its template and the plain values handed to it: titles,
addresses, levels, summaries, counts. Making those values is cheap; rendering the
template over thousands of entries is most of what a build that changed nothing spent on
its 130 generated pages of a 10,000-note site. A listing whose values and template are the
ones of an earlier build gets that build's HTML back. The adapter keeps the HTML in its
cache (next to the pages, under the same key), and hands back the listings this build used.

Nothing here knows MkDocs.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Mapping
from typing import Any

from ..cache import pack

__all__ = ["KeptListings"]


class KeptListings:
    """Listing HTML by digest: ``known`` from an earlier build, ``used`` by this one (each
    compressed: the listings of a 10,000-note site are some 30 MB of HTML, which a build
    holds from its first page to its end)."""

    def __init__(self, known: Mapping[str, bytes] | None = None) -> None:
        self.known: dict[str, bytes] = {k: v for k, v in (known or {}).items()
                                        if isinstance(k, str) and isinstance(v, bytes)}
        self.used: dict[str, bytes] = {}
        #: Listings this build took from ``known`` / rendered.
        self.hits = 0
        self.rendered = 0

    def render(self, template: str, source: str, context: Mapping[str, Any],
               make: Callable[[], str]) -> str:
        """The listing of ``template`` (whose text is ``source``) over ``context``: the
        kept HTML when both are the same, else ``make()``."""
        try:
            key = hashlib.blake2b(pack([template, source, dict(context)]),
                                  digest_size=20).hexdigest()
        except (TypeError, ValueError, OverflowError):
            self.rendered += 1
            return make()  # a value the digest cannot hold: rendered every build
        kept = self.known.get(key)
        if kept is not None:
            try:
                html = zlib.decompress(kept).decode("utf-8")
            except (zlib.error, UnicodeDecodeError):
                kept = None  # damaged: rendered again
            else:
                self.hits += 1
                self.used[key] = kept
                return html
        html = make()
        self.rendered += 1
        self.used[key] = zlib.compress(html.encode("utf-8", "surrogatepass"), 1)
        return html

    def changed(self) -> bool:
        """Whether this build's listings differ from the kept ones."""
        return self.used.keys() != self.known.keys()
