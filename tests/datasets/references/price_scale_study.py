"""What the core simulator's truths become if the sample shop's unit prices rise (issue 14, section 6).

Run ``.venv/bin/python tests/datasets/references/price_scale_study.py --prices 160,200,280,120,150,70,180,60``
(one median base list price in CNY per category, in the order of
``ecomlib.datasets.core_calendar.CATEGORIES``; no ``--prices`` keeps the shipped ones). It runs
only the core simulator (seed 2024, 20,000 customers, 2024-2025) with those prices in memory
(``data/sample`` is not touched) and prints, on completed lines:

* units and lines per order, mean and median order value (CNY);
* per category: units, revenue, paid price per unit and margin (1 - cost / revenue);
* the Gamma-Gamma fit of lifetimes 0.11.3 (test-only oracle) on repeat customers, with the
  truth ``truth["gamma_gamma"]`` beside it, and the implied mean order value;
* the naive weekly log-log elasticity per category beside ``truth["elasticity"]`` (the check of
  ``tests/datasets/test_truth_sanity.py``: within 0.2 and 3.5 standard errors).

The budget model (an order spends a Gamma-Gamma budget; each line buys budget / price units,
rounded stochastically) keeps both truths exact only while a unit is cheap against the budget.
"""

import argparse
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm

from ecomlib.datasets import core_calendar, sim_core
from ecomlib.datasets.simulation import SimContext


def _orders(done: pd.DataFrame) -> None:
    per = done.groupby("order_id").agg(units=("quantity", "sum"), lines=("quantity", "size"),
                                       value=("revenue", "sum"))
    print(f"units/order {per['units'].mean():.3f}, lines/order {per['lines'].mean():.3f}, "
          f"order value mean {per['value'].mean():.1f} median {per['value'].median():.1f} CNY")
    cat = done.assign(cost=done["unit_cost"] * done["quantity"]).groupby("category").agg(
        units=("quantity", "sum"), revenue=("revenue", "sum"), cost=("cost", "sum"))
    cat["price_per_unit"] = cat["revenue"] / cat["units"]
    cat["margin"] = 1 - cat["cost"] / cat["revenue"]
    print(cat.round(3).to_string())
    print(f"overall margin {1 - cat['cost'].sum() / cat['revenue'].sum():.3f}")


def _gamma_gamma(done: pd.DataFrame, truth: dict) -> None:
    from lifetimes import GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data

    buyers = done.dropna(subset=["customer_id"])
    orders = buyers.groupby(["customer_id", "order_id"], as_index=False).agg(
        date=("order_date", "first"), value=("revenue", "sum"))
    orders["date"] = orders["date"].dt.normalize()
    rfm = summary_data_from_transaction_data(orders, "customer_id", "date", "value", freq="D",
                                             freq_multiplier=7, observation_period_end="2025-12-31")
    rep = rfm[rfm["frequency"] > 0]
    gg = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
    table = gg.summary[["coef", "lower 95% bound", "upper 95% bound"]].copy()
    table["truth"] = [truth["p"], truth["q"], truth["gamma"]]
    print("Gamma-Gamma (CNY)")
    print(table.round(3).to_string())
    c = table["coef"]
    print(f"implied mean order value {c['p'] * c['v'] / (c['q'] - 1):.1f}, "
          f"truth {truth['p'] * truth['gamma'] / (truth['q'] - 1):.1f} CNY")


def _elasticities(done: pd.DataFrame, truth: dict) -> None:
    week = done["order_date"].dt.to_period("W").dt.start_time
    per_week = done.groupby(week)["order_id"].nunique()
    rows = []
    for category, true in truth.items():
        lines = done[done["category"] == category]
        w = lines["order_date"].dt.to_period("W").dt.start_time
        g = lines.groupby(w).agg(units=("quantity", "sum"), revenue=("revenue", "sum"))
        g = g[g.index >= pd.Timestamp("2024-02-01")]
        x = sm.add_constant(np.column_stack([np.log(g["revenue"] / g["units"]),
                                             np.log(per_week.reindex(g.index))]))
        fit = sm.OLS(np.log(g["units"].to_numpy()), x).fit(cov_type="HC1")
        rows.append((category, true, fit.params[1], fit.bse[1]))
    table = pd.DataFrame(rows, columns=["category", "truth", "estimate", "se"])
    table["passes_sanity_test"] = ((table["estimate"] - table["truth"]).abs() < 0.2) & (
        (table["estimate"] - table["truth"]).abs() < 3.5 * table["se"])
    print("naive weekly log-log elasticity")
    print(table.round(3).to_string(index=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prices", help="comma-separated median base list prices (CNY), one per category")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", module="lifetimes")
    if args.prices:
        prices = [float(v) for v in args.prices.split(",")]
        if len(prices) != len(core_calendar.CATEGORIES):
            parser.error(f"give {len(core_calendar.CATEGORIES)} prices")
        core_calendar.CATEGORIES["median_price"] = prices  # in memory only, this process
    print(core_calendar.CATEGORIES[["category", "median_price"]].to_string(index=False))
    ctx = SimContext(seed=2024, start=pd.Timestamp("2024-01-01"), end=pd.Timestamp("2025-12-31"),
                     n_customers=20000)
    result = sim_core.simulate(ctx)
    tx = result.tables["transactions"]
    done = tx[tx["status"] == "completed"]
    _orders(done)
    _gamma_gamma(done, result.truth["gamma_gamma"])
    _elasticities(done, result.truth["elasticity"])


if __name__ == "__main__":
    main()
