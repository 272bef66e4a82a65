"""The Zensical spike's engine-free half (benchmarks/zensical/glosa_zensical.py): the docs
folder glosa pre-generates, and the Python-Markdown extension that renders a note, run here
through plain Python-Markdown (Zensical itself lives in the spike's own venv)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import markdown
import pytest
import yaml
from benchmarks.zensical import glosa_zensical as gz
from bs4 import BeautifulSoup, Tag

from glosa.reading.model import Note

from .conftest import seed_note, write_vault
from .test_site import vault_files


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, gz.PreparedSite]:
    tmp = tmp_path_factory.mktemp("zensical")
    write_vault(tmp / "vault", vault_files())
    settings = tmp / "mkdocs.yml"
    settings.write_text("site_name: Test\nsite_url: https://example.org/g/\ndocs_dir: vault\n"
                        "theme:\n  name: material\nplugins:\n  - glosa\n"
                        "markdown_extensions:\n  - toc:\n      permalink: true\n",
                        encoding="utf-8")
    out = tmp / "build"
    site = gz.prepare(settings, out)
    return settings, out, site


def render(settings: Path, page: str) -> str:
    md = markdown.Markdown(extensions=["toc", "tables", "attr_list", "md_in_html",
                                       gz.GlosaExtension(settings=str(settings), page=page)],
                           extension_configs={"toc": {"permalink": True}})
    return md.convert("(the extension renders the note glosa read)")


def resolve(source: str, href: str) -> str:
    """The docs page a link written relative to the source file's folder points to."""
    folder = source.rsplit("/", 1)[0] + "/" if "/" in source else ""
    parts: list[str] = []
    for part in (folder + unquote(href.split("#")[0])).split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


@pytest.mark.parametrize(("path", "directory_urls", "url"), [
    ("es/temas/Cliente ⚫①.md", True, "es/temas/Cliente ⚫①/"),
    ("es/temas/Cliente ⚫①.md", False, "es/temas/Cliente ⚫①.html"),
    ("es/index.md", True, "es/"),
    ("index.md", True, ""),
    ("logo.png", True, "logo.png"),
])
def test_page_url_follows_the_engine(path: str, directory_urls: bool, url: str) -> None:
    assert gz.page_url(path, directory_urls) == url


def test_prepared_folder_holds_notes_attachments_and_generated_pages(
        prepared: tuple[Path, Path, gz.PreparedSite]) -> None:
    settings, out, site = prepared
    docs = out / "docs"
    for note in site.model.notes:
        text = (docs / note.path).read_text("utf-8")
        front = yaml.safe_load(text.split("---\n")[1])
        assert front["title"] == note.title  # without the level marker
    assert (docs / "logo.png").read_bytes() == b"\x89PNG\r\n\x1a\n"
    for page in ("es/az.md", "en/az.md", "es/tags/index.md", "index.md",
                 "assets/glosa/glosa.js", "assets/glosa/glosa.css", "assets/glosa/ofm.css",
                 "assets/glosa/mermaid-init.js", "assets/glosa/mermaid.min.js"):
        assert (docs / page).is_file(), page
    cliente = yaml.safe_load((docs / "es/temas/Cliente ⚫①.md").read_text("utf-8")
                             .split("---\n")[1])
    assert cliente["glosa_alternates"] == [{"lang": "en",
                                            "url": "en/Customer%20%E2%9A%AB%E2%91%A0/"}]
    config = yaml.safe_load((out / "mkdocs.yml").read_text("utf-8"))
    assert config["docs_dir"] == "docs" and config["theme"]["custom_dir"] == "overrides"
    assert {"glosa_zensical": {"settings": str(settings.resolve())}} in config[
        "markdown_extensions"]
    nav_pages = [next(iter(item.values())) for group in config["nav"]
                 for items in group.values() for item in items]
    assert "es/az.md" in nav_pages and "es/Índice ⚫①.md" in nav_pages
    assert not any("Cliente" in page for page in nav_pages)  # notes are not in the sidebar
    assert [a["lang"] for a in config["extra"]["alternate"]] == ["es", "en"]
    assert "assets/glosa/ofm.css" in config["extra_css"]
    assert "assets/glosa/mermaid-init.js" in config["extra_javascript"]


def test_generated_listing_links_resolve_from_the_source_folder(
        prepared: tuple[Path, Path, gz.PreparedSite]) -> None:
    _, out, _ = prepared
    text = (out / "docs" / "es/az.md").read_text("utf-8")
    hrefs = re.findall(r'<a href="([^"#]+)" data-glosa-preview>', text)
    targets = {resolve("es/az.md", href).rstrip("/") + ".md" for href in hrefs}
    assert "es/temas/Cliente ⚫①.md" in targets
    assert all((out / "docs" / t).is_file() for t in targets), targets


