"""Vault entries that are no plain note files: links out of the vault, link loops, dangling
links, a named pipe and a name that is not UTF-8. Written on disk, so they can only be
built in a real folder (not from a dictionary)."""

from __future__ import annotations

import os
from pathlib import Path

from ..conftest import seed_note

#: (rule, path, line) each entry must give.
EXPECT = [
    ("symlink-outside-vault", "fs/Enlace fuera ⚫①.md", 1),
    ("symlink-outside-vault", "fs/carpeta-fuera", 1),
    ("note-unreadable", "fs/Bucle ⚫①.md", 1),
    ("note-unreadable", "fs/Colgante ⚫①.md", 1),
    ("note-unreadable", "fs/Tubería ⚫①.md", 1),
    ("note-unreadable", "fs/Nombre \ufffd ⚫①.md", 1),
]
OUTSIDE_NOTE = "Secreto ⚫①.md"


def add_entries(root: Path, outside: Path) -> None:
    """Write the special entries under ``root/fs``, with their targets in ``outside``."""
    outside.mkdir(parents=True, exist_ok=True)
    # CRLF and a broken link: neither may be reported, repaired or touched.
    (outside / OUTSIDE_NOTE).write_bytes(
        seed_note("Secreto ⚫①", body="[[No existe fuera]]").replace("\n", "\r\n").encode())
    (outside / "carpeta").mkdir(exist_ok=True)
    (outside / "carpeta" / "Dentro de fuera.md").write_text("# Fuera\n", encoding="utf-8")
    folder = root / "fs"
    folder.mkdir(parents=True, exist_ok=True)
    os.symlink(outside / OUTSIDE_NOTE, folder / "Enlace fuera ⚫①.md")
    os.symlink(outside / "carpeta", folder / "carpeta-fuera")
    os.symlink("Bucle ⚫①.md", folder / "Bucle ⚫①.md")
    os.symlink("No está ⚫①.md", folder / "Colgante ⚫①.md")
    os.mkfifo(folder / "Tubería ⚫①.md")
    name = os.fsencode(folder) + b"/Nombre \xff " + "⚫①.md".encode()
    with open(name, "wb") as handle:
        handle.write(seed_note("Nombre ⚫①").encode())
