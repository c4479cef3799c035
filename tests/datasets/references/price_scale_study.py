"""What the core simulator's truths become if the sample shop's unit prices rise (issue 14, section 6).

Run ``.venv/bin/python tests/datasets/references/price_scale_study.py --prices 160,200,280,120,150,70,180,60``
(one median base list price in CNY per category, in the order of
``ecomlib.datasets.core_calendar.CATEGORIES``; no ``--prices`` keeps the shipped ones). It runs
only the core simulator (seed 2024, 20,000 customers, 2024-2025) with those prices in memory
(``data/sample`` is not touched) and prints, on completed lines:

* units and lines per order, mean and median order value (CNY);
* per category: units, revenue, paid price per unit and margin (1 - cost / revenue);
* the Gamma-Gamma fit of lifetimes 0.11.3 (test-only oracle) on repeat customers: its implied
  mean order value beside ``truth["order_value"]["mean_expected_order_value"]``, and its
  conditional expected order value per repeat customer against the customer's true
  ``expected_order_value`` (``truth["customer_latent"]``);
* the weekly log-log elasticity per category beside ``truth["elasticity"]``, controlling for the
  week's orders only (naive) and also for the other categories' prices (the check of
  ``tests/datasets/test_truth_sanity.py``: every miss below 0.45, their mean below 0.25).

``--seed`` changes the simulation seed (the spread across seeds sizes the recovery tolerances of
``tests/retention/test_recovery_sample_shop.py`` and ``tests/datasets/test_truth_sanity.py``).
The model draws lines and units first and lets prices set the value (see
``ecomlib.datasets.core_catalog``); the earlier budget model (units = Gamma-Gamma budget / price)
kept its truths only while a unit was cheap against the budget.
"""

import argparse
import warnings

import numpy as np
import pandas as pd
from weekly_elasticity import loglog_fit, weekly_table  # beside this script

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


def _gamma_gamma(done: pd.DataFrame, latent: pd.DataFrame, truth: dict) -> None:
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
    c = gg.summary["coef"]
    true = latent.set_index("customer_id")["expected_order_value"].reindex(rep.index)
    fitted = gg.conditional_expected_average_profit(rep["frequency"], rep["monetary_value"])
    err = fitted / true - 1
    print(f"Gamma-Gamma (CNY) p {c['p']:.3f} q {c['q']:.3f} v {c['v']:.1f}; "
          f"implied mean order value {c['p'] * c['v'] / (c['q'] - 1):.1f}, "
          f"truth {truth['mean_expected_order_value']:.1f} CNY")
    print(f"per repeat customer ({len(rep):,}): conditional expected value / truth - 1: "
          f"mean {err.mean():+.4f}, median {err.median():+.4f}, mean |.| {err.abs().mean():.4f}; "
          f"ratio of means {fitted.mean() / true.mean():.4f}; correlation {np.corrcoef(fitted, true)[0, 1]:.3f}")
    raw = rep["monetary_value"] / true - 1
    print(f"  observed mean value / truth - 1: mean |.| {raw.abs().mean():.4f}")


def _elasticities(done: pd.DataFrame, truth: dict) -> None:
    weekly = weekly_table(done)
    rows = [(category, controls, true, *loglog_fit(weekly, category, other_prices=others))
            for category, true in truth.items()
            for controls, others in (("orders", False), ("orders+other prices", True))]
    table = pd.DataFrame(rows, columns=["category", "controls", "truth", "estimate", "se"])
    miss = (table["estimate"] - table["truth"]).abs()
    table["miss_in_se"] = miss / table["se"]
    table["within_0.45"] = miss < 0.45
    print("weekly log-log elasticity (the sanity test uses controls 'orders+other prices')")
    print(table.round(3).to_string(index=False))
    used = table["controls"] != "orders"
    print(f"with other prices: largest miss {miss[used].max():.3f}, mean absolute miss {miss[used].mean():.3f} "
          f"(sanity test: every miss < 0.45, mean < 0.25)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prices", help="comma-separated median base list prices (CNY), one per category")
    parser.add_argument("--seed", type=int, default=2024, help="simulation seed (sampling spread)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", module="lifetimes")
    if args.prices:
        prices = [float(v) for v in args.prices.split(",")]
        if len(prices) != len(core_calendar.CATEGORIES):
            parser.error(f"give {len(core_calendar.CATEGORIES)} prices")
        core_calendar.CATEGORIES["median_price"] = prices  # in memory only, this process
    print(core_calendar.CATEGORIES[["category", "median_price"]].to_string(index=False))
    ctx = SimContext(seed=args.seed, start=pd.Timestamp("2024-01-01"), end=pd.Timestamp("2025-12-31"),
                     n_customers=20000)
    result = sim_core.simulate(ctx)
    tx = result.tables["transactions"]
    done = tx[tx["status"] == "completed"]
    _orders(done)
    _gamma_gamma(done, result.truth["customer_latent"], result.truth["order_value"])
    _elasticities(done, result.truth["elasticity"])


if __name__ == "__main__":
    main()
