"""The benchmark's synthetic review is a valid review under today's rules (small and fast: N = 100)."""

import sys

import yaml
from conftest import REPO, run_cli

sys.path.insert(0, str(REPO))
from benchmarks.synth import generate, make_project  # noqa: E402


def test_synthetic_review_of_100_claims_checks_strict_clean(tmp_path):
    review = make_project(tmp_path, 100)
    result = run_cli("check", "--strict", cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "0 error(s), 0 warning(s)" in result.stderr
    certainties = {c["certainty"] for c in review.claims}
    assert {"no-studies", "not-graded"} <= certainties  # the states outside GRADE are exercised
    assert all(c["as_of"] for c in review.claims if c["certainty"] == "not-graded")
    assert all(e["excerpt"] for c in review.claims for e in c["evidence"])
    stored = yaml.safe_load((tmp_path / "sources" / "passages" / f"{review.sources[0]['key']}.yml").read_text())
    assert stored["source"] == review.sources[0]["key"]


def test_generation_is_deterministic():
    a, b = generate(30, seed=3), generate(30, seed=3)
    assert a.claims == b.claims and a.passages == b.passages and a.config == b.config
