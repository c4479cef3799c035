"""Print how well standard estimators recover the bundled sample shop's ground truth.

Run ``.venv/bin/python tests/datasets/references/recovery_report.py`` after changing the
simulation (then ``make data``). It fits, on ``data/sample``:

* BG/NBD and Gamma-Gamma with lifetimes 0.11.3 (test-only oracle), daily dates in weeks;
* a BG/NBD calibrated on 2024 and its prediction of 2025 repeat purchases;
* a weekly log-log elasticity per category (log units on log average paid price and log
  orders of the week; naive, and with the other categories' log prices as in the test).

The same checks, with their tolerances, run in ``tests/datasets/test_truth_sanity.py``.
"""

import warnings

import numpy as np
import pandas as pd
from weekly_elasticity import loglog_fit, weekly_table  # beside this script

from ecomlib.datasets import load_sample_store


def main() -> None:
    warnings.filterwarnings("ignore", module="lifetimes")
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data

    store = load_sample_store()
    tx = store.transactions
    done = tx[tx["status"] == "completed"]
    buyers = done.dropna(subset=["customer_id"])
    orders = buyers.groupby(["customer_id", "order_id"], as_index=False).agg(
        date=("order_date", "first"), value=("revenue", "sum"))
    orders["date"] = orders["date"].dt.normalize()
    rfm = summary_data_from_transaction_data(orders, "customer_id", "date", "value", freq="D",
                                             freq_multiplier=7, observation_period_end="2025-12-31")
    bg = BetaGeoFitter().fit(rfm["frequency"], rfm["recency"], rfm["T"])
    print("BG/NBD (weeks), truth:", store.truth["bgnbd"])
    print(bg.summary[["coef", "lower 95% bound", "upper 95% bound"]].round(4).to_string())
    rep = rfm[rfm["frequency"] > 0]
    gg = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
    print("Gamma-Gamma (CNY), truth:", store.truth["order_value"])
    print(gg.summary[["coef", "lower 95% bound", "upper 95% bound"]].round(4).to_string())
    c = gg.summary["coef"]
    true = store.truth["customer_latent"].set_index("customer_id")["expected_order_value"].reindex(rep.index)
    fitted = gg.conditional_expected_average_profit(rep["frequency"], rep["monetary_value"])
    err = fitted / true - 1
    print(f"implied mean order value {c['p'] * c['v'] / (c['q'] - 1):.1f} CNY; per repeat customer: "
          f"mean conditional value / mean truth {fitted.mean() / true.mean():.4f}, "
          f"mean |relative error| {err.abs().mean():.4f}, correlation {np.corrcoef(fitted, true)[0, 1]:.3f}")

    cut = "2024-12-31"
    cal = summary_data_from_transaction_data(orders[orders["date"] <= cut], "customer_id", "date",
                                             freq="D", freq_multiplier=7, observation_period_end=cut)
    fit = BetaGeoFitter().fit(cal["frequency"], cal["recency"], cal["T"])
    hold = orders[(orders["date"] > cut) & orders["customer_id"].isin(cal.index)]
    actual = hold.drop_duplicates(["customer_id", "date"]).shape[0]
    pred = fit.conditional_expected_number_of_purchases_up_to_time(
        365 / 7, cal["frequency"], cal["recency"], cal["T"]).sum()
    print(f"holdout 2025: predicted {pred:,.0f}, actual {actual:,}, ratio {pred / actual:.4f}")

    weekly = weekly_table(done)
    rows = [(category, truth, *loglog_fit(weekly, category, other_prices=False), *loglog_fit(weekly, category))
            for category, truth in store.truth["elasticity"].items()]
    table = pd.DataFrame(rows, columns=["category", "truth", "naive", "se", "with other prices", "se2"])
    print("weekly log-log elasticity: naive (orders only) and with the other categories' prices")
    print(table.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
