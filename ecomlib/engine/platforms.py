"""The platforms chapter's group-bys (P&L sums per platform, customers' platform combinations) in ibis.

:func:`platform_status_sums` returns what :func:`ecomlib.platforms.platform_pnl` needs from the
order lines — per platform and status: lines, revenue, refunds, cost of goods, distinct orders
and customers and the first and last order month — so the fee arithmetic runs in pandas on a
table of (platforms x statuses) rows. :func:`combination_tally` returns the customers per
combination of platforms for :func:`ecomlib.platforms.platform_overlap` (one bit per platform).
"""

from __future__ import annotations

import pandas as pd

from ecomlib.engine import rules
from ecomlib.engine.backend import as_table, check_table, fetch, numeric_column
from ecomlib.errors import SchemaError

__all__ = ["combination_tally", "known_platforms", "platform_status_sums"]


def _check_numeric(t, columns) -> None:
    bad = [c for c in columns if not numeric_column(t, c)]
    if bad:
        raise SchemaError(f"`lines` column(s) {bad} must be numeric.",
                          fix="Cast the column(s) to numbers in the database or in a view.")


def platform_status_sums(data, *, by: str, unit_cost_col: str) -> pd.DataFrame:
    """One row per (``platform``, ``status``) of the lines (either may be missing).

    Columns: ``platform``, ``status`` (strings), ``lines``, ``revenue`` (signed sum, CNY),
    ``abs_revenue`` (sum of absolute revenue), ``cogs`` (quantity x unit cost), ``orders`` and
    ``customers`` (distinct, missing ids not counted), ``first_month`` and ``last_month``
    (:func:`ecomlib.engine.rules.month_number` of the order dates).
    """
    cols = [by, "order_id", "order_date", "customer_id", "revenue", "quantity", unit_cost_col, "status"]
    with as_table(data, cols) as t:
        if rules.is_ibis(data):
            check_table(t, cols, date_cols=["order_date"], param="lines")
            _check_numeric(t, ["revenue", "quantity", unit_cost_col])
        revenue = t["revenue"].cast("float64")
        month = rules.month_number(t["order_date"])
        cells = fetch(t.group_by(platform=t[by].cast("string"), status=t["status"].cast("string")).aggregate(
            lines=t.count(), revenue=revenue.sum(), abs_revenue=revenue.abs().sum(),
            cogs=(t["quantity"].cast("float64") * t[unit_cost_col].cast("float64")).sum(),
            orders=t["order_id"].nunique(), customers=t["customer_id"].nunique(),
            first_month=month.min(), last_month=month.max()))
    return cells.astype({"lines": "int64", "orders": "int64", "customers": "int64", "revenue": float,
                         "abs_revenue": float, "cogs": float, "first_month": float, "last_month": float})


def _buyer_lines(t, by: str, customer_col: str):
    keep = t[customer_col].notnull()
    if "status" in t.columns:
        keep = keep & rules.completed_sale(t["status"])
    return t.filter(keep)


def known_platforms(data, *, by: str, customer_col: str) -> tuple[int, list[str]]:
    """Completed lines with a known customer, and the platforms (sorted) they were bought on."""
    cols = [by, customer_col, "status"]
    with as_table(data, cols) as t:
        if rules.is_ibis(data):
            check_table(t, [by, customer_col], param="lines")
        sold = _buyer_lines(t, by, customer_col)
        seen = fetch(sold.group_by(platform=sold[by].cast("string")).aggregate(lines=sold.count()))
    names = sorted(str(p) for p in seen["platform"].dropna())
    return int(seen["lines"].sum()), names


def combination_tally(data, names: list[str], *, by: str, customer_col: str) -> pd.DataFrame:
    """Customers per combination of ``names`` (``mask``: bit j set when the customer bought on names[j])."""
    import ibis

    cols = [by, customer_col, "status"]
    with as_table(data, cols) as t:
        sold = _buyer_lines(t, by, customer_col)
        pairs = sold.select(customer=sold[customer_col], platform=sold[by].cast("string"))
        pairs = pairs.filter(pairs.platform.notnull()).distinct()
        bit = pairs.platform.substitute({name: ibis.literal(1 << j, "int64") for j, name in enumerate(names)},
                                      else_=ibis.literal(0, "int64"))
        masks = pairs.group_by("customer").aggregate(mask=bit.sum())
        tally = fetch(masks.group_by("mask").aggregate(customers=masks.count()))
    return tally.astype({"mask": "int64", "customers": "int64"})
