"""The pages glosa generates and the furniture of each note page, engine-free.

Which pages a site has (each language's home, the A–Z, tags, sections, levels, the graph and
recent pages, the landing and the dashboard), what each listing shows, and what the term
template draws around a note (breadcrumb, level, switch, backlinks, JSON-LD). An engine
adapter (the MkDocs plugin, the Zensical spike in ``benchmarks/zensical``) gives
:class:`SitePages` its page URLs and renders the HTML it returns; nothing here knows the
engine.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..checking.checks import _parse_date, find_roots
from ..config import GlosaConfig
from ..reading.model import Note
from ..reading.tags import tag_slug, tags_with_parents, with_folded_keys
from ..reading.vault import Vault
from ..safepaths import unique_slugs
from .counterparts import counterpart_section, counterpart_tag
from .i18n import format_day, language_name, language_name_in, og_locale, ui_text
from .kb import KnowledgeBase, Settings, choose_home
from .listing_cache import KeptListings
from .listings import az_entries, by_level, furniture, newest, terms
from .model import SiteModel, json_ld, relative_url, slug_for_url

__all__ = ["BACKLINKS_SHOWN", "TEMPLATES", "Entry", "SitePages", "ai_draft", "az_page",
           "level_page", "section_page", "tag_page", "tags_page"]

TEMPLATES = resources.files("glosa.templates")

#: Backlinks shown with their snippet on a term page; the rest are listed collapsed.
BACKLINKS_SHOWN = 5

#: How a listing shows a note: title, link, level, summary.
Entry = Callable[[Note], dict[str, Any]]


def az_page(lang: str) -> str:
    """Docs path of a language's generated A–Z index."""
    return f"{lang}/az.md"


def tags_page(lang: str) -> str:
    return f"{lang}/tags/index.md"


def tag_page(lang: str, tag: str, slugs: dict[str, str] | None = None) -> str:
    """Docs path of a tag's page (nested tags in nested folders); ``slugs`` are the
    language's unique tag slugs."""
    known = slugs or {}
    found = known.get(tag) or known.get(tag.casefold())
    return f"{lang}/tags/{found or tag_slug(tag, slug_for_url)}.md"


def level_page(lang: str, level: int) -> str:
    return f"{lang}/levels/{level}.md"


def section_page(lang: str, section: str, slugs: dict[str, str] | None = None) -> str:
    return f"{lang}/sections/{(slugs or {}).get(section) or slug_for_url(section)}.md"


def ai_draft(meta: Mapping[str, Any]) -> bool:
    """The note format's editorial keys say: drafted by an AI model, not checked yet."""
    status, checked = meta.get("iaStatus"), meta.get("checked")
    return status == 2 and checked in (0, None) and not isinstance(status, bool)


