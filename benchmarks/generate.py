"""Synthetic bilingual vaults in the note format, for benchmarks.

``python -m benchmarks.generate N OUT [--seed S]`` writes N notes to OUT: half Spanish
(``es/``), half English (``en/``), each note paired with its translation. Every vault has,
per language, a root index note, a legend note and regular notes spread over
section/subsection folders (and a deeper folder for the higher levels). Regular notes carry
every frontmatter key of the format, a parent link, about eight wiki-links in every form
the format allows (with and without level marker, ``|label``, ``#Heading``, ``[[#Heading]]``,
inside table cells with ``\\|``), tags, ``nav_primary``/``nav_secondary``, sometimes an
embed (never a cycle) and the legend line last.

The output depends only on N and the seed. A generated vault passes ``glosa check`` with no
errors and no warnings.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from glosa.config import DEFAULT_LEVEL_LABELS
from glosa.reading.markers import LEVEL_MARKERS

__all__ = ["LANGS", "MARKERS", "GeneratedVault", "Language", "generate_vault", "main"]

#: Level markers, level 1 to 6.
MARKERS = LEVEL_MARKERS
LEGEND_TAIL = "①②③④⑤⑥ | ⚫① 🔴② 🟡③ 🟢④ 🔵⑤ ⚪⑥"
#: Written into the output folder so that a later run may safely replace it.
STAMP = ".glosa-bench-vault"


@dataclass(frozen=True)
class Language:
    """Everything language-specific the generator writes."""

    code: str
    root_title: str
    legend_title: str
    #: (folder, nav_primary, [(folder, nav_secondary), ...]) per section.
    sections: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]
    deep_folder: str
    heads: tuple[str, ...]
    tails: tuple[str, ...]
    filler: tuple[str, ...]
    #: A word every note contains, for search measurements.
    common_word: str
    example_heading: str
    related_heading: str
    table_header: str
    relations: tuple[str, ...]
    sentences: tuple[str, ...]
    intro: str
    legend_intro: str
    level_labels: tuple[str, ...]


ES = Language(
    code="es",
    root_title="Glosario de pruebas",
    legend_title="Leyenda de niveles",
    sections=(
        ("captacion", "Captación", (("busqueda", "Búsqueda"), ("correo", "Correo electrónico"),
                                    ("redes", "Redes sociales"), ("pago", "Publicidad de pago"))),
        ("cliente", "Cliente", (("perfil", "Perfil"), ("segmentos", "Segmentación"),
                                ("datos", "Datos del cliente"), ("valor", "Valor"))),
        ("metricas", "Métricas", (("conversion", "Conversión"), ("retencion", "Retención"),
                                  ("ingresos", "Ingresos"), ("pruebas", "Experimentación"))),
        ("relacion", "Relación", (("fidelizacion", "Fidelización"), ("atencion", "Atención"),
                                  ("comunidad", "Comunidad"), ("experiencia", "Experiencia"))),
        ("viaje", "Viaje del cliente", (("descubrimiento", "Descubrimiento"),
                                        ("consideracion", "Consideración"),
                                        ("compra", "Compra"), ("recomendacion", "Recomendación"))),
        ("contenidos", "Contenidos", (("editorial", "Línea editorial"), ("formatos", "Formatos"),
                                      ("distribucion", "Distribución"), ("marca", "Marca"))),
        ("analitica", "Analítica", (("medicion", "Medición"), ("atribucion", "Atribución"),
                                    ("paneles", "Paneles"), ("modelos", "Modelos"))),
        ("comercio", "Comercio electrónico", (("catalogo", "Catálogo"), ("precios", "Precios"),
                                              ("logistica", "Logística"), ("pagos", "Pagos"))),
    ),
    deep_folder="avanzado",
    heads=("Análisis", "Campaña", "Conversión", "Captación", "Fidelización", "Segmentación",
           "Métrica", "Interacción", "Público", "Búsqueda", "Señal", "Atribución", "Retención",
           "Suscripción", "Comunicación", "Visibilidad", "Reputación", "Optimización",
           "Automatización", "Personalización", "Publicación", "Recomendación", "Valoración",
           "Prospección", "Audiencia", "Embudo", "Tráfico", "Estrategia", "Plataforma",
           "Gestión"),
    tails=("del cliente", "de marca", "en buscadores", "por correo electrónico",
           "de contenidos", "móvil", "orgánica", "de pago", "en redes sociales", "predictiva",
           "multicanal", "de afiliación", "de temporada", "geográfica", "demográfica",
           "en tienda física"),
    filler=("la", "estrategia", "digital", "mide", "cada", "campaña", "según", "su",
            "público", "objetivo", "y", "el", "equipo", "revisa", "los", "datos", "con",
            "atención", "para", "mejorar", "la", "conversión", "cuando", "el", "mercado",
            "cambia", "rápidamente", "también", "se", "analiza", "qué", "canal", "aporta",
            "más", "valor", "a", "largo", "plazo"),
    common_word="cliente",
    example_heading="Ejemplo",
    related_heading="Términos relacionados",
    table_header="| Término | Relación |",
    relations=("complementario", "previo", "posterior", "contrario", "más amplio"),
    sentences=(
        "Es un concepto que toda persona que trabaja con el cliente debería conocer.",
        "Su valor depende de cómo se combine con el resto de acciones dirigidas al cliente.",
        "Una pequeña tienda en línea lo aplica cuando quiere conocer mejor a su cliente.",
        "Conviene revisarlo cada trimestre, porque el cliente cambia de hábitos con rapidez.",
    ),
    intro="Bienvenida al glosario de pruebas: cada término explica una idea sobre el cliente "
          "y enlaza con su traducción. Las secciones son:",
    legend_intro="Cada término lleva un marcador de nivel; el nivel indica lo especializado que "
                 "es el concepto para quien trabaja con el cliente.",
    level_labels=tuple(DEFAULT_LEVEL_LABELS["es"][level] for level in range(1, 7)),
)

EN = Language(
    code="en",
    root_title="Test glossary",
    legend_title="Level legend",
    sections=(
        ("acquisition", "Acquisition", (("search", "Search"), ("email", "Email"),
                                        ("social", "Social media"), ("paid", "Paid media"))),
        ("customer", "Customer", (("profile", "Profile"), ("segments", "Segmentation"),
                                  ("data", "Customer data"), ("value", "Value"))),
        ("metrics", "Metrics", (("conversion", "Conversion"), ("retention", "Retention"),
                                ("revenue", "Revenue"), ("testing", "Experimentation"))),
        ("relationship", "Relationship", (("loyalty", "Loyalty"), ("service", "Service"),
                                          ("community", "Community"),
                                          ("experience", "Experience"))),
        ("journey", "Customer journey", (("discovery", "Discovery"),
                                         ("consideration", "Consideration"),
                                         ("purchase", "Purchase"), ("advocacy", "Advocacy"))),
        ("content", "Content", (("editorial", "Editorial line"), ("formats", "Formats"),
                                ("distribution", "Distribution"), ("brand", "Brand"))),
        ("analytics", "Analytics", (("measurement", "Measurement"),
                                    ("attribution", "Attribution"), ("dashboards", "Dashboards"),
                                    ("models", "Models"))),
        ("commerce", "E-commerce", (("catalogue", "Catalogue"), ("pricing", "Pricing"),
                                    ("logistics", "Logistics"), ("payments", "Payments"))),
    ),
    deep_folder="advanced",
    heads=("Analysis", "Campaign", "Conversion", "Acquisition", "Loyalty", "Segmentation",
           "Metric", "Engagement", "Audience", "Search", "Signal", "Attribution", "Retention",
           "Subscription", "Communication", "Visibility", "Reputation", "Optimisation",
           "Automation", "Personalisation", "Publishing", "Recommendation", "Rating",
           "Prospecting", "Reach", "Funnel", "Traffic", "Strategy", "Platform",
           "Management"),
    tails=("of customers", "of brands", "in search engines", "by email", "of content",
           "on mobile", "organic", "paid", "on social media", "predictive", "multichannel",
           "for affiliates", "seasonal", "geographic", "demographic", "in physical stores"),
    filler=("the", "digital", "strategy", "measures", "each", "campaign", "by", "its",
            "target", "audience", "and", "the", "team", "reviews", "the", "data", "with",
            "care", "to", "improve", "conversion", "when", "the", "market", "changes",
            "quickly", "it", "also", "looks", "at", "which", "channel", "brings", "more",
            "value", "over", "time"),
    common_word="customer",
    example_heading="Example",
    related_heading="Related terms",
    table_header="| Term | Relation |",
    relations=("complementary", "earlier", "later", "opposite", "broader"),
    sentences=(
        "It is a concept everyone who works with the customer should know.",
        "Its value depends on how it combines with everything else aimed at the customer.",
        "A small online shop applies it when it wants to know its customer better.",
        "It is worth reviewing every quarter, because the customer changes habits quickly.",
    ),
    intro="Welcome to the test glossary: each term explains an idea about the customer and "
          "links to its translation. The sections are:",
    legend_intro="Every term carries a level marker; the level tells how specialised the "
                 "concept is for someone who works with the customer.",
    level_labels=tuple(DEFAULT_LEVEL_LABELS["en"][level] for level in range(1, 7)),
)

LANGS = (ES, EN)


@dataclass
class _Note:
    title: str
    level: int
    folder: str
    section: int
    subsection: int
    parent: int | None = None
    embed: int | None = None

    @property
    def stem(self) -> str:
        return f"{self.title} {MARKERS[self.level - 1]}"


@dataclass
class GeneratedVault:
    """What was written, for callers that need to know more than the folder."""

    root: Path
    notes: int
    links: int
    embeds: int
    files: list[str] = field(default_factory=list)
    #: Vault-relative path of each language's root index note, by language code.
    index_notes: dict[str, str] = field(default_factory=dict)
    #: A word found in every note of each language (for search queries).
    common_words: dict[str, str] = field(default_factory=dict)


def _titles(lang: Language, count: int, rng: random.Random) -> list[str]:
    """``count`` distinct titles; past the word pool's size a number tells them apart."""
    pool = [f"{head} {tail}" for head in lang.heads for tail in lang.tails]
    rng.shuffle(pool)
    return [pool[i % len(pool)] + (f" {i // len(pool) + 1}" if i >= len(pool) else "")
            for i in range(count)]