def test_extension_renders_links_embeds_and_furniture(
        prepared: tuple[Path, Path, gz.PreparedSite]) -> None:
    settings, out, _ = prepared
    page = "es/temas/Cliente ⚫①.md"
    html = render(settings, page)
    # glosa's renderer writes the page's H1 (an id of its own, unique on the page).
    assert re.search(r'<h1 id="cliente(-\d+)?">Cliente', html)
    links = dict(re.findall(r'<a class="glosa-link" href="([^"]+)"[^>]*>([^<]+)</a>', html))
    assert resolve(page, next(h for h, label in links.items() if label == "inicio")) == (
        "es/Índice ⚫①")
    assert '<span class="glosa-broken" title="missing: No existe">No existe</span>' in html
    assert 'id="def"' in html  # the block id became an anchor
    # As on the MkDocs site: a child term is listed once, as a child, not as a backlink.
    children = html[html.index('class="glosa-children"'):html.index('class="glosa-backlinks"')]
    assert "Huérfana" in children and "Hostil" in children
    backlinks = html[html.index('class="glosa-backlinks"'):]
    assert "Índice" in backlinks and "Huérfana" not in backlinks
    assert 'hreflang="en"' in html and "Customer" in html  # the translation link
    assert '<script type="application/ld+json">{"@context": "https://schema.org"' in html
    for href in re.findall(r'href="([^"#]+)', html):
        if "://" not in href:
            assert (out / "docs" / (resolve(page, href).rstrip("/") + ".md")).is_file(), href


def indexed_text(html: str) -> str:
    """The text of a page Zensical 0.0.73 puts in its search index: everything but the
    elements marked ``data-search-exclude`` (with their content). Checked on its built
    search.json: a heading inside a marked element starts an (empty) search section of its
    own unless it carries the mark too, so that is asserted here as well."""
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        script.decompose()  # Zensical indexes no script text (the JSON-LD)
    excluded = [el for el in soup.find_all(attrs={gz.SEARCH_EXCLUDE: True})
                if isinstance(el, Tag)]
    for element in excluded:
        for heading in element.find_all(re.compile(r"^h[1-6]$")):
            assert isinstance(heading, Tag) and heading.has_attr(gz.SEARCH_EXCLUDE), heading
    for element in excluded:
        element.decompose()
    return " ".join(soup.get_text(" ").split())


def test_furniture_stays_on_the_page_and_out_of_zensicals_search(
        prepared: tuple[Path, Path, gz.PreparedSite]) -> None:
    """Zensical indexes the page content the extension returns; the term furniture is in it
    (breadcrumb, level, translation, aliases, children, tags, backlinks) and must not be
    indexed: at 10,000 notes the legend's 5,000 backlinks pass Zensical's limit of words a
    search field and the build fails."""
    settings, _, _ = prepared
    html = render(settings, "es/temas/Cliente ⚫①.md")
    text = indexed_text(html)
    assert "Cliente" in text and "Persona que compra." in text and "Una tienda." in text
    # On the page: breadcrumb and backlinks (Índice), children (Huérfana, Hostil), the
    # translation (Customer), the alias (comprador); none of it in the index.
    for word in ("Índice", "Huérfana", "Hostil", "Customer", "comprador"):
        assert word in html and word not in text, word
    for tag in gz.SEARCH_EXCLUDED_TAGS:
        if tag not in ('<p class="glosa-notice"', '<p class="glosa-tags"'):
            assert f"{tag} {gz.SEARCH_EXCLUDE}" in html, tag
    assert indexed_text(html.replace(f" {gz.SEARCH_EXCLUDE}", "")) != text


def test_home_overview_stays_out_of_zensicals_search(
        prepared: tuple[Path, Path, gz.PreparedSite]) -> None:
    settings, _, site = prepared
    html = render(settings, "es/Índice ⚫①.md")
    text = indexed_text(html)
    assert "Bienvenida." in text and "Portada" in text  # the home note's own text
    overview = html[html.index('<div class="glosa-home"'):]
    assert re.search(r"<h[1-6]", overview)  # the overview has headings, all marked
    assert "glosa-home" not in str(BeautifulSoup(text, "html.parser"))
    assert site.ui("es")["az"] in overview and site.ui("es")["az"] not in text


def test_term_template_marks_every_piece_of_furniture() -> None:
    source = gz.term_template_source()
    for tag in gz.SEARCH_EXCLUDED_TAGS:
        assert source.count(f"{tag} {gz.SEARCH_EXCLUDE}") == 1, tag
    # A heading or section the template gains is furniture too (the title's H1 is the
    # note's, and indexed): it must be in the list.
    block = r"<(?:h[2-6]|section|nav|aside)\b"
    assert len(re.findall(block, source)) == len(
        [t for t in gz.SEARCH_EXCLUDED_TAGS if re.match(block, t)])


