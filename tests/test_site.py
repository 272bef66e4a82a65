"""Whole-site builds over small fixture vaults: links, anchors, backlinks, translations,
hreflang, JSON-LD, escaping, strict mode, directory URLs on and off."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from bs4 import BeautifulSoup

from .conftest import VaultFactory, engine_command, seed_note, write_vault

HOSTILE = '<script>alert(1)</script> "q" <img src=x onerror=alert(2)>'


def vault_files() -> dict[str, str | bytes]:
    return {
        "es/Índice ⚫①.md": seed_note(
            "Índice ⚫①", parent=None, translations='"[[Index ⚫①]]"',
            body="Bienvenida. Ver [[Cliente ⚫①]] y [[Cliente ⚫①#Ejemplo|su ejemplo]].\n\n"
                 "## Portada\n\n"
                 "![[Cliente ⚫①#Ejemplo]]\n\n![[logo.png]]"),
        "es/Leyenda 🔴②.md": seed_note("Leyenda 🔴②", body="## Niveles\n\nSeis."),
        # Renders after the home page, in the same folder: its sidebar is not the home's.
        "es/Última 🟡③.md": seed_note("Última 🟡③", body="Cierra la lista."),
        "es/temas/Cliente ⚫①.md": seed_note(
            "Cliente ⚫①", translations='"[[Customer ⚫①]]"',
            extra="aliases:\n  - comprador\ntags2: x\n",
            body="Persona que compra. ^def\n\n## Ejemplo\n\nUna tienda. [[#Ejemplo]]\n\n"
                 "| término | enlace |\n|---|---|\n| a | [[Índice ⚫①\\|inicio]] |\n\n"
                 "Roto: [[No existe]]."),
        "es/temas/Huérfana 🟡③.md": seed_note("Huérfana 🟡③", parent="Cliente ⚫①",
                                              body="Sin traducción. Ver [[comprador]]."),
        "en/Index ⚫①.md": seed_note("Index ⚫①", lang="EN", parent=None,
                                    translations='"[[Índice ⚫①]]"', legend="[[Legend 🔴②]]"
                                    " | ①②③④⑤⑥ | ⚫① 🔴② 🟡③ 🟢④ 🔵⑤ ⚪⑥",
                                    body="Welcome. See [[Customer ⚫①]]."),
        "en/Legend 🔴②.md": seed_note("Legend 🔴②", lang="EN", parent="Index ⚫①"),
        "en/Customer ⚫①.md": seed_note("Customer ⚫①", lang="EN", parent="Index ⚫①",
                                       translations='"[[Cliente ⚫①]]"',
                                       body="A person who buys. Back to [[Index]]."),
        "es/Hostil 🟡③.md": seed_note("Hostil 🟡③", parent="Cliente ⚫①",
                                      extra=f"aliases:\n  - '{HOSTILE}'\n",
                                      body="Texto <script>alert(3)</script> y "
                                           "<a href=\"javascript:alert(4)\">x</a>."),
        "logo.png": b"\x89PNG\r\n\x1a\n",
    }


def build(root: Path, tmp_path: Path, *, strict: bool = False, extra: str = "",
          directory_urls: bool = True, engine: str = "mkdocs") -> tuple[int, str, Path]:
    site = tmp_path / "site"
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        f"site_name: Test\nsite_url: https://example.org/g/\ndocs_dir: {root}\n"
        f"use_directory_urls: {str(directory_urls).lower()}\n"
        "theme:\n  name: material\nplugins:\n  - glosa" + extra + "\n", encoding="utf-8")
    args = [*engine_command(engine), "build", "-f", str(config), "-d", str(site)]
    if strict:
        args.append("--strict")
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    return result.returncode, result.stdout + result.stderr, site


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, site_engine: str) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp(f"site-{site_engine}")
    root = write_vault(tmp / "vault", vault_files())
    code, log, site = build(root, tmp, engine=site_engine)
    assert code == 0, log
    return site, log


def page(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


def page_of(site: Path, rel: str) -> BeautifulSoup:
    """The page at site path ``rel``, or the one it redirects to: a note's title-style
    address (``es/Cliente ⚫①/``) leads to its slug page (``es/cliente/``)."""
    soup = page(site, rel)
    refresh = soup.select_one('meta[http-equiv="refresh"]')
    if refresh is None:
        return soup
    target = urljoin("https://x/" + rel, str(refresh["content"]).split("url=", 1)[1])
    path = unquote(target.removeprefix("https://x/"))
    return page(site, path + "index.html" if path.endswith("/") else path)


def html_pages(site: Path) -> list[Path]:
    # 404.html links through site_url (absolute paths); every other page links relatively.
    return [p for p in site.rglob("*.html") if "pagefind" not in p.parts and p.name != "404.html"]


def test_every_internal_link_and_anchor_exists(built: tuple[Path, str]) -> None:
    site, _ = built
    checked = 0
    for html_file in html_pages(site):
        soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
        own_ids = {str(t["id"]) for t in soup.select("[id]")}
        for a in soup.select("a[href]"):
            href = str(a["href"])
            if href.startswith("#") and len(href) > 1 and not href.startswith("#__"):
                assert unquote(href[1:]) in own_ids, f"{html_file.relative_to(site)}: {href}"
                checked += 1
                continue
            if href.startswith(("http:", "https:", "mailto:", "#")) or not href:
                continue
            url = urljoin(html_file.relative_to(site).as_posix(), href)
            path_part, _, fragment = url.partition("#")
            target = site / unquote(path_part).lstrip("/")
            if target.is_dir() or path_part.endswith("/") or not path_part:
                target = target / "index.html"
            assert target.is_file(), f"{html_file.relative_to(site)}: {href} -> missing"
            if fragment and target.suffix == ".html":
                ids = {str(t["id"]) for t in BeautifulSoup(
                    target.read_text(encoding="utf-8"), "html.parser").select("[id]")}
                assert unquote(fragment) in ids, f"{href}: no #{fragment}"
            checked += 1
    assert checked > 50


def test_wiki_links_become_links_with_labels_and_anchors(built: tuple[Path, str]) -> None:
    site, _ = built
    soup = page(site, "es/indice/index.html")
    links = {a.get_text(): str(a["href"]) for a in soup.select("article a.glosa-link")}
    # Slug URLs (url_style's default in the seed profile): no marker, accent or space.
    assert links["Cliente"] == "../temas/cliente/"
    assert links["su ejemplo"] == "../temas/cliente/#ejemplo"


def test_embeds_are_transcluded_and_images_shown(built: tuple[Path, str]) -> None:
    site, _ = built
    soup = page(site, "es/indice/index.html")
    embed = soup.select_one(".glosa-embed")
    assert embed is not None and "Una tienda." in embed.get_text()
    image = soup.select_one("img.glosa-embed-image")
    assert image is not None and unquote(str(image["src"])) == "../../logo.png"


def test_broken_link_is_visible_and_logged(built: tuple[Path, str]) -> None:
    site, log = built
    soup = page(site, "es/temas/cliente/index.html")
    broken = soup.select_one(".glosa-broken")
    assert broken is not None and broken.get_text() == "No existe"
    assert "[[" not in soup.select_one("article").get_text()
    assert "es/temas/Cliente ⚫①.md:36:7: link-broken" in log and "link-broken" in log


def test_strict_build_fails_naming_file_and_line(tmp_path: Path, make_vault: VaultFactory,
                                                site_engine: str) -> None:
    root = make_vault(vault_files())
    code, log, _ = build(root, tmp_path, engine=site_engine, strict=True)
    assert code != 0
    assert "es/temas/Cliente ⚫①.md:36:7: link-broken" in log


def test_clean_vault_builds_strict_with_zero_warnings(tmp_path: Path,
                                                      make_vault: VaultFactory,
                                                      site_engine: str) -> None:
    files = vault_files()
    files["es/temas/Cliente ⚫①.md"] = str(files["es/temas/Cliente ⚫①.md"]).replace(
        "Roto: [[No existe]].", "")
    code, log, _ = build(make_vault(files), tmp_path, engine=site_engine, strict=True)
    assert code == 0, log
    assert "WARNING -" not in log


def test_term_page_furniture(built: tuple[Path, str]) -> None:
    site, _ = built
    soup = page(site, "es/temas/huerfana/index.html")
    badge = soup.select_one(".glosa-level")
    assert badge is not None and "Intermedio" in badge.get_text()
    assert [a.get_text() for a in soup.select(".glosa-breadcrumb a")] == ["Índice", "Cliente"]
    article = soup.select_one("article").get_text()
    assert "①②③④⑤⑥" not in article  # the legend line is not printed raw
    assert "Versión 0.4.1" in soup.get_text()
    assert "6 de mayo de 2024" in soup.get_text()
    assert soup.html is not None and soup.html["lang"] == "es"


def test_backlinks(built: tuple[Path, str]) -> None:
    site, _ = built
    soup = page(site, "es/temas/cliente/index.html")
    # Child terms link to their parent too: they are listed once, as its children.
    children = [a.get_text() for a in soup.select(".glosa-children a")]
    assert children == ["Hostil", "Huérfana"]  # accents ignored in the order
    titles = [a.get_text() for a in soup.select(".glosa-backlinks a")]
    assert titles == ["Índice"]


def test_language_switch_goes_to_translation_or_home(built: tuple[Path, str]) -> None:
    site, _ = built
    term = page(site, "es/temas/cliente/index.html")
    switch = term.select_one(".glosa-switch__link")
    assert switch is not None and unquote(str(switch["href"])) == "../../../en/customer/"
    orphan = page(site, "es/temas/huerfana/index.html")
    switch = orphan.select_one(".glosa-switch__link")
    assert switch is not None and unquote(str(switch["href"])) == "../../../en/index/"


def test_hreflang_alternates_and_sitemap(built: tuple[Path, str]) -> None:
    site, _ = built
    soup = page(site, "es/temas/cliente/index.html")
    alternates = {str(link["hreflang"]): unquote(str(link["href"]))
                  for link in soup.select("link[hreflang]")}
    # Absolute, since the site's address is known (search engines want them so).
    assert alternates == {"es": "https://example.org/g/es/temas/cliente/",
                          "en": "https://example.org/g/en/customer/"}
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert 'hreflang="en" href="https://example.org/g/en/customer/"' in sitemap


def test_json_ld_and_description(built: tuple[Path, str]) -> None:
    site, _ = built
    soup = page(site, "es/temas/cliente/index.html")
    script = soup.select_one('script[type="application/ld+json"]')
    assert script is not None
    data = json.loads(script.string or "")
    assert data["@type"] == "DefinedTerm" and data["name"] == "Cliente"
    assert data["inLanguage"] == "es" and data["inDefinedTermSet"]["@type"] == "DefinedTermSet"
    assert data["alternateName"] == ["comprador"]
    description = soup.select_one('meta[name="description"]')
    assert description is not None and description["content"] == "Persona que compra."


def test_hostile_values_are_escaped(built: tuple[Path, str]) -> None:
    site, _ = built
    for html_file in html_pages(site):
        text = html_file.read_text(encoding="utf-8")
        soup = BeautifulSoup(text, "html.parser")
        for script in soup.select("script"):
            if script.get("type") == "application/ld+json":
                assert "<" not in (script.string or ""), html_file  # cannot close the element
            else:
                assert "alert" not in (script.string or ""), html_file
        assert not soup.select("[onerror]"), html_file
        assert "javascript:" not in text, html_file
    soup = page(site, "es/hostil/index.html")
    aliases = [s.get_text() for s in soup.select(".glosa-alias")]
    assert aliases == [HOSTILE]
    ld = json.loads(soup.select_one('script[type="application/ld+json"]').string or "")
    assert ld["alternateName"] == [HOSTILE]


def test_generated_pages(built: tuple[Path, str]) -> None:
    site, _ = built
    az = page(site, "es/az/index.html")
    # Terms only: the home (Índice) and the legend are the site's furniture.
    titles = [a.get_text() for a in az.select(".glosa-entry:not(.glosa-entry--see) > a")]
    assert titles == ["Cliente", "Hostil", "Huérfana", "Última"]
    see = [e.get_text(" ", strip=True) for e in az.select(".glosa-entry--see")]
    assert "comprador → Cliente" in see
    tags = page(site, "en/tags/index.html")
    assert tags.select(".glosa-tag") == []  # no tags in these notes
    landing = page(site, "index.html")
    assert [a.get_text() for a in landing.select(".glosa-cards--languages a")] == [
        "Español", "English"]


def test_search_index_per_language(built: tuple[Path, str]) -> None:
    site, _ = built
    notes = [path for path in vault_files() if path.endswith(".md")]
    for lang in ("es", "en"):
        assert (site / "pagefind" / lang / "pagefind.js").is_file()
        entry = json.loads((site / "pagefind" / lang / "pagefind-entry.json").read_text())
        # Every note of the language is indexed, and nothing else (no listing page).
        assert entry["languages"][lang]["page_count"] == sum(
            1 for path in notes if path.startswith(f"{lang}/")), entry
    box = page(site, "es/az/index.html").select_one("[data-glosa-search]")
    assert box is not None and box["data-langs"] == "es en"
    assert not [p.name for p in site.iterdir() if p.name.startswith(".")]


def test_no_third_party_requests(built: tuple[Path, str]) -> None:
    site, _ = built
    for html_file in html_pages(site):
        soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.select("link[href], script[src], img[src]"):
            url = str(tag.get("href") or tag.get("src"))
            if tag.name == "link" and {"alternate", "canonical"} & set(tag.get("rel") or []):
                continue
            assert not url.startswith(("http:", "https:", "//")), (html_file, url)


def test_without_directory_urls(tmp_path: Path, make_vault: VaultFactory,
                                site_engine: str) -> None:
    code, log, site = build(make_vault(vault_files()), tmp_path, engine=site_engine,
                            directory_urls=False)
    assert code == 0, log
    soup = page(site, "es/indice.html")
    links = [unquote(str(a["href"])) for a in soup.select("article a.glosa-link")]
    assert "temas/cliente.html" in links
    assert (site / "es" / "temas" / "cliente.html").is_file()
    assert redirect_target(site, "es/temas/Cliente ⚫①.html") == "es/temas/cliente.html"
    assert redirect_target(site, "es/temas/comprador.html") == "es/temas/cliente.html"


def redirect_target(site: Path, rel: str) -> str | None:
    """The site path a redirect page sends its reader to, or None if it is no redirect."""
    soup = page(site, rel)
    refresh = soup.select_one('meta[http-equiv="refresh"]')
    if refresh is None:
        return None
    target = str(refresh["content"]).split("url=", 1)[1]
    canonical = soup.select_one('link[rel="canonical"]')
    assert canonical is not None and canonical["href"] == target
    resolved = urljoin("https://x/" + rel, target).removeprefix("https://x/")
    assert (site / unquote(resolved) / ("index.html" if resolved.endswith("/") else "")
            ).is_file(), resolved
    return unquote(resolved)


def test_old_addresses_and_aliases_redirect_to_the_slug_page(built: tuple[Path, str]) -> None:
    site, _ = built
    # The title-style address (marker, accents, spaces) of every term still leads to it.
    assert redirect_target(site, "es/temas/Cliente ⚫①/index.html") == "es/temas/cliente/"
    assert redirect_target(site, "es/temas/Huérfana 🟡③/index.html") == "es/temas/huerfana/"
    assert redirect_target(site, "en/Customer ⚫①/index.html") == "en/customer/"
    # So do its aliases, slugged beside it; a language's folder leads to its home.
    assert redirect_target(site, "es/temas/comprador/index.html") == "es/temas/cliente/"
    assert redirect_target(site, "es/index.html") == "es/indice/"
    # A page is never a redirect, and a redirect never takes a page's place.
    assert redirect_target(site, "es/temas/cliente/index.html") is None


def test_url_style_title_keeps_the_file_names(tmp_path: Path, make_vault: VaultFactory,
                                              site_engine: str) -> None:
    code, log, site = build(make_vault(vault_files()), tmp_path, engine=site_engine,
                            extra=":\n      url_style: title")
    assert code == 0, log
    soup = page(site, "es/Índice ⚫①/index.html")
    links = {a.get_text(): unquote(str(a["href"])) for a in soup.select("article a.glosa-link")}
    assert links["Cliente"] == "../temas/Cliente ⚫①/"
    assert not (site / "es" / "temas" / "cliente").exists()


def test_url_style_is_checked(tmp_path: Path, make_vault: VaultFactory) -> None:
    code, log, _ = build(make_vault(vault_files()), tmp_path, extra=":\n      url_style: pretty")
    assert code != 0 and "url_style" in log and "pretty" in log


def test_slug_clashes_are_numbered_and_named(tmp_path: Path, make_vault: VaultFactory) -> None:
    files = vault_files()
    # Two titles with one slug in one folder; a level change must not move a page.
    files["es/temas/Clíente 🟢④.md"] = seed_note("Clíente 🟢④", body="Otra grafía.")
    files["es/temas/Tasa A-B 🔵⑤.md"] = seed_note("Tasa A-B 🔵⑤", body="Con guion.")
    files["es/temas/Otra/Nota ⚫①.md"] = seed_note("Nota ⚫①", extra="permalink: fija/aqui\n")
    code, log, site = build(make_vault(files), tmp_path)
    assert code == 0, log
    # Paths sort before the clash: `Cliente ⚫①.md` keeps the slug, `Clíente` is numbered.
    assert "es/temas/Clíente 🟢④.md: published at 'es/temas/cliente-2/': " \
        "'es/temas/Cliente ⚫①.md' already has 'es/temas/cliente/'" in log
    assert "Otra grafía." in page(site, "es/temas/cliente-2/index.html").get_text()
    assert "Persona que compra." in page(site, "es/temas/cliente/index.html").get_text()
    assert (site / "es" / "temas" / "tasa-a-b" / "index.html").is_file()
    # permalink wins over the slug; the old address redirects to it.
    assert (site / "fija" / "aqui" / "index.html").is_file()
    assert not (site / "es" / "temas" / "Otra" / "nota").exists()
    assert redirect_target(site, "es/temas/Otra/Nota ⚫①/index.html") == "fija/aqui/"


def test_plain_obsidian_vault_builds(tmp_path: Path, make_vault: VaultFactory,
                                     site_engine: str) -> None:
    root = make_vault({"Nota.md": "# Nota\n\nVer [[Otra]].\n", "Otra.md": "# Otra\n\nTexto.\n",
                       "en/Note.md": "# Note\n\nText.\n"})
    code, log, site = build(root, tmp_path, engine=site_engine, strict=True,
                            extra="\n      - glosa:\n          profile: obsidian"
                            .replace("\n  - glosa\n", ""))
    assert code != 0 or "WARNING -" not in log
    code, log, site = build(root, tmp_path, engine=site_engine,
                            extra=":\n      profile: obsidian\n      languages: [es, en]")
    assert code == 0, log
    assert (site / "Otra" / "index.html").is_file()
    assert (site / "es" / "index.html").is_file()  # a generated home: no vault index note
    # Spanish notes outside an es/ folder are still indexed, under their own URLs.
    entry = json.loads((site / "pagefind" / "es" / "pagefind-entry.json").read_text("utf-8"))
    assert entry["languages"]["es"]["page_count"] == 3  # two notes and the home


def test_obsidian_vault_takes_its_languages_from_its_folders(
        tmp_path: Path, make_vault: VaultFactory, site_engine: str) -> None:
    """Unset `languages` with the obsidian profile: an English vault without language
    folders is an English site (no Spanish half), one with en/ and es/ is bilingual."""
    root = make_vault({"Home.md": "# Home\n\nSee [[Other]].\n", "Other.md": "# Other\n\nText.\n"})
    code, log, site = build(root, tmp_path, engine=site_engine,
                            extra=":\n      profile: obsidian")
    assert code == 0, log
    assert page(site, "Other/index.html").html["lang"] == "en"
    assert not (site / "es").exists() and not (site / "exports").exists()
    entry = json.loads((site / "pagefind" / "en" / "pagefind-entry.json").read_text("utf-8"))
    assert entry["languages"]["en"]["page_count"] == 2
    both = write_vault(tmp_path / "both" / "vault", {"en/Note.md": "# Note\n\n[[Nota]]\n",
                                                     "es/Nota.md": "# Nota\n\n[[Note]]\n"})
    code, log, site = build(both, tmp_path / "both", engine=site_engine,
                            extra=":\n      profile: obsidian")
    assert code == 0, log
    assert page(site, "es/Nota/index.html").html["lang"] == "es"
    assert page(site, "en/Note/index.html").html["lang"] == "en"


def test_dashboard_is_opt_in_for_builds(tmp_path: Path, make_vault: VaultFactory,
                                        site_engine: str) -> None:
    files = vault_files()
    files["es/temas/Huérfana 🟡③.md"] = str(files["es/temas/Huérfana 🟡③.md"]).replace(
        'ACCION: ""', 'ACCION: "Revisar la definición"')
    root = make_vault(files)
    code, log, site = build(root, tmp_path, engine=site_engine)
    assert code == 0, log
    assert not (site / "es" / "dashboard").exists()
    code, log, site = build(root, tmp_path, engine=site_engine,
                            extra=":\n      dashboard: true")
    assert code == 0, log
    soup = page(site, "es/dashboard/index.html")
    text = soup.get_text()
    assert "Revisar la definición" in text
    rows = [[td.get_text() for td in tr.select("td")] for tr in soup.select("tbody tr")]
    assert ["lang", "ES", "6"] in rows and ["", "EN", "3"] in rows
    missing = [a.get_text() for a in soup.select("#translations ~ ul a")]
    assert "Huérfana" in missing


@pytest.mark.parametrize(
    ("page_url", "fragment", "kept"),
    [
        ("es/a/", '<a href="../b/">x</a>', True),
        ("es/a/", '<a href="../../../etc/passwd">x</a>', False),
        ("es/a.html", '<img src="../../x.png">', False),
        ("es/a.html", '<img src="../x.png">', True),
        ("es/a/", '<a href="%2E%2E/%2e%2e/%2E%2E/x">x</a>', False),
        ("es/a/", '<a href="&#46;&#46;/&#46;&#46;/&#46;&#46;/x">x</a>', False),
        ("es/a/", '<a href="../b/?q=..#x">x</a>', True),
        ("es/a/", '<a href="../b/..a/">x</a>', True),
        ("", '<a href="https://example.org/">x</a>', True),
        ("", '<a href="javascript:alert(1)">x</a>', False),
        ("", '<img src="data:image/png;base64,AAAA">', False),
        ("", '<a href="#sec" onclick="alert(1)">x</a>', True),
    ],
)
def test_sanitizer_keeps_links_inside_the_site(page_url: str, fragment: str,
                                               kept: bool) -> None:
    from glosa.adapter.plugin import sanitize_html

    cleaned = sanitize_html(fragment, page_url)
    assert "onclick" not in cleaned and "javascript" not in cleaned
    attribute = "href" if "href" in fragment else "src"
    assert (f"{attribute}=" in cleaned) is kept, cleaned


def test_block_ids_become_anchors(built: tuple[Path, str]) -> None:
    site, _ = built
    soup = page(site, "es/temas/cliente/index.html")
    anchor = soup.select_one("article #def")
    assert anchor is not None and anchor.name == "p"
    assert anchor.get_text().strip() == "Persona que compra."
    assert "^def" not in soup.select_one("article").get_text()


def test_sidebar_of_a_page_in_the_navigation_is_its_own(built: tuple[Path, str]) -> None:
    # Notes outside the navigation share one rendered sidebar per folder; a page in the
    # navigation (the home) keeps its own, with its table of contents under its entry.
    site, _ = built
    home = page(site, "es/indice/index.html")
    primary = home.select_one(".md-nav--primary")
    assert primary is not None and primary.select('a[href="#portada"]')
    other = page(site, "es/ultima/index.html")
    primary = other.select_one(".md-nav--primary")
    assert primary is not None and not primary.select('a[href="#portada"]')


def test_the_engine_under_test_built_the_site(built: tuple[Path, str], site_engine: str) -> None:
    # Each engine names itself in the generator tag: the parametrized builds really ran
    # under MkDocs and under ProperDocs, not twice under whichever `mkdocs` resolves to.
    site, _ = built
    generator = page(site, "es/temas/cliente/index.html").find(
        "meta", attrs={"name": "generator"})
    assert generator is not None
    content = str(generator["content"])
    if site_engine == "properdocs":
        assert "ProperDocs 1.6" in content
    else:
        assert content.startswith("mkdocs-1.6") and "ProperDocs" not in content
    assert "mkdocs-material-9" in content


@pytest.mark.parametrize("where", ["new/folders/index.html", "es/index.html", "top.html"])
def test_redirect_pages_are_written_whole_in_their_folders(tmp_path: Path, where: str) -> None:
    from glosa.adapter.plugin import _write_in_own_folder

    (tmp_path / "es").mkdir()
    (tmp_path / "es" / "index.html").write_bytes(b"an older and much longer page " * 100)
    data = "<!doctype html>→ ".encode() * 50_000  # more than one write() may take
    path = tmp_path / where
    _write_in_own_folder(str(path), data)
    assert path.read_bytes() == data
    _write_in_own_folder(str(path), b"short")
    assert path.read_bytes() == b"short"  # truncated, not written over
