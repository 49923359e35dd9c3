"""Building a site: pages, atomic output, reproducibility, and hostile text."""

from __future__ import annotations

import hashlib
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import run_cli

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01


def build(root: Path, *args: str, env: dict | None = None):
    full = dict(os.environ, **(env or EPOCH))
    return run_cli("build", *args, cwd=root, env=full)


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_writes_a_page_per_claim_topic_source_and_article(mini):
    result = build(mini)
    assert result.returncode == 0, result.stderr
    site = mini / "site"
    for page in ("claims/coffee-wakes-you-up", "claims/late-coffee-no-effect", "topics/effects", "topics/risks",
                 "sources/doe2020coffee", "sources/agency2024caffeine", "articles/blog", "sources"):
        assert (site / page / "index.html").is_file(), page
    assert (site / "schema" / "claim.schema.json").is_file()
    claim = (site / "claims/late-coffee-no-effect/index.html").read_text()
    assert "Drinking coffee late in the day does not affect sleep." in claim
    assert 'class="cs-badge cs-verdict cs-verdict--false"' in claim and "False</span>" in claim
    assert "doi:<a href=\"https://doi.org/10.1234/jds.2020.12\">" in claim
    assert "PMID: <a href=\"https://pubmed.ncbi.nlm.nih.gov/12345678/\">12345678</a>" in claim
    assert "Warning: Jitters" in claim
    nav = (site / "index.html").read_text()
    assert "claims/late-coffee-no-effect/" in nav  # reachable from the home table


def test_claim_pages_stay_out_of_the_navigation(mini):
    assert build(mini).returncode == 0
    home = (mini / "site" / "index.html").read_text()
    start = home.index('<nav class="md-nav md-nav--primary"')
    nav = home[start:home.index('data-md-type="toc"', start)]  # the primary sidebar (with this page's contents)
    assert "topics/effects/" in nav and "claims/" not in nav


def test_two_builds_are_byte_identical(mini, tmp_path):
    assert build(mini, "--site-dir", str(tmp_path / "one")).returncode == 0
    assert build(mini, "--site-dir", str(tmp_path / "two")).returncode == 0
    one, two = tree_digest(tmp_path / "one"), tree_digest(tmp_path / "two")
    assert one == two and len(one) > 20


def test_failed_build_leaves_previous_site_untouched(mini):
    assert build(mini).returncode == 0
    before = tree_digest(mini / "site")
    claim = mini / "claims" / "effects" / "coffee-wakes-you-up.yaml"
    claim.write_text(claim.read_text().replace("verdict: \"true\"", "verdict: [broken"))
    result = build(mini)
    assert result.returncode == 1
    assert "claims/effects/coffee-wakes-you-up.yaml:" in result.stderr
    assert "previous site was left as it was" in result.stderr
    assert tree_digest(mini / "site") == before
    assert not [p for p in mini.iterdir() if p.name.startswith(".site.")]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.inline_scripts: list[str] = []
        self.data_blocks: list[str] = []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src", "action", "formaction"):
            if attrs.get(name):
                self.links.append(attrs[name])
        if tag == "img" and attrs.get("onerror"):
            self.links.append("onerror")
        self._in_script = attrs.get("type", "text/javascript") if tag == "script" else None

    def handle_data(self, data):
        if self._in_script == "application/ld+json":
            self.data_blocks.append(data)  # data, not code: checked to parse as JSON below
        elif self._in_script is not None and "alert(" in data:
            self.inline_scripts.append(data)

    def handle_endtag(self, tag):
        self._in_script = None


def parsed(html: str) -> _Tags:
    tags = _Tags()
    tags.feed(html)
    return tags


HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>'


@pytest.mark.parametrize("field,value", [
    ("claim", f"Coffee {HOSTILE} is hostile."),
    ("bottom_line", f"Caffeine {HOSTILE} [click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=)."),
    ("finding", f"Found {HOSTILE} [x](javascript:alert(4)) <a href='javascript:alert(5)'>a</a>."),
    ("caveats", f"Caveat {HOSTILE} [y](JaVaScRiPt:alert(6))."),
])
def test_script_and_html_in_claim_fields_come_out_as_text(mini, field, value):
    path = mini / "claims" / "effects" / "coffee-wakes-you-up.yaml"
    text = path.read_text()
    quoted = value.replace("'", "''")
    if field == "claim":
        text = text.replace("claim: Coffee makes people more alert within minutes.", f"claim: '{quoted}'")
    elif field == "bottom_line":
        text = text.replace("bottom_line: Caffeine increases alertness within an hour in healthy adults.",
                            f"bottom_line: '{quoted}'")
    elif field == "finding":
        text = text.replace("finding: Caffeine improved alertness scores *within 30 minutes*.", f"finding: '{quoted}'")
    else:
        text = text.replace("  - Regular drinkers develop tolerance.", f"  - '{quoted}'")
    assert quoted in text
    path.write_text(text)
    result = build(mini)
    assert result.returncode == 0, result.stderr
    for page in (mini / "site").rglob("*.html"):
        tags = parsed(page.read_text())
        assert tags.inline_scripts == [], page
        for block in tags.data_blocks:
            json.loads(block)  # the whole block stayed inside its script element
        assert not [u for u in tags.links if re.match(r"\s*(javascript|data|vbscript):|onerror", u, re.I)], page
    claim = (mini / "site" / "claims" / "coffee-wakes-you-up" / "index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in claim
