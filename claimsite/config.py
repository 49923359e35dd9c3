"""The review's configuration (``review.yml``): topics, scales and paths.

Nothing about a particular review lives in code; everything a review grades
claims on is read from here and checked, with file:line messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import ConfigError
from .yamlio import LDict, LList, load_yaml, read_text

CONFIG_FILE = "review.yml"
COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
SLUG = re.compile(r"^[a-z0-9]+([-_][a-z0-9]+)*$")


@dataclass(frozen=True)
class Level:
    """One step of a scale (a topic, verdict, certainty level, direction, notice level or domain)."""

    id: str
    label: str
    description: str = ""
    symbol: str = ""
    color: str = ""
    wording: str = ""
    phrases: tuple[str, ...] = ()
    no_evidence: bool = False  # certainty: "no study has tested this"; no GRADE arithmetic
    graded: bool = True  # certainty: False for a state outside GRADE (e.g. dated facts of law)
    dated_facts: bool = False  # topic: its claims are dated facts (certainty not graded, `as_of` date)

    @property
    def on_grade_scale(self) -> bool:
        """A GRADE level (high ... very low), as opposed to "no studies" or "not graded"."""
        return self.graded and not self.no_evidence


@dataclass(frozen=True)
class Criterion:
    """One question of an article scorecard; answered from claims (topics or verdicts) or by the reviewer."""

    id: str
    question: str
    topics: tuple[str, ...] = ()
    verdicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class VerdictSentence:
    """The plain sentence under a claim's heading for a verdict, a certainty level, or both."""

    verdict: str | None
    certainty: str | None
    text: str


@dataclass(frozen=True)
class KeyMessage:
    """One plain sentence that answers a reader's question, with its certainty and the claims behind it."""

    text: str
    certainty: str
    claims: tuple[str, ...]
    line: int = 0


@dataclass(frozen=True)
class Config:
    root: Path
    path: Path
    title: str
    claims_dir: Path
    sources_dir: Path
    articles_dir: Path
    notices_file: Path
    templates_dir: Path
    passages_dir: Path
    topics: tuple[Level, ...]
    verdicts: tuple[Level, ...]
    certainty: tuple[Level, ...]  # highest first
    directions: tuple[Level, ...]
    notice_levels: tuple[Level, ...]  # least serious first
    lowering_domains: tuple[Level, ...]
    raising_domains: tuple[Level, ...]
    safety_required_topics: tuple[str, ...]
    review_interval_days: int
    future_date_grace_days: int
    publisher: str = "Evidence review"
    scorecard: tuple[Criterion, ...] = ()
    key_messages: tuple[KeyMessage, ...] = ()
    topic_messages: tuple[tuple[str, tuple[KeyMessage, ...]], ...] = ()  # (topic id, its key messages)
    readability_grade: float | None = None  # bottom lines reading above this grade level get a warning
    glossary_file: Path | None = None
    verdict_sentences: tuple[VerdictSentence, ...] = ()
    central_topics: tuple[str, ...] = ()  # an article's central claims (the rest are background)
    article_notices: tuple[str, ...] = ()  # shared notices shown on every reviewed article's page
    topic_notices: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (topic id, notices shown on its page)
    notice_lines: tuple[tuple[str, int], ...] = ()  # ("article_notices" or a topic id, line in review.yml)

    def verdict_sentence(self, verdict: str, certainty: str) -> str:
        """The most specific sentence: for the verdict and certainty, the certainty alone, the verdict alone."""
        best, score = None, -1
        for rule in self.verdict_sentences:
            if rule.verdict not in (None, verdict) or rule.certainty not in (None, certainty):
                continue
            rank = (rule.verdict is not None) + 2 * (rule.certainty is not None)
            if rank > score:
                best, score = rule, rank
        return best.text if best else ""

    def messages_for(self, topic_id: str) -> tuple[KeyMessage, ...]:
        return dict(self.topic_messages).get(topic_id, ())
    require_excerpts: bool = True

    def enums(self) -> dict[str, list[str]]:
        """The values the claim schema's ``$config:`` placeholders stand for."""
        return {
            "topics": [t.id for t in self.topics],
            "verdicts": [v.id for v in self.verdicts],
            "certainty": [c.id for c in self.certainty],
            "grade_levels": [c.id for c in self.grade_levels()],
            "directions": [d.id for d in self.directions],
            "notice_levels": [n.id for n in self.notice_levels],
            "lowering_domains": [d.id for d in self.lowering_domains],
            "raising_domains": [d.id for d in self.raising_domains],
        }

    def grade_levels(self) -> tuple[Level, ...]:
        """The GRADE levels of the certainty scale, highest first (without "no studies" or "not graded")."""
        return tuple(c for c in self.certainty if c.on_grade_scale)

    def rank(self, certainty_id: str) -> int:
        """Certainty as a number: the lowest GRADE level is 1, each level above adds 1; a state outside the
        scale ("no studies", "not graded") is 0, below any graded level."""
        ids = [c.id for c in self.grade_levels()]
        return len(ids) - ids.index(certainty_id) if certainty_id in ids else 0

    def level_at(self, rank: int) -> Level:
        levels = self.grade_levels()
        rank = max(1, min(rank, len(levels)))
        return levels[len(levels) - rank]

    def notices_for_topic(self, topic_id: str) -> tuple[str, ...]:
        return dict(self.topic_notices).get(topic_id, ())

    def lookup(self, scale: str) -> dict[str, Level]:
        return {level.id: level for level in getattr(self, scale)}


