"""Cost-plus view and competitive context: unit economics per category and a price index.

Unit economics answer "what is left of one unit's price": average paid price, minus unit
cost, minus fees (platform commission, payment), is the contribution per unit; divided by
the price it is the margin rate the break-even table needs. The price index compares a
shop's average price with its competitors' (100 = at the market's sales-weighted average).
"""

from __future__ import annotations

import pandas as pd

from ecomlib.engine import rules
from ecomlib.engine.backend import route
from ecomlib.errors import DataError, ParameterError, SchemaError
from ecomlib.pricing.observations import completed_sales, group_labels
from ecomlib.validation import check_argument, check_columns, check_frame, check_numeric

__all__ = ["DEFAULT_COST_RATIO", "line_costs", "unit_economics", "price_index", "price_tiers"]

#: Unit cost as a share of the paid price assumed when the data has no costs (a fraction). One
#: constant for every chapter that needs such an assumption, so their margins agree.
DEFAULT_COST_RATIO: float = 0.6


def line_costs(
    sales: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    unit_cost_ratio: float | None = None,
    price_col: str = "unit_price",
    cost_col: str = "unit_cost",
    product_col: str = "product_id",
) -> tuple[pd.Series, str]:
    """Unit cost (CNY) of each order line and where it came from.

    The first source that is available wins: the lines' own ``unit_cost`` column, the
    ``products`` table's ``unit_cost`` (joined on ``product_id``), or ``unit_cost_ratio``
    times the paid price (an assumption, which the returned source string says).

    Returns
    -------
    (Series, str)
        Unit cost per line (aligned with ``sales``) and one of ``"transactions"``,
        ``"products"``, ``"assumed ratio <r> of price"``.
    """
    if cost_col in sales.columns and sales[cost_col].notna().all():
        check_numeric(sales, [cost_col], "transactions")
        return sales[cost_col].astype(float), "transactions"
    if products is not None:
        check_products(products, product_col, cost_col)
        cost = sales[product_col].map(products.drop_duplicates(product_col).set_index(product_col)[cost_col])
        if cost.notna().all():
            return cost.astype(float), "products"
        if unit_cost_ratio is None:
            raise missing_cost_error(int(cost.isna().sum()))
    if unit_cost_ratio is not None:
        ratio = check_cost_ratio(unit_cost_ratio)
        return sales[price_col].astype(float) * ratio, f"assumed ratio {ratio:g} of price"
    raise no_cost_error(cost_col)


def check_products(products, product_col: str, cost_col: str) -> None:
    """The checks of a ``products`` table that supplies unit costs."""
    check_frame(products, "products")
    check_columns(products, [product_col, cost_col], "products")
    check_numeric(products, [cost_col], "products")


def check_cost_ratio(unit_cost_ratio) -> float:
    """``unit_cost_ratio`` as a float strictly between 0 and 1."""
    ratio = float(unit_cost_ratio)
    if not 0 < ratio < 1:
        raise ParameterError(f"`unit_cost_ratio` must be strictly between 0 and 1, but {unit_cost_ratio!r} was passed.")
    return ratio


def missing_cost_error(missing: int) -> DataError:
    return DataError(
        f"{missing} order line(s) have a product_id missing from `products`, so no unit cost.",
        fix="Complete the products table or pass unit_cost_ratio= as an assumption.",
    )


def no_cost_error(cost_col: str) -> SchemaError:
    return SchemaError(
        f"No unit costs: `transactions` has no complete {cost_col!r} column and no `products` "
        "table was given.",
        fix=f"Pass products= (with unit_cost), or unit_cost_ratio= (e.g. {DEFAULT_COST_RATIO}) as an assumption.",
    )


