"""Thin exports (issue 13): no channel, no customer ids, a few weeks, no sessions or experiment.

Each case is a small hand-made frame; the expected numbers are counted by hand in the comments.
"""

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomlib.data.substitutes import channel_substitute
from ecomlib.errors import DataError
from ecomlib.traffic import (
    channel_performance,
    customer_economics,
    funnel,
    plan_experiment,
    planning_inputs,
)
from ecomlib.traffic import plotting as tp

matplotlib.use("Agg")


def _orders(days: int, *, customers=True, channel=True) -> pd.DataFrame:
    """Four orders spread over ``days`` days: c1 twice (search), c2 (social), c3 (search)."""
    first = pd.Timestamp("2024-01-01")
    dates = [first, first + pd.Timedelta(days=days // 2), first + pd.Timedelta(days=days // 3),
             first + pd.Timedelta(days=days - 1)]
    tx = pd.DataFrame({
        "order_id": ["o1", "o2", "o3", "o4"],
        "order_date": pd.to_datetime(dates),
        "customer_id": pd.Series(["c1", "c1", "c2", "c3"] if customers else [None] * 4, dtype="str"),
        "channel": pd.Series(["search", "search", "social", "search"] if channel else [None] * 4, dtype="str"),
        "quantity": [1, 1, 1, 1],
        "revenue": [100.0, 200.0, 50.0, 150.0],
        "status": ["completed"] * 4,
    })
    return tx


def test_customer_economics_without_customer_ids_says_what_it_needs():
    with pytest.raises(DataError, match=r"customer_id.*LTV:CAC"):
        customer_economics(_orders(400, customers=False))


def test_customer_economics_needs_a_year_of_orders():
    # four weeks: 4 orders / 3 customers / (28 / 365.25) would read as 17 orders a year
    with pytest.raises(DataError, match=r"365 days.*28 day"):
        customer_economics(_orders(28))
    econ = customer_economics(_orders(28), min_days=28)
    assert econ.orders_per_year == pytest.approx(4 / 3 / (28 / 365.25))
    assert customer_economics(_orders(365)).orders_per_year == pytest.approx(4 / 3 / (365 / 365.25))


def test_channel_performance_without_a_channel_asks_for_the_substitute():
    tx = _orders(400, channel=False)
    with pytest.raises(DataError, match="channel_substitute"):
        channel_performance(None, None, tx)
    sub = channel_substitute(tx)
    assert sub.note is not None and "'all'" in sub.note
    out = channel_performance(None, None, sub.frame)
    assert out.index.tolist() == ["all"]
    row = out.loc["all"]
    assert row["orders"] == 4 and row["revenue"] == pytest.approx(500.0)
    assert row["aov"] == pytest.approx(125.0)
    assert row["new_customers"] == 3  # c1, c2, c3
    assert out.attrs["notes"] == []


def test_new_customers_unknown_without_customer_ids():
    spend = pd.DataFrame({"channel": ["search"], "spend": [300.0], "impressions": [1000], "clicks": [50]})
    out = channel_performance(spend, None, _orders(400, customers=False))
    assert out["new_customers"].isna().all()
    assert np.isnan(out.loc["search", "cac"]) and np.isnan(out.loc["search", "cac_high"])
    assert out.loc["search", "roas"] == pytest.approx(450 / 300)  # revenue and spend are still known
    assert len(out.attrs["notes"]) == 1 and "customer_id" in out.attrs["notes"][0]


def test_new_customers_need_the_history_asked_for():
    tx = _orders(28)
    assert channel_performance(None, None, tx).loc["search", "new_customers"] == 2  # c1, c3
    short = channel_performance(None, None, tx, min_history_days=365)
    assert short["new_customers"].isna().all()
    assert "365 days" in short.attrs["notes"][0] and "28 day" in short.attrs["notes"][0]
    # a customers table does not depend on the window
    customers = pd.DataFrame({"customer_id": ["c1", "c2"], "acquisition_channel": ["social", "social"]})
    table = channel_performance(None, None, tx, customers=customers, min_history_days=365)
    assert table.loc["social", "new_customers"] == 2 and table.attrs["notes"] == []


def test_plot_channel_performance_refuses_an_empty_metric():
    out = channel_performance(None, None, _orders(400))
    with pytest.raises(DataError, match="cac"):
        tp.plot_channel_performance(out, "cac")
    ax = tp.plot_channel_performance(out, "revenue")
    assert len(ax.patches) == 2
    matplotlib.pyplot.close("all")


def test_planning_inputs_say_when_they_are_assumed():
    inputs = planning_inputs()
    assert (inputs.baseline, inputs.daily_visitors) == (0.03, 1000.0)
    assert inputs.assumed and "no experiment or sessions" in inputs.note
    sessions = pd.DataFrame({"session_id": range(6),
                             "date": pd.to_datetime(["2024-01-01"] * 4 + ["2024-01-02"] * 2),
                             "step": ["view", "view", "cart", "purchase", "view", "purchase"]})
    steps = funnel(sessions, steps=["view", "cart", "purchase"])
    measured = planning_inputs(None, sessions, steps)
    assert measured.baseline == pytest.approx(2 / 6) and measured.daily_visitors == pytest.approx(3.0)
    assert not measured.assumed and measured.baseline_source == "sessions"
    experiment = pd.DataFrame({"user_id": range(4), "variant": ["control", "control", "treatment", "treatment"],
                               "converted": [1, 0, 1, 1]})
    from_test = planning_inputs(experiment, None, None)
    assert from_test.baseline == pytest.approx(0.5) and from_test.baseline_source == "experiment"
    assert from_test.traffic_source == "assumed" and from_test.note.startswith("no sessions table")
    # an experiment without a converting control cannot give a baseline: the assumption is said
    flat = planning_inputs(experiment.assign(converted=[0, 0, 1, 1]), None, None)
    assert flat.baseline_source == "assumed" and "baseline" in flat.note
    assert plan_experiment(flat.baseline, 0.005, daily_visitors=flat.daily_visitors).n_per_arm > 0


def test_srm_check_on_one_arm_is_a_data_error():
    from ecomlib.traffic import srm_check

    with pytest.raises(DataError, match="at least two arms.*control"):
        srm_check(pd.Series({"control": 20}))


def test_value_of_one_point_without_purchases_says_why():
    from ecomlib.traffic import value_of_one_point

    steps = funnel(pd.DataFrame({"step": ["view"] * 5 + ["cart"] * 3}), steps=["view", "cart", "purchase"])
    with pytest.raises(DataError, match="No session reached the last funnel step"):
        value_of_one_point(steps, aov=100.0)


def test_plan_plot_of_a_very_long_test_draws_no_week_lines():
    # 7 visitors a day: a plan of decades, whose week lines would be thousands of artists
    plan = plan_experiment(0.05, 0.005, daily_visitors=7)
    ax = tp.plot_experiment_plan(plan)
    assert plan.days > 366 and len(ax.lines) == 1
    short = tp.plot_experiment_plan(plan_experiment(0.05, 0.02, daily_visitors=2000))
    assert len(short.lines) > 1  # the curve and the week lines
    matplotlib.pyplot.close("all")


def test_weekly_totals_are_not_counted_as_orders():
    # a store x product panel: one line per channel, product and week, every line on a Monday
    mondays = pd.date_range("2024-01-01", periods=4, freq="W-MON")
    panel = pd.DataFrame({"order_id": [f"{ch}-{d:%Y%m%d}-{p}" for d in mondays for ch in ("a", "b") for p in ("x", "y")],
                          "order_date": [d for d in mondays for _ in range(4)],
                          "customer_id": pd.Series([None] * 16, dtype="str"),
                          "channel": ["a", "a", "b", "b"] * 4, "revenue": [10.0, 20.0, 30.0, 40.0] * 4})
    out = channel_performance(None, None, panel)
    assert out["orders"].isna().all() and out["aov"].isna().all()
    assert out.loc["b", "revenue"] == pytest.approx(4 * 70.0) and out.loc["a", "revenue"] == pytest.approx(4 * 30.0)
    assert any("Monday over 4 weeks" in note for note in out.attrs["notes"])
    # the same lines dated by the day are orders
    daily = channel_performance(None, None, panel.assign(order_date=pd.date_range("2024-01-01", periods=16)))
    assert daily.loc["a", "orders"] == 8 and daily.loc["a", "aov"] == pytest.approx(15.0)


@st.composite
def thin_orders(draw):
    """Order lines of a small shop with random columns emptied and a random date window."""
    n = draw(st.integers(1, 40))
    span = draw(st.integers(1, 800))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    tx = pd.DataFrame({
        "order_id": [f"o{i}" for i in rng.integers(0, max(1, n // 2 + 1), n)],
        "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, span, n), unit="D"),
        "customer_id": pd.Series([f"c{i}" for i in rng.integers(0, 8, n)], dtype="str"),
        "channel": pd.Series(rng.choice(["search", "social"], n), dtype="str"),
        "quantity": rng.integers(1, 4, n),
        "revenue": rng.uniform(1, 100, n).round(2),
        "unit_cost": rng.uniform(0, 20, n).round(2),
        "status": pd.Series(rng.choice(["completed", "cancelled"], n, p=[0.8, 0.2]), dtype="str"),
    })
    for col in draw(st.sets(st.sampled_from(["customer_id", "channel", "unit_cost", "status"]))):
        tx[col] = pd.Series(np.nan, index=tx.index, dtype=tx[col].dtype)
    return tx


@settings(max_examples=60, deadline=None)
@given(thin_orders())
def test_thin_orders_give_a_table_or_a_data_error(tx):
    sub = channel_substitute(tx)
    try:
        econ = customer_economics(sub.frame)
        assert econ.orders_per_year > 0 and np.isfinite(econ.value)
    except DataError as err:
        assert "customer" in str(err) or "days" in str(err) or "completed" in str(err)
    try:
        out = channel_performance(None, None, sub.frame, min_history_days=365)
    except DataError as err:
        assert "completed" in str(err)
        return
    assert (out["revenue"] >= 0).all() and out.index.notna().all()
    known = out["new_customers"].dropna()
    assert known.sum() <= tx["customer_id"].nunique()
    if out["new_customers"].isna().any():
        assert out.attrs["notes"], "new customers left out without saying why"
