"""Safe, fast YAML reading that remembers line numbers.

Parsing uses libyaml (``CSafeLoader``); construction is PyYAML's safe
constructor with three changes: mappings and sequences become :class:`LDict`
and :class:`LList`, which remember the 1-based line of every key and item;
duplicate keys are reported instead of silently overwritten; dates stay text
(the schema checks them, so an impossible date is a message, not a crash).
Anchors, aliases and merge keys are refused: claim files never need them,
and refusing them makes alias bombs impossible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

try:  # libyaml is ~10x faster; fall back for platforms without it
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _BaseLoader = yaml.SafeLoader

MAX_BYTES = 1024 * 1024


class LDict(dict):
    """A mapping that knows its own line and the line of each key."""

    line: int = 0
    lines: dict

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line) if hasattr(self, "lines") else self.line


class LList(list):
    """A sequence that knows its own line and the line of each item."""

    line: int = 0
    lines: list

    def line_of(self, index: int) -> int:
        try:
            return self.lines[index]
        except (AttributeError, IndexError):
            return self.line


@dataclass(frozen=True)
class YamlProblem:
    line: int
    message: str
    hint: str = ""


class _Loader(_BaseLoader):
    problems: list


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LDict:
    result = LDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if key_node.tag == "tag:yaml.org,2002:merge":
            loader.problems.append(YamlProblem(line, "merge keys ('<<') are not allowed", "write the keys out in full"))
            continue
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (LDict, LList)):
            loader.problems.append(YamlProblem(line, "a mapping key must be plain text"))
            continue
        if key in result:
            loader.problems.append(
                YamlProblem(line, f"duplicate key '{key}' (first defined on line {result.lines[key]})",
                            "remove one of the two; YAML would silently keep only the last")
            )
            continue
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LList:
    result = LList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)

_ANCHOR_CHARS = re.compile(r"[&*]")


def _anchor_problems(text: str) -> list[YamlProblem]:
    problems = []
    try:
        for token in yaml.scan(text, Loader=_BaseLoader):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                kind = "anchor" if isinstance(token, yaml.AnchorToken) else "alias"
                problems.append(YamlProblem(token.start_mark.line + 1,
                                            f"YAML {kind} '{token.value}' is not allowed",
                                            "repeat the text instead of using &anchors and *aliases"))
    except yaml.YAMLError:
        pass  # the parser reports syntax errors with their line below
    return problems


def read_text(path: Path, root: Path, max_bytes: int = MAX_BYTES) -> tuple[str | None, YamlProblem | None]:
    """Read a project file as UTF-8 text, refusing what a contributor did not mean to commit."""
    try:
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(root.resolve()):
                return None, YamlProblem(0, "symbolic link points outside the project",
                                         "replace the link with the file itself")
        size = path.stat().st_size
        if size > max_bytes:
            return None, YamlProblem(0, f"file is too large ({size:,} bytes; the limit is {max_bytes:,})",
                                     "split it up: one claim per file")
        data = path.read_bytes()
    except OSError as exc:
        return None, YamlProblem(0, f"cannot read file: {exc.strerror or exc}")
    if b"\x00" in data:
        return None, YamlProblem(0, "file is binary (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, YamlProblem(line, f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                                 "save the file as UTF-8")
    return text, None


def load_yaml(text: str) -> tuple[object, list[YamlProblem]]:
    """Parse one YAML document; returns (data or None, problems)."""
    problems: list[YamlProblem] = []
    if _ANCHOR_CHARS.search(text):
        problems = _anchor_problems(text)
        if problems:
            return None, problems
    loader = _Loader(text)
    loader.problems = problems
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}: {what}"
        hint = ""
        lines = text.splitlines()
        if "\t" in what or (0 < line <= len(lines) and "\t" in lines[line - 1]):
            hint = "YAML does not allow tabs for indentation: use spaces"
        elif "constructor" in what or "tag" in what:
            hint = "YAML tags (!!python/..., !custom) are not allowed"
        return None, [YamlProblem(line, " ".join(what.split()), hint)]
    except yaml.YAMLError as exc:
        return None, [YamlProblem(0, f"invalid YAML: {' '.join(str(exc).split())}")]
    except RecursionError:
        return None, [YamlProblem(0, "YAML nesting is too deep", "claim files need only a few levels")]
    finally:
        loader.dispose()
    return data, problems
