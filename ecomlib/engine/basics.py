"""Sales-side group-bys (KPI tree, shop sales per period and day) as ibis expressions.

Each function returns the aggregate the pandas path of :mod:`ecomlib.basics.kpi_tree` or
:mod:`ecomlib.market.shop_sales` builds before its ratios and reshaping, with the same index,
order and dtypes; the completed-sale rule is :func:`ecomlib.engine.rules.completed_sale`.
"""

from __future__ import annotations

import pandas as pd

from ecomlib.engine import rules
from ecomlib.engine.backend import as_table, check_table, fetch
from ecomlib.errors import DataError, SchemaError

__all__ = ["kpi_orders", "kpi_traffic", "period_sales", "sales_per_day", "date_range"]

#: ibis truncation unit of each period code of :func:`ecomlib.market.sales_by_period`.
_TRUNCATE = {"D": "D", "W": "W", "M": "M", "Q": "Q", "Y": "Y"}


def _check_numeric(t, cols, param):
    schema = t.schema()
    bad = [f"{c!r} ({schema[c]})" for c in cols if not schema[c].is_numeric() or schema[c].is_boolean()]
    if bad:
        raise SchemaError(f"`{param}` column(s) {', '.join(bad)} must be numeric.",
                          fix="Cast the column(s) to numbers in the database or in a view.")


def _channels(col, table: str, name: str):
    """Channel names as strings, ``"unknown"`` where missing or blank (as the pandas path)."""
    import ibis

    text = col.cast("string")
    return ibis.ifelse(col.notnull() & (text.strip() != ""), text, "unknown")


def _month_start(dates):
    return dates.truncate("M").cast("timestamp(6)")


def _statuses_found(t, status_col) -> list:
    found = fetch(t.select(s=t[status_col]).filter(lambda x: x.s.notnull()).distinct())
    return sorted(found["s"].tolist())


def kpi_orders(data, keys, statuses, *, order_id_col, date_col, quantity_col, revenue_col, channel_col,
               status_col) -> pd.DataFrame:
    """Orders (distinct), units and GMV of completed lines, per ``keys`` or in one ``total`` row."""
    cols = [order_id_col, quantity_col, revenue_col, status_col]
    cols += [date_col] if "month" in keys else []
    cols += [channel_col] if "channel" in keys else []
    with as_table(data, cols) as t:
        if rules.is_ibis(data):
            check_table(t, cols, date_cols=[date_col] if "month" in keys else [])
            _check_numeric(t, [quantity_col, revenue_col], "transactions")
        sales = t.filter(rules.completed_sale(t[status_col], statuses))
        groups = {}
        if "month" in keys:
            groups["month"] = _month_start(sales[date_col])
        if "channel" in keys:
            groups["channel"] = _channels(sales[channel_col], "transactions", channel_col)
        frame = sales.select(order=sales[order_id_col], units=sales[quantity_col].cast("float64"),
                             gmv=sales[revenue_col].cast("float64"), **groups)
        aggs = {"orders": frame.order.nunique(), "units": frame.units.sum(), "gmv": frame.gmv.sum(),
                "lines": frame.count()}
        out = fetch(frame.group_by(list(keys)).aggregate(**aggs) if keys else frame.aggregate(**aggs))
        if out.empty or int(out["lines"].sum()) == 0:
            raise DataError(
                f"`transactions` has no lines with status in {list(statuses)}, so there are no sales to "
                f"analyse (statuses found: {_statuses_found(t, status_col)}).",
                fix="Pass `statuses=` naming the statuses that count as sales in your data.")
        if "channel" in keys and (out["channel"] == "unknown").all() and not _any_channel(sales, channel_col):
            raise DataError(
                f"`transactions` has no {channel_col!r} on any line that counts, so nothing can be split by "
                "channel (a split needs the channel of each order).",
                fix=f"Supply a {channel_col!r} column, or leave out the split by channel.")
    out = out.drop(columns="lines").astype({"orders": "int64", "units": float, "gmv": float})
    if not keys:
        return out.set_axis(pd.Index(["total"]))
    return out.set_index(list(keys)).sort_index()


def _any_channel(t, col) -> bool:
    text = t[col].cast("string")
    return bool(fetch(t.aggregate(n=(t[col].notnull() & (text.strip() != "")).sum()))["n"].iloc[0])


