"""Scholarly records must be complete; a study whose record cannot be completed is listed, not counted."""

from __future__ import annotations

import json
import os

from claimsite import builder
from conftest import EPOCH, run_cli

AWAITING_ENTRY = """
@article{doe2025diary,
  awaiting = {The only record seen does not show the authors or the title.},
  journal = {Journal of Demo Studies},
  year = {2025},
  doi = {10.1234/jds.2025.7},
  verified = {2026-01-15: fixture entry for tests}
}
"""

AWAITING_ITEM = """awaiting:
  - source: doe2025diary
    note: A diary study of coffee drinkers reports feeling more awake on mornings with coffee.
caveats:"""


def _messages(root):
    _, report = builder.check(root)
    return [d.format() for d in report.sorted()]


def _add(root, bib: str = AWAITING_ENTRY, claim_edit=None):
    refs = root / "sources" / "refs.bib"
    refs.write_text(refs.read_text() + bib)
    if claim_edit:
        claim = root / "claims" / "effects" / "coffee-wakes-you-up.yaml"
        claim.write_text(claim_edit(claim.read_text()))


def _bib_line(root, text: str) -> int:
    lines = (root / "sources" / "refs.bib").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_an_article_without_authors_is_an_error_naming_its_line(mini):
    _add(mini, AWAITING_ENTRY.replace("  awaiting = {The only record seen does not show the authors or the title.},\n",
                                      "  title = {Coffee in daily life},\n"),
         lambda t: t.replace("caveats:", "  - source: doe2025diary\n    design: Diary study\n"
                                         "    finding: Coffee mornings felt more awake.\n    direction: context\ncaveats:"))
    line = _bib_line(mini, "@article{doe2025diary")
    errors = [m.splitlines()[0] for m in _messages(mini) if "names no authors" in m]
    assert errors == [f"sources/refs.bib:{line}: error: source 'doe2025diary' is a scholarly work (article) "
                      "that names no authors"]


def test_a_bracketed_description_is_not_a_title(mini):
    refs = mini / "sources" / "refs.bib"
    refs.write_text(refs.read_text().replace("title = {Caffeine and Alertness: A Randomised Trial}",
                                             "title = {[A randomised trial of caffeine and alertness]}"))
    line = _bib_line(mini, "title = {[A randomised")
    assert any(m.startswith(f"sources/refs.bib:{line}: error: source 'doe2020coffee': the title") and
               "is a description in brackets" in m for m in _messages(mini))


def test_an_awaiting_study_cannot_be_counted_as_evidence(mini):
    _add(mini, claim_edit=lambda t: t.replace("  - source: doe2020coffee", "  - source: doe2025diary", 1))
    text = (mini / "claims" / "effects" / "coffee-wakes-you-up.yaml").read_text().splitlines()
    line = next(i for i, row in enumerate(text, 1) if "source: doe2025diary" in row)
    assert any(m.startswith(f"claims/effects/coffee-wakes-you-up.yaml:{line}: error: source 'doe2025diary' is "
                            "awaiting assessment and cannot be counted as evidence") for m in _messages(mini))


def test_a_complete_record_cannot_be_listed_as_awaiting(mini):
    _add(mini, "", lambda t: t.replace("caveats:", AWAITING_ITEM.replace("doe2025diary", "agency2024caffeine")))
    assert any("source 'agency2024caffeine' is listed as awaiting assessment but its record is complete" in m
               for m in _messages(mini))


def test_awaiting_needs_a_reason_and_an_unknown_key_is_named(mini):
    _add(mini, AWAITING_ENTRY.replace("The only record seen does not show the authors or the title.", "unknown"),
         lambda t: t.replace("caveats:", AWAITING_ITEM.replace("doe2025diary", "doe2025diarry")))
    messages = _messages(mini)
    assert any("'awaiting' must say why the work is not counted yet" in m for m in messages)
    assert any("unknown source 'doe2025diarry'" in m and "did you mean 'doe2025diary'?" in m for m in messages)


def test_listed_study_is_shown_apart_and_counts_toward_nothing(mini, tmp_path):
    _add(mini, claim_edit=lambda t: t.replace("caveats:", AWAITING_ITEM))
    assert _messages(mini) == []  # listed under awaiting: it is neither unfinished nor "not cited"
    out = tmp_path / "site"
    result = run_cli("build", "--site-dir", str(out), cwd=mini, env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))
    assert result.returncode == 0, result.stderr
    page = (out / "claims" / "coffee-wakes-you-up" / "index.html").read_text()
    section = page[page.index('id="not-yet-counted"'):]
    assert "A diary study of coffee drinkers reports feeling more awake" in section
    assert "Why it is not counted:</strong> The only record seen does not show the authors or the title." in section
    assert "[Authors and title not seen]" in section and "10.1234/jds.2025.7" in section
    evidence = page[page.index('id="evidence"'):page.index('id="not-yet-counted"')]
    assert "10.1234/jds.2025.7" not in evidence and "Journal of Demo Studies. 2025" not in evidence
    index = (out / "sources" / "index.html").read_text()
    counted, waiting = index.split('id="not-yet-counted"')
    assert "10.1234/jds.2025.7" in waiting and "10.1234/jds.2025.7" not in counted
    assert "Every source cited in this review, 2 in all" in counted
    source_page = (out / "sources" / "doe2025diary" / "index.html").read_text()
    assert "Not yet counted as evidence:" in source_page and "coffee-wakes-you-up/#not-yet-counted" in source_page
    data = json.loads((out / "data" / "claims.json").read_text())
    claim = next(c for c in data["claims"] if c["id"] == "coffee-wakes-you-up")
    assert claim["awaiting"][0]["source"] == "doe2025diary"
    assert all(e["source"] != "doe2025diary" for e in claim["evidence"])


def test_the_review_counts_no_work_without_authors_or_title():
    from conftest import REPO

    project, report = builder.check(REPO)
    from claimsite.load import BRACKETED, SCHOLARLY

    counted = {e.source for c in project.claims for e in c.evidence}
    for key in counted:
        source = project.sources[key]
        assert not source.awaiting, key
        assert source.title and not BRACKETED.match(source.title), key
        if source.entry_type in SCHOLARLY:
            assert source.get("author") or source.get("editor"), key
