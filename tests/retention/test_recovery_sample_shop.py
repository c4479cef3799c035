"""Recovery of the sample shop's ground truth (ecomlib.datasets, bundled data/sample).

The core simulator draws each customer's purchase rate lambda ~ Gamma(r, alpha) per week,
drop-out p ~ Beta(a, b) and spend nu ~ Gamma(q, gamma) with order values Gamma(p, nu)
(truth["bgnbd"], truth["gamma_gamma"]); the models should recover them within their 95%
Wald intervals, and a model fitted on 2024 should predict 2025's purchases in total within 5%.
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
def test_gamma_gamma_recovers_truth(sample_store, shop_summary):
    model = GammaGammaModel().fit(shop_summary)
    table = _inside(model, sample_store.truth["gamma_gamma"], ["p", "q", "gamma"])
    assert table["inside"].all(), table.to_string()


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
