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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import Note, WikiLink
from .resolver import LinkResolution, resolve_link
from .vault import Vault
from .wikilinks import MARKDOWN_LINK_RE, link_label, link_labels

__all__ = [
    "SiteModel",
    "UnresolvedLink",
    "fill_placeholders",
    "first_paragraph",
    "relative_url",
    "sort_key",
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


_MARKUP_CHARS = re.compile(r"[\[\]*_`~=#>|<^!]|^\s*(?:[-+]\s|\d+\.\s)")


_TABLE_BARS = re.compile(r"\s*\|\s*")
# A callout's type mark (`> [!tip]`, `> [!faq]-`): the reader sees its title, not the mark.
_CALLOUT_MARK = re.compile(r"\[![\w-]*\][+-]?\s*")
_TRAILING_BLOCK_ID = re.compile(r"\s\^[A-Za-z0-9-]+\s*$", re.M)


def plain_text(markdown: str) -> str:
    """Markdown reduced to text (for descriptions, previews and snippets). Each pass runs
    only on text that holds its mark: this runs for every line a backlink quotes."""
    if _MARKUP_CHARS.search(markdown) is None:
        return " ".join(markdown.split())
    text = link_labels(markdown)
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


def _content_lines(note: Note) -> list[str]:
    """The body's lines with H1, parent line and legend line blanked (indexes kept)."""
    lines = note.body.split("\n")
    skip: set[int] = set()
    if note.h1 is not None:
        skip.add(note.h1.line - note.body_line)
    if note.parent is not None:
        skip.add(note.parent.line - note.body_line)
    if note.legend_index is not None:
        skip.add(note.legend_index)
    return [line if i not in skip else "" for i, line in enumerate(lines)]


def first_paragraph(note: Note, limit: int = 300) -> str:
    """The first paragraph of definition text, as plain text, cut at a word boundary."""
    paragraph: list[str] = []
    in_fence = False
    for line in _content_lines(note):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if not stripped:
            if paragraph:
                break
            continue
        if stripped.startswith(("#", "|", "![[", "<")):
            if paragraph:
                break
            continue
        paragraph.append(stripped)
    text = plain_text(" ".join(paragraph))
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "…"
    return text


def _snippet(note: Note, link: WikiLink, text: str, summary: str, width: int = 160) -> str:
    """Some context around a link (``text`` is its line as plain text), for backlinks."""
    if note.parent is link or text == link_label(link):
        # A line that is only the link (the parent line) says nothing: show the definition.
        return summary[:width].rsplit(" ", 1)[0] + "…" if len(summary) > width else summary
    if len(text) <= width:
        return text
    label = link_label(link)
    at = max(text.find(label), 0)
    start = max(at - width // 2, 0)
    piece = text[start:start + width]
    return ("…" if start else "") + piece.strip() + ("…" if start + width < len(text) else "")


@dataclass
class Backlink:
    source: Note
    link: WikiLink


@dataclass
class SiteModel:
    """Derived, cross-note facts of a vault, computed once per build."""

    vault: Vault
    resolutions: dict[tuple[int, int], LinkResolution] = field(default_factory=dict)
    backlinks: dict[int, list[Backlink]] = field(default_factory=dict)
    parent_of: dict[int, Note] = field(default_factory=dict)
    translations: dict[int, dict[str, Note]] = field(default_factory=dict)
    children_of: dict[int, list[Note]] = field(default_factory=dict)
    _listings: dict[tuple[str, str], Any] = field(default_factory=dict)
    _summaries: dict[int, str] = field(default_factory=dict)
    _lines: dict[tuple[int, int], str] = field(default_factory=dict)
    _split: dict[int, list[str]] = field(default_factory=dict)

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
        if note.parent is not None:
            parent = resolve_link(index, note.parent, note).note
            if parent is not None and parent is not note:
                self.parent_of[id(note)] = parent
        for link in note.translations:
            target = resolve_link(index, link, note).note
            if target is not None and target.lang != note.lang:
                self._explicit.setdefault(id(note), {})[target.lang] = target

    def _pair_translations(self) -> None:
        """A translation written on one side only still links both pages."""
        self.translations = {key: dict(value) for key, value in self._explicit.items()}
        for note in self.vault.notes:
            for target in list(self.translations.get(id(note), {}).values()):
                self.translations.setdefault(id(target), {}).setdefault(note.lang, note)

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
        for source_id, targets in self._explicit.items():
            if source_id not in old_ids and any(id(t) in old_ids for t in targets.values()):
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
            for cache in (self._summaries, self._split):
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
            text = self._summaries[id(note)] = first_paragraph(note, 300)
        if len(text) > limit:
            return text[:limit].rsplit(" ", 1)[0] + "…"
        return text

    def _line_text(self, note: Note, line: int) -> str:
        """One file line of a note as plain text (computed once: a line may link to
        several notes, each showing it as a backlink snippet)."""
        key = (id(note), line)
        text = self._lines.get(key)
        if text is None:
            lines = self._split.get(id(note))
            if lines is None:
                lines = self._split[id(note)] = note.body.split("\n")
            text = self._lines[key] = plain_text(lines[line - note.body_line])
        return text

    def backlinks_of(self, note: Note, with_snippets: int = 30) -> list[tuple[Note, str]]:
        """(source, context) of the notes linking here; the first ``with_snippets`` carry a
        snippet (a hub term linked from thousands of notes keeps a page of bounded size)."""
        out: list[tuple[Note, str]] = []
        for position, backlink in enumerate(self.backlinks.get(id(note), [])):
            snippet = ""
            if position < with_snippets:
                source = backlink.source
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
        groups: dict[str, list[Note]] = {}
        for note in self.by_language(lang):
            for tag in dict.fromkeys(note.tags):
                groups.setdefault(tag, []).append(note)
        return sorted(groups.items(), key=lambda item: sort_key(item[0]))

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


def slug_for_url(text: str) -> str:
    """A URL-safe slug for generated pages (tags, sections)."""
    value = sort_key(text)
    value = re.sub(r"[^\w\s-]", "", value).strip()
    return re.sub(r"[\s_-]+", "-", value) or "x"


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
