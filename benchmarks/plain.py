"""The "plain MkDocs" twin of a synthetic review: the same pages, written by hand as Markdown.

``write_plain_project(root, review)`` writes one Markdown page per claim, source, topic and article
(plus the hand-written pages and the home page's table of every claim), with the same text as the
claimsite build, and a mkdocs.yml with the same theme, Markdown extensions and navigation: topics and
articles in the nav, claims and sources reachable only from listings (``not_in_nav``).  Building it with
``mkdocs build`` is what the site would cost without claimsite.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

from .synth import PAGES, REPO, Review, Text, mkdocs_yml

LATEX = {'{\\"u}': "ü", '{\\"a}': "ä", "{\\'e}": "é", "{\\'{\\i}}": "í"}
ADMONITION = {"info": "note", "caution": "warning", "warning": "warning", "danger": "danger"}


def _decode(text: str) -> str:
    for latex, char in LATEX.items():
        text = text.replace(latex, char)
    return text


def _authors(field: str) -> list[tuple[str, str]]:
    out = []
    for name in field.split(" and "):
        last, _, given = _decode(name).partition(", ")
        out.append((last, "".join(part[0] for part in given.replace(".", "").split())))
    return out


def reference(source: dict) -> str:
    f = source["fields"]
    people = _authors(f["author"])
    authors = ", ".join(f"{last} {initials}" for last, initials in people[:6]) + (", et al" if len(people) > 6 else "")
    text = (f"{authors}. {f['title']}. *{f['journal']}*. {f['year']};{f['volume']}({f['number']}):"
            f"{f['pages'].replace('--', '–')}. doi:[{f['doi']}](https://doi.org/{f['doi']}) "
            f"PMID: [{f['pmid']}](https://pubmed.ncbi.nlm.nih.gov/{f['pmid']}/).")
    if "pmcid" in f:
        text += f" [{f['pmcid']}](https://pmc.ncbi.nlm.nih.gov/articles/{f['pmcid']}/) (free full text)."
    return text


def short_citation(source: dict) -> str:
    people = _authors(source["fields"]["author"])
    who = people[0][0] if len(people) == 1 else (f"{people[0][0]} and {people[1][0]}" if len(people) == 2
                                                   else f"{people[0][0]} et al.")
    return f"{who} {source['fields']['year']}"


class Writer:
    def __init__(self, review: Review):
        self.review = review
        cfg = review.config
        self.levels = {name: {x["id"]: x for x in cfg[name]} for name in
                       ("topics", "verdicts", "certainty", "directions", "notice_levels", "lowering_domains",
                        "raising_domains")}
        self.sources = {s["key"]: s for s in review.sources}
        self.articles = {a["id"]: a for a in review.articles}

    def badges(self, claim: dict) -> str:
        v, c = self.levels["verdicts"][claim["verdict"]], self.levels["certainty"][claim["certainty"]]
        return f"**{v['symbol']} {v['label']}** · {c['symbol']} {c['label']} certainty"

    def claims_table(self, claims: list[dict], up: str, topic: bool = True) -> str:
        head = "| Claim |" + (" Topic |" if topic else "") + " Verdict | Certainty |\n"
        head += "|---|" + ("---|" if topic else "") + "---|---|\n"
        rows = []
        for c in claims:
            cells = [f"[{c['claim']}]({up}claims/{c['id']}.md)"]
            if topic:
                cells.append(f"[{self.levels['topics'][c['topic']]['label']}]({up}topics/{c['topic']}.md)")
            v, k = self.levels["verdicts"][c["verdict"]], self.levels["certainty"][c["certainty"]]
            cells += [f"{v['symbol']} {v['label']}", f"{k['symbol']} {k['label']}"]
            rows.append("| " + " | ".join(cells) + " |")
        return head + "\n".join(rows) + "\n"

    def notice(self, level: str, title: str, text: str) -> str:
        label = self.levels["notice_levels"][level]["label"] + (f": {title}" if title else "")
        return f'!!! {ADMONITION.get(level, "note")} "{label}"\n    {text}\n'

    def claim_page(self, c: dict) -> str:
        topic = self.levels["topics"][c["topic"]]
        out = [f"# {c['claim']}\n", f"Claim reviewed · [{topic['label']}](../topics/{c['topic']}.md)\n",
               self.badges(c) + "\n", "## Bottom line\n", c["bottom_line"] + "\n"]
        if "as_of" in c:
            out.append(f"True as of {c['as_of']}.\n")
        out.append("## Where it was claimed\n")
        for q in c["claimed_in"]:
            section = f", section “{q['section']}”" if "section" in q else ""
            out.append(f"> “{q['quote']}”\n>\n> — [{self.articles[q['article']]['title']}]"
                       f"(../articles/{q['article']}.md){section}\n")
        refs = list(dict.fromkeys(e["source"] for e in c["evidence"]))
        out += ["## What the evidence shows\n", "| Source | Design | Population | What it found | Bearing |",
                "|---|---|---|---|---|"]
        for e in c["evidence"]:
            who = "; ".join(x for x in (e.get("population", ""), f"n = {e['n']:,}" if "n" in e else "") if x) or "—"
            where = f" ({e['locator']})" if "locator" in e else ""
            d = self.levels["directions"][e["direction"]]
            cite = f"[\\[{refs.index(e['source']) + 1}\\]](#references) {short_citation(self.sources[e['source']])}"
            out.append(f"| {cite} | {e['design']} | {who} | {e['finding']}{where}<br>“{e['excerpt']}” | "
                       f"{d['symbol']} {d['label']} |")
        r, certainty = c["rationale"], self.levels["certainty"]
        end = certainty[c["certainty"]]["label"].lower()
        out += ["", "## Why this certainty\n"]
        if "starting_level" in r:
            start = certainty[r["starting_level"]]["label"].lower()
            out.append(f"The evidence starts at **{start}** certainty and ends at {end}.\n")
        else:
            out.append(f"Certainty: **{end}**.\n")
        for kind, scale in (("lowered", "lowering_domains"), ("raised", "raising_domains")):
            for domain, adj in r.get(kind, {}).items():
                out.append(f"- **{self.levels[scale][domain]['label']}** ({kind} {adj['by']}): {adj['why']}")
        out += ["", r["summary"] + "\n", "## Caveats\n"] + [f"- {x}" for x in c["caveats"]] + [""]
        if c["safety"]:
            out.append("## Safety\n")
            for item in c["safety"]:
                n = item if isinstance(item, dict) else self.review.notices[item]
                out.append(self.notice(n["level"], n.get("title", ""), n["text"]))
        out.append("## References\n")
        out += [f"{i}. {reference(self.sources[k])} [All claims citing this source](../sources/{k}.md)"
                for i, k in enumerate(refs, 1)]
        out.append("## Change log\n")
        out += [f"- {x['date']}: {x['change']}" for x in c["changelog"]]
        out.append(f"\nReviewed {c['reviewed']} by {', '.join(c['reviewers'])}. Next review due {c['review_by']}.\n")
        out.append("This page reports research evidence. It is not medical advice and gives no advice on dosing.\n")
        return "\n".join(out)

    def source_page(self, s: dict, cited: list[tuple[dict, dict]]) -> str:
        out = [f"# {s['fields']['title']}\n", "Source\n", reference(s) + "\n",
               f"**How this record was verified:** {s['fields']['verified']}\n", "## Claims citing this source\n",
               "| Claim | Verdict | Design | What it found | Bearing |", "|---|---|---|---|---|"]
        for c, e in cited:
            v, d = self.levels["verdicts"][c["verdict"]], self.levels["directions"][e["direction"]]
            out.append(f"| [{c['claim']}](../claims/{c['id']}.md) | {v['symbol']} {v['label']} | {e['design']} | "
                       f"{e['finding']} | {d['symbol']} {d['label']} |")
        return "\n".join(out) + "\n"

    def article_page(self, a: dict, claims: list[tuple[dict, list]]) -> str:
        out = [f"# {a['title']}\n", "Reviewed article\n", a["description"] + "\n", "## Claims in reading order\n"]
        for n, (c, quotes) in enumerate(claims, 1):
            out.append(f"{n}. [{c['claim']}](../claims/{c['id']}.md)\n")
            out += [f"    > “{q['quote']}”\n" for q in quotes]
            out.append(f"    {self.badges(c)}\n")
        out += ["## Sentences not reviewed, and why\n", "| Passage | Why it was left out |", "|---|---|"]
        out += [f"| “{x['quote']}” | {x['reason']} |" for x in a["left_out"]]
        return "\n".join(out) + "\n"


def self_label(cfg: dict, certainty: str) -> str:
    return next(c["label"] for c in cfg["certainty"] if c["id"] == certainty)


def write_plain_project(root: Path, review: Review) -> None:
    """Write the Markdown twin of ``review`` into ``root`` (a MkDocs project without claimsite)."""
    w, cfg = Writer(review), review.config
    docs = root / "content"
    for sub in ("claims", "sources", "topics", "articles"):
        (docs / sub).mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "templates", root / "templates", dirs_exist_ok=True)
    topics = "[" + ", ".join(f'{{"{t["label"]}": topics/{t["id"]}.md}}' for t in cfg["topics"]) + "]"
    articles = "[" + ", ".join(f'{{"{a["title"]}": articles/{a["id"]}.md}}' for a in review.articles) + "]"
    (root / "mkdocs.yml").write_text(mkdocs_yml(review.n, plugin="", extra="not_in_nav: |\n  /claims/\n  /sources/\n",
                                                topics=topics, articles=articles), encoding="utf-8")
    intro = Text(random.Random(1)).paragraph(80)
    by_topic = {t["id"]: [] for t in cfg["topics"]}
    cited: dict[str, list] = {s["key"]: [] for s in review.sources}
    in_article: dict[str, list] = {a["id"]: [] for a in review.articles}
    for c in review.claims:
        by_topic[c["topic"]].append(c)
        for e in c["evidence"]:
            cited[e["source"]].append((c, e))
        for a in dict.fromkeys(q["article"] for q in c["claimed_in"]):
            in_article[a].append((c, [q for q in c["claimed_in"] if q["article"] == a]))
        (docs / "claims" / f"{c['id']}.md").write_text(w.claim_page(c), encoding="utf-8")
    topic_list = "\n".join(f"- [{t['label']}](topics/{t['id']}.md) ({len(by_topic[t['id']])}): {t['description']}"
                           for t in cfg["topics"])
    key_messages = "".join(f"- {m['text']} ({self_label(cfg, m['certainty'])})\n" for m in cfg.get("key_messages", []))
    home = PAGES["index.md"].format(intro=key_messages + "\n" + intro).replace("<!-- claimsite:topics -->", topic_list)
    (docs / "index.md").write_text(home.replace("<!-- claimsite:claims-table -->", w.claims_table(review.claims, "")),
                                   encoding="utf-8")
    scales = "\n".join(f"- **{v['symbol']} {v['label']}**: {v['description']}"
                       for v in cfg["verdicts"] + cfg["certainty"])
    (docs / "methodology.md").write_text(PAGES["methodology.md"].format(intro=intro).replace(
        "<!-- claimsite:scales -->", scales), encoding="utf-8")
    notices = "\n".join(f"## {n['title']}\n\n{w.notice(n['level'], '', n['text'])}" for n in review.notices.values())
    safety = PAGES["safety.md"].format(intro=intro).replace("<!-- claimsite:notices -->", notices)
    (docs / "safety.md").write_text(safety, encoding="utf-8")
    (docs / "about.md").write_text(PAGES["about.md"].format(intro=intro), encoding="utf-8")
    glossary = yaml.load((REPO / "content" / "glossary.yml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    (docs / "glossary.md").write_text("# Glossary\n\n" + "".join(f"**{t['term']}**\n:   {t['definition']}\n\n"
                                                                  for t in glossary["terms"]), encoding="utf-8")
    for t in cfg["topics"]:
        messages = "".join(f"- {m['text']}\n" for m in t.get("key_messages", []))
        page = f"# {t['label']}\n\n{t['description']}\n\n{messages}\n" + w.claims_table(by_topic[t["id"]], "../", topic=False)
        (docs / "topics" / f"{t['id']}.md").write_text(page, encoding="utf-8")
    for a in review.articles:
        (docs / "articles" / f"{a['id']}.md").write_text(w.article_page(a, in_article[a["id"]]), encoding="utf-8")
    for s in review.sources:
        (docs / "sources" / f"{s['key']}.md").write_text(w.source_page(s, cited[s["key"]]), encoding="utf-8")
    refs = "\n".join(f"- {reference(s)} [Claims citing it]({s['key']}.md)" for s in review.sources)
    (docs / "sources" / "index.md").write_text(f"# References\n\nEvery source cited, {len(review.sources)} in all.\n\n"
                                               f"{refs}\n", encoding="utf-8")