def test_extension_transcludes_embeds(prepared: tuple[Path, Path, gz.PreparedSite]) -> None:
    settings, _, _ = prepared
    html = render(settings, "es/Índice ⚫①.md")
    embed = html[html.index('<div class="glosa-embed markdown-embed">'):]
    assert "Una tienda." in embed[:embed.index("</div>")]
    assert '<img class="glosa-embed-image" src="../logo.png"' in html


def test_extension_sanitizes_note_html(prepared: tuple[Path, Path, gz.PreparedSite]) -> None:
    settings, _, _ = prepared
    html = render(settings, "es/Hostil 🟡③.md")
    assert "Texto" in html
    # Only glosa's own JSON-LD block is a script (its values escaped); the note's script
    # element is gone with its content, and so is its javascript: link.
    body, jsonld = html.split('<script type="application/ld+json">')
    assert "<script" not in body and "alert(3)" not in body and "javascript:" not in body
    assert "<" not in jsonld.removesuffix("</script>")
    assert "<img src=x" not in body  # the hostile alias is shown as text
    assert "&lt;img src=x onerror=alert(2)&gt;" in body


def test_pages_that_are_not_notes_pass_through(
        prepared: tuple[Path, Path, gz.PreparedSite]) -> None:
    settings, _, _ = prepared
    md = markdown.Markdown(extensions=[gz.GlosaExtension(settings=str(settings),
                                                         page="es/az.md")])
    html = md.convert("# Índice\n\n<div class=\"glosa-az\"><a href=\"x/\">X</a></div>\n")
    assert '<div class="glosa-az"><a href="x/">X</a></div>' in html
    assert "glosa-term" not in html


def test_unpublished_notes_stay_out_of_the_prepared_folder(tmp_path: Path) -> None:
    """`publish: false` and `publish_exclude` remove a note from the Zensical site as from the
    MkDocs one: no page, no listing entry, its text in no file of the folder."""
    files = vault_files()
    files["es/temas/Secreta 🟡③.md"] = seed_note(
        "Secreta 🟡③", parent="Cliente ⚫①", body="Texto secreto zqxw.",
        extra="publish: false\n")
    files["es/borradores/Borrador 🟡③.md"] = seed_note(
        "Borrador 🟡③", parent="Cliente ⚫①", body="Borrador secreto wxqz.")
    write_vault(tmp_path / "vault", files)
    settings = tmp_path / "mkdocs.yml"
    settings.write_text("site_name: Test\ndocs_dir: vault\ntheme:\n  name: material\n"
                        "plugins:\n  - glosa:\n      publish_exclude: ['es/borradores/**']\n",
                        encoding="utf-8")
    out = tmp_path / "build"
    site = gz.prepare(settings, out)
    paths = {note.path for note in site.model.notes}
    assert "es/temas/Cliente ⚫①.md" in paths
    assert not any("Secreta" in path or "Borrador" in path for path in paths)
    written = [p for p in (out / "docs").rglob("*") if p.is_file()]
    assert written and not any("Secreta" in str(p) or "Borrador" in str(p) for p in written)
    for path in written:
        if path.suffix == ".md":
            text = path.read_text("utf-8")
            assert "zqxw" not in text and "wxqz" not in text and "Secreta" not in text, path


def test_search_field_limit_follows_zensicals_index() -> None:
    # As Zensical 0.0.73 reported them: "maximum 16384 for 58384 items", "131072 for 4101".
    assert gz.search_field_limit(58384) == 16384
    assert gz.search_field_limit(4101) == 131072
    assert gz.search_field_limit(4096) == 2 * 131072
    # Tokens split as Zensical's separator splits them; a heading in code starts no section.
    assert gz.section_tokens("a b-c d_e\n## H\nf:g\n```\n# no\n```\n") == [5, 4]


def test_a_section_too_long_for_zensicals_search_is_reported(tmp_path: Path) -> None:
    def note(name: str, body: str) -> Note:
        return Note(path=f"es/{name}.md", abs_path=tmp_path / name, stem=name, title=name,
                       marker=None, level=None, lang="es", body=body)

    # 8,200 sections: a field may hold 65,536 tokens.
    many = note("Muchas", "\n".join(f"## S{i}\n\nuno dos" for i in range(8200)))
    long = note("Larga", "## Larga\n\n" + "palabra " * 70000)
    short = note("Corta", "## Corta\n\n" + "palabra " * 60000)
    assert gz.long_search_sections([many, long, short]) == [("es/Larga.md", 70000, 65536)]
    assert gz.long_search_sections([long, short]) == []  # a small site takes it
