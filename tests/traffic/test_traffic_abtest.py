"""A/B test analysis, sample-ratio mismatch and the peeking simulation."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import (
    DataError,
    EcomlibError,
    NotIdentifiableError,
    ParameterError,
    SchemaError,
)
from ecomlib.traffic import ab_test, power, sample_size, simulate_peeking, srm_check


def _frame(xc, nc, xt, nt):
    return pd.DataFrame({
        "variant": ["control"] * nc + ["treatment"] * nt,
        "converted": [True] * xc + [False] * (nc - xc) + [True] * xt + [False] * (nt - xt),
    })


def test_resume_callback_study_reference():
    # Bertrand & Mullainathan (2004), AER 94(4): callbacks 235 of 2,435 white-sounding names vs
    # 157 of 2,435 Black-sounding names; pooled two-proportion z = 4.108, p = 3.98e-5.
    res = ab_test(_frame(235, 2435, 157, 2435))
    assert res.statistic == pytest.approx(-4.108, rel=1e-3)
    assert res.p_value == pytest.approx(3.98e-5, rel=1e-3)
    flipped = ab_test(_frame(157, 2435, 235, 2435))
    assert flipped.statistic == pytest.approx(4.108, rel=1e-3)
    assert flipped.significant


def test_proportion_hand_case():
    # control 10/100, treatment 20/100: lift .10, Wald se sqrt(.09/100 + .16/100) = .05
    res = ab_test(_frame(10, 100, 20, 100))
    assert res.lift == pytest.approx(0.10)
    assert res.lift_ci[0] == pytest.approx(0.10 - 1.959964 * 0.05, abs=1e-6)
    assert res.relative_lift == pytest.approx(1.0)
    # pooled z = .1 / sqrt(.15 * .85 * .02)
    assert res.statistic == pytest.approx(0.1 / np.sqrt(0.15 * 0.85 * 0.02))
    # log-ratio interval: ratio 2, se = sqrt(1/10 - 1/100 + 1/20 - 1/100) = sqrt(.13)
    se_log = np.sqrt(0.13)
    assert res.relative_lift_ci[0] == pytest.approx(2 * np.exp(-1.959964 * se_log) - 1, abs=1e-5)
    assert res.relative_lift_ci[1] == pytest.approx(2 * np.exp(1.959964 * se_log) - 1, abs=1e-5)
    summary = res.summary()
    assert list(summary.columns) == ["quantity", "estimate", "ci_low", "ci_high"]


def test_observed_power_is_not_reported():
    """Issue 18: no post-hoc power (Hoenig & Heisey 2001); the detectable effect instead."""
    res = ab_test(_frame(10, 100, 20, 100))
    assert "observed power" not in set(res.summary()["quantity"])
    assert "minimum detectable effect (80% power)" in set(res.summary()["quantity"])
    with pytest.raises(AttributeError, match="Hoenig"):
        res.power  # noqa: B018 - the removed attribute explains itself


def test_mde_depends_on_the_design_not_the_outcome():
    # same arms and control rate, very different treatment outcomes: observed power would differ
    # (it follows the p-value), the detectable effect must not
    flat, strong = ab_test(_frame(100, 1000, 101, 1000)), ab_test(_frame(100, 1000, 160, 1000))
    assert flat.p_value > 0.9 and strong.p_value < 1e-3
    assert flat.mde == strong.mde
    # it is the lift that the pooled formula detects with 80 % power at 1,000 users per arm
    assert power(0.10, flat.mde, 1000) == pytest.approx(0.8, abs=1e-9)
    assert sample_size(0.10, flat.mde, power=0.8) == pytest.approx(1000, rel=1e-8)
    # the formatted table shows it in points
    assert ab_test(_frame(100, 1000, 101, 1000)).formatted().loc[
        "minimum detectable effect (80% power)", "estimate"].endswith("points")


def test_mde_for_means_is_in_metric_units():
    rng = np.random.default_rng(3)
    x, y = rng.normal(10, 2, 400), rng.normal(10.2, 2, 600)
    df = pd.DataFrame({"variant": ["control"] * 400 + ["treatment"] * 600,
                       "revenue": np.concatenate([x, y])})
    res = ab_test(df, metric="revenue", kind="mean", mde_power=0.9)
    sd = np.sqrt((399 * x.var(ddof=1) + 599 * y.var(ddof=1)) / 998)
    # normal approximation by hand: (z_.975 + z_.9) * sd * sqrt(1/400 + 1/600); t adds ~0.1 %
    hand = (1.959964 + 1.281552) * sd * np.sqrt(1 / 400 + 1 / 600)
    assert res.mde == pytest.approx(hand, rel=3e-3)
    assert res.mde_power == 0.9


def test_welch_matches_statsmodels(refs):
    x = [12.0, 0.0, 0.0, 30.5, 8.0, 0.0, 14.0, 0.0]
    y = [0.0, 22.0, 41.0, 0.0, 18.5, 25.0, 0.0, 33.0, 12.0]
    df = pd.DataFrame({"variant": ["control"] * len(x) + ["treatment"] * len(y), "revenue": x + y})
    res = ab_test(df, metric="revenue", kind="mean")
    assert res.statistic == pytest.approx(refs["statsmodels_welch_t"], rel=1e-9)
    assert res.p_value == pytest.approx(refs["statsmodels_welch_p"], rel=1e-9)
    assert res.lift == pytest.approx(np.mean(y) - np.mean(x))


def test_inputs_are_not_mutated():
    df = _frame(10, 100, 20, 100)
    before = df.copy()
    ab_test(df)
    pd.testing.assert_frame_equal(df, before)


def test_ab_test_bad_inputs():
    with pytest.raises(DataError):
        ab_test(pd.DataFrame({"variant": [], "converted": []}))
    with pytest.raises(SchemaError, match="converted"):
        ab_test(pd.DataFrame({"variant": ["control", "treatment"], "bought": [1, 0]}))
    with pytest.raises(DataError, match="treatment"):
        ab_test(pd.DataFrame({"variant": ["control", "B"], "converted": [1, 0]}))
    with pytest.raises(SchemaError):
        ab_test(pd.DataFrame({"variant": ["control", "treatment"], "converted": ["yes", "no"]}))
    with pytest.raises(SchemaError, match="kind='mean'"):
        ab_test(pd.DataFrame({"variant": ["control", "treatment"], "converted": [3.5, 0.0]}))
    with pytest.raises(NotIdentifiableError):
        ab_test(_frame(0, 50, 0, 50))
    with pytest.raises(ParameterError):
        ab_test(_frame(1, 50, 2, 50), kind="ratio")
    with pytest.raises(NotIdentifiableError):
        ab_test(pd.DataFrame({"variant": ["control", "treatment"] * 3, "r": [1.0] * 6}),
                metric="r", kind="mean")


def test_srm_hand_case():
    # 5,050 vs 4,950 under 50/50: chi2 = 2 * 50^2 / 5000 = 1.0, p = P(chi2_1 > 1) = 0.3173
    res = srm_check({"control": 5050, "treatment": 4950})
    assert res.chi2 == pytest.approx(1.0)
    assert res.p_value == pytest.approx(0.31731, abs=1e-5)
    assert not res.mismatch
    assert srm_check([5300, 4700]).mismatch  # chi2 = 36
    assert srm_check([6000, 4000], expected_ratio=[0.6, 0.4]).chi2 == pytest.approx(0.0)
    assert srm_check([5000, 10000], expected_ratio=2).chi2 == pytest.approx(0.0)
    assert len(res.summary()) == 2
    # three arms 1:1:2, counts 260/240/500 of 1,000: chi2 = (10² + 10²)/250 + 0 = 0.8, p = exp(-0.4)
    three = srm_check([260, 240, 500], expected_ratio=[1, 1, 2])
    assert three.chi2 == pytest.approx(0.8) and three.dof == 2
    assert three.p_value == pytest.approx(np.exp(-0.4), rel=1e-12)


def test_srm_bad_inputs():
    for counts, ratio in [([100], 1.0), ([100, -1], 1.0), ([0, 0], 1.0), ([10, 10], [1, 1, 1]),
                          ([10, 10], [1, 0]), ("ab", 1.0)]:
        with pytest.raises(EcomlibError):
            srm_check(counts, ratio)


def test_peeking_inflates_false_positives():
    res = simulate_peeking(baseline=0.05, daily_visitors=1000, days=28, n_sims=2000, seed=7)
    # with no true effect, the last-day test keeps roughly alpha (binomial sd ~ 0.005)
    assert abs(res.fixed_horizon_rate - 0.05) < 0.02
    # daily peeking over 28 looks is known to give roughly 0.2-0.3 (Armitage et al. 1969)
    assert 0.15 < res.peeking_rate < 0.40
    assert res.cumulative_rate.is_monotonic_increasing
    again = simulate_peeking(baseline=0.05, daily_visitors=1000, days=28, n_sims=2000, seed=7)
    assert again.peeking_rate == res.peeking_rate


def test_peeking_bad_inputs():
    with pytest.raises(ParameterError):
        simulate_peeking(days=0)
    with pytest.raises(ParameterError):
        simulate_peeking(daily_visitors=1)
    with pytest.raises(ParameterError):
        simulate_peeking(n_sims=10.5)


def test_formatted_summary_reads_as_words(sample_store):
    """Issue 14 §5: the A/B table shows counts, percentages and '< 0.0001', not 11,900.0000 or 0.0000."""
    from ecomlib.traffic import ab_test

    table = ab_test(sample_store.experiment).formatted()
    assert table.loc["users, control", "estimate"] == f"{(sample_store.experiment['variant'] == 'control').sum():,}"
    assert table.loc["p-value", "estimate"] == "< 0.0001"
    assert table.loc["absolute lift", "estimate"].endswith("points")
    assert not any("0000" in v for v in table.to_numpy().ravel())


def test_p_text_never_reads_zero():
    from ecomlib.traffic import p_text

    assert p_text(1.9e-7) == "p < 0.0001"
    assert p_text(0.1967) == "p = 0.1967"
