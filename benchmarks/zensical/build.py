"""Build a glosa site with Zensical (the spike): ``python build.py SETTINGS OUT``.

Run by the spike's own interpreter (``.venv/bin/python``, made by ``setup.sh``): glosa
prepares ``OUT/docs`` and ``OUT/mkdocs.yml`` from the site's ``SETTINGS`` (an ``mkdocs.yml``
using the glosa plugin), then Zensical builds ``OUT/site`` in this same process, so the
extension renders from the vault already read. Prints one JSON line of timings.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import glosa_zensical


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: build.py SETTINGS OUT", file=sys.stderr)
        return 2
    settings, out = Path(args[0]).resolve(), Path(args[1]).resolve()
    start = time.perf_counter()
    site = glosa_zensical.prepare(settings, out)
    prepared = time.perf_counter() - start
    glosa_zensical.SITES[str(settings)] = site
    import zensical  # only in the spike's venv: Zensical is never a dependency of glosa

    zensical.build(str(out / "mkdocs.yml"), {"clean": True, "strict": False})
    total = time.perf_counter() - start
    print(json.dumps({"prepare_s": round(prepared, 3), "total_s": round(total, 3),
                      "notes": len(site.model.notes), "generated": len(site.generated),
                      "problems": site.problems}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
