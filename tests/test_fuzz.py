"""Fuzzing: whatever a contributor writes, loading and validation only ever report diagnostics."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimsite import builder
from conftest import make_project

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
KEYS = ["id", "claim", "topic", "claimed_in", "verdict", "certainty", "bottom_line", "rationale", "evidence",
        "caveats", "safety", "reviewed", "review_by", "reviewers", "article", "quote", "source", "design", "finding",
        "direction", "n", "starting_level", "lowered", "raised", "by", "why", "level", "text", "summary"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=40), st.sampled_from(["high", "low", "true", "blog", "doe2020coffee", "effects",
                                                            "2026-01-15", "2026-02-30", "risks", "jitters"]),
                    st.dates(min_value=dt.date(1900, 1, 1)).map(str))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
                      max_leaves=25)
documents = st.dictionaries(st.sampled_from(KEYS), values, max_size=14)


def project(tmp_path):
    root = tmp_path / "mini"
    return root if root.exists() else make_project(tmp_path, "mini")


def check_survives(root):
    project, report = builder.check(root)  # must not raise
    for item in report.items:
        assert item.path and isinstance(item.line, int) and item.message


@FUZZ
@given(doc=documents)
def test_random_claim_documents_give_diagnostics_not_crashes(tmp_path, doc):
    root = project(tmp_path)
    (root / "claims" / "effects" / "fuzz.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    check_survives(root)


@FUZZ
@given(text=st.text(max_size=300))
def test_random_claim_text_gives_diagnostics_not_crashes(tmp_path, text):
    root = project(tmp_path)
    (root / "claims" / "effects" / "fuzz.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    check_survives(root)


bib_pieces = st.sampled_from(["@article{", "@misc{", "@string{", "@comment{", "@preamble{", "key1,", "doe2020coffee,",
                              " title = {", " doi = {10.1/x}", " pmid = {123}", " verified = {x}", "}", "{", "\"", ",",
                              "=", "\n", "#", "\\'e", "$x$", " and ", "author = {A, B and others}", "%"])
bib_texts = st.lists(st.one_of(bib_pieces, st.text(max_size=8)), max_size=40).map("".join)


@FUZZ
@given(text=bib_texts)
def test_random_bibtex_gives_diagnostics_not_crashes(tmp_path, text):
    root = project(tmp_path)
    (root / "sources" / "fuzz.bib").write_text(text, encoding="utf-8", errors="surrogatepass")
    check_survives(root)
