"""The claim-format reference (content/format.md) is complete, generated, current, and on the site."""

from __future__ import annotations

import copy
import shutil

from claimsite import reference, schema
from claimsite.config import load_config
from conftest import REPO, run_cli

HOW = "content/format.md is out of date: run `make reference` (or `python build.py reference`) and commit it"


def _property_paths(node, prefix=""):
    for key, sub in node.get("properties", {}).items():
        yield prefix + key
        yield from _property_paths(sub, prefix + key + ".")
        if "items" in sub:
            yield from _property_paths(sub["items"], prefix + key + "[].")
            for option in sub["items"].get("oneOf", []):
                yield from _property_paths(option, prefix + key + "[].")


def test_the_reference_in_the_repository_is_current():
    current = (REPO / reference.REFERENCE_PATH).read_text(encoding="utf-8")
    assert current == reference.format_reference(load_config(REPO)), HOW


def test_every_field_type_and_configured_value_is_listed():
    config = load_config(REPO)
    page = reference.format_reference(config)
    for path in _property_paths(schema._raw_schema()):
        leaf = path.rsplit(".", 1)[-1].rsplit("[]", 1)[-1] or path
        assert f"{leaf}`" in page, path
    for name, values in config.enums().items():
        for value in values:
            assert f"`{value}`" in page, (name, value)
    for text in ("`rationale.lowered.<domain>`", "`rationale.raised.<domain>.by`", "`safety[] (inline notice).level`",
                 "`safety[] (inline notice).title`", "`safety[] (inline notice).text`", "`safety[] (shared notice)`",
                 "`indirectness`", "`publication_bias`", "`dose_response`", "date (YYYY-MM-DD)", "`id` (required) |",
                 "```yaml", "## Fields of a reviewed article", "`left_out[].reason`", "## Sources (BibTeX)"):
        assert text in page, text
    assert reference.MARKER in page


def test_the_example_claim_is_valid():
    from claimsite.yamlio import load_yaml

    config = load_config(REPO)
    example = reference._example_claim(config).split("```yaml\n", 1)[1].split("```", 1)[0]
    doc, problems = load_yaml(example)
    assert problems == []
    errors = schema.validator_for(config.enums()).validate(doc)
    assert errors == [], f"update the example claim in claimsite/reference.py (_example_claim): {errors}"


def test_a_field_added_to_the_schema_appears_in_the_reference(monkeypatch):
    raw = copy.deepcopy(schema._raw_schema())
    raw["properties"]["evidence"]["items"]["properties"]["excerpt"] = {
        "type": "string", "description": "A short verbatim passage of the source.", "examples": ["Sleep improved."]}
    monkeypatch.setattr(schema, "_raw_schema", lambda: raw)
    monkeypatch.setattr(reference, "_raw_schema", lambda: raw)
    page = reference.format_reference(load_config(REPO))
    assert "| `evidence[].excerpt` (optional) | text | A short verbatim passage of the source. Example: `Sleep improved.` |" \
        in page


def test_check_warns_when_the_reference_is_stale_and_reference_regenerates_it(tmp_path):
    root = tmp_path / "review"
    root.mkdir()
    for part in ("review.yml", "mkdocs.yml", "claims", "sources", "content", "templates", "schema"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copy)(REPO / part, root / part)
    config = root / "review.yml"
    config.write_text(config.read_text().replace("label: Indirectness", "label: Indirectness of evidence"))
    stale = run_cli("check", "--strict", cwd=root)
    assert stale.returncode == 1
    assert "content/format.md: error: the claim-format reference is out of date" in stale.stderr
    assert "run `python build.py reference`" in stale.stderr
    regenerated = run_cli("reference", cwd=root)
    assert regenerated.returncode == 0 and "wrote content/format.md" in regenerated.stderr
    assert "Indirectness of evidence" in (root / "content" / "format.md").read_text()
    assert run_cli("check", "--strict", cwd=root).returncode == 0


def test_contributing_links_the_reference():
    assert "](content/format.md)" in (REPO / "CONTRIBUTING.md").read_text()


def test_the_reference_is_a_page_of_the_site(repo_site):
    html = (repo_site / "format" / "index.html").read_text()
    assert "<code>rationale.lowered.&lt;domain&gt;</code>" in html
    assert "<code>safety[] (inline notice).level</code>" in html
    assert '<table class="cs-fields cs-cards">' in html and "Allowed values (from review.yml)" in html
