"""The note renderer: CommonMark (markdown-it-py's ``commonmark`` preset) with GFM tables
and strike-through, single newlines as line breaks (Obsidian's default), and Obsidian's
wiki-links, embeds, Markdown links between notes and block ids, resolved by the same rules
as ``glosa check`` (:func:`glosa.reading.resolver.resolve_link`).

One parse per note gives its HTML, its headings (with the ids ``[[Note#Heading]]`` links
land on) and the problems met. Transcluded notes are rendered by the same parser, bounded
in depth and in total size per page.

Syntax extensions are standard markdown-it plugins (``def x_plugin(md: MarkdownIt) ->
None``). What they get from the renderer, through markdown-it's ``env`` dict:

``env["glosa"]``
    the :class:`RenderState` of the page being rendered, with

    - ``tag_href(tag) -> str | None``: the address (relative to the page, HTML-escaped)
      of the page of an inline ``#tag`` (nested ``a/b`` included), or None when the site
      has no page for it (the tag is then shown as text);
    - ``uses``: a set a plugin adds ``"math"`` or ``"mermaid"`` to when the page needs
      that script or style sheet (so that pages without math or diagrams load neither);
    - ``note``: the note whose text is being parsed (a transcluded note while its embed is
      rendered), ``depth``: 0 for the page's own note, 1+ inside embeds;
    - ``href(path)``: the address of another vault file from the page being rendered.

Token types the renderer adds: ``glosa_wikilink`` (``meta``: ``link`` the
:class:`~glosa.reading.model.WikiLink`, ``res`` its
:class:`~glosa.reading.resolver.LinkResolution`);
its ``content`` is the text between the brackets.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType

from ..reading.markers import split_marker
from ..reading.model import LINK_MARKDOWN, LINK_WIKI, Note, WikiLink
from ..reading.resolver import LinkResolution, ResolutionStatus, resolve_link, section_lines
from ..reading.wikilinks import link_label, parse_link, parse_markdown_destination, slugify
from ..site.model import SiteModel, UnresolvedLink, relative_url
from .syntax.env import FEATURES_KEY, PROBLEMS_KEY, TAGS_KEY

__all__ = [
    "EMBED_BUDGET",
    "ENV_KEY",
    "MAX_EMBED_DEPTH",
    "NoteRenderer",
    "RenderState",
    "RenderedNote",
    "TocEntry",
    "UnresolvedLink",
]

ENV_KEY = "glosa"
#: The deepest ``embed_depth`` accepted (an embed chain deeper than this is a link).
MAX_EMBED_DEPTH = 10
#: Characters of transcluded Markdown one page may hold; past it, embeds become links.
#: Each embed counts for at least ``_EMBED_MIN_COST``, so that many small embeds (a note
#: embedding another that embeds another, each many times) are bounded too.
EMBED_BUDGET = 300_000
_EMBED_MIN_COST = 500

IMAGE_EXTS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp", "ico"})
AUDIO_EXTS = frozenset({"mp3", "wav", "m4a", "ogg", "oga", "3gp", "flac", "opus", "aac"})
VIDEO_EXTS = frozenset({"mp4", "webm", "ogv", "mov", "mkv", "m4v"})
#: Obsidian files the site cannot show (a canvas board, a database view): a clear link.
OBSIDIAN_FILES = {"canvas": "canvas", "base": "base"}

_INNER = re.compile(r"([^\[\]\r\n]+?)\]\]")
_BLOCK_ID_END = re.compile(r"(?:^|[ \t])\^([A-Za-z0-9-]+)[ \t]*$")
_SIZE = re.compile(r"^(?:(.*?)\s*\|\s*)?(\d{1,5})(?:\s*[xX]\s*(\d{1,5}))?$")
_PDF_ANCHOR = re.compile(r"^(?:page|height)=\d{1,6}$")


@dataclass
class TocEntry:
    """A heading of the page: level, anchor id, title (HTML-escaped text), sub-headings."""

    level: int
    id: str
    title: str
    children: list[TocEntry] = field(default_factory=list)


@dataclass
class RenderedNote:
    html: str
    #: The page's own headings, nested by level (transcluded headings are not listed).
    toc: list[TocEntry]
    unresolved: list[UnresolvedLink]
    #: Problems of the page that are not broken links (a page over its embed budget, a
    #: note that could not be rendered), each naming the note's file.
    warnings: list[str]
    #: What the page needs beyond the base style sheet: "math", "mermaid".
    uses: set[str]


TagHref = Callable[[str], "str | None"]


def _resolution_fact(res: LinkResolution) -> list[Any]:
    """What of a link's resolution a page's HTML shows: whether it resolved, to which note
    (and its level) or file, and the anchor."""
    note = res.note
    return [res.status.value, None if note is None else note.path,
            None if note is None else note.level, res.anchor,
            None if res.attachment is None else res.attachment.path]


@dataclass
class RenderDeps:
    """Everything a render read beyond its page's own note, as questions and the answers
    it got (``facts``), and the notes whose text it showed (``texts``, embeds): a page
    rendered once is the same HTML while its note's text, these texts and every answer
    are unchanged (:func:`dependencies_hold` asks the questions again).

    Questions (tuples of plain values): ``("link", from, position)`` the resolution of the
    scanned link at ``position`` of note ``from``; ``("resolve", from, kind, raw, target,
    heading, block, embed)`` the resolution of a link the scan did not list (a Markdown
    destination); ``("url", path)`` the address of a vault file; ``("tag", name)`` the
    address of a tag's page."""

    facts: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    texts: set[str] = field(default_factory=set)


