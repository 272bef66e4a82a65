"""The bundled glossary: size, both languages, reciprocity, format and honesty."""

from __future__ import annotations

import ast
import json
import re
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from glosa import GlosaConfig, Vault, check_vault, load_vault
from glosa.cli.main import main
from glosa.config import find_config, load_config
from glosa.reading.markers import split_marker
from glosa.reading.model import Note, WikiLink
from glosa.reading.resolver import resolve_link
from glosa.site.model import sort_key

from .conftest import REPO

GLOSSARY = REPO / "glossary"


@pytest.fixture(scope="module")
def vault() -> Vault:
    config, _ = load_config(find_config(REPO))
    return load_vault(GLOSSARY, config)


def test_settings_come_from_mkdocs_yml() -> None:
    path = find_config(REPO)
    assert path is not None and path.name == "mkdocs.yml"
    config, docs = load_config(path)
    assert docs == REPO / "glossary" and config.languages == ("es", "en")


def test_check_is_clean(vault: Vault) -> None:
    assert check_vault(vault) == []


def test_both_languages_cover_the_same_concepts(vault: Vault) -> None:
    by_lang = {"es": [n for n in vault.notes if n.lang == "es"],
               "en": [n for n in vault.notes if n.lang == "en"]}
    assert len(by_lang["es"]) == len(by_lang["en"]) >= 62  # 60 concepts + index + legend
    pairs = set()
    for note in by_lang["es"]:
        assert len(note.translations) == 1, note.path
        target = resolve_link(vault.index, note.translations[0], note).note
        assert target is not None and target.lang == "en", note.path
        back = resolve_link(vault.index, target.translations[0], target).note
        assert back is note, f"{note.path} <-> {target.path} is not reciprocal"
        assert target.level == note.level, note.path
        pairs.add(target.path)
    assert pairs == {n.path for n in by_lang["en"]}


def test_format_of_every_note(vault: Vault) -> None:
    for note in vault.notes:
        assert note.marker is not None and note.h1 is not None, note.path
        assert note.legend is not None, note.path
        assert note.meta["iaStatus"] == 2 and note.meta["iaStatus_Model"], note.path
        assert note.meta["checked"] == 0 and note.meta["supervisado"] == "", note.path
        assert note.meta["a11y"] == 0, f"{note.path}: accessibility is not rated yet"
        targets = [resolve_link(vault.index, link, note).note for link in note.links
                   if link is not note.parent and link is not note.legend]
        others = {t.path for t in targets if t is not None and t is not note}
        assert len(others) >= 3, f"{note.path} links to {len(others)} other terms"


def test_every_link_form_is_used(vault: Vault) -> None:
    links = [link for note in vault.notes for link in note.links]
    assert any(link.label for link in links)
    assert any(link.heading for link in links)
    assert any(link.block for link in links)
    assert any(link.embed for link in links)
    assert any("\\|" in link.raw for link in links)
    no_marker = [link for link in links if link.target and link.target[-1] not in "①②③④⑤⑥"]
    by_alias = [link for link in no_marker
                if link.target.casefold() in {a.casefold() for n in vault.notes
                                              for a in n.aliases}]
    assert no_marker and by_alias


@pytest.mark.parametrize("alias", ["CLV", "LTV", "CAC", "NPS", "KPI", "CRM", "SEO", "SEM", "CTR",
                                   "ROI", "AOV", "CX", "UX", "CTA", "CR", "CSAT", "MVT", "WOM",
                                   "CJM", "CRR", "CLTV"])
def test_common_abbreviations_are_aliases_in_both_languages(vault: Vault, alias: str) -> None:
    langs = {n.lang for n in vault.notes if alias in n.aliases}
    assert langs == {"es", "en"}


def test_sections_group_the_terms(vault: Vault) -> None:
    for lang in ("es", "en"):
        sections = {n.meta["nav_primary"] for n in vault.notes
                    if n.lang == lang and n.meta.get("nav_primary")}
        assert 4 <= len(sections) <= 8


def _folded(word: str) -> str:
    return sort_key(word).replace("n~", "n")


