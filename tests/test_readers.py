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
        assert re.search(r"Certainty of the evidence: (high|moderate|low|very low)\b", re.sub(r"<[^>]+>", "", item)), item
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


def test_the_home_pages_table_of_contents_starts_with_the_key_messages(mini_site):
    html = (mini_site / "index.html").read_text(encoding="utf-8")
    toc = html[html.index('aria-label="Table of contents"'):]
    toc = toc[:toc.index("</nav>")]
    anchors = re.findall(r'href="#([^"]+)"', toc)
    assert anchors and anchors[0] == "key-messages" and anchors.count("key-messages") == 1, anchors


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


def test_glossary_terms_link_to_their_explanation_on_the_claim_page(mini_site):
    page = (mini_site / "claims/late-coffee-no-effect/index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="cs-term" href="#(term-[a-z0-9-]+)">([^<]+)<span', page)
    assert ("term-randomised-controlled-trial", "Randomised controlled trial") in links
    assert ("term-indirectness", "Indirectness") in links  # a GRADE domain in "Why this certainty"
    assert len({target for target, _ in links}) == len(links), "each term is linked once, at its first use"
    terms = page[page.index('id="terms"'):page.index('id="references"')]
    for target, _ in links:
        assert f'<dt id="{target}">' in terms
    assert "&lt;script&gt;" in terms and "<script>alert" not in page  # definitions render as text
    assert '<a href="#terms">' in page or 'href="#terms"' in page  # in the table of contents
    glossary = (mini_site / "glossary/index.html").read_text(encoding="utf-8")
    for target, _ in links:
        assert f'<dt id="{target}">' in glossary
    assert not (mini_site / "glossary.yml").exists()  # the data file is not published


def test_the_reviews_glossary_explains_the_terms_readers_meet(repo_site):
    glossary = (repo_site / "glossary/index.html").read_text(encoding="utf-8")
    for term in ("cross-sectional", "in-vitro", "pharmacokinetics", "cyp3a", "ecological-momentary-assessment",
                 "risk-of-bias", "indirectness", "imprecision", "very-low-certainty"):
        assert f'id="term-{term}"' in glossary, term
    page = (repo_site / "claims/drug-interactions/index.html").read_text(encoding="utf-8")
    assert '<a class="cs-term" href="#term-cyp3a">CYP3A<span class="cs-visually-hidden"> (explained below)</span></a>' in page
    for target in set(re.findall(r'class="cs-term" href="#([^"]+)"', page)):
        assert f'id="{target}"' in page, target
    home = (repo_site / "index.html").read_text(encoding="utf-8")
    assert 'href="glossary/#term-very-low-certainty">very low</a>' in key_messages(home)


def test_check_reports_a_broken_glossary(mini):
    glossary = mini / "content" / "glossary.yml"
    glossary.write_text(glossary.read_text() + "  - id: indirectness\n    term: Again\n    definition: A second entry with the same id.\n"
                        "  - {id: other, term: Indirectness, definition: The same word as another term.}\n")
    result = run_cli("check", cwd=mini)
    assert result.returncode == 1
    assert "content/glossary.yml:13: error: glossary term id 'indirectness' is already used on line 6" in result.stderr
    assert "content/glossary.yml:16: error: glossary: 'Indirectness' is already a form of term 'indirectness'" \
        in result.stderr


def test_check_warns_when_a_bottom_line_reads_above_the_configured_grade(mini):
    config = mini / "review.yml"
    claim = mini / "claims" / "risks" / "late-coffee-no-effect.yaml"
    claim.write_text(claim.read_text().replace(
        "bottom_line: Coffee late in the day may shorten and lighten sleep.",
        "bottom_line: Consumption of caffeinated beverages during the late afternoon may substantially diminish "
        "subsequent nocturnal sleep duration, consolidation and physiological restorative characteristics."))
    result = run_cli("check", cwd=mini)
    assert "reads at school grade" not in result.stderr  # no limit set: no lint
    config.write_text(config.read_text() + "readability:\n  max_grade: 12\n")
    result = run_cli("check", cwd=mini)
    assert re.search(r"claims/risks/late-coffee-no-effect.yaml:9: warning: bottom line reads at school grade "
                     r"\d+\.\d \(Flesch–Kincaid\), above the limit of 12", result.stderr), result.stderr
    assert "coffee-wakes-you-up.yaml" not in result.stderr  # a plain bottom line passes
    config.write_text(config.read_text().replace("max_grade: 12", "max_grade: hard"))
    result = run_cli("check", cwd=mini)
    assert result.returncode != 0 and "'readability.max_grade' must be a school grade level" in result.stderr


def test_the_reviews_bottom_lines_are_plain(tmp_path):
    from claimsite.builder import check

    project, report = check(Path(__file__).resolve().parent.parent)
    assert project.config.readability_grade is not None
    assert [d.format() for d in report.items if "reads at school grade" in d.message] == []


READER_PAGES = ["index.html", "about/index.html", "corrections/index.html", "methodology/index.html",
                "safety/index.html", "glossary/index.html", "topics/sleep/index.html",
                "claims/improves-sleep-quality/index.html"]


def main_text(html: str) -> str:
    main = html[html.index("<article"):html.index("</article>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_the_editorial_page_says_who_funds_and_what_interests_and_how_to_report(repo_site):
    about = main_text((repo_site / "about/index.html").read_text(encoding="utf-8"))
    for heading in ("Who maintains it", "Funding", "Interests", "Report an error", "Corrections log"):
        assert heading in about, heading
    assert "no funding" in about and "No advertising" in about and "No affiliate links" in about
    assert "No vendors" in about
    nav = (repo_site / "index.html").read_text(encoding="utf-8")
    assert 'href="about/"' in nav and 'href="corrections/"' in nav and 'href="glossary/"' in nav


def test_reader_pages_do_not_talk_about_files_and_pull_requests(repo_site):
    for page in READER_PAGES:
        text = main_text((repo_site / page).read_text(encoding="utf-8"))
        for word in ("YAML", "pull request", "BibTeX", "review.yml", "commit"):
            assert word not in text, f"{page} mentions {word}"


def test_the_corrections_log_lists_every_change_after_first_publication(repo_site):
    from claimsite.builder import check

    project, _ = check(Path(__file__).resolve().parent.parent)
    log = (repo_site / "corrections/index.html").read_text(encoding="utf-8")
    later = [(c, e) for c in project.claims for e in c.changelog[:-1]]
    assert later, "the review has changes after first publication"
    for claim, entry in later:
        assert f'href="../claims/{claim.id}/"' in log
    assert log.count("<li><time") >= len(later)


def test_report_an_error_links_to_the_issue_tracker_when_the_repository_is_known(mini):
    (mini / "content" / "about.md").write_text("# About\n\n<!-- claimsite:report-error -->\n\n<!-- claimsite:corrections-log -->\n")
    result = build(mini, env={"SOURCE_DATE_EPOCH": "1767225600", "REPO_URL": "https://example.org/team/review"})
    assert result.returncode == 0, result.stderr
    about = (mini / "site" / "about" / "index.html").read_text(encoding="utf-8")
    assert '<a href="https://example.org/team/review/issues">public issue tracker</a>' in about
    assert "No claim has been changed since it was first published." in about


def test_a_glossary_term_opens_its_explanation_by_keyboard_and_by_touch(chromium, repo_site):
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM_FLAGS as FLAGS

    url = (repo_site / "claims" / "drug-interactions" / "index.html").as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            page.keyboard.press("Tab")
            for _ in range(200):  # Tab through the page until the first term link has the focus
                if page.evaluate("document.activeElement.classList.contains('cs-term')"):
                    break
                page.keyboard.press("Tab")
            term = page.evaluate("document.activeElement.getAttribute('href')")
            assert term and term.startswith("#term-"), "no glossary term is reachable with the Tab key"
            page.keyboard.press("Enter")
            target = page.locator(":target")
            assert target.evaluate("el => el.tagName") == "DT" and target.is_visible()
            assert page.locator(f"{term} + dd").is_visible()

            phone = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
            mobile = phone.new_page()
            mobile.goto(url)
            link = mobile.locator("a.cs-term").nth(1)
            href = link.get_attribute("href")
            link.tap()
            mobile.wait_for_function("h => location.hash === h", arg=href)
            assert mobile.locator(f"{href} + dd").is_visible()
            assert mobile.locator(f"{href} + dd").bounding_box()["y"] < 800  # scrolled into view
        finally:
            browser.close()


def test_article_and_topic_pages_show_the_safety_notices_review_yml_lists(mini, tmp_path):
    config = mini / "review.yml"
    text = config.read_text()
    config.write_text(text.replace("  - {id: effects, label: Effects, description: What coffee is said to do.}",
                                   "  - {id: effects, label: Effects, description: What coffee is said to do., "
                                   "notices: [jitters]}") + "article_notices: [jitters]\n")
    result = build(mini, "--site-dir", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    article = (tmp_path / "site" / "articles" / "blog" / "index.html").read_text()
    main = article[article.index("<article"):]
    assert 'id="safety"' in main and "Jitters" in main[main.index('id="safety"'):main.index('id="about"')]
    topic = (tmp_path / "site" / "topics" / "effects" / "index.html").read_text()
    assert "cs-notice" in topic[topic.index("<article"):] and "Jitters" in topic[topic.index("<article"):]


def test_an_unknown_notice_in_review_yml_is_an_error_naming_its_line(mini):
    config = mini / "review.yml"
    config.write_text(config.read_text() + "article_notices: [jiters]\n")
    line = len(config.read_text().splitlines())
    result = run_cli("check", cwd=mini)
    assert result.returncode == 1
    assert f"review.yml:{line}: error: article_notices lists unknown notice 'jiters'" in result.stderr
    assert "did you mean 'jitters'?" in result.stderr


def test_the_longest_glossary_form_is_linked_where_forms_share_their_first_words():
    from markupsafe import Markup

    from claimsite.model import Term
    from claimsite.site import TermLinker, _alternation

    terms = {t.id: t for t in (Term("rct", "randomised controlled trial", "A trial where chance decides.", ("RCT",), 1),
                               Term("rand", "randomised", "Assigned by chance, not choice.", (), 2),
                               Term("trial", "trial", "A study that tests a treatment.", ("trials",), 3),
                               Term("dose", "dose–response", "More of it, more of the effect.", (), 5))}
    forms = {form.lower(): t.id for t in terms.values() for form in (t.term, *t.aliases)}
    ordered = sorted(forms, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + _alternation(ordered) + r")(?![\w-])", re.I)
    linker = TermLinker(pattern, forms, terms)
    html = str(linker(Markup("Randomised controlled trials, a Randomised Controlled Trial, randomised trials, an RCT; "
                             "a dose–response curve, the dose–responses, <code>trial</code>, rcts.")))
    linked = re.findall(r'href="#term-([a-z]+)">([^<]+)<span', html)
    assert linked == [("rand", "Randomised"), ("trial", "trials"), ("rct", "Randomised Controlled Trial"),
                      ("dose", "dose–response")]
    assert "the dose–responses" in html and "<code>trial</code>" in html and " rcts." in html
