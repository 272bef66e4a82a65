"""Engine-free site helpers: relative URLs, summaries, backlinks, listings."""

from __future__ import annotations

import posixpath

import pytest

from glosa import GlosaConfig, load_vault
from glosa.site.model import (
    SiteModel,
    first_paragraph,
    initial_of,
    plain_text,
    relative_url,
    sort_key,
    text_window,
)

from .conftest import VaultFactory, seed_note


@pytest.mark.parametrize(
    ("from_url", "to_url", "expected"),
    [
        ("es/a/", "es/b/", "../b/"),
        ("es/x/a/", "es/x/", "../"),
        ("es/a/", "es/a/img.png", "img.png"),
        ("es/a/", "es/a/", ""),
        ("", "es/a/", "es/a/"),
        ("index.html", "es/a.html", "es/a.html"),
        ("es/a.html", "es/b.html", "b.html"),
        ("es/a.html", "en/b.html", "../en/b.html"),
        ("es/", "index.html", "../index.html"),
        ("es/t/Cliente%20X/", "en/Customer/", "../../../en/Customer/"),
        ("a/b/c/", "a/bb/c/", "../../bb/c/"),
    ],
)
def test_relative_url(from_url: str, to_url: str, expected: str) -> None:
    assert relative_url(from_url, to_url) == expected
    if expected:
        base = from_url if from_url.endswith("/") else posixpath.dirname(from_url)
        assert posixpath.normpath(posixpath.join(base, expected)) == posixpath.normpath(to_url)


def test_sort_key_ignores_accents_and_case() -> None:
    titles = ["Índice", "idea", "Árbol", "zeta", "ñu", "nube", "oso"]
    assert sorted(titles, key=sort_key) == [
        "Árbol", "idea", "Índice", "nube", "ñu", "oso", "zeta"]
    assert [initial_of(t) for t in ("Árbol", "ñu", "Ñandú", "1er", "nube")] == [
        "A", "Ñ", "Ñ", "#", "N"]


def test_backlinks_carry_bounded_snippets(make_vault: VaultFactory) -> None:
    files = {"Hub ⚫①.md": seed_note("Hub ⚫①", parent=None, body="El centro.")}
    for i in range(40):
        files[f"n/Nota {i:02d} 🟡③.md"] = seed_note(
            f"Nota {i:02d} 🟡③", parent="Hub ⚫①",
            body=f"Primera frase {i}.\n\nLa nota {i} cita al [[Hub|centro]] aquí.")
    model = SiteModel(load_vault(make_vault(files), GlosaConfig()))
    hub = model.vault.index.note_at("Hub ⚫①.md")
    assert hub is not None
    backlinks = model.backlinks_of(hub, with_snippets=30)
    assert len(backlinks) == 40  # one entry per source note, though each links twice
    assert backlinks[0][0].title == "Nota 00"
    assert backlinks[0][1] == "La nota 0 cita al centro aquí."
    assert all(snippet for _, snippet in backlinks[:30])
    assert not any(snippet for _, snippet in backlinks[30:])
    assert [n.title for n in model.children(hub)][:2] == ["Nota 00", "Nota 01"]
    assert model.summary(backlinks[0][0]) == "Primera frase 0."


LONG_ES = ("El cliente compró en la tienda después de ver el anuncio de la campaña, así que "
           "la tasa de conversión subió; además, la atribución multicanal mostró que el correo "
           "electrónico había influido mucho más de lo que se creía en la decisión final.")


def assert_whole_words(piece: str, text: str) -> None:
    """``piece`` is a run of whole words of ``text`` (a comma or semicolon may go before an
    ellipsis), with an ellipsis exactly where text was left out."""
    core = piece.removeprefix("…").removesuffix("…")
    at = text.find(core)
    assert at >= 0, piece
    after = text[at + len(core):]
    assert at == 0 or text[at - 1] == " ", piece
    assert not after or after.lstrip(",;:")[:1] == " ", piece
    assert piece.startswith("…") == (at > 0), piece
    assert piece.endswith("…") == bool(after.strip(".")), piece


@pytest.mark.parametrize("width", range(20, 120, 7))
@pytest.mark.parametrize("label", ["tasa de conversión", "cliente", "decisión final",
                                   "atribución"])
