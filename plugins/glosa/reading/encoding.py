"""Damaged encodings: detect them in a note's bytes and repair them safely.

The generic repair (UTF-8 read as Windows-1252 or -1254 and saved again) is ftfy's. What
ftfy cannot know is the byte that did not survive: UTF-8 ``í`` is ``C3 AD`` and ``AD`` is a
soft hyphen in Windows-1252, which editors drop, leaving a lone ``Ã``. Restoring it is
Spanish-aware and written here: inside a lower-case word a lone ``Ã`` is ``í``; at the start
of a word it could be ``Í``, ``Á`` or ``í``, so the repair refuses and says where.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DecodedText",
    "EncodingProblem",
    "Repair",
    "decode_note_bytes",
    "find_double_encoding",
    "repair_bytes",
]

BOM = b"\xef\xbb\xbf"
# Characters that begin the Windows-1252/1254 reading of a UTF-8 lead byte: Ã/Â (C3/C2),
# â (E2), ð/ğ (F0), Å/Æ/Ä (C5/C6/C4). Correct Spanish text has none of them in such pairs.
_SUSPECT_CHARACTERS = "ÃÂâðğÅÄÆ"
_SUSPECT = re.compile(f"[{_SUSPECT_CHARACTERS}]")
_LOWER = "a-zñáéíóúü"
_LONE_A_TILDE_IN_WORD = re.compile(f"(?<=[{_LOWER}])Ã(?=[{_LOWER}])")
_LONE_A_TILDE_AT_START = re.compile(f"(?<![A-Za-zÀ-ÿ])Ã(?=[{_LOWER}])")
# `aquí` saved as `aquÃ` (the soft hyphen lost at the end of the word): ftfy would read
# the space after it as a lost no-break space and write `aquà`, a letter Spanish does not
# use. Followed by an end of line, a space or punctuation (not by a no-break space or any
# other character that completes a pair).
# Only ASCII may follow: every other character of Windows-1252 can be the second byte of
# a pair (`Ã»` is `û`).
_LONE_A_TILDE_AT_END = re.compile(f"(?<=[{_LOWER}])Ã(?=$|[ \t.,;:!?)\\]}}\"'-])")
#: The letters of Spanish: a repair that brings in any other letter is refused.
_SPANISH_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzñáéíóúü"
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZÑÁÉÍÓÚÜºª")
#: Text is rarely damaged more than twice; the bound only guards against a repair loop.
_MAX_ROUNDS = 4


@functools.cache
def _ftfy() -> tuple[Any, Any]:
    """ftfy and its settings, loaded the first time a line looks damaged (most runs never
    need it, and importing it is a tenth of `glosa check`'s start-up)."""
    import ftfy

    return ftfy, ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=False,
        decode_inconsistent_utf8=True,
        fix_c1_controls=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )


@dataclass(frozen=True, slots=True)
class EncodingProblem:
    rule: str
    line: int
    column: int
    message: str
    suggestion: str | None = None


@dataclass
class DecodedText:
    """A note's text ready to parse (no BOM, LF line ends) and what was wrong with its bytes."""

    text: str
    problems: list[EncodingProblem] = field(default_factory=list)


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", "replace")) + 1
    return line, column


def _fix_line(line: str, language: str | None = None) -> str:
    """The repaired form of one line (may equal the input).

    Repaired until nothing changes, so that text damaged twice over (`Ãƒ` for `Ã`) comes
    back in one run and a second run finds nothing left to do. A word-final lone `Ã` is
    `í` in Spanish text (``language`` "es") and left alone otherwise (see
    :func:`_refusal`).
    """
    for _ in range(_MAX_ROUNDS):
        # Put back the lost soft hyphen so that ftfy sees a complete `Ã\xad` pair.
        restored = _LONE_A_TILDE_IN_WORD.sub("Ã\u00ad", line)
        if language == "es":
            restored = _LONE_A_TILDE_AT_END.sub("Ã\u00ad", restored)
        elif _LONE_A_TILDE_AT_END.search(restored) is not None:
            return line  # refused by the caller: the letter depends on the language
        ftfy, settings = _ftfy()
        fixed = ftfy.fix_text(restored, settings)
        if fixed == line:
            break
        line = fixed
    return line


def find_double_encoding(text: str) -> list[EncodingProblem]:
    """One problem per line that reads as double-encoded text."""
    # Each character looked for on its own: over a note with emoji (four bytes a character)
    # that is a third of the time the character class takes.
    if not any(character in text for character in _SUSPECT_CHARACTERS):
        return []
    problems: list[EncodingProblem] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if _SUSPECT.search(line) is None:
            continue
        fixed = _fix_line(line)
        ambiguous = _LONE_A_TILDE_AT_START.search(fixed) or _LONE_A_TILDE_AT_END.search(fixed)
        if fixed == line and ambiguous is None:
            continue
        column = next(
            (i + 1 for i, (a, b) in enumerate(zip(line, fixed, strict=False)) if a != b),
            (ambiguous.start() + 1) if ambiguous else 1,
        )
        before, after = _differing_word(line, fixed, column - 1)
        message = (
            f"text looks double-encoded: '{before}' was probably '{after}'"
            if before != after
            else f"text looks double-encoded near '{before}'"
        )
        problems.append(EncodingProblem(
            "encoding-double", number, column, message, "run: glosa fix-encoding --write PATH"
        ))
    return problems


