"""Run a command and report the peak resident memory of its whole process tree (issue 17).

``ecomlib report`` starts papermill, which starts a notebook kernel: the peak of one process
(``/usr/bin/time -v``, ``getrusage``) misses the others. This samples the summed RSS of the
command and all its descendants (psutil) every 0.5 s and prints, on stderr, the exit status,
wall seconds, the peak of the sum and the peak of the largest single process.

Run: ``python benchmarks/tree_rss.py ecomlib report retention --data big.parquet --out /tmp/r``.
Measured 2026-12-07 (2 shared cores, load 3-8): the retention report on 10M generated lines
(``bench_engine_big.py``'s Parquet, ``--rows 10000000``) ran 284.6 s, tree peak 7.49 GB,
kernel 7.23 GB.
"""

from __future__ import annotations

import subprocess
import sys
import time

import psutil


def main(argv: list[str]) -> int:
    start = time.perf_counter()
    proc = subprocess.Popen(argv)
    root = psutil.Process(proc.pid)
    peak = peak_single = 0
    while proc.poll() is None:
        try:
            rss = [p.memory_info().rss for p in [root, *root.children(recursive=True)] if p.is_running()]
            peak, peak_single = max(peak, sum(rss)), max(peak_single, max(rss))
        except psutil.Error:  # a process ended between the listing and the reading
            pass
        time.sleep(0.5)
    print(f"TREE exit={proc.returncode} seconds={time.perf_counter() - start:.1f} "
          f"peak_tree_GB={peak / 1024**3:.2f} peak_single_GB={peak_single / 1024**3:.2f}", file=sys.stderr)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
