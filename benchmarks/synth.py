"""Synthetic evidence reviews of any size, for the benchmarks.

``make_project(root, n)`` writes a complete review of ``n`` claims that passes
``build.py check --strict`` with no errors and no warnings: every claim has 3-8
evidence entries, 1-3 verbatim quotes from a generated article text, 2-4
caveats, safety notices, a GRADE rationale whose arithmetic adds up, a short
readable bottom line and a change log; every evidence entry carries a verbatim
``excerpt`` found in its source's stored passages (``sources/passages/<key>.yml``,
one per source); there are ``n // 2`` BibTeX sources (each with doi, pmid and a
verified record, every one cited) and a few articles whose every sentence is
either quoted or listed under ``left_out``.  About one claim in 40 says that no
study has tested it (certainty ``no-studies``), and the claims of the dated-facts
topic (``legal``) are not graded and carry ``as_of``.  The scales come from the
repository's ``review.yml`` (its key messages replaced by ones that link to the
synthetic claims), the glossary and templates are the repository's, so the
project looks like the real review, only bigger.  The same ``seed`` gives the same project (dates are relative to
today, so that no review is overdue).
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
ARTICLES = 5  # "a few": the nav lists every article, so their number must not grow with the claims
BIB_ENTRIES_PER_FILE = 250

WORDS = """kratom leaf extract alkaloid mitragynine receptor opioid adrenergic sleep onset latency duration
quality insomnia daytime alertness mood anxiety stress pain muscle tension dose response tolerance
dependence withdrawal craving adults volunteers participants survey cohort trial placebo baseline follow
week month night evening morning report score scale questionnaire measure outcome effect difference
increase decrease change level plasma liver enzyme metabolism interaction medicine sedative benzodiazepine
alcohol caffeine screen light melatonin routine schedule bedroom temperature meal exercise habit regular
product powder capsule tea strain vein colour red green white region market label content variation
sample laboratory analysis animal rodent cell model mechanism pathway brain serotonin dopamine gaba
evidence study review author finding result data rate risk harm benefit symptom clinic hospital centre
poison exposure case series record registry population country state agency regulator status law""".split()
DESIGNS = ["Randomised controlled trial", "Systematic review and meta-analysis", "Prospective cohort study",
           "Cross-sectional online survey", "Case series", "Retrospective analysis of poison-centre records",
           "Animal study (rats)", "In vitro receptor-binding study", "Narrative review", "Agency statement"]
LOCATORS = ["abstract", "Table 2", "Results", "Discussion", "Figure 3", "Summary of findings table"]
JOURNALS = ["Drug and Alcohol Dependence", "Journal of Ethnopharmacology", "Sleep Medicine Reviews",
            "Journal of Psychopharmacology", "Frontiers in Pharmacology", "Clinical Toxicology",
            "Journal of Clinical Sleep Medicine", "Addiction", "Pharmacology Biochemistry and Behavior"]
SURNAMES = ["Singh", "Smith", "Grundmann", "Prozialeck", "Kruegel", "Hassan", "Vicknasingam", "Garcia",
            "Nguyen", "Okafor", "Larsen", "Tanaka", "Rossi", "Kowalski", "Ahmed", "Brown", "Chen", "Dubois"]
# LaTeX-accented names, in about 1 entry in 5 as in the repository's .bib files (they take the slow decoder)
LATEX_SURNAMES = ["M{\\\"u}ller", "Sch{\\\"a}fer", "Jim{\\'e}nez", "Ben{\\'{\\i}}tez"]
FIRST_NAMES = ["Darshan", "Kirsten", "Oliver", "Walter", "Andrew", "Zurina", "Balasingam", "Maria", "Lan",
               "Chidi", "Ingrid", "Kenji", "Giulia", "Piotr", "Sara", "Emily", "Wei", "Claire"]
REVIEWERS = ["A. Reviewer", "B. Checker", "C. Editor", "D. Analyst"]
# Bottom lines are for readers (review.yml readability.max_grade): short sentences of common short words.
PLAIN_WORDS = """sleep night bed rest pain mood stress dose harm risk use users people adults trial study leaf tea
drug help less more some most few small large short long good poor bad late early often rarely each
week day time habit effect change report test group study data rate sign need care doctor""".split()
NO_STUDIES_EVERY = 40  # about one claim in 40 says that no study has tested it
AS_OF = "2025-08"


class Text:
    """Random but readable-looking text of controlled length (no words the wording checks refuse)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def words(self, lo: int, hi: int) -> list[str]:
        return self.rng.choices(WORDS, k=self.rng.randint(lo, hi))

    def sentence(self, lo: int = 10, hi: int = 22, markdown: bool = False) -> str:
        words = self.words(lo, hi)
        if markdown and len(words) > 4 and self.rng.random() < 0.1:
            i = self.rng.randrange(1, len(words) - 2)
            mark = self.rng.choice(["*", "**"])
            words[i] = f"{mark}{words[i]} {words[i + 1]}{mark}"
            del words[i + 1]
        if markdown and self.rng.random() < 0.03:
            words.append(f"([details](https://example.org/notes/{self.rng.randrange(10**6)}))")
        return " ".join(words).capitalize() + "."

    def paragraph(self, n_words: int, markdown: bool = True) -> str:
        out, total = [], 0
        while total < n_words:
            s = self.sentence(markdown=markdown)
            out.append(s)
            total += len(s.split())
        return " ".join(out)

    def title(self, lo: int = 4, hi: int = 9) -> str:
        return " ".join(self.words(lo, hi)).capitalize()


