"""What a site engine needs from a vault, without any site engine: link rewriting,
transclusion, backlinks, breadcrumbs, translations, A–Z and tag listings.

An engine adapter (the MkDocs plugin today) supplies one function, ``url_of(note)``, giving
each note's page URL relative to the site root; everything else here is pure.
"""

from __future__ import annotations

import functools
import html
import json
import posixpath
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..reading.model import LINK_PROPERTY, Note, WikiLink
from ..reading.resolver import LinkResolution, NoteIndex, resolve_link
from ..reading.vault import Vault
from ..reading.wikilinks import MARKDOWN_LINK_RE, link_label, link_labels, without_comments

__all__ = [
    "SiteModel",
    "UnresolvedLink",
    "fill_placeholders",
    "first_paragraph",
    "paragraph_text",
    "parents_and_translations",
    "plain_slug",
    "relative_url",
    "sort_key",
    "text_window",
]

UrlOf = Callable[[str], str]
# Markdown's marks, removed from text: at line starts (headings, quotes, list items), then
# emphasis, code, strike-through and highlight anywhere.
_LINE_MARKS = re.compile(r"^(?:#+\s*|>\s*|[-*+]\s+|\d+\.\s+)", re.M)
_INLINE_MARKS = ("*", "`", "~~", "==")
# `_` marks emphasis only in pairs around text, at word edges: `snake_case` keeps it.
_UNDERSCORES = re.compile(r"(?<!\w)(_{1,3})(?=\S)([^_]*?\S)\1(?!\w)")
_MD_LINK = MARKDOWN_LINK_RE
# No `<` inside: a long run of `<` without `>` is then scanned once, not once per `<`.
_TAGS = re.compile(r"<[^<>]+>")


@dataclass(frozen=True)
class UnresolvedLink:
    """A link left unresolved in a page (reported by the adapter through its logger)."""

    path: str
    line: int
    column: int
    raw: str


def relative_url(from_url: str, to_url: str) -> str:
    """A relative URL from one page URL to another (both relative to the site root)."""
    if to_url == from_url:
        return ""
    from_dir = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(
        from_url) + "/"
    if from_dir in ("", "/"):
        return to_url or "./"
    # Segment arithmetic rather than posixpath.relpath, which resolves against the working
    # directory on every call (this runs for every link of every page).
    base = from_dir.strip("/").split("/")
    target = to_url.split("/")
    common = 0
    while (common < len(base) and common < len(target) - 1
           and base[common] == target[common]):
        common += 1
    rel = "../" * (len(base) - common) + "/".join(target[common:])
    return rel or "./"


def sort_key(title: str) -> str:
    """Alphabetical order that ignores accents and case (á sorts with a), with Spanish ñ
    as its own letter after n."""
    folded = unicodedata.normalize("NFC", title.casefold()).replace("ñ", "n~")
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def initial_of(title: str) -> str:
    stripped = unicodedata.normalize("NFC", title.lstrip())
    if stripped[:1] in ("ñ", "Ñ"):
        return "Ñ"
    first = sort_key(stripped)[:1].upper()
    return first if first.isalpha() else "#"


_MARKUP_CHARS = re.compile(r"[\[\]*_`~=#>|<^!$]|^\s*(?:[-+]\s|\d+\.\s)")


_TABLE_BARS = re.compile(r"\s*\|\s*")
# A callout's type mark (`> [!tip]`, `> [!faq]-`): the reader sees its title, not the mark.
_CALLOUT_MARK = re.compile(r"\[![\w-]*\][+-]?\s*")
_TRAILING_BLOCK_ID = re.compile(r"\s\^[A-Za-z0-9-]+\s*$", re.M)


# Inline math as Obsidian reads it: `$` then no blank, no blank before the closing `$`, no
# digit after it (`$5 and $10` is no math).
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?=[^\s$])([^$\n]*?[^\s\\$])\$(?!\d)")
# TeX that only makes room (`\space`, `\quad`, `\,`): nothing to read in a description.
_TEX_SPACING = re.compile(r"\\(?:space|quad|qquad|enspace|thinspace|[,;:! ])")
_TEX_TEXT = re.compile(r"\\(?:text|mathrm|textbf|textit|mbox)\{([^{}]*)\}")


def _math_source(match: re.Match[str]) -> str:
    """Inline math in a description: its TeX source, without the dollars, the spacing
    commands and the wrappers of plain words."""
    tex = _TEX_SPACING.sub(" ", match.group(1))
    return _TEX_TEXT.sub(r"\1", tex).strip()


