"""A cross-border launch scenario built from the shop's own sales (book 9.1, 9.2).

The Monte Carlo model of :func:`ecomlib.risk.simulate_profit` needs distributions for demand,
price, cost, exchange rate and fixed costs. :func:`launch_scenario` derives them from a category's
monthly history so that the risk analysis speaks about *this* shop:

* demand: log-normal with the median and spread of the category's monthly units over the last
  ``months`` months;
* price: triangular between the 10th and 90th percentiles of the monthly average paid price
  (peak at the median), converted to the selling currency at the median exchange rate;
* unit cost: the category's mean ``unit_cost`` when the data has it, else ``cost_ratio`` x price,
  with a +/-10 % uniform spread (supplier price changes);
* exchange rate (CNY per unit of selling currency): log-normal around ``fx_median`` with
  log-spread ``fx_sigma``;
* fixed costs: normal, ``fixed_cost_share`` of the mean monthly revenue, sd 10 % of that.

Every assumption is a parameter and is listed in the returned ``assumptions`` table.

Thin exports: without a ``category`` column the whole shop is simulated as one line of
business; without ``unit_cost`` the cost is ``cost_ratio`` x price; a month only partly covered
by the data (the first or last) is left out. Each such stand-in is one sentence in
``LaunchScenario.notes``, for a report to show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.pricing import DEFAULT_COST_RATIO
from ecomlib.risk.distributions import LogNormal, Normal, Triangular, Uniform
from ecomlib.risk.montecarlo import INPUTS, ProfitSimulation, profit_formula, simulate_profit
from ecomlib.risk.periods import completed_lines, partial_months
from ecomlib.validation import check_columns, check_frame, check_positive, check_probability

__all__ = ["DEFAULT_CORRELATION", "WHOLE_SHOP", "LaunchScenario", "launch_scenario", "launch_what_if"]

#: The launch's "category" when the data has none: the whole shop as one line of business.
WHOLE_SHOP = "the whole shop"

#: Dependence between the inputs: a higher price goes with fewer units; a weaker CNY (higher
#: fx) tends to come with dearer imported components.
DEFAULT_CORRELATION = {("demand", "price"): -0.5, ("unit_cost", "fx"): 0.3}


@dataclass(frozen=True)
class LaunchScenario:
    """Inputs of the launch's Monte Carlo model and the assumptions behind them."""

    category: str
    inputs: dict
    assumptions: pd.DataFrame
    correlation: dict
    notes: tuple[str, ...] = ()
    """Stand-ins the data forced (no category, no unit cost), one sentence each."""

    def simulate(self, n: int = 100_000, *, seed: int | None = None, level: float = 0.95) -> ProfitSimulation:
        """Run :func:`ecomlib.risk.simulate_profit` on these inputs."""
        return simulate_profit(n, **self.inputs, seed=seed, correlation=self.correlation, level=level)


