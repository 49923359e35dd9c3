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
import re
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
    """The build stopped (MkDocs reported an error, mkdocs.yml or the output folder is unusable); the
    previous site is untouched. With ``path`` it prints as a diagnostic: ``path:line: error: message``."""

    def __init__(self, message: str, path: Path | str | None = None, line: int = 0, hint: str = ""):
        super().__init__(message)
        self.message, self.path, self.line, self.hint = message, path, line, hint

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        from .diagnostics import Diagnostic

        return Diagnostic(_display(self.path), self.line, self.message, self.hint).format()


def _display(path: Path | str) -> str:
    """A path as the user typed it: relative to the current folder when inside it."""
    text = os.path.abspath(path)
    rel = os.path.relpath(text)
    return text if rel.startswith("..") else rel


def take_preloaded(root: Path) -> tuple[Project | None, Report | None]:
    return _PRELOADED.pop(str(Path(root).resolve()), (None, None))


def build(root: Path | str, site_dir: Path | str | None = None, *, strict: bool = False,
          log=print) -> Path:
    """Check, then build the site; returns the output folder. Raises ContentError on review errors,
    BuildFailed on anything else that stops the build (the previous site is then untouched)."""
    root = Path(root).resolve()
    with _build_lock(root):
        return _build(root, site_dir, strict, log)


def _build(root: Path, site_dir, strict: bool, log) -> Path:
    started = time.perf_counter()
    show_mkdocs_log()
    cfg_probe = load_mkdocs_config(root)
    target = Path(site_dir).resolve() if site_dir else Path(cfg_probe.site_dir).resolve()
    _refuse_output(target, root, load_config(root), cfg_probe)
    try:
        _recover(target)  # first: even a build that fails on the review puts a lost previous site back
    except OSError as exc:
        raise BuildFailed(f"cannot tidy up after an interrupted build: {_reason(exc)}", target.parent) from exc
    project, report = check(root)
    errors = report.errors(strict=strict)
    if errors:
        raise ContentError(errors, strict=strict)
    log(f"claimsite: checked {len(project.claims)} claims, {len(project.sources)} sources, "
        f"{len(project.articles)} articles in {time.perf_counter() - started:.2f} s")

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import Abort, BuildError, ConfigurationError, PluginError

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    except OSError as exc:
        raise BuildFailed(f"cannot write here: {_reason(exc)}", target.parent,
                          hint="build into a folder you can write to (--site-dir)") from exc
    try:
        _PRELOADED[str(root)] = (project, report)
        cfg = load_mkdocs_config(root, site_dir=str(staging), strict=strict)
        mkdocs_build(cfg)
        os.chmod(staging, 0o755)
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")  # MkDocs may have cleaned the folder
    except (Abort, BuildError, ConfigurationError, PluginError) as exc:
        _remove_own(staging)
        raise BuildFailed(str(exc)) from exc
    except OSError as exc:
        _remove_own(staging)
        raise BuildFailed(f"could not write the site: {_reason(exc)}", getattr(exc, "filename", None) or target,
                          hint="free some space or choose another folder (--site-dir), then build again") from exc
    except BaseException:
        _remove_own(staging)
        raise
    finally:
        _PRELOADED.pop(str(root), None)
    try:
        _swap(staging, target)
    except OSError as exc:
        _remove_own(staging)
        raise BuildFailed(f"could not put the new site in place: {_reason(exc)}", target) from exc
    pages = sum(1 for _ in target.rglob("*.html"))
    log(f"claimsite: built {pages} pages into {target} in {time.perf_counter() - started:.2f} s")
    return target


# --- the output folder ------------------------------------------------------------------------

MARKER = ".claimsite-output"
MARKER_TEXT = "This folder is built by `python build.py build`, which replaces it on every build.\n"


def _reason(exc: OSError) -> str:
    import errno

    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied (the folder is read-only)"
    if exc.errno == errno.ENAMETOOLONG:
        return "a file name is too long"
    return exc.strerror or str(exc)


def load_mkdocs_config(root: Path, **overrides):
    """mkdocs.yml, with the claimsite plugin and its navigation entries checked; BuildFailed otherwise."""
    import yaml
    from mkdocs.config import load_config as mkdocs_config
    from mkdocs.exceptions import Abort, ConfigurationError

    path = root / "mkdocs.yml"
    if not path.is_file():
        raise BuildFailed("no mkdocs.yml here", path, hint="run in the review's folder or pass --root")
    try:
        cfg = mkdocs_config(str(path), **overrides)
    except (ConfigurationError, Abort, yaml.YAMLError, OSError, ValueError) as exc:
        text = " ".join(str(exc).split())
        line = re.search(r"line (\d+)", text)
        raise BuildFailed(f"mkdocs.yml is not usable: {text[:300]}", path, int(line.group(1)) if line else 0,
                          "compare it with the mkdocs.yml of the repository") from exc
    if "claimsite" not in cfg.plugins:
        line = _line_of(path, r"^plugins\s*:")
        raise BuildFailed("the claimsite plugin is not enabled, so no claim page would be built", path, line,
                          "add `- claimsite` under `plugins:`")
    generated = {"claimsite:topics", "claimsite:articles"}
    for entry in _nav_values(cfg.nav):
        if entry.startswith("claimsite:") and entry not in generated:
            raise BuildFailed(f"unknown navigation entry '{entry[:60]}'", path,
                              _line_of(path, re.escape(entry)), f"use one of: {', '.join(sorted(generated))}")
    return cfg


def _nav_values(nav) -> list[str]:
    values = []
    for item in nav or []:
        value = next(iter(item.values()), None) if isinstance(item, dict) else item
        if isinstance(value, list):
            values += _nav_values(value)
        elif isinstance(value, str):
            values.append(value)
    return values


