"""``build.py init DIR`` (or ``claimsite init DIR``): a complete new review to start from.

The example subject is deliberately neutral (a claim about houseplants) and deliberately fictional: its
article, source and stored passage are invented to show the format and are labelled as such on the
site. The review has its own scales in review.yml, one claim, one source with its stored passage, one
article with its stored text, the content pages, mkdocs.yml, the templates, and the generated format
reference and schema. It passes ``check --strict`` and builds as it is.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CLAIM_ID = "talking-helps-plants-grow"
SOURCE_KEY = "example2026houseplants"

REVIEW_YML = """\
# The review's configuration: its topics and the scales claims are graded on. The generator has no
# built-in scales: change these to suit your review (check and the site follow them).
title: "Example review: houseplant claims"
publisher: Example review team
# Claims in these topics must carry at least one safety notice.
safety_required_topics: [safety]
# A claim is due for review this many days after `reviewed` unless it sets `review_by`.
review_interval_days: 365
future_date_grace_days: 1
# Every evidence entry quotes the passage of its source it rests on (`excerpt`), checked against
# sources/passages/<key>.yml.
require_excerpts: true

topics:
  - id: growth
    label: Growth
    description: What is said to make houseplants grow.
  - id: safety
    label: Safety
    description: Risks of houseplants to people and pets.

# The verdict scale. `symbol` gives each verdict a shape, so that no verdict is told by colour alone.
verdicts:
  - {id: supported, label: Supported, symbol: "✓", color: "#1b6e3a", description: "The evidence backs the claim as stated."}
  - {id: partly-supported, label: Partly supported, symbol: "◑", color: "#3d6b8e", description: "Part of the claim is backed; part goes beyond the evidence."}
  - {id: misleading, label: Misleading, symbol: "!", color: "#8a5a00", description: "Some truth, but it leaves out or distorts what a reader needs to know."}
  - {id: unsupported, label: Unsupported, symbol: "?", color: "#5d5d5d", description: "No adequate evidence was found. This does not show the claim is false."}
  - {id: contradicted, label: Contradicted, symbol: "✗", color: "#a3222b", description: "The evidence goes against the claim."}

# The certainty scale (GRADE), highest first. `wording` is how a bottom line at this certainty speaks;
# check warns when a bottom line uses none of the `phrases`.
certainty:
  - {id: high, label: High, symbol: "⊕⊕⊕⊕", color: "#1b6e3a", wording: states the finding, phrases: []}
  - {id: moderate, label: Moderate, symbol: "⊕⊕⊕◯", color: "#3d6b8e", wording: says "probably", phrases: [probably, likely]}
  - {id: low, label: Low, symbol: "⊕⊕◯◯", color: "#8a5a00", wording: says "may", phrases: [may, might]}
  - {id: very-low, label: Very low, symbol: "⊕◯◯◯", color: "#a3222b", wording: says "very uncertain", phrases: [very uncertain]}

# How an evidence entry bears on the claim.
directions:
  - {id: supports, label: Supports, symbol: "▲"}
  - {id: contradicts, label: Contradicts, symbol: "▼"}
  - {id: mixed, label: Mixed, symbol: "◆"}
  - {id: context, label: Context, symbol: "●"}

# Safety notice levels, least serious first.
notice_levels:
  - {id: info, label: Note}
  - {id: caution, label: Caution}
  - {id: warning, label: Warning}
  - {id: danger, label: Danger}

# GRADE domains that can lower or raise the certainty of a body of evidence.
lowering_domains:
  - {id: risk_of_bias, label: Risk of bias}
  - {id: inconsistency, label: Inconsistency}
  - {id: indirectness, label: Indirectness}
  - {id: imprecision, label: Imprecision}
  - {id: publication_bias, label: Publication bias}
raising_domains:
  - {id: large_effect, label: Large effect}
  - {id: dose_response, label: Dose–response gradient}
  - {id: plausible_confounding, label: Plausible confounding would reduce the effect}

# The answer first: plain sentences that open the home page, each with its certainty and its claims.
key_messages:
  - text: Whether talking to houseplants makes them grow faster is very uncertain.
    certainty: very-low
    claims: [talking-helps-plants-grow]
"""

CLAIM_YAML = """\
# yaml-language-server: $schema=../../schema/claim.schema.json
# An example claim: the article, the source and its passage are invented to show the format.
id: talking-helps-plants-grow
claim: Talking to houseplants makes them grow faster.
topic: growth
claimed_in:
  - article: plant-tips
    quote: "Talk to your plants every day and they will grow twice as fast."
verdict: unsupported
certainty: very-low
bottom_line: >-
  Whether talking to houseplants makes them grow faster is very uncertain: the one source found does not
  test it.
rationale:
  starting_level: low
  lowered:
    indirectness: {{by: 1, why: "The care guide is about light and water; it does not test talking to plants."}}
  summary: >-
    No study of talking to plants was found. The only source is general care advice that does not mention
    sound.
evidence:
  - source: {key}
    design: Agency guidance
    finding: Houseplants grow according to the light and water they get; sound is not mentioned.
    direction: context
    locator: "Light and water"
    excerpt: "Most houseplants grow according to the light and water they get."
caveats:
  - "Only one source was consulted; a real review searches the literature first."
safety: []
reviewed: {today}
changelog:
  - date: {today}
    change: "First published. Verdict: unsupported; certainty of the evidence: very low."
    conclusion_changed: false