def test_tags_are_spelled_as_the_notes_spell_the_words(vault: Vault) -> None:
    """A tag is a word of the language, accents included (`métricas`, not `metricas`):
    each word of a tag is spelled as the same language's notes spell it."""
    for lang in ("es", "en"):
        spellings: dict[str, Counter[str]] = {}
        for note in vault.notes:
            if note.lang == lang:
                for word in re.findall(r"\w+", f"{note.title} {note.body}".casefold()):
                    spellings.setdefault(_folded(word), Counter())[word] += 1
        tags = {tag for note in vault.notes if note.lang == lang for tag in note.tags}
        assert tags, lang
        for tag in tags:
            for word in tag.casefold().split("-"):
                usual = spellings.get(_folded(word))
                if usual:
                    assert word == usual.most_common(1)[0][0], (
                        f"{lang} tag {tag!r}: the notes write {usual.most_common(1)[0][0]!r}")
    spanish = {tag for note in vault.notes if note.lang == "es" for tag in note.tags}
    assert {"métricas", "conversión", "captación", "retención"} <= spanish


def test_default_profile_is_seed() -> None:
    assert GlosaConfig().profile == "seed"


# ------------------------------------------------------------------ what the notes show
#
# The constructs are counted from the note sources: display formulas (``$$`` blocks),
# Mermaid diagrams (```` ```mermaid ```` fences), callouts (``> [!type] Title``) and
# footnotes (``[^id]`` with a ``[^id]: ...`` definition in the same note).

LANGS = ("es", "en")
# Obsidian's callout types (and their aliases): any other word is a typo.
CALLOUT_TYPES = frozenset(
    "note abstract summary tldr info todo tip hint important success check done question "
    "help faq warning caution attention failure fail missing danger error bug example quote "
    "cite".split())
# The titles the glossary gives its warning and summary callouts, per language.
CALLOUT_TITLES = {"es": {"warning": "Error frecuente", "summary": "En resumen"},
                  "en": {"warning": "Common mistake", "summary": "In short"}}
FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$")
DISPLAY_MATH = re.compile(r"^\$\$\n(?P<tex>.+?)\n\$\$$", re.MULTILINE | re.DOTALL)
CALLOUT_HEAD = re.compile(r"^>\s*\[!(?P<type>[^\]]+)\][+-]?[ \t]*(?P<title>.*)$")
FOOTNOTE_LABEL = re.compile(r"^\[\^[^\]\s]+\]:")
FOOTNOTE_DEF = re.compile(r"^\[\^(?P<id>[^\]\s]+)\]:[ \t]+\S", re.MULTILINE)
FOOTNOTE_REF = re.compile(r"\[\^(?P<id>[^\]\s]+)\]")
MERMAID_LABEL = re.compile(r"\[\"?([^\]\"]+)\"?\]|\(\"?([^)\"]+)\"?\)|\{\"?([^}\"]+)\"?\}"
                           r"|\|([^|]+)\|")
MERMAID_EDGE = re.compile(r"-->|-\.->|==>|---")
# Longest line of a node or edge label that stays legible in a diagram on a phone screen.
MAX_LABEL = 26
BREAK = re.compile(r"<br\s*/?>")


@dataclass
class Callout:
    kind: str
    title: str
    lines: list[str]
    line: int  # line number in the note's body


def fenced_blocks(body: str) -> list[tuple[str, str]]:
    """``(info string, content)`` of every fenced code block of a note body."""
    blocks: list[tuple[str, str]] = []
    fence: str | None = None
    info, content = "", []
    for line in body.splitlines():
        match = FENCE.match(line)
        if fence is None and match:
            fence, info, content = match[1], match[2].strip(), []
        elif fence is not None and line.strip() == fence[0] * len(fence):
            blocks.append((info, "\n".join(content)))
            fence = None
        elif fence is not None:
            content.append(line)
    return blocks


