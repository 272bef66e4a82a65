"""Bare URLs as links, as Obsidian's reading view shows them: ``https://…`` and
``http://…``, ``www.…`` and e-mail addresses (GFM's autolink extension, which Obsidian
follows), and nothing else: no bare domains (``example.com``), no ``//host``, no
``ftp:``, no other scheme (so never ``javascript:``). Not in code, nor inside a link.

Recognition is linkify-it-py, through markdown-it's own ``linkify`` rule (which already
skips code, links and HTML, and checks each address with ``validateLink``).
"""

from __future__ import annotations

import re
from typing import Any

from linkify_it import LinkifyIt  # type: ignore[import-untyped]
from markdown_it import MarkdownIt

__all__ = ["MAX_URL", "ObsidianLinkify", "linkify_plugin"]

#: The longest host and path of a `www.` address recognised (a longer host is cut; real
#: ones are far shorter, and servers refuse paths longer than this).
MAX_URL = 2048
_MAX_HOST = 128


class ObsidianLinkify(LinkifyIt):  # type: ignore[misc]
    """linkify-it with Obsidian's (GFM's) set of forms."""

    def __init__(self) -> None:
        super().__init__(options={"fuzzy_link": False, "fuzzy_email": True,
                                  "fuzzy_ip": False})
        self.add("//", None)
        self.add("ftp:", None)
        # `www.` starts a link without a scheme (GFM's extended www autolink): a host
        # (at most 253 characters), then a path.
        self._www_host = re.compile(
            "(?:(?:" + self.re["src_domain"] + r")\.)+" + self.re["src_domain_root"]
            + self.re["src_port"] + self.re["src_host_terminator"], flags=re.IGNORECASE)
        self._www_path = re.compile(self.re["src_path"], flags=re.IGNORECASE)
        self.add("www.", {"validate": self._validate_www, "normalize": self._normalize_www})

    def pretest(self, text: str) -> bool:
        # Every form linked holds `://`, `@` (e-mail, `mailto:`) or `www.` in any case:
        # most text has none, and linkify-it's own pretest (a large Unicode pattern)
        # costs more than the rest of a paragraph's parse.
        if "://" not in text and "@" not in text and "www." not in text.lower():
            return False
        return bool(super().pretest(text))

    def _validate_www(self, text: str, pos: int) -> int:
        # Each part is matched within a bounded window: the host pattern backtracks, and
        # a line of `www.www.www…` would otherwise be scanned to its end from each `www.`
        # (seconds on a 100 KB line).
        host = self._www_host.match(text[pos:pos + _MAX_HOST])
        if host is None:
            return 0
        end = pos + host.end()
        path = self._www_path.match(text[end:end + MAX_URL])
        return host.end() + (path.end() if path else 0)

    def _normalize_www(self, match: Any) -> None:
        match.url = "http://" + match.url


def linkify_plugin(md: MarkdownIt) -> None:
    """Bare URLs, ``www.`` addresses and e-mail addresses as links."""
    md.linkify = ObsidianLinkify()
    md.options["linkify"] = True
    md.enable("linkify")
    # Only the core rule, which links URLs in text after inline parsing: the inline rule
    # (it keeps `*` inside a URL from being emphasis) searches all text before each `:`
    # for a scheme, which is quadratic on a line of `://` (seconds on 20 KB).
    md.inline.ruler.disable("linkify")
