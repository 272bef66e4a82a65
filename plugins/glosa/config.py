"""Vault settings shared by the CLI and the site plugin (no MkDocs here)."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .checking.diagnostics import RULES, Severity
from .safepaths import is_language_code

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "DEFAULT_LEVEL_LABELS",
    "PROFILES",
    "ConfigError",
    "GlosaConfig",
    "ObsidianSettings",
    "find_config",
    "load_config",
    "read_obsidian_settings",
]

logger = logging.getLogger("glosa")

PROFILES = ("seed", "obsidian")

#: What each level means, per language; a site can override every label.
DEFAULT_LEVEL_LABELS: dict[str, dict[int, str]] = {
    "es": {1: "Fundamental", 2: "Esencial", 3: "Intermedio", 4: "Avanzado",
           5: "Especializado", 6: "Experto"},
    "en": {1: "Fundamental", 2: "Essential", 3: "Intermediate", 4: "Advanced",
           5: "Specialist", 6: "Expert"},
}


class ConfigError(ValueError):
    """Settings that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class GlosaConfig:
    """How a vault is read and checked."""

    languages: tuple[str, ...] = ("es", "en")
    default_language: str = "es"
    profile: str = "seed"
    #: Severity overrides by rule id.
    rules: Mapping[str, Severity] = field(default_factory=dict)
    #: Titles (with or without marker) of notes that head the hierarchy and need no parent.
    roots: tuple[str, ...] = ()
    level_labels: Mapping[str, Mapping[int, str]] = field(
        default_factory=lambda: DEFAULT_LEVEL_LABELS
    )
    #: Folder names never read (Obsidian's own settings, trash, VCS data).
    exclude_dirs: tuple[str, ...] = (".obsidian", ".trash", ".git", "node_modules")
    #: gitignore-style globs of vault paths never published (checked, not on the site).
    publish_exclude: tuple[str, ...] = ()
    #: Whether the settings named the languages; when not, the obsidian profile takes them
    #: from the vault (:func:`with_vault_languages`).
    languages_given: bool = True
    #: The language of the site's interface (Material's ``theme.language``): the language
    #: of an obsidian-profile vault that names none.
    site_language: str = "en"

    def severity(self, rule_id: str) -> Severity:
        """The severity of a rule once profile and overrides are applied."""
        if rule_id in self.rules:
            return self.rules[rule_id]
        rule = RULES[rule_id]
        if self.profile == "obsidian" and rule.seed_only:
            return Severity.OFF
        return rule.default

    def level_label(self, level: int, lang: str) -> str:
        labels = self.level_labels.get(lang) or self.level_labels.get(self.default_language) or {}
        return labels.get(level, str(level))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "settings") -> GlosaConfig:
        """Build settings from a ``[tool.glosa]`` table or the plugin's options."""
        known = {"languages", "default_language", "profile", "rules", "roots", "level_labels",
                 "exclude_dirs", "publish_exclude"}
        unknown = sorted(set(data) - known - _SITE_ONLY_KEYS)
        if unknown:
            raise ConfigError(f"{source}: unknown option(s) {', '.join(unknown)}")
        config = cls()
        changes: dict[str, Any] = {"languages_given": "languages" in data}
        if "languages" in data:
            langs = data["languages"]
            if not isinstance(langs, list) or not langs or not all(
                isinstance(x, str) and x for x in langs
            ):
                raise ConfigError(f"{source}: 'languages' must be a non-empty list of codes")
            changes["languages"] = tuple(x.lower() for x in langs)
            bad = [x for x in changes["languages"] if not is_language_code(x)]
            if bad:
                # A language names folders of the site: only codes, never a path.
                raise ConfigError(f"{source}: 'languages': {bad[0]!r} is not a language code "
                                  "(two or three letters, e.g. es, en, pt-br)")
        languages = changes.get("languages", config.languages)
        default = data.get("default_language", languages[0])
        if not isinstance(default, str) or default.lower() not in languages:
            raise ConfigError(
                f"{source}: 'default_language' must be one of {', '.join(languages)}"
            )
        changes["default_language"] = default.lower()
        if "profile" in data:
            if data["profile"] not in PROFILES:
                raise ConfigError(f"{source}: 'profile' must be one of {', '.join(PROFILES)}")
            changes["profile"] = data["profile"]
        if "rules" in data:
            changes["rules"] = _parse_rules(data["rules"], source)
        if "roots" in data:
            changes["roots"] = _string_list(data["roots"], f"{source}: 'roots'", "note titles")
        if "level_labels" in data:
            changes["level_labels"] = _parse_labels(data["level_labels"], source)
        if "exclude_dirs" in data:
            changes["exclude_dirs"] = _string_list(data["exclude_dirs"],
                                                   f"{source}: 'exclude_dirs'", "folder names")
        if "publish_exclude" in data:
            changes["publish_exclude"] = _string_list(
                data["publish_exclude"], f"{source}: 'publish_exclude'", "path globs")
        return replace(config, **changes)