@dataclass
class Review:
    """Everything the generator made, so that other writers (plain MkDocs) can use the same content."""

    n: int
    config: dict
    claims: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    articles: list[dict] = field(default_factory=list)
    notices: dict = field(default_factory=dict)
    passages: dict = field(default_factory=dict)  # source key -> the sentences of its stored text


def load_review_config() -> dict:
    with open(REPO / "review.yml", encoding="utf-8") as f:
        return yaml.load(f, Loader=yaml.CSafeLoader)


# --- sources -----------------------------------------------------------------------------------

def _author(rng: random.Random) -> str:
    last = rng.choice(LATEX_SURNAMES) if rng.random() < 1 / 20 else rng.choice(SURNAMES)
    return f"{last}, {rng.choice(FIRST_NAMES)} {chr(65 + rng.randrange(26))}."


def make_source(i: int, text: Text, seed: int) -> dict:
    rng = text.rng
    authors = [_author(rng) for _ in range(rng.randint(1, 8))]
    year = rng.randint(1995, 2025)
    first = "".join(ch for ch in authors[0].split(",")[0] if ch.isalpha())  # M{\\"u}ller -> Muller
    key = f"{first.lower()}{year}{rng.choice(WORDS)}{i}"
    start = rng.randint(1, 900)
    pmid = str(10_000_000 + i * 37 + seed)
    fields = {
        "author": " and ".join(authors), "title": text.title(6, 16), "journal": rng.choice(JOURNALS),
        "year": str(year), "volume": str(rng.randint(1, 250)), "number": str(rng.randint(1, 12)),
        "pages": f"{start}--{start + rng.randint(4, 20)}", "doi": f"10.{1000 + i % 9000}/syn.{year}.{i:06d}",
        "pmid": pmid,
    }
    if rng.random() < 0.3:
        fields["pmcid"] = f"PMC{5_000_000 + i}"
    fields["verified"] = (f"2026-11-21: PubMed record PMID {pmid} and the publisher's abstract page; authors, "
                          "volume, pages and DOI checked against them; abstract only read")
    return {"key": key, "type": "article", "fields": fields}


def bib_text(sources: list[dict]) -> str:
    out = ["% Synthetic sources for the claimsite benchmark.\n"]
    for s in sources:
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in s["fields"].items())
        out.append(f"@{s['type']}{{{s['key']},\n{body}\n}}\n")
    return "\n".join(out)


# --- claims and articles -----------------------------------------------------------------------

