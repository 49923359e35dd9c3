"""`build.py init DIR` (and `claimsite init DIR`): a complete new review that passes the strict check and
builds as it is."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO, run_cli


def test_init_writes_a_review_that_checks_strict_and_builds(tmp_path):
    target = tmp_path / "houseplants"
    result = run_cli("init", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for rel in ("review.yml", "mkdocs.yml", "claims/growth/talking-helps-plants-grow.yaml", "sources/references.bib",
                "sources/passages/example2026houseplants.yml", "sources/articles/plant-tips.yml",
                "sources/articles/plant-tips.txt", "content/index.md", "content/methodology.md", "content/safety.md",
                "content/about.md", "content/format.md", "content/notices.yml", "templates/main.html",
                "schema/claim.schema.json"):
        assert (target / rel).is_file(), rel
    assert "kratom" not in (target / "review.yml").read_text().lower()
    check = run_cli("check", "--strict", cwd=target)
    assert check.returncode == 0, check.stderr
    assert "checked 1 claims, 1 sources, 1 articles" in check.stderr and "0 error(s), 0 warning(s)" in check.stderr
    build = run_cli("build", "--strict", cwd=target)
    assert build.returncode == 0, build.stderr
    page = (target / "site" / "claims" / "talking-helps-plants-grow" / "index.html").read_text()
    assert "Talking to houseplants makes them grow faster." in page
    assert (target / "site" / "format" / "index.html").is_file()


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    result = run_cli("init", str(tmp_path / "taken"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: {tmp_path / 'taken'} already exists and is not empty: choose a new folder"
    assert (tmp_path / "taken" / "notes.txt").read_text() == "mine"


def test_claimsite_init_is_the_same_command(tmp_path):
    script = Path(sys.executable).parent / "claimsite"
    assert script.is_file(), "the claimsite console script is installed with the package"
    result = subprocess.run([str(script), "init", str(tmp_path / "r")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "r" / "claims" / "growth" / "talking-helps-plants-grow.yaml").is_file()


def test_readme_says_how_to_start_a_review():
    readme = (REPO / "README.md").read_text()
    assert "python build.py init" in readme and "claimsite init" in readme
