"""Inventory risk: how much to order before a festival, and how much buffer to hold (book 9.2).

Newsvendor. With ``Cu`` the cost of one unit short (the margin lost) and ``Co`` the cost of one
unit left over (cost minus salvage), the best single order covers demand with probability equal
to the critical ratio

    CR = Cu / (Cu + Co),          Q* = F^{-1}(CR)

so for normal demand ``Q* = mu + sigma x z(CR)``.

Safety stock and reorder point. With daily demand mean ``d``, sd ``sd_d``, lead time mean
``L`` days and sd ``sd_L``, demand over the lead time has sd
``sigma_LT = sqrt(L sd_d^2 + d^2 sd_L^2)``; for a cycle service level ``SL``

    safety stock = z(SL) x sigma_LT,      reorder point = d x L + safety stock

and the expected units short per replenishment cycle is ``sigma_LT x G(z)`` with the standard
normal loss function ``G(z) = phi(z) - z (1 - Phi(z))``.

References
----------
Silver, Pyke & Thomas (2017). *Inventory and Production Management in Supply Chains*, 4th ed.,
CRC Press, ch. 6 (safety stock, loss function) and ch. 10 (newsvendor).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ecomlib.errors import DataError, ParameterError
from ecomlib.pricing import DEFAULT_COST_RATIO
from ecomlib.risk.periods import check_daily, completed_lines
from ecomlib.validation import (
    check_columns,
    check_frame,
    check_numeric,
    check_positive,
    check_probability,
)

__all__ = [
    "NewsvendorResult",
    "demand_growth",
    "demand_profile",
    "everyday_demand",
    "festival_order_plan",
    "normal_loss",
    "newsvendor",
    "safety_stock",
    "service_level_curve",
    "ServiceLevelTradeoff",
    "service_level_tradeoff",
]


def normal_loss(z):
    """Standard normal loss function ``G(z) = phi(z) - z (1 - Phi(z))`` = E[max(Z - z, 0)]."""
    z = np.asarray(z, dtype=float)
    return stats.norm.pdf(z) - z * stats.norm.sf(z)


def _normal_order(critical_ratio, mean, sd):
    """Newsvendor order ``mean + sd x z(CR)`` and expected units short ``sd x G(z)``; arrays broadcast."""
    z = stats.norm.ppf(critical_ratio)
    return mean + sd * z, sd * normal_loss(z)


@dataclass(frozen=True)
class NewsvendorResult:
    """Best single order quantity and its expected consequences (units)."""

    critical_ratio: float
    order_quantity: float
    expected_sales: float
    expected_short: float
    expected_leftover: float
    method: str

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({"value": pd.Series(self.__dict__)}).rename_axis("statistic")


def newsvendor(
    underage_cost: float,
    overage_cost: float,
    *,
    mean: float | None = None,
    sd: float | None = None,
    demand_sample=None,
) -> NewsvendorResult:
    """Order quantity that balances the cost of running short against the cost of leftovers.

    Parameters
    ----------
    underage_cost : float
        Cu, CNY lost per unit of unmet demand (usually the unit margin), > 0.
    overage_cost : float
        Co, CNY lost per unsold unit (unit cost minus salvage value), > 0.
    mean, sd : float, optional
        Normal demand (units). Give these, or ``demand_sample``.
    demand_sample : array-like, optional
        Observed or simulated demands (units); the order is their empirical CR-quantile.

    Returns
    -------
    NewsvendorResult

    Examples
    --------
    >>> round(newsvendor(3, 1, mean=100, sd=20).order_quantity, 2)
    113.49
    """
    cu = check_positive("underage_cost", underage_cost)
    co = check_positive("overage_cost", overage_cost)
    cr = cu / (cu + co)
    if demand_sample is not None:
        d = np.asarray(demand_sample, dtype=float)
        d = d[np.isfinite(d)]
        if d.size < 2:
            raise ParameterError("`demand_sample` needs at least two finite values.")
        q = float(np.quantile(d, cr, method="inverted_cdf"))
        short = float(np.maximum(d - q, 0).mean())
        leftover = float(np.maximum(q - d, 0).mean())
        return NewsvendorResult(cr, q, float(np.minimum(d, q).mean()), short, leftover, "empirical")
    if mean is None or sd is None:
        raise ParameterError("Give normal demand as `mean` and `sd`, or a `demand_sample`.")
    sd = check_positive("sd", sd)
    q, short = (float(v) for v in _normal_order(cr, mean, sd))
    leftover = float(q - mean + short)
    return NewsvendorResult(cr, q, float(mean - short), short, leftover, "normal")


def safety_stock(
    daily_demand_mean,
    daily_demand_sd,
    lead_time_days,
    *,
    lead_time_sd=0.0,
    service_level: float = 0.95,
) -> pd.DataFrame:
    """Safety stock, reorder point and expected units short for a cycle service level.

    Arguments broadcast, so one call handles a whole product table.

    Parameters
    ----------
    daily_demand_mean, daily_demand_sd : float or array-like
        Units per day.
    lead_time_days, lead_time_sd : float or array-like
        Supplier lead time, days.
    service_level : float
        Probability of no stock-out in a replenishment cycle, strictly between 0 and 1.

    Returns
    -------
    DataFrame
        ``z``, ``lead_time_demand``, ``sigma_lead_time``, ``safety_stock``, ``reorder_point`` and
        ``expected_short_per_cycle`` (units).
    """
    sl = check_probability("service_level", service_level)
    d, sd, lt, sd_lt = (np.atleast_1d(np.asarray(x, dtype=float)) for x in
                        (daily_demand_mean, daily_demand_sd, lead_time_days, lead_time_sd))
    for name, arr in (("daily_demand_mean", d), ("daily_demand_sd", sd), ("lead_time_days", lt),
                      ("lead_time_sd", sd_lt)):
        if np.any(~np.isfinite(arr)) or np.any(arr < 0):
            raise ParameterError(f"`{name}` must be finite and >= 0.")
    z = stats.norm.ppf(sl)
    sigma = np.sqrt(lt * sd**2 + d**2 * sd_lt**2)
    ss = z * sigma
    return pd.DataFrame({
        "z": np.broadcast_to(z, sigma.shape),
        "lead_time_demand": d * lt,
        "sigma_lead_time": sigma,
        "safety_stock": ss,
        "reorder_point": d * lt + ss,
        "expected_short_per_cycle": sigma * normal_loss(z),
    })


def service_level_curve(
    daily_demand_mean: float,
    daily_demand_sd: float,
    lead_time_days: float,
    *,
    lead_time_sd: float = 0.0,
    levels=None,
) -> pd.DataFrame:
    """Safety stock and expected shortage of one item over a range of service levels.

    ``levels`` defaults to 50 %, 51 %, ..., 99.5 %. Returns :func:`safety_stock`'s columns plus
    ``service_level``: the trade-off a buyer faces (each extra point of service costs more stock).
    """
    levels = np.r_[np.arange(0.50, 0.995, 0.01), 0.995] if levels is None else np.asarray(levels, float)
    if levels.size == 0 or np.any((levels <= 0) | (levels >= 1)):
        raise ParameterError("`levels` must be service levels strictly between 0 and 1.")
    rows = [safety_stock(daily_demand_mean, daily_demand_sd, lead_time_days, lead_time_sd=lead_time_sd,
                         service_level=float(sl)) for sl in levels]
    out = pd.concat(rows, ignore_index=True)
    out.insert(0, "service_level", levels)
    return out


@dataclass(frozen=True)
class ServiceLevelTradeoff:
    """The safety-stock curve of one item and the point chosen on it."""

    curve: pd.DataFrame
    chosen: pd.Series

    def summary(self) -> pd.DataFrame:
        return self.chosen.to_frame("value").rename_axis("statistic")

    def headline(self) -> str:
        """One line for a widget: the safety stock at the chosen service level."""
        c = self.chosen
        return (f"{100 * c['service_level']:.1f}% service: safety stock {c['safety_stock']:,.0f} units, "
                f"{c['expected_short_per_cycle']:.2f} short per cycle")


def service_level_tradeoff(
    daily_demand_mean: float,
    daily_demand_sd: float,
    lead_time_days: float,
    *,
    lead_time_sd: float = 0.0,
    service_level: float = 0.95,
) -> ServiceLevelTradeoff:
    """:func:`service_level_curve` plus the row for ``service_level`` (for the trainer widget)."""
    chosen = safety_stock(daily_demand_mean, daily_demand_sd, lead_time_days, lead_time_sd=lead_time_sd,
                          service_level=service_level).iloc[0]
    chosen = pd.concat([pd.Series({"service_level": float(service_level)}), chosen])
    curve = service_level_curve(daily_demand_mean, daily_demand_sd, lead_time_days, lead_time_sd=lead_time_sd)
    return ServiceLevelTradeoff(curve=curve, chosen=chosen)


def demand_profile(
    transactions: pd.DataFrame,
    *,
    by: str = "product_id",
    date_col: str = "order_date",
    quantity_col: str = "quantity",
    status_col: str | None = "status",
    start=None,
    end=None,
) -> pd.DataFrame:
    """Mean and standard deviation of daily units per product (or any ``by`` column).

    Days without sales count as zero demand; the window is cut to the days the data cover
    (a ``start`` before the first order would otherwise add unobserved days as zeros). Only
    completed lines count when ``status_col`` is present, net of cancellation invoices (see
    :func:`ecomlib.risk.periods.completed_lines`).

    Returns
    -------
    DataFrame
        Indexed by ``by``: ``days``, ``mean_daily_units``, ``sd_daily_units``, ``total_units``.

    Raises
    ------
    DataError
        No completed sales in the window, or the dates are weekly totals (see
        :func:`ecomlib.risk.periods.check_daily`).
    """
    check_frame(transactions, "transactions")
    check_columns(transactions, [by, date_col, quantity_col], "transactions")
    check_numeric(transactions, [quantity_col], "transactions")
    df = transactions
    all_days = pd.to_datetime(df[date_col]).dt.floor("D")
    if status_col and status_col in df.columns:
        df = completed_lines(df, status_col=status_col, quantity_col=quantity_col)
    day = pd.to_datetime(df[date_col]).dt.floor("D")
    # days before the first or after the last line of the data are unobserved, not days without sales
    lo = max(pd.Timestamp(start), all_days.min()) if start is not None else day.min()
    hi = min(pd.Timestamp(end), all_days.max() + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)) \
        if end is not None else day.max()
    keep = (day >= lo) & (day <= hi)
    if not keep.any():
        raise DataError(f"No completed sales between {lo.date()} and {hi.date()}.")
    check_daily(transactions[date_col], what="Estimating daily demand")
    n_days = (hi - lo).days + 1
    daily = df.loc[keep].groupby([df.loc[keep, by], day[keep]])[quantity_col].sum()
    grouped = daily.groupby(level=0)
    total = grouped.sum()
    sum_sq = (daily**2).groupby(level=0).sum()
    mean = total / n_days
    var = (sum_sq - n_days * mean**2) / max(n_days - 1, 1)
    return pd.DataFrame({
        "days": n_days,
        "mean_daily_units": mean,
        "sd_daily_units": np.sqrt(var.clip(lower=0)),
        "total_units": total,
    }).rename_axis(by)


def everyday_demand(transactions: pd.DataFrame, product_id, *, days: int = 90) -> pd.Series:
    """Daily demand of one product over the last ``days`` days of data (for safety stock).

    A product without sales in the window has zero mean and spread. The window starts at the
    last order's time minus ``days - 1`` days and is cut to the data (see
    :func:`demand_profile`).

    Returns
    -------
    Series
        ``days``, ``mean_daily_units``, ``sd_daily_units``, ``total_units``.
    """
    check_frame(transactions, "transactions")
    check_columns(transactions, ["order_date"], "transactions")
    last = pd.to_datetime(transactions["order_date"]).max()
    profile = demand_profile(transactions, start=last - pd.Timedelta(days=int(days) - 1), end=last)
    if product_id in profile.index:
        return profile.loc[product_id]
    return pd.Series({"days": int(profile["days"].iloc[0]), "mean_daily_units": 0.0, "sd_daily_units": 0.0,
                      "total_units": 0}, name=product_id)


def festival_order_plan(
    transactions: pd.DataFrame,
    festival_start,
    festival_end,
    *,
    top_n: int = 10,
    salvage_share: float = 0.5,
    cost_ratio: float = DEFAULT_COST_RATIO,
    growth: float = 1.0,
) -> pd.DataFrame:
    """Newsvendor order quantities for a festival, from the same festival's sales last time.

    Demand is last time's demand times ``growth`` (e.g. :func:`demand_growth`, the year-on-year
    growth of units): a shop that grew 77 % in a year would otherwise plan its next festival on
    last year's size and run short. ``growth=1`` plans on no growth.

    For each of the ``top_n`` products by units sold in ``[festival_start, festival_end]``:
    festival demand is taken as normal with mean = daily mean x days and sd = daily sd x
    sqrt(days) (days independent); ``Cu`` is the unit margin (average paid price - unit cost) and
    ``Co`` the loss on an unsold unit, unit cost x (1 - ``salvage_share``) (clearance after the
    festival). The order covers demand with probability CR = Cu / (Cu + Co).

    Parameters
    ----------
    transactions : DataFrame
        Canonical order lines with ``order_date``, ``product_id``, ``quantity``, ``revenue``
        (``status`` and ``product_name`` when present; a missing name shows the product id);
        ``unit_cost`` is used when every line of the planned products has it, else
        ``cost_ratio`` x price (default ``ecomlib.pricing.DEFAULT_COST_RATIO``, shared with pricing).
    festival_start, festival_end : date-like
        The festival window of the *previous* occurrence (e.g. last year's Double 11 days).
    top_n : int
        Number of products to plan.
    salvage_share : float
        Share of the unit cost recovered for a leftover unit (0-1).
    growth : float, default 1
        Factor applied to last time's mean and sd of demand (1.77 = 77 % more), > 0.

    Returns
    -------
    DataFrame
        Per product: ``product_id``, ``product_name``, ``units_last_time``, ``mean_demand``,
        ``sd_demand`` (both x ``growth``), ``price``, ``unit_cost``, ``cost_source`` (``"data"`` or the cost
        assumption used), ``cu``, ``co``, ``critical_ratio``, ``order_quantity`` (units, rounded
        up) and ``expected_short`` (units).
    """
    salvage_share = check_probability("salvage_share", salvage_share, open_interval=False)
    cost_ratio = check_probability("cost_ratio", cost_ratio)
    growth = check_positive("growth", growth)
    check_frame(transactions, "transactions")
    check_columns(transactions, ["order_date", "product_id", "quantity", "revenue"], "transactions")
    profile = demand_profile(transactions, start=festival_start, end=festival_end)
    top = profile.sort_values("total_units", ascending=False).head(int(top_n))
    sold = completed_lines(transactions)
    done = sold[sold["product_id"].isin(top.index)]
    names = done["product_name"] if "product_name" in done.columns else pd.Series(pd.NA, index=done.index)
    per = done.assign(product_name=names).groupby("product_id").agg(
        revenue=("revenue", "sum"), units=("quantity", "sum"), product_name=("product_name", "first"))
    per["product_name"] = per["product_name"].astype("str").where(per["product_name"].notna(),
                                                                  per.index.astype("str"))
    price = per["revenue"] / per["units"]
    if "unit_cost" in done.columns and done["unit_cost"].notna().all():
        cost, source = done.groupby("product_id")["unit_cost"].mean(), "data"
    else:
        cost, source = cost_ratio * price, f"assumed {cost_ratio:.0%} of price"
    days = top["days"]
    out = pd.DataFrame({
        "product_name": per["product_name"],
        "units_last_time": top["total_units"],
        "mean_demand": top["mean_daily_units"] * days * growth,
        "sd_demand": top["sd_daily_units"] * np.sqrt(days) * growth,
        "price": price,
        "unit_cost": cost,
    }).loc[top.index]
    out["cost_source"] = source
    out["cu"] = (out["price"] - out["unit_cost"]).clip(lower=1e-9)
    out["co"] = (out["unit_cost"] * (1 - salvage_share)).clip(lower=1e-9)
    out["critical_ratio"] = out["cu"] / (out["cu"] + out["co"])
    quantity, short = _normal_order(out["critical_ratio"], out["mean_demand"], out["sd_demand"])
    out["order_quantity"] = np.ceil(quantity)
    out["expected_short"] = short
    return out.reset_index()


def demand_growth(transactions: pd.DataFrame, *, end=None) -> float | None:
    """Year-on-year growth of units sold: the 365 days up to ``end`` over the 365 days before.

    Parameters
    ----------
    transactions : DataFrame
        Order lines with ``order_date`` and ``quantity`` (completed lines count).
    end : date-like, optional
        Last day of the recent year; default the last order day.

    Returns
    -------
    float or None
        Factor (1.77 = 77 % more units than a year earlier); None when the data cover less
        than two full years (no growth can be measured).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"order_date": pd.to_datetime(["2023-01-01", "2024-01-01", "2024-12-31"]),
    ...                    "quantity": [10, 5, 10]})
    >>> demand_growth(tx)  # 10 units in 2024-01-02..2024-12-31, 5 in the 365 days before
    2.0
    """
    check_frame(transactions, "transactions")
    check_columns(transactions, ["order_date", "quantity"], "transactions")
    sold = completed_lines(transactions)
    days = pd.to_datetime(sold["order_date"]).dt.floor("D")
    last = days.max() if end is None else pd.Timestamp(end).floor("D")
    if days.min() > last - pd.Timedelta(days=729):
        return None
    recent = sold.loc[days.between(last - pd.Timedelta(days=364), last), "quantity"].sum()
    before = sold.loc[days.between(last - pd.Timedelta(days=729), last - pd.Timedelta(days=365)), "quantity"].sum()
    return float(recent / before) if before > 0 else None
