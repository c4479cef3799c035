"""Intervals of baseline totals when daily sales are autocorrelated (module notes of baseline.py)."""

import importlib

import numpy as np
import pandas as pd
import pytest

from ecomlib.pricing import estimate_elasticity
from ecomlib.promotion import baseline, daily_sales
from ecomlib.promotion.baseline import residual_autocorrelation, sum_inflation
from ecomlib.promotion.effects import scope_elasticity

# the module, not the function of the same name that ecomlib.promotion exports
baseline_module = importlib.import_module("ecomlib.promotion.baseline")


def test_sum_inflation_hand_cases():
    # two days correlated 0.5: Var(y1 + y2) = 2 + 2 x 0.5 = 3 = 2 x 1.5
    assert sum_inflation((0.5,), 2) == pytest.approx(1.5)
    # seven days, lags 1 and 2 at 0.2 and 0.1: 1 + 2 (6/7 x 0.2 + 5/7 x 0.1) = 1 + 2 x 1.7/7
    assert sum_inflation((0.2, 0.1), 7) == pytest.approx(1 + 2 * 1.7 / 7)
    # only lags below n count; negative correlation never narrows the interval
    assert sum_inflation((0.2, 0.9), 2) == pytest.approx(1 + 2 * 0.5 * 0.2)
    assert sum_inflation((-0.4,), 7) == 1.0
    assert sum_inflation((), 7) == 1.0


def test_residual_autocorrelation_skips_missing_days():
    # alternating residuals: lag 1 is -1, lag 2 is +1 (hand computed, mean zero)
    alternating = np.tile([1.0, -1.0], 20)
    rho = residual_autocorrelation(alternating, max_lag=2)
    assert rho == pytest.approx((-1.0, 1.0))
    # a NaN gap removes the pairs it touches instead of joining unrelated days
    gapped = alternating.copy()
    gapped[10] = np.nan
    assert residual_autocorrelation(gapped, max_lag=2) == pytest.approx((-1.0, 1.0), abs=0.01)  # mean shifts by 1/39
    assert residual_autocorrelation(np.zeros(30)) == ()


def _ar_series(rng, days, rho, level=200.0, sd=0.12):
    """Daily Poisson sales around a level whose log follows an AR(1) with coefficient ``rho``."""
    e = rng.normal(0, sd * np.sqrt(1 - rho**2), len(days))
    z = np.empty(len(days))
    z[0] = rng.normal(0, sd)
    for t in range(1, len(days)):  # a short synthetic series, generated once per replication
        z[t] = rho * z[t - 1] + e[t]
    return pd.Series(rng.poisson(level * np.exp(z)).astype(float), index=days)


def _placebo_coverage(n_reps: int, rho: float) -> float:
    rng = np.random.default_rng(5)
    days = pd.date_range("2025-01-06", periods=12 * 7 + 7 + 14, freq="D", unit="us")
    start, end = days[84], days[90]
    hits = []
    for _ in range(n_reps):  # replications of a small synthetic series
        res = baseline(_ar_series(rng, days, rho), start, end, method="forecast", pre_weeks=12, post_weeks=2)
        e = res.effect("during")
        hits.append(e["incremental_low"] <= 0 <= e["incremental_high"])
    return float(np.mean(hits))


@pytest.mark.slow
def test_totals_keep_their_coverage_under_autocorrelation(monkeypatch):
    # No promotion at all (placebo): the 95 % interval of the 7-day "lift" should cover zero about
    # 95 % of the time. Daily log-level AR(1) with coefficient 0.5 (a busy day is followed by busy
    # days); 300 replications, binomial sd of the coverage 0.013. Measured: 0.923 with the
    # correction (autocorrelations estimated from 84 days are biased toward zero) and 0.827 with
    # it switched off (inflation 1).
    corrected = _placebo_coverage(300, rho=0.5)
    monkeypatch.setattr(baseline_module, "sum_inflation", _no_inflation)
    naive = _placebo_coverage(300, rho=0.5)
    assert 0.90 <= corrected <= 0.985, corrected
    assert naive < corrected - 0.05, (naive, corrected)


def _no_inflation(autocorrelation, n):
    return 1.0


@pytest.mark.slow
def test_placebo_windows_of_the_sample_shop(sample_store):
    # Weeks of the bundled shop that no promotion touches (nor its two weeks after), each
    # category treated as if promoted: the interval of the 7-day lift covers zero in 93 % of
    # 296 windows x categories (91 % before the autocorrelation correction), so >= 0.9 here.
    s = sample_store
    daily = daily_sales(s.transactions)
    days, products = daily.days, daily.products
    elasticities = estimate_elasticity(s.transactions).summary()["elasticity"].dropna().to_dict()
    touched = np.zeros(len(days), dtype=bool)
    for _, p in s.promotions.iterrows():
        touched |= (days >= p["start"]) & (days <= p["end"] + pd.Timedelta(weeks=2))
    hits = []
    for start in days[(days >= pd.Timestamp("2024-04-01")) & (days.day_of_week == 0)]:
        end = start + pd.Timedelta(days=6)
        window = (days >= start) & (days <= end + pd.Timedelta(weeks=2))
        if touched[window].any() or end + pd.Timedelta(weeks=2) > days[-1]:
            continue
        for category in products["category"].unique():
            mask = (products["category"] == category).to_numpy()
            res = baseline(daily.total(mask), start, end, method="forecast", pre_weeks=12, post_weeks=2,
                           exclude=touched, log_price=daily.log_price_index(mask),
                           elasticity=scope_elasticity(elasticities, daily, mask))
            e = res.effect("during")
            hits.append(e["relative_low"] <= 0 <= e["relative_high"])
    assert len(hits) >= 200
    assert np.mean(hits) >= 0.9, np.mean(hits)
