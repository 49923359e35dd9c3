"""Open data: claims as JSON and CSV, sources as CSL-JSON.  ``claims_from_json`` reads the JSON back
into the same claim records, so the export round-trips."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from .model import Adjustment, Awaiting, ChangeEntry, Claim, Evidence, InlineNotice, Project, Quote, Rationale
from .references import parse_authors

FORMAT_VERSION = 1
LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"


def claim_to_dict(claim: Claim) -> dict:
    def adjustments(items):
        return {a.domain: {"by": a.by, "why": a.why} for a in items}

    return {
        "id": claim.id,
        "claim": claim.claim,
        "topic": claim.topic,
        "claimed_in": [{"article": q.article, "quote": q.quote, **({"section": q.section} if q.section else {})}
                       for q in claim.claimed_in],
        "verdict": claim.verdict,
        "certainty": claim.certainty,
        "bottom_line": claim.bottom_line,
        **({"as_of": claim.as_of} if claim.as_of else {}),
        "rationale": {"starting_level": claim.rationale.starting_level,
                      "lowered": adjustments(claim.rationale.lowered), "raised": adjustments(claim.rationale.raised),
                      "summary": claim.rationale.summary},
        "evidence": [{k: v for k, v in (("source", e.source), ("design", e.design), ("population", e.population),
                                        ("n", e.n), ("finding", e.finding), ("direction", e.direction),
                                        ("locator", e.locator), ("excerpt", e.excerpt)) if v is not None} for e in claim.evidence],
        **({"awaiting": [{"source": a.source, "note": a.note} for a in claim.awaiting]} if claim.awaiting else {}),
        "caveats": list(claim.caveats),
        "safety": [s if isinstance(s, str) else {"level": s.level, "text": s.text, **({"title": s.title} if s.title else {})}
                   for s in claim.safety],
        "reviewed": claim.reviewed.isoformat(),
        "review_by": claim.review_by.isoformat() if claim.review_by else None,
        "reviewers": list(claim.reviewers),
        "changelog": [{"date": e.date.isoformat(), "change": e.change, "conclusion_changed": e.conclusion_changed}
                      for e in claim.changelog],
        "file": claim.path,
    }


def claim_from_dict(data: dict) -> Claim:
    def adjustments(block):
        return tuple(Adjustment(k, v["by"], v["why"]) for k, v in block.items())

    r = data["rationale"]
    return Claim(
        id=data["id"], claim=data["claim"], topic=data["topic"],
        claimed_in=tuple(Quote(q["article"], q["quote"], q.get("section")) for q in data["claimed_in"]),
        verdict=data["verdict"], certainty=data["certainty"], bottom_line=data["bottom_line"],
        rationale=Rationale(r.get("starting_level"), adjustments(r["lowered"]), adjustments(r["raised"]), r["summary"]),
        evidence=tuple(Evidence(e["source"], e["design"], e["finding"], e["direction"], e.get("population"), e.get("n"),
                                e.get("locator"), excerpt=e.get("excerpt")) for e in data["evidence"]),
        caveats=tuple(data["caveats"]),
        safety=tuple(s if isinstance(s, str) else InlineNotice(s["level"], s["text"], s.get("title"))
                     for s in data["safety"]),
        reviewed=dt.date.fromisoformat(data["reviewed"]),
        review_by=dt.date.fromisoformat(data["review_by"]) if data["review_by"] else None,
        reviewers=tuple(data["reviewers"]), path=data["file"], lines={},
        changelog=tuple(ChangeEntry(dt.date.fromisoformat(e["date"]), e["change"], e["conclusion_changed"])
                        for e in data.get("changelog", ())),
        as_of=data.get("as_of"),
        awaiting=tuple(Awaiting(a["source"], a["note"]) for a in data.get("awaiting", ())),
    )


def claims_json(project: Project, urls: dict[str, str], generated: dt.date) -> str:
    payload = {
        "format_version": FORMAT_VERSION,
        "title": project.config.title,
        "generated": generated.isoformat(),
        "licence": LICENCE,
        "articles": [{"id": a.id, "title": a.title, "publisher": a.publisher, "url": a.url,
                      "accessed": a.accessed.isoformat() if a.accessed else None}
                     for a in sorted(project.articles.values(), key=lambda a: a.id)],
        "claims": [dict(claim_to_dict(c), url=urls.get(c.id, "")) for c in project.claims],
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n"  # compact: C encoder, small file


def claims_from_json(text: str) -> list[Claim]:
    return [claim_from_dict(item) for item in json.loads(text)["claims"]]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula (= + - @, tab, CR) gets a
    leading apostrophe, as OWASP advises against CSV injection."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def claims_csv(project: Project, urls: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "claim", "topic", "verdict", "certainty", "articles", "quotes", "sources", "excerpts",
                     "reviewed", "review_by", "url"])
    for c in project.claims:
        row = [c.id, c.claim, c.topic, c.verdict, c.certainty,
               ";".join(sorted({q.article for q in c.claimed_in})),
               " | ".join(q.quote for q in c.claimed_in),
               ";".join(dict.fromkeys(e.source for e in c.evidence)),
               " | ".join(f"{e.source}: {e.excerpt}" for e in c.evidence if e.excerpt),
               c.reviewed.isoformat(), c.review_by.isoformat() if c.review_by else "", urls.get(c.id, "")]
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return out.getvalue()


_CSL_TYPES = {"article": "article-journal", "book": "book", "inbook": "chapter", "incollection": "chapter",
              "misc": "webpage", "online": "webpage", "techreport": "report", "report": "report"}


def csl_json(project: Project) -> str:
    items = []
    for key in sorted(project.sources):
        s = project.sources[key]
        if s.awaiting:  # not a finished reference (no authors or title seen); claims.json lists it under awaiting
            continue
        item = {"id": key, "type": _CSL_TYPES.get(s.entry_type, "document"), "title": s.title}
        people = parse_authors(s.get("author")) if s.get("author") else []
        authors = [{"literal": a.last} if not a.initials else {"family": a.last, "given": a.initials}
                   for a in people if not a.is_others]
        if authors:
            item["author"] = authors
        mapping = {"journal": "container-title", "volume": "volume", "number": "issue", "pages": "page",
                   "doi": "DOI", "pmid": "PMID", "pmcid": "PMCID", "url": "URL", "publisher": "publisher",
                   "note": "note"}
        for field, csl in mapping.items():
            if s.get(field):
                item[csl] = s.get(field).replace("--", "–") if field == "pages" else s.get(field)
        if s.year[:4].isdigit():
            item["issued"] = {"date-parts": [[int(s.year[:4])]]}
        if s.get("urldate"):
            item["accessed"] = {"raw": s.get("urldate")}
        items.append(item)
    return json.dumps(items, ensure_ascii=False, separators=(",", ":")) + "\n"
