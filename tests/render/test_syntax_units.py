"""Unit tests of the Obsidian syntax plugins' contracts: ``strip_comments``, the ``env``
contract (tag links, features, tags met, footnote ids), callout types and icons, math
conversion, and the sanitizer allow-lists the plugins publish."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import nh3
import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from glosa.render.syntax import (
    SANITIZER_ATTRIBUTES,
    SANITIZER_TAGS,
    callouts_plugin,
    strip_comments,
    tex_to_mathml,
    use_obsidian_syntax,
)
from glosa.render.syntax.callouts import CALLOUT_TYPES, canonical_type
from glosa.render.syntax.icons import ICON_ELEMENTS, svg_icon
from glosa.render.syntax.math import MAX_TEX_LENGTH
from glosa.render.syntax.tags import is_tag_char, tag_at


def render(text: str, env: dict[str, Any] | None = None) -> str:
    return use_obsidian_syntax(MarkdownIt("commonmark").enable("table")).render(text, env)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no comment", "no comment"),
        ("a %%b%% c", "a  c"),
        ("a %%b\nc%% d", "a \n d"),
        ("> x %%b\n> c%% d", "> x \n>  d"),
        ("`%%` %%x%%", "`%%` "),
        ("```\n%%\n```\n%%x%%y", "```\n%%\n```\ny"),
        ("~~~\n%%\n~~~~\n%%x%%", "~~~\n%%\n~~~~\n"),
        ("```js `x`\n%%c%%", "```js `x`\n"),
        ("open %% to the end\nline\n", "open \n\n"),
        ("%%%%", ""),
        ("50% and 60%", "50% and 60%"),
    ],
)
def test_strip_comments(text: str, expected: str) -> None:
    assert strip_comments(text) == expected


def test_strip_comments_keeps_line_count() -> None:
    text = "a\n%%\nb\n\nc\n%%\nd %%e%%\n"
    assert strip_comments(text).count("\n") == text.count("\n")


class Linker:
    def __init__(self, href: str | None) -> None:
        self.href = href
        self.asked: list[str] = []

    def tag_href(self, tag: str) -> str | None:
        self.asked.append(tag)
        return self.href


def test_tag_without_env_is_a_span() -> None:
    assert render("#tag") == '<p><span class="tag">#tag</span></p>\n'


def test_tag_linker_returning_none_gives_a_span() -> None:
    linker = Linker(None)
    assert render("#a/b", {"glosa": linker}) == '<p><span class="tag">#a/b</span></p>\n'
    assert linker.asked == ["a/b"]


def test_tag_href_is_escaped() -> None:
    html = render("#x", {"glosa": Linker('/t?a=1&b="2"')})
    assert html == '<p><a href="/t?a=1&amp;b=&quot;2&quot;" class="tag">#x</a></p>\n'


def test_tags_met_are_listed_in_env() -> None:
    env: dict[str, Any] = {}
    render("#one and #two/three, not #123 nor `#code`", env)
    assert env["glosa_tags"] == ["one", "two/three"]


@pytest.mark.parametrize(
    ("text", "start", "tag"),
    [
        ("#tag", 0, "tag"),
        ("a #tag.", 2, "tag"),
        ("a#tag", 1, None),
        ("#1984", 0, None),
        ("#y1984", 0, "y1984"),
        ("#a/b-c_d", 0, "a/b-c_d"),
        ("#día", 0, "día"),
        ("#/", 0, None),
        ("# x", 0, None),
    ],
)
def test_tag_at(text: str, start: int, tag: str | None) -> None:
    assert tag_at(text, start) == tag


@pytest.mark.parametrize(("char", "allowed"), [("a", True), ("é", True), ("🎉", True),
                                               ("_", True), ("/", True), (".", False),
                                               (",", False), ("«", False), ("\u3000", False)])
def test_is_tag_char(char: str, allowed: bool) -> None:
    assert is_tag_char(char) is allowed


def test_mermaid_feature_only_for_pages_with_a_diagram() -> None:
    with_diagram: dict[str, Any] = {}
    render("```mermaid\ngraph TD\nA-->B\n```\n", with_diagram)
    assert with_diagram["glosa_features"] == {"mermaid"}
    without: dict[str, Any] = {}
    render("```python\nx = 1\n```\n", without)
    assert "mermaid" not in without.get("glosa_features", set())


def test_footnote_ids_take_the_doc_id() -> None:
    html = render("a[^1]\n\n[^1]: n\n", {"docId": "note"})
    assert 'href="#fn-note-1"' in html and 'id="fnref-note-1"' in html


@pytest.mark.parametrize(
    "written", [name for canonical, (aliases, _) in CALLOUT_TYPES.items()
                for name in (canonical, *aliases)]
)
def test_every_type_and_alias_has_its_canonical_icon(written: str) -> None:
    canonical = canonical_type(written)
    icon = CALLOUT_TYPES[canonical][1]
    md = MarkdownIt("commonmark")
    callouts_plugin(md)
    html = md.render(f"> [!{written.upper()}]\n")
    assert f'data-callout="{written}"' in html
    assert f"lucide-{icon}" in html


def test_unknown_type_uses_note() -> None:
    assert canonical_type("my-own") == "note"


@pytest.mark.parametrize("name", sorted(ICON_ELEMENTS))
def test_icons_are_well_formed_svg(name: str) -> None:
    svg = ET.fromstring(svg_icon(name))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.get("aria-hidden") == "true"
    assert len(svg) >= 1


def test_math_keeps_character_references_and_escapes_text() -> None:
    mathml = tex_to_mathml(r"a < b \text{<i>&</i>}", False)
    assert "<i>" not in mathml
    assert "&lt;i&gt;" in mathml
    assert "&#x0003C;" in mathml  # the `<` operator, as latex2mathml writes it
    ET.fromstring(mathml)  # well-formed


@pytest.mark.parametrize("tex", [r"\frac{", r"\begin{nope}", "x" * (MAX_TEX_LENGTH + 1)])
def test_math_falls_back_to_source(tex: str) -> None:
    assert tex_to_mathml(tex, True) == f'<code class="math-source">{tex}</code>'


def test_sanitizer_allow_lists_keep_the_plugins_output() -> None:
    source = (
        "> [!faq]+ Q\n> - [x] done\n\n$x^2$ ==m== ~~d~~ a[^1]\n\n"
        "```mermaid\ngraph TD\n```\n\n[^1]: n\n"
    )
    html = render(source)
    base_tags = {"p", "div", "span", "ul", "li", "a", "ol", "code", "math", "mrow", "msup",
                 "mi", "mn"}
    attributes: dict[str, set[str]] = {"*": {"class", "id", "href", "aria-hidden"}}
    for tag, names in SANITIZER_ATTRIBUTES.items():
        attributes.setdefault(tag, set()).update(names)
    cleaned = nh3.clean(html, tags=base_tags | SANITIZER_TAGS, attributes=attributes,
                        link_rel=None)

    def elements(markup: str) -> list[tuple[str, list[tuple[str, str]]]]:
        # Element names and attributes, in order (nh3 writes empty attributes and void
        # elements its own way).
        soup = BeautifulSoup(markup, "html.parser")
        return [
            (tag.name, sorted((name, str(value)) for name, value in tag.attrs.items()))
            for tag in soup.find_all(True)
        ]

    assert elements(cleaned) == elements(html)
    assert "data-callout" in html and "<svg" in html and "data-task" in html
