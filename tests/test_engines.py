"""The in-process site builds (tests/test_site_robustness.py, tests/test_page_workers.py)
under ProperDocs as well:
tests/test_site.py runs each build under both engines through their commands; these use
MkDocs' Python API, so they run again in a child pytest whose `mkdocs.*` imports resolve to
ProperDocs (GLOSA_TEST_ENGINE, read by conftest.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def test_mkdocs_api_is_the_engine_under_test() -> None:
    import mkdocs
    from mkdocs.plugins import BasePlugin

    from glosa.adapter.plugin import GlosaPlugin

    engine = os.environ.get("GLOSA_TEST_ENGINE", "mkdocs")
    package = Path(mkdocs.__file__).parent.name
    assert package == engine
    assert issubclass(GlosaPlugin, BasePlugin)
    assert BasePlugin.__module__.startswith(engine)


def test_in_process_builds_pass_under_properdocs() -> None:
    if os.environ.get("GLOSA_TEST_ENGINE"):
        return  # already the child run
    env = {**os.environ, "GLOSA_TEST_ENGINE": "properdocs"}
    # The timing test measures Python-Markdown on pathological lines, not the engine.
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "-k", "not pathological", str(HERE / "test_site_robustness.py"),
               # Page processes lean on the engine's page steps and loggers.
               str(HERE / "test_page_workers.py"),
               f"{HERE / 'test_engines.py'}::test_mkdocs_api_is_the_engine_under_test"]
    done = subprocess.run(command, env=env, cwd=HERE.parent, capture_output=True, text=True,
                          timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    summary = re.search(r"(\d+) passed", done.stdout)
    assert summary is not None and int(summary.group(1)) >= 10, done.stdout[-2000:]
    assert "failed" not in done.stdout.splitlines()[-1]
