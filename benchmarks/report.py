"""The benchmark's one table: measurements per size, ratios, and PASS/FAIL against the targets."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import statistics

MIB = 1024 * 1024
GIB_IN_MIB = 1024
TARGETS = {
    "check_s": 1.5,  # check at 10,000 claims / 5,000 sources
    "vs_plain": 1.0,  # build ÷ plain MkDocs on the same pages
    "vs_floor": 3.0,  # build ÷ bare Jinja2 + markdown-it-py floor
    "scaling": 11.0,  # 10× the claims: time and output
    "preview_s": 1.5,  # edit to preview at 1,000 claims
    "rss_mib": GIB_IN_MIB,  # peak memory at 10,000 claims
    "page_growth": 1.05,  # mean claim page size must not grow with N (5 % noise allowed)
}


def machine() -> list[str]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    versions = ", ".join(f"{name} {importlib.metadata.version(name)}" for name in
                         ("mkdocs", "mkdocs-material", "markdown-it-py", "PyYAML", "bibtexparser", "Jinja2"))
    return [f"nproc: {os.cpu_count()}; CPU: {cpu}; {platform.system()} {platform.release()}",
            f"Python {platform.python_version()} ({platform.python_implementation()}); {versions}"]


def _fmt(value, spec: str = ".2f", suffix: str = "") -> str:
    return "—" if value is None else f"{value:{spec}}{suffix}"


def _verdict(checks: list[tuple[str, bool]]) -> str:
    """PASS if every measured case passes; otherwise FAIL and which cases failed."""
    if not checks:
        return "not measured"
    failed = [label for label, ok in checks if not ok]
    return "**PASS**" if not failed else f"**FAIL** ({', '.join(failed)})"


def _runs(result) -> str:
    counts = {kind: len(runs) for kind, runs in result.runs.items()}
    if len(set(counts.values())) == 1:
        return str(next(iter(counts.values())))
    return ", ".join(f"{kind} {count}" for kind, count in counts.items())


def _steps(results, value) -> list[tuple[str, float | None]]:
    """value(N) ÷ value(N/10) for each size that is 10× the previous one."""
    out = []
    for prev, cur in zip(results, results[1:]):
        a, b = value(prev), value(cur)
        if cur.n == 10 * prev.n and a and b:
            out.append((f"{prev.n:,}→{cur.n:,}", b / a))
    return out


def table(results, preview: list[float] | None) -> tuple[str, list[str]]:
    """The Markdown table and one PASS/FAIL line per target."""
    head = "| Measure | " + " | ".join(f"N = {r.n:,}" for r in results) + " | Target | Result |"
    lines = [head, "|---" * (len(results) + 3) + "|"]
    targets: list[str] = []

    def row(name: str, cells: list[str], target: str = "", result: str = "") -> None:
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {target} | {result} |")
        if target:
            targets.append(f"{result.replace('**', '')}: {name} ({target})")

    def ratio_row(name: str, value, target: str) -> None:
        steps = dict(_steps(results, value))
        cells = [_fmt(steps.get(f"{p.n:,}→{r.n:,}") if p else None, ".2f", "×")
                 for p, r in zip([None] + results[:-1], results)]
        row(name, cells, target, _verdict([(k, v <= TARGETS["scaling"]) for k, v in steps.items()]))

    def at_largest(key: str, attr: str = "seconds") -> list[tuple[str, bool]]:
        big = [r for r in results if r.n >= 10_000 and r.median(key, attr) is not None]
        limit = TARGETS["check_s"] if attr == "seconds" else TARGETS["rss_mib"]
        return [(f"N={r.n:,}", r.median(key, attr) <= limit) for r in big]

    row("claims / sources / articles", [f"{r.n:,} / {r.sources:,} / {r.articles}" for r in results])
    row("runs (median of)", [_runs(r) for r in results])
    row("check, cold cache: wall time (s)", [_fmt(r.median("check")) for r in results], "≤ 1.5 s at 10,000",
        _verdict(at_largest("check")))
    row("check, warm cache: wall time (s)", [_fmt(r.median("check_warm")) for r in results], "≤ 1.5 s at 10,000",
        _verdict(at_largest("check_warm")))
    row("check, cold cache: peak RSS (MiB)", [_fmt(r.median("check", "rss_mib"), ".0f") for r in results],
        "≤ 1 GiB at 10,000", _verdict(at_largest("check", "rss_mib")))
    ratio_row("check, cold: time ÷ time at N/10", lambda r: r.median("check"), "≤ 11×")
    row("build: wall time (s)", [_fmt(r.median("build")) for r in results])
    row("build: peak RSS (MiB)", [_fmt(r.median("build", "rss_mib"), ".0f") for r in results], "≤ 1 GiB at 10,000",
        _verdict(at_largest("build", "rss_mib")))
    ratio_row("build: time ÷ time at N/10", lambda r: r.median("build"), "≤ 11×")
    row("build: output (MiB)", [_fmt(r.output / MIB, ".1f") for r in results])
    ratio_row("build: output ÷ output at N/10", lambda r: r.output, "≤ 11×")
    sizes = [r.claim_page for r in results if r.claim_page]
    growth = max(sizes) / min(sizes) if sizes else None
    row("build: mean claim page (KiB)", [_fmt(r.claim_page / 1024, ".1f") for r in results], "must not grow with N",
        _verdict([(f"grows {growth:.2f}×", growth <= TARGETS["page_growth"])] if growth else []))
    row("plain MkDocs: wall time (s)", [_fmt(r.median("plain")) for r in results])
    row("plain MkDocs: peak RSS (MiB)", [_fmt(r.median("plain", "rss_mib"), ".0f") for r in results])
    row("plain MkDocs: output (MiB)", [_fmt(r.plain_output / MIB if r.plain_output else None, ".1f") for r in results])
    row("bare floor: wall time (s)", [_fmt(r.median("floor")) for r in results])
    vs_plain = {r.n: r.median("build") / r.median("plain") for r in results if r.median("plain")}
    row("build ÷ plain MkDocs", [_fmt(vs_plain.get(r.n), ".2f", "×") for r in results], "≤ 1.0×",
        _verdict([(f"N={n:,}", v <= TARGETS["vs_plain"]) for n, v in vs_plain.items()]))
    vs_floor = {r.n: r.median("build") / r.median("floor") for r in results if r.median("floor")}
    row("build ÷ bare floor", [_fmt(vs_floor.get(r.n), ".2f", "×") for r in results], "≤ 3×",
        _verdict([(f"N={n:,}", v <= TARGETS["vs_floor"]) for n, v in vs_floor.items()]))
    median = statistics.median(preview) if preview else None
    cells = [(_fmt(median) + f" ({', '.join(f'{t:.2f}' for t in preview)})" if r.n == 1000 and preview else "—")
             for r in results]
    row("edit → preview served, median of 3 (s)", cells, "≤ 1.5 s at 1,000",
        _verdict([("N=1,000", median <= TARGETS["preview_s"])] if median is not None else []))
    return "\n".join(lines), targets
