"""Hostile and careless build settings: the output folder, mkdocs.yml, the environment. Each must give a
clear message naming the file (and line where there is one), exit 1, no traceback, and leave the previous
site and every file of the review untouched."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EPOCH, make_project, run_cli
from test_build import tree_digest


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(root), *args],
                   check=True, capture_output=True)


@pytest.fixture(scope="module")
def built_repo(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("hostile-build"), "mini")
    (root / "tools").mkdir()
    (root / "tools" / "keep.txt").write_text("kept by git\n")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "review")
    result = run_cli("build", cwd=root, env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))
    assert result.returncode == 0, result.stderr
    return root


FIXTURE = Path(__file__).resolve().parent / "fixtures" / "mini"


def line_of(path: str, text: str) -> int:
    lines = (FIXTURE / path).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def review_digest(root: Path) -> dict[str, str]:
    """Every file of the review, the previous site included (the parse cache may change)."""
    return {k: v for k, v in tree_digest(root).items() if not k.startswith(".claimsite-cache/")}


def edit(path: str, old: str, new: str):
    def apply(root: Path):
        target = root / path
        text = target.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def nothing(root: Path) -> None:
    pass


def foreign_folder(root: Path) -> None:
    (root / "notes").mkdir()
    (root / "notes" / "mine.txt").write_text("my notes\n")


# (case id, change, build arguments, text naming the place, words the message contains)
CASES = [
    ("site-dir-claims", nothing, ["--site-dir", "claims/effects"], "claims/effects", "refusing to build"),
    ("site-dir-claims-new-inside", nothing, ["--site-dir", "claims/effects/out"], "claims/effects/out", "the review reads claims"),
    ("site-dir-git", nothing, ["--site-dir", ".git"], ".git", "refusing to build"),
    ("site-dir-inside-git", nothing, ["--site-dir", ".git/objects"], ".git/objects", "refusing to build"),
    ("site-dir-templates", nothing, ["--site-dir", "templates"], "templates", "refusing to build"),
    ("site-dir-sources", nothing, ["--site-dir", "sources"], "sources", "refusing to build"),
    ("site-dir-articles", nothing, ["--site-dir", "sources/articles"], "sources/articles", "refusing to build"),
    ("site-dir-docs", nothing, ["--site-dir", "content"], "content", "refusing to build"),
    ("site-dir-root", nothing, ["--site-dir", "."], "", "holds the review's own files"),
    ("site-dir-parent", nothing, ["--site-dir", ".."], "", "holds the review's own files"),
    ("site-dir-config-file", nothing, ["--site-dir", "review.yml"], "review.yml", "refusing to build"),
    ("site-dir-git-tracked", nothing, ["--site-dir", "tools"], "tools", "git keeps files in it"),
    ("site-dir-foreign-folder", foreign_folder, ["--site-dir", "notes"], "notes", "was not made by `build`"),
    ("mkdocs-site-dir-sources", edit("mkdocs.yml", "site_dir: site", "site_dir: sources"), [], "sources",
     "refusing to build"),
    ("mkdocs-syntax-error", edit("mkdocs.yml", "site_name: Demo review", "site_name: [Demo review"), [],
     f"mkdocs.yml:{line_of('mkdocs.yml', 'site_name: Demo review')}:", "mkdocs.yml is not usable"),
    ("mkdocs-missing", lambda root: (root / "mkdocs.yml").unlink(), [], "mkdocs.yml", "no mkdocs.yml here"),
    ("mkdocs-without-plugin", edit("mkdocs.yml", "  - claimsite\n", ""), [], f"mkdocs.yml:{line_of('mkdocs.yml', 'plugins:')}:",
     "claimsite plugin is not enabled"),
    ("mkdocs-unknown-nav-entry", edit("mkdocs.yml", "claimsite:articles", "claimsite:article"), [], f"mkdocs.yml:{line_of('mkdocs.yml', 'claimsite:articles')}:",
     "unknown navigation entry 'claimsite:article'"),
]


@pytest.mark.parametrize("name,change,args,where,words", CASES, ids=[c[0] for c in CASES])
def test_dangerous_setting_is_refused_and_nothing_touched(built_repo, tmp_path, name, change, args, where, words):
    root = tmp_path / "project"
    shutil.copytree(built_repo, root, symlinks=True)
    change(root)
    before = review_digest(root)
    site_before = tree_digest(root / "site")
    result = run_cli("build", "--strict", *args, cwd=root, env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH), timeout=60)
    output = result.stderr + result.stdout
    assert result.returncode == 1, output
    assert "Traceback" not in output
    matching = [ln for ln in output.splitlines() if ": error: " in ln and words in ln and where in ln]
    assert matching, f"expected '{where}: error: … {words}' in:\n{output}"
    assert "hint:" in output
    assert review_digest(root) == before
    assert tree_digest(root / "site") == site_before
