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
    check_table(t, needed, date_cols=[date_col] if date_col else [])
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


def daily_product_sales(data, margin_rate, *, date_col, product_col, category_col, quantity_col,
                        revenue_col, status_col, cost_col):
    """Completed sales per day and product in long format, for :func:`ecomlib.promotion.daily_sales`.

    Returns ``(long, facts)``: ``long`` has one row per day and product sold (``day``,
    ``product``, ``units``, ``revenue``, ``margin``, ``price`` (mean list price per unit of
    the day's lines, NaN when none is known)); ``facts`` holds ``lines`` (completed lines),
    ``cost_complete`` (every completed line has a unit cost), ``all_positive`` (every
    quantity is positive), ``has_discount`` and, for an ibis Table, ``categories`` (each
    product's category: the alphabetically first one, as a table has no line order).
    ``margin_rate`` is used (revenue x rate) when the unit cost is not complete; None then
    means the margin is unknown and the caller raises.
    """
    import ibis

    has = set(data.columns)
    has_cost, has_discount = cost_col in has, "discount" in has
    cols = [date_col, product_col, category_col, quantity_col, revenue_col,
            *([status_col] if status_col in has else []), *([cost_col] if has_cost else []),
            *(["discount"] if has_discount else [])]
    with as_table(data, cols) as t:
        if rules.is_ibis(data):
            check_table(t, [date_col, product_col, category_col, quantity_col, revenue_col], date_cols=[date_col])
        tx = t.filter(rules.completed_sale(t[status_col])) if status_col in has else t
        facts_expr = {"lines": tx.count(), "all_positive": (tx[quantity_col] > 0).all()}
        if has_cost:
            facts_expr["cost_complete"] = tx[cost_col].notnull().all()
        facts = fetch(tx.aggregate(**facts_expr)).iloc[0].to_dict()
        facts["cost_complete"] = bool(has_cost and facts.get("cost_complete"))
        facts["all_positive"] = bool(facts["all_positive"])
        facts["has_discount"] = has_discount
        if int(facts["lines"]) == 0:
            return None, facts
        revenue = tx[revenue_col].cast("float64")
        if facts["cost_complete"]:
            gross = revenue - tx[cost_col] * tx[quantity_col]
        elif margin_rate is not None:
            gross = revenue * margin_rate
        else:
            return None, facts
        lines = {"day": tx[date_col].truncate("D").cast("timestamp(6)"), "product": tx[product_col].cast("string"),
                 "units": tx[quantity_col], "revenue": revenue, "margin": gross.cast("float64")}
        if has_discount and facts["all_positive"]:
            per_unit = (revenue + tx["discount"].fill_null(0)) / tx[quantity_col]
            lines["price"] = ibis.ifelse(per_unit > 0, per_unit, ibis.null("float64"))
        frame = tx.select(**lines)
        aggs = {"units": frame.units.sum(), "revenue": frame.revenue.sum(), "margin": frame.margin.sum()}
        if "price" in lines:
            aggs["price"] = frame.price.mean()
        long = fetch(frame.group_by(["day", "product"]).aggregate(**aggs))
        if rules.is_ibis(data):
            cats = tx.select(product=tx[product_col].cast("string"), category=tx[category_col].cast("string"))
            facts["categories"] = fetch(cats.group_by("product").aggregate(category=cats.category.min()))
    return long.sort_values(["day", "product"], kind="stable").reset_index(drop=True), facts


def _group_sales(t, by, status_col, quantity_col, price_col, has, extra):
    """The completed sales with a positive quantity and price, and one fetched row of facts about
    them: ``lines``, ``known`` (``by`` has a value somewhere) and each of ``extra`` (name -> a
    function of the sales giving a scalar expression). Raises DataError when there is no sale or no
    group to compare."""
    status = t[status_col] if status_col in has else None
    sales = t.filter(rules.priced_sale(t[quantity_col], t[price_col], status))
    facts = {"lines": sales.count(), "known": sales[by].notnull().any()}
    facts.update({name: make(sales) for name, make in extra.items()})
    facts = fetch(sales.aggregate(**facts)).iloc[0]
    if int(facts["lines"]) == 0:
        raise DataError("`transactions` holds no completed sales with a positive quantity and price.",
                        fix=f"Check the `{status_col}`, `{quantity_col}` and `{price_col}` columns.")
    if not bool(facts["known"]):
        raise DataError(
            f"`transactions` column {by!r} is empty on every line, so there are no groups to compare.",
            fix="Group by product instead (ecomlib.data.substitutes.category_substitute), or pass "
            "by= a column that has values.")
    return sales, facts


