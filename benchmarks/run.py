"""`make bench`: check and build synthetic reviews of 100, 1,000 and 10,000 claims, and compare.

For each size it generates a review (``benchmarks.synth``) and its plain-Markdown twin
(``benchmarks.plain``) in a temporary folder, then times, each as its own process:

* ``build.py check``  and  ``build.py build``  (wall time, peak RSS of the child via ``os.wait4``,
  output bytes, mean claim page size);
* ``mkdocs build`` of the same pages written as plain Markdown (same theme, extensions and nav);
* the bare floor: claim and source pages through Jinja2 + markdown-it-py (``benchmarks.floor``);

and, at 1,000 claims, the time from saving an edited claim to ``build.py serve`` serving the new page.
Medians of 3 runs at 100 and 1,000 claims, of 1 (2 when time allows) at 10,000.  The whole run keeps
to a time budget (``--budget``, 10 minutes by default) by dropping what it cannot afford and saying so.
Prints one Markdown table and writes it, with the machine and the notes, to benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .plain import write_plain_project
from .report import machine, table
from .synth import REPO, make_project

try:  # claimsite keeps parsed files in a cache beside review.yml; cold runs start without it
    from claimsite.cache import CACHE_DIR
except ImportError:  # an engine without the cache
    CACHE_DIR = ".claimsite-cache"

PY = sys.executable
BUILD = str(REPO / "build.py")
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


def elapsed() -> float:
    return time.perf_counter() - STARTED


@dataclass
class Run:
    seconds: float
    rss_mib: float


def measure(cmd: list[str], label: str) -> Run:
    """Run ``cmd`` to completion; wall time and the child's peak RSS (ru_maxrss from os.wait4)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, env=ENV, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            out.seek(0)
            raise SystemExit(f"{label} failed (exit {proc.returncode}):\n"
                             f"{out.read().decode(errors='replace')[-3000:]}")
    log(f"  {label}: {seconds:.2f} s, {usage.ru_maxrss / 1024:.0f} MiB")
    return Run(seconds, usage.ru_maxrss / 1024)


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


KINDS = ("check", "check_warm", "build", "floor", "plain")  # check_warm must follow check or build


