"""Run every benchmark (``make bench``) and print one summary table at the end.

Each ``benchmarks/bench_*.py`` runs in its own process, one after another; its output is
shown as it comes. A benchmark that fails or misses a target does not stop the others. The
results each benchmark prints as ``BENCH {json}`` lines (see ``_bench.report``) become the
rows of the summary; a benchmark that prints none is listed by its exit status. Exit status
1 when any target is missed or any benchmark fails.

Run: ``python benchmarks/run.py [NAME ...]`` (e.g. ``load startup``; default all).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _bench import load_average  # noqa: E402


def run_one(script: Path) -> tuple[int, list[dict], float]:
    """Run one benchmark script, echoing its output; return exit code, results, seconds."""
    t0 = time.perf_counter()
    results = []
    with subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, bufsize=1) as proc:
        for line in proc.stdout:
            if line.startswith("BENCH "):
                try:
                    results.append(json.loads(line[6:]))
                except json.JSONDecodeError:
                    print(line, end="")
                continue
            print("   " + line, end="", flush=True)
    return proc.returncode, results, time.perf_counter() - t0


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in argv]
    print(f"load average at start {load_average()}", flush=True)
    rows, failed = [], False
    for script in scripts:
        print(f"== {script.name}", flush=True)
        code, results, seconds = run_one(script)
        if not results:
            rows.append({"benchmark": script.stem.removeprefix("bench_"), "what": "(whole script: absolute targets)",
                         "ratio": None, "target": None, "anchor": "", "ok": code == 0})
        rows.extend(results)
        if code != 0 and all(r["ok"] for r in results):
            rows.append({"benchmark": script.stem.removeprefix("bench_"), "what": f"script exited {code}",
                         "ratio": None, "target": None, "anchor": "", "ok": False})
        failed |= code != 0
        print(f"   ({seconds:.0f} s, exit {code})", flush=True)
    print(f"\nSummary (load average at end {load_average()})")
    print(f"{'benchmark':<10} {'what':<48} {'ratio':>8} {'target':>8}  {'anchor':<16} ok")
    for r in rows:
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.2f}x"
        target = "-" if r["target"] is None else f"<={r['target']:g}x"
        print(f"{r['benchmark']:<10} {r['what'][:48]:<48} {ratio:>8} {target:>8}  {r['anchor'][:16]:<16} "
              f"{'yes' if r['ok'] else 'NO'}")
    missed = sum(not r["ok"] for r in rows)
    print(f"{len(rows) - missed} of {len(rows)} met")
    return 1 if failed or missed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
