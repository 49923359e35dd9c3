"""Loading: read review files into the data model, collecting every problem.

Each reader turns one kind of file into model records and reports what is
wrong with it to the shared :class:`~claimsite.diagnostics.Report`; nothing
here stops at the first error.  Cross-file checks live in
:mod:`claimsite.validate`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sys
from pathlib import Path

from .cache import GradeCache, ParseCache, engine_salt
from .config import Config
from .diagnostics import CONTROL, Report, has_control
from .model import (Adjustment, Article, Awaiting, ChangeEntry, Claim, Evidence, InlineNotice, LeftOut, Notice, PartialClaim,
                    Passage, Project, Quote, Rationale, Source, Term, UnparsedClaim)
from .schema import Validator, validator_for
from .text import normalize
from .yamlio import LDict, LList, load_yaml, read_text

CLAIM_SUFFIXES = (".yaml", ".yml")
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_:.+\-]+$")
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_PATTERN = re.compile(r"^[1-9]\d{0,8}$")
PMCID_PATTERN = re.compile(r"^PMC\d{1,9}$")
VERIFIED_FIELD = "verified"
MAX_KEY = 100
RESERVED_SLUGS = {"index"}  # sources/index.md is the References page
# Fields shown on the site: only these are decoded from LaTeX (decoding is the slow part of BibTeX reading).
DISPLAYED = {"author", "editor", "title", "journal", "journaltitle", "booktitle", "publisher", "organization",
             "institution", "howpublished", "note", "verified", "year", "date", "volume", "number", "pages",
             "urldate", "annote", "annotation", "extra", "awaiting", "copy"}
_VERIFIED_NOTE = re.compile(r"(?im)^\s*verified\s*:\s*(.+)$")

logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


def _read_yaml(path: Path, report: Report, root: Path):
    text, problem = read_text(path, root)
    if problem:
        report.error(path, problem.line, problem.message, problem.hint)
        return None
    if not text.strip():
        report.error(path, 0, "file is empty", "fill it in, or delete it")
        return None
    data, problems = load_yaml(text)
    for item in problems:
        report.error(path, item.line, item.message, item.hint)
    if problems:
        return None
    if data is None:
        report.error(path, 0, "file has no content (only comments or an empty document)", "fill it in, or delete it")
    if "![" in text:
        for line, url in _remote_images(data, getattr(data, "line", 1)):
            report.error(path, line, f"image from another host: {url[:80]}",
                         "images only from the site itself: a remote image makes every reader's browser "
                         "contact that host; store the image in the review and link it relatively")
    return data


_MD_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]*)")


def _remote_images(value, line: int):
    """(line, url) of every Markdown image in the document's text that is not on the site itself."""
    from .render import is_remote

    if isinstance(value, str):
        for match in _MD_IMAGE.finditer(value):
            if is_remote(match.group(1)):
                yield line, match.group(1)
    elif isinstance(value, LDict):
        for key, item in value.items():
            yield from _remote_images(item, value.line_of(key))
    elif isinstance(value, LList):
        for index, item in enumerate(value):
            yield from _remote_images(item, value.line_of(index))


def _report_schema(path: Path, errors, report: Report) -> None:
    for line, _where, message, hint in errors:
        report.error(path, line, message, hint)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# --- claims -------------------------------------------------------------------------------------

def claim_files(config: Config, report: Report | None = None) -> list[str]:
    return walk_files(config.claims_dir, CLAIM_SUFFIXES, config.root, report)


def walk_files(top: Path, suffixes: tuple[str, ...], root: Path, report: Report | None = None) -> list[str]:
    """Files under ``top`` ending in ``suffixes``, sorted. With a report: a folder that is a symbolic link
    leaving the project, and a file whose suffix differs only in case (.YAML, .Yml), are reported."""
    found = []
    root_real = os.path.realpath(root) + os.sep
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        if report is not None:
            for d in dirs:
                full = os.path.join(folder, d)
                if os.path.islink(full) and not (os.path.realpath(full) + os.sep).startswith(root_real):
                    report.error(full, 0, "symbolic link points outside the project",
                                 "replace the link with the folder itself")
        for name in files:
            if name.endswith(suffixes):
                found.append(os.path.join(folder, name))
            elif report is not None and name.lower().endswith(suffixes) and not name.startswith("."):
                stem, _, suffix = name.rpartition(".")
                report.error(os.path.join(folder, name), 0, f"'.{suffix}' is not read: the suffix must be lowercase",
                             f"rename it to {stem}.{suffix.lower()}")
    return sorted(found)


