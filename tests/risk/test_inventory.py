"""Newsvendor, safety stock and demand profiles: textbook references and hand computations."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ecomlib.errors import ParameterError, SchemaError
from ecomlib.risk import demand_profile, newsvendor, normal_loss, safety_stock


def test_newsvendor_normal_reference():
    # issue reference: mean 100, sd 20, Cu = 3, Co = 1 -> Q* = 100 + 20 z(0.75) = 113.49
    r = newsvendor(3, 1, mean=100, sd=20)
    assert r.critical_ratio == 0.75
    assert round(r.order_quantity, 2) == 113.49


def test_newsvendor_expected_short_matches_simulation():
    r = newsvendor(3, 1, mean=100, sd=20)
    d = np.random.default_rng(0).normal(100, 20, 1_000_000)
    assert r.expected_short == pytest.approx(np.maximum(d - r.order_quantity, 0).mean(), rel=0.01)
    assert r.expected_leftover == pytest.approx(np.maximum(r.order_quantity - d, 0).mean(), rel=0.01)


def test_newsvendor_empirical_by_hand():
    # CR = 2/(2+2) = 0.5 -> the smallest demand with F >= 0.5 among 10,20,30,40 is 20
    r = newsvendor(2, 2, demand_sample=[10, 20, 30, 40])
    assert r.order_quantity == 20 and r.method == "empirical"
    assert r.expected_short == pytest.approx((10 + 20) / 4)


def test_normal_loss_values():
    # G(0) = phi(0) = 0.39894; Silver-Pyke-Thomas table: G(1.0) = 0.0833
    assert normal_loss(0) == pytest.approx(stats.norm.pdf(0))
    assert float(normal_loss(1.0)) == pytest.approx(0.0833, abs=5e-5)


def test_safety_stock_by_hand():
    # d=10/day, sd 3, L=9 days (no lead-time variation), SL 0.95: sigma_LT = 3 x 3 = 9,
    # SS = 1.6449 x 9 = 14.80, ROP = 90 + 14.80
    t = safety_stock(10, 3, 9, service_level=0.95)
    assert t.loc[0, "sigma_lead_time"] == pytest.approx(9)
    assert t.loc[0, "safety_stock"] == pytest.approx(stats.norm.ppf(0.95) * 9)
    assert t.loc[0, "reorder_point"] == pytest.approx(90 + stats.norm.ppf(0.95) * 9)


def test_safety_stock_with_lead_time_variation_broadcasts():
    t = safety_stock([10, 20], [3, 0], 4, lead_time_sd=1, service_level=0.9)
    # sigma_LT = sqrt(4 x 9 + 100 x 1) = sqrt(136); second: sqrt(0 + 400 x 1) = 20
    assert t["sigma_lead_time"].tolist() == pytest.approx([np.sqrt(136), 20])


def test_demand_profile_counts_zero_days():
    tx = pd.DataFrame({
        "product_id": ["a", "a", "b", "a"],
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-04"]),
        "quantity": [2, 1, 5, 3],
        "status": ["completed", "completed", "completed", "cancelled"],
    })
    p = demand_profile(tx, start="2024-01-01", end="2024-01-04")
    # a: daily units 3,0,0,0 over 4 days -> mean 0.75, sd sqrt(((2.25)^2 + 3 x 0.75^2)/3) = 1.5
    assert p.loc["a", "mean_daily_units"] == 0.75
    assert p.loc["a", "sd_daily_units"] == pytest.approx(1.5)
    assert p.loc["b", "total_units"] == 5


def test_bad_inputs():
    with pytest.raises(ParameterError):
        newsvendor(0, 1, mean=100, sd=20)
    with pytest.raises(ParameterError, match="mean"):
        newsvendor(1, 1)
    with pytest.raises(ParameterError, match="service_level"):
        safety_stock(1, 1, 1, service_level=1)
    with pytest.raises(ParameterError, match="daily_demand_sd"):
        safety_stock(1, -1, 1)
    with pytest.raises(SchemaError):
        demand_profile(pd.DataFrame({"product_id": ["a"], "quantity": [1]}))
