"""``build.py new``: write a claim skeleton that a contributor fills in."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from .config import Config
from .text import normalize

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_BIBTEX_SPECIAL = re.compile(r"[{}\\\"@]")  # would end the field, or start another


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def skeleton(config: Config, claim_id: str, *, topic: str, article: str, quote: str, claim: str,
             today: dt.date) -> str:
    verdicts = " | ".join(v.id for v in config.verdicts)
    levels = " | ".join(c.id for c in config.certainty)
    directions = " | ".join(d.id for d in config.directions)
    schema_rel = "../" * (len(Path(config.claims_dir.relative_to(config.root)).parts) + 1) + "schema/claim.schema.json"
    safety = "\n  - TODO-notice-id" if topic in config.safety_required_topics else " []"
    domain = next((d.id for d in config.lowering_domains if d.id == "indirectness"), config.lowering_domains[0].id)
    return f"""# yaml-language-server: $schema={schema_rel}
id: {claim_id}
claim: {_q(claim)}
topic: {topic}
claimed_in:
  - article: {article}
    quote: {_q(quote)}
verdict: TODO  # {verdicts}
certainty: {config.grade_levels()[-1].id}  # {levels}
bottom_line: >-
  TODO: one or two plain sentences; wording must match the certainty.
rationale:
  starting_level: {config.grade_levels()[-2].id}  # {config.grade_levels()[0].id} for randomised trials, {config.grade_levels()[-2].id} for observational and other evidence
  lowered:
    {domain}: {{by: 1, why: "TODO: why this domain lowers certainty"}}
  raised: {{}}
  summary: >-
    TODO: why the evidence has this certainty.
evidence:
  - source: TODO-bibtex-key
    design: TODO
    finding: TODO what the source found, as far as it was read.
    direction: TODO  # {directions}
caveats:
  - "TODO: what the evidence cannot tell."
safety:{safety}
reviewed: {today.isoformat()}
changelog:  # what readers see as the claim's history; add an entry for every published change
  - date: {today.isoformat()}
    change: First published.
    conclusion_changed: false  # true when the verdict or the certainty changed
"""


def known_articles(config: Config) -> list[str]:
    if not config.articles_dir.is_dir():
        return []
    return sorted(p.stem for p in config.articles_dir.iterdir() if p.suffix in (".yml", ".yaml"))


def quote_problem(config: Config, article: str, quote: str) -> str | None:
    """Why ``quote`` cannot be used from ``article``, or None when it is found verbatim."""
    if not ID_PATTERN.match(article or ""):
        return f"'{article[:60]}' is not an article id (lowercase letters, digits and hyphens, as in sources/articles/)"
    known = known_articles(config)
    if article not in known:
        where = config.articles_dir.relative_to(config.root).as_posix()
        return (f"unknown article '{article}': the reviewed articles are {', '.join(known) or 'none yet'} "
                f"(each is {where}/<id>.yml, with its text in <id>.txt)")
    snapshot = config.articles_dir / f"{article}.txt"
    if not snapshot.is_file():
        return f"article '{article}' has no stored text to check quotes against ({snapshot.name})"
    if normalize(quote) not in normalize(snapshot.read_text(encoding="utf-8", errors="replace")):
        return f"not found verbatim in {article}: copy the words exactly"
    return None


def check_new_id(config: Config, claim_id: str, *, force: bool) -> None:
    """Raise ValueError when ``claim_id`` cannot be used for a new claim."""
    if not ID_PATTERN.match(claim_id) or len(claim_id) > 80:
        raise ValueError(f"'{claim_id}' is not a valid id: use lowercase letters, digits and single hyphens")
    existing = [p for p in config.claims_dir.rglob(f"{claim_id}.y*ml")] if config.claims_dir.is_dir() else []
    if existing and not force:
        raise ValueError(f"{existing[0].relative_to(config.root).as_posix()} already exists: edit it, choose another "
                         "id, or use --force to overwrite it")


def write_skeleton(config: Config, claim_id: str, *, topic: str | None, article: str | None, quote: str | None,
                   claim: str | None, force: bool, today: dt.date) -> Path:
    check_new_id(config, claim_id, force=force)
    topics = [t.id for t in config.topics]
    topic = topic or topics[0]
    if topic not in topics:
        raise ValueError(f"unknown topic '{topic}'; topics: {', '.join(topics)}")
    if article and not ID_PATTERN.match(article):
        raise ValueError(f"'{article[:60]}' is not an article id: use the name of a file in sources/articles/ "
                         "without .yml (lowercase letters, digits and hyphens)")
    if article and quote:
        problem = quote_problem(config, article, quote)
        if problem:
            raise ValueError(f"quote {problem}" if problem.startswith("not found") else problem)
    path = config.claims_dir / topic / f"{claim_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(skeleton(config, claim_id, topic=topic, article=article or "TODO-article-id",
                             quote=quote or "TODO: short verbatim quote", claim=claim or "TODO: the claim as one neutral sentence.",
                             today=today), encoding="utf-8")
    return path


def write_source_skeleton(config: Config, *, doi: str | None, pmid: str | None, url: str | None, file: str,
                          today: dt.date) -> tuple[Path, str]:
    """Append a BibTeX skeleton for a DOI, PMID or URL; nothing is looked up (this runs offline)."""
    from .load import DOI_PATTERN, PMID_PATTERN

    if doi is not None:
        doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi.strip(), flags=re.I)
        if not DOI_PATTERN.match(doi) or _BIBTEX_SPECIAL.search(doi):
            raise ValueError(f"'{doi}' is not a DOI (they look like 10.1000/xyz123)")
        ident, key = f"  doi = {{{doi}}},", "todo-" + re.sub(r"[^a-z0-9]+", "-", doi.lower()).strip("-")[:40]
        kind = "article"
    elif pmid is not None:
        if not PMID_PATTERN.match(pmid.strip()):
            raise ValueError(f"'{pmid}' is not a PMID (digits only, e.g. 12345678)")
        ident, key, kind = f"  pmid = {{{pmid.strip()}}},", f"todo-pmid-{pmid.strip()}", "article"
    else:
        if not re.match(r"^https?://\S+$", url or "") or _BIBTEX_SPECIAL.search(url):
            raise ValueError("an agency page needs a full http(s) address")
        ident = f"  url = {{{url}}},\n  urldate = {{{today.isoformat()}}},"
        key, kind = "todo-" + re.sub(r"[^a-z0-9]+", "-", url.lower().split("//", 1)[1])[:40].strip("-"), "misc"
    if not re.match(r"^[A-Za-z0-9_.-]+\.bib$", file):
        raise ValueError("--file must be a plain file name ending in .bib")
    path = config.sources_dir / file
    existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    if "{" + key + "," in existing:
        raise ValueError(f"{path.name} already has an entry '{key}'")
    venue = "  journal = {TODO},\n" if kind == "article" else "  organization = {TODO: the agency},\n"
    entry = (f"@{kind}{{{key},\n  author = {{TODO: Last, First and Last, First}},\n  title = {{TODO}},\n{venue}"
             f"  year = {{TODO}},\n{ident}\n  verified = {{TODO: {today.isoformat()}: where you saw the record}}\n}}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(("\n" if existing and not existing.endswith("\n\n") else "") + entry)
    return path, key