def launch_scenario(
    transactions: pd.DataFrame,
    *,
    category: str | None = None,
    fx_median: float = 7.1,
    fx_sigma: float = 0.04,
    cost_ratio: float = DEFAULT_COST_RATIO,
    fixed_cost_share: float = 0.25,
    months: int = 12,
    correlation: dict | None = None,
    currency: str = "CNY",
) -> LaunchScenario:
    """Monte Carlo inputs for launching one category abroad, from its monthly sales.

    Parameters
    ----------
    transactions : DataFrame
        Canonical order lines with ``order_date``, ``category``, ``quantity``, ``revenue``,
        ``status``; ``unit_cost`` is used when present.
    category : str, optional
        The category to launch; default the one with the highest revenue.
    fx_median, fx_sigma : float
        Exchange rate, CNY per unit of the selling currency (7.1 ~ CNY per USD), and its
        log-scale spread over the planning month.
    cost_ratio : float
        Unit cost as a share of the price, when the data has no ``unit_cost`` (default
        ``ecomlib.pricing.DEFAULT_COST_RATIO``, the assumption every chapter shares).
    fixed_cost_share : float
        Monthly fixed costs of the launch (listing, warehousing, staff) as a share of the
        category's mean monthly revenue.
    months : int
        Use the last ``months`` whole or partial months of history (12: one year, so that the
        spread is the year's seasonality rather than the shop's growth).
    correlation : dict, optional
        Copula correlations; default :data:`DEFAULT_CORRELATION`.
    currency : str, default "CNY"
        ISO code of the data's amounts, for the ``assumptions`` table. Amounts are never
        converted: with GBP data, unit cost and profit are in GBP and ``fx_median`` is GBP per
        unit of the selling currency (its level only rescales the price column, since
        price x fx is the data's own price).

    Returns
    -------
    LaunchScenario
    """
    check_frame(transactions, "transactions")
    check_columns(transactions, ["order_date", "quantity", "revenue"], "transactions")
    fx_median = check_positive("fx_median", fx_median)
    fx_sigma = check_positive("fx_sigma", fx_sigma)
    cost_ratio = check_probability("cost_ratio", cost_ratio)
    fixed_cost_share = check_positive("fixed_cost_share", fixed_cost_share, allow_zero=True)
    if not isinstance(months, int | np.integer) or months < 3:
        raise ParameterError(f"`months` must be a whole number >= 3, but {months!r} was passed.")
    done = completed_lines(transactions)
    notes = []
    has_category = "category" in done.columns and done["category"].notna().any()
    if not has_category:
        if category is not None:
            raise DataError(f"`category` {category!r} was asked for, but the data has no category column.")
        category = WHOLE_SHOP
        sub = done
        notes.append("no category column: the whole shop is simulated as one line of business")
    else:
        if category is None:
            category = str(done.groupby("category", observed=True)["revenue"].sum().idxmax())
        elif not (done["category"] == category).any():
            known = sorted(done["category"].dropna().astype("str").unique().tolist())
            raise DataError(f"Category {category!r} has no completed sales; the data's categories are "
                            f"{known[:10]}{' ...' if len(known) > 10 else ''}.")
        sub = done[done["category"] == category]
    month = pd.to_datetime(sub["order_date"]).dt.to_period("M")
    monthly = sub.groupby(month).agg(units=("quantity", "sum"), revenue=("revenue", "sum"))
    partial = partial_months(transactions["order_date"])
    dropped = monthly.index.isin(partial)  # a first or last month the data only partly cover
    left_out = [str(m) for m in monthly.index[dropped]]
    monthly = monthly[~dropped]
    monthly = monthly[monthly["units"] > 0].iloc[-int(months):]
    if len(monthly) < 3:
        raise DataError(
            f"{'The shop' if category == WHOLE_SHOP else f'Category {category!r}'} has {len(monthly)} "
            "whole month(s) of sales; at least 3 are needed to estimate demand and price spreads.")
    price_cny = monthly["revenue"] / monthly["units"]
    p10, p50, p90 = np.percentile(price_cny, [10, 50, 90]) / fx_median
    log_units = np.log(monthly["units"])
    if "unit_cost" in sub.columns and sub["unit_cost"].notna().any():
        cost = float((sub["unit_cost"] * sub["quantity"]).sum() / sub.loc[sub["unit_cost"].notna(), "quantity"].sum())
        cost_source = "data (mean unit_cost)"
    else:
        cost = cost_ratio * float(np.median(price_cny))
        cost_source = f"assumed {cost_ratio:.0%} of the median price"
        notes.append(f"no unit_cost column: the unit cost is assumed at {cost_ratio:.0%} of the median "
                     "monthly price (the cost_ratio assumption)")
    fixed = fixed_cost_share * float(monthly["revenue"].mean())
    inputs = {
        "demand": LogNormal(float(np.median(log_units)), max(float(np.std(log_units, ddof=1)), 0.05)),
        "price": Triangular(float(p10), float(p50), float(max(p90, p50 + 1e-9))),
        "unit_cost": Uniform(0.9 * cost, 1.1 * cost),
        "fx": LogNormal.from_median(fx_median, fx_sigma),
        "fixed_costs": Normal(fixed, 0.1 * fixed) if fixed > 0 else 0.0,
    }
    assumptions = pd.DataFrame([
        ("demand", "units per month", f"log-normal, median {np.exp(np.median(log_units)):,.0f}",
         f"{len(monthly)} months of {category}"
         + (f" (partly covered {', '.join(left_out)} left out)" if left_out else "")),
        ("price", "selling currency per unit", f"triangular {p10:,.2f} / {p50:,.2f} / {p90:,.2f}",
         "10th / 50th / 90th percentile of monthly average paid price"),
        ("unit_cost", f"{currency} per unit", f"uniform {0.9 * cost:,.2f} - {1.1 * cost:,.2f}", cost_source),
        ("fx", f"{currency} per unit of selling currency", f"log-normal, median {fx_median}, sigma {fx_sigma}",
         "assumption"),
        ("fixed_costs", f"{currency} per month", f"normal, mean {fixed:,.0f}, sd {0.1 * fixed:,.0f}",
         f"{fixed_cost_share:.0%} of mean monthly revenue"),
    ], columns=["input", "unit", "distribution", "source"])
    return LaunchScenario(category=category, inputs=inputs, assumptions=assumptions,
                          correlation=dict(DEFAULT_CORRELATION if correlation is None else correlation),
                          notes=tuple(notes))


def launch_what_if(
    scenario: LaunchScenario,
    *,
    demand_change: float = 0.0,
    price_change: float = 0.0,
    fx_sigma: float | None = None,
    n: int = 20_000,
    seed: int | None = 0,
    level: float = 0.95,
) -> ProfitSimulation:
    """Re-run the launch with demand and price shifted by fractions and a different fx spread.

    ``demand_change = -0.2`` scales every demand draw by 0.8; ``price_change = 0.05`` raises every
    price by 5 %; ``fx_sigma`` replaces the exchange-rate spread. Used by the trainer widget.
    """
    inputs = dict(scenario.inputs)
    if fx_sigma is not None:
        fx = inputs["fx"]
        inputs["fx"] = LogNormal(fx.mu, check_positive("fx_sigma", fx_sigma))
    sim = simulate_profit(n, **inputs, seed=seed, correlation=scenario.correlation, level=level)
    if demand_change == 0 and price_change == 0:
        return sim
    draws = sim.draws.copy()
    draws["demand"] *= 1 + demand_change
    draws["price"] *= 1 + price_change
    draws["profit"] = profit_formula(*(draws[name].to_numpy() for name in INPUTS))
    return ProfitSimulation(draws=draws, inputs=sim.inputs, level=sim.level, seed=seed)
