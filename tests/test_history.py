"""Claim history from git: every commit touching a claim, with verdict and certainty changes marked."""

from __future__ import annotations

import os
import subprocess

from claimsite.history import claim_history, parse_log
from conftest import EPOCH, run_cli


def git(root, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="Rev", GIT_AUTHOR_EMAIL="rev@example.org", GIT_COMMITTER_NAME="Rev",
               GIT_COMMITTER_EMAIL="rev@example.org", GIT_AUTHOR_DATE="2026-02-01T12:00:00Z",
               GIT_COMMITTER_DATE="2026-02-01T12:00:00Z")
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_history_marks_verdict_and_certainty_changes_and_follows_moves(mini):
    git(mini, "init", "-q")
    git(mini, "add", "-A")
    git(mini, "commit", "-q", "-m", "Add the coffee review")
    claim = mini / "claims" / "risks" / "late-coffee-no-effect.yaml"
    text = claim.read_text().replace('verdict: "false"', "verdict: unproven").replace(
        "certainty: low", "certainty: very-low").replace("indirectness: {by: 1,", "indirectness: {by: 2,")
    claim.write_text(text)
    git(mini, "commit", "-q", "-am", "Regrade after new trial")
    git(mini, "mv", "claims/effects/coffee-wakes-you-up.yaml", "claims/risks/coffee-wakes-you-up.yaml")
    git(mini, "commit", "-q", "-am", "Move a claim")

    history = claim_history(mini, mini / "claims")
    late = history["late-coffee-no-effect"]
    assert [c.subject for c in late] == ["Regrade after new trial", "Add the coffee review"]
    assert late[0].verdict == ("false", "unproven") and late[0].certainty == ("low", "very-low")
    assert late[1].added and late[1].verdict == ("", "false")
    moved = history["coffee-wakes-you-up"]
    assert [c.subject for c in moved] == ["Move a claim", "Add the coffee review"]
    assert not moved[0].graded

    result = run_cli("build", cwd=mini, env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))
    assert result.returncode == 0, result.stderr
    page = (mini / "site" / "claims" / "late-coffee-no-effect" / "index.html").read_text()
    assert "Regrade after new trial" in page
    assert "Verdict changed from false to unproven." in page
    assert "Certainty changed from low to very-low." in page
    feed = (mini / "site" / "feed.xml").read_text()
    assert "Regraded: verdict false → unproven, certainty low → very-low" in feed


def test_no_git_means_no_history(mini):
    assert claim_history(mini, mini / "claims") == {}


def test_parse_log_ignores_unrelated_lines():
    log = ("\x1eabc1234567890\x1f2026-03-01\x1fEdit caveat\n"
           "diff --git a/claims/x/a.yaml b/claims/x/a.yaml\n--- a/claims/x/a.yaml\n+++ b/claims/x/a.yaml\n"
           "@@ -5 +5 @@\n-caveats: []\n+caveats: [one]\n")
    history = parse_log(log)
    assert list(history) == ["a"]
    assert history["a"][0].subject == "Edit caveat" and not history["a"][0].graded
