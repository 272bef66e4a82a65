"""TBX-Basic: the terminology exchange format of ISO 30042.

Two editions are written from the same structure:

- ``tbx``: ISO 30042:2019 (TBX v3), DCA style, dialect TBX-Basic — ``<tbx>``,
  ``conceptEntry``, ``langSec``, ``termSec``.
- ``tbx-v2``: ISO 30042:2008 (TBX v2), TBX-Basic — ``<martif>``, ``termEntry``, ``langSet``,
  ``tig``. Most translation tools (and the translate-toolkit reader that Weblate uses) read
  only this edition.

What goes where (one ``conceptEntry`` per concept):

- concept: ``descrip type="subjectField"`` = the source note's ``nav_primary``; a
  ``ref type="crossReference"`` to the broader concept and to each related one, the broader
  one also named by a ``note`` ``broader: c-ID`` (TBX-Basic has no category of its own for
  the hierarchy, and a cross-reference alone says only "see also"); a ``note``
  ``level: N``. On reading, the cross-references other than the broader one are the
  related concepts.
- ``langSec`` per language: ``descrip type="definition"`` (the first paragraph as plain text),
  ``transacGrp`` origination/modification with the note's ``created``/``modified`` dates, and
  notes: ``status: iaStatus=…; iaStatus_Model=…; checked=…; supervisado=…`` (the editorial keys
  as written), ``editorial status: …`` (the same in words), ``tags: a, b``, ``section: …``,
  ``subsection: …``.
- ``termSec`` per term: the title (without level marker) as ``preferredTerm-admn-sts``, each
  alias as ``admittedTerm-admn-sts``; aliases that look like abbreviations carry
  ``termType`` ``abbreviation``. The editorial state is *not* put in ``administrativeStatus``:
  that category says whether a term is preferred, admitted or deprecated for use, which an
  unreviewed draft does not change; it goes to the notes above.

Reading (import) uses lxml without entity resolution, DTD loading or network access; a
document that declares entities is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from .. import __version__
from .concepts import Concept, EditorialStatus, Glossary, Term
from .errors import ImportProblem

__all__ = ["TBX_NS", "read_tbx", "write_tbx"]

TBX_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class _Names:
    root: str
    header: str
    concept: str
    language: str
    term: str


_V3 = _Names("tbx", "tbxHeader", "conceptEntry", "langSec", "termSec")
_V2 = _Names("martif", "martifHeader", "termEntry", "langSet", "tig")


# Characters XML 1.0 cannot hold at all (not even as references): replaced, so that a stray
# control character in a note makes no export unreadable.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
_ATTRIBUTE_ESCAPES = (*_TEXT_ESCAPES, ('"', "&quot;"), ("\n", "&#10;"), ("\t", "&#9;"))
# One search finds the rare text that needs any work.
_TEXT_WORK = re.compile(f"{_XML_ILLEGAL.pattern[:-1]}&<>\r]")
_ATTRIBUTE_WORK = re.compile(f'{_XML_ILLEGAL.pattern[:-1]}&<>"\n\r\t]')


def _escaped(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    text = _XML_ILLEGAL.sub("\ufffd", text)
    for char, escaped in escapes:
        text = text.replace(char, escaped)
    return text


def _text(text: str) -> str:
    """Character data, escaped."""
    return text if _TEXT_WORK.search(text) is None else _escaped(text, _TEXT_ESCAPES)


def _attribute(text: str) -> str:
    """An attribute value, escaped for double quotes (line ends kept as references)."""
    if _ATTRIBUTE_WORK.search(text) is None:
        return text
    return _escaped(text, _ATTRIBUTE_ESCAPES)


def _transaction(out: list[str], kind: str, date: str, who: str = "") -> None:
    out.append("      <transacGrp>\n"
               f'        <transac type="transactionType">{kind}</transac>\n')
    if who:
        out.append(f'        <transacNote type="responsibility">{_text(who)}</transacNote>\n')
    out.append(f"        <date>{_text(date)}</date>\n      </transacGrp>\n")


def _language(out: list[str], names: _Names, term: Term) -> None:
    out.append(f'    <{names.language} xml:lang="{_attribute(term.lang)}">\n')
    if term.definition:
        out.append(f'      <descrip type="definition">{_text(term.definition)}</descrip>\n')
    if term.created:
        _transaction(out, "origination", term.created)
    if term.modified:
        _transaction(out, "modification", term.modified, term.status.supervisado)
    out.append(f"      <note>status: {_text(term.status.to_text())}</note>\n"
               f"      <note>editorial status: {_text(term.status.describe())}</note>\n")
    if term.tags:
        out.append(f"      <note>tags: {_text(', '.join(term.tags))}</note>\n")
    if term.nav_primary:
        out.append(f"      <note>section: {_text(term.nav_primary)}</note>\n")
    if term.nav_secondary:
        out.append(f"      <note>subsection: {_text(term.nav_secondary)}</note>\n")
    abbreviations = term.abbreviations
    for text, status in [(term.term, "preferredTerm-admn-sts"),
                         *((alias, "admittedTerm-admn-sts") for alias in term.aliases)]:
        typed = ('        <termNote type="termType">abbreviation</termNote>\n'
                 if text in abbreviations else "")
        out.append(f"      <{names.term}>\n        <term>{_text(text)}</term>\n{typed}"
                   f'        <termNote type="administrativeStatus">{status}</termNote>\n'
                   f"      </{names.term}>\n")
    out.append(f"    </{names.language}>\n")


def write_tbx(glossary: Glossary, *, edition: int = 3) -> bytes:
    """The glossary as TBX-Basic, UTF-8 (``edition`` 3 = ISO 30042:2019, 2 = 2008).

    Written as text rather than through lxml's tree: on a 10,000-concept glossary building
    the 400,000 elements took most of the export's time. Every value goes through
    :func:`_text` or :func:`_attribute`; the tests read the output with lxml and
    translate-toolkit."""
    names = _V3 if edition == 3 else _V2
    source_lang = _attribute(glossary.languages[0] if glossary.languages else "en")
    namespace = f' xmlns="{TBX_NS}"' if edition == 3 else ""
    style = ' style="dca"' if edition == 3 else ""
    out = ["<?xml version='1.0' encoding='UTF-8'?>\n",
           f'<{names.root}{namespace} type="TBX-Basic"{style} xml:lang="{source_lang}">\n'
           f"  <{names.header}>\n    <fileDesc>\n"
           f"      <titleStmt>\n        <title>{_text(glossary.title)}</title>\n"
           "      </titleStmt>\n"
           f"      <sourceDesc>\n        <p>Exported by glosa {_text(__version__)}</p>\n"
           "      </sourceDesc>\n    </fileDesc>\n"]
    if edition == 2:
        out.append('    <encodingDesc>\n      <p type="XCSURI">'
                   "http://www.lisa.org/fileadmin/standards/tbx_basic/TBXBasicXCSV02.xcs"
                   "</p>\n    </encodingDesc>\n")
    out.append(f"  </{names.header}>\n  <text>\n    <body>\n")
    # A concept is named by many cross-references: its id and term escaped once.
    ids = {c.id: _attribute(c.id) for c in glossary.concepts}
    refs = {c.id: f'    <ref type="crossReference" target="c-{ids[c.id]}">'
                  f"{_text(c.source.term)}</ref>\n" for c in glossary.concepts}
    for concept in glossary.concepts:
        out.append(f'  <{names.concept} id="c-{ids[concept.id]}">\n')
        if concept.subject:
            out.append(f'    <descrip type="subjectField">{_text(concept.subject)}</descrip>\n')
        if concept.parent is not None and concept.parent in refs:
            out.append(refs[concept.parent])
            out.append(f"    <note>broader: c-{ids[concept.parent]}</note>\n")
        out.extend(refs[other] for other in concept.related if other in refs)
        if concept.level is not None:
            out.append(f"    <note>level: {concept.level}</note>\n")
        for term in concept.terms.values():
            _language(out, names, term)
        out.append(f"  </{names.concept}>\n")
    out.append(f"    </body>\n  </text>\n</{names.root}>\n")
    return "".join(out).encode("utf-8")


# --- reading ----------------------------------------------------------------------------


def _parser() -> etree.XMLParser:
    # No entity expansion (entity bombs), no DTD or external entity fetched, no network.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True,
                           remove_pis=True)


def _line(element: etree._Element) -> int:
    """The element's line in the file (0 when lxml does not know it)."""
    line = element.sourceline
    return line if isinstance(line, int) else 0


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child.tag) == name]


