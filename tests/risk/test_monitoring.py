"""Control charts, change point and anomaly detection: constants, Nile, hand cases, bad inputs."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError, SchemaError
from ecomlib.risk import (
    change_point,
    cusum_chart,
    d2,
    d3,
    detect_anomalies,
    detection_scores,
    ewma_chart,
    individuals_chart,
)

# Annual flow of the Nile at Aswan, 10^8 m^3, 1871-1970 (Cobb 1978; R datasets::Nile)
NILE = pd.Series([
    1120, 1160, 963, 1210, 1160, 1160, 813, 1230, 1370, 1140, 995, 935, 1110, 994, 1020, 960,
    1180, 799, 958, 1140, 1100, 1210, 1150, 1250, 1260, 1220, 1030, 1100, 774, 840, 874, 694,
    940, 833, 701, 916, 692, 1020, 1050, 969, 831, 726, 456, 824, 702, 1120, 1100, 832, 764,
    821, 768, 845, 864, 862, 698, 845, 744, 796, 1040, 759, 781, 865, 845, 944, 984, 897, 822,
    1010, 771, 676, 649, 846, 812, 742, 801, 1040, 860, 874, 848, 890, 744, 749, 838, 1050,
    918, 986, 797, 923, 975, 815, 1020, 906, 901, 1170, 912, 746, 919, 718, 714, 740,
], index=range(1871, 1971), dtype="float64")


def test_d2_d3_constants_match_tables():
    # Montgomery (2019), Appendix VI: d2 for n = 2..5
    assert [round(d2(n), 3) for n in (2, 3, 4, 5)] == [1.128, 1.693, 2.059, 2.326]
    assert round(d3(2), 3) == 0.853


def test_nile_change_point_1898_1899():
    cp = change_point(NILE)
    assert (cp.last_before, cp.first_after) == (1898, 1899)
    assert cp.mean_before == pytest.approx(1097.75) and cp.mean_after == pytest.approx(849.97, abs=0.01)


def test_nile_cusum_flags_the_shift_soon_after_1898():
    # limits from the in-control years 1871-1898, the period before the Aswan dam works
    chart = cusum_chart(NILE, baseline=slice(1871, 1898))
    first = chart.signals.index.min()
    assert 1899 <= first <= 1902
    assert (chart.table.loc[:1898, "cusum_lower"] < chart.params["h"] * chart.params["sigma"]).all()


def test_individuals_chart_by_hand():
    x = pd.Series([10.0, 12.0, 11.0, 13.0, 30.0])
    ind, mr = individuals_chart(x, baseline=4)
    # baseline mean 11.5, moving ranges 2,1,2 -> MR-bar 5/3, sigma = (5/3)/1.128
    sigma = (5 / 3) / d2(2)
    assert ind.params["centre"] == 11.5 and ind.params["sigma"] == pytest.approx(sigma)
    assert ind.table["upper"].iloc[0] == pytest.approx(11.5 + 3 * sigma)
    assert ind.signals.index.tolist() == [4]
    assert mr.params["D4"] == pytest.approx(3.267, abs=1e-3)


def test_ewma_recursion_by_hand():
    x = pd.Series([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    chart = ewma_chart(x, lam=0.5)
    # z0 = mean 0.5; z1 = 0.5*0 + 0.5*0.5 = 0.25; z2 = 0.5*1 + 0.5*0.25 = 0.625
    assert chart.table["statistic"].iloc[:2].tolist() == pytest.approx([0.25, 0.625])


def test_cusum_lindley_matches_loop():
    rng = np.random.default_rng(1)
    x = rng.normal(0, 1, 300)
    chart = cusum_chart(x, target=0, sigma=1, k=0.5)
    c, expected = 0.0, []
    for v in x:  # the textbook recursion, written out as an independent check
        c = max(0.0, c + v - 0.5)
        expected.append(c)
    assert np.allclose(chart.table["cusum_upper"], expected)


def _kpis(n=120, seed=0):
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2025-01-01", periods=n, freq="D", unit="us")
    week = np.tile([1.0, 0.9, 0.9, 1.0, 1.1, 1.4, 1.3], n // 7 + 1)[:n]
    sales = 10_000 * week * rng.normal(1, 0.03, n)
    return pd.DataFrame({"date": dates, "sales": sales, "conversion_rate": rng.normal(0.03, 0.001, n)})


def test_detect_anomalies_finds_injected_spikes_despite_weekly_pattern():
    kpis = _kpis()
    kpis.loc[40, "sales"] *= 1.6
    kpis.loc[75, "conversion_rate"] = 0.018
    flags = detect_anomalies(kpis)
    truth = pd.DataFrame({"date": kpis["date"].iloc[[40, 75]].to_numpy(), "kpi": ["sales", "conversion_rate"]})
    scores = detection_scores(flags, truth)
    assert scores["recall"] == 1.0 and scores["precision"] >= 0.5


def test_detection_scores_by_hand():
    d = pd.to_datetime(["2025-01-01", "2025-01-05", "2025-01-09"])
    flagged = pd.DataFrame({"date": d, "kpi": ["sales", "sales", "orders"]})
    truth = pd.DataFrame({"date": pd.to_datetime(["2025-01-01", "2025-01-06"]), "kpi": ["sales", "sales"]})
    exact = detection_scores(flagged, truth)
    assert (exact["precision"], exact["recall"]) == (pytest.approx(1 / 3), 0.5)
    loose = detection_scores(flagged, truth, tolerance_days=1)
    assert (loose["precision"], loose["recall"]) == (pytest.approx(2 / 3), 1.0)


def test_bad_inputs():
    with pytest.raises(DataError, match="at least 3"):
        individuals_chart([1.0, 2.0])
    with pytest.raises(DataError, match="equal"):
        individuals_chart([5.0, 5.0, 5.0, 5.0])
    with pytest.raises(ParameterError, match="numeric"):
        ewma_chart(pd.Series(["a", "b", "c"]))
    with pytest.raises(ParameterError, match="lam"):
        ewma_chart([1.0, 2.0, 3.0], lam=0)
    with pytest.raises(DataError, match="missing"):
        cusum_chart([1.0, np.nan, 2.0, 3.0])
    with pytest.raises(ParameterError):
        d2(1)
    with pytest.raises(SchemaError):
        detect_anomalies(_kpis().drop(columns="date"))
    with pytest.raises(DataError, match="more than one row"):
        detect_anomalies(pd.concat([_kpis(), _kpis().iloc[:1]]))
    with pytest.raises(DataError):
        change_point([1.0, 2.0, 3.0])
