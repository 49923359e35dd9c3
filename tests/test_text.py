import random

from claimsite.text import TextIndex


def test_text_index_agrees_with_plain_search():
    rng = random.Random(7)
    words = ["kratom", "sleep", "may", "help", "alkaloid", "dose", "the", "of", "a"]
    text = " ".join(rng.choice(words) for _ in range(20_000))
    index = TextIndex(text)
    needles = []
    for _ in range(300):
        start = rng.randrange(len(text) - 60)
        needles.append(text[start:start + rng.randrange(1, 60)])
    index.prepare(needles[::2])  # half prepared, half not: both paths must agree with plain search
    for needle in needles:
        expected, at = [], text.find(needle)
        while at >= 0:
            expected.append((at, at + len(needle)))
            at = text.find(needle, at + 1)
        found = index.occurrences(needle)
        assert set(found) <= set(expected) and bool(found) == bool(expected)
        assert (needle in index) == (needle in text)
    assert "kratom sleep may help zzz" not in index
