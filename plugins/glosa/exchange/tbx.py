"""TBX-Basic: the terminology exchange format of ISO 30042.

Two editions are written from the same structure:

- ``tbx``: ISO 30042:2019 (TBX v3), DCA style, dialect TBX-Basic — ``<tbx>``,
  ``conceptEntry``, ``langSec``, ``termSec``.
- ``tbx-v2``: ISO 30042:2008 (TBX v2), TBX-Basic — ``<martif>``, ``termEntry``, ``langSet``,
  ``tig``. Most translation tools (and the translate-toolkit reader that Weblate uses) read
  only this edition.

What goes where (one ``conceptEntry`` per concept):

- concept: ``descrip type="subjectField"`` = the source note's ``nav_primary``; a
  ``ref type="crossReference"`` to the broader concept; a ``note`` ``level: N``.
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


def _sub(parent: etree._Element, tag: str, text: str | None = None,
         **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _transaction(parent: etree._Element, kind: str, date: str, who: str = "") -> None:
    group = _sub(parent, "transacGrp")
    _sub(group, "transac", kind, type="transactionType")
    if who:
        _sub(group, "transacNote", who, type="responsibility")
    _sub(group, "date", date)


def _language(parent: etree._Element, names: _Names, term: Term) -> None:
    section = _sub(parent, names.language, **{XML_LANG: term.lang})
    if term.definition:
        _sub(section, "descrip", term.definition, type="definition")
    if term.created:
        _transaction(section, "origination", term.created)
    if term.modified:
        _transaction(section, "modification", term.modified, term.status.supervisado)
    _sub(section, "note", f"status: {term.status.to_text()}")
    _sub(section, "note", f"editorial status: {term.status.describe()}")
    if term.tags:
        _sub(section, "note", "tags: " + ", ".join(term.tags))
    if term.nav_primary:
        _sub(section, "note", f"section: {term.nav_primary}")
    if term.nav_secondary:
        _sub(section, "note", f"subsection: {term.nav_secondary}")
    for text, status in [(term.term, "preferredTerm-admn-sts"),
                         *((alias, "admittedTerm-admn-sts") for alias in term.aliases)]:
        entry = _sub(section, names.term)
        _sub(entry, "term", text)
        if text in term.abbreviations:
            _sub(entry, "termNote", "abbreviation", type="termType")
        _sub(entry, "termNote", status, type="administrativeStatus")


def write_tbx(glossary: Glossary, *, edition: int = 3) -> bytes:
    """The glossary as TBX-Basic, UTF-8 (``edition`` 3 = ISO 30042:2019, 2 = 2008)."""
    names = _V3 if edition == 3 else _V2
    source_lang = glossary.languages[0] if glossary.languages else "en"
    if edition == 3:
        root = etree.Element(names.root, {"type": "TBX-Basic", "style": "dca",
                                          XML_LANG: source_lang},
                             nsmap={None: TBX_NS})  # type: ignore[dict-item]
        # In a default namespace, child tags carry it too.
        ns = f"{{{TBX_NS}}}"
    else:
        root = etree.Element(names.root, {"type": "TBX-Basic", XML_LANG: source_lang})
        ns = ""
    header = _sub(root, names.header)
    desc = _sub(header, "fileDesc")
    _sub(_sub(desc, "titleStmt"), "title", glossary.title)
    _sub(_sub(desc, "sourceDesc"), "p", f"Exported by glosa {__version__}")
    if edition == 2:
        _sub(_sub(header, "encodingDesc"), "p",
             "http://www.lisa.org/fileadmin/standards/tbx_basic/TBXBasicXCSV02.xcs",
             type="XCSURI")
    body = _sub(_sub(root, "text"), "body")
    by_id = glossary.by_id()
    for concept in glossary.concepts:
        entry = _sub(body, names.concept, id=f"c-{concept.id}")
        if concept.subject:
            _sub(entry, "descrip", concept.subject, type="subjectField")
        if concept.parent is not None and concept.parent in by_id:
            parent = by_id[concept.parent]
            _sub(entry, "ref", parent.source.term, type="crossReference",
                 target=f"c-{parent.id}")
        if concept.level is not None:
            _sub(entry, "note", f"level: {concept.level}")
        for term in concept.terms.values():
            _language(entry, names, term)
    if ns:
        for element in root.iter():
            if isinstance(element.tag, str) and not element.tag.startswith("{"):
                element.tag = ns + element.tag
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                 pretty_print=True)
    return data


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
    raw_id = entry.get("id") or ""
    concept_id = raw_id[2:] if raw_id.startswith("c-") else raw_id
    level: int | None = None
    parent: str | None = None
    subject = ""
    for child in entry:
        name = _local(child.tag)
        text = _text_of(child)
        if name == "descrip" and child.get("type") == "subjectField":
            subject = text
        elif name == "ref" and child.get("type") == "crossReference":
            target = child.get("target") or ""
            parent = target[2:] if target.startswith("c-") else target or None
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
    return Concept(concept_id, terms, parent, [], line)


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
