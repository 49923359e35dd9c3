"""Page text as readers see it: citations by name (never a BibTeX key), telephone numbers one tap away."""

from __future__ import annotations

import html
import re

from claimsite.model import Source
from claimsite.references import format_reference
from claimsite.render import link_phone_numbers

from conftest import REPO

_HIDDEN = re.compile(r"<(script|style|code|pre)\b.*?</\1>", re.S)
_NANP = re.compile(r"(?<![\w-])(?:1-)?\d{3}-\d{3}-\d{4}(?![\w-])")


def page_text(path) -> str:
    """The text a reader sees (contributor documentation in code blocks aside)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", _HIDDEN.sub(" ", path.read_text(encoding="utf-8"))))


def bibtex_keys() -> set[str]:
    keys = set()
    for bib in (REPO / "sources").glob("*.bib"):
        keys |= set(re.findall(r"@\w+\s*\{\s*([^,\s]+)\s*,", bib.read_text(encoding="utf-8")))
    return keys


def test_no_page_shows_a_bibtex_key_as_text(repo_site):
    keys = bibtex_keys()
    assert len(keys) > 50
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(keys, key=len, reverse=True))) + r")(?![\w-])")
    found = {}
    for page in sorted(repo_site.rglob("*.html")):
        hits = sorted(set(pattern.findall(page_text(page))))
        if hits:
            found[str(page.relative_to(repo_site))] = hits
    assert found == {}


def test_a_work_without_authors_is_cited_by_its_journal_not_its_key():
    fields = {"title": "[Bedtime kratom use and sleep]", "journal": "Experimental and Clinical Psychopharmacology",
              "year": "2025"}
    source = Source(key="anon2025bedtime", entry_type="article", fields=fields, path="x.bib", line=1, field_lines={})
    assert format_reference(source).short == "Experimental and Clinical Psychopharmacology 2025"
    untitled = Source(key="x2020", entry_type="misc", fields={"title": "A page about kratom and the law today",
                      "year": "2020"}, path="x.bib", line=1, field_lines={})
    assert format_reference(untitled).short == "A page about kratom and the… 2020"


def test_source_records_name_other_sources_as_citations(repo_site):
    page = (repo_site / "sources" / "dea2016schedules" / "index.html").read_text(encoding="utf-8")
    verified = page.split('class="cs-verified"', 1)[1].split("</p>", 1)[0]
    assert 'sources/sacco2016dea/">Sacco 2016</a>' in verified


def test_phone_numbers_in_safety_text_are_tel_links(repo_site):
    for path in ("safety/index.html", "index.html", "claims/start-low/index.html", "claims/high-dose-sleepiness/index.html"):
        body = (repo_site / path).read_text(encoding="utf-8").split('class="md-content"', 1)[1]
        linked = re.findall(r'<a class="cs-tel" href="tel:([+\d]+)">([^<]+)</a>', body)
        assert linked, path
        for href, number in linked:
            assert href == ("+1" + re.sub(r"\D", "", number)[-10:] if "-" in number else number), (path, number)
        unlinked = [m for m in _NANP.findall(re.sub(r'<a class="cs-tel"[^>]*>[^<]*</a>', " ", body))]
        assert unlinked == [], path
    safety = (repo_site / "safety" / "index.html").read_text(encoding="utf-8")
    assert 'href="tel:911"' in safety and 'href="tel:+18002221222"' in safety


def test_phone_links_leave_other_numbers_tags_and_code_alone():
    text = ('<p>Call your emergency number (<strong>911</strong> in the U.S.). Poison Help: 1-800-222-1222.</p>'
            '<p>n = 911 people; 988 days; a dose of 500-4000 mg; notice 2016-20803.</p>'
            '<p><a href="tel:+18006624357">1-800-662-4357</a> <code>call 911</code>'
            ' <img alt="call 1-800-222-1222"></p>')
    out = link_phone_numbers(text)
    assert out.count('class="cs-tel"') == 2
    assert '<strong><a class="cs-tel" href="tel:911">911</a></strong>' in out
    assert '<a class="cs-tel" href="tel:+18002221222">1-800-222-1222</a>' in out
    assert "n = 911 people; 988 days" in out and "500-4000" in out
    assert '<code>call 911</code>' in out and 'alt="call 1-800-222-1222"' in out


def test_two_works_with_the_same_short_citation_are_told_apart_by_title_order():
    from claimsite.references import distinguish_shorts

    def ref(key, title, year="2022"):
        fields = {"author": "Smith, Kirsten and Doe, Jane and Roe, Richard", "title": title, "year": year,
                  "journal": "J", "doi": "10.1/x"}
        return format_reference(Source(key, "article", fields, "x.bib", 1, {}))

    refs = {r.key: r for r in (ref("s1", "Withdrawal in a survey"), ref("s2", "Assessment of use disorder"),
                               ref("s3", "Something else", "2023"))}
    shorts = {k: r.short for k, r in distinguish_shorts(refs).items()}
    assert shorts == {"s2": "Smith et al. 2022a", "s1": "Smith et al. 2022b", "s3": "Smith et al. 2023"}


def test_no_page_has_a_doubled_full_stop_after_a_name(repo_site):
    for path in repo_site.rglob("*.html"):
        text = page_text(path)
        assert not re.search(r"\b(al|Inc|Ltd|Co)\.\.", text), path.relative_to(repo_site)
    tolerance = page_text(repo_site / "claims" / "tolerance-dependence" / "index.html")
    assert "Smith et al. 2022a" in tolerance and "Smith et al. 2022b" in tolerance


def test_a_certainty_lowered_past_the_bottom_of_the_scale_says_where_it_stops(repo_site):
    text = page_text(repo_site / "claims" / "improves-sleep-quality" / "index.html")
    assert "Very low is the lowest level of certainty, so lowering stops there." in text
    assert "lowest level of certainty" not in page_text(repo_site / "claims" / "tolerance-dependence" / "index.html")


def test_a_source_read_in_a_copy_says_so_and_names_only_the_copys_site(repo_site):
    text = " ".join(page_text(repo_site / "sources" / "index.html").split())
    assert "The original was not found; read in a copy (a mirror of the ClinicalTrials.gov record) at meddatax.com" in text
    raw = (repo_site / "sources" / "index.html").read_text(encoding="utf-8")
    assert 'Available from: <a href="https://meddatax' not in raw
    assert 'Available from: <a href="https://www.who.int' in raw  # an original keeps its address


def test_phone_links_are_found_at_either_end_of_a_long_page_and_only_in_text():
    head = '<p>Call 911 now.</p>' + '<div class="x"><span title="call 988">2025-01-01</span></div>' * 300
    tail = ('<p>n = 112; <code>call 988</code>; ring 999.</p><img alt="call 1-800-222-1222">'
            '<p>Helpline 800-662-4357</p>')
    out = link_phone_numbers(head + tail)
    assert out.startswith('<p>Call <a class="cs-tel" href="tel:911">911</a> now.</p>')
    assert 'title="call 988"' in out and "2025-01-01" in out and out.count('class="cs-tel"') == 3
    assert out.endswith('<p>n = 112; <code>call 988</code>; ring <a class="cs-tel" href="tel:999">999</a>.</p>'
                        '<img alt="call 1-800-222-1222"><p>Helpline <a class="cs-tel" href="tel:+18006624357">'
                        '800-662-4357</a></p>')
    assert link_phone_numbers(head[19:]) == head[19:]


def test_a_glossary_form_that_lowercases_differently_from_its_match_is_linked_not_a_crash():
    import re as _re

    from claimsite.model import Term
    from claimsite.site import TermLinker

    term = Term("long-s", "ſleep", "An old spelling.")
    linker = TermLinker(_re.compile(r"(?<![\w-])(ſleep)(?![\w-])", _re.I), {"ſleep": "long-s"}, {"long-s": term})
    out = str(linker("We SLEEP well."))
    assert '<a class="cs-term" href="#term-long-s">SLEEP' in out and linker.used == [term]
