"""Benchmark: ``ecomlib --help`` against ``python -c pass``, both measured in this run (issue 16).

Target: ``ecomlib --help`` under 0.3 s, stated as a ratio to the bare interpreter start
measured alongside (best of ``--repeats`` fresh processes each): the target ratio is
0.3 s divided by the bare start on a quiet machine (0.02 s), i.e. 15x. The absolute figure
is printed too.

Run: ``python benchmarks/bench_startup.py [--repeats N]``. Exit status 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import load_average, report  # noqa: E402

TARGET_SECONDS = 0.3
QUIET_BARE_START = 0.02  # python -c pass on a quiet machine, seconds
TARGET_RATIO = TARGET_SECONDS / QUIET_BARE_START


def best_of(command: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print(f"load average {load_average()}", flush=True)
    bare = best_of([sys.executable, "-c", "pass"], args.repeats)
    helped = best_of([sys.executable, "-m", "ecomlib", "--help"], args.repeats)
    ok = report("startup", "ecomlib --help", helped / bare, TARGET_RATIO, anchor="python -c pass",
                figure=f"{helped:.3f} s vs {bare:.3f} s; target {TARGET_SECONDS} s")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
