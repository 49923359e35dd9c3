"""Shared test helpers: tiny complete review projects copied to a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def make_project(tmp_path: Path, name: str = "mini") -> Path:
    """Copy fixture ``name`` to ``tmp_path/name`` with the repository's templates, and return it."""
    root = tmp_path / name
    skip = shutil.ignore_patterns(".claimsite-cache")  # a check run in the fixture itself leaves one
    if name != "mini":  # other fixtures are laid over the mini review
        shutil.copytree(FIXTURES / "mini", root, ignore=skip)
    shutil.copytree(FIXTURES / name, root, dirs_exist_ok=True, ignore=skip)
    if not (root / "templates").exists():
        shutil.copytree(REPO / "templates", root / "templates")
    return root


def run_cli(*args: str, cwd: Path, env: dict | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run ``build.py`` as a contributor would, in ``cwd``."""
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return make_project(tmp_path, "mini")


EPOCH = "1767225600"  # 2026-01-01T00:00:00Z


@pytest.fixture(scope="session")
def repo_site(tmp_path_factory) -> Path:
    """The repository's review, built once per test session."""
    out = tmp_path_factory.mktemp("repo-site") / "site"
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    result = run_cli("build", "--site-dir", str(out), cwd=REPO, env=env)
    assert result.returncode == 0, result.stderr
    return out


BROWSER_HELP = ("install Chromium (Debian/Ubuntu: apt-get install chromium; Fedora: dnf install chromium) "
                "or point CLAIMSITE_CHROMIUM at a Chromium or Chrome executable")


def find_chromium() -> tuple[str | None, str]:
    """The Chromium to drive: $CLAIMSITE_CHROMIUM, else `chromium` or `chromium-browser` on PATH.

    Returns (path, "") or (None, why it is missing)."""
    chosen = os.environ.get("CLAIMSITE_CHROMIUM", "").strip()
    if chosen:
        found = shutil.which(chosen)
        if found:
            return found, ""
        return None, f"CLAIMSITE_CHROMIUM={chosen} is not an executable"
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found, ""
    return None, "no Chromium on PATH (looked for chromium and chromium-browser)"


def browser_required() -> bool:
    return os.environ.get("CLAIMSITE_REQUIRE_BROWSER", "") not in ("", "0")


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable; browser tests take this fixture (see pytest_collection_modifyitems)."""
    path, why = find_chromium()
    if path is None:
        pytest.skip(f"browser tests skipped: {why}; {BROWSER_HELP}")
    return path


NOT_RUN: list[str] = []  # browser tests left out because no browser was found


def pytest_collection_modifyitems(config, items):
    """Without a browser, the tests that take the `chromium` fixture are left out, and a single test
    (tests/test_browser.py::test_chromium_is_available) says so in one line: it skips, or fails when
    CLAIMSITE_REQUIRE_BROWSER=1 (as .ci/run sets) -- not one traceback or skip line per test."""
    if find_chromium()[0] is not None:
        return
    keep, drop = [], []
    for item in items:
        (drop if "chromium" in getattr(item, "fixturenames", ()) else keep).append(item)
    if drop:
        NOT_RUN[:] = [item.nodeid for item in drop]
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def require_tool(path: str, how: str) -> str:
    if not Path(path).exists():
        pytest.fail(f"{path} is missing: {how}")
    return path