def _string_list(value: Any, where: str, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise ConfigError(f"{where} must be a list of {what}")
    return tuple(value)


# Plugin options that concern the site only; accepted (and ignored) by the core.
_SITE_ONLY_KEYS = {"enabled", "search", "dashboard", "backlinks", "previews", "home",
                   "embed_depth", "jsonld", "strict_links", "kind", "properties",
                   "explorer", "graph", "recent", "feed"}


def _parse_rules(value: Any, source: str) -> dict[str, Severity]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{source}: 'rules' must map rule ids to error, warning or off")
    rules: dict[str, Severity] = {}
    for rule_id, level in value.items():
        if rule_id not in RULES:
            raise ConfigError(f"{source}: unknown rule '{rule_id}'")
        try:
            rules[rule_id] = Severity(str(level).lower())
        except ValueError:
            raise ConfigError(
                f"{source}: rule '{rule_id}' must be error, warning or off, not {level!r}"
            ) from None
    return rules


def _parse_labels(value: Any, source: str) -> dict[str, dict[int, str]]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{source}: 'level_labels' must map languages to labels")
    labels = {lang: dict(items) for lang, items in DEFAULT_LEVEL_LABELS.items()}
    for lang, items in value.items():
        if not isinstance(items, Mapping):
            raise ConfigError(f"{source}: level_labels.{lang} must map levels 1-6 to labels")
        target = labels.setdefault(str(lang).lower(), {})
        for level, label in items.items():
            if not (isinstance(level, int) and 1 <= level <= 6) or not isinstance(label, str):
                raise ConfigError(f"{source}: level_labels.{lang} keys are 1 to 6, values text")
            target[level] = label
    return labels


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose ``!!python/name`` and ``!ENV`` tags are not ours to run."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_LenientLoader.add_multi_constructor("", _ignore_tag)


def find_config(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.glosa]`` table, else ``mkdocs.yml``
    using the glosa plugin, looking in ``start`` and its parents."""
    start = start.resolve()
    for folder in [start, *start.parents]:
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            # A file that cannot be read might hold glosa's settings: an error, never a
            # silent fall-back to the defaults.
            tool = _read_toml(pyproject).get("tool", {})
            if isinstance(tool, dict) and "glosa" in tool:
                return pyproject
        for name in ("mkdocs.yml", "mkdocs.yaml"):
            mkdocs = folder / name
            if mkdocs.is_file() and _mkdocs_glosa_options(mkdocs) is not None:
                return mkdocs
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text("utf-8"), Loader=_LenientLoader)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ConfigError(f"{path}: not valid YAML{where}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _mkdocs_glosa_options(path: Path) -> dict[str, Any] | None:
    data = _read_yaml(path)
    plugins = data.get("plugins") if isinstance(data, dict) else None
    found: Any = None
    if isinstance(plugins, list):
        for item in plugins:
            if item == "glosa":
                return {}
            if isinstance(item, dict) and "glosa" in item:
                found = item["glosa"]
                break
        else:
            return None
    elif isinstance(plugins, dict) and "glosa" in plugins:
        found = plugins["glosa"]
    else:
        return None
    if found is None:
        return {}
    if not isinstance(found, dict):
        raise ConfigError(f"{path}: plugins.glosa: the options must be a mapping, not "
                          f"{type(found).__name__}")
    return dict(found)


def load_config(path: Path | None) -> tuple[GlosaConfig, Path | None]:
    """Settings from a pyproject.toml or mkdocs.yml, and the docs dir that file names."""
    if path is None:
        return GlosaConfig(), None
    if path.name == "pyproject.toml":
        tool = _read_toml(path).get("tool", {})
        table = tool.get("glosa", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.glosa] must be a table of settings, not "
                              f"{type(table).__name__}")
        vault = table.get("vault")
        if vault is not None and not (isinstance(vault, str) and vault.strip()):
            raise ConfigError(f"{path}: tool.glosa.vault must be a folder path (text), not "
                              f"{vault!r}")
        options = {k: v for k, v in table.items() if k != "vault"}
        docs = path.parent / vault if isinstance(vault, str) else None
        return GlosaConfig.from_mapping(options, f"{path}: tool.glosa"), docs
    plugin_options = _mkdocs_glosa_options(path)
    if plugin_options is None:
        raise ConfigError(f"{path}: no glosa plugin in this MkDocs configuration")
    data = _read_yaml(path)
    docs_dir = data.get("docs_dir", "docs") if isinstance(data, dict) else "docs"
    if not isinstance(docs_dir, str):
        raise ConfigError(f"{path}: docs_dir must be a folder path (text), not {docs_dir!r}")
    config = GlosaConfig.from_mapping(plugin_options, f"{path}: plugins.glosa")
    theme = data.get("theme") if isinstance(data, dict) else None
    language = theme.get("language") if isinstance(theme, dict) else None
    if isinstance(language, str) and is_language_code(language.lower()):
        config = replace(config, site_language=language.lower())
    return config, path.parent / docs_dir


def with_vault_languages(config: GlosaConfig, root: Path) -> GlosaConfig:
    """``config`` with the languages an obsidian-profile vault has, when the settings name
    none: its top folders named after a language (``en/``, ``es/``, as Obsidian's own
    multilingual help vault is laid out), else the site's one language. An English vault
    is then an English site, not a Spanish one with an empty English half. The seed
    profile keeps its Spanish/English default."""
    if config.profile != "obsidian" or config.languages_given:
        return config
    try:
        names = sorted(entry.name for entry in root.iterdir()
                       if entry.is_dir() and entry.name not in config.exclude_dirs)
    except OSError:
        names = []
    found = [name for name in names if _is_locale_folder(name)]
    site = config.site_language.lower()
    if not is_language_code(site):
        site = "en"
    if not found:
        return replace(config, languages=(site,), default_language=site)
    # The site's own language first: it is the default and the root's home.
    languages = tuple(sorted(found, key=lambda code: (code != site, code)))
    return replace(config, languages=languages, default_language=languages[0])


def _is_locale_folder(name: str) -> bool:
    """A folder named with a language code Babel knows (``es``, ``pt-br``), in lower case:
    a folder named ``Art`` or ``it`` is read as a language only if it is a real code
    written as one (a folder named ``Art`` or ``notes`` is not a language)."""
    if name != name.lower() or not is_language_code(name):
        return False
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(name, sep="-")
    except (ValueError, UnknownLocaleError):
        return False
    return True


#: Values of Obsidian's ``newLinkFormat`` setting.
LINK_FORMATS = ("shortest", "relative", "absolute")


@dataclass(frozen=True)
class ObsidianSettings:
    """The settings of a vault's ``.obsidian`` folder that change what its notes mean.

    Defaults are Obsidian's own, used when the vault has no such files.
    """

    #: ``app.json`` ``strictLineBreaks``: a single newline is a space (True) or a line
    #: break (False, Obsidian's default).
    strict_line_breaks: bool = False
    #: ``app.json`` ``attachmentFolderPath``: where new attachments go: ``/`` the vault
    #: root, ``./`` the note's folder, ``./sub`` a folder below the note's, else a
    #: vault-relative folder. Used as a hint when several files share a name.
    attachment_folder_path: str = "/"
    #: ``app.json`` ``newLinkFormat``: ``shortest``, ``relative`` or ``absolute``.
    new_link_format: str = "shortest"
    #: ``app.json`` ``useMarkdownLinks``: new links are written ``[x](y.md)``.
    use_markdown_links: bool = False
    #: Vault-relative folders of templates (core Templates plugin, Templater), without
    #: trailing ``/``: their notes are neither published nor checked.
    template_folders: tuple[str, ...] = ()
    #: The settings files that were read (vault-relative), for messages.
    sources: tuple[str, ...] = ()

    def attachment_folder_for(self, note_path: str) -> str:
        """The vault-relative folder (``""`` for the root) where Obsidian puts a new
        attachment of the note at ``note_path``."""
        setting = self.attachment_folder_path.strip()
        note_folder = note_path.rpartition("/")[0]
        if setting in ("", "/"):
            return ""
        if setting == "." or setting.startswith("./"):
            below = setting[2:].strip("/")
            return "/".join(part for part in (note_folder, below) if part)
        return setting.strip("/")


def _read_json(path: Path, shown: str) -> Any:
    """A settings file's JSON, None when the file is absent; a broken file logs one
    warning naming it and reads as None."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        logger.warning("%s: cannot be read (%s); using Obsidian's defaults", shown, exc)
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        logger.warning("%s: not valid JSON (%s); using Obsidian's defaults", shown, exc)
        return None


def _folder(value: Any) -> str | None:
    if isinstance(value, str) and value.strip().strip("/"):
        return value.strip().strip("/")
    return None


def read_obsidian_settings(root: Path, config_dir: str = ".obsidian") -> ObsidianSettings:
    """The Obsidian settings of the vault at ``root``: missing files give the defaults
    silently; a file that is broken (not JSON, not an object, a value of the wrong type)
    gives the defaults for that file and one warning naming it."""
    base = root / config_dir
    if not base.is_dir():
        return ObsidianSettings()
    changes: dict[str, Any] = {}
    sources: list[str] = []

    def load(name: str) -> dict[str, Any] | None:
        shown = f"{config_dir}/{name}"
        data = _read_json(base / name, str(base / name))
        if data is None:
            return None
        sources.append(shown)
        if not isinstance(data, dict):
            logger.warning("%s: expected a JSON object, found %s; using Obsidian's defaults",
                           base / name, type(data).__name__)
            return None
        return data

    app = load("app.json")
    if app is not None:
        found: dict[str, Any] = {}
        wrong: list[str] = []
        for key, attr, kinds in (("strictLineBreaks", "strict_line_breaks", (bool,)),
                                 ("attachmentFolderPath", "attachment_folder_path", (str,)),
                                 ("newLinkFormat", "new_link_format", (str,)),
                                 ("useMarkdownLinks", "use_markdown_links", (bool,))):
            if key not in app:
                continue
            value = app[key]
            if not isinstance(value, kinds) or (key == "newLinkFormat"
                                                and value not in LINK_FORMATS):
                wrong.append(key)
            else:
                found[attr] = value
        if wrong:
            logger.warning("%s: unexpected value for %s; using Obsidian's defaults",
                           base / "app.json", ", ".join(wrong))
        else:
            changes.update(found)
    folders: list[str] = []
    templates = load("templates.json")
    if templates is not None and _templates_enabled(base):
        folder = _folder(templates.get("folder"))
        if folder is not None:
            folders.append(folder)
        elif templates.get("folder") not in (None, "", "/"):
            logger.warning("%s: 'folder' must be a folder name; no templates folder",
                           base / "templates.json")
    templater = load("plugins/templater-obsidian/data.json")
    if templater is not None:
        folder = _folder(templater.get("templates_folder"))
        if folder is not None and folder not in folders:
            folders.append(folder)
    changes["template_folders"] = tuple(folders)
    changes["sources"] = tuple(sources)
    return replace(ObsidianSettings(), **changes)


def _templates_enabled(base: Path) -> bool:
    """Whether the core Templates plugin is on: ``core-plugins.json`` is a list of the
    enabled plugins (older Obsidian) or a map of plugin to on/off; without the file, a
    configured templates folder counts as on."""
    shown = base / "core-plugins.json"
    data = _read_json(shown, str(shown))
    if isinstance(data, list):
        return "templates" in data
    if isinstance(data, dict):
        return data.get("templates", True) is not False
    if data is not None:
        logger.warning("%s: expected a list or an object; the templates folder counts as on",
                       shown)
    return True
