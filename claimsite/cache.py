"""A cache of parsed files, so that `check`, `build` and `serve` re-read only what changed.

Each entry is keyed by the file's path, size and modification time, and the whole cache by a salt
(the engine's parsing code and the review's scales): any change there starts afresh.  The cache lives
in ``.claimsite-cache/`` beside ``review.yml``; deleting it is always safe.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
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
        self.path = root / CACHE_DIR / f"{name}.pickle"
        self.salt = salt
        self.enabled = enabled and not os.environ.get("CLAIMSITE_NO_CACHE")
        self.entries: dict[str, tuple] = {}
        self.fresh: dict[str, tuple] = {}
        self.hits = 0
        if self.enabled:
            try:
                with self.path.open("rb") as handle:
                    gc_was_on = gc.isenabled()
                    gc.disable()  # the collector would walk the growing object graph over and over
                    try:
                        salt_seen, entries = pickle.load(handle)
                    finally:
                        if gc_was_on:
                            gc.enable()
                if salt_seen == salt:
                    self.entries = entries
            except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
                self.entries = {}

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
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((self.salt, self.fresh), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            pass
