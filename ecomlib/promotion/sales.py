"""Daily sales per product, and which products a promotion covers (book 3.4, 5.3).

Every promotion analysis compares sales *in scope* of a promotion with what they would have been
without it, day by day. :func:`daily_sales` aggregates the order lines once into day x product
tables of units, revenue and gross margin; :func:`scope_mask` says which products a promotion
covers (the whole shop, some categories, or some products). Everything else in
:mod:`ecomlib.promotion` works on these small tables, never on the order lines again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.engine import rules
from ecomlib.engine.backend import route
from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_columns, check_frame, check_numeric, check_probability

__all__ = ["DailySales", "daily_sales", "other_promotion_days", "require_promotion", "scope_mask", "scope_masks"]

PROMOTION_COLUMNS = ["promo_id", "start", "end", "discount", "scope_type", "scope", "cost"]


@dataclass(frozen=True)
class DailySales:
    """Day x product tables of completed sales.

    Attributes
    ----------
    units, revenue, margin : DataFrame
        Index: every day of the period (``datetime64[us]``); columns: ``product_id``. Units sold,
        revenue (CNY) and gross margin (CNY: revenue - unit cost x units) of completed lines.
    list_price : DataFrame or None
        Each product's list price per day (CNY; paid price + discount per unit, carried forward
        over days without sales). None when the data has no ``discount`` column.
    products : DataFrame
        ``product_id`` (index) and ``category``.
    margin_source : str
        Where the margin came from: ``"unit_cost"`` or an assumed margin rate.
    pooled : tuple of str
        Catch-all groups in ``category`` that are not categories (the ``"other"`` of
        :func:`ecomlib.data.substitutes.category_substitute`): no cannibalisation is measured
        inside them, since thousands of unrelated products are no comparison.
    """

    units: pd.DataFrame
    revenue: pd.DataFrame
    margin: pd.DataFrame
    products: pd.DataFrame
    margin_source: str
    list_price: pd.DataFrame | None = None
    pooled: tuple[str, ...] = ()

    @property
    def days(self) -> pd.DatetimeIndex:
        return self.units.index

    def total(self, mask: np.ndarray, measure: str = "units") -> pd.Series:
        """Daily total of ``measure`` over the products where ``mask`` is True."""
        table = getattr(self, measure)
        return pd.Series(table.to_numpy()[:, mask].sum(axis=1), index=self.days, name=measure)

    def log_price_index(self, mask: np.ndarray) -> pd.Series | None:
        """Daily log list-price index of the products in ``mask`` (0 = their average level).

        A units-weighted mean of each product's log list price relative to its own mean: the
        price the shop *asked* before any promotion discount, so a baseline can follow ordinary
        price changes. None without list prices.
        """
        if self.list_price is None:
            return None
        logp = np.log(self.list_price.to_numpy()[:, mask])
        rel = logp - logp.mean(axis=0)
        weights = self.units.to_numpy()[:, mask].sum(axis=0)
        weights = weights / weights.sum() if weights.sum() > 0 else np.full(mask.sum(), 1 / mask.sum())
        return pd.Series(rel @ weights, index=self.days, name="log_price_index")


def daily_sales(
    transactions: pd.DataFrame,
    *,
    margin: float | None = None,
    date_col: str = "order_date",
    product_col: str = "product_id",
    category_col: str = "category",
    quantity_col: str = "quantity",
    revenue_col: str = "revenue",
    status_col: str = "status",
    cost_col: str = "unit_cost",
    pooled: tuple[str, ...] | list[str] = (),
) -> DailySales:
    """Aggregate completed order lines into day x product units, revenue and margin.

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Canonical order lines. Required: ``order_date``, ``product_id``, ``category``,
        ``quantity``, ``revenue``; ``status`` (only ``completed`` lines count) and ``unit_cost``
        are used when present. An ibis Table is grouped per day and product on its backend
        (a large frame in DuckDB, see :func:`ecomlib.engine.choose_engine`) and only that long
        table comes back; a product's category is then its alphabetically first one.
    margin : float, optional
        Gross margin as a share of revenue (0-1), used when the data has no ``unit_cost`` (the
        report says so). Required in that case.
    pooled : sequence of str, optional
        Groups of ``category`` that are catch-alls, not categories (``("other",)`` after
        :func:`ecomlib.data.substitutes.category_substitute`); see :class:`DailySales`.

    Returns
    -------
    DailySales
    """
    if not rules.is_ibis(transactions):
        check_frame(transactions, "transactions")
        check_columns(transactions, [date_col, product_col, category_col, quantity_col, revenue_col],
                      "transactions")
        check_numeric(transactions, [quantity_col, revenue_col], "transactions")
    if route(transactions) == "ibis":
        return _daily_sales_engine(transactions, margin, tuple(pooled), date_col=date_col, product_col=product_col,
                                   category_col=category_col, quantity_col=quantity_col, revenue_col=revenue_col,
                                   status_col=status_col, cost_col=cost_col)
    tx = transactions
    if status_col in tx.columns:
        tx = tx[rules.completed_sale(tx[status_col])]
    if tx.empty:
        raise DataError("`transactions` has no completed lines to analyse.")
    day = pd.to_datetime(tx[date_col]).dt.floor("D").astype("datetime64[us]")
    if cost_col in tx.columns and tx[cost_col].notna().all():
        gross = tx[revenue_col] - tx[cost_col] * tx[quantity_col]
        source = "unit_cost"
    elif margin is None:
        raise _no_margin()
    else:
        gross = tx[revenue_col] * check_probability("margin", margin)
        source = f"assumed {margin:.0%} of revenue"
    frame = pd.DataFrame({"day": day, "product": tx[product_col].astype("str"), "units": tx[quantity_col],
                          "revenue": tx[revenue_col], "margin": gross})
    products = (tx.assign(product=tx[product_col].astype("str"))
                .groupby("product")[category_col].first().astype("str").rename("category")
                .rename_axis("product_id").to_frame())
    if "discount" in tx.columns and (tx[quantity_col] > 0).all():
        per_unit = (tx[revenue_col] + tx["discount"].fillna(0)) / tx[quantity_col]
        frame["price"] = per_unit.where(per_unit > 0)  # free lines (price 0) have no list price: log(0) would poison the index
    return _tables(frame, products, source, pooled)


def _no_margin() -> ParameterError:
    return ParameterError(
        "The transactions have no `unit_cost`, so gross margin is unknown.",
        fix="Pass `margin=` (gross margin as a share of revenue, e.g. 0.4).",
    )


def _tables(frame: pd.DataFrame, products: pd.DataFrame, source: str, pooled) -> DailySales:
    """The day x product tables from sales per line or per day and product (``frame``: ``day``,
    ``product``, ``units``, ``revenue``, ``margin`` and, for list prices, ``price``)."""
    days = pd.date_range(frame["day"].min(), frame["day"].max(), freq="D", unit="us")
    tables = frame.pivot_table(index="day", columns="product", values=["units", "revenue", "margin"],
                               aggfunc="sum", fill_value=0)
    tables = tables.reindex(days, fill_value=0)
    order = list(products.index)
    list_price = None
    if "price" in frame.columns:
        list_price = (frame.pivot_table(index="day", columns="product", values="price", aggfunc="mean")
                      .reindex(days).ffill().bfill().reindex(columns=order).fillna(1.0))  # never priced: flat
    return DailySales(units=tables["units"][order].astype("float64"), revenue=tables["revenue"][order],
                      margin=tables["margin"][order], products=products, margin_source=source,
                      list_price=list_price, pooled=tuple(str(g) for g in pooled))


def _daily_sales_engine(transactions, margin, pooled, **cols) -> DailySales:
    """:func:`daily_sales` from the engine's sales per day and product (an ibis Table or DuckDB)."""
    from ecomlib.engine import pricing as engine

    long, facts = engine.daily_product_sales(transactions, margin, **cols)
    if int(facts["lines"]) == 0:
        raise DataError("`transactions` has no completed lines to analyse.")
    if long is None:
        raise _no_margin()
    if not facts["cost_complete"]:
        check_probability("margin", margin)
    source = "unit_cost" if facts["cost_complete"] else f"assumed {margin:.0%} of revenue"
    if "categories" in facts:
        categories = facts["categories"].set_index("product")["category"]
    else:  # a frame: each product's category on its first completed line, as on the pandas path
        tx = transactions
        if cols["status_col"] in tx.columns:
            tx = tx[rules.completed_sale(tx[cols["status_col"]])]
        categories = tx.groupby(tx[cols["product_col"]].astype("str"))[cols["category_col"]].first()
    products = (categories.sort_index().astype("str").rename("category").rename_axis("product_id").to_frame())
    return _tables(long, products, source, pooled)


