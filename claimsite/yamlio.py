"""Safe, fast YAML reading that remembers line numbers.

Parsing and composing use libyaml (``CSafeLoader``); a small builder then walks the node tree, with
three differences from PyYAML's safe constructor: mappings and sequences become :class:`LDict`
and :class:`LList`, which remember the 1-based line of every key and item;
duplicate keys are reported instead of silently overwritten; dates stay text
(the schema checks them, so an impossible date is a message, not a crash).
Anchors, aliases, merge keys and tags are refused: claim files never need them, and refusing aliases
while walking the node tree makes alias bombs impossible (nothing is ever expanded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import re

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


MAX_DEPTH = 64
# C0 and C1 control characters other than tab and line ends (in YAML, only escapes can write them)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_PLAIN_SCALARS = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
                  "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}


class _Refused(Exception):
    def __init__(self, problem: YamlProblem):
        self.problem = problem


class _Builder:
    """Turns libyaml's node tree into LDict/LList/scalars.

    Faster than PyYAML's generic constructor, and stricter: a node met twice is an alias (refused,
    so no alias bomb is ever expanded), unknown tags are refused, depth is bounded.
    """

    def __init__(self, loader, escapes: bool = True):
        self.loader = loader
        self.seen: set[int] = set()
        self.problems: list[YamlProblem] = []
        self.escapes = escapes  # the text has backslashes: an escape may spell a control character

    def _text(self, node) -> str:
        value = node.value
        if self.escapes and _CONTROL.search(value):
            char = _CONTROL.search(value).group()
            self.problems.append(YamlProblem(node.start_mark.line + 1,
                                             f"text holds the control character U+{ord(char):04X}",
                                             "remove it: control characters are not text (and break the feed)"))
        return value

    def build(self, node, depth: int = 0):
        if id(node) in self.seen:
            raise _Refused(YamlProblem(node.start_mark.line + 1, "YAML anchor and alias (&name, *name) are not allowed",
                                       "repeat the text instead of using &anchors and *aliases"))
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            raise _Refused(YamlProblem(node.start_mark.line + 1, "YAML nesting is too deep",
                                       "claim files need only a few levels"))
        tag = node.tag
        if tag == _STR:
            return self._text(node) if self.escapes else node.value
        if tag == _MAP:
            return self._mapping(node, depth)
        if tag == _SEQ:
            result = LList(self.build(child, depth + 1) for child in node.value)
            result.line = node.start_mark.line + 1
            result.lines = [child.start_mark.line + 1 for child in node.value]
            return result
        if tag in _PLAIN_SCALARS:
            if tag.endswith(":timestamp"):
                return node.value  # dates stay text: the schema checks them
            return self.loader.construct_object(node)
        raise _Refused(YamlProblem(node.start_mark.line + 1, f"could not determine a constructor for the tag '{tag}'",
                                   "YAML tags (!!python/..., !custom) are not allowed"))

    def _mapping(self, node, depth: int) -> LDict:
        result = LDict()
        result.line = node.start_mark.line + 1
        result.lines = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(YamlProblem(line, "merge keys ('<<') are not allowed", "write the keys out in full"))
                continue
            key = self.build(key_node, depth + 1)
            if isinstance(key, (LDict, LList)):
                self.problems.append(YamlProblem(line, "a mapping key must be plain text"))
                continue
            if key in result:
                self.problems.append(
                    YamlProblem(line, f"duplicate key '{key}' (first defined on line {result.lines[key]})",
                                "remove one of the two; YAML would silently keep only the last"))
                continue
            result[key] = self.build(value_node, depth + 1)
            result.lines[key] = line
        return result


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


INDENT_HINT = ("indent with spaces so that the keys of one mapping start in the same column, the '- ' of one "
               "list line up, and the fields of a list item line up under its first field")
_INDENTATION_SIGNS = ("expected '-' indicator", "did not find expected key", "mapping values are not allowed",
                      "could not find expected ':'", "expected <block end>")
_YAML_HINTS = {
    "mapping values are not allowed": "a ': ' inside text starts a new key in YAML: put the text in double quotes",
    "could not find expected ':'": "each line of a mapping is `key: value`; text that goes on needs indenting "
                                   "under its key, or quotes",
    "found character that cannot start any token": "text starting with @, `, % or a tab needs double quotes",
}
_BLOCK_SCALAR = re.compile(r":\s*[|>][-+0-9]*\s*(#.*)?$")
_OPENS = re.compile(r":\s*(#.*)?$")
_KEY = re.compile(r"^(- +)*[^\s#'\"{\[][^:#]*:(\s|$)|^(- +)*(\"[^\"]*\"|'[^']*'):(\s|$)")


def indentation_culprit(lines: list[str], reported: int) -> int | None:
    """The first line, up to the reported one, whose indentation fits no open block of the lines above
    (PyYAML often notices only on a later line, and says so in its own terms)."""
    stack = [(0, "map")]  # indentation and kind of the open mappings and lists
    opener = False  # the line above opens a block (``key:`` or ``- key:``) so the next may go deeper
    scalar_at = None  # inside a block scalar (``key: >-``) whose key is at this indentation
    for number, raw in enumerate(lines[:max(reported, 1)], 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if scalar_at is not None:
            if indent > scalar_at:
                continue
            scalar_at = None
        dash = stripped == "-" or stripped.startswith("- ")
        is_key = bool(_KEY.match(stripped))
        if indent > stack[-1][0]:
            if not opener:
                if not is_key and not dash:
                    continue  # a plain scalar going on over several lines
                return number
            stack.append((indent, "list" if dash else "map"))
        else:
            while len(stack) > 1 and stack[-1][0] > indent:
                stack.pop()
            if stack[-1][0] != indent:
                return number
            if stack[-1][1] == "list" and not dash:
                if len(stack) > 1 and stack[-2][0] == indent:
                    stack.pop()  # a list written at its key's column has ended
                else:
                    return number  # a '- ' item was expected here
            elif stack[-1][1] == "map" and dash:
                stack.append((indent, "list"))  # a list at its key's column
        body, inner = stripped, indent
        while body.startswith("- "):  # "- key: value": the item's mapping is indented to its first key
            rest = body[2:]
            inner += 2 + len(rest) - len(rest.lstrip(" "))
            body = rest.lstrip(" ")
            if body and inner > stack[-1][0]:
                stack.append((inner, "list" if body.startswith("- ") else "map"))
        if _BLOCK_SCALAR.search(stripped):
            scalar_at, opener = inner if body != stripped else indent, False
        else:
            opener = body.endswith(":") or body == "-" or _OPENS.search(body) is not None
    return None


def load_yaml(text: str) -> tuple[object, list[YamlProblem]]:
    """Parse one YAML document; returns (data or None, problems)."""
    loader = _BaseLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        builder = _Builder(loader, "\\" in text)
        data = builder.build(node)
        return data, builder.problems
    except _Refused as refused:
        return None, [refused.problem]
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
            return None, [YamlProblem(line, " ".join(what.split()), hint)]
        if exc.problem and "could not find expected ':'" in exc.problem and exc.context_mark:
            line = exc.context_mark.line + 1  # the line that lacks its colon, not the one after it
        if any(s in what for s in _INDENTATION_SIGNS):
            culprit = indentation_culprit(lines, line)
            if culprit:
                return None, [YamlProblem(culprit, "this line's indentation does not fit the lines above it "
                                          f"(YAML: {' '.join(what.split())})", INDENT_HINT)]
        for sign, advice in _YAML_HINTS.items():
            if sign in what:
                hint = advice
        return None, [YamlProblem(line, " ".join(what.split()), hint)]
    except yaml.YAMLError as exc:
        return None, [YamlProblem(0, f"invalid YAML: {' '.join(str(exc).split())}")]
    except (RecursionError, MemoryError):
        return None, [YamlProblem(0, "YAML nesting is too deep", "claim files need only a few levels")]
    finally:
        loader.dispose()