def _rationale(text: Text, certainty: list[dict], lowering: list[str], raising: list[str]) -> tuple[dict, str]:
    """A GRADE rationale and the certainty it yields (ranks: lowest level 1, highest len(certainty))."""
    rng = text.rng
    top = len(certainty)
    start_rank = top if rng.random() < 0.4 else top - 2  # randomised trials start high, the rest low
    rank, lowered, raised = start_rank, {}, {}
    for domain in rng.sample(lowering, rng.randint(0, 2)):
        by = min(rng.choice([1, 1, 2]), rank - 1)
        if by:
            lowered[domain] = {"by": by, "why": text.sentence(8, 18)}
            rank -= by
    if start_rank < top and not lowered and rng.random() < 0.3:
        raised[rng.choice(raising)] = {"by": 1, "why": text.sentence(8, 18)}
        rank += 1
    rationale = {"starting_level": certainty[top - start_rank]["id"], "lowered": lowered, "raised": raised,
                 "summary": text.paragraph(rng.randint(50, 90))}
    return rationale, certainty[top - rank]["id"]


def _plain_sentence(rng: random.Random, lo: int = 9, hi: int = 14, phrase: str = "", mix: float = 0.2) -> str:
    """A short sentence of mostly common words (a fifth from the technical WORDS), for readers."""
    words = [rng.choice(WORDS) if rng.random() < mix else rng.choice(PLAIN_WORDS) for _ in range(rng.randint(lo, hi))]
    if phrase:
        words.insert(rng.randint(1, len(words) - 1), phrase)
    return " ".join(words).capitalize() + "."


def _bottom_line(text: Text, level: dict) -> str:
    """Four to six short sentences (about 60 words, as in the real review) that read at about school grade 8
    (Flesch–Kincaid; the limit is 12) and speak as the certainty requires."""
    rng = text.rng
    phrases = level.get("phrases") or []
    if level.get("no_evidence"):
        first = _plain_sentence(rng, 5, 8).rstrip(".") + f", but {phrases[0]}."
    else:
        first = _plain_sentence(rng, phrase=phrases[0] if phrases else "")
    return " ".join([first] + [_plain_sentence(rng) for _ in range(rng.randint(3, 5))])


