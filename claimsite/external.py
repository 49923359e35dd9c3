"""Weekly check of the outside world: does every DOI, PMID and URL still resolve, and is any source retracted?

Run by a scheduled workflow, never in the pull-request gate (network checks are flaky).  Problems are
reported, not fatal, unless ``--fail`` is given.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
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


def _fetch(url: str, timeout: float) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
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
    if source.doi:
        targets.append(("doi", ends["doi"] + quote(source.doi, safe="/:;()")))
    if source.pmid:
        targets.append(("pmid", f"{ends['pubmed']}{source.pmid}/"))
    if source.url:
        targets.append(("url", source.url))
    for field, url in targets:
        status, body = _fetch(url, timeout)
        if not 200 <= status < 400:
            reason = f"HTTP {status}" if status else f"no answer ({body.decode(errors='replace')[:80]})"
            findings.append(Finding(source, field, f"{field} {url} does not resolve: {reason}"))
    if source.doi:
        status, body = _fetch(ends["crossref"] + quote(source.doi, safe="/:;()"), timeout)
        if status == 200:
            notice = _retraction(body)
            if notice:
                findings.append(Finding(source, "doi", f"source '{source.key}' may be retracted: {notice}"))
    return findings


def check_all(sources: list[Source], workers: int = 8, timeout: float = 20.0) -> list[Finding]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda s: check_source(s, timeout), sources)
    return [finding for batch in results for finding in batch]
