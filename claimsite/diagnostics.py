"""Diagnostics: every problem found in a project, reported as ``path:line: message``.

Loading and validation never stop at the first problem: they collect
:class:`Diagnostic` records in a :class:`Report`, and the caller fails once at
the end.  User mistakes are diagnostics; a traceback means a bug in claimsite.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ERROR = "error"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable_path(text: str) -> str:
    """A file name as it can be shown: control characters (a newline, an escape) written as \\xNN."""
    return _NAME_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text) if _NAME_CONTROL.search(text) else text


def has_control(text: str) -> bool:
    return _NAME_CONTROL.search(text) is not None

_HINT_COLOUR = "\033[36mhint\033[0m"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located as precisely as the input allows (line is 1-based, 0 = whole file)."""

    path: str
    line: int
    message: str
    hint: str = ""
    severity: str = ERROR
    code: str = ""

    def format(self, *, strict: bool = False, colour: bool = False) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        label = "error" if (self.severity == ERROR or strict) else "warning"
        if colour:
            where = f"\033[1m{where}\033[0m"
            label = f"\033[1;31m{label}\033[0m" if label == "error" else f"\033[1;33m{label}\033[0m"
        text = f"{where}: {label}: {self.message}"
        if self.hint:
            text += f"\n    {_HINT_COLOUR if colour else 'hint'}: {self.hint}"
        return text


def use_colour(stream) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@dataclass
class Report:
    """Collects diagnostics for one project; ``root`` makes paths relative for display."""

    root: Path
    items: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self):
        self._prefix = str(self.root.resolve()) + os.sep

    def rel(self, path: Path | str) -> str:
        return printable_path(self._rel(path))

    def _rel(self, path: Path | str) -> str:
        text = str(path)
        if not os.path.isabs(text):  # already relative to the project
            return Path(text).as_posix()
        if text.startswith(self._prefix) and ".." not in text:
            return text[len(self._prefix):].replace(os.sep, "/")
        try:
            return Path(text).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return os.path.relpath(text, self.root).replace(os.sep, "/")

    def error(self, path: Path | str, line: int, message: str, hint: str = "", code: str = "") -> None:
        self.items.append(Diagnostic(self.rel(path), line, message, hint, ERROR, code))

    def warning(self, path: Path | str, line: int, message: str, hint: str = "", code: str = "") -> None:
        self.items.append(Diagnostic(self.rel(path), line, message, hint, WARNING, code))

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.items), key=lambda d: (d.path, d.line, d.message))

    def errors(self, *, strict: bool = False) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity == ERROR or strict]

    def failed(self, *, strict: bool = False) -> bool:
        return bool(self.errors(strict=strict))


class ContentError(Exception):
    """Raised when a project has errors; carries the diagnostics to print."""

    def __init__(self, diagnostics: list[Diagnostic], strict: bool = False):
        self.diagnostics = diagnostics
        self.strict = strict
        super().__init__(f"{len(diagnostics)} problem(s) in the project")

    def __str__(self) -> str:
        return "\n".join(d.format(strict=self.strict) for d in self.diagnostics)


class ConfigError(Exception):
    """The project configuration (review.yml) is unusable; message names file and line."""