def _fail(path: Path, line: int, message: str, hint: str = "") -> ConfigError:
    path = _shown(path)
    text = f"{path}:{line}: error: {message}" if line else f"{path}: error: {message}"
    return ConfigError(text + (f"\n    hint: {hint}" if hint else ""))


def _shown(path: Path) -> str:
    """The path as the user sees it: relative to the current folder when inside it."""
    import os

    text = os.path.abspath(path)
    rel = os.path.relpath(text)
    return text if rel.startswith("..") else rel


def _levels(doc: LDict, key: str, path: Path, *, min_items: int = 1) -> tuple[Level, ...]:
    items = doc.get(key)
    if not isinstance(items, LList) or len(items) < min_items:
        raise _fail(path, doc.line_of(key), f"'{key}' must be a list of at least {min_items} entries with 'id' and 'label'")
    levels, seen = [], set()
    for index, item in enumerate(items):
        line = items.line_of(index)
        if not isinstance(item, LDict) or not isinstance(item.get("id"), str) or not isinstance(item.get("label"), str):
            raise _fail(path, line, f"each entry of '{key}' needs text fields 'id' and 'label'")
        if not SLUG.match(item["id"]):
            raise _fail(path, line, f"'{key}' id '{item['id']}' must be lowercase letters, digits, '-' or '_'")
        if item["id"] in seen:
            raise _fail(path, line, f"'{key}' lists '{item['id']}' twice")
        seen.add(item["id"])
        flags = _FLAGS.get(key, ())
        unknown = set(item) - {"id", "label", "description", "symbol", "color", "wording", "phrases", *flags} \
            - ({"key_messages", "notices"} if key == "topics" else set())
        if unknown:
            raise _fail(path, item.line_of(sorted(unknown)[0]), f"unknown key '{sorted(unknown)[0]}' in '{key}'")
        phrases = item.get("phrases") or []
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise _fail(path, item.line_of("phrases"), "'phrases' must be a list of text")
        for field in ("description", "symbol", "color", "wording"):
            if field in item and not isinstance(item[field], str):
                raise _fail(path, item.line_of(field), f"'{field}' in '{key}' must be text")
        for flag in flags:
            if flag in item and not isinstance(item[flag], bool):
                raise _fail(path, item.line_of(flag), f"'{flag}' in '{key}' must be true or false")
        if item.get("color") and not COLOR.match(item["color"]):
            raise _fail(path, item.line_of("color"), f"'color' of '{item['id']}' in '{key}' must be a colour "
                        f"written #rgb or #rrggbb, not '{item['color'][:40]}'",
                        "e.g. color: \"#1b6e3a\" (quoted: # starts a comment in YAML)")
        levels.append(Level(item["id"], item["label"], item.get("description", ""), item.get("symbol", ""),
                            item.get("color", ""), item.get("wording", ""), tuple(p.lower() for p in phrases),
                            no_evidence=item.get("no_evidence", False), graded=item.get("graded", True),
                            dated_facts=item.get("dated_facts", False)))
    return tuple(levels)


