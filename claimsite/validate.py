"""Cross-file checks: references, quotes, dates, safety, GRADE arithmetic, coverage.

:func:`validate` adds to the loader's report; it never raises on bad content.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import functools
import re

from .diagnostics import ConfigError, Report
from .model import Claim, Project
from .text import TextIndex, is_heading, normalize, sentences


def _today() -> dt.date:
    return dt.date.today()


def _closest(needle: str, haystack: str) -> str:
    """The passage of ``haystack`` most like ``needle``, to show beside a misquote.

    In a long article, a few words of the quote are first found verbatim (longest runs first) and only
    the text around them is compared: comparing with all of a 4 MB article took 15 s per misquote."""
    if len(haystack) <= 50_000:
        return _closest_in(needle, haystack)
    words = needle.split(" ")
    for size in (4, 3, 2, 1):
        for i in range(max(1, len(words) - size + 1)):
            gram = " ".join(words[i:i + size])
            if len(gram) < 5:
                continue
            at = haystack.find(gram)
            if at >= 0:
                start = at - len(" ".join(words[:i])) - (1 if i else 0)
                low = max(0, start - len(needle))
                return _closest_in(needle, haystack[low:start + 2 * len(needle)])
    return ""


def _closest_in(needle: str, haystack: str) -> str:
    if not haystack:
        return ""
    matcher = difflib.SequenceMatcher(None, haystack, needle, autojunk=False)
    match = matcher.find_longest_match(0, len(haystack), 0, len(needle))
    start = max(0, match.a - match.b)
    end = start + len(needle)
    while end < len(haystack) and haystack[end].isalnum():  # end on a whole word
        end += 1
    return haystack[start:end]


def check_quote(path: str, quote, project: Project, report: Report, indexes: dict[str, TextIndex],
                intended: dict[str, set[str]] | None = None) -> None:
    """The quote's article exists and the quote is found in it verbatim (reported on the quote's line)."""
    from .load import placeholder

    if placeholder(quote.article):
        return  # reported as unfinished
    article = project.articles.get(quote.article)
    if quote.article in project.unreadable and (article is None or not article.normalized):
        return  # the article file's (or its snapshot's) own errors are reported
    if article is None:
        known = ", ".join(sorted(project.articles)) or "none"
        report.error(path, quote.article_line or quote.line, f"unknown article '{quote.article}'",
                     f"reviewed articles: {known} (add sources/articles/{quote.article}.yml to review a new one)")
        return
    if placeholder(quote.quote):
        return
    index = indexes.get(article.id) or indexes.setdefault(article.id, TextIndex(article.normalized))
    if (quote.normalized or normalize(quote.quote)) not in index:
        wanted = normalize(quote.quote)
        near = _closest(wanted, article.normalized)
        report.error(path, quote.line, f"quote not found verbatim in article '{quote.article}' ({article.snapshot})",
                     f"closest text in the article: \"{near[:120]}\"" if near else "copy the words exactly")
        if near and intended is not None and difflib.SequenceMatcher(None, near, wanted).ratio() >= 0.6:
            # the passage the quote was meant to be is not reported again as 'sentence not reviewed'
            intended.setdefault(article.id, set()).add(near)


def check_source_ref(path: str, key: str, line: int, project: Project, report: Report) -> None:
    from .load import placeholder

    if key not in project.sources and not placeholder(key):
        close = difflib.get_close_matches(key, list(project.sources), n=1)
        report.error(path, line, f"unknown source '{key}'",
                     f"did you mean '{close[0]}'?" if close else "add the BibTeX entry to a file in sources/")


def check_notice_ref(path: str, notice: str, line: int, project: Project, report: Report) -> None:
    from .load import placeholder

    notices = project.notices
    if notice not in notices and not placeholder(notice):
        close = difflib.get_close_matches(notice, list(notices), n=1)
        report.error(path, line, f"unknown safety notice '{notice}'",
                     f"did you mean '{close[0]}'?" if close else f"defined notices: {', '.join(sorted(notices)) or 'none'}")


def check_partial(claim, project: Project, report: Report, today: dt.date, indexes: dict[str, TextIndex],
                  intended: dict[str, set[str]]) -> None:
    """A claim with schema errors: its references that parsed are checked all the same."""
    for quote in claim.claimed_in:
        check_quote(claim.path, quote, project, report, indexes, intended)
    for key, line in claim.sources:
        check_source_ref(claim.path, key, line, project, report)
    for notice, line in claim.notices:
        check_notice_ref(claim.path, notice, line, project, report)
    if claim.reviewed and claim.reviewed > today + dt.timedelta(days=project.config.future_date_grace_days):
        report.error(claim.path, claim.reviewed_line, f"review date {claim.reviewed} is in the future",
                     "use the date the review was done")
    if claim.grade:
        _check_partial_grade(claim, project.config, report)


def _check_partial_grade(claim, config, report: Report) -> None:
    """The arithmetic of a claim with schema errors, so fixing them does not reveal a second round."""
    certainty, line, start, lowered, raised = claim.grade
    levels = config.lookup("certainty")
    if certainty not in levels or start not in levels or not (levels[certainty].on_grade_scale and levels[start].on_grade_scale):
        return
    expected = _graded(config, start, lowered, raised)
    if expected != certainty:
        _report_grade_mismatch(report, claim.path, line, certainty, start, lowered, raised, expected)


def check_claim(claim: Claim, project: Project, report: Report, today: dt.date,
                indexes: dict[str, TextIndex] | None = None, intended: dict[str, set[str]] | None = None) -> None:
    config = project.config
    indexes = indexes if indexes is not None else {}
    path = claim.path
    for quote in claim.claimed_in:
        check_quote(path, quote, project, report, indexes, intended)
    for item in claim.evidence:
        check_source_ref(path, item.source, item.source_line, project, report)
        source = project.sources.get(item.source)
        if source is not None and source.awaiting:
            report.error(path, item.source_line, f"source '{item.source}' is awaiting assessment and cannot be "
                         f"counted as evidence ({source.path}:{source.field_lines.get('awaiting', source.line)})",
                         "list it under awaiting: with a note, or complete its record and remove its awaiting field")
    for waiting in claim.awaiting:
        check_source_ref(path, waiting.source, waiting.source_line, project, report)
        source = project.sources.get(waiting.source)
        if source is not None and not source.awaiting:
            report.error(path, waiting.source_line, f"source '{waiting.source}' is listed as awaiting assessment "
                         "but its record is complete", "count it in evidence: instead")
        if any(item.source == waiting.source for item in claim.evidence):
            report.error(path, waiting.source_line, f"source '{waiting.source}' is both evidence and awaiting "
                         "assessment", "keep it in one of the two lists")
    notices = project.notices
    items = claim.lines.get("safety_items", [])
    for index, notice in enumerate(claim.safety):
        if isinstance(notice, str):
            check_notice_ref(path, notice, items[index] if index < len(items) else claim.line("safety"), project, report)
    if claim.topic in config.safety_required_topics and not claim.safety:
        report.error(path, claim.line("safety"), f"a claim in topic '{claim.topic}' needs at least one safety notice",
                     f"add a notice id ({', '.join(sorted(notices)[:4])}, ...) or an inline notice with a level")
    _check_dates(claim, config, report, today)


def check_claim_alone(claim: Claim, config, report: Report, grades=None) -> None:
    """The checks that need nothing but the claim and the configuration. They run when the file is
    parsed, so their results are cached with it (see load.py); cross-file checks run in validate().
    ``grades``: a :class:`~claimsite.cache.GradeCache` of reading grades computed before."""
    check_quote_lengths(claim, report)
    if claim.reviewed.year < 1990:
        report.error(claim.path, claim.line("reviewed"), f"review date {claim.reviewed} is implausibly early")
    if claim.review_by and claim.review_by <= claim.reviewed:
        report.error(claim.path, claim.line("review_by"), f"review_by {claim.review_by} is not after reviewed {claim.reviewed}")
    _check_grade(claim, config, report)
    _check_wording(claim, config, report)
    _check_readability(claim, config, report, grades)


QUOTE_WORDS = (5, 25)  # CONTRIBUTING: "a short passage (5–25 words) that makes the claim"


def check_quote_lengths(claim, report: Report) -> None:
    low, high = QUOTE_WORDS
    for quote in claim.claimed_in:
        words = len(quote.quote.split())
        if words < low or words > high:
            report.error(claim.path, quote.line, f"quote has {words} word{'s' if words != 1 else ''}; a quote is "
                         f"{low} to {high} words", "quote the words that make the claim, no more" if words > high
                         else "quote enough words to show what the article claims")


def check_overlaps(project: Project, report: Report, indexes: dict[str, TextIndex]) -> None:
    """Two claims quoting overlapping words of an article are usually one claim reviewed twice: the claim
    published later is warned, naming the other, unless either lists the other under `overlaps`."""
    spans: dict[str, list[tuple[int, int, Claim, object]]] = {}
    for claim in [*project.claims, *(c for c in project.partial_claims if c.id)]:
        for quote in claim.claimed_in:
            index = indexes.get(quote.article)
            if index is None:
                continue
            for a, b in index.occurrences(quote.normalized or normalize(quote.quote)):
                spans.setdefault(quote.article, []).append((a, b, claim, quote))
    warned = set()
    for article, items in spans.items():
        items.sort(key=lambda s: (s[0], s[1], s[2].id))
        for i, (a, b, first, q1) in enumerate(items):
            for c, d, second, q2 in items[i + 1:]:
                if c >= b:
                    break
                if first.id == second.id or first.id in q2.overlaps or second.id in q1.overlaps:
                    continue
                newer, quote, older, other = (second, q2, first, q1) if (second.first_published, second.id) > \
                    (first.first_published, first.id) else (first, q1, second, q2)
                if (newer.id, older.id) in warned:
                    continue
                warned.add((newer.id, older.id))
                report.warning(newer.path, quote.line, f"quote overlaps the quote of claim '{older.id}' "
                               f"({older.path}:{other.line})",
                               f"if it is the same claim, add this quote to '{older.id}' under claimed_in instead; "
                               f"if the passage makes two claims, add `overlaps: [{older.id}]` to this quote")


def _check_dates(claim: Claim, config, report: Report, today: dt.date) -> None:
    latest = today + dt.timedelta(days=config.future_date_grace_days)
    if claim.reviewed > latest:
        report.error(claim.path, claim.line("reviewed"), f"review date {claim.reviewed} is in the future",
                     "use the date the review was done")
    for entry in claim.changelog:
        if entry.date > latest:
            report.error(claim.path, entry.line, f"change-log date {entry.date} is in the future",
                         "use the date the change was published")
        elif entry.date.year < 1990:
            report.error(claim.path, entry.line, f"change-log date {entry.date} is implausibly early")
    if claim.as_of and claim.as_of > today.isoformat()[:len(claim.as_of)]:
        report.error(claim.path, claim.line("as_of"), f"as_of {claim.as_of} is in the future",
                     "as_of is the date up to which the bottom line was checked")
    if claim.due(config) < today:
        report.warning(claim.path, claim.line("review_by") if claim.review_by else claim.line("reviewed"),
                       f"review overdue since {claim.due(config)}",
                       "re-check the literature, then update reviewed (and review_by)")


def _check_accessed(project: Project, report: Report, today: dt.date) -> None:
    latest = today + dt.timedelta(days=project.config.future_date_grace_days)
    for article in project.articles.values():
        if article.accessed and article.accessed > latest:
            report.error(article.path, article.accessed_line or article.line,
                         f"accessed date {article.accessed} is in the future",
                         "use the date the article was read and its text stored")


def expected_certainty(claim: Claim, config) -> str:
    """The certainty the GRADE arithmetic gives (claims outside GRADE keep their stated state)."""
    if claim.rationale.starting_level is None:
        return claim.certainty
    return _graded(config, claim.rationale.starting_level, sum(a.by for a in claim.rationale.lowered),
                   sum(a.by for a in claim.rationale.raised))


def _graded(config, start: str, lowered: int, raised: int) -> str:
    return config.level_at(config.rank(start) - lowered + raised).id


def _report_grade_mismatch(report: Report, path: str, line: int, certainty: str, start: str, lowered: int,
                           raised: int, expected: str) -> None:
    report.error(path, line, f"certainty '{certainty}' does not follow from the rationale: starting level "
                 f"'{start}', lowered {lowered}, raised {raised} gives '{expected}'",
                 "fix the certainty or the domains in rationale.lowered / rationale.raised")


def _check_grade(claim: Claim, config, report: Report) -> None:
    level = config.lookup("certainty")[claim.certainty]
    topic = config.lookup("topics").get(claim.topic)
    rationale = claim.rationale
    if topic is not None and topic.dated_facts:
        ungraded = [c.id for c in config.certainty if not c.graded]
        if level.graded:
            report.error(claim.path, claim.line("certainty"),
                         f"claims in topic '{claim.topic}' are dated facts, not graded evidence: certainty "
                         f"'{claim.certainty}' is a GRADE level",
                         f"use certainty {' or '.join(ungraded) or '(a certainty entry with graded: false)'} and give as_of")
        if not claim.as_of:
            report.error(claim.path, claim.line("topic"), f"a dated fact (topic '{claim.topic}') needs as_of",
                         "add as_of: the month (YYYY-MM) up to which the bottom line was checked, e.g. as_of: 2025-08")
    elif claim.as_of:
        report.error(claim.path, claim.line("as_of"), "as_of is for dated facts only",
                     f"topics with dated facts: {', '.join(t.id for t in config.topics if t.dated_facts) or 'none'}")
    elif not level.graded:
        report.error(claim.path, claim.line("certainty"), f"certainty '{claim.certainty}' is for dated facts of law and "
                     "regulation only", f"topics with dated facts: {', '.join(t.id for t in config.topics if t.dated_facts) or 'none'}")
    if not level.on_grade_scale:
        what = "no study has tested the claim" if level.no_evidence else "the claim is not graded with GRADE"
        if rationale.starting_level or rationale.lowered or rationale.raised:
            report.error(claim.path, rationale.line or claim.line("rationale"),
                         f"certainty '{claim.certainty}' means {what}: there is no GRADE arithmetic to do",
                         "remove rationale.starting_level, lowered and raised; explain in rationale.summary")
        return
    if rationale.starting_level is None:
        report.error(claim.path, rationale.line or claim.line("rationale"), "rationale needs a starting_level",
                     f"where GRADE starts this kind of evidence: one of {', '.join(c.id for c in config.grade_levels())}")
        return
    expected = expected_certainty(claim, config)
    if expected != claim.certainty:
        _report_grade_mismatch(report, claim.path, claim.line("certainty"), claim.certainty,
                               claim.rationale.starting_level, sum(a.by for a in claim.rationale.lowered),
                               sum(a.by for a in claim.rationale.raised), expected)


_OVERCLAIM = re.compile(r"\b(prove[sdn]?|proof|cures?|cured|guarantee[sd]?)\b", re.I)
_SAFE = re.compile(r"\bsafe(ly)?\b", re.I)
_NEGATION = re.compile(r"\b(no|not|never|nor|neither|without|cannot|isn't|aren't|wasn't|unproven)\b", re.I)


def _unnegated_safe(text: str) -> re.Match | None:
    """'safe' said as a fact; 'no established safe dose' and 'not shown to be safe' are fine."""
    for match in _SAFE.finditer(text):
        clause = re.split(r"[.;:!?]", text[:match.start()])[-1]
        before = clause.split()[-10:]
        if not _NEGATION.search(" ".join(before)):
            return match
    return None


@functools.lru_cache(maxsize=64)
def _phrases(phrases: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b")


def _check_wording(claim: Claim, config, report: Report) -> None:
    text = claim.bottom_line
    lowered = normalize(text).lower()
    line = claim.line("bottom_line")
    match = _OVERCLAIM.search(text)
    if match:
        report.error(claim.path, line, f"bottom line says '{match.group(0)}'",
                     "evidence reviews report what studies show; rephrase without proof or cure language")
    match = _unnegated_safe(text)
    if match:
        report.error(claim.path, line, f"bottom line calls something '{match.group(0)}'",
                     "no review can show kratom use is safe; describe the risks found instead")
    level = config.lookup("certainty")[claim.certainty]
    if level.phrases and not _phrases(level.phrases).search(lowered):
        report.warning(claim.path, line,
                       f"bottom line does not speak as '{level.label}' certainty requires ({level.wording})",
                       f"use one of: {', '.join(level.phrases[:5])}")


_MARKUP = re.compile(r"[*_`]+|\[([^\]]*)\]\([^)]*\)")


def reading_grade(text: str, grades=None) -> float:
    """The school grade level a text reads at (Flesch–Kincaid, from the textstat library); ``grades``, a
    :class:`~claimsite.cache.GradeCache`, gives those computed before (textstat is then not even loaded)."""
    plain = " ".join(_MARKUP.sub(lambda m: m.group(1) or "", text).split())
    return _flesch_kincaid(plain) if grades is None else grades.grade(plain, _flesch_kincaid)


def _flesch_kincaid(plain: str) -> float:
    try:
        import textstat
    except ImportError:  # an environment set up before the lint existed: a message, not a traceback
        raise ConfigError("review.yml sets readability.max_grade, which needs the textstat package, not "
                          "installed here\n    hint: run `make check` (it installs the pinned tools into "
                          ".venv/), or pip install -c constraints.txt -e .") from None

    return float(textstat.flesch_kincaid_grade(plain))


def _check_readability(claim: Claim, config, report: Report, grades=None) -> None:
    """Bottom lines are for readers: warn when one reads above the grade set in review.yml (readability.max_grade)."""
    limit = getattr(config, "readability_grade", None)
    if limit is None:
        return
    grade = reading_grade(claim.bottom_line, grades)
    if grade > limit:
        report.warning(claim.path, claim.line("bottom_line"),
                       f"bottom line reads at school grade {grade:.1f} (Flesch–Kincaid), above the limit of {limit:g}",
                       "use shorter sentences (one idea each) and common words; explain or replace technical terms")


def check_coverage(project: Project, report: Report, indexes: dict[str, TextIndex] | None = None,
                   intended: dict[str, set[str]] | None = None) -> None:
    """Every sentence of a reviewed article is covered by a claim quote or listed as left out.

    A sentence is covered when a quote lies within it or it lies within a quote.  Positions in the
    normalised text make this linear in the number of sentences and quotes.
    """
    quoted: dict[str, set[str]] = {k: set(v) for k, v in (intended or {}).items()}
    for claim in [*project.claims, *project.partial_claims]:
        for quote in claim.claimed_in:
            quoted.setdefault(quote.article, set()).add(quote.normalized or normalize(quote.quote))
    # a claim file that is not YAML may quote any sentence of the articles it names: no guesses
    unknown = {a for c in project.unparsed_claims for a in c.articles} | \
        ({"*"} if any(not c.articles for c in project.unparsed_claims) else set())
    for article in project.articles.values():
        if not article.text or article.id in unknown or "*" in unknown:
            continue
        text = article.normalized
        index = (indexes or {}).get(article.id) or TextIndex(text)
        for item in article.left_out:
            if normalize(item.quote) not in index:
                report.error(article.path, item.line, "left-out quote not found verbatim in the article text")
        found, cursor = [], 0
        for number, flat in sentences(article.text):
            at = text.find(flat, cursor)
            if at >= 0:
                cursor = at + len(flat)
            found.append((at, at + len(flat) if at >= 0 else -1, number, flat))
        starts = [f[0] for f in found]
        covered = [False] * len(found)
        spans = quoted.get(article.id, set()) | {normalize(item.quote) for item in article.left_out}
        for span in spans:
            for a, b in index.occurrences(span):
                i = bisect.bisect_right(starts, a) - 1
                if i >= 0 and found[i][1] >= b:
                    covered[i] = True  # the quote lies within this sentence
                i = bisect.bisect_left(starts, a)
                while i < len(found) and found[i][0] < b:
                    if found[i][1] <= b:
                        covered[i] = True  # the sentence lies within the quote
                    i += 1
        for (at, _end, number, flat), done in zip(found, covered):
            if done or is_heading(flat):
                continue
            report.warning(article.snapshot, number,
                           f"sentence not reviewed: \"{flat[:70]}{'…' if len(flat) > 70 else ''}\"",
                           f"quote it in a claim, or list it under left_out in {article.path} with the reason")


EXCERPT_WORDS = 60  # an excerpt is one or two sentences; past this many words it is a passage


def _passage_hint(excerpt: str, passage) -> str:
    """Where the stored text comes closest to a mismatched excerpt, as file:line and the text itself."""
    best, best_ratio, offset = (0, 0), -1.0, 0
    for paragraph in passage.normalized.split("\n"):
        matcher = difflib.SequenceMatcher(None, paragraph, excerpt, autojunk=False)
        match = matcher.find_longest_match(0, len(paragraph), 0, len(excerpt))
        start = max(0, match.a - match.b)
        ratio = difflib.SequenceMatcher(None, paragraph[start:start + len(excerpt)], excerpt, autojunk=False).ratio()
        if ratio > best_ratio:
            best, best_ratio = (offset + start, offset + min(len(paragraph), start + len(excerpt))), ratio
        offset += len(paragraph) + 1
    text = passage.normalized
    start, end = best
    while start > 0 and text[start - 1] not in " \n":  # whole words only
        start -= 1
    while end < len(text) and text[end] not in " \n":
        end += 1
    near = text[start:end]
    if not near.strip():
        return "copy the words exactly from the stored text"
    shown = near[:160] + ("…" if len(near) > 160 else "")
    return f"closest stored text ({passage.path}:{passage.line_at(start)}): \"{shown}\""


def check_excerpts(project: Project, report: Report, today: dt.date | None = None) -> None:
    """Each excerpt is in its source's stored text; sources and evidence without stored words are reported."""
    config = project.config
    passages = project.passages
    latest = (today or _today()) + dt.timedelta(days=config.future_date_grace_days)
    for passage in passages.values():
        if passage.read > latest:
            report.error(passage.path, passage.line, f"read date {passage.read} is in the future",
                         "use the date the source was read")
    cited: dict[str, int] = {}
    for claim in project.claims:
        for item in claim.evidence:
            if item.source not in project.sources:
                continue  # reported as an unknown source
            cited[item.source] = cited.get(item.source, 0) + 1
            if not item.excerpt:
                if config.require_excerpts:
                    report.warning(claim.path, item.line, f"evidence from '{item.source}' has no excerpt",
                                   "add excerpt: the sentence or two of the source the finding rests on, copied from "
                                   f"{_passage_path(project, item.source)}")
                continue
            passage = passages.get(item.source)
            line = item.excerpt_line or item.line
            if passage is None:
                report.error(claim.path, line, f"excerpt cannot be checked: source '{item.source}' has no stored text",
                             f"store the passages you read in {_passage_path(project, item.source)} "
                             "(source, seen, read, text)")
                continue
            flat = normalize(item.excerpt)
            if flat not in passage.normalized:
                report.error(claim.path, line, f"excerpt not found verbatim in the stored text of '{item.source}' "
                             f"({passage.path})", _passage_hint(flat, passage))
            elif len(flat.split()) > EXCERPT_WORDS:
                report.warning(claim.path, line, f"excerpt from '{item.source}' is {len(flat.split())} words long",
                               f"quote the one or two sentences the finding rests on (at most about {EXCERPT_WORDS - 10} words)")
    for key, passage in passages.items():
        if key not in project.sources:
            close = difflib.get_close_matches(key, list(project.sources), n=1)
            report.error(passage.path, passage.line, f"stored text for unknown source '{key}'",
                         f"did you mean '{close[0]}'? (rename the file and its source)" if close
                         else "add the BibTeX entry to a file in sources/, or delete this file")
    if config.require_excerpts:
        for key, count in sorted(cited.items()):
            if key not in passages:
                source = project.sources[key]
                report.warning(source.path, source.line, f"source '{key}' is cited by {count} evidence "
                               f"entr{'y' if count == 1 else 'ies'} but has no stored text",
                               f"copy the passages you read into {_passage_path(project, key)}")


