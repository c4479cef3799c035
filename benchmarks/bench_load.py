"""Benchmark: ``load_transactions(preset="online_retail")`` against a bare pyarrow read.

Targets (issue 16), each a ratio to the bare ``pandas.read_csv(path, engine="pyarrow")`` of the
same file measured in the same run:

* time: the load at most 3x the bare read, at 1M, 5M and 10M lines;
* memory: the load's peak at most 2.5x the final frame's size.

The input is a UCI Online Retail style CSV (``InvoiceNo, StockCode, Description, Quantity,
InvoiceDate, UnitPrice, CustomerID, Country``; month-first dates such as ``12/1/2010 8:26``,
prices such as ``2.55``, customer ids such as ``17850.0`` with a quarter missing, about 2 %
cancelled invoices ``C...`` and some postage lines), written with a seed into
``benchmarks/output/`` (git-ignored) and reused by later runs.

How it is timed, so that the ratio is stable and fair to both sides:

* the file is read once into the page cache, and one bare read and one load run unmeasured
  first (they fault in pyarrow's and pandas' libraries and their compiled modules: the first
  process after a quiet spell took 0.42 s for a bare read that then took 0.11 s);
* each measurement runs in a fresh Python process that has imported the same modules
  (``ecomlib.data.load_transactions`` for the bare read too), on the same file;
* the bare read and the load take turns, in the order ABBA (bare, load, load, bare, ...), so
  that neither always follows the other (a fresh process's first touch of memory costs from
  0.03 to 2 s per GB on the 2-core VM, depending on what ran before);
* ``--repeats`` turns each (at least :data:`MIN_REPEATS_SMALL` up to 1M lines, where a run
  is short and the noise relatively large); the verdict uses the best time of each side
  (noise only ever adds time) and the smallest peak; the median of each side, their ratio and
  the median of each turn's ratio (load over the bare read next to it) are printed beside it.
  On a busy machine the best of a short bare read can be a lucky quiet moment (10M lines at
  load average 5: bare reads of 6.13, 4.74 and 1.88 s), so look at the medians too.

Peak memory is the process's peak resident size during the load (``VmHWM``) minus its
resident size just before, so it counts pyarrow's buffers, which ``tracemalloc`` cannot see.

Run: ``python benchmarks/bench_load.py [--lines 1000000 5000000 10000000] [--repeats N]``.
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import load_average, memory, output_dir, report, run_child  # noqa: E402

TIME_TARGET = 3.0
MIN_REPEATS_SMALL = 5  # turns at least, for files of up to SMALL_LINES lines
SMALL_LINES = 1_000_000
MEMORY_TARGET = 2.5
LINES = (1_000_000, 5_000_000, 10_000_000)
SEED = 16
GENERATOR_VERSION = 1  # bump when write_uci_csv changes, so cached inputs are rewritten

COUNTRIES = ("United Kingdom", "Germany", "France", "EIRE", "Spain", "Netherlands", "Belgium",
             "Switzerland", "Portugal", "Australia")


def write_uci_csv(path: Path, lines: int, seed: int = SEED) -> None:
    """Write ``lines`` UCI Online Retail style order lines to ``path`` (numpy draws, pyarrow writer)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    invoices = max(lines // 20, 1)
    invoice = np.sort(rng.integers(0, invoices, lines))
    cancelled = rng.random(invoices) < 0.02
    numbers = np.arange(536365, 536365 + invoices).astype(str).astype(object)
    numbers[cancelled] = np.char.add("C", numbers[cancelled].astype(str))
    start = np.datetime64("2010-12-01T08:00", "m")
    minutes = np.sort(rng.integers(0, 373 * 24 * 60, invoices))
    stamps = pa.array((start + minutes.astype("timedelta64[m]")).astype("datetime64[s]"))
    # UCI writes 12/1/2010 8:26: no zero padding of month, day or hour
    dates = pc.replace_substring_regex(pc.strftime(stamps, format="%m/%d/%Y %H:%M"),
                                       pattern=r"(^|/| )0(\d)", replacement=r"\1\2")
    dates = pc.replace_substring_regex(dates, pattern=r"(^|/| )0(\d)", replacement=r"\1\2")
    products = 4_000
    codes = np.char.add("2", rng.integers(1000, 3000, products).astype(str)).astype(object)
    codes[:3] = ["POST", "M", "DOT"]
    names = np.char.add("ITEM ", np.arange(products).astype(str))
    prices = np.round(rng.gamma(1.5, 2.5, products) + 0.1, 2)
    product = rng.integers(0, products, lines)
    quantity = rng.integers(1, 13, lines) * np.where(cancelled[invoice], -1, 1)
    customer = rng.integers(12346, 18288, invoices).astype(float)
    customer_text = pa.array(np.char.add(customer.astype(int).astype(str), ".0"))
    customer_text = pc.if_else(pa.array(rng.random(invoices) < 0.25), pa.scalar(None, pa.string()),
                               customer_text)
    country = rng.choice(len(COUNTRIES), invoices, p=[0.9] + [0.1 / 9] * 9)
    idx = pa.array(invoice)
    table = pa.table({
        "InvoiceNo": pa.array(numbers, pa.string()).take(idx),
        "StockCode": pa.array(codes, pa.string()).take(pa.array(product)),
        "Description": pa.array(names).take(pa.array(product)),
        "Quantity": quantity,
        "InvoiceDate": dates.take(idx),
        "UnitPrice": pc.cast(pa.array(prices), pa.string()).take(pa.array(product)),
        "CustomerID": customer_text.take(idx),
        "Country": pa.array(COUNTRIES).take(pa.array(country)).take(idx),
    })
    tmp = path.with_suffix(".tmp")
    pacsv.write_csv(table, tmp, pacsv.WriteOptions(quoting_style="none"))
    tmp.replace(path)


def input_file(lines: int, seed: int = SEED) -> Path:
    """The generated CSV of ``lines`` lines (written on first use)."""
    path = output_dir("load") / f"uci_{lines}_s{seed}_v{GENERATOR_VERSION}.csv"
    if not path.exists():
        t0 = time.perf_counter()
        write_uci_csv(path, lines, seed)
        print(f"  wrote {path.name} ({path.stat().st_size / 2**20:.0f} MB) in {time.perf_counter() - t0:.1f} s",
              flush=True)
    return path


def child(mode: str, path: str) -> None:
    """Run one measurement in this process and print it as JSON."""
    import pandas as pd

    from ecomlib.data import load_transactions

    before = memory("VmRSS")
    start = time.perf_counter()
    if mode == "bare":
        frame = pd.read_csv(path, engine="pyarrow")
    else:
        frame, _ = load_transactions(path, preset="online_retail")
    seconds = time.perf_counter() - start
    peak = memory("VmHWM") - before
    print(json.dumps({"seconds": seconds, "peak_bytes": peak, "rows": len(frame),
                      "frame_bytes": int(frame.memory_usage(deep=True).sum())}))


def best(runs: list[dict]) -> dict:
    """The fastest run, with the smallest peak of all runs, the median time and every time."""
    fastest = min(runs, key=lambda r: r["seconds"])
    return {**fastest, "peak_bytes": min(r["peak_bytes"] for r in runs),
            "median": statistics.median(r["seconds"] for r in runs),
            "all_seconds": [round(r["seconds"], 2) for r in runs]}


def warm(path: Path) -> None:
    """Read ``path`` once (into the page cache) and run one unmeasured bare read and load."""
    with open(path, "rb") as fh:
        while fh.read(1 << 24):
            pass
    for mode in ("bare", "load"):
        run_child(__file__, "--child", mode, str(path))


def turns(repeats: int) -> list[str]:
    """The order of the runs: ABBA ... (``repeats`` of each mode)."""
    order = []
    for i in range(repeats):
        order += ["bare", "load"] if i % 2 == 0 else ["load", "bare"]
    return order


def measure(path: Path, repeats: int) -> tuple[dict, dict]:
    """The bare read and the load, ``repeats`` times each, taking turns (see the module docstring)."""
    warm(path)
    runs: dict[str, list[dict]] = {"bare": [], "load": []}
    for mode in turns(repeats):
        runs[mode].append(run_child(__file__, "--child", mode, str(path)))
    bare, load = best(runs["bare"]), best(runs["load"])
    # each turn's load over the bare read next to it (the two met about the same machine)
    load["paired"] = statistics.median(lo["seconds"] / ba["seconds"] for ba, lo in zip(runs["bare"], runs["load"],
                                                                                      strict=True))
    return bare, load


def bench(lines: int, repeats: int) -> bool:
    path = input_file(lines)
    if lines <= SMALL_LINES:
        repeats = max(repeats, MIN_REPEATS_SMALL)
    bare, load = measure(path, repeats)
    mb = 2**20
    print(f"{lines:,} lines ({path.stat().st_size / mb:.0f} MB, load average {load_average()}): "
          f"bare read {bare['all_seconds']} s, "
          f"load_transactions {load['all_seconds']} s; peak +{load['peak_bytes'] / mb:.0f} MB, "
          f"final frame {load['rows']:,} rows {load['frame_bytes'] / mb:.0f} MB", flush=True)
    ok_time = report("load", f"load_transactions time, {lines:,} lines", load["seconds"] / bare["seconds"],
                     TIME_TARGET, anchor="bare read",
                     figure=f"best {load['seconds']:.2f} s vs {bare['seconds']:.2f} s; median "
                     f"{load['median']:.2f} s vs {bare['median']:.2f} s = {load['median'] / bare['median']:.2f}x; "
                     f"median of the turns' ratios {load['paired']:.2f}x")
    ok_memory = report("load", f"load_transactions peak memory, {lines:,} lines",
                       load["peak_bytes"] / load["frame_bytes"], MEMORY_TARGET, anchor="final frame",
                       figure=f"{load['peak_bytes'] / mb:.0f} MB vs {load['frame_bytes'] / mb:.0f} MB")
    return ok_time and ok_memory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=list(LINES))
    parser.add_argument("--repeats", type=int, default=3,
                        help=f"turns per size (at least {MIN_REPEATS_SMALL} up to {SMALL_LINES:,} lines)")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    print(f"load average {load_average()}", flush=True)
    results = []
    for lines in args.lines:
        try:
            results.append(bench(lines, args.repeats))
        except Exception as exc:  # one size failing must not hide the others
            print(f"{lines:,} lines: FAILED {type(exc).__name__}: {exc}", flush=True)
            results.append(False)
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