def _build_claim(doc: LDict, rel: str) -> Claim:
    quotes = tuple(
        Quote(q["article"], q["quote"], q.get("section"), q.line_of("quote"), normalize(q["quote"]),
              q.line_of("article"), tuple(q.get("overlaps") or ()))
        for q in doc["claimed_in"]
    )
    evidence_list = doc["evidence"]
    evidence = tuple(
        Evidence(e["source"], e["design"], e["finding"], e["direction"], e.get("population"), e.get("n"),
                 e.get("locator"), excerpt=e.get("excerpt"), line=evidence_list.line_of(i),
                 source_line=e.line_of("source"), excerpt_line=e.line_of("excerpt") if "excerpt" in e else 0)
        for i, e in enumerate(evidence_list)
    )
    r = doc["rationale"]

    def adjustments(key: str) -> tuple[Adjustment, ...]:
        block = r.get(key) or LDict()
        return tuple(Adjustment(k, v["by"], v["why"], block.line_of(k)) for k, v in block.items())

    rationale = Rationale(r.get("starting_level"), adjustments("lowered"), adjustments("raised"), r["summary"],
                          doc.line_of("rationale"))
    safety = tuple(s if isinstance(s, str) else InlineNotice(s["level"], s["text"], s.get("title"))
                   for s in doc["safety"])
    lines = dict(doc.lines)
    lines["safety_items"] = list(doc["safety"].lines)
    waiting = doc.get("awaiting") or LList()
    awaiting = tuple(Awaiting(a["source"], a["note"], waiting.line_of(i), a.line_of("source"))
                     for i, a in enumerate(waiting))
    log = doc["changelog"]
    changelog = tuple(sorted((ChangeEntry(_date(e["date"]), e["change"], e["conclusion_changed"], log.line_of(i))
                              for i, e in enumerate(log)), key=lambda e: e.date, reverse=True))
    return Claim(
        id=doc["id"], claim=doc["claim"], topic=doc["topic"], claimed_in=quotes, verdict=doc["verdict"],
        certainty=doc["certainty"], bottom_line=doc["bottom_line"], rationale=rationale, evidence=evidence,
        caveats=tuple(doc["caveats"]), safety=safety, reviewed=_date(doc["reviewed"]),
        review_by=_date(doc.get("review_by")), reviewers=tuple(doc.get("reviewers") or ()), path=rel, lines=lines,
        changelog=changelog, as_of=doc.get("as_of"), awaiting=awaiting,
    )


PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|XXX)\b|(?i:lorem ipsum)")


def placeholder(value) -> str | None:
    """The placeholder word in ``value`` (TODO, TBD, FIXME, XXX, lorem ipsum), or None."""
    if not isinstance(value, str):
        return None
    match = PLACEHOLDER.search(value)
    return match.group(0) if match else None


def _scalars(node, path: str = ""):
    """(field path, line, value) of every scalar in a parsed document."""
    if isinstance(node, LDict):
        for key, value in node.items():
            sub = f"{path}.{key}" if path else str(key)
            if isinstance(value, (LDict, LList)):
                yield from _scalars(value, sub)
            else:
                yield sub, node.line_of(key), value
    elif isinstance(node, LList):
        for index, value in enumerate(node):
            sub = f"{path}[{index + 1}]"
            if isinstance(value, (LDict, LList)):
                yield from _scalars(value, sub)
            else:
                yield sub, node.line_of(index), value


def _report_placeholders(doc, path: Path, report: Report, skip_lines: set[int]) -> None:
    """Every field still holding placeholder text, all at once (a line with a schema error already has its
    message: `verdict: TODO` is reported once, as a value that is not allowed)."""
    for name, line, value in _scalars(doc):
        word = placeholder(value)
        if word and line not in skip_lines:
            report.error(path, line, f"'{name}' still contains {word}",
                         "fill it in: nothing unfinished is checked as done or published")


def _partial_claim(doc: LDict, rel: str, bad: set[int]) -> PartialClaim:
    """The references of a claim with schema errors, from the fields that are valid."""

    def ok(node, key, kind=str):
        return isinstance(node, LDict) and isinstance(node.get(key), kind) and node.line_of(key) not in bad

    quotes = []
    if isinstance(doc.get("claimed_in"), LList):
        for q in doc["claimed_in"]:
            if ok(q, "article") and ok(q, "quote"):
                quotes.append(Quote(q["article"], q["quote"], None, q.line_of("quote"), normalize(q["quote"]),
                                    q.line_of("article"), tuple(o for o in (q.get("overlaps") or ()) if isinstance(o, str))
                                    if isinstance(q.get("overlaps"), list) else ()))
    sources = []
    if isinstance(doc.get("evidence"), LList):
        sources = [(e["source"], e.line_of("source")) for e in doc["evidence"] if ok(e, "source")]
    if isinstance(doc.get("awaiting"), LList):
        sources += [(a["source"], a.line_of("source")) for a in doc["awaiting"] if ok(a, "source")]
    notices = []
    safety = doc.get("safety")
    if isinstance(safety, LList):
        notices = [(s, safety.line_of(i)) for i, s in enumerate(safety)
                   if isinstance(s, str) and safety.line_of(i) not in bad]
    reviewed = _date(doc["reviewed"]) if ok(doc, "reviewed") else None
    return PartialClaim(rel, doc["id"] if ok(doc, "id") else None, tuple(quotes), tuple(sources), tuple(notices),
                        reviewed, doc.line_of("reviewed"), _partial_grade(doc, ok, bad))