def group_costs(data, products, by, unit_cost_ratio, *, quantity_col, price_col, status_col,
                cost_col="unit_cost", product_col="product_id"):
    """Units, revenue and cost of the priced sales per group, and the cost source.

    The cost source follows :func:`ecomlib.pricing.unit_economics.line_costs`: the lines'
    own complete ``cost_col``, else the ``products`` table (a pandas frame, joined on
    ``product_col``), else ``unit_cost_ratio`` times the paid price. Returns ``(sums, source)``
    with ``sums`` indexed by ``group`` (sorted) and columns ``units``, ``revenue``, ``cost``;
    ``source`` is None when no source applies (the caller raises), or an ``int`` count of
    lines whose product has no cost in ``products`` when that is the reason.
    """
    import ibis

    has = set(data.columns)
    cols = [by, quantity_col, price_col, *([status_col] if status_col in has else []),
            *([cost_col] if cost_col in has else []), *([product_col] if product_col in has else [])]
    with as_table(data, cols) as t:
        if rules.is_ibis(data):
            _checked(t, [by, quantity_col, price_col], None, quantity_col, price_col)
        extra = {"cost_complete": lambda sales: sales[cost_col].notnull().all()} if cost_col in has else {}
        sales, facts = _group_sales(t, by, status_col, quantity_col, price_col, has, extra)
        cost, source = None, None
        if cost_col in has and bool(facts["cost_complete"]):
            cost, source = sales[cost_col].cast("float64"), "transactions"
        elif products is not None:
            from ecomlib.pricing.unit_economics import check_products

            check_products(products, product_col, cost_col)
            table = products.drop_duplicates(product_col)[[product_col, cost_col]]
            costs = ibis.memtable(table.rename(columns={product_col: "_product", cost_col: "_cost"}))
            sales = sales.left_join(costs, sales[product_col] == costs["_product"])
            missing = int(fetch(sales.aggregate(n=sales["_cost"].isnull().sum()))["n"].iloc[0])
            if missing == 0:
                cost, source = sales["_cost"].cast("float64"), "products"
            elif unit_cost_ratio is None:
                return None, missing
        if cost is None and unit_cost_ratio is not None:
            from ecomlib.pricing.unit_economics import check_cost_ratio

            cost = sales[price_col].cast("float64") * check_cost_ratio(unit_cost_ratio)
            source = f"assumed ratio {float(unit_cost_ratio):g} of price"
        if cost is None:
            return None, None
        group = ibis.ifelse(sales[by].isnull(), f"(no {by})", sales[by].cast("string"))
        qty = sales[quantity_col].cast("float64")
        parts = sales.select(group=group, units=qty, revenue=qty * sales[price_col], cost=qty * cost)
        sums = fetch(parts.group_by("group").aggregate(units=parts.units.sum(), revenue=parts.revenue.sum(),
                                                       cost=parts.cost.sum()))
    return sums.set_index("group").sort_index(), source


