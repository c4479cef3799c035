"""Print how well standard estimators recover the bundled sample shop's ground truth.

Run ``.venv/bin/python tests/datasets/references/recovery_report.py`` after changing the
simulation (then ``make data``). It fits, on ``data/sample``:

* BG/NBD and Gamma-Gamma with lifetimes 0.11.3 (test-only oracle), daily dates in weeks;
* a BG/NBD calibrated on 2024 and its prediction of 2025 repeat purchases;
* a naive weekly log-log elasticity per category (log units on log average paid price and
  log orders of the week).

The same checks, with their tolerances, run in ``tests/datasets/test_truth_sanity.py``.
"""

import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm

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
    print("Gamma-Gamma (CNY), truth:", store.truth["gamma_gamma"])
    print(gg.summary[["coef", "lower 95% bound", "upper 95% bound"]].round(4).to_string())

    cut = "2024-12-31"
    cal = summary_data_from_transaction_data(orders[orders["date"] <= cut], "customer_id", "date",
                                             freq="D", freq_multiplier=7, observation_period_end=cut)
    fit = BetaGeoFitter().fit(cal["frequency"], cal["recency"], cal["T"])
    hold = orders[(orders["date"] > cut) & orders["customer_id"].isin(cal.index)]
    actual = hold.drop_duplicates(["customer_id", "date"]).shape[0]
    pred = fit.conditional_expected_number_of_purchases_up_to_time(
        365 / 7, cal["frequency"], cal["recency"], cal["T"]).sum()
    print(f"holdout 2025: predicted {pred:,.0f}, actual {actual:,}, ratio {pred / actual:.4f}")

    week = done["order_date"].dt.to_period("W").dt.start_time
    per_week = done.groupby(week)["order_id"].nunique()
    rows = []
    for category, truth in store.truth["elasticity"].items():
        lines = done[done["category"] == category]
        w = lines["order_date"].dt.to_period("W").dt.start_time
        g = lines.groupby(w).agg(units=("quantity", "sum"), revenue=("revenue", "sum"))
        g = g[g.index >= pd.Timestamp("2024-02-01")]
        x = sm.add_constant(np.column_stack([np.log(g["revenue"] / g["units"]),
                                             np.log(per_week.reindex(g.index))]))
        f = sm.OLS(np.log(g["units"].to_numpy()), x).fit(cov_type="HC1")
        rows.append((category, truth, f.params[1], f.bse[1]))
    table = pd.DataFrame(rows, columns=["category", "truth", "estimate", "se"])
    print("naive weekly log-log elasticity")
    print(table.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
