"""The weekly reference check, against a fake resolver on localhost (tests never use the network)."""

from __future__ import annotations

import http.server
import json
import os
import threading

import pytest

from conftest import run_cli

RETRACTED = {"message": {"title": ["Caffeine and Alertness"],
                         "updated-by": [{"type": "retraction", "DOI": "10.1234/retraction"}]}}


class Fake(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/crossref/"):
            body = json.dumps(RETRACTED if "jds.2020.12" in self.path else {"message": {"title": ["Fine"]}}).encode()
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)
        elif self.path.startswith("/pubmed/12345678/") or self.path.startswith("/doi/"):
            self.send_response(200)
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()


@pytest.fixture
def fake():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Fake)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    yield base
    server.shutdown()


def test_dead_links_and_retractions_are_reported_as_annotations(mini, fake):
    env = dict(os.environ, CLAIMSITE_DOI_RESOLVER=f"{fake}/doi/", CLAIMSITE_PUBMED=f"{fake}/pubmed/",
               CLAIMSITE_CROSSREF=f"{fake}/crossref/")
    bib = mini / "sources" / "refs.bib"
    bib.write_text(bib.read_text().replace("https://example.org/agency/caffeine", f"{fake}/gone"))
    result = run_cli("links", "--format", "github", cwd=mini, env=env)
    assert result.returncode == 0, result.stderr  # reported, not fatal
    lines = result.stdout.splitlines()
    assert any(line.startswith("::warning file=sources/refs.bib,line=9::source 'doe2020coffee' may be retracted: "
                               "retraction notice 10.1234/retraction") for line in lines), lines
    assert any("sources/refs.bib,line=18::url" in line and "does not resolve: HTTP 404" in line for line in lines), lines
    assert len(lines) == 2
    strict = run_cli("links", "--fail", cwd=mini, env=env)
    assert strict.returncode == 1
