"""Text helpers shared by loading, checking and rendering."""

from __future__ import annotations

import itertools
import re
import unicodedata

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"',
                         "‟": '"', "″": '"', "«": '"', "»": '"'})
_SENTENCE = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(\[-])")


def normalize(text: str) -> str:
    """Fold typographic quotes to straight ones and runs of white space to one space; letters written
    with combining accents (NFD, as some editors and PDF copies save them) are composed (NFC)."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.translate(_QUOTES).split())


def sentences(text: str) -> list[tuple[int, str]]:
    """Split an article snapshot into (line, normalised sentence) pairs; headings and list items count."""
    result = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = normalize(raw).lstrip("-•* ").strip()
        if not line:
            continue
        for part in _SENTENCE.split(line):
            part = part.strip()
            if part:
                result.append((number, part))
    return result


def is_heading(sentence: str) -> bool:
    """A line without closing punctuation is a heading, not an assertion."""
    return not sentence.rstrip().endswith((".", "!", "?", ":", ";")) and len(sentence.split()) <= 25


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class TextIndex:
    """Finds verbatim quotes in a long normalised text without scanning it once per quote.

    ``prepare`` takes all the quotes at once and records, in one pass over the word starts of the text,
    where each quote's first characters occur; a quote is then confirmed in place.  A quote that does
    not start at a word boundary, or was not prepared, falls back to a plain search, so containment is
    always the same as ``in``.
    """

    KEY = 20
    SMALL = 20_000  # below this many characters a plain search is as fast

    def __init__(self, text: str):
        self.text = text
        self._positions: dict[str, list[int]] = {}
        self._prepared: set[str] = set()

    def prepare(self, needles) -> None:
        if len(self.text) <= self.SMALL:
            return
        key = self.KEY
        wanted = {n[:key] for n in needles if len(n) >= key} - self._prepared
        if not wanted:
            return
        text = self.text
        starts = list(itertools.accumulate((len(w) + 1 for w in text.split(" ")), initial=0))[:-1]
        positions = self._positions
        for start in starts:
            k = text[start:start + key]
            if k in wanted:
                positions.setdefault(k, []).append(start)
        self._prepared |= wanted

    def occurrences(self, needle: str) -> list[tuple[int, int]]:
        """Positions (start, end) of ``needle``: those at word starts when there are any, else all."""
        if not needle:
            return []
        text = self.text
        head = needle[:self.KEY]
        if len(needle) >= self.KEY and head in self._prepared:
            found = [(p, p + len(needle)) for p in self._positions.get(head, ()) if text.startswith(needle, p)]
            if found:
                return found
        found, start = [], text.find(needle)
        while start >= 0:
            found.append((start, start + len(needle)))
            start = text.find(needle, start + 1)
        return found

    def __contains__(self, needle: str) -> bool:
        return bool(self.occurrences(needle))
