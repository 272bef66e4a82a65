"""Did-you-mean over many names: what rapidfuzz's ``process.extract`` chooses among all
the names of a vault, found among the few names that can score high enough.

Why: a vault with thousands of distinct broken names asked for thousands of searches over
all its names (a millisecond each at 10,000 names). The score, ``fuzz.ratio``, is
``200 * LCS / (len(query) + len(name))``; the longest common subsequence of two texts has
no more characters than they have in common counted with repeats, so a name whose common
characters fall short of the cutoff cannot reach it. Those counts, over every name at
once, take a few array additions; the names that remain (a few dozen, against 10,000) go
to ``process.extract`` itself in their order, which then decides the scores, the cutoff
and the order of equal scores exactly as over all the names (a test compares the two).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from typing import Any

__all__ = ["SCORE_CUTOFF", "NameSearch"]

#: The lowest score suggested.
SCORE_CUTOFF = 60
#: Searches done over all the names before the character counts are made: a vault with
#: a few broken names never pays for them.
PLAIN_SEARCHES = 32
#: Fewer names than this are always searched over all of them.
MIN_NAMES = 1000
# Counts are kept in bytes: a query longer than this is searched over all the names.
_LONGEST_QUERY = 250

Plain = Callable[[str, dict[str, str], int], tuple[str, ...]]


class NameSearch:
    """The closest names to queries among ``choices`` (name → text compared), as
    ``plain(query, choices, limit)`` gives them; ``normalize`` makes a query's text."""

    def __init__(self, choices: dict[str, str], plain: Plain,
                 normalize: Callable[[str], str]) -> None:
        self.choices = choices
        self._plain = plain
        self._normalize = normalize
        self._searches = 0
        self._counts: _CharacterCounts | None = None
        self._unavailable = len(choices) < MIN_NAMES

    def closest(self, query: str, limit: int = 3) -> tuple[str, ...]:
        if self._counts is None and not self._unavailable:
            self._searches += 1
            if self._searches > PLAIN_SEARCHES:
                self._counts = _CharacterCounts.of(self.choices)
                self._unavailable = self._counts is None
        text = self._normalize(query) if query else ""
        if self._counts is None or not text or len(text) > _LONGEST_QUERY:
            return self._plain(query, self.choices, limit)
        from rapidfuzz import fuzz, process

        found = process.extract(text, self._counts.candidates(text), scorer=fuzz.ratio,
                                limit=limit, score_cutoff=SCORE_CUTOFF)
        return tuple(match[2] for match in found)


class _CharacterCounts:
    """How many times each character occurs in each name, as one array per character."""

    def __init__(self, np: Any, choices: dict[str, str]) -> None:
        self._np = np
        self._keys = list(choices)
        self._values = list(choices.values())
        size = len(self._values)
        self._lengths = np.fromiter(map(len, self._values), dtype=np.int64, count=size)
        where: dict[str, tuple[list[int], list[int]]] = {}
        for at, value in enumerate(self._values):
            for character, times in Counter(value).items():
                entry = where.get(character)
                if entry is None:
                    entry = where[character] = ([], [])
                entry[0].append(at)
                entry[1].append(min(times, 255))
        self._counts: dict[str, Any] = {}
        for character, (positions, repeats) in where.items():
            counts = np.zeros(size, dtype=np.uint8)
            counts[positions] = repeats
            self._counts[character] = counts
        # (character, k): 1 for the names with at least k of that character.
        self._at_least: dict[tuple[str, int], Any] = {}
        # By query length: the fewest common characters a name of each length needs.
        self._needed: dict[int, Any] = {}

    @classmethod
    def of(cls, choices: dict[str, str]) -> _CharacterCounts | None:
        """The counts of ``choices``; None without numpy (every search is then plain)."""
        # One thread for numpy's math libraries, unless the user chose: glosa forks its
        # readers and page builders, and a library's threads do not survive a fork (the
        # counts are additions, which gain nothing from threads anyway).
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(name, "1")
        try:
            import numpy
        except Exception:  # not installed, or an install that cannot load: search plainly
            return None
        return cls(numpy, choices)

    def candidates(self, text: str) -> dict[str, str]:
        """The choices, in their order, that share enough characters with ``text`` to
        score :data:`SCORE_CUTOFF` or more."""
        np = self._np
        common = np.zeros(len(self._values), dtype=np.uint8)
        for character, times in Counter(text).items():
            counts = self._counts.get(character)
            if counts is None:
                continue
            for k in range(1, times + 1):
                at_least = self._at_least.get((character, k))
                if at_least is None:
                    at_least = self._at_least[character, k] = (counts >= k).view(np.uint8)
                common += at_least  # at most len(text) <= 250: no overflow
        needed = self._needed.get(len(text))
        if needed is None:
            # 200 * common >= 60 * (len(text) + len(name)), less one for rounding: the
            # score rapidfuzz reports is never above what the common characters allow.
            least = -(-(SCORE_CUTOFF * (len(text) + self._lengths) - 1) // 200)
            needed = self._needed[len(text)] = np.clip(least, 0, 255).astype(np.uint8)
        keys, values = self._keys, self._values
        return {keys[at]: values[at] for at in np.flatnonzero(common >= needed).tolist()}
