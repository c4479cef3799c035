"""Plotting functions: draw on a given Axes, return it, refuse the wrong input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from ecomlib.errors import ParameterError  # noqa: E402
from ecomlib.traffic import (  # noqa: E402
    ab_test,
    attribute,
    channel_performance,
    funnel,
    funnel_what_if,
    plan_experiment,
    response_curve,
    simulate_peeking,
)
from ecomlib.traffic import plotting as P  # noqa: E402


@pytest.fixture()
def ax():
    fig, axis = plt.subplots()
    yield axis
    plt.close(fig)


SESSIONS = pd.DataFrame({"step": ["view"] * 6 + ["cart"] * 3 + ["purchase"] * 3,
                         "device": ["app", "web"] * 6})


def test_funnel_plots(ax):
    assert P.plot_funnel(funnel(SESSIONS, steps=["view", "cart", "purchase"]), ax=ax) is ax
    fd = funnel(SESSIONS, steps=["view", "cart", "purchase"], by="device")
    assert P.plot_funnel_comparison(fd, "device", ax=ax) is ax
    with pytest.raises(ParameterError):
        P.plot_funnel(fd, ax=ax)
    what = funnel_what_if(funnel(SESSIONS, steps=["view", "cart", "purchase"]), "cart", aov=10.0)
    assert P.plot_funnel_what_if(what, ax=ax) is ax


def test_channel_and_response_plots(ax):
    spend = pd.DataFrame({"channel": ["ads"] * 12, "spend": [float(10 * k) for k in range(1, 13)],
                          "impressions": 1000, "clicks": [3 * k for k in range(1, 13)]})
    tx = pd.DataFrame({"order_id": ["o1"], "channel": ["ads"], "revenue": [30.0],
                       "customer_id": ["c1"], "order_date": pd.to_datetime(["2024-01-01"]),
                       "status": ["completed"]})
    perf = channel_performance(spend, None, tx)
    assert P.plot_channel_performance(perf, "cac", ax=ax) is ax
    assert P.plot_response_curves(response_curve(spend), ax=ax) is ax
    with pytest.raises(ParameterError):
        P.plot_response_curves(perf, ax=ax)


def test_experiment_plots(ax):
    df = pd.DataFrame({"variant": ["control", "treatment"] * 50, "converted": [1, 0, 0, 1] * 25})
    assert P.plot_ab_test(ab_test(df), truth=0.0, ax=ax) is ax
    assert P.plot_experiment_plan(plan_experiment(0.1, 0.05, daily_visitors=100), ax=ax) is ax
    assert P.plot_peeking(simulate_peeking(days=5, n_sims=50, seed=1), ax=ax) is ax
    peek = simulate_peeking(days=5, n_sims=50, seed=1)
    fig, (both, naive) = plt.subplots(1, 2)
    P.plot_peeking(peek, ax=both)
    P.plot_peeking(peek, sequential=False, ax=naive)
    assert len(both.lines) == len(naive.lines) + 1  # the sequential curve is the one extra line
    plt.close(fig)
    with pytest.raises(ParameterError):
        P.plot_ab_test(df, ax=ax)


def test_attribution_plot(ax):
    tp = pd.DataFrame({"user_id": ["a", "a", "b"], "channel": ["x", "y", "y"],
                       "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"]),
                       "converted": [True, True, False]})
    table = attribute(tp, model=["first", "last", "markov"])
    assert P.plot_attribution(table, truth=pd.Series({"x": 0.5, "y": 0.5}), ax=ax) is ax
    with pytest.raises(ParameterError):
        P.plot_attribution(table, value="credit", ax=ax)
