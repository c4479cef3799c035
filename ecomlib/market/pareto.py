"""Pareto / ABC analysis of products: which few products bring most of the revenue.

Products are ranked by revenue; the cumulative revenue share then classes them:
A up to the first threshold (default 80% of revenue), B up to the second (95%), C the rest.
The headline is the share of products that brings 80% of revenue (the "80/20 rule" is a
rule of thumb, not a law: the table says what it is for this shop).

References
----------
Juran, J. M. (1951), *Quality Control Handbook*, McGraw-Hill (the "vital few").
Silver, E. A., Pyke, D. F. and Thomas, D. J. (2017), *Inventory and Production Management
in Supply Chains*, 4th ed., CRC Press, section 2.3 (ABC classification).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.market.shop_sales import completed_lines
from ecomlib.validation import check_probability

__all__ = ["ABCResult", "abc_analysis"]


@dataclass(frozen=True)
class ABCResult:
    """Products ranked by revenue with their ABC class.

    Attributes
    ----------
    table : DataFrame
        One row per product: ``rank``, the product column, ``revenue`` (CNY), ``share``,
        ``cum_share`` (of revenue), ``cum_item_share`` (of products), ``abc_class``.
    thresholds : tuple of float
        Cumulative revenue shares closing classes A and B.
    item_share_for_a : float
        Share of products (fraction) in class A, i.e. bringing the first ``thresholds[0]``
        of revenue.
    """

    table: pd.DataFrame
    thresholds: tuple
    item_share_for_a: float

    def summary(self) -> pd.DataFrame:
        """One row per class: products, share of products, revenue, share of revenue."""
        t = self.table
        out = t.groupby("abc_class", observed=True).agg(
            products=("revenue", "size"), revenue=("revenue", "sum")
        )
        out["product_share"] = out["products"] / len(t)
        out["revenue_share"] = out["revenue"] / t["revenue"].sum()
        return out.reset_index()


def abc_analysis(
    transactions: pd.DataFrame,
    *,
    by: str = "product_id",
    thresholds: tuple[float, float] = (0.8, 0.95),
    date_col: str = "order_date",
    revenue_col: str = "revenue",
    status_col: str = "status",
    status: str | None = "completed",
) -> ABCResult:
    """Rank products (or any item column) by completed revenue and class them A / B / C.

    An item is in class A while the cumulative share *before* it is below the first
    threshold, so the item that crosses 80% is still in A.

    Parameters
    ----------
    transactions : DataFrame
        Order lines; required columns ``order_date``, ``revenue``, ``status`` and ``by``.
    by : str, default "product_id"
        Item column.
    thresholds : tuple of two float, default (0.8, 0.95)
        Cumulative revenue shares closing classes A and B; ``0 < a < b <= 1``.
    date_col, revenue_col, status_col, status
        As in :func:`ecomlib.market.completed_lines`.

    Returns
    -------
    ABCResult

    Examples
    --------
    >>> t = pd.DataFrame({"order_date": pd.Timestamp("2024-01-01"), "status": "completed",
    ...                   "product_id": ["p1", "p2", "p3", "p4"],
    ...                   "revenue": [70.0, 20.0, 6.0, 4.0]})
    >>> abc_analysis(t).table["abc_class"].tolist()
    ['A', 'A', 'B', 'C']
    """
    if not isinstance(thresholds, list | tuple) or len(thresholds) != 2:
        raise ParameterError(f"`thresholds` must be two shares (a, b), but {thresholds!r} was passed.")
    a = check_probability("thresholds[0]", thresholds[0])
    b = check_probability("thresholds[1]", thresholds[1], open_interval=False)
    if not a < b:
        raise ParameterError(f"`thresholds` must increase (a < b), but {thresholds!r} was passed.")
    lines = completed_lines(
        transactions,
        columns=[by],
        date_col=date_col,
        revenue_col=revenue_col,
        status_col=status_col,
        status=status,
    )
    revenue = lines.groupby(by, observed=True)[revenue_col].sum()
    revenue = revenue[revenue > 0].sort_values(ascending=False, kind="stable")
    if revenue.empty:
        raise DataError("No item has positive completed revenue; nothing to rank.")
    table = revenue.rename("revenue").reset_index()
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table["share"] = table["revenue"] / table["revenue"].sum()
    table["cum_share"] = table["share"].cumsum()
    table["cum_item_share"] = table["rank"] / len(table)
    before = table["cum_share"] - table["share"]
    table["abc_class"] = np.select([before < a - 1e-12, before < b - 1e-12], ["A", "B"], "C")
    item_share = float((table["abc_class"] == "A").mean())
    return ABCResult(table=table, thresholds=(a, b), item_share_for_a=item_share)
