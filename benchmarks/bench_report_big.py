"""Benchmark: the retention report on generated order lines in Parquet, through DuckDB (issue 17).

Target (absolute, from the issue): ``ecomlib report retention --data big.parquet`` completes
with a peak resident memory of at most **6 GB for the whole process tree** (the ``ecomlib``
command, papermill, the notebook kernel and DuckDB's threads, summed by
``benchmarks/tree_rss.py``), where big is 50,000,000 order lines. The report runs with
``--engine duckdb``: the lines are cleaned in batches into DuckDB and stay there; the notebook
gets only customer-, cohort- and gap-level tables (``ShopData.table``).

The lines are ``bench_engine_big.py``'s generator (DuckDB ``COPY``, no random state): about
10 lines per customer over two years, bought at random times, so the BG/NBD model is not
identified on them and the CLV sections are skipped. ``--shop sample`` instead repeats the
bundled sample shop's lines (a real BG/NBD process; 6.1 lines per customer) with a copy number
appended to every customer and order id, so that every section runs on 8.1M customers at 50M
lines. The default is 2,000,000 lines so that ``make bench`` stays short; ``--rows 50000000``
is the issue's size. Files go to ``benchmarks/output/report_big/`` and are reused. Which cell
makes a peak: ``benchmarks/cell_rss.py`` (the kernel's peak and end RSS per cell).

Measured 2026-12-07 on the shared 2-core machine (``tree_rss.py``, whole process tree):

* 10M generated lines (1.0M customers; the CLV, holdout and win-back sections skip):
  92.6 s, peak 2.08 GB (load average about 0; before the lines stayed in the engine:
  284.6 s, 7.49 GB);
* earlier the same day, before the customer-level tables were made smaller: 50M generated
  lines 641.0 s and **7.76 GB** (load average 4-6; the text written then says BG/NBD was
  fitted at this size and every section ran); 10M lines of sample-shop copies (1.63M
  customers, every section runs) 146.0 s, 3.22 GB, and again 146.3 s, 3.10 GB (load
  average 1.5-2.6).
  Per cell (``cell_rss.py``, kernel only) on those 10M copies: the load 1.86 GB; the CLV
  cell 2.87 GB, 0.64 GB above the cell before it (``customer_lifetime_value`` built
  customers x 13 months arrays, several at once); the win-back cell (``customer_actions``
  and a scatter of every customer, split as whole-table copies) 2.62 GB; the coupon cell
  2.90 GB; from the churn table to the end the kernel grew 1.45 GB (RFM scores and
  segments with the action text, 78 B per customer; BTYD summary; holdout split; two CLV
  tables; actions; and pandas' hash table of the customer ids left on the split's index,
  about 120 B per Arrow-string id when measured alone at 2M ids);
* now (CLV in blocks of 100,000 customers; segment, action and RFM code categorical;
  segments and actions start from shallow copies; customer ids aligned through Arrow's
  ``index_in`` instead of ``.loc`` / ``Index.map``; the win-back scatter draws at most
  50,000 customers per action):

  - 50M generated lines (5.0M customers): completed in 391.2 s, peak **3.12 GB: target
    met** (kernel 2.86 GB; load average 1.6-1.9). An earlier run of the same day with
    part of these changes: 634.3 s, 3.31 GB (load average 1.4-3.0; the load took 324 s).
    In both runs the BG/NBD fit was not identified ("flat at its maximum"), so the
    holdout check, CLV per customer and win-back sections were skipped (the lines have no
    ``promo_id`` and there is no customers table: the coupon and membership comparisons
    skip too); the peak is the load (kernel 3.07 GB, of which DuckDB reports 716 MB);
  - 10M lines of sample-shop copies: 99.1 s, 2.71 GB (load average 0.9-1.2);
  - 50M lines of sample-shop copies (8.1M customers, every section runs; not the issue's
    target): 509.5 s, 7.82 GB (load average 1.0-1.7), against 587.2 s, 8.53 GB before the
    Arrow alignment and the thinned scatter. Per cell (kernel): the load 2.49 GB, holdout
    split 4.41 GB (was 5.14), CLV 4.91 GB, win-back 5.34 GB in 5.5 s (was 6.88 GB in
    80.3 s), and the coupon comparison (``first_order_flag``, its labels and
    ``repurchase_by_group``) 7.75 GB, 2.2 GB above the cell before it: the next step.
  - After ``customer_positions`` checked uniqueness with ``index_in`` instead of
    ``count_distinct`` (7 Dec, night): 50M sample copies 585.0 s, **7.37 GB** (load
    average 1.1-1.4); 10M sample copies 98.5 s, 2.31 GB (the coupon cell's kernel peak
    2217 MB, was 2360 MB, in the same sitting as a 2.52 GB run of the code before).

Run: ``python benchmarks/bench_report_big.py [--rows 50000000]``. Exit status 1 when the
report fails or the target is missed.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _bench import duckdb_copy_once, load_average, output_dir, report  # noqa: E402
from bench_engine_big import write_parquet  # noqa: E402

RSS_TARGET_GB = 6.0
_TREE = re.compile(r"TREE exit=(-?\d+) seconds=([\d.]+) peak_tree_GB=([\d.]+) peak_single_GB=([\d.]+)")


def write_sample_copies(rows: int, folder: Path) -> tuple[Path, float]:
    """The sample shop's lines repeated until ``rows`` (each copy's customer and order ids made new)."""
    from ecomlib.datasets import load_sample_store

    path = folder / f"sample_copies_{rows}.parquet"
    if path.exists():
        return path, 0.0
    lines = load_sample_store().transactions
    full, rest = divmod(rows, len(lines))
    copy = "SELECT * REPLACE (customer_id || '-' || k AS customer_id, order_id || '-' || k AS order_id)"
    statement = (f"COPY ({copy} FROM lines, range({full}) r(k) UNION ALL {copy} FROM head, (SELECT {full} AS k)) "
                 "TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 500000)")
    # (head: the last, partial copy)
    return path, duckdb_copy_once(path, statement, {"lines": lines, "head": lines.iloc[:rest]})


def run_report(path: Path, out: Path, time_limit: float) -> tuple[int, float, float, float, str]:
    """The report under ``tree_rss.py``: (exit status, seconds, tree peak GB, largest process GB, stderr tail)."""
    command = [sys.executable, str(HERE / "tree_rss.py"), sys.executable, "-m", "ecomlib", "report", "retention",
               "--data", str(path), "--engine", "duckdb", "--time-limit", f"{time_limit:g}", "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True)
    found = _TREE.findall(done.stderr)
    if not found:
        raise RuntimeError(f"tree_rss.py printed no TREE line:\n{done.stderr[-2000:]}")
    code, seconds, tree, single = found[-1]
    return int(code), float(seconds), float(tree), float(single), done.stderr[-2000:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--shop", choices=("generated", "sample"), default="generated",
                        help="generated lines (bench_engine_big.py) or copies of the sample shop")
    parser.add_argument("--folder", type=Path, default=None, help="where the Parquet file goes")
    parser.add_argument("--out", type=Path, default=None, help="report folder (default: a temporary one)")
    parser.add_argument("--time-limit", type=float, default=3600.0,
                        help="seconds the notebook may take (the report's default, 900 s, is too short at 50M lines)")
    args = parser.parse_args()
    print(f"load average {load_average()}", flush=True)
    write = write_parquet if args.shop == "generated" else write_sample_copies
    path, generated = write(args.rows, args.folder or output_dir("report_big"))
    if generated:
        print(f"wrote {args.rows:,} lines to {path} in {generated:.1f} s ({path.stat().st_size / 1e9:.2f} GB)",
              flush=True)
    with tempfile.TemporaryDirectory(prefix="ecomlib-report-big-") as scratch:
        code, seconds, tree, single, tail = run_report(path, args.out or Path(scratch), args.time_limit)
    print(f"report exit {code} in {seconds:.1f} s; peak of the largest process {single:.2f} GB; "
          f"load average after {load_average()}", flush=True)
    if code != 0:
        print(tail, flush=True)
    what = (f"retention report on {args.rows:,} {'generated' if args.shop == 'generated' else 'sample-shop'} "
            "Parquet lines (DuckDB), peak RSS of the process tree")
    ok = report("report_big", what, tree / RSS_TARGET_GB, 1.0, anchor=f"the {RSS_TARGET_GB:g} GB target",
                figure=f"{tree:.2f} GB in {seconds:.1f} s" + ("" if code == 0 else f", report FAILED (exit {code})"))
    return 0 if ok and code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
