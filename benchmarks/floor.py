"""The floor: a review's claim and source pages rendered by bare Jinja2 + markdown-it-py, straight to disk.

No validation, no theme, no navigation, no search index: load the YAML with ``yaml.CSafeLoader`` and
the BibTeX with a bare ``bibtexparser`` parse, render one simple template per page with the same fields
as claimsite's pages (Markdown fields through markdown-it-py, autoescaped), and write the files.  It is
what rendering the same pages costs at the least.  Run: ``python -m benchmarks.floor PROJECT OUT``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import bibtexparser
import yaml
from jinja2 import Environment
from markdown_it import MarkdownIt
from markupsafe import Markup

CLAIM = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ c.claim }}</title></head><body>
<article><p>Claim reviewed · {{ c.topic }}</p><h1>{{ c.claim | md_inline }}</h1>
<p>Verdict: {{ c.verdict }} · Certainty: {{ c.certainty }}</p>
<h2>Bottom line</h2>{{ c.bottom_line | md }}{% if c.as_of %}<p>True as of {{ c.as_of }}</p>{% endif %}
<h2>Where it was claimed</h2>
{% for q in c.claimed_in %}<blockquote><p>“{{ q.quote }}”</p></blockquote>
<p>— {{ articles[q.article].title }}{% if q.section %}, section “{{ q.section }}”{% endif %}</p>
{% endfor %}
<h2>What the evidence shows</h2>
<table><tr><th>Source</th><th>Design</th><th>Population</th><th>What it found</th><th>Bearing</th></tr>
{% for e in c.evidence %}<tr><td>{{ e.source }}</td><td>{{ e.design }}</td>
<td>{{ e.population or "" }} {{ e.n or "" }}</td><td>{{ e.finding | md_inline }} {{ e.locator or "" }}
<blockquote>“{{ e.excerpt }}”</blockquote></td>
<td>{{ e.direction }}</td></tr>
{% endfor %}</table>
<h2>Why this certainty</h2><p>{% if c.rationale.starting_level %}Starts at {{ c.rationale.starting_level }}, ends at
{% endif %}{{ c.certainty }}.</p>
<ul>{% for kind in ("lowered", "raised") %}{% for d, a in (c.rationale[kind] or {}).items() %}
<li>{{ d }} ({{ kind }} {{ a.by }}): {{ a.why | md_inline }}</li>{% endfor %}{% endfor %}</ul>
{{ c.rationale.summary | md }}
<h2>Caveats</h2><ul>{% for x in c.caveats %}<li>{{ x | md_inline }}</li>{% endfor %}</ul>
<h2>Safety</h2>
{% for n in c.safety %}{% set n = notices[n] if n is string else n %}
<aside><p><strong>{{ n.level }}: {{ n.title }}</strong></p>{{ n.text | md }}</aside>
{% endfor %}
<h2>References</h2><ol>
{% for e in c.evidence %}{% set s = sources[e.source] %}
<li>{{ s.author }}. {{ s.title }}. <cite>{{ s.journal }}</cite>. {{ s.year }};{{ s.volume }}:{{ s.pages }}.
doi:<a href="https://doi.org/{{ s.doi }}">{{ s.doi }}</a>
PMID: <a href="https://pubmed.ncbi.nlm.nih.gov/{{ s.pmid }}/">{{ s.pmid }}</a>
<a href="../../sources/{{ e.source }}/">All claims citing this source</a></li>
{% endfor %}</ol>
<h2>Change log</h2><ul>{% for x in c.changelog %}<li>{{ x.date }}: {{ x.change | md_inline }}</li>{% endfor %}</ul>
<p>Reviewed {{ c.reviewed }}. Next review due {{ c.review_by }}.</p></article></body></html>
"""

SOURCE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ s.title }}</title></head><body>
<h1>{{ s.title }}</h1>
<p>{{ s.author }}. {{ s.title }}. <cite>{{ s.journal }}</cite>. {{ s.year }}.
doi:<a href="https://doi.org/{{ s.doi }}">{{ s.doi }}</a></p>
<p><strong>How this record was verified:</strong> {{ s.verified }}</p>
<h2>Claims citing this source</h2><table>
{% for c, e in cited %}<tr><td><a href="../../claims/{{ c.id }}/">{{ c.claim | md_inline | striptags }}</a></td>
<td>{{ c.verdict }}</td><td>{{ e.design }}</td><td>{{ e.finding | md_inline }}</td><td>{{ e.direction }}</td></tr>
{% endfor %}</table></body></html>
"""


def _load(path: Path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=yaml.CSafeLoader)


def render(project: Path, out: Path) -> int:
    """Render every claim and source page of ``project`` into ``out``; returns the number of pages."""
    md = MarkdownIt("js-default")
    env = Environment(autoescape=True)
    env.filters["md"] = lambda text: Markup(md.render(text))
    env.filters["md_inline"] = lambda text: Markup(md.renderInline(text))
    claim_page, source_page = env.from_string(CLAIM), env.from_string(SOURCE)
    claims = [_load(p) for p in sorted(project.glob("claims/*/*.yaml"))]
    articles = {p.stem: _load(p) for p in (project / "sources" / "articles").glob("*.yml")}
    notices = _load(project / "content" / "notices.yml")["notices"]
    sources = {}
    for bib in sorted((project / "sources").glob("*.bib")):
        for entry in bibtexparser.parse_string(bib.read_text(encoding="utf-8")).entries:
            sources[entry.key] = {f.key: f.value for f in entry.fields}
    cited: dict[str, list] = {key: [] for key in sources}
    for c in claims:
        for e in c["evidence"]:
            cited[e["source"]].append((c, e))
        page = out / "claims" / c["id"]
        page.mkdir(parents=True)
        (page / "index.html").write_text(claim_page.render(c=c, articles=articles, notices=notices, sources=sources),
                                         encoding="utf-8")
    for key, s in sources.items():
        page = out / "sources" / key
        page.mkdir(parents=True)
        (page / "index.html").write_text(source_page.render(s=s, cited=cited[key]), encoding="utf-8")
    return len(claims) + len(sources)


if __name__ == "__main__":
    print(f"floor: {render(Path(sys.argv[1]), Path(sys.argv[2]))} pages", file=sys.stderr)