def _text_of(element: etree._Element) -> str:
    return " ".join("".join(str(t) for t in element.itertext()).split())


def read_tbx(data: bytes, where: str) -> tuple[Glossary, list[ImportProblem]]:
    """Concepts of a TBX file (either edition); problems carry the XML line."""
    problems: list[ImportProblem] = []
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        return Glossary("", [], []), [ImportProblem(where, line, f"column {column}: not "
                                                    f"well-formed XML: {exc.msg}")]
    tree = root.getroottree()
    dtd = tree.docinfo.internalDTD
    # lxml-stubs lack DTD.iterentities.
    if isinstance(dtd, etree.DTD) and any(True for _ in dtd.iterentities()):  # type: ignore[attr-defined]
        return Glossary("", [], []), [ImportProblem(
            where, 1, "the document declares XML entities; refused (entity expansion and "
                      "external entities are never processed)")]
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        return Glossary("", [], []), [ImportProblem(
            where, 1, "the document uses undeclared entities; refused")]
    if _local(root.tag) not in ("tbx", "martif"):
        return Glossary("", [], []), [ImportProblem(
            where, _line(root) or 1,
            f"the root element is <{_local(root.tag)}>, not <tbx> or <martif>: not a TBX file")]
    title = ""
    for element in root.iter():
        if _local(element.tag) == "title":
            title = _text_of(element)
            break
    concepts: list[Concept] = []
    languages: list[str] = []
    for entry in root.iter():
        if _local(entry.tag) not in ("conceptEntry", "termEntry"):
            continue
        concept = _read_concept(entry, where, problems)
        if concept is None:
            continue
        for lang in concept.terms:
            if lang not in languages:
                languages.append(lang)
        concepts.append(concept)
    if not concepts and not problems:
        problems.append(ImportProblem(where, _line(root) or 1,
                                      "no conceptEntry (or termEntry) in the file"))
    return Glossary(title, languages, concepts), problems


