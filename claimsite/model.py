"""The data model: typed, frozen records built by the loader.

No raw dicts travel past :mod:`claimsite.load`.  Every record keeps the file
and line it came from, so later checks can point at the exact place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .config import Config


@dataclass(frozen=True)
class Quote:
    article: str
    quote: str
    section: str | None
    line: int = field(default=0, compare=False)  # the line of `quote:`
    normalized: str = field(default="", compare=False, repr=False)  # the quote as matched against the article
    article_line: int = field(default=0, compare=False)  # the line of `article:`
    overlaps: tuple[str, ...] = field(default=(), compare=False)  # claims allowed to quote the same words


@dataclass(frozen=True)
class Evidence:
    source: str
    design: str
    finding: str
    direction: str
    population: str | None
    n: int | None
    locator: str | None
    excerpt: str | None = None  # the source's own words that the finding rests on, checked against its passages
    line: int = field(default=0, compare=False)
    source_line: int = field(default=0, compare=False)
    excerpt_line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Awaiting:
    """A study known to bear on a claim but not counted: its record is incomplete (the Cochrane reviews'
    "studies awaiting classification"). It names a source marked ``awaiting`` in the BibTeX."""

    source: str
    note: str
    line: int = field(default=0, compare=False)
    source_line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Adjustment:
    domain: str
    by: int
    why: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Rationale:
    starting_level: str | None  # None for a claim outside GRADE ("no studies", "not graded")
    lowered: tuple[Adjustment, ...]
    raised: tuple[Adjustment, ...]
    summary: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class InlineNotice:
    level: str
    text: str
    title: str | None = None


@dataclass(frozen=True)
class Notice:
    id: str
    level: str
    title: str
    text: str
    sources: tuple[str, ...]
    path: str
    line: int


@dataclass(frozen=True)
class ChangeEntry:
    """One entry of a claim's editorial change log (what readers see as its history)."""

    date: dt.date
    change: str
    conclusion_changed: bool
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Claim:
    id: str
    claim: str
    topic: str
    claimed_in: tuple[Quote, ...]
    verdict: str
    certainty: str
    bottom_line: str
    rationale: Rationale
    evidence: tuple[Evidence, ...]
    caveats: tuple[str, ...]
    safety: tuple[str | InlineNotice, ...]
    reviewed: dt.date
    review_by: dt.date | None
    reviewers: tuple[str, ...]
    path: str
    lines: dict = field(compare=False, hash=False, repr=False)
    changelog: tuple[ChangeEntry, ...] = ()  # newest first
    as_of: str | None = None  # a dated fact: YYYY-MM or YYYY-MM-DD up to which the bottom line was true
    awaiting: tuple[Awaiting, ...] = ()  # studies known but not counted (their record is incomplete)

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)

    @property
    def first_published(self) -> dt.date:
        return self.changelog[-1].date if self.changelog else self.reviewed

    def due(self, config: Config) -> dt.date:
        if self.review_by:
            return self.review_by
        try:
            return self.reviewed + dt.timedelta(days=config.review_interval_days)
        except OverflowError:  # reviewed near the end of the calendar (an error reported by check)
            return dt.date.max


@dataclass(frozen=True)
class PartialClaim:
    """What could be read of a claim file with schema errors: its references and the fields that are
    valid are still checked (so one run reports every problem), but it is never published."""

    path: str
    id: str | None
    claimed_in: tuple[Quote, ...] = ()
    sources: tuple[tuple[str, int], ...] = ()  # (BibTeX key, line) of evidence entries
    notices: tuple[tuple[str, int], ...] = ()  # (shared notice id, line) of safety entries
    reviewed: dt.date | None = None
    reviewed_line: int = 0
    # (certainty, its line, starting level, levels lowered, levels raised) when all of them are valid
    grade: tuple[str, int, str, int, int] | None = None

    @property
    def first_published(self) -> dt.date:
        return dt.date.max  # being written: newer than any published claim


