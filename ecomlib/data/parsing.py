"""Vectorised parsers for the text a shop export holds: money, counts, dates, ids, flags.

Each parser takes a Series and returns ``(values, bad)``: the parsed Series and a boolean
mask of the entries that held something but could not be parsed (missing entries are not
``bad``; callers count them separately). Nothing loops over rows in Python.

Money and counts accept currency strings (``¥1,299.00``, ``$1,299.00``, ``RMB 12.5``,
``12.5元``), full-width digits (``１２９９``) and accounting negatives (``(12.50)``).
Dates accept ISO 8601 first, then the formats in :data:`DATE_FORMATS`, in that order,
each tried only on what is still unparsed; a trailing UTC offset is dropped so the
shop's local wall-clock time is kept.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ecomlib.errors import ParameterError

__all__ = ["DATE_FORMATS", "outside_range", "clean_text", "parse_numbers", "parse_dates", "parse_ids", "parse_bools", "is_blank"]

# tried in this order after ISO 8601; month-first before day-first (UCI Online Retail uses m/d/Y)
DATE_FORMATS = (
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
    "%d.%m.%Y",
    "%Y%m%d",
)

_CURRENCY = r"(?i)RMB|CNY|USD|EUR|GBP|HKD|TWD|JPY|NT\$|HK\$|US\$|元|[¥$€£\s,'_]"
_TZ_SUFFIX = r"\s*(?:[+-]\d{2}:?\d{2}|Z|UTC|GMT)$"


def is_blank(s: pd.Series) -> pd.Series:
    """True where ``s`` is missing or, for text, empty after stripping spaces."""
    if pd.api.types.is_string_dtype(s) or s.dtype == object:
        return s.isna() | s.astype("str").str.strip().eq("")
    return s.isna()


def _as_text(s: pd.Series) -> pd.Series:
    """Text with full-width characters folded to ASCII (NFKC) and outer spaces removed."""
    text = s.astype("str").str.strip()
    if text.str.contains(r"[^\x00-\x7f]", regex=True, na=False).any():
        text = text.str.normalize("NFKC")
    return text


def parse_numbers(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse money or counts to float64.

    Returns
    -------
    values : Series of float64
        NaN where missing or unparseable.
    bad : Series of bool
        True where the entry held text that is not a number.

    Examples
    --------
    >>> v, bad = parse_numbers(pd.Series(["¥1,299.00", "RMB 12.5", "１２", "(3)", "n/a"]))
    >>> v.tolist()[:4], bad.tolist()
    ([1299.0, 12.5, 12.0, -3.0], [False, False, False, False, True])
    """
    if pd.api.types.is_bool_dtype(s):
        return s.astype("float64"), pd.Series(False, index=s.index)
    if pd.api.types.is_numeric_dtype(s):
        return s.astype("float64"), pd.Series(False, index=s.index)
    blank = is_blank(s)
    text = _as_text(s)
    negative = text.str.match(r"^\(.*\)$", na=False)
    text = text.str.replace(r"[()]", "", regex=True).str.replace(_CURRENCY, "", regex=True)
    values = pd.to_numeric(text.where(~blank), errors="coerce").astype("float64")
    values = values.where(~negative, -values)
    bad = values.isna() & ~blank
    return values, bad


