#!/usr/bin/env bash
# The Zensical spike's own virtualenv (benchmarks/zensical/.venv): Zensical 0.0.73 (later
# releases require a zensical-ui package the index does not serve) and glosa from this
# checkout. Zensical is never installed beside glosa's own environment.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python3 -m venv "$here/.venv"
"$here/.venv/bin/pip" install -q --upgrade pip
"$here/.venv/bin/pip" install -q "zensical==0.0.73" -e "$repo"
"$here/.venv/bin/python" -c "import zensical; print('zensical', zensical.version())"
