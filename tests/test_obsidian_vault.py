"""An Obsidian vault read and checked as Obsidian reads it (tests/fixtures/obsidian):
Markdown links and images, frontmatter links, the vault's .obsidian settings, templates,
block ids after tables, lists and callouts, section embeds, long file extensions."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from glosa import Diagnostic, GlosaConfig, load_vault
from glosa.checking.checks import check_vault
from glosa.checking.folder import check_folder
from glosa.config import ObsidianSettings, read_obsidian_settings
from glosa.reading.model import LINK_MARKDOWN, LINK_PROPERTY
from glosa.reading.resolver import ResolutionStatus, block_lines
from glosa.site.model import SiteModel

from .conftest import FIXTURES, VaultFactory, seed_note

VAULT_DIR = FIXTURES / "obsidian" / "vault"
OBSIDIAN = GlosaConfig(profile="obsidian")


def _lines(diagnostics: list[Diagnostic]) -> list[str]:
    return [f"{d.path}:{d.line}:{d.column} {d.severity.value} {d.rule}" for d in diagnostics]


def test_check_reports_exactly_the_expected_findings() -> None:
    expected = (FIXTURES / "obsidian" / "expected.txt").read_text("utf-8").splitlines()
    found, _ = check_folder(VAULT_DIR, OBSIDIAN)
    assert _lines(found) == expected


def test_one_process_and_the_loaded_vault_agree() -> None:
    found, _ = check_folder(VAULT_DIR, OBSIDIAN)
    assert check_vault(load_vault(VAULT_DIR, OBSIDIAN)) == found


def test_settings_are_read_from_the_vault() -> None:
    vault = load_vault(VAULT_DIR, OBSIDIAN)
    assert vault.obsidian == ObsidianSettings(
        strict_line_breaks=True, attachment_folder_path="Attachments",
        new_link_format="relative", use_markdown_links=True,
        template_folders=("Templates",),
        sources=(".obsidian/app.json", ".obsidian/templates.json"))


def test_templates_are_neither_notes_nor_attachments() -> None:
    vault = load_vault(VAULT_DIR, OBSIDIAN)
    assert vault.templates == ["Templates/Daily.md", "Templates/banner.png"]
    paths = {n.path for n in vault.notes} | {a.path for a in vault.attachments}
    assert not any(p.startswith("Templates/") for p in paths)


def test_markdown_links_are_links_of_the_note_in_order() -> None:
    vault = load_vault(VAULT_DIR, OBSIDIAN)
    home = vault.index.note_at("Home.md")
    assert home is not None
    markdown = [(link.raw, link.line, link.column, link.embed)
                for link in home.links if link.kind == LINK_MARKDOWN]
    assert markdown[:8] == [
        ("[a](Folder/Note%20name.md#Some%20heading)", 10, 17, False),
        ("[b](<Folder/Note name.md>)", 10, 60, False),
        ("[c](Note%20name#^para-id)", 11, 1, False),
        ('[d](Note%20name.md#^table-id "title")', 11, 28, False),
        ("[e](../Home.md)", 11, 67, False),
        ("![pic](pic.png)", 12, 9, True),
        ("![only](only-here.png)", 12, 26, True),
        ("![nested [x]](Folder/pic.png)", 12, 50, True),
    ]
    starts = [link.start for link in home.links]
    assert starts == sorted(starts)
    # Nothing from code, comments or other sites.
    targets = {link.target for link in home.links}
    assert not {f"Missing{i}" for i in range(1, 10)} & targets
    assert not {f"Missing{i}.md" for i in range(1, 10)} & targets
    assert not any(t.startswith(("https:", "mailto:", "obsidian:", "//")) for t in targets)


def test_image_inside_a_link_label_is_found_too() -> None:
    vault = load_vault(VAULT_DIR, OBSIDIAN)
    home = vault.index.note_at("Home.md")
    assert home is not None
    on_line = [link.raw for link in home.links if link.line == 13]
    assert on_line == ["[![linked image](pic.png)](Titled.md)", "![linked image](pic.png)"]


@pytest.mark.parametrize(
    ("dest", "path"),
    [
        ("pic.png", "Attachments/pic.png"),  # same name elsewhere: the attachment folder wins
        ("Folder/pic.png", "Folder/pic.png"),
        ("only-here.png", "Attachments/only-here.png"),
        ("Boards/Plan.canvas", "Boards/Plan.canvas"),
        ("Books.base", "Boards/Books.base"),
        ("Drawing.excalidraw", "Drawing.excalidraw.md"),
    ],
)
def test_files_resolve_by_obsidian_rules(dest: str, path: str) -> None:
    vault = load_vault(VAULT_DIR, OBSIDIAN)
    res = vault.index.resolve_destination(dest, vault.index.note_at("Home.md"))
    assert res is not None and res.status is ResolutionStatus.OK
    found = res.attachment.path if res.attachment else res.note.path if res.note else None
    assert found == path


def test_the_note_folder_wins_over_the_attachment_folder() -> None:
    vault = load_vault(VAULT_DIR, OBSIDIAN)
    res = vault.index.resolve_destination("pic.png", vault.index.note_at("Folder/Note name.md"))
    assert res is not None and res.attachment is not None
    assert res.attachment.path == "Folder/pic.png"


def test_block_ids_after_tables_lists_callouts_and_embeds() -> None:
    note = load_vault(VAULT_DIR, OBSIDIAN).index.note_at("Folder/Note name.md")
    assert note is not None
    assert note.block_ids == {"para-id": 8, "table-id": 14, "list-id": 19, "callout-id": 24,
                              "img-id": 26}
    # An id on its own line names the block above it.
    assert block_lines(note, "table-id") == (10, 14)
    assert block_lines(note, "list-id") == (16, 19)
    assert block_lines(note, "callout-id") == (21, 24)
    assert block_lines(note, "para-id") == (8, 8)


def test_frontmatter_links_at_their_own_lines() -> None:
    vault = load_vault(VAULT_DIR, OBSIDIAN)
    home = vault.index.note_at("Home.md")
    assert home is not None
    found = {key: [(link.target, link.line, link.column, link.kind) for link in links]
             for key, links in home.property_links.items()}
    assert found == {
        "related": [("Folder/Note name", 2, 11, LINK_PROPERTY)],
        "see": [("Titled", 4, 6, LINK_PROPERTY), ("Missing property", 5, 6, LINK_PROPERTY)],
    }


def test_titles_in_the_obsidian_profile() -> None:
    vault = load_vault(VAULT_DIR, OBSIDIAN)
    titled = vault.index.note_at("Titled.md")
    home = vault.index.note_at("Home.md")
    assert titled is not None and home is not None
    assert titled.title == "A custom title"
    assert home.title == "Home"


def test_markdown_links_are_backlinks_in_the_site_model() -> None:
    vault = load_vault(VAULT_DIR, OBSIDIAN)
    model = SiteModel(vault)
    titled = vault.index.note_at("Titled.md")
    assert titled is not None
    # Home links to Titled only through `[![linked image](pic.png)](Titled.md)`.
    assert [source.path for source, _ in model.backlinks_of(titled)] == ["Home.md"]


def test_seed_profile_keeps_title_rules_and_name_duplicates(make_vault: VaultFactory) -> None:
    root = make_vault({
        "Índice ⚫①.md": seed_note("Índice ⚫①", parent=None),
        "a/Doble ⚫①.md": seed_note("Doble ⚫①", extra="title: Otro\n"),
        "b/Doble ⚫①.md": seed_note("Doble ⚫①"),
    })
    vault = load_vault(root, GlosaConfig())
    note = vault.index.note_at("a/Doble ⚫①.md")
    assert note is not None and note.title == "Doble"
    rules = [d.rule for d in check_vault(vault)]
    assert "name-duplicate" in rules
    assert "name-duplicate" not in [d.rule for d in check_vault(load_vault(root, OBSIDIAN))]


# --- settings files: missing, broken ------------------------------------------------------

def test_missing_settings_are_defaults_without_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / ".obsidian").mkdir()
    with caplog.at_level(logging.WARNING, logger="glosa"):
        assert read_obsidian_settings(tmp_path) == ObsidianSettings()
        assert read_obsidian_settings(tmp_path / "nowhere") == ObsidianSettings()
    assert caplog.records == []


@pytest.mark.parametrize(
    ("name", "content", "named"),
    [
        ("app.json", "{not json", ".obsidian/app.json"),
        ("app.json", "[1, 2]", ".obsidian/app.json"),
        ("app.json", '{"strictLineBreaks": "yes", "useMarkdownLinks": 1}', ".obsidian/app.json"),
        ("app.json", '{"newLinkFormat": "longest"}', ".obsidian/app.json"),
        ("app.json", b"\xff\xfe{}", ".obsidian/app.json"),
        ("templates.json", "{", ".obsidian/templates.json"),
        ("templates.json", '{"folder": 5}', ".obsidian/templates.json"),
        ("templates.json", '"Templates"', ".obsidian/templates.json"),
        ("core-plugins.json", "{", ".obsidian/core-plugins.json"),
        ("plugins/templater-obsidian/data.json", "nope",
         ".obsidian/plugins/templater-obsidian/data.json"),
    ],
)
def test_a_broken_settings_file_gives_defaults_and_one_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str, content: str | bytes,
        named: str) -> None:
    path = tmp_path / ".obsidian" / name
    path.parent.mkdir(parents=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    if name == "core-plugins.json":
        (tmp_path / ".obsidian" / "templates.json").write_text('{"folder": "T"}', "utf-8")
    with caplog.at_level(logging.WARNING, logger="glosa"):
        settings = read_obsidian_settings(tmp_path)
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert named in caplog.records[0].getMessage()
    defaults = ObsidianSettings()
    assert settings.strict_line_breaks == defaults.strict_line_breaks
    assert settings.new_link_format == defaults.new_link_format
    assert settings.use_markdown_links == defaults.use_markdown_links
    if name == "core-plugins.json":
        assert settings.template_folders == ("T",)  # a broken list of plugins: still on
    else:
        assert settings.template_folders == ()


@pytest.mark.parametrize(
    ("core_plugins", "folders"),
    [(None, ("Plantillas",)), ('{"templates": true}', ("Plantillas",)),
     ('{"templates": false}', ()), ('["templates", "outline"]', ("Plantillas",)),
     ('["outline"]', ())],
)
def test_templates_folder_only_when_the_plugin_is_on(
        tmp_path: Path, core_plugins: str | None, folders: tuple[str, ...]) -> None:
    base = tmp_path / ".obsidian"
    base.mkdir()
    (base / "templates.json").write_text('{"folder": "/Plantillas/"}', "utf-8")
    if core_plugins is not None:
        (base / "core-plugins.json").write_text(core_plugins, "utf-8")
    assert read_obsidian_settings(tmp_path).template_folders == folders


def test_templater_folder_is_a_templates_folder(tmp_path: Path) -> None:
    data = tmp_path / ".obsidian" / "plugins" / "templater-obsidian" / "data.json"
    data.parent.mkdir(parents=True)
    data.write_text('{"templates_folder": "Meta/Templater"}', "utf-8")
    assert read_obsidian_settings(tmp_path).template_folders == ("Meta/Templater",)


@pytest.mark.parametrize(
    ("setting", "note", "folder"),
    [("/", "a/b/Note.md", ""), ("", "Note.md", ""), ("./", "a/b/Note.md", "a/b"),
     ("./assets", "a/Note.md", "a/assets"), ("./assets", "Note.md", "assets"),
     ("Attachments/", "a/Note.md", "Attachments")],
)
def test_attachment_folder_for_a_note(setting: str, note: str, folder: str) -> None:
    assert ObsidianSettings(attachment_folder_path=setting).attachment_folder_for(note) == folder


def test_a_note_of_twenty_thousand_equal_headings_checks_in_half_a_second(
        make_vault: VaultFactory) -> None:
    root = make_vault({
        "Big.md": "## Same\n\ntext\n\n" * 20_000 + "[[#Same]] [x](#Same) [[#Same_19999]]\n",
        "Other.md": "[[Big#Same]] [y](Big.md#Same)\n",
    })
    # CPU time, not wall time: the budget is for the work, whatever else the machine runs.
    start = time.process_time()
    found = check_vault(load_vault(root, OBSIDIAN))
    assert time.process_time() - start < 0.5
    assert found == []


@pytest.mark.parametrize(("folders", "site_language", "languages"), [
    ((), "en", ("en",)),                       # a plain English vault
    ((), "es", ("es",)),                       # theme.language: es
    (("en", "es"), "en", ("en", "es")),        # Obsidian help's layout, site language first
    (("en", "es", "pt-br"), "es", ("es", "en", "pt-br")),
    (("Notes", "Art", "Daily"), "en", ("en",)),  # folders that are no language codes
    (("EN",), "en", ("en",)),                  # a code written otherwise is a folder name
    (("xx",), "en", ("en",)),                  # not a language Babel knows
])
def test_obsidian_languages_come_from_the_vault(
        tmp_path: Path, folders: tuple[str, ...], site_language: str,
        languages: tuple[str, ...]) -> None:
    from dataclasses import replace

    from glosa.config import with_vault_languages

    for folder in folders:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "Note.md").write_text("# Note\n", encoding="utf-8")
    config = replace(GlosaConfig.from_mapping({"profile": "obsidian"}),
                     site_language=site_language)
    found = with_vault_languages(config, tmp_path)
    assert found.languages == languages and found.default_language == languages[0]
    # Named languages, and the glossary profile, are kept as they are.
    named = GlosaConfig.from_mapping({"profile": "obsidian", "languages": ["es"]})
    assert with_vault_languages(named, tmp_path).languages == ("es",)
    assert with_vault_languages(GlosaConfig.from_mapping({}), tmp_path).languages == ("es", "en")


def test_plain_english_vault_checks_as_english(tmp_path: Path) -> None:
    (tmp_path / "Note.md").write_text("# Note\n\n[[Other]]\n", encoding="utf-8")
    (tmp_path / "Other.md").write_text("# Other\n", encoding="utf-8")
    vault = load_vault(tmp_path, GlosaConfig.from_mapping({"profile": "obsidian"}))
    assert vault.config.languages == ("en",)
    assert {note.lang for note in vault.notes} == {"en"}
    assert check_vault(vault) == []
    # The command's path (check_folder), cached or not, agrees.
    (tmp_path / "Third.md").write_text("---\nlang: en\n---\n# Third\n", encoding="utf-8")
    from glosa.cache import CacheStore

    config = GlosaConfig.from_mapping({"profile": "obsidian"})
    assert check_folder(tmp_path, config)[0] == []
    store = CacheStore(tmp_path / ".cache", key={})
    assert check_folder(tmp_path, config, store=store)[0] == []
    assert check_folder(tmp_path, config, store=store)[0] == []