def prose(body: str) -> str:
    """The body without its fenced code blocks (where nothing is math or a callout)."""
    kept: list[str] = []
    fence: str | None = None
    for line in body.splitlines():
        match = FENCE.match(line)
        if fence is None and match:
            fence = match[1]
        elif fence is not None and line.strip() == fence[0] * len(fence):
            fence = None
        elif fence is None:
            kept.append(line)
    return "\n".join(kept)


def callouts(body: str) -> list[Callout]:
    found: list[Callout] = []
    current: Callout | None = None
    for number, line in enumerate(prose(body).splitlines(), 1):
        head = CALLOUT_HEAD.match(line)
        if head:
            current = Callout(head["type"].strip().casefold(), head["title"].strip(), [],
                              number)
            found.append(current)
        elif current is not None and line.startswith(">"):
            current.lines.append(line[1:].strip())
        else:
            current = None
    return found


def formulas(body: str) -> list[str]:
    return [m["tex"] for m in DISPLAY_MATH.finditer(prose(body))]


def diagrams(body: str) -> list[str]:
    return [content for info, content in fenced_blocks(body) if info.split()[:1] == ["mermaid"]]


def drawing(diagram: str) -> str:
    """A diagram without its accessible title and description lines."""
    return "\n".join(line for line in diagram.splitlines()
                     if not line.strip().startswith(("accTitle", "accDescr")))


def footnote_definitions(body: str) -> list[str]:
    return [m["id"] for m in FOOTNOTE_DEF.finditer(prose(body))]


def notes_of(vault: Vault, lang: str) -> list[Note]:
    return [n for n in vault.notes if n.lang == lang]


def count(vault: Vault, lang: str, construct: Callable[[str], list[Any]]) -> int:
    return sum(len(construct(n.body)) for n in notes_of(vault, lang))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("construct", "at_least"), [
    (formulas, 8), (diagrams, 3), (callouts, 20), (footnote_definitions, 5)],
    ids=["formulas", "diagrams", "callouts", "footnotes"])
def test_each_construct_is_used_enough(vault: Vault, lang: str,
                                       construct: Callable[[str], list[Any]],
                                       at_least: int) -> None:
    assert count(vault, lang, construct) >= at_least


def test_counting_reads_the_constructs_and_skips_code() -> None:
    body = ("Texto con $x$ en línea.\n\n$$\na = b\n$$\n\n> [!tip] Consejo\n> Uno.\n\n"
            "Dato[^1]: otro.\n\n```mermaid\nflowchart LR\n  A[Uno] --> B[Dos]\n```\n\n"
            "```text\n$$\nno = math\n$$\n> [!tip] no es un aviso\n[^2]: tampoco\n```\n\n"
            "[^1]: Fuente.\n")
    assert formulas(body) == ["a = b"]
    assert [(c.kind, c.title, c.lines) for c in callouts(body)] == [("tip", "Consejo", ["Uno."])]
    assert diagrams(body) == ["flowchart LR\n  A[Uno] --> B[Dos]"]
    assert footnote_definitions(body) == ["1"]


@pytest.mark.parametrize("lang", LANGS)
def test_callouts_have_known_types_and_the_glossary_titles(vault: Vault, lang: str) -> None:
    kinds: set[str] = set()
    for note in notes_of(vault, lang):
        for callout in callouts(note.body):
            where = f"{note.path}, callout at body line {callout.line}"
            assert callout.kind in CALLOUT_TYPES, f"{where}: unknown type [!{callout.kind}]"
            assert callout.lines and any(callout.lines), f"{where}: empty callout"
            expected = CALLOUT_TITLES[lang].get(callout.kind)
            if expected is not None:
                assert callout.title == expected, f"{where}: title {callout.title!r}"
            kinds.add(callout.kind)
    assert {"example", "warning", "summary", "tip"} <= kinds


@pytest.mark.parametrize("lang", LANGS)
def test_every_footnote_is_defined_and_referenced(vault: Vault, lang: str) -> None:
    for note in notes_of(vault, lang):
        text = prose(note.body)
        defined = footnote_definitions(note.body)
        # A definition's own label at the start of its line is not a reference.
        referenced = {m["id"] for line in text.splitlines()
                      for m in FOOTNOTE_REF.finditer(FOOTNOTE_LABEL.sub("", line, count=1))}
        assert len(defined) == len(set(defined)), f"{note.path}: a footnote defined twice"
        assert referenced == set(defined), (note.path, sorted(referenced), defined)