NO_PROMOTION = ("There is no promotion to study: no calendar was supplied and none was found in the "
                "data, or none had enough history before it for a baseline.")


def require_promotion(promotion, what: str = "promotion") -> None:
    """Raise :class:`DataError` (with the fix) when ``promotion`` is None: nothing to study.

    The chapter's functions that study one promotion call this first, so a report on an export
    without promotions skips their sections with this message instead of failing.
    """
    if promotion is None:
        raise DataError(NO_PROMOTION, fix="Supply a promotions calendar (promotions.csv), or festival dates "
                        "(festival_dates), or data with discounted periods of several days.")


def _scope_items(scope) -> list[str]:
    if scope is None or (isinstance(scope, float) and np.isnan(scope)) or pd.isna(scope):
        return []
    return [s.strip() for s in str(scope).split(";") if s.strip()]


def scope_mask(promotion: pd.Series, products: pd.DataFrame) -> np.ndarray:
    """Boolean array over ``products`` (index ``product_id``, column ``category``): in scope?

    ``scope_type`` ``all`` covers every product, ``category`` the listed categories and
    ``product`` the listed product ids (``scope`` is semicolon-separated).
    """
    kind = str(promotion["scope_type"])
    items = _scope_items(promotion.get("scope"))
    if kind == "all":
        return np.ones(len(products), dtype=bool)
    if kind == "category":
        mask = products["category"].isin(items).to_numpy()
    elif kind == "product":
        mask = products.index.isin(items)
    else:
        raise ParameterError(
            f"Promotion {promotion.get('promo_id')!r} has `scope_type` {kind!r}; allowed: all, category, product.")
    if not mask.any():
        raise DataError(f"Promotion {promotion.get('promo_id')!r} covers none of the products sold "
                        f"(scope {items!r}).")
    return np.asarray(mask)


