"""Stored XSS: one payload in every text field a review's files can set (review.yml labels, descriptions,
titles and symbols, article metadata, notices, BibTeX fields, claim fields) must stay text on every page,
in the navigation and <title>, the map, listings, the feed, JSON-LD, the search index and the CSS; the
built site is opened in Chromium with a dialog listener and no dialog may fire."""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path

import pytest

from conftest import CHROMIUM_FLAGS, EPOCH, make_project, run_cli

PAYLOAD = "\"'><img src=x onerror=alert(1)></title></script><script>alert(2)</script><svg onload=alert(3)>"
BIB_PAYLOAD = PAYLOAD  # braces would end a BibTeX field; the payload has none
FLAGS = CHROMIUM_FLAGS
RAW = re.compile(r"<img src=x|<script>alert|<svg onload|onerror=alert\(1\)>")


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _sub(root: Path, path: str, old: str, new: str) -> None:
    target = root / path
    text = target.read_text(encoding="utf-8")
    assert old in text, (path, old)
    target.write_text(text.replace(old, new, 1), encoding="utf-8")


def payload_project(tmp: Path) -> Path:
    """The mini review with the payload in every field that is shown anywhere."""
    root = make_project(tmp, "mini")
    p = PAYLOAD
    r = "review.yml"
    _sub(root, r, "title: Demo review of coffee claims", f"title: {_q('Demo ' + p)}\npublisher: {_q('Pub ' + p)}")
    _sub(root, r, "label: Effects, description: What coffee is said to do.",
         f"label: {_q('Effects ' + p)}, description: {_q('What ' + p)}")
    _sub(root, r, 'label: "True", symbol: "✓"', f"label: {_q('True ' + p)}, symbol: {_q('S' + p)}")
    _sub(root, r, "description: The evidence backs it.", f"description: {_q('Backs ' + p)}")
    _sub(root, r, 'label: High, symbol: "●●●"', f"label: {_q('High ' + p)}, symbol: {_q('C' + p)}")
    _sub(root, r, 'label: Supports, symbol: "▲"', f"label: {_q('Supports ' + p)}, symbol: {_q('D' + p)}")
    _sub(root, r, "label: Warning}", f"label: {_q('Warning ' + p)}}}")
    _sub(root, r, "label: Indirectness}", f"label: {_q('Indirectness ' + p)}}}")
    with (root / r).open("a", encoding="utf-8") as handle:
        handle.write(f"scorecard:\n  - {{id: q1, question: {_q('Question ' + p)}}}\n"
                     f"  - {{id: q2, question: {_q('Q2 ' + p)}, from_topics: [effects]}}\n")
    a = "sources/articles/blog.yml"
    _sub(root, a, "title: A coffee blog post", f"title: {_q('A coffee blog ' + p)}")
    _sub(root, a, "author: Unknown", f"author: {_q('Au ' + p)}")
    _sub(root, a, "publisher: Unknown", f"publisher: {_q('Pb ' + p)}")
    _sub(root, a, "url: null", f"url: {_q('https://example.org/?q=' + p.replace(' ', '%20'))}\n"
                               f"published: {_q('2025 ' + p)}\ndescription: {_q('Desc ' + p)}\n"
                               f"scorecard:\n  q1: {{answer: \"yes\", note: {_q('Note ' + p)}}}")
    _sub(root, a, "reason: Advice, not a checkable statement.", f"reason: {_q('Reason ' + p)}")
    n = "content/notices.yml"
    _sub(root, n, "title: Jitters", f"title: {_q('Jitters ' + p)}")
    _sub(root, n, "text: Too much caffeine can cause a racing heart. See a doctor if it persists.",
         f"text: {_q(p + ' Too much caffeine can cause a racing heart.')}")
    c = "claims/effects/coffee-wakes-you-up.yaml"
    _sub(root, c, "claim: Coffee makes people more alert within minutes.", f"claim: {_q('Coffee alert ' + p)}")
    _sub(root, c, "bottom_line: Caffeine increases alertness within an hour in healthy adults.",
         f"bottom_line: {_q('Caffeine increases alertness ' + p)}")
    _sub(root, c, "summary: Randomised trials agree.", f"summary: {_q('Trials agree ' + p)}")
    _sub(root, c, "design: Randomised controlled trial", f"design: {_q('RCT ' + p)}")
    _sub(root, c, "population: Healthy adults", f"population: {_q('Adults ' + p)}")
    _sub(root, c, "finding: Caffeine improved alertness scores *within 30 minutes*.", f"finding: {_q('Improved ' + p)}")
    _sub(root, c, "locator: abstract", f"locator: {_q('abstract ' + p)}")
    _sub(root, c, "  - Regular drinkers develop tolerance.", f"  - {_q('Tolerance ' + p)}")
    _sub(root, c, "    quote: Coffee wakes you up within minutes.",
         f"    quote: Coffee wakes you up within minutes.\n    section: {_q('Sec ' + p)}")
    k = "claims/risks/late-coffee-no-effect.yaml"
    _sub(root, k, "why: Laboratory doses differ from everyday drinking.", f"why: {_q('Lab ' + p)}")
    _sub(root, k, "{level: info, text: People differ in how fast they clear caffeine.}",
         f"{{level: warning, title: {_q('T ' + p)}, text: {_q('People differ ' + p)}}}")
    _sub(root, k, "reviewed: 2026-01-15", f"reviewers: [{_q('Rev ' + p)}]\nreviewed: 2026-01-15")
    _sub(root, c, "    change: First published.", f"    change: {_q('First ' + p)}")
    _sub(root, r, "  - {text: Coffee late in the day may shorten and lighten sleep., certainty: low",
         f"  - {{text: {_q('Coffee late may shorten sleep ' + p)}, certainty: low")
    _sub(root, r, '  - text: "Coffee *wakes you up* <b>for a while</b>."', f"  - text: {_q('Coffee wakes ' + p)}")
    with (root / r).open("a", encoding="utf-8") as handle:
        handle.write(f"verdict_sentences:\n  - {{verdict: \"true\", text: {_q('True sentence ' + p)}}}\n")
    # the excerpt is checked against the stored passage: the payload goes into both
    _sub(root, c, "excerpt: Caffeine improved alertness scores within 30 minutes of the drink.",
         f"excerpt: {_q('Caffeine improved alertness ' + p)}")
    passage = "sources/passages/doe2020coffee.yml"
    _sub(root, passage, "  scores within 30 minutes of the drink.", "  scores within 30 minutes of the drink.\n  "
         f"Caffeine improved alertness {p}")
    _sub(root, passage, 'seen: "Fixture record for tests: the abstract of a made-up trial"', f"seen: {_q('Seen ' + p)}")
    g = "content/glossary.yml"
    _sub(root, g, 'definition: "The studies answer a somewhat different question: other people, doses or outcomes '
                  'than the claim is about."', f"definition: {_q('Glossary ' + p)}")
    b = "sources/refs.bib"
    bp = BIB_PAYLOAD
    _sub(root, b, "author = {Doe, Jane and Roe, Richard}", f"author = {{Doe, Jane{bp} and Roe, Richard}}")
    _sub(root, b, "title = {Caffeine and Alertness: A Randomised Trial}", f"title = {{Caffeine {bp}}}")
    _sub(root, b, "journal = {Journal of Demo Studies}", f"journal = {{Journal {bp}}}")
    _sub(root, b, "pages = {100--110}", f"pages = {{100--110{bp}}}")
    _sub(root, b, "verified = {2026-01-15: fixture entry for tests}\n}", f"verified = {{2026-01-15: fixture {bp}}}\n}}")
    _sub(root, b, "author = {{Demo Food Agency}}", f"author = {{{{Agency {bp}}}}}")
    _sub(root, b, "title = {Caffeine: how much is too much?}", f"title = {{How much {bp}}}")
    _sub(root, b, "url = {https://example.org/agency/caffeine},", f"url = {{https://example.org/agency/caffeine}},\n"
                  f"  copy = {{a copy {bp}}},")
    # a study awaiting assessment: its reason (BibTeX) and its note (claim) are shown on three pages
    with (root / b).open("a", encoding="utf-8") as handle:
        handle.write(f"\n@article{{doe2025diary,\n  awaiting = {{No record shows the authors {bp}}},\n"
                     f"  journal = {{Journal {bp}}},\n  year = {{2025}},\n  doi = {{10.1234/jds.2025.7}},\n"
                     f"  verified = {{2026-01-15: fixture {bp}}}\n}}\n")
    _sub(root, c, "caveats:", f"awaiting:\n  - {{source: doe2025diary, note: {_q('Diary ' + p)}}}\ncaveats:")
    return root


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory) -> Path:
    root = payload_project(tmp_path_factory.mktemp("xss"))
    check = run_cli("check", "--strict", cwd=root, env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))
    assert check.returncode == 0, check.stderr  # the payload is valid text: it must be built, as text
    result = run_cli("build", cwd=root, env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_payload_is_text_in_every_page_feed_stylesheet_and_search_index(payload_site):
    checked = 0
    for path in payload_site.rglob("*"):
        if path.suffix not in (".html", ".xml", ".css", ".js") and path.name != "search_index.json":
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".js" and "search_index" not in path.name:
            continue  # the theme's own scripts
        raw = RAW.search(text)
        assert raw is None, f"{path.relative_to(payload_site)}: raw payload at {text[max(0, raw.start() - 80):raw.end()]!r}"
        checked += 1
    assert checked >= 12
    # the payload is there, as text: in the navigation and the title of the topic page, and in the claim page
    topic = (payload_site / "topics/effects/index.html").read_text(encoding="utf-8")
    assert "onerror=alert(1)" in re.search(r"<title>(.*?)</title>", topic, re.S).group(1)
    claim = (payload_site / "claims/coffee-wakes-you-up/index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in claim
    waiting = claim[claim.index('id="not-yet-counted"'):]
    assert "<li><p>Diary &quot;'&gt;&lt;img src=x onerror=alert(1)&gt;" in waiting
    assert "No record shows the authors" in waiting


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_payload_opened_in_chromium_fires_no_dialog(chromium, payload_site):
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(payload_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    dialogs: list[str] = []
    pages = sorted(p.relative_to(payload_site).as_posix() for p in payload_site.rglob("*.html"))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
            context = browser.new_context()
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                          else route.abort())
            page = context.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
            for rel in pages:
                page.goto(base + rel)
                page.wait_for_load_state("load")
                assert page.locator("img[src=x], svg[onload]").count() == 0, rel
            # search results are rendered from the index in the browser
            page.goto(base)
            page.wait_for_load_state("networkidle")
            page.locator("input.md-search__input").click()
            page.keyboard.type("alert", delay=20)
            page.locator(".md-search-result__item").first.wait_for(timeout=15_000)
            page.wait_for_timeout(500)
            assert page.locator("img[src=x], svg[onload]").count() == 0
            browser.close()
    finally:
        httpd.shutdown()
    assert len(pages) >= 12  # every page type, and 404.html
    assert dialogs == []
