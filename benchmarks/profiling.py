"""Where the time goes: cProfile of an in-process check or build of a synthetic review.

    python -m benchmarks.profiling build 1000     # builder.build(root, out) on 1,000 claims
    python -m benchmarks.profiling check 10000    # builder.check(root) on 10,000 claims
    python -m benchmarks.profiling check 10000 --warm   # the same, with the parse cache of a first check
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
from pathlib import Path

from .synth import make_project


def profile(kind: str, n: int, top: int = 30, sort: str = "cumulative", warm: bool = False) -> str:
    from claimsite import builder

    with tempfile.TemporaryDirectory(prefix="claimsite-profile-") as tmp:
        root = Path(tmp) / "review"
        make_project(root, n)
        if warm:
            builder.check(root)
        profiler = cProfile.Profile()
        if kind == "build":
            profiler.runcall(builder.build, root, Path(tmp) / "site", log=lambda m: print(m, file=sys.stderr))
        else:
            profiler.runcall(builder.check, root)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(sort)
    stats.print_stats(top)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profiling", description=__doc__.split("\n")[0])
    parser.add_argument("kind", choices=["check", "build"])
    parser.add_argument("n", type=int)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", help="pstats sort key: cumulative, tottime, ...")
    parser.add_argument("--warm", action="store_true", help="check once first, so that the parse cache is warm")
    args = parser.parse_args()
    print(profile(args.kind, args.n, args.top, args.sort, args.warm))
    return 0


if __name__ == "__main__":
    sys.exit(main())