def discount_cells(data, products, by, freq, threshold, *, date_col, quantity_col, price_col, discount_col,
                   status_col):
    """The per group and period table of :func:`ecomlib.pricing.discount_depth`, and the list-price source.

    The lines are the priced sales (:func:`ecomlib.engine.rules.priced_sale`); the list price
    of a line is its ``unit_price + discount / quantity`` when ``discount_col`` has values on
    some sale, else the ``products`` table's ``list_price`` (a pandas frame, joined on
    ``product_id``); the discount ``1 - unit_price / list_price``; lines whose discount is
    not finite (a zero list price) are left out, as on the pandas path. Returns ``(table,
    source)`` with ``table`` as :attr:`ecomlib.pricing.DiscountDepth.table` (``lines``,
    ``units``, ``mean_discount``, ``share_discounted``, ``p50``, ``p90``: the line-level
    quantiles are exact, linearly interpolated as pandas' ``quantile``).
    """
    import ibis

    has = set(data.columns)
    cols = [date_col, by, quantity_col, price_col, *([status_col] if status_col in has else []),
            *([discount_col] if discount_col in has else []), *(["product_id"] if "product_id" in has else [])]
    with as_table(data, cols) as t:
        if rules.is_ibis(data):
            _checked(t, [date_col, by, quantity_col, price_col], date_col, quantity_col, price_col)
        extra = {"money_off": lambda sales: sales[discount_col].notnull().any()} if discount_col in has else {}
        sales, facts = _group_sales(t, by, status_col, quantity_col, price_col, has, extra)
        price = sales[price_col].cast("float64")
        if discount_col in has and bool(facts["money_off"]):
            if not numeric_column(t, discount_col):
                raise SchemaError(f"`transactions` column {discount_col!r} must be numeric.",
                                  fix="Cast the column to numbers in the database or in a view.")
            listed = price + sales[discount_col].cast("float64").fill_null(0.0) / sales[quantity_col]
            source = "discount column"
        else:
            sales, listed = _listed_from_products(sales, products, discount_col)
            source = "products"
        # not finite on the pandas path (a zero list price) is NULL here: left out in both
        discount = ibis.ifelse(listed == 0, ibis.null("float64"), 1 - sales[price_col] / listed)
        group = ibis.ifelse(sales[by].isnull(), f"(no {by})", sales[by].cast("string"))
        lines = sales.select(group=group, period_start=sales[date_col].truncate(_TRUNCATE[freq]).cast("timestamp(6)"),
                             quantity=sales[quantity_col], discount=discount)
        lines = lines.filter(lines.discount.notnull())
        on_sale = ibis.ifelse(lines.discount > threshold, lines.quantity, 0)
        table = fetch(lines.group_by(["group", "period_start"]).aggregate(
            lines=lines.count(), units=lines.quantity.sum(),
            weighted=(lines.discount * lines.quantity).sum(), sold_on_sale=on_sale.cast("float64").sum(),
            p50=lines.discount.quantile(0.5), p90=lines.discount.quantile(0.9)))
    table = table.sort_values(["group", "period_start"], kind="stable").reset_index(drop=True)
    units = table["units"].to_numpy(dtype=float)
    out = pd.DataFrame({
        "group": table["group"].astype("str"), "period_start": table["period_start"].astype("datetime64[us]"),
        "lines": table["lines"].astype("int64"),
        "units": table["units"].astype("int64" if pd.api.types.is_integer_dtype(table["units"]) else float),
        "mean_discount": table["weighted"].to_numpy(dtype=float) / units,
        "share_discounted": table["sold_on_sale"].to_numpy(dtype=float) / units,
        "p50": table["p50"].astype(float), "p90": table["p90"].astype(float)})
    return out, source


def _listed_from_products(sales, products, discount_col):
    """Join ``products``' list price onto the sales (a DataError names the lines without one)."""
    import ibis

    from ecomlib.validation import check_columns, check_frame, check_numeric

    if products is None:
        raise SchemaError(
            f"No list prices: the transactions have no (filled) {discount_col!r} column (money off the "
            "line) and there is no products table with list_price",
            fix=f"Supply a {discount_col!r} column in the transactions, or products (product_id, "
            "list_price); from Python pass products=.")
    check_frame(products, "products")
    check_columns(products, ["product_id", "list_price"], "products")
    check_columns(sales, ["product_id"], "transactions")
    check_numeric(products, ["list_price"], "products")
    table = products.drop_duplicates("product_id")[["product_id", "list_price"]]
    prices = ibis.memtable(table.rename(columns={"product_id": "_product", "list_price": "_list"})
                           .astype({"_product": "str", "_list": float}))
    joined = sales.left_join(prices, sales["product_id"].cast("string") == prices["_product"])
    missing = int(fetch(joined.aggregate(n=joined["_list"].isnull().sum()))["n"].iloc[0])
    if missing:
        raise DataError(f"{missing} order line(s) have a product_id missing from `products`, so no list price.")
    return joined, joined["_list"]
