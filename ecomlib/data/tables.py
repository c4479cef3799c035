"""``load_table``: any canonical table other than transactions, mapped, parsed and checked.

Each column is parsed according to its schema kind (:mod:`ecomlib.data.schemas`): text
and identifiers, dates, whole numbers, money and shares, flags. The quality report counts:

=====================================  =============================================
check                                  action
=====================================  =============================================
repeated header rows                   dropped
missing or unparseable <column>        dropped, for a required column; >5 % of dates raises
unparseable <column>                   kept as missing, for an optional column
dates outside the plausible range      dropped, for a required date (before 1990-01-01 or more
                                       than a year from today, :func:`~ecomlib.data.parsing.
                                       implausible_dates`)
<column> outside the plausible range   kept as missing, for an optional date
dates outside the requested range      dropped (``start`` / ``end`` on the table's date)
exact duplicates                       dropped
=====================================  =============================================

Numbers and dates are read as in :func:`~ecomlib.data.load_transactions`: the decimal
mark and the day/month order are decided per column (``decimal`` / ``dayfirst`` override)
and the report's notes say which was used.

Values outside what the schema allows (a likelihood of 7, a step called ``basket``) raise
:class:`~ecomlib.errors.DataError` with examples.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ecomlib.data.columns import load_mapping, missing_columns_error, plan_renames
from ecomlib.data.parsing import (
    implausible_dates,
    outside_range,
    parse_bools,
    parse_dates,
    parse_ids,
    parse_numbers,
    plausible_bounds,
)
from ecomlib.data.quality import CheckLog, QualityReport
from ecomlib.data.schemas import TableSchema, get_schema
from ecomlib.data.sources import read_source
from ecomlib.errors import DataError

__all__ = ["load_table", "DATE_COLUMN"]

MAX_BAD_SHARE = 0.05

# the column ``start`` / ``end`` filter on, per table
DATE_COLUMN = {"sessions": "date", "marketing_spend": "date", "touchpoints": "timestamp",
               "kpis_daily": "date", "customers": "signup_date", "transactions": "order_date"}


def _parse(s: pd.Series, kind: str, column: str, read: dict[str, Any],
           notes: list[str]) -> tuple[pd.Series, np.ndarray]:
    """Parse one column by kind; return values and the mask of present-but-unreadable entries."""
    if kind == "str":
        return parse_ids(s), np.zeros(len(s), dtype=bool)
    if kind == "datetime":
        values, bad = parse_dates(s, dayfirst=read.get("dayfirst"), column=column, notes=notes)
    elif kind == "bool":
        values, bad = parse_bools(s)
    else:
        values, bad = parse_numbers(s, read.get("decimal"), column=column, notes=notes)
        if kind == "int":
            bad = bad | (values.notna() & (values != np.round(values)))
    return values, bad.to_numpy()


def load_table(source: Any, table: str, *, columns: Any = None, encoding: str | None = None,
               sheet: Any = None, start: Any = None, end: Any = None,
               preset: str | None = None, decimal: str | None = None,
               dayfirst: bool | None = None) -> tuple[pd.DataFrame, QualityReport]:
    """Load one canonical table (products, customers, sessions, ...) from a file or DataFrame.

    Parameters
    ----------
    source : str, path or DataFrame
        CSV/TSV (optionally ``.gz``), ``.zip`` with one file, Parquet, Excel or a DataFrame
        (never modified).
    table : str
        One of :data:`ecomlib.data.schemas.TABLES`. ``"transactions"`` is passed on to
        :func:`~ecomlib.data.load_transactions`.
    columns : dict or path, optional
        ``{"file column": "canonical column"}``, or a YAML/JSON file holding it.
    encoding, sheet : optional
        As in :func:`~ecomlib.data.load_transactions`.
    start, end : date-like, optional
        Keep rows whose date (:data:`DATE_COLUMN`) is within these inclusive days.
    preset : str, optional
        Only for ``table="transactions"``.
    decimal : {".", ","}, optional
        Decimal mark of every number column; by default decided per column.
    dayfirst : bool, optional
        Order of dates such as ``01/03/2024``; by default decided per column.

    Returns
    -------
    table : DataFrame
        The schema's columns that are present, required first, with their canonical dtypes,
        then any other columns of the source as read (``kpis_daily``: KPI columns held as
        text are parsed as numbers).
    report : QualityReport

    Examples
    --------
    >>> products, report = load_table("products.csv", table="products")  # doctest: +SKIP
    """
    schema = get_schema(table)
    if table == "transactions":
        from ecomlib.data.transactions import load_transactions

        return load_transactions(source, preset=preset, columns=columns, encoding=encoding,
                                 sheet=sheet, start=start, end=end, decimal=decimal, dayfirst=dayfirst)
    mapping = load_mapping(columns)

    def text_columns(header: list[str]) -> list[str]:
        renames = plan_renames(header, schema, mapping)
        # dates as text too: pyarrow would turn 01:30+08:00 into 17:30 UTC, losing the local time
        return [c for c, v in renames.items() if schema[v].kind in ("str", "datetime")]

    raw = read_source(source, encoding=encoding, sheet=sheet, text_columns=text_columns)
    found = [str(c) for c in raw.frame.columns]
    renames = plan_renames(found, schema, mapping)
    missing = [c for c in schema.required if c not in renames.values()]
    if missing:
        raise missing_columns_error(missing, schema.required, found, table, raw.origin, source=raw)
    extra = [c for c in found if c not in renames and c not in schema]
    frame = raw.frame[list(renames) + extra].set_axis(list(renames.values()) + extra, axis=1)
    if len(frame) == 0:
        raise DataError(f"{raw.origin} has a header but no data rows.", fix="Export the data again with rows.")
    notes = list(raw.notes)
    moved = {k: v for k, v in renames.items() if k != v}
    if moved:
        notes.append("columns: " + ", ".join(f"{k} -> {v}" for k, v in moved.items()))
    return _clean(frame.reset_index(drop=True), schema, renames, extra, raw.origin, raw.encoding,
                  notes, start, end, {"decimal": decimal, "dayfirst": dayfirst})


def _clean(frame: pd.DataFrame, schema: TableSchema, renames: dict[str, str], extra: list[str],
           origin: str, encoding: str | None, notes: list[str], start: Any,
           end: Any, read: dict[str, Any]) -> tuple[pd.DataFrame, QualityReport]:
    n = len(frame)
    checks = CheckLog(n, np.zeros(n))
    header = np.zeros(n, dtype=bool)
    for file_col, col in renames.items():
        if not (pd.api.types.is_numeric_dtype(frame[col]) or pd.api.types.is_datetime64_dtype(frame[col])):
            header |= (frame[col].astype("str") == str(file_col)).to_numpy()
    checks.drop("repeated header rows", header)
    out = {}
    lo, hi = plausible_bounds()
    implausible_rows = None  # over the required date columns: one check line for all of them
    for col in frame.columns:
        spec = schema[col] if col in schema else None
        if spec is None and (schema.name != "kpis_daily" or pd.api.types.is_numeric_dtype(frame[col])):
            out[col] = frame[col]  # a column the schema does not know, or a numeric KPI: kept as read
            continue
        kind = spec.kind if spec else "float"
        values, bad = _parse(frame[col] if checks.keep.all() else frame[col].where(checks.keep), kind, col,
                             read, notes)
        absent = values.isna().to_numpy() & checks.keep
        if kind == "datetime":
            implausible = implausible_dates(values, lo, hi) & checks.keep
            values = values.where(~implausible)
        if spec is not None and spec.required and not spec.nullable:
            if kind == "datetime" and (absent | bad).mean() > MAX_BAD_SHARE:
                examples = frame.loc[bad, col].astype("str").unique()[:5].tolist()
                raise DataError(
                    f"{origin}: {int((absent | bad).sum()):,} of {n:,} values of {col!r} are missing or "
                    f"not dates (more than {MAX_BAD_SHARE:.0%}). Examples: {examples}.",
                    fix=f"Check that {col!r} maps to the right column; dates look like 2024-06-18.",
                )
            checks.drop(f"missing or unparseable {col}", absent | bad)
            if kind == "datetime":
                implausible_rows = implausible if implausible_rows is None else implausible_rows | implausible
        else:
            if bad.any():
                checks.flag(f"unparseable {col}", bad, "kept as missing")
            if kind == "datetime" and implausible.any():
                checks.flag(f"{col} outside the plausible range", implausible,
                            f"kept as missing (before {lo:%Y-%m-%d} or after {hi:%Y-%m-%d})")
        out[col] = values
    if implausible_rows is not None:
        checks.drop("dates outside the plausible range", implausible_rows,
                    f"dropped (before {lo:%Y-%m-%d} or after {hi:%Y-%m-%d})")
    clean = pd.DataFrame(out)
    date_col = DATE_COLUMN.get(schema.name)
    if (start is not None or end is not None) and date_col in clean:
        checks.drop("dates outside the requested range", outside_range(clean[date_col], start, end))
    keep_idx = np.flatnonzero(checks.keep)
    dup = np.zeros(n, dtype=bool)
    dup[keep_idx] = clean.iloc[keep_idx].duplicated().to_numpy()
    checks.drop("exact duplicates", dup)
    result = clean.loc[checks.keep].reset_index(drop=True)
    for col in result.columns:
        if col in schema and schema[col].kind == "int" and not result[col].isna().any():
            result[col] = result[col].astype("int64")
    order = [c for c in schema.names if c in result.columns] + extra
    result = result[order]
    if result.empty:
        raise DataError(f"{origin}: none of the {n:,} rows survived cleaning.",
                        fix="Look at the counts in the quality report.")
    schema.validate(result, param=origin)
    report = QualityReport(schema.name, origin, n, len(result), tuple(checks.items), tuple(notes),
                           0.0, encoding)
    return result, report


