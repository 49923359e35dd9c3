"""`serve` that never hangs: while the review has errors, the preview shows them in the browser.

MkDocs' development server holds every request until a build succeeds, so a broken edit looked like a
hung server, with the error only in the terminal. :func:`guard` checks the review before each rebuild
(quick: the parse cache makes it a fraction of a second); when it has errors, or the build itself fails,
the rebuild counts as done, and every page request gets an error page naming file, line and hint, with
the live-reload script, so the browser returns to the page once the files are fixed.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from . import builder as pipeline
from .diagnostics import Diagnostic

log = logging.getLogger("mkdocs.plugins.claimsite")

_STYLE = """body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.5rem;color:#a3222b}li{margin:.75rem 0}code{font-size:.95em}.where{font-weight:600}
.hint{color:#3d3d3d}"""


def error_page(problems: list[Diagnostic], title: str = "The review has errors") -> str:
    items = []
    for item in problems:
        where = f"{item.path}:{item.line}" if item.line else item.path
        hint = f'<br><span class="hint">hint: {html.escape(item.hint)}</span>' if item.hint else ""
        items.append(f'<li><code class="where">{html.escape(where)}</code>: {html.escape(item.message)}{hint}</li>')
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} — preview'
            f'</title><style>{_STYLE}</style></head><body><main><h1>{html.escape(title)}</h1>'
            f"<p>{len(problems)} problem(s) to fix. The preview comes back by itself when the files are saved "
            f"without errors.</p><ol>{''.join(items)}</ol></main></body></html>")


def _exception_problems(exc: BaseException, root: Path) -> list[Diagnostic]:
    path = getattr(exc, "filename", None) or getattr(exc, "name", None) or "build"
    try:
        path = Path(path).resolve().relative_to(root).as_posix()
    except (ValueError, OSError, TypeError):
        path = str(path)
    message = " ".join(str(getattr(exc, "message", None) or exc).split()) or type(exc).__name__
    return [Diagnostic(path, getattr(exc, "lineno", 0) or 0, message,
                       "fix it and save; the terminal running serve shows the details")]


def guard(server, root: Path, startup_errors: list[Diagnostic] = ()) -> None:
    """Wrap the LiveReloadServer's builder and request handler (see the module's docstring).
    ``startup_errors``: the errors of a review broken from the start (its first build made no pages)."""
    state: dict[str, str | None] = {"page": error_page(list(startup_errors)) if startup_errors else None}
    build = server.builder
    serve_request = server._serve_request

    def checked_build():
        project, report = pipeline.check(root)
        errors = report.errors()
        if errors:
            for item in errors:
                log.error(item.format())
            log.error("the preview shows these errors until they are fixed")
            state["page"] = error_page(errors)
            return
        pipeline._PRELOADED[str(root)] = (project, report)
        try:
            build()
        except Exception as exc:  # a template or MkDocs error: show it too, never leave the server stuck
            log.error(f"build failed: {exc}")
            state["page"] = error_page(_exception_problems(exc, root), "The preview could not be built")
            return
        finally:
            pipeline._PRELOADED.pop(str(root), None)
        state["page"] = None

    def request(environ, start_response):
        page = state["page"]
        path = environ.get("PATH_INFO", "")
        if page is None or path.startswith("/livereload/") or not (path.endswith("/") or path.endswith(".html")):
            return serve_request(environ, start_response)
        with server._epoch_cond:
            epoch = server._visible_epoch
        body = server._inject_js_into_html(page.encode("utf-8"), epoch)
        start_response("500 Internal Server Error", [("Content-Type", "text/html; charset=utf-8"),
                                                     ("Content-Length", str(len(body))), ("Cache-Control", "no-store")])
        return [body]

    server.builder = checked_build
    server._serve_request = request
    # the review's own files, whether or not mkdocs.yml lists them under `watch:`
    from .config import load_config

    config = load_config(root)
    for path in (config.path, config.claims_dir, config.sources_dir, config.articles_dir, config.notices_file,
                 config.templates_dir):
        if path.exists():
            server.watch(str(path))
