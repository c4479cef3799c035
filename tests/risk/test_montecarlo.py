"""Monte Carlo P&L: closed-form normal references, copula correlation, determinism, bad inputs."""

import numpy as np
import pytest
from scipy import stats

from ecomlib.errors import ParameterError
from ecomlib.risk import (
    Empirical,
    LogNormal,
    Normal,
    Triangular,
    Uniform,
    simulate_profit,
    tornado,
    variance_contribution,
)

N = 400_000


def _normal_case(seed=7):
    # profit = demand x (20 x 1 - 12) - fixed = 8 x demand - fixed: normal with
    # mean 8 x 1000 - 5000 = 3000 and sd sqrt(8^2 x 100^2 + 500^2) = 860.23 (closed form)
    return simulate_profit(N, demand=Normal(1000, 100), price=20, unit_cost=12,
                           fixed_costs=Normal(5000, 500), seed=seed, level=0.95)


def test_closed_form_mean_sd_var_es():
    sim = _normal_case()
    mu, sd = 3000.0, float(np.hypot(8 * 100, 500))
    s = sim.summary()["value"]
    se_mean = sd / np.sqrt(N)
    assert abs(s["mean"] - mu) < 4 * se_mean
    assert s["sd"] == pytest.approx(sd, rel=0.01)
    var_exact = -(mu + sd * stats.norm.ppf(0.05))
    es_exact = -(mu - sd * stats.norm.pdf(stats.norm.ppf(0.05)) / 0.05)
    # VaR/ES of a normal within 1% (the tolerance). This launch still makes a profit in
    # its worst 5%, so both figures are negative (a "loss" of minus that amount).
    assert sim.var == pytest.approx(var_exact, rel=0.01)
    assert sim.expected_shortfall == pytest.approx(es_exact, rel=0.01)
    assert sim.prob_loss == pytest.approx(stats.norm.cdf(0, mu, sd), abs=0.002)


def test_same_seed_identical_draws_and_different_seed_differs():
    a, b, c = _normal_case(1), _normal_case(1), _normal_case(2)
    assert a.draws.equals(b.draws)
    assert not a.draws.equals(c.draws)


def test_copula_keeps_margins_and_sets_correlation():
    sim = simulate_profit(200_000, demand=Normal(1000, 100), price=Uniform(18, 22), unit_cost=12,
                          fx=LogNormal.from_median(7.0, 0.05), seed=3,
                          correlation={("demand", "price"): -0.6})
    d = sim.draws
    # normal scores of demand and price have the requested correlation
    z_price = stats.norm.ppf((d["price"] - 18) / 4)
    z_demand = (d["demand"] - 1000) / 100
    assert np.corrcoef(z_demand, z_price)[0, 1] == pytest.approx(-0.6, abs=0.01)
    # each margin keeps its own distribution
    assert d["price"].between(18, 22).all()
    assert d["fx"].median() == pytest.approx(7.0, rel=0.002)
    assert np.corrcoef(d["demand"], d["fx"])[0, 1] == pytest.approx(0, abs=0.01)


def test_tornado_hand_computed_swing():
    sim = simulate_profit(1000, demand=Uniform(800, 1200), price=20, unit_cost=12, seed=0)
    t = tornado(sim)
    # demand 10th/90th percentiles 840 and 1160: profit 8 x 840 = 6720 and 8 x 1160 = 9280
    assert t["input"].tolist() == ["demand"]
    assert t.loc[0, "profit_low"] == pytest.approx(6720) and t.loc[0, "profit_high"] == pytest.approx(9280)
    assert t.loc[0, "swing"] == pytest.approx(2560)


def test_variance_contribution_linear_independent_inputs():
    # profit = 8 x demand - fixed: variance shares 8^2 x 100^2 : 500^2 = 0.719 : 0.281
    sim = _normal_case()
    v = variance_contribution(sim).set_index("input")["share_of_variance"]
    assert v["demand"] == pytest.approx(64e4 / (64e4 + 25e4), abs=0.01)


def test_empirical_and_triangular_inputs():
    sim = simulate_profit(10_000, demand=Empirical([90, 100, 110]), price=Triangular(9, 10, 12),
                          unit_cost=5, seed=4)
    assert set(np.unique(sim.draws["demand"])) <= {90.0, 100.0, 110.0}
    assert sim.draws["price"].between(9, 12).all()


@pytest.mark.parametrize("kwargs, match", [
    ({"n": 10}, "n"),
    ({"demand": "lots"}, "demand"),
    ({"correlation": {("demand", "fx"): 0.9, ("demand", "price"): 0.9, ("price", "fx"): -0.9}},
     "positive definite"),
    ({"correlation": {("demand", "margin"): 0.5}}, "correlation"),
    ({"level": 1.5}, "level"),
])
def test_bad_inputs(kwargs, match):
    args = {"n": 1000, "demand": Normal(100, 10), "price": 10, "unit_cost": 5, "seed": 0}
    args.update(kwargs)
    with pytest.raises(ParameterError, match=match):
        simulate_profit(**args)


@pytest.mark.parametrize("make", [lambda: Normal(0, 0), lambda: Uniform(2, 1),
                                  lambda: Triangular(1, 5, 3), lambda: Empirical([1]),
                                  lambda: LogNormal.from_median(-1, 0.1)])
def test_bad_distributions(make):
    with pytest.raises(ParameterError):
        make()
