"""Run a chapter report and log the notebook kernel's memory cell by cell (issue 17).

``tree_rss.py`` gives the peak of the whole process tree; this says which cell makes it. The
report is run as usual (``python -m ecomlib report CHAPTER ...`` under ``tree_rss.py``); its
kernel gets an IPython startup file (through a temporary ``IPYTHONDIR``) that, around every
cell, resets the kernel's peak resident memory (``/proc/self/clear_refs``), then reads it back
(``VmHWM``) with the resident memory at the cell's end (``VmRSS``) and, when the notebook's
``tx`` is a DuckDB table, the memory DuckDB says it holds (``duckdb_memory()``). Linux only.

Run: ``python benchmarks/cell_rss.py retention --data big.parquet --engine duckdb --time-limit 3000``
(every argument after the chapter goes to ``ecomlib report``). Prints one line per code cell
(number, seconds, peak and end RSS in MB, DuckDB MB, first line of the cell), then the tree's
``TREE`` line. The log is also left in ``--log`` (default: a temporary file).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

_STARTUP = r'''
def _ecomlib_cell_rss():
    import os
    import re
    import time

    log = os.environ["ECOMLIB_CELL_RSS_LOG"]
    ip = get_ipython()  # noqa: F821 - IPython's startup namespace
    state = {"n": 0, "t": 0.0, "first": ""}

    def status():
        text = open("/proc/self/status").read()
        return {k: int(re.search(k + r":\s+(\d+)", text).group(1)) / 1024 for k in ("VmHWM", "VmRSS")}

    def duckdb_mb():
        tx = ip.user_ns.get("tx")
        try:
            cursor = tx._find_backend().con.cursor()  # its own connection: the notebook's is left alone
        except Exception:  # not an ibis table on DuckDB
            return float("nan")
        try:
            used = cursor.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchall()[0][0]
            return (used or 0) / 1024**2
        finally:
            cursor.close()

    def before(info):
        lines = [s for s in (info.raw_cell or "").splitlines() if s.strip() and not s.lstrip().startswith("#")]
        state["first"] = (lines[0] if lines else "").strip()[:70]
        state["n"] += 1
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        state["t"] = time.perf_counter()

    def after(result):
        seconds = time.perf_counter() - state["t"]
        mem = status()
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{state['n']}\t{seconds:.1f}\t{mem['VmHWM']:.0f}\t{mem['VmRSS']:.0f}\t"
                         f"{duckdb_mb():.0f}\t{state['first']}\n")

    ip.events.register("pre_run_cell", before)
    ip.events.register("post_run_cell", after)


_ecomlib_cell_rss()
del _ecomlib_cell_rss
'''


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapter")
    parser.add_argument("--log", type=Path, default=None, help="where the per-cell log goes")
    args, rest = parser.parse_known_args()
    with tempfile.TemporaryDirectory(prefix="ecomlib-cell-rss-") as scratch:
        ipython_dir = Path(scratch) / "ipython"
        startup = ipython_dir / "profile_default" / "startup"
        startup.mkdir(parents=True)
        (startup / "00-cell-rss.py").write_text(_STARTUP, encoding="utf-8")
        log = args.log or Path(scratch) / "cells.tsv"
        log.write_text("", encoding="utf-8")
        env = dict(os.environ, IPYTHONDIR=str(ipython_dir), ECOMLIB_CELL_RSS_LOG=str(log))
        if "--out" not in rest:
            rest += ["--out", str(Path(scratch) / "report")]
        command = [sys.executable, str(HERE / "tree_rss.py"), sys.executable, "-m", "ecomlib", "report",
                   args.chapter, *rest]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        print(f"{'cell':>4} {'s':>7} {'peak MB':>8} {'end MB':>7} {'duck MB':>8}  first line")
        for row in log.read_text(encoding="utf-8").splitlines():
            n, seconds, peak, end, duck, first = row.split("\t", 5)
            print(f"{n:>4} {seconds:>7} {peak:>8} {end:>7} {duck:>8}  {first}")
        tail = [s for s in done.stderr.splitlines() if s.startswith("TREE")]
        print(tail[-1] if tail else done.stderr[-2000:])
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