@pytest.mark.parametrize("lang", LANGS)
def test_the_dated_source_is_cited_with_author_and_date(vault: Vault, lang: str) -> None:
    cited = [note.path for note in notes_of(vault, lang)
             for line in prose(note.body).splitlines()
             if FOOTNOTE_DEF.match(line) and "Jesús Hernández" in line and "2017" in line]
    assert len(cited) >= 2, cited


# ------------------------------------------------------------------ diagrams


@pytest.mark.parametrize("lang", LANGS)
def test_diagrams_are_flowcharts_legible_on_a_phone_and_in_dark_mode(vault: Vault,
                                                                      lang: str) -> None:
    for note in notes_of(vault, lang):
        for diagram in diagrams(note.body):
            first, *rest = [line.strip() for line in diagram.splitlines() if line.strip()]
            assert re.fullmatch(r"flowchart (LR|TD|TB|RL|BT)", first), (note.path, first)
            # A screen reader announces the diagram by its title and description.
            described = {line.split(":")[0] for line in rest if line.startswith("acc")}
            assert described == {"accTitle", "accDescr"}, note.path
            rest = [line for line in rest if not line.startswith("acc")]
            # Fixed colours would be illegible in one of the two colour schemes.
            for line in rest:
                assert not re.match(r"(style|classDef|linkStyle)\b", line), (note.path, line)
                assert "fill:" not in line and "color:" not in line, (note.path, line)
            labels = [next(g for g in m.groups() if g) for m in MERMAID_LABEL.finditer(
                "\n".join(rest))]
            assert labels, note.path
            long = [label for label in labels
                    if max(len(part.strip()) for part in BREAK.split(label)) > MAX_LABEL]
            assert not long, f"{note.path}: labels too long for a phone: {long}"
            assert not any("[[" in line for line in rest), note.path


def test_each_diagram_is_drawn_in_both_languages_with_translated_labels(vault: Vault) -> None:
    drawn = 0
    for note in notes_of(vault, "es"):
        mine = diagrams(note.body)
        other = resolve_link(vault.index, note.translations[0], note).note
        assert other is not None
        theirs = diagrams(other.body)
        assert len(mine) == len(theirs), f"{note.path} and {other.path} differ in diagrams"
        for es, en in zip(mine, theirs, strict=True):
            es, en = drawing(es), drawing(en)
            assert len(MERMAID_EDGE.findall(es)) == len(MERMAID_EDGE.findall(en)), note.path
            es_labels = {m.group(0) for m in MERMAID_LABEL.finditer(es)}
            en_labels = {m.group(0) for m in MERMAID_LABEL.finditer(en)}
            assert es_labels != en_labels, f"{other.path}: labels left untranslated"
            drawn += 1
    assert drawn >= 3


# ------------------------------------------------------------------ worked examples
#
# A worked example is a `> [!example]` callout. Each of its lines holding " = " is a
# calculation, written `Name = expression = ... = result`: numbers in the note's
# language (es `40.000` and `2,2`; en `40,000` and `2.2`), the operators × / ÷ + − ( )
# and ^ for a power, `€` and `%` as unit labels only (a share is written as a decimal
# inside the expression: `0,30`, not `30 %`); numbers of five digits or more carry their
# thousands separator. The result may name its unit in words (`= 25 meses`). Every step
# must equal the result as far as the result's own decimals show. Sentences of the
# callout hold no " = ".

NUMBER = {
    "es": re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"),
    "en": re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"),
}
SEPARATORS = {"es": (".", ","), "en": (",", ".")}  # (thousands, decimals)
OPERATORS = {"×": "*", "·": "*", "/": "/", "÷": "/", "+": "+", "−": "-", "-": "-",
             "(": "(", ")": ")", "^": "**"}
UNITS = "€%"
RESULT_UNIT = re.compile(r"(?<=[\d€%])\s+[^\W\d_]+(?:\s+[^\W\d_]+)*$")


