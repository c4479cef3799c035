"""Daily KPIs for monitoring, built from transactions (and sessions when present) (book 9.3).

One row per calendar day:

* ``sales``: CNY of completed lines by order date (GMV before returns);
* ``orders``: distinct completed orders;
* ``sessions``: web sessions that day (needs ``sessions``);
* ``conversion_rate``: orders / sessions;
* ``aov``: sales / orders (CNY);
* ``return_rate``: units returned that day (returned lines, by their own date) / units sold that day;
* ``refund_rate``: CNY refunded that day / sales that day.

Days without orders get 0 sales and orders and missing ratios.
"""

from __future__ import annotations

import pandas as pd

from ecomlib.engine import rules
from ecomlib.engine.backend import route
from ecomlib.errors import DataError
from ecomlib.risk.periods import check_daily
from ecomlib.validation import check_columns, check_frame, check_numeric

__all__ = ["KPI_COLUMNS", "check_kpi_history", "daily_kpis"]

#: Fewest days of KPIs that monitoring needs: STL with a weekly season needs two weeks and a day.
MIN_KPI_DAYS = 15

#: The KPIs :func:`daily_kpis` builds (``sessions`` and ``conversion_rate`` only with sessions).
KPI_COLUMNS = ("sales", "orders", "sessions", "conversion_rate", "aov", "return_rate", "refund_rate")


def daily_kpis(
    transactions: pd.DataFrame,
    sessions: pd.DataFrame | None = None,
    *,
    start=None,
    end=None,
    order_col: str = "order_id",
    date_col: str = "order_date",
    quantity_col: str = "quantity",
    revenue_col: str = "revenue",
    status_col: str = "status",
    session_date_col: str = "date",
) -> pd.DataFrame:
    """One row of KPIs per day from order lines (and sessions).

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Canonical order lines: ``order_id``, ``order_date``, ``quantity``, ``revenue``,
        ``status`` (``completed`` / ``cancelled`` / ``returned``; returns are negative lines).
        An ibis Table is grouped per day on its backend, a large frame in DuckDB
        (:func:`ecomlib.engine.choose_engine`); only the daily sums come back.
    sessions : DataFrame or ibis Table, optional
        Canonical sessions with ``date``; adds ``sessions`` and ``conversion_rate``.
    start, end : date-like, optional
        The days to cover; default from the first to the last order.
    order_col, date_col, quantity_col, revenue_col, status_col, session_date_col : str
        Column names, when yours differ from the canonical ones.

    Returns
    -------
    DataFrame
        ``date`` and the KPIs listed in :data:`KPI_COLUMNS`.

    Raises
    ------
    DataError
        When the order dates are weekly totals (every date on one weekday at midnight): daily
        KPIs would read six days without sales and one huge day.

    Examples
    --------
    >>> tx = pd.DataFrame({"order_id": ["a", "b"], "order_date": pd.to_datetime(["2025-01-01"] * 2),
    ...                    "quantity": [2, 1], "revenue": [20.0, 10.0], "status": ["completed"] * 2})
    >>> daily_kpis(tx)[["sales", "orders", "aov"]].iloc[0].tolist()
    [30.0, 2.0, 15.0]
    """
    columns = dict(order_col=order_col, date_col=date_col, quantity_col=quantity_col, revenue_col=revenue_col,
                   status_col=status_col)
    if not rules.is_ibis(transactions):
        check_frame(transactions, "transactions")
        check_columns(transactions, list(columns.values()), "transactions")
        check_numeric(transactions, [quantity_col, revenue_col], "transactions")
    if route(transactions) == "ibis":
        from ecomlib.engine import risk as engine

        sold, returned, first, last, midnight_days = engine.day_sums(transactions, **columns)
        if midnight_days is not None:
            check_daily(midnight_days, what="Building daily KPIs")
    else:
        sold, returned, first, last = _day_sums(transactions, **columns)
    lo = pd.Timestamp(start) if start not in (None, "") else first
    hi = pd.Timestamp(end) if end not in (None, "") else last
    days = pd.date_range(lo, hi, freq="D", unit="us", name="date")
    units = sold["units"].reindex(days)
    out = pd.DataFrame(index=days)
    out["sales"] = sold["sales"].reindex(days, fill_value=0.0).astype("float64")
    out["orders"] = sold["orders"].reindex(days, fill_value=0).astype("int64")
    if sessions is not None:
        if route(sessions) == "ibis":
            from ecomlib.engine import risk as engine

            per_day = engine.sessions_per_day(sessions, session_date_col)
        else:
            check_columns(sessions, [session_date_col], "sessions")
            per_day = sessions.groupby(pd.to_datetime(sessions[session_date_col]).dt.floor("D")).size()
        out["sessions"] = per_day.reindex(days, fill_value=0).astype("int64")
        out["conversion_rate"] = out["orders"] / out["sessions"].where(out["sessions"] > 0)
    out["aov"] = out["sales"] / out["orders"].where(out["orders"] > 0)
    ret_units = -returned["units"].reindex(days, fill_value=0)
    refunds = -returned["revenue"].reindex(days, fill_value=0.0)
    out["return_rate"] = ret_units / units.where(units > 0)
    out["refund_rate"] = refunds / out["sales"].where(out["sales"] > 0)
    return out.reset_index()


