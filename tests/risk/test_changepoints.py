"""Several change points (PELT): a hand case, the Nile, exhaustive and DP oracles, the sample shop.

Independent references: (1) every segmentation of a short series enumerated and scored with
:func:`segment_cost`; (2) the optimal-partitioning recursion of Jackson et al. (2005), written
here in plain numpy, on the Nile and on simulated series; (3) ruptures' PELT with its ``"l2"`` cost
(segments of any length: its pruning is exact only then); (4) the Nile's change at 1898/1899
(Cobb 1978), read from statsmodels' copy of R's ``datasets::Nile``.
"""

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
import ruptures
import statsmodels.api as sm

from ecomlib.errors import DataError, ParameterError
from ecomlib.risk import (
    bic_penalty,
    change_point,
    change_points,
    detection_scores,
    kpi_change_points,
    noise_sd,
    segment_cost,
)

TWO_SHIFTS = [10, 12, 9, 11, 10, 20, 22, 19, 21, 20, 10, 12, 9, 11, 10]


def _nile() -> pd.Series:
    d = sm.datasets.nile.load_pandas().data
    return pd.Series(d["volume"].to_numpy(), index=d["year"].astype(int).to_numpy())


def test_two_clear_shifts_by_hand():
    """Levels 10.4, 20.4, 10.4 on days 0-4, 5-9, 10-14.

    Differences: 2 -3 2 -1 10 2 -3 2 -1 -10 2 -3 2 -1, median 0.5, absolute deviations with
    median 1.5, so sigma = 1.4826 * 1.5 / sqrt(2) = 1.5725 and the penalty is
    2 * log(15) * sigma^2 = 13.39. Each segment's sum of squares is 5.2 (deviations -0.4 1.6
    -1.4 0.6 -0.4), so two changes cost 15.6 + 2 * 13.39 = 42.4. No change costs 348.9 (sum
    of squares 3178 - 206^2 / 15), one change 5.2 + 260.4 + 13.39 = 279.0, and the best
    extra split inside a segment ([10, 12] | [9, 11, 10]: 2 + 2 = 4) saves only 1.2 < 13.39.
    """
    cps = change_points(TWO_SHIFTS)
    sigma = 1.4826 * 1.5 / np.sqrt(2)
    assert cps.sigma == pytest.approx(sigma)
    assert cps.penalty == pytest.approx(2 * np.log(15) * sigma**2)
    assert cps.breakpoints == (5, 10)
    assert cps.segments["mean"].tolist() == pytest.approx([10.4, 20.4, 10.4])
    assert cps.cost == pytest.approx(15.6 + 2 * cps.penalty)
    assert segment_cost(TWO_SHIFTS, []) == pytest.approx(3178 - 206**2 / 15)
    summary = cps.summary()
    assert summary["shift"].tolist() == pytest.approx([10.0, -10.0])
    assert summary["first_after"].tolist() == [5, 10]


def test_one_day_incident_needs_min_size_1():
    # a single high day (day 5). No change costs about 100 * 10/11 = 90.9 (its squared distance
    # from the mean); with min_size=1 it becomes a segment of its own, cost about 0 + 2 * 5.
    # With segments of at least 2 days the spike shares a 2-day segment with a neighbour
    # (sum of squares about 50, + 2 * 5 = 60 < 90.9). A penalty of 100 per change keeps none.
    x = [0.0, 0.1, -0.1, 0.0, 0.1, 10.0, 0.0, -0.1, 0.1, 0.0, -0.1]
    assert change_points(x, penalty=5.0, min_size=1).breakpoints == (5, 6)
    a, b = change_points(x, penalty=5.0, min_size=2).breakpoints
    assert b - a == 2 and a <= 5 < b
    assert change_points(x, penalty=100.0, min_size=1).breakpoints == ()


