"""The sanitizer every note's HTML goes through (nh3, the ammonia sanitizer): what the
renderer and its syntax extensions emit is kept, anything that could run script (script,
style, event handlers, ``javascript:`` URLs, frames of other documents) is removed, and no
relative link climbs above the site root."""

from __future__ import annotations

import functools
import html
import posixpath
import re
from urllib.parse import unquote

import nh3

from .syntax import SANITIZER_ATTRIBUTES, SANITIZER_TAGS

__all__ = ["sanitize_html"]

# MathML (what math is rendered to on the server: no script, no request to another host).
_MATHML_TAGS = {
    "math", "annotation", "annotation-xml", "menclose", "merror", "mfrac", "mi", "mmultiscripts",
    "mn", "mo", "mover", "mpadded", "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace",
    "msqrt", "mstyle", "msub", "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder",
    "munderover", "none", "semantics",
}
_MATHML_ATTRIBUTES = {
    "display", "displaystyle", "mathvariant", "stretchy", "fence", "separator", "lspace",
    "rspace", "accent", "accentunder", "columnalign", "rowalign", "columnspacing",
    "rowspacing", "columnlines", "rowlines", "frame", "linethickness", "scriptlevel",
    "notation", "minsize", "maxsize", "movablelimits", "largeop", "symmetric", "width",
    "height", "depth", "voffset", "encoding", "form", "mathsize", "mathcolor",
}

# Tags and attributes a rendered note may keep: what the renderer, its syntax extensions
# and glosa's own markup produce.
_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var", "input", "label",
    "nav", "section", "header", "footer", "article", "aside", "time",
    "audio", "video", "source", "iframe",
    *_MATHML_TAGS,
}
_ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "role", "aria-label", "aria-hidden"},
    # `data-glosa-preview` is kept only with the build's own mark (see sanitize_html).
    "a": {"href", "hreflang", "data-level", "data-footnote-ref"},
    "img": {"src", "alt", "width", "height", "loading"},
    "time": {"datetime"},
    "td": {"align", "colspan", "rowspan", "style"}, "th": {"align", "colspan", "rowspan",
                                                           "scope", "style"},
    "ol": {"start", "type"}, "li": {"value"}, "details": {"open"},
    "input": {"type", "checked", "disabled", "data-task"},
    "code": {"data-lang"},
    "audio": {"src", "controls", "preload"},
    "video": {"src", "controls", "preload", "width", "height"},
    "source": {"src", "type"},
    "iframe": {"src", "width", "height", "loading"},
    **{tag: set(_MATHML_ATTRIBUTES) for tag in _MATHML_TAGS},
}
# What the syntax extensions emit (callout icons are inline SVG of paths and shapes).
_ALLOWED_TAGS |= SANITIZER_TAGS
for _tag, _names in SANITIZER_ATTRIBUTES.items():
    _ALLOWED_ATTRIBUTES[_tag] = _ALLOWED_ATTRIBUTES.get(_tag, set()) | set(_names)
_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Only text-align survives in a style attribute (GFM table column alignment).
_CLEANER = nh3.Cleaner(tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
                       url_schemes=_URL_SCHEMES, link_rel=None, strip_comments=True,
                       filter_style_properties={"text-align"})

# A link or image address in nh3's output (values in double quotes, entities decoded).
_URL_VALUE = re.compile(r' (href|src)="([^"]*)"')
# A frame: only a PDF of the site itself may be shown in one (a frame of an HTML file
# would run that file's script on the site's origin).
_IFRAME = re.compile(r'<iframe\b[^>]*>.*?</iframe>', re.S)
_IFRAME_SRC = re.compile(r' src="([^"]*)"')
_INPUT = re.compile(r"<input\b[^>]*>")


def _local_pdf(src: str) -> bool:
    value = html.unescape(src)
    path = value.split("#", 1)[0].split("?", 1)[0]
    return (":" not in path and not value.startswith(("/", "\\")) and "\\" not in path
            and unquote(path).lower().endswith(".pdf"))


def _safe_frame(match: re.Match[str]) -> str:
    frame = match.group(0)
    src = _IFRAME_SRC.search(frame)
    return frame if src is not None and _local_pdf(src.group(1)) else ""


def _disabled_input(match: re.Match[str]) -> str:
    # Inputs in a note are task-list checkboxes, shown and never editable.
    tag = match.group(0)
    if 'type="checkbox"' not in tag:
        return ""
    return tag if " disabled" in tag else tag[:-1].rstrip("/ ") + ' disabled="">'


@functools.lru_cache(maxsize=8)
def _cleaner(preview_mark: str) -> nh3.Cleaner:
    """The sanitizer of one build: hover previews (``data-glosa-preview``) survive only on
    links that carry the build's random mark, which the renderer writes on the links it
    makes; a note's own HTML cannot know it, so it cannot ask for a preview."""
    if not preview_mark:
        return _CLEANER
    return nh3.Cleaner(tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
                       url_schemes=_URL_SCHEMES, link_rel=None, strip_comments=True,
                       filter_style_properties={"text-align"},
                       tag_attribute_values={"a": {"data-glosa-preview": {preview_mark}}})


def sanitize_html(content: str, page_url: str = "", preview_mark: str = "") -> str:
    """Rendered page HTML with anything that could run script removed, and no relative
    link or image that climbs above the site root (``page_url`` is the page's URL relative
    to the site root). ``preview_mark``: the value of ``data-glosa-preview`` on the links
    the renderer made (any other is removed; without a mark, every one is)."""
    cleaned = _cleaner(preview_mark).clean(content)
    if "<iframe" in cleaned:
        cleaned = _IFRAME.sub(_safe_frame, cleaned)
    if "<input" in cleaned:
        cleaned = _INPUT.sub(_disabled_input, cleaned)
    # Checked after nh3 rather than through its attribute_filter hook, which would call
    # back into Python for every attribute of every page.
    page_dir = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(
        page_url) + "/"

    def keep_inside(match: re.Match[str]) -> str:
        value = html.unescape(match.group(2))
        # Browsers read a backslash in an address as a slash.
        value = value.replace("\\", "/")
        if value.startswith("#") or "://" in value.split("?", 1)[0] or value.startswith(
                ("//", "/", "mailto:", "tel:")):
            return match.group(0)
        path = unquote(value.split("#", 1)[0].split("?", 1)[0]).replace("\\", "/")
        target = posixpath.normpath(posixpath.join(page_dir, path))
        return "" if target == ".." or target.startswith("../") else match.group(0)

    # Climbing above the root from `depth` folders down takes more than `depth` ".."
    # segments; percent-encoded dots (which browsers read as dots) and backslashes are
    # always looked at.
    depth = page_dir.count("/")
    if not any(value.count("..") > depth or "%2e" in value or "%2E" in value
               or "\\" in value or "%5c" in value.lower()
               for _, value in _URL_VALUE.findall(cleaned)):
        return cleaned
    return _URL_VALUE.sub(keep_inside, cleaned)
