"""The MkDocs adapter: the ``claimsite`` plugin (``plugins: [claimsite]`` in mkdocs.yml).

It loads and validates the review (or takes the copy ``claimsite.builder``
already loaded), adds one generated page per claim, topic, source and article,
renders their bodies with the review's templates, and fills the placeholders
of hand-written pages.  Claims and sources stay out of the navigation: a nav
listing every page makes build time and output grow with the square of the
pages.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
import types
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import AnchorLink, get_toc
from mkdocs.utils import get_build_datetime

from . import builder, export, htmlfix
from .render import bytecode_cache, link_phone_numbers, page_title
from .site import Site

log = get_plugin_logger("claimsite")
SCALE_CSS = "assets/claimsite-scales.css"
PROGRESS_FROM = 1000  # pages; smaller builds take a few seconds and print only their summary

_CLAIM_TOC = [("bottom-line", "Bottom line"), ("safety", "Safety"), ("evidence", "What the evidence shows"),
              ("where-it-was-claimed", "Where it was claimed"), ("certainty", "Why this certainty"),
              ("caveats", "Caveats"), ("more-safety", "More on safety"), ("terms", "Words used on this page"),
              ("references", "References"), ("history", "History")]


_ID = re.compile(r'\bid="([^"]+)"')


def _shared_inputs(config) -> tuple[str, ...]:
    """Files every claim and source page depends on, besides its own."""
    paths = [config.path, config.notices_file]
    if config.templates_dir.is_dir():
        paths += [p for p in config.templates_dir.rglob("*") if p.is_file()]
    return tuple(str(p) for p in paths if p.exists())


def _is_modified(file, inputs: tuple[str, ...]) -> bool:
    try:
        built = os.path.getmtime(file.abs_dest_path)
    except OSError:
        return True
    return any(os.path.getmtime(p) > built for p in inputs if os.path.exists(p))


def _remove_page(dest: str, site_dir: str) -> None:
    """Remove a page written by an earlier build of `serve`, and its folder when that is left empty."""
    try:
        os.remove(dest)
        folder = os.path.dirname(dest)
        if os.path.realpath(folder) != os.path.realpath(site_dir):
            os.rmdir(folder)
    except OSError:
        pass


def _toc_first(toc, item: AnchorLink) -> None:
    """Put ``item`` first in a page's table of contents (under the page title, when there is one): the key
    messages come from a placeholder, so Markdown's table of contents does not know their heading."""
    items = toc.items
    if len(items) == 1 and items[0].level == 1:
        items = items[0].children
    if all(existing.id != item.id for existing in items):
        items.insert(0, item)


def _render_generated(page, config, files) -> None:
    """Page.render for generated pages: their body comes from on_page_content, so skip Python-Markdown
    (MkDocs builds a new Markdown converter for every page, which cost a third of the build)."""
    page.content = ""
    page.toc = get_toc([])
    page._title_from_render = None
    page.present_anchor_ids = set()
    page.links_to_anchors = {}


