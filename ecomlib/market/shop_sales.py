"""The shop's own sales: completed revenue per day, per period and per category.

Revenue here is the sum of ``revenue`` over lines whose ``status`` is ``"completed"`` (CNY);
cancelled and returned lines are left out. Every other function of ``ecomlib.market`` that
reads transactions goes through :func:`completed_lines`, so the whole chapter counts sales
the same way.
"""

from __future__ import annotations

import pandas as pd

from ecomlib.engine import rules
from ecomlib.engine.backend import route
from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_columns, check_datetime, check_frame, check_numeric

__all__ = ["category_shares", "check_daily_dates", "completed_lines", "daily_sales", "sales_by_period"]

_FREQ_ALIASES = {"D": "D", "W": "W", "M": "M", "Q": "Q", "Y": "Y", "A": "Y"}


def completed_lines(
    transactions: pd.DataFrame,
    *,
    columns: list[str] | tuple[str, ...] = (),
    date_col: str = "order_date",
    revenue_col: str = "revenue",
    status_col: str = "status",
    status: str | None = "completed",
) -> pd.DataFrame:
    """Check the transactions and keep the lines that count as sales.

    Parameters
    ----------
    transactions : DataFrame
        Order lines. Required columns: ``date_col`` (datetime), ``revenue_col`` (numeric,
        CNY), ``status_col`` unless ``status`` is None, and any extra ``columns``.
    columns : sequence of str
        Further columns the caller needs.
    date_col, revenue_col, status_col : str
        Column names.
    status : str or None, default "completed"
        Keep only lines with this status; None keeps every line.

    Returns
    -------
    DataFrame
        The kept lines (a filtered view; the input is not modified).

    Examples
    --------
    >>> t = pd.DataFrame({"order_date": pd.to_datetime(["2024-01-01"] * 2),
    ...                   "revenue": [10.0, 5.0], "status": ["completed", "cancelled"]})
    >>> len(completed_lines(t))
    1
    """
    transactions = check_frame(transactions, "transactions")
    needed = [date_col, revenue_col, *columns] + ([status_col] if status is not None else [])
    check_columns(transactions, list(dict.fromkeys(needed)), param="transactions")
    check_numeric(transactions, [revenue_col], param="transactions")
    check_datetime(transactions, [date_col], param="transactions")
    if status is None:
        return transactions
    kept = transactions[rules.completed_sale(transactions[status_col], status)]
    if kept.empty:
        found = transactions[status_col].dropna().unique().tolist()[:5]
        raise DataError(
            f"No lines with {status_col}={status!r}; values found: {found}.",
            fix="Pass status=None to count every line, or map your status values to 'completed'.",
        )
    return kept


def _check_freq(freq: str) -> str:
    key = str(freq).upper()
    if key not in _FREQ_ALIASES:
        raise ParameterError(
            f"`freq` must be one of ['D', 'W', 'M', 'Q', 'Y'], but {freq!r} was passed."
        )
    return _FREQ_ALIASES[key]


def sales_by_period(
    transactions: pd.DataFrame,
    freq: str = "M",
    *,
    by: str | None = None,
    date_col: str = "order_date",
    revenue_col: str = "revenue",
    status_col: str = "status",
    status: str | None = "completed",
) -> pd.DataFrame:
    """Completed revenue per period (and group).

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Order lines; see :func:`completed_lines` for required columns, plus ``by``. An ibis
        Table is grouped on its backend, a large frame in DuckDB
        (:func:`ecomlib.engine.choose_engine`); only the per-period sums come back.
    freq : {"D", "W", "M", "Q", "Y"}
        Period length: day, week, month, quarter, year.
    by : str, optional
        Group column such as ``"category"``.
    date_col, revenue_col, status_col, status
        As in :func:`completed_lines`.

    Returns
    -------
    DataFrame
        Columns ``period`` (period start, datetime), ``[by,] revenue`` (CNY), every
        period-group pair present (missing pairs filled with 0).

    Examples
    --------
    >>> t = pd.DataFrame({"order_date": pd.to_datetime(["2024-01-05", "2024-02-01"]),
    ...                   "revenue": [10.0, 5.0], "status": "completed"})
    >>> sales_by_period(t, "M")["revenue"].tolist()
    [10.0, 5.0]
    """
    freq = _check_freq(freq)
    if route(transactions) == "ibis":
        from ecomlib.engine import basics as engine

        _check_only(transactions, [by] if by else [], date_col, revenue_col, status_col, status)
        out = engine.period_sales(transactions, freq, by, date_col=date_col, revenue_col=revenue_col,
                                  status_col=status_col, status=status)
    else:
        lines = completed_lines(
            transactions,
            columns=[by] if by else [],
            date_col=date_col,
            revenue_col=revenue_col,
            status_col=status_col,
            status=status,
        )
        period = lines[date_col].dt.to_period(freq).dt.start_time
        keys = [period.rename("period")] + ([lines[by]] if by else [])
        out = lines[revenue_col].groupby(keys, observed=True).sum()
    if by:
        out = out.unstack(by, fill_value=0.0).stack()
    out = out.rename("revenue").reset_index()
    return out.rename(columns={revenue_col: "revenue"})


