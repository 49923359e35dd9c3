"""The built site in a real browser (Chromium from CLAIMSITE_CHROMIUM or PATH, through Playwright): journeys, search, mobile,
no JavaScript, no request leaving localhost, and axe-core accessibility checks on every page type."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from urllib.parse import urlsplit

import pytest

from conftest import BROWSER_HELP, CHROMIUM_FLAGS, REPO, browser_required, find_chromium, require_tool

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "test-artifacts" / "screenshots"
FLAGS = CHROMIUM_FLAGS
PAGE_TYPES = {
    "home": "", "topic": "topics/sleep/", "claim": "claims/gaba-enhancement/",
    "dosing-claim": "claims/high-dose-sleepiness/", "source": "sources/kruegel2016synthetic/",
    "article": "articles/article-b/", "references": "sources/", "methodology": "methodology/",
    "safety": "safety/", "format": "format/", "map": "map/", "reviews": "reviews/", "data": "data/",
}
WIDTHS = (390, 1280)
SCHEMES = ("light", "dark")


def fit_pages() -> dict[str, str]:
    """Every page type: each hand-written page (so new ones are checked too), one of each generated
    kind, and claims of several shapes (long tables, many notices, no study found)."""
    pages = dict(PAGE_TYPES)
    for md in sorted((REPO / "content").rglob("*.md")):
        stem = md.relative_to(REPO / "content").with_suffix("").as_posix()
        url = "" if stem == "index" else (stem[:-5] if stem.endswith("/index") else stem + "/")
        if url not in pages.values():
            pages[stem.replace("/", "-")] = url
    pages.update({"claim-sleep": "claims/improves-sleep-quality/", "article-a": "articles/article-a/",
                  "topic-dosing": "topics/dosing/", "claim-risk": "claims/tolerance-dependence/",
                  "claim-legal": "claims/not-fda-regulated/"})
    return pages


# Finds what does not fit: the page wider than the screen, elements whose overflow box hides part of
# their content (scrolled tables included: on a phone nobody finds the hidden columns), and words of
# 4-12 letters drawn on two lines (measured with a DOM range over each word). Elements hidden or
# off-canvas (the closed navigation drawer, the search overlay) are left out.
FIT_JS = r"""() => {
  const vw = document.documentElement.clientWidth;
  const out = {wide: null, clipped: [], broken: []};
  const sw = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  if (sw > vw + 1) out.wide = `page is ${sw}px wide on a ${vw}px screen`;
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (el.classList.length ? "." + [...el.classList].join(".") : "");
  const shown = el => {
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) return false;
    const r = el.getBoundingClientRect();
    return r.width > 2 && r.height > 2 && r.right > 0 && r.left < vw;
  };
  for (const el of document.body.querySelectorAll("*")) {
    if (!shown(el) || el.closest(".cs-visually-hidden, .md-visually-hidden")) continue;
    const s = getComputedStyle(el);
    if (s.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1)
      out.clipped.push(`${name(el)}: ${el.scrollWidth}px of content in ${el.clientWidth}px`);
    else if (el.closest(".md-content") && s.overflowY !== "visible" && el.scrollHeight > el.clientHeight + 1)
      out.clipped.push(`${name(el)}: ${el.scrollHeight}px of content in ${el.clientHeight}px high`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest("script, style, .cs-visually-hidden, .md-visually-hidden") || !shown(parent)) continue;
    for (const m of node.data.matchAll(/(?<![\p{L}\p{N}])\p{L}{4,12}(?![\p{L}\p{N}])/gu)) {
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
      if (lines.size > 1) out.broken.push(`"${m[0]}" in ${name(parent)}`);
    }
  }
  out.clipped = [...new Set(out.clipped)].slice(0, 8);
  out.broken = [...new Set(out.broken)].slice(0, 8);
  return out;
}"""


def misfits(page) -> list[str]:
    found = page.evaluate(FIT_JS)
    return ([found["wide"]] if found["wide"] else []) + found["clipped"] + \
        [f"broken word {w}" for w in found["broken"]]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(chromium, repo_site):
    handler = functools.partial(_Quiet, directory=str(repo_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def test_chromium_is_available():
    """Without a browser, the one line about the browser tests: a skip, or a failure when
    CLAIMSITE_REQUIRE_BROWSER=1 (as .ci/run sets). The tests themselves are left out (conftest.py)."""
    from conftest import NOT_RUN

    path, why = find_chromium()
    if path is None:
        message = f"{len(NOT_RUN)} browser tests not run: {why}; {BROWSER_HELP}"
        if browser_required():
            pytest.fail(f"CLAIMSITE_REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=FLAGS)
        yield b
        b.close()


class Outside:
    """Records (and blocks) every request that would leave localhost."""

    def __init__(self, context):
        self.requests: list[str] = []
        context.route("**/*", self._route)

    def _route(self, route):
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()


@pytest.fixture(params=SCHEMES)
def scheme_context(browser, request):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=request.param)
    ctx.outside = Outside(ctx)
    yield ctx
    ctx.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.outside = Outside(ctx)
    yield ctx
    ctx.close()


def test_journey_home_topic_claim_source_article_and_back(context, server):
    from playwright.sync_api import expect

    page = context.new_page()
    page.goto(server)
    page.get_by_role("navigation").get_by_role("link", name="Sleep", exact=True).first.click()
    expect(page).to_have_url(server + "topics/sleep/")
    page.locator("table.cs-claims a").first.click()
    expect(page.locator(".cs-claim")).to_be_visible()
    claim_url = page.url
    assert page.locator(".cs-verdict").first.is_visible()
    page.locator("a.cs-ref-more").first.click()
    expect(page.get_by_role("heading", name="Claims citing this source")).to_be_visible()
    assert "/sources/" in page.url
    page.go_back()
    expect(page).to_have_url(claim_url)
    page.locator("p.cs-quote-article a").first.click()
    expect(page.get_by_role("heading", name="Claims in reading order")).to_be_visible()
    assert "/articles/article-" in page.url
    page.go_back()
    expect(page).to_have_url(claim_url)
    assert context.outside.requests == []


def test_search_finds_a_claim_by_a_word_from_its_text(context, server):
    page = context.new_page()
    with page.expect_response(lambda r: r.url.endswith("search/search_index.json")):
        page.goto(server)
    page.wait_for_load_state("networkidle")
    page.locator("input.md-search__input").click()
    page.keyboard.type("adrenergic", delay=30)
    result = page.locator(".md-search-result__item").first
    result.wait_for(timeout=15_000)
    assert "adrenergic" in page.locator(".md-search-result").inner_text().lower()
    assert context.outside.requests == []


def test_mobile_viewport_shows_verdict_and_safety_without_horizontal_scroll(browser, server):
    ctx = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True)
    outside = Outside(ctx)
    page = ctx.new_page()
    for path in ("claims/high-dose-sleepiness/", "claims/gaba-enhancement/", ""):
        page.goto(server + path)
        width = page.evaluate("document.documentElement.clientWidth")
        assert page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]") == [width, width], path
        if path:
            for selector in (".cs-verdict", ".cs-certainty", ".cs-notice"):
                box = page.locator(selector).first.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (path, selector)
    assert outside.requests == []
    ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_fits_the_screen(browser, server, width):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 600)
    outside = Outside(ctx)
    page = ctx.new_page()
    problems = {}
    for name, path in fit_pages().items():
        page.goto(server + path, wait_until="networkidle")
        if found := misfits(page):
            problems[f"{name} ({path or 'home'})"] = found
    ctx.close()
    assert problems == {}, json.dumps(problems, indent=1)
    assert outside.requests == []


def test_navigation_drawer_names_the_review_in_full_on_a_phone(browser, server):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = ctx.new_page()
    page.goto(server + PAGE_TYPES["claim"], wait_until="networkidle")
    page.locator(".md-header label[for=__drawer]").click()
    title = page.locator('.md-nav--primary > label.md-nav__title[for="__drawer"]')
    title.wait_for()
    page.wait_for_timeout(400)
    assert title.is_visible()
    assert title.evaluate("t => t.scrollWidth <= t.clientWidth + 1 && t.scrollHeight <= t.clientHeight + 1")
    assert [f for f in misfits(page) if "md-nav__title" in f] == []
    ctx.close()


@pytest.mark.parametrize("case", ["wide", "clipped", "broken"])
def test_fit_check_catches_what_does_not_fit(context, server, case):
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(server + PAGE_TYPES["claim"], wait_until="networkidle")
    before = misfits(page)
    page.evaluate({
        "wide": "() => { document.querySelector('.cs-claim').style.minWidth = '900px'; }",
        "clipped": """() => { const b = document.createElement('div'); b.style.cssText = 'width:80px;overflow:hidden';
            b.textContent = 'Supercalifragilisticexpialidocious'; b.style.whiteSpace = 'nowrap';
            document.querySelector('.cs-claim').appendChild(b); }""",
        "broken": """() => { const p = document.createElement('p'); p.style.cssText = 'width:30px;word-break:break-all';
            p.textContent = 'Sleep quality'; document.querySelector('.cs-claim').appendChild(p); }""",
    }[case])
    found = " ".join(f for f in misfits(page) if f not in before)
    assert {"wide": "wide on a 390px screen", "clipped": "of content in 80px", "broken": '"Sleep"'}[case] in found


def test_pages_work_without_javascript(browser, server):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(server + "claims/high-dose-sleepiness/")
    text = " ".join(page.locator("body").text_content().split())
    for expected in ("Verdict: Unsupported", "Certainty of evidence: Very low", "Bottom line", "What the evidence shows",
                     "Safety", "References", "Reviewed"):
        assert expected in text, expected
    assert page.locator("ol.cs-references li").count() >= 3
    assert page.locator(".cs-notice").count() >= 1
    page.goto(server)
    assert page.locator("table.cs-claims tbody tr").count() >= 35
    ctx.close()


def test_no_request_leaves_localhost_on_any_page_type(context, server):
    page = context.new_page()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, path in PAGE_TYPES.items():
        page.goto(server + path, wait_until="networkidle")
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert context.outside.requests == []


def test_outside_request_detector_catches_an_external_font(context, server):
    page = context.new_page()
    page.goto(server)
    page.evaluate("""() => { const l = document.createElement('link'); l.rel = 'stylesheet';
        l.href = 'https://fonts.googleapis.com/css?family=Roboto'; document.head.appendChild(l); }""")
    page.wait_for_timeout(500)
    assert any("fonts.googleapis.com" in url for url in context.outside.requests)


def run_axe(page) -> list[dict]:
    require_tool(str(AXE), "run `npm ci` (make test does)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})""")
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]]


