"""The lints in `check`: GRADE arithmetic and bottom-line wording, with passing and failing examples."""

from __future__ import annotations

import os
import re

import pytest

from claimsite import builder
from conftest import run_cli


def set_claim(root, **fields):
    path = root / "claims" / "risks" / "late-coffee-no-effect.yaml"
    text = path.read_text()
    for key, value in fields.items():
        lines = text.splitlines()
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        lines[index] = f"{key}: {value}"
        text = "\n".join(lines) + "\n"
    path.write_text(text)


def messages(root):
    _, report = builder.check(root)
    return [(d.severity, d.message) for d in report.sorted() if d.path.endswith("late-coffee-no-effect.yaml")]


@pytest.mark.parametrize("certainty,ok", [("low", True), ("high", False), ("very-low", False)])
def test_grade_arithmetic(mini, certainty, ok):
    set_claim(mini, certainty=certainty, bottom_line="'Coffee late in the day may shorten sleep; it is very uncertain.'")
    found = [m for _, m in messages(mini) if "does not follow from the rationale" in m]
    assert (found == []) is ok, found


def test_grade_arithmetic_floors_at_the_lowest_level(mini):
    path = mini / "claims" / "risks" / "late-coffee-no-effect.yaml"
    path.write_text(path.read_text().replace("indirectness: {by: 1,", "indirectness: {by: 2,").replace(
        "    indirectness:", "    risk_of_bias: {by: 2, why: Unblinded and small.}\n    indirectness:").replace(
        "certainty: low", "certainty: very-low").replace("may shorten", "very uncertain: may shorten"))
    assert not [m for _, m in messages(mini) if "does not follow" in m]


@pytest.mark.parametrize("line,expected", [
    ("'Coffee late in the day may shorten and lighten sleep.'", None),
    ("'This proves coffee late in the day ruins sleep; it may.'", ("error", "bottom line says 'proves'")),
    ("'Decaf cures insomnia, it may be said.'", ("error", "bottom line says 'cures'")),
    ("'Coffee is safe in the evening; it may still disturb sleep.'", ("error", "bottom line calls something 'safe'")),
    ("'No dose of coffee has been shown to be safe for sleep; it may disturb it.'", None),
    ("'There is no established safe amount; coffee may disturb sleep.'", None),
    ("'Coffee late in the day shortens sleep.'", ("warning", "bottom line does not speak as 'Low' certainty requires")),
])
def test_bottom_line_wording(mini, line, expected):
    set_claim(mini, bottom_line=line)
    found = [(s, m) for s, m in messages(mini) if "bottom line" in m]
    if expected is None:
        assert found == []
    else:
        assert any(s == expected[0] and m.startswith(expected[1]) for s, m in found), found


def test_a_missing_readability_library_is_one_message_not_a_traceback(mini, tmp_path):
    """An environment installed before the readability lint existed gets told how to fix it."""
    blocker = tmp_path / "no-textstat"
    blocker.mkdir()
    (blocker / "textstat.py").write_text("raise ImportError('textstat is not installed')\n")
    env = dict(os.environ, PYTHONPATH=str(blocker))
    config = mini / "review.yml"
    config.write_text(config.read_text() + "\nreadability:\n  max_grade: 12\n")
    result = run_cli("check", cwd=mini, env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "needs the textstat package" in result.stderr and "make check" in result.stderr


def test_reading_grades_are_reused_without_textstat_and_new_text_is_graded_afresh(mini, tmp_path):
    """A check that reads the claims afresh takes grades computed before from the user's cache folder,
    so textstat is not needed for them; a changed bottom line is graded again."""
    import shutil

    from claimsite.cache import CACHE_DIR

    config = mini / "review.yml"
    config.write_text(config.read_text() + "\nreadability:\n  max_grade: 6\n")
    set_claim(mini, bottom_line="'Consumption of caffeinated beverages during the late afternoon may substantially diminish "
                                "subsequent nocturnal sleep duration.'")
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "user-cache"))
    first = run_cli("check", cwd=mini, env=env)
    assert "bottom line reads at school grade" in first.stderr, first.stderr
    assert list((tmp_path / "user-cache" / "claimsite" / "grades").glob("*/grades.json"))
    assert not list(mini.rglob("grades.json"))  # never in the review, where a pull request could put one
    blocker = tmp_path / "no-textstat"
    blocker.mkdir()
    (blocker / "textstat.py").write_text("raise ImportError('textstat is not installed')\n")
    shutil.rmtree(mini / CACHE_DIR)
    again = run_cli("check", cwd=mini, env=dict(env, PYTHONPATH=str(blocker)))
    assert again.returncode == first.returncode
    assert re.sub(r" in [\d.]+ s:", "", again.stderr) == re.sub(r" in [\d.]+ s:", "", first.stderr)
    set_claim(mini, bottom_line="'Coffee late in the day may shorten sleep.'")
    changed = run_cli("check", cwd=mini, env=dict(env, PYTHONPATH=str(blocker)))
    assert "needs the textstat package" in changed.stderr