def kpi_traffic(data, keys, traffic, *, date_col, visitor_col, session_id_col, channel_col):
    """Distinct visitors (or sessions) per ``keys``, or their total count."""
    id_col = visitor_col if traffic == "visitors" else session_id_col
    cols = [id_col] + ([date_col] if "month" in keys else []) + ([channel_col] if "channel" in keys else [])
    with as_table(data, cols) as t:
        if rules.is_ibis(data):
            check_table(t, cols, param="sessions")
        groups = {}
        if "month" in keys:
            groups["month"] = _month_start(t[date_col].cast("timestamp"))
        if "channel" in keys:
            groups["channel"] = _channels(t[channel_col], "sessions", channel_col)
        frame = t.select(id=t[id_col], **groups)
        if not keys:
            return int(frame.id.nunique().execute())
        out = fetch(frame.group_by(list(keys)).aggregate(visitors=frame.id.nunique()))
    return out.set_index(list(keys)).sort_index()["visitors"].astype("int64").to_frame()


def _sales_lines(t, *, date_col, revenue_col, status_col, status):
    if status is None:
        return t
    return t.filter(rules.completed_sale(t[status_col], status))


def _check_sales_table(t, cols, date_col, revenue_col):
    check_table(t, cols, date_cols=[date_col])
    _check_numeric(t, [revenue_col], "transactions")


def _no_status(t, status_col, status):
    found = _statuses_found(t, status_col)[:5]
    return DataError(f"No lines with {status_col}={status!r}; values found: {found}.",
                     fix="Pass status=None to count every line, or map your status values to 'completed'.")


def period_sales(data, freq, by, *, date_col, revenue_col, status_col, status) -> pd.Series:
    """Revenue per period start (and ``by`` group), sorted, as the pandas group-by gives it."""
    cols = [date_col, revenue_col] + ([by] if by else []) + ([status_col] if status is not None else [])
    with as_table(data, cols) as t:
        if rules.is_ibis(data):
            _check_sales_table(t, cols, date_col, revenue_col)
        lines = _sales_lines(t, date_col=date_col, revenue_col=revenue_col, status_col=status_col,
                             status=status)
        groups = {"period": lines[date_col].truncate(_TRUNCATE[freq]).cast("timestamp(6)")}
        if by:
            lines = lines.filter(lines[by].notnull())
            groups[by] = lines[by]
        frame = lines.select(value=lines[revenue_col].cast("float64"), **groups)
        out = fetch(frame.group_by(list(groups)).aggregate(revenue=frame.value.sum(), n=frame.count()))
        if status is not None and out.empty and not by:
            raise _no_status(t, status_col, status)
        if status is not None and out.empty and by and not _has_status(t, status_col, status):
            raise _no_status(t, status_col, status)
    return out.set_index(list(groups)).sort_index()["revenue"]


def _has_status(t, status_col, status) -> bool:
    return bool(fetch(t.aggregate(n=rules.completed_sale(t[status_col], status).sum()))["n"].iloc[0])


def sales_per_day(data, *, date_col, revenue_col, status_col, status) -> pd.Series:
    """Revenue per calendar day with sales (index: day start, datetime64[us]), sorted."""
    return period_sales(data, "D", None, date_col=date_col, revenue_col=revenue_col, status_col=status_col,
                        status=status)


def date_range(data, date_col) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last timestamp of ``date_col`` (every line)."""
    with as_table(data, [date_col]) as t:
        out = fetch(t.aggregate(first=t[date_col].min(), last=t[date_col].max()))
    return pd.Timestamp(out["first"].iloc[0]), pd.Timestamp(out["last"].iloc[0])


def step_counts(data, step_col: str, by: list[str]) -> pd.DataFrame:
    """Sessions per furthest step (and ``by`` segment): columns ``by...``, ``step_col``, ``n``."""
    with as_table(data, [step_col, *by]) as t:
        if rules.is_ibis(data):
            check_table(t, [step_col, *by], param="sessions")
        counts = fetch(t.group_by([*by, step_col]).aggregate(n=t.count()))
    if counts.empty:
        raise DataError("`sessions` has no rows.")
    return counts