def _partial_grade(doc: LDict, ok, bad: set[int]) -> tuple[str, int, str, int, int] | None:
    """The GRADE arithmetic of a claim with schema errors, when every part of it is valid."""
    rationale = doc.get("rationale")
    if not (ok(doc, "certainty") and ok(rationale, "starting_level")):
        return None
    levels = []
    for key in ("lowered", "raised"):
        block = rationale.get(key)
        if block is None:
            levels.append(0)
            continue
        if not isinstance(block, LDict) or rationale.line_of(key) in bad:
            return None
        total = 0
        for name, item in block.items():
            if block.line_of(name) in bad or not ok(item, "by", int) or isinstance(item["by"], bool):
                return None
            total += item["by"]
        levels.append(total)
    return doc["certainty"], doc.line_of("certainty"), rationale["starting_level"], levels[0], levels[1]


_SOURCE_LINE = re.compile(r"^\s*(?:-\s+)?source\s*:\s*[\"']?([A-Za-z0-9_:.+\-]+)", re.M)
_ARTICLE_LINE = re.compile(r"^\s*(?:-\s+)?article\s*:\s*[\"']?([a-z0-9-]+)", re.M)


def _unparsed_claim(path: Path, config: Config, report: Report) -> UnparsedClaim:
    text, problem = read_text(path, config.root)
    text = "" if problem or text is None else text
    return UnparsedClaim(report.rel(path), tuple(dict.fromkeys(_SOURCE_LINE.findall(text))),
                         tuple(dict.fromkeys(_ARTICLE_LINE.findall(text))))


def _parse_claim_file(path: Path, config: Config, report: Report, validator: Validator, grades=None):
    """A Claim; a PartialClaim when the file has schema errors; an UnparsedClaim when it is not YAML."""
    doc = _read_yaml(path, report, config.root)
    if doc is None:
        return _unparsed_claim(path, config, report)
    if not isinstance(doc, LDict):
        report.error(path, getattr(doc, "line", 1) or 1, "a claim file must be a mapping of fields (key: value)",
                     "start from `python build.py new <id>`")
        return _unparsed_claim(path, config, report)
    errors = validator.validate(doc, doc.line)
    if isinstance(doc.get("id"), str) and doc["id"] != path.stem:
        errors.append((doc.line_of("id"), "id", f"id '{doc['id'][:80]}' does not match the file name '{path.name}'",
                       f"rename the file to {doc['id'][:80]}.yaml or set id: {path.stem}"))
    bad = {line for line, *_ in errors}
    _report_schema(path, errors, report)
    _report_placeholders(doc, path, report, bad)
    from .validate import check_claim_alone, check_quote_lengths

    if errors:
        partial = _partial_claim(doc, report.rel(path), bad)
        check_quote_lengths(partial, report)
        return partial
    claim = _build_claim(doc, report.rel(path))
    check_claim_alone(claim, config, report, grades)
    return claim


def _cached(cache: ParseCache | None, path: str, report: Report, parse):
    """Run ``parse()`` for one file, or replay its cached result and diagnostics (not for symbolic links)."""
    key = report.rel(path)
    stamp = cache.stamp(path) if cache else None
    cacheable = cache is not None and not os.path.islink(path)
    if cacheable:
        hit = cache.get(key, stamp)
        if hit is not None:
            value, diagnostics = hit
            report.items.extend(diagnostics)
            return value
    before = len(report.items)
    value = parse()
    if cacheable:
        cache.put(key, stamp, (value, report.items[before:]))
    return value


def refuse_odd_names(paths, report: Report) -> list:
    """File names with control characters (a newline, an escape) are refused: they would forge lines of
    the report and of CI annotations."""
    kept = []
    for path in paths:
        if has_control(report._rel(path)):
            report.error(path, 0, "the file name has control characters (such as a line break)",
                         "rename the file to letters, digits and hyphens")
        else:
            kept.append(path)
    return kept


