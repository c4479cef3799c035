"""Every promotion in one table, and next year's festival budget (book 3.4 "budget and resources").

:func:`campaign_table` estimates each promotion of the calendar with
:func:`ecomlib.promotion.promotion_effects` and ranks them by ROI:

    ROI = (net incremental gross margin - cost) / cost

where the net margin already subtracts pull-forward and cannibalisation.

:func:`allocate_budget` splits a budget across festivals by equalising their marginal ROI under a
stated assumption of diminishing returns: a festival that earned net margin ``M`` on cost ``c``
earns ``M (s / c)^beta`` on spend ``s`` (``0 < beta < 1``; ``beta = 0.5``: doubling spend raises
margin by 41 %). Setting the marginal returns equal gives the closed form

    s_i  proportional to  (M_i / c_i^beta)^(1 / (1 - beta))

Festivals whose net margin was not positive get nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.promotion.effects import promotion_effects
from ecomlib.promotion.sales import DailySales, scope_masks
from ecomlib.validation import check_columns, check_frame, check_positive

__all__ = ["allocate_budget", "by_kind", "campaign_table", "last_festivals"]


def campaign_table(
    daily: DailySales,
    promotions: pd.DataFrame,
    *,
    method: str = "forecast",
    pre_weeks: int = 12,
    post_weeks: int = 2,
    elasticities: dict | None = None,
) -> pd.DataFrame:
    """Incremental revenue, margin, cost and ROI of every promotion, best first.

    Parameters
    ----------
    daily : DailySales
    promotions : DataFrame
        The calendar: ``promo_id``, ``name``, ``start``, ``end``, ``kind``, ``scope_type``,
        ``scope``, ``cost`` (CNY).
    method, pre_weeks, post_weeks, elasticities
        As in :func:`ecomlib.promotion.promotion_effects`.

    Returns
    -------
    DataFrame
        One row per promotion: ``promo_id``, ``name``, ``kind``, ``start``, ``end``, ``lift``
        (relative, with ``lift_low``/``lift_high``), ``incremental_revenue``,
        ``incremental_margin`` (during), ``after_effects_margin`` (pull-forward,
        cannibalisation, halo), ``net_margin``, ``cost``, ``roi``, ``roas`` and ``rank`` (1 =
        best ROI). Promotions that cannot be estimated (too little history) keep a ``note``.
    """
    check_frame(promotions, "promotions")
    check_columns(promotions, ["promo_id", "start", "end", "scope_type", "scope", "cost"], "promotions")
    rows = []
    masks = scope_masks(promotions, daily.products)
    for _, promo in promotions.iterrows():  # one estimate per promotion (dozens at most)
        base = {"promo_id": promo["promo_id"], "name": promo.get("name", promo["promo_id"]),
                "kind": promo.get("kind", ""), "start": promo["start"], "end": promo["end"],
                "cost": float(promo["cost"])}
        try:
            eff = promotion_effects(daily, promo, promotions, method=method, pre_weeks=pre_weeks,
                                    post_weeks=post_weeks, elasticities=elasticities, masks=masks)
        except DataError as exc:
            rows.append({**base, "note": exc.message})
            continue
        lift = eff.table.loc["lift"]
        after = float(eff.table["incremental_margin"].drop("lift").sum()) if len(eff.table) > 1 else 0.0
        rows.append({**base, "lift": lift["estimate"], "lift_low": lift["low"], "lift_high": lift["high"],
                     "incremental_revenue": lift["incremental_revenue"],
                     "incremental_margin": lift["incremental_margin"], "after_effects_margin": after,
                     "net_margin": eff.net_margin, "note": ""})
    table = pd.DataFrame(rows)
    cost = table["cost"].where(table["cost"] > 0)
    table["roi"] = (table.get("net_margin") - cost) / cost
    table["roas"] = table.get("incremental_revenue") / cost
    table = table.sort_values("roi", ascending=False, na_position="last", ignore_index=True)
    table["rank"] = np.arange(1, len(table) + 1)
    return table


def allocate_budget(
    last: pd.DataFrame,
    budget: float,
    *,
    beta: float = 0.5,
    name_col: str = "festival",
    margin_col: str = "net_margin",
    cost_col: str = "cost",
) -> pd.DataFrame:
    """Split ``budget`` (CNY) across festivals so that their marginal ROI is equal.

    Parameters
    ----------
    last : DataFrame
        One row per festival with last time's ``net_margin`` and ``cost`` (CNY).
    budget : float
        Total to spend next time (CNY).
    beta : float
        Diminishing-returns exponent, 0 < beta < 1 (an assumption; say which in a report).

    Returns
    -------
    DataFrame
        ``festival``, ``last_cost``, ``last_net_margin``, ``budget`` (allocated), ``expected_net_margin``,
        ``expected_roi`` and ``marginal_roi`` (return of one more CNY, minus 1).
    """
    check_frame(last, "last")
    check_columns(last, [name_col, margin_col, cost_col], "last")
    budget = check_positive("budget", budget)
    if not 0 < beta < 1:
        raise ParameterError(f"`beta` must be strictly between 0 and 1, but {beta!r} was passed.")
    m = last[margin_col].to_numpy(dtype=float)
    c = last[cost_col].to_numpy(dtype=float)
    if np.any(c <= 0):
        raise DataError("Every festival needs a positive last cost to scale its returns from.")
    weight = np.where(m > 0, (np.clip(m, 0, None) / c**beta) ** (1 / (1 - beta)), 0.0)
    if weight.sum() == 0:
        raise DataError("No festival earned a positive net margin last time: there is nothing to allocate to.",
                        fix="Check the campaign table; a budget should not follow losses.")
    spend = budget * weight / weight.sum()
    expected = np.where(spend > 0, m * (spend / c) ** beta, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        marginal = np.where(spend > 0, beta * expected / spend, np.nan) - 1
    out = pd.DataFrame({"festival": last[name_col].to_numpy(), "last_cost": c, "last_net_margin": m,
                        "budget": spend, "expected_net_margin": expected})
    out["expected_roi"] = (out["expected_net_margin"] - out["budget"]) / out["budget"].where(out["budget"] > 0)
    out["marginal_roi"] = marginal
    return out


def by_kind(campaigns: pd.DataFrame) -> pd.DataFrame:
    """Promotion types compared: count, mean lift, total cost and net margin, pooled ROI.

    Pooled ROI = (sum of net margins - sum of costs) / sum of costs, so a large festival weighs
    more than a small coupon.
    """
    check_columns(campaigns, ["kind", "lift", "net_margin", "cost"], "campaigns")
    g = campaigns.dropna(subset=["lift"]).groupby("kind")
    out = pd.DataFrame({"promotions": g.size(), "mean_lift": g["lift"].mean(), "cost": g["cost"].sum(),
                        "net_margin": g["net_margin"].sum()})
    out["pooled_roi"] = (out["net_margin"] - out["cost"]) / out["cost"].where(out["cost"] > 0)
    return out.sort_values("pooled_roi", ascending=False)


def last_festivals(campaigns: pd.DataFrame) -> pd.DataFrame:
    """The latest run of each festival (names without their year), ready for :func:`allocate_budget`."""
    check_columns(campaigns, ["kind", "name", "start", "net_margin", "cost"], "campaigns")
    fest = campaigns[(campaigns["kind"] == "festival") & campaigns["net_margin"].notna()].copy()
    fest["festival"] = fest["name"].astype("str").str.replace(r"\s*\d{4}$", "", regex=True)
    return fest.sort_values("start").groupby("festival").tail(1).reset_index(drop=True)
