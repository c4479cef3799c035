"""Each risk figure draws from a computed result and returns its Axes."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from ecomlib.risk import (
    Normal,
    cusum_chart,
    detect_anomalies,
    plotting,
    risk_matrix,
    service_level_curve,
    simulate_profit,
    tornado,
)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_figures_draw_what_they_are_given():
    reg = pd.DataFrame({"risk": ["a", "b"], "category": ["x", "y"], "likelihood": [4, 2], "impact": [5, 3],
                        "owner": ["o", "p"], "response": ["reduce", "accept"]})
    ax = plotting.plot_risk_matrix(risk_matrix(reg))
    assert sorted(t.get_text() for t in ax.texts) == ["1", "1"]

    sim = simulate_profit(2000, demand=Normal(100, 30), price=10, unit_cost=6, seed=0)
    ax = plotting.plot_profit_distribution(sim)
    assert len(ax.patches) == 80
    ax = plotting.plot_tornado(tornado(sim))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["demand"]

    x = pd.Series(np.r_[np.zeros(30), np.full(10, 3.0)] + np.random.default_rng(0).normal(0, 1, 40))
    ax = plotting.plot_control_chart(cusum_chart(x, baseline=30))
    assert ax.lines[0].get_ydata().shape == (40,)

    days = pd.date_range("2025-01-01", periods=60, freq="D", unit="us")
    kpis = pd.DataFrame({"date": days, "sales": 100 + np.random.default_rng(1).normal(0, 5, 60)})
    ax = plotting.plot_anomalies(detect_anomalies(kpis), "sales")
    assert ax.lines[0].get_xydata().shape == (60, 2)

    table = service_level_curve(10, 3, 7)
    ax = plotting.plot_safety_stock(table)
    assert ax.lines[0].get_ydata()[-1] == pytest.approx(table["safety_stock"].iloc[-1])
