"""Numbers for the basic elements of e-commerce operations (book section 2.3, 電商運營的基本要素).

Section 2.3 names five elements: product strategy (產品策略), market positioning (市場定位),
user operations (用戶運營), traffic acquisition (流量獲取) and data analysis and optimisation
(數據分析與優化); the measures below are ours, not the book's. Traffic is the top of the KPI tree
(:func:`~ecomlib.basics.kpi_tree`); this module gives one small table for each of
product, positioning and users:

- :func:`category_mix` — which categories make the sales (product);
- :func:`price_positioning` — at what price points the shop sells, per category, and how
  much of the list price it realises (positioning);
- :func:`customer_mix` — how much comes from one-time, repeat and guest buyers (users);
- :func:`status_mix` — how many orders are completed, cancelled or returned (data).

Real exports often have no category (UCI Online Retail) or a single one:
:func:`sales_groups` then groups by product (the top sellers and ``"other"``) and says so,
and :func:`describe_mix` / :func:`describe_customers` word the headline so that it stays
true on such data (no "1 of 1 categories", no share of zero repeat buyers).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ecomlib.data.substitutes import Substitution, category_substitute
from ecomlib.errors import DataError
from ecomlib.validation import check_columns, check_frame, check_numeric

__all__ = ["category_mix", "customer_mix", "describe_customers", "describe_mix", "price_positioning",
           "sales_groups", "status_mix", "top_group"]

#: Name of the group a line without a category falls into.
UNKNOWN = "unknown"


def _groups(values: pd.Series, col: str) -> pd.Series:
    """Category names as strings; a missing one is ``"unknown"``, none at all is an error."""
    known = values.notna() & (values.astype("str").str.strip() != "")
    if not known.any():
        raise DataError(
            f"`transactions` has no {col!r} on any sales line, so sales cannot be grouped by it.",
            fix="Supply a category column, or group by product with sales_groups() "
                "(ecomlib.data.substitutes.category_substitute).",
        )
    return values.astype("str").where(known, UNKNOWN).rename("category")


def sales_groups(
    transactions: pd.DataFrame,
    *,
    top: int = 10,
    category_col: str = "category",
    product_col: str = "product_id",
    product_name_col: str = "product_name",
    revenue_col: str = "revenue",
) -> tuple[Substitution, str]:
    """The categories to group sales by, or products when the data have fewer than two.

    Parameters
    ----------
    transactions : DataFrame
        Order lines with ``category`` (may be missing or hold a single value),
        ``product_id`` and ``revenue`` (CNY).
    top : int, default 10
        Products kept by name when grouping by product; the rest form ``"other"``.
    product_name_col : str, default "product_name"
        Products are shown by their most frequent name in this column (their ``product_col``
        id when they have none; a name two products share is followed by the id).

    Returns
    -------
    (Substitution, str)
        The substitution of :func:`ecomlib.data.substitutes.category_substitute` (its
        ``frame`` has ``category_col`` filled in; ``note`` is the line to show, or None) and
        the noun for the groups, ``"category"`` or ``"product"``.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"product_id": ["a", "b"], "revenue": [5.0, 3.0]})
    >>> sub, noun = sales_groups(tx)
    >>> sub.frame["category"].tolist(), noun
    (['a', 'b'], 'product')
    """
    check_frame(transactions, "transactions")
    n = int(transactions[category_col].nunique(dropna=True)) if category_col in transactions.columns else 0
    sub = category_substitute(transactions, top=top, min_groups=2, category_col=category_col,
                              product_col=product_col, revenue_col=revenue_col, name_col=product_name_col)
    return sub, "category" if n >= 2 else "product"


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
    min_groups: int = 1,
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
    min_groups : int, default 1
        Fewest categories a mix is worth showing for; with fewer a
        :class:`~ecomlib.errors.DataError` says how many there are (a mix of one category is
        100 % of GMV and tells nothing).

    Returns
    -------
    DataFrame
        Index ``category``; columns ``gmv`` (CNY), ``share`` (fraction of GMV),
        ``cumulative_share``, ``units``, ``orders`` (orders containing the category) and
        ``price_per_unit`` (CNY). Lines without a category form the group ``"unknown"``;
        a table without any category raises :class:`~ecomlib.errors.DataError` (group by
        product with :func:`sales_groups` instead).
    """
    sales = _sales(transactions, [category_col, order_id_col, quantity_col, revenue_col],
                   [quantity_col, revenue_col], statuses, status_col)
    groups = _groups(sales[category_col], category_col)
    n = groups.nunique()
    if n < min_groups:
        raise DataError(
            f"A sales mix needs at least {min_groups} categories (or products), but the sales "
            f"lines have {n} ({', '.join(map(repr, groups.unique()[:3]))}): it would show one "
            f"group with 100 % of GMV.",
            fix="Supply data with several categories or products.",
        )
    out = sales.groupby(groups, sort=False).agg(
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
    if sales.empty:
        raise DataError(
            "Price points need sold units, but no sales line has a quantity above 0.",
            fix="Check the quantity column and `statuses=`.",
        )
    cats = _groups(sales[category_col], category_col)
    frame = pd.DataFrame(
        {"category": cats, "price": sales[unit_price_col].astype(float),
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
                               "category": cats[ok]})
        sums = by_cat.groupby("category")[["paid", "full"]].sum()
        out["realised_share"] = sums["paid"] / sums["full"]
    return out.sort_values("median", ascending=False, kind="stable")


def customer_mix(
    transactions: pd.DataFrame,
    *,
    statuses: Sequence[str] = ("completed",),
    min_customers: int = 0,
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
    min_customers : int, default 0
        Fewest identified customers needed; with fewer (an export without customer ids,
        where every order is a guest order) a :class:`~ecomlib.errors.DataError` says so.

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
    n_known = int(cust[known].nunique())
    if n_known < min_customers:
        orders = sales[order_id_col].nunique()
        found = (f"none of the {orders:,} orders has one (every order is a guest order)" if n_known == 0
                 else f"the {orders:,} orders have only {n_known}")
        raise DataError(
            f"Telling one-time from repeat buyers needs the customer ids (customer_id) of at least "
            f"{min_customers} customer(s), but {found}.",
            fix="Supply the customer_id column of the orders.",
        )
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


def top_group(mix: pd.DataFrame, *, other: str | None = None) -> tuple[str, float]:
    """The largest group of a :func:`category_mix` and its share of GMV, leaving out ``other``.

    Examples
    --------
    >>> import pandas as pd
    >>> mix = pd.DataFrame({"share": [0.7, 0.2, 0.1]}, index=["other", "a", "b"])
    >>> top_group(mix, other="other")
    ('a', 0.2)
    """
    named = mix.drop(index=other) if other is not None and other in mix.index else mix
    if named.empty:
        raise DataError("The mix has no named group.", fix="Group by category or by product.")
    return str(named.index[0]), float(named["share"].iloc[0])


def _plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


def describe_mix(mix: pd.DataFrame, *, noun: str = "category", other: str | None = None) -> str:
    """One sentence on a :func:`category_mix`: the largest group and how many make 80 % of GMV.

    Parameters
    ----------
    mix : DataFrame
        From :func:`category_mix`.
    noun : str, default "category"
        What the groups are (``"product"`` when grouped by product, see :func:`sales_groups`).
    other : str, optional
        Name of a rest group (``"other"``): left out of the ranking and named at the end.

    Examples
    --------
    >>> import pandas as pd
    >>> mix = pd.DataFrame({"share": [0.6, 0.3, 0.1]}, index=["a", "b", "c"])
    >>> describe_mix(mix)
    'a is the largest category with 60.0% of GMV; 2 of 3 categories make 80 % of GMV.'
    """
    from ecomlib.viz import fmt_pct

    name, share = top_group(mix, other=other)
    named = mix.drop(index=other) if other is not None and other in mix.index else mix
    text = f"{name} is the largest {noun} with {fmt_pct(share)} of GMV; "
    cumulative = named["share"].cumsum()
    nouns = _plural(noun)
    if cumulative.iloc[-1] >= 0.8 - 1e-12:
        text += f"{int((cumulative < 0.8).sum()) + 1} of {len(named)} {nouns} make 80 % of GMV"
    else:
        text += f"the {len(named)} {nouns} shown make {fmt_pct(cumulative.iloc[-1])} of GMV"
    if len(named) < len(mix):
        text += f", the rest ('{other}') {fmt_pct(float(mix.loc[other, 'share']))}"
    return text + "."


def describe_customers(mix: pd.DataFrame) -> str:
    """One sentence on a :func:`customer_mix`: repeat buyers' share of buyers and GMV, and guests.

    Examples
    --------
    >>> import pandas as pd
    >>> mix = pd.DataFrame({"customers": [9.0, 0.0, float("nan")], "share_of_gmv": [0.9, 0.0, 0.1],
    ...                     "share_of_orders": [0.9, 0.0, 0.1]}, index=["one-time", "repeat", "guest"])
    >>> describe_customers(mix)
    'No customer made a second purchase in the period: all 9 identified buyers bought once; guests placed 10.0% of orders.'
    """
    from ecomlib.viz import fmt_pct, fmt_thousands

    repeat = mix.loc["repeat"]
    guests = f"guests placed {fmt_pct(mix.loc['guest', 'share_of_orders'])} of orders."
    if not repeat["customers"] > 0:
        return (f"No customer made a second purchase in the period: all "
                f"{fmt_thousands(mix.loc['one-time', 'customers'])} identified buyers bought once; "
                + guests)
    return (f"{fmt_thousands(repeat['customers'])} repeat buyers "
            f"({fmt_pct(repeat['customers'] / mix['customers'].sum())} of identified buyers) brought "
            f"{fmt_pct(repeat['share_of_gmv'])} of GMV; " + guests)


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