def scope_masks(promotions: pd.DataFrame, products: pd.DataFrame) -> dict:
    """``promo_id -> scope_mask`` for a whole calendar (computed once, reused by every baseline)."""
    return {row["promo_id"]: scope_mask(row, products) for _, row in promotions.iterrows()}


def other_promotion_days(promotions: pd.DataFrame, promo_id, days: pd.DatetimeIndex, products: pd.DataFrame,
                         mask: np.ndarray, post_weeks: int, *, units: pd.DataFrame | None = None,
                         min_overlap: float = 0.25, masks: dict | None = None) -> np.ndarray:
    """Days touched by *other* promotions that overlap ``mask`` (their run plus ``post_weeks``).

    A baseline must not learn from days that other promotions lifted or depressed; this marks
    them so they are left out of every pre-period. With ``units`` (day x product), another
    promotion counts only when its products carry at least ``min_overlap`` of the units in
    ``mask`` — a one-category offer barely moves a whole-shop festival's baseline, and leaving out
    its weeks would starve the festival's pre-period. ``masks`` (from :func:`scope_masks`) saves
    recomputing each promotion's scope.
    """
    masks = masks if masks is not None else scope_masks(promotions, products)
    touched = np.zeros(len(days), dtype=bool)
    weights = None if units is None else units.to_numpy()[:, mask].sum(axis=0)
    day_values = days.to_numpy()
    others = promotions[promotions["promo_id"] != promo_id]
    for pid, start, end in zip(others["promo_id"], others["start"], others["end"], strict=True):  # dozens
        overlap = masks[pid] & mask
        if not overlap.any():
            continue
        if weights is not None and weights.sum() > 0 and weights[overlap[mask]].sum() / weights.sum() < min_overlap:
            continue
        stop = np.datetime64(end + pd.Timedelta(weeks=post_weeks))
        touched |= (day_values >= np.datetime64(start)) & (day_values <= stop)
    return touched
