"""Golden HTML: the mini review's pages must match the committed copies byte for byte.

After an intended change of output, regenerate them with `make golden` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import make_project
from test_build import build

GOLDEN = Path(__file__).resolve().parent / "golden"
PAGES = ["index.html", "claims/late-coffee-no-effect/index.html", "claims/coffee-wakes-you-up/index.html",
         "articles/blog/index.html", "sources/doe2020coffee/index.html", "sources/index.html",
         "topics/risks/index.html", "assets/claimsite-scales.css"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("golden"), "mini")
    result = build(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_golden(built, page):
    actual = (built / page).read_text(encoding="utf-8")
    golden = GOLDEN / page
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"no golden copy of {page}: run `make golden`"
    assert actual == golden.read_text(encoding="utf-8"), f"{page} differs from tests/golden/{page}: " \
        "if the change is intended, run `make golden` and review the diff"
