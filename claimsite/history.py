"""A claim's history of changes in git, read in one pass over the claims folder, and the lint that
compares it with the editorial change log (``changelog:`` in each claim file).

Readers see the change log, never commit subjects.  Git is only the witness: every commit that changed
a claim's verdict or certainty after its first publication needs a change-log entry with
``conclusion_changed: true`` dated near the commit, and so does such a change not yet committed.
Claims are followed by id (the file stem), so moving a claim between topic folders keeps its history.
Outside a git checkout, or without git, the history is empty and the lint is skipped.
"""

from __future__ import annotations

import datetime as dt
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
             f"--format={_COMMIT}%H{_FIELD}%as{_FIELD}%s", "--", claims_rel],
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


# A change-log entry counts for a commit dated this many days either side (edits wait for review).
MATCH_DAYS = 31


def _level(config, scale: str, value: str) -> str:
    level = config.lookup(scale).get(value)
    return level.label.lower() if level else value


def check_changelog(project, report, today: dt.date, history: dict[str, list[Change]] | None = None) -> None:
    """Report verdict or certainty changes in git (or not yet committed) that the change log does not record."""
    config = project.config
    if history is None:
        history = claim_history(config.root, config.claims_dir)
    if not history:
        return
    for claim in project.claims:
        changes = history.get(claim.id)
        if not changes or not claim.changelog:
            continue
        events = []  # (date, what, commit)
        committed = {}
        for change in changes:  # newest first: the first value seen is the committed one
            for key in ("verdict", "certainty"):
                pair = getattr(change, key)
                if pair and key not in committed:
                    committed[key] = pair[1]
            if change.graded and not change.added:
                parts = [f"{key} {_level(config, scale, pair[0])} → {_level(config, scale, pair[1])}"
                         for key, scale, pair in (("verdict", "verdicts", change.verdict),
                                                  ("certainty", "certainty", change.certainty)) if pair]
                events.append((dt.date.fromisoformat(change.date), ", ".join(parts), f"commit {change.commit}"))
        pending = [f"{key} {_level(config, scale, committed[key])} → {_level(config, scale, getattr(claim, key))}"
                   for key, scale in (("verdict", "verdicts"), ("certainty", "certainty"))
                   if key in committed and committed[key] != getattr(claim, key)]
        if pending:
            events.append((today, ", ".join(pending), "changes not yet committed"))
        first = claim.changelog[-1].date
        logged = sorted(e.date for e in claim.changelog if e.conclusion_changed)
        for date, what, where in sorted(events):
            if date < first - dt.timedelta(days=MATCH_DAYS):
                continue  # drafting before the first publication
            near = next((d for d in logged if abs((d - date).days) <= MATCH_DAYS), None)
            if near is not None:
                logged.remove(near)
                continue
            report.error(claim.path, claim.line("changelog"),
                         f"{what} ({where}, {date}) has no change-log entry",
                         f"add a changelog entry dated {date} that says in plain words what changed and why, "
                         "with conclusion_changed: true")
