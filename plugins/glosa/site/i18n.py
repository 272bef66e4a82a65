"""Interface text of generated pages and page furniture, per language.

Dates and language names come from Babel (Unicode CLDR data); the few labels glosa adds to
a page are a small table here, overridable through the ``ui_text`` plugin option.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, datetime

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date

__all__ = ["UI_TEXT", "format_day", "language_name", "language_name_in", "og_locale",
           "ui_text"]

UI_TEXT: dict[str, dict[str, str]] = {
    "es": {
        "home": "Inicio", "az": "Índice A–Z", "tags": "Etiquetas", "sections": "Secciones",
        "level": "Nivel", "version": "Versión", "modified": "Actualizado",
        "open_embed": "Abrir",
        "backlinks": "Enlazan aquí", "no_backlinks": "Ningún término enlaza aquí todavía.",
        "translation": "Leer en", "search": "Buscar en el glosario",
        "search_placeholder": "Buscar términos (es/en)…", "no_results": "Sin resultados",
        "result_count": "{n} resultados", "did_you_mean": "¿Quisiste decir…?",
        "to_dark": "Cambiar a modo oscuro", "to_light": "Cambiar a modo claro",
        "more_backlinks": "{n} más", "not_found": "Página no encontrada",
        "levels": "Niveles", "newest": "Términos recientes",
        "landing_search": "Busca un término en español o en inglés con la caja de arriba.",
        "not_found_help": "Esta dirección no lleva a ninguna página. Busca el término arriba.",
        "back_home": "Ir al inicio del glosario",
        "only_children": "Solo lo enlazan sus términos de este apartado.",
        "ai_notice": ("Borrador redactado por un modelo de IA, pendiente de revisión por "
                      "una persona."),
        "terms": "términos", "tag": "Etiqueta", "subterms": "Términos de este apartado",
        "languages": "Idiomas", "breadcrumb": "Ruta", "other": "Otros",
        "choose_language": "Elige idioma", "aliases": "También llamado:",
        "dashboard": "Panel editorial", "dash_status": "Estado editorial",
        "dash_field": "Campo", "dash_value": "Valor", "dash_count": "Notas",
        "dash_actions": "Acciones pendientes", "dash_translations": "Traducciones",
        "dash_missing": "Faltan", "dash_stale": "Desactualizadas",
        "dash_oldest": "Notas modificadas hace más tiempo", "dash_empty": "(vacío)",
        "explorer": "Carpetas", "explorer_here": "Esta carpeta", "graph": "Grafo",
        "graph_local": "Grafo de esta nota", "graph_neighbours": "Notas enlazadas",
        "graph_page_intro": "Cada punto es una nota; las líneas son enlaces.",
        "recent": "Cambios recientes", "feed": "Suscribirse (Atom)",
        "properties": "Propiedades", "note_home": "Inicio",
        "kind_notes_no_backlinks": "Ninguna nota enlaza aquí todavía.",
        "kind_notes_terms": "notas", "kind_notes_subterms": "Notas de este apartado",
        "kind_notes_search": "Buscar en las notas",
        "kind_notes_search_placeholder": "Buscar notas (es/en)…",
    },
    "en": {
        "home": "Home", "az": "A–Z index", "tags": "Tags", "sections": "Sections",
        "level": "Level", "version": "Version", "modified": "Updated",
        "open_embed": "Open",
        "backlinks": "Linked from", "no_backlinks": "No term links here yet.",
        "translation": "Read in", "search": "Search the glossary",
        "search_placeholder": "Search terms (en/es)…", "no_results": "No results",
        "result_count": "{n} results", "did_you_mean": "Did you mean…?",
        "to_dark": "Switch to dark mode", "to_light": "Switch to light mode",
        "more_backlinks": "{n} more", "not_found": "Page not found",
        "levels": "Levels", "newest": "Newest terms",
        "landing_search": "Search for a term in Spanish or English with the box above.",
        "not_found_help": "This address leads to no page. Search for the term above.",
        "back_home": "Go to the glossary's home",
        "only_children": "Only its own sub-terms link here.",
        "ai_notice": "Draft written by an AI model, awaiting review by a person.",
        "terms": "terms", "tag": "Tag", "subterms": "Terms in this section",
        "languages": "Languages", "breadcrumb": "Path", "other": "Other",
        "choose_language": "Choose a language", "aliases": "Also known as:",
        "dashboard": "Editorial dashboard", "dash_status": "Editorial status",
        "dash_field": "Field", "dash_value": "Value", "dash_count": "Notes",
        "dash_actions": "Pending actions", "dash_translations": "Translations",
        "dash_missing": "Missing", "dash_stale": "Stale",
        "dash_oldest": "Least recently modified notes", "dash_empty": "(empty)",
        "explorer": "Folders", "explorer_here": "This folder", "graph": "Graph",
        "graph_local": "Graph of this note", "graph_neighbours": "Linked notes",
        "graph_page_intro": "Each dot is a note; lines are links.",
        "recent": "Recent changes", "feed": "Subscribe (Atom)",
        "properties": "Properties", "note_home": "Home",
        "kind_notes_no_backlinks": "No note links here yet.",
        "kind_notes_terms": "notes", "kind_notes_subterms": "Notes in this section",
        "kind_notes_search": "Search the notes",
        "kind_notes_search_placeholder": "Search notes (en/es)…",
    },
}


def ui_text(lang: str, overrides: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, str]:
    """Labels for one language: English as the base, the language's table, then overrides."""
    text = dict(UI_TEXT["en"])
    text.update(UI_TEXT.get(lang, {}))
    if overrides and lang in overrides:
        text.update(overrides[lang])
    return text


def _locale(lang: str) -> Locale | None:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


# Babel looks these up in its locale data on every call; a site asks for the same few
# names and dates on every page.
@functools.lru_cache(maxsize=256)
def language_name(lang: str) -> str:
    """The language's own name for itself, capitalised: "Español", "English"."""
    locale = _locale(lang)
    name = locale.get_display_name(locale) if locale else None
    return (name or lang.upper())[:1].upper() + (name or lang.upper())[1:]


@functools.lru_cache(maxsize=256)
def language_name_in(lang: str, reader: str) -> str:
    """A language's name as readers of another language write it: "inglés" for es."""
    locale = _locale(reader)
    name = locale.languages.get(lang) if locale else None
    return name or language_name(lang)


def format_day(moment: datetime, lang: str) -> str:
    """A date as readers of the language write it: "6 de mayo de 2024", "6 May 2024"."""
    return _format_day(moment.date(), lang)


@functools.lru_cache(maxsize=4096)
def _format_day(day: date, lang: str) -> str:
    locale = _locale(lang)
    if locale is None:
        return day.isoformat()
    return format_date(day, format="long", locale=locale)


@functools.lru_cache(maxsize=256)
def og_locale(lang: str) -> str:
    """The language as OpenGraph writes a locale, with its most likely territory from CLDR:
    "es" → "es_ES", "en" → "en_US"; a tag with a territory keeps it ("pt-BR" → "pt_BR")."""
    parts = lang.replace("-", "_").split("_")
    if len(parts) > 1 and len(parts[-1]) == 2:
        return f"{parts[0].lower()}_{parts[-1].upper()}"
    likely = str(get_global("likely_subtags").get(parts[0].lower(), ""))
    territory = likely.split("_")[-1] if likely.count("_") >= 1 else ""
    if len(territory) == 2 and territory.isalpha():
        return f"{parts[0].lower()}_{territory.upper()}"
    return parts[0].lower()
