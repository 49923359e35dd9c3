"""The claim-file JSON Schema, and a small validator for the subset it uses.

``claim.schema.json`` is the single source of truth for the claim format:
this validator reads it, the format reference page is generated from it, and
editors use it through ``yaml-language-server``.  Enumerations that depend on
the review's configuration (topics, verdicts, certainty levels, notice
levels, GRADE domains) are written as ``"$config:<name>"`` and filled in from
``review.yml`` by :func:`claim_schema`.

The validator understands the keywords the schema uses and reports every
problem with the line it comes from (the data are :mod:`yamlio` structures),
which general-purpose validators cannot do.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import re
from functools import lru_cache
from importlib import resources

from .yamlio import LDict, LList

SCHEMA_FILE = "claim.schema.json"
MAX_DEPTH = 12


@lru_cache(maxsize=1)
def _raw_schema() -> dict:
    return json.loads(resources.files(__package__).joinpath(SCHEMA_FILE).read_text("utf-8"))


def claim_schema(enums: dict[str, list]) -> dict:
    """The claim schema with ``$config:`` placeholders replaced by ``enums``."""

    def fill(node):
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "enum" and isinstance(value, str) and value.startswith("$config:"):
                    out[key] = list(enums[value.split(":", 1)[1]])
                else:
                    out[key] = fill(value)
            return out
        if isinstance(node, list):
            return [fill(v) for v in node]
        return node

    return fill(copy.deepcopy(_raw_schema()))


_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}

_TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
               "object": "a mapping (key: value)", "array": "a list", "null": "empty"}


def _describe(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    return "text"


def _is_date(value: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


class Validator:
    """Validates data against a schema; ``errors`` is a list of (line, path, message, hint)."""

    def __init__(self, schema: dict):
        self.schema = schema
        self._patterns: dict[str, re.Pattern] = {}

    def _resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            ref = schema["$ref"]
            node = self.schema
            for part in ref.lstrip("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def validate(self, data, line: int = 1) -> list[tuple[int, str, str, str]]:
        errors: list[tuple[int, str, str, str]] = []
        self._check(data, self.schema, "", line, errors, 0)
        return errors

    def _check(self, value, schema, path, line, errors, depth):
        schema = self._resolve(schema)
        name = path or "document"
        if depth > MAX_DEPTH:
            errors.append((line, path, f"'{name}' is nested too deeply", ""))
            return
        if "oneOf" in schema:
            self._one_of(value, schema["oneOf"], path, line, errors, depth)
            return
        expected = schema.get("type")
        if expected is not None:
            kinds = expected if isinstance(expected, list) else [expected]
            if not any(_TYPES[k](value) for k in kinds):
                want = " or ".join(_TYPE_WORDS[k] for k in kinds)
                errors.append((line, path, f"'{name}' must be {want}, not {_describe(value)}",
                               schema.get("x-hint", "")))
                return
        if "enum" in schema and value not in schema["enum"]:
            allowed = ", ".join(str(v) for v in schema["enum"])
            close = difflib.get_close_matches(str(value), [str(v) for v in schema["enum"]], n=1)
            hint = f"allowed: {allowed}" + (f" (did you mean '{close[0]}'?)" if close else "")
            shown = value if not isinstance(value, (dict, list)) else _describe(value)
            errors.append((line, path, f"'{name}' has value '{shown}', which is not allowed", hint))
            return
        if isinstance(value, str):
            self._string(value, schema, path, name, line, errors)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                errors.append((line, path, f"'{name}' must be at least {schema['minimum']}", ""))
            if "maximum" in schema and value > schema["maximum"]:
                errors.append((line, path, f"'{name}' must be at most {schema['maximum']}", ""))
        elif isinstance(value, dict):
            self._object(value, schema, path, line, errors, depth)
        elif isinstance(value, list):
            self._array(value, schema, path, name, line, errors, depth)

    def _string(self, value, schema, path, name, line, errors):
        if "minLength" in schema and len(value.strip()) < schema["minLength"]:
            what = "must not be empty" if schema["minLength"] <= 1 else f"is too short (at least {schema['minLength']} characters)"
            errors.append((line, path, f"'{name}' {what}", schema.get("x-hint", "")))
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append((line, path, f"'{name}' is too long ({len(value)} characters; at most {schema['maxLength']})",
                           schema.get("x-hint", "")))
        pattern = schema.get("pattern")
        if pattern:
            compiled = self._patterns.get(pattern) or self._patterns.setdefault(pattern, re.compile(pattern))
            if not compiled.search(value):
                errors.append((line, path, f"'{name}' value '{value[:60]}' is not in the expected form",
                               schema.get("x-hint", f"it must match {pattern}")))
        if schema.get("format") == "date" and not _is_date(value):
            errors.append((line, path, f"'{name}' value '{value[:40]}' is not a real date",
                           "write dates as YYYY-MM-DD, e.g. 2026-11-21"))

    def _object(self, value, schema, path, line, errors, depth):
        props = schema.get("properties", {})
        lines = value.lines if isinstance(value, LDict) else {}
        for key in schema.get("required", ()):
            if key not in value:
                errors.append((line, f"{path}.{key}".lstrip("."), f"missing required key '{key}'"
                               + (f" in '{path}'" if path else ""), props.get(key, {}).get("description", "")))
        extra = schema.get("additionalProperties", True)
        names = schema.get("propertyNames")
        for key, item in value.items():
            key_line = lines.get(key, line)
            sub = f"{path}.{key}".lstrip(".") if path else str(key)
            if names is not None:
                if "enum" in names and key not in names["enum"]:
                    close = difflib.get_close_matches(str(key), names["enum"], n=1)
                    errors.append((key_line, sub, f"unknown key '{key}'" + (f" in '{path}'" if path else ""),
                                   f"allowed: {', '.join(names['enum'])}" + (f" (did you mean '{close[0]}'?)" if close else "")))
                    continue
                if "pattern" in names and not (isinstance(key, str) and re.search(names["pattern"], key)):
                    errors.append((key_line, sub, f"key '{key}' is not in the expected form",
                                   "use lowercase letters, digits and single hyphens"))
                    continue
            if key in props:
                self._check(item, props[key], sub, key_line, errors, depth + 1)
            elif extra is False:
                close = difflib.get_close_matches(str(key), list(props), n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(props)}"
                errors.append((key_line, sub, f"unknown key '{key}'" + (f" in '{path}'" if path else ""), hint))
            elif isinstance(extra, dict):
                self._check(item, extra, sub, key_line, errors, depth + 1)

    def _array(self, value, schema, path, name, line, errors, depth):
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append((line, path, f"'{name}' needs at least {schema['minItems']} item(s)",
                           schema.get("x-hint", "")))
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append((line, path, f"'{name}' has more than {schema['maxItems']} items", ""))
        items = schema.get("items")
        seen = set()
        for index, item in enumerate(value):
            item_line = value.line_of(index) if isinstance(value, LList) else line
            if items is not None:
                self._check(item, items, f"{path}[{index + 1}]", item_line, errors, depth + 1)
            if schema.get("uniqueItems") and isinstance(item, str):
                if item in seen:
                    errors.append((item_line, f"{path}[{index + 1}]", f"'{item}' is listed twice in '{name}'", ""))
                seen.add(item)

    def _one_of(self, value, options, path, line, errors, depth):
        by_type = []
        for option in options:
            option = self._resolve(option)
            kind = option.get("type")
            if kind is None or _TYPES[kind](value):
                by_type.append(option)
        if not by_type:
            kinds = " or ".join(_TYPE_WORDS[self._resolve(o)["type"]] for o in options)
            errors.append((line, path, f"'{path}' must be {kinds}, not {_describe(value)}", ""))
            return
        self._check(value, by_type[0], path, line, errors, depth)


def validator_for(enums: dict[str, list]) -> Validator:
    return Validator(claim_schema(enums))
