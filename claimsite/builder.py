"""The pipeline: load → validate → render (through MkDocs) → write atomically.

``check`` loads and validates a review and returns its report.  ``build``
checks first, then runs MkDocs into a temporary folder beside the output and
swaps it in only when everything succeeded: a failed build never touches the
previous site.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import tempfile
import time
from pathlib import Path

from .config import load_config
from .diagnostics import ContentError, Report
from .load import load_project
from .model import Project
from .validate import validate

_PRELOADED: dict[str, tuple[Project, Report]] = {}


def check(root: Path | str, today: dt.date | None = None) -> tuple[Project, Report]:
    """Load and validate the review in ``root``; raises ConfigError only for an unusable review.yml."""
    root = Path(root).resolve()
    config = load_config(root)
    report = Report(root)
    # Loading builds many small, long-lived objects: the cyclic collector would scan them again and
    # again for nothing (a third of the time at 10,000 claims). Nothing here creates reference cycles.
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        project = load_project(config, report)
        validate(project, report, today)
    finally:
        if gc_was_on:
            gc.enable()
    return project, report


class BuildFailed(Exception):
    """MkDocs reported an error; the previous site is untouched."""


def take_preloaded(root: Path) -> tuple[Project | None, Report | None]:
    return _PRELOADED.pop(str(Path(root).resolve()), (None, None))


def build(root: Path | str, site_dir: Path | str | None = None, *, strict: bool = False,
          log=print) -> Path:
    """Check, then build the site; returns the output folder. Raises ContentError on review errors."""
    root = Path(root).resolve()
    started = time.perf_counter()
    project, report = check(root)
    errors = report.errors(strict=strict)
    if errors:
        raise ContentError(errors, strict=strict)
    log(f"claimsite: checked {len(project.claims)} claims, {len(project.sources)} sources, "
        f"{len(project.articles)} articles in {time.perf_counter() - started:.2f} s")

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config as mkdocs_config
    from mkdocs.exceptions import Abort, BuildError, ConfigurationError, PluginError

    show_mkdocs_log()
    mkdocs_file = root / "mkdocs.yml"
    cfg_probe = mkdocs_config(str(mkdocs_file))
    target = Path(site_dir).resolve() if site_dir else Path(cfg_probe.site_dir).resolve()
    if target == root or root.is_relative_to(target) or target == Path(cfg_probe.docs_dir).resolve():
        raise BuildFailed(f"refusing to build into {target}: it holds the review's own files")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        _PRELOADED[str(root)] = (project, report)
        cfg = mkdocs_config(str(mkdocs_file), site_dir=str(staging), strict=strict)
        mkdocs_build(cfg)
    except (Abort, BuildError, ConfigurationError, PluginError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildFailed(str(exc)) from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        _PRELOADED.pop(str(root), None)
    os.chmod(staging, 0o755)
    _swap(staging, target)
    pages = sum(1 for _ in target.rglob("*.html"))
    log(f"claimsite: built {pages} pages into {target} in {time.perf_counter() - started:.2f} s")
    return target


def show_mkdocs_log(level: int | None = None) -> None:
    """Print MkDocs' own messages (it configures no output when called as a library): warnings and
    errors by default, or everything from ``level`` up (``serve`` shows INFO: its address, rebuilds)."""
    import logging

    logger = logging.getLogger("mkdocs")
    handler = next((h for h in logger.handlers if getattr(h, "_claimsite", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("mkdocs: %(levelname)s: %(message)s"))
        handler._claimsite = True
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    handler.setLevel(level if level is not None else logging.WARNING)


def _swap(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging`` with two renames; the old site is removed afterwards."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
