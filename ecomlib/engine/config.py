"""The engine setting: which engine runs the heavy aggregations (``pandas``, ``duckdb`` or ``auto``)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from ecomlib.errors import ParameterError

__all__ = ["AUTO_DUCKDB_ROWS", "ENGINES", "ENGINE_VARIABLE", "choose_engine", "engine_option", "export_engine",
           "get_engine", "set_engine"]

#: The engines a user may name; ``auto`` picks one by size (:func:`choose_engine`).
ENGINES = ("auto", "pandas", "duckdb")

#: ``auto`` switches from pandas to DuckDB at this many input rows (order lines, sessions, ...).
AUTO_DUCKDB_ROWS = 2_000_000

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
