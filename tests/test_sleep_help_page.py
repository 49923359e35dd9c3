"""The 'What helps sleep instead' page: present, linked from home and nav, and citing only known sources."""
import re
from pathlib import Path

import yaml

from claimsite.config import load_config
from claimsite.diagnostics import Report
from claimsite.load import load_project

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "content" / "what-helps-sleep.md"
LINK = re.compile(r"\]\(([^)#\s]+)\)")


def _links() -> list[str]:
    return LINK.findall(PAGE.read_text(encoding="utf-8"))


def test_page_exists_with_key_messages_first():
    text = PAGE.read_text(encoding="utf-8")
    assert text.startswith("# What helps sleep instead")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings[0] == "Key messages"
    assert "CBT-I" in text.split("## ", 2)[1]


def test_linked_from_home_and_nav():
    home = (REPO / "content" / "index.md").read_text(encoding="utf-8")
    assert "](what-helps-sleep.md)" in home
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    nav = yaml.safe_load("nav:" + text.split("\nnav:", 1)[1])
    entries = [next(iter(item.values())) for item in nav["nav"] if isinstance(item, dict)]
    assert "what-helps-sleep.md" in entries


def test_cites_only_known_sources_and_claims():
    project = load_project(load_config(REPO), Report(REPO), use_cache=False)
    sources = [link[len("sources/"):-3] for link in _links() if link.startswith("sources/") and link.endswith(".md")]
    assert sources, "the page cites its sources"
    unknown = sorted(set(sources) - set(project.sources))
    assert not unknown, f"unknown sources cited: {unknown}"
    claims = {c.id for c in project.claims}
    cited_claims = [link[len("claims/"):-3] for link in _links() if link.startswith("claims/")]
    assert set(cited_claims) <= claims


def test_gives_no_doses():
    text = PAGE.read_text(encoding="utf-8")
    assert not re.search(r"\b\d+(\.\d+)?\s*(mg|g|grams?|milligrams?)\b", text, flags=re.I)
