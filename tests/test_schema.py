"""The claim JSON Schema: a valid Draft 2020-12 schema, and our validator agrees with a reference
implementation (jsonschema) on valid and invalid claims."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from claimsite.config import load_config
from claimsite.load import claim_files
from claimsite.schema import claim_schema, validator_for
from claimsite.yamlio import load_yaml
from conftest import FIXTURES, REPO


@pytest.fixture(scope="module")
def schema():
    return claim_schema(load_config(REPO).enums())


def test_schema_is_valid_draft_2020_12(schema):
    jsonschema.Draft202012Validator.check_schema(schema)


def test_committed_editor_schema_is_current(schema):
    assert json.loads((REPO / "schema" / "claim.schema.json").read_text()) == schema


def repo_claims():
    config = load_config(REPO)
    return [load_yaml(Path(p).read_text(encoding="utf-8"))[0] for p in claim_files(config)]


def test_every_repository_claim_is_valid_for_both_validators(schema):
    ours = validator_for(load_config(REPO).enums())
    reference = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    claims = repo_claims()
    assert len(claims) >= 35
    for doc in claims:
        assert ours.validate(doc) == [], doc["id"]
        assert list(reference.iter_errors(json.loads(json.dumps(doc)))) == [], doc["id"]


MUTATIONS = {
    "unknown key": lambda d: d.update(verdcit="x"),
    "missing claim": lambda d: d.pop("claim"),
    "verdict off scale": lambda d: d.update(verdict="maybe"),
    "certainty off scale": lambda d: d.update(certainty="medium"),
    "topic off scale": lambda d: d.update(topic="diet"),
    "unsafe id": lambda d: d.update(id="../etc/passwd"),
    "claim not text": lambda d: d.update(claim=["a", "list"]),
    "empty claimed_in": lambda d: d.update(claimed_in=[]),
    "quote missing article": lambda d: d["claimed_in"][0].pop("article"),
    "evidence n not integer": lambda d: d["evidence"][0].update(n="many"),
    "direction off scale": lambda d: d["evidence"][0].update(direction="sideways"),
    "GRADE domain unknown": lambda d: d["rationale"].update(lowered={"vibes": {"by": 1, "why": "because"}}),
    "GRADE step of three": lambda d: d["rationale"].update(lowered={"imprecision": {"by": 3, "why": "because"}}),
    "inline notice without level": lambda d: d.update(safety=[{"text": "A notice without a level."}]),
    "impossible date": lambda d: d.update(reviewed="2026-02-30"),
    "date not a date": lambda d: d.update(reviewed="soon"),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_invalid_claims_are_rejected_by_both_validators(schema, name):
    base = json.loads(json.dumps(repo_claims()[0]))
    doc = copy.deepcopy(base)
    MUTATIONS[name](doc)
    ours = validator_for(load_config(REPO).enums()).validate(doc)
    reference = list(jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).iter_errors(doc))
    assert ours, f"our validator accepted: {name}"
    assert reference, f"jsonschema accepted: {name}"


def test_fixture_schema_follows_its_own_configuration():
    enums = load_config(FIXTURES / "mini").enums()
    schema = claim_schema(enums)
    assert schema["properties"]["verdict"]["enum"] == ["true", "unproven", "false"]