def _day_sums(transactions, *, order_col, date_col, quantity_col, revenue_col, status_col):
    """Per day: completed ``sales``, ``orders``, ``units``; returned ``units``, ``revenue``; first and last day."""
    tx = transactions.rename(columns={order_col: "order_id", quantity_col: "quantity", revenue_col: "revenue",
                                      status_col: "status"})
    check_daily(transactions[date_col], what="Building daily KPIs")
    day = pd.to_datetime(transactions[date_col]).dt.floor("D")
    sold = rules.completed_sale(tx["status"])
    returned = rules.completed_sale(tx["status"], "returned")
    by_sold, by_returned = day[sold], day[returned]
    sales = pd.DataFrame({
        "sales": tx.loc[sold, "revenue"].groupby(by_sold).sum(),
        "orders": tx.loc[sold, "order_id"].groupby(by_sold).nunique(),
        "units": tx.loc[sold, "quantity"].groupby(by_sold).sum(),
    })
    back = pd.DataFrame({"units": tx.loc[returned, "quantity"].groupby(by_returned).sum(),
                         "revenue": tx.loc[returned, "revenue"].groupby(by_returned).sum()})
    return sales, back, day.min(), day.max()


def check_kpi_history(kpis: pd.DataFrame, *, min_days: int = MIN_KPI_DAYS, date_col: str = "date") -> pd.DataFrame:
    """Return ``kpis`` sorted by date, or raise a :class:`~ecomlib.errors.DataError` if too short.

    Monitoring reads a KPI's usual weekday swing from its own history: the seasonal detector
    needs two full weeks and a day (15 days), control limits more (see
    :func:`ecomlib.risk.kpi_control_charts`).

    Examples
    --------
    >>> k = pd.DataFrame({"date": pd.date_range("2025-01-01", periods=7), "sales": 1.0})
    >>> check_kpi_history(k)
    Traceback (most recent call last):
    ...
    ecomlib.errors.DataError: KPI monitoring needs at least 15 days of daily KPIs (two weekly cycles and a day), but the data cover 7 day(s).
    """
    check_frame(kpis, "kpis")
    check_columns(kpis, [date_col], "kpis")
    days = int(pd.to_datetime(kpis[date_col]).dt.floor("D").nunique())
    if days < int(min_days):
        raise DataError(f"KPI monitoring needs at least {int(min_days)} days of daily KPIs (two weekly cycles "
                        f"and a day), but the data cover {days} day(s).")
    return kpis.sort_values(date_col, ignore_index=True)
