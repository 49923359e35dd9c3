"""Internal link check of a built site: every relative href/src resolves, including #fragments."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[int, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value and (name == "id" or tag == "a"):
                self.ids.add(value)
            if name in ("href", "src") and value is not None and tag != "base":
                self.links.append((self.getpos()[0], value))


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    return collector


def _target(site: Path, page: Path, url_path: str) -> Path | None:
    base = page.parent.relative_to(site).as_posix()
    joined = posixpath.normpath(posixpath.join(base, unquote(url_path))) if url_path else page.relative_to(site).as_posix()
    if joined.startswith(".."):
        return None
    target = site / joined
    if target.is_dir() or url_path.endswith("/"):
        target = target / "index.html"
    return target


def check_site(site: Path) -> list[str]:
    """Return one problem per broken internal link, as 'page:line: message'."""
    site = Path(site)
    # 404.html is served for any missing path, so its links are absolute by design
    pages = sorted(p for p in site.rglob("*.html") if p.relative_to(site).as_posix() != "404.html")
    parsed = {page: _parse(page) for page in pages}
    problems = []
    for page, collector in parsed.items():
        rel = page.relative_to(site).as_posix()
        for line, url in collector.links:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("mailto:", "tel:", "data:", "javascript:")):
                continue
            if url.startswith("/"):
                problems.append(f"{rel}:{line}: absolute link '{url}' breaks when the site is not at the server root")
                continue
            target = _target(site, page, parts.path)
            if target is not None and target.relative_to(site).as_posix() == "404.html":
                continue
            if target is None or not target.is_file():
                problems.append(f"{rel}:{line}: link to '{url}' does not resolve")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{rel}:{line}: link to '{url}' has no anchor '#{parts.fragment}'")
    return problems
