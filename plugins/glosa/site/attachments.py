"""What of a vault's attachments is published, and how.

- An attachment never takes the place of a theme file or one of glosa's own (a vault file
  at ``assets/javascripts/bundle.….min.js`` would replace the theme's script on every page).
- Files a browser runs as script on the site's origin when opened (HTML, XHTML, XML,
  JavaScript...) are published only where the site owner lists them in ``publish_raw``.
- SVG images are rewritten on copy with only the elements and attributes that draw: no
  script, no event handler, no ``javascript:`` or external address, no ``foreignObject``.

Nothing here knows MkDocs.
"""

from __future__ import annotations

import fnmatch
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

__all__ = [
    "RAW_SUFFIXES",
    "SvgError",
    "is_raw",
    "raw_allowed",
    "reserved_reason",
    "sanitize_svg",
]

#: Suffixes of files a browser may run as script (or as a page) when a reader opens them.
RAW_SUFFIXES = (".html", ".htm", ".xhtml", ".xht", ".shtml", ".mht", ".mhtml", ".js",
                ".mjs", ".cjs", ".xml", ".xsl", ".xslt", ".svgz", ".swf", ".wasm", ".htc",
                ".jsp", ".php", ".asp", ".aspx")

#: Folders and files of the site that belong to glosa, the theme or the search.
_RESERVED_PREFIXES = ("assets/glosa/", "assets/javascripts/", "assets/stylesheets/",
                      "search/", "pagefind/")
_RESERVED_FILES = frozenset({"sitemap.xml", "sitemap.xml.gz", "404.html", "objects.inv"})


def is_raw(path: str) -> bool:
    return path.lower().endswith(RAW_SUFFIXES)


def raw_allowed(path: str, patterns: Iterable[str]) -> bool:
    """Whether the site owner's ``publish_raw`` globs name this vault path."""
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in patterns)


def reserved_reason(dest: str, theme_paths: frozenset[str]) -> str | None:
    """Why the site path ``dest`` (from the site root) is not a vault file's to take,
    else None. ``theme_paths`` are the files the theme publishes (lower case)."""
    folded = dest.lower()
    if folded in theme_paths:
        return "the theme publishes a file at this path"
    if folded in _RESERVED_FILES:
        return "glosa or MkDocs writes this file"
    for prefix in _RESERVED_PREFIXES:
        if folded.startswith(prefix):
            return f"'{prefix}' holds the theme's, glosa's or the search's own files"
    return None


# --- SVG ---------------------------------------------------------------------------------
#
# By hand over defusedxml (which parses without entity expansion or external loads): nh3
# cleans HTML fragments and writes HTML, not a standalone XML document, so the image it
# gave back would not load as an SVG file. The allow-list below is the drawing part of SVG.

_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_XML = "http://www.w3.org/XML/1998/namespace"
ET.register_namespace("", _SVG)
ET.register_namespace("xlink", _XLINK)

_ELEMENTS = frozenset({
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "path", "rect",
    "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
    "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
    "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR",
    "feGaussianBlur", "feImage", "feMerge", "feMergeNode", "feMorphology", "feOffset",
    "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence", "image",
    "switch", "view", "style", "a",
})
# Attributes are kept unless they are event handlers or addresses; addresses are kept
# only when they point inside the image (#id) or are raster data.
_ADDRESS_ATTRIBUTES = frozenset({"href", f"{{{_XLINK}}}href", "src"})
_SAFE_DATA = re.compile(r"data:image/(?:png|jpeg|gif|webp|avif);base64,[A-Za-z0-9+/=\s]*\Z",
                        re.I)
# In CSS: url() other than #id, @import, expression(), javascript: and the like.
_UNSAFE_CSS = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)|@import|expression\s*\(|javascript:"
                         r"|behavior\s*:|-moz-binding", re.I)


class SvgError(ValueError):
    """The file is not an SVG image glosa can read."""


def _local(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _safe_address(value: str) -> bool:
    text = "".join(value.split())
    return text.startswith("#") or _SAFE_DATA.match(text) is not None


def _clean(element: ET.Element) -> None:
    for child in list(element):
        namespace, local = _local(str(child.tag))
        if namespace != _SVG or local not in _ELEMENTS:
            element.remove(child)  # script, foreignObject, animation, other vocabularies
            continue
        if local == "style" and _UNSAFE_CSS.search(child.text or ""):
            element.remove(child)
            continue
        _clean_attributes(child)
        _clean(child)


def _clean_attributes(element: ET.Element) -> None:
    for name in list(element.attrib):
        namespace, local = _local(name)
        value = element.attrib[name]
        keep = namespace in ("", _XLINK, _XML) and not local.lower().startswith("on")
        if keep and (name in _ADDRESS_ATTRIBUTES or local == "href"):
            keep = _safe_address(value)
        if keep and _UNSAFE_CSS.search(value):
            keep = False
        if not keep:
            del element.attrib[name]


def sanitize_svg(data: bytes) -> bytes:
    """The SVG image with only what draws, as a standalone UTF-8 document."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise SvgError(f"not a well-formed SVG image ({exc})") from None
    namespace, local = _local(str(root.tag))
    if namespace != _SVG or local != "svg":
        raise SvgError("the root element is not an SVG <svg> element")
    _clean_attributes(root)
    _clean(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