@dataclass(frozen=True)
class UnparsedClaim:
    """A claim file that could not be read as YAML at all. Its references are guessed from the text only
    to avoid follow-on warnings (a source 'not cited', an article sentence 'not reviewed')."""

    path: str
    sources: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Author:
    last: str
    initials: str
    is_others: bool = False


@dataclass(frozen=True)
class Source:
    key: str
    entry_type: str
    fields: dict = field(compare=False, hash=False)
    path: str
    line: int
    field_lines: dict = field(compare=False, hash=False, repr=False)

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    @property
    def doi(self) -> str:
        return self.get("doi")

    @property
    def pmid(self) -> str:
        return self.get("pmid")

    @property
    def pmcid(self) -> str:
        return self.get("pmcid")

    @property
    def url(self) -> str:
        return self.get("url")

    @property
    def title(self) -> str:
        return self.get("title")

    @property
    def year(self) -> str:
        return self.get("year")

    @property
    def awaiting(self) -> str:
        """Why the work is not counted as evidence yet (its record is incomplete), or ''."""
        return self.get("awaiting")


@dataclass(frozen=True)
class Passage:
    """The stored text of one source (``sources/passages/<key>.yml``): what was read, where and when.

    Kept to check excerpts against; never published in full.  ``normalized`` holds the paragraphs,
    normalised like article text, one per line, so an excerpt cannot run from one passage into the next.
    """

    source: str
    seen: str
    read: dt.date
    text: str = field(repr=False)
    normalized: str = field(repr=False)
    path: str = ""
    line: int = 1
    text_line: int = 1
    # (offset in ``normalized``, file line) for the start of each stored line, to point at the closest text
    line_starts: tuple[tuple[int, int], ...] = field(default=(), compare=False, repr=False)

    def line_at(self, offset: int) -> int:
        found = self.text_line
        for start, number in self.line_starts:
            if start > offset:
                break
            found = number
        return found


@dataclass(frozen=True)
class LeftOut:
    quote: str
    reason: str
    line: int


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    publisher: str
    author: str
    url: str | None
    published: str | None
    accessed: dt.date | None
    description: str
    left_out: tuple[LeftOut, ...]
    snapshot: str
    scorecard: dict = field(compare=False, hash=False)
    text: str = field(repr=False)
    normalized: str = field(repr=False)
    path: str = ""
    line: int = 1
    accessed_line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Term:
    """A glossary entry: a technical word explained in plain words, and the other forms it appears in."""

    id: str
    term: str
    definition: str
    aliases: tuple[str, ...] = ()
    line: int = 0


@dataclass
class Project:
    """Everything loaded from one review: configuration, claims, sources, articles, notices."""

    config: Config
    claims: list[Claim]
    sources: dict[str, Source]
    articles: dict[str, Article]
    notices: dict[str, Notice]
    unreadable: set[str] = field(default_factory=set)  # ids (file stems) of files that failed to load
    passages: dict[str, Passage] = field(default_factory=dict)  # stored source text, by BibTeX key
    glossary: tuple[Term, ...] = ()
    claim_file_count: int = 0  # every claim file, valid or not (the check summary counts them all)
    partial_claims: list[PartialClaim] = field(default_factory=list)
    unparsed_claims: list[UnparsedClaim] = field(default_factory=list)

    def claims_by_id(self) -> dict[str, Claim]:
        cached = self.__dict__.get("_by_id")
        if cached is None or len(cached) != len(self.claims):
            cached = self.__dict__["_by_id"] = {c.id: c for c in self.claims}
        return cached

    def claims_by_topic(self) -> dict[str, list[Claim]]:
        grouped: dict[str, list[Claim]] = {t.id: [] for t in self.config.topics}
        for claim in self.claims:
            grouped.setdefault(claim.topic, []).append(claim)
        return grouped

    def citations(self) -> dict[str, list[tuple[Claim, Evidence]]]:
        cited: dict[str, list[tuple[Claim, Evidence]]] = {}
        for claim in self.claims:
            for item in claim.evidence:
                cited.setdefault(item.source, []).append((claim, item))
        return cited
