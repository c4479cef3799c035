"""Benchmark: the retention report on generated order lines in Parquet, through DuckDB (issue 17).

Target (absolute, from the issue): ``ecomlib report retention --data big.parquet`` completes
with a peak resident memory of at most **6 GB for the whole process tree** (the ``ecomlib``
command, papermill, the notebook kernel and DuckDB's threads, summed by
``benchmarks/tree_rss.py``), where big is 50,000,000 order lines. The report runs with
``--engine duckdb``: the lines are cleaned in batches into DuckDB and stay there; the notebook
gets only customer-, cohort- and gap-level tables (``ShopData.table``).

The lines are ``bench_engine_big.py``'s generator (DuckDB ``COPY``, no random state): about
10 lines per customer over two years. The default is 2,000,000 lines so that ``make bench``
stays short; ``--rows 50000000`` is the issue's size (about 10-20 minutes on the 2-core
machine). Files go to ``benchmarks/output/report_big/`` and are reused.

Measured 2026-12-07 (2 shared cores): see the report of the retmem branch; the README
paragraph "Beyond memory" gives the figures.

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
from _bench import load_average, output_dir, report  # noqa: E402
from bench_engine_big import write_parquet  # noqa: E402

RSS_TARGET_GB = 6.0
_TREE = re.compile(r"TREE exit=(-?\d+) seconds=([\d.]+) peak_tree_GB=([\d.]+) peak_single_GB=([\d.]+)")


def run_report(path: Path, out: Path) -> tuple[int, float, float, float, str]:
    """The report under ``tree_rss.py``: (exit status, seconds, tree peak GB, largest process GB, stderr tail)."""
    command = [sys.executable, str(HERE / "tree_rss.py"), sys.executable, "-m", "ecomlib", "report", "retention",
               "--data", str(path), "--engine", "duckdb", "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True)
    found = _TREE.findall(done.stderr)
    if not found:
        raise RuntimeError(f"tree_rss.py printed no TREE line:\n{done.stderr[-2000:]}")
    code, seconds, tree, single = found[-1]
    return int(code), float(seconds), float(tree), float(single), done.stderr[-2000:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--folder", type=Path, default=None, help="where the Parquet file goes")
    parser.add_argument("--out", type=Path, default=None, help="report folder (default: a temporary one)")
    args = parser.parse_args()
    print(f"load average {load_average()}", flush=True)
    path, generated = write_parquet(args.rows, args.folder or output_dir("report_big"))
    if generated:
        print(f"wrote {args.rows:,} lines to {path} in {generated:.1f} s ({path.stat().st_size / 1e9:.2f} GB)",
              flush=True)
    with tempfile.TemporaryDirectory(prefix="ecomlib-report-big-") as scratch:
        code, seconds, tree, single, tail = run_report(path, args.out or Path(scratch))
    print(f"report exit {code} in {seconds:.1f} s; peak of the largest process {single:.2f} GB; "
          f"load average after {load_average()}", flush=True)
    if code != 0:
        print(tail, flush=True)
    what = f"retention report on {args.rows:,} Parquet lines (DuckDB), peak RSS of the process tree"
    ok = report("report_big", what, tree / RSS_TARGET_GB, 1.0, anchor=f"the {RSS_TARGET_GB:g} GB target",
                figure=f"{tree:.2f} GB in {seconds:.1f} s" + ("" if code == 0 else f", report FAILED (exit {code})"))
    return 0 if ok and code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
