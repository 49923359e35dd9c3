"""Open data and the new views: exports round-trip, ClaimReview JSON-LD, evidence map, scorecards, feed, lints."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from claimsite import builder
from claimsite.export import claims_from_json
from conftest import REPO

# Properties schema.org defines for the types used (from schema.org/ClaimReview, /Claim, /Rating, /WebPage;
# properties inherited from Review, CreativeWork and Thing included where used).
THING = {"@type", "@context", "name", "url", "alternateName", "description", "mainEntityOfPage"}
CREATIVE_WORK = THING | {"author", "datePublished", "dateModified", "publisher", "headline", "inLanguage"}
VOCAB = {
    "ClaimReview": CREATIVE_WORK | {"claimReviewed", "itemReviewed", "reviewRating", "reviewBody"},
    "Rating": THING | {"ratingValue", "bestRating", "worstRating", "ratingExplanation", "reviewAspect", "author"},
    "Claim": CREATIVE_WORK | {"appearance", "firstAppearance", "claimInterpreter"},
    "CreativeWork": CREATIVE_WORK,
    "Organization": THING,
    "WebPage": CREATIVE_WORK | {"lastReviewed", "reviewedBy", "mainEntity", "breadcrumb"},
}


@pytest.fixture(scope="module")
def project():
    return builder.check(REPO)[0]


def test_claims_json_round_trips(repo_site, project):
    data = (repo_site / "data" / "claims.json").read_text(encoding="utf-8")
    assert claims_from_json(data) == project.claims
    payload = json.loads(data)
    assert payload["licence"].startswith("CC BY 4.0")
    assert all(item["url"].endswith(f"/claims/{item['id']}/") for item in payload["claims"])


def test_claims_csv_and_csl_json(repo_site, project):
    rows = list(csv.DictReader(io.StringIO((repo_site / "data" / "claims.csv").read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == [c.id for c in project.claims]
    assert {r["verdict"] for r in rows} <= {v.id for v in project.config.verdicts}
    csl = json.loads((repo_site / "data" / "sources.json").read_text(encoding="utf-8"))
    # finished references only: a study awaiting assessment has no authors or title to export
    assert {item["id"] for item in csl} == {k for k, s in project.sources.items() if not s.awaiting}
    assert all(item["type"] and item["title"] for item in csl)
    dois = {item["id"]: item.get("DOI") for item in csl}
    assert all(dois[k] == s.doi for k, s in project.sources.items() if s.doi and not s.awaiting)


def _nodes(value):
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _nodes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _nodes(item)


def jsonld(html: str) -> list:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_claim_pages_carry_valid_claimreview(repo_site, project):
    verdicts = {v.id: v.label for v in project.config.verdicts}
    for claim in project.claims:
        html = (repo_site / "claims" / claim.id / "index.html").read_text(encoding="utf-8")
        data = jsonld(html)
        for node in _nodes(data):
            kind = node["@type"]
            assert kind in VOCAB, kind
            assert set(node) <= VOCAB[kind], (claim.id, kind, set(node) - VOCAB[kind])
        review = next(n for n in data if n["@type"] == "ClaimReview")
        assert review["claimReviewed"] == claim.claim
        assert review["reviewRating"]["alternateName"] == verdicts[claim.verdict]
        assert 1 <= review["reviewRating"]["ratingValue"] <= review["reviewRating"]["bestRating"]
        assert review["itemReviewed"]["@type"] == "Claim" and review["itemReviewed"]["appearance"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", review["datePublished"])
        page = next(n for n in data if n["@type"] == "WebPage")
        assert page["lastReviewed"] == claim.reviewed.isoformat()


def test_jsonld_cannot_break_out_of_its_script_element(mini):
    claim = mini / "claims" / "effects" / "coffee-wakes-you-up.yaml"
    claim.write_text(claim.read_text().replace("claim: Coffee makes people more alert within minutes.",
                                               "claim: 'Coffee </script><script>alert(1)</script> is hostile.'"))
    from conftest import run_cli
    assert run_cli("build", cwd=mini).returncode == 0
    html = (mini / "site" / "claims" / "coffee-wakes-you-up" / "index.html").read_text()
    assert "</script><script>alert(1)" not in html
    assert jsonld(html)[0]["claimReviewed"] == "Coffee </script><script>alert(1)</script> is hostile."


def test_evidence_map_counts_match_the_claims(repo_site, project):
    html = (repo_site / "map" / "index.html").read_text(encoding="utf-8")
    for topic in project.config.topics:
        for verdict in project.config.verdicts:
            n = sum(1 for c in project.claims if c.topic == topic.id and c.verdict == verdict.id)
            cell = re.search(rf'href="#cell-{topic.id}-{verdict.id}"[^>]*><strong>(\d+)</strong>', html)
            if n:
                assert cell and int(cell.group(1)) == n, (topic.id, verdict.id)
                listed = html.split(f'id="cell-{topic.id}-{verdict.id}"', 1)[1].split("</ul>", 1)[0]
                assert listed.count("<li>") == n
            else:
                assert cell is None
    assert "<script" not in html.split('<div class="md-content"', 1)[1].split("</article>", 1)[0]


def test_article_scorecard_is_computed_and_stated(repo_site, project):
    html = (repo_site / "articles" / "article-b" / "index.html").read_text(encoding="utf-8")
    claims_b = [c for c in project.claims if any(q.article == "article-b" for q in c.claimed_in)]
    risks = sum(1 for c in claims_b if c.topic == "risks")
    assert f"{risks} of its {len(claims_b)} claims are about risks and safety. <em>(worked out from the claims we checked)</em>" in html
    assert "It cites no studies or sources." in html


def test_atom_feed_lists_claims_and_is_well_formed(repo_site, project):
    root = ET.parse(repo_site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert 0 < len(entries) <= 50
    ids = [e.find("a:id", ns).text for e in entries]
    assert len(ids) == len(set(ids))
    links = {e.find("a:link", ns).get("href") for e in entries}
    assert all("/claims/" in link for link in links)
    dates = [e.find("a:updated", ns).text for e in entries]
    assert dates == sorted(dates, reverse=True)
    assert root.find("a:updated", ns).text == dates[0]
