"""Run chapter reports over the degraded-exports matrix and print what happened.

The test ``test_degraded_exports.py`` asserts the same runs; this script is for people:

    .venv/bin/python tests/notebooks/degraded_matrix.py OUT [chapter ...] [--kinds=a,b] [--jobs=2]

It writes the exports to ``OUT/exports`` (from the bundled sample shop, see
:mod:`ecomlib.datasets.degraded`), runs every chapter on every kind (and on the bundled
Online Retail with ``--real``), and prints one line per run (status, seconds, sections
ran / substitute / skipped) and the totals.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ecomlib.datasets.degraded import write_degraded_exports
from ecomlib.reports.chapters import CHAPTERS
from ecomlib.reports.coverage import coverage_counts
from ecomlib.reports.runner import run_report


def export_params(export: dict) -> dict:
    """The report parameters for one export of the matrix."""
    params = {"data": export["data"]}
    if export.get("columns"):
        params["columns"] = export["columns"]
    return params


def main(argv: list[str]) -> int:
    options = dict(a[2:].split("=", 1) for a in argv if a.startswith("--") and "=" in a)
    args = [a for a in argv if not a.startswith("--")]
    out = Path(args[0])
    chapters = args[1:] or list(CHAPTERS)
    exports = write_degraded_exports(out / "exports")
    kinds = options["kinds"].split(",") if "kinds" in options else list(exports)
    jobs = [(c, k, export_params(exports[k])) for c in chapters for k in kinds]
    if "--real" in argv:
        jobs += [(c, "online_retail", {"data": "online_retail"}) for c in chapters]

    def one(job):
        chapter, kind, params = job
        t0 = time.perf_counter()
        rec = run_report(chapter, params, out / "reports" / kind)
        return chapter, kind, rec, time.perf_counter() - t0

    with ThreadPoolExecutor(int(options.get("jobs", 2))) as pool:
        results = list(pool.map(one, jobs))
    for chapter, kind, rec, seconds in results:
        c = coverage_counts(rec.coverage)
        print(f"{chapter:10} {kind:18} {'ok    ' if rec.ok else 'FAILED'} {seconds:6.1f} s  "
              f"ran {c['ran']:2} substitute {c['substitute']:2} skipped {c['skipped']:2}"
              + ("" if rec.ok else f"  {rec.message()[:300]}"))
    print(f"{sum(r[2].ok for r in results)} of {len(results)} chapter runs succeeded")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
