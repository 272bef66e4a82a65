"""The catalogue of bad, hostile and broken notes, and what glosa must say about each.

Every case lives in its own folder with titles of its own, so that all cases can share one
vault (the combined run) without one case's notes changing another's diagnostics. Lines
refer to :func:`tests.conftest.seed_note`'s layout: frontmatter keys on lines 2-17, extra
keys from 18, the closing ``---`` after them, the H1 next, the parent link two lines below
it and the body two lines further (line 23 when there is no extra key).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..conftest import seed_note

#: Notes every case may link to: the index (root of the hierarchy) and the legend.
BASE: dict[str, str | bytes] = {
    "Índice ⚫①.md": seed_note("Índice ⚫①", parent=None, body="Raíz del glosario."),
    "Leyenda 🔴②.md": seed_note("Leyenda 🔴②"),
}
BODY = 23  # the first body line of a seed note without extra keys

#: Script and quote payloads for the hostile cases; none contains ``'``, ``\\`` or ``/``,
#: so that a Python repr or a file name carries them unchanged.
SCRIPT = '<script>alert("x")</script>'
IMG = '<img src=x onerror="alert(1)">'
QUOTES = '" onmouseover="alert(2)'
IMG_LINK = '<img src=y onerror="alert(3)">'

Expected = tuple[str, str, int]
#: (rule, path, line, text): a diagnostic at that place whose message or suggestion
#: carries the text unchanged.
Verbatim = tuple[str, str, int, str]


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str | bytes]
    #: (rule, path, line) that must all be reported.
    expect: tuple[Expected, ...]
    verbatim: tuple[Verbatim, ...] = ()
    #: (rule, path, line) that must not be reported (line None: on no line).
    absent: tuple[tuple[str, str, int | None], ...] = ()


def replaced(title: str, old: str, new: str, **kwargs: str) -> str:
    """A seed note with one piece of its text replaced."""
    text = seed_note(title, **kwargs)  # type: ignore[arg-type]
    assert old in text, old
    return text.replace(old, new, 1)


def _one(case_id: str, title: str, text: str | bytes, rule: str, line: int) -> Case:
    path = f"{case_id}/{title}.md"
    return Case(case_id, {path: text}, ((rule, path, line),))


def _hostile(case_id: str, files: dict[str, str | bytes],
             *found: tuple[str, str, int, str]) -> Case:
    """A case whose diagnostics must quote hostile text: (rule, file name, line, text)."""
    located = tuple((rule, f"{case_id}/{name}", line, text) for rule, name, line, text in found)
    return Case(case_id, {f"{case_id}/{name}": text for name, text in files.items()},
                tuple(dict.fromkeys(item[:3] for item in located)), located)


# --- frontmatter ----------------------------------------------------------------------

BILLION_LAUGHS = "lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9))
DEEP_YAML = "[" * 100_000 + "]" * 100_000

# Every key of the note format given a value of the wrong type: (key, value, rule, line).
WRONG_TYPES = [
    ("iaStatus", '"cero"', "meta-type", 2),
    ("iaStatus_Model", "[gpt]", "meta-type", 3),
    ("a11y", "3.5", "meta-type", 4),
    ("checked", "true", "meta-type", 5),
    ("lang", "1", "meta-type", 6),
    ("translations", "{a: 1}", "meta-type", 7),
    ("created", "12", "meta-date-format", 8),
    ("modified", "[2024]", "meta-date-format", 9),
    ("supervisado", "{nombre: Ana}", "meta-type", 10),
    ("ACCION", "5", "meta-type", 11),
    ("ver_major", '"0"', "meta-type", 12),
    ("ver_minor", "[4]", "meta-type", 13),
    ("ver_rev", "1.5", "meta-type", 14),
    ("nav_primary", "[a, b]", "meta-type", 15),
    ("nav_secondary", "7", "meta-type", 16),
    ("tags", "{a: 1}", "meta-type", 17),
]


def _set_key(text: str, key: str, value: str) -> str:
    new, count = re.subn(rf"^{key}:.*$", lambda _: f"{key}: {value}", text, count=1,
                         flags=re.MULTILINE)
    assert count == 1, key
    return new


def _all_wrong() -> str:
    text = seed_note("Todo mal ⚫①")
    for key, value, _, _ in WRONG_TYPES:
        text = _set_key(text, key, value)
    return text


FRONTMATTER = [
    _one("fm-unclosed", "Sin cierre ⚫①", "---\nlang: ES\n# Sin cierre ⚫①\n\nTexto.\n",
         "frontmatter-invalid", 1),
    _one("fm-invalid-yaml", "YAML roto ⚫①", replaced("YAML roto ⚫①", "a11y: 3", "a11y: [3"),
         "frontmatter-invalid", 5),
    _one("fm-tabs", "Tabuladores ⚫①",
         replaced("Tabuladores ⚫①", "tags:\n", "tags:\n\t- uno\n"), "frontmatter-invalid", 18),
    _one("fm-duplicate-key", "Clave doble ⚫①",
         replaced("Clave doble ⚫①", "a11y: 3\n", "a11y: 3\na11y: 4\n"),
         "frontmatter-duplicate-key", 5),
    # YAML reads `1` and `01` as the same key: the second silently replaced the first.
    _one("fm-duplicate-key-spellings", "Clave escrita dos veces ⚫①",
         seed_note("Clave escrita dos veces ⚫①", extra="1: uno\n01: otro\n"),
         "frontmatter-duplicate-key", 19),
    _one("fm-list-not-mapping", "Lista ⚫①", "---\n- lang\n- ES\n---\n# Lista ⚫①\n",
         "frontmatter-invalid", 2),
    _one("fm-scalar-not-mapping", "Escalar ⚫①", "---\nsolo texto\n---\n# Escalar ⚫①\n",
         "frontmatter-invalid", 2),
    *(_one(f"fm-type-{key}", f"Tipo {key} ⚫①",
           _set_key(seed_note(f"Tipo {key} ⚫①"), key, value), rule, line)
      for key, value, rule, line in WRONG_TYPES),
    Case("fm-type-all-at-once", {"fm-type-all-at-once/Todo mal ⚫①.md": _all_wrong()},
         tuple((rule, "fm-type-all-at-once/Todo mal ⚫①.md", line)
               for _, _, rule, line in WRONG_TYPES)),
    _one("fm-tag-yes", "Etiqueta sí ⚫①",
         replaced("Etiqueta sí ⚫①", "tags:\n", "tags: [marketing, yes]\n"), "meta-type", 17),
    _one("fm-aliases-mapping", "Alias mapa ⚫①",
         seed_note("Alias mapa ⚫①", extra="aliases: {a: 1}\n"), "meta-type", 18),
    _one("fm-impossible-date", "Fecha imposible ⚫①",
         seed_note("Fecha imposible ⚫①", created="2024-02-30T10:00:00.000Z",
                   modified="2024-03-01T10:00:00.000Z"), "meta-date-format", 8),
    _one("fm-impossible-time", "Hora imposible ⚫①",
         seed_note("Hora imposible ⚫①", modified="2024-05-06T25:61:00.000Z"),
         "meta-date-format", 9),
    _one("fm-modified-before-created", "Fechas al revés ⚫①",
         seed_note("Fechas al revés ⚫①", modified="2023-01-01T00:00:00.000Z"),
         "meta-date-order", 9),
    _one("fm-unknown-lang", "Idioma ⚫①", replaced("Idioma ⚫①", "lang: ES", "lang: FR"),
         "meta-lang-unknown", 6),
    _one("fm-alias-bomb", "Bomba ⚫①", seed_note("Bomba ⚫①", extra=BILLION_LAUGHS),
         "frontmatter-invalid", 18 + 4),  # lol4, the first list past 10,000 values
    _one("fm-deep-nesting", "Anidado ⚫①",
         replaced("Anidado ⚫①", "a11y: 3", f"a11y: {DEEP_YAML}"), "frontmatter-invalid", 4),
    _one("fm-python-object", "Objeto ⚫①",
         replaced("Objeto ⚫①", "a11y: 3", "a11y: !!python/object:os.system {}"),
         "frontmatter-invalid", 4),
    _one("fm-python-apply", "Aplicar ⚫①",
         replaced("Aplicar ⚫①", "ACCION: \"\"",
                  "ACCION: !!python/object/apply:os.system [\"touch glosa-pwned\"]"),
         "frontmatter-invalid", 11),
    _one("fm-control-character", "Control ⚫①",
         replaced("Control ⚫①", 'supervisado: ""', 'supervisado: "Ana\x00"'),
         "frontmatter-invalid", 10),
    # YAML counts U+2028 as a line break; glosa's lines are the file's.
    _one("fm-line-separator", "Separador ⚫①",
         seed_note("Separador ⚫①", extra='description: "uno\u2028dos\u0085tres"\na11y: 4\n'),
         "frontmatter-duplicate-key", 19),
    _one("fm-huge-integer", "Entero enorme ⚫①",
         replaced("Entero enorme ⚫①", "ver_rev: 1", "ver_rev: " + "9" * 5000),
         "frontmatter-invalid", 14),
]

# --- encodings ------------------------------------------------------------------------

_DOUBLE = "\n\n".join([
    "El tÃ©rmino segmentaciÃ³n.",  # plain cp1252 round trip
    "Nivel âš«â‘ .",  # level marker
    "Color ğŸ”´ rojo.",  # the first byte went through cp1254
    "Se amplÃa la lÃnea.",  # the soft hyphen was lost
])
_TEN_MB_LINES = 10 * 1024 * 1024 // 64
_TEN_MB = seed_note("Diez megas ⚫①", body="\n".join(
    ["Texto de relleno para una nota enorme, sin enlaces ni código."] * _TEN_MB_LINES
    + ["[[Nota que no existe en diez megas]]"]))
_LONG = "palabra " * 12_500 + "[[Nota larga que no existe]]"

ENCODING = [
    # The mark does not hide the frontmatter behind it.
    Case("enc-bom", {"enc-bom/Marca BOM ⚫①.md":
                     b"\xef\xbb\xbf" + seed_note("Marca BOM ⚫①").encode()},
         (("encoding-bom", "enc-bom/Marca BOM ⚫①.md", 1),),
         absent=(("frontmatter-missing", "enc-bom/Marca BOM ⚫①.md", None),
                 ("meta-key-missing", "enc-bom/Marca BOM ⚫①.md", None))),
    Case("enc-crlf", {"enc-crlf/Fin de línea ⚫①.md": seed_note(
        "Fin de línea ⚫①", body="Ver [[Nada CRLF]].").replace("\n", "\r\n").encode()},
        (("encoding-crlf", "enc-crlf/Fin de línea ⚫①.md", 1),
         ("link-broken", "enc-crlf/Fin de línea ⚫①.md", BODY)),
        absent=(("frontmatter-invalid", "enc-crlf/Fin de línea ⚫①.md", None),
                ("frontmatter-missing", "enc-crlf/Fin de línea ⚫①.md", None))),
    Case("enc-mixed-line-ends", {"enc-mixed-line-ends/Mezcla ⚫①.md": seed_note(
        "Mezcla ⚫①", body="Uno.\r\nDos.\rTres [[Nada mezcla]].").encode()},
        (("encoding-crlf", "enc-mixed-line-ends/Mezcla ⚫①.md", BODY),
         ("link-broken", "enc-mixed-line-ends/Mezcla ⚫①.md", BODY + 2))),
    Case("enc-double-encoded", {"enc-double-encoded/Doble ⚫①.md": seed_note(
        "Doble ⚫①", body=_DOUBLE).encode()},
        tuple(("encoding-double", "enc-double-encoded/Doble ⚫①.md", BODY + i)
              for i in (0, 2, 4, 6))),
    _one("enc-invalid-utf8", "Bytes malos ⚫①",
         seed_note("Bytes malos ⚫①", body="bien\nmal MARK aquí").encode().replace(
             b"MARK", b"\xff\xfe"), "encoding-invalid-utf8", BODY + 1),
    _one("enc-latin1", "Latin ⚫①",
         "---\nlang: ES\n---\n# Latin\n\nSegmentación y línea.\n".encode("latin-1"),
         "encoding-invalid-utf8", 6),
    Case("enc-empty", {"enc-empty/Vacía ⚫①.md": b""},
         (("frontmatter-missing", "enc-empty/Vacía ⚫①.md", 1),
          ("title-h1-missing", "enc-empty/Vacía ⚫①.md", 1))),
    Case("enc-only-frontmatter", {
        "enc-only-frontmatter/Solo cabecera ⚫①.md": seed_note("X").split("# X")[0],
        "enc-only-frontmatter/Sin salto ⚫①.md": seed_note("X").split("\n# X")[0]},
        (("title-h1-missing", "enc-only-frontmatter/Solo cabecera ⚫①.md", 19),
         ("title-h1-missing", "enc-only-frontmatter/Sin salto ⚫①.md", 18))),
    _one("enc-ten-megabytes", "Diez megas ⚫①", _TEN_MB, "link-broken",
         BODY + _TEN_MB_LINES),
    Case("enc-long-line", {"enc-long-line/Línea larga ⚫①.md": seed_note(
        # A heading of blanks used to take minutes (regex backtracking).
        "Línea larga ⚫①", body=_LONG + "\n\n## a" + " " * 100_000 + "b\n\n## " + "[" * 100_000)},
        (("link-broken", "enc-long-line/Línea larga ⚫①.md", BODY),)),
    _one("enc-no-final-newline", "Sin final ⚫①",
         seed_note("Sin final ⚫①", legend="Fin.").rstrip("\n"), "legend-missing", 25),
]

# --- names and links ------------------------------------------------------------------

_NFC = unicodedata.normalize("NFC", "names-nfc/Canción ⚫①.md")
_NFD = unicodedata.normalize("NFD", _NFC)
_CHAIN = 50


def _chain() -> dict[str, str | bytes]:
    return {f"links-embed-chain/Eslabón {i} ⚫①.md": seed_note(
        f"Eslabón {i} ⚫①", body=f"![[Eslabón {i + 1} ⚫①]]") for i in range(_CHAIN)}


NAMES_AND_LINKS = [
    Case("names-same-title", {
        "names-same-title/a/Gemelo ⚫①.md": seed_note("Gemelo ⚫①"),
        "names-same-title/b/Gemelo ⚫①.md": seed_note("Gemelo ⚫①"),
        "names-same-title/Usa gemelo ⚫①.md": seed_note("Usa gemelo ⚫①", body="[[Gemelo]]"),
    }, (("name-duplicate", "names-same-title/b/Gemelo ⚫①.md", 1),
        ("link-ambiguous", "names-same-title/Usa gemelo ⚫①.md", BODY))),
    Case("names-case-only", {
        "names-case-only/Mayúscula ⚫①.md": seed_note("Mayúscula ⚫①"),
        "names-case-only/mayúscula ⚫①.md": seed_note("mayúscula ⚫①"),
    }, (("name-duplicate", "names-case-only/mayúscula ⚫①.md", 1),)),
    Case("names-nfc-nfd", {
        _NFC: seed_note("Canción ⚫①"),
        _NFD: seed_note(unicodedata.normalize("NFD", "Canción ⚫①")),
    }, (("name-duplicate", sorted([_NFC, _NFD])[1], 1),)),
    Case("links-self", {"links-self/Yo mismo ⚫①.md": seed_note(
        "Yo mismo ⚫①", body="[[Yo mismo ⚫①]] y [[#Nada]]\n![[Yo mismo ⚫①]]")},
        (("link-heading-missing", "links-self/Yo mismo ⚫①.md", BODY),
         ("embed-cycle", "links-self/Yo mismo ⚫①.md", BODY + 1)),
        # A plain link to itself is fine.
        absent=(("embed-cycle", "links-self/Yo mismo ⚫①.md", BODY),
                ("link-broken", "links-self/Yo mismo ⚫①.md", BODY))),
    Case("links-embed-cycle", {
        "links-embed-cycle/Ida ⚫①.md": seed_note("Ida ⚫①", body="![[Vuelta ⚫①]]"),
        "links-embed-cycle/Vuelta ⚫①.md": seed_note("Vuelta ⚫①", body="![[Ida ⚫①]]"),
    }, (("embed-cycle", "links-embed-cycle/Vuelta ⚫①.md", BODY),)),
    Case("links-embed-chain", _chain(),
         (("link-broken", f"links-embed-chain/Eslabón {_CHAIN - 1} ⚫①.md", BODY),),
         absent=tuple(("embed-cycle", path, None) for path in _chain())),
    Case("links-outside", {"links-outside/Fuera ⚫①.md": seed_note("Fuera ⚫①", body=(
        "[[../../outside]]\n![[../../../etc/passwd.png]]\n[[./../../x]]\n[[a/../../../x]]"))},
        tuple(("link-outside-vault", "links-outside/Fuera ⚫①.md", BODY + i)
              for i in range(4))),
    Case("links-absolute", {"links-absolute/Absoluto ⚫①.md": seed_note("Absoluto ⚫①", body=(
        "[[/etc/passwd]]\n[[/../../etc/passwd]]\n![[/etc/hosts.png]]\n[[C:\\Windows\\win]]"))},
        (("link-broken", "links-absolute/Absoluto ⚫①.md", BODY),
         ("link-outside-vault", "links-absolute/Absoluto ⚫①.md", BODY + 1),
         ("link-broken", "links-absolute/Absoluto ⚫①.md", BODY + 2),
         ("link-broken", "links-absolute/Absoluto ⚫①.md", BODY + 3))),
    Case("links-url-encoded", {
        "links-url-encoded/Codificado ⚫①.md": seed_note("Codificado ⚫①", body=(
            "[[Acci%C3%B3n codificada]]\n[[%2E%2E/%2E%2E/secreto]]\n[[..%2F..%2Fsecreto]]\n"
            "[[%E0%A4%A]]")),
        "links-url-encoded/Acción codificada ⚫①.md": seed_note("Acción codificada ⚫①"),
    }, (("link-outside-vault", "links-url-encoded/Codificado ⚫①.md", BODY + 1),
        ("link-outside-vault", "links-url-encoded/Codificado ⚫①.md", BODY + 2),
        ("link-broken", "links-url-encoded/Codificado ⚫①.md", BODY + 3)),
        # `Acci%C3%B3n codificada` is the note `Acción codificada`.
        absent=(("link-broken", "links-url-encoded/Codificado ⚫①.md", BODY),)),
    Case("links-unsafe-url", {"links-unsafe-url/Guion ⚫①.md": seed_note("Guion ⚫①", body=(
        "[a](javascript:alert(1))\n"
        "[b]( JAVASCRIPT:alert(1))\n"
        "[c](data:text/html;base64,PHNjcmlwdD4=)\n"
        "![d](data:image/svg+xml,<svg onload=alert(1)>)\n"
        "[e](vbscript:msgbox)\n"
        "[f](<javascript:alert(1)>)\n"
        "[g](&#106;avascript:alert(1))\n"  # the browser decodes the reference
        "[h](java&#x09;script:alert(1))\n"  # and drops the tab
        "[i](\x01javascript:alert(1))\n"  # and the control character before it
        "[j]: javascript:alert(1)\n"  # a reference definition
        "[k](java\nscript:alert(1))\n"  # a line break inside the URL
        "[[Índice ⚫①]](javascript:alert(1))"))},
        tuple(("link-unsafe-url", "links-unsafe-url/Guion ⚫①.md", BODY + i)
              for i in [*range(11), 12])),
    Case("links-block-missing", {
        "links-block-missing/Bloques ⚫①.md": seed_note("Bloques ⚫①", body="Frase. ^b1"),
        "links-block-missing/Usa bloque ⚫①.md": seed_note(
            "Usa bloque ⚫①", body="[[Bloques ⚫①#^b2]]"),
    }, (("link-block-missing", "links-block-missing/Usa bloque ⚫①.md", BODY),)),
]

# --- hostile content ------------------------------------------------------------------

HOSTILE = [
    # A file name cannot hold `/`, so the script tag goes to the H1 and the aliases.
    _hostile("hostile-title", {
        f"{IMG}.md": seed_note("Otro título"),
        'Comillas "dobles" ⚫①.md': seed_note('Comillas "simples" ⚫①'),
    }, ("level-marker-missing", f"{IMG}.md", 1, IMG),
       ("title-mismatch", f"{IMG}.md", 19, IMG),
       ("title-mismatch", 'Comillas "dobles" ⚫①.md', 19, '"dobles"'),
       ("title-mismatch", 'Comillas "dobles" ⚫①.md', 19, '"simples"')),
    _hostile("hostile-alias", {
        "Alias uno ⚫①.md": seed_note("Alias uno ⚫①", extra=f"aliases: ['{SCRIPT}']\n"),
        "Alias dos ⚫①.md": seed_note("Alias dos ⚫①", extra=f"aliases: ['{SCRIPT}', '{IMG}']\n"),
        "Usa alias ⚫①.md": seed_note("Usa alias ⚫①",
                                     body=f"[[{SCRIPT}]]\n[[{IMG[:-2]}]]"),
    }, ("link-ambiguous", "Usa alias ⚫①.md", BODY, SCRIPT),
       ("link-broken", "Usa alias ⚫①.md", BODY + 1, IMG)),
    _hostile("hostile-tags", {
        "Etiquetas ⚫①.md": replaced("Etiquetas ⚫①", "tags:\n",
                                    f"tags: [{{'{IMG}': '{QUOTES}'}}]\n"),
    }, ("meta-type", "Etiquetas ⚫①.md", 17, IMG),
       ("meta-type", "Etiquetas ⚫①.md", 17, QUOTES)),
    _hostile("hostile-strings", {
        "Cadenas ⚫①.md": seed_note("Cadenas ⚫①", lang=f"'{SCRIPT}'", created=f"'{IMG}'",
                                   translations=f"'[[{QUOTES}]]'"),
    }, ("meta-lang-unknown", "Cadenas ⚫①.md", 6, SCRIPT),
       ("translation-broken", "Cadenas ⚫①.md", 7, QUOTES),
       ("meta-date-format", "Cadenas ⚫①.md", 8, IMG)),
    _hostile("hostile-link", {
        "Enlace hostil ⚫①.md": seed_note("Enlace hostil ⚫①",
                                         body=f"{SCRIPT}\n[[{IMG_LINK}|{QUOTES}]]"),
    }, ("link-broken", "Enlace hostil ⚫①.md", BODY + 1, IMG_LINK),
       ("link-broken", "Enlace hostil ⚫①.md", BODY + 1, QUOTES)),
]

CASES: list[Case] = [*FRONTMATTER, *ENCODING, *NAMES_AND_LINKS, *HOSTILE]
assert len({case.id for case in CASES}) == len(CASES)


def all_files() -> dict[str, str | bytes]:
    """Every case's files plus the base notes: the combined bad vault."""
    files: dict[str, str | bytes] = dict(BASE)
    for case in CASES:
        assert not set(files) & set(case.files), case.id
        files.update(case.files)
    return files
