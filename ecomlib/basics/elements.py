"""Numbers for the five elements of e-commerce operations (book section 2.3).

The book names five elements an operations team manages: product (商品), positioning
(定位), users (用戶), traffic (流量) and data (數據). Traffic is the top of the KPI tree
(:func:`~ecomlib.basics.kpi_tree`); this module gives one small table for each of
product, positioning and users:

- :func:`category_mix` — which categories make the sales (product);
- :func:`price_positioning` — at what price points the shop sells, per category, and how
  much of the list price it realises (positioning);
- :func:`customer_mix` — how much comes from one-time, repeat and guest buyers (users);
- :func:`status_mix` — how many orders are completed, cancelled or returned (data).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ecomlib.errors import DataError
from ecomlib.validation import check_columns, check_frame, check_numeric

__all__ = ["category_mix", "customer_mix", "price_positioning", "status_mix"]


def _sales(transactions: pd.DataFrame, required: list[str], numeric: list[str],
           statuses: Sequence[str], status_col: str) -> pd.DataFrame:
    check_frame(transactions, "transactions")
    check_columns(transactions, [*required, status_col], "transactions")
    check_numeric(transactions, numeric, "transactions")
    statuses = [statuses] if isinstance(statuses, str) else list(statuses)
    sales = transactions.loc[transactions[status_col].isin(statuses)]
    if sales.empty:
        raise DataError(
            f"`transactions` has no lines with status in {statuses}.",
            fix="Pass `statuses=` naming the statuses that count as sales in your data.",
        )
    return sales


def category_mix(
    transactions: pd.DataFrame,
    *,
    statuses: Sequence[str] = ("completed",),
    category_col: str = "category",
    order_id_col: str = "order_id",
    quantity_col: str = "quantity",
    revenue_col: str = "revenue",
    status_col: str = "status",
) -> pd.DataFrame:
    """GMV, units and orders per product category, largest first.

    Parameters
    ----------
    transactions : DataFrame
        Order lines with ``category``, ``order_id``, ``quantity``, ``revenue`` (CNY), ``status``.
    statuses : sequence of str
        Statuses that count as sales (default completed lines).

    Returns
    -------
    DataFrame
        Index ``category``; columns ``gmv`` (CNY), ``share`` (fraction of GMV),
        ``cumulative_share``, ``units``, ``orders`` (orders containing the category) and
        ``price_per_unit`` (CNY).
    """
    sales = _sales(transactions, [category_col, order_id_col, quantity_col, revenue_col],
                   [quantity_col, revenue_col], statuses, status_col)
    out = sales.groupby(sales[category_col].astype(str).rename("category"), sort=False).agg(
        gmv=(revenue_col, "sum"), units=(quantity_col, "sum"), orders=(order_id_col, "nunique")
    )
    out = out.sort_values("gmv", ascending=False, kind="stable")
    out["share"] = out["gmv"] / out["gmv"].sum()
    out["cumulative_share"] = out["share"].cumsum()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["price_per_unit"] = out["gmv"] / out["units"]
    return out[["gmv", "share", "cumulative_share", "units", "orders", "price_per_unit"]].astype(
        {"gmv": float, "units": float}
    )


def price_positioning(
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    statuses: Sequence[str] = ("completed",),
    category_col: str = "category",
    product_id_col: str = "product_id",
    quantity_col: str = "quantity",
    unit_price_col: str = "unit_price",
    list_price_col: str = "list_price",
    status_col: str = "status",
) -> pd.DataFrame:
    """Price points per category: quartiles of the price paid per unit, weighted by units.

    Parameters
    ----------
    transactions : DataFrame
        Order lines with ``category``, ``quantity``, ``unit_price`` (CNY), ``status``.
    products : DataFrame, optional
        With ``product_id`` and ``list_price`` (CNY): adds ``realised_share``, the price paid
        as a fraction of list price (1 = always full price).

    Returns
    -------
    DataFrame
        Index ``category`` (sorted by median price, highest first); columns ``p25``,
        ``median``, ``p75`` (CNY per unit, each unit sold counts once), ``units`` and,
        with products, ``realised_share``.
    """
    sales = _sales(transactions, [category_col, quantity_col, unit_price_col],
                   [quantity_col, unit_price_col], statuses, status_col)
    sales = sales.loc[sales[quantity_col] > 0]
    frame = pd.DataFrame(
        {"category": sales[category_col].astype(str), "price": sales[unit_price_col].astype(float),
         "units": sales[quantity_col].astype(float)}
    ).sort_values(["category", "price"], kind="stable")
    # unit-weighted quantiles: the price at which the cumulative share of units passes q
    grouped = frame.groupby("category", sort=False)
    frame["cum"] = grouped["units"].cumsum() / grouped["units"].transform("sum")
    out = pd.DataFrame(index=pd.Index(frame["category"].unique(), name="category"))
    for name, q in (("p25", 0.25), ("median", 0.5), ("p75", 0.75)):
        out[name] = frame.loc[frame["cum"] >= q - 1e-12].groupby("category")["price"].first()
    out["units"] = grouped["units"].sum()
    if products is not None:
        check_frame(products, "products")
        check_columns(products, [product_id_col, list_price_col], "products")
        check_columns(transactions, [product_id_col], "transactions")
        list_price = sales[product_id_col].map(
            products.drop_duplicates(product_id_col).set_index(product_id_col)[list_price_col]
        )
        paid = sales[unit_price_col] * sales[quantity_col]
        full = list_price * sales[quantity_col]
        ok = list_price.notna()
        by_cat = pd.DataFrame({"paid": paid[ok], "full": full[ok],
                               "category": sales.loc[ok, category_col].astype(str)})
        sums = by_cat.groupby("category")[["paid", "full"]].sum()
        out["realised_share"] = sums["paid"] / sums["full"]
    return out.sort_values("median", ascending=False, kind="stable")


def customer_mix(
    transactions: pd.DataFrame,
    *,
    statuses: Sequence[str] = ("completed",),
    customer_id_col: str = "customer_id",
    order_id_col: str = "order_id",
    revenue_col: str = "revenue",
    status_col: str = "status",
) -> pd.DataFrame:
    """Buyers split into one-time, repeat and guest (no customer id), with their GMV.

    Parameters
    ----------
    transactions : DataFrame
        Order lines with ``customer_id`` (missing = guest checkout), ``order_id``,
        ``revenue`` (CNY), ``status``.

    Returns
    -------
    DataFrame
        Index ``segment`` (``one-time``, ``repeat``, ``guest``); columns ``customers``
        (distinct ids; NaN for guests), ``orders``, ``gmv`` (CNY), ``share_of_orders``,
        ``share_of_gmv``, ``orders_per_customer`` and ``gmv_per_customer`` (CNY). A repeat
        buyer placed two or more orders in the period.
    """
    sales = _sales(transactions, [customer_id_col, order_id_col, revenue_col], [revenue_col],
                   statuses, status_col)
    cust = sales[customer_id_col]
    known = cust.notna() & (cust.astype(str).str.strip() != "")
    per_customer = sales.loc[known].groupby(cust[known].astype(str)).agg(
        orders=(order_id_col, "nunique"), gmv=(revenue_col, "sum")
    )
    segment = np.where(per_customer["orders"] >= 2, "repeat", "one-time")
    out = per_customer.groupby(segment).agg(
        customers=("orders", "size"), orders=("orders", "sum"), gmv=("gmv", "sum")
    )
    out = out.reindex(["one-time", "repeat"]).fillna(0.0)
    out.loc["guest"] = [
        np.nan,
        float(sales.loc[~known, order_id_col].nunique()),
        float(sales.loc[~known, revenue_col].sum()),
    ]
    out = out.astype(float)
    out.index.name = "segment"
    out["share_of_orders"] = out["orders"] / out["orders"].sum()
    out["share_of_gmv"] = out["gmv"] / out["gmv"].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["orders_per_customer"] = out["orders"] / out["customers"]
        out["gmv_per_customer"] = out["gmv"] / out["customers"]
    return out


def status_mix(
    transactions: pd.DataFrame,
    *,
    order_id_col: str = "order_id",
    revenue_col: str = "revenue",
    status_col: str = "status",
) -> pd.DataFrame:
    """Orders, lines and revenue per order-line status (completed, cancelled, returned, ...).

    Parameters
    ----------
    transactions : DataFrame
        Order lines with ``order_id``, ``revenue`` (CNY) and ``status``.

    Returns
    -------
    DataFrame
        Index ``status``; columns ``orders`` (distinct orders with at least one line of that
        status), ``lines``, ``revenue`` (CNY; negative for returns), ``share_of_orders``
        (orders with the status / all distinct orders; an order with a returned line also
        counts as completed, so shares can add up to more than 1).
    """
    check_frame(transactions, "transactions")
    check_columns(transactions, [order_id_col, revenue_col, status_col], "transactions")
    check_numeric(transactions, [revenue_col], "transactions")
    out = transactions.groupby(transactions[status_col].astype(str).rename("status")).agg(
        orders=(order_id_col, "nunique"), lines=(order_id_col, "size"), revenue=(revenue_col, "sum")
    )
    out["share_of_orders"] = out["orders"] / transactions[order_id_col].nunique()
    return out.sort_values("orders", ascending=False, kind="stable")
