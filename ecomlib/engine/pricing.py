"""The pricing chapter's group-by (units and revenue per group, product and period) in ibis.

:func:`sale_cells` returns what :func:`ecomlib.pricing.price_quantity_observations` needs from
the order lines — units and revenue of the priced sales (:func:`ecomlib.engine.rules.priced_sale`)
per group, product and period — so the price index, the empty periods and the controls are
computed in pandas from a table of cells, not of lines.
"""

from __future__ import annotations

import pandas as pd

from ecomlib.engine import rules
from ecomlib.engine.backend import as_table, check_table, fetch, numeric_column
from ecomlib.errors import DataError, SchemaError

__all__ = ["sale_cells"]

#: ibis truncation unit of each ``freq`` of :func:`ecomlib.pricing.price_quantity_observations`.
_TRUNCATE = {"D": "D", "W": "W", "M": "M"}


def _checked(t, needed, date_col, quantity_col, price_col):
    check_table(t, needed, date_cols=[date_col])
    bad = [c for c in (quantity_col, price_col) if not numeric_column(t, c)]
    if bad:
        raise SchemaError(f"`transactions` column(s) {bad} must be numeric.",
                          fix="Cast the column(s) to numbers in the database or in a view.")


def sale_cells(data, by, freq, with_product: bool, *, date_col, quantity_col, price_col, status_col,
               product_col) -> pd.DataFrame:
    """Units and revenue per ``group``, [``product``,] ``period_start``, sorted (as pandas groups)."""
    import ibis

    cols = [date_col, quantity_col, price_col, status_col, *([by] if by else []),
            *([product_col] if with_product else [])]
    with as_table(data, cols) as t:
        if rules.is_ibis(data):
            _checked(t, [date_col, quantity_col, price_col, *([by] if by else [])], date_col, quantity_col,
                     price_col)
        status = t[status_col] if status_col in t.columns else None
        sales = t.filter(rules.priced_sale(t[quantity_col], t[price_col], status))
        if by is not None:
            group = ibis.ifelse(sales[by].isnull(), f"(no {by})", sales[by].cast("string"))
        else:
            group = ibis.literal("all")
        keys = {"group": group}
        if with_product:
            keys["product"] = sales[product_col].cast("string")
        keys["period_start"] = sales[date_col].truncate(_TRUNCATE[freq]).cast("timestamp(6)")
        lines = sales.select(units=sales[quantity_col], revenue=sales[quantity_col] * sales[price_col],
                             known=sales[by].notnull() if by is not None else ibis.literal(True), **keys)
        cells = fetch(lines.group_by(list(keys)).aggregate(
            units=lines.units.sum(), revenue=lines.revenue.cast("float64").sum(),
            known=lines.known.any()))
    if cells.empty:
        raise DataError(
            "`transactions` holds no completed sales with a positive quantity and price.",
            fix=f"Check the `{status_col}`, `{quantity_col}` and `{price_col}` columns.")
    if by is not None and not cells["known"].any():
        raise DataError(
            f"`transactions` column {by!r} is empty on every line, so there are no groups to compare.",
            fix="Group by product instead (ecomlib.data.substitutes.category_substitute), or pass "
            "by= a column that has values.")
    cells = cells.drop(columns="known").sort_values(list(keys), kind="stable").reset_index(drop=True)
    return cells.astype({"units": "int64", "revenue": float})
