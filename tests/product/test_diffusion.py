"""Bass diffusion (issue 19): closed forms, recovery from simulated launches, curve_fit reference."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError
from ecomlib.product import (
    bass_adopters,
    bass_cumulative,
    bass_forecast,
    bass_peak,
    bass_share,
    fit_bass,
    forecast_by_analogy,
    launch_readout,
)

REF = Path(__file__).parent / "references" / "bass_curve_fit.json"


def test_closed_forms_by_hand():
    p, q, m = 0.03, 0.38, 1000.0
    # F(1) = (1 - e^-0.41) / (1 + (0.38/0.03) e^-0.41), computed by hand
    e = np.exp(-0.41)
    assert bass_share(1.0, p, q) == pytest.approx((1 - e) / (1 + 0.38 / 0.03 * e), rel=1e-14)
    assert bass_share(0.0, p, q) == 0.0
    # with q = 0 the model is pure innovation: F(t) = 1 - e^{-pt}
    np.testing.assert_allclose(bass_share([1, 5, 20], 0.1, 0.0), 1 - np.exp(-0.1 * np.array([1, 5, 20])))
    n = bass_adopters(200, p, q, m)
    assert n.sum() == pytest.approx(m, rel=1e-12)  # all adopt eventually
    np.testing.assert_allclose(np.cumsum(n), bass_cumulative(np.arange(1, 201), p, q, m), rtol=1e-12)
    # the first period's adopters are m * F(1)
    assert n[0] == pytest.approx(m * bass_share(1.0, p, q))


def test_peak_time_and_rate_are_the_maximum_of_the_rate():
    p, q, m = 0.01, 0.4, 10_000.0
    peak = bass_peak(p, q, m)
    assert peak["peak_time"] == pytest.approx(np.log(40) / 0.41, rel=1e-14)
    assert peak["peak_rate"] == pytest.approx(m * 0.41**2 / 1.6, rel=1e-14)
    # numerically: the derivative of m F(t) on a fine grid peaks there
    t = np.linspace(0, 30, 300_001)
    rate = np.gradient(bass_cumulative(t, p, q, m), t)
    assert t[rate.argmax()] == pytest.approx(peak["peak_time"], abs=1e-3)
    assert rate.max() == pytest.approx(peak["peak_rate"], rel=1e-6)
    # imitation weaker than innovation: the rate is highest at launch
    assert bass_peak(0.3, 0.1, 100.0) == {"peak_time": 0.0, "peak_rate": pytest.approx(30.0)}


def test_exact_series_is_fitted_exactly():
    n = bass_adopters(30, 0.02, 0.5, 5000.0)
    fit = fit_bass(n)
    np.testing.assert_allclose(fit.params.to_numpy(), [0.02, 0.5, 5000.0], rtol=1e-7)


def _simulate(seed, p=0.01, q=0.4, m=10_000.0, weeks=40, sd=25.0):
    rng = np.random.default_rng(seed)
    return np.maximum(bass_adopters(weeks, p, q, m) + rng.normal(0, sd, weeks), 0.0)


def test_recovery_within_95_percent_intervals():
    # one series (the reference's, seed 19); each interval misses 5 % of the time by design, so the
    # test of the intervals themselves is the coverage over 200 seeds below
    fit = fit_bass(json.loads(REF.read_text())["series"])
    s = fit.summary()
    truth = {"p": 0.01, "q": 0.4, "m": 10_000.0}
    for name, value in truth.items():
        assert s.loc[name, "low"] <= value <= s.loc[name, "high"], (name, s.loc[name].to_dict())


def test_interval_coverage_across_seeds():
    # 200 simulated launches: each 95 % interval should cover its truth about 95 % of the time
    truth = np.array([0.01, 0.4, 10_000.0])
    hits = np.zeros(3)
    for seed in range(200):
        s = fit_bass(_simulate(seed)).summary()
        hits += (s["low"].to_numpy() <= truth) & (truth <= s["high"].to_numpy())
    coverage = hits / 200
    assert np.all(coverage >= 0.90) and np.all(coverage <= 0.99), coverage


def test_robust_intervals_cover_under_poisson_counts():
    # Poisson weekly units over 80 weeks: the long quiet tail makes s^2 too small for the peak, so
    # the constant-variance intervals under-cover; the HC1 sandwich covers far better
    truth = np.array([0.02, 0.35, 1500.0])
    mean = bass_adopters(80, *truth)
    cover = {"nonrobust": np.zeros(3), "HC1": np.zeros(3)}
    for seed in range(100):
        y = np.random.default_rng(seed).poisson(mean)
        for cov_type, hits in cover.items():
            s = fit_bass(y, cov_type=cov_type).summary()
            hits += (s["low"].to_numpy() <= truth) & (truth <= s["high"].to_numpy())
    # measured: HC1 0.90 / 0.88 / 0.88 (p, q, m), plain 0.63 / 0.61 / 0.67; HC1 is a little short of
    # 0.95 at n = 80, as sandwich estimators are in small samples
    assert np.all(cover["HC1"] / 100 >= 0.85), cover
    assert np.all(cover["nonrobust"] < cover["HC1"]), cover


def test_agrees_with_scipy_curve_fit_reference():
    ref = json.loads(REF.read_text())
    fit = fit_bass(ref["series"])
    for name in "pqm":
        assert fit.params[name] == pytest.approx(ref["estimate"][name], rel=1e-4)
        assert fit.se[name] == pytest.approx(ref["se"][name], rel=1e-4)


def test_forecast_from_first_weeks_covers_later_weeks():
    # fit the first 12 weeks, forecast weeks 13-20: the 95 % prediction intervals cover ~95 %
    inside, total = 0, 0
    for seed in range(100):
        y = _simulate(seed, weeks=20)
        fc = bass_forecast(fit_bass(y[:12]), 8)
        actual = y[12:]
        inside += int(((fc["low"] <= actual) & (actual <= fc["high"])).sum())
        total += len(actual)
    assert 0.88 <= inside / total <= 0.99, inside / total
    fc = bass_forecast(fit_bass(_simulate(1)[:12]), 3)
    assert fc["period"].tolist() == [13, 14, 15]
    assert (fc["low"] <= fc["forecast"]).all() and (fc["forecast"] <= fc["high"]).all()


def test_bad_input_is_explained():
    with pytest.raises(DataError, match="at least 4 periods"):
        fit_bass([1, 2, 3])
    with pytest.raises(DataError, match="non-negative"):
        fit_bass([1, -2, 3, 4, 5])
    with pytest.raises(ParameterError):
        bass_adopters(10, p=0, q=0.3, m=100)
    with pytest.raises(ParameterError, match="cov_type"):
        fit_bass([1, 5, 9, 4, 2], cov_type="HC9")
    with pytest.raises(ParameterError):
        bass_forecast(fit_bass(_simulate(0)), 0)


def test_forecast_by_analogy_by_hand_and_range():
    # an exact series with the analogue's own p, q: m is recovered exactly from three weeks
    n = bass_adopters(3, 0.02, 0.4, 800.0)
    same = forecast_by_analogy(n, pd.DataFrame({"p": [0.02], "q": [0.4]}), horizon=5)
    assert same.attrs["m"] == pytest.approx([800.0])
    np.testing.assert_allclose(same["median"], bass_adopters(8, 0.02, 0.4, 800.0), rtol=1e-12)
    assert same["observed"].isna().sum() == 5
    # m by hand for one week: m = n_1 / g_1
    one = forecast_by_analogy([10.0], pd.DataFrame({"p": [0.05], "q": [0.0]}), horizon=1)
    assert one.attrs["m"] == pytest.approx([10.0 / (1 - np.exp(-0.05))])
    # analogues around the truth: their range holds the true curve
    analogues = pd.DataFrame({"p": [0.015, 0.02, 0.03], "q": [0.3, 0.4, 0.5]})
    rng = np.random.default_rng(3)
    y = rng.poisson(bass_adopters(5, 0.02, 0.4, 800.0))
    fc = forecast_by_analogy(y, analogues, horizon=10)
    truth = bass_adopters(15, 0.02, 0.4, 800.0)
    assert ((fc["low"] <= truth) & (truth <= fc["high"])).mean() >= 0.8
    with pytest.raises(ParameterError, match="analogues"):
        forecast_by_analogy(y, pd.DataFrame({"p": [0.1]}), horizon=2)


def test_launch_readout_by_hand():
    # earlier launches' first 3 weeks: A 10 + 20 + 30 = 60, B 5 + 5 + 5 = 15, C 30 + 30 + 30 = 90,
    # D only 2 weeks observed (left out)
    earlier = pd.DataFrame(
        {
            "launch_id": ["A"] * 4 + ["B"] * 3 + ["C"] * 3 + ["D"] * 2,
            "week_number": [1, 2, 3, 4, 1, 2, 3, 1, 2, 3, 1, 2],
            "units": [10, 20, 30, 99, 5, 5, 5, 30, 30, 30, 100, 100],
        }
    )
    r = launch_readout([20, 20, 20, 1], earlier, weeks=3)  # 60 units: above B, tied with A, below C
    assert r["units"] == 60 and r["n_earlier"] == 3
    assert r["earlier_median"] == 60 and (r["earlier_low"], r["earlier_high"]) == (15, 90)
    assert r["percentile"] == pytest.approx((1 + 0.5) / 3)
    # 2-week totals A 30, B 10, C 60, D 200: 250 beats all four, 200 ties D
    assert launch_readout([150, 100], earlier)["percentile"] == 1.0
    assert launch_readout([100, 100], earlier)["percentile"] == pytest.approx(3.5 / 4)
    with pytest.raises(DataError, match="observed for 5 weeks"):
        launch_readout([1, 2, 3, 4, 5], earlier)
    with pytest.raises(ParameterError, match="weeks"):
        launch_readout([1, 2], earlier, weeks=3)


@pytest.mark.slow
@pytest.mark.parametrize("truth, periods", [((0.02, 0.4, 5000.0), 30), ((0.005, 0.6, 3000.0), 12)])
def test_hc3_intervals_cover_short_poisson_launches_about_95_percent(truth, periods):
    """300 simulated launches each: HC3 near 95 %, and never below the nonrobust intervals."""
    from ecomlib.product import bass_adopters as expected

    replications = 300
    hits = {"HC3": np.zeros(3), "nonrobust": np.zeros(3)}
    for seed in range(replications):
        counts = np.random.default_rng(seed).poisson(expected(periods, *truth))
        for cov_type, acc in hits.items():
            table = fit_bass(counts, cov_type=cov_type).summary()
            acc += (table["low"].to_numpy() <= truth) & (np.asarray(truth) <= table["high"].to_numpy())
    hc3 = hits["HC3"] / replications
    # a true 95 % coverage lands in [0.92, 0.98] with probability > 0.99 over 300 replications
    assert np.all((hc3 >= 0.92) & (hc3 <= 0.99)), hc3
    assert hc3.mean() >= (hits["nonrobust"] / replications).mean()
