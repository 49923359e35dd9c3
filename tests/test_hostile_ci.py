"""What a pull request can put into CI: the parse cache and the compiled-template cache cannot run code (a
pull request can commit files into .claimsite-cache/; nothing there is ever unpickled or executed, and a
corrupt, foreign or stale cache is ignored silently), and no file name or text forges GitHub annotations."""

from __future__ import annotations

import os
import pickle
import re
import shutil
from pathlib import Path

import pytest

from conftest import EPOCH, make_project, run_cli

CLAIM = "claims/effects/coffee-wakes-you-up.yaml"


class _Plant:
    """Unpickling this writes a file: proof that code from the cache ran."""

    def __init__(self, target: Path):
        self.target = str(target)

    def __reduce__(self):
        return (open, (self.target, "w"))


def _env() -> dict:
    return dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)


def _quiet(text: str) -> str:
    return re.sub(r"in \d+\.\d+ s", "in N s", text)


def test_a_pickle_in_the_cache_folder_is_never_loaded(mini, tmp_path):
    proof = tmp_path / "code-ran"
    folder = mini / ".claimsite-cache"
    folder.mkdir(exist_ok=True)
    for name in ("claims", "sources", "articles"):
        (folder / f"{name}.pickle").write_bytes(pickle.dumps(("salt", _Plant(proof))))
        (folder / f"{name}.json").write_bytes(pickle.dumps(("salt", _Plant(proof))))
    result = run_cli("check", "--strict", cwd=mini, env=_env())
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert not proof.exists()


def test_compiled_templates_are_never_read_from_the_review(mini, tmp_path):
    """Jinja's bytecode cache files hold a pickle and code that is run: planting them in the review
    (where a pull request can) must not run anything."""
    from jinja2 import FileSystemBytecodeCache
    from jinja2.bccache import bc_magic

    proof = tmp_path / "code-ran"
    folder = mini / ".claimsite-cache" / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    keys = FileSystemBytecodeCache(str(folder))
    templates = [p for p in (mini / "templates").rglob("*.html")]
    for template in templates:
        name = template.relative_to(mini / "templates").as_posix()
        key = keys.get_cache_key(name, str(template))
        (folder / f"__jinja2_{key}.cache").write_bytes(bc_magic + pickle.dumps(_Plant(proof)))
    result = run_cli("build", cwd=mini, env=dict(_env(), XDG_CACHE_HOME=str(tmp_path / "user-cache")))
    assert result.returncode == 0, result.stderr
    assert not proof.exists()
    assert list((tmp_path / "user-cache" / "claimsite" / "jinja").rglob("*.cache"))  # the cache still works


def _corrupt_variants(folder: Path):
    good = {p.name: p.read_bytes() for p in folder.glob("*.json")}
    claims = good["claims.json"].decode()
    yield "garbage", {name: b"\x00\xffnot json" for name in good}
    yield "truncated", {name: data[: len(data) // 2] for name, data in good.items()}
    yield "empty", {name: b"" for name in good}
    yield "unknown-record", {"claims.json": claims.replace('"!":"Quote"', '"!":"Popen"').encode()}
    yield "fewer-fields", {"claims.json": re.sub(r'("!":"Quote","v":\[)"blog",', r"\1", claims).encode()}
    yield "other-salt", {"claims.json": re.sub(r'"salt":"[0-9a-f]+"', '"salt":"0"', claims).encode()}
    yield "not-an-object", {name: b"[1, 2, 3]" for name in good}
    yield "entries-wrong-shape", {"claims.json": re.sub(r'"entries":\[', '"entries":[7,', claims).encode()}


def test_corrupt_or_foreign_cache_is_ignored_silently(mini):
    claim = mini / CLAIM
    claim.write_text(claim.read_text().replace("n: 120", "n: lots"))  # one error, to compare the reports
    os.environ.pop("CLAIMSITE_NO_CACHE", None)
    fresh = run_cli("check", cwd=mini, env=dict(_env(), CLAIMSITE_NO_CACHE="1"))
    assert fresh.returncode == 1 and "whole number" in fresh.stderr
    warm = run_cli("check", cwd=mini, env=_env())
    assert _quiet(warm.stderr) == _quiet(fresh.stderr)
    folder = mini / ".claimsite-cache"
    saved = {p.name: p.read_bytes() for p in folder.glob("*.json")}
    assert saved.keys() >= {"claims.json", "sources.json", "articles.json"}
    replayed = run_cli("check", cwd=mini, env=_env())  # from the cache
    assert _quiet(replayed.stderr) == _quiet(fresh.stderr)
    for name, files in _corrupt_variants(folder):
        for file, data in saved.items():
            (folder / file).write_bytes(data)
        for file, data in files.items():
            (folder / file).write_bytes(data)
        result = run_cli("check", cwd=mini, env=_env())
        assert result.returncode == 1, (name, result.stderr)
        assert "Traceback" not in result.stderr, name
        assert _quiet(result.stderr) == _quiet(fresh.stderr), name


# --- CI annotations ---------------------------------------------------------------------------------

def _annotation_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("::")]


def test_github_annotations_cannot_be_forged_by_a_file_name(mini):
    evil = "x\n::error file=evil.py,line=1::pwned\r\n::warning file=a::b.yaml"
    shutil.copy(mini / CLAIM, mini / "claims" / "effects" / evil)
    result = run_cli("check", "--format", "github", cwd=mini, env=_env())
    assert result.returncode == 1
    lines = _annotation_lines(result.stdout)
    assert len(lines) == 1, result.stdout
    assert lines[0].startswith("::error file=claims/effects/x\\x0a%3A%3Aerror file=evil.py%2Cline=1%3A%3Apwned")
    assert "control characters" in lines[0]
    assert "pwned" not in result.stdout.replace(lines[0], "")
    text = run_cli("check", cwd=mini, env=_env())
    assert "claims/effects/x\\x0a::error file=evil.py,line=1::pwned\\x0d\\x0a::warning" in text.stderr
    assert text.stderr.count("\n::") == 0


def test_github_annotations_escape_percent_cr_and_lf_in_messages(mini):
    claim = mini / CLAIM
    claim.write_text(claim.read_text().replace("source: doe2020coffee",
                                               'source: "x%0A\\r\\n::error file=evil.py::pwned"'))
    result = run_cli("check", "--format", "github", cwd=mini, env=_env())
    assert result.returncode == 1
    lines = _annotation_lines(result.stdout)
    assert lines and all(line.startswith(("::error file=", "::warning file=")) for line in lines), result.stdout
    assert not any(line.startswith("::error file=evil") for line in lines)
    assert "x%250A%0D%0A::error file=evil.py::pwned" in result.stdout