def _differing_word(line: str, fixed: str, at: int) -> tuple[str, str]:
    def word(text: str, pos: int) -> str:
        start = pos
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        end = pos
        while end < len(text) and not text[end].isspace():
            end += 1
        return text[start:end][:40]

    return word(line, min(at, len(line))), word(fixed, min(at, len(fixed)))


def decode_note_bytes(data: bytes) -> DecodedText:
    """Decode a note's bytes, never raising: bad bytes become U+FFFD and a problem."""
    problems: list[EncodingProblem] = []
    if data.startswith(BOM):
        problems.append(EncodingProblem(
            "encoding-bom", 1, 1, "file starts with a UTF-8 byte-order mark",
            "run: glosa fix-encoding --write PATH",
        ))
        data = data[len(BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col(data, exc.start)
        problems.append(EncodingProblem(
            "encoding-invalid-utf8", line, column,
            f"invalid UTF-8 byte 0x{data[exc.start]:02X} (the file may be Latin-1 or damaged)",
            "run: glosa fix-encoding PATH to see whether it can be repaired",
        ))
        text = data.decode("utf-8", "replace")
    if "\r" in text:
        first_cr = text.find("\r")
        line = text.count("\n", 0, first_cr) + 1
        problems.append(EncodingProblem(
            "encoding-crlf", line, 1, "Windows (CRLF) or old Mac (CR) line ends",
            "run: glosa fix-encoding --write PATH",
        ))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    problems.extend(find_double_encoding(text))
    return DecodedText(text, problems)


@dataclass
class Repair:
    """What ``fix-encoding`` would write, or why it will not."""

    original: bytes
    repaired: bytes | None
    fixes: list[str] = field(default_factory=list)
    refusal: str | None = None

    @property
    def changed(self) -> bool:
        return self.repaired is not None and self.repaired != self.original


def _language_refusal(line: str, fixed: str, number: int, language: str | None) -> str | None:
    """Why the repair of one line is refused, if it is: a word-final `Ã` outside Spanish
    text, or a repair that brings a letter into Spanish text that Spanish does not use."""
    final = _LONE_A_TILDE_AT_END.search(line)
    if final is not None and language != "es":
        where = f"line {number}:{final.start() + 1}"
        if language is None:
            return (f"{where}: a word-final 'Ã' is 'í' in Spanish and 'à' in other "
                    "languages, and the note's language is not known (no 'lang' key); "
                    "repair it by hand")
        return (f"{where}: a word-final 'Ã' in a note in '{language}' could be 'à' or a "
                "Spanish 'í'; repair it by hand")
    if language == "es":
        brought = sorted({c for c in fixed if c.isalpha() and c not in _SPANISH_LETTERS
                          and c not in line})
        if brought:
            return (f"line {number}: the repair would write {', '.join(brought)}, which "
                    "Spanish does not use; repair it by hand")
    return None


def repair_bytes(data: bytes, *, language: str | None = None) -> Repair:
    """Repair BOM, CR/CRLF line ends, Windows-1252 files and double-encoded text.

    ``language`` is the note's language code when known (``es``: a word-final lone ``Ã``
    is ``í``); a repair that depends on an unknown language is refused. Correct text
    comes back byte for byte; a second repair changes nothing.
    """
    fixes: list[str] = []
    body = data
    if body.startswith(BOM):
        body = body[len(BOM):]
        fixes.append("removed the byte-order mark")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col(body, exc.start)
        try:
            text = body.decode("cp1252")
        except UnicodeDecodeError:
            return Repair(data, None, fixes, (
                f"line {line}:{column}: invalid UTF-8 that is not Windows-1252 either; "
                "repair it by hand"
            ))
        if any(0xC2 <= b <= 0xF4 for b in body) and _looks_utf8_mixed(body):
            return Repair(data, None, fixes, (
                f"line {line}:{column}: the file mixes UTF-8 with another encoding; "
                "repair it by hand"
            ))
        fixes.append("decoded as Windows-1252 (Latin-1) and saved as UTF-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        fixes.append("converted line ends to LF")
    if _SUSPECT.search(text) is not None:
        lines = text.split("\n")
        for index, current in enumerate(lines):
            if _SUSPECT.search(current) is None:
                continue
            fixed = _fix_line(current, language)
            ambiguous = _LONE_A_TILDE_AT_START.search(fixed)
            if ambiguous is not None:
                return Repair(data, None, fixes, (
                    f"line {index + 1}:{ambiguous.start() + 1}: a lone 'Ã' at the start of a "
                    "word could be 'Í', 'Á' or 'í'; repair it by hand"
                ))
            refusal = _language_refusal(current, fixed, index + 1, language)
            if refusal is not None:
                return Repair(data, None, fixes, refusal)
            if fixed != current:
                lines[index] = fixed
                fixes.append(f"line {index + 1}: repaired double-encoded text")
        text = "\n".join(lines)
    repaired = text.encode("utf-8")
    return Repair(data, repaired if repaired != data else None, fixes)


def _looks_utf8_mixed(body: bytes) -> bool:
    """True when some multi-byte UTF-8 sequences decode cleanly (so this is not plain cp1252)."""
    return re.search(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}", body) is not None
