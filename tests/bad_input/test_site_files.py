"""What of a vault reaches the site (issue items 2, 3, 4's links, 6, 13's build side):
attachments never shadow theme or glosa files, SVGs are sanitized, script-bearing files
need `publish_raw`, other Markdown extensions are not published, links out of the vault
are not even walked, and a note's raw HTML cannot ask for a hover preview."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.exceptions import PluginError

from glosa.site.attachments import SvgError, sanitize_svg

from ..conftest import VaultFactory, seed_note
from .sites import BASE, build_site, site_config

SCRIPT_SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
              b'xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)" viewBox="0 0 9 9">'
              b'<script>alert(2)</script><circle r="4" onclick="alert(3)" fill="url(#g)"/>'
              b'<a xlink:href="javascript:alert(4)"><text>x</text></a>'
              b'<foreignObject><body xmlns="http://www.w3.org/1999/xhtml">'
              b'<img src="x" onerror="alert(5)"/></body></foreignObject>'
              b'<set attributeName="href" to="javascript:alert(6)"/>'
              b'<image href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="/>'
              b'<style>@import url(https://evil.example/x.css);</style>'
              b'<use href="https://evil.example/a.svg#x"/><rect width="2" height="2"/></svg>')

UNSAFE = ("script", "onload", "onclick", "javascript", "foreignObject", "onerror", "<set",
          "evil.example", "image/svg", "@import")


def test_svg_keeps_the_drawing_and_loses_every_script() -> None:
    clean = sanitize_svg(SCRIPT_SVG).decode("utf-8")
    for needle in UNSAFE:
        assert needle.lower() not in clean.lower(), needle
    assert "<circle" in clean and "<rect" in clean and 'viewBox="0 0 9 9"' in clean
    assert 'xmlns="http://www.w3.org/2000/svg"' in clean
    assert sanitize_svg(clean.encode()) == clean.encode()


_SVG_PIECES = ['<script>alert(1)</script>', '<g onload="alert(1)"/>', '<a href="javascript:x">',
               '</a>', '<foreignObject><p>x</p></foreignObject>', '<circle r="1"/>',
               '<animate attributeName="href" values="javascript:alert(1)"/>',
               '<style>a{background:url(javascript:x)}</style>', '<g style="x:expression(1)">',
               '</g>', '<use xlink:href="data:text/html,x"/>', '<!-- c -->', 'text',
               '<![CDATA[<script>alert(1)</script>]]>', '<SCRIPT>x</SCRIPT>']


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(_SVG_PIECES), max_size=10))
def test_sanitized_svg_never_holds_script(pieces: list[str]) -> None:
    data = ('<svg xmlns="http://www.w3.org/2000/svg" '
            'xmlns:xlink="http://www.w3.org/1999/xlink">' + "".join(pieces) + "</svg>").encode()
    try:
        clean = sanitize_svg(data).decode("utf-8").lower()
    except SvgError:
        return  # not well-formed: not published at all
    for needle in ("<script", " on", "javascript:", "foreignobject", "<animate", "expression(",
                   "data:text"):
        assert needle not in clean, (needle, clean)


@pytest.mark.parametrize("data", [b"", b"<svg", b"<html/>", b"<!DOCTYPE svg [<!ENTITY a 'b'>]>"
                                  b"<svg xmlns='http://www.w3.org/2000/svg'>&a;</svg>"])
def test_unreadable_svg_is_refused(data: bytes) -> None:
    with pytest.raises(SvgError):
        sanitize_svg(data)


def _theme_bundle() -> str:
    from importlib import resources

    folder = resources.files("material") / "templates" / "assets" / "javascripts"
    return next(e.name for e in folder.iterdir() if e.name.startswith("bundle."))


def test_attachments_never_replace_theme_or_glosa_files(
        tmp_path: Path, make_vault: VaultFactory, caplog: pytest.LogCaptureFixture) -> None:
    bundle = f"assets/javascripts/{_theme_bundle()}"
    evil = b"window.glosaCanary = 1;"
    shadows = [bundle, "assets/glosa/glosa.js", "assets/glosa/glosa.css",
               "assets/stylesheets/extra.css", "search/search_index.json",
               "pagefind/pagefind.js", "sitemap.xml", "404.html", "assets/images/favicon.png"]
    root = make_vault({**BASE, **{path: evil for path in shadows},
                       "assets/img/logo.png": b"\x89PNG\r\n\x1a\n"})
    site, log = build_site(root, tmp_path, caplog, options="      search: false\n"
                           "      publish_raw: ['*']\n")
    for path in shadows:
        target = site / path
        assert not target.exists() or target.read_bytes() != evil, path
        assert f"{path}: not published" in log, path
    # An attachment of the vault's own still is one.
    assert (site / "assets" / "img" / "logo.png").read_bytes() == b"\x89PNG\r\n\x1a\n"


def test_script_bearing_files_need_publish_raw_and_svgs_are_cleaned(
        tmp_path: Path, make_vault: VaultFactory, caplog: pytest.LogCaptureFixture) -> None:
    raw = {name: b"<script>window.glosaCanary=1</script>" for name in (
        "f/page.html", "f/page.htm", "f/page.xhtml", "f/code.js", "f/code.mjs", "f/data.xml",
        "ok/allowed.html")}
    root = make_vault({**BASE, **raw, "f/pic.svg": SCRIPT_SVG})
    site, log = build_site(root, tmp_path, caplog, options="      search: false\n"
                           "      publish_raw: ['ok/*.html']\n")
    for name in raw:
        if name.startswith("ok/"):
            assert (site / name).is_file()
            assert f"{name}: published as it is (publish_raw)" in log
        else:
            assert not (site / name).exists(), name
            assert f"{name}: not published" in log
    svg = (site / "f" / "pic.svg").read_text("utf-8")
    assert "<circle" in svg and not any(n.lower() in svg.lower() for n in UNSAFE)


@pytest.mark.parametrize("ext", [".mkd", ".mdown", ".mkdn", ".markdown"])
def test_every_markdown_page_is_a_checked_note_or_not_published(
        tmp_path: Path, make_vault: VaultFactory, caplog: pytest.LogCaptureFixture,
        ext: str) -> None:
    note = seed_note("Otra 🟡③", extra="title: '<img src=x onerror=alert(1)>'\n",
                     body="<script>window.glosaCanary=1</script> Texto visible.")
    root = make_vault({**BASE, f"es/Otra 🟡③{ext}": note})
    site, log = build_site(root, tmp_path, caplog)
    page = site / "es" / "otra" / "index.html"
    assert not (site / "es" / "Otra 🟡③" / "index.html").is_file() or ext == ".markdown"
    if ext == ".markdown":  # a note glosa reads, checks and sanitizes
        text = page.read_text("utf-8")
        assert "Texto visible." in text
        assert "<script>window" not in text and "onerror=alert" not in text
    else:
        assert not page.exists()
        assert f"es/Otra 🟡③{ext}: not published" in log
        assert not any("glosaCanary" in p.read_text("utf-8", "replace")
                       for p in site.rglob("*.html"))


def test_a_link_to_a_large_tree_outside_the_vault_is_not_walked(
        tmp_path: Path, make_vault: VaultFactory) -> None:
    from mkdocs.commands import build as build_module

    outside = tmp_path / "outside"
    for folder in range(40):
        part = outside / f"d{folder}"
        part.mkdir(parents=True)
        for number in range(100):
            (part / f"f{number}.md").write_text("x", encoding="utf-8")
    (outside / "loop").symlink_to(outside)
    root = make_vault({**BASE})
    (root / "everything").symlink_to(outside)
    (root / "es" / "up").symlink_to(root)  # a loop inside the vault
    config = site_config(root, tmp_path)
    config.plugins.on_config(config)
    started = time.perf_counter()
    files = build_module.get_files(config)  # what `mkdocs build` walks after on_config
    elapsed = time.perf_counter() - started
    uris = [f.src_uri for f in files]
    assert not [u for u in uris if u.startswith(("everything/", "es/up/"))], uris[:5]
    assert sorted(u for u in uris if u.endswith(".md")) == sorted(p for p in BASE)
    assert elapsed < 1.0


def test_raw_html_in_a_note_gets_no_hover_preview(tmp_path: Path, make_vault: VaultFactory,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    body = ('[[Índice ⚫①]] <a class="glosa-link" data-glosa-preview href="https://evil.example/">a'
            '</a> <span data-glosa-preview="x">b</span> <a DATA-GLOSA-PREVIEW href="/x">c</a>'
            ' <a data-glosa-preview="1" href="/y">d</a>')
    root = make_vault({**BASE, "es/Nota 🟡③.md": seed_note("Nota 🟡③", body=body)})
    site, _log = build_site(root, tmp_path, caplog)
    html = (site / "es" / "nota" / "index.html").read_text("utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    previews = article.count("data-glosa-preview")
    assert previews == 1, article  # only glosa's own link to the index
    assert 'href="https://evil.example/"' in article  # the link stays, without a preview
    script = (site / "assets" / "glosa" / "glosa.js").read_text("utf-8")
    assert "url.origin === window.location.origin" in script


@pytest.mark.parametrize(("options", "theme", "message"), [
    ("      level_labels: {es: {uno: X}}\n", "material", "level_labels.es"),
    ("      search: false\n", "mkdocs", "theme.name"),
    ("      languages: ['/tmp', es]\n", "material", "'languages'"),
])
def test_bad_site_settings_are_one_plugin_error(tmp_path: Path, make_vault: VaultFactory,
                                                options: str, theme: str,
                                                message: str) -> None:
    from mkdocs.config import load_config

    root = make_vault(dict(BASE))
    path = tmp_path / "mkdocs.yml"
    path.write_text(f"site_name: T\ndocs_dir: {root}\ntheme:\n  name: {theme}\n"
                    "plugins:\n  - glosa:\n" + options, encoding="utf-8")
    config = load_config(str(path))
    with pytest.raises(PluginError, match=message.replace("(", r"\(")):
        config.plugins.on_config(config)
