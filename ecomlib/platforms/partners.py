"""Partner scorecards: suppliers and logistics partners (book 7.3).

From one row per delivery (promised and delivered dates, units ordered, delivered, defective and
damaged) each partner gets:

* **OTIF** (on time in full): the share of deliveries that arrived on or before the promised date
  *and* with at least the units ordered;
* **defect rate** and **damage rate**: defective (damaged) units over units delivered;
* **lead time**: mean and standard deviation of ``delivered_date - ordered_date`` in days (or, when
  the deliveries have no order date, of the delay against the promise).

Each rate gets a Wilson score interval (statsmodels' ``proportion_confint(method="wilson")``),
which behaves well for rates near 0 or 1 and for few deliveries, unlike the normal (Wald)
interval. Defect and damage intervals treat units as independent trials; units of one delivery
tend to fail together, so those intervals are on the narrow side.

A partner goes on the **review list** when the data show it is worse than a target: the OTIF
interval lies wholly below the OTIF target, or a defect (damage) interval wholly above its target.
The list is ranked by how far the partner's OTIF falls short, then by defect and damage rates.

The lead-time figures feed the risk chapter's safety stock (:func:`partner_safety_stock` calls
:func:`ecomlib.risk.inventory.safety_stock`), and the partners' shares feed the market chapter's
HHI (:func:`partner_concentration` calls :func:`ecomlib.market.concentration.concentration`).

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
*JASA* 22(158), 209-212. Brown, Cai & DasGupta (2001). Interval estimation for a binomial
proportion. *Statistical Science* 16(2), 101-133. Chopra & Meindl (2019). *Supply Chain
Management*, 7th ed., Pearson, ch. 12 (safety inventory with uncertain lead times).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from ecomlib.errors import DataError, ParameterError
from ecomlib.market.concentration import concentration
from ecomlib.risk.inventory import safety_stock
from ecomlib.validation import check_columns, check_frame, check_numeric, check_probability

__all__ = ["DELIVERY_COLUMNS", "partner_concentration", "partner_safety_stock", "partner_scorecard"]

#: Required columns of a deliveries table (``ordered_date`` is optional).
DELIVERY_COLUMNS = ("delivery_id", "partner", "partner_type", "promised_date", "delivered_date",
                    "quantity_ordered", "quantity_delivered", "defective_units", "damaged_units")
_UNITS = ("quantity_ordered", "quantity_delivered", "defective_units", "damaged_units")


def _wilson(count, nobs, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson interval; exactly 0 (1) at a count of 0 (of all), where rounding can leave 1e-20."""
    count, nobs = np.asarray(count, dtype=float), np.asarray(nobs, dtype=float)
    low, high = proportion_confint(count, nobs, alpha=alpha, method="wilson")
    low = np.where(count == 0, 0.0, np.asarray(low, dtype=float))
    high = np.where(count == nobs, 1.0, np.asarray(high, dtype=float))
    return low, high


def _check_deliveries(deliveries: pd.DataFrame) -> pd.DataFrame:
    check_frame(deliveries, "deliveries")
    check_columns(deliveries, DELIVERY_COLUMNS, "deliveries")
    check_numeric(deliveries, _UNITS, "deliveries")
    df = deliveries.copy()
    dates = ["promised_date", "delivered_date"] + (["ordered_date"] if "ordered_date" in df else [])
    for col in dates:
        if pd.api.types.is_datetime64_any_dtype(df[col]):
            continue
        try:
            df[col] = pd.to_datetime(df[col], format="ISO8601")
        except (TypeError, ValueError):
            raise DataError(f"`deliveries.{col}` holds values that are not dates.",
                            fix="Write dates as YYYY-MM-DD.") from None
    if df[[*dates, *_UNITS, "partner"]].isna().any().any():
        raise DataError("`deliveries` has missing dates, partners or unit counts.",
                        fix="Drop deliveries not yet received, or fill the missing values.")
    units = df[list(_UNITS)].to_numpy(dtype=float)
    if (units < 0).any():
        raise DataError("`deliveries` has negative unit counts.")
    if (df["defective_units"] + df["damaged_units"] > df["quantity_delivered"]).any():
        raise DataError("Some deliveries have more defective plus damaged units than units delivered.",
                        fix="Count each faulty unit once, as defective or as damaged.")
    return df