def daily_sales(
    transactions: pd.DataFrame,
    *,
    date_col: str = "order_date",
    revenue_col: str = "revenue",
    status_col: str = "status",
    status: str | None = "completed",
) -> pd.Series:
    """Completed revenue per calendar day, with days without sales filled as 0.

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Order lines; see :func:`completed_lines`. An ibis Table is grouped on its backend, a
        large frame in DuckDB (:func:`ecomlib.engine.choose_engine`).
    date_col, revenue_col, status_col, status
        As in :func:`completed_lines`.

    Returns
    -------
    Series
        CNY per day, indexed by a daily ``DatetimeIndex`` (``freq="D"``), named ``"sales"``.

    Examples
    --------
    >>> t = pd.DataFrame({"order_date": pd.to_datetime(["2024-01-01", "2024-01-03"]),
    ...                   "revenue": [10.0, 5.0], "status": "completed"})
    >>> daily_sales(t).tolist()
    [10.0, 0.0, 5.0]
    """
    if route(transactions) == "ibis":
        from ecomlib.engine import basics as engine

        _check_only(transactions, [], date_col, revenue_col, status_col, status)
        sums = engine.sales_per_day(transactions, date_col=date_col, revenue_col=revenue_col,
                                    status_col=status_col, status=status)
    else:
        lines = completed_lines(
            transactions,
            date_col=date_col,
            revenue_col=revenue_col,
            status_col=status_col,
            status=status,
        )
        day = lines[date_col].dt.normalize()
        sums = lines[revenue_col].groupby(day).sum()
    index = pd.date_range(sums.index.min(), sums.index.max(), freq="D", unit="us")
    out = sums.reindex(index, fill_value=0.0).astype(float)
    out.index.name = "date"
    return out.rename("sales")


def _check_only(transactions, columns, date_col, revenue_col, status_col, status) -> None:
    """The boundary checks of :func:`completed_lines` for a frame the engine will group."""
    if not rules.is_ibis(transactions):
        completed_lines(transactions, columns=[*columns, *([status_col] if status is not None else [])],
                        date_col=date_col, revenue_col=revenue_col, status=None)


def _complete_periods(transactions, date_col: str, starts: pd.Series, freq: str) -> pd.Series:
    """True where the data's days cover the whole period that starts at ``starts``."""
    if rules.is_ibis(transactions):
        from ecomlib.engine import basics as engine

        first, last = engine.date_range(transactions, date_col)
    else:
        first, last = transactions[date_col].min(), transactions[date_col].max()
    first, last = first.normalize(), last.normalize()
    ends = starts.dt.to_period(freq).dt.end_time.dt.normalize()
    return (starts >= first) & (ends <= last)