def _passage_path(project: Project, key: str) -> str:
    folder = project.config.passages_dir
    try:
        folder = folder.relative_to(project.config.root)
    except ValueError:
        pass
    return f"{folder.as_posix()}/{key}.yml"


def check_notices(project: Project, report: Report) -> None:
    config = project.config
    lines = dict(config.notice_lines)
    listed = [("article_notices", "article_notices", config.article_notices)]
    listed += [(topic, f"topic '{topic}' notices", ids) for topic, ids in config.topic_notices]
    for key, where, ids in listed:
        for notice_id in ids:
            if notice_id not in project.notices:
                close = difflib.get_close_matches(notice_id, list(project.notices), n=1)
                report.error(config.path, lines.get(key, 0), f"{where} lists unknown notice '{notice_id}'",
                             f"did you mean '{close[0]}'?" if close else "use an id from the notices file")
    for notice in project.notices.values():
        for key in notice.sources:
            if key not in project.sources:
                report.error(notice.path, notice.line, f"notice '{notice.id}' cites unknown source '{key}'")
            elif project.sources[key].awaiting:
                report.error(notice.path, notice.line, f"notice '{notice.id}' cites '{key}', which is awaiting "
                             "assessment", "a safety notice rests only on sources whose record is complete")


def _check_duplicate_identifiers(project: Project, report: Report) -> None:
    seen: dict[tuple[str, str], str] = {}
    for key, source in sorted(project.sources.items(), key=lambda kv: (kv[1].path, kv[1].line)):
        for kind, value in (("DOI", source.doi.lower()), ("PMID", source.pmid)):
            if not value:
                continue
            first = seen.setdefault((kind, value), key)
            if first != key:
                report.error(source.path, source.line, f"source '{key}' has the same {kind} as '{first}'",
                             f"cite '{first}' instead and remove this entry")