def _plan(count: int, rng: random.Random) -> list[tuple[int, int, int, int | None, int | None]]:
    """Language-independent shape of ``count`` regular notes:
    (level, section, subsection, parent index, embedded index) per note."""
    n_sections = min(len(ES.sections), max(1, count // 4))
    plan: list[tuple[int, int, int, int | None, int | None]] = []
    by_section: dict[int, list[int]] = {}
    for i in range(count):
        section = i % n_sections
        members = by_section.setdefault(section, [])
        if not members:
            level, parent = 1, None  # section head: child of the root index
        else:
            level = rng.choice((2, 2, 3, 3, 3, 4, 4, 5, 6))
            # Prefer recent notes of the section: a bushy tree a few levels deep.
            parent = members[rng.randrange(max(0, len(members) - 50), len(members))]
        subsection = rng.randrange(4)
        embed: int | None = None
        # About one note in ten embeds one earlier note that embeds nothing: no cycles.
        if i % 10 == 7 and i > 10:
            candidates = [j for j in range(max(0, i - 40), i) if j % 10 != 7]
            embed = rng.choice(candidates)
        plan.append((level, section, subsection, parent, embed))
        members.append(i)
    return plan


def _timestamp(rng: random.Random) -> tuple[str, str]:
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    created = start + timedelta(seconds=rng.randrange(0, 2 * 365 * 86400),
                                milliseconds=rng.randrange(1000))
    modified = created + timedelta(seconds=rng.randrange(0, 90 * 86400),
                                   milliseconds=rng.randrange(1000))

    def fmt(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    return fmt(created), fmt(modified)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _frontmatter(lang: Language, rng: random.Random, translation: str | None,
                 nav: tuple[str, str],
                 tags: list[str], extra: str = "") -> str:
    ia_status = rng.choice((0, 0, 1, 2))
    created, modified = _timestamp(rng)
    lines = [
        "---",
        f"iaStatus: {ia_status}",
        f"iaStatus_Model: {_q('' if ia_status == 0 else 'modelo-de-pruebas')}",
        f"a11y: {rng.randrange(4)}",
        f"checked: {rng.randrange(2)}",
        f"lang: {lang.code.upper()}",
        f"translations: {_q(f'[[{translation}]]')}" if translation else "translations:",
        f"created: {created}",
        f"modified: {modified}",
        f"supervisado: {_q(rng.choice(('', '', 'Ana Núñez', 'Iñaki Peña')))}",
        f"ACCION: {_q(rng.choice(('', '', '', 'revisar ejemplo')))}",
        f"ver_major: {rng.randrange(2)}",
        f"ver_minor: {rng.randrange(10)}",
        f"ver_rev: {rng.randrange(10)}",
        f"nav_primary: {_q(nav[0])}" if nav[0] else "nav_primary:",
        f"nav_secondary: {_q(nav[1])}" if nav[1] else "nav_secondary:",
        "tags:",
        *(f"  - {_q(tag)}" for tag in tags),
    ]
    return "\n".join(lines) + "\n" + extra + "---\n"


def _legend_line(lang: Language) -> str:
    return f"[[{lang.legend_title} {MARKERS[1]}]] | {LEGEND_TAIL}"


_SYLLABLES = {
    "es": ("ca", "de", "ra", "ción", "men", "to", "lo", "ga", "pe", "sa", "ti", "vo", "mar",
           "con", "tra", "dad", "ble", "rí", "cú", "ñe", "ré", "li", "no", "sá", "cia", "gu"),
    "en": ("ad", "ver", "tis", "ing", "mar", "ket", "con", "tent", "re", "ten", "tion", "lo",
           "yal", "ty", "sub", "scrib", "er", "en", "gage", "ment", "pro", "file", "da", "ta"),
}
_VOCABULARY: dict[str, tuple[list[str], list[float]]] = {}


def _vocabulary(lang: Language) -> tuple[list[str], list[float]]:
    """Words with Zipf-like cumulative weights: the format's own filler words first (the
    most frequent), then a few thousand made-up words, so that a search index of a
    generated vault has a realistic number of distinct terms."""
    if lang.code not in _VOCABULARY:
        made = random.Random(f"vocabulary-{lang.code}")
        syllables = _SYLLABLES[lang.code]
        words = list(dict.fromkeys(lang.filler))
        seen = set(words)
        while len(words) < 4000:
            word = "".join(made.choice(syllables) for _ in range(made.randint(2, 4)))
            if word not in seen:
                seen.add(word)
                words.append(word)
        total = 0.0
        cumulative: list[float] = []
        for rank in range(len(words)):
            total += 1.0 / (rank + 1)
            cumulative.append(total)
        _VOCABULARY[lang.code] = (words, cumulative)
    return _VOCABULARY[lang.code]


def _words(lang: Language, rng: random.Random, count: int) -> str:
    words, cumulative = _vocabulary(lang)
    return " ".join(rng.choices(words, cum_weights=cumulative, k=count))


def _regular_body(lang: Language, notes: list[_Note], i: int, rng: random.Random,
                  root: str) -> tuple[str, int]:
    """(body, number of wiki-links written) of regular note ``i``."""
    note = notes[i]
    others = ([j for j in range(len(notes)) if j != i] or [i]) if len(notes) <= 64 else []

    def pick() -> _Note:
        if others:
            return notes[rng.choice(others)]
        while True:
            j = rng.randrange(len(notes))
            if j != i:
                return notes[j]

    parent = notes[note.parent].stem if note.parent is not None else root
    a, b, c, d, e, f, g, h = (pick() for _ in range(8))
    ex, rel = lang.example_heading, lang.related_heading
    s1, s2, s3, s4 = lang.sentences
    lines = [
        f"# {note.stem}",
        "",
        f"[[{parent}]]",
        "",
        f"**{note.title}** {_words(lang, rng, 30)}, {lang.common_word}; "
        f"{_words(lang, rng, 12)} [[{a.stem}]] {_words(lang, rng, 10)} "
        f"[[{b.stem}|{b.title.lower()}]]. {s1}",
        "",
        f"{_words(lang, rng, 40).capitalize()}. {s2} {_words(lang, rng, 8)} "
        f"[[{c.stem}#{ex}]] {_words(lang, rng, 8)} [[{d.title}]] "
        f"({_words(lang, rng, 4)}, [[#{ex}]]).",
        "",
        f"## {ex}",
        "",
        f"{s3} {_words(lang, rng, 35)} [[{e.stem}#{rel}|{e.title.lower()}]].",
        "",
        lang.table_header,
        "|---|---|",
        f"| [[{f.stem}\\|{f.title}]] | {rng.choice(lang.relations)} |",
        f"| [[{g.stem}]] | {rng.choice(lang.relations)} |",
        "",
        f"## {rel}",
        "",
        f"- [[{h.stem}]]: {_words(lang, rng, 12)}.",
        f"- [[{a.stem}|{a.title}]]: {s4}",
    ]
    links = 11  # parent, a, b, c, d, #heading, e, f, g, h, a again
    if note.embed is not None:
        lines += ["", f"![[{notes[note.embed].stem}]]"]
        links += 1
    lines += ["", _legend_line(lang), ""]
    return "\n".join(lines), links + 1


def _tags(lang: Language, note: _Note) -> list[str]:
    folder, _, subs = lang.sections[note.section]
    return [folder, subs[note.subsection][0], f"nivel-{note.level}"
            if lang.code == "es" else f"level-{note.level}"]


def generate_vault(out: Path, n_notes: int, seed: int = 42) -> GeneratedVault:
    """Write a vault of ``n_notes`` notes (at least 6) into ``out``.

    ``out`` must be missing, empty, or a vault this function wrote before (it is replaced).
    """
    if n_notes < 6:
        raise ValueError("a vault needs at least 6 notes (root, legend and one term per "
                         "language)")
    out = Path(out)
    if out.exists():
        if (out / STAMP).is_file():
            shutil.rmtree(out)
        elif any(out.iterdir()):
            raise FileExistsError(f"{out} is not empty and was not written by this generator")
    out.mkdir(parents=True, exist_ok=True)
    (out / STAMP).write_text(f"n={n_notes} seed={seed}\n", encoding="utf-8")

    rng = random.Random(seed)
    per_lang = n_notes // 2
    counts = {"es": n_notes - per_lang - 2, "en": per_lang - 2}
    shape = _plan(max(counts.values()), rng)
    result = GeneratedVault(out, 0, 0, 0)

    titles = {lang.code: _titles(lang, counts[lang.code], rng) for lang in LANGS}
    regular: dict[str, list[_Note]] = {}
    for lang in LANGS:
        notes: list[_Note] = []
        for i, title in enumerate(titles[lang.code]):
            level, section, subsection, parent, embed = shape[i]
            folder, _, subs = lang.sections[section]
            path = f"{lang.code}/{folder}/{subs[subsection][0]}"
            if level >= 5:
                path += f"/{lang.deep_folder}"
            notes.append(_Note(title, level, path, section, subsection, parent, embed))
        regular[lang.code] = notes

    def translation(lang: Language, i: int) -> str | None:
        mate = regular[(EN if lang is ES else ES).code]
        # With an odd total, Spanish has one term more, which has no translation.
        return mate[i].stem if i < len(mate) else None

    for lang in LANGS:
        other = EN if lang is ES else ES
        root_stem = f"{lang.root_title} {MARKERS[0]}"
        legend_stem = f"{lang.legend_title} {MARKERS[1]}"
        notes = regular[lang.code]
        n_sections = min(len(lang.sections), max(1, len(shape) // 4))

        # Root index: no parent line (it heads the hierarchy); links to each section head.
        heads = [notes[i] for i in range(min(n_sections, len(notes)))]
        body = "\n".join([
            f"# {root_stem}", "", lang.intro, "",
            *(f"- [[{head.stem}|{lang.sections[head.section][1]}]]" for head in heads),
            "", f"[[{legend_stem}|{lang.legend_title.lower()}]]", "", _legend_line(lang), "",
        ])
        text = _frontmatter(lang, rng, f"{other.root_title} {MARKERS[0]}", ("", ""),
                            ["glosario" if lang.code == "es" else "glossary"]) + body
        result.links += len(heads) + 2
        _write(out, f"{lang.code}/{root_stem}.md", text, result)
        result.index_notes[lang.code] = f"{lang.code}/{root_stem}.md"
        result.common_words[lang.code] = lang.common_word

        # Legend note: the levels as a table, child of the root index.
        rows = [f"| {MARKERS[k]} | {label} |" for k, label in enumerate(lang.level_labels)]
        body = "\n".join([
            f"# {legend_stem}", "", f"[[{root_stem}]]", "", lang.legend_intro, "",
            "| | |", "|---|---|", *rows, "", _legend_line(lang), "",
        ])
        text = _frontmatter(lang, rng, f"{other.legend_title} {MARKERS[1]}", ("", ""),
                            ["leyenda" if lang.code == "es" else "legend"]) + body
        result.links += 2
        _write(out, f"{lang.code}/{legend_stem}.md", text, result)

        for i, note in enumerate(notes):
            body, links = _regular_body(lang, notes, i, rng, root_stem)
            primary, subs = lang.sections[note.section][1], lang.sections[note.section][2]
            mate = translation(lang, i)
            text = _frontmatter(lang, rng, mate,
                                (primary, subs[note.subsection][1]), _tags(lang, note)) + body
            result.links += links + (mate is not None)  # + the translation
            result.embeds += note.embed is not None
            _write(out, f"{note.folder}/{note.stem}.md", text, result)
    return result


def _write(out: Path, rel: str, text: str, result: GeneratedVault) -> None:
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    result.notes += 1
    result.files.append(rel)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("notes", type=int, help="number of notes (half per language)")
    parser.add_argument("out", type=Path, help="folder to write (replaced if generated before)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    vault = generate_vault(args.out, args.notes, args.seed)
    print(f"{vault.notes} notes, {vault.links} wiki-links, {vault.embeds} embeds in {vault.root}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