@pytest.mark.parametrize("name", list(fit_pages()))
def test_axe_finds_no_wcag_a_or_aa_violations(scheme_context, server, name):
    """In the light and the dark scheme (the browser's preference, which the site follows)."""
    page = scheme_context.new_page()
    page.goto(server + fit_pages()[name], wait_until="networkidle")
    violations = run_axe(page)
    assert violations == [], json.dumps(violations, indent=1)


def test_axe_catches_an_image_without_alt_text(context, server):
    page = context.new_page()
    page.goto(server + PAGE_TYPES["claim"])
    page.evaluate("""() => { const i = document.createElement('img'); i.src = 'x.png';
        document.querySelector('.cs-claim').appendChild(i); }""")
    assert "image-alt" in [v["id"] for v in run_axe(page)]


def test_badges_are_readable_without_colour(context, server):
    page = context.new_page()
    page.goto(server + PAGE_TYPES["claim"])
    verdict = page.locator(".cs-verdict").first
    assert verdict.inner_text().strip().endswith("Unsupported")
    assert verdict.locator(".cs-badge__shape").inner_text().strip() == "?"
    certainty = page.locator(".cs-certainty").first
    assert "No studies" in certainty.inner_text() and "∅" in certainty.inner_text()


def test_claim_page_prints_cleanly_with_references_expanded(context, server):
    page = context.new_page()
    page.goto(server + PAGE_TYPES["dosing-claim"])
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.md-header', '.md-sidebar--primary', '.md-footer', '.cs-ref-more']
        .map(s => getComputedStyle(document.querySelector(s)).display)""")
    assert hidden == ["none"] * 4
    after = page.evaluate("""() => getComputedStyle(document.querySelector('.cs-references a[href^="https://doi.org"]'),
        '::after').content""")
    assert "attr(href)" in after or "doi.org" in after
    assert page.locator(".cs-review-info").is_visible()
    assert "Reviewed" in page.locator(".cs-review-info").inner_text()
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 10_000


def _luminance(css: str) -> float:
    import re

    r, g, b = (int(x) / 255 for x in re.findall(r"[\d.]+", css)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


@pytest.mark.parametrize("path", ["claims/high-dose-sleepiness/", "articles/article-a/", ""])
def test_print_is_dark_on_white_with_headings_dark_and_folds_open_in_either_scheme(scheme_context, server, path):
    page = scheme_context.new_page()
    page.goto(server + path, wait_until="networkidle")
    page.emulate_media(media="print")
    colours = page.evaluate("""() => [...document.querySelectorAll('.md-typeset h1, .md-typeset h2, .md-typeset h3')]
        .map(h => getComputedStyle(h).color)""")
    assert colours and all(_luminance(c) < 0.05 for c in colours), colours
    assert _luminance(page.evaluate("getComputedStyle(document.body).backgroundColor")) > 0.9
    folded = page.locator("details:not([open]) dd, details:not([open]) p:not(summary *)")
    assert folded.count() > 0 or path != ""  # the home page's legend is folded on screen
    for i in range(min(folded.count(), 3)):
        assert folded.nth(i).is_visible()
