from claimsite.yamlio import LDict, LList, load_yaml, read_text


def test_lines_are_recorded_for_keys_and_items():
    data, problems = load_yaml("a: 1\nb:\n  - x\n  - y\nc: {d: 2}\n")
    assert problems == []
    assert isinstance(data, LDict) and data.line_of("a") == 1 and data.line_of("c") == 5
    assert isinstance(data["b"], LList) and data["b"].line_of(1) == 4


def test_duplicate_keys_are_reported_and_first_value_kept():
    data, problems = load_yaml("a: 1\nb: 2\na: 3\n")
    assert [(p.line, p.message) for p in problems] == [(3, "duplicate key 'a' (first defined on line 1)")]


def test_dates_stay_text_so_impossible_dates_do_not_crash():
    data, problems = load_yaml("reviewed: 2026-02-30\n")
    assert problems == [] and data["reviewed"] == "2026-02-30"


def test_anchors_and_aliases_are_refused():
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\n'
    data, problems = load_yaml(bomb)
    assert data is None
    assert problems[0].line == 1 and "anchor" in problems[0].message


def test_python_tags_are_refused_with_line():
    data, problems = load_yaml("x: 1\ny: !!python/object/apply:os.system ['true']\n")
    assert data is None and problems[0].line == 2
    assert "tag" in problems[0].message or "constructor" in problems[0].message


def test_tabs_give_a_hint():
    data, problems = load_yaml("a:\n\t- b\n")
    assert data is None and problems[0].line == 2 and "tabs" in problems[0].hint


def test_deep_nesting_is_an_error_not_a_crash():
    data, problems = load_yaml("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert data is None
    assert [p.message for p in problems] == ["YAML nesting is too deep"]


def test_binary_and_bad_encoding(tmp_path):
    binary = tmp_path / "x.yaml"
    binary.write_bytes(b"id: a\x00b\n")
    assert "binary" in read_text(binary, tmp_path)[1].message
    latin = tmp_path / "y.yaml"
    latin.write_bytes(b"id: a\nclaim: caf\xe9\n")
    text, problem = read_text(latin, tmp_path)
    assert text is None and problem.line == 2 and "UTF-8" in problem.message


def test_symlink_outside_project_is_refused(tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("id: x\n")
    project = tmp_path / "project"
    project.mkdir()
    link = project / "link.yaml"
    link.symlink_to(outside)
    assert "outside the project" in read_text(link, project)[1].message


def test_indentation_culprit_is_the_line_that_went_wrong_not_the_one_yaml_stops_at():
    from claimsite.yamlio import load_yaml

    cases = {
        "evidence:\n  - source: a\n    design: b\n  finding: c\ncaveats: []\n": 4,  # a key where '- ' belongs
        "rationale:\n  starting_level: low\n summary: y\nz: 1\n": 3,  # between two levels
        "caveats:\n  - one\n  two\nz: 1\n": 3,  # PyYAML reports line 4
        "claimed_in:\n- article: blog\n  quote: x\n section: y\n": 4,  # a list at its key's column
    }
    for text, line in cases.items():
        problems = load_yaml(text)[1]
        assert [p.line for p in problems] == [line], text
        assert problems[0].message.startswith("this line's indentation does not fit")
    problems = load_yaml("a: 1\nb: FIXME: x\n")[1]
    assert problems[0].line == 2 and "double quotes" in problems[0].hint
