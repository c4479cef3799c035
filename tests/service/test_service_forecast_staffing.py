"""forecast_staffing: the market chapter's orders forecast -> tickets -> agents per day."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import ParameterError
from ecomlib.market import forecast
from ecomlib.service import arrival_profile, forecast_staffing, staffing_plan
from ecomlib.service.workload import ArrivalProfile


def _flat_profile(interval_minutes: int = 60) -> ArrivalProfile:
    slots = 1440 // interval_minutes
    table = pd.DataFrame({"slot": np.arange(slots) * interval_minutes, "average_day": np.full(slots, 2.0),
                          "peak_day": np.full(slots, 3.0)})
    return ArrivalProfile(table, pd.Timestamp("2025-01-01"), interval_minutes, "")


def test_by_hand_a_flat_day_is_one_interval_plan_repeated():
    days = pd.date_range("2025-11-10", periods=2, freq="D")
    fc = pd.DataFrame({"mean": [240.0, 480.0], "upper": [480.0, 960.0]}, index=days)
    out = forecast_staffing(fc, _flat_profile(), tickets_per_order=0.5, handle_minutes=10.0,
                            answer_within_minutes=1.0, target_service_level=0.8, shrinkage=0.25)
    # day 1: 240 orders x 0.5 = 120 tickets, 5 per hour; day 2: 10 per hour; upper bounds double them
    assert out["tickets"].tolist() == [120.0, 240.0]
    assert out["tickets_upper"].tolist() == [240.0, 480.0]
    for day, per_hour in [(0, 5.0), (1, 10.0)]:
        one = staffing_plan([per_hour], 10.0, interval_minutes=60, answer_within_minutes=1.0,
                            target_service_level=0.8, shrinkage=0.25).table["scheduled"].iloc[0]
        assert out["peak_scheduled"].iloc[day] == one
        assert out["agent_hours"].iloc[day] == pytest.approx(24 * one)
    assert (out["peak_scheduled_upper"] >= out["peak_scheduled"]).all()
    assert (out["agent_hours_upper"] >= out["agent_hours"]).all()


def test_the_day_shape_of_the_profile_places_the_peak():
    times = pd.Series(pd.to_datetime(["2025-01-01 20:10", "2025-01-01 20:40", "2025-01-02 20:15",
                                      "2025-01-02 09:00"]))
    profile = arrival_profile(times, interval_minutes=60)
    fc = pd.DataFrame({"mean": [4000.0], "upper": [4000.0]}, index=pd.date_range("2025-11-11", periods=1))
    out = forecast_staffing(fc, profile, tickets_per_order=0.1, handle_minutes=6.0)
    # 400 tickets, 3/4 of them at 20:00: 300 in one hour; the plan's busiest interval is that one
    direct = staffing_plan([300.0], 6.0, interval_minutes=60).table["scheduled"].iloc[0]
    assert out["peak_scheduled"].iloc[0] == direct


def test_from_a_market_forecast_result():
    days = pd.date_range("2025-09-01", periods=70, freq="D")
    orders = pd.Series(100 + 20 * (days.dayofweek >= 5), index=days, dtype=float)
    fc = forecast(orders, 14, "naive", level=0.8)
    out = forecast_staffing(fc, _flat_profile(30), tickets_per_order=0.05, handle_minutes=8.0)
    assert out.index.equals(fc.table.index)
    assert np.allclose(out["orders"], fc.table["mean"])


def test_a_table_without_forecast_columns_is_refused():
    with pytest.raises(ParameterError, match="mean"):
        forecast_staffing(pd.DataFrame({"orders": [1.0]}), _flat_profile(), tickets_per_order=0.1,
                          handle_minutes=5.0)


def test_from_order_lines_on_the_sample_shop(sample_store_tables):
    tx, tickets = sample_store_tables
    from ecomlib.service import orders_forecast_staffing

    profile = arrival_profile(tickets["created"], interval_minutes=60)
    out = orders_forecast_staffing(tx, profile, horizon=14, tickets=tickets, handle_minutes=8.0)
    assert len(out) == 14 and out.index[0] == tx["order_date"].max().floor("D") + pd.Timedelta(days=1)
    rate = out.attrs["tickets_per_order"]
    assert 0 < rate < 1
    assert np.allclose(out["tickets"], out["orders"] * rate)
    assert (out["agent_hours_upper"] >= out["agent_hours"]).all()


def test_weekly_dates_are_refused_with_a_reason():
    from ecomlib.errors import DataError
    from ecomlib.service import orders_forecast_staffing

    weeks = pd.date_range("2025-01-06", periods=20, freq="W-MON")
    lines = pd.DataFrame({"order_id": [f"o{i}" for i in range(20)], "order_date": weeks})
    with pytest.raises(DataError, match="weekly"):
        orders_forecast_staffing(lines, _flat_profile(), tickets_per_order=0.1, handle_minutes=5.0)


@pytest.fixture(scope="module")
def sample_store_tables():
    from ecomlib.datasets import load_sample_store

    store = load_sample_store()
    return store.transactions, store.tickets
