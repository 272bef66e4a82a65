"""``glosa check`` of a vault folder: through the check cache when there is one, else every
note read and checked, a large vault in two processes.

Kept apart from :mod:`glosa.checking.checks` so that a check answered from the cache
imports neither the rules nor the parser and the resolver they need.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from ..cache import CacheStore
from ..config import GlosaConfig, with_vault_languages
from .diagnostics import Diagnostic

if TYPE_CHECKING:
    from ..reading.vault import Vault

__all__ = ["check_folder"]


def check_folder(root: Path, config: GlosaConfig, *, store: CacheStore | None = None,
                 only: Collection[str] | None = None,
                 ) -> tuple[list[Diagnostic], Vault | None]:
    """``check_vault(load_vault(root, config))`` and the vault, on a large vault in two
    processes. (The vault is returned so that a short-lived caller can leave it to the
    process exit: freeing 10,000 notes object by object takes a tenth of a check.)

    With a ``store`` (glosa's persistent cache), see :mod:`glosa.checking.check_cache`: the vault
    is None when nothing changed and no note had to be read. ``only``: vault paths of
    the notes whose diagnostics are wanted (a pre-commit run on a few files); the rest of
    the vault is still read, as the link targets and the checks across notes need it.

    Each process reads half of the notes; they swap what the other needs of them as link
    targets (names, headings, block ids: no bodies, no links), check the links and
    metadata of their own half, and the child's findings come back to be joined with the
    checks across notes. Nothing here is done differently from one process: a test holds
    both ways to the same report.
    """
    # The languages an obsidian vault has, decided once for every path below.
    config = with_vault_languages(config, root)
    if store is not None and store.enabled:
        from .check_cache import cached_check

        return cached_check(root, config, store, only)
    from .checks import check_without_cache

    return check_without_cache(root, config, only)
