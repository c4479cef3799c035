"""Hand cases for the notebook's helpers: repurchase comparison, staffing curve, arrival profile,
KPI samples, and the plotting functions' contract (Axes in, Axes out)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from ecomlib.errors import DataError, ParameterError  # noqa: E402
from ecomlib.service import (  # noqa: E402
    agent_kpi_sample,
    agents_needed,
    arrival_profile,
    assumed_kpi_sample,
    reasons_pareto,
    response_repurchase,
    scale_scores,
    simulate_incentive,
    staffing_curve,
    staffing_plan,
    ticket_durations,
)
from ecomlib.service import plotting as sp  # noqa: E402

T0 = pd.Timestamp("2024-01-10 10:00")


def test_response_repurchase_hand_case():
    tickets = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d"],
        "created": [T0] * 4,
        "first_response": T0 + pd.to_timedelta([5, 10, 120, np.nan], unit="min"),
    })
    tx = pd.DataFrame({
        "order_id": ["o1", "o2", "o3", "o4", "o5"],
        "customer_id": ["a", "c", "b", "d", "z"],
        "order_date": [T0 + pd.Timedelta(days=5), T0 + pd.Timedelta(days=20), T0 - pd.Timedelta(days=1),
                       T0 + pd.Timedelta(days=200), T0 + pd.Timedelta(days=400)],
        "status": ["completed"] * 5,
    })
    out = response_repurchase(tickets, tx, slow_minutes=60, window_days=90).set_index("group")
    # fast: a (bought day 5) and b (bought before only) -> 1/2; slow: c (day 20), d (day 200, outside) -> 1/2
    assert out.loc["fast", "share"] == 0.5 and out.loc["slow", "share"] == 0.5
    assert out.loc["slow - fast", "share"] == 0.0
    assert out.loc["slow - fast", "low"] < 0 < out.loc["slow - fast", "high"]
    with pytest.raises(DataError, match="fast or every"):
        response_repurchase(tickets.iloc[:2], tx, slow_minutes=60)


def test_staffing_curve_marks_the_agents_needed():
    c = staffing_curve(40, 6.0, interval_minutes=30, answer_within_minutes=1.0, target_service_level=0.8)
    assert c.needed == int(agents_needed(8.0, 6.0, 1.0, 0.8))
    assert c.table["agents"].iloc[0] == 9                 # first stable number above the load of 8 Erlangs
    assert c.table["service_level"].is_monotonic_increasing
    assert str(c.needed) in c.headline()
    with pytest.raises(ParameterError):
        staffing_curve(0, 6.0)


def test_arrival_profile_hand_case():
    times = pd.Series(pd.to_datetime(["2024-01-01 09:10", "2024-01-01 09:40", "2024-01-02 09:15",
                                      "2024-01-02 09:20", "2024-01-02 21:00", "2024-01-03 10:00"]))
    p = arrival_profile(times, interval_minutes=60)
    t = p.table.set_index("slot")
    assert t.loc[540, "average_day"] == pytest.approx(4 / 3)       # four arrivals at 9h over three days
    assert t["average_day"].sum() == pytest.approx(2.0)
    assert t["peak_day"].sum() == pytest.approx(3.0)                # busiest day 2 Jan has 3
    assert p.peak_date == pd.Timestamp("2024-01-02") and p.note == ""
    daily = arrival_profile(times.dt.floor("D"), interval_minutes=60)
    assert daily.note and np.allclose(daily.table["average_day"], 2 / 24)
    with pytest.raises(ParameterError, match="divide a day"):
        arrival_profile(times, interval_minutes=7)


def test_kpi_samples():
    tickets = pd.DataFrame({"agent_id": ["A1", "A1", "A2", None],
                            "resolved": pd.to_datetime(["2024-01-03", "2024-01-20", "2024-02-01", "2024-02-02"])})
    k = agent_kpi_sample(tickets)
    assert sorted(k.tolist()) == [1, 2]
    a = assumed_kpi_sample(30.0, periods=1000, seed=3)
    assert np.array_equal(a, assumed_kpi_sample(30.0, periods=1000, seed=3))
    assert a.mean() == pytest.approx(30, rel=0.05)


def test_plots_return_axes(sample_store):
    import matplotlib.pyplot as plt

    tk = sample_store.tickets.head(500)
    assert sp.plot_response_times(tk, ticket_durations(tk), sla_minutes=30) is not None
    assert sp.plot_reasons_pareto(reasons_pareto(tk)) is not None
    plan = staffing_plan(pd.Series([1.0, 3.0, 2.0], index=[0, 30, 60]), 6.0)
    assert sp.plot_staffing_day(plan, plan) is not None
    assert sp.plot_staffing_curve(staffing_curve(40, 6.0)) is not None
    sim = simulate_incentive(np.arange(10, 30), threshold=20, rate=2, simulations=200)
    assert sp.plot_payouts(sim, sim) is not None
    scores = scale_scores(sample_store.team_survey, {"engagement": ["eng1", "eng2", "eng3", "eng4"]})
    assert sp.plot_scale_scores(scores) is not None
    plt.close("all")


def test_more_bad_inputs_give_clear_errors():
    from ecomlib.errors import EcomlibError
    from ecomlib.service import (
        contact_rate,
        csat_trend,
        erlang_a,
        interval_arrivals,
        item_scores,
        kpi_cascade,
        staffing_cost,
    )

    with pytest.raises(ParameterError, match="timestamps"):
        interval_arrivals(pd.Series([1, 2]))
    with pytest.raises(ParameterError, match="freq"):
        csat_trend(pd.DataFrame({"created": [T0], "csat": [5.0]}), freq="year")
    with pytest.raises(ParameterError, match="freq"):
        contact_rate(pd.DataFrame({"created": [T0]}), pd.DataFrame({"order_id": [1], "order_date": [T0]}), freq="M")
    with pytest.raises(ParameterError, match="patience"):
        erlang_a(3, 1.0, 2.0, 0.0)
    with pytest.raises(ParameterError, match="agents"):
        simulate_incentive([1, 2, 3], threshold=2, rate=1, agents=0)
    with pytest.raises(ParameterError, match="permanent_agents"):
        staffing_cost([1, 2], interval_minutes=30, permanent_agents=-1, permanent_hourly=1, temp_hourly=1)
    with pytest.raises(ParameterError, match="occupancy"):
        kpi_cascade(100, tickets_per_100_orders=5, handle_minutes=5, occupancy=0)
    with pytest.raises(EcomlibError):
        item_scores(pd.DataFrame({"a": ["x", "y"], "b": [1, 2]}), ["a", "b"])
    with pytest.raises(EcomlibError):
        reasons_pareto(pd.DataFrame({"why": ["a"]}))


def test_training_panel_hand_case():
    from ecomlib.service import training_panel

    day = pd.Timestamp("2024-03-01")
    team = pd.DataFrame({"agent_id": ["A", "B"], "trained_on": [day, pd.NaT]})
    created = pd.to_datetime(["2024-01-05", "2024-01-06", "2024-04-01", "2024-04-02"] * 2)
    tickets = pd.DataFrame({"agent_id": ["A"] * 4 + ["B"] * 4, "created": created,
                            "csat": [3, 3, 5, 5, 4, 4, 4, 4]})
    panel = training_panel(tickets, team)
    means = panel.groupby(["trained", "post"])["satisfied"].mean()
    # DiD by hand: (1 - 0) - (1 - 1) = 1
    assert (means[(1, 1)] - means[(1, 0)]) - (means[(0, 1)] - means[(0, 0)]) == 1.0
    with pytest.raises(DataError, match="different days"):
        training_panel(tickets, team.assign(trained_on=[day, day + pd.Timedelta(days=1)]))
    with pytest.raises(DataError, match="before and"):
        training_panel(tickets[tickets["created"] < day], team)
