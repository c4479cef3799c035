"""Recovery of the sample shop's ground truth (ecomlib.datasets, bundled data/sample).

The core simulator draws each customer's purchase rate lambda ~ Gamma(r, alpha) per week and
drop-out p ~ Beta(a, b) (truth["bgnbd"]); BG/NBD should recover them within its 95% Wald
intervals, and a model fitted on 2024 should predict 2025's purchases in total within 5%.
Order values are not Gamma-Gamma (lines and units first, prices then; see
ecomlib.datasets.core_orders), so there are no true p, q, gamma: Gamma-Gamma is checked on what
it estimates, each customer's expected order value (truth["customer_latent"]) and their mean
(truth["order_value"]). Tolerances come from the spread over seeds 2024-2027 measured with
tests/datasets/references/price_scale_study.py (lifetimes fit, 20,000 customers): implied
population mean within 1.4 % of the truth, ratio of the mean conditional value to the mean
truth 0.982-1.003, mean absolute relative error per customer 0.241-0.258 (the customer's raw
mean misses by 0.40-0.41), correlation 0.592-0.622.
"""

import numpy as np
import pandas as pd
import pytest

from ecomlib.retention import (
    BetaGeoModel,
    GammaGammaModel,
    calibration_holdout_split,
    holdout_comparison,
    rfm_summary,
)


@pytest.fixture(scope="module")
def shop_summary(sample_store):
    tx = sample_store.transactions
    end = tx["order_date"].max().floor("D")
    return rfm_summary(tx, end, "W")  # the truth's time unit is one week


def _inside(model, truth, names):
    table = model.summary(0.95)
    true = pd.Series({k: float(truth[k]) for k in names})
    return table.assign(truth=true, inside=(table["lower"] <= true) & (true <= table["upper"]))


@pytest.mark.slow
def test_bgnbd_recovers_truth(sample_store, shop_summary):
    model = BetaGeoModel().fit(shop_summary)
    table = _inside(model, sample_store.truth["bgnbd"], ["r", "alpha", "a", "b"])
    assert table["inside"].all(), table.to_string()


@pytest.mark.slow
def test_gamma_gamma_recovers_each_customers_expected_order_value(sample_store, shop_summary):
    model = GammaGammaModel().fit(shop_summary)
    rep = shop_summary[shop_summary["frequency"] > 0]
    fitted = pd.Series(model.conditional_expected_average_value(rep["frequency"], rep["monetary_value"]),
                       index=rep.index)
    latent = sample_store.truth["customer_latent"].set_index("customer_id")
    true = latent["expected_order_value"].reindex(rep.index)
    assert true.notna().all()
    err = fitted / true - 1
    raw = rep["monetary_value"] / true - 1
    assert abs(fitted.mean() / true.mean() - 1) < 0.03, (fitted.mean(), true.mean())
    assert err.abs().mean() < 0.30, err.describe()
    assert err.abs().mean() < 0.8 * raw.abs().mean()  # shrinkage beats the customer's own mean
    assert np.corrcoef(fitted, true)[0, 1] > 0.5


@pytest.mark.slow
def test_gamma_gamma_population_mean_is_the_true_mean_order_value(sample_store, shop_summary):
    model = GammaGammaModel().fit(shop_summary)
    truth = sample_store.truth["order_value"]["mean_expected_order_value"]
    assert model.population_mean_value() == pytest.approx(truth, rel=0.03)


@pytest.mark.slow
def test_spend_independent_of_frequency(shop_summary):
    # the simulator draws spend independently of the purchase process
    corr = GammaGammaModel.frequency_value_correlation(shop_summary)
    assert abs(corr["correlation"]) < 0.1


@pytest.mark.slow
def test_holdout_total_within_5_percent(sample_store):
    # calibrate on the first calendar year, predict the second: a whole year, so the
    # festival seasonality of the shop (mean intensity 1 per calendar year) cancels out
    tx = sample_store.transactions
    start = tx["order_date"].min().floor("D")
    cal_end = start + pd.DateOffset(years=1) - pd.Timedelta(days=1)
    end = tx["order_date"].max().floor("D")
    split = calibration_holdout_split(tx, cal_end, end, "W")
    model = BetaGeoModel(frequency_col="frequency_cal", recency_col="recency_cal", T_col="T_cal").fit(split)
    check = holdout_comparison(model, split)
    assert abs(check.relative_error) < 0.05, check.summary().to_string()
    assert np.isfinite(check.table["predicted"]).all()