def plain_text(markdown: str) -> str:
    """Markdown reduced to text (for descriptions, previews and snippets). Each pass runs
    only on text that holds its mark: this runs for every line a backlink quotes."""
    if _MARKUP_CHARS.search(markdown) is None:
        return " ".join(markdown.split())
    text = link_labels(markdown)
    if "$" in text:
        text = _INLINE_MATH.sub(_math_source, text)
    if "[!" in text:
        text = _CALLOUT_MARK.sub("", text)
    if "](" in text:
        text = _MD_LINK.sub(r"\1", text)
    if "<" in text:
        text = _TAGS.sub("", text)
    if "\n" in text:
        text = _LINE_MARKS.sub("", text)
    elif start := _LINE_MARKS.match(text):
        text = text[start.end():]
    for mark in _INLINE_MARKS:
        if mark in text:
            text = text.replace(mark, "")
    if "_" in text:
        text = _UNDERSCORES.sub(r"\2", text)
    if "&" in text:
        text = html.unescape(text)  # character references read as the characters they are
    if "|" in text:
        text = _TABLE_BARS.sub(" · ", text)  # table cells read as a list
    text = text.strip(" ·")
    if "^" in text:
        text = _TRAILING_BLOCK_ID.sub("", text)
    return " ".join(text.split())


def _content_lines(note: Note) -> Iterator[str]:
    """The body's lines with H1, parent line, legend line and comments blanked (one per
    body line, in order), split as they are asked for: the first paragraph is read from
    the first few lines of a body."""
    body = without_comments(note.body)
    skip: set[int] = set()
    if note.h1 is not None:
        skip.add(note.h1.line - note.body_line)
    if note.parent is not None:
        skip.add(note.parent.line - note.body_line)
    if note.legend_index is not None:
        skip.add(note.legend_index)
    start = index = 0
    while True:
        end = body.find("\n", start)
        if end < 0:
            yield body[start:] if index not in skip else ""
            return
        yield body[start:end] if index not in skip else ""
        start = end + 1
        index += 1


def first_paragraph(note: Note, limit: int = 300) -> str:
    """The first paragraph of definition text, as plain text, cut at a word boundary."""
    return text_window(paragraph_text(note), 0, limit)


def paragraph_text(note: Note) -> str:
    """The first paragraph of definition text, as plain text, whole."""
    paragraph: list[str] = []
    in_fence = in_math = False
    text = ""
    for line in _content_lines(note):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if not in_fence and stripped.startswith("$$"):
            # Display math is no definition text; `$$x$$` on one line opens and closes.
            if not (len(stripped) > 2 and stripped.endswith("$$") and stripped != "$$$"):
                in_math = not in_math
            continue
        if in_fence or in_math:
            continue
        if not stripped or stripped.startswith(("#", "|", "![[", "<")):
            if paragraph:
                text = plain_text(" ".join(paragraph))
                if _has_words(text):
                    break
                paragraph = []  # a spacer paragraph (`$\space$`, `---`): the next one
            continue
        paragraph.append(stripped)
    else:
        text = plain_text(" ".join(paragraph))
    return text


_SPACE = re.compile(r"\s+")
# Left before an ellipsis, a comma or colon reads as a stray mark.
_CUT_PUNCTUATION = " ,;:—–-"