def _line_of(path: Path, pattern: str) -> int:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return 0
    rx = re.compile(pattern)
    return next((n for n, line in enumerate(lines, 1) if rx.search(line)), 0)


def _protected(root: Path, config, cfg) -> list[Path]:
    """Everything the review reads or git keeps: the output may be none of these, nor inside or around one."""
    paths = [root / ".git", Path(cfg.docs_dir), config.path, root / "mkdocs.yml", config.claims_dir,
             config.sources_dir, config.articles_dir, config.notices_file, config.templates_dir]
    theme_dir = getattr(cfg.theme, "custom_dir", None)
    if theme_dir:
        paths.append(Path(theme_dir))
    return [p.resolve() for p in paths]


def _refuse_output(target: Path, root: Path, config, cfg) -> None:
    def refuse(why: str) -> BuildFailed:
        return BuildFailed(f"refusing to build into this folder: {why}", target,
                           hint="choose a new folder for the site (--site-dir, or site_dir in mkdocs.yml), "
                                "e.g. the default: site")

    if target == root or root.is_relative_to(target):
        raise refuse("it holds the review's own files")
    for path in _protected(root, config, cfg):
        if target == path or target.is_relative_to(path) or path.is_relative_to(target):
            raise refuse(f"the review reads {path.relative_to(root) if path.is_relative_to(root) else path}")
    if target.parent == root and target.name in _tracked_top(root):
        raise refuse("git keeps files in it")
    if target.exists() or target.is_symlink():
        if target.is_symlink() or not target.is_dir():
            raise refuse("it is not a folder")
        if not _is_own_output(target) and any(target.iterdir()):
            raise refuse(f"it was not made by `build` (no {MARKER} in it), so it is not replaced; "
                         "move it away or delete it yourself")
        if _git_tracks(root, target):
            raise refuse("git keeps files in it")


def _tracked_top(root: Path) -> set[str]:
    """Names of the review folder's entries that git keeps (empty when it is not a git checkout)."""
    import subprocess

    if not (root / ".git").exists():
        return set()
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {name.split(b"/", 1)[0].decode("utf-8", "replace") for name in out.split(b"\0") if name}


def _git_tracks(root: Path, folder: Path) -> bool:
    import subprocess

    try:
        out = subprocess.run(["git", "-C", str(folder), "ls-files", "-z", "--", "."], capture_output=True,
                             timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and bool(out.stdout.strip(b"\0"))


def _is_own_output(folder: Path) -> bool:
    """Made by `build`: it holds the marker (or, built before there was one, the site's own data files)."""
    if (folder / MARKER).is_file():
        return True
    return all((folder / name).is_file() for name in ("feed.xml", "data/claims.json", "search/search_index.json"))


def _remove_own(folder: Path) -> None:
    """Delete a folder only when the build made it (it holds the marker). The marker goes last and first
    says the folder is being removed: a build killed meanwhile leaves a folder the next one still knows
    as its own, and never mistakes for a complete site."""
    marker = folder / MARKER
    if not (folder.is_dir() and not folder.is_symlink() and marker.is_file()):
        return
    try:
        marker.write_text("being removed\n", encoding="utf-8")
        for entry in os.scandir(folder):
            if entry.name == MARKER:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        marker.unlink()
        folder.rmdir()
    except OSError:
        pass  # the next build tries again


class _build_lock:
    """One build at a time per review: a second says so instead of racing the first."""

    def __init__(self, root: Path):
        from .cache import CACHE_DIR

        self.path = root / CACHE_DIR / "build.lock"
        self.handle = None

    def __enter__(self):
        import fcntl

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = open(self.path, "a+")
        except OSError:
            return self  # a read-only review folder: nothing to lock, nothing of it is written
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            self.handle.close()
            raise BuildFailed("another build of this review is running", self.path.parent.parent,
                              hint="wait for it to finish, then build again") from exc
        return self

    def __exit__(self, *exc):
        import fcntl

        if self.handle is None:
            return False
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
        return False


def _leftovers(target: Path) -> list[Path]:
    found = []
    for kind in ("building", "old"):
        found += sorted(target.parent.glob(f".{glob_escape(target.name)}.{kind}-*"))
    return [p for p in found if p.is_dir() and not p.is_symlink() and (p / MARKER).is_file()]


def glob_escape(name: str) -> str:
    import glob

    return glob.escape(name)


def _complete(folder: Path) -> bool:
    try:
        return (folder / MARKER).read_text(encoding="utf-8") == MARKER_TEXT
    except OSError:
        return False


def _recover(target: Path) -> None:
    """After a build was killed: put a previous site back if there is none, and clear its leftovers."""
    leftovers = _leftovers(target)
    if not target.exists():
        old = [p for p in leftovers if ".old-" in p.name and _complete(p)]
        if old:
            newest = max(old, key=lambda p: p.stat().st_mtime)
            newest.rename(target)
            leftovers.remove(newest)
    for folder in leftovers:
        _remove_own(folder)
    for folder in target.parent.glob(f".{glob_escape(target.name)}.building-*"):
        if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
            folder.rmdir()  # killed right after it was made, before it was marked


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
    """Replace ``target`` by ``staging`` in one atomic exchange where the system has one (Linux
    renameat2), else two renames; a killed build leaves the previous or the new site, and the next build
    puts back or clears what is left (see :func:`_recover`)."""
    if target.exists() and _exchange(staging, target):
        _remove_own(staging)  # now holds the previous site
        return
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        _remove_own(old)
        target.rename(old)
    staging.rename(target)
    if old is not None:
        _remove_own(old)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0