def _exhaustive(x, penalty, min_size):
    """Score every segmentation of a short series (2^(n-1) of them) and keep the cheapest."""
    n = len(x)
    best = (segment_cost(x, []), ())
    for m in range(1, n):
        for breaks in combinations(range(1, n), m):
            edges = (0, *breaks, n)
            if min(np.diff(edges)) < min_size:
                continue
            cost = segment_cost(x, breaks) + penalty * m
            if cost < best[0] - 1e-12:
                best = (cost, breaks)
    return best


def _optimal_partitioning(x, penalty, min_size=1):
    """Jackson et al. (2005): F(t) = min_s F(s) + C(s, t) + penalty, without pruning, O(n^2)."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    s1, s2 = np.r_[0, np.cumsum(x)], np.r_[0, np.cumsum(x * x)]
    f = np.full(n + 1, np.inf)
    f[0] = -penalty
    last = np.zeros(n + 1, dtype=int)
    for t in range(min_size, n + 1):
        s = np.arange(0, t - min_size + 1)
        s = s[(s == 0) | (s >= min_size)]
        seg = s2[t] - s2[s] - (s1[t] - s1[s]) ** 2 / (t - s)
        total = f[s] + seg + penalty
        i = int(np.argmin(total))
        f[t], last[t] = total[i], s[i]
    breaks, t = [], n
    while last[t] > 0:
        breaks.append(int(last[t]))
        t = last[t]
    return f[n], tuple(sorted(breaks))


@pytest.mark.parametrize("seed", range(5))
def test_pelt_matches_exhaustive_search(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, 10) + np.repeat(rng.normal(0, 3, 2), 5)
    for penalty in (0.5, 2.0, 8.0):
        for min_size in (1, 2):
            cost, breaks = _exhaustive(x, penalty, min_size)
            got = change_points(x, penalty=penalty, min_size=min_size)
            assert got.breakpoints == breaks
            assert got.cost == pytest.approx(cost, rel=1e-10)


def test_pelt_matches_optimal_partitioning_and_ruptures_l2():
    nile = _nile().to_numpy()
    rng = np.random.default_rng(42)
    walk = np.repeat(rng.normal(0, 2, 8), 25) + rng.normal(0, 1, 200)
    for x in (nile, walk):
        beta = bic_penalty(len(x), noise_sd(x))
        for min_size in (1, 3):
            cost, breaks = _optimal_partitioning(x, beta, min_size)
            got = change_points(x, min_size=min_size)
            assert got.breakpoints == breaks
            assert got.cost == pytest.approx(cost, rel=1e-9)
            # ruptures' PELT agrees where it is exact (min_size=1; with longer minimum
            # segments ruptures 1.1.10 prunes too early, see ecomlib.risk.changepoints)
            if min_size == 1:
                ends = ruptures.Pelt(model="l2", min_size=1, jump=1).fit(x).predict(pen=beta)
                assert tuple(ends[:-1]) == breaks


def test_nile_pelt_finds_only_the_1898_1899_change():
    nile = _nile()
    cps = change_points(nile)
    assert len(cps.breakpoints) == 1
    row = cps.summary().iloc[0]
    assert (row["last_before"], row["first_after"]) == (1898, 1899)
    single = change_point(nile)  # today's single-shift detector agrees
    assert row["mean_before"] == pytest.approx(single.mean_before)
    assert row["mean_after"] == pytest.approx(single.mean_after)


def test_kpi_change_points_recovers_two_level_shifts():
    # a daily KPI with a weekday pattern, a 25 % drop from day 120 and a recovery to +10 %
    # from day 250; noise 5 % (log scale)
    rng = np.random.default_rng(5)
    days = pd.date_range("2024-01-01", periods=360, freq="D")
    weekday = np.array([0.0, 0.05, 0.05, 0.0, 0.1, 0.3, 0.25])[days.day_of_week]
    level = np.where(np.arange(360) < 120, 0.0, np.where(np.arange(360) < 250, np.log(0.75), np.log(1.1)))
    kpis = pd.DataFrame({"date": days, "sales": 1000 * np.exp(weekday + level + rng.normal(0, 0.05, 360))})
    out = kpi_change_points(kpis)
    assert len(out) == 2
    assert (out["date"] - pd.to_datetime(["2024-04-30", "2024-09-07"])).abs().max() <= pd.Timedelta(days=2)
    assert out["change"].tolist() == pytest.approx([-0.25, 1.1 / 0.75 - 1], abs=0.04)
    assert out["log_scale"].all() and out["kind"].tolist() == ["shift", "shift"]


def test_sample_shop_incidents_recovered(sample_store):
    # every incident injected into kpis_daily (truth kpi_anomalies) has a change point in its KPI
    # within 1 day, and the change on the incident's day moves the way the incident did
    truth = sample_store.truth["kpi_anomalies"]
    found = kpi_change_points(sample_store.kpis_daily)
    scores = detection_scores(found, truth, tolerance_days=1)
    assert scores["recall"] == 1.0, scores
    for _, inc in truth.iterrows():
        near = found[(found["kpi"] == inc["kpi"])
                     & ((found["date"] - inc["date"]).abs() <= pd.Timedelta(days=1))]
        first = near.sort_values("date").iloc[0]
        assert np.sign(first["change"]) == (1 if inc["direction"] == "spike" else -1), (inc, near)
        assert first["days"] <= 2  # a one-day incident is a short segment: the level comes back
        assert first["kind"] == "blip"


def test_change_points_bad_inputs():
    with pytest.raises(ParameterError, match="penalty"):
        change_points(TWO_SHIFTS, penalty=-1)
    with pytest.raises(ParameterError, match="min_size"):
        change_points(TWO_SHIFTS, min_size=0)
    with pytest.raises(DataError, match="missing"):
        change_points([1.0, np.nan, 2.0, 3.0])
    with pytest.raises(DataError, match="numbers"):
        change_points(["a", "b", "c", "d"])
    with pytest.raises(DataError, match="at least 4"):
        change_points([1.0, 2.0, 3.0])
    assert change_points([5.0] * 10).breakpoints == ()  # flat: nothing to find
    with pytest.raises(ParameterError, match="blip_days"):
        kpi_change_points(pd.DataFrame({"date": pd.date_range("2024-01-01", periods=30), "sales": 1.0}),
                          blip_days=-1)
    with pytest.raises(DataError, match="weekly pattern"):
        kpi_change_points(pd.DataFrame({"date": pd.date_range("2024-01-01", periods=10), "sales": 1.0}))


def test_plot_change_points_draws_levels_and_blips():
    import matplotlib.pyplot as plt

    from ecomlib.risk import plotting

    # a year of orders, noise 5 %, a one-day doubling on day 100 and a lasting 20 % drop from day 200
    days = pd.date_range("2024-01-01", periods=365, freq="D")
    x = np.r_[np.full(200, 100.0), np.full(165, 80.0)] * np.exp(np.random.default_rng(1).normal(0, 0.05, 365))
    x[100] *= 2.0
    kpis = pd.DataFrame({"date": days, "orders": x})
    changes = kpi_change_points(kpis)
    assert changes["kind"].tolist()[:2] == ["blip", "return"]
    assert changes["date"].tolist()[:2] == [days[100], days[101]]
    assert (changes["date"] - days[200]).abs().min() <= pd.Timedelta(days=2)
    ax = plotting.plot_change_points(kpis, changes, "orders", truth=pd.DataFrame(
        {"date": [days[100]], "kpi": ["orders"]}))
    assert f"{len(changes)} change points" in ax.get_title()
    assert len(ax.lines) == 3  # values, levels, the incident's line
    with pytest.raises(DataError, match="no column"):
        plotting.plot_change_points(kpis, changes, "sales")
    plt.close("all")
