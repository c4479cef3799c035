"""Group-sequential boundaries (Lan-DeMets alpha spending) and the remedy for peeking (issue 18)."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ecomlib.errors import EcomlibError, ParameterError
from ecomlib.traffic import alpha_spent, sequential_bounds, sequential_test, simulate_peeking


# --- published tables --------------------------------------------------------------------------
# Lan-DeMets spending, K = 5 equally spaced looks, two-sided alpha = 0.05 (alpha/2 per tail), as
# printed by R's ldbounds / gsDesign and in Reboussin et al. (2000); three decimals, so abs 6e-4.
def test_lan_demets_obrien_fleming_k5():
    z = sequential_bounds(5, alpha=0.05).z
    assert z == pytest.approx([4.877, 3.357, 2.680, 2.290, 2.031], abs=6e-4)


def test_lan_demets_pocock_k5():
    z = sequential_bounds(5, alpha=0.05, spending="pocock").z
    assert z == pytest.approx([2.438, 2.427, 2.410, 2.397, 2.386], abs=6e-4)


def test_lan_demets_obrien_fleming_unequal_looks():
    # looks at half, three quarters and all of the users: 2.963, 2.359, 2.014 (gsDesign/ldbounds);
    # K = 3 equally spaced: 3.710, 2.511, 1.993
    assert sequential_bounds([0.5, 0.75, 1.0]).z == pytest.approx([2.963, 2.359, 2.014], abs=6e-4)
    assert sequential_bounds(3).z == pytest.approx([3.710, 2.511, 1.993], abs=6e-4)


def test_classical_obrien_fleming_k5():
    # O'Brien & Fleming (1979); Jennison & Turnbull (2000) table 2.3: C_B(5, 0.05) = 2.040, the
    # boundary at look k is C_B * sqrt(5 / k): 4.562, 3.226, 2.634, 2.281, 2.040
    z = sequential_bounds(5, spending="classical_obrien_fleming").z
    assert z == pytest.approx([2.040 * np.sqrt(5 / k) for k in range(1, 6)], abs=6e-4)
    assert z == pytest.approx([4.562, 3.226, 2.634, 2.281, 2.040], abs=6e-4)


# --- hand cases and internal consistency -------------------------------------------------------
def test_one_look_is_the_fixed_horizon_test():
    assert sequential_bounds(1).z[0] == pytest.approx(stats.norm.isf(0.025), abs=1e-9)


def test_first_boundary_is_the_spending_quantile():
    # at the first look nothing has been spent: P(|Z| >= b1) = alpha(t1), b1 = z(1 - alpha(t1)/2)
    for spending in ("obrien_fleming", "pocock"):
        b = sequential_bounds([0.3, 1.0], spending=spending)
        assert b.z[0] == pytest.approx(stats.norm.isf(alpha_spent(0.3, spending=spending) / 2), rel=1e-10)


def test_spending_functions_by_hand():
    # O'Brien-Fleming type at t = 0.5: 4 * (1 - Phi(z_.9875 / sqrt(.5))) = 4 * (1 - Phi(3.1698))
    assert float(alpha_spent(0.5)) == pytest.approx(4 * stats.norm.sf(2.241403 / np.sqrt(0.5)), rel=1e-5)
    assert float(alpha_spent(0.5, spending="pocock")) == pytest.approx(0.05 * np.log(1 + (np.e - 1) / 2))
    assert float(alpha_spent(1.0)) == pytest.approx(0.05, rel=1e-12)


def test_alpha_spent_follows_the_spending_function():
    t = np.array([0.1, 0.25, 0.4, 0.7, 0.85, 1.0])
    b = sequential_bounds(t)
    assert b.alpha_spent == pytest.approx(alpha_spent(t), rel=1e-6)
    assert b.summary()["nominal_p"].iloc[-1] == pytest.approx(2 * stats.norm.sf(b.z[-1]))


def test_boundaries_hold_alpha_on_simulated_brownian_paths():
    # independent check of the numerical integration: z statistics of 400,000 simulated
    # Brownian paths at the five looks cross the boundaries 5 % of the time (MC sd 0.00034)
    rng = np.random.default_rng(11)
    w = rng.standard_normal((400_000, 5)).cumsum(axis=1)
    z = w / np.sqrt(np.arange(1, 6))
    for spending in ("obrien_fleming", "pocock", "classical_obrien_fleming"):
        crossed = (np.abs(z) >= np.asarray(sequential_bounds(5, spending=spending).z)).any(axis=1)
        assert abs(crossed.mean() - 0.05) < 0.0015, spending


# --- reading a running test --------------------------------------------------------------------
def test_sequential_test_hand_case():
    looks = pd.DataFrame({"users_control": [1000, 2000], "conversions_control": [50, 100],
                          "users_treatment": [1000, 2000], "conversions_treatment": [80, 150]})
    res = sequential_test(looks, planned_users=4000)
    # look 2: pooled rate 250/4000, z = .025 / sqrt(.0625 * .9375 * 2/2000) = 3.266 > 1.969
    assert res.looks["z"].iloc[1] == pytest.approx(0.025 / np.sqrt(0.0625 * 0.9375 * 0.001))
    # look 1: z = .03 / sqrt(.065 * .935 * 2/1000) = 2.721, below the first boundary 2.963
    assert res.looks["z_boundary"].tolist() == pytest.approx([2.963, 1.969], abs=6e-4)
    assert res.looks["crossed"].tolist() == [False, True]
    assert res.stopped_at == 2 and res.significant
    assert "look 2" in res.headline()


def test_sequential_test_not_yet_significant():
    looks = pd.DataFrame({"users_control": [500], "conversions_control": [25],
                          "users_treatment": [500], "conversions_treatment": [30]})
    res = sequential_test(looks, planned_users=10_000)
    assert res.stopped_at is None and not res.significant
    assert "keep the test running" in res.headline()


def test_sequential_bad_inputs():
    for looks in (0, [0.5, 0.4], [0.2, 1.2], [], "abc", [0.0, 1.0]):
        with pytest.raises(ParameterError):
            sequential_bounds(looks)
    with pytest.raises(ParameterError):
        sequential_bounds(5, spending="haybittle")
    with pytest.raises(ParameterError, match="too close"):
        sequential_bounds([0.5, 0.500001, 1.0])  # would need a grid of ~34,000 points
    good = {"users_control": [100, 200], "conversions_control": [5, 10],
            "users_treatment": [100, 200], "conversions_treatment": [6, 12]}
    for bad in ({**good, "users_control": [200, 100]}, {**good, "conversions_treatment": [150, 250]}):
        with pytest.raises(EcomlibError):
            sequential_test(pd.DataFrame(bad), planned_users=1000)
    with pytest.raises(EcomlibError, match="users_treatment"):
        sequential_test(pd.DataFrame(good).drop(columns="users_treatment"), planned_users=1000)
    with pytest.raises(EcomlibError, match="same information"):
        sequential_test(pd.DataFrame(good), planned_users=100)  # both looks past the plan


# --- the remedy for peeking --------------------------------------------------------------------
def test_peeking_result_carries_the_sequential_policy():
    res = simulate_peeking(days=14, n_sims=500, seed=1)
    assert len(res.boundaries) == 14 and res.boundaries[0] > res.boundaries[-1] > 1.96
    assert res.sequential_cumulative_rate.is_monotonic_increasing
    assert res.summary()["false_positive_rate"].iloc[-1] == res.sequential_rate


@pytest.mark.slow
@pytest.mark.parametrize("days", [28, 200])
def test_sequential_keeps_alpha_under_daily_peeking(days):
    """A/A tests looked at every day (28 looks) or near-continuously (200 looks): the naive rule
    stops far above alpha, the Lan-DeMets O'Brien-Fleming boundaries stay at alpha (MC error)."""
    n_sims = 20_000
    res = simulate_peeking(baseline=0.05, daily_visitors=2000, days=days, n_sims=n_sims, seed=2026)
    mc_sd = np.sqrt(0.05 * 0.95 / n_sims)  # 0.0015
    assert res.sequential_rate <= 0.05 + 3 * mc_sd
    assert res.peeking_rate > 0.05 + 50 * mc_sd  # 0.125 and more
    assert abs(res.fixed_horizon_rate - 0.05) < 4 * mc_sd
