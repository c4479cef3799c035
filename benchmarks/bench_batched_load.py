"""Benchmark: order lines cleaned in batches into DuckDB (``ecomlib.engine.sources``) against the pandas loader.

The same UCI Online Retail style CSV as ``bench_load.py`` (written once into
``benchmarks/output/load/``) is loaded by ``load_transactions(preset="online_retail")`` and by
``open_transactions(..., preset="online_retail")``, each in a fresh process. Targets:

* memory is bounded: the batched load's peak at the largest size at most :data:`FLAT_TARGET` x
  its peak at the next size (it grows until DuckDB holds ``DUCKDB_MEMORY_LIMIT`` and spills
  beyond; the pandas loader's peak grows with the file);
* time: the batched load at most :data:`TIME_TARGET` x the pandas loader on the same file
  (the batches trade time for memory).

Peak memory is ``VmHWM`` minus the resident size just before the load (pyarrow and DuckDB
buffers included). Both loaders give the same quality-report counts (``tests/warehouse``).

Run: ``python benchmarks/bench_batched_load.py [--lines 1000000 5000000 10000000] [--repeats N]``.
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import load_average, memory, report, run_child  # noqa: E402
from bench_load import input_file  # noqa: E402

FLAT_TARGET = 1.3
TIME_TARGET = 2.0
LINES = (1_000_000, 5_000_000, 10_000_000)


def child(mode: str, path: str) -> None:
    """Run one load in this process and print seconds, peak and counts as JSON."""
    from ecomlib.data import load_transactions
    from ecomlib.engine.sources import open_transactions

    before = memory("VmRSS")
    start = time.perf_counter()
    if mode == "pandas":
        _, quality = load_transactions(path, preset="online_retail")
    else:
        quality = open_transactions(path, preset="online_retail").report
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_bytes": memory("VmHWM") - before, "kept": quality.rows_kept,
                      "duplicates": quality.count("exact duplicates")}))


def measure(mode: str, path: Path, repeats: int) -> dict:
    runs = [run_child(__file__, "--child", mode, str(path)) for _ in range(repeats)]
    best = min(runs, key=lambda r: r["seconds"])
    return {**best, "peak_bytes": min(r["peak_bytes"] for r in runs)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=list(LINES))
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    print(f"load average {load_average()}", flush=True)
    mb, ok, peaks = 2**20, True, []
    for lines in args.lines:
        path = input_file(lines)
        pandas_run, batched = measure("pandas", path, args.repeats), measure("batched", path, args.repeats)
        same = (pandas_run["kept"], pandas_run["duplicates"]) == (batched["kept"], batched["duplicates"])
        print(f"{lines:,} lines: pandas {pandas_run['seconds']:.1f} s, peak +{pandas_run['peak_bytes'] / mb:.0f} MB; "
              f"batched {batched['seconds']:.1f} s, peak +{batched['peak_bytes'] / mb:.0f} MB; "
              f"same counts: {same}", flush=True)
        ok &= same and report("batched_load", f"batched load time, {lines:,} lines",
                              batched["seconds"] / pandas_run["seconds"], TIME_TARGET, anchor="pandas loader",
                              figure=f"{batched['seconds']:.1f} s vs {pandas_run['seconds']:.1f} s")
        peaks.append((lines, batched["peak_bytes"]))
    if len(peaks) > 1:
        (small, low), (large, high) = peaks[-2], peaks[-1]
        ok &= report("batched_load", f"batched load peak, {large:,} vs {small:,} lines", high / low, FLAT_TARGET,
                     anchor=f"peak at {small:,} lines", figure=f"{high / mb:.0f} MB vs {low / mb:.0f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
