"""The review in this repository: it must pass the strict check and build completely."""

from __future__ import annotations

import os

import pytest

from claimsite import builder
from conftest import REPO, run_cli


@pytest.fixture(scope="module")
def review():
    return builder.check(REPO)


def test_repository_review_passes_strict_check():
    result = run_cli("check", "--strict", cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "0 error(s), 0 warning(s)" in result.stderr


def test_every_claim_quotes_a_reviewed_article_and_cites_evidence(review):
    project, report = review
    assert len(project.claims) >= 35
    assert set(project.articles) == {"article-a", "article-b"}
    for claim in project.claims:
        assert claim.claimed_in, claim.id
        assert claim.evidence, f"{claim.id} cites no source"


def test_dosing_and_risk_claims_carry_safety_notices(review):
    project, _ = review
    for claim in project.claims:
        if claim.topic in ("dosing", "risks"):
            assert claim.safety, claim.id


def test_every_source_has_an_identifier_and_verification(review):
    project, _ = review
    for source in project.sources.values():
        assert source.doi or source.pmid or source.url, source.key
        assert source.get("verified"), source.key


def test_shared_safety_notices_cover_the_required_subjects(review):
    project, _ = review
    assert {"dependence-withdrawal", "sedative-combinations", "contamination", "pregnancy", "driving",
            "get-help"} <= set(project.notices)
    help_text = project.notices["get-help"].text
    assert "1-800-222-1222" in help_text and "1-800-662-4357" in help_text


def test_repository_site_builds_with_a_page_per_claim(tmp_path):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
    result = run_cli("build", "--strict", "--site-dir", str(tmp_path / "site"), cwd=REPO, env=env)
    assert result.returncode == 0, result.stderr
    project, _ = builder.check(REPO)
    for claim in project.claims:
        page = tmp_path / "site" / "claims" / claim.id / "index.html"
        assert page.is_file(), claim.id
    assert (tmp_path / "site" / "articles" / "article-a" / "index.html").is_file()
