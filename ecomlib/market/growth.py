"""Growth: period-over-period change, year-over-year change and compound annual growth (CAGR).

    growth_t = value_t / value_{t-lag} - 1          CAGR = (end / start) ** (1 / years) - 1

CAGR is the constant yearly rate that turns the start value into the end value; it says
nothing about the path in between, and it is undefined when the start is zero or negative
(no constant rate grows nothing, or a loss, into a positive figure).

References
----------
Hyndman, R. J. and Athanasopoulos, G. (2021), *Forecasting: Principles and Practice*, 3rd
ed., OTexts, section 3.1 (growth rates and transformations).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_columns, check_frame, check_numeric, check_positive

__all__ = ["cagr", "cagr_table", "growth_rates"]


def cagr(start_value: float, end_value: float, years: float) -> float:
    """Compound annual growth rate between two values ``years`` apart.

    Parameters
    ----------
    start_value, end_value : float
        Values at the start and end of the span (same unit, e.g. CNY per year).
    years : float
        Length of the span in years (2019 -> 2024 is 5 years).

    Returns
    -------
    float
        Yearly growth rate as a fraction (0.128 = 12.8% a year).

    Raises
    ------
    DataError
        If ``start_value`` is zero or negative: no constant rate grows it into ``end_value``.

    Examples
    --------
    >>> round(cagr(100.0, 121.0, 2), 10)
    0.1
    """
    years = check_positive("years", years)
    try:
        start, end = float(start_value), float(end_value)
    except (TypeError, ValueError):
        raise ParameterError("`start_value` and `end_value` must be numbers.") from None
    if not (np.isfinite(start) and np.isfinite(end)):
        raise DataError(f"CAGR needs finite values, but start={start_value!r}, end={end_value!r}.")
    if start <= 0:
        raise DataError(
            f"CAGR is undefined for a start value of {start:g}: a compound rate multiplies the "
            "start, and no rate turns zero or a negative figure into the end value.",
            fix="Start the span at the first period with a positive value, or report the "
            "absolute change instead.",
        )
    if end < 0:
        raise DataError(f"CAGR is undefined for a negative end value ({end:g}).")
    return float((end / start) ** (1.0 / years) - 1.0)


def growth_rates(
    df: pd.DataFrame,
    value: str,
    period: str,
    *,
    by: str | None = None,
    lag: int = 1,
) -> pd.DataFrame:
    """Change against ``lag`` periods earlier, for every period (and group).

    With yearly rows and ``lag=1`` this is year-over-year growth; with monthly rows
    ``lag=1`` gives month-over-month and ``lag=12`` year-over-year growth.

    Parameters
    ----------
    df : DataFrame
        One row per period (and group); rows of the same period and group are summed.
        Required columns: ``value``, ``period`` (and ``by``).
    value : str
        Numeric column, e.g. ``"market_size"`` (CNY) or ``"revenue"``.
    period : str
        Sortable period column: year, or a period-start timestamp.
    by : str, optional
        Group column, e.g. ``"segment"`` or ``"category"``.
    lag : int, default 1
        How many rows (periods) back the comparison value lies.

    Returns
    -------
    DataFrame
        Columns ``[by,] period, value, previous, change, growth``; ``change`` in the unit of
        ``value``, ``growth`` a fraction; missing where there is no earlier period or the
        earlier value is not positive.

    Examples
    --------
    >>> df = pd.DataFrame({"year": [2023, 2024], "sales": [100.0, 120.0]})
    >>> growth_rates(df, "sales", "year")["growth"].round(2).tolist()
    [nan, 0.2]
    """
    df = check_frame(df, "df")
    keys = [period] if by is None else [by, period]
    check_columns(df, [*keys, value], param="df")
    check_numeric(df, [value], param="df")
    if not isinstance(lag, int | np.integer) or lag < 1:
        raise ParameterError(f"`lag` must be a positive integer, but {lag!r} was passed.")
    out = df.groupby(keys, sort=True, observed=True)[value].sum().reset_index()
    grouped = out.groupby(by, sort=False)[value] if by is not None else out[value]
    out["previous"] = grouped.shift(lag)
    out["change"] = out[value] - out["previous"]
    out["growth"] = (out[value] / out["previous"].where(out["previous"] > 0)) - 1.0
    return out


def cagr_table(
    df: pd.DataFrame,
    value: str,
    period: str,
    *,
    by: str | None = None,
    start: object = None,
    end: object = None,
) -> pd.DataFrame:
    """CAGR from the first to the last period (or ``start`` to ``end``), per group.

    Parameters
    ----------
    df : DataFrame
        Yearly rows; required columns ``value``, ``period`` (integer years) and ``by``.
    value : str
        Numeric column, e.g. ``"market_size"`` (CNY).
    period : str
        Integer year column.
    by : str, optional
        Group column; without it the whole table is one series (summed per year).
    start, end : int, optional
        First and last year of the span; default the first and last year present.

    Returns
    -------
    DataFrame
        Columns ``[by,] start, end, start_value, end_value, years, cagr``.

    Raises
    ------
    DataError
        If a group's start value is zero or negative (see :func:`cagr`) or the span is empty.

    Examples
    --------
    >>> df = pd.DataFrame({"year": [2020, 2021, 2022], "sales": [100.0, 90.0, 121.0]})
    >>> round(float(cagr_table(df, "sales", "year")["cagr"].iloc[0]), 10)
    0.1
    """
    df = check_frame(df, "df")
    keys = [period] if by is None else [by, period]
    check_columns(df, [*keys, value], param="df")
    check_numeric(df, [value, period], param="df")
    yearly = df.groupby(keys, sort=True, observed=True)[value].sum().reset_index()
    first = yearly[period].min() if start is None else start
    last = yearly[period].max() if end is None else end
    if not last > first:
        raise DataError(
            f"CAGR needs a span of at least one year, but start={first!r} and end={last!r}.",
            fix="Pass data covering two or more years, or set `start` before `end`.",
        )
    if by is None:
        yearly = yearly.assign(_group="all")
        by_col = "_group"
    else:
        by_col = by
    wide = yearly.pivot_table(index=by_col, columns=period, values=value, aggfunc="sum")
    for year, name in ((first, "start"), (last, "end")):
        if year not in wide.columns:
            raise DataError(f"No rows for {name} year {year!r}; years present: {list(wide.columns)}.")
    out = pd.DataFrame(
        {
            "start": first,
            "end": last,
            "start_value": wide[first],
            "end_value": wide[last],
            "years": float(last - first),
        }
    )
    bad = out.index[~(out["start_value"] > 0)].tolist()
    if bad:
        raise DataError(
            f"CAGR is undefined for {bad[:5]}: the start value in {first} is zero, negative or "
            "missing, and no compound rate grows that into the end value.",
            fix="Start the span at a year where every group has positive sales, or drop those groups.",
        )
    out["cagr"] = (out["end_value"] / out["start_value"]) ** (1.0 / out["years"]) - 1.0
    out = out.reset_index()
    return out.drop(columns="_group") if by is None else out
