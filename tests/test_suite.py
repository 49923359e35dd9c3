"""The test suite says what it needs: without Chromium the browser tier is skipped with one line, and
CLAIMSITE_REQUIRE_BROWSER=1 (set by .ci/run) turns a missing browser into a failure."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys

from conftest import REPO, find_chromium


# every test that drives the browser (new ones should take the `chromium` fixture of conftest.py)
BROWSER_TESTS = ["tests/test_browser.py",
                 "tests/test_readers.py::test_a_glossary_term_opens_its_explanation_by_keyboard_and_by_touch",
                 "tests/test_xss.py::test_payload_opened_in_chromium_fires_no_dialog"]


def _pytest(env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMSITE_", "PYTEST_"))}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-ra",
                           *BROWSER_TESTS, "tests/test_text.py"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


def test_without_a_browser_the_tier_is_skipped_with_one_line(tmp_path):
    result = _pytest({"CLAIMSITE_CHROMIUM": str(tmp_path / "no-such-chromium")})
    assert result.returncode == 0, result.stdout + result.stderr
    skipped = [line for line in result.stdout.splitlines() if "SKIPPED" in line]
    assert len(skipped) == 1, result.stdout
    assert "CLAIMSITE_CHROMIUM" in skipped[0] and "apt-get install chromium" in skipped[0]
    assert "Traceback" not in result.stdout and len(result.stdout.splitlines()) < 10, result.stdout
    assert re.search(r"SKIPPED \[1\] tests/test_browser\.py:\d+: \d\d+ browser tests not run", skipped[0]), skipped[0]
    assert re.search(r"\d\d+ deselected", result.stdout)


def test_a_missing_browser_fails_when_required(tmp_path):
    result = _pytest({"CLAIMSITE_CHROMIUM": str(tmp_path / "no-such-chromium"), "CLAIMSITE_REQUIRE_BROWSER": "1"})
    assert result.returncode == 1, result.stdout
    assert re.search(r"FAILED .*test_chromium_is_available", result.stdout)
    assert re.search(r"CLAIMSITE_REQUIRE_BROWSER=1 but \d\d+ browser tests not run", result.stdout)
    assert len([line for line in result.stdout.splitlines() if "FAILED" in line]) == 1


def test_chromium_is_found_on_path_under_either_name(tmp_path, monkeypatch):
    fake = tmp_path / "chromium-browser"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.delenv("CLAIMSITE_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chromium() == (str(fake), "")
    monkeypatch.setenv("CLAIMSITE_CHROMIUM", str(fake))
    assert find_chromium()[0] == str(fake)


def test_ci_requires_the_browser():
    assert "CLAIMSITE_REQUIRE_BROWSER=1" in (REPO / ".ci" / "run").read_text()