class ClaimsitePlugin(BasePlugin):
    """Adds claim, topic, source and article pages to a MkDocs site."""

    def __init__(self):
        super().__init__()
        self.site: Site | None = None
        self.specs: dict = {}
        self.dirty_serve = False
        self.serving = False
        self.broken = False
        self.startup_errors: list = []  # a review broken from the start of `serve`: what the preview shows
        self.built_once = False
        self.written = 0
        self.dests: dict[str, str] = {}

    def on_startup(self, *, command, dirty):
        self.dirty_serve = command == "serve" and dirty
        self.serving = command == "serve"

    def on_config(self, config, **_):
        root = Path(config.config_file_path).resolve().parent
        strict = bool(config.strict)
        self.broken = False
        project, report = builder.take_preloaded(root)
        preloaded = project is not None  # the caller has printed its diagnostics
        if project is None:
            project, report = builder.check(root)
            for item in report.sorted():
                (log.error if item.severity == "error" else log.warning)(item.format())
        if report.failed() and self.serving and not self.built_once:
            # `serve` on a review that is broken from the start: build nothing now; the preview
            # shows the errors (serve.guard) and the first save without errors builds the site.
            self.broken = True
            self.startup_errors = report.errors()
            config.nav = []
            return config
        if not preloaded:
            if report.failed():
                raise PluginError(f"the review has {len(report.errors())} error(s); run `python build.py check`")
        else:
            for item in report.sorted():
                if item.severity != "error":
                    log.warning(item.format(strict=strict))
        site = Site(project, project.config.templates_dir, use_directory_urls=config.use_directory_urls,
                    build_date=get_build_datetime().date(), site_url=config.site_url or "",
                    repo_url=config.repo_url or "")
        self.site = site
        self.specs = {spec.src_uri: spec for spec in site.pages()}
        self.written = 0
        config.nav = self._expand_nav(config.nav, site)
        if SCALE_CSS not in config.extra_css:
            config.extra_css.append(SCALE_CSS)
        return config


    @staticmethod
    def _expand_nav(nav, site: Site):
        if not nav:
            return nav
        generated = {
            # Material prints navigation titles (and so <title>) unescaped: they pass through page_title
            "claimsite:topics": [{page_title(t.label): site.topic_uri(t.id)} for t in site.config.topics],
            "claimsite:articles": [{page_title(a.title): site.article_uri(a.id)}
                                   for a in sorted(site.project.articles.values(), key=lambda a: a.id)],
        }
        out = []
        for item in nav:
            if isinstance(item, dict):
                (title, value), = item.items()
                if isinstance(value, str) and value in generated:
                    out.append({title: generated[value]})
                    continue
                if isinstance(value, list):
                    out.append({title: ClaimsitePlugin._expand_nav(value, site)})
                    continue
            out.append(item)
        return out


    @staticmethod
    def _nav_paths(nav) -> set[str]:
        paths: set[str] = set()
        for item in nav or []:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            if isinstance(value, list):
                paths |= ClaimsitePlugin._nav_paths(value)
            elif isinstance(value, str):
                paths.add(value)
        return paths

    def on_files(self, files, *, config):
        if self.broken:
            return Files([])
        glossary = self.site.config.glossary_file
        for file in list(files):  # the glossary's data file is read, not published
            if glossary is not None and file.abs_src_path and Path(file.abs_src_path).resolve() == glossary.resolve():
                files.remove(file)
        in_nav = self._nav_paths(config.nav) if config.nav else None
        shared = _shared_inputs(self.site.project.config)
        dests: dict[str, str] = {}
        for spec in self.specs.values():
            if files.get_file_from_path(spec.src_uri) is not None:
                raise PluginError(f"content/{spec.src_uri} clashes with a generated page; rename it")
            generated = File.generated(
                config, spec.src_uri, content=f"# {spec.title}\n",
                inclusion=InclusionLevel.INCLUDED if spec.in_nav and (in_nav is None or spec.src_uri in in_nav)
                else InclusionLevel.NOT_IN_NAV,
            )
            own = self._inputs(spec)
            if own is not None:  # `serve` (dirty) re-renders the page only when its inputs changed
                generated.is_modified = functools.partial(_is_modified, generated, (*own, *shared))
            files.append(generated)
            dests[spec.src_uri] = generated.abs_dest_path
        if self.dirty_serve and self.built_once:
            # A page whose claim or source was deleted goes; hand-written pages holding listings
            # (home: every claim) are rendered again, as generated listings are.
            for src_uri, dest in self.dests.items():
                if src_uri not in dests:
                    _remove_page(dest, config.site_dir)
            self.dests = dests
            for file in files.documentation_pages():
                if file.src_uri not in self.specs:
                    file.is_modified = lambda: True
            return files  # the data files from the first build stay in place; they refresh on a full build
        self.dests = dests
        schema = json.dumps(self.site.schema(), indent=2, ensure_ascii=False) + "\n"
        files.append(File.generated(config, "schema/claim.schema.json", content=schema))
        files.append(File.generated(config, SCALE_CSS, content=self.site.scale_css()))
        files.append(File.generated(config, "feed.xml", content=self.site.atom_feed()))
        urls = {c.id: self.site.absolute(self.site.claim_uri(c.id)) for c in self.site.project.claims}
        project, date = self.site.project, self.site.build_date
        files.append(File.generated(config, "data/claims.json", content=export.claims_json(project, urls, date)))
        files.append(File.generated(config, "data/claims.csv", content=export.claims_csv(project, urls)))
        files.append(File.generated(config, "data/sources.json", content=export.csl_json(project)))
        return files


    def _inputs(self, spec) -> tuple[str, ...] | None:
        """The files a claim or source page is made from (dirty serve renders it again when one changes)."""
        project, root = self.site.project, self.site.config.root
        if spec.kind == "claim":
            claim = project.claims_by_id()[spec.key]
            cited = {project.sources[k].path for k in (*(e.source for e in claim.evidence),
                                                          *(a.source for a in claim.awaiting)) if k in project.sources}
            return (str(root / claim.path), *sorted(str(root / p) for p in cited))
        if spec.kind == "source":
            citing = {c.path for c, _ in self.site.citations.get(spec.key, [])}  # computed once per build, not per page
            citing.update(c.path for c in self.site.awaited.get(spec.key, []))
            return (str(root / project.sources[spec.key].path), *sorted(str(root / p) for p in citing))
        return None

    @staticmethod
    def _base(page) -> str:
        return "../" * page.url.count("/")


    def on_page_markdown(self, markdown, *, page, config, files):
        spec = self.specs.get(page.file.src_uri)
        if spec is not None:
            page.meta["title"] = spec.title
            if spec.kind == "claim":
                page.meta["description"] = self.site.claim_description(self.site.claims[spec.key])
            page.render = types.MethodType(_render_generated, page)
            if spec.kind in ("claim", "source", "topic", "article", "map", "reviews", "sources-index", "glossary"):
                # indexed from the data in on_page_context; listing pages not at all (their items are)
                page.meta["search"] = {"exclude": True}
                page.meta["claimsite_shared_nav"] = not spec.in_nav
            return ""
        try:
            return self.site.render_placeholders(markdown, self._base(page))
        except ValueError as exc:
            raise PluginError(f"{page.file.src_uri}: {exc}") from exc


    def on_page_content(self, html, *, page, config, files):
        spec = self.specs.get(page.file.src_uri)
        if spec is None:
            if page.file.src_uri == "format.md":  # the generated claim-format reference: cards on phones
                from .reference import card_tables

                html = card_tables(html)
            if 'id="key-messages"' in html:
                _toc_first(page.toc, AnchorLink("Key messages", "key-messages", 2))
            return link_phone_numbers(html)
        # The body is rendered in on_page_context, just before the page is written, and dropped after:
        # MkDocs keeps every page's content until the end of the build, which at 10,000 claims was the
        # largest use of memory. Here only the table of contents and anchors are set, from the data.
        sections = self.site.sections(spec)
        page.toc = get_toc([{"level": 2, "id": anchor, "name": name, "children": []}
                            for anchor, name in _CLAIM_TOC if anchor in sections] if spec.kind == "claim" else [])
        page.present_anchor_ids = set(sections)  # for MkDocs' anchor validation
        return ""

    def on_env(self, env, *, config, files):
        env.globals["claimsite_nav_cache"] = {}  # see templates/main.html; new for every build
        if env.bytecode_cache is None and not self.broken:
            env.bytecode_cache = bytecode_cache(self.site.config.root)
        return env

    def on_page_context(self, context, *, page, config, nav):
        spec = self.specs.get(page.file.src_uri)
        if spec is not None:
            page.content = self.site.render_page(spec, self._base(page))
        entry = self.site.search_entry(spec) if spec is not None else None
        if entry is not None:
            search = config.plugins.get("material/search") or config.plugins.get("search")
            index = getattr(search, "search_index", None)
            if index is not None:
                index.entries.append({"location": page.url, "title": entry[0], "text": entry[1]})
        return context

    def on_post_page(self, output, *, page, config):
        if page.file.src_uri in self.specs:
            page.content = None  # written; free it (see on_page_content)
        self._progress()
        return htmlfix.repair(output)

    def _progress(self) -> None:
        """On large builds, say every tenth of the way how many pages are written (on standard error)."""
        self.written += 1
        total = len(self.specs)
        if total >= PROGRESS_FROM and self.written % max(1, total // 10) == 0 and self.written <= total:
            print(f"claimsite: {self.written:,} of about {total:,} pages written", file=sys.stderr, flush=True)

    def on_post_template(self, output_content, *, template_name, config):
        return htmlfix.repair(output_content)

    def on_post_build(self, *, config):
        self.built_once = not self.broken

    def on_serve(self, server, *, config, builder):
        """While the review has errors, every page of the preview is an error page naming file, line and
        hint (MkDocs would otherwise hold every request until a build succeeds); it reloads by itself
        once the files are fixed."""
        from .serve import guard

        guard(server, Path(config.config_file_path).resolve().parent, self.startup_errors if self.broken else [])
        return server
