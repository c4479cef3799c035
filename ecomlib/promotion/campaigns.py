"""Every promotion in one table, and next year's festival budget (book section 3.4, 預算規劃與資源分配).

:func:`campaign_table` estimates each promotion of the calendar with
:func:`ecomlib.promotion.promotion_effects` and ranks them by ROI:

    ROI = (net incremental gross margin - cost) / cost

where the net margin already subtracts pull-forward and cannibalisation.

:func:`allocate_budget` splits a budget across festivals by equalising their marginal ROI under a
stated assumption of diminishing returns: a festival that earned net margin ``M`` on cost ``c``
earns ``M (s / c)^beta`` on spend ``s`` (``0 < beta < 1``; ``beta = 0.5``: doubling spend raises
margin by 41 %). Setting the marginal returns equal gives the closed form

    s_i  proportional to  (M_i / c_i^beta)^(1 / (1 - beta))

Festivals whose net margin was not positive get nothing. Spending stops where one more CNY no
longer returns more than it costs: with ``k = 1 + min_marginal_roi`` (1 by default, i.e. a marginal
ROI of 0), a festival's spend is capped at

    s_i* = (beta M_i / (k c_i^beta))^(1 / (1 - beta)),

where its marginal return ``beta M_i s^(beta - 1) / c_i^beta`` falls to ``k``. When those caps add
up to less than the budget, the rest is left unspent (``attrs["unspent"]``): a negative marginal ROI
means "spend nothing more", never "spend it anyway".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.promotion.effects import promotion_effects
from ecomlib.promotion.sales import DailySales, require_promotion, scope_masks
from ecomlib.validation import check_columns, check_frame, check_positive

__all__ = ["allocate_budget", "by_kind", "campaign_table", "beside_truth", "did_promotion", "estimated_promotions",
           "focus_promotion", "last_festivals", "study_promotion"]


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
    require_promotion(promotions)
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
    for col in ("lift", "lift_low", "lift_high", "incremental_revenue", "incremental_margin",
                "after_effects_margin", "net_margin"):
        if col not in table.columns:  # no promotion could be estimated
            table[col] = np.nan
    cost = table["cost"].where(table["cost"] > 0)
    table["roi"] = (table["net_margin"] - cost) / cost
    table["roas"] = table["incremental_revenue"] / cost
    table = table.sort_values("roi", ascending=False, na_position="last", ignore_index=True)
    table["rank"] = np.arange(1, len(table) + 1)
    return table


def allocate_budget(
    last: pd.DataFrame,
    budget: float,
    *,
    beta: float = 0.5,
    min_marginal_roi: float = 0.0,
    name_col: str = "festival",
    margin_col: str = "net_margin",
    cost_col: str = "cost",
) -> pd.DataFrame:
    """Split up to ``budget`` (CNY) across festivals so that their marginal ROI is equal.

    No CNY is placed where its marginal ROI would fall below ``min_marginal_roi``: when every
    festival is at that threshold before the budget is used up, the rest stays unspent.

    Parameters
    ----------
    last : DataFrame
        One row per festival with last time's ``net_margin`` and ``cost`` (CNY).
    budget : float
        Most to spend next time (CNY).
    beta : float
        Diminishing-returns exponent, 0 < beta < 1 (an assumption; say which in a report).
    min_marginal_roi : float
        Lowest acceptable return of the last CNY spent, minus 1 (a fraction; 0 = the last CNY must
        at least pay for itself).

    Returns
    -------
    DataFrame
        ``festival``, ``last_cost``, ``last_net_margin``, ``budget`` (allocated), ``expected_net_margin``,
        ``expected_roi``, ``marginal_roi`` (return of one more CNY, minus 1) and ``capped`` (True where
        spending stopped at ``min_marginal_roi``). ``attrs["unspent"]`` is the part of ``budget`` not
        allocated (CNY) and ``attrs["note"]`` says why.
    """
    check_frame(last, "last")
    check_columns(last, [name_col, margin_col, cost_col], "last")
    budget = check_positive("budget", budget)
    if not 0 < beta < 1:
        raise ParameterError(f"`beta` must be strictly between 0 and 1, but {beta!r} was passed.")
    if not min_marginal_roi > -1:
        raise ParameterError(f"`min_marginal_roi` must be above -1 (a fraction), but {min_marginal_roi!r} was passed.")
    m = last[margin_col].to_numpy(dtype=float)
    c = last[cost_col].to_numpy(dtype=float)
    if np.any(c <= 0):
        raise DataError("Every festival needs a positive last cost to scale its returns from.")
    weight = np.where(m > 0, (np.clip(m, 0, None) / c**beta) ** (1 / (1 - beta)), 0.0)
    if weight.sum() == 0:
        raise DataError("No festival earned a positive net margin last time: there is nothing to allocate to.",
                        fix="Check the campaign table; a budget should not follow losses.")
    cap = (beta / (1 + min_marginal_roi)) ** (1 / (1 - beta)) * weight  # spend where the marginal return hits 1 + min
    capped = cap.sum() <= budget
    spend = cap if capped else budget * weight / weight.sum()
    expected = np.where(spend > 0, m * (spend / c) ** beta, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        marginal = np.where(spend > 0, beta * expected / spend, np.nan) - 1
    out = pd.DataFrame({"festival": last[name_col].to_numpy(), "last_cost": c, "last_net_margin": m,
                        "budget": spend, "expected_net_margin": expected})
    out["expected_roi"] = (out["expected_net_margin"] - out["budget"]) / out["budget"].where(out["budget"] > 0)
    out["marginal_roi"] = marginal
    out["capped"] = bool(capped) & (spend > 0)
    out.attrs["unspent"] = float(budget - spend.sum())
    out.attrs["note"] = (f"spending stops where the last unit of money returns a marginal ROI of {min_marginal_roi:+.0%}: "
                         f"{out.attrs['unspent']:,.0f} of {budget:,.0f} left unspent" if capped else
                         "the whole budget is spent, and the last unit of money still earns more than the threshold")
    return out


def beside_truth(
    campaigns: pd.DataFrame,
    truth: pd.Series | None,
    *,
    estimate: str = "lift",
    low: str = "lift_low",
    high: str = "lift_high",
) -> pd.DataFrame:
    """The campaign table with the true value beside each estimate, and whether its interval holds it.

    Parameters
    ----------
    campaigns : DataFrame
        From :func:`campaign_table` (``promo_id`` and the ``estimate``, ``low``, ``high`` columns).
    truth : Series or None
        True values by ``promo_id`` (a simulation's truth). None: ``campaigns`` comes back unchanged.

    Returns
    -------
    DataFrame
        ``campaigns`` plus ``truth`` and ``truth in interval?`` (True / False; missing where the
        promotion has no truth or no interval), only when ``truth`` is given.
    """
    check_columns(campaigns, ["promo_id", estimate, low, high], "campaigns")
    if truth is None:
        return campaigns
    out = campaigns.assign(truth=campaigns["promo_id"].map(truth).astype(float))
    known = out["truth"].notna() & out[low].notna() & out[high].notna()
    inside = (out["truth"] >= out[low]) & (out["truth"] <= out[high])
    out["truth in interval?"] = inside.astype("boolean").where(known)
    return out


def by_kind(campaigns: pd.DataFrame) -> pd.DataFrame:
    """Promotion types compared: count, mean lift, total cost and net margin, pooled ROI.

    Pooled ROI = (sum of net margins - sum of costs) / sum of costs, so a large festival weighs
    more than a small coupon.
    """
    require_promotion(campaigns)
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


def estimated_promotions(campaigns: pd.DataFrame | None) -> pd.DataFrame:
    """The rows of :func:`campaign_table` that could be estimated (they have a ``lift``), best ROI first.

    Raises
    ------
    DataError
        When there is no calendar (``campaigns`` is None) or no promotion could be estimated;
        the message gives the first promotions' reasons (e.g. too little history before them).
    """
    require_promotion(campaigns)
    check_columns(campaigns, ["promo_id", "lift"], "campaigns")
    est = campaigns.dropna(subset=["lift"])
    if est.empty:
        notes = "; ".join(dict.fromkeys(str(n) for n in campaigns.get("note", pd.Series(dtype="str")).dropna()
                                        if str(n)))
        raise DataError(f"None of the {len(campaigns)} promotion(s) could be estimated"
                        + (f": {notes}" if notes else "."),
                        fix="A baseline needs the weeks before a promotion in the data (pre_weeks); "
                        "supply a longer history or lower pre_weeks.")
    return est


def _calendar_row(calendar: pd.DataFrame, promo_id) -> pd.Series:
    row = calendar.set_index("promo_id").loc[promo_id].copy()
    row["promo_id"] = promo_id
    if "name" not in row.index or pd.isna(row["name"]):
        row["name"] = promo_id
    return row


def focus_promotion(estimated: pd.DataFrame | None, calendar: pd.DataFrame | None, *,
                    kind: str = "festival") -> pd.Series:
    """The latest estimated promotion of ``kind`` (else the latest estimated one), as its calendar row.

    Parameters
    ----------
    estimated : DataFrame or None
        :func:`estimated_promotions`.
    calendar : DataFrame or None
        The promotions calendar the campaigns came from.

    Returns
    -------
    Series
        The calendar row with ``promo_id`` and ``name``.
    """
    require_promotion(estimated)
    require_promotion(calendar)
    pool = estimated[estimated["kind"] == kind] if "kind" in estimated.columns else estimated
    pool = pool if len(pool) else estimated
    return _calendar_row(calendar, pool.sort_values("start")["promo_id"].iloc[-1])


def study_promotion(estimated: pd.DataFrame | None, calendar: pd.DataFrame | None) -> pd.Series:
    """The promotion whose after-effects are studied: the best product promotion (cannibalisation
    shows on the same category's other products), else the best partial one, else the focus."""
    require_promotion(estimated)
    require_promotion(calendar)
    scope_of = calendar.set_index("promo_id").loc[estimated["promo_id"], "scope_type"].to_numpy()
    candidates = estimated[scope_of == "product"] if (scope_of == "product").any() else estimated[scope_of != "all"]
    if len(candidates):
        return _calendar_row(calendar, candidates["promo_id"].iloc[0])
    return focus_promotion(estimated, calendar)


def did_promotion(estimated: pd.DataFrame | None, calendar: pd.DataFrame | None) -> pd.Series:
    """The best estimated promotion that covers whole categories (for difference-in-differences)."""
    require_promotion(estimated)
    require_promotion(calendar)
    scope_of = calendar.set_index("promo_id").loc[estimated["promo_id"], "scope_type"].to_numpy()
    rows = estimated[scope_of == "category"]
    if rows.empty:
        raise DataError("No promotion covers whole categories, so there is no untreated category to compare.",
                        fix="Difference-in-differences needs a promotion of some categories and others left untouched.")
    return _calendar_row(calendar, rows["promo_id"].iloc[0])