class _NoAnswer(Exception):
    """A question no longer makes sense (its note or link is gone)."""


def current_answers(questions: Iterable[Sequence[Any]], model: SiteModel,
                    url_of: Callable[[str], str], tag_href: TagHref,
                    notes_by_path: Mapping[str, Note]) -> list[Any] | None:
    """The answers this build gives to the questions of a :class:`RenderDeps`, in order
    (None when one of them no longer makes sense)."""
    index = model.vault.index
    found: list[Any] = []
    try:
        for question in questions:
            found.append(_answer(question, model, index, url_of, tag_href, notes_by_path))
    except _NoAnswer:
        return None
    return found


def _answer(question: Sequence[Any], model: SiteModel, index: Any,
            url_of: Callable[[str], str], tag_href: TagHref,
            notes_by_path: Mapping[str, Note]) -> Any:
    kind = question[0] if question else None
    if kind == "url" and len(question) == 2:
        return url_of(str(question[1]))
    if kind == "tag" and len(question) == 2:
        return tag_href(str(question[1]))
    if kind == "link" and len(question) == 3:
        note = notes_by_path.get(str(question[1]))
        at = question[2]
        if note is None or not isinstance(at, int) or not 0 <= at < len(note.links):
            raise _NoAnswer
        res = model.resolutions.get((id(note), at))
        return _resolution_fact(res if res is not None
                                else resolve_link(index, note.links[at], note))
    if kind == "resolve" and len(question) == 8:
        note = notes_by_path.get(str(question[1]))
        if note is None:
            raise _NoAnswer
        _, _, link_kind, raw, target, heading, block, embed = question
        link = WikiLink(str(raw), str(target), heading, block, None, bool(embed), 1, 1,
                        kind=str(link_kind))
        return _resolution_fact(resolve_link(index, link, note))
    raise _NoAnswer


def dependencies_hold(facts: Iterable[tuple[Sequence[Any], Any]], model: SiteModel,
                      url_of: Callable[[str], str], tag_href: TagHref,
                      notes_by_path: Mapping[str, Note]) -> bool:
    """Whether every question of a :class:`RenderDeps` gets the same answer now (answers
    compared as plain data: lists, as a cache gives them back)."""
    pairs = list(facts)
    now = current_answers([q for q, _ in pairs], model, url_of, tag_href, notes_by_path)
    return now is not None and all(a == b for a, (_, b) in zip(now, pairs, strict=True))


