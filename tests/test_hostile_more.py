"""More of the hostile-input corpus (see test_hostile.py): page collisions, CSS injection, remote images,
control characters, dates and settings that overflowed, odd file names and line ends. Each case must give
a clear message naming the file and line, exit 1, no traceback, and leave the previous site untouched."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import EPOCH, run_cli
from test_hostile import BIB, CLAIM, assert_reported_and_site_untouched, built_project, edit, write  # noqa: F401 - built_project is a fixture

ARTICLE = "sources/articles/blog.yml"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "mini"


def line_of(path: str, text: str) -> int:
    """The line of the fixture file where ``text`` first appears (the fixtures grow; lines move)."""
    lines = (FIXTURE / path).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def bib_end() -> int:
    return len((FIXTURE / BIB).read_text(encoding="utf-8").splitlines())


def bib_entry(key: str, doi_suffix: str) -> str:
    return (f"\n@article{{{key},\n  author = {{Smith, Ann}},\n  title = {{A study of coffee}},\n"
            f"  journal = {{Journal of Demo Studies}},\n  year = {{2020}},\n  doi = {{10.1234/{doi_suffix}}},\n"
            "  verified = {2026-01-15: fixture entry for tests}\n}\n")


def append(path: str, text: str):
    def apply(root: Path):
        with (root / path).open("a", encoding="utf-8", newline="") as handle:
            handle.write(text)
    return apply


def both(*changes):
    def apply(root: Path):
        for change in changes:
            change(root)
    return apply


def claim_as(name: str):
    def apply(root: Path):
        (root / CLAIM).rename(root / "claims" / "effects" / name)
    return apply


def symlinked_folder_outside(root: Path):
    outside = root.parent / "elsewhere"
    outside.mkdir()
    shutil.copy(root / CLAIM, outside / "coffee-wakes-you-up.yaml")
    (root / CLAIM).unlink()
    (root / "claims" / "linked").symlink_to(outside, target_is_directory=True)


def lone_cr_bib(root: Path):
    text = (root / BIB).read_text(encoding="utf-8").replace("doi = {10.1234/jds.2020.12}", "doi = {doi:10.1234 jds}")
    (root / BIB).write_bytes(text.replace("\n", "\r").encode())


KEY_300 = "k" * 300
TWO = bib_entry("smith:2020", "a1") + bib_entry("smith.2020", "a2")
FIRST_ADDED = bib_end() + 2  # appended entries start after a blank line
SECOND_ADDED = FIRST_ADDED + bib_entry("x", "y").count("\n")

# (case id, change, file named in the message, line or None, words the message contains)
CASES = [
    ("bibtex-slug-collision", append(BIB, TWO), BIB, SECOND_ADDED, "'smith.2020' would share a page with 'smith:2020'"),
    ("bibtex-plus-collision", append(BIB, bib_entry("doe2020+coffee", "b1") + bib_entry("doe2020-coffee", "b2")),
     BIB, SECOND_ADDED, "would share a page with 'doe2020+coffee'"),
    ("bibtex-case-only", append(BIB, bib_entry("Doe2020coffee", "c1")), BIB, FIRST_ADDED,
     "'Doe2020coffee' differs only in case from 'doe2020coffee'"),
    ("bibtex-key-index", append(BIB, bib_entry("index", "d1")), BIB, FIRST_ADDED, "would replace the References page"),
    ("bibtex-key-300-chars", append(BIB, bib_entry(KEY_300, "e1")), BIB, FIRST_ADDED, "is 300 characters long"),
    ("css-injection-colour", edit("review.yml", 'color: "#1b6e3a"', 'color: "red;} body{display:none} .x{color:red"'),
     "review.yml", line_of("review.yml", '"#1b6e3a"'), "must be a colour written #rgb or #rrggbb"),
    ("remote-image", edit(CLAIM, "finding: Caffeine improved", "finding: See ![x](https://tracker.example/p.png). Caffeine improved"),
     CLAIM, line_of(CLAIM, "finding: Caffeine improved"), "image from another host: https://tracker.example/p.png"),
    ("remote-image-network-path", edit(CLAIM, "  - Regular drinkers develop tolerance.", "  - \"![x](//tracker.example/p.png) Regular drinkers\""),
     CLAIM, line_of(CLAIM, "  - Regular drinkers develop tolerance."), "image from another host"),
    ("control-char-escape", edit(CLAIM, "claim: Coffee makes people more alert within minutes.", 'claim: "Coffee\\x01 makes people alert."'), CLAIM,
     line_of(CLAIM, "claim: Coffee makes people"),
     "control character U+0001"),
    ("control-char-vertical-tab", edit(CLAIM, "bottom_line: Caffeine increases alertness within an hour in healthy adults.", 'bottom_line: "Caffeine\\v increases alertness."'),
     CLAIM, line_of(CLAIM, "bottom_line:"), "control character U+000B"),
    ("control-char-nul-escape", edit(CLAIM, "summary: Randomised trials agree.", 'summary: "Randomised\\0 trials agree."'),
     CLAIM, line_of(CLAIM, "summary: Randomised trials agree."), "control character U+0000"),
    ("control-char-in-bibtex", edit(BIB, "title = {Caffeine and Alertness", "title = {Caffeine\x0b and Alertness"), BIB,
     line_of(BIB, "title = {Caffeine and Alertness"),
     "control character U+000B"),
    ("control-char-in-config", edit("review.yml", "title: Demo review of coffee claims", 'title: "Demo\\x1b[2J review"'),
     "review.yml", line_of("review.yml", "title: Demo review of coffee claims"), "control character U+001B"),
    ("reviewed-end-of-calendar", edit(CLAIM, "reviewed: 2026-01-15\nreview_by: 2099-01-15", "reviewed: 9999-12-31"),
     CLAIM, line_of(CLAIM, "reviewed: 2026-01-15"), "in the future"),
    ("grace-days-huge", edit("review.yml", "review_interval_days: 365", "review_interval_days: 365\nfuture_date_grace_days: 100000000000"),
     "review.yml", line_of("review.yml", "review_interval_days: 365") + 1, "'future_date_grace_days' is 100,000,000,000 days"),
    ("interval-days-huge", edit("review.yml", "review_interval_days: 365", "review_interval_days: 99999999999"),
     "review.yml", line_of("review.yml", "review_interval_days: 365"), "'review_interval_days' is 99,999,999,999 days"),
    ("accessed-in-the-future", edit(ARTICLE, "accessed: 2026-01-15", "accessed: 2999-01-15"), ARTICLE,
     line_of(ARTICLE, "accessed: 2026-01-15"),
     "accessed date 2999-01-15 is in the future"),
    ("article-url-javascript", edit(ARTICLE, "url: null", "url: \"javascript:alert(1)\""), ARTICLE,
     line_of(ARTICLE, "url: null"), "url"),
    ("claim-suffix-upper", claim_as("coffee-wakes-you-up.YAML"), "claims/effects/coffee-wakes-you-up.YAML", None,
     "the suffix must be lowercase"),
    ("claim-suffix-mixed", claim_as("coffee-wakes-you-up.Yml"), "claims/effects/coffee-wakes-you-up.Yml", None,
     "the suffix must be lowercase"),
    ("article-suffix-upper", lambda root: (root / ARTICLE).rename(root / "sources/articles/blog.YML"),
     "sources/articles/blog.YML", None, "the suffix must be lowercase"),
    ("symlinked-folder-outside", symlinked_folder_outside, "claims/linked", None, "outside the project"),
    ("bibtex-lone-cr-line-ends", lone_cr_bib, BIB, line_of(BIB, "doi = {10.1234/jds.2020.12}"), "malformed DOI"),
    ("control-char-file-name", both(lambda root: shutil.copy(root / CLAIM, root / "claims/effects/x\n::error file=a::b.yaml")),
     "claims/effects/x\\x0a::error file=a::b.yaml", None, "control characters"),
]


def test_corpus_grew():
    from test_hostile import CASES as FIRST

    assert len(FIRST) + len(CASES) >= 60


@pytest.mark.parametrize("name,change,path,line,words", CASES, ids=[c[0] for c in CASES])
def test_more_hostile_input_is_reported_and_site_untouched(built_project, tmp_path, name, change, path, line, words):
    assert_reported_and_site_untouched(built_project, tmp_path, change, path, line, words, at_start=True)


def test_unreadable_snapshot_is_one_error_not_one_per_quote(built_project, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(built_project, root, symlinks=True)
    (root / "sources/articles/blog.txt").write_bytes(b"\xff\xfe not utf-8")
    result = run_cli("check", cwd=root, env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))
    assert result.returncode == 1
    errors = [ln for ln in result.stderr.splitlines() if ": error: " in ln]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("sources/articles/blog.txt:1: error: file is not valid UTF-8")
