"""Damaged encodings: detection with lines, repair of the four kinds, correct text untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from glosa.reading.encoding import decode_note_bytes, repair_bytes

CORRECT = (
    "---\nlang: ES\n---\n# Cliente (Marketing Digital) ⚫①\n\n"
    "El término segmentación amplía la línea. Índice: «ñandú», ¿qué? ¡sí! 🔴② 🚀 ⚪⑥\n"
    "Ça va? Crème brûlée, Portuguese SÃO PAULO and MÃE stay as they are.\n"
)


@pytest.mark.parametrize(
    ("damaged", "original"),
    [
        ("tÃ©rmino, segmentaciÃ³n", "término, segmentación"),  # plain cp1252 round trip
        ("Cliente âš«â‘ ", "Cliente ⚫①"),  # level marker
        ("Nivel ğŸ”´â‘¡", "Nivel 🔴②"),  # first byte through cp1254
        ("amplÃa la lÃnea", "amplía la línea"),  # the lost soft hyphen
        ("amplÃ\u00ada", "amplía"),  # the soft hyphen survived
    ],
)
def test_repairs_each_kind(damaged: str, original: str) -> None:
    data = f"# Nota\n\n{damaged}\n".encode()
    repair = repair_bytes(data)
    assert repair.refusal is None
    assert repair.repaired == f"# Nota\n\n{original}\n".encode()
    problems = [p for p in decode_note_bytes(data).problems if p.rule == "encoding-double"]
    assert [p.line for p in problems] == [3]


def test_correct_text_is_untouched_byte_for_byte() -> None:
    data = CORRECT.encode()
    assert decode_note_bytes(data).problems == []
    repair = repair_bytes(data)
    assert repair.refusal is None and not repair.changed


def test_repair_is_idempotent() -> None:
    damaged = CORRECT.encode().decode("cp1252", "replace").encode()
    once = repair_bytes(damaged)
    assert once.repaired is not None
    assert not repair_bytes(once.repaired).changed


def test_whole_file_round_trip_is_restored() -> None:
    # Every byte of the text survives Windows-1252 except 0x81/0x8D/0x8F/0x90/0x9D; this
    # text avoids them (no Á Í Ï Ð Ý), so the repair must restore it exactly.
    text = "# Retención ⚫①\n\nLa adquisición y la retención del cliente 🔴② son clave.\n"
    damaged = text.encode().decode("cp1252").encode()
    assert repair_bytes(damaged).repaired == text.encode()


def test_ambiguous_lone_a_tilde_is_refused() -> None:
    repair = repair_bytes("# Nota\n\nEl Ãndice de precios.\n".encode())
    assert repair.repaired is None
    assert repair.refusal is not None and repair.refusal.startswith("line 3:4")


def test_bom_and_crlf() -> None:
    data = b"\xef\xbb\xbf# Nota\r\n\r\nTexto\r\n"
    rules = [(p.rule, p.line) for p in decode_note_bytes(data).problems]
    assert rules == [("encoding-bom", 1), ("encoding-crlf", 1)]
    assert repair_bytes(data).repaired == b"# Nota\n\nTexto\n"


def test_mixed_line_ends() -> None:
    data = b"a\nb\r\nc\rd\n"
    assert [p.line for p in decode_note_bytes(data).problems] == [2]
    assert repair_bytes(data).repaired == b"a\nb\nc\nd\n"


def test_invalid_utf8_is_reported_with_its_line() -> None:
    data = b"# Nota\n\nbien\n" + b"mal \xff aqu\xc3\n"
    problems = decode_note_bytes(data).problems
    assert [(p.rule, p.line, p.column) for p in problems][:1] == [
        ("encoding-invalid-utf8", 4, 5)]


def test_latin1_file_is_converted() -> None:
    text = "# Acción\n\nSegmentación y línea.\n"
    assert repair_bytes(text.encode("latin-1")).repaired == text.encode()


def test_mixed_utf8_and_latin1_is_refused() -> None:
    data = "acción ".encode() + "línea".encode("latin-1")
    repair = repair_bytes(data)
    assert repair.repaired is None and repair.refusal is not None


@pytest.mark.parametrize("size", [0, 1, 4095, 65_537, 3_000_001])
def test_note_files_are_read_whole(tmp_path: Path, size: int) -> None:
    from glosa.reading.filebytes import read_file_bytes

    data = bytes(range(256)) * (size // 256) + b"\xff" * (size % 256)
    path = tmp_path / "note.md"
    path.write_bytes(data)
    assert read_file_bytes(path) == data


def test_a_file_that_cannot_be_read_raises_os_error(tmp_path: Path) -> None:
    from glosa.reading.filebytes import read_file_bytes

    with pytest.raises(FileNotFoundError):
        read_file_bytes(tmp_path / "missing.md")
    with pytest.raises(OSError):
        read_file_bytes(tmp_path)  # a folder named like a note
