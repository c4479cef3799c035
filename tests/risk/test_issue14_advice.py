"""Issue 14 §4: the risk chapter's advice reads its own numbers right."""

import inspect

import pandas as pd
import pytest

from ecomlib.pricing import DEFAULT_COST_RATIO
from ecomlib.risk import demand_growth, festival_order_plan, launch_scenario


def test_festival_plan_includes_the_growth_factor(sample_store):
    tx = sample_store.transactions
    flat = festival_order_plan(tx, "2024-11-04", "2024-11-11")
    grown = festival_order_plan(tx, "2024-11-04", "2024-11-11", growth=1.5)
    assert grown["mean_demand"].tolist() == pytest.approx((1.5 * flat["mean_demand"]).tolist())
    assert (grown["order_quantity"] > flat["order_quantity"]).all()


def test_demand_growth_is_measured_year_on_year(sample_store):
    g = demand_growth(sample_store.transactions)
    assert g is not None and g > 1.2  # the sample shop grows fast
    short = sample_store.transactions
    short = short[short["order_date"] >= short["order_date"].max() - pd.Timedelta(days=400)]
    assert demand_growth(short) is None
    tx = pd.DataFrame({"order_date": pd.to_datetime(["2023-01-01", "2024-01-01", "2024-12-31"]),
                       "quantity": [10, 5, 10]})
    assert demand_growth(tx) == pytest.approx(2.0)  # 10 units in the last 365 days, 5 in the 365 before


def test_no_negative_var_in_words(sample_store):
    """A launch whose worst months still make money reads 'no loss at 95 %', never 'VaR ¥-17,773'."""
    sim = launch_scenario(sample_store.transactions).simulate(5000, seed=1)
    text = sim.headline()
    if sim.var <= 0:
        assert "no loss at 95 %" in text and "-" not in text.split("no loss")[1]
    else:
        assert "VaR (95 %)" in text
    cheap = launch_scenario(sample_store.transactions, fixed_cost_share=0.0).simulate(5000, seed=1)
    if cheap.var <= 0:
        assert "no loss" in cheap.headline()


def test_one_shared_default_cost_ratio():
    for func in (festival_order_plan, launch_scenario):
        assert inspect.signature(func).parameters["cost_ratio"].default == DEFAULT_COST_RATIO
