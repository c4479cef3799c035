"""Argument and table checks used once, at the public boundary of every function.

Messages name the parameter, what is allowed and what was passed (the style of
seaborn's ``_check_argument``).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError, SchemaError

__all__ = [
    "check_argument",
    "check_columns",
    "check_datetime",
    "check_frame",
    "check_numeric",
    "check_probability",
    "check_positive",
    "closest_names",
]


def closest_names(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` names from ``candidates`` that look like ``name`` (case-insensitive)."""
    candidates = [str(c) for c in candidates]
    lowered = {c.lower(): c for c in candidates}
    hits = difflib.get_close_matches(str(name).lower(), list(lowered), n=n, cutoff=0.6)
    return [lowered[h] for h in hits]


def check_argument(param: str, allowed: Sequence[Any], value: Any) -> None:
    """Raise :class:`ParameterError` unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        hint = closest_names(str(value), [str(a) for a in allowed], n=1)
        suggestion = f" Did you mean {hint[0]!r}?" if hint else ""
        raise ParameterError(
            f"`{param}` must be one of {list(allowed)!r}, but {value!r} was passed.{suggestion}"
        )


def check_frame(df: Any, param: str = "data", *, min_rows: int = 1) -> pd.DataFrame:
    """Check that ``df`` is a DataFrame with at least ``min_rows`` rows and return it."""
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(
            f"`{param}` must be a pandas DataFrame, but a {type(df).__name__} was passed.",
            fix="Load your file with ecomlib.data.load_transactions or ecomlib.data.load_table first.",
        )
    if len(df) < min_rows:
        what = "no rows" if len(df) == 0 else f"only {len(df)} row(s)"
        raise DataError(f"`{param}` has {what}; at least {min_rows} needed.")
    return df


def check_columns(df: pd.DataFrame, required: Iterable[str], param: str = "data") -> None:
    """Raise :class:`SchemaError` if any of ``required`` is not a column of ``df``.

    The message lists the missing columns, the columns found and, per missing column,
    the closest match among them.
    """
    required = list(required)
    missing = [c for c in required if c not in df.columns]
    if not missing:
        return
    found = [str(c) for c in df.columns]
    hints = []
    for col in missing:
        close = closest_names(col, found, n=1)
        if close:
            hints.append(f"{col!r} (found {close[0]!r}?)")
    hint_text = f" Closest matches: {', '.join(hints)}." if hints else ""
    raise SchemaError(
        f"`{param}` is missing required column(s) {missing}. Required: {required}; "
        f"found: {found}.{hint_text}",
        fix="Rename the columns, or pass the matching `*_col=` keyword naming your column.",
    )


def check_numeric(df: pd.DataFrame, columns: Iterable[str], param: str = "data") -> None:
    """Raise :class:`SchemaError` if any of ``columns`` is not numeric (bool excluded)."""
    bad = [
        f"{c!r} ({df[c].dtype})"
        for c in columns
        if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c])
    ]
    if bad:
        raise SchemaError(
            f"`{param}` column(s) {', '.join(bad)} must be numeric.",
            fix="Load the data through ecomlib.data, which converts currency strings such as "
            "'¥1,299.00' to numbers, or convert with pandas.to_numeric.",
        )


def check_datetime(df: pd.DataFrame, columns: Iterable[str], param: str = "data") -> None:
    """Raise :class:`SchemaError` if any of ``columns`` does not hold timestamps (``datetime64``,
    with or without a time zone)."""
    bad = [f"{c!r} ({df[c].dtype})" for c in columns if not pd.api.types.is_datetime64_any_dtype(df[c])]
    if bad:
        raise SchemaError(
            f"`{param}` column(s) {', '.join(bad)} must hold timestamps (datetime64).",
            fix="Load the data through ecomlib.data (load_transactions, load_table), which reads "
            "dates such as 2024-06-18 10:30 or 6/18/2024, or convert with pandas.to_datetime.",
        )


def check_probability(param: str, value: float, *, open_interval: bool = True) -> float:
    """Check ``0 < value < 1`` (or ``0 <= value <= 1`` when ``open_interval`` is False)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"`{param}` must be a number, but {value!r} was passed.") from None
    ok = 0 < v < 1 if open_interval else 0 <= v <= 1
    if not ok or not np.isfinite(v):
        bounds = "strictly between 0 and 1" if open_interval else "between 0 and 1"
        raise ParameterError(f"`{param}` must be {bounds}, but {value!r} was passed.")
    return v


def check_positive(param: str, value: float, *, allow_zero: bool = False) -> float:
    """Check that ``value`` is a finite number above zero (or at least zero)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"`{param}` must be a number, but {value!r} was passed.") from None
    if not np.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ParameterError(f"`{param}` must be a finite number {bound}, but {value!r} was passed.")
    return v
