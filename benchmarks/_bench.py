"""Shared pieces of the benchmarks: where inputs go, how a result is printed, child runs.

Every benchmark states its figure as a **ratio to an anchor measured in the same run** (a bare
``pandas.read_csv``, ``python -c pass``, the papermill floor notebook ...), so a busy machine
slows figure and anchor alike and the verdict does not depend on the load. Each result is
printed once as a readable line and once as a machine line (``BENCH {json}``) that
``benchmarks/run.py`` (``make bench``) collects into the summary table.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

#: Generated inputs and scratch outputs (git-ignored; ``make clean`` removes it).
OUTPUT = Path(__file__).resolve().parent / "output"


def output_dir(*parts: str) -> Path:
    """``benchmarks/output/<parts>``, created."""
    folder = OUTPUT.joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages, as text (for the record)."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:  # pragma: no cover - not on Linux/macOS
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def best_of(func, repeats: int = 3) -> float:
    """Smallest wall time of ``repeats`` calls of ``func()``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def report(benchmark: str, what: str, ratio: float, target: float, *, anchor: str, figure: str = "") -> bool:
    """Print one result (ratio to its anchor, and its target); return whether it is met."""
    ok = bool(ratio <= target)
    detail = f"  [{figure}]" if figure else ""
    print(f"{what}: {ratio:.2f}x {anchor} (target <= {target:g}x)  {'ok' if ok else 'MISSED'}{detail}", flush=True)
    line = {"benchmark": benchmark, "what": what, "ratio": round(ratio, 3), "target": target,
            "anchor": anchor, "figure": figure, "ok": ok}
    print("BENCH " + json.dumps(line, ensure_ascii=False), flush=True)
    return ok


def run_child(script: str, *args: str, env: dict[str, str] | None = None) -> dict:
    """Run ``python script args`` in a fresh process; return the JSON its last line prints."""
    done = subprocess.run([sys.executable, script, *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    if done.returncode != 0:
        raise RuntimeError(f"{Path(script).name} {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory(field: str) -> int:
    """Resident (``VmRSS``) or peak resident (``VmHWM``) memory of this process, in bytes (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status; memory is measured on Linux only")


def duckdb_copy_once(path: Path, copy: str, tables: dict | None = None) -> float:
    """Write ``path`` with DuckDB's ``copy`` statement unless the file is there already; return
    the seconds it took (0 when reused).

    ``copy`` is a ``COPY (...) TO '{path}' ...`` statement; it writes to ``path`` + ``.partial``,
    renamed at the end, so an interrupted run leaves no half-written input for the next one.
    ``tables`` (name -> DataFrame) are registered for the statement to read by name.
    """
    import duckdb

    if path.exists():
        return 0.0
    path.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    partial = path.with_suffix(".partial")
    con = duckdb.connect()
    con.execute("SET memory_limit = '2GB'")
    con.execute("SET enable_progress_bar = false")
    for name, frame in (tables or {}).items():
        con.register(name, frame)
    con.execute(copy.format(path=partial))
    con.close()
    partial.rename(path)
    return time.perf_counter() - start