def load_claims(config: Config, report: Report, validator: Validator, cache: ParseCache | None = None,
                files: list[str] | None = None, grades: GradeCache | None = None) -> list[Claim]:
    claims = []
    files = refuse_odd_names(claim_files(config, report) if files is None else files, report)
    known = len(cache.entries) if cache is not None else 0
    if len(files) - known >= 2000:  # a long first read: say so (on standard error), later runs use the cache
        print(f"claimsite: reading {len(files) - known:,} claim files (later runs reuse the cache)",
              file=sys.stderr, flush=True)
    for path in files:
        claim = _cached(cache, path, report, lambda: _parse_claim_file(Path(path), config, report, validator, grades))
        if claim is not None:
            claims.append(claim)
    return claims  # Claim, PartialClaim and UnparsedClaim records: load_project sorts them apart


# --- sources (BibTeX) ---------------------------------------------------------------------------

_LATEX_CACHE: dict[str, str] = {}


def _strip_enclosing(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and ((value[0] == "{" and value[-1] == "}") or (value[0] == '"' and value[-1] == '"')):
        return value[1:-1]
    return value


def decode_latex(value: str) -> str:
    """Turn BibTeX/LaTeX markup into text, only where there is any (decoding is slow)."""
    if "\\" not in value and "{" not in value and "$" not in value and "~" not in value and "--" not in value:
        return value
    cached = _LATEX_CACHE.get(value)
    if cached is None:
        if "\\" in value or "$" in value:
            from pylatexenc.latex2text import LatexNodes2Text
            try:
                cached = LatexNodes2Text().latex_to_text(value)
            except Exception:  # pylatexenc raises many types on odd input; keep the raw text then
                cached = value.replace("{", "").replace("}", "")
        else:
            cached = value.replace("{", "").replace("}", "").replace("~", "\u00a0")
        cached = cached.replace("---", "\u2014").replace("--", "\u2013")
        _LATEX_CACHE[value] = cached
    return cached


def bib_files(config: Config, report: Report | None = None) -> list[Path]:
    if not config.sources_dir.is_dir():
        return []
    return [Path(p) for p in walk_files(config.sources_dir, (".bib",), config.root, report)]


def _parse_bib(text: str):
    import bibtexparser

    return bibtexparser.parse_string(text, parse_stack=[])


def _parse_bib_file(path: Path, config: Config, report: Report) -> list[Source]:
    """Entries of one .bib file, each checked on its own; duplicates across files are found later."""
    from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock

    text, problem = read_text(path, config.root, max_bytes=32 * 1024 * 1024)
    if problem:
        report.error(path, problem.line, problem.message, problem.hint)
        return []
    rel = report.rel(path)
    if "\r" in text:  # old Mac (lone CR) and Windows line ends: lines are counted on LF
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = CONTROL.search(text)
    if control:
        report.error(path, text.count("\n", 0, control.start()) + 1,
                     f"text holds the control character U+{ord(control.group()):04X}",
                     "remove it: control characters are not text")
    try:
        library = _parse_bib(text)
    except Exception as exc:  # bibtexparser's splitter can raise on pathological input
        report.error(path, 0, f"BibTeX could not be read: {' '.join(str(exc).split())[:200]}")
        return []
    entries = []
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            report.error(path, line, f"duplicate BibTeX key '{block.key}' in this file", "each entry needs its own key")
            continue
        if isinstance(block, ParsingFailedBlock):
            error = block.error
            reason = getattr(error, "abort_reason", "") or str(error or "") or "syntax error"
            report.error(path, line, f"BibTeX syntax error: {' '.join(reason.split())[:200]}",
                         "check braces and commas around this entry")
            continue
        if not isinstance(block, Entry):
            continue
        key = block.key
        if not KEY_PATTERN.match(key):
            report.error(path, line, f"BibTeX key '{key[:60]}' has characters that cannot be used in a link",
                         "use letters, digits and _ : . + - only")
            continue
        if len(key) > MAX_KEY:
            report.error(path, line, f"BibTeX key '{key[:40]}…' is {len(key)} characters long; at most {MAX_KEY} "
                         "can name a page", "use a short key such as author2020word")
            continue
        fields, field_lines = {}, {}
        for item in block.fields:
            name = item.key.lower()
            value = _strip_enclosing(item.value if isinstance(item.value, str) else str(item.value))
            if name in DISPLAYED and name not in ("author", "editor"):
                value = decode_latex(value)
            fields[name] = value if name in ("annote", "annotation", "extra") else " ".join(value.split())
            field_lines[name] = (item.start_line or block.start_line or 0) + 1
        _normalise_fields(fields, field_lines)
        source = Source(key, block.entry_type.lower(), fields, rel, line, field_lines)
        _check_source(source, path, report)
        entries.append(source)
    return entries


def page_slug(key: str) -> str:
    """The page name a BibTeX key gets (claimsite.site.source_slug): characters other than letters,
    digits, '_' and '-' become '-'."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", key)


def load_sources(config: Config, report: Report, cache: ParseCache | None = None) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    pages: dict[str, Source] = {}
    for path in refuse_odd_names(bib_files(config, report), report):
        for source in _cached(cache, str(path), report, lambda: _parse_bib_file(path, config, report)):
            if source.key in sources:
                first = sources[source.key]
                report.error(source.path, source.line, f"BibTeX key '{source.key}' is already used in {first.path}:{first.line}",
                             "keys must be unique across all .bib files; reuse the existing entry")
                continue
            slug = page_slug(source.key).lower()
            if slug in RESERVED_SLUGS:
                report.error(source.path, source.line, f"BibTeX key '{source.key}' would replace the References page",
                             "choose another key, such as author2020word")
                continue
            other = pages.get(slug)
            if other is not None:
                how = "differs only in case from" if other.key.lower() == source.key.lower() else \
                    "would share a page with"
                report.error(source.path, source.line, f"BibTeX key '{source.key}' {how} '{other.key}' "
                             f"({other.path}:{other.line})", "keys must differ in letters or digits, not only in "
                             "case or punctuation; rename one of them")
                continue
            pages[slug] = source
            sources[source.key] = source
    return sources


def _normalise_fields(fields: dict, lines: dict) -> None:
    """Accept biblatex and reference-manager exports (Zotero Better BibTeX) as they are."""
    if "journal" not in fields and "journaltitle" in fields:
        fields["journal"], lines["journal"] = fields["journaltitle"], lines["journaltitle"]
    if "year" not in fields and re.match(r"^\d{4}", fields.get("date", "")):
        fields["year"], lines["year"] = fields["date"][:4], lines["date"]
    if "pmid" not in fields and fields.get("eprinttype", "").lower() in ("pmid", "pubmed") and "eprint" in fields:
        fields["pmid"], lines["pmid"] = fields["eprint"], lines["eprint"]
    if VERIFIED_FIELD not in fields:
        for name in ("note", "annote", "annotation", "extra"):
            match = _VERIFIED_NOTE.search(fields.get(name, ""))
            if match:
                fields[VERIFIED_FIELD], lines[VERIFIED_FIELD] = match.group(1).strip(), lines[name]
                break
    for name in ("annote", "annotation", "extra"):
        if name in fields:
            fields[name] = " ".join(fields[name].split())


SCHOLARLY = frozenset({"article", "inproceedings", "conference", "incollection", "inbook", "book", "phdthesis",
                       "mastersthesis", "thesis"})  # works a reader expects to carry their authors
BRACKETED = re.compile(r"^\s*\[.*\]\s*$", re.S)  # "[A description of the study]": a placeholder, not a title


def _check_source(source: Source, path: Path, report: Report) -> None:
    line = source.line
    if not (source.doi or source.pmid or source.url):
        report.error(path, line, f"source '{source.key}' has no identifier",
                     "add a doi or pmid field (or url for an agency or regulator page)")
    if source.doi:
        doi = source.doi
        for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
            if doi.lower().startswith(prefix):
                doi = doi[len(prefix):]
        if not DOI_PATTERN.match(doi) or doi != source.doi:
            report.error(path, source.field_lines.get("doi", line), f"source '{source.key}': malformed DOI '{source.doi[:80]}'",
                         "write the bare DOI, e.g. 10.1000/xyz123")
    if source.pmid and not PMID_PATTERN.match(source.pmid):
        report.error(path, source.field_lines.get("pmid", line), f"source '{source.key}': malformed PMID '{source.pmid[:40]}'",
                     "a PMID is digits only, e.g. 12345678")
    if source.pmcid and not PMCID_PATTERN.match(source.pmcid):
        report.error(path, source.field_lines.get("pmcid", line), f"source '{source.key}': malformed PMCID '{source.pmcid[:40]}'",
                     "a PMCID looks like PMC1234567")
    if source.url and not re.match(r"^https?://[^\s/$.?#].\S*$", source.url):
        report.error(path, source.field_lines.get("url", line), f"source '{source.key}': url must start with http:// or https://")
    awaiting = source.awaiting
    if awaiting and len(awaiting.split()) < 3:
        report.error(path, source.field_lines.get("awaiting", line),
                     f"source '{source.key}': 'awaiting' must say why the work is not counted yet",
                     "e.g. awaiting = {The records seen do not show the authors or the title}")
    if not source.title and not awaiting:
        report.error(path, line, f"source '{source.key}' has no title",
                     "copy the title from the record you looked up; if no record you can see shows it, "
                     "mark the entry awaiting = {why} and list it under a claim's awaiting: instead of its evidence")
    elif BRACKETED.match(source.title):
        report.error(path, source.field_lines.get("title", line),
                     f"source '{source.key}': the title '{source.title[:60]}' is a description in brackets, not the "
                     "work's title", "copy the real title from the record you looked up; if no record shows it, leave "
                     "the title out and mark the entry awaiting = {why}")
    if source.entry_type in SCHOLARLY and not awaiting and not (source.get("author") or source.get("editor")):
        report.error(path, line, f"source '{source.key}' is a scholarly work ({source.entry_type}) that names no authors",
                     "copy the authors from the record you looked up (a group as author = {{Group Name}}); if no "
                     "record you can see shows them, mark the entry awaiting = {why} and list it under a claim's "
                     "awaiting: instead of its evidence")
    if not source.get(VERIFIED_FIELD):
        report.error(path, line, f"source '{source.key}' does not say how it was verified",
                     "add verified = {YYYY-MM-DD: where the record was seen, e.g. PubMed record PMID ...}, "
                     "or a line 'verified: ...' in its note (Zotero: the Extra field)")
    if source.key.lower().startswith("todo"):
        report.error(path, line, f"source key '{source.key}' is a placeholder",
                     "rename it <firstauthor><year><firstword>, e.g. grundmann2017kratom, and cite that key")
    for name, value in source.fields.items():  # every unfinished field at once
        word = placeholder(value)
        if word:
            report.error(path, source.field_lines.get(name, line), f"source '{source.key}': '{name}' still says {word}",
                         "fill it in from the record you looked up")


# --- articles and notices -----------------------------------------------------------------------

ARTICLE_SCHEMA = {
    "type": "object",
    "required": ["id", "title", "publisher", "accessed"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
        "title": {"type": "string", "minLength": 3},
        "publisher": {"type": "string", "minLength": 1},
        "author": {"type": "string", "minLength": 1},
        "url": {"type": ["string", "null"], "pattern": "^https?://\\S+$"},
        "published": {"type": ["string", "null"]},
        "accessed": {"type": "string", "format": "date"},
        "description": {"type": "string"},
        "snapshot": {"type": "string", "pattern": "^[A-Za-z0-9._-]+$"},
        "scorecard": {
            "type": "object",
            "additionalProperties": {"type": "object", "required": ["answer"], "additionalProperties": False,
                                     "properties": {"answer": {"enum": ["yes", "no", "partly", "not applicable"]},
                                                    "note": {"type": "string", "minLength": 3}}},
        },
        "left_out": {
            "type": "array",
            "items": {"type": "object", "required": ["quote", "reason"], "additionalProperties": False,
                      "properties": {"quote": {"type": "string", "minLength": 3}, "reason": {"type": "string", "minLength": 3}}},
        },
    },
}


def load_articles(config: Config, report: Report, unreadable: set[str] | None = None,
                  cache: ParseCache | None = None) -> dict[str, Article]:
    articles: dict[str, Article] = {}
    unreadable = set() if unreadable is None else unreadable
    if not config.articles_dir.is_dir():
        return articles
    validator = Validator(ARTICLE_SCHEMA)
    listed = sorted(config.articles_dir.iterdir())
    for path in listed:
        if path.suffix.lower() in CLAIM_SUFFIXES and path.suffix not in CLAIM_SUFFIXES:
            report.error(path, 0, f"'{path.suffix}' is not read: the suffix must be lowercase",
                         f"rename it to {path.stem}{path.suffix.lower()}")
    for path in refuse_odd_names([p for p in listed if p.suffix in CLAIM_SUFFIXES], report):
        doc = _cached(cache, str(path), report, lambda: _read_yaml(path, report, config.root))
        errors = []
        if doc is not None and not isinstance(doc, LDict):
            report.error(path, 1, "an article file must be a mapping of fields")
            doc = None
        if doc is not None:
            errors = validator.validate(doc, doc.line)
            if isinstance(doc.get("id"), str) and doc["id"] != path.stem:
                errors.append((doc.line_of("id"), "id", f"id '{doc['id'][:80]}' does not match the file name '{path.name}'", ""))
            _report_schema(path, errors, report)
        if doc is None or errors:
            unreadable.add(path.stem)  # claims citing it are not flagged again
            continue
        snapshot = config.articles_dir / doc.get("snapshot", f"{doc['id']}.txt")
        text = ""
        if not snapshot.is_file():
            report.error(path, doc.line_of("snapshot"), f"article text snapshot '{snapshot.name}' not found",
                         "store the article's text beside this file, to check quotes against")
            unreadable.add(doc["id"])  # one error for the snapshot, not one per quote
        else:
            text, problem = read_text(snapshot, config.root, max_bytes=4 * 1024 * 1024)
            if problem:
                report.error(snapshot, problem.line, problem.message, problem.hint)
                text = ""
                unreadable.add(doc["id"])
        card = doc.get("scorecard") or LDict()
        known = {c.id for c in config.scorecard}
        for key in card:
            if key not in known:
                report.error(path, card.line_of(key), f"unknown scorecard question '{key}'",
                             f"questions in review.yml: {', '.join(sorted(known)) or 'none'}")
        left = doc.get("left_out") or LList()
        left_out = tuple(LeftOut(i["quote"], i["reason"], left.line_of(n)) for n, i in enumerate(left))
        articles[doc["id"]] = Article(
            id=doc["id"], title=doc["title"], publisher=doc["publisher"], author=doc.get("author", "Unknown"),
            url=doc.get("url"), published=doc.get("published"), accessed=_date(doc["accessed"]),
            description=doc.get("description", ""), left_out=left_out, snapshot=report.rel(snapshot),
            scorecard={k: dict(v) for k, v in card.items()},
            text=text or "", normalized=normalize(text or ""), path=report.rel(path), line=doc.line,
            accessed_line=doc.line_of("accessed"),
        )
    return articles


PASSAGE_SCHEMA = {
    "type": "object",
    "required": ["source", "seen", "read", "text"],
    "additionalProperties": False,
    "properties": {
        "source": {"type": "string", "minLength": 1, "x-hint": "the BibTeX key of the source, equal to the file name"},
        "seen": {"type": "string", "minLength": 5,
                 "x-hint": "the record actually read and where, e.g. \"PubMed record, abstract: https://pubmed.ncbi.nlm.nih.gov/...\""},
        "read": {"type": "string", "format": "date"},
        "text": {"type": "string", "minLength": 20,
                 "x-hint": "the passages as read, copied verbatim; separate passages with a blank line"},
        "note": {"type": "string", "minLength": 3},
    },
}


def passage_files(config: Config) -> list[Path]:
    if not config.passages_dir.is_dir():
        return []
    return sorted(p for p in config.passages_dir.iterdir() if p.suffix in CLAIM_SUFFIXES and p.is_file())


def _passage_index(raw: str, text_line: int) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The stored text normalised (one paragraph a line) and where each file line starts in it."""
    lines = raw.splitlines()
    paragraphs, current, starts, offset = [], [], [], 0
    for number, line in enumerate(lines, start=text_line):
        flat = normalize(line)
        if not flat:
            if current:
                paragraphs.append(" ".join(current))
                offset += 1  # the newline between paragraphs
                current = []
            continue
        if current:
            offset += 1  # the space joining this line to the previous one
        starts.append((offset, number))
        current.append(flat)
        offset += len(flat)
    if current:
        paragraphs.append(" ".join(current))
    return "\n".join(paragraphs), tuple(starts)


def _parse_passage_file(path: Path, config: Config, report: Report) -> Passage | None:
    doc = _read_yaml(path, report, config.root)
    if doc is None:
        return None
    if not isinstance(doc, LDict):
        report.error(path, getattr(doc, "line", 1) or 1, "a passages file must be a mapping of fields",
                     "give source, seen, read and text (see CONTRIBUTING.md)")
        return None
    errors = Validator(PASSAGE_SCHEMA).validate(doc, doc.line)
    if isinstance(doc.get("source"), str) and doc["source"] != path.stem:
        errors.append((doc.line_of("source"), "source", f"source '{doc['source'][:80]}' does not match the file name "
                       f"'{path.name}'", f"name the file {doc['source'][:80]}{path.suffix}, after the BibTeX key"))
    if errors:
        _report_schema(path, errors, report)
        return None
    key_line = doc.line_of("text")
    # A block scalar (text: |) starts on the line after its key; the file's own lines map offsets to lines.
    raw_lines = read_text(path, config.root)[0].splitlines()
    head = raw_lines[key_line - 1] if 0 < key_line <= len(raw_lines) else ""
    block = head.split(":", 1)[-1].strip()[:1] in ("|", ">")
    text_line = key_line + 1 if block else key_line
    normalized, starts = _passage_index(doc["text"], text_line)
    return Passage(doc["source"], doc["seen"], _date(doc["read"]), doc["text"], normalized, report.rel(path),
                   doc.line, text_line, starts)


def load_passages(config: Config, report: Report, cache: ParseCache | None = None) -> dict[str, Passage]:
    passages = {}
    for path in passage_files(config):
        passage = _cached(cache, str(path), report, lambda: _parse_passage_file(path, config, report))
        if passage is not None:
            passages[passage.source] = passage
    return passages


def load_notices(config: Config, report: Report) -> dict[str, Notice]:
    path = config.notices_file
    if not path.is_file():
        return {}
    doc = _read_yaml(path, report, config.root)
    if doc is None:
        return {}
    levels = [n.id for n in config.notice_levels]
    schema = {
        "type": "object", "required": ["notices"], "additionalProperties": False,
        "properties": {"notices": {
            "type": "object",
            "propertyNames": {"pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
            "additionalProperties": {
                "type": "object", "required": ["level", "title", "text"], "additionalProperties": False,
                "properties": {"level": {"enum": levels}, "title": {"type": "string", "minLength": 1},
                               "text": {"type": "string", "minLength": 10},
                               "sources": {"type": "array", "items": {"type": "string", "minLength": 1}}},
            },
        }},
    }
    errors = Validator(schema).validate(doc, getattr(doc, "line", 1))
    if errors:
        _report_schema(path, errors, report)
        return {}
    rel = report.rel(path)
    block = doc["notices"]
    return {
        key: Notice(key, value["level"], value["title"], value["text"], tuple(value.get("sources") or ()), rel,
                    block.line_of(key))
        for key, value in block.items()
    }


GLOSSARY_SCHEMA = {
    "type": "object", "required": ["terms"], "additionalProperties": False,
    "properties": {"terms": {
        "type": "array",
        "items": {
            "type": "object", "required": ["id", "term", "definition"], "additionalProperties": False,
            "properties": {
                "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                "term": {"type": "string", "minLength": 2},
                "definition": {"type": "string", "minLength": 10},
                "aliases": {"type": "array", "items": {"type": "string", "minLength": 2}},
            },
        },
    }},
}


def load_glossary(config: Config, report: Report) -> tuple[Term, ...]:
    """The review's glossary (content/glossary.yml): technical terms explained for readers."""
    path = config.glossary_file
    if path is None or not path.is_file():
        return ()
    doc = _read_yaml(path, report, config.root)
    if doc is None:
        return ()
    errors = Validator(GLOSSARY_SCHEMA).validate(doc, getattr(doc, "line", 1))
    if errors:
        _report_schema(path, errors, report)
        return ()
    terms, ids, words = [], {}, {}
    items = doc["terms"]
    for index, item in enumerate(items):
        line = items.line_of(index)
        if item["id"] in ids:
            report.error(path, line, f"glossary term id '{item['id']}' is already used on line {ids[item['id']]}")
            continue
        ids[item["id"]] = line
        forms = [item["term"], *(item.get("aliases") or ())]
        clash = next((f for f in forms if f.lower() in words and words[f.lower()] != item["id"]), None)
        if clash:
            report.error(path, line, f"glossary: '{clash}' is already a form of term '{words[clash.lower()]}'",
                         "each word may belong to one term only")
            continue
        words.update({f.lower(): item["id"] for f in forms})
        terms.append(Term(item["id"], item["term"], item["definition"], tuple(item.get("aliases") or ()), line))
    return tuple(terms)


def load_project(config: Config, report: Report, use_cache: bool = True) -> Project:
    """Load everything; problems go to ``report``, records with errors are left out of the project."""
    enums = config.enums()
    validator = validator_for(enums)
    # Cached results depend on the engine, the whole configuration (scales, wording phrases) and the folder.
    salt = engine_salt(config.path.read_text(encoding="utf-8", errors="replace") + str(config.root.resolve()))
    claim_cache = ParseCache(config.root, "claims", salt, use_cache)
    source_cache = ParseCache(config.root, "sources", salt, use_cache)
    unreadable: set[str] = set()
    article_cache = ParseCache(config.root, "articles", salt, use_cache)
    files = claim_files(config, report)
    grades = GradeCache(config.root, use_cache)
    loaded = load_claims(config, report, validator, claim_cache, files, grades)
    grades.save()
    claims = sorted((c for c in loaded if isinstance(c, Claim)), key=lambda c: c.id)
    partial = [c for c in loaded if isinstance(c, PartialClaim)]
    unparsed = [c for c in loaded if isinstance(c, UnparsedClaim)]
    sources = load_sources(config, report, source_cache)
    articles = load_articles(config, report, unreadable, article_cache)
    passage_cache = ParseCache(config.root, "passages", salt, use_cache)
    passages = load_passages(config, report, passage_cache)
    for cache in (claim_cache, source_cache, article_cache, passage_cache):
        cache.save()
    return Project(
        config=config,
        claims=claims,
        sources=sources,
        articles=articles,
        notices=load_notices(config, report),
        unreadable=unreadable,
        passages=passages,
        glossary=load_glossary(config, report),
        claim_file_count=len(files),
        partial_claims=partial,
        unparsed_claims=unparsed,
    )