def _read_concept(entry: etree._Element, where: str,
                  problems: list[ImportProblem]) -> Concept | None:
    line = _line(entry) or 0
    concept_id = _concept_id(entry.get("id") or "")
    level: int | None = None
    parent: str | None = None
    references: list[str] = []
    subject = ""
    for child in entry:
        name = _local(child.tag)
        text = _text_of(child)
        if name == "descrip" and child.get("type") == "subjectField":
            subject = text
        elif name == "ref" and child.get("type") == "crossReference":
            target = _concept_id(child.get("target") or "")
            if target:
                references.append(target)
        elif name == "note" and text.startswith("broader:"):
            parent = _concept_id(text[len("broader:"):].strip()) or None
        elif name == "note" and text.startswith("level:"):
            value = text[len("level:"):].strip()
            if not (value.isdigit() and 1 <= int(value) <= 6):
                problems.append(ImportProblem(where, _line(child) or line,
                                              f"level must be 1 to 6, not {value!r}"))
            else:
                level = int(value)
    terms: dict[str, Term] = {}
    for section in entry:
        if _local(section.tag) not in ("langSec", "langSet"):
            continue
        at = _line(section) or line
        lang = (section.get(XML_LANG) or "").strip().lower()
        if not lang:
            problems.append(ImportProblem(where, at, "a language section without xml:lang"))
            continue
        if lang in terms:
            problems.append(ImportProblem(where, at, f"a second section for language "
                                                     f"'{lang}' in one concept"))
            continue
        term = _read_language(section, lang, level, where, problems)
        if term is not None:
            terms[lang] = term
    if not terms:
        problems.append(ImportProblem(where, line, "a concept entry without any term"))
        return None
    first = next(iter(terms.values()))
    if subject and not first.nav_primary:
        first.nav_primary = subject
    related = [target for target in dict.fromkeys(references) if target != parent]
    return Concept(concept_id, terms, parent, related, line)


def _concept_id(target: str) -> str:
    return target[2:] if target.startswith("c-") else target


def _read_language(section: etree._Element, lang: str, level: int | None, where: str,
                   problems: list[ImportProblem]) -> Term | None:
    at = _line(section) or 0
    term = Term(lang=lang, term="", level=level)
    names: list[str] = []
    preferred: list[str] = []
    for child in section:
        name = _local(child.tag)
        text = _text_of(child)
        if name == "descrip" and child.get("type") == "definition":
            term.definition = text
        elif name == "transacGrp":
            kind = date = ""
            for part in child:
                if _local(part.tag) == "transac":
                    kind = _text_of(part)
                elif _local(part.tag) == "date":
                    date = _text_of(part)
            if kind == "origination":
                term.created = date
            elif kind == "modification":
                term.modified = date
        elif name == "note":
            key, _, value = text.partition(":")
            value = value.strip()
            if key == "status":
                try:
                    term.status = EditorialStatus.from_text(value)
                except ValueError as exc:
                    problems.append(ImportProblem(where, _line(child) or at, str(exc)))
            elif key == "tags":
                term.tags = [t.strip() for t in value.split(",") if t.strip()]
            elif key == "section":
                term.nav_primary = value
            elif key == "subsection":
                term.nav_secondary = value
        elif name in ("termSec", "tig", "ntig"):
            found = [t for t in child.iter() if _local(t.tag) == "term"]
            if not found or not _text_of(found[0]):
                problems.append(ImportProblem(where, _line(child) or at,
                                              "a term entry with an empty <term>"))
                continue
            status = [_text_of(n) for n in child.iter() if _local(n.tag) == "termNote"
                      and n.get("type") == "administrativeStatus"]
            if "preferredTerm-admn-sts" in status and not preferred:
                preferred.append(_text_of(found[0]))
            else:
                names.append(_text_of(found[0]))
    # The preferred term is the note's title; without one marked, the first term.
    names = preferred + names
    if not names:
        problems.append(ImportProblem(where, at, f"the '{lang}' section has no term"))
        return None
    term.term = names[0]
    term.aliases = names[1:]
    return term
