"""Daily KPIs, the launch scenario, festival order plan and service-level trade-off."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError, SchemaError
from ecomlib.risk import (
    compliance_score,
    daily_kpis,
    festival_order_plan,
    launch_scenario,
    launch_what_if,
    sample_assessment,
    service_level_tradeoff,
)


def _tx():
    return pd.DataFrame({
        "order_id": ["o1", "o1", "o2", "o3", "o1"],
        "order_date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-01", "2025-01-03", "2025-01-03"]),
        "product_id": ["a", "b", "a", "a", "a"],
        "product_name": ["A", "B", "A", "A", "A"],
        "category": ["x"] * 5,
        "quantity": [2, 1, 1, 4, -1],
        "revenue": [20.0, 5.0, 10.0, 40.0, -10.0],
        "status": ["completed", "completed", "completed", "completed", "returned"],
    })


def test_daily_kpis_by_hand():
    sessions = pd.DataFrame({"date": pd.to_datetime(["2025-01-01"] * 4 + ["2025-01-03"] * 2)})
    k = daily_kpis(_tx(), sessions).set_index("date")
    day1, day2, day3 = (pd.Timestamp(f"2025-01-0{i}") for i in (1, 2, 3))
    assert k.loc[day1, "sales"] == 35.0 and k.loc[day1, "orders"] == 2
    assert k.loc[day1, "conversion_rate"] == 0.5 and k.loc[day1, "aov"] == 17.5
    assert k.loc[day2, "sales"] == 0 and np.isnan(k.loc[day2, "aov"])  # a day without orders
    # day 3: 1 unit returned of 4 sold, 10 of 40 CNY refunded
    assert k.loc[day3, "return_rate"] == 0.25 and k.loc[day3, "refund_rate"] == 0.25
    assert str(k.index.dtype) == "datetime64[us]"


def test_daily_kpis_without_sessions_and_bad_input():
    assert "conversion_rate" not in daily_kpis(_tx()).columns
    with pytest.raises(SchemaError):
        daily_kpis(_tx().drop(columns="status"))


def _monthly_tx(months=14, seed=0):
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-01-15", periods=months, freq="MS", unit="us") + pd.Timedelta(days=14)
    units = rng.integers(80, 120, months)
    return pd.DataFrame({"order_date": dates, "category": "tea", "quantity": units,
                         "revenue": units * rng.uniform(70, 80, months), "status": "completed",
                         "unit_cost": 30.0})


def test_launch_scenario_from_history():
    tx = _monthly_tx()
    sc = launch_scenario(tx, fx_median=7.0, months=12)
    assert sc.category == "tea"
    # price: monthly average paid price 70-80 CNY -> about 10-11.4 in the selling currency
    assert 9.9 < sc.inputs["price"].mode < 11.5
    assert sc.inputs["unit_cost"].low == pytest.approx(27.0) and sc.inputs["unit_cost"].high == pytest.approx(33.0)
    assert list(sc.assumptions["input"]) == ["demand", "price", "unit_cost", "fx", "fixed_costs"]
    sim = sc.simulate(5000, seed=1)
    assert sim.draws["price"].between(sc.inputs["price"].low, sc.inputs["price"].high).all()


def test_launch_what_if_scales_demand_and_price():
    sc = launch_scenario(_monthly_tx())
    base = launch_what_if(sc, seed=3)
    moved = launch_what_if(sc, demand_change=-0.2, price_change=0.1, seed=3)
    assert np.allclose(moved.draws["demand"], 0.8 * base.draws["demand"])
    assert np.allclose(moved.draws["price"], 1.1 * base.draws["price"])
    with pytest.raises(DataError, match="at least 3"):
        launch_scenario(_monthly_tx(months=2))
    with pytest.raises(ParameterError, match="cost_ratio"):
        launch_scenario(_monthly_tx(), cost_ratio=1.5)


def test_festival_order_plan_by_hand():
    # product a sells 3, 0 and 4 units on the 3 festival days: mean 7/3 a day, sd of (3, 0, 4)
    plan = festival_order_plan(_tx(), "2025-01-01", "2025-01-03", salvage_share=0.5).set_index("product_id")
    a = plan.loc["a"]
    daily = np.array([3, 0, 4])
    assert a["mean_demand"] == pytest.approx(7)
    assert a["sd_demand"] == pytest.approx(daily.std(ddof=1) * np.sqrt(3))
    # no unit_cost column: cost = DEFAULT_COST_RATIO 0.6 x average price 10 -> Cu = 4, Co = 3
    assert a["critical_ratio"] == pytest.approx(4 / (4 + 3))


def test_service_level_tradeoff_marks_the_chosen_level():
    t = service_level_tradeoff(10, 3, 9, service_level=0.9)
    assert t.chosen["service_level"] == 0.9
    assert t.chosen["safety_stock"] == pytest.approx(1.2816 * 9, rel=1e-4)
    assert t.curve["safety_stock"].is_monotonic_increasing


def test_sample_assessment_scores_every_item():
    s = compliance_score(sample_assessment())
    assert s.loc["overall", "unanswered"] == 0
    assert 0 < s.loc["overall", "score"] < 1


def test_daily_kpis_with_renamed_columns():
    renamed = _tx().rename(columns={"order_id": "InvoiceNo", "order_date": "InvoiceDate", "status": "state"})
    k = daily_kpis(renamed, order_col="InvoiceNo", date_col="InvoiceDate", status_col="state")
    assert k["sales"].tolist() == daily_kpis(_tx())["sales"].tolist()