# The true/false settings each scale's entries may carry.
_FLAGS = {"certainty": ("no_evidence", "graded"), "topics": ("dated_facts",)}


def _certainty(doc: LDict, path: Path) -> tuple[Level, ...]:
    levels = _levels(doc, "certainty", path, min_items=2)
    items = doc["certainty"]
    for index, level in enumerate(levels):
        if level.no_evidence and not level.graded:
            raise _fail(path, items.line_of(index), f"certainty '{level.id}': 'no_evidence' and 'graded: false' "
                        "are different states; set one of them")
    if len([c for c in levels if c.on_grade_scale]) < 2:
        raise _fail(path, doc.line_of("certainty"), "'certainty' needs at least 2 GRADE levels "
                    "(entries without 'no_evidence' or 'graded: false')")
    return levels


def load_config(root: Path | str) -> Config:
    """Read ``review.yml`` in ``root``; raises :class:`ConfigError` with file:line on any problem."""
    root = Path(root)
    path = root / CONFIG_FILE
    if not path.is_file():
        raise ConfigError(f"{path}: error: no {CONFIG_FILE} here; run in the review's folder or pass --root")
    text, problem = read_text(path, root)
    if problem:
        raise _fail(path, problem.line, problem.message)
    doc, problems = load_yaml(text)
    if problems:
        raise _fail(path, problems[0].line, problems[0].message)
    if not isinstance(doc, LDict):
        raise _fail(path, 1, "the configuration must be a mapping of settings")
    known = {"title", "paths", "safety_required_topics", "review_interval_days", "future_date_grace_days",
             "topics", "verdicts", "certainty", "directions", "notice_levels", "lowering_domains", "raising_domains",
             "publisher", "scorecard", "key_messages", "readability", "require_excerpts",
             "verdict_sentences", "central_topics", "article_notices"}
    for key in doc:
        if key not in known:
            raise _fail(path, doc.line_of(key), f"unknown setting '{key}'; known settings: {', '.join(sorted(known))}")
    paths = doc.get("paths") or LDict()
    if not isinstance(paths, dict):
        raise _fail(path, doc.line_of("paths"), "'paths' must be a mapping")
    defaults = {"claims": "claims", "sources": "sources", "articles": "sources/articles", "notices": "content/notices.yml",
                "templates": "templates", "passages": "sources/passages", "glossary": "content/glossary.yml"}
    resolved = {}
    for key, default in defaults.items():
        value = paths.get(key, default)
        if not isinstance(value, str) or value.startswith("/") or ".." in Path(value).parts:
            raise _fail(path, paths.line_of(key) if isinstance(paths, LDict) else 0,
                        f"'paths.{key}' must be a relative path inside the project")
        resolved[key] = root / value
    topics = _levels(doc, "topics", path)
    required = doc.get("safety_required_topics", [])
    if not isinstance(required, list) or any(t not in {x.id for x in topics} for t in required):
        raise _fail(path, doc.line_of("safety_required_topics"), "'safety_required_topics' must list configured topics")
    ints = {}
    for key, default, most in (("review_interval_days", 365, 36525), ("future_date_grace_days", 1, 3660)):
        value = doc.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _fail(path, doc.line_of(key), f"'{key}' must be a whole number of days")
        if value > most:
            raise _fail(path, doc.line_of(key), f"'{key}' is {value:,} days; at most {most:,} make sense",
                        f"the default is {default}")
        ints[key] = value
    title = doc.get("title", "Evidence review")
    if not isinstance(title, str):
        raise _fail(path, doc.line_of("title"), "'title' must be text")
    require_excerpts = doc.get("require_excerpts", True)
    if not isinstance(require_excerpts, bool):
        raise _fail(path, doc.line_of("require_excerpts"), "'require_excerpts' must be true or false")
    publisher = doc.get("publisher", title)
    if not isinstance(publisher, str):
        raise _fail(path, doc.line_of("publisher"), "'publisher' must be text")
    certainty_ids = {c["id"] for c in doc.get("certainty") or [] if isinstance(c, dict)}
    topic_messages = tuple((item["id"], _key_messages(item, path, certainty_ids))
                           for item in doc["topics"] if item.get("key_messages") is not None)
    return Config(
        root=root, path=path, title=title,
        claims_dir=resolved["claims"], sources_dir=resolved["sources"], articles_dir=resolved["articles"],
        notices_file=resolved["notices"], templates_dir=resolved["templates"], passages_dir=resolved["passages"],
        topics=topics, verdicts=_levels(doc, "verdicts", path), certainty=_certainty(doc, path),
        directions=_levels(doc, "directions", path), notice_levels=_levels(doc, "notice_levels", path),
        lowering_domains=_levels(doc, "lowering_domains", path), raising_domains=_levels(doc, "raising_domains", path),
        safety_required_topics=tuple(required), review_interval_days=ints["review_interval_days"],
        future_date_grace_days=ints["future_date_grace_days"],
        publisher=publisher,
        scorecard=_scorecard(doc, path, topics),
        glossary_file=resolved["glossary"],
        key_messages=_key_messages(doc, path, certainty_ids),
        topic_messages=topic_messages,
        readability_grade=_readability(doc, path),
        require_excerpts=require_excerpts,
        verdict_sentences=_verdict_sentences(doc, path),
        central_topics=_central_topics(doc, path, topics),
        article_notices=_notice_ids(doc, "article_notices", path),
        topic_notices=tuple((item["id"], _notice_ids(item, "notices", path))
                            for item in doc["topics"] if item.get("notices") is not None),
        notice_lines=(("article_notices", doc.line_of("article_notices")),
                      *((item["id"], item.line_of("notices")) for item in doc["topics"] if item.get("notices") is not None)),
    )


