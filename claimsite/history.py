"""A claim's history of changes, read from git in one pass over the claims folder.

Every commit that touched a claim file becomes an entry; entries where the verdict or the certainty
changed are marked.  Claims are followed by id (the file stem), so moving a claim between topic
folders keeps its history.  Outside a git checkout the history is empty.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

_COMMIT = "\x1e"
_FIELD = "\x1f"
_CHANGED = re.compile(r"^([+-])(verdict|certainty):\s*['\"]?([^'\"#\s]+)")


@dataclass(frozen=True)
class Change:
    date: str
    commit: str
    subject: str
    verdict: tuple[str, str] | None = None  # (before, after); before is "" when the claim was added
    certainty: tuple[str, str] | None = None
    added: bool = False

    @property
    def graded(self) -> bool:
        return bool(self.verdict or self.certainty)


def _run_git(root: Path, claims_rel: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "log", "--no-color", "--no-ext-diff", "-M", "--unified=0", "-p",
             f"--format={_COMMIT}%H{_FIELD}%cs{_FIELD}%s", "--", claims_rel],
            capture_output=True, text=True, timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def parse_log(text: str) -> dict[str, list[Change]]:
    """Parse ``git log -p`` output into changes per claim id, newest first."""
    history: dict[str, list[Change]] = {}
    for block in text.split(_COMMIT)[1:]:
        header, _, body = block.partition("\n")
        commit, date, subject = (header.split(_FIELD) + ["", ""])[:3]
        files: dict[str, dict] = {}
        current = None
        for line in body.splitlines():
            if line.startswith("diff --git "):
                target = line.rsplit(" b/", 1)[-1]
                current = files.setdefault(Path(target).stem, {"+": {}, "-": {}, "added": False}) \
                    if target.endswith((".yaml", ".yml")) else None
            elif current is None:
                continue
            elif line.startswith("new file mode"):
                current["added"] = True
            elif not line.startswith(("+++", "---")):
                match = _CHANGED.match(line)
                if match:
                    current[match.group(1)][match.group(2)] = match.group(3)
        for claim_id, seen in files.items():
            changes = {}
            for key in ("verdict", "certainty"):
                before, after = seen["-"].get(key, ""), seen["+"].get(key, "")
                if after and before != after:
                    changes[key] = (before, after)
            history.setdefault(claim_id, []).append(
                Change(date, commit[:10], subject, changes.get("verdict"), changes.get("certainty"), seen["added"]))
    return history


def claim_history(root: Path, claims_dir: Path) -> dict[str, list[Change]]:
    try:
        rel = claims_dir.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return {}
    text = _run_git(root, rel)
    return parse_log(text) if text else {}
