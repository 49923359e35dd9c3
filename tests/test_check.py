"""`build.py check`: the exact diagnostics of a broken review, and a clean one."""


from conftest import FIXTURES, make_project, run_cli


def diagnostics(output: str) -> list[str]:
    return [line for line in output.splitlines() if line and not line.startswith(("    hint:", "checked "))]


def test_clean_fixture_passes_strict(mini):
    result = run_cli("check", "--strict", cwd=mini)
    assert result.returncode == 0, result.stderr
    assert "0 error(s), 0 warning(s)" in result.stderr


def test_broken_fixture_gives_exactly_the_expected_diagnostics(tmp_path):
    root = make_project(tmp_path, "broken")
    result = run_cli("check", cwd=root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    expected = (FIXTURES / "broken" / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert diagnostics(result.stderr) == expected


def test_every_error_has_a_hint_or_a_self_explaining_message(tmp_path):
    root = make_project(tmp_path, "broken")
    lines = run_cli("check", cwd=root).stderr.splitlines()
    hinted = sum(1 for line in lines if line.startswith("    hint:"))
    assert hinted >= 20


def test_warnings_fail_only_under_strict(mini):
    claim = mini / "claims" / "effects" / "coffee-wakes-you-up.yaml"
    claim.write_text(claim.read_text().replace("review_by: 2099-01-15", "review_by: 2020-01-16").replace(
        "reviewed: 2026-01-15", "reviewed: 2020-01-15"))
    relaxed = run_cli("check", cwd=mini)
    assert relaxed.returncode == 0
    assert "warning: review overdue since 2020-01-16" in relaxed.stderr
    strict = run_cli("check", "--strict", cwd=mini)
    assert strict.returncode == 1
    assert "error: review overdue since 2020-01-16" in strict.stderr


def test_github_annotations(tmp_path):
    root = make_project(tmp_path, "broken")
    result = run_cli("check", "--format", "github", cwd=root)
    assert "::error file=claims/risks/dangling.yaml,line=18::unknown source 'doe2020cofee' (hint: did you mean 'doe2020coffee'?)" \
        in result.stdout.splitlines()


def test_uncovered_article_sentence_is_a_warning(mini):
    article = mini / "sources" / "articles" / "blog.yml"
    article.write_text(article.read_text().replace("left_out:\n  - quote: You should drink ten cups a day.\n"
                                                   "    reason: Advice, not a checkable statement.\n", "left_out: []\n"))
    result = run_cli("check", cwd=mini)
    assert 'sources/articles/blog.txt:3: warning: sentence not reviewed: "You should drink ten cups a day."' \
        in result.stderr


def test_config_error_names_file_and_line(mini):
    config = mini / "review.yml"
    config.write_text(config.read_text().replace("review_interval_days: 365", "review_interval_days: soon"))
    result = run_cli("check", cwd=mini)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "review.yml:3: error: 'review_interval_days' must be a whole number of days" in result.stderr


def test_new_writes_a_skeleton_that_check_flags_until_filled(mini):
    result = run_cli("new", "coffee-and-focus", "--topic", "effects", "--article", "blog",
                     "--quote", "Coffee wakes you up within minutes.", "--claim", "Coffee improves focus.", cwd=mini)
    assert result.returncode == 0, result.stderr
    path = mini / "claims" / "effects" / "coffee-and-focus.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    check = run_cli("check", cwd=mini)
    assert check.returncode == 1
    assert "claims/effects/coffee-and-focus.yaml:8: error: 'verdict' has value 'TODO', which is not allowed" \
        in check.stderr
    assert "'evidence[1].direction' has value 'TODO'" in check.stderr
    path.write_text(text.replace("verdict: TODO", 'verdict: "unproven"').replace("direction: TODO", "direction: context"))
    check = run_cli("check", cwd=mini)
    assert "claims/effects/coffee-and-focus.yaml:10: error: 'bottom_line' still contains TODO" in check.stderr
    assert "unknown source 'TODO-bibtex-key'" in check.stderr
    again = run_cli("new", "coffee-and-focus", cwd=mini)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_new_rejects_unsafe_ids(mini):
    result = run_cli("new", "../escape", cwd=mini)
    assert result.returncode == 1 and "not a valid id" in result.stderr
    assert not (mini.parent / "escape.yaml").exists()


def test_new_asks_for_what_is_missing_and_rechecks_the_quote(mini):
    import subprocess
    import sys

    from conftest import REPO

    answers = "diet\neffects\nblog\nCoffee wakes you up in seconds.\nCoffee wakes you up within minutes.\nCoffee is quick.\n"
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "new", "quick-coffee", "--interactive"],
                            cwd=mini, input=answers, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "choose one of: effects, risks" in result.stderr
    assert "not found verbatim in blog" in result.stderr
    text = (mini / "claims" / "effects" / "quick-coffee.yaml").read_text()
    assert 'quote: "Coffee wakes you up within minutes."' in text and 'claim: "Coffee is quick."' in text


def test_new_refuses_a_quote_that_is_not_in_the_article(mini):
    result = run_cli("new", "bad-quote", "--topic", "effects", "--article", "blog", "--quote", "Tea is better.", cwd=mini)
    assert result.returncode == 1 and "not found verbatim in blog" in result.stderr


def test_root_option_reports_paths_relative_to_the_review(tmp_path):
    root = make_project(tmp_path, "broken")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_cli("--root", str(root), "check", cwd=elsewhere)
    expected = (FIXTURES / "broken" / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert diagnostics(result.stderr) == expected


def test_cached_check_reports_exactly_what_a_fresh_check_reports(tmp_path):
    root = make_project(tmp_path, "broken")
    cold = run_cli("check", cwd=root)
    assert (root / ".claimsite-cache").is_dir()
    warm = run_cli("check", cwd=root)
    assert diagnostics(warm.stderr) == diagnostics(cold.stderr)
    # a changed file is read again, and the configuration is part of every cached result
    claim = root / "claims" / "risks" / "late-coffee-no-effect.yaml"
    claim.write_text(claim.read_text().replace("may shorten", "shortens"))
    config = root / "review.yml"
    config.write_text(config.read_text().replace("phrases: [may]", "phrases: [may, might]"))
    edited = run_cli("check", cwd=root)
    assert "late-coffee-no-effect.yaml:9: warning: bottom line does not speak as 'Low' certainty requires" \
        in edited.stderr
    assert diagnostics(run_cli("check", cwd=root).stderr) == diagnostics(edited.stderr)
    config.write_text(config.read_text().replace("phrases: [may, might]", "phrases: [may, might, shortens]"))
    regraded = run_cli("check", cwd=root)  # only review.yml changed: the cached claim must be checked again
    assert "late-coffee-no-effect.yaml:9: warning: bottom line" not in regraded.stderr
