"""Time of `ecomlib report all` against the floor of the report runner (issue 3, section 6).

The floor is the time to run an empty parameterised notebook (a parameters cell, then the
imports every chapter makes) through the same runner, once per available chapter: kernel
start, imports, export and run record. A chapter's own compute is its report time minus
the mean floor.

Targets: each chapter's compute at most 10 s on the sample shop; the whole `all` run at
most 2 x the floor plus the chapters' compute.

Run: .venv/bin/python benchmarks/bench_reports.py [--jobs N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from ecomlib.reports.chapters import CHAPTERS, chapter_notebook
from ecomlib.reports.runner import run_all, run_report

COMPUTE_TARGET_S = 10.0

FLOOR_PARAMETERS = """data: str = ""  # empty = bundled sample shop
preset: str = ""  # export format
start: str = ""  # first day
end: str = ""  # last day
"""
FLOOR_IMPORTS = "import matplotlib.pyplot as plt\nimport pandas as pd\n\nfrom ecomlib import reports"


def floor_notebook(folder: Path) -> Path:
    """Write the empty parameterised notebook used for the floor."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.cells = [
        new_code_cell(FLOOR_PARAMETERS, metadata={"tags": ["parameters"]}),
        new_code_cell(FLOOR_IMPORTS),
    ]
    path = folder / "floor.ipynb"
    nbformat.write(nb, path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1, help="chapters at once for `all` (default 1)")
    args = parser.parse_args()
    available = [c for c in CHAPTERS if chapter_notebook(c).exists()]
    if not available:
        print("no chapter notebook exists yet; nothing to measure")
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        tmp = Path(tmp)
        floor_nb = floor_notebook(tmp)
        floors = {}
        for chapter in available:
            t0 = time.perf_counter()
            rec = run_report(chapter, None, tmp / "floor", notebook=floor_nb)
            floors[chapter] = time.perf_counter() - t0
            if not rec.ok:
                print(f"floor notebook failed: {rec.message()}", file=sys.stderr)
                return 1
        t0 = time.perf_counter()
        records = run_all(None, tmp / "all", jobs=args.jobs)
        total = time.perf_counter() - t0

    floor_total = sum(floors.values())
    floor_mean = floor_total / len(floors)
    print(f"report runner benchmark: {len(available)} chapter(s) available, --jobs {args.jobs}")
    print(f"{'chapter':<10} {'status':<10} {'report s':>9} {'floor s':>8} {'compute s':>10} {'target s':>9}  ok")
    compute_total, all_ok = 0.0, True
    for rec in records:
        if rec.status == "not available":
            print(f"{rec.chapter:<10} {'n/a':<10} {'-':>9} {'-':>8} {'-':>10} {COMPUTE_TARGET_S:>9.1f}  -")
            continue
        compute = max(0.0, rec.duration_s - floor_mean)
        compute_total += compute
        ok = rec.ok and compute <= COMPUTE_TARGET_S
        all_ok &= ok
        print(f"{rec.chapter:<10} {rec.status:<10} {rec.duration_s:>9.1f} {floors[rec.chapter]:>8.1f} "
              f"{compute:>10.1f} {COMPUTE_TARGET_S:>9.1f}  {'yes' if ok else 'NO'}")
    target_total = 2 * floor_total + compute_total
    total_ok = total <= target_total
    print(f"{'all':<10} {'':<10} {total:>9.1f} {floor_total:>8.1f} {compute_total:>10.1f} "
          f"{target_total:>9.1f}  {'yes' if total_ok else 'NO'}")
    print("(target for `all`: 2 x floor + compute; floor = empty parameterised notebook per chapter)")
    return 0 if (all_ok and total_ok) else 1


if __name__ == "__main__":
    raise SystemExit(main())
