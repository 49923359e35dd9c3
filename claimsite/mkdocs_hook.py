"""The MkDocs adapter: a hook module (``hooks:`` in mkdocs.yml) that adds the review's pages.

It loads and validates the review (or takes the copy ``claimsite.builder``
already loaded), adds one generated page per claim, topic, source and article,
renders their bodies with the review's templates, and fills the placeholders
of hand-written pages.  Claims and sources stay out of the navigation: a nav
listing every page makes build time and output grow with the square of the
pages.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_build_datetime

if __package__ in (None, ""):  # loaded by path from mkdocs.yml: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claimsite import builder  # noqa: E402
from claimsite.site import Site  # noqa: E402

log = get_plugin_logger("claimsite")
_state: dict = {}

_CLAIM_TOC = [("bottom-line", "Bottom line"), ("where-it-was-claimed", "Where it was claimed"),
              ("evidence", "What the evidence shows"), ("certainty", "Why this certainty"), ("caveats", "Caveats"),
              ("safety", "Safety"), ("references", "References")]


def on_config(config, **_):
    root = Path(config.config_file_path).resolve().parent
    strict = bool(config.strict)
    project, report = builder.take_preloaded(root)
    if project is None:
        project, report = builder.check(root)
        for item in report.sorted():
            (log.error if item.severity == "error" else log.warning)(item.format())
        if report.failed():
            raise PluginError(f"the review has {len(report.errors())} error(s); run `python build.py check`")
    else:
        for item in report.sorted():
            if item.severity != "error":
                log.warning(item.format(strict=strict))
    site = Site(project, root / "templates", use_directory_urls=config.use_directory_urls,
                build_date=get_build_datetime().date())
    _state.clear()
    _state["site"] = site
    _state["specs"] = {spec.src_uri: spec for spec in site.pages()}
    config.nav = _expand_nav(config.nav, site)
    return config


def _expand_nav(nav, site: Site):
    if not nav:
        return nav
    generated = {
        "claimsite:topics": [{t.label: site.topic_uri(t.id)} for t in site.config.topics],
        "claimsite:articles": [{a.title: site.article_uri(a.id)}
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
                out.append({title: _expand_nav(value, site)})
                continue
        out.append(item)
    return out


def on_files(files, *, config):
    for spec in _state["specs"].values():
        if files.get_file_from_path(spec.src_uri) is not None:
            raise PluginError(f"content/{spec.src_uri} clashes with a generated page; rename it")
        files.append(File.generated(
            config, spec.src_uri, content=f"# {spec.title}\n",
            inclusion=InclusionLevel.INCLUDED if spec.in_nav else InclusionLevel.NOT_IN_NAV,
        ))
    schema = json.dumps(_state["site"].schema(), indent=2, ensure_ascii=False) + "\n"
    files.append(File.generated(config, "schema/claim.schema.json", content=schema))
    return files


def _base(page) -> str:
    return "../" * page.url.count("/")


def on_page_markdown(markdown, *, page, config, files):
    spec = _state["specs"].get(page.file.src_uri)
    if spec is not None:
        page.meta["title"] = spec.title
        return ""
    try:
        return _state["site"].render_placeholders(markdown, _base(page))
    except ValueError as exc:
        raise PluginError(f"{page.file.src_uri}: {exc}") from exc


def on_page_content(html, *, page, config, files):
    spec = _state["specs"].get(page.file.src_uri)
    if spec is None:
        return html
    body = _state["site"].render_page(spec, _base(page))
    if spec.kind == "claim":
        page.toc = get_toc([{"level": 2, "id": anchor, "name": name, "children": []}
                            for anchor, name in _CLAIM_TOC if f'id="{anchor}"' in body])
    else:
        page.toc = get_toc([])
    return body
