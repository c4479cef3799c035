"""The risk chapter's daily KPI group-by in ibis (sales, orders, units and returns per day).

:func:`day_sums` returns what :func:`ecomlib.risk.daily_kpis` needs from the order lines: per
day, the completed sales (revenue, distinct orders, units) and the returned lines (units,
refunds), the first and last order day, and the distinct days when every order is stamped at
midnight (what the weekly-totals check reads).
"""

from __future__ import annotations

import pandas as pd

from ecomlib.engine import rules
from ecomlib.engine.backend import as_table, check_table, fetch

__all__ = ["day_sums", "sessions_per_day", "RETURNED"]

#: The status of a returned line (a negative line booked on its own day).
RETURNED = "returned"


def day_sums(data, *, order_col, date_col, quantity_col, revenue_col, status_col):
    """``(sold, returned, first_day, last_day, midnight_days)`` of the lines (see the module notes).

    ``sold``: index ``day``, columns ``sales``, ``orders``, ``units``; ``returned``: index
    ``day``, columns ``units``, ``revenue``; ``midnight_days``: the distinct order days when
    every order date is at midnight, else None.
    """
    cols = [order_col, date_col, quantity_col, revenue_col, status_col]
    with as_table(data, cols) as t:
        if rules.is_ibis(data):
            check_table(t, cols, date_cols=[date_col])
        day = t[date_col].truncate("D").cast("timestamp(6)")
        lines = t.select(day=day, order=t[order_col], units=t[quantity_col],
                         revenue=t[revenue_col].cast("float64"), status=t[status_col],
                         midnight=t[date_col] == day)
        sold = lines.filter(rules.completed_sale(lines.status))
        sold = fetch(sold.group_by("day").aggregate(sales=sold.revenue.sum(), orders=sold.order.nunique(),
                                                    units=sold.units.sum()))
        back = lines.filter(rules.completed_sale(lines.status, RETURNED))
        back = fetch(back.group_by("day").aggregate(units=back.units.sum(), revenue=back.revenue.sum()))
        dated = lines.filter(lines.day.notnull())
        span = fetch(dated.aggregate(first=dated.day.min(), last=dated.day.max(), midnight=dated.midnight.all()))
        midnight_days = None
        if bool(span["midnight"].iloc[0]):
            midnight_days = fetch(dated.select("day").distinct())["day"].sort_values(ignore_index=True)
    sold = sold.set_index("day").sort_index().astype({"orders": "int64"})
    back = back.set_index("day").sort_index()
    return sold, back, pd.Timestamp(span["first"].iloc[0]), pd.Timestamp(span["last"].iloc[0]), midnight_days


def sessions_per_day(data, date_col) -> pd.Series:
    """Sessions per calendar day (index: day start, sorted)."""
    with as_table(data, [date_col]) as t:
        if rules.is_ibis(data):
            check_table(t, [date_col])
        day = t[date_col].cast("timestamp").truncate("D").cast("timestamp(6)")
        frame = t.select(day=day)
        out = fetch(frame.group_by("day").aggregate(n=frame.count()))
    return out.set_index("day").sort_index()["n"].astype("int64")