SCHEMA_COPY = "schema/claim.schema.json"


def check_schema_copy(project: Project, report: Report) -> None:
    """The copy of the claim schema that editors use must match the configuration."""
    import json

    from .schema import claim_schema

    path = project.config.root / SCHEMA_COPY
    if not path.is_file():
        return
    try:
        current = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        current = None
    if current != claim_schema(project.config.enums()):
        report.warning(path, 0, "the claim schema for editors is out of date with review.yml",
                       "run `python build.py reference` (or `make reference`)")


def check_reference(project: Project, report: Report) -> None:
    """The generated claim-format reference must match the schema and the configuration."""
    from .reference import REFERENCE_PATH, reference_problem

    problem = reference_problem(project.config)
    if problem:
        report.warning(project.config.root / REFERENCE_PATH, 0, problem,
                       "run `python build.py reference` (or `make reference`) and commit the result")


def check_key_messages(project: Project, report: Report) -> None:
    """Every claim a key message links to exists, and no message is more certain than its claims."""
    config = project.config
    claims = project.claims_by_id()
    # a claim file with errors of its own is not reported again as an unknown claim here
    broken = {c.id for c in project.partial_claims} | \
        {c.path.rsplit("/", 1)[-1].rsplit(".", 1)[0] for c in [*project.partial_claims, *project.unparsed_claims]}
    groups = [("the review", config.key_messages)] + [(f"topic '{t}'", m) for t, m in config.topic_messages]
    for where, messages in groups:
        for message in messages:
            known = [claims[c] for c in message.claims if c in claims]
            for claim_id in message.claims:
                if claim_id not in claims and claim_id not in broken:
                    close = difflib.get_close_matches(claim_id, list(claims), n=1)
                    report.error(config.path, message.line, f"key message of {where} links to unknown claim '{claim_id}'",
                                 f"did you mean '{close[0]}'?" if close else "use the id of a claim file (its name without .yaml)")
            if known and config.rank(message.certainty) > max(config.rank(c.certainty) for c in known):
                highest = max(known, key=lambda c: config.rank(c.certainty))
                report.warning(config.path, message.line,
                               f"key message of {where} is stated at '{message.certainty}' certainty, higher than any "
                               f"of its claims (at most '{highest.certainty}')",
                               "a key message cannot be more certain than the evidence behind it")