def _notice_ids(doc: LDict, key: str, path: Path) -> tuple[str, ...]:
    """A list of shared notice ids (content/notices.yml); `check` reports ids that are not defined."""
    value = doc.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and SLUG.match(v) for v in value):
        raise _fail(path, doc.line_of(key), f"'{key}' must be a list of notice ids from the notices file",
                    "e.g. [dependence-withdrawal, sedative-combinations]")
    return tuple(value)


def _verdict_sentences(doc: LDict, path: Path) -> tuple[VerdictSentence, ...]:
    """``verdict_sentences:`` a list of {verdict, certainty, text}; either id may be left out."""
    items = doc.get("verdict_sentences")
    if items is None:
        return ()
    if not isinstance(items, LList):
        raise _fail(path, doc.line_of("verdict_sentences"), "'verdict_sentences' must be a list of {verdict, certainty, text}")
    ids = {key: {c["id"] for c in doc.get(key) or [] if isinstance(c, dict)} for key in ("verdicts", "certainty")}
    rules, seen = [], set()
    for index, item in enumerate(items):
        line = items.line_of(index)
        if not isinstance(item, LDict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            raise _fail(path, line, "each verdict sentence needs 'text' (and 'verdict', 'certainty' or both)")
        unknown = set(item) - {"verdict", "certainty", "text"}
        if unknown:
            raise _fail(path, item.line_of(sorted(unknown)[0]), f"unknown key '{sorted(unknown)[0]}' in a verdict sentence")
        for key, scale in (("verdict", "verdicts"), ("certainty", "certainty")):
            if key in item and item[key] not in ids[scale]:
                raise _fail(path, item.line_of(key), f"verdict sentence: '{key}' must be one of: {', '.join(sorted(ids[scale]))}")
        pair = (item.get("verdict"), item.get("certainty"))
        if pair in seen:
            raise _fail(path, line, f"a second verdict sentence for verdict {pair[0] or 'any'}, certainty {pair[1] or 'any'}")
        seen.add(pair)
        rules.append(VerdictSentence(pair[0], pair[1], " ".join(item["text"].split())))
    return tuple(rules)


def _central_topics(doc: LDict, path: Path, topics: tuple[Level, ...]) -> tuple[str, ...]:
    """``central_topics:`` the topics whose claims are an article's central claims (its verdict rests on them)."""
    value = doc.get("central_topics")
    if value is None:
        return ()
    known = {t.id for t in topics}
    if not isinstance(value, list) or not value or any(t not in known for t in value):
        raise _fail(path, doc.line_of("central_topics"), f"'central_topics' must list configured topics: {', '.join(sorted(known))}")
    return tuple(value)


def _key_messages(doc: LDict, path: Path, certainty_ids: set[str]) -> tuple[KeyMessage, ...]:
    """``key_messages:`` of the review or of a topic: a list of {text, certainty, claims: [ids]}."""
    items = doc.get("key_messages")
    if items is None:
        return ()
    if not isinstance(items, LList):
        raise _fail(path, doc.line_of("key_messages"), "'key_messages' must be a list of {text, certainty, claims}")
    messages = []
    for index, item in enumerate(items):
        line = items.line_of(index)
        if not isinstance(item, LDict):
            raise _fail(path, line, "each key message needs 'text', 'certainty' and 'claims'")
        unknown = set(item) - {"text", "certainty", "claims"}
        if unknown:
            raise _fail(path, item.line_of(sorted(unknown)[0]), f"unknown key '{sorted(unknown)[0]}' in a key message")
        text, certainty, claims = item.get("text"), item.get("certainty"), item.get("claims")
        if not isinstance(text, str) or len(text.strip()) < 10:
            raise _fail(path, item.line_of("text") if "text" in item else line, "a key message needs 'text': a plain sentence")
        if certainty not in certainty_ids:
            raise _fail(path, item.line_of("certainty") if "certainty" in item else line,
                        f"a key message needs 'certainty', one of: {', '.join(sorted(certainty_ids))}")
        if not isinstance(claims, list) or not claims or not all(isinstance(c, str) for c in claims):
            raise _fail(path, item.line_of("claims") if "claims" in item else line,
                        "a key message needs 'claims': a list of the ids of the claims behind it")
        messages.append(KeyMessage(" ".join(text.split()), certainty, tuple(claims), line))
    return tuple(messages)


def _readability(doc: LDict, path: Path) -> float | None:
    """``readability: {max_grade: 9}``: the school grade level a bottom line should not read above."""
    block = doc.get("readability")
    if block is None:
        return None
    if not isinstance(block, LDict) or set(block) - {"max_grade"}:
        raise _fail(path, doc.line_of("readability"), "'readability' must be a mapping with 'max_grade' (a number)")
    grade = block.get("max_grade")
    if isinstance(grade, bool) or not isinstance(grade, (int, float)) or not 1 <= grade <= 20:
        raise _fail(path, block.line_of("max_grade") if "max_grade" in block else doc.line_of("readability"),
                    "'readability.max_grade' must be a school grade level between 1 and 20")
    return float(grade)


def _scorecard(doc: LDict, path: Path, topics: tuple[Level, ...]) -> tuple[Criterion, ...]:
    items = doc.get("scorecard") or []
    if not isinstance(items, list):
        raise _fail(path, doc.line_of("scorecard"), "'scorecard' must be a list of questions")
    verdict_ids = {v["id"] for v in doc.get("verdicts") or [] if isinstance(v, dict)}
    criteria = []
    for index, item in enumerate(items):
        line = items.line_of(index) if isinstance(items, LList) else 0
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(item.get("question"), str):
            raise _fail(path, line, "each scorecard entry needs text fields 'id' and 'question'")
        unknown = set(item) - {"id", "question", "from_topics", "from_verdicts"}
        if unknown:
            raise _fail(path, line, f"unknown key '{sorted(unknown)[0]}' in scorecard entry '{item['id']}'")
        from_topics = tuple(item.get("from_topics") or ())
        from_verdicts = tuple(item.get("from_verdicts") or ())
        if any(t not in {x.id for x in topics} for t in from_topics):
            raise _fail(path, line, f"scorecard entry '{item['id']}': from_topics must list configured topics")
        if any(v not in verdict_ids for v in from_verdicts):
            raise _fail(path, line, f"scorecard entry '{item['id']}': from_verdicts must list configured verdicts")
        criteria.append(Criterion(item["id"], item["question"], from_topics, from_verdicts))
    return tuple(criteria)
