"""Grading states outside GRADE: "no studies" (nothing to grade) and dated facts of law (true as of a date)."""

from __future__ import annotations

import pytest

from claimsite import builder
from conftest import REPO, run_cli
from test_build import build

STATES = '''  - {id: no-studies, label: No studies, symbol: "∅", no_evidence: true, wording: says "no study has tested this", phrases: [no study has tested this]}
  - {id: not-graded, label: Not graded, symbol: "§", graded: false, wording: says when it was true, phrases: []}
directions:'''

NO_STUDIES = '''id: decaf-calms
claim: Decaf coffee calms the nerves before sleep.
topic: effects
claimed_in:
  - {article: blog, overlaps: [coffee-wakes-you-up, coffee-legal, decaf-calms],  # one sentence, three claims
     quote: Coffee wakes you up within minutes.}
verdict: unproven
certainty: no-studies
bottom_line: No study has tested this; decaf's effect on nerves is unknown.
rationale:
  summary: We found no study of decaf and calm, so there is nothing to grade.
evidence: []
caveats: []
safety: []
reviewed: 2026-01-15
review_by: 2099-01-15
changelog:
  - {date: 2026-01-15, change: First published., conclusion_changed: false}
'''

DATED = '''id: coffee-legal
claim: Coffee is legal to sell in Demo Land.
topic: law
claimed_in:
  - {article: blog, overlaps: [coffee-wakes-you-up, coffee-legal, decaf-calms],  # one sentence, three claims
     quote: Coffee wakes you up within minutes.}
verdict: "true"
certainty: not-graded
as_of: 2025-08
bottom_line: Coffee could be sold freely in Demo Land in the documents we saw.
rationale:
  summary: A fact of law, checked against the agency's page.
evidence:
  - source: agency2024caffeine
    design: Agency statement
    finding: The agency gives advice on caffeine and does not ban it.
    direction: supports
    excerpt: Caffeine can stay in the body for hours.
caveats: []
safety: []
reviewed: 2026-01-15
review_by: 2099-01-15
changelog:
  - {date: 2026-01-15, change: First published., conclusion_changed: false}
'''


@pytest.fixture
def states(mini):
    config = mini / "review.yml"
    text = config.read_text().replace("directions:", STATES, 1)
    text = text.replace("verdicts:", "  - {id: law, label: Law, description: What the law says., dated_facts: true}\n"
                        "verdicts:", 1)
    config.write_text(text)
    (mini / "claims" / "effects" / "decaf-calms.yaml").write_text(NO_STUDIES)
    (mini / "claims" / "law").mkdir()
    (mini / "claims" / "law" / "coffee-legal.yaml").write_text(DATED)
    return mini


def test_no_studies_and_dated_facts_pass_strict_and_show_as_such(states):
    result = run_cli("check", "--strict", cwd=states)
    assert result.returncode == 0, result.stderr
    assert build(states).returncode == 0
    page = (states / "site" / "claims" / "decaf-calms" / "index.html").read_text(encoding="utf-8")
    assert "No study has tested this claim, so there is no body of evidence to grade" in page
    assert "No studies</span>" in page and "No studies<span class=\"cs-badge__suffix\"" not in page
    assert "The evidence starts at" not in page
    law = (states / "site" / "claims" / "coffee-legal" / "index.html").read_text(encoding="utf-8")
    assert 'True as of <time datetime="2025-08">August 2025</time>' in law
    assert "This is a dated fact of law or regulation" in law and "The evidence starts at" not in law


@pytest.mark.parametrize("path, old, new, expected", [
    ("claims/effects/decaf-calms.yaml", "rationale:\n", "rationale:\n  starting_level: low\n",
     "claims/effects/decaf-calms.yaml:10: error: certainty 'no-studies' means no study has tested the claim: "
     "there is no GRADE arithmetic to do"),
    ("claims/effects/decaf-calms.yaml", "No study has tested this;", "Nobody knows;",
     "claims/effects/decaf-calms.yaml:9: warning: bottom line does not speak as 'No studies' certainty requires"),
    ("claims/law/coffee-legal.yaml", "certainty: not-graded", "certainty: high",
     "claims/law/coffee-legal.yaml:8: error: claims in topic 'law' are dated facts, not graded evidence: "
     "certainty 'high' is a GRADE level"),
    ("claims/law/coffee-legal.yaml", "as_of: 2025-08\n", "",
     "claims/law/coffee-legal.yaml:3: error: a dated fact (topic 'law') needs as_of"),
    ("claims/law/coffee-legal.yaml", "as_of: 2025-08", "as_of: 2999-01",
     "claims/law/coffee-legal.yaml:9: error: as_of 2999-01 is in the future"),
    ("claims/law/coffee-legal.yaml", "as_of: 2025-08", "as_of: 2025-13",
     "claims/law/coffee-legal.yaml:9: error: 'as_of' value '2025-13' is not in the expected form"),
    ("claims/effects/decaf-calms.yaml", "certainty: no-studies", "certainty: not-graded",
     "claims/effects/decaf-calms.yaml:8: error: certainty 'not-graded' is for dated facts of law and regulation only"),
    ("claims/effects/decaf-calms.yaml", "reviewed:", "as_of: 2025-08\nreviewed:",
     "claims/effects/decaf-calms.yaml:15: error: as_of is for dated facts only"),
    ("claims/effects/coffee-wakes-you-up.yaml", "starting_level: high", "starting_level: no-studies",
     "claims/effects/coffee-wakes-you-up.yaml:11: error: 'rationale.starting_level' has value 'no-studies', "
     "which is not allowed"),
    ("claims/effects/coffee-wakes-you-up.yaml", "  starting_level: high\n", "",
     "claims/effects/coffee-wakes-you-up.yaml:10: error: rationale needs a starting_level"),
])
def test_states_outside_grade_are_checked(states, path, old, new, expected):
    target = states / path
    text = target.read_text()
    assert old in text
    target.write_text(text.replace(old, new, 1))
    result = run_cli("check", "--strict", cwd=states)
    assert result.returncode == 1
    assert any(line.startswith(expected.replace(": warning:", ": error:")) for line in result.stderr.splitlines()), \
        result.stderr


def test_grade_arithmetic_counts_only_grade_levels(states):
    from claimsite.config import load_config

    config = load_config(states)
    assert [c.id for c in config.grade_levels()] == ["high", "low", "very-low"]
    assert config.rank("very-low") == 1 and config.rank("no-studies") == 0
    assert config.level_at(-3).id == "very-low"  # never below the lowest GRADE level


def test_the_review_grades_law_as_dated_facts_and_untested_claims_as_no_studies():
    project, _ = builder.check(REPO)
    dated = {t.id for t in project.config.topics if t.dated_facts}
    assert dated == {"legal"}
    none = {c.id for c in project.config.certainty if c.no_evidence}
    for claim in project.claims:
        if claim.topic in dated:
            assert claim.certainty == "not-graded" and claim.as_of, claim.id
        if claim.certainty in none:
            assert claim.rationale.starting_level is None and not claim.rationale.lowered, claim.id
            assert "no study has tested this" in claim.bottom_line.lower(), claim.id
            assert claim.changelog[0].conclusion_changed, claim.id
            # a study that backs or goes against a part of the claim tests it: only context is left
            assert {e.direction for e in claim.evidence} <= {"context"}, claim.id
    assert {c.id for c in project.claims if c.certainty in none} >= {"gaba-enhancement", "kratom-plus-sleep-hygiene"}