def validate(project: Project, report: Report, today: dt.date | None = None, *, git: bool = True) -> None:
    today = today or _today()
    indexes = {a.id: TextIndex(a.normalized) for a in project.articles.values()}
    wanted: dict[str, set[str]] = {}
    for claim in [*project.claims, *project.partial_claims]:
        for quote in claim.claimed_in:
            wanted.setdefault(quote.article, set()).add(quote.normalized or normalize(quote.quote))
    for article in project.articles.values():
        indexes[article.id].prepare(wanted.get(article.id, set()) | {normalize(i.quote) for i in article.left_out})
    intended: dict[str, set[str]] = {}  # passages that misquotes were meant to quote
    seen: dict[str, Claim] = {}
    for claim in project.claims:
        if claim.id in seen:
            report.error(claim.path, claim.line("id"), f"duplicate claim id '{claim.id}' (also {seen[claim.id].path})",
                         "claim ids are unique across all folders")
            continue
        seen[claim.id] = claim
        check_claim(claim, project, report, today, indexes, intended)
    for partial in project.partial_claims:
        check_partial(partial, project, report, today, indexes, intended)
    check_overlaps(project, report, indexes)
    check_notices(project, report)
    check_excerpts(project, report, today)
    _check_accessed(project, report, today)
    check_coverage(project, report, indexes, intended)
    check_schema_copy(project, report)
    check_reference(project, report)
    _check_duplicate_identifiers(project, report)
    check_key_messages(project, report)
    if git:
        from .history import check_changelog

        check_changelog(project, report, today)
    cited = {item.source for claim in project.claims for item in claim.evidence}
    cited |= {waiting.source for claim in project.claims for waiting in claim.awaiting}
    cited |= {key for claim in project.partial_claims for key, _ in claim.sources}
    cited |= {key for claim in project.unparsed_claims for key in claim.sources}
    for notice in project.notices.values():
        cited.update(notice.sources)
    for key, source in project.sources.items():
        if key not in cited:
            report.warning(source.path, source.line, f"source '{key}' is not cited by any claim or notice",
                           "cite it in an evidence entry, or remove it")