def parse_dates(s: pd.Series, formats: tuple[str, ...] | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse timestamps to ``datetime64[us]`` (time-zone naive, local wall-clock time).

    Parameters
    ----------
    s : Series
        Dates as text, datetimes or pandas timestamps.
    formats : tuple of str, optional
        strptime formats to try after ISO 8601; default :data:`DATE_FORMATS`.

    Returns
    -------
    values : Series of datetime64[us]
        NaT where missing or unparseable.
    bad : Series of bool
        True where the entry held text that is not a date.

    Examples
    --------
    >>> v, bad = parse_dates(pd.Series(["2010-12-01 08:26", "12/1/2010 8:26", "soon"]))
    >>> v.dt.strftime("%Y-%m-%d %H:%M").tolist()[:2], bad.tolist()
    (['2010-12-01 08:26', '2010-12-01 08:26'], [False, False, True])
    """
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_localize(None).astype("datetime64[us]"), pd.Series(False, index=s.index)
    if pd.api.types.is_datetime64_dtype(s):
        return s.astype("datetime64[us]"), pd.Series(False, index=s.index)
    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("date", "datetime"):
        # pyarrow reads 2024-06-18 as datetime.date objects
        return pd.to_datetime(s).astype("datetime64[us]"), pd.Series(False, index=s.index)
    blank = is_blank(s)
    text = _as_text(s).where(~blank).str.replace(_TZ_SUFFIX, "", regex=True)
    values = pd.to_datetime(text, format="ISO8601", errors="coerce")
    todo = values.isna() & ~blank
    if todo.any():  # the other formats, tried on each distinct leftover text once
        pending = pd.Series(text[todo].unique())
        found = pd.Series(pd.NaT, index=pending.index, dtype="datetime64[us]")
        for fmt in DATE_FORMATS if formats is None else formats:
            left = found.isna()
            if not left.any():
                break
            found = found.where(~left, pd.to_datetime(pending.where(left), format=fmt, errors="coerce"))
        lookup = pd.Series(found.to_numpy(), index=pending.to_numpy())
        values = values.where(~todo, text.map(lookup))
    values = values.astype("datetime64[us]")
    return values, values.isna() & ~blank


def clean_text(s: pd.Series) -> pd.Series:
    """Text with outer spaces removed and empty text as missing.

    A new array is made only when something changes, which keeps the memory of loading a
    large, clean file low.
    """
    if not (pd.api.types.is_string_dtype(s) and s.dtype != object):
        s = s.astype("str").where(s.notna())
    if (s.str.startswith(" ") | s.str.endswith(" ")).any():
        s = s.str.strip()
    if s.eq("").any():
        s = s.where(s.ne(""))
    return s


def parse_ids(s: pd.Series) -> pd.Series:
    """Identifiers as text: ``17850.0`` -> ``"17850"``, blanks -> missing, outer spaces stripped.

    A float id read as text (``"17850.0"``, ``"17850.00"``) loses its zero decimals.

    Examples
    --------
    >>> parse_ids(pd.Series([17850.0, np.nan])).tolist()
    ['17850', nan]
    """
    if pd.api.types.is_float_dtype(s):
        whole = s.isna() | (np.floor(s) == s)
        if whole.all():
            return s.astype("Int64").astype("str")
    text = clean_text(s)
    if (text.str.endswith(".0") | text.str.endswith(".00")).any():
        text = text.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    return text

_TRUE = ("true", "t", "yes", "y", "1", "1.0", "是", "真")
_FALSE = ("false", "f", "no", "n", "0", "0.0", "否", "假")


def parse_bools(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse flags (``True``/``yes``/``1``/``是`` ...) to bool; ``bad`` marks anything else."""
    if pd.api.types.is_bool_dtype(s):
        return s.astype("bool"), pd.Series(False, index=s.index)
    text = s.astype("str").str.strip().str.lower()
    is_true = text.isin(_TRUE)
    bad = ~(is_true | text.isin(_FALSE))
    return is_true, bad


def outside_range(dates: pd.Series, start: Any, end: Any) -> np.ndarray:
    """True where ``dates`` fall before ``start`` or after ``end`` (inclusive days; ``None`` = open)."""
    outside = np.zeros(len(dates), dtype=bool)
    try:
        if start is not None:
            outside |= (dates < pd.Timestamp(start)).to_numpy()
        if end is not None:  # inclusive day: everything before the next midnight
            end_ts = pd.Timestamp(end)
            if end_ts == end_ts.normalize():
                end_ts = end_ts + pd.Timedelta(days=1)
                outside |= (dates >= end_ts).to_numpy()
            else:
                outside |= (dates > end_ts).to_numpy()
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"`start` / `end` must be dates like '2024-01-31', but: {exc}") from None
    return outside
