"""Small, documented repairs of the theme's HTML so that every page validates (Nu Html Checker).

Each repair fixes markup that Material for MkDocs 9.x emits and the HTML standard does not allow; none
changes behaviour in browsers.
"""

from __future__ import annotations

import re

_REPAIRS = [
    # autocomplete is not allowed on checkboxes (the drawer and search toggles)
    (re.compile(r'(<input class="md-toggle"[^>]*type="checkbox"[^>]*?) autocomplete="off"'), r"\1"),
    # an empty tabindex is not a valid integer (section labels in the navigation)
    (re.compile(r'(<label [^>]*?) tabindex=""'), r"\1"),
]
_TOC_LABEL = re.compile(r'(<label class="md-nav__title") for="__toc"')


def repair(html: str) -> str:
    for pattern, replacement in _REPAIRS:
        html = pattern.sub(replacement, html)
    if 'id="__toc"' not in html:
        # pages outside the navigation have a table-of-contents title labelling a control that is not there
        html = _TOC_LABEL.sub(r"\1", html)
    return html
