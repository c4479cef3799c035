"""The engine setting: which engine runs the heavy aggregations (``pandas``, ``duckdb`` or ``auto``)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from ecomlib.errors import ParameterError

__all__ = ["AUTO_DUCKDB_ROWS", "DUCKDB_MEMORY_LIMIT", "ENGINES", "ENGINE_VARIABLE", "choose_engine", "engine_option", "export_engine",
           "get_engine", "set_engine"]

#: The engines a user may name; ``auto`` picks one by size (:func:`choose_engine`).
ENGINES = ("auto", "pandas", "duckdb")

#: ``auto`` switches from pandas to DuckDB at this many input rows (order lines, sessions, ...).
#:
#: Measured on the 2-core CI machine (shared, load average 2-3), ``rfm_summary`` and
#: ``cohort_table`` on in-memory frames of generated lines (``benchmarks/bench_retention.py``'s
#: lines; best of 3; seconds pandas / DuckDB; ranges over 2-3 runs):
#:
#: - 100,000 lines: rfm 0.009 / 0.026-0.032, cohorts 0.009 / 0.036-0.045; peak 13 / 21 MiB;
#: - 1,000,000 lines: rfm 0.12-0.13 / 0.14-0.25, cohorts 0.12 / 0.12; peak 92 / 96 MiB;
#: - 5,000,000 lines: rfm 0.72-0.97 / 0.79-1.39, cohorts 0.57-0.82 / 0.61-1.06; peak 589 / 525 MiB;
#: - 10,000,000 lines: rfm 3.4-4.0 / 2.6-4.9, cohorts 2.05 / 2.4-2.6; peak 1180 / 1171 MiB;
#: - 20,000,000 lines: rfm 6.4 / 7.6, cohorts 5.3 / 3.1; peak 2365 / 2552 MiB
#:   (peak: resident memory above the frame, pandas / DuckDB).
#:
#: The pandas path (numpy codes and bincounts) is faster on small frames and as fast up to
#: about 5M lines; from 10M lines on the two are within the machine's noise of each other,
#: with the same peak memory. So ``auto`` keeps frames below 10M lines in pandas and hands
#: larger ones to DuckDB, which then also runs them in bounded memory when they come from a
#: file or a database rather than a frame (where DuckDB's gain is real: the frame is never
#: built). An ibis Table always runs on its own backend, whatever this setting says.
AUTO_DUCKDB_ROWS = 10_000_000

#: Memory an engine's DuckDB connection may use (``SET memory_limit``); beyond it DuckDB spills
#: its group-bys and sorts to a temporary folder. With this limit the 50M-line benchmark
#: (``benchmarks/bench_engine_big.py``) stays within its 4 GB for the whole process.
DUCKDB_MEMORY_LIMIT = "2GB"

#: Environment variable that gives the setting a process starts with (``ecomlib report --engine``
#: sets it, so that the notebook kernel it starts uses the same engine).
ENGINE_VARIABLE = "ECOMLIB_ENGINE"

_current = os.environ.get(ENGINE_VARIABLE, "").strip().lower() or "auto"


def _checked(name: str) -> str:
    if name not in ENGINES:
        where = f" (environment variable {ENGINE_VARIABLE})" if name == os.environ.get(ENGINE_VARIABLE) else ""
        raise ParameterError(
            f"unknown engine {name!r}{where}", fix=f"use one of {', '.join(ENGINES)}"
        )
    return name


def get_engine() -> str:
    """Return the engine setting now in force (``"auto"`` unless changed or set by ``ECOMLIB_ENGINE``)."""
    return _checked(_current)


def set_engine(name: str) -> str:
    """Set the engine for later calls; return the previous setting."""
    global _current
    previous, _current = _current, _checked(name)
    return previous


def export_engine(name: str) -> str:
    """:func:`set_engine`, and pass the setting on to child processes (notebook kernels)."""
    previous = set_engine(name)
    os.environ[ENGINE_VARIABLE] = name
    return previous


@contextlib.contextmanager
def engine_option(name: str) -> Iterator[str]:
    """Use engine ``name`` inside a ``with`` block, then restore the previous setting."""
    previous = set_engine(name)
    try:
        yield name
    finally:
        set_engine(previous)


def choose_engine(n_rows: int, engine: str | None = None) -> str:
    """The concrete engine (``"pandas"`` or ``"duckdb"``) for an input of ``n_rows`` rows.

    Parameters
    ----------
    n_rows : int
        Rows of the input the aggregation reads (order lines, sessions, touchpoints).
    engine : str, optional
        ``"auto"``, ``"pandas"`` or ``"duckdb"``; default: the current setting (:func:`get_engine`).
    """
    name = _checked(engine or _current)
    if name == "auto":
        return "duckdb" if n_rows >= AUTO_DUCKDB_ROWS else "pandas"
    return name
