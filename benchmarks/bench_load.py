"""Benchmark: load_transactions on a 1,000,000-line CSV against a bare pyarrow read.

Targets (issue 2, section 5):

* time: ``load_transactions`` at most 3x ``pandas.read_csv(engine="pyarrow")`` on the same file;
* memory: peak memory of the load at most 3x the final frame's size.

The file is written with numpy and pyarrow (a shop's canonical export: 12 columns, about 106 MB,
about 5 % cancelled and 5 % returned lines, 3 % missing customer ids). Each measurement
runs in a fresh Python process, three times; the best time and the smallest peak are
kept, which is what the machine does when it is not busy (the machine is shared, so
single runs vary a lot). Peak memory is the process's peak resident set size during the
load (``VmHWM`` in ``/proc/self/status``, Linux) minus its resident size just before, so it
counts pyarrow's buffers, which ``tracemalloc`` cannot see.

Run: ``python benchmarks/bench_load.py [--rows N]``. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIME_TARGET = 3.0
MEMORY_TARGET = 3.0
REPEATS = 3


def write_csv(path: Path, rows: int, seed: int = 0) -> None:
    """Write ``rows`` canonical transaction lines to ``path`` (numpy draws, pyarrow writer)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    orders = rng.integers(0, rows // 3, rows)
    products = rng.integers(0, 2_000, rows)
    customers = np.char.add("C", rng.integers(0, 50_000, rows).astype(str)).astype(object)
    customers[rng.random(rows) < 0.03] = None
    status = rng.choice(np.array(["completed", "cancelled", "returned"]), rows, p=[0.9, 0.05, 0.05])
    quantity = rng.integers(1, 5, rows) * np.where(status == "returned", -1, 1)
    price = np.round(rng.gamma(2.0, 50.0, rows), 2)
    seconds = rng.integers(0, 730 * 86_400, rows)
    table = pa.table({
        "order_id": np.char.add("O", orders.astype(str)),
        "order_date": (np.datetime64("2023-01-01T00:00:00", "s") + seconds.astype("timedelta64[s]")),
        "customer_id": pa.array(customers, type=pa.string()),
        "product_id": np.char.add("P", products.astype(str)),
        "product_name": np.char.add("Product ", products.astype(str)),
        "category": np.array(["beauty", "home", "toys", "sports", "food", "tech", "fashion", "books"])[products % 8],
        "quantity": quantity,
        "unit_price": price,
        "revenue": np.round(quantity * price, 2),
        "channel": rng.choice(np.array(["organic", "paid_search", "social", "email", "marketplace"]), rows),
        "country": rng.choice(np.array(["CN", "HK", "TW", "SG", "US", "DE"]), rows),
        "status": status,
    })
    pacsv.write_csv(table, path)


def _memory(field: str) -> int:
    """Resident (``VmRSS``) or peak resident (``VmHWM``) memory of this process, in bytes (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status; this benchmark measures memory on Linux only")


def child(mode: str, path: str) -> None:
    """Run one measurement in this process and print it as JSON."""
    import pandas as pd

    from ecomlib.data import load_transactions

    before = _memory("VmRSS")
    start = time.perf_counter()
    if mode == "bare":
        frame = pd.read_csv(path, engine="pyarrow")
    else:
        frame, _ = load_transactions(path)
    seconds = time.perf_counter() - start
    peak = _memory("VmHWM") - before
    print(json.dumps({"seconds": seconds, "peak_bytes": peak, "rows": len(frame),
                      "frame_bytes": int(frame.memory_usage(deep=True).sum())}))


def measure(mode: str, path: Path) -> dict:
    runs = []
    for _ in range(REPEATS):
        done = subprocess.run([sys.executable, __file__, "--child", mode, str(path)],
                              capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda r: r["seconds"])
    return {**best, "peak_bytes": min(r["peak_bytes"] for r in runs),
            "all_seconds": [round(r["seconds"], 3) for r in runs]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "transactions.csv"
        write_csv(path, args.rows)
        size = path.stat().st_size
        bare = measure("bare", path)
        load = measure("load", path)
    ratio = load["seconds"] / bare["seconds"]
    memory_ratio = load["peak_bytes"] / load["frame_bytes"]
    mb = 1024 * 1024
    print(f"file: {args.rows:,} lines, {size / mb:.1f} MB")
    print(f"bare pandas.read_csv(engine='pyarrow'): {bare['seconds']:.3f} s (runs {bare['all_seconds']}), "
          f"peak +{bare['peak_bytes'] / mb:.0f} MB")
    print(f"load_transactions:                     {load['seconds']:.3f} s (runs {load['all_seconds']}), "
          f"peak +{load['peak_bytes'] / mb:.0f} MB")
    print(f"final frame: {load['rows']:,} rows, {load['frame_bytes'] / mb:.0f} MB")
    ok_time, ok_memory = ratio <= TIME_TARGET, memory_ratio <= MEMORY_TARGET
    print(f"time ratio   {ratio:.2f}x  (target <= {TIME_TARGET:.0f}x)  {'ok' if ok_time else 'MISSED'}")
    print(f"memory ratio {memory_ratio:.2f}x  (peak / final frame; target <= {MEMORY_TARGET:.0f}x)  "
          f"{'ok' if ok_memory else 'MISSED'}")
    return 0 if ok_time and ok_memory else 1


if __name__ == "__main__":
    raise SystemExit(main())
