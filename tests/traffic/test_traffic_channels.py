"""Channel economics and response curves: hand cases, Poisson limits, bad inputs."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, NotIdentifiableError, ParameterError, SchemaError
from ecomlib.traffic import (
    channel_performance,
    customer_economics,
    poisson_interval,
    response_curve,
    simple_customer_value,
)


def _tables():
    spend = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"]),
                          "channel": ["search", "search", "social"],
                          "spend": [300.0, 300.0, 200.0], "impressions": [10000, 10000, 8000],
                          "clicks": [300, 300, 100]})
    sessions = pd.DataFrame({"channel": ["search"] * 8 + ["social"] * 4 + ["direct"] * 2,
                             "step": ["view"] * 6 + ["purchase"] * 2 + ["view"] * 3
                             + ["purchase"] + ["purchase"] * 2})
    tx = pd.DataFrame({
        "order_id": ["o1", "o1", "o2", "o3", "o4", "o5"],
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-01",
                                      "2024-01-02", "2024-01-03"]),
        "customer_id": ["c1", "c1", "c2", "c3", "c1", "c4"],
        "channel": ["search", "search", "search", "social", "direct", "direct"],
        "revenue": [100.0, 50.0, 250.0, 120.0, 80.0, 60.0],
        "status": ["completed"] * 5 + ["cancelled"],
    })
    return spend, sessions, tx


def test_channel_performance_hand_case():
    spend, sessions, tx = _tables()
    out = channel_performance(spend, sessions, tx, customer_value=900.0, monthly_margin=25.0)
    s = out.loc["search"]
    assert s["spend"] == 600 and s["clicks"] == 600
    assert s["ctr"] == pytest.approx(0.03)
    assert s["cpc"] == pytest.approx(1.0)
    assert s["sessions"] == 8 and s["conversion"] == pytest.approx(0.25)
    assert s["orders"] == 2 and s["revenue"] == pytest.approx(400.0)
    assert s["aov"] == pytest.approx(200.0)
    assert s["new_customers"] == 2  # c1 and c2 first bought through search
    assert s["cac"] == pytest.approx(300.0)
    assert s["roas"] == pytest.approx(400 / 600)
    assert s["ltv_cac"] == pytest.approx(3.0)
    assert s["payback_months"] == pytest.approx(12.0)
    assert s["cac_low"] < 300 < s["cac_high"]
    d = out.loc["direct"]  # no spend: cost ratios undefined, cancelled order ignored
    assert np.isnan(d["cac"]) and np.isnan(d["roas"]) and d["orders"] == 1
    assert d["new_customers"] == 0


def test_new_customers_from_customers_table():
    spend, sessions, tx = _tables()
    customers = pd.DataFrame({"customer_id": ["c1", "c2", "c3"],
                              "acquisition_channel": ["social", "search", "social"]})
    out = channel_performance(spend, None, tx, customers=customers)
    assert out.loc["social", "new_customers"] == 2
    assert out.loc["social", "cac"] == pytest.approx(100.0)
    assert np.isnan(out.loc["search", "sessions"])


def test_poisson_limits_match_gamma_quantiles(refs):
    low, high = poisson_interval(10)
    assert [float(low), float(high)] == pytest.approx(refs["scipy_gamma_poisson_limits_10"], rel=1e-9)
    low, high = poisson_interval(0)
    assert float(low) == 0 and float(high) == pytest.approx(-np.log(0.025), rel=1e-9)


def test_simple_customer_value_hand():
    assert simple_customer_value(60, 2.5, 3) == pytest.approx(450.0)
    with pytest.raises(ParameterError):
        simple_customer_value(60, 0, 3)


def test_channel_performance_bad_inputs():
    spend, sessions, tx = _tables()
    with pytest.raises(DataError):
        channel_performance(spend, sessions, tx.iloc[0:0])
    with pytest.raises(SchemaError, match="revenue"):
        channel_performance(spend, sessions, tx.drop(columns="revenue"))
    with pytest.raises(SchemaError):
        channel_performance(spend, sessions, tx.assign(revenue=tx["revenue"].astype(str)))
    with pytest.raises(SchemaError, match="clicks"):
        channel_performance(spend.drop(columns="clicks"), sessions, tx)
    with pytest.raises(DataError, match="negative"):
        channel_performance(spend.assign(spend=-1.0), sessions, tx)
    with pytest.raises(DataError, match="completed"):
        channel_performance(spend, sessions, tx.assign(status="cancelled"))
    with pytest.raises(ParameterError):
        channel_performance(spend, sessions, tx, customer_value="a lot")


def test_response_curve_recovers_exact_power_law():
    spend = np.linspace(100, 2000, 40)
    df = pd.DataFrame({"channel": ["a"] * 40 + ["b"] * 40,
                       "spend": np.r_[spend, spend],
                       "clicks": np.r_[3 * spend**0.6, 0.5 * spend**0.9]})
    res = response_curve(df, value_per_unit={"a": 10.0, "b": 2.0})
    p = res.params
    assert p.loc["a", "b"] == pytest.approx(0.6) and p.loc["a", "a"] == pytest.approx(3.0)
    assert p.loc["b", "b"] == pytest.approx(0.9)
    x = spend.mean()
    # marginal response = a b x^(b-1)
    assert p.loc["a", "marginal_response"] == pytest.approx(3 * 0.6 * x**-0.4)
    assert p.loc["a", "marginal_roas"] == pytest.approx(10 * 3 * 0.6 * x**-0.4)
    assert res.predict("b", 1000.0) == pytest.approx(0.5 * 1000**0.9)


def test_response_curve_noisy_interval_covers():
    rng = np.random.default_rng(3)
    spend = rng.uniform(200, 3000, 200)
    clicks = rng.poisson(2.0 * spend**0.7)
    res = response_curve(pd.DataFrame({"channel": "a", "spend": spend, "clicks": clicks}))
    assert res.params.loc["a", "b_ci_low"] < 0.7 < res.params.loc["a", "b_ci_high"]


def test_response_curve_bad_inputs():
    base = pd.DataFrame({"channel": "a", "spend": np.linspace(1, 20, 20), "clicks": 5.0})
    with pytest.raises(NotIdentifiableError):
        response_curve(base.head(5))
    with pytest.raises(NotIdentifiableError, match="never varies"):
        response_curve(base.assign(spend=10.0))
    with pytest.raises(SchemaError):
        response_curve(base.drop(columns="clicks"))
    with pytest.raises(SchemaError):
        response_curve(base.assign(spend="10"))
    with pytest.raises(DataError):
        response_curve(base.iloc[0:0])


def test_customer_economics_hand_case():
    tx = pd.DataFrame({
        "order_id": ["a", "a", "b", "c"], "customer_id": ["x", "x", "x", "y"],
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-06-30", "2024-12-30"]),
        "quantity": [1, 2, 1, 1], "unit_cost": [10.0, 5.0, 20.0, 30.0],
        "revenue": [40.0, 30.0, 50.0, 60.0], "status": ["completed"] * 4,
    })
    econ = customer_economics(tx, lifetime_years=2)
    # margin: (40-10) + (30-10) + (50-20) + (60-30) = 110 over 3 orders
    assert econ.margin_per_order == pytest.approx(110 / 3)
    # 3 orders / 2 customers over 365 days -> 1.5 x 365.25/365 per year
    assert econ.orders_per_year == pytest.approx(1.5 * 365.25 / 365)
    assert econ.value == pytest.approx(110 / 3 * 1.5 * 365.25 / 365 * 2)
    assert econ.monthly_margin == pytest.approx(econ.value / 24)
    assert econ.margin_source == "unit_cost"
    assert customer_economics(tx.drop(columns="unit_cost")).margin_source == "assumed margin_rate"
    with pytest.raises(ParameterError):
        customer_economics(tx, lifetime_years=0)
    with pytest.raises(DataError):
        customer_economics(tx.assign(customer_id=None))


def test_channel_performance_does_not_mutate():
    spend, sessions, tx = _tables()
    before = [t.copy() for t in (spend, sessions, tx)]
    channel_performance(spend, sessions, tx, customer_value={"search": 900.0})
    for b, a in zip(before, (spend, sessions, tx), strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_customer_economics_bad_inputs():
    _, _, tx = _tables()
    with pytest.raises(DataError):
        customer_economics(tx.iloc[0:0])
    with pytest.raises(SchemaError, match="customer_id"):
        customer_economics(tx.drop(columns="customer_id"))
    with pytest.raises(SchemaError):
        customer_economics(tx.assign(revenue="1"))
    with pytest.raises(DataError, match="completed"):
        customer_economics(tx.assign(status="returned"))
    with pytest.raises(ParameterError):
        customer_economics(tx.drop(columns="status"), margin_rate=1.5)
