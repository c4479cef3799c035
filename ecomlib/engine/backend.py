"""Routing a call to pandas or to ibis, and handing a pandas frame to DuckDB without copying it.

A public aggregation accepts a pandas DataFrame or an ibis Table:

* an ibis Table runs on its own backend (DuckDB, PostgreSQL, BigQuery, ...); only the
  aggregate comes back to pandas;
* a DataFrame runs on the engine :func:`~ecomlib.engine.config.choose_engine` picks for its
  length; for DuckDB the needed columns are exposed as an Arrow table (zero-copy for
  numbers, timestamps and pandas 3's Arrow-backed strings) to an in-memory DuckDB.

ibis is imported only when it is used, so ``import ecomlib`` stays fast.
"""

from __future__ import annotations

import contextlib
import itertools
import sys
from collections.abc import Iterable, Iterator

import pandas as pd

from ecomlib.engine.config import choose_engine
from ecomlib.engine.rules import is_ibis
from ecomlib.errors import SchemaError
from ecomlib.validation import check_columns

__all__ = ["route", "as_table", "fetch", "check_table", "numeric_column"]

_names = itertools.count()
_connection = None


def route(data, engine: str | None = None) -> str:
    """``"ibis"`` for an ibis Table or a large frame (DuckDB), ``"pandas"`` otherwise."""
    if is_ibis(data):
        return "ibis"
    if not isinstance(data, pd.DataFrame):
        return "pandas"  # the pandas path raises the usual clear error
    return "pandas" if choose_engine(len(data), engine) == "pandas" else "ibis"


def _duckdb():
    """The process's in-memory DuckDB connection through ibis (created on first use)."""
    global _connection
    if _connection is None:
        import ibis

        from ecomlib.engine.config import DUCKDB_MEMORY_LIMIT

        _connection = ibis.duckdb.connect()
        _connection.con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    return _connection


@contextlib.contextmanager
def as_table(data, columns: Iterable[str]) -> Iterator:
    """An ibis Table over ``data``: the Table itself, or a DataFrame's ``columns`` in DuckDB."""
    if is_ibis(data):
        yield data
        return
    import pyarrow as pa

    present = [c for c in dict.fromkeys(columns) if c in data.columns]
    arrow = pa.Table.from_pandas(data[present], preserve_index=False)
    con = _duckdb()
    name = f"_ecomlib_frame_{next(_names)}"
    con.con.register(name, arrow)
    try:
        yield con.table(name)
    finally:
        con.con.unregister(name)


def fetch(expr) -> pd.DataFrame:
    """Run an ibis expression and return the (aggregate-sized) result as a pandas DataFrame.

    A step that takes long is reported by :mod:`ecomlib.engine.progress` (when enabled), named
    after the engine function that asked for it.
    """
    from ecomlib.engine import progress

    if not progress.enabled():
        return expr.to_pyarrow().to_pandas()
    label = sys._getframe(1).f_code.co_name.lstrip("_")
    try:
        backend = expr._find_backend().name
    except Exception:  # noqa: BLE001 - the name is only for the progress line
        backend = ""
    with progress.step(label, backend) as facts:
        out = expr.to_pyarrow().to_pandas()
        facts["rows"] = len(out)
    return out


def check_table(table, required: Iterable[str], date_cols: Iterable[str] = (), param: str = "transactions"):
    """Check an ibis Table's columns as the pandas boundary checks a frame's."""
    check_columns(table, list(required), param)
    schema = table.schema()
    for col in date_cols:
        if not (schema[col].is_timestamp() or schema[col].is_date()):
            raise SchemaError(
                f"`{param}` column {col!r} must hold timestamps, but its type is {schema[col]}.",
                fix="Cast the column to a timestamp in the database or in a view.",
            )


def numeric_column(table, name: str) -> bool:
    """Whether ``name`` is a numeric (not boolean) column of an ibis Table."""
    if name not in table.columns:
        return False
    dtype = table.schema()[name]
    return dtype.is_numeric() and not dtype.is_boolean()
