"""Text helpers shared by loading, checking and rendering."""

from __future__ import annotations

import re

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"',
                         "‟": '"', "″": '"', "«": '"', "»": '"'})
_SPACE = re.compile(r"\s+")
_SENTENCE = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9\"'(\[-])")


def normalize(text: str) -> str:
    """Fold typographic quotes to straight ones and runs of white space to one space."""
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip()


def sentences(text: str) -> list[tuple[int, str]]:
    """Split an article snapshot into (line, sentence) pairs; headings and list items count as sentences."""
    result = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("-•* ").strip()
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