def unit_economics(
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    by: str = "category",
    fee_rate: float = 0.0,
    unit_cost_ratio: float | None = None,
    quantity_col: str = "quantity",
    price_col: str = "unit_price",
    status_col: str = "status",
) -> pd.DataFrame:
    """Price, cost, fees and margin per unit, per group (cost-plus view).

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Order lines with ``quantity``, ``unit_price`` and the ``by`` column; optional
        ``unit_cost``, ``status`` (only ``completed`` lines count, returns are left out).
        An ibis Table is summed per group on its backend, a large frame in DuckDB
        (:func:`ecomlib.engine.choose_engine`); ``products`` stays a pandas frame.
    products : DataFrame, optional
        ``product_id`` and ``unit_cost`` (CNY), used when the lines carry no cost.
    by : str, default "category"
        Group column.
    fee_rate : float, default 0
        Platform commission plus payment fees, as a fraction of the paid price.
    unit_cost_ratio : float, optional
        Assumed unit cost as a fraction of price, when no cost is available.

    Returns
    -------
    DataFrame
        One row per group, sorted by revenue: ``units``, ``revenue`` (CNY), ``avg_price``,
        ``unit_cost``, ``fees`` and ``margin_per_unit`` (CNY per unit), ``margin_rate``
        (margin / price), ``markup_on_cost`` ((price - cost) / cost) and ``cost_source``.

    Examples
    --------
    >>> import pandas as pd
    >>> lines = pd.DataFrame({"category": ["tea", "tea"], "quantity": [1, 3],
    ...                       "unit_price": [10.0, 10.0], "unit_cost": [6.0, 6.0]})
    >>> unit_economics(lines, fee_rate=0.1)[["margin_per_unit", "margin_rate"]].to_dict("records")
    [{'margin_per_unit': 3.0, 'margin_rate': 0.3}]
    """
    if not rules.is_ibis(transactions):
        check_frame(transactions, "transactions")
        check_columns(transactions, [by, quantity_col, price_col], "transactions")
        check_numeric(transactions, [quantity_col, price_col], "transactions")
    fee = float(fee_rate)
    if not 0 <= fee < 1:
        raise ParameterError(f"`fee_rate` must be in [0, 1), but {fee_rate!r} was passed.")
    if route(transactions) == "ibis":
        from ecomlib.engine import pricing as engine

        out, source = engine.group_costs(transactions, products, by, unit_cost_ratio, quantity_col=quantity_col,
                                         price_col=price_col, status_col=status_col)
        if out is None:
            raise missing_cost_error(source) if source is not None else no_cost_error("unit_cost")
    else:
        sales = completed_sales(transactions, quantity_col=quantity_col, price_col=price_col, status_col=status_col)
        cost, source = line_costs(sales, products, unit_cost_ratio=unit_cost_ratio, price_col=price_col)
        qty = sales[quantity_col].astype(float)
        parts = pd.DataFrame({
            "group": group_labels(sales, by), "units": qty,
            "revenue": qty * sales[price_col], "cost": qty * cost,
        })  # fmt: skip
        out = parts.groupby("group", sort=True)[["units", "revenue", "cost"]].sum()
    out["avg_price"] = out["revenue"] / out["units"]
    out["unit_cost"] = out["cost"] / out["units"]
    out["fees"] = fee * out["avg_price"]
    out["margin_per_unit"] = out["avg_price"] - out["unit_cost"] - out["fees"]
    out["margin_rate"] = out["margin_per_unit"] / out["avg_price"]
    out["markup_on_cost"] = (out["avg_price"] - out["unit_cost"]) / out["unit_cost"]
    out["cost_source"] = source
    out = out.drop(columns="cost").sort_values("revenue", ascending=False)
    return out.rename_axis(by).reset_index()


def price_index(
    competitors: pd.DataFrame,
    *,
    own: str,
    weighting: str = "sales",
    company_col: str = "company",
    year_col: str = "year",
    price_col: str = "avg_price",
    sales_col: str = "sales",
) -> pd.DataFrame:
    """Each company's average price against the competitors' average, per year (100 = par).

    The reference price of a year is the average of the *other* companies' prices
    (weighted by their sales, or unweighted), so the own shop is compared with its market
    rather than with itself: ``index = 100 * avg_price / reference``.

    Parameters
    ----------
    competitors : DataFrame
        ``company``, ``year``, ``sales`` (CNY), ``avg_price`` (CNY); other columns are kept.
    own : str
        The own shop's name in ``company``.
    weighting : {"sales", "equal"}, default "sales"
        How competitors' prices are averaged.

    Returns
    -------
    DataFrame
        The input rows plus ``reference_price`` (CNY), ``price_index`` and ``is_own``.

    Examples
    --------
    >>> import pandas as pd
    >>> comp = pd.DataFrame({"company": ["us", "a", "b"], "year": 2024,
    ...                      "sales": [1.0, 3.0, 1.0], "avg_price": [110.0, 100.0, 140.0]})
    >>> float(price_index(comp, own="us").set_index("company").loc["us", "price_index"])
    100.0
    """
    check_frame(competitors, "competitors")
    check_columns(competitors, [company_col, year_col, price_col, sales_col], "competitors")
    check_numeric(competitors, [price_col, sales_col], "competitors")
    check_argument("weighting", ["sales", "equal"], weighting)
    names = competitors[company_col].astype("str")
    if own not in set(names):
        check_argument("own", sorted(set(names)), own)
    is_own = names.eq(own)
    w = competitors[sales_col].astype(float) if weighting == "sales" else pd.Series(1.0, index=competitors.index)
    w = w.where(~is_own, 0.0)
    num = (w * competitors[price_col]).groupby(competitors[year_col]).transform("sum")
    den = w.groupby(competitors[year_col]).transform("sum")
    if (den <= 0).any():
        raise DataError("Some year has no competitor (other than `own`) with positive sales.")
    out = competitors.copy()
    out["reference_price"] = num / den
    out["price_index"] = 100 * out[price_col] / out["reference_price"]
    out["is_own"] = is_own.to_numpy()
    return out.sort_values([year_col, "price_index"], ascending=[True, False]).reset_index(drop=True)