def make_claim(i: int, text: Text, review: Review, keys: list[str], home: int, today: dt.date) -> dict:
    rng, cfg = text.rng, review.config
    topics = cfg["topics"]
    scale = [c for c in cfg["certainty"] if c.get("graded", True) and not c.get("no_evidence")]
    topic = topics[i % len(topics)]
    if topic.get("dated_facts"):  # facts of law: not graded, true as of a date
        level_id = next(c["id"] for c in cfg["certainty"] if c.get("graded", True) is False)
        rationale = {"summary": text.paragraph(rng.randint(30, 60))}
    elif i % NO_STUDIES_EVERY == NO_STUDIES_EVERY // 2:  # no study has tested the claim
        level_id = next(c["id"] for c in cfg["certainty"] if c.get("no_evidence"))
        rationale = {"summary": text.paragraph(rng.randint(30, 60))}
    else:
        rationale, level_id = _rationale(text, scale, [d["id"] for d in cfg["lowering_domains"]],
                                         [d["id"] for d in cfg["raising_domains"]])
    topic = topic["id"]
    level = next(c for c in cfg["certainty"] if c["id"] == level_id)
    quotes = []
    for _ in range(rng.randint(1, 3)):
        a = home if rng.random() < 0.85 or len(review.articles) == 1 else rng.randrange(len(review.articles))
        words = text.words(14, 26)
        start = rng.randrange(0, len(words) - 8)
        quote = {"article": review.articles[a]["id"], "quote": " ".join(words[start:start + rng.randint(6, 12)])}
        review.articles[a]["sentences"].append((" ".join(words).capitalize() + ".", quote))
        if start == 0:  # the sentence was capitalised
            quote["quote"] = quote["quote"].capitalize()
        quotes.append(quote)
    picked = rng.sample(range(len(keys)), min(len(keys), rng.randint(3, 8)))
    if i % len(keys) not in picked:  # claim i cites source i: every source is cited at least once
        picked[0] = i % len(keys)
    evidence = []
    for k in picked:
        item = {"source": keys[k], "design": rng.choice(DESIGNS)}
        if rng.random() < 0.7:
            item["population"] = text.sentence(4, 12)[:-1]
        if rng.random() < 0.7:
            item["n"] = rng.randint(8, 30000)
        item["finding"] = text.paragraph(rng.randint(20, 40))
        item["direction"] = "context" if level.get("no_evidence") else rng.choice(cfg["directions"])["id"]
        if rng.random() < 0.6:
            item["locator"] = rng.choice(LOCATORS)
        item["excerpt"] = text.sentence(12, 30)  # the words of the source the finding rests on
        review.passages[keys[k]].append(item["excerpt"])
        evidence.append(item)
    required = topic in cfg.get("safety_required_topics", [])
    safety: list = rng.sample(sorted(review.notices), rng.randint(1 if required else 0, 2))
    if rng.random() < 0.3:
        safety.append({"level": rng.choice(cfg["notice_levels"])["id"], "title": text.title(2, 5),
                       "text": text.paragraph(rng.randint(20, 40))})
    reviewed = today - dt.timedelta(days=rng.randint(5, 300))
    first = reviewed - dt.timedelta(days=rng.randint(0, 400))
    changelog = [{"date": first.isoformat(), "change": "First published.", "conclusion_changed": False}]
    if first < reviewed and rng.random() < 0.3:
        changelog.insert(0, {"date": reviewed.isoformat(), "conclusion_changed": rng.random() < 0.5,
                             "change": _plain_sentence(rng, 6, 12, mix=0)})
    claim = {
        "id": f"{'-'.join(rng.sample(WORDS, 3))}-{i:05d}", "claim": text.sentence(8, 18, markdown=True),
        "topic": topic, "claimed_in": quotes, "verdict": rng.choice(cfg["verdicts"])["id"], "certainty": level_id,
        "bottom_line": _bottom_line(text, level), "rationale": rationale, "evidence": evidence,
        "caveats": [text.sentence(12, 30, markdown=True) for _ in range(rng.randint(2, 4))],
        "safety": safety, "reviewed": reviewed.isoformat(),
        "review_by": (reviewed + dt.timedelta(days=730)).isoformat(),
        "reviewers": rng.sample(REVIEWERS, rng.randint(1, 2)),
        "changelog": changelog,
    }
    if level.get("no_evidence"):
        claim["verdict"] = "unsupported" if "unsupported" in {v["id"] for v in cfg["verdicts"]} else claim["verdict"]
    if topic_is_dated(cfg, topic):
        claim["as_of"] = AS_OF
    return claim


def topic_is_dated(cfg: dict, topic: str) -> bool:
    return any(t["id"] == topic and t.get("dated_facts") for t in cfg["topics"])


