"""Benchmark: chapter reports against the papermill floor, both measured in this run (issue 16).

The floor is a notebook that only imports what every chapter's stack imports (pandas,
seaborn, statsmodels, matplotlib) after the same parameters cell, run through the same
report runner (papermill kernel start, execution, HTML export, run record). Floors and
chapters alternate (floor, chapter, floor, chapter ...), and each chapter is divided by the
mean of the floors on either side of it, so a change of load during the run touches both.
The whole sequence runs ``--repeats`` times (default 2) and each figure keeps its best
round (smallest ratio), which is what the machine does when it is not busy: on a shared
machine a single floor of a few seconds varies by a factor of two.

Targets:

* each chapter report at most 2x the floor;
* ``ecomlib report all`` (``run_all``, ``--jobs 1``) at most 1.6x the sum of the floors
  (one floor per chapter).

Run: ``python benchmarks/bench_reports.py [--chapters basics market ...] [--no-all] [--repeats N]``.
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
    parser.add_argument("--repeats", type=int, default=2, help="rounds; each figure keeps its best")
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

    best: dict[str, tuple[float, str]] = {}  # what -> (ratio, figure) of its best round
    failed = False
    floors: list[float] = []
    for round_ in range(1, args.repeats + 1):
        first = len(floors)
        floors.append(floor())
        for chapter in chapters:
            rec, seconds = _timed(run_report, chapter, None, out / "chapters")
            floors.append(floor())
            anchor = (floors[-2] + floors[-1]) / 2
            if not rec.ok:
                print(f"{chapter}: FAILED {rec.message()}", flush=True)
                failed = True
                continue
            ratio, figure = seconds / anchor, f"{seconds:.1f} s vs floor {anchor:.1f} s"
            print(f"  round {round_}: report {chapter} {ratio:.2f}x [{figure}]", flush=True)
            if ratio < best.get(f"report {chapter}", (float("inf"), ""))[0]:
                best[f"report {chapter}"] = (ratio, figure)
        if not args.no_all and set(chapters) == set(CHAPTERS):
            records, seconds = _timed(run_all, None, out / "all", jobs=1)
            floors.append(floor())
            this_round = floors[first:]
            floor_sum = len(chapters) * sum(this_round) / len(this_round)  # one floor per chapter
            if not all(r.ok for r in records):
                print(f"report all: FAILED {[r.chapter for r in records if not r.ok]}", flush=True)
                failed = True
                continue
            ratio = seconds / floor_sum
            figure = f"{seconds:.1f} s vs {floor_sum:.1f} s ({len(chapters)} floors)"
            print(f"  round {round_}: report all {ratio:.2f}x [{figure}]", flush=True)
            if ratio < best.get("report all (--jobs 1)", (float("inf"), ""))[0]:
                best["report all (--jobs 1)"] = (ratio, figure)
    results = [report("reports", what, ratio, ALL_TARGET if what.startswith("report all") else CHAPTER_TARGET,
                      anchor="sum of floors" if what.startswith("report all") else "floor", figure=figure)
               for what, (ratio, figure) in best.items()]
    results.append(not failed)
    print(f"floors measured: {[round(f, 1) for f in floors]} s; load average {load_average()}", flush=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