def price_tiers(
    transactions: pd.DataFrame,
    *,
    by: str | None = "category",
    n_tiers: int = 3,
    product_col: str = "product_id",
    quantity_col: str = "quantity",
    price_col: str = "unit_price",
    status_col: str = "status",
) -> pd.DataFrame:
    """Price tiers within each group: products split by their average paid price.

    Within each group the products are ranked by average paid price and cut into
    ``n_tiers`` tiers of (nearly) equal numbers of products (tier 1 = cheapest). Each tier
    then gets its price range and its share of the group's units and revenue, which shows
    whether a category sells mostly at the entry price or at the premium end.

    Parameters
    ----------
    transactions : DataFrame
        Order lines with ``product_id``, ``quantity``, ``unit_price`` and the ``by`` column;
        ``status`` is used if present (completed sales only).
    by : str or None, default "category"
        Group column; None ranks all products of the shop together (one group ``"all"``),
        e.g. when the data has no categories.
    n_tiers : int, default 3
        Number of tiers (2-10); groups with fewer products get fewer tiers.

    Returns
    -------
    DataFrame
        One row per group and tier: ``products``, ``min_price`` / ``max_price`` /
        ``avg_price`` (CNY per unit), ``units``, ``revenue`` (CNY), ``unit_share`` and
        ``revenue_share`` (fractions of the group).

    Raises
    ------
    DataError
        When no group has two or more products with sales: there is no ladder of prices.

    Examples
    --------
    >>> import pandas as pd
    >>> lines = pd.DataFrame({"category": "tea", "product_id": ["a", "b", "c", "d"],
    ...                       "quantity": [5, 3, 1, 1], "unit_price": [10.0, 20.0, 40.0, 60.0]})
    >>> price_tiers(lines, n_tiers=2)[["tier", "products", "unit_share"]].to_dict("list")
    {'tier': [1, 2], 'products': [2, 2], 'unit_share': [0.8, 0.2]}
    """
    check_frame(transactions, "transactions")
    check_columns(transactions, [*([by] if by is not None else []), product_col, quantity_col, price_col],
                  "transactions")
    check_numeric(transactions, [quantity_col, price_col], "transactions")
    if isinstance(n_tiers, bool) or not isinstance(n_tiers, int) or not 2 <= n_tiers <= 10:
        raise ParameterError(f"`n_tiers` must be an integer from 2 to 10, but {n_tiers!r} was passed.")
    sales = completed_sales(transactions, quantity_col=quantity_col, price_col=price_col, status_col=status_col)
    qty = sales[quantity_col].astype(float)
    group = group_labels(sales, by) if by is not None else pd.Series("all", index=sales.index, dtype="str")
    lines = pd.DataFrame({"group": group, "product": sales[product_col].astype("str"),
                          "units": qty, "revenue": qty * sales[price_col]})  # fmt: skip
    per_product = lines.groupby(["group", "product"], sort=True)[["units", "revenue"]].sum().reset_index()
    if per_product.groupby("group")["product"].size().max() < 2:
        where = f"No {by} has" if by is not None else "The shop does not have"
        raise DataError(
            f"{where} two or more products with sales, so there is no ladder of prices to "
            "cut into tiers (price tiers need at least 2 products in a group).",
            fix="Use data with several products per group, or by=None to rank all products together.",
        )
    per_product["avg_price"] = per_product["revenue"] / per_product["units"]
    rank = per_product.groupby("group")["avg_price"].rank(method="first") - 1
    size = per_product.groupby("group")["product"].transform("size")
    per_product["tier"] = (rank * n_tiers // size).astype(int) + 1
    g = per_product.groupby(["group", "tier"], sort=True)
    out = pd.DataFrame({
        "products": g.size(), "min_price": g["avg_price"].min(), "max_price": g["avg_price"].max(),
        "units": g["units"].sum(), "revenue": g["revenue"].sum(),
    })  # fmt: skip
    out["avg_price"] = out["revenue"] / out["units"]
    out["unit_share"] = out["units"] / out.groupby(level="group")["units"].transform("sum")
    out["revenue_share"] = out["revenue"] / out.groupby(level="group")["revenue"].transform("sum")
    return out.reset_index().rename(columns={"group": by if by is not None else "group"})