def layout_article(article: dict, text: Text) -> None:
    """Mix in sentences nobody quotes (listed as left out), split into sections, note each quote's section."""
    rng = text.rng
    sentences = article.pop("sentences")
    for _ in range(max(2, len(sentences) // 6)):
        filler = text.sentence(8, 20)
        sentences.insert(rng.randrange(len(sentences) + 1), (filler, None))
        article["left_out"].append({"quote": filler, "reason": "Framing or marketing language; nothing to check."})
    lines, heading = [article["title"]], None
    for start in range(0, len(sentences), 4):
        if start % 16 == 0:
            heading = text.title(3, 7)
            lines += ["", heading, ""]
        paragraph = sentences[start:start + 4]
        lines.append(" ".join(s for s, _ in paragraph))
        for _, quote in paragraph:
            if quote is not None and rng.random() < 0.7:
                quote["section"] = heading
    article["text"] = "\n".join(lines) + "\n"


def make_notices(text: Text, cfg: dict, keys: list[str]) -> dict:
    levels = [n["id"] for n in cfg["notice_levels"]]
    return {f"notice-{w}": {"level": levels[i % len(levels)], "title": text.title(2, 5),
                            "text": text.paragraph(text.rng.randint(40, 70)),
                            "sources": keys[i * 3:i * 3 + 3]}
            for i, w in enumerate(["dependence", "combinations", "contamination", "pregnancy", "driving", "help"])}


def generate(n: int, seed: int = 0, n_articles: int | None = None) -> Review:
    """The review's content, in memory."""
    rng = random.Random(seed)
    text, today = Text(rng), dt.date.today()
    review = Review(n=n, config=load_review_config())
    review.sources = [make_source(i, text, seed) for i in range(max(1, n // 2))]
    keys = [s["key"] for s in review.sources]
    review.passages = {key: [text.sentence(10, 24) for _ in range(rng.randint(1, 3))] for key in keys}
    review.notices = make_notices(text, review.config, keys)
    for a in range(n_articles or ARTICLES):
        review.articles.append({"id": f"article-{a + 1:04d}", "title": text.title(5, 10), "sentences": [],
                                "left_out": [], "description": text.paragraph(40)})
    for i in range(n):
        review.claims.append(make_claim(i, text, review, keys, i * len(review.articles) // n, today))
    for article in review.articles:
        layout_article(article, text)
    review.config = with_page_notices(with_key_messages(review.config, review.claims), sorted(review.notices))
    return review


def with_page_notices(cfg: dict, notice_ids: list[str]) -> dict:
    """The repository's article and topic notices, replaced by the synthetic review's own notices."""
    cfg = dict(cfg)
    if "article_notices" in cfg:
        cfg["article_notices"] = notice_ids[:2]
    cfg["topics"] = [dict(t, notices=notice_ids[:2]) if "notices" in t else t for t in cfg["topics"]]
    return cfg


def with_key_messages(cfg: dict, claims: list[dict]) -> dict:
    """The repository's scales, with key messages (review and topic level) that link to the synthetic claims:
    each is stated at the certainty of the first claim it links to."""
    cfg = dict(cfg)
    by_topic: dict[str, list[dict]] = {}
    for claim in claims:
        by_topic.setdefault(claim["topic"], []).append(claim)

    def message(group: list[dict], k: int) -> dict:
        linked = group[k * 3:k * 3 + 3]
        rng = random.Random(len(group) * 31 + k)
        return {"text": " ".join(_plain_sentence(rng, 6, 10, mix=0) for _ in range(2)), "certainty": linked[0]["certainty"],
                "claims": [c["id"] for c in linked]}

    topics = []
    for topic in cfg["topics"]:
        topic = {key: value for key, value in topic.items() if key != "key_messages"}
        group = by_topic.get(topic["id"], [])
        if group:
            topic["key_messages"] = [message(group, k) for k in range(min(3, (len(group) + 2) // 3))]
        topics.append(topic)
    cfg["topics"] = topics
    cfg["key_messages"] = [message(claims, k) for k in range(min(6, (len(claims) + 2) // 3))]
    return cfg


# --- writing -----------------------------------------------------------------------------------

def _dump(data, path: Path) -> None:
    path.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=100),
                    encoding="utf-8")


MKDOCS_YML = """site_name: Synthetic review of {n} claims
site_url: https://example.org/bench/
docs_dir: content
site_dir: site
use_directory_urls: true
theme:
  name: material
  custom_dir: templates
  font: false
  language: en
  features: [navigation.sections, navigation.top, search.highlight, toc.follow]
  palette: {{scheme: default, primary: indigo, accent: indigo}}
extra_css:
  - assets/claimsite.css
plugins:
  - search
{plugin}markdown_extensions:
  - attr_list
  - toc: {{permalink: false}}
  - tables
  - admonition
  - md_in_html
{extra}validation:
  omitted_files: warn
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn
nav:
  - Home: index.md
  - Topics: {topics}
  - Reviewed articles: {articles}
  - References: sources/index.md
  - Safety: safety.md
  - Methodology: methodology.md
  - About: about.md
{glossary}"""

PAGES = {
    "index.md": "# Synthetic evidence review\n\n{intro}\n\n## Topics\n\n<!-- claimsite:topics -->\n\n"
                "## All claims\n\n<!-- claimsite:claims-table -->\n\nSee the [methodology](methodology.md).\n",
    "methodology.md": "# Methodology\n\n{intro}\n\n<!-- claimsite:scales -->\n",
    "safety.md": "# Safety\n\n{intro}\n\n<!-- claimsite:notices -->\n",
    "about.md": "# About\n\n{intro}\n",
}


def mkdocs_yml(n: int, **parts: str) -> str:
    values = {"plugin": "  - claimsite\n", "glossary": "  - Glossary: glossary.md\n", "topics": "claimsite:topics", "articles": "claimsite:articles",
              "extra": "exclude_docs: |\n  notices.yml\nwatch: [claims, sources, templates, review.yml]\n"}
    values.update(parts)
    return MKDOCS_YML.format(n=n, **values)


def write_project(root: Path, review: Review) -> None:
    root.mkdir(parents=True, exist_ok=True)
    _dump(review.config, root / "review.yml")
    shutil.copytree(REPO / "templates", root / "templates", dirs_exist_ok=True)
    (root / "mkdocs.yml").write_text(mkdocs_yml(review.n), encoding="utf-8")
    content = root / "content"
    content.mkdir(exist_ok=True)
    intro = Text(random.Random(1)).paragraph(80)
    for name, page in PAGES.items():
        (content / name).write_text(page.format(intro=intro), encoding="utf-8")
    _dump({"notices": review.notices}, content / "notices.yml")
    shutil.copy(REPO / "content" / "glossary.yml", content / "glossary.yml")
    for topic in review.config["topics"]:
        (root / "claims" / topic["id"]).mkdir(parents=True, exist_ok=True)
    for claim in review.claims:
        _dump(claim, root / "claims" / claim["topic"] / f"{claim['id']}.yaml")
    articles = root / "sources" / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    passages = root / "sources" / "passages"
    passages.mkdir(parents=True, exist_ok=True)
    for source in review.sources:
        _dump(passage(source, review.passages[source["key"]]), passages / f"{source['key']}.yml")
    for start in range(0, len(review.sources), BIB_ENTRIES_PER_FILE):
        chunk = review.sources[start:start + BIB_ENTRIES_PER_FILE]
        (root / "sources" / f"refs-{start // BIB_ENTRIES_PER_FILE + 1:03d}.bib").write_text(bib_text(chunk), "utf-8")
    for article in review.articles:
        meta = {"id": article["id"], "title": article["title"], "author": "Unknown", "publisher": "A wellness blog",
                "url": f"https://example.org/blog/{article['id']}", "published": "2025-03-01",
                "accessed": "2026-01-15", "description": article["description"], "snapshot": f"{article['id']}.txt",
                "left_out": article["left_out"]}
        _dump(meta, articles / f"{article['id']}.yml")
        (articles / f"{article['id']}.txt").write_text(article["text"], encoding="utf-8")


def passage(source: dict, sentences: list[str]) -> dict:
    """A source's stored passages: its sentences, in paragraphs of up to four, as sources/passages/<key>.yml."""
    paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    return {"source": source["key"], "seen": f"PubMed record, abstract: https://pubmed.ncbi.nlm.nih.gov/"
            f"{source['fields']['pmid']}/", "read": dt.date(2026, 11, 21), "text": "\n\n".join(paragraphs) + "\n"}


def make_project(root: Path, n: int, seed: int = 0, n_articles: int | None = None) -> Review:
    """Write a synthetic review of ``n`` claims into ``root``; returns its content (for the plain-MkDocs twin)."""
    review = generate(n, seed, n_articles)
    write_project(Path(root), review)
    return review


if __name__ == "__main__":  # python -m benchmarks.synth DIR N
    import sys

    make_project(Path(sys.argv[1]), int(sys.argv[2]))
