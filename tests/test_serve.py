"""`serve`: a broken edit shows an error page in the browser within seconds (never a hung request) and
the page comes back when the file is fixed; dirty rebuilds follow BibTeX edits, deleted and new claims;
a busy port is one clear line."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import REPO, make_project, run_cli


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_for(url: str, check, seconds: float) -> tuple[int, str, float]:
    """Poll ``url`` until ``check(status, body)``; returns the last answer and the time it took."""
    started = time.monotonic()
    status, body = 0, ""
    while time.monotonic() - started < seconds:
        try:
            status, body = fetch(url)
        except OSError:
            status, body = 0, ""
        if check(status, body):
            break
        time.sleep(0.2)
    return status, body, time.monotonic() - started


@pytest.fixture
def served(tmp_path):
    root = make_project(tmp_path, "mini")
    shutil.rmtree(root / ".claimsite-cache", ignore_errors=True)
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
                            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/demo/"  # the path of site_url in the fixture
    status, _, _ = wait_for(base + "claims/coffee-wakes-you-up/", lambda s, b: s == 200, 90)
    assert status == 200, "serve did not start"
    try:
        yield root, base
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))
    return text


def test_a_broken_edit_shows_an_error_page_within_seconds_and_the_fix_brings_the_page_back(served):
    root, base = served
    page = base + "claims/coffee-wakes-you-up/"
    claim = root / "claims" / "effects" / "coffee-wakes-you-up.yaml"
    original = edit(claim, 'verdict: "true"', "verdict: unsuported")
    status, body, took = wait_for(page, lambda s, b: s == 500, 15)
    assert status == 500 and took < 10, f"no error page after {took:.1f} s"
    assert "claims/effects/coffee-wakes-you-up.yaml:7" in body
    assert "&#x27;verdict&#x27; has value &#x27;unsuported&#x27;" in body and "hint: allowed: true, unproven, false" in body
    assert "livereload" in body  # the page reloads itself when the file is fixed
    other, _ = fetch(base)  # every page says so, and none hangs
    assert other == 500
    claim.write_text(original)
    status, body, took = wait_for(page, lambda s, b: s == 200, 15)
    assert status == 200 and took < 10 and "Coffee makes people more alert within minutes." in body


def test_dirty_serve_follows_bibtex_edits_deleted_and_new_claims(served):
    root, base = served
    bib = root / "sources" / "refs.bib"
    edit(bib, "title = {Caffeine and Alertness: A Randomised Trial}", "title = {Caffeine and Alertness: A Renamed Trial}")
    status, body, _ = wait_for(base + "claims/coffee-wakes-you-up/", lambda s, b: "A Renamed Trial" in b, 20)
    assert "A Renamed Trial" in body, "the claim page citing the edited entry was not rebuilt"

    new = root / "claims" / "effects" / "coffee-and-focus.yaml"
    text = (root / "claims" / "effects" / "coffee-wakes-you-up.yaml").read_text()
    new.write_text(text.replace("id: coffee-wakes-you-up", "id: coffee-and-focus")
                   .replace("Coffee makes people more alert within minutes.", "Coffee sharpens focus for hours."))
    status, body, _ = wait_for(base, lambda s, b: "Coffee sharpens focus for hours." in b, 20)
    assert "Coffee sharpens focus for hours." in body, "the home listing does not show the new claim"
    status, body = fetch(base + "topics/effects/")
    assert "Coffee sharpens focus for hours." in body

    new.unlink()
    status, body, _ = wait_for(base + "claims/coffee-and-focus/", lambda s, b: s == 404, 20)
    assert status == 404, "the deleted claim's page is still served"
    status, body = fetch(base)
    assert "Coffee sharpens focus for hours." not in body


def test_serve_starts_on_a_review_broken_from_the_start_and_builds_once_it_is_fixed(tmp_path):
    root = make_project(tmp_path, "mini")
    claim = root / "claims" / "effects" / "coffee-wakes-you-up.yaml"
    original = edit(claim, 'verdict: "true"', "verdict: unsuported")
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
                            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/demo/"
    try:
        status, body, _ = wait_for(base, lambda s, b: s == 500, 90)
        assert status == 500, f"serve did not start on the broken review: {status}"
        assert "claims/effects/coffee-wakes-you-up.yaml:7" in body and "unsuported" in body
        assert "livereload" in body
        claim.write_text(original)
        page = base + "claims/coffee-wakes-you-up/"
        status, body, took = wait_for(page, lambda s, b: s == 200, 60)
        assert status == 200 and "Coffee makes people more alert within minutes." in body, f"{status} after {took:.1f} s"
        status, body = fetch(base + "data/claims.json")  # a full first build: the open data are there too
        assert status == 200 and '"coffee-wakes-you-up"' in body
    finally:
        proc.terminate()
        try:
            output, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            output = ""
    assert "Traceback" not in output, output


def test_a_busy_port_is_one_clear_line(mini):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--dev-addr", f"127.0.0.1:{port}", cwd=mini, timeout=60)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert re.match(rf"error: port {port} on 127\.0\.0\.1 is already in use .*--dev-addr 127\.0\.0\.1:{port + 1}$",
                    lines[0])
