"""`mkdocs serve --dirty` while notes are created, renamed and deleted: every rebuild ends,
and each change is handled or reported in one line, never a traceback (issue item 14)."""

from __future__ import annotations

import logging
import random
import shutil
import threading
import time
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.exceptions import Abort, PluginError

from ..conftest import VaultFactory, seed_note
from .sites import BASE, site_config

# Pages at their files' names, so that what is published can be compared with the vault.
TITLE_URLS = "      search: false\n      url_style: title\n"


def _churn(root: Path, stop: threading.Event, seed: int) -> int:
    """Create, rewrite, rename and delete notes, attachments and folders until told."""
    rng = random.Random(seed)
    changes = 0
    while not stop.is_set():
        number = rng.randrange(8)
        folder = root / "es" / f"d{number % 3}"
        note = folder / f"N{number} 🟡③.md"
        try:
            action = rng.randrange(6)
            if action == 0:
                folder.mkdir(parents=True, exist_ok=True)
                body = f"v{changes} [[N{number + 1} 🟡③]]"
                note.write_text(seed_note(f"N{number} 🟡③", body=body), encoding="utf-8")
            elif action == 1 and note.exists():
                note.rename(folder / f"M{number} 🟡③.md")
            elif action == 2:
                note.unlink(missing_ok=True)
            elif action == 3:
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"img{number}.png").write_bytes(b"\x89PNG\r\n\x1a\n" * 50)
            elif action == 4:
                (folder / f"img{number}.png").unlink(missing_ok=True)
            else:
                shutil.rmtree(folder, ignore_errors=True)
            changes += 1
        except OSError:
            pass  # the other half of the churn got there first
        time.sleep(0.002)
    return changes


def test_dirty_rebuilds_under_file_churn(tmp_path: Path, make_vault: VaultFactory,
                                         caplog: pytest.LogCaptureFixture) -> None:
    root = make_vault(dict(BASE))
    caplog.set_level(logging.WARNING)
    plugin = None
    stop = threading.Event()
    counted: list[int] = []
    worker = threading.Thread(target=lambda: counted.append(_churn(root, stop, 7)))
    worker.start()
    failures: list[BaseException] = []
    rebuilds = 0
    started = time.perf_counter()
    try:
        while rebuilds < 12 and time.perf_counter() - started < 120:
            # serve reloads its settings each time
            config = site_config(root, tmp_path, options=TITLE_URLS)
            if plugin is not None:
                config.plugins["glosa"] = plugin  # and keeps the plugin
            plugin = config.plugins["glosa"]
            config.plugins.on_startup(command="serve", dirty=True)
            try:
                build(config, dirty=rebuilds > 0)
            except (PluginError, Abort) as exc:  # reported in one line by MkDocs
                assert "\n" not in str(exc).strip(), exc
            except BaseException as exc:  # a traceback in `mkdocs serve`
                failures.append(exc)
            rebuilds += 1
    finally:
        stop.set()
        worker.join()
    assert counted and counted[0] > 20, counted
    assert not failures, [repr(f) for f in failures]
    assert "Traceback" not in caplog.text
    # Once the churn stops, a rebuild publishes the vault as it is.
    config = site_config(root, tmp_path, options=TITLE_URLS)
    build(config)
    site = tmp_path / "site"
    published = {p.relative_to(site / "es").parent.as_posix()
                 for p in (site / "es").glob("d*/*/index.html")}
    assert published == {p.relative_to(root / "es").with_suffix("").as_posix()
                         for p in (root / "es").glob("d*/*.md")}