class CalculationError(ValueError):
    pass


def to_number(token: str, lang: str) -> Fraction:
    thousands, decimals = SEPARATORS[lang]
    return Fraction(token.replace(thousands, "").replace(decimals, "."))


def python_expression(text: str, lang: str) -> tuple[str, list[Fraction]]:
    """The expression with its numbers as placeholders ``n0, n1, ...``, and those numbers.

    Numbers are read by hand with the glossary's two fixed conventions; a locale parser
    would accept `1.5` in Spanish as fifteen instead of refusing it.
    """
    out: list[str] = []
    numbers: list[Fraction] = []
    position = 0
    while position < len(text):
        char = text[position]
        number = NUMBER[lang].match(text, position)
        if number:
            if re.fullmatch(r"\d{5,}", number.group().partition(SEPARATORS[lang][1])[0]):
                raise CalculationError(f"{number.group()} needs its thousands separator")
            out.append(f"n{len(numbers)}")
            numbers.append(to_number(number.group(), lang))
            position = number.end()
        elif char in OPERATORS:
            out.append(OPERATORS[char])
            position += 1
        elif char.isspace() or char in UNITS:
            position += 1
        else:
            raise CalculationError(f"unexpected {char!r} in {text!r}")
    return " ".join(out), numbers


def evaluate(text: str, lang: str) -> Fraction:
    source, numbers = python_expression(text, lang)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise CalculationError(f"not an expression: {text!r}") from error

    def value(node: ast.AST) -> Fraction:
        if isinstance(node, ast.Name) and re.fullmatch(r"n\d+", node.id):
            return numbers[int(node.id[1:])]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -value(node.operand)
        if isinstance(node, ast.BinOp):
            left, right = value(node.left), value(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            if isinstance(node.op, ast.Div):
                return left / right
            if isinstance(node.op, ast.Pow) and right.denominator == 1:
                return left ** int(right)
        raise CalculationError(f"unsupported expression: {text!r}")

    return value(tree.body)


def decimals_shown(text: str, lang: str) -> int:
    found = NUMBER[lang].findall(text)
    if len(found) != 1:
        raise CalculationError(f"a result is one number: {text!r}")
    _, decimal = SEPARATORS[lang]
    return len(found[0].partition(decimal)[2])


def check_calculation(line: str, lang: str) -> Fraction:
    """The result of a calculation line, after checking every step against it."""
    name, *steps = [part.strip() for part in line.split(" = ")]
    if not name or len(steps) < 2:
        raise CalculationError(f"expected 'Name = expression = result': {line!r}")
    if NUMBER[lang].fullmatch(name.strip(UNITS + " ")):
        raise CalculationError(f"the line must start with what it computes: {line!r}")
    # The result may name its unit in words (`= 25 meses`); the expression may not.
    result_text = RESULT_UNIT.sub("", steps[-1])
    result = evaluate(result_text, lang)
    tolerance = Fraction(1, 2 * 10 ** decimals_shown(result_text, lang))
    for step in steps[:-1]:
        got = evaluate(step, lang)
        if abs(got - result) > tolerance:
            raise CalculationError(f"{step} is {float(got):.6g}, not {result_text}: {line!r}")
    return result


def calculations(note: Note) -> list[str]:
    return [line for callout in callouts(note.body) if callout.kind == "example"
            for line in callout.lines if " = " in line]


@pytest.mark.parametrize(("line", "lang", "result"), [
    ("Tasa de conversión = 45 / 1.500 × 100 = 3 %", "es", Fraction(3)),
    ("Conversion rate = 45 / 1,500 × 100 = 3%", "en", Fraction(3)),
    ("CLV = 50 € × 4 × 0,30 × 3 = 180 €", "es", Fraction(180)),
    ("ROI = (12.500 − 10.000) ÷ 10.000 × 100 = 25 %", "es", Fraction(25)),
    ("Retained = 0.97^12 × 100 = 69.4%", "en", Fraction(694, 10)),
    ("NPS = 55 % − 15 % = 40", "es", Fraction(40)),
    ("Ticket medio = 18.000 € / 400 = 45 €", "es", Fraction(45)),
    ("Tasa = 880 / 40.000 × 100 = 0,022 × 100 = 2,2 %", "es", Fraction(22, 10)),
    ("Vida media = 1 / 0,04 = 25 meses", "es", Fraction(25)),
    ("Frequency = 300,000 / 100,000 = 3 impressions per person", "en", Fraction(3)),
])
def test_a_right_calculation_is_accepted(line: str, lang: str, result: Fraction) -> None:
    assert check_calculation(line, lang) == result


@pytest.mark.parametrize(("line", "lang", "error"), [
    ("Tasa de conversión = 45 / 1.500 × 100 = 4 %", "es", "is 3, not 4 %"),
    ("Conversion rate = 880 / 40,000 × 100 = 2.3%", "en", "is 2.2, not 2.3%"),
    ("Retained = 0.97^12 × 100 = 69.5%", "en", "not 69.5%"),
    # Spanish numbers with the English separators, and the other way round.
    ("Tasa = 880 / 40,000 × 100 = 2.2 %", "es", "unexpected"),
    ("Rate = 45 / 1.500 × 100 = 3%", "en", "is 3000, not 3%"),
    ("CLV = 50 euros × 4 = 200 €", "es", "unexpected 'e'"),
    ("Vida media = 1 / 0,04 = 25 meses, más o menos", "es", "unexpected 'm'"),
    ("CAC = 35.000 ÷ 700", "es", "expected 'Name = expression = result'"),
    ("45 = 45 / 1 = 45", "es", "must start with what it computes"),
    ("ROI = (25 × = 25 %", "es", "not an expression"),
    ("Frecuencia = 300000 / 100.000 = 3", "es", "300000 needs its thousands separator"),
    ("Frequency = 300,000 / 100000 = 3", "en", "100000 needs its thousands separator"),
])
def test_a_wrong_calculation_is_refused(line: str, lang: str, error: str) -> None:
    with pytest.raises(CalculationError, match=re.escape(error)):
        check_calculation(line, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_every_worked_example_adds_up(vault: Vault, lang: str) -> None:
    checked = 0
    problems: list[str] = []
    for note in notes_of(vault, lang):
        for line in calculations(note):
            try:
                check_calculation(line, lang)
            except CalculationError as error:
                problems.append(f"{note.path}: {error}")
            checked += 1
    assert not problems, "\n".join(problems)
    assert checked >= 8


@pytest.mark.parametrize("lang", LANGS)
def test_every_formula_has_a_worked_example(vault: Vault, lang: str) -> None:
    missing = [note.path for note in notes_of(vault, lang)
               if formulas(note.body) and not calculations(note)]
    assert not missing, missing


# ------------------------------------------------------------------ the seed's own files
#
# The note format and the fact sources live in `shared/` beside the repository (or beside
# a folder holding it, as for a git worktree); the tests that need them fail, saying where
# they looked, when it is missing.


@pytest.fixture(scope="module")
def shared() -> Path:
    looked = [base / "shared" for base in REPO.parents]
    for folder in looked:
        if (folder / "NOTE-FORMAT.md").is_file() and (folder / "sources").is_dir():
            return folder
    pytest.fail("the note format and the fact sources are missing: expected "
                "shared/NOTE-FORMAT.md and shared/sources/ beside the repository, looked in "
                + ", ".join(map(str, looked)), pytrace=False)


def section(markdown: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", markdown,
                      re.MULTILINE | re.DOTALL)
    assert match, f"NOTE-FORMAT.md has no '## {heading}' section"
    return match[1]


def seed_sample(note_format: str, *, with_translation: bool) -> tuple[str, str]:
    """The sample note of the format (file name, text), rebuilt from its frontmatter table
    and its body outline; with the table's example translation link if asked."""
    lines = ["---"]
    for row in section(note_format, "Frontmatter keys (as found, in this order)").splitlines():
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        keys = re.findall(r"`([^`]+)`", cells[0]) if len(cells) == 3 else []
        if not keys or set(cells[0]) <= set("-"):
            continue
        values = re.findall(r"`([^`]*)`", cells[1])
        if cells[1] == "*(empty)*":
            values = [""]
        if keys == ["translations"] and with_translation:
            values = re.findall(r"`(\"\[\[[^`]+\]\]\")`", cells[2])[:1]
        assert len(values) == len(keys), row
        lines += [f"{key}: {value}".rstrip() for key, value in zip(keys, values, strict=True)]
    lines.append("---")
    outline = re.search(r"```\n(.*?)\n```", section(note_format, "Body"), re.DOTALL)
    assert outline, "NOTE-FORMAT.md shows no body outline"
    body = re.sub(
        r"^\(definition paragraphs.*\)$",
        "En marketing digital, el cliente compra o puede llegar a comprar a la empresa y se "
        "relaciona con ella, en parte o del todo, por canales digitales.\n\n"
        "1. **Cliente actual:** ya ha comprado al menos una vez.\n"
        "2. **Cliente potencial:** encaja con el público objetivo, pero aún no ha comprado.\n\n"
        "Cada visita, clic o compra deja datos que ayudan a conocerlo mejor.",
        outline[1], flags=re.MULTILINE)
    assert body != outline[1], "the outline's placeholder line was not found"
    title = body.splitlines()[0].removeprefix("# ")
    return f"{title}.md", "\n".join(lines) + "\n" + body + "\n"


def check_json(vault_dir: Path) -> tuple[int, list[dict[str, Any]]]:
    result = CliRunner().invoke(main, ["check", str(vault_dir), "--strict", "--format", "json"])
    return result.exit_code, json.loads(result.output)


@pytest.mark.parametrize("with_translation", [True, False], ids=["translated", "as-in-the-seed"])
def test_a_note_in_the_seed_format_drops_into_the_glossary(
        shared: Path, tmp_path: Path, with_translation: bool) -> None:
    name, text = seed_sample((shared / "NOTE-FORMAT.md").read_text(encoding="utf-8"),
                             with_translation=with_translation)
    assert name == "Cliente (Marketing Digital) ⚫①.md"
    copy = tmp_path / "glossary"
    shutil.copytree(GLOSSARY, copy)
    # The seed's note replaces the bundled note of the same concept.
    (copy / "es" / "cliente" / name).unlink()
    (copy / "es" / name).write_text(text, encoding="utf-8")

    status, problems = check_json(copy)
    mine = [p for p in problems if p["path"] == f"es/{name}"]
    assert mine == []
    vault = load_vault(copy, GlosaConfig())
    note = next(n for n in vault.notes if n.path == f"es/{name}")
    assert note.meta["a11y"] == 3 and (note.meta["ver_minor"], note.meta["ver_rev"]) == (4, 1)
    assert note.parent is not None and note.legend is not None
    parent = resolve_link(vault.index, note.parent, note).note
    legend = resolve_link(vault.index, note.legend, note).note
    assert parent is not None and parent.path == "es/Glosario de Marketing Digital ⚫①.md"
    assert legend is not None and legend.path == "es/⚫🔴🟡🟢🔵⚪ (🔴②).md"
    if with_translation:
        assert (status, problems) == (0, [])
    else:
        # Without a translation only the English note, whose link now finds no way
        # back, is reported.
        assert status == 1
        assert [(p["path"], p["rule"]) for p in problems] == [
            ("en/customer/Customer (Digital Marketing) ⚫①.md", "translation-not-reciprocal")]


def test_links_by_the_legend_s_former_name_still_resolve(vault: Vault) -> None:
    for lang, former in (("es", "Leyenda de niveles"), ("en", "Level legend")):
        legend = next(n for n in vault.notes if n.path == f"{lang}/⚫🔴🟡🟢🔵⚪ (🔴②).md")
        assert legend.title == "⚫🔴🟡🟢🔵⚪" and legend.marker == "🔴②"
        for target in (former, f"{former} 🔴②", "⚫🔴🟡🟢🔵⚪ (🔴②)"):
            source = next(n for n in notes_of(vault, lang) if n is not legend)
            link = WikiLink(raw=f"[[{target}]]", target=target, heading=None, block=None,
                            label=None, embed=False, line=1, column=1)
            assert resolve_link(vault.index, link, source).note is legend, target


# ------------------------------------------------------------------ written fresh

RUN = 8  # words in a row that no note may share with a source


def word_runs(text: str) -> dict[tuple[str, ...], int]:
    """Every run of RUN words of a text, with the line it starts on."""
    words = [(m.group().casefold(), text.count("\n", 0, m.start()) + 1)
             for m in re.finditer(r"\w+", text)]
    runs: dict[tuple[str, ...], int] = {}
    for start in range(len(words) - RUN + 1):
        runs.setdefault(tuple(w for w, _ in words[start:start + RUN]), words[start][1])
    return runs


WIKI_LINK = re.compile(r"!?\[\[(?P<target>[^\]|#]*)(?:#[^\]|]*)?(?:\\?\|(?P<label>[^\]]*))?\]\]")


def as_read(text: str) -> str:
    return WIKI_LINK.sub(lambda m: m["label"] or split_marker(m["target"]).title, text)


def test_links_read_as_their_label_or_name() -> None:
    assert as_read("las [[Ciclo de vida ⚫①|fases]] y el [[Embudo 🔴②#Ejemplo]]") == (
        "las fases y el Embudo")


def test_word_runs_find_a_shared_sentence() -> None:
    source = word_runs("El viaje del cliente se refiere a la experiencia completa que un cliente")
    copied = word_runs("Intro.\nEn suma, el viaje del cliente se refiere a la experiencia.")
    fresh = word_runs("El recorrido del cliente abarca toda su relación con la marca y más.")
    assert set(copied) & set(source) and not set(fresh) & set(source)
    assert copied[("el", "viaje", "del", "cliente", "se", "refiere", "a", "la")] == 2


def test_no_note_shares_a_run_of_eight_words_with_the_sources(shared: Path) -> None:
    sources = sorted((shared / "sources").glob("*.txt"))
    assert sources, f"no *.txt source in {shared / 'sources'}"
    seen: dict[tuple[str, ...], str] = {}
    for source in sources:
        for run in word_runs(source.read_text(encoding="utf-8")):
            seen.setdefault(run, source.name)
    copied = set()
    for path in sorted(GLOSSARY.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        # Both as written and as read: a link shows its label, or its target's name.
        for version in (text, as_read(text)):
            for run, line in word_runs(version).items():
                if run in seen:
                    copied.add(f"{path.relative_to(GLOSSARY)}:{line}: '{' '.join(run)}' "
                               f"is in {seen[run]}")
    assert not copied, "\n".join(sorted(copied))


# ------------------------------------------------------------------ size and abbreviations

ABBREVIATION = re.compile(r"[A-Z][A-Z0-9/]{1,5}")


@pytest.mark.parametrize("lang", LANGS)
def test_at_least_ninety_concepts_per_language(vault: Vault, lang: str) -> None:
    """Concepts: the notes other than the glossary's home (no parent) and the legend."""
    notes = notes_of(vault, lang)
    legends = {getattr(resolve_link(vault.index, n.legend, n).note, "path", None)
               for n in notes if n.legend}
    homes = {n.path for n in notes if n.parent is None}
    assert len(legends) == len(homes) == 1 and None not in legends
    concepts = [n for n in notes if n.path not in legends | homes]
    assert len(concepts) >= 90, len(concepts)


def test_a_concept_has_the_same_abbreviations_in_both_languages(vault: Vault) -> None:
    """Abbreviations (CLV, CAC, CTR...) are used in both languages alike."""
    for note in notes_of(vault, "es"):
        other = resolve_link(vault.index, note.translations[0], note).note
        assert other is not None
        mine = {a for a in note.aliases if ABBREVIATION.fullmatch(a)}
        theirs = {a for a in other.aliases if ABBREVIATION.fullmatch(a)}
        assert mine == theirs, f"{note.path}: {sorted(mine)}, {other.path}: {sorted(theirs)}"
