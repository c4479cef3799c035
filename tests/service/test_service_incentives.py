"""Incentive plans: hand payouts, seeded Monte Carlo, the threshold plan's cliff; KPI cascade."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError
from ecomlib.service import kpi_cascade, payout, simulate_incentive, staffing_cost


def test_payout_hand_case():
    assert payout([90, 100, 130], 100, 3.0, "linear").tolist() == [0, 0, 90]
    assert payout([90, 100, 130], 100, 3.0, "threshold").tolist() == [0, 300, 390]


def test_simulation_is_seeded_and_matches_expectation():
    kpi = np.arange(80, 121)                              # uniform on 80..120
    a = simulate_incentive(kpi, threshold=100, rate=2.0, agents=10, simulations=20_000, seed=1)
    b = simulate_incentive(kpi, threshold=100, rate=2.0, agents=10, simulations=20_000, seed=1)
    assert np.array_equal(a.totals, b.totals)
    expected = 10 * np.mean(payout(kpi, 100, 2.0))        # exact mean of the resampling distribution
    assert a.totals.mean() == pytest.approx(expected, rel=0.02)
    assert a.paid_share.mean() == pytest.approx(20 / 41, abs=0.01)   # 101..120 pay
    p = a.cost_percentiles()
    assert p["p5"] < p["p50"] < p["p95"]


def test_threshold_plan_has_a_cliff():
    kpi = np.arange(80, 121)
    lin = simulate_incentive(kpi, threshold=100, rate=2.0, plan="linear", seed=0, simulations=500)
    cliff = simulate_incentive(kpi, threshold=100, rate=2.0, plan="threshold", seed=0, simulations=500)
    assert lin.jump == 0 and cliff.jump == 200
    assert cliff.near_miss_share == pytest.approx(5 / 41)  # 95..99 within 5% below 100
    assert cliff.totals.mean() > lin.totals.mean()


def test_incentive_bad_inputs():
    with pytest.raises(ParameterError, match="plan"):
        simulate_incentive([1, 2, 3], threshold=2, rate=1, plan="tiered")
    with pytest.raises(DataError):
        simulate_incentive([np.nan], threshold=2, rate=1)
    with pytest.raises(ParameterError, match="rate"):
        payout([1], 1, -1.0)


def test_kpi_cascade_hand_case():
    t = kpi_cascade(10_000, tickets_per_100_orders=8, handle_minutes=6, occupancy=0.8, shrinkage=0.25,
                    listings=300, minutes_per_listing=12, campaigns=4, hours_per_campaign=15,
                    hours_per_fte=160).set_index("step")["value"]
    assert t["tickets"] == 800
    assert t["handling hours"] == 80                      # 800 x 6 / 60
    assert t["service hours (scheduled)"] == pytest.approx(80 / 0.8 / 0.75)
    assert t["operations hours (scheduled)"] == pytest.approx((60 + 60) / 0.75)
    assert t["team FTE"] == pytest.approx((80 / 0.6 + 160) / 160)
    with pytest.raises(ParameterError, match="shrinkage"):
        kpi_cascade(100, tickets_per_100_orders=5, handle_minutes=5, shrinkage=1.0)


def test_staffing_cost_hand_case():
    c = staffing_cost(pd.Series([2, 4, 6, 4]), interval_minutes=60, permanent_agents=4,
                      permanent_hourly=50, temp_hourly=80)
    assert c["temp_hours"] == 2 and c["idle_permanent_hours"] == 2
    assert c["total_cost"] == 4 * 4 * 50 + 2 * 80
