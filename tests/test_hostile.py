"""A corpus of malformed and hostile inputs: each must give a clear message naming the file (and line),
exit 1, no traceback, and leave the previous site untouched."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import EPOCH, make_project, run_cli
from test_build import tree_digest

CLAIM = "claims/effects/coffee-wakes-you-up.yaml"
RISK = "claims/risks/late-coffee-no-effect.yaml"
BIB = "sources/refs.bib"


def edit(path: str, old: str, new: str):
    def apply(root: Path):
        target = root / path
        text = target.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def write(path: str, data: bytes | str):
    def apply(root: Path):
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            target.write_text(data, encoding="utf-8")
        else:
            target.write_bytes(data)
    return apply


def symlink_outside(root: Path):
    outside = root.parent / "outside.yaml"
    outside.write_text((root / CLAIM).read_text().replace("coffee-wakes-you-up", "linked"))
    (root / "claims/effects/linked.yaml").symlink_to(outside)


def duplicate_id(root: Path):
    shutil.copy(root / CLAIM, root / "claims/risks/coffee-wakes-you-up.yaml")


BOMB = "id: x\n" + "".join(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9 if i else ['"lol"'] * 9) + "]\n"
                           for i in range(9))

# (case id, change, file named in the message, line or None, words the message contains)
CASES = [
    ("yaml-syntax", edit(CLAIM, "verdict: \"true\"", "verdict: [oops"), CLAIM, 8, "expected"),
    ("tab-indent", edit(CLAIM, "  - article: blog", "\t- article: blog"), CLAIM, 5, "cannot start any token"),
    ("empty-file", write(CLAIM, ""), CLAIM, None, "file is empty"),
    ("only-comments", write(CLAIM, "# nothing here\n"), CLAIM, None, "no content"),
    ("top-level-list", write(CLAIM, "- id: x\n"), CLAIM, 1, "mapping of fields"),
    ("claim-is-list", edit(CLAIM, "claim: Coffee makes", "claim:\n  - Coffee makes"), CLAIM, 2, "must be text"),
    ("evidence-is-mapping", edit(CLAIM, "evidence:\n  - source", "evidence:\n    source"), CLAIM, 13, "must be a list"),
    ("n-is-text", edit(CLAIM, "n: 120", "n: lots"), CLAIM, 17, "whole number"),
    ("unknown-key", edit(CLAIM, "topic: effects", "topic: effects\ntopicc: effects"), CLAIM, 4, "unknown key 'topicc'"),
    ("missing-key", edit(CLAIM, "certainty: high\n", ""), CLAIM, 1, "missing required key 'certainty'"),
    ("duplicate-key", edit(CLAIM, "topic: effects", "topic: effects\ntopic: risks"), CLAIM, 4, "duplicate key 'topic'"),
    ("bad-verdict", edit(CLAIM, "verdict: \"true\"", "verdict: maybe"), CLAIM, 7, "'verdict' has value 'maybe'"),
    ("bad-certainty", edit(CLAIM, "certainty: high", "certainty: medium"), CLAIM, 8, "'certainty' has value"),
    ("bad-topic", edit(CLAIM, "topic: effects", "topic: diet"), CLAIM, 3, "'topic' has value 'diet'"),
    ("unsafe-id", edit(CLAIM, "id: coffee-wakes-you-up", "id: ../../../etc/passwd"), CLAIM, 1, "not in the expected form"),
    ("id-mismatch", edit(CLAIM, "id: coffee-wakes-you-up", "id: coffee-wakes"), CLAIM, 1, "does not match the file name"),
    ("duplicate-id", duplicate_id, "claims/risks/coffee-wakes-you-up.yaml", 1, "duplicate claim id"),
    ("dangling-source", edit(CLAIM, "source: doe2020coffee", "source: nobody2020"), CLAIM, 14, "unknown source 'nobody2020'"),
    ("dangling-article", edit(CLAIM, "article: blog", "article: nowhere"), CLAIM, 5, "unknown article 'nowhere'"),
    ("dangling-notice", edit(RISK, "  - jitters", "  - jiters"), RISK, 29, "unknown safety notice 'jiters'"),
    ("misquote", edit(CLAIM, "quote: Coffee wakes you up within minutes.", "quote: Coffee wakes you in minutes."),
     CLAIM, 6, "quote not found verbatim"),
    ("impossible-date", edit(CLAIM, "reviewed: 2026-01-15", "reviewed: 2026-02-30"), CLAIM, 25, "not a real date"),
    ("future-date", edit(CLAIM, "reviewed: 2026-01-15", "reviewed: 2999-01-15"), CLAIM, 25, "in the future"),
    ("review-by-before-reviewed", edit(CLAIM, "review_by: 2099-01-15", "review_by: 2025-01-15"), CLAIM, 26,
     "is not after reviewed"),
    ("grade-arithmetic", edit(RISK, "certainty: low", "certainty: high"), RISK, 8, "does not follow from the rationale"),
    ("risk-without-safety", edit(RISK, "safety:\n  - jitters\n  - {level: info, text: People differ in how fast they "
                                       "clear caffeine.}", "safety: []"), RISK, 28, "needs at least one safety notice"),
    ("overclaim-wording", edit(CLAIM, "bottom_line: Caffeine increases", "bottom_line: This proves caffeine increases"),
     CLAIM, 9, "says 'proves'"),
    ("binary-file", write(CLAIM, b"id: x\x00\x01\x02"), CLAIM, None, "binary"),
    ("not-utf8", write(CLAIM, "id: coffee-wakes-you-up\nclaim: caf\xe9 au lait\n".encode("latin-1")), CLAIM, 2, "not valid UTF-8"),
    ("symlink-outside", symlink_outside, "claims/effects/linked.yaml", None, "outside the project"),
    ("python-tag", edit(CLAIM, "caveats:", "exploit: !!python/object/apply:os.system ['echo hi']\ncaveats:"), CLAIM, 22, "tag"),
    ("custom-tag", edit(CLAIM, "verdict: \"true\"", "verdict: !secret true"), CLAIM, 7, "tag"),
    ("alias-bomb", write(CLAIM, BOMB), CLAIM, 2, "anchor"),
    ("merge-key", edit(CLAIM, "caveats:", "base: {a: 1}\nmore:\n  <<: {b: 2}\ncaveats:"), CLAIM, 24, "merge keys"),
    ("deep-nesting", write(CLAIM, "id: x\ndeep: " + "[" * 3000 + "]" * 3000 + "\n"), CLAIM, None, "nesting is too deep"),
    ("oversized", write(CLAIM, "id: x\nclaim: '" + "a" * (1024 * 1024 + 10) + "'\n"), CLAIM, None, "too large"),
    ("bibtex-syntax", edit(BIB, "title = {Caffeine and Alertness: A Randomised Trial},", "title = {Caffeine and Alertness,"),
     BIB, 1, "BibTeX syntax error"),
    ("bibtex-duplicate-key", edit(BIB, "@misc{agency2024caffeine,", "@misc{doe2020coffee,"), BIB, 14,
     "duplicate BibTeX key 'doe2020coffee'"),
    ("bibtex-no-identifier", edit(BIB, "  doi = {10.1234/jds.2020.12},\n  pmid = {12345678},\n", ""), BIB, 1, "has no identifier"),
    ("bibtex-bad-doi", edit(BIB, "doi = {10.1234/jds.2020.12}", "doi = {doi:10.1234 jds}"), BIB, 9, "malformed DOI"),
    ("bibtex-bad-pmid", edit(BIB, "pmid = {12345678}", "pmid = {PMC12345}"), BIB, 10, "malformed PMID"),
    ("bibtex-not-utf8", write("sources/extra.bib", "@misc{x, title={Caf\xe9}}\n".encode("latin-1")), "sources/extra.bib", 1,
     "not valid UTF-8"),
    ("article-snapshot-missing", lambda root: (root / "sources/articles/blog.txt").unlink(), "sources/articles/blog.yml", None,
     "snapshot"),
    ("config-broken", edit("review.yml", "review_interval_days: 365", "review_interval_days: [365"), "review.yml", None,
     "error"),
]


@pytest.fixture(scope="module")
def built_project(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("hostile-base"), "mini")
    result = run_cli("build", cwd=root, env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))
    assert result.returncode == 0, result.stderr
    return root


def test_corpus_is_large_enough():
    assert len(CASES) >= 30


@pytest.mark.parametrize("name,change,path,line,words", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_reported_and_site_untouched(built_project, tmp_path, name, change, path, line, words):
    assert_reported_and_site_untouched(built_project, tmp_path, change, path, line, words)


def assert_reported_and_site_untouched(built_project, tmp_path, change, path, line, words, *, at_start=False):
    """Apply ``change`` to a copy of the built project: the build fails with a message naming ``path:line``
    and containing ``words`` (at the start of its line when ``at_start``), no traceback, and an untouched site."""
    root = tmp_path / "project"
    shutil.copytree(built_project, root, symlinks=True)
    before = tree_digest(root / "site")
    change(root)
    result = run_cli("build", cwd=root, env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH), timeout=60)
    output = result.stderr + result.stdout
    assert result.returncode == 1, output
    assert "Traceback" not in output
    where = f"{path}:{line}:" if line else f"{path}"
    matching = [ln for ln in output.splitlines()
                if (ln.startswith(where) if at_start else where in ln) and words in ln]
    assert matching, f"expected '{where} … {words}' in:\n{output}"
    assert tree_digest(root / "site") == before