def category_shares(
    transactions: pd.DataFrame,
    freq: str = "Q",
    *,
    category_col: str = "category",
    date_col: str = "order_date",
    revenue_col: str = "revenue",
    status_col: str = "status",
    status: str | None = "completed",
) -> pd.DataFrame:
    """Each category's share of the shop's revenue per period, with its growth.

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Order lines; required columns ``order_date``, ``revenue``, ``status``, ``category``.
        An ibis Table is grouped on its backend (see :func:`sales_by_period`).
    freq : {"M", "Q", "Y"}
        Period length.
    category_col, date_col, revenue_col, status_col, status
        Column names and the status counted as a sale.

    Returns
    -------
    DataFrame
        Columns ``period, category, revenue`` (CNY), ``share`` (fraction of the period's
        revenue) and ``growth`` (vs the previous period, fraction). ``growth`` is missing for
        the first period and wherever this period or the previous one is not fully covered
        by the data (a year that starts in December is not compared with a whole year).

    Raises
    ------
    DataError
        If no completed line has a category (the column is empty), or all have the same one:
        group by something else, e.g. with :func:`ecomlib.data.substitutes.category_substitute`.

    Examples
    --------
    >>> t = pd.DataFrame({"order_date": pd.to_datetime(["2024-01-05"] * 2),
    ...                   "revenue": [30.0, 10.0], "status": "completed",
    ...                   "category": ["a", "b"]})
    >>> category_shares(t)["share"].tolist()
    [0.75, 0.25]
    """
    freq = _check_freq(freq)
    table = sales_by_period(
        transactions,
        freq,
        by=category_col,
        date_col=date_col,
        revenue_col=revenue_col,
        status_col=status_col,
        status=status,
    )
    if table.empty:
        raise DataError(
            f"No completed line has a {category_col!r}: the category mix needs categories on the order lines.",
            fix="Group by product instead: ecomlib.data.substitutes.category_substitute(transactions).",
        )
    if table[category_col].nunique() < 2:
        raise DataError(
            f"The completed lines have a single {category_col} ({table[category_col].iloc[0]}): a mix "
            "needs at least 2 categories (or products).",
            fix="Group by product instead: ecomlib.data.substitutes.category_substitute(transactions).",
        )
    total = table.groupby("period")["revenue"].transform("sum")
    table["share"] = table["revenue"] / total.where(total > 0)
    table = table.sort_values([category_col, "period"])
    previous = table.groupby(category_col)["revenue"].shift(1)
    complete = _complete_periods(transactions, date_col, table["period"], freq)
    both = complete & complete.groupby(table[category_col]).shift(1, fill_value=False)
    table["growth"] = (table["revenue"] / previous.where(previous > 0) - 1.0).where(both)
    return table.sort_values(["period", "revenue"], ascending=[True, False]).reset_index(drop=True)


def check_daily_dates(
    transactions: pd.DataFrame,
    *,
    date_col: str = "order_date",
    revenue_col: str = "revenue",
    status_col: str = "status",
    status: str | None = "completed",
    min_weeks: int = 3,
) -> int:
    """Check that orders are dated by the day, not by the week; return the weekdays with sales.

    A weekly panel (one line per store, week and product, dated on the week's first day)
    turned into daily sales has six empty days in every seven: its "weekday pattern" and
    daily forecasts would describe the export, not the shop.

    Parameters
    ----------
    transactions : DataFrame
        Order lines; see :func:`completed_lines`.
    date_col, revenue_col, status_col, status
        As in :func:`completed_lines`.
    min_weeks : int, default 3
        Data spanning fewer weeks are not judged (a single weekday is then no evidence).

    Returns
    -------
    int
        Distinct weekdays with completed lines (1-7).

    Raises
    ------
    DataError
        If over at least ``min_weeks`` weeks every completed line falls on the same weekday.

    Examples
    --------
    >>> t = pd.DataFrame({"order_date": pd.date_range("2024-01-01", periods=5, freq="W-MON"),
    ...                   "revenue": 1.0, "status": "completed"})
    >>> check_daily_dates(t.assign(order_date=pd.date_range("2024-01-01", periods=5, freq="D")))
    5
    >>> try:
    ...     check_daily_dates(t)
    ... except DataError as err:
    ...     print(str(err).split(":")[0])
    Every order is dated on a Monday over 5 weeks
    """
    lines = completed_lines(transactions, date_col=date_col, revenue_col=revenue_col,
                            status_col=status_col, status=status)
    dates = lines[date_col]
    weekdays = int(dates.dt.day_of_week.nunique())
    weeks = (dates.max().normalize() - dates.min().normalize()).days // 7 + 1
    if weekdays == 1 and weeks >= int(min_weeks):
        raise DataError(
            f"Every order is dated on a {dates.iloc[0]:%A} over {weeks} weeks: the export holds weekly "
            "totals, and trends, weekday patterns and daily forecasts need orders dated by the day.",
            fix="Export order lines with their order date and time.",
        )
    return weekdays