@dataclass
class SitePages:
    """A site's generated pages and note furniture, from the published vault.

    ``url_of`` maps a docs path to its page URL from the site root, as the engine writes
    it; it is called only while pages are rendered, so an adapter may fill its URLs after
    :meth:`plan`. ``kb`` (the knowledge-base shell) is needed only by the graph and recent
    pages; ``downloads`` gives a page's download links, when the site has exports.
    """

    vault: Vault
    model: SiteModel
    core: GlosaConfig
    url_of: Callable[[str], str]
    ui_overrides: Mapping[str, Any] = field(default_factory=dict)
    site_name: str = "Glossary"
    site_description: str = ""
    #: The site's address with a trailing slash, or "" when unknown.
    site_url: str = ""
    ai_notice: bool = False
    kb: KnowledgeBase | None = None
    downloads: Callable[[str, str], dict[str, Any] | None] = lambda here, lang: None
    homes: dict[str, str] = field(default_factory=dict)
    generated: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: ids of the notes that are the site's furniture (homes, the legend), not terms.
    furniture: set[int] = field(default_factory=set)
    #: Unique slugs of tags and sections, per language.
    tag_slugs: dict[str, dict[str, str]] = field(default_factory=dict)
    section_slugs: dict[str, dict[str, str]] = field(default_factory=dict)
    #: A single-language notes site: its home is the site's root page.
    root_home: bool = False
    #: Listings kept from an earlier build (None: every listing rendered).
    kept_listings: KeptListings | None = None
    _tag_listings: dict[str, list[tuple[str, list[Note]]]] = field(default_factory=dict)
    _env: Environment | None = None
    _sources: dict[str, str] = field(default_factory=dict)

    # ------------------------------------------------------------------ which pages

    def plan(self, settings: Settings, home_option: str | None = None,
             dashboard: bool = False) -> list[str]:
        """Decide the homes and generated pages of every language; returns the generated
        pages not built because the vault has a note at their path."""
        model = self.model
        existing = {n.path for n in self.vault.notes} | {a.path for a in self.vault.attachments}
        roots = find_roots(self.vault)
        self.generated, self.homes, self._tag_listings = {}, {}, {}
        languages = self.core.languages
        single = len(languages) == 1
        notes_site = settings.kind == "notes"
        for lang in languages:
            home = f"{lang}/index.md"
            chosen = choose_home(self.vault.notes, lang, languages, home_option)
            if chosen is not None:
                home = chosen
            elif single and notes_site:
                # One language: its home is the site's front page.
                home = "index.md"
                self.generated[home] = {"kind": "home", "lang": lang}
            elif home not in existing and notes_site:
                self.generated[home] = {"kind": "home", "lang": lang}
            elif home not in existing:
                candidates = [n for n in model.notes if n.lang == lang and id(n) in roots]
                candidates.sort(key=lambda n: (n.level or 9, -len(model.children(n)),
                                               n.path))
                if candidates:
                    home = candidates[0].path
                else:
                    self.generated[home] = {"kind": "home", "lang": lang}
            self.homes[lang] = home
            self.generated[az_page(lang)] = {"kind": "az", "lang": lang}
            self.generated[tags_page(lang)] = {"kind": "tags", "lang": lang}
            if settings.graph:
                self.generated[f"{lang}/graph.md"] = {"kind": "graph", "lang": lang}
            if settings.recent:
                self.generated[f"{lang}/recent.md"] = {"kind": "recent", "lang": lang}
            self.tag_slugs[lang] = with_folded_keys(unique_slugs(
                (t for t, _ in self.tag_listing(lang)), lambda tag: tag_slug(tag, slug_for_url)))
            self.section_slugs[lang] = unique_slugs((s for s, _ in model.sections(lang)),
                                                    slug_for_url)
            for tag, _ in self.tag_listing(lang):
                self.generated[self.tag_path(lang, tag)] = {
                    "kind": "tag", "lang": lang, "tag": tag}
            for section, _ in model.sections(lang):
                self.generated[self.section_path(lang, section)] = {
                    "kind": "section", "lang": lang, "section": section}
        self.furniture = furniture(model, self.homes.values())
        for lang in languages:
            for level in by_level(model, lang, self.furniture):
                self.generated[level_page(lang, level)] = {
                    "kind": "level", "lang": lang, "level": level}
        if dashboard:
            self.generated[f"{self.core.default_language}/dashboard.md"] = {
                "kind": "dashboard", "lang": self.core.default_language}
        # A single-language notes site has its home at the root: no language chooser.
        self.root_home = single and notes_site
        if "index.md" not in existing and "README.md" not in existing and not self.root_home:
            self.generated["index.md"] = {"kind": "landing",
                                          "lang": self.core.default_language}
        shadowed = [path for path in self.generated if path in existing]
        for path in shadowed:
            del self.generated[path]
        return shadowed

    def tag_path(self, lang: str, tag: str) -> str:
        return tag_page(lang, tag, self.tag_slugs.get(lang))

    def section_path(self, lang: str, section: str) -> str:
        return section_page(lang, section, self.section_slugs.get(lang))

    def forget_listings(self) -> None:
        """Drop the tag listings made so far (the model changed under them)."""
        self._tag_listings = {}

    def tag_listing(self, lang: str) -> list[tuple[str, list[Note]]]:
        """A language's tags with their notes, nested tags' parents included."""
        listing = self._tag_listings.get(lang)
        if listing is None:
            listing = self._tag_listings[lang] = tags_with_parents(self.model.tags(lang))
        return listing

    # ------------------------------------------------------------------ shared pieces

    def ui(self, lang: str) -> dict[str, str]:
        return ui_text(lang, self.ui_overrides)

    def href(self, here: str, path: str) -> str:
        """A link from a page whose links are relative to ``here`` to docs path ``path``."""
        return relative_url(here, self.url_of(path)) or "./"

    def templates(self) -> Environment:
        env = self._env
        if env is None:
            # Not reloaded: these are glosa's own templates, which do not change while it
            # runs. Reloading would look at the file's time on every include (a listing
            # includes its entry template once per note: 60,000 times at 10,000 notes).
            env = self._env = Environment(
                loader=FileSystemLoader(str(TEMPLATES / "glosa")),
                autoescape=select_autoescape(default=True, default_for_string=True),
                trim_blocks=True, lstrip_blocks=True, auto_reload=False)
        return env

    def title(self, spec: Mapping[str, Any]) -> str:
        """The title of a generated page."""
        text = self.ui(spec["lang"])
        kind = spec["kind"]
        if kind == "tag":
            return f"{text['tag']}: {spec['tag']}"
        if kind == "section":
            return str(spec["section"])
        if kind == "level":
            level = int(spec["level"])
            return f"{text['level']} {level} · {self.core.level_label(level, spec['lang'])}"
        if kind == "landing":
            return self.site_name
        return str(text.get(kind, kind))

    def entry_of(self, here: str, lang: str) -> Entry:
        """How a listing on the page at ``here`` shows a note (title, link, level, summary)."""
        model, core = self.model, self.core

        def entry(note: Note) -> dict[str, Any]:
            return {"title": note.title, "url": self.href(here, note.path),
                    "level": note.level, "marker": note.marker,
                    "level_label": core.level_label(note.level, lang) if note.level else "",
                    "summary": model.summary(note, 160)}

        return entry

    # ------------------------------------------------------------------ generated pages

    def listing(self, spec: Mapping[str, Any], here: str) -> str:
        """The HTML of a generated page (below its title), from glosa's template for it;
        the templates escape every value."""
        lang = spec["lang"]
        model = self.model
        entry = self.entry_of(here, lang)
        context: dict[str, Any] = {"ui": self.ui(lang), "lang": lang,
                                   "title": self.title(spec)}
        kind = spec["kind"]
        if kind in ("az", "home", "landing"):
            context["downloads"] = self.downloads(here, lang)
        if kind == "az":
            context["groups"] = [
                (letter, [{**entry(e.note), "title": e.title, "see": e.note.title}
                          if e.see else entry(e.note) for e in entries])
                for letter, entries in az_entries(model, lang, self.furniture)]
        elif kind == "level":
            context["notes"] = [entry(n) for n in by_level(model, lang, self.furniture).get(
                int(spec["level"]), [])]
        elif kind == "tags":
            context["tags"] = [{"name": tag, "count": len(notes),
                                "url": self.href(here, self.tag_path(lang, tag))}
                               for tag, notes in self.tag_listing(lang)]
        elif kind == "tag":
            context["notes"] = [entry(n) for tag, notes in self.tag_listing(lang)
                                if tag == spec["tag"] for n in notes]
        elif kind in ("graph", "recent"):
            if self.kb is None:
                raise ValueError(f"the {kind} page needs the knowledge-base shell")
            context.update(self.kb.graph_page(lang, here) if kind == "graph"
                           else self.kb.recent_page(lang, here))
        elif kind == "section":
            context["groups"] = [(sub, [entry(n) for n in notes])
                                 for name, subs in model.sections(lang)
                                 if name == spec["section"] for sub, notes in subs]
        elif kind == "dashboard":
            context.update(self.dashboard(here, entry))
        elif kind in ("home", "landing"):
            context.update(self.overview(here, lang, entry))
            context["description"] = self.site_description
        template = self.templates().get_template(f"{kind}.html")
        kept = self.kept_listings
        if kept is None:
            return template.render(context)
        return kept.render(f"{kind}.html", self._template_source(f"{kind}.html"), context,
                           lambda: template.render(context))

    def _template_source(self, name: str) -> str:
        """The text of one of glosa's page templates and of the templates it includes."""
        source = self._sources.get(name)
        if source is None:
            env = self.templates()
            assert env.loader is not None
            parts = [env.loader.get_source(env, name)[0]]
            # What its entries look like lives in the templates it includes.
            parts += [env.loader.get_source(env, other)[0] for other in
                      sorted(env.list_templates()) if other.startswith("_")]
            source = self._sources[name] = "\0".join(parts)
        return source

    def overview(self, here: str, lang: str, entry: Entry) -> dict[str, Any]:
        """What a home or the landing page shows: each language with its count of terms,
        its sections and levels with their counts, and its newest terms."""
        model, skip, core = self.model, self.furniture, self.core

        def language(code: str) -> dict[str, Any]:
            return {
                "lang": code, "name": language_name(code), "ui": self.ui(code),
                "url": self.href(here, self.homes[code]),
                "az_url": self.href(here, az_page(code)),
                "count": len(terms(model, code, skip)),
                "sections": [{"name": name,
                              "url": self.href(here, self.section_path(code, name)),
                              "count": sum(len(notes) for _, notes in subs)}
                             for name, subs in model.sections(code)],
                "levels": [{"level": level, "marker": notes[0].marker,
                            "label": core.level_label(level, code), "count": len(notes),
                            "url": self.href(here, level_page(code, level))}
                           for level, notes in by_level(model, code, skip).items()],
                "newest": [entry(n) for n in newest(model, code, skip)],
            }

        languages = [language(code) for code in self.homes]
        own = next((item for item in languages if item["lang"] == lang), languages[0])
        return {"homes": languages, "home": own, "count": own["count"],
                "sections": own["sections"], "az_url": own["az_url"]}

    def dashboard(self, here: str, entry: Entry) -> dict[str, Any]:
        """Counts and lists editors need: editorial fields, pending actions, translations,
        the notes left longest without changes."""
        # Only the editors' dashboard needs the translation report (and its imports).
        from ..checking.translation_status import translation_report

        notes = self.model.notes
        ui = self.ui(self.core.default_language)

        def shown(value: Any) -> str:
            if value is None or value == "":
                return ui["dash_empty"]
            return str(value)

        counts = []
        for key in ("iaStatus", "checked", "supervisado", "a11y", "lang"):
            tally = Counter(shown(n.meta.get(key)) for n in notes)
            counts.append((key, sorted(tally.items(), key=lambda item: (-item[1], item[0]))))

        def link(note: Note) -> dict[str, Any]:
            return {"title": note.title, "lang": note.lang, "url": self.href(here, note.path)}

        actions = [{**link(n), "action": str(n.meta["ACCION"])} for n in notes
                   if isinstance(n.meta.get("ACCION"), str) and n.meta["ACCION"].strip()]
        report = translation_report(self.vault)
        missing = [{**link(c.source), "langs": c.missing} for c in report.concepts if c.missing]
        by_path = {n.path: n for n in notes}
        stale = [{**link(by_path[s.path]), "reasons": s.reasons} for c in report.concepts
                 for s in c.stale if s.path in by_path]
        dated = [(d, n) for n in notes if (d := _parse_date(n.meta.get("modified"))) is not None]
        dated.sort(key=lambda item: item[0])
        oldest = [{**link(n), "modified": d.date().isoformat()} for d, n in dated[:15]]
        return {"counts": counts, "actions": actions, "missing": missing, "stale": stale,
                "oldest": oldest, "total": len(notes),
                "languages": [language_name(code) for code in self.core.languages]}

    def switch_target(self, spec: Mapping[str, Any] | None, other: str) -> str:
        """The page of language ``other`` matching a generated page: A–Z to A–Z, tags to
        tags, a tag or section to the same one where the translations say which, else the
        other language's home."""
        if spec is None:
            return self.homes[other]
        kind, lang = spec["kind"], spec["lang"]
        if kind == "az":
            return az_page(other)
        if kind == "level" and level_page(other, spec["level"]) in self.generated:
            return level_page(other, spec["level"])
        if kind == "tags":
            return tags_page(other)
        if kind == "tag":
            tag = counterpart_tag(self.model, lang, spec["tag"], other)
            return self.tag_path(other, tag) if tag else tags_page(other)
        if kind == "section":
            section = counterpart_section(self.model, lang, spec["section"], other)
            if section and self.section_path(other, section) in self.generated:
                return self.section_path(other, section)
        return self.homes[other]

    # ------------------------------------------------------------------ note pages

    def alternates(self, note: Note) -> list[dict[str, str]]:
        """The note's translations as the page's alternates (its head and the sitemap)."""
        site_url = self.site_url
        # Absolute when the site's address is known: search engines want it so.
        return [{"lang": lang, "url": self.url_of(t.path), "locale": og_locale(lang),
                 "absolute": site_url + self.url_of(t.path) if site_url else ""}
                for lang, t in sorted(self.model.translations.get(id(note), {}).items())]

    def note_context(self, note: Note, here: str, page_url: str,
                     description: str) -> dict[str, Any]:
        """The term furniture of a note page (the term template's ``g``): its links are
        relative to ``here``; ``page_url`` is the page's URL from the site root."""
        model, core = self.model, self.core

        def link(target: Note) -> dict[str, str]:
            return {"title": target.title, "url": self.href(here, target.path)}

        translations = model.translations.get(id(note), {})
        switch = []
        for lang in (code for code in core.languages if code != note.lang):
            target = translations.get(lang)
            switch.append({"lang": lang, "name": language_name(lang),
                           "name_here": language_name_in(lang, note.lang),
                           "url": self.href(here, target.path if target else self.homes[lang]),
                           "title": target.title if target else None})
        modified = _parse_date(note.meta.get("modified"))
        version = None
        parts = [note.meta.get(k) for k in ("ver_major", "ver_minor", "ver_rev")]
        if all(isinstance(p, int) and not isinstance(p, bool) for p in parts):
            version = ".".join(str(p) for p in parts)
        tags = [{"name": t, "url": self.href(here, self.tag_path(note.lang, t))}
                for t in note.tags]
        children = model.children(note)
        # Child terms link to their parent: they are listed once, as children.
        listed = {id(child) for child in children}
        backlinks = [{**link(source), "snippet": snippet}
                     for source, snippet in model.backlinks_of(note)
                     if id(source) not in listed]
        is_home = note.path == self.homes.get(note.lang)
        overview = None
        if is_home:
            # A language's home note: its text, then the overview of the language (no term
            # furniture: level, version, backlinks).
            context = {"home": self.overview(here, note.lang,
                                             self.entry_of(here, note.lang))["home"],
                       "ui": self.ui(note.lang)}
            overview = self.templates().get_template("home.html").render(context)
        notice = None
        if self.ai_notice and ai_draft(note.meta) and not is_home:
            notice = self.ui(note.lang)["ai_notice"]
        site_url = self.site_url
        page_abs = site_url + page_url if site_url else page_url
        home_path = self.homes.get(note.lang, "")
        home_abs = (site_url + self.url_of(home_path)) if site_url else self.url_of(home_path)
        level_path = level_page(note.lang, note.level) if note.level else None
        return {
            "level": note.level,
            "marker": note.marker,
            "level_label": core.level_label(note.level, note.lang) if note.level else None,
            "breadcrumb": [link(n) for n in model.breadcrumb(note)],
            "version": version,
            "modified": format_day(modified, note.lang) if modified else None,
            "modified_iso": modified.date().isoformat() if modified else None,
            "tags": tags,
            "aliases": note.aliases,
            "backlinks": backlinks,
            "backlinks_shown": BACKLINKS_SHOWN,
            "children": [link(n) for n in children],
            "notice": notice,
            "level_url": (self.href(here, level_path)
                          if level_path and level_path in self.generated else None),
            "is_home": is_home,
            "overview": overview,
            "switch": switch,
            "alternates": self.alternates(note),
            "absolute_url": page_abs if site_url else "",
            "json_ld": json_ld(note, page_abs, self.site_name, home_abs, description),
        }
