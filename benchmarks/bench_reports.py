"""Benchmark: chapter reports against the papermill floor, both measured in this run (issue 16).

The floor is a notebook that only imports what every chapter's stack imports (pandas,
seaborn, statsmodels, matplotlib) after the same parameters cell, run through the same
report runner (papermill kernel start, execution, HTML export, run record). Floors and
chapters alternate (floor, chapter, floor, chapter ...), and each chapter is divided by the
mean of the floors on either side of it, so a change of load during the run touches both.

Targets:

* each chapter report at most 2x the floor;
* ``ecomlib report all`` (``run_all``, ``--jobs 1``) at most 1.6x the sum of the floors
  (one floor per chapter).

Run: ``python benchmarks/bench_reports.py [--chapters basics market ...] [--no-all]``.
Reports go to ``benchmarks/output/reports/``. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import load_average, output_dir, report  # noqa: E402

CHAPTER_TARGET = 2.0
ALL_TARGET = 1.6

FLOOR_PARAMETERS = """data: str = ""  # empty = bundled sample shop
preset: str = ""  # export format
start: str = ""  # first day
end: str = ""  # last day
"""
FLOOR_IMPORTS = ("import matplotlib.pyplot as plt\nimport pandas as pd\nimport seaborn as sns\n"
                 "import statsmodels.api as sm")


def floor_notebook(folder: Path) -> Path:
    """Write the floor notebook: a parameters cell, then the imports."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.cells = [new_code_cell(FLOOR_PARAMETERS, metadata={"tags": ["parameters"]}),
                new_code_cell(FLOOR_IMPORTS)]
    path = folder / "floor.ipynb"
    nbformat.write(nb, path)
    return path


def _timed(run, *args, **kwargs):
    t0 = time.perf_counter()
    result = run(*args, **kwargs)
    return result, time.perf_counter() - t0


def main() -> int:
    from ecomlib.reports.chapters import CHAPTERS, chapter_notebook
    from ecomlib.reports.runner import run_all, run_report

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", nargs="+", default=list(CHAPTERS), choices=list(CHAPTERS))
    parser.add_argument("--no-all", action="store_true", help="skip the `all` run")
    args = parser.parse_args()
    chapters = [c for c in args.chapters if chapter_notebook(c).exists()]
    out = output_dir("reports")
    shutil.rmtree(out)
    out.mkdir()
    floor_nb = floor_notebook(out)
    print(f"load average {load_average()}", flush=True)

    def floor() -> float:
        rec, seconds = _timed(run_report, "basics", None, out / "floor", notebook=floor_nb)
        if not rec.ok:
            raise RuntimeError(f"the floor notebook failed: {rec.message()}")
        return seconds

    floors = [floor()]
    results = []
    for chapter in chapters:
        rec, seconds = _timed(run_report, chapter, None, out / "chapters")
        floors.append(floor())
        anchor = (floors[-2] + floors[-1]) / 2
        if not rec.ok:
            print(f"{chapter}: FAILED {rec.message()}", flush=True)
            results.append(False)
            continue
        results.append(report("reports", f"report {chapter}", seconds / anchor, CHAPTER_TARGET,
                              anchor="floor", figure=f"{seconds:.1f} s vs floor {anchor:.1f} s"))
    if not args.no_all and set(chapters) == set(CHAPTERS):
        records, seconds = _timed(run_all, None, out / "all", jobs=1)
        floors.append(floor())
        floor_sum = len(chapters) * sum(floors) / len(floors)
        ok = all(r.ok for r in records)
        results.append(ok and report("reports", "report all (--jobs 1)", seconds / floor_sum, ALL_TARGET,
                                     anchor="sum of floors",
                                     figure=f"{seconds:.1f} s vs {floor_sum:.1f} s ({len(chapters)} floors)"))
    print(f"floors measured: {[round(f, 1) for f in floors]} s; load average {load_average()}", flush=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