@dataclass
class RenderState:
    """The page being rendered, shared by every parse of it (``env["glosa"]``)."""

    model: SiteModel
    url_of: Callable[[str], str]
    #: URL of the page, relative to the site root (every link is made relative to it).
    page_url: str
    note: Note
    max_depth: int = 3
    tag_href: TagHref = field(default=lambda tag: None)
    permalink: str | None = None
    permalink_title: str = "Permanent link"
    #: The value of ``data-glosa-preview`` on links the renderer makes (the sanitizer
    #: keeps the attribute only with it).
    preview_mark: str = ""
    #: The words before an embedded section's name on the link that opens it.
    open_label: str = "Open"
    depth: int = 0
    #: File line of the first line of the text being parsed.
    line_offset: int = 1
    #: File line of the block whose inline text is being parsed.
    line: int = 1
    uses: set[str] = field(default_factory=set)
    #: Inline tags met on the page, as written (``env["glosa_tags"]``).
    tags: list[str] = field(default_factory=list)
    parses: int = 0
    unresolved: list[UnresolvedLink] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    used_ids: set[str] = field(default_factory=set)
    toc: list[TocEntry] = field(default_factory=list)
    budget: int = EMBED_BUDGET
    #: Where to record what the render reads beyond the page's note (None: not recorded).
    deps: RenderDeps | None = None
    #: (note, heading slug or block id) of each embed being rendered, outermost first.
    stack: tuple[tuple[int, str | None], ...] = ()
    _links: dict[int, dict[str, list[WikiLink]]] = field(default_factory=dict)
    _resolved: dict[tuple[int, str], LinkResolution] = field(default_factory=dict)
    _link_positions: dict[int, dict[int, int]] = field(default_factory=dict)
    _budget_reported: bool = False

    def __post_init__(self) -> None:
        deps = self.deps
        if deps is None:
            return
        lookup = self.tag_href

        def recorded_tag_href(tag: str) -> str | None:
            href = lookup(tag)
            deps.facts[("tag", tag)] = href
            return href

        self.tag_href = recorded_tag_href

    @property
    def page_path(self) -> str:
        """The vault path of the page's own note (``note`` changes inside embeds)."""
        return self._page_note.path if self._page_note is not None else self.note.path

    _page_note: Note | None = None

    def href(self, path: str, res: LinkResolution | None = None) -> str:
        """The address of vault file ``path`` (and the anchor ``res`` names) from the page,
        escaped for an HTML attribute."""
        target_url = self.url_of(path)
        if self.deps is not None:
            self.deps.facts[("url", path)] = target_url
        url = relative_url(self.page_url, target_url)
        anchor = res.anchor if res is not None else None
        if anchor:
            url += "#" + anchor
        return html.escape(url or "./", quote=True)

    # -- links ------------------------------------------------------------------------

    def wikilink(self, inner: str, embed: bool) -> tuple[WikiLink, LinkResolution]:
        """The link ``[[inner]]`` of the note being parsed, as the vault scan found it
        (with its file line and column), and its resolution."""
        note = self.note
        by_inner = self._links.get(id(note))
        if by_inner is None:
            by_inner = self._links[id(note)] = {}
            for link in note.links:
                if link.kind != LINK_WIKI:
                    continue
                by_inner.setdefault(link.raw[3 if link.embed else 2:-2], []).append(link)
        found = [x for x in by_inner.get(inner, ()) if x.embed == embed]
        if not found:
            link = parse_link(inner, embed, self.line, 1)
            return link, self.resolve(link)
        link = found[0]
        position = self._positions(note)[id(link)]
        # The site model resolved every scanned link once already.
        res = self.model.resolutions.get((id(note), position))
        if res is None:
            res = resolve_link(self.model.vault.index, link, note)
        if self.deps is not None:
            self.deps.facts[("link", note.path, position)] = _resolution_fact(res)
        return link, res

    def _positions(self, note: Note) -> dict[int, int]:
        positions = self._link_positions.get(id(note))
        if positions is None:
            positions = self._link_positions[id(note)] = {
                id(link): at for at, link in enumerate(note.links)}
        return positions

    def resolve(self, link: WikiLink) -> LinkResolution:
        key = (id(self.note), f"{link.target}#{link.heading}#{link.block}")
        res = self._resolved.get(key)
        if res is None:
            res = self._resolved[key] = resolve_link(self.model.vault.index, link, self.note)
        if self.deps is not None:
            self.deps.facts[("resolve", self.note.path, link.kind, link.raw, link.target,
                             link.heading, link.block, link.embed)] = _resolution_fact(res)
        return res

    def broken(self, link: WikiLink, label: str) -> str:
        if self.depth == 0:
            self.unresolved.append(UnresolvedLink(self.note.path, link.line, link.column,
                                                  link.raw))
        title = html.escape(f"missing: {link.target or link.anchor_text}", quote=True)
        return f'<span class="glosa-broken" title="{title}">{html.escape(label)}</span>'

    def link_html(self, link: WikiLink, res: LinkResolution, label: str | None = None) -> str:
        text = link_label(link) if label is None else label
        if res.attachment is not None:
            href = self.href(res.attachment.path)
            return (f'<a class="glosa-link glosa-attachment" href="{href}">'
                    f"{html.escape(text)}</a>")
        if not res.ok or res.note is None:
            return self.broken(link, text)
        target = res.note
        level = f' data-level="{target.level}"' if target.level else ""
        mark = f'="{self.preview_mark}"' if self.preview_mark else ""
        return (f'<a class="glosa-link" href="{self.href(target.path, res)}"{level} '
                f"data-glosa-preview{mark}>{html.escape(text)}</a>")

    # -- embeds -----------------------------------------------------------------------

    def embed_html(self, renderer: NoteRenderer, link: WikiLink, res: LinkResolution) -> str:
        if res.attachment is not None:
            return self.attachment_html(link, res)
        target = res.note
        if target is None or not res.ok:
            return self.link_html(link, res)
        key = (id(target), res.anchor)
        if key in self.stack or self.depth >= self.max_depth:
            # A cycle (the same note or section inside itself) or a chain too deep.
            return self.link_html(link, res)
        source, first_line = embed_source(target, res)
        if self.deps is not None:
            # Read even when not shown: its length counts against the page's budget.
            self.deps.texts.add(target.path)
        cost = max(len(source), _EMBED_MIN_COST)
        if cost > self.budget:
            if not self._budget_reported:
                self._budget_reported = True
                self.warnings.append(
                    f"{self.page_path}: transcluded content over {EMBED_BUDGET} characters; "
                    "further embeds on this page are shown as links")
            return self.link_html(link, res)
        self.budget -= cost
        saved = (self.note, self.depth, self.line_offset, self.line, self.stack)
        self.note, self.depth, self.line_offset = target, self.depth + 1, first_line
        self.stack = (*self.stack, key)
        try:
            inner = renderer.render_text(source, self)
        finally:
            self.note, self.depth, self.line_offset, self.line, self.stack = saved
        href = self.href(target.path, res)
        title = html.escape(link_label(link))
        if res.heading is None and res.block is None:
            # A whole note: Obsidian titles the box with the note's name.
            head = (f'<p class="glosa-embed-title markdown-embed-title">'
                    f'<a class="glosa-link" href="{href}">{title}</a></p>\n')
        else:
            # A section shows its own heading, a block itself: only a link to open it.
            label = html.escape(f"{self.open_label} {link_label(link)}", quote=True)
            head = (f'<p class="glosa-embed-title glosa-embed-link">'
                    f'<a class="glosa-link" href="{href}" title="{label}" '
                    f'aria-label="{label}">↗</a></p>\n')
        return (f'<div class="glosa-embed markdown-embed">{head}'
                f'<div class="markdown-embed-content">\n{inner}</div></div>\n')

    def attachment_html(self, link: WikiLink, res: LinkResolution,
                        alt_text: str | None = None) -> str:
        assert res.attachment is not None
        path = res.attachment.path
        href = self.href(path)
        name = path.rsplit("/", 1)[-1]
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        label = link.label if alt_text is None else alt_text
        if ext in IMAGE_EXTS:
            alt, size = label or "", ""
            sized = _SIZE.match(alt) if alt else None
            if sized is not None:
                alt = sized.group(1) or ""
                size = f' width="{int(sized.group(2))}"'
                if sized.group(3):
                    size += f' height="{int(sized.group(3))}"'
            alt = alt or name
            return (f'<img class="glosa-embed-image" src="{href}" '
                    f'alt="{html.escape(alt, quote=True)}"{size}>')
        title = html.escape(label or name, quote=True)
        if ext in AUDIO_EXTS:
            return (f'<audio class="glosa-embed-audio" controls preload="metadata" '
                    f'src="{href}" title="{title}"></audio>')
        if ext in VIDEO_EXTS:
            return (f'<video class="glosa-embed-video" controls preload="metadata" '
                    f'src="{href}" title="{title}"></video>')
        if ext == "pdf":
            anchor = link.heading or ""
            src = href + (f"#{anchor}" if _PDF_ANCHOR.match(anchor) else "")
            return (f'<iframe class="glosa-embed-pdf" src="{src}" title="{title}" '
                    f'loading="lazy"></iframe>')
        kind = OBSIDIAN_FILES.get(ext)
        if kind is not None:
            # The site cannot draw a canvas or run a base's query: say what the file is.
            return (f'<a class="glosa-link glosa-attachment glosa-obsidian-{kind}" '
                    f'href="{href}" title="Obsidian {kind} file (not shown on the site)">'
                    f"{html.escape(label or name)}</a>"
                    f' <span class="glosa-file-kind">(Obsidian {kind})</span>')
        return (f'<a class="glosa-link glosa-attachment" href="{href}">'
                f"{html.escape(label or name)}</a>")

    # -- headings ---------------------------------------------------------------------

    def unique_id(self, text: str) -> str:
        base = slugify(text) or "section"
        candidate, number = base, 0
        while candidate in self.used_ids:
            number += 1
            candidate = f"{base}_{number}"
        self.used_ids.add(candidate)
        return candidate