@dataclass
class Result:
    n: int
    sources: int = 0
    articles: int = 0
    runs: dict[str, list[Run]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    output: int = 0
    claim_page: float = 0.0
    plain_output: int = 0

    def median(self, kind: str, attr: str = "seconds") -> float | None:
        values = [getattr(r, attr) for r in self.runs[kind]]
        return statistics.median(values) if values else None


# --- edit to preview -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, wanted: str | None, timeout: float, server: subprocess.Popen) -> None:
    """Poll ``url`` until it answers (and contains ``wanted``, if given), while ``server`` runs."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"build.py serve exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                if wanted is None or wanted in response.read().decode("utf-8", "replace"):
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.02)
    raise TimeoutError(f"{url} did not show {wanted!r} within {timeout:.0f} s")


def edit_to_preview(project: Path, edits: int = 3) -> list[float]:
    """Seconds from saving an edited bottom_line to `build.py serve` serving the page with the new text."""
    claim_file = sorted((project / "claims").rglob("*.yaml"))[0]
    original = claim_file.read_text(encoding="utf-8")
    port = free_port()
    with open(project / "mkdocs.yml", encoding="utf-8") as f:  # serve mounts the site at site_url's path
        mount = urllib.parse.urlsplit(yaml.load(f, Loader=yaml.CSafeLoader).get("site_url") or "/").path
    url = f"http://127.0.0.1:{port}{mount.rstrip('/')}/claims/{claim_file.stem}/"
    log(f"serve: starting on 127.0.0.1:{port}, editing {claim_file.relative_to(project)}")
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen([PY, BUILD, "--root", str(project), "serve", "--dev-addr", f"127.0.0.1:{port}"],
                                cwd=REPO, env=ENV, stdout=out, stderr=subprocess.STDOUT)
        times = []
        try:
            wait_for(url, None, 300, proc)
            for k in range(edits):
                time.sleep(0.5)  # let the watcher settle after the previous build
                marker = f"zqbenchedit{k + 1}x{time.time_ns() % 10**8}"
                data = yaml.load(original, Loader=yaml.CSafeLoader)
                data["bottom_line"] = f"Edited {marker}. {data['bottom_line']}"
                text = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=100)
                claim_file.write_text(text, encoding="utf-8")
                start = time.perf_counter()
                wait_for(url, marker, 180, proc)
                times.append(time.perf_counter() - start)
                log(f"  edit {k + 1}: served after {times[-1]:.2f} s")
        except Exception:
            out.seek(0)
            log("build.py serve said:\n" + out.read().decode(errors="replace")[-2000:])
            raise
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            claim_file.write_text(original, encoding="utf-8")
    return times


# --- the run ----------------------------------------------------------------------------------

class Budget:
    """Seconds left for the whole run; a step runs only if its estimate fits."""

    def __init__(self, seconds: float, reserve: float = 30.0):
        self.seconds, self.reserve = seconds, reserve

    def fits(self, estimate: float) -> bool:
        return elapsed() + estimate + self.reserve <= self.seconds


class Size:
    """One synthetic review (and its plain twin) and the four measurements on it."""

    def __init__(self, n: int, root: Path):
        self.work = root / f"n{n}"
        self.project, self.plain = self.work / "review", self.work / "plain"
        log(f"N={n}: generating the review and its plain-Markdown twin in {self.work}")
        review = make_project(self.project, n)
        write_plain_project(self.plain, review)
        self.res = Result(n, len(review.sources), len(review.articles))

    def run(self, kind: str) -> None:
        getattr(self, f"run_{kind}")()

    def clear_cache(self) -> None:
        shutil.rmtree(self.project / CACHE_DIR, ignore_errors=True)

    def run_check(self) -> None:
        """A first check: no cache of parsed files (as in CI, or after a fresh clone)."""
        self.clear_cache()
        cmd = [PY, BUILD, "--root", str(self.project), "check"]
        self.res.runs["check"].append(measure(cmd, f"check  N={self.res.n}, cold"))

    def run_check_warm(self) -> None:
        """check again with the cache the previous run left (a contributor's second check)."""
        cmd = [PY, BUILD, "--root", str(self.project), "check"]
        self.res.runs["check_warm"].append(measure(cmd, f"check  N={self.res.n}, warm"))

    def run_build(self) -> None:
        """A full build from scratch (no parse cache, no previous site)."""
        self.clear_cache()
        site = self.work / "site"
        cmd = [PY, BUILD, "--root", str(self.project), "build", "--site-dir", str(site)]
        self.res.runs["build"].append(measure(cmd, f"build  N={self.res.n}"))
        if not self.res.output:
            self.res.output = folder_bytes(site)
            pages = list((site / "claims").glob("*/index.html"))
            self.res.claim_page = sum(p.stat().st_size for p in pages) / len(pages)
        shutil.rmtree(site)

    def run_plain(self) -> None:
        out = self.work / "plain-site"
        cmd = [PY, "-m", "mkdocs", "build", "-q", "-f", str(self.plain / "mkdocs.yml"), "-d", str(out)]
        self.res.runs["plain"].append(measure(cmd, f"mkdocs N={self.res.n}"))
        self.res.plain_output = self.res.plain_output or folder_bytes(out)
        shutil.rmtree(out)

    def run_floor(self) -> None:
        out = self.work / "floor"
        cmd = [PY, "-m", "benchmarks.floor", str(self.project), str(out)]
        self.res.runs["floor"].append(measure(cmd, f"floor  N={self.res.n}"))
        shutil.rmtree(out)


def run_size(size: Size, budget: Budget, results: list[Result], notes: list[str]) -> None:
    """Medians of 3 below 10,000 claims; at 10,000 and more, 1 run of each (2 where the budget allows)."""
    res = size.res
    if res.n < 10_000:
        for _ in range(3):
            for kind in KINDS:
                size.run(kind)
        return
    for kind in KINDS:
        estimate = _estimate(kind, res.n, results)
        if kind != "plain" or budget.fits(estimate):
            size.run(kind)
        else:
            notes.append(f"plain MkDocs was not built at N={res.n:,}: about {estimate:.0f} s more would overrun "
                         f"the {budget.seconds:.0f} s budget")
    for kind in KINDS:
        done = res.runs[kind]
        if done and budget.fits(done[0].seconds * 1.15 + 10):
            size.run(kind)
    once = [kind for kind in KINDS if len(res.runs[kind]) == 1]
    if once:
        notes.append(f"at N={res.n:,}, {', '.join(once)} ran once, not twice: a second run would overrun the "
                     f"{budget.seconds:.0f} s budget")


def _estimate(kind: str, n: int, results: list[Result]) -> float:
    """Seconds ``kind`` will take at ``n`` claims: a straight line through its times at the two sizes before."""
    done = [(r.n, r.median(kind)) for r in results if r.median(kind) is not None][-2:]
    if not done:
        return 0.0
    if len(done) == 1:
        return done[0][1] * n / done[0][0]
    (n0, t0), (n1, t1) = done
    return t1 + (t1 - t0) / (n1 - n0) * (n - n1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="claim counts, comma-separated")
    parser.add_argument("--budget", type=float, default=600.0, help="seconds the whole run may take (default 600)")
    parser.add_argument("--output", default=str(REPO / "benchmarks" / "results.md"), help="where to write the table")
    args = parser.parse_args(argv)
    sizes = sorted(int(x) for x in args.sizes.split(","))

    command = f"{PY} -m benchmarks.run {' '.join(sys.argv[1:] if argv is None else argv)}".strip()
    info = machine() + [f"command: {command} (make bench), in {REPO}",
                        f"date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; load average at start: "
                        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"]
    for line in info:
        log(line)
    budget, results, notes, preview = Budget(args.budget), [], [], None
    with tempfile.TemporaryDirectory(prefix="claimsite-bench-") as tmp:
        for n in sizes:
            size = Size(n, Path(tmp))
            run_size(size, budget, results, notes)
            results.append(size.res)
            if n == 1000:
                try:
                    preview = edit_to_preview(size.project)
                except (RuntimeError, TimeoutError) as exc:
                    notes.append(f"edit-to-preview could not be measured: {exc}")
            shutil.rmtree(size.work)
    text, verdicts = table(results, preview)
    notes.append(f"total run time {elapsed():.0f} s; load average at the end: "
                 f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (other processes on the machine add noise)")
    body = ["# claimsite benchmark", "", *[f"- {line}" for line in info], "", text, "", *[f"- {v}" for v in verdicts],
            "", "Notes:", *[f"- {note}" for note in notes], ""]
    print("\n".join(info) + "\n\n" + text + "\n\n" + "\n".join(verdicts) + "\n\n" + "\n".join(notes))
    Path(args.output).write_text("\n".join(body), encoding="utf-8")
    log(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
