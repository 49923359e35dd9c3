"""Excerpts: each evidence entry's verbatim words from its source, checked against the source's stored text."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from claimsite import builder
from claimsite.diagnostics import Report
from claimsite.export import claims_from_json
from claimsite.validate import check_excerpts
from conftest import REPO, make_project, run_cli
from test_build import build


def _one_word_changed(text: str) -> str:
    words = text.split()
    words[len(words) // 2] = "xyzzy"
    return " ".join(words)


@pytest.mark.parametrize("which", ["review", "mini"])
def test_a_one_word_change_to_any_excerpt_fails_naming_the_claim_file_and_line(which, tmp_path):
    root = REPO if which == "review" else make_project(tmp_path)  # a copy: checking writes a parse cache
    project, report = builder.check(root)
    assert not [d for d in report.items if "excerpt" in d.message and d.severity == "error"]
    checked = 0
    for index, claim in enumerate(project.claims):
        for position, item in enumerate(claim.evidence):
            if not item.excerpt:
                continue
            evidence = list(claim.evidence)
            evidence[position] = dataclasses.replace(item, excerpt=_one_word_changed(item.excerpt))
            changed = dataclasses.replace(project, claims=list(project.claims))
            changed.claims[index] = dataclasses.replace(claim, evidence=tuple(evidence))
            found = Report(project.config.root)
            check_excerpts(changed, found)
            errors = [d for d in found.items if d.severity == "error"]
            assert [(d.path, d.line) for d in errors] == [(claim.path, item.excerpt_line)], (claim.id, item.source)
            assert "not found verbatim" in errors[0].message and item.source in errors[0].message
            checked += 1
    if root != REPO:
        assert checked == 3


def test_a_changed_excerpt_fails_check_with_file_line_and_the_closest_stored_text(mini):
    claim = mini / "claims" / "risks" / "late-coffee-no-effect.yaml"
    claim.write_text(claim.read_text().replace("taken in the evening", "taken at night"))
    result = run_cli("check", cwd=mini)
    assert result.returncode == 1
    assert ("claims/risks/late-coffee-no-effect.yaml:20: error: excerpt not found verbatim in the stored text of "
            "'doe2020coffee' (sources/passages/doe2020coffee.yml)") in result.stderr
    assert ('hint: closest stored text (sources/passages/doe2020coffee.yml:8): "caffeine taken in the evening '
            'reduced total sleep time compared with placebo."') in result.stderr


def test_white_space_and_typographic_quotes_do_not_matter_but_paragraph_breaks_do(mini):
    claim = mini / "claims" / "risks" / "late-coffee-no-effect.yaml"
    text = claim.read_text()
    claim.write_text(text.replace('Avoid "caffeinated drinks"', "Avoid   “caffeinated\n      drinks”"))
    assert run_cli("check", "--strict", cwd=mini).returncode == 0
    across = "placebo. In a second session"  # the end of one stored passage and the start of the next
    passage = mini / "sources" / "passages" / "doe2020coffee.yml"
    passage.write_text(passage.read_text().replace("drink.\n\n  In a second", "drink. placebo.\n\n  In a second"))
    claim.write_text(text.replace("caffeine taken in the evening reduced total sleep time compared with placebo.",
                                  "the drink. placebo. In a second session"))
    result = run_cli("check", cwd=mini)
    assert result.returncode == 1 and "excerpt not found verbatim" in result.stderr, across


def test_missing_excerpts_and_stored_text_are_warnings_that_fail_strict(mini):
    claim = mini / "claims" / "effects" / "coffee-wakes-you-up.yaml"
    claim.write_text("\n".join(line for line in claim.read_text().splitlines() if "excerpt:" not in line) + "\n")
    (mini / "sources" / "passages" / "doe2020coffee.yml").unlink()
    relaxed = run_cli("check", cwd=mini)
    assert relaxed.returncode == 1  # the other claim's excerpt from that source can no longer be checked
    assert "claims/effects/coffee-wakes-you-up.yaml:14: warning: evidence from 'doe2020coffee' has no excerpt" \
        in relaxed.stderr
    assert "sources/refs.bib:1: warning: source 'doe2020coffee' is cited by 2 evidence entries but has no stored text" \
        in relaxed.stderr
    assert "claims/risks/late-coffee-no-effect.yaml:20: error: excerpt cannot be checked: source 'doe2020coffee' " \
           "has no stored text" in relaxed.stderr


def test_require_excerpts_false_only_counts_what_is_missing(mini):
    claim = mini / "claims" / "effects" / "coffee-wakes-you-up.yaml"
    claim.write_text("\n".join(line for line in claim.read_text().splitlines() if "excerpt:" not in line) + "\n")
    config = mini / "review.yml"
    config.write_text(config.read_text() + "require_excerpts: false\n")
    result = run_cli("check", "--strict", cwd=mini)
    assert result.returncode == 0, result.stderr
    assert "1 evidence entry has no excerpt, 0 cited source(s) have no stored text" in result.stderr


def test_passage_files_for_unknown_sources_or_with_bad_fields_are_errors(mini):
    folder = mini / "sources" / "passages"
    (folder / "doe2020cofee.yml").write_text("source: doe2020cofee\nseen: a record\nread: 2026-01-15\n"
                                             "text: |\n  Some words that were read somewhere.\n")
    (folder / "agency2024caffeine.yml").write_text("source: agency2024caffeine\nread: 2099-01-01\ntext: too short\n")
    result = run_cli("check", cwd=mini)
    assert "sources/passages/doe2020cofee.yml:1: error: stored text for unknown source 'doe2020cofee'" in result.stderr
    assert "hint: did you mean 'doe2020coffee'?" in result.stderr
    assert "sources/passages/agency2024caffeine.yml:1: error: missing required key 'seen'" in result.stderr
    assert "sources/passages/agency2024caffeine.yml:3: error: 'text' is too short" in result.stderr


def test_the_claim_page_shows_the_excerpt_and_open_data_carry_it_but_not_the_stored_text(mini):
    assert build(mini).returncode == 0
    site = mini / "site"
    page = (site / "claims" / "late-coffee-no-effect" / "index.html").read_text(encoding="utf-8")
    assert ('<p class="cs-excerpt">The study says: “caffeine taken in the evening reduced total sleep time compared '
            'with placebo.”</p>') in page
    assert '<p class="cs-excerpt">The document says: “Avoid &#34;caffeinated drinks&#34; in the hours before bedtime.”' \
        in page or "The document says: “Avoid &quot;caffeinated drinks&quot;" in page
    data = (site / "data" / "claims.json").read_text(encoding="utf-8")
    by_id = {c.id: c for c in claims_from_json(data)}
    assert by_id["coffee-wakes-you-up"].evidence[0].excerpt == \
        "Caffeine improved alertness scores within 30 minutes of the drink."
    assert json.loads(data)["claims"][0]["evidence"][0].get("excerpt")
    assert "doe2020coffee: Caffeine improved alertness" in (site / "data" / "claims.csv").read_text(encoding="utf-8")
    unpublished = "were randomised to caffeine or placebo"  # stored, but quoted by no excerpt
    for path in Path(site).rglob("*"):
        if path.is_file():
            assert unpublished not in path.read_text(encoding="utf-8", errors="ignore"), path
