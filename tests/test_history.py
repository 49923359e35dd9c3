"""Claim history: the editorial change log on pages and in the feed; git history as the lint's witness."""

from __future__ import annotations

import datetime as dt
import os
import shutil
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



LOGGED = """  - date: 2026-02-01
    change: "Verdict changed from false to unproven after a new trial."
    conclusion_changed: true
"""


def regraded_repo(mini):
    """A git review where one claim was regraded in a commit."""
    git(mini, "init", "-q")
    git(mini, "add", "-A")
    git(mini, "commit", "-q", "-m", "Add the coffee review")
    claim = mini / "claims" / "risks" / "late-coffee-no-effect.yaml"
    claim.write_text(claim.read_text().replace('verdict: "false"', "verdict: unproven").replace(
        "certainty: low", "certainty: very-low").replace("indirectness: {by: 1,", "indirectness: {by: 2,"))
    git(mini, "commit", "-q", "-am", "Quality gates: regrade after new trial")
    return claim


def test_check_reports_a_regrading_in_git_without_a_change_log_entry(mini):
    claim = regraded_repo(mini)
    result = run_cli("check", cwd=mini)
    assert result.returncode == 1
    line = claim.read_text().splitlines().index("changelog:") + 1
    assert f"claims/risks/late-coffee-no-effect.yaml:{line}: error: verdict false → unproven, certainty low → " \
           "very low (commit " in result.stderr
    assert "2026-02-01) has no change-log entry" in result.stderr

    claim.write_text(claim.read_text() + LOGGED)
    git(mini, "commit", "-q", "-am", "Log the change")
    result = run_cli("build", cwd=mini, env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))
    assert result.returncode == 0, result.stderr
    page = (mini / "site" / "claims" / "late-coffee-no-effect" / "index.html").read_text()
    history = page[page.index('id="history"'):]
    assert "Verdict changed from false to unproven after a new trial." in history
    assert "Conclusion changed" in history and "First published." in history
    assert "Quality gates" not in page and "Add the coffee review" not in page  # no commit subjects
    feed = (mini / "site" / "feed.xml").read_text()
    assert "<title>Regraded: Drinking coffee late" in feed
    assert "Verdict changed from false to unproven after a new trial. Now:" in feed


def test_check_reports_an_uncommitted_regrading_without_an_entry(mini):
    git(mini, "init", "-q")
    git(mini, "add", "-A")
    git(mini, "commit", "-q", "-m", "Add the coffee review")
    claim = mini / "claims" / "risks" / "late-coffee-no-effect.yaml"
    claim.write_text(claim.read_text().replace('verdict: "false"', "verdict: unproven"))
    result = run_cli("check", cwd=mini)
    assert result.returncode == 1
    assert "verdict false → unproven (changes not yet committed" in result.stderr
    today = dt.date.today().isoformat()
    claim.write_text(claim.read_text() + LOGGED.replace("2026-02-01", today))
    result = run_cli("check", cwd=mini)
    assert result.returncode == 0, result.stderr


def test_change_log_lint_is_skipped_without_git(mini, tmp_path):
    regraded_repo(mini)
    nogit = tmp_path / "bin-without-git"
    nogit.mkdir()
    result = run_cli("check", cwd=mini, env=dict(os.environ, PATH=str(nogit)))
    assert result.returncode == 0, result.stderr
    shutil.rmtree(mini / ".git")  # a copy of the files, not a checkout
    result = run_cli("check", cwd=mini)
    assert result.returncode == 0, result.stderr


def test_change_log_dates_are_checked(mini):
    claim = mini / "claims" / "risks" / "late-coffee-no-effect.yaml"
    claim.write_text(claim.read_text().replace("  - date: 2026-01-15\n", "  - date: 2999-01-15\n"))
    result = run_cli("check", cwd=mini)
    assert result.returncode == 1 and "change-log date 2999-01-15 is in the future" in result.stderr


def test_a_claim_needs_a_change_log(mini):
    claim = mini / "claims" / "risks" / "late-coffee-no-effect.yaml"
    text = claim.read_text()
    claim.write_text(text[:text.index("changelog:")])
    result = run_cli("check", cwd=mini)
    assert result.returncode == 1 and "missing required key 'changelog'" in result.stderr


def test_no_git_means_no_history(mini):
    assert claim_history(mini, mini / "claims") == {}


def test_parse_log_ignores_unrelated_lines():
    log = ("\x1eabc1234567890\x1f2026-03-01\x1fEdit caveat\n"
           "diff --git a/claims/x/a.yaml b/claims/x/a.yaml\n--- a/claims/x/a.yaml\n+++ b/claims/x/a.yaml\n"
           "@@ -5 +5 @@\n-caveats: []\n+caveats: [one]\n")
    history = parse_log(log)
    assert list(history) == ["a"]
    assert history["a"][0].subject == "Edit caveat" and not history["a"][0].graded