def text_window(text: str, at: int = 0, width: int = 160, keep: int = 0) -> str:
    """About ``width`` characters of ``text`` around offset ``at``, cut only between words,
    with an ellipsis where text was left out; the ``keep`` characters from ``at`` (the
    link's label) are never cut. A single word longer than the window is cut in it."""
    if len(text) <= width:
        return text
    start = max(min(at - (width - keep) // 2, len(text) - width), 0)
    end = min(start + width, len(text))
    if start > 0 and not text[start - 1].isspace():
        # Inside a word: start at the next one, unless that passes the kept text.
        space = _SPACE.search(text, start, end)
        if space is not None and space.end() <= at:
            start = space.end()
    if end < len(text) and not text[end].isspace():
        # Inside a word: end at the previous one, unless that cuts the kept text.
        cut = text.rfind(" ", start, end)
        if cut > max(start, at + keep - 1):
            end = cut
    piece = text[start:end].strip()
    if start > 0:
        piece = "…" + piece.lstrip(_CUT_PUNCTUATION)
    if end < len(text):
        piece = piece.rstrip(_CUT_PUNCTUATION) + "…"
    return piece


def _has_words(text: str) -> bool:
    return any(char.isalnum() for char in text)


def _snippet(note: Note, link: WikiLink, text: str, summary: str, width: int = 160) -> str:
    """Some context around a link (``text`` is its line as plain text), for backlinks."""
    if note.parent is link or text == link_label(link):
        # A line that is only the link (the parent line) says nothing: show the definition.
        return text_window(summary, 0, width)
    label = link_label(link)
    at = max(text.find(label), 0)
    return text_window(text, at, width, len(label) if label in text else 0)


def note_parent(index: NoteIndex, note: Note) -> Note | None:
    """The note a note's parent line names, if it names another one."""
    if note.parent is None:
        return None
    parent = resolve_link(index, note.parent, note).note
    return parent if parent is not None and parent is not note else None


def note_translations(index: NoteIndex, note: Note) -> dict[str, Note]:
    """The translations a note's own links name, by language (before pairing)."""
    found: dict[str, Note] = {}
    for link in note.translations:
        target = resolve_link(index, link, note).note
        if target is not None and target.lang != note.lang:
            found[target.lang] = target
    return found


def paired_translations(notes: Sequence[Note], explicit: dict[int, dict[str, Note]]
                        ) -> dict[int, dict[str, Note]]:
    """Translations by note id, from each note's own (``explicit``): a translation
    written on one side only still links both notes."""
    translations = {key: dict(value) for key, value in explicit.items()}
    for note in notes:
        for target in list(translations.get(id(note), {}).values()):
            translations.setdefault(id(target), {}).setdefault(note.lang, note)
    return translations


def parents_and_translations(vault: Vault) -> tuple[dict[int, Note],
                                                     dict[int, dict[str, Note]]]:
    """Each readable note's parent, and its translations by language (by ``id`` of the
    note): the link facts the site model and the exports share."""
    index = vault.index
    parent_of: dict[int, Note] = {}
    explicit: dict[int, dict[str, Note]] = {}
    notes = [n for n in vault.notes if n.readable]
    for note in notes:
        parent = note_parent(index, note)
        if parent is not None:
            parent_of[id(note)] = parent
        found = note_translations(index, note)
        if found:
            explicit[id(note)] = found
    return parent_of, paired_translations(notes, explicit)


@dataclass
class Backlink:
    source: Note
    link: WikiLink


def _line_starts(text: str) -> tuple[str, array[int]]:
    """``text`` and the offset at which each of its lines starts."""
    starts = array("q", [0])
    find = text.find
    at = find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = find("\n", at + 1)
    return text, starts


def _nth_line(text: str, starts: array[int], index: int) -> str:
    """``text.split("\n")[index]`` (a negative index counts from the end, as there)."""
    if index < 0:
        index += len(starts)
    if not 0 <= index < len(starts):
        raise IndexError("line index out of range")
    end = starts[index + 1] - 1 if index + 1 < len(starts) else len(text)
    return text[starts[index]:end]


@dataclass
class SiteModel:
    """Derived, cross-note facts of a vault, computed once per build."""

    vault: Vault
    resolutions: dict[tuple[int, int], LinkResolution] = field(default_factory=dict)
    backlinks: dict[int, list[Backlink]] = field(default_factory=dict)
    parent_of: dict[int, Note] = field(default_factory=dict)
    translations: dict[int, dict[str, Note]] = field(default_factory=dict)
    children_of: dict[int, list[Note]] = field(default_factory=dict)
    #: The notes each note's frontmatter properties link to (by id), in order written.
    property_targets: dict[int, dict[int, Note]] = field(default_factory=dict)
    _listings: dict[tuple[str, str], Any] = field(default_factory=dict)
    _summaries: dict[int, str] = field(default_factory=dict)
    _paragraphs: dict[int, str] = field(default_factory=dict)
    _lines: dict[tuple[int, int], str] = field(default_factory=dict)
    #: Per note: its text without comments and where each of its lines starts (the
    #: body itself when it has no comment: no second copy of every body).
    _split: dict[int, tuple[str, array[int]]] = field(default_factory=dict)

    #: Each note's own translation links, resolved (before pairing both ways).
    _explicit: dict[int, dict[str, Note]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for note in self.vault.notes:
            self._link_note(note)
        self._pair_translations()
        # Each title's sort key once (a term linked from many notes is sorted many times).
        title_key = functools.cache(sort_key)
        for items in self.backlinks.values():
            items.sort(key=lambda b: title_key(b.source.title))
        self._list_children(title_key)

    def _link_note(self, note: Note, known: dict[int, LinkResolution] | None = None) -> None:
        """Resolve one note's links (those ``known`` by position are taken as resolved):
        its backlinks on the notes it links to, its parent, its own translation links."""
        if not note.readable:
            return
        index = self.vault.index
        # One backlink per (source, target): the first link with context around it,
        # else the parent line.
        recorded: dict[int, Backlink] = {}
        for position, link in enumerate(note.links):
            res = known.get(position) if known else None
            if res is None:
                res = resolve_link(index, link, note)
            self.resolutions[(id(note), position)] = res
            target = res.note
            if target is None or target is note or link is note.legend:
                continue
            earlier = recorded.get(id(target))
            if earlier is None:
                recorded[id(target)] = backlink = Backlink(note, link)
                self.backlinks.setdefault(id(target), []).append(backlink)
            elif earlier.link is note.parent:
                earlier.link = link
        # Links in properties (`related: "[[Note]]"`) are backlinks and graph edges,
        # as Obsidian counts them; a body link to the same note is the one quoted.
        for links in note.property_links.values():
            for link in links:
                target = resolve_link(index, link, note).note
                if target is None or target is note:
                    continue
                self.property_targets.setdefault(id(note), {}).setdefault(id(target), target)
                if id(target) not in recorded:
                    recorded[id(target)] = backlink = Backlink(note, link)
                    self.backlinks.setdefault(id(target), []).append(backlink)
        parent = note_parent(index, note)
        if parent is not None:
            self.parent_of[id(note)] = parent
        found = note_translations(index, note)
        if found:
            self._explicit[id(note)] = found

    def _pair_translations(self) -> None:
        self.translations = paired_translations(self.vault.notes, self._explicit)

    def _list_children(self, title_key: Callable[[str], str]) -> None:
        self.children_of = {}
        for note in self.vault.notes:
            parent = self.parent_of.get(id(note))
            if parent is not None:
                self.children_of.setdefault(id(parent), []).append(note)
        for kids in self.children_of.values():
            kids.sort(key=lambda n: title_key(n.title))

    def replace_notes(self, pairs: Sequence[tuple[Note, Note]]) -> set[int]:
        """Update the model in place for new versions of some notes, each at the same
        path with the same aliases as the old one, already in the vault and its index
        (``NoteIndex.replace_note``): the model then holds what a new model of the vault
        would. Returns the ids of the notes whose links were resolved again (the new
        versions, and every note with a link, parent or translation that named an old one).
        """
        old_ids = {id(old) for old, _ in pairs}
        olds = [old for old, _ in pairs]
        new_of = {id(old): new for old, new in pairs}
        position = {id(note): i for i, note in enumerate(self.vault.notes)}
        # Who resolved to an old version: their resolution must now name the new one.
        relink: dict[int, Note | None] = {}
        for (source_id, _), res in self.resolutions.items():
            if source_id in old_ids or source_id in relink:
                continue
            if (res.note is not None and id(res.note) in old_ids) or any(
                    id(other) in old_ids for other in res.candidates):
                source = self._note_by_id(source_id, position)
                if source is not None:
                    relink[source_id] = source
        for source_id, parent in self.parent_of.items():
            if id(parent) in old_ids and source_id not in old_ids:
                relink.setdefault(source_id, self._note_by_id(source_id, position))
        for links_of in (self._explicit, self.property_targets):
            for source_id, targets in links_of.items():
                if source_id not in old_ids and any(id(t) in old_ids
                                                    for t in targets.values()):
                    relink.setdefault(source_id, self._note_by_id(source_id, position))
        sources: list[tuple[Note, Note]] = [(old, new_of[id(old)]) for old in olds]
        sources += [(note, note) for note in relink.values() if note is not None]
        # Take out what the old versions contributed, then add the new ones'.
        touched: set[int] = set()
        dropped = {id(before) for before, _ in sources}
        # A relinked note's links that named no old version resolve as they did.
        kept: dict[int, dict[int, LinkResolution]] = {}
        for before, after in sources:
            unchanged = kept.setdefault(id(after), {}) if before is after else {}
            for index in range(len(before.links)):
                gone = self.resolutions.pop((id(before), index), None)
                if gone is not None and gone.note is not None:
                    touched.add(id(gone.note))
                if gone is not None and before is after and not (
                        (gone.note is not None and id(gone.note) in old_ids)
                        or any(id(c) in old_ids for c in gone.candidates)):
                    unchanged[index] = gone
            self.parent_of.pop(id(before), None)
            self._explicit.pop(id(before), None)
            for target in self.property_targets.pop(id(before), {}).values():
                touched.add(id(target))
        for target_id in touched:
            remaining = [b for b in self.backlinks.get(target_id, ())
                         if id(b.source) not in dropped]
            if remaining:
                self.backlinks[target_id] = remaining
            else:
                self.backlinks.pop(target_id, None)
        for old, new in pairs:
            moved = self.backlinks.pop(id(old), None)
            if moved is not None:
                self.backlinks[id(new)] = moved
            for cache in (self._summaries, self._paragraphs, self._split):
                cache.pop(id(old), None)
            for line in range(old.body_line, old.body_line + old.body.count("\n") + 1):
                self._lines.pop((id(old), line), None)
        self._listings.clear()
        for _, after in sources:
            self._link_note(after, kept.get(id(after)))
            touched.update(id(found.note) for index in range(len(after.links))
                           if (found := self.resolutions.get((id(after), index))) is not None
                           and found.note is not None)
        title_key = functools.cache(sort_key)
        order = {id(note): i for i, note in enumerate(self.vault.notes)}
        for target_id in touched:
            items = self.backlinks.get(target_id)
            if items:
                # As a new model lists them: in the vault's order, then sorted by title.
                items.sort(key=lambda b: order[id(b.source)])
                items.sort(key=lambda b: title_key(b.source.title))
        self._pair_translations()
        # Same paths, so same titles and parents: the children lists keep their order.
        for old, new in pairs:
            kids = self.children_of.pop(id(old), None)
            if kids is not None:
                self.children_of[id(new)] = kids
        for kids in self.children_of.values():
            for at, kid in enumerate(kids):
                if id(kid) in old_ids:
                    kids[at] = new_of[id(kid)]
        return {id(after) for _, after in sources}

    def _note_by_id(self, note_id: int, position: dict[int, int]) -> Note | None:
        at = position.get(note_id)
        return self.vault.notes[at] if at is not None else None

    def summary(self, note: Note, limit: int = 300) -> str:
        """The note's first paragraph as plain text (computed once per note)."""
        text = self._summaries.get(id(note))
        if text is None:
            text = self._summaries[id(note)] = text_window(self.paragraph(note), 0, 300)
        return text_window(text, 0, limit)

    def paragraph(self, note: Note) -> str:
        """The note's first paragraph as plain text, whole (computed once per note: the
        downloads' definitions and the pages' summaries are both cut from it)."""
        text = self._paragraphs.get(id(note))
        if text is None:
            text = self._paragraphs[id(note)] = paragraph_text(note)
        return text

    def _line_text(self, note: Note, line: int) -> str:
        """One file line of a note as plain text (computed once: a line may link to
        several notes, each showing it as a backlink snippet)."""
        key = (id(note), line)
        text = self._lines.get(key)
        if text is None:
            split = self._split.get(id(note))
            if split is None:
                # Comments are never quoted: a `%%` note to self stays private.
                split = self._split[id(note)] = _line_starts(without_comments(note.body))
            text = self._lines[key] = plain_text(_nth_line(*split, line - note.body_line))
        return text

    def backlinks_of(self, note: Note, with_snippets: int = 30) -> list[tuple[Note, str]]:
        """(source, context) of the notes linking here; the first ``with_snippets`` carry a
        snippet (a hub term linked from thousands of notes keeps a page of bounded size)."""
        out: list[tuple[Note, str]] = []
        for position, backlink in enumerate(self.backlinks.get(id(note), [])):
            snippet = ""
            if position < with_snippets:
                source = backlink.source
                if backlink.link.kind == LINK_PROPERTY:
                    # The link is in the frontmatter, not in the text: the definition.
                    snippet = self.summary(source, 160)
                else:
                    snippet = _snippet(source, backlink.link,
                                       self._line_text(source, backlink.link.line),
                                       self.summary(source, 300))
            out.append((backlink.source, snippet))
        return out

    @property
    def notes(self) -> list[Note]:
        return [n for n in self.vault.notes if n.readable]

    def breadcrumb(self, note: Note) -> list[Note]:
        """Ancestors from the root down to the parent (cycle-safe)."""
        chain: list[Note] = []
        seen = {id(note)}
        current = self.parent_of.get(id(note))
        while current is not None and id(current) not in seen and len(chain) < 50:
            chain.append(current)
            seen.add(id(current))
            current = self.parent_of.get(id(current))
        return list(reversed(chain))

    def children(self, note: Note) -> list[Note]:
        return self.children_of.get(id(note), [])

    def by_language(self, lang: str) -> list[Note]:
        # Listings are asked for by every generated page: computed once per language.
        key = ("by_language", lang)
        if key not in self._listings:
            self._listings[key] = sorted((n for n in self.notes if n.lang == lang),
                                         key=lambda n: sort_key(n.title))
        return list(self._listings[key])

    def az(self, lang: str) -> list[tuple[str, list[Note]]]:
        groups: dict[str, list[Note]] = {}
        for note in self.by_language(lang):
            groups.setdefault(initial_of(note.title), []).append(note)
        return sorted(groups.items(), key=lambda item: (item[0] == "#", item[0]))

    def tags(self, lang: str) -> list[tuple[str, list[Note]]]:
        key = ("tags", lang)
        if key not in self._listings:
            self._listings[key] = self._tags(lang)
        return list(self._listings[key])

    def _tags(self, lang: str) -> list[tuple[str, list[Note]]]:
        # Obsidian's tags: the frontmatter's and those written in the text, case-blind
        # (`#Tag` and `#TAG` are one tag, shown as first met).
        groups: dict[str, tuple[str, list[Note]]] = {}
        for note in self.by_language(lang):
            for tag in dict.fromkeys([*note.tags, *note.inline_tags]):
                entry = groups.setdefault(tag.casefold(), (tag, []))
                if not entry[1] or entry[1][-1] is not note:
                    entry[1].append(note)
        return sorted(groups.values(), key=lambda item: sort_key(item[0]))

    def sections(self, lang: str) -> list[tuple[str, list[tuple[str, list[Note]]]]]:
        """nav_primary → nav_secondary → notes, for one language."""
        key = ("sections", lang)
        if key not in self._listings:
            self._listings[key] = self._sections(lang)
        return list(self._listings[key])

    def _sections(self, lang: str) -> list[tuple[str, list[tuple[str, list[Note]]]]]:
        primary: dict[str, dict[str, list[Note]]] = {}
        for note in self.by_language(lang):
            first = note.meta.get("nav_primary")
            if not isinstance(first, str) or not first.strip():
                continue
            second = note.meta.get("nav_secondary")
            second = second.strip() if isinstance(second, str) else ""
            primary.setdefault(first.strip(), {}).setdefault(second, []).append(note)
        return [
            (name, sorted(subs.items(), key=lambda item: (item[0] != "", sort_key(item[0]))))
            for name, subs in sorted(primary.items(), key=lambda item: sort_key(item[0]))
        ]

    def resolution(self, note: Note, position: int) -> LinkResolution:
        found = self.resolutions.get((id(note), position))
        if found is None:
            found = resolve_link(self.vault.index, note.links[position], note)
        return found


def plain_slug(text: str) -> str:
    """``text`` as a URL slug (accents folded, lower case, words joined by hyphens), or ""
    when it has no letter or digit to make one (a name of emoji only)."""
    value = sort_key(text)
    value = re.sub(r"[^\w\s-]", "", value).strip()
    return re.sub(r"[\s_-]+", "-", value).strip("-")


def slug_for_url(text: str) -> str:
    """A URL-safe slug for generated pages (tags, sections)."""
    return plain_slug(text) or "x"


def fill_placeholders(content: str, fragments: list[str], nonce: str) -> str:
    """Put the HTML of links and embed frames back in place of their placeholders
    (a placeholder alone in a paragraph stands for a block: the paragraph goes too)."""
    if not fragments:
        return content
    pattern = re.compile(rf"<p>glosa{nonce}x(\d+)x</p>|glosa{nonce}x(\d+)x")

    def fill(match: re.Match[str]) -> str:
        number = int(match.group(1) or match.group(2))
        return fragments[number] if number < len(fragments) else ""

    return pattern.sub(fill, content)


def json_ld(note: Note, url: str, set_name: str, set_url: str, description: str) -> str:
    """schema.org DefinedTerm in its DefinedTermSet, safe to put inside <script>."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "DefinedTerm",
        "name": note.title,
        "inLanguage": note.lang,
        "url": url,
        "inDefinedTermSet": {
            "@type": "DefinedTermSet",
            "name": set_name,
            "url": set_url,
            "inLanguage": note.lang,
        },
    }
    if description:
        data["description"] = description
    if note.aliases:
        data["alternateName"] = list(note.aliases)
    text = json.dumps(data, ensure_ascii=False)
    # `<`, `>` and `&` escaped so that no value can close the script element.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
