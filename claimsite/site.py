"""From a loaded project to the pages of the site: page list, URLs and HTML bodies.

This module knows nothing about MkDocs: it lists the pages to generate, and
renders each page's body (and the placeholders of hand-written pages) with the
review's Jinja templates.  :mod:`claimsite.mkdocs_hook` adapts it to MkDocs.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from .model import Article, ChangeEntry, Claim, InlineNotice, Project
from .references import Reference, distinguish_shorts, format_reference
from .render import link_phone_numbers, make_environment, page_title
from .schema import claim_schema
from .text import normalize

PLACEHOLDER = re.compile(r"<!--\s*claimsite:([a-z-]+)\s*-->")
_TAG = re.compile(r"(<[^>]*>)")


class TermLinker:
    """Links the first use of each glossary term on a page to its explanation (``#term-<id>`` on the page).

    Works on HTML already made safe (Markdown output or escaped text): only text between tags is
    searched, never inside links, code or headings.
    """

    def __init__(self, pattern: re.Pattern | None, forms: dict[str, str], terms: dict):
        self.pattern, self.forms, self.terms = pattern, forms, terms
        self.used: list = []
        self._used_ids: set[str] = set()  # the ids of ``used``: a list compared term by term was slow

    def __call__(self, html) -> Markup:
        html = str(html if isinstance(html, Markup) else escape(html))
        if self.pattern is None:
            return Markup(html)
        out, skip = [], 0
        for part in _TAG.split(html):
            if part.startswith("<"):
                name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
                if name and name.group(1).lower() in ("a", "code", "h1", "h2", "h3", "h4", "h5", "h6"):
                    skip += -1 if part.startswith("</") else 1
                out.append(part)
            elif skip > 0 or not part:
                out.append(part)
            else:
                out.append(self.pattern.sub(self._link, part))
        return Markup("".join(out))

    def _link(self, match: re.Match) -> str:
        text = match.group(0)
        term_id = self.forms.get(text.lower())
        if term_id is None:  # matched case-insensitively but lowercases otherwise ("SLEEP" for "ſleep")
            term_id = next((v for k, v in self.forms.items() if re.fullmatch(re.escape(k), text, re.I)), None)
            if term_id is None:
                return text
        term = self.terms[term_id]
        if term.id in self._used_ids:
            return match.group(0)
        self.used.append(term)
        self._used_ids.add(term.id)
        return (f'<a class="cs-term" href="#term-{term.id}">{match.group(0)}'
                '<span class="cs-visually-hidden"> (explained below)</span></a>')


def _alternation(forms: list[str], depth: int = 0) -> str:
    """``form1|form2|...`` as a regular expression that matches what the plain alternation matches, the
    forms sharing a first character grouped under it (a tree): the plain list of a large glossary was
    tried form by form at every word. ``forms`` come longest first, so the first that matches is the
    longest; the order is kept within each group, and first characters that a case-insensitive match
    cannot tell apart ("s" and "ſ") are not grouped. Below 40 levels the rest is a plain list."""
    if depth >= 40 or len(forms) == 1:
        return "|".join(re.escape(form) for form in forms)
    groups: dict[str, list[str]] = {}
    for form in forms:
        groups.setdefault(form[:1], []).append(form[1:])
    ended = groups.pop("", None) is not None  # a form that ends here: the shortest, so the last
    classes: list[list[str]] = []
    for char in groups:
        for chars in classes:
            if re.fullmatch(re.escape(chars[0]), char, re.I) or re.fullmatch(re.escape(char), chars[0], re.I):
                chars.append(char)
                break
        else:
            classes.append([char])
    alternatives = []
    for chars in classes:
        if len(chars) == 1:
            rest = groups[chars[0]]
            alternatives.append(re.escape(chars[0]) + (f"(?:{_alternation(rest, depth + 1)})" if rest != [""] else ""))
        else:
            alternatives += [re.escape(form) for form in forms if form[:1] in chars]
    if ended:
        alternatives.append("")
    return "|".join(alternatives)


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_MARK = re.compile(r"[*_`]+")


def plain_text(markdown_text: str) -> str:
    """Markdown as plain text for the search index: link texts kept, emphasis marks dropped."""
    return " ".join(_MD_MARK.sub("", _MD_LINK.sub(r"\1", markdown_text)).split())


def source_slug(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", key)


@dataclass(frozen=True)
class PageSpec:
    """A page the generator adds to the site."""

    src_uri: str
    title: str
    kind: str  # claim | topic | source | article | sources-index
    key: str
    in_nav: bool


class Site:
    """Pages and page bodies for one project."""

    def __init__(self, project: Project, templates_dir: Path, *, use_directory_urls: bool = True,
                 build_date: dt.date | None = None, site_url: str = "", repo_url: str = ""):
        self.project = project
        self.config = project.config
        self.env = make_environment(templates_dir, project.config.root)
        self.use_directory_urls = use_directory_urls
        self.site_url = site_url if not site_url or site_url.endswith("/") else site_url + "/"
        self.build_date = build_date or dt.date.today()
        self.repo_url = repo_url.rstrip("/")
        self.references: dict[str, Reference] = distinguish_shorts(
            {k: format_reference(s) for k, s in project.sources.items()})
        self.citations = project.citations()
        self.awaited: dict[str, list[Claim]] = {}  # source key -> claims listing it as not yet counted
        for claim in project.claims:
            for waiting in claim.awaiting:
                self.awaited.setdefault(waiting.source, []).append(claim)
        self.by_topic = project.claims_by_topic()
        self.claims = {c.id: c for c in project.claims}
        self.levels = {name: self.config.lookup(name) for name in
                       ("topics", "verdicts", "certainty", "directions", "notice_levels",
                        "lowering_domains", "raising_domains")}
        self._templates = {}
        self.glossary = {t.id: t for t in project.glossary}
        forms = {}
        for t in project.glossary:
            for form in (t.term, *t.aliases):
                forms[str(escape(form)).lower()] = t.id
        self._term_forms = forms
        self._term_pattern = re.compile(
            r"(?<![\w-])(" + _alternation(sorted(forms, key=len, reverse=True)) + r")(?![\w-])", re.I) if forms else None

    # --- URLs -----------------------------------------------------------------------------------

    def url(self, src_uri: str) -> str:
        """Site-root-relative URL of a page, as MkDocs will write it."""
        stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
        if stem == "index":
            return "" if self.use_directory_urls else "index.html"
        if stem.endswith("/index"):
            return stem[:-5] if self.use_directory_urls else stem + ".html"
        return stem + "/" if self.use_directory_urls else stem + ".html"

    def claim_uri(self, claim_id: str) -> str:
        return f"claims/{claim_id}.md"

    def source_uri(self, key: str) -> str:
        return f"sources/{source_slug(key)}.md"

    def topic_uri(self, topic: str) -> str:
        return f"topics/{topic}.md"

    def article_uri(self, article_id: str) -> str:
        return f"articles/{article_id}.md"

    # --- pages ----------------------------------------------------------------------------------

    def pages(self) -> list[PageSpec]:
        specs = [PageSpec(self.topic_uri(t.id), page_title(t.label), "topic", t.id, True) for t in self.config.topics]
        specs += [PageSpec(self.article_uri(a.id), page_title(a.title), "article", a.id, True)
                  for a in sorted(self.project.articles.values(), key=lambda a: a.id)]
        specs.append(PageSpec("sources/index.md", "References", "sources-index", "", True))
        specs.append(PageSpec("reviews.md", "Review schedule", "reviews", "", True))
        specs.append(PageSpec("map.md", "Evidence map", "map", "", True))
        if self.glossary:
            specs.append(PageSpec("glossary.md", "Glossary", "glossary", "", True))
        # a claim page's title (browser tab, search result, shared link) gives the verdict first: the
        # claim alone, often false, would read as the site's own statement
        verdicts = self.levels["verdicts"]
        specs += [PageSpec(self.claim_uri(c.id), page_title(f"{verdicts[c.verdict].label}: {plain_text(c.claim)}"),
                           "claim", c.id, False) for c in self.project.claims]
        specs += [PageSpec(self.source_uri(k), page_title(self.references[k].title or self.references[k].short), "source", k, False)
                  for k in sorted(self.project.sources)]
        return specs

    def _template(self, name: str):
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = self.env.get_template(f"claimsite/{name}")
        return template

    def _context(self, base: str) -> dict:
        return {"site": self, "base": base, "config": self.config, "levels": self.levels}

    def render_page(self, spec: PageSpec, base: str) -> str:
        return link_phone_numbers(self._render_page(spec, base))

    def _render_page(self, spec: PageSpec, base: str) -> str:
        ctx = self._context(base)
        if spec.kind == "claim":
            return self._template("claim.html").render(ctx, claim=self.claims[spec.key])
        if spec.kind == "topic":
            topic = self.levels["topics"][spec.key]
            return self._template("topic.html").render(ctx, topic=topic, claims=self.by_topic.get(spec.key, []))
        if spec.kind == "source":
            return self._template("source.html").render(ctx, ref=self.references[spec.key],
                                                        source=self.project.sources[spec.key],
                                                        cited=self.citations.get(spec.key, []),
                                                        awaited=self.awaited.get(spec.key, []))
        if spec.kind == "article":
            article = self.project.articles[spec.key]
            claims = self.article_claims(article)
            return self._template("article.html").render(ctx, article=article, claims=claims,
                                                         tally=self.tally(claims),
                                                         overall=self.article_verdict(claims),
                                                         scorecard=self.scorecard(article, claims))
        if spec.kind == "reviews":
            soon = self.build_date + dt.timedelta(days=90)
            overdue = sorted((c for c in self.project.claims if self.overdue(c)), key=lambda c: (self.due(c), c.id))
            upcoming = sorted((c for c in self.project.claims if not self.overdue(c) and self.due(c) <= soon),
                              key=lambda c: (self.due(c), c.id))
            return self._template("reviews.html").render(ctx, overdue=overdue, upcoming=upcoming)
        if spec.kind == "map":
            return self._template("map.html").render(ctx, cells=self.evidence_map())
        if spec.kind == "glossary":
            terms = sorted(self.glossary.values(), key=lambda t: t.term.lower())
            return self._template("glossary.html").render(ctx, terms=terms)
        if spec.kind == "sources-index":
            refs = sorted(self.references.values(), key=lambda r: (r.authors.lower(), r.title.lower()))
            waiting = [r for r in refs if self.project.sources[r.key].awaiting]
            return self._template("sources_index.html").render(
                ctx, refs=[r for r in refs if not self.project.sources[r.key].awaiting], waiting=waiting)
        raise ValueError(f"unknown page kind {spec.kind}")

    def render_placeholders(self, markdown: str, base: str) -> str:
        """Replace ``<!-- claimsite:NAME -->`` in a hand-written page with generated HTML."""

        def replace(match: re.Match) -> str:
            name = match.group(1)
            try:
                template = self._template(f"block_{name.replace('-', '_')}.html")
            except Exception as exc:
                raise ValueError(f"unknown placeholder claimsite:{name}") from exc
            html = template.render(self._context(base), claims=self.ordered_claims())
            return "\n\n" + " ".join(html.split("\n")) + "\n\n"

        return PLACEHOLDER.sub(replace, markdown)

    # --- helpers used by templates --------------------------------------------------------------

    def ordered_claims(self) -> list[Claim]:
        order = {t.id: i for i, t in enumerate(self.config.topics)}
        return sorted(self.project.claims, key=lambda c: (order.get(c.topic, 99), c.claim.lower(), c.id))

    def article_claims(self, article: Article) -> list[tuple[Claim, list]]:
        """Claims made in an article, in reading order, each with its quotes from that article."""
        found = []
        for claim in self.project.claims:
            quotes = [q for q in claim.claimed_in if q.article == article.id]
            if quotes:
                position = min(article.normalized.find(normalize(q.quote)) % (len(article.normalized) + 1)
                               for q in quotes)
                found.append((position, claim.id, claim, quotes))
        return [(claim, quotes) for _, _, claim, quotes in sorted(found, key=lambda f: (f[0], f[1]))]

    def sections(self, spec: PageSpec) -> set[str]:
        """Element ids a generated page will have (its table of contents and link targets)."""
        if spec.kind == "sources-index":
            return {"not-yet-counted"} if any(s.awaiting for s in self.project.sources.values()) else set()
        if spec.kind != "claim":
            return set()
        claim = self.claims[spec.key]
        ids = {"claim", "bottom-line", "where-it-was-claimed", "evidence", "certainty"}
        if claim.caveats:
            ids.add("caveats")
        if claim.safety:
            ids.add("safety")
        if len(claim.safety) > 1:
            ids.add("more-safety")
        refs = self.claim_references(claim)
        if refs:
            ids.add("references")
            ids.update(f"ref-{n}" for n, _ in refs)
        if claim.awaiting:
            ids.add("not-yet-counted")
        if self.changes(claim):
            ids.add("history")
        used = self.claim_terms(claim)
        if used:
            ids.add("terms")
            ids.update(f"term-{t.id}" for t in used)
        return ids

    def term_linker(self) -> TermLinker:
        """A new linker for one page (each term is linked at its first use on the page)."""
        return TermLinker(self._term_pattern, self._term_forms, self.glossary)

    def claim_term_fields(self, claim: Claim) -> list[Markup]:
        """A claim page's texts that may hold glossary terms, in page order, as the page renders them."""
        from .render import markdown, markdown_inline

        fields = [markdown(claim.bottom_line)]
        for e in claim.evidence:
            fields += [escape(e.design), escape(e.population or ""), markdown_inline(e.finding)]
        if claim.rationale.starting_level:  # claims outside GRADE ("no studies", dated facts) have none
            fields += [escape(self.levels["certainty"][claim.rationale.starting_level].label.lower())]
        for s in self.certainty_steps(claim):
            fields += [escape(s["domain"]), markdown_inline(s["why"])]
        fields.append(markdown(claim.rationale.summary))
        fields += [markdown_inline(c) for c in claim.caveats]
        return fields

    def claim_terms(self, claim: Claim) -> list:
        linker = self.term_linker()
        for field in self.claim_term_fields(claim):
            linker(field)
        return linker.used

    def search_entry(self, spec: PageSpec) -> tuple[str, str] | None:
        """(title, text) to index for a generated page, as escaped HTML; None for pages not indexed.

        Claim and source pages are indexed from their data rather than by parsing their HTML: it is
        many times faster, and the index every visitor downloads stays small.
        """
        if spec.kind == "claim":
            claim = self.claims[spec.key]
            verdict = self.levels["verdicts"][claim.verdict].label
            certainty = self.levels["certainty"][claim.certainty].label
            text = (f"{claim.bottom_line} Verdict: {verdict}. Certainty of evidence: {certainty}. "
                    f"Topic: {self.levels['topics'][claim.topic].label}.")
            return str(escape(page_title(claim.claim))), str(escape(plain_text(text)))
        if spec.kind == "source":
            ref = self.references[spec.key]
            text = " ".join(p for p in (ref.authors, ref.container, ref.details) if p)
            return str(escape(page_title(ref.title or ref.short))), str(escape(text))
        if spec.kind == "topic":
            topic = self.levels["topics"][spec.key]
            return str(escape(page_title(topic.label))), str(escape(topic.description))
        if spec.kind == "article":
            article = self.project.articles[spec.key]
            return str(escape(page_title(article.title))), str(escape(plain_text(article.description)))
        if spec.kind == "glossary":
            text = " ".join(f"{t.term}: {plain_text(t.definition)}" for t in self.glossary.values())
            return "Glossary", str(escape(text))
        return None

    def evidence_map(self) -> dict[tuple[str, str], list[Claim]]:
        """Claims by (topic, verdict), each list ordered from highest to lowest certainty."""
        order = {c.id: i for i, c in enumerate(self.config.certainty)}
        cells: dict[tuple[str, str], list[Claim]] = {}
        for claim in self.project.claims:
            cells.setdefault((claim.topic, claim.verdict), []).append(claim)
        for claims in cells.values():
            claims.sort(key=lambda c: (order[c.certainty], c.id))
        return cells

    def article_split(self, claims: list) -> tuple[list, list]:
        """An article's claims as (central, background): central claims are in ``central_topics``."""
        central = [item for item in claims if item[0].topic in self.config.central_topics]
        return central, [item for item in claims if item[0].topic not in self.config.central_topics]

    def article_verdict(self, claims: list) -> dict | None:
        """The overall verdict on an article, from its central claims only: the verdict that half or more
        of them reach or fall below, on the review's verdict scale (best first). None without central claims."""
        central, background = self.article_split(claims)
        if not self.config.central_topics or not central:
            return None
        order = [v.id for v in self.config.verdicts]
        ranked = sorted(order.index(c.verdict) for c, _ in central)
        verdict = self.config.verdicts[ranked[(len(ranked) - 1) // 2 if len(ranked) % 2 else len(ranked) // 2]]
        at_or_below = sum(1 for r in ranked if r >= order.index(verdict.id))
        topics = [self.levels["topics"][t].label.lower() for t in self.config.central_topics]
        return {"verdict": verdict, "central": central, "background": background, "at_or_below": at_or_below,
                "worst_first": verdict.id == order[-1], "topics": "; ".join(topics),
                "central_tally": self.tally(central), "background_tally": self.tally(background)}

    def scorecard(self, article: Article, claims: list) -> list[dict]:
        """The article's checklist: computed answers from its claims, the reviewer's answers otherwise."""
        rows = []
        for criterion in self.config.scorecard:
            stated = article.scorecard.get(criterion.id)
            row = {"question": criterion.question, "answer": "not assessed", "note": "", "computed": False}
            if criterion.topics:
                hits = [c for c, _ in claims if c.topic in criterion.topics]
                labels = ", ".join(self.levels["topics"][t].label.lower() for t in criterion.topics)
                row.update(answer="yes" if hits else "no", computed=True,
                           note=f"{len(hits)} of its {len(claims)} claims {'is' if len(hits) == 1 else 'are'} about {labels}.")
            elif criterion.verdicts:
                # judged on the central claims when the review names them: true background is not evidence
                judged, which = claims, "claims"
                if self.config.central_topics:
                    judged, which = self.article_split(claims)[0], "central claims"
                hits = [c for c, _ in judged if c.verdict in criterion.verdicts]
                share = len(hits) / len(judged) if judged else 0
                answer = "yes" if share >= 0.75 else "partly" if share >= 0.25 else "no"
                labels = " or ".join(self.levels["verdicts"][v].label.lower() for v in criterion.verdicts)
                row.update(answer=answer, computed=True, note=f"{len(hits)} of its {len(judged)} {which} {'is' if len(hits) == 1 else 'are'} {labels}.")
            if stated:
                row.update(answer=stated["answer"], note=stated.get("note", ""), computed=False)
            rows.append(row)
        return rows

    def absolute(self, src_uri: str) -> str:
        return f"{self.site_url}{self.url(src_uri)}" if self.site_url else self.url(src_uri)

    def claim_jsonld(self, claim: Claim) -> Markup:
        """schema.org ClaimReview and WebPage for a claim page, safe to embed in a script element."""
        verdicts = list(self.config.verdicts)
        position = [v.id for v in verdicts].index(claim.verdict)
        verdict = verdicts[position]
        published = claim.first_published.isoformat()
        appearances = []
        for quote in claim.claimed_in:
            article = self.project.articles[quote.article]
            work = {"@type": "CreativeWork", "name": article.title}
            if article.url:
                work["url"] = article.url
            if work not in appearances:
                appearances.append(work)
        page = self.absolute(self.claim_uri(claim.id))
        publisher = {"@type": "Organization", "name": self.config.publisher}
        if self.site_url:
            publisher["url"] = self.site_url
        review = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": page,
            "claimReviewed": claim.claim,
            "datePublished": published,
            "dateModified": max(claim.reviewed, claim.changelog[0].date if claim.changelog else claim.reviewed).isoformat(),
            "author": publisher,
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": len(verdicts) - position,
                "bestRating": len(verdicts),
                "worstRating": 1,
                "alternateName": verdict.label,
                "ratingExplanation": " ".join(claim.bottom_line.split()),
            },
            "itemReviewed": {"@type": "Claim", "appearance": appearances, "firstAppearance": appearances[0]},
        }
        webpage = {"@context": "https://schema.org", "@type": "WebPage", "url": page, "name": page_title(claim.claim),
                   "lastReviewed": claim.reviewed.isoformat(), "mainEntity": {"@type": "ClaimReview", "url": page}}
        text = json.dumps([review, webpage], ensure_ascii=False, indent=1, sort_keys=True)
        return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))

    def atom_feed(self, limit: int = 50) -> str:
        """Atom feed of new claims and of changes of verdict or certainty, from the claims' change logs."""
        from xml.sax.saxutils import escape as xml_escape

        entries = []
        for claim in self.project.claims:
            log = claim.changelog
            for index, entry in enumerate(log):
                first = index == len(log) - 1
                if not (first or entry.conclusion_changed):
                    continue
                title = "New claim reviewed" if first else "Regraded"
                entries.append((entry.date.isoformat(), claim, title, f"change-{len(log) - index}", entry.change))
            if not log:
                entries.append((claim.reviewed.isoformat(), claim, "New claim reviewed", claim.reviewed.isoformat(), ""))
        entries.sort(key=lambda e: (e[0], e[1].id, e[3]), reverse=True)
        entries = entries[:limit]
        base = self.site_url or "urn:claimsite:"
        updated = (entries[0][0] if entries else self.build_date.isoformat()) + "T00:00:00Z"
        verdicts = self.levels["verdicts"]
        lines = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
                 f"  <title>{xml_escape(self.config.title)}: new and changed verdicts</title>",
                 f'  <id>{xml_escape(base)}feed.xml</id>', f"  <updated>{updated}</updated>",
                 f'  <link rel="self" href="{xml_escape(base)}feed.xml"/>',
                 f"  <author><name>{xml_escape(self.config.publisher)}</name></author>"]
        for date, claim, title, token, change in entries:
            link = self.absolute(self.claim_uri(claim.id))
            summary = f"{verdicts[claim.verdict].label}, {self.levels['certainty'][claim.certainty].label.lower()} " \
                      f"certainty. {' '.join(claim.bottom_line.split())}"
            if change and title != "New claim reviewed":
                summary = f"{plain_text(change)} Now: {summary}"
            lines += ["  <entry>", f"    <title>{xml_escape(title)}: {xml_escape(page_title(claim.claim))}</title>",
                      f"    <id>{xml_escape(link)}#{xml_escape(token)}</id>",
                      f'    <link rel="alternate" href="{xml_escape(link)}"/>',
                      f"    <updated>{date}T00:00:00Z</updated>",
                      f"    <summary>{xml_escape(summary)}</summary>", "  </entry>"]
        lines.append("</feed>")
        return "\n".join(lines) + "\n"

    def tally(self, claims) -> list[tuple]:
        counts = Counter(c.verdict for c, _ in claims)
        return [(v, counts.get(v.id, 0)) for v in self.config.verdicts]

    def page_notices(self, ids) -> list:
        """Shared notices listed in review.yml for an article or topic page, the most serious first."""
        return self._notices([i for i in ids if i in self.project.notices])

    def notices_for(self, claim: Claim) -> list:
        return self._notices(claim.safety)

    def _notices(self, items) -> list:
        out = []
        for item in items:
            if isinstance(item, InlineNotice):
                out.append({"level": self.levels["notice_levels"][item.level], "title": item.title or "",
                            "text": item.text, "id": "", "sources": ()})
            else:
                notice = self.project.notices[item]
                out.append({"level": self.levels["notice_levels"][notice.level], "title": notice.title,
                            "text": notice.text, "id": notice.id, "sources": notice.sources})
        severity = [n.id for n in self.config.notice_levels]
        return sorted(out, key=lambda n: -severity.index(n["level"].id))

    def claim_references(self, claim: Claim) -> list[tuple[int, Reference]]:
        keys = []
        for item in claim.evidence:
            if item.source not in keys:
                keys.append(item.source)
        return [(i + 1, self.references[k]) for i, k in enumerate(keys)]

    def corrections(self) -> list[tuple[Claim, ChangeEntry]]:
        """Every change made to a claim after its first publication, newest first (the corrections log)."""
        found = [(entry, claim) for claim in self.project.claims for entry in claim.changelog[:-1]]
        found.sort(key=lambda f: (f[0].date, f[1].id), reverse=True)
        return [(claim, entry) for entry, claim in found]

    def changes(self, claim: Claim) -> tuple[ChangeEntry, ...]:
        """The claim's editorial change log, newest first."""
        return claim.changelog

    def due(self, claim: Claim) -> dt.date:
        return claim.due(self.config)

    def overdue(self, claim: Claim) -> bool:
        return claim.due(self.config) < self.build_date

    def notices(self) -> list:
        severity = [n.id for n in self.config.notice_levels]
        return sorted(self.project.notices.values(), key=lambda n: (-severity.index(n.level), n.id))

    def scale_css(self) -> str:
        """Badge colours from review.yml: filled verdict badges, outlined certainty badges."""
        rules = []
        for v in self.config.verdicts:
            if v.color:
                rules.append(f".cs-verdict--{v.id} {{ background: {v.color}; }}")
        for c in self.config.certainty:
            if c.color:
                rules.append(f".cs-certainty--{c.id} {{ color: {c.color}; }}")
        return "/* generated from review.yml */\n" + "\n".join(rules) + "\n"

    def schema(self) -> dict:
        return claim_schema(self.config.enums())

    def certainty_phrase(self, certainty_id: str, base: str = "") -> Markup:
        """A certainty level in words, e.g. "Certainty of the evidence: very low", the level linked to its
        explanation in the glossary when there is one (term id ``<level>-certainty``)."""
        label = escape(self.levels["certainty"][certainty_id].label.lower())
        term = f"{certainty_id}-certainty"
        if term in self.glossary:
            label = Markup(f'<a class="cs-term" href="{escape(base)}{escape(self.url("glossary.md"))}#term-{term}">{label}</a>')
        return Markup("Certainty of the evidence: ") + label

    def as_of_text(self, claim: Claim) -> str:
        """'August 2025' (or '13 August 2025') for a dated fact's as_of."""
        if not claim.as_of:
            return ""
        months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December"]
        parts = claim.as_of.split("-")
        text = f"{months[int(parts[1]) - 1]} {parts[0]}"
        return f"{int(parts[2])} {text}" if len(parts) == 3 else text

    _STUDY_TYPES = {"article", "inproceedings", "incollection", "inbook", "book", "phdthesis", "mastersthesis",
                    "thesis", "unpublished"}

    def claim_description(self, claim: Claim, limit: int = 200) -> str:
        """The page description (search results, link previews): the verdict sentence, then the bottom line."""
        text = f"{self.verdict_sentence(claim)} {plain_text(claim.bottom_line)}"
        if len(text) > limit:
            text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        return page_title(text)

    def verdict_sentence(self, claim: Claim) -> str:
        """The plain sentence joining the claim's verdict and certainty (``verdict_sentences`` in review.yml)."""
        text = self.config.verdict_sentence(claim.verdict, claim.certainty)
        verdict, certainty = self.levels["verdicts"][claim.verdict], self.levels["certainty"][claim.certainty]
        if not text:
            return f"{verdict.label}, {certainty.label.lower()} certainty."
        return text.replace("{verdict}", verdict.label).replace("{certainty}", certainty.label.lower())

    def cite_keys(self, text: str, base: str) -> Markup:
        """Free text (a source's note or verification record) with every BibTeX key in it replaced by the
        citation readers know ("Sacco 2016"), linked to that source's page: keys are never page text."""
        if not hasattr(self, "_key_pattern"):
            keys = sorted(self.references, key=len, reverse=True)
            self._key_pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, keys)) + r")(?![\w-])") if keys else None
        if not text or self._key_pattern is None:
            return escape(text or "")
        out, last = [], 0
        for match in self._key_pattern.finditer(text):
            ref = self.references[match.group(1)]
            out += [escape(text[last:match.start()]),
                    Markup('<a href="{}{}">{}</a>').format(base, self.url(self.source_uri(ref.key)), ref.short)]
            last = match.end()
        out.append(escape(text[last:]))
        return Markup("").join(out)

    def excerpt_lead(self, key: str) -> str:
        """The words before an excerpt: a study's, or a document's (a regulator's page, a law)."""
        source = self.project.sources.get(key)
        return "The study says:" if source is None or source.entry_type in self._STUDY_TYPES else "The document says:"

    def certainty_bound(self, claim: Claim) -> str | None:
        """'lowest' or 'highest' when the domains go past the end of the scale (GRADE stops there)."""
        if claim.rationale.starting_level is None:
            return None
        rank = self.config.rank(claim.rationale.starting_level)
        rank += sum(a.by for a in claim.rationale.raised) - sum(a.by for a in claim.rationale.lowered)
        return "lowest" if rank < 1 else "highest" if rank > len(self.config.grade_levels()) else None

    def certainty_steps(self, claim: Claim) -> list[dict]:
        """The GRADE path from the starting level to the stated certainty, step by step."""
        if claim.rationale.starting_level is None:
            return []
        rank = self.config.rank(claim.rationale.starting_level)
        steps = []
        for sign, adjustments, scale in ((-1, claim.rationale.lowered, "lowering_domains"),
                                         (1, claim.rationale.raised, "raising_domains")):
            for adj in adjustments:
                rank += sign * adj.by
                steps.append({"domain": self.levels[scale][adj.domain].label, "change": sign * adj.by, "why": adj.why,
                              "level": self.config.level_at(rank)})
        return steps
