"""Reference formatting in Vancouver/AMA style, with DOI, PubMed and PMC links."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .model import Author, Source

MAX_AUTHORS = 6  # Vancouver: list six, then "et al."


def _split_names(value: str) -> list[str]:
    """Split a BibTeX name list on top-level ' and ' (not inside braces)."""
    names, depth, start, i = [], 0, 0, 0
    while i < len(value):
        ch = value[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and value[i:i + 5].lower() == " and ":
            names.append(value[start:i])
            start = i + 5
            i += 4
        i += 1
    names.append(value[start:])
    return [n.strip() for n in names if n.strip()]


def _wholly_braced(name: str) -> bool:
    """True for '{World Health Organization}', false for '{\\"O}zt{\\"u}rk, Bar{\\i}{\\c s}'."""
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for index, ch in enumerate(name):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0:
            return index == len(name) - 1
    return False


def _clean(part: str) -> str:
    from .load import decode_latex

    return decode_latex(part).replace("{", "").replace("}", "").strip()


def _initials(given: str) -> str:
    out = []
    for word in re.split(r"[\s]+", given.strip()):
        for piece in word.split("-"):
            piece = piece.strip(".")
            if piece:
                out.append(piece[0].upper())
    return "".join(out)


def parse_authors(value: str) -> list[Author]:
    authors = []
    for name in _split_names(value):
        if name.lower() == "others":
            authors.append(Author("", "", is_others=True))
            continue
        if _wholly_braced(name):  # {Corporate Author}
            authors.append(Author(_clean(name[1:-1]), ""))
            continue
        if "," in name:
            last, _, given = name.partition(",")
        else:
            parts = name.split()
            last, given = parts[-1], " ".join(parts[:-1])
        authors.append(Author(_clean(last), _initials(_clean(given))))
    return authors


def format_authors(authors: list[Author]) -> str:
    names = [a for a in authors if not a.is_others]
    more = len(names) > MAX_AUTHORS or any(a.is_others for a in authors)
    shown = [f"{a.last} {a.initials}".strip() for a in names[:MAX_AUTHORS]]
    if not shown:
        return ""
    return ", ".join(shown) + (", et al" if more else "")


@dataclass(frozen=True)
class Reference:
    """A formatted reference: text parts (escaped by the template) and links."""

    key: str
    authors: str
    title: str
    container: str
    details: str
    doi: str
    pmid: str
    pmcid: str
    url: str
    accessed: str
    verified: str
    note: str
    short: str = ""
    copy: str = ""  # the url is a copy of the work (a mirror, a republication): what kind of copy

    @property
    def initial(self) -> str:
        """The letter the reference is listed under (its first author's, or its title's)."""
        letters = [c for c in (self.authors or self.title) if c.isalpha()]
        return letters[0].upper() if letters else "#"

    @property
    def url_host(self) -> str:
        match = re.match(r"^https?://(?:www\.)?([^/?#]+)", self.url or "")
        return match.group(1) if match else self.url

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def pmc_url(self) -> str:
        return f"https://pmc.ncbi.nlm.nih.gov/articles/{self.pmcid}/" if self.pmcid else ""

    def plain(self) -> str:
        """The reference as one line of text (for exports and tests)."""
        parts = [p for p in (self.authors, self.title, self.container) if p]
        text = ". ".join(p.rstrip(".") for p in parts) + "."
        if self.details:
            text += f" {self.details}"
        if self.doi:
            text += f" doi:{self.doi}"
        if self.pmid:
            text += f" PMID: {self.pmid}."
        if self.url and not (self.doi or self.pmid):
            text += f" Available from: {self.url}"
        return text


def short_citation(people: list[Author], fallback: str, year: str) -> str:
    """'Hazim et al. 2014', 'Smith and Jones 2020', or the organisation and year."""
    named = [a for a in people if not a.is_others]
    if not named:
        who = fallback
    elif len(named) == 1 and len(people) == 1:
        who = named[0].last
    elif len(named) == 2 and len(people) == 2:
        who = f"{named[0].last} and {named[1].last}"
    else:
        who = f"{named[0].last} et al."
    return f"{who} {year}".strip()


def _unnamed(container: str, title: str) -> str:
    """Who to name for a work without authors or an agency: its journal or site, else its first words.
    Never the BibTeX key: readers see this text."""
    if container:
        return container
    words = title.strip("[]").split()
    return " ".join(words[:6]) + ("…" if len(words) > 6 else "") if words else "Unknown author"


def format_reference(source: Source) -> Reference:
    people = parse_authors(source.get("author") or source.get("editor") or "")
    authors = format_authors(people)
    if not authors:
        authors = source.get("organization") or source.get("institution") or source.get("publisher")
    title = source.title.rstrip(".")
    year, volume, number, pages = source.year, source.get("volume"), source.get("number"), source.get("pages")
    kind = source.entry_type
    container = source.get("journal") or source.get("booktitle") or ""
    details = ""
    if kind == "article":
        details = year
        if volume:
            details += f";{volume}"
            if number:
                details += f"({number})"
        if pages:
            details += f":{pages.replace('--', '–')}"
        details = details + "." if details else ""
    elif kind in ("book", "inbook", "incollection"):
        publisher = source.get("publisher")
        details = ". ".join(p for p in (publisher, year) if p) + "."
    else:
        container = container or source.get("howpublished") or source.get("publisher") or ""
        published = source.get("date") or year
        details = f"Published {published}." if published else ""
    return Reference(
        key=source.key, authors=authors, title=title, container=container, details=details,
        doi=source.doi, pmid=source.pmid, pmcid=source.pmcid, url=source.url,
        accessed=source.get("urldate"), verified=source.get("verified"), note=source.get("note"),
        short=short_citation(people, authors or _unnamed(container, title), year), copy=source.get("copy"),
    )


def distinguish_shorts(refs: dict[str, Reference]) -> dict[str, Reference]:
    """Two works whose short citations are the same ("Smith et al. 2022") become 2022a and 2022b, in
    order of title, as author-date styles do: a reader can tell which one a page means."""
    groups: dict[str, list[Reference]] = {}
    for ref in refs.values():
        groups.setdefault(ref.short, []).append(ref)
    out = dict(refs)
    for short, same in groups.items():
        if len(same) < 2 or not re.search(r"\d{4}$", short):
            continue
        for letter, ref in zip("abcdefghijklmnopqrstuvwxyz", sorted(same, key=lambda r: (r.title.lower(), r.key))):
            out[ref.key] = replace(ref, short=short + letter)
    return out
