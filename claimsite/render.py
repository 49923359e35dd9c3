"""Safe rendering: Markdown fields through markdown-it-py, pages through Jinja.

Claim data is untrusted text: raw HTML is off in Markdown, links are limited
to http(s), mailto and relative targets, and Jinja autoescapes everything and
fails on undefined names.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

_SAFE_LINK = re.compile(r"^(https?://|mailto:|#|/|\.{0,2}/|[A-Za-z0-9_.~-][^:]*$)", re.I)


def _validate_link(url: str) -> bool:
    url = url.strip()
    return bool(_SAFE_LINK.match(url)) and not re.match(r"^\s*(javascript|vbscript|data|file):", url, re.I)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate_link
    return md


@lru_cache(maxsize=50_000)
def markdown(text: str) -> Markup:
    """Block Markdown to safe HTML (memoised: listings render the same fields on many pages)."""
    return Markup(_markdown().render(text or ""))


@lru_cache(maxsize=50_000)
def markdown_inline(text: str) -> Markup:
    """Inline Markdown (no paragraphs) to safe HTML (memoised, as above)."""
    return Markup(_markdown().renderInline(text or ""))


def page_title(text: str) -> str:
    """A page title that stays text in every theme context (some themes print titles unescaped)."""
    flat = re.sub(r"[*_`\[\]]", "", " ".join(text.split()))
    return flat.replace("<", "‹").replace(">", "›").replace("&", "＆").replace('"', "”")


def breakable_url(url: str) -> Markup:
    """A web address as text that may wrap after / . ? & = (so a line never breaks inside a word)."""
    pieces = re.split(r"(?<=[/.?&=_-])(?![/.?&=_-])", url or "")
    return Markup("<wbr>").join(escape(piece) for piece in pieces)


def human_date(value: dt.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def bytecode_cache(root: Path) -> FileSystemBytecodeCache | None:
    """Compiled templates, kept between runs (compiling them was a large part of each `serve` rebuild)."""
    folder = root / ".claimsite-cache" / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder))


def make_environment(templates_dir: Path, cache_root: Path | None = None) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        bytecode_cache=bytecode_cache(cache_root) if cache_root else None,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["md"] = markdown
    env.filters["md_inline"] = markdown_inline
    env.filters["human_date"] = human_date
    env.filters["breakable_url"] = breakable_url
    env.globals["escape"] = escape
    return env
