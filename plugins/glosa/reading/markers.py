"""Level markers: a coloured circle plus a circled digit at the end of a title (``⚫①``)."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "LEGEND_SEQUENCE",
    "LEVEL_MARKERS",
    "TitleParts",
    "name_keys",
    "normalize_key",
    "split_marker",
]

#: The six valid markers, level 1 to 6.
LEVEL_MARKERS: tuple[str, ...] = ("⚫①", "🔴②", "🟡③", "🟢④", "🔵⑤", "⚪⑥")
#: The digits run the legend line writes after the legend link.
LEGEND_SEQUENCE = "①②③④⑤⑥"

_COLOURS = "\u26ab\U0001f534\U0001f7e1\U0001f7e2\U0001f535\u26aa"
_DIGITS = "①②③④⑤⑥"
# A marker at the very end of a title, optionally in parentheses (the legend note of the
# sample vault is titled `⚫🔴🟡🟢🔵⚪ (🔴②)`). Variation selectors (U+FE0F) that some
# editors add after the circle are tolerated.
_MARKER_AT_END = re.compile(
    rf"(?:^|\s)\(?(?P<marker>(?P<colour>[{_COLOURS}])?\ufe0f?(?P<digit>[{_DIGITS}]))\)?\s*$"
)


@dataclass(frozen=True, slots=True)
class TitleParts:
    """A title split into its text and its level marker."""

    title: str
    marker: str | None
    level: int | None
    #: False when a marker is present but its colour does not match its digit.
    valid: bool = True


# Cached: a vault names the same notes in thousands of links.
@functools.lru_cache(maxsize=65_536)
def split_marker(name: str) -> TitleParts:
    """Split ``"Cliente ⚫①"`` into ``TitleParts("Cliente", "⚫①", 1)``."""
    match = _MARKER_AT_END.search(name)
    if match is None:
        return TitleParts(name.strip(), None, None)
    digit = _DIGITS.index(match["digit"])
    colour = match["colour"]
    marker = f"{colour or ''}{match['digit']}"
    valid = colour is not None and _COLOURS.index(colour) == digit
    title = name[: match.start()].strip()
    if not title:  # a name made only of a marker keeps it as its title
        return TitleParts(name.strip(), marker, digit + 1, valid)
    return TitleParts(title, marker, digit + 1, valid)


@functools.lru_cache(maxsize=131_072)
def normalize_key(text: str) -> str:
    """The key under which names are compared: NFC, case-folded, single spaces.

    File systems hand back NFD names (macOS) and editors type NFC; Obsidian matches
    names case-insensitively.
    """
    text = unicodedata.normalize("NFC", text).replace("\ufe0f", "")
    return " ".join(text.casefold().split())


def name_keys(stem: str) -> set[str]:
    """A file stem's lookup keys: with and without its level marker."""
    keys = {normalize_key(stem)}
    parts = split_marker(stem)
    if parts.marker is not None and parts.title != stem.strip():
        keys.add(normalize_key(parts.title))
    return keys