def embed_source(note: Note, res: LinkResolution) -> tuple[str, int]:
    """The Markdown an embed of ``note`` shows and the file line it starts on: the lines
    ``glosa check`` follows embeds through (:func:`glosa.reading.resolver.section_lines`: a
    heading's section, its heading included, as Obsidian shows it; a block; the whole
    note), without the H1, parent and legend lines, which are the page's
    furniture rather than its content."""
    lines = note.body.split("\n")
    first, last = section_lines(note, res)
    start = max(first - note.body_line, 0)
    stop = min(last - note.body_line + 1, len(lines))
    skip = {note.h1.line - note.body_line} if note.h1 is not None else set()
    if note.parent is not None:
        skip.add(note.parent.line - note.body_line)
    if note.legend_index is not None:
        skip.add(note.legend_index)
    shown = ["" if i in skip else lines[i] for i in range(start, stop)]
    return "\n".join(shown), note.body_line + start


# -- markdown-it rules -------------------------------------------------------------------


#: Lines longer than this with more emphasis marks or opening brackets than
#: ``_MAX_MARKS`` have them shown as text: markdown-it's emphasis pairing and link-label
#: search grow with the square of such a line (30,000 ``*a_``, 100,000 ``[``: seconds).
LONG_LINE = 20_000
_MAX_MARKS = 2_000
_EMPHASIS_MARKS = re.compile(r"(?<!\\)([*_])")
_BRACKETS = re.compile(r"(?<!\\)(\[)")


def defuse_long_lines(source: str) -> str:
    if len(source) <= LONG_LINE:
        return source
    lines = source.split("\n")
    for at, line in enumerate(lines):
        if (len(line) > LONG_LINE and "*" in line and "_" in line
                and line.count("*") + line.count("_") > _MAX_MARKS):
            line = lines[at] = _EMPHASIS_MARKS.sub(r"\\\1", line)
        if (len(line) > LONG_LINE and line.count("[") > _MAX_MARKS
                and line.count("]") * 2 < line.count("[")):
            lines[at] = _BRACKETS.sub(r"\\\1", line)
    return "\n".join(lines)


#: Block nesting shown as structure (markdown-it's level: a list level counts 2, a quote
#: or callout 1): far past what a note writes (Obsidian has no limit), bounded so that
#: the parser's recursion stays well inside Python's stack. Deeper text is shown as text.
MAX_NESTING = 120
# markdown-it drops everything below its own limit: it is set above glosa's, which
# keeps the text. Inline nesting (links inside links' text) is bounded by it too.
_PARSER_NESTING = MAX_NESTING + 8