def test_text_window_cuts_between_words_around_the_label(width: int, label: str) -> None:
    piece = text_window(LONG_ES, LONG_ES.index(label), width, len(label))
    assert label in piece
    assert len(piece) <= width + 2
    assert_whole_words(piece, LONG_ES)


def test_text_window_keeps_short_text_and_cuts_an_overlong_word() -> None:
    assert text_window("Tasa de conversión", 5, 160) == "Tasa de conversión"
    word = "á" * 300
    assert text_window(word, 0, 50) == "á" * 50 + "…"


def test_backlink_snippets_never_cut_a_word(make_vault: VaultFactory) -> None:
    files = {"Tasa de conversión 🟡③.md": seed_note("Tasa de conversión 🟡③", parent=None,
                                                   body=LONG_ES),
             "Otra 🟡③.md": seed_note(
                 "Otra 🟡③", parent=None,
                 body=LONG_ES.replace("la tasa de conversión", "la [[Tasa de conversión]]"))}
    model = SiteModel(load_vault(make_vault(files), GlosaConfig()))
    term = model.vault.index.note_at("Tasa de conversión 🟡③.md")
    assert term is not None
    ((_, snippet),) = model.backlinks_of(term)
    assert "tasa de conversión" not in snippet  # the label is the link's text
    assert "Tasa de conversión" in snippet and snippet.startswith("…")
    assert_whole_words(snippet, LONG_ES.replace("la tasa", "la Tasa"))
    assert first_paragraph(term, 50) == "El cliente compró en la tienda después de ver el…"
    assert model.summary(term, 72).endswith(" la campaña…")  # no comma before the cut
    assert_whole_words(model.summary(term, 72), LONG_ES)


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("Texto   llano\ncon salto", "Texto llano con salto"),
        ("# **Título** de _prueba_", "Título de prueba"),
        ("> cita `código`", "cita código"),
        ("- item ~~tachado~~ ==marcado==", "item tachado marcado"),
        ("1. uno\n2. dos\n* tres", "uno dos tres"),
        ("| a | b |", "a · b"),
        ("Definición del término. ^def", "Definición del término."),
        ("Ver [[Cliente ⚫①|clientes]], [[Venta 🟡③#Ejemplo]] y [[Lead]].",
         "Ver clientes, Venta › Ejemplo y Lead."),
        ("Una ![[Imagen.png]] y [un enlace](https://example.org/(x)).",
         "Una Imagen.png y un enlace."),
        ("<b>negrita</b> en HTML", "negrita en HTML"),
        ("Tasa $\\text{CTR} = c / i$ y $x^2$", "Tasa CTR = c / i y x^2"),
        ("$\\space$", ""),                       # a spacer: nothing to read
        ("Cuesta $5 y $10 al mes", "Cuesta $5 y $10 al mes"),  # prices, no math
    ],
)
def test_plain_text(markdown: str, text: str) -> None:
    assert plain_text(markdown) == text


def test_comments_and_spacers_never_reach_descriptions_or_snippets(
        make_vault: VaultFactory) -> None:
    """`%%` and HTML comments are a note's private text: not in its description (meta,
    previews, A–Z, search excerpt) nor in the snippets other pages quote; a paragraph of
    spacing math or display math is skipped for the next one."""
    root = make_vault({
        "Uno.md": "# Uno\n\n$\\space$\n\n$$\nx^2\n$$\n\nTexto %% secreto %% visible, ver "
                  "[[Dos]].\n",
        "Dos.md": "# Dos\n\n%%\nbloque [[Uno]] oculto\n%%\n\n<!-- nota privada -->Definición"
                  " de dos, ver [[Uno]] %%oculto%%.\n",
        "Tres.md": "# Tres\n\n`%% en código %%` y [[Uno]]\n",
    })
    vault = load_vault(root, GlosaConfig.from_mapping({"profile": "obsidian",
                                                       "languages": ["es"]}))
    model = SiteModel(vault)
    notes = {note.title: note for note in vault.notes}
    assert model.summary(notes["Uno"]) == "Texto visible, ver Dos."
    assert model.summary(notes["Dos"]) == "Definición de dos, ver Uno ."
    snippets = [snippet for _, snippet in model.backlinks_of(notes["Uno"])]
    assert snippets and not any("oculto" in s or "privada" in s for s in snippets)
    assert any("%% en código %%" in s for s in snippets)  # code shows what it holds
