"""Weekly check of the outside world: does every DOI, PMID and URL still resolve, and is any source retracted?

Run by a scheduled workflow, never in the pull-request gate (network checks are flaky).  Problems are
reported, not fatal, unless ``--fail`` is given.
"""

from __future__ import annotations

import json
import os
import queue
import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote

from .model import Source

USER_AGENT = "claimsite-linkcheck/0.1 (evidence-review site; weekly reference check)"


def _endpoints() -> dict[str, str]:
    return {
        "doi": os.environ.get("CLAIMSITE_DOI_RESOLVER", "https://doi.org/"),
        "pubmed": os.environ.get("CLAIMSITE_PUBMED", "https://pubmed.ncbi.nlm.nih.gov/"),
        "crossref": os.environ.get("CLAIMSITE_CROSSREF", "https://api.crossref.org/works/"),
    }


@dataclass(frozen=True)
class Finding:
    source: Source
    field: str
    message: str


_HTTP = re.compile(r"^https?://[^\s/$.?#].\S*$", re.I)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_PMID = re.compile(r"^[1-9]\d{0,8}$")


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not _HTTP.match(newurl):
            raise urllib.error.URLError(f"redirect to a non-http(s) address refused: {newurl[:60]}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    """http and https only: no file:, ftp: or data: handler, and no redirect to one."""
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.UnknownHandler(), urllib.request.HTTPHandler(),
                    urllib.request.HTTPSHandler(), urllib.request.HTTPDefaultErrorHandler(), _HttpOnlyRedirects(),
                    urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


_OPENER = _opener()


def _fetch(url: str, timeout: float) -> tuple[int, bytes]:
    if not _HTTP.match(url):
        return 0, b"not an http(s) address"
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, response.read(2_000_000)
    except urllib.error.HTTPError as exc:
        return exc.code, b""
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return 0, str(getattr(exc, "reason", exc)).encode()


def _retraction(body: bytes) -> str:
    try:
        message = json.loads(body)["message"]
    except (ValueError, KeyError, TypeError):
        return ""
    for update in message.get("updated-by", []) + message.get("update-to", []):
        if str(update.get("type", "")).lower() in ("retraction", "withdrawal", "removal"):
            return f"{update['type']} notice {update.get('DOI', '')}".strip()
    titles = message.get("title") or [""]
    return "title marks it as retracted" if titles[0].upper().startswith("RETRACTED") else ""


def check_source(source: Source, timeout: float = 20.0) -> list[Finding]:
    ends = _endpoints()
    findings = []
    targets = []
    doi = source.doi if _DOI.match(source.doi) else ""  # what `check` rejects is never fetched
    if doi:
        targets.append(("doi", ends["doi"] + quote(doi, safe="/:;()")))
    if _PMID.match(source.pmid):
        targets.append(("pmid", f"{ends['pubmed']}{source.pmid}/"))
    if _HTTP.match(source.url):
        targets.append(("url", source.url))
    for field, url in targets:
        status, body = _fetch(url, timeout)
        if not 200 <= status < 300:  # a redirect seen here was not followed (e.g. to file:)
            reason = f"HTTP {status}" if status else f"no answer ({body.decode(errors='replace')[:80]})"
            findings.append(Finding(source, field, f"{field} {url} does not resolve: {reason}"))
    if doi:
        status, body = _fetch(ends["crossref"] + quote(doi, safe="/:;()"), timeout)
        if status == 200:
            notice = _retraction(body)
            if notice:
                findings.append(Finding(source, "doi", f"source '{source.key}' may be retracted: {notice}"))
    return findings


class Offline(Exception):
    """The first address could not be reached: no network (or no resolver); nothing was checked."""


def probe(timeout: float) -> str:
    """'' when the DOI resolver answers (any HTTP status), else why not; never waits longer than ``timeout``
    (a resolver that never answers would otherwise block name lookup for minutes)."""
    url = _endpoints()["doi"]
    result: list = []
    worker = threading.Thread(target=lambda: result.append(_fetch(url, timeout)), daemon=True)
    worker.start()
    worker.join(timeout + 1)
    if not result:
        return f"{url} did not answer within {timeout:.0f} s"
    status, body = result[0]
    return "" if status else f"{url}: {body.decode(errors='replace')[:120]}"


def check_all(sources: list[Source], workers: int = 8, timeout: float = 20.0,
              deadline: float | None = None) -> tuple[list[Finding], list[Source]]:
    """Findings, and the sources left unchecked when the overall ``deadline`` (seconds) ran out.

    Workers are daemon threads: one stuck in a name lookup that never returns does not keep the
    command from ending at the deadline. Raises :class:`Offline` when the DOI resolver cannot be reached."""
    problem = probe(min(timeout, 15.0))
    if problem:
        raise Offline(problem)
    end = time.monotonic() + deadline if deadline else None
    todo: queue.Queue = queue.Queue()
    for index, source in enumerate(sources):
        todo.put((index, source))
    results: dict[int, list[Finding]] = {}
    lock = threading.Lock()

    def work():
        while True:
            try:
                index, source = todo.get_nowait()
            except queue.Empty:
                return
            left = timeout if end is None else max(0.5, min(timeout, end - time.monotonic()))
            found = check_source(source, left)
            with lock:
                results[index] = found

    threads = [threading.Thread(target=work, daemon=True) for _ in range(max(1, min(workers, len(sources))))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(None if end is None else max(0.0, end - time.monotonic()))
    with lock:
        done = dict(results)
    findings = [f for index in sorted(done) for f in done[index]]
    unchecked = [s for index, s in enumerate(sources) if index not in done]
    return findings, unchecked
