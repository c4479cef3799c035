"""A category x week panel around one promotion, ready for difference-in-differences."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.errors import DataError
from ecomlib.promotion.sales import DailySales, require_promotion, scope_mask

__all__ = ["category_week_panel"]


def category_week_panel(daily: DailySales, promotion: pd.Series, *, pre_weeks: int = 12) -> pd.DataFrame:
    """Weekly units per category from ``pre_weeks`` before the promotion to its last week.

    Weeks run Monday-Sunday. ``treated`` marks the categories the promotion covers (for a product
    promotion: the categories of its products), ``post`` the weeks overlapping the promotion;
    ``log_units`` = log(1 + units) is the outcome whose DiD coefficient approximates
    log(1 + lift).

    With list prices (a ``discount`` column), the panel also carries ``log_list_price``, each
    category's weekly log list-price index (:meth:`DailySales.log_price_index`: the price asked
    before promotion discounts). Categories change their regular prices at different times, which
    breaks parallel trends; pass ``controls=panel.attrs["controls"]`` to :func:`did` to compare
    at equal list prices. ``panel.attrs["controls"]`` is ``("log_list_price",)``, or ``()`` without
    list prices (or when a category has no price in some week of the window).

    Returns
    -------
    DataFrame
        ``category``, ``week`` (Monday), ``units``, ``log_units``, ``treated`` (0/1), ``post`` (0/1),
        and ``log_list_price`` when the data has list prices.
    """
    require_promotion(promotion)
    mask = scope_mask(promotion, daily.products)
    cats = daily.products["category"]
    treated_cats = set(cats[mask])
    if len(treated_cats) == cats.nunique():
        raise DataError(f"Promotion {promotion['promo_id']!r} covers every category: there is no "
                        "untreated category to compare with (use a baseline instead).")
    start, end = pd.Timestamp(promotion["start"]), pd.Timestamp(promotion["end"])
    first = (start - pd.Timedelta(weeks=pre_weeks)).to_period("W-SUN").start_time
    by_cat = daily.units.T.groupby(cats.to_numpy()).sum().T
    window = by_cat.loc[(by_cat.index >= first) & (by_cat.index <= end)]
    weekly = window.groupby(window.index.to_period("W-SUN").start_time).sum()
    panel = weekly.stack().rename("units").rename_axis(["week", "category"]).reset_index()
    panel["week"] = panel["week"].astype("datetime64[us]")
    panel["log_units"] = np.log1p(panel["units"])
    panel["treated"] = panel["category"].isin(treated_cats).astype("int64")
    promo_weeks = pd.period_range(start, end, freq="W-SUN").start_time
    panel["post"] = panel["week"].isin(promo_weeks).astype("int64")
    panel = panel[["category", "week", "units", "log_units", "treated", "post"]]
    prices = _weekly_log_list_price(daily, weekly.index)
    if prices is not None and prices.notna().all().all():
        panel = panel.merge(prices.stack().rename("log_list_price").rename_axis(["week", "category"])
                            .reset_index(), on=["week", "category"], how="left")
        panel.attrs["controls"] = ("log_list_price",)
    else:
        panel.attrs["controls"] = ()
    return panel


def _weekly_log_list_price(daily: DailySales, weeks: pd.Index) -> pd.DataFrame | None:
    """Week x category mean of each category's daily log list-price index (None without prices)."""
    if daily.list_price is None:
        return None
    cats = daily.products["category"].to_numpy()
    index = pd.DataFrame({c: daily.log_price_index(cats == c) for c in pd.unique(cats)})
    weekly = index.groupby(index.index.to_period("W-SUN").start_time).mean()
    weekly.index = weekly.index.astype("datetime64[us]")
    return weekly.reindex(weeks.astype("datetime64[us]"))