def partner_scorecard(
    deliveries: pd.DataFrame,
    *,
    alpha: float = 0.05,
    otif_target: float = 0.95,
    defect_target: float = 0.02,
    damage_target: float = 0.01,
) -> pd.DataFrame:
    """OTIF, defect and damage rates with Wilson intervals, lead time, and a ranked review list.

    Parameters
    ----------
    deliveries : DataFrame
        One row per delivery with :data:`DELIVERY_COLUMNS` (dates as datetimes or YYYY-MM-DD;
        units as counts) and optionally ``ordered_date``.
    alpha : float, default 0.05
        1 - confidence level of the intervals.
    otif_target, defect_target, damage_target : float
        Targets (shares) for the review flag.

    Returns
    -------
    DataFrame
        One row per partner, ranked (``rank`` 1 = first to review): ``partner``, ``partner_type``,
        ``deliveries``, ``otif``, ``otif_low``, ``otif_high``, ``on_time``, ``in_full``,
        ``units_delivered``, ``defect_rate``, ``defect_low``, ``defect_high``, ``damage_rate``,
        ``damage_low``, ``damage_high``, ``lead_time_mean``, ``lead_time_sd`` (days; sd with
        ``ddof=1``, NaN for one delivery), ``lead_time_basis`` ("ordered" or "promised"),
        ``review`` (bool), ``reason`` (why) and ``rank``.

    Examples
    --------
    >>> d = pd.DataFrame({"delivery_id": ["d1", "d2"], "partner": ["S", "S"],
    ...     "partner_type": ["supplier"] * 2, "promised_date": ["2024-01-05", "2024-01-10"],
    ...     "delivered_date": ["2024-01-05", "2024-01-12"], "quantity_ordered": [10, 10],
    ...     "quantity_delivered": [10, 10], "defective_units": [1, 0], "damaged_units": [0, 0]})
    >>> float(partner_scorecard(d)["otif"].iloc[0]), float(partner_scorecard(d)["defect_rate"].iloc[0])
    (0.5, 0.05)
    """
    alpha = check_probability("alpha", alpha)
    for name, value in (("otif_target", otif_target), ("defect_target", defect_target),
                        ("damage_target", damage_target)):
        check_probability(name, value, open_interval=False)
    df = _check_deliveries(deliveries)
    df["_on_time"] = df["delivered_date"] <= df["promised_date"]
    df["_in_full"] = df["quantity_delivered"] >= df["quantity_ordered"]
    df["_otif"] = df["_on_time"] & df["_in_full"]
    basis = "ordered" if "ordered_date" in df else "promised"
    start = df["ordered_date"] if basis == "ordered" else df["promised_date"]
    df["_lead"] = (df["delivered_date"] - start).dt.total_seconds() / 86_400
    df["partner"] = df["partner"].astype("str")
    g = df.groupby("partner", sort=True)
    out = pd.DataFrame({
        "partner_type": g["partner_type"].first().astype("str"),
        "deliveries": g.size().astype("int64"),
        "_otif_n": g["_otif"].sum(),
        "on_time": g["_on_time"].mean(),
        "in_full": g["_in_full"].mean(),
        "units_delivered": g["quantity_delivered"].sum().astype("float64"),
        "_defects": g["defective_units"].sum().astype("float64"),
        "_damaged": g["damaged_units"].sum().astype("float64"),
        "lead_time_mean": g["_lead"].mean(),
        "lead_time_sd": g["_lead"].std(ddof=1),
    })
    out["otif"] = out["_otif_n"] / out["deliveries"]
    out["otif_low"], out["otif_high"] = _wilson(out["_otif_n"], out["deliveries"], alpha)
    units = out["units_delivered"].where(out["units_delivered"] > 0)
    for name, count in (("defect", "_defects"), ("damage", "_damaged")):
        out[f"{name}_rate"] = out[count] / units
        low, high = _wilson(out[count], out["units_delivered"].clip(lower=1), alpha)
        out[f"{name}_low"] = np.where(units.notna(), low, np.nan)
        out[f"{name}_high"] = np.where(units.notna(), high, np.nan)
    out["lead_time_basis"] = basis
    reasons = pd.DataFrame({
        f"OTIF below {otif_target:.0%}": out["otif_high"] < otif_target,
        f"defects above {defect_target:.1%}": out["defect_low"] > defect_target,
        f"damage above {damage_target:.1%}": out["damage_low"] > damage_target,
    })
    out["review"] = reasons.any(axis=1)
    out["reason"] = [", ".join(reasons.columns[row]) for row in reasons.to_numpy()]
    out["_shortfall"] = (otif_target - out["otif"]).clip(lower=0)
    out = out.sort_values(["review", "_shortfall", "defect_rate", "damage_rate"],
                          ascending=[False, False, False, False], kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    cols = ["partner_type", "deliveries", "otif", "otif_low", "otif_high", "on_time", "in_full",
            "units_delivered", "defect_rate", "defect_low", "defect_high", "damage_rate", "damage_low",
            "damage_high", "lead_time_mean", "lead_time_sd", "lead_time_basis", "review", "reason", "rank"]
    return out[cols].rename_axis("partner").reset_index()


def _per_partner(name: str, value, partners: pd.Series) -> np.ndarray:
    """A number for all partners, or a dict / Series partner -> number."""
    if isinstance(value, dict | pd.Series):
        given = pd.Series(value, dtype="float64")
        missing = sorted(set(partners) - set(given.index))
        if missing:
            raise ParameterError(f"`{name}` has no value for partner(s) {missing}.")
        return given.reindex(partners).to_numpy()
    return np.full(len(partners), float(value))


def partner_safety_stock(
    scorecard: pd.DataFrame,
    daily_demand_mean,
    daily_demand_sd,
    *,
    service_level: float = 0.95,
    partner_type: str | None = "supplier",
) -> pd.DataFrame:
    """Safety stock and reorder point implied by each partner's measured lead time.

    Calls :func:`ecomlib.risk.inventory.safety_stock` with each partner's ``lead_time_mean`` and
    ``lead_time_sd``: a partner with slower or more variable deliveries needs more buffer stock
    for the same cycle service level.

    Parameters
    ----------
    scorecard : DataFrame
        Output of :func:`partner_scorecard` with ``lead_time_basis == "ordered"`` (lead times
        measured from the order; a delay against the promise is not a lead time).
    daily_demand_mean, daily_demand_sd : float, dict or Series
        Units per day of the goods the partner supplies; one number for all or per partner.
    service_level : float, default 0.95
        Probability of no stock-out in a replenishment cycle.
    partner_type : str or None, default "supplier"
        Keep only partners of this type (None: all).

    Returns
    -------
    DataFrame
        ``partner``, ``lead_time_mean``, ``lead_time_sd`` (days) and the columns of
        :func:`~ecomlib.risk.inventory.safety_stock` (units), largest safety stock first.
    """
    check_frame(scorecard, "scorecard")
    check_columns(scorecard, ["partner", "partner_type", "lead_time_mean", "lead_time_sd",
                              "lead_time_basis"], "scorecard")
    card = scorecard if partner_type is None else scorecard[scorecard["partner_type"] == partner_type]
    if card.empty:
        raise DataError(f"The scorecard has no partner of type {partner_type!r}.",
                        fix="Pass partner_type=None for all partners, or another type.")
    if (card["lead_time_basis"] != "ordered").any():
        raise DataError("The lead times were measured against the promised date, not from the order, "
                        "so they are delays, not lead times.",
                        fix="Add an `ordered_date` column to the deliveries and score them again.")
    partners = card["partner"].astype("str")
    sd_lead = card["lead_time_sd"].fillna(0.0).to_numpy(dtype=float)
    stock = safety_stock(_per_partner("daily_demand_mean", daily_demand_mean, partners),
                         _per_partner("daily_demand_sd", daily_demand_sd, partners),
                         card["lead_time_mean"].to_numpy(dtype=float), lead_time_sd=sd_lead,
                         service_level=service_level)
    out = pd.concat([pd.DataFrame({"partner": partners.to_numpy(),
                                   "lead_time_mean": card["lead_time_mean"].to_numpy(dtype=float),
                                   "lead_time_sd": sd_lead}), stock], axis=1)
    return out.sort_values("safety_stock", ascending=False, kind="stable").reset_index(drop=True)


def partner_concentration(deliveries: pd.DataFrame, *, weight: str = "quantity_delivered") -> pd.DataFrame:
    """How concentrated the shop's partners are, per partner type (HHI, CR4).

    Shares are each partner's ``weight`` (units delivered by default) within its type; the index
    comes from :func:`ecomlib.market.concentration.concentration`.

    Parameters
    ----------
    deliveries : DataFrame
        ``partner``, ``partner_type`` and the numeric ``weight`` column.
    weight : str, default "quantity_delivered"
        What a share is a share of (units, or a spend column you add).

    Returns
    -------
    DataFrame
        One row per partner type: ``partner_type``, ``partners``, ``hhi`` (0-10,000), ``cr4``
        (share), ``equivalent_partners`` (10,000 / HHI), ``band``, ``largest`` and ``largest_share``.
    """
    check_frame(deliveries, "deliveries")
    check_columns(deliveries, ["partner", "partner_type", weight], "deliveries")
    check_numeric(deliveries, [weight], "deliveries")
    totals = deliveries.groupby(["partner_type", "partner"], sort=True)[weight].sum()
    rows = []
    for kind, values in totals.groupby(level="partner_type"):
        if values.sum() <= 0:
            raise DataError(f"Partners of type {kind!r} have no `{weight}`; their shares are undefined.")
        shares = values / values.sum()
        res = concentration(shares.to_numpy(), scale="fraction")
        top = shares.idxmax()[1]
        rows.append({"partner_type": str(kind), "partners": res.n_firms, "hhi": res.hhi, "cr4": res.cr4,
                     "equivalent_partners": res.equivalent_firms, "band": res.band, "largest": str(top),
                     "largest_share": float(shares.max())})
    return pd.DataFrame(rows)
