"""Command-line manners: --version, help for every option, --root anywhere, colour only on a terminal,
honest strict counts, `new` that never waits for input that cannot come, and `make help`."""

from __future__ import annotations

import argparse
import os
import pty
import re
import subprocess
import sys

from claimsite import __version__
from claimsite.cli import parser
from conftest import REPO, make_project, run_cli

ESC = "\x1b["


def test_version():
    result = run_cli("--version", cwd=REPO)
    assert result.returncode == 0 and result.stdout.strip() == f"claimsite {__version__}"


def _subparsers(p: argparse.ArgumentParser):
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices
    return {}


def test_every_option_of_every_command_has_help():
    top = parser()
    undocumented = [f"{name} {'/'.join(a.option_strings) or a.dest}"
                    for name, p in [("build.py", top), *_subparsers(top).items()]
                    for a in p._actions if not a.help and not isinstance(a, argparse._SubParsersAction)]
    assert undocumented == []
    assert all(p.description for p in _subparsers(top).values())


def test_root_is_accepted_after_the_subcommand(tmp_path):
    root = make_project(tmp_path, "broken")
    before = run_cli("--root", str(root), "check", cwd=tmp_path)
    after = run_cli("check", "--root", str(root), cwd=tmp_path)
    assert before.returncode == after.returncode == 1
    assert re.sub(r"in [\d.]+ s", "", before.stderr) == re.sub(r"in [\d.]+ s", "", after.stderr)
    assert "claims/risks/dangling.yaml:18:" in after.stderr


def _on_a_terminal(args, cwd, env) -> str:
    """Run build.py with standard error on a pseudo-terminal; return what it printed there."""
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), *args], cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    chunks = []
    while True:
        try:
            data = os.read(controller, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(controller)
    return b"".join(chunks).decode("utf-8", "replace")


def test_colour_on_a_terminal_only_and_never_with_no_color(tmp_path):
    root = make_project(tmp_path, "broken")
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm"
    coloured = _on_a_terminal(["check"], root, env)
    assert f"{ESC}1;31merror{ESC}0m" in coloured and f"{ESC}1;33mwarning{ESC}0m" in coloured
    assert ESC not in _on_a_terminal(["check"], root, dict(env, NO_COLOR="1"))
    assert ESC not in run_cli("check", cwd=root, env=env).stderr  # a pipe is not a terminal


def test_strict_summary_counts_warnings_as_the_errors_it_prints(mini):
    article = mini / "sources" / "articles" / "blog.yml"
    article.write_text(article.read_text().replace("left_out:\n  - quote: You should drink ten cups a day.\n"
                                                   "    reason: Advice, not a checkable statement.\n", "left_out: []\n"))
    relaxed = run_cli("check", cwd=mini).stderr
    assert ": 0 error(s), 1 warning(s)" in relaxed
    strict = run_cli("check", "--strict", cwd=mini).stderr
    assert strict.count(": error: ") == 1 and ": warning: " not in strict
    assert ": 1 error(s), 0 warning(s) (1 warning(s) counted as errors under --strict)" in strict


def test_new_without_a_terminal_and_without_options_is_an_error(mini):
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "new", "coffee-and-focus"], cwd=mini,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "error: --topic, --article, --quote needed: not on a terminal" in result.stderr
    assert not (mini / "claims" / "effects" / "coffee-and-focus.yaml").exists()


def test_new_says_already_exists_before_asking_anything(mini):
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "new", "coffee-wakes-you-up", "--interactive"],
                            cwd=mini, input="", capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("error: claims/effects/coffee-wakes-you-up.yaml already exists")
    assert "Topic" not in result.stderr


def test_new_names_the_known_articles_for_an_unknown_one(mini):
    result = run_cli("new", "tea-claim", "--topic", "effects", "--article", "nosuch", "--quote", "Tea is fine.", cwd=mini)
    assert result.returncode == 1
    assert result.stderr.strip() == ("error: unknown article 'nosuch': the reviewed articles are blog "
                                     "(each is sources/articles/<id>.yml, with its text in <id>.txt)")


def test_make_help_lists_every_target():
    makefile = (REPO / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z]+):", makefile, re.M))
    assert {"site", "test", "check", "serve", "golden", "clean", "bench"} <= targets
    shown = subprocess.run(["make", "-s", "help"], cwd=REPO, capture_output=True, text=True, timeout=60).stdout
    listed = set(re.findall(r"^make (\S+)", shown, re.M))
    assert listed == targets, shown
