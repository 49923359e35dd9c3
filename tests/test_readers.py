"""What a reader meets first: key messages on the home and topic pages, the glossary, plain bottom lines,
and the editorial page."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from conftest import make_project, run_cli
from test_build import build


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("readers"), "mini")
    result = build(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


def key_messages(html: str) -> str:
    start = html.index('id="key-messages"')
    return html[start:html.index("</section>", start)]


def resolve(site: Path, page: str, href: str) -> Path:
    """The file a relative link on ``page`` (a path under site/) leads to."""
    target = urlparse(urljoin("http://x/" + page, href)).path.lstrip("/")
    path = site / target
    return path / "index.html" if target.endswith("/") or not target else path


def check_key_messages(site: Path, page: str, count: range) -> str:
    html = (site / page).read_text(encoding="utf-8")
    main = html[html.index("<article"):]
    assert 'id="key-messages"' in main, page
    assert "<table" not in main[:main.index('id="key-messages"')], f"{page}: a table comes before the key messages"
    block = key_messages(main)
    items = block.split('<li class="cs-key-message">')[1:]
    assert len(items) in count, f"{page}: {len(items)} key messages"
    for item in items:
        assert re.search(r"Certainty of the evidence: (high|moderate|low|very low)\b", item), item
        links = re.findall(r'href="([^"]+)"', item)
        claims = [h for h in links if "claims/" in h]
        assert claims, f"{page}: a key message links to no claim"
        for href in claims:
            assert resolve(site, page, href).is_file(), f"{page}: {href} does not resolve"
    return block


def test_home_and_topic_open_with_key_messages(mini_site):
    block = check_key_messages(mini_site, "index.html", range(1, 7))
    assert "<em>wakes you up</em>" in block
    assert "&lt;b&gt;for a while&lt;/b&gt;" in block and "<b>" not in block  # review text renders as text
    check_key_messages(mini_site, "topics/risks/index.html", range(1, 2))
    assert 'id="key-messages"' not in (mini_site / "topics/effects/index.html").read_text()  # none configured


def test_the_reviews_home_page_answers_both_questions_first(repo_site):
    block = check_key_messages(repo_site, "index.html", range(3, 7))
    text = re.sub(r"<[^>]+>", "", block).lower()
    assert "sleep" in text and ("dependence" in text or "safe" in text)
    for topic in ("sleep", "risks", "dosing"):
        check_key_messages(repo_site, f"topics/{topic}/index.html", range(1, 7))


def test_check_reports_a_key_message_linking_to_an_unknown_claim(mini):
    config = mini / "review.yml"
    text = config.read_text()
    config.write_text(text.replace("claims: [coffee-wakes-you-up]", "claims: [coffee-wakes-you-upp]"))
    line = next(n for n, l in enumerate(config.read_text().splitlines(), 1) if "wakes you up*" in l)
    result = run_cli("check", cwd=mini)
    assert result.returncode == 1
    assert f"review.yml:{line}: error: key message of the review links to unknown claim 'coffee-wakes-you-upp'" \
        in result.stderr
    assert "did you mean 'coffee-wakes-you-up'?" in result.stderr


def test_check_warns_when_a_key_message_is_more_certain_than_its_claims(mini):
    config = mini / "review.yml"
    config.write_text(config.read_text().replace(
        "{text: Coffee late in the day may shorten and lighten sleep., certainty: low,",
        "{text: Coffee late in the day may shorten and lighten sleep., certainty: high,"))
    result = run_cli("check", "--strict", cwd=mini)
    assert result.returncode == 1
    assert "key message of topic 'risks' is stated at 'high' certainty, higher than any of its claims" in result.stderr


def test_a_malformed_key_message_is_a_configuration_error(mini):
    config = mini / "review.yml"
    config.write_text(config.read_text().replace("    certainty: high\n    claims: [coffee", "    certainty: sure\n    claims: [coffee"))
    result = run_cli("check", cwd=mini)
    assert result.returncode != 0 and "a key message needs 'certainty'" in result.stderr
