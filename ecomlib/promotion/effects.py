"""Lift and after-effects of one promotion (book sections 3.4, 風險管理與效果評估, and 5.3).

For a promotion running from ``start`` to ``end``:

* **lift**: units in scope during the promotion against the baseline,
  ``lift = actual / baseline - 1`` (relative) and ``actual - baseline`` (incremental units,
  revenue and gross margin);
* **pull-forward**: the dip in the ``post_weeks`` after it, ``1 - actual / baseline`` (positive = a
  dip: buyers bought earlier what they would have bought anyway);
* **cannibalisation**: the drop of the *same categories'* products that were not on promotion,
  ``1 - actual / baseline`` during the promotion (positive = they lost sales);
* **halo**: the change of chosen complementary categories during the promotion (positive = a lift);
* **net lift**: incremental gross margin during the promotion, minus the margin lost to
  pull-forward and cannibalisation, plus the halo's.

Every figure comes with its interval from :func:`ecomlib.promotion.baseline`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.promotion.baseline import BaselineResult, baseline
from ecomlib.promotion.sales import (
    DailySales,
    other_promotion_days,
    require_promotion,
    scope_mask,
    scope_masks,
)
from ecomlib.validation import check_columns

__all__ = ["PromotionEffects", "category_elasticities", "promotion_effects", "scope_elasticity"]

_PROMO_COLUMNS = ["promo_id", "start", "end", "scope_type", "scope"]


@dataclass(frozen=True)
class PromotionEffects:
    """Estimated effects of one promotion.

    Attributes
    ----------
    promo_id : str
    table : DataFrame
        One row per effect (``lift``, ``pull_forward``, ``cannibalisation``, ``halo``) with
        ``estimate``, ``low``, ``high`` (relative, fractions), ``incremental_units``,
        ``incremental_revenue`` and ``incremental_margin`` (CNY; negative = lost).
    net_margin : float
        Incremental margin during the promotion + after-effects (CNY).
    baselines : dict of str to BaselineResult
        The units baselines behind each effect (for plotting).
    method : str
    """

    promo_id: str
    table: pd.DataFrame
    net_margin: float
    baselines: dict
    method: str

    def summary(self) -> pd.DataFrame:
        return self.table

    def headline(self) -> str:
        """One line for a widget: the lift with its interval."""
        lift = self.table.loc["lift"]
        return (f"{self.promo_id}: lift {100 * lift['estimate']:+.0f}% "
                f"[{100 * lift['low']:+.0f}%, {100 * lift['high']:+.0f}%] ({self.method} baseline)")


def category_elasticities(transactions: pd.DataFrame) -> tuple[dict, str]:
    """Category price elasticities for the ``forecast`` baseline, from the pricing chapter.

    Returns ``(elasticities, note)``: the identifiable categories' estimates from
    :func:`ecomlib.pricing.estimate_elasticity`, and a sentence for the report. When none can be
    estimated (too little price variation, too short a history) the dict is empty and the baseline
    estimates the price effect from its own pre-period.
    """
    from ecomlib.errors import EcomlibError
    from ecomlib.pricing import estimate_elasticity

    try:
        table = estimate_elasticity(transactions).summary()
    except EcomlibError as exc:
        return {}, f"No category elasticities could be estimated ({exc.message}); each baseline estimates its own."
    values = table["elasticity"].dropna().to_dict()
    if not values:
        return {}, "No category has enough price variation for an elasticity; each baseline estimates its own."
    return values, f"Category elasticities from the pricing chapter for {len(values)} of {len(table)} categories."


def scope_elasticity(elasticities: dict | None, daily: DailySales, mask: np.ndarray) -> float | None:
    """Units-weighted mean of category elasticities over the products in ``mask`` (None if unknown)."""
    if not elasticities:
        return None
    cats = daily.products["category"].to_numpy()[mask]
    units = daily.units.to_numpy()[:, mask].sum(axis=0)
    known = np.array([c in elasticities for c in cats])
    if not known.any() or units[known].sum() <= 0:
        return None
    values = np.array([elasticities[c] for c in cats[known]], dtype=float)
    return float(np.average(values, weights=units[known]))


def _effect_row(name: str, result: BaselineResult, period: str, daily: DailySales, mask: np.ndarray,
                sign: int) -> dict:
    """Relative effect (``sign`` -1 turns a drop into a positive number) and the money it moved.

    Money compares actual revenue and margin with the baseline units valued at the pre-period's
    own price and unit margin, so a discount given on units that would have sold anyway counts
    as lost margin.
    """
    e = result.effect(period)
    frame = result.frame
    rows = frame.index[frame["period"] == period]
    pre = frame.index[frame["used"]]
    rev, mar, uni = (getattr(daily, t).loc[rows].to_numpy()[:, mask].sum() for t in ("revenue", "margin", "units"))
    pre_units = daily.units.loc[pre].to_numpy()[:, mask].sum()
    pre_price = daily.revenue.loc[pre].to_numpy()[:, mask].sum() / pre_units if pre_units > 0 else 0.0
    pre_margin = daily.margin.loc[pre].to_numpy()[:, mask].sum() / pre_units if pre_units > 0 else 0.0
    lo, hi = sorted((sign * e["relative_low"], sign * e["relative_high"]))
    return {"effect": name, "estimate": sign * e["relative"], "low": lo, "high": hi,
            "incremental_units": uni - e["baseline"],
            "incremental_revenue": rev - e["baseline"] * pre_price,
            "incremental_margin": mar - e["baseline"] * pre_margin,
            "baseline_units": e["baseline"], "days": int(e["days"])}


def promotion_effects(
    daily: DailySales,
    promotion: pd.Series,
    promotions: pd.DataFrame | None = None,
    *,
    method: str = "forecast",
    pre_weeks: int = 12,
    post_weeks: int = 2,
    elasticities: dict | None = None,
    halo_categories=None,
    level: float = 0.95,
    masks: dict | None = None,
) -> PromotionEffects:
    """Lift, pull-forward, cannibalisation, halo and net margin of one promotion.

    Parameters
    ----------
    daily : DailySales
        From :func:`ecomlib.promotion.daily_sales`.
    promotion : Series
        One row of the promotions table (``promo_id``, ``start``, ``end``, ``scope_type``,
        ``scope``).
    promotions : DataFrame, optional
        The whole calendar, so that days of other promotions are left out of the baselines.
    method : {"forecast", "pre_period", "control"}
        Baseline method (:func:`ecomlib.promotion.baseline`); ``control`` uses the categories
        the promotion does not touch.
    pre_weeks, post_weeks : int
        Weeks the baseline learns from; weeks after the promotion checked for pull-forward.
    elasticities : dict, optional
        Category -> price elasticity, so the ``forecast`` baseline follows ordinary list-price
        changes (e.g. from :func:`ecomlib.pricing.estimate_elasticity`).
    halo_categories : list of str, optional
        Categories expected to gain from the promotion (complements).
    masks : dict, optional
        Precomputed :func:`scope_masks` of ``promotions`` (speed only).

    Returns
    -------
    PromotionEffects
    """
    require_promotion(promotion)
    check_columns(promotion.to_frame().T, _PROMO_COLUMNS, "promotion")
    calendar = promotions if promotions is not None else promotion.to_frame().T
    products = daily.products
    masks = masks if masks is not None else scope_masks(calendar, products)
    mask = scope_mask(promotion, products)
    cats_in_scope = products["category"].to_numpy()[mask]
    real_cats = [c for c in np.unique(cats_in_scope) if c not in daily.pooled]  # "other" is no category
    same_cat = np.isin(products["category"].to_numpy(), real_cats) & ~mask
    untouched = ~np.isin(products["category"].to_numpy(), cats_in_scope)
    halo = np.isin(products["category"].to_numpy(), list(halo_categories or [])) & untouched
    control_mask = untouched & ~halo

    def run(sub_mask):
        skip = other_promotion_days(calendar, promotion["promo_id"], daily.days, products, sub_mask,
                                    post_weeks, units=daily.units, masks=masks)
        control = daily.total(control_mask) if (method == "control" and control_mask.any()) else None
        return baseline(daily.total(sub_mask), promotion["start"], promotion["end"], method=method,
                        pre_weeks=pre_weeks, post_weeks=post_weeks, control=control, exclude=skip,
                        log_price=daily.log_price_index(sub_mask),
                        elasticity=scope_elasticity(elasticities, daily, sub_mask), level=level)

    main = run(mask)
    rows = [_effect_row("lift", main, "during", daily, mask, +1)]
    baselines = {"lift": main}
    if post_weeks > 0:
        rows.append(_effect_row("pull_forward", main, "post", daily, mask, -1))
    if same_cat.any():
        cannibal = run(same_cat)
        baselines["cannibalisation"] = cannibal
        rows.append(_effect_row("cannibalisation", cannibal, "during", daily, same_cat, -1))
    if halo.any():
        halo_result = run(halo)
        baselines["halo"] = halo_result
        rows.append(_effect_row("halo", halo_result, "during", daily, halo, +1))
    table = pd.DataFrame(rows).set_index("effect")
    net = float(table["incremental_margin"].sum())
    return PromotionEffects(promo_id=str(promotion["promo_id"]), table=table, net_margin=net,
                            baselines=baselines, method=method)
