"""The knowledge-base shell: publishing controls, properties, tags, explorer, graph,
recent changes, home note and wording, over the fixture vault tests/fixtures/kb built
with the obsidian profile; and the engine-free pieces on their own."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from datetime import date, datetime, timezone
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from glosa.config import GlosaConfig
from glosa.reading.tags import parse_tags, tag_slug, tags_with_parents
from glosa.reading.vault import load_vault
from glosa.site.explorer import natural_key
from glosa.site.feeds import changed_dates, git_dates
from glosa.site.kb import choose_home, wording_overrides
from glosa.site.properties import shown_properties
from glosa.site.publishing import alias_redirects, is_published, permalink_of, published_vault

from .conftest import FIXTURES, write_vault
from .test_site import build

KB = FIXTURES / "kb"
OBSIDIAN = ("\n      languages: [en]\n      profile: obsidian\n"
            "      publish_exclude: ['Privado/']")
#: Words that only unpublished notes hold.
CANARIES = ("quuxcanaryword", "xyzzydraftword", "plughprivateword")


@pytest.fixture(scope="module")
def kb_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("kb")
    vault = tmp / "vault"
    shutil.copytree(KB, vault)
    code, log, site = build(vault, tmp, extra=":" + OBSIDIAN)
    assert code == 0, log
    return site, log


def soup(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


def site_bytes(site: Path) -> dict[str, bytes]:
    """Every file of the site, gzip files (Pagefind's index and fragments) decompressed."""
    out = {}
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            out[path.relative_to(site).as_posix()] = data
    return out


# ---------------------------------------------------------------- publishing


def test_unpublished_text_is_in_no_file_of_the_site(kb_site: tuple[Path, str]) -> None:
    site, _ = kb_site
    files = site_bytes(site)
    assert any(name.startswith("pagefind/") and name.endswith(".pf_fragment")
               for name in files), "the search index was not built"
    # The same check finds published text in the search fragments.
    assert any(b"mechanical computer" in data for name, data in files.items()
               if name.endswith(".pf_fragment"))
    for word in CANARIES:
        found = [name for name, data in files.items() if word.encode() in data]
        assert found == [], f"{word} leaked into {found}"


def test_unpublished_notes_have_no_page_and_links_to_them_are_plain(
        kb_site: tuple[Path, str]) -> None:
    site, log = kb_site
    assert not (site / "Secret Plan").exists()
    assert not (site / "Diario" / "Borrador").exists()
    assert not (site / "Privado").exists()
    ada = soup(site, "Personas/Ada Lovelace/index.html")
    plain = ada.select(".glosa-unpublished")
    assert [p.get_text() for p in plain] == ["Secret Plan"]
    assert not ada.select(".glosa-broken")
    assert not any("Secret" in str(a.get("href", "")) for a in ada.select("a"))
    # The transclusion of the unpublished note shows nothing of it.
    engine = soup(site, "machines/analytical-engine/index.html")
    assert engine.select_one(".glosa-embed") is None
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "Secret" not in sitemap and "Borrador" not in sitemap
    assert "link-unpublished: [[Secret Plan]]" in log
    assert "link-unpublished: ![[Secret Plan]]" in log


def test_permalink_moves_the_page_and_redirects_the_default_url(
        kb_site: tuple[Path, str]) -> None:
    site, _ = kb_site
    engine = soup(site, "machines/analytical-engine/index.html")
    assert engine.h1 is not None and engine.h1.get_text(strip=True) == "Engine"
    redirect = soup(site, "Proyectos/Engine/index.html")
    refresh = redirect.select_one("meta[http-equiv=refresh]")
    assert refresh is not None
    assert refresh["content"] == "0; url=../../machines/analytical-engine/"
    # A path-like alias redirects too; a plain alias does not.
    alias = soup(site, "people/ada/index.html").select_one("link[rel=canonical]")
    assert alias is not None and alias["href"] == "../../Personas/Ada%20Lovelace/"
    assert not (site / "Ada").exists()
    # Folders with spaces: the redirect files are named as written, not percent-encoded.
    moved = soup(site, "Archivo viejo/Vieja nota/index.html").select_one("link[rel=canonical]")
    assert moved is not None and moved["href"] == "../../archive/old-note/"
    old = soup(site, "Viejo archivo/nota antigua/index.html").select_one("link[rel=canonical]")
    assert old is not None and old["href"] == "../../archive/old-note/"
    assert not any("%" in path.name for path in site.rglob("*"))


def test_cssclasses_description_and_image(kb_site: tuple[Path, str]) -> None:
    site, _ = kb_site
    ada = soup(site, "Personas/Ada Lovelace/index.html")
    term = ada.select_one(".glosa-term")
    assert term is not None and {"wide", "ada-page"} <= set(term["class"])
    description = ada.select_one("meta[name=description]")
    assert description is not None
    assert description["content"] == "The first programmer, in one line."
    image = ada.select_one("meta[property='og:image']")
    assert image is not None and image["content"] == "https://example.org/g/assets/ada.png"


# ---------------------------------------------------------------- properties and tags


def test_properties_panel_shows_types_links_and_tags(kb_site: tuple[Path, str]) -> None:
    site, _ = kb_site
    ada = soup(site, "Personas/Ada Lovelace/index.html")
    panel = ada.select_one(".glosa-properties")
    assert panel is not None
    # Under the title (and its line of facts, when it has one).
    heading = ada.select_one("article h1")
    assert heading is not None
    following = heading.find_next_sibling()
    if following is not None and "glosa-termhead" in (following.get("class") or []):
        following = following.find_next_sibling()
    assert following is panel
    kinds = {row["data-property"]: row["class"][1] for row in panel.select(".glosa-property")}
    assert kinds["born"] == "glosa-property--date"
    assert kinds["alive"] == "glosa-property--checkbox"
    assert kinds["score"] == "glosa-property--number"
    assert kinds["website"] == "glosa-property--url"
    assert kinds["tags"] == "glosa-property--tags"
    assert "cssclasses" not in kinds and "publish" not in kinds
    born = panel.select_one("[data-property=born] time")
    assert born is not None and born["datetime"] == "1815-12-10"
    assert born.get_text() == "December 10, 1815"
    checkbox = panel.select_one("[data-property=alive] input")
    assert checkbox is not None and not checkbox.has_attr("checked")
    page_dir = site / "Personas" / "Ada Lovelace"
    for key, title in (("related", "Engine"), ("friends", "Charles Babbage")):
        link = panel.select_one(f"[data-property={key}] a.glosa-link")
        assert link is not None and link.get_text() == title
        target = (page_dir / str(link["href"]).replace("%20", " ") / "index.html").resolve()
        assert target.is_file(), link["href"]
    tags = [(a.get_text(), a["href"]) for a in panel.select("[data-property=tags] a")]
    assert tags == [("#people/mathematicians", "../../en/tags/people/mathematicians/"),
                    ("#Programación", "../../en/tags/programacion/")]


def test_nested_tags_have_parent_pages(kb_site: tuple[Path, str]) -> None:
    site, _ = kb_site
    people = soup(site, "en/tags/people/index.html")
    links = people.select(".md-content a[data-glosa-preview]")
    titles = sorted(a.get_text(strip=True) for a in links if a.get_text(strip=True))
    assert "Ada Lovelace" in titles and "Charles Babbage" in titles
    inventors = soup(site, "en/tags/people/inventors/index.html")
    assert "Charles Babbage" in inventors.get_text()
    assert "Ada Lovelace" not in inventors.select_one("article").get_text()
    index = soup(site, "en/tags/index.html").get_text()
    assert "Programación" in index and "people/inventors" in index


# ---------------------------------------------------------------- explorer and graph


def test_explorer_data_and_current_folder(kb_site: tuple[Path, str]) -> None:
    site, _ = kb_site
    tree = json.loads((site / "assets/glosa/explorer-en.json").read_text(encoding="utf-8"))
    assert [item["n"] for item in tree] == ["Archivo viejo", "Personas", "Proyectos", "Home"]
    proyectos = tree[2]["c"]
    assert [item["n"] for item in proyectos] == ["Año 2", "Engine"]
    assert [item["n"] for item in proyectos[0]["c"]] == ["Nota 2", "Nota 10"]
    assert "Secret" not in json.dumps(tree) and "Borrador" not in json.dumps(tree)
    nav = soup(site, "Proyectos/Año 2/Nota 10/index.html").select_one("nav.glosa-explorer")
    assert nav is not None
    current = nav.select_one("a[aria-current=page]")
    assert current is not None and current.get_text() == "Nota 10"
    assert [(a.get_text(), a["href"]) for a in nav.select("a")] == [
        ("Nota 2", "../Nota%202/"), ("Nota 10", "../Nota%2010/")]
    assert nav["data-src"] == "../../../assets/glosa/explorer-en.json"


def test_graph_data_and_neighbours_without_script(kb_site: tuple[Path, str]) -> None:
    site, _ = kb_site
    data = json.loads((site / "assets/glosa/graph-en.json").read_text(encoding="utf-8"))
    titles = [node[0] for node in data["nodes"]]
    assert "Secret Plan" not in titles
    edges = {(titles[a], titles[b]) for a, b in data["links"]}
    assert ("Ada Lovelace", "Engine") in edges and ("Home", "Ada Lovelace") in edges
    # A link written only in a property (`friends: ["[[Charles Babbage]]"]`) is an edge.
    assert ("Ada Lovelace", "Charles Babbage") in edges
    ada = soup(site, "Personas/Ada Lovelace/index.html")
    listing = [a.get_text() for a in ada.select(".glosa-graph__list a")]
    assert listing == ["Charles Babbage", "Engine", "Home"]
    assert soup(site, "en/graph/index.html").select_one(".glosa-graph__canvas--global")


# ---------------------------------------------------------------- recent, home, wording


def test_recent_changes_and_feed(kb_site: tuple[Path, str]) -> None:
    site, _ = kb_site
    recent = [a.get_text() for a in soup(site, "en/recent/index.html").select(
        ".glosa-recent__list a")]
    assert recent.index("Charles Babbage") < recent.index("Engine")
    assert "Secret Plan" not in recent
    feed = ElementTree.fromstring((site / "en/feed.xml").read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == len(recent)
    first = entries[recent.index("Charles Babbage")]
    assert first.findtext(f"{atom}updated", "").startswith("2026-11-30")
    assert first.findtext(f"{atom}id") == "https://example.org/g/Personas/Charles%20Babbage/"


def test_home_note_is_the_front_page_and_wording_is_for_notes(
        kb_site: tuple[Path, str]) -> None:
    site, _ = kb_site
    home = soup(site, "index.html")
    assert home.h1 is not None and home.h1.get_text(strip=True) == "Home"
    assert "Welcome to the vault" in home.get_text()
    assert soup(site, "Home/index.html").select_one("meta[http-equiv=refresh]") is not None
    nota = soup(site, "Proyectos/Año 2/Nota 10/index.html")
    text = nota.get_text()
    assert "term" not in nota.select_one(".glosa-backlinks").get_text().lower()
    assert "(en/es)" not in text and "(es/en)" not in text
    empty = soup(site, "Home/index.html")  # the redirect page names no language either
    assert "(en/es)" not in empty.get_text()
    alone = soup(site, "archive/old-note/index.html")  # a note nothing links to
    assert "No note links here yet." in alone.get_text()


def test_property_links_are_backlinks(kb_site: tuple[Path, str]) -> None:
    """Obsidian counts a link in a property as a backlink: Charles Babbage is linked only
    from Ada Lovelace's `friends`; the backlink quotes Ada's text, not her frontmatter."""
    site, _ = kb_site
    charles = soup(site, "Personas/Charles Babbage/index.html")
    backlinks = charles.select_one(".glosa-backlinks")
    assert backlinks is not None
    sources = [a.get_text(strip=True) for a in backlinks.select("a")]
    assert "Ada Lovelace" in sources
    snippet = backlinks.select_one(".glosa-snippet")
    assert snippet is not None and "Ada wrote the first program" in snippet.get_text()
    assert "friends" not in backlinks.get_text() and "No note links here" not in \
        charles.get_text()


# ---------------------------------------------------------------- the pieces


@pytest.mark.parametrize(("value", "tags"), [
    ("a, b", ["a", "b"]),
    ("a b", ["a", "b"]),
    ("#a #b", ["a", "b"]),
    (["x", "#y/z", "x"], ["x", "y/z"]),
    ("Películas/Género", ["Películas/Género"]),
    (None, []),
    ({"a": 1}, []),
    ([1, None, "b"], ["1", "b"]),
])
def test_parse_tags(value: object, tags: list[str]) -> None:
    assert parse_tags(value) == tags


def test_tag_slugs_and_parents() -> None:
    from glosa.site.model import slug_for_url

    assert tag_slug("Películas/Género Negro", slug_for_url) == "peliculas/genero-negro"
    listing = tags_with_parents([("a/b", []), ("a/c", []), ("d", [])])
    assert [tag for tag, _ in listing] == ["a", "a/b", "a/c", "d"]


@pytest.mark.parametrize(("meta", "path", "published"), [
    ({}, "a.md", True),
    ({"publish": False}, "a.md", False),
    ({"publish": "false"}, "a.md", False),
    ({"publish": True}, "a.md", True),
    ({"draft": True}, "a.md", False),
    ({"draft": "no"}, "a.md", True),
    ({}, "private/a.md", False),
    ({}, "notes/x.draft.md", False),
])
def test_is_published(meta: dict[str, object], path: str, published: bool) -> None:
    from glosa.reading.model import Note
    from glosa.site.publishing import exclude_spec

    note = Note(path, Path(path), "a", "a", None, None, "en", meta=meta)
    assert is_published(note, exclude_spec(["private/", "**/*.draft.md"])) is published


@pytest.mark.parametrize(("value", "path"), [
    ("machines/engine", "machines/engine"),
    ("/machines/engine/", "machines/engine"),
    ("../outside", None),
    ("%2e%2e/outside", None),
    ("with%20space/x", "with space/x"),
    ("a/../../b", None),
    ("https://evil.example/x", None),
    (".hidden/x", None),
    ("", None),
    (3, None),
])
def test_permalink_stays_inside_the_site(value: object, path: str | None) -> None:
    from glosa.reading.model import Note

    note = Note("a.md", Path("a.md"), "a", "a", None, None, "en", meta={"permalink": value})
    assert permalink_of(note) == path


def test_alias_redirects_only_path_like_aliases() -> None:
    from glosa.reading.model import Note

    note = Note("a.md", Path("a.md"), "a", "a", None, None, "en",
                aliases=["Ada", "old/ada", "/older/ada/", "../up/x"])
    assert alias_redirects(note) == ["old/ada", "older/ada"]


def test_published_vault_and_check_warning(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {
        "a.md": "See [[b]] and [[c]].\n",
        "b.md": "---\npublish: false\n---\nHidden.\n",
        "c.md": "Shown.\n",
        ".obsidian/app.json": '{"strictLineBreaks": true}',
        ".obsidian/templates.json": '{"folder": "Templates"}',
        "Templates/t.md": "{{title}}\n",
    })
    config = GlosaConfig(languages=("en",), default_language="en", profile="obsidian")
    whole = load_vault(root, config)
    site = published_vault(whole, [])
    assert [n.path for n in site.notes] == ["a.md", "c.md"]
    # The vault's own settings and template folders go with it.
    assert site.obsidian == whole.obsidian and site.obsidian.strict_line_breaks
    assert site.templates == whole.templates == ["Templates/t.md"]
    assert site.index.note_at("b.md") is None
    assert published_vault(load_vault(root, config), []) is not whole  # a new vault each time
    from glosa.checking.checks import check_vault

    rules = [(d.rule, d.path, d.line) for d in check_vault(whole)]
    assert ("link-unpublished", "a.md", 1) in rules
    assert not any(rule == "link-broken" for rule, _, _ in rules)


def test_glosa_check_command_warns_about_unpublished_links(tmp_path: Path) -> None:
    import sys

    root = write_vault(tmp_path / "v", {
        "a.md": "See [[b]].\n", "b.md": "---\ndraft: true\n---\nHidden.\n"})
    (tmp_path / "pyproject.toml").write_text(
        '[tool.glosa]\nvault = "v"\nlanguages = ["en"]\nprofile = "obsidian"\n',
        encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "glosa", "check", str(root)], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert "link-unpublished" in done.stdout + done.stderr


def test_shown_properties() -> None:
    from glosa.reading.model import Note

    note = Note("a.md", Path("a.md"), "a", "a", None, None, "en",
                meta={"checked": 1, "topic": "x", "publish": True, "tags": ["t"]})
    assert shown_properties(note, "show", glossary=False) == ["checked", "topic", "tags"]
    assert shown_properties(note, "show", glossary=True) == ["topic"]
    assert shown_properties(note, "hide", glossary=False) == []
    assert shown_properties(note, ["tags", "missing"], glossary=True) == ["tags"]


def test_natural_order() -> None:
    names = ["Nota 10", "nota 2", "Ñu", "Nube", "Árbol", "zeta"]
    assert sorted(names, key=natural_key) == ["Árbol", "nota 2", "Nota 10", "Nube", "Ñu",
                                              "zeta"]


def test_wording_per_kind_and_language_count() -> None:
    notes = wording_overrides("notes", ["en"], {})
    assert notes["en"]["no_backlinks"] == "No note links here yet."
    assert notes["en"]["search_placeholder"] == "Search notes…"
    glossary = wording_overrides("glossary", ["es", "en"], {"es": {"terms": "voces"}})
    assert "no_backlinks" not in glossary["en"]
    assert glossary["es"] == {"terms": "voces"}
    spanish = wording_overrides("notes", ["es"], {})
    assert spanish["es"]["search_placeholder"] == "Buscar notas…"


def test_choose_home() -> None:
    from glosa.reading.model import Note

    def note(path: str, lang: str = "en") -> Note:
        return Note(path, Path(path), path, path, None, None, lang)

    notes = [note("Home.md"), note("es/Inicio.md", "es"), note("x/index.md")]
    assert choose_home(notes, "en", ["en"], None) == "Home.md"
    assert choose_home(notes, "es", ["es", "en"], None) == "es/Inicio.md"
    assert choose_home(notes, "en", ["en"], "x/index.md") == "x/index.md"
    assert choose_home(notes, "en", ["es", "en"], "en:x/index.md") == "x/index.md"
    assert choose_home([note("a.md")], "en", ["en"], None) is None


def test_dates_from_frontmatter_git_and_file_times(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {
        "a.md": "---\nmodified: 2026-01-02\n---\nA\n",
        "b.md": "---\ndate: 2025-03-04T10:00:00Z\n---\nB\n",
        "c.md": "C\n", "d.md": "D\n"})
    git = shutil.which("git")
    assert git is not None
    env_args = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([git, "init", "-q", str(root)], check=True)
    subprocess.run([git, "-C", str(root), "add", "c.md"], check=True)
    subprocess.run([git, "-C", str(root), *env_args, "commit", "-q", "-m", "c",
                    "--date=2020-05-05T00:00:00Z"], check=True,
                   env={"GIT_COMMITTER_DATE": "2020-05-05T00:00:00Z", "PATH": "/usr/bin:/bin"})
    assert git_dates(root) == {"c.md": datetime(2020, 5, 5, tzinfo=timezone.utc)}
    vault = load_vault(root, GlosaConfig(languages=("en",), default_language="en"))
    dates = changed_dates(vault.notes, root)
    assert dates["a.md"].date() == date(2026, 1, 2)
    assert dates["b.md"] == datetime(2025, 3, 4, 10, tzinfo=timezone.utc)
    assert dates["c.md"] == datetime(2020, 5, 5, tzinfo=timezone.utc)
    assert dates["d.md"].year >= 2026  # the file's own time
    assert git_dates(tmp_path) == {}  # no repository


def test_explorer_page_shows_a_window_of_a_large_folder() -> None:
    from glosa.reading.model import Note
    from glosa.site.explorer import FOLDER_LIMIT, Explorer

    notes = [Note(f"big/n{i}.md", Path(f"big/n{i}.md"), f"n{i}", f"n{i}", None, None, "en")
             for i in range(200)]
    explorer = Explorer("en", notes, lambda path: path[:-3] + "/", strip_prefix=False)
    piece = BeautifulSoup(explorer.folder_html("big/n150/", "big/n150.md", "Folders",
                                               "../../x.json", "This folder"), "html.parser")
    links = piece.select("a")
    assert len(links) == FOLDER_LIMIT
    current = piece.select_one("a[aria-current=page]")
    assert current is not None and current.get_text() == "n150"
    assert current["href"] == "../n150/"
    assert piece.select_one("nav")["data-root"] == "../../"
    tree = json.loads(explorer.data())
    assert tree[0]["n"] == "big" and len(tree[0]["c"]) == 200
    assert [c["n"] for c in tree[0]["c"][:3]] == ["n0", "n1", "n2"]
    assert tree[0]["c"][10]["n"] == "n10"  # natural order


def test_glossary_keeps_its_shell(tmp_path: Path) -> None:
    """A seed-format glossary: no explorer, graph or feed unless asked for, editorial keys
    not shown as properties, and aliases with a slash are names, not redirects."""
    from .conftest import seed_note

    root = write_vault(tmp_path / "vault", {
        "es/Índice ⚫①.md": seed_note("Índice ⚫①", parent=None, body="Ver [[Prueba 🔴②]]."),
        "es/Prueba 🔴②.md": seed_note("Prueba 🔴②", extra="aliases:\n  - test A/B\n"
                                      "fuente: libro\n"),
    })
    code, log, site = build(root, tmp_path)
    assert code == 0, log
    page = soup(site, "es/prueba/index.html")
    assert page.select_one("nav.glosa-explorer") is None
    assert page.select_one(".glosa-graph") is None
    assert not (site / "assets/glosa/graph-es.json").exists()
    assert not (site / "es/feed.xml").exists()
    shown = [row["data-property"] for row in page.select(".glosa-property")]
    assert shown == ["fuente"]
    assert not (site / "test A").exists()
    # With slug URLs the alias is an address beside the note, as a slug (no folder).
    assert "url=../prueba/" in (site / "es/test-ab/index.html").read_text("utf-8")
    # Glossary words, and both languages named in the search box.
    assert 'placeholder="Buscar términos (es/en)…"' in str(page)


def test_slug_pages_follow_the_title_not_the_level_or_the_file(tmp_path: Path) -> None:
    from glosa.site.publishing import slug_pages

    def dest(path: str) -> str:
        return f"{path}/index.html"

    pages = [("es/m/Tasa de conversión 🟡③.md", ["Tasa de conversión"]),
             ("es/m/Tasa de conversion ⚫①.md", ["Tasa de conversion"]),
             ("es/m/⚫🔴 (🔴②).md", ["⚫🔴", "Leyenda de niveles 🔴②"]),
             ("es/m/🟢.md", ["🟢"]),
             ("es/Señal ⚫①.md", ["Señal"]),
             ("es/m/x ⚫①.md", ["../../etc/passwd"])]
    taken = {"es/az/index.html": "es/az.md"}
    targets, clashes = slug_pages(pages, taken, dest)
    assert targets["es/m/Tasa de conversión 🟡③.md"] == "es/m/tasa-de-conversion"
    # The same title at another level would be the same page: numbered and reported.
    assert targets["es/m/Tasa de conversion ⚫①.md"] == "es/m/tasa-de-conversion-2"
    assert [(c.path, c.holder, c.wanted) for c in clashes] == [
        ("es/m/Tasa de conversion ⚫①.md", "es/m/Tasa de conversión 🟡③.md",
         "es/m/tasa-de-conversion")]
    # Emoji only: the first alias with letters names it; with none, no slug at all.
    assert targets["es/m/⚫🔴 (🔴②).md"] == "es/m/leyenda-de-niveles"
    assert "es/m/🟢.md" not in targets
    assert targets["es/Señal ⚫①.md"] == "es/senal"
    # A title is never a path: dots and slashes do not survive the slug.
    assert targets["es/m/x ⚫①.md"] == "es/m/etcpasswd"
    again, _ = slug_pages([("es/az ⚫①.md", ["AZ"])], taken, dest)
    assert again == {"es/az ⚫①.md": "es/az-2"}  # the A–Z page keeps its address



def test_property_tags_link_to_their_own_page_when_slugs_clash(tmp_path: Path) -> None:
    """`Café` and `cafe` are two tags with one slug: the site numbers one of the pages, and
    each note's properties panel must link to the page that lists it."""
    vault = write_vault(tmp_path / "vault", {
        "Uno.md": "---\ntags: [Café]\n---\n# Uno\n\nTexto uno.\n",
        "Dos.md": "---\ntags: [cafe]\n---\n# Dos\n\nTexto dos.\n",
    })
    code, log, site = build(vault, tmp_path, extra=":\n      languages: [en]\n"
                                                   "      profile: obsidian")
    assert code == 0, log
    hrefs = set()
    for name, title in (("Uno", "Café"), ("Dos", "cafe")):
        page_dir = site / name
        chips = soup(site, f"{name}/index.html").select("[data-property=tags] a")
        assert [a.get_text() for a in chips] == [f"#{title}"]
        href = str(chips[0]["href"])
        hrefs.add(href)
        listing = soup(site, str((page_dir / href / "index.html").resolve()
                                 .relative_to(site.resolve())))
        article = listing.select_one("article")
        assert article is not None and name in article.get_text()
    assert len(hrefs) == 2
