"""The retention chapter's other line-level steps as ibis expressions: only customer-level rows come back.

:mod:`ecomlib.engine.retention` holds the BTYD summary, cohorts and churn; this module holds the
remaining steps of notebook ``05_retention`` that read order lines, each the engine side of a
public function of :mod:`ecomlib.retention` (which calls it for an ibis Table, or a frame large
enough for DuckDB):

* :func:`data_overview` — lines, first and last order, identified customers, guest lines;
* :func:`margin_sums` — revenue and cost of the completed sales (``margin_rate``);
* :func:`purchase_starts` — per customer the first and second purchase day and the number of
  purchase days (``repeat_purchase_rate``, ``repurchase_by_group``);
* :func:`gap_counts` — repeat purchases per gap length in days (``gap_distribution``);
* :func:`rfm_base` — per customer last purchase day, purchase days and revenue (``rfm_scores``);
* :func:`book_year_counts` — the two years' buyers, orders and revenue (``book_clv_inputs``);
* :func:`holdout_counts` — purchase days and mean value per customer in a holdout period
  (``calibration_holdout_split``);
* :func:`first_day_flags` — whether a customer's first purchase day had a flagged line
  (``first_order_flag``).

The rules (known line, not cancelled, return, purchase day) are those of
:mod:`ecomlib.engine.rules`, the functions the pandas path uses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.engine import rules
from ecomlib.engine.backend import as_table, check_table, fetch
from ecomlib.engine.retention import (
    _check,
    _columns,
    _customer_index,
    _lines,
    _no_lines,
    purchase_days,
)

__all__ = ["data_overview", "customer_ids", "margin_sums", "purchase_starts", "gap_counts", "rfm_base",
           "book_year_counts", "holdout_counts", "first_day_flags"]


def _day(value) -> int | None:
    """A numpy day (or None) as the day number of :func:`ecomlib.engine.rules.day_number`."""
    return None if value is None else int(np.datetime64(value, "D").astype(np.int64))


def _sorted_by_customer(per: pd.DataFrame, data, customer_col: str) -> tuple[pd.DataFrame, pd.Index]:
    per = per.sort_values("customer", kind="stable").reset_index(drop=True)
    index = _customer_index(per["customer"].array, data, customer_col)
    return per, pd.Index(index, name="customer_id")


def data_overview(data, *, customer_col: str, date_col: str) -> dict:
    """Lines, first / last order time, distinct customer ids and lines with a customer id."""
    if rules.is_ibis(data):
        check_table(data, [customer_col, date_col], date_cols=[date_col])
    with as_table(data, [customer_col, date_col]) as t:
        row = fetch(t.aggregate(lines=t.count(), first=t[date_col].min(), last=t[date_col].max(),
                                customers=t[customer_col].nunique(),
                                known=t[customer_col].notnull().sum()))
    row = row.iloc[0]
    return {"lines": int(row["lines"]), "first": row["first"], "last": row["last"],
            "customers": int(row["customers"]), "known": int(0 if pd.isna(row["known"]) else row["known"])}


def customer_ids(data, *, customer_col: str) -> pd.Index:
    """The distinct customer ids of the lines (any status), sorted."""
    if rules.is_ibis(data):
        check_table(data, [customer_col])
    with as_table(data, [customer_col]) as t:
        ids = fetch(t.filter(t[customer_col].notnull()).select(customer=t[customer_col]).distinct())
    ids, index = _sorted_by_customer(ids, data, customer_col)
    return index


def margin_sums(data, products: pd.DataFrame | None, *, cost_col: str = "unit_cost") -> dict:
    """Revenue and quantity x unit cost of the completed lines with positive quantity.

    ``source`` says where the costs came from (``"transactions"``, ``"products"``), or is None
    when there are none for every such line (the caller then uses its assumption).
    """
    import ibis

    wanted = ["status", "quantity", "unit_price", "revenue", cost_col, "product_id"]
    with as_table(data, wanted) as t:
        done = t
        if "status" in t.columns:
            done = done.filter(done.status == rules.COMPLETED)
        if "quantity" in t.columns:
            done = done.filter(done.quantity > 0)
        lines = int(done.count().execute())
        if not {"quantity", "unit_price"} <= set(t.columns) or lines == 0:
            return {"source": None}
        source = None
        if cost_col in t.columns and int(done[cost_col].isnull().sum().fill_null(0).execute()) == 0:
            source, cost = "transactions", done[cost_col].cast("float64")
        elif products is not None and cost_col in products and "product_id" in t.columns:
            from ecomlib.pricing.unit_economics import check_products

            check_products(products, "product_id", cost_col)
            costs = products.drop_duplicates("product_id")[["product_id", cost_col]]
            table = ibis.memtable(costs.rename(columns={"product_id": "_pid", cost_col: "_cost"}))
            done = done.left_join(table, done.product_id == table._pid)
            if int(done._cost.isnull().sum().fill_null(0).execute()) == 0:
                source, cost = "products", done._cost.cast("float64")
        if source is None:
            return {"source": None}
        sums = fetch(done.aggregate(revenue=done.revenue.cast("float64").sum(),
                                    cost=(done.quantity * cost).sum()))
    return {"source": source, "revenue": float(sums["revenue"].iloc[0]), "cost": float(sums["cost"].iloc[0])}


def purchase_starts(data, end_day, *, customer_col: str, date_col: str, status_col: str = "status",
                    quantity_col: str = "quantity") -> tuple[pd.DataFrame, int]:
    """Per customer ``first`` and ``second`` purchase day (-1: none) and ``n`` purchase days; the end day.

    ``end_day`` (numpy day or None) drops later purchases; None ends at the last purchase day.
    Rows are sorted by customer id, indexed by it.
    """
    import ibis

    if rules.is_ibis(data):
        _check(data, customer_col, date_col)
    with as_table(data, _columns(customer_col, date_col, None, status_col, quantity_col)) as t:
        days = purchase_days(t, customer_col=customer_col, date_col=date_col, value_col=None,
                             status_col=status_col, quantity_col=quantity_col, end_day=end_day)
        number = ibis.row_number().over(ibis.window(group_by="customer", order_by="day"))
        days = days.mutate(number=number)
        per = fetch(days.group_by("customer").aggregate(
            first=days.day.min(), last=days.day.max(), n=days.count(),
            second=ibis.cases((days.number == 1, days.day), else_=None).max()))
    if per.empty:
        raise _no_lines(customer_col, end_day)
    per, index = _sorted_by_customer(per, data, customer_col)
    out = pd.DataFrame({"first": per["first"].to_numpy(dtype=np.int64),
                        "second": per["second"].fillna(-1).to_numpy(dtype=np.int64),
                        "n": per["n"].to_numpy(dtype=np.int64)}, index=index)
    end = int(per["last"].max()) if end_day is None else _day(end_day)
    return out, end


def gap_counts(data, end_day, *, customer_col: str, date_col: str, status_col: str = "status",
               quantity_col: str = "quantity") -> pd.DataFrame:
    """Repeat purchases per gap length: ``gap_days`` (int, ascending) and ``repeat_purchases``."""
    import ibis

    if rules.is_ibis(data):
        _check(data, customer_col, date_col)
    with as_table(data, _columns(customer_col, date_col, None, status_col, quantity_col)) as t:
        days = purchase_days(t, customer_col=customer_col, date_col=date_col, value_col=None,
                             status_col=status_col, quantity_col=quantity_col, end_day=end_day)
        gaps = days.mutate(gap=days.day - days.day.lag().over(ibis.window(group_by="customer", order_by="day")))
        gaps = gaps.filter(gaps.gap.notnull())
        counts = fetch(gaps.group_by("gap").aggregate(n=gaps.count()))
        if counts.empty and int(days.count().execute()) == 0:  # no repeat purchase: were there any?
            raise _no_lines(customer_col, end_day)
    counts = counts.sort_values("gap", kind="stable")
    return pd.DataFrame({"gap_days": counts["gap"].to_numpy(dtype=np.int64),
                         "repeat_purchases": counts["n"].to_numpy(dtype=np.int64)})


def rfm_base(data, end_day, *, customer_col: str, date_col: str, value_col: str, status_col: str,
             quantity_col: str) -> tuple[pd.DataFrame, int]:
    """Per customer ``last`` purchase day, ``n`` purchase days and ``total`` value; the end day."""
    if rules.is_ibis(data):
        _check(data, customer_col, date_col, value_col)
    with as_table(data, _columns(customer_col, date_col, value_col, status_col, quantity_col)) as t:
        days = purchase_days(t, customer_col=customer_col, date_col=date_col, value_col=value_col,
                             status_col=status_col, quantity_col=quantity_col, end_day=end_day)
        per = fetch(days.group_by("customer").aggregate(last=days.day.max(), n=days.count(),
                                                        total=days.value.sum()))
    if per.empty:
        raise _no_lines(customer_col, end_day)
    per, index = _sorted_by_customer(per, data, customer_col)
    out = pd.DataFrame({"last": per["last"].to_numpy(dtype=np.int64), "n": per["n"].to_numpy(dtype=np.int64),
                        "total": per["total"].to_numpy(dtype=float)}, index=index)
    end = int(out["last"].max()) if end_day is None else _day(end_day)
    return out, end


def _known_purchase_lines(t, *, customer_col, date_col, status_col, quantity_col):
    lines, _ = _lines(t, customer_col=customer_col, date_col=date_col, status_col=status_col,
                      quantity_col=quantity_col)
    return lines


def book_year_counts(data, as_of_day, *, customer_col: str, date_col: str, value_col: str, order_col: str,
                     status_col: str, quantity_col: str) -> dict:
    """First and end day of the purchase lines, and per year (``1``: days end-729..end-365, ``2``:
    end-364..end) the buyers, buyers of both years, distinct orders and revenue of year 2."""
    if rules.is_ibis(data):
        _check(data, customer_col, date_col, value_col, extra=[order_col])
    cols = _columns(customer_col, date_col, value_col, status_col, quantity_col, order_col)
    with as_table(data, cols) as t:
        lines = _known_purchase_lines(t, customer_col=customer_col, date_col=date_col,
                                      status_col=status_col, quantity_col=quantity_col)
        span = fetch(lines.aggregate(n=lines.count(), first=rules.day_number(lines[date_col]).min(),
                                     last=rules.day_number(lines[date_col]).max()))
        if int(span["n"].iloc[0]) == 0:
            raise _no_lines(customer_col)
        first, last = int(span["first"].iloc[0]), int(span["last"].iloc[0])
        end = last if as_of_day is None else _day(as_of_day)
        day = rules.day_number(lines[date_col])
        year1 = (day > end - 730) & (day <= end - 365)
        year2 = (day > end - 365) & (day <= end)
        marked = lines.select(customer=lines[customer_col], y1=year1, y2=year2,
                              order=lines[order_col], value=lines[value_col].cast("float64"))
        per = marked.group_by("customer").aggregate(y1=marked.y1.any(), y2=marked.y2.any())
        buyers = fetch(per.aggregate(buyers1=per.y1.sum(), buyers2=per.y2.sum(), both=(per.y1 & per.y2).sum()))
        in2 = marked.filter(marked.y2)
        year = fetch(in2.aggregate(orders=in2.order.nunique(), revenue=in2.value.sum()))
    revenue = year["revenue"].iloc[0]
    return {"first": first, "end": end, "buyers1": int(buyers["buyers1"].fillna(0).iloc[0]),
            "buyers2": int(buyers["buyers2"].fillna(0).iloc[0]), "both": int(buyers["both"].fillna(0).iloc[0]),
            "orders": int(year["orders"].iloc[0]), "revenue": 0.0 if pd.isna(revenue) else float(revenue)}


def holdout_counts(data, start_day, end_day, *, customer_col: str, date_col: str, value_col: str | None,
                   status_col: str, quantity_col: str) -> pd.DataFrame:
    """Per customer purchase days ``n`` (and mean day value ``mean``) after ``start_day`` up to ``end_day``."""
    if rules.is_ibis(data):
        _check(data, customer_col, date_col, value_col)
    with as_table(data, _columns(customer_col, date_col, value_col, status_col, quantity_col)) as t:
        days = purchase_days(t, customer_col=customer_col, date_col=date_col, value_col=value_col,
                             status_col=status_col, quantity_col=quantity_col, end_day=end_day)
        days = days.filter(days.day > _day(start_day))
        aggs = {"n": days.count()}
        if value_col:
            aggs["mean"] = days.value.mean()
        per = fetch(days.group_by("customer").aggregate(**aggs))
    per, index = _sorted_by_customer(per, data, customer_col)
    out = pd.DataFrame({"n": per["n"].to_numpy(dtype=float)}, index=index)
    if value_col:
        out["mean"] = per["mean"].to_numpy(dtype=float)
    return out


def first_day_flags(data, flag_col: str, *, customer_col: str, date_col: str, status_col: str,
                    quantity_col: str) -> pd.Series:
    """Per customer: did a line of the first purchase day have ``flag_col`` set (not missing, not '')."""
    if rules.is_ibis(data):
        _check(data, customer_col, date_col, extra=[flag_col])
    with as_table(data, _columns(customer_col, date_col, None, status_col, quantity_col, flag_col)) as t:
        lines = _known_purchase_lines(t, customer_col=customer_col, date_col=date_col,
                                      status_col=status_col, quantity_col=quantity_col)
        flag = lines[flag_col]
        marked = lines.select(customer=lines[customer_col], day=rules.day_number(lines[date_col]),
                              flag=(flag.notnull() & (flag.cast("string") != "")).fill_null(False))
        marked = marked.mutate(first=marked.day.min().over(group_by="customer"))
        on_first = marked.filter(marked.day == marked.first)
        per = fetch(on_first.group_by("customer").aggregate(flag=on_first.flag.any()))
    if per.empty:
        raise _no_lines(customer_col)
    per, index = _sorted_by_customer(per, data, customer_col)
    return pd.Series(per["flag"].to_numpy(dtype=bool), index=index, name=flag_col)