def _too_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Below ``MAX_NESTING``, the rest of the container as one paragraph of its text
    (markdown-it would drop it): nothing written is lost."""
    if state.level < MAX_NESTING:
        return False
    if silent:
        return True
    # The container ends where markdown-it's own loop would stop: a line indented less
    # than the container's content (a list item's end).
    stop = start + 1
    while stop < end and (state.isEmpty(stop) or state.sCount[stop] >= state.blkIndent):
        stop += 1
    end = stop
    text = state.getLines(start, end, state.blkIndent, False).strip()
    state.line = end
    if not text:
        return True
    opening = state.push("paragraph_open", "p", 1)
    opening.map = [start, end]
    inline = state.push("inline", "", 0)
    inline.content = text
    inline.map = [start, end]
    inline.children = []
    state.push("paragraph_close", "p", -1)
    return True


def _state(env: EnvType) -> RenderState | None:
    value = env.get(ENV_KEY)
    return value if isinstance(value, RenderState) else None


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    """``[[target#anchor|label]]`` and ``![[embed]]``, anywhere inline text is parsed."""
    src, pos = state.src, state.pos
    if src.startswith("![[", pos):
        start, embed = pos + 3, True
    elif src.startswith("[[", pos):
        start, embed = pos + 2, False
    else:
        return False
    match = _INNER.match(src, start)
    if match is None:
        return False
    if not silent:
        inner = match.group(1)
        token = state.push("glosa_wikilink", "", 0)
        token.content = inner
        glosa = _state(state.env)
        if glosa is not None:
            link, res = glosa.wikilink(inner, embed)
        else:
            link = parse_link(inner, embed, 0, 0)
            res = LinkResolution(ResolutionStatus.BROKEN)
        token.meta = {"link": link, "res": res}
    state.pos = match.end()
    return True


def _inline_with_lines(state: StateCore) -> None:
    """markdown-it's inline phase, telling the render state the file line of each block
    (for the position of a link the vault scan did not list)."""
    glosa = _state(state.env)
    md = state.md
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            if glosa is not None and token.map is not None:
                glosa.line = glosa.line_offset + token.map[0]
            md.inline.parse(token.content, md, state.env, token.children)


def _matching_open(tokens: list[Token], close_at: int) -> Token | None:
    close = tokens[close_at]
    for at in range(close_at - 1, -1, -1):
        token = tokens[at]
        if token.nesting == 1 and token.level == close.level:
            return token
    return None


def _block_ids(state: StateCore) -> None:
    """``^id`` at the end of a paragraph or list item, or on its own line after a table,
    list, quote or callout: an id on that block, not shown."""
    glosa = _state(state.env)
    tokens = state.tokens
    if "^" in state.src and "|" in state.src:
        _table_block_ids(state, glosa)
    for at, token in enumerate(tokens):
        if token.type != "inline" or "^" not in token.content or not token.children:
            continue
        if at and tokens[at - 1].type in ("td_open", "th_open"):
            # A table cell is no block (Obsidian gives ids to whole tables only): shown.
            continue
        last = token.children[-1]
        if last.type != "text":
            continue
        match = _BLOCK_ID_END.search(last.content)
        if match is None:
            continue
        block = match.group(1)
        holder: Token | None = None
        paragraph = tokens[at - 1] if at else None
        if (len(token.children) == 1 and match.start() == 0 and paragraph is not None
                and paragraph.type == "paragraph_open" and not paragraph.hidden
                and at >= 2 and tokens[at - 2].nesting == -1
                and tokens[at - 2].level == paragraph.level):
            # The id alone in its paragraph names the block before it.
            holder = _matching_open(tokens, at - 2)
            paragraph.hidden = True
            tokens[at + 1].hidden = True
            token.children = []
        else:
            last.content = last.content[:match.start()].rstrip(" \t")
            if paragraph is not None and paragraph.type in ("paragraph_open", "heading_open"):
                holder = paragraph
                if paragraph.hidden:
                    holder = next((tokens[i] for i in range(at - 2, -1, -1)
                                   if tokens[i].type == "list_item_open"
                                   and tokens[i].level < paragraph.level), None)
            while token.children and token.children[-1].type in ("softbreak", "hardbreak"):
                token.children.pop()
        if (glosa is not None and glosa.depth == 0 and holder is not None
                and holder.attrGet("id") is None and block not in glosa.used_ids):
            glosa.used_ids.add(block)
            if holder.type == "heading_open":
                # A heading keeps its own id (``#Heading`` links): the block id is an
                # anchor at its start, for ``#^id`` links.
                token.children.insert(0, Token("html_inline", "", 0, content=(
                    f'<span class="glosa-block-anchor" id="{html.escape(block, True)}">'
                    "</span>")))
            else:
                holder.attrSet("id", block)


# `^id` ending a table's last line, after its last cell (or as the last cell's text).
_TABLE_BLOCK_ID = re.compile(r"(?:^|[ \t|])\^([A-Za-z0-9-]+)[ \t]*$")


def _table_block_ids(state: StateCore, glosa: RenderState | None) -> None:
    """``| a | b | ^id`` ends a table: the id of the table (Obsidian's section rule: an
    id at the end of the block's text), not shown, whether markdown-it dropped it as a
    cell beyond the header's count or kept it as the last cell's text."""
    tokens = state.tokens
    lines: list[str] | None = None
    for at, token in enumerate(tokens):
        if token.type != "table_open" or token.map is None:
            continue
        if lines is None:
            lines = state.src.split("\n")
        last_line = lines[token.map[1] - 1] if token.map[1] - 1 < len(lines) else ""
        match = _TABLE_BLOCK_ID.search(last_line)
        if match is None or last_line.rstrip().endswith("|"):
            continue
        block = match.group(1)
        close = next((i for i in range(at + 1, len(tokens))
                      if tokens[i].type == "table_close" and tokens[i].level == token.level),
                     None)
        if close is None:
            continue
        # The last cell's text, when the id was read as one.
        cell = next((tokens[i] for i in range(close - 1, at, -1)
                     if tokens[i].type == "inline"), None)
        text = cell.children[-1] if cell is not None and cell.children else None
        if text is not None and text.type == "text" and text.content.rstrip().endswith(
                "^" + block):
            text.content = text.content.rstrip()[:-len(block) - 1].rstrip()
        if (glosa is not None and glosa.depth == 0 and token.attrGet("id") is None
                and block not in glosa.used_ids):
            token.attrSet("id", block)
            glosa.used_ids.add(block)


def _heading_text(children: Iterable[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type == "glosa_wikilink":
            parts.append(link_label(child.meta["link"]))
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type in ("html_inline", "footnote_ref", "image"):
            continue
        elif child.children:
            parts.append(_heading_text(child.children))
        elif child.content:
            parts.append(child.content)
    return "".join(parts).strip()


def _headings(state: StateCore) -> None:
    """Heading ids: those ``glosa check`` resolves ``[[Note#Heading]]`` links to (the vault
    scan's, matched by file line), else made unique on the page; the page's own headings
    go into its table of contents."""
    glosa = _state(state.env)
    if glosa is None:
        return
    tokens = state.tokens
    scanned = {h.line: h for h in glosa.note.headings} if glosa.depth == 0 else {}
    for at, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[at + 1]
        text = _heading_text(inline.children or ())
        heading = scanned.get(glosa.line_offset + token.map[0]) if token.map else None
        if heading is not None and token.level == 0:
            anchor = heading.slug
            glosa.used_ids.add(anchor)
        else:
            anchor = glosa.unique_id(text)
        token.attrSet("id", anchor)
        if glosa.depth == 0:
            _add_toc(glosa.toc, TocEntry(int(token.tag[1]), anchor, html.escape(text, False)))


def _add_toc(entries: list[TocEntry], entry: TocEntry) -> None:
    siblings = entries
    while siblings and siblings[-1].level < entry.level:
        siblings = siblings[-1].children
    siblings.append(entry)


def _markdown_links(state: StateCore) -> None:
    """Markdown links and images between vault files, resolved like wiki-links and written
    as the addresses of their pages."""
    glosa = _state(state.env)
    if glosa is None:
        return
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        if token.map is not None:
            glosa.line = glosa.line_offset + token.map[0]
        children = token.children
        for at, child in enumerate(children):
            if child.type == "link_open":
                _rewrite_link(glosa, children, at)
            elif child.type == "image":
                _rewrite_image(glosa, child)


def _destination_link(glosa: RenderState, raw: str, embed: bool,
                      ) -> tuple[WikiLink, LinkResolution] | None:
    if "?" in raw:
        return None  # an address with a query is not a vault file
    parts = parse_markdown_destination(raw)
    if parts is None:
        return None
    link = WikiLink(raw, parts.target, parts.heading, parts.block, None, embed, glosa.line,
                    1, kind=LINK_MARKDOWN)
    return link, glosa.resolve(link)


def _rewrite_link(glosa: RenderState, children: list[Token], at: int) -> None:
    opening = children[at]
    raw = str(opening.attrGet("href") or "")
    found = _destination_link(glosa, raw, False)
    if found is None:
        return
    link, res = found
    if res.attachment is not None:
        opening.attrSet("href", html.unescape(glosa.href(res.attachment.path)))
        opening.attrSet("class", "glosa-link glosa-attachment")
        return
    if res.ok and res.note is not None:
        opening.attrSet("href", html.unescape(glosa.href(res.note.path, res)))
        opening.attrSet("class", "glosa-link")
        return
    # Broken: the link's text stays, marked like a broken wiki-link.
    closing = next((c for c in children[at + 1:]
                    if c.type == "link_close" and c.level == opening.level), None)
    if glosa.depth == 0:
        glosa.unresolved.append(UnresolvedLink(glosa.note.path, link.line, link.column, raw))
    opening.tag = "span"
    opening.attrs = {"class": "glosa-broken",
                     "title": f"missing: {link.target or link.anchor_text}"}
    if closing is not None:
        closing.tag = "span"


def _rewrite_image(glosa: RenderState, image: Token) -> None:
    raw = str(image.attrGet("src") or "")
    found = _destination_link(glosa, raw, True)
    if found is None:
        # An image from elsewhere: Obsidian's size in the alt text still applies.
        sized = _SIZE.match(image.content) if image.content else None
        if sized is not None:
            image.attrSet("width", sized.group(2))
            if sized.group(3):
                image.attrSet("height", sized.group(3))
            alt = sized.group(1) or ""
            image.content = alt
            image.children = [Token("text", "", 0, content=alt)] if alt else []
        return
    link, res = found
    alt = image.content
    if res.attachment is not None:
        html_text = glosa.attachment_html(link, res, alt_text=alt)
    elif res.ok and res.note is not None:
        image.type = "glosa_wikilink"
        image.meta = {"link": WikiLink(raw, link.target, link.heading, link.block,
                                       alt or None, True, link.line, 1), "res": res}
        image.children = None
        return
    else:
        html_text = glosa.broken(link, alt or link.target)
    image.type = "html_inline"
    image.tag = ""
    image.children = None
    image.attrs = {}
    image.content = html_text


def _transcludes(glosa: RenderState | None, token: Token) -> bool:
    """Whether ``token`` is an embed that will show another note's text (a block), rather
    than an image, a player or a link (an embed that is broken, a cycle, or too deep)."""
    if token.type != "glosa_wikilink" or not token.meta["link"].embed:
        return False
    res: LinkResolution = token.meta["res"]
    if res.note is None or not res.ok or res.attachment is not None:
        return False
    if glosa is None:
        return True
    return (id(res.note), res.anchor) not in glosa.stack and glosa.depth < glosa.max_depth


# Containers whose content may hold a block (a note embed's <div>) directly.
_BLOCK_HOLDERS = frozenset({"td_open", "th_open"})


def _block_embeds(state: StateCore) -> None:
    """Note embeds are blocks, as in Obsidian's reading view (a ``markdown-embed`` box),
    wherever they are written. A paragraph holding one is split around it: the text
    before, the embed, the text after (a <div> inside a <p> is not valid HTML, and a
    browser would close the paragraph itself, leaving an empty one). In a tight list item
    or a table cell the embed stays where it is (a <div> may be there); where only text
    may be (a heading, a callout's title, inside emphasis or a link's text) it is a link."""
    glosa = _state(state.env)
    tokens = state.tokens
    out: list[Token] = []
    replaced: set[int] = set()
    for at, token in enumerate(tokens):
        if at in replaced:
            continue
        if (token.type != "inline" or not token.children or at == 0
                or not any(_transcludes(glosa, c) for c in token.children)):
            out.append(token)
            continue
        holder = tokens[at - 1]
        splits = holder.type == "paragraph_open" and not holder.hidden
        may_hold = splits or holder.type in _BLOCK_HOLDERS or (
            holder.type == "paragraph_open" and holder.hidden)
        depth = 0
        for child in token.children:
            if _transcludes(glosa, child) and (not may_hold or depth > 0):
                child.meta["as_link"] = True
            depth += child.nesting
        if not splits:
            out.append(token)
            continue
        # `paragraph_open` (already in ``out``), this inline and the paragraph's closing
        # become paragraphs of the text around each embed, and the embeds themselves.
        opening = out.pop()
        replaced.add(at + 1)
        attrs = dict(opening.attrs)  # a block id: on the first piece only
        piece: list[Token] = []
        for child in token.children:
            if _transcludes(glosa, child) and not child.meta.get("as_link"):
                if _add_paragraph(out, opening, token, piece, attrs):
                    attrs = {}
                child.level = opening.level
                child.block = True
                out.append(child)
                piece = []
            else:
                piece.append(child)
        _add_paragraph(out, opening, token, piece, attrs)
    state.tokens = out


def _add_paragraph(out: list[Token], opening: Token, inline: Token, children: list[Token],
                   attrs: dict[str, str | int | float]) -> bool:
    """A paragraph of ``children`` (the text between embeds), unless it is empty."""
    blank = ("softbreak", "hardbreak")
    while children and (children[0].type in blank
                        or (children[0].type == "text" and not children[0].content.strip())):
        children = children[1:]
    while children and (children[-1].type in blank
                        or (children[-1].type == "text" and not children[-1].content.strip())):
        children = children[:-1]
    if not children:
        return False
    if children[0].type == "text":
        children[0].content = children[0].content.lstrip()
    if children[-1].type == "text":
        children[-1].content = children[-1].content.rstrip()
    out.append(Token("paragraph_open", "p", 1, map=opening.map, level=opening.level,
                     block=True, attrs=attrs))
    out.append(Token("inline", "", 0, map=inline.map, level=inline.level,
                     children=children))
    out.append(Token("paragraph_close", "p", -1, level=opening.level, block=True))
    return True


# -- rendering ---------------------------------------------------------------------------


class NoteRenderer:
    """One markdown-it parser, built once and used for every note of a site."""

    def __init__(self, *, breaks: bool = True,
                 plugins: Sequence[Callable[[MarkdownIt], None]] | None = None) -> None:
        md = MarkdownIt("commonmark", {"breaks": breaks, "html": True, "xhtmlOut": False})
        md.enable(["table", "strikethrough"])
        md.options["maxNesting"] = _PARSER_NESTING
        md.block.ruler.before(md.block.ruler.get_active_rules()[0], "glosa_too_deep",
                              _too_deep)
        md.inline.ruler.before("link", "glosa_wikilink", _wikilink_rule)
        md.core.ruler.at("inline", _inline_with_lines)
        for plugin in default_plugins() if plugins is None else plugins:
            md.use(plugin)
        md.core.ruler.push("glosa_markdown_links", _markdown_links)
        md.core.ruler.push("glosa_block_ids", _block_ids)
        md.core.ruler.push("glosa_headings", _headings)
        md.core.ruler.push("glosa_block_embeds", _block_embeds)
        # markdown-it binds a render rule to its renderer: plain functions, not methods.
        md.add_render_rule("glosa_wikilink",
                           lambda _r, tokens, idx, _o, env: self._render_wikilink(tokens, idx,
                                                                                  env))
        md.add_render_rule("heading_close",
                           lambda _r, tokens, idx, _o, env: _render_heading_close(tokens, idx,
                                                                                  env))
        self.md = md

    def _render_wikilink(self, tokens: Sequence[Token], idx: int, env: EnvType) -> str:
        token = tokens[idx]
        glosa = _state(env)
        link: WikiLink = token.meta["link"]
        res: LinkResolution = token.meta["res"]
        if glosa is None:
            return html.escape(link_label(link))
        if link.embed and not token.meta.get("as_link"):
            return glosa.embed_html(self, link, res)
        return glosa.link_html(link, res)

    def render_text(self, source: str, state: RenderState) -> str:
        """HTML of some Markdown of ``state.note`` (the page's note or a transcluded one)."""
        state.parses += 1
        env: dict[str, Any] = {ENV_KEY: state, FEATURES_KEY: state.uses, TAGS_KEY: state.tags,
                               # Footnote ids of each transcluded text kept apart.
                               "docId": f"e{state.parses - 1}" if state.depth else ""}
        tokens = self.md.parse(defuse_long_lines(source), env)
        found = env.get(PROBLEMS_KEY)
        if found and state.depth == 0:
            # What a transcluded note shows degraded is reported on its own page.
            state.warnings.extend(f"{state.note.path}:{state.line_offset + line}: {message}"
                                  for line, message in found)
        return str(self.md.renderer.render(tokens, self.md.options, env))

    def render_note(self, state: RenderState, *, title_h1: str | None = None,
                    keep_structure_lines: bool = False) -> RenderedNote:
        """A note's page body. ``title_h1``: the page's H1 text, written in place of the
        note's own H1 (the seed format: H1 = title), else the note's H1 stays; with
        ``keep_structure_lines`` false the parent and legend lines are left out (the page
        shows them as a breadcrumb and a badge)."""
        note = state.note
        state.stack = ((id(note), None),)
        state._page_note = note
        state.used_ids.update(h.slug for h in note.headings)
        lines = note.body.split("\n")
        skip: set[int] = set()
        if not keep_structure_lines:
            if note.parent is not None:
                skip.add(note.parent.line - note.body_line)
            if note.legend_index is not None:
                skip.add(note.legend_index)
        head = ""
        if title_h1 is not None:
            if note.h1 is not None:
                skip.add(note.h1.line - note.body_line)
                anchor = note.h1.slug
            else:
                anchor = state.unique_id(title_h1)
            permalink = ""
            if state.permalink:
                permalink = (f'<a class="headerlink" href="#{html.escape(anchor, quote=True)}"'
                             f' title="{html.escape(state.permalink_title, quote=True)}">'
                             f"{html.escape(state.permalink)}</a>")
            head = f'<h1 id="{html.escape(anchor, quote=True)}">{html.escape(title_h1)}' \
                   f"{permalink}</h1>\n"
            state.toc.append(TocEntry(1, anchor, html.escape(title_h1, False)))
        if skip:
            lines = ["" if i in skip else text for i, text in enumerate(lines)]
        state.line_offset = note.body_line
        source = "\n".join(lines)
        try:
            body = self.render_text(source, state)
        except Exception as exc:
            # One note the parser cannot handle is published as text, not a lost build.
            state.warnings.append(f"{note.path}: could not be rendered "
                                  f"({type(exc).__name__}); published as plain text")
            body = f'<pre class="glosa-unrendered">{html.escape(note.body)}</pre>\n'
            state.toc[:] = state.toc[:1] if title_h1 is not None else []
        return RenderedNote(head + body, state.toc, state.unresolved, state.warnings, state.uses)


def _render_heading_close(tokens: Sequence[Token], idx: int, env: EnvType) -> str:
        glosa = _state(env)
        opening = tokens[idx - 2] if idx >= 2 else None
        anchor = opening.attrGet("id") if opening is not None else None
        mark = ""
        if glosa is not None and glosa.permalink and anchor:
            mark = (f'<a class="headerlink" href="#{html.escape(str(anchor), quote=True)}" '
                    f'title="{html.escape(glosa.permalink_title, quote=True)}">'
                    f"{html.escape(glosa.permalink)}</a>")
        return f"{mark}</{tokens[idx].tag}>\n"


def default_plugins() -> list[Callable[[MarkdownIt], None]]:
    """The syntax extensions of :mod:`glosa.render.syntax`, in the order they apply."""
    from .syntax import ALL_PLUGINS

    return list(ALL_PLUGINS)


def page_title(note: Note, profile: str) -> str:
    """The page title: the file name's title in the seed format; in the obsidian profile
    frontmatter ``title``, else the file name (Obsidian's inline title)."""
    if profile == "obsidian":
        value = note.meta.get("title")
        if isinstance(value, str) and value.strip():
            return value.strip()
        return split_marker(note.stem).title or note.stem
    return note.title
