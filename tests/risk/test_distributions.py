"""Input distributions of the Monte Carlo: foreign distribution objects (issue 18)."""

import numpy as np
import pytest
from scipy import stats

from ecomlib.errors import ParameterError
from ecomlib.risk import Normal, simulate_profit, tornado
from ecomlib.risk.distributions import External, as_distribution


def test_scipy_frozen_distribution_is_accepted():
    dist = as_distribution("demand", stats.norm(1000, 100))
    assert isinstance(dist, External)
    # its quantiles are scipy's: the median and the 97.5 % point 1000 + 1.959964 * 100
    assert dist.median() == pytest.approx(1000.0)
    assert float(dist.ppf(np.array([0.975]))[0]) == pytest.approx(1195.9964, abs=1e-3)


def test_frozen_and_builtin_normal_give_the_same_simulation():
    # same seed, same uniforms, same quantile function: identical draws
    a = simulate_profit(2_000, demand=stats.norm(1000, 100), price=20, unit_cost=12, seed=4)
    b = simulate_profit(2_000, demand=Normal(1000, 100), price=20, unit_cost=12, seed=4)
    np.testing.assert_allclose(a.draws["profit"], b.draws["profit"], rtol=1e-12)
    assert tornado(a)["input"].tolist() == ["demand"]


def test_skewed_scipy_input_keeps_its_mean():
    # gamma(a=2, scale=300): mean demand 600 units; profit per unit 8, so mean profit ~4,800
    sim = simulate_profit(20_000, demand=stats.gamma(a=2, scale=300), price=20, unit_cost=12, seed=1)
    se = 8 * 300 * np.sqrt(2) / np.sqrt(20_000)
    assert abs(sim.draws["profit"].mean() - 4800) < 4 * se


def test_any_object_with_ppf_and_rvs():
    class Fixed:
        def ppf(self, u):
            return np.full(np.shape(u), 7.0)

        def rvs(self, size=None, random_state=None):
            return np.full(size, 7.0)

    assert as_distribution("fx", Fixed()).median() == 7.0


def test_objects_without_a_working_ppf_are_rejected():
    class NoRvs:
        def ppf(self, u):
            return u

    class Broken:
        def ppf(self, u):
            raise RuntimeError("boom")

        def rvs(self):
            return 1

    class Decreasing:
        def ppf(self, u):
            return -np.asarray(u)

        def rvs(self):
            return 1

    with pytest.raises(ParameterError, match="ppf and .rvs"):
        as_distribution("price", NoRvs())
    with pytest.raises(ParameterError, match="boom"):
        as_distribution("price", Broken())
    with pytest.raises(ParameterError, match="non-decreasing"):
        as_distribution("price", Decreasing())
    with pytest.raises(ParameterError, match="frozen scipy"):
        as_distribution("price", "twenty")
