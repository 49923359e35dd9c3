"""Sources: reference-manager exports are accepted as they are; `build.py source` starts an entry."""

from __future__ import annotations

import shutil

from claimsite import builder
from claimsite.references import format_reference
from conftest import FIXTURES, run_cli


def test_zotero_better_bibtex_export_is_accepted_as_is(mini):
    shutil.copy(FIXTURES / "zotero" / "zotero-export.bib", mini / "sources" / "zotero-export.bib")
    claim = mini / "claims" / "effects" / "coffee-wakes-you-up.yaml"
    claim.write_text(claim.read_text().replace("caveats:", "  - source: smithCaffeineSleepLatency2021\n"
                                               "    design: Randomised crossover trial\n"
                                               "    finding: Caffeine lengthened sleep latency.\n"
                                               "    direction: context\ncaveats:"))
    project, report = builder.check(mini)
    # (that the new evidence has no excerpt and its source no stored text is reported, and nothing else)
    assert [d.format() for d in report.sorted() if "excerpt" not in d.message and "stored text" not in d.message] == []
    source = project.sources["smithCaffeineSleepLatency2021"]
    assert source.pmid == "33445566" and source.year == "2021" and source.get("journal") == "Journal of Demo Sleep"
    assert source.get("verified").startswith("2026-01-15: PubMed record")
    ref = format_reference(source)
    assert ref.authors == "Smith A, Öztürk B, Demo Sleep Consortium"
    assert ref.title == "Caffeine and Sleep Latency: A Randomised Crossover Trial"
    assert ref.details == "2021;7(2):11–19."


def test_source_command_writes_a_skeleton_that_check_flags_until_filled(mini):
    result = run_cli("source", "--doi", "https://doi.org/10.1000/XYZ.123", cwd=mini)
    assert result.returncode == 0, result.stderr
    text = (mini / "sources" / "new-sources.bib").read_text()
    assert "doi = {10.1000/XYZ.123}" in text and "@article{todo-10-1000-xyz-123," in text
    check = run_cli("check", cwd=mini)
    assert check.returncode == 1
    assert "source 'todo-10-1000-xyz-123': 'author' still says TODO" in check.stderr
    again = run_cli("source", "--pmid", "12ab", cwd=mini)
    assert again.returncode == 1 and "not a PMID" in again.stderr
    agency = run_cli("source", "--url", "https://www.fda.gov/news-events/kratom", cwd=mini)
    assert agency.returncode == 0 and "@misc{todo-www-fda-gov-news-events-kratom," in \
        (mini / "sources" / "new-sources.bib").read_text()
