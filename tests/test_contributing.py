"""CONTRIBUTING.md, followed as a new contributor would: add a claim and a source, get a useful error for
each mistake on the way, and see the claim in `serve`."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request

from conftest import REPO, run_cli

PARTS = ["review.yml", "mkdocs.yml", "claims", "sources", "content", "templates", "schema"]


def copy_review(tmp_path):
    root = tmp_path / "review"
    root.mkdir()
    for part in PARTS:
        src = REPO / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / part)
    return root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_add_a_claim_and_a_source_as_contributing_describes(tmp_path):
    root = copy_review(tmp_path)
    assert "python build.py new kratom-sleep-onset --topic sleep --article article-a" in \
        (REPO / "CONTRIBUTING.md").read_text()
    new = run_cli("new", "kratom-sleep-onset", "--topic", "sleep", "--article", "article-a",
                  "--quote", "an enhanced ability to fall asleep more quickly",
                  "--claim", "Kratom helps people fall asleep faster.", cwd=root)
    assert new.returncode == 0, new.stderr
    claim = root / "claims" / "sleep" / "kratom-sleep-onset.yaml"

    source = run_cli("source", "--pmid", "99999999", cwd=root)
    assert source.returncode == 0 and "todo-pmid-99999999" in source.stderr
    bib = root / "sources" / "new-sources.bib"

    # Mistake 1: the skeleton's TODOs are pointed out, each with its line.
    first = run_cli("check", cwd=root)
    assert first.returncode == 1
    assert "claims/sleep/kratom-sleep-onset.yaml:8: error: 'verdict' has value 'TODO'" in first.stderr
    assert "sources/new-sources.bib:" in first.stderr and "'author' still says TODO" in first.stderr

    # Fill in the source, but forget to rename nothing else: the claim still cites a key that does not exist.
    bib.write_text(bib.read_text().replace("todo-pmid-99999999", "doe2026demo")
                   .replace("TODO: Last, First and Last, First", "Doe, Jane").replace("title = {TODO}", "title = {Demo}")
                   .replace("journal = {TODO}", "journal = {Demo Journal}").replace("year = {TODO}", "year = {2026}")
                   .replace("TODO: ", ""))
    text = claim.read_text()
    text = (text.replace("verdict: TODO", "verdict: unsupported").replace("direction: TODO", "direction: context")
            .replace("TODO: one or two plain sentences; wording must match the certainty.",
                     "Whether kratom helps people fall asleep faster is very uncertain: no study has measured it.")
            .replace("TODO: why this domain lowers certainty", "No study measured time to fall asleep.")
            .replace("TODO: why the evidence has this certainty.", "Only user reports exist; no trial or sleep study.")
            .replace("design: TODO", "design: Demo").replace("TODO what the source found, as far as it was read.",
                                                             "Reports nothing about sleep onset.")
            .replace('"TODO: what the evidence cannot tell."', "User reports are not measurements."))
    claim.write_text(text.replace("source: TODO-bibtex-key", "source: doe2026demos"))
    second = run_cli("check", cwd=root)
    assert second.returncode == 1
    assert "claims/sleep/kratom-sleep-onset.yaml:20: error: unknown source 'doe2026demos'" in second.stderr
    assert "did you mean 'doe2026demo'?" in second.stderr

    claim.write_text(claim.read_text().replace("doe2026demos", "doe2026demo"))
    third = run_cli("check", cwd=root)
    assert third.returncode == 0, third.stderr
    # CONTRIBUTING's example quotes words another claim already quotes: check says which (not an error)
    assert ("claims/sleep/kratom-sleep-onset.yaml:7: warning: quote overlaps the quote of claim "
            "'falls-asleep-faster-deeper'") in third.stderr

    from urllib.parse import urlsplit

    from mkdocs.config import load_config as mkdocs_config

    mount = urlsplit(mkdocs_config(str(root / "mkdocs.yml")).site_url or "/").path or "/"
    port = free_port()
    serve = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
                             cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        page = ""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and "Kratom helps people fall asleep faster." not in page:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}{mount}claims/kratom-sleep-onset/", timeout=5).read() \
                    .decode()
            except OSError:
                time.sleep(0.3)
        assert "Kratom helps people fall asleep faster." in page
        assert "Verdict: </span>Unsupported" in page
    finally:
        serve.terminate()
        output = serve.communicate(timeout=30)[0]
    assert "Serving on" in output or "serving" in output.lower()
