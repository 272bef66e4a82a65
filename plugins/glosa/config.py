"""Vault settings shared by the CLI and the site plugin (no MkDocs here)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import RULES, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "DEFAULT_LEVEL_LABELS",
    "PROFILES",
    "ConfigError",
    "GlosaConfig",
    "find_config",
    "load_config",
]

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
        changes: dict[str, Any] = {}
        if "languages" in data:
            langs = data["languages"]
            if not isinstance(langs, list) or not langs or not all(
                isinstance(x, str) and x for x in langs
            ):
                raise ConfigError(f"{source}: 'languages' must be a non-empty list of codes")
            changes["languages"] = tuple(x.lower() for x in langs)
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
            try:
                if "glosa" in tomllib.loads(pyproject.read_text("utf-8")).get("tool", {}):
                    return pyproject
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                pass
        for name in ("mkdocs.yml", "mkdocs.yaml"):
            mkdocs = folder / name
            if mkdocs.is_file() and _mkdocs_glosa_options(mkdocs) is not None:
                return mkdocs
    return None


def _mkdocs_glosa_options(path: Path) -> dict[str, Any] | None:
    try:
        data = yaml.load(path.read_text("utf-8"), Loader=_LenientLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    plugins = data.get("plugins") if isinstance(data, dict) else None
    if isinstance(plugins, list):
        for item in plugins:
            if item == "glosa":
                return {}
            if isinstance(item, dict) and "glosa" in item:
                return dict(item["glosa"] or {})
    elif isinstance(plugins, dict) and "glosa" in plugins:
        return dict(plugins["glosa"] or {})
    return None


def load_config(path: Path | None) -> tuple[GlosaConfig, Path | None]:
    """Settings from a pyproject.toml or mkdocs.yml, and the docs dir that file names."""
    if path is None:
        return GlosaConfig(), None
    if path.name == "pyproject.toml":
        try:
            table = tomllib.loads(path.read_text("utf-8")).get("tool", {}).get("glosa", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from None
        vault = table.get("vault")
        options = {k: v for k, v in table.items() if k != "vault"}
        docs = path.parent / vault if isinstance(vault, str) else None
        return GlosaConfig.from_mapping(options, str(path)), docs
    plugin_options = _mkdocs_glosa_options(path)
    if plugin_options is None:
        raise ConfigError(f"{path}: no glosa plugin in this MkDocs configuration")
    try:
        data = yaml.load(path.read_text("utf-8"), Loader=_LenientLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    docs_dir = data.get("docs_dir", "docs") if isinstance(data, dict) else "docs"
    return GlosaConfig.from_mapping(plugin_options, str(path)), path.parent / str(docs_dir)
