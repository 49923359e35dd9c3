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


REMOTE = re.compile(r"^\s*(?:[A-Za-z][A-Za-z0-9+.-]*:|//|\\\\)")


def is_remote(url: str) -> bool:
    """A URL that leaves the site: any scheme (http:, data:, ...) or a network path (//host)."""
    return bool(REMOTE.match(url))


def _image(self, tokens, idx, options, env):
    """Images only from the site itself: a remote image would make every reader's browser contact
    another host. Anything else is shown as its alt text."""
    token = tokens[idx]
    if is_remote(token.attrGet("src") or ""):
        return str(escape(self.renderInlineAsText(token.children or [], options, env)))
    return self.image(tokens, idx, options, env)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate_link
    md.add_render_rule("image", _image)
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


def full_stop(text) -> str:
    """``text`` ending in one full stop ("Inc." and "et al." are not given a second)."""
    text = str(text).rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


def breakable_url(url: str) -> Markup:
    """A web address as text that may wrap after / . ? & = (so a line never breaks inside a word)."""
    pieces = re.split(r"(?<=[/.?&=_-])(?![/.?&=_-])", url or "")
    return Markup("<wbr>").join(escape(piece) for piece in pieces)


# Telephone numbers in page text become tel: links, so a reader on a phone can call with one tap:
# North American numbers ("1-800-222-1222", "800-662-4357") and emergency short numbers ("911", "988",
# "112", "999") where the words before them speak of calling or an emergency.
_PHONE = re.compile(r"(?<![\w.-])(?:1-)?\d{3}-\d{3}-\d{4}(?![\w-])")
_SHORT = re.compile(r"(?<![\w.,-])(911|988|112|999)(?![\w,-]|\.\d)")
_SHORT_CONTEXT = re.compile(r"(call|dial|phone|ring|text|emergency|crisis|lifeline)\W*(\w+\W+){0,4}\W*$", re.I)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>|<!--.*?-->", re.S)
# Where either could start (each of their matches starts at one of these): the same conditions with a
# digit first, which the regular-expression engine finds many times faster than a leading lookbehind.
_CANDIDATE = re.compile(r"\d(?<![\w.-]\d)(?:(?:(?<=9)(?:11|88|99)|(?<=1)12)(?![\w,-]|\.\d)"
                        r"|\d\d-\d{3}-\d{4}(?![\w-])|(?<=1)-\d{3}-\d{3}-\d{4}(?![\w-]))")
_NO_LINKS_IN = {"a", "script", "style", "code", "pre", "head", "title", "textarea", "button", "label", "option"}


def _tel(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return digits if len(digits) <= 3 else "+" + (digits if len(digits) == 11 else "1" + digits)


def _link_numbers(text: str, before: str) -> str:
    """Link the numbers in one run of (escaped) HTML text; ``before`` is the plain text preceding it."""
    text = _PHONE.sub(lambda m: f'<a class="cs-tel" href="tel:{_tel(m.group(0))}">{m.group(0)}</a>', text)

    def short(m: re.Match) -> str:
        context = re.split(r"[.;!?]\s", (before + text[:m.start()])[-80:])[-1]  # this sentence only
        if not _SHORT_CONTEXT.search(context):
            return m.group(0)
        return f'<a class="cs-tel" href="tel:{m.group(1)}">{m.group(1)}</a>'

    return _SHORT.sub(short, text)


def link_phone_numbers(html: str) -> str:
    """``html`` with telephone numbers in its text (not in tags, links, code or scripts) as tel: links."""
    # A number in a run of text is also found in the whole page (the patterns see no tag characters),
    # so only runs holding a candidate are searched, and the page after the last candidate is kept as is.
    starts = [m.start() for m in _CANDIDATE.finditer(html)]
    if not starts:
        return html
    out, plain, closed_by, pos, k, last = [], "", [], 0, 0, starts[-1]
    for tag in _TAG.finditer(html):
        end = tag.start()
        chunk = html[pos:end]
        while k < len(starts) and starts[k] < pos:
            k += 1
        out.append(chunk if closed_by or k == len(starts) or starts[k] >= end else _link_numbers(chunk, plain))
        plain = (plain + chunk)[-80:]
        out.append(tag.group(0))
        name = (tag.group(2) or "").lower()
        if name in _NO_LINKS_IN and not tag.group(0).endswith("/>"):
            if tag.group(1):
                if name in closed_by:
                    closed_by.remove(name)
            else:
                closed_by.append(name)
        elif name in ("p", "li", "td", "th", "div", "br", "h1", "h2", "h3", "h4", "aside", "section"):
            plain = ""  # a new block: earlier words are not the context of a number
        pos = tag.end()
        if pos > last:  # no number after this point: the rest is unchanged
            out.append(html[pos:])
            return "".join(out)
    tail = html[pos:]
    out.append(tail if closed_by else _link_numbers(tail, plain))
    return "".join(out)


def human_date(value: dt.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def bytecode_cache(root: Path) -> FileSystemBytecodeCache | None:
    """Compiled templates, kept between runs (compiling them was a large part of each `serve` rebuild).

    Jinja's cache files are code that is run when read, so they live in the user's own cache folder
    (``$XDG_CACHE_HOME/claimsite`` or ``~/.cache/claimsite``), one folder per review, never in the review
    where a pull request could put them."""
    from .cache import user_cache_folder

    folder = user_cache_folder("jinja", root)
    if folder is None:
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
    env.filters["stop"] = full_stop
    env.globals["escape"] = escape
    return env
