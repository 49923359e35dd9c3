"""Claim and article pages in the order a reader needs them, with their sentences from review.yml."""

from __future__ import annotations

import html
import re

import pytest

from claimsite.config import load_config
from claimsite.diagnostics import ConfigError

from conftest import REPO


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


@pytest.fixture(scope="module")
def config():
    return load_config(REPO)


def claim_files():
    return sorted((REPO / "claims").rglob("*.yaml"))


def test_claim_pages_read_claim_sentence_bottom_line_safety_then_evidence(repo_site, config):
    checked = 0
    for path in claim_files():
        claim_id = path.stem
        page = (repo_site / "claims" / claim_id / "index.html").read_text(encoding="utf-8")
        body = page.split('<div class="cs-claim"', 1)[1]
        marks = [body.index('id="claim"'), body.index('class="cs-verdict-sentence"'), body.index('id="bottom-line"')]
        if 'id="safety"' in body:
            marks.append(body.index('id="safety"'))
            marks.append(body.index('<aside class="cs-notice'))
            checked += 1
        marks.append(body.index('id="evidence"'))
        assert marks == sorted(marks), claim_id
        if 'id="more-safety"' in body:
            assert body.index('id="more-safety"') > body.index('id="evidence"')
    assert checked >= 10


def test_the_most_serious_notice_comes_first(repo_site):
    page = (repo_site / "claims" / "high-dose-sleepiness" / "index.html").read_text(encoding="utf-8")
    top = page.split('id="safety"', 1)[1].split('id="evidence"', 1)[0]
    assert top.count('<aside class="cs-notice') == 1 and "cs-notice--danger" in top


def test_verdict_sentence_and_certainty_meaning_come_from_review_yml(repo_site, config):
    import yaml

    certainty = {c.id: c for c in config.certainty}
    for path in claim_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        page = (repo_site / "claims" / path.stem / "index.html").read_text(encoding="utf-8")
        sentence = text_of(page.split('class="cs-verdict-sentence">', 1)[1].split("</p>", 1)[0])
        verdict = next(v.label for v in config.verdicts if v.id == data["verdict"])
        expected = config.verdict_sentence(data["verdict"], data["certainty"]).replace("{verdict}", verdict)
        assert expected and sentence == expected, path.stem
        meaning = text_of(page.split('class="cs-certainty-meaning">', 1)[1].split("</p>", 1)[0])
        assert certainty[data["certainty"]].description in meaning, path.stem


def test_no_sentence_is_english_in_the_template():
    template = (REPO / "templates" / "claimsite" / "claim.html").read_text(encoding="utf-8")
    for rule in load_config(REPO).verdict_sentences:
        assert rule.text not in template


def _config_with(tmp_path, extra: str):
    (tmp_path / "review.yml").write_text((REPO / "review.yml").read_text(encoding="utf-8").replace(
        "verdict_sentences:\n", "verdict_sentences:\n" + extra, 1), encoding="utf-8")
    return load_config(tmp_path)


def test_the_most_specific_verdict_sentence_wins(tmp_path):
    config = _config_with(tmp_path, '  - certainty: low\n    text: "Anything, at low certainty."\n')
    assert config.verdict_sentence("supported", "low").startswith("Supported, but by limited evidence")
    assert config.verdict_sentence("unsupported", "low") == "Anything, at low certainty."
    assert config.verdict_sentence("unsupported", "moderate").startswith("Unsupported — we found no good evidence")


@pytest.mark.parametrize("extra, message", [
    ('  - verdict: maybe\n    text: "x"\n', "'verdict' must be one of"),
    ('  - verdict: supported\n    text: "again"\n', "a second verdict sentence for verdict supported"),
    ('  - verdict: supported\n    certainty: high\n    txt: "x"\n', "needs 'text'"),
])
def test_bad_verdict_sentences_are_reported_with_their_line(tmp_path, extra, message):
    with pytest.raises(ConfigError) as error:
        _config_with(tmp_path, extra)
    assert message in str(error.value) and "review.yml:" in str(error.value)


def test_article_verdict_rests_on_central_claims_with_background_apart(repo_site, config):
    import yaml

    topics = {}
    for path in claim_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        topics[path.stem] = (data["topic"], data["verdict"])
    order = [v.id for v in config.verdicts]
    for article in ("article-a", "article-b"):
        page = (repo_site / "articles" / article / "index.html").read_text(encoding="utf-8")
        central_part = page.split('id="claims"', 1)[1].split('id="background"', 1)[0]
        background_part = page.split('id="background"', 1)[1]
        central = re.findall(r'href="../../claims/([^/"]+)/"', central_part)
        background = re.findall(r'href="../../claims/([^/"]+)/"', background_part)
        assert central and background
        assert all(topics[c][0] in config.central_topics for c in central), article
        assert not any(topics[c][0] in config.central_topics for c in background), article
        ranks = sorted(order.index(topics[c][1]) for c in central)
        worst_half = [v for v in order if sum(r >= order.index(v) for r in ranks) * 2 >= len(ranks)][-1]
        box = page.split('id="verdict"', 1)[1].split('id="tally-central"', 1)[0]
        assert f"cs-verdict--{worst_half}" in box, article
        assert f"of its {len(central)} central claims" in text_of(box)