"""

BIB = """\
% BibTeX entries: each needs a title, a doi, pmid or url, and a `verified` record of what was seen.
@misc{{{key},
  author = {{{{Example Horticulture Agency}}}},
  title = {{Caring for houseplants}},
  year = {{2026}},
  url = {{https://example.org/houseplant-care}},
  urldate = {{{today}}},
  verified = {{{today}: invented example entry written by claimsite init (example.org is a reserved example address); replace it with a source whose record you have seen}}
}}
"""

PASSAGE = """\
source: {key}
seen: "Invented example passage written by claimsite init; replace it with text copied from the record you read"
read: {today}
text: |
  Light and water

  Most houseplants grow according to the light and water they get. Place them near a window.
"""

ARTICLE_YML = """\
id: plant-tips
title: Ten tips for happy houseplants
publisher: Example Garden Blog (invented for this example)
author: Unknown
url: null
accessed: {today}
description: An invented web article, included to show how a reviewed article is stored.
left_out:
  - quote: Water them when the soil feels dry.
    reason: Ordinary care advice, not reviewed in this example.
"""

ARTICLE_TXT = """\
Ten tips for happy houseplants
Talk to your plants every day and they will grow twice as fast. Water them when the soil feels dry.
"""

NOTICES = """\
# Shared safety notices: claims cite them by id under `safety`.
notices:
  poisonous-plants:
    level: warning
    title: Some houseplants are poisonous
    text: Some houseplants are poisonous to pets and children if eaten. Keep them out of reach, and call a poison centre if someone swallows part of one.
"""

PAGES = {
    "index.md": """\
# Example review: houseplant claims

This is an example review written by `claimsite init`. Its article, source and passage are invented to
show the format: replace them with your own (see About).

<!-- claimsite:key-messages -->

<!-- claimsite:claims-table -->
""",
    "methodology.md": """\
# Methodology

Each claim gets a verdict (how the claim, as the article states it, compares with the evidence) and a
certainty (how sure anyone can be, following GRADE). The scales are this review's own, set in
`review.yml`:

<!-- claimsite:scales -->
""",
    "safety.md": """\
# Safety

These notices appear on the claim pages they concern.

<!-- claimsite:notices -->
""",
    "about.md": """\
# About

This review was started with `claimsite init`. To make it yours: edit `review.yml` (title, topics and
scales), store the text of each article you review in `sources/articles/`, add a claim with
`python build.py new <id>`, add your sources to `sources/*.bib` with their stored passages in
`sources/passages/`, then delete the example files. `python build.py check --strict` tells you what is
missing; `python build.py serve` previews the site.
""",
}

MKDOCS = """\
site_name: "Example review: houseplant claims"
site_description: An example evidence review made with claimsite.
site_url: !ENV [SITE_URL, 'https://example.org/houseplant-review/']
docs_dir: content
site_dir: site
use_directory_urls: true

theme:
  name: material
  custom_dir: templates
  font: false            # no web fonts: the site makes no request to other hosts
  language: en
  features:
    - navigation.sections
    - navigation.top

extra_css:
  - assets/claimsite.css

plugins:
  - search
  - claimsite

markdown_extensions:
  - attr_list
  - toc:
      permalink: false
  - tables
  - admonition
  - md_in_html

exclude_docs: |
  notices.yml

validation:
  omitted_files: warn
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn

watch:
  - claims
  - sources
  - templates
  - review.yml

nav:
  - Home: index.md
  - Topics: claimsite:topics
  - Reviewed articles: claimsite:articles
  - References: sources/index.md
  - Evidence map: map.md
  - Review schedule: reviews.md
  - Safety: safety.md
  - Methodology: methodology.md
  - Claim format: format.md
  - About: about.md
"""

README = """\
# Example review: houseplant claims

A review made with claimsite (`claimsite init`). Its example article, source and passage are invented:
replace them with your own.

```sh
python build.py check --strict   # or: claimsite check --strict
python build.py serve            # preview with live reload
python build.py build            # the site, into site/
```

(`build.py` is claimsite's command line; with claimsite installed, `claimsite` does the same here.)
"""

BUILD_PY = """\
#!/usr/bin/env python3
\"\"\"The claimsite command line for this review (the same as `claimsite`).\"\"\"
import sys

from claimsite.cli import main

if __name__ == "__main__":
    sys.exit(main())
"""


def init_review(target: Path, today: dt.date | None = None) -> list[Path]:
    """Write the example review into ``target`` (new or empty); returns the files written."""
    from .config import load_config
    from .reference import write_generated

    today = today or dt.date.today()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ValueError(f"{target} already exists and is not empty: choose a new folder")
    if not TEMPLATES.is_dir():
        raise ValueError(f"claimsite's templates were not found at {TEMPLATES}: run init from a claimsite checkout")
    values = {"today": today.isoformat(), "key": SOURCE_KEY}
    files = {
        "review.yml": REVIEW_YML,
        "mkdocs.yml": MKDOCS,
        "README.md": README,
        "build.py": BUILD_PY,
        ".gitignore": "site/\n.claimsite-cache/\n",
        f"claims/growth/{CLAIM_ID}.yaml": CLAIM_YAML.format(**values),
        "sources/references.bib": BIB.format(**values),
        f"sources/passages/{SOURCE_KEY}.yml": PASSAGE.format(**values),
        "sources/articles/plant-tips.yml": ARTICLE_YML.format(**values),
        "sources/articles/plant-tips.txt": ARTICLE_TXT,
        "content/notices.yml": NOTICES,
        **{f"content/{name}": text for name, text in PAGES.items()},
    }
    written = []
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    shutil.copytree(TEMPLATES, target / "templates")
    written += write_generated(load_config(target))
    return written
