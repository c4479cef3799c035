"""Discount depth: how far below list price the shop actually sells.

The effective discount of an order line is ``1 - unit_price / list_price``: 0 at full price,
0.2 when the customer paid 80% of list. Its distribution by category and month shows
whether discounts are occasional promotions or have become the normal price.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.engine import rules
from ecomlib.engine.backend import route
from ecomlib.errors import DataError, SchemaError
from ecomlib.pricing.observations import FREQUENCIES, completed_sales, group_labels
from ecomlib.validation import (
    check_argument,
    check_columns,
    check_datetime,
    check_frame,
    check_numeric,
)

__all__ = ["DiscountDepth", "discount_depth"]

_PERIOD_CODES = {"D": "D", "W": "W-SUN", "M": "M"}


@dataclass(frozen=True)
class DiscountDepth:
    """Effective discounts per group and period, and per line.

    Attributes
    ----------
    table : DataFrame
        Per group and period: ``lines``, ``units``, ``mean_discount`` (unit-weighted),
        ``share_discounted`` (share of units sold more than ``threshold`` below list),
        ``p50`` / ``p90`` (line-level median and 90th percentile discount); all fractions.
    lines : DataFrame or None
        Per completed order line: ``group``, ``period_start``, ``quantity``, ``discount``,
        ``on_sale``; None when the table was aggregated on an engine (an ibis Table or a
        large frame in DuckDB), which returns only the per group and period table.
    list_price_source : str
        ``"discount column"`` or ``"products"``.
    """

    table: pd.DataFrame
    lines: pd.DataFrame
    list_price_source: str

    def overall(self) -> float:
        """Mean discount over every unit sold (a fraction of the list price): the key figure ``discount_depth``."""
        units = float(self.table["units"].sum())
        weighted = (self.table["mean_discount"] * self.table["units"]).sum()
        return float(weighted / units) if units else float("nan")

    def summary(self) -> pd.DataFrame:
        """Per group over the whole period: units, mean discount, share discounted (from :attr:`table`)."""
        cells = self.table.assign(weighted=self.table["mean_discount"] * self.table["units"],
                                  on_sale=self.table["share_discounted"] * self.table["units"])  # fmt: skip
        out = cells.groupby("group", sort=True)[["units", "weighted", "on_sale"]].sum()
        return pd.DataFrame({
            "units": out["units"], "mean_discount": out["weighted"] / out["units"],
            "share_discounted": out["on_sale"] / out["units"],
        })  # fmt: skip


def discount_depth(
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    by: str = "category",
    freq: str = "M",
    threshold: float = 0.005,
    date_col: str = "order_date",
    quantity_col: str = "quantity",
    price_col: str = "unit_price",
    discount_col: str = "discount",
    status_col: str = "status",
) -> DiscountDepth:
    """Distribution of effective discounts from list price by group and period.

    The list price of a line comes from its ``discount`` column (money off the line vs the
    list price of that day) when it has values: ``list = unit_price + discount / quantity``; else
    from ``products`` (``list_price`` joined on ``product_id``), which is right only when list
    prices never changed. Lines paid above list price get a negative discount (kept, so
    surcharges are visible). Without either source a SchemaError says what to supply.

    Parameters
    ----------
    transactions : DataFrame
        Order lines with ``order_date``, ``quantity``, ``unit_price``, ``product_id`` (when
        ``products`` is given) or ``discount``, the ``by`` column; ``status`` if present.
    products : DataFrame, optional
        ``product_id`` and ``list_price`` (CNY).
    by : str, default "category"
        Group column.
    freq : {"M", "W", "D"}, default "M"
        Period length.
    threshold : float, default 0.005
        A line counts as discounted when its discount exceeds this fraction.

    Returns
    -------
    DiscountDepth
        On an ibis Table, or a frame large enough for DuckDB
        (:func:`ecomlib.engine.choose_engine`), the table is aggregated there and
        ``lines`` is None.

    Examples
    --------
    >>> import pandas as pd
    >>> lines = pd.DataFrame({"order_date": pd.to_datetime(["2024-01-05", "2024-01-20"]),
    ...     "category": "tea", "quantity": [1, 3], "unit_price": [10.0, 8.0],
    ...     "discount": [0.0, 6.0]})
    >>> res = discount_depth(lines)
    >>> res.table[["units", "mean_discount", "share_discounted"]].round(4).to_dict("records")
    [{'units': 4, 'mean_discount': 0.15, 'share_discounted': 0.75}]
    """
    check_argument("freq", list(FREQUENCIES), freq)
    if route(transactions) == "ibis":
        from ecomlib.engine import pricing as engine

        if not rules.is_ibis(transactions):
            _check_depth_lines(transactions, date_col, by, quantity_col, price_col)
        table, source = engine.discount_cells(transactions, products, by, freq, threshold, date_col=date_col,
                                              quantity_col=quantity_col, price_col=price_col,
                                              discount_col=discount_col, status_col=status_col)
        return DiscountDepth(table=table, lines=None, list_price_source=source)
    _check_depth_lines(transactions, date_col, by, quantity_col, price_col)
    sales = completed_sales(transactions, quantity_col=quantity_col, price_col=price_col, status_col=status_col)
    list_price, source = _list_prices(sales, products, quantity_col, price_col, discount_col)
    discount = 1 - sales[price_col].to_numpy(dtype=float) / list_price
    lines = pd.DataFrame({
        "group": group_labels(sales, by).to_numpy(),
        "period_start": sales[date_col].dt.to_period(_PERIOD_CODES[freq]).dt.start_time
        .astype("datetime64[us]").to_numpy(),
        "quantity": sales[quantity_col].to_numpy(),
        "discount": discount,
    })  # fmt: skip
    lines["on_sale"] = (lines["discount"] > threshold).astype(float)
    lines = lines.loc[np.isfinite(lines["discount"])]
    w = lines.assign(weighted=lines["discount"] * lines["quantity"],
                     sold_on_sale=lines["on_sale"] * lines["quantity"])  # fmt: skip
    g = w.groupby(["group", "period_start"], sort=True)
    table = pd.DataFrame({
        "lines": g.size(), "units": g["quantity"].sum(),
        "mean_discount": g["weighted"].sum() / g["quantity"].sum(),
        "share_discounted": g["sold_on_sale"].sum() / g["quantity"].sum(),
        "p50": g["discount"].quantile(0.5), "p90": g["discount"].quantile(0.9),
    }).reset_index()  # fmt: skip
    return DiscountDepth(table=table, lines=lines.reset_index(drop=True), list_price_source=source)


def _check_depth_lines(transactions, date_col, by, quantity_col, price_col) -> None:
    check_frame(transactions, "transactions")
    check_columns(transactions, [date_col, by, quantity_col, price_col], "transactions")
    check_numeric(transactions, [quantity_col, price_col], "transactions")
    check_datetime(transactions, [date_col], "transactions")


def _list_prices(sales, products, quantity_col, price_col, discount_col) -> tuple[np.ndarray, str]:
    """List price per line (CNY) and its source."""
    if discount_col in sales.columns and sales[discount_col].notna().any():  # an all-empty column says nothing
        check_numeric(sales, [discount_col], "transactions")
        money_off = sales[discount_col].fillna(0.0).to_numpy(dtype=float)
        return sales[price_col].to_numpy(dtype=float) + money_off / sales[quantity_col].to_numpy(dtype=float), "discount column"
    if products is not None:
        check_frame(products, "products")
        check_columns(products, ["product_id", "list_price"], "products")
        check_columns(sales, ["product_id"], "transactions")
        check_numeric(products, ["list_price"], "products")
        lookup = products.drop_duplicates("product_id").set_index("product_id")["list_price"]
        price = sales["product_id"].map(lookup).to_numpy(dtype=float)
        if np.isnan(price).any():
            raise DataError(f"{int(np.isnan(price).sum())} order line(s) have a product_id "
                            "missing from `products`, so no list price.")  # fmt: skip
        return price, "products"
    raise SchemaError(
        f"No list prices: the transactions have no (filled) {discount_col!r} column (money off the "
        "line) and there is no products table with list_price",
        fix=f"Supply a {discount_col!r} column in the transactions, or products (product_id, "
        "list_price); from Python pass products=.",
    )
