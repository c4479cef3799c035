"""Service levels: hand cases for percentiles, SLA attainment, FCR, Pareto, CSAT, contact rate."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ecomlib.errors import DataError, EcomlibError, ParameterError, SchemaError
from ecomlib.service import (
    contact_rate,
    csat_summary,
    first_contact_resolution,
    quantile_interval,
    reasons_pareto,
    sla_attainment,
    ticket_durations,
    time_percentiles,
)

T0 = pd.Timestamp("2024-03-01 09:00")


def hand_tickets():
    # response minutes 5, 10, 20, 40, NaN (unanswered); resolution hours 1, 2, 4, NaN, NaN
    return pd.DataFrame({
        "ticket_id": [1, 2, 3, 4, 5],
        "channel": ["chat", "chat", "email", "email", "email"],
        "reason": ["delivery", "delivery", "refund", "delivery", "size"],
        "created": [T0] * 5,
        "first_response": T0 + pd.to_timedelta([5, 10, 20, 40, np.nan], unit="min"),
        "resolved": T0 + pd.to_timedelta([60, 120, 240, np.nan, np.nan], unit="min"),
        "contacts": [1, 2, 1, 1, 3],
        "csat": [5, 4, np.nan, 2, 1],
    })


def test_durations_hand_case():
    d = ticket_durations(hand_tickets())
    assert d["response_minutes"].tolist()[:4] == [5, 10, 20, 40]
    assert np.isnan(d["response_minutes"].iloc[4])
    assert d["resolution_hours"].tolist()[:3] == [1, 2, 4]


def test_quantile_interval_hand_case():
    # n = 10, q = 0.5: Binomial(10, 0.5) 2.5% / 97.5% quantiles are 2 and 8 -> order statistics 2 and 9
    est, lo, hi = quantile_interval(np.arange(1, 11), 0.5)
    assert (est, lo, hi) == (5.5, 2.0, 9.0)
    assert stats.binom.cdf(8, 10, 0.5) - stats.binom.cdf(1, 10, 0.5) >= 0.95


def test_quantile_interval_coverage():
    rng = np.random.default_rng(0)
    true_p90 = stats.expon.ppf(0.9, scale=10)
    hits = 0
    for _ in range(400):
        _, lo, hi = quantile_interval(rng.exponential(10, 200), 0.9)
        hits += lo <= true_p90 <= hi
    assert 0.93 <= hits / 400 <= 0.995   # nominal >= 95% (conservative)


def test_time_percentiles_by_channel():
    out = time_percentiles(hand_tickets(), q=[0.5], by="channel")
    assert out["channel"].tolist() == ["chat", "email"]
    assert out["estimate"].tolist() == [7.5, 30.0]          # medians of (5, 10) and (20, 40)
    assert out["n"].tolist() == [2, 2]
    res = time_percentiles(hand_tickets(), metric="resolution", q=[0.5])
    assert res["estimate"].iloc[0] == 2.0


def test_sla_attainment_hand_case():
    out = sla_attainment(hand_tickets(), 15)
    assert out[["tickets", "within"]].iloc[0].tolist() == [5, 2]     # 5 and 10 minutes; unanswered misses
    assert out["share"].iloc[0] == pytest.approx(0.4)
    lo, hi = out["low"].iloc[0], out["high"].iloc[0]
    # Wilson by hand: centre (x + z^2/2)/(n + z^2), half-width z sqrt(p q n + z^2/4)/(n + z^2)
    z, n, x = stats.norm.ppf(0.975), 5, 2
    centre = (x + z * z / 2) / (n + z * z)
    half = z * np.sqrt(x * (n - x) / n + z * z / 4) / (n + z * z)
    assert (lo, hi) == pytest.approx((centre - half, centre + half), abs=1e-12)
    by = sla_attainment(hand_tickets(), 15, by="channel")
    assert by["share"].tolist() == [1.0, 0.0]
    res = sla_attainment(hand_tickets(), 180, metric="resolution")
    assert res["within"].iloc[0] == 2                               # 1 h and 2 h within 3 h
    day = sla_attainment(hand_tickets(), 15, by="day")
    assert day["day"].iloc[0] == T0.floor("D")


def test_first_contact_resolution_hand_case():
    out = first_contact_resolution(hand_tickets())
    assert out["first_contact"].iloc[0] == 2                        # tickets 1 and 3 (4 is unresolved)
    assert out["share"].iloc[0] == pytest.approx(0.4)


def test_reasons_pareto_hand_case():
    out = reasons_pareto(hand_tickets())
    assert out["reason"].tolist() == ["delivery", "refund", "size"]
    assert out["cumulative_share"].tolist() == pytest.approx([0.6, 0.8, 1.0])
    assert out["vital_few"].tolist() == [True, True, False]


def test_csat_hand_case():
    out = csat_summary(hand_tickets())
    row = out.iloc[0]
    assert row["responses"] == 4
    assert row["mean"] == pytest.approx(3.0)
    assert row["csat"] == pytest.approx(0.5)
    sd = np.std([5, 4, 2, 1], ddof=1)
    half = stats.t.ppf(0.975, 3) * sd / 2
    assert (row["mean_low"], row["mean_high"]) == pytest.approx((3 - half, 3 + half))


def test_csat_rejects_out_of_scale():
    tk = hand_tickets().assign(csat=[5, 6, np.nan, 2, 1])
    with pytest.raises(DataError, match="1-5"):
        csat_summary(tk)


def test_contact_rate_hand_case_and_chart():
    days = pd.date_range("2024-01-01", periods=10, freq="D")
    tx = pd.DataFrame({"order_id": range(100), "order_date": np.repeat(days, 10)})
    created = np.repeat(days, [1, 2, 1, 1, 2, 1, 1, 1, 2, 8])
    tk = pd.DataFrame({"created": created})
    res = contact_rate(tk, tx)
    assert res.table["per_100_orders"].tolist() == [10, 20, 10, 10, 20, 10, 10, 10, 20, 80]
    assert res.rate == pytest.approx(20.0)
    # individuals chart from ecomlib.risk: centre = mean, sigma = mean moving range / 1.128
    assert res.chart.params["centre"] == pytest.approx(20.0)
    assert bool(res.chart.table["signal"].iloc[-1])


def test_bad_inputs():
    with pytest.raises(EcomlibError):
        sla_attainment(pd.DataFrame(), 15)
    with pytest.raises(SchemaError):
        sla_attainment(hand_tickets().drop(columns="resolved"), 15)
    with pytest.raises(ParameterError, match="sla_minutes"):
        sla_attainment(hand_tickets(), 0)
    with pytest.raises(ParameterError, match="metric"):
        time_percentiles(hand_tickets(), metric="speed")
    with pytest.raises(SchemaError, match=r"'created' \(str\) must hold timestamps"):
        ticket_durations(hand_tickets().assign(created="2024-01-01"))
    late = hand_tickets().assign(first_response=T0 - pd.Timedelta("1min"))
    with pytest.raises(DataError, match="before they were created"):
        ticket_durations(late)
    with pytest.raises(DataError, match="control chart"):
        contact_rate(hand_tickets(), pd.DataFrame({"order_id": [1], "order_date": [T0]}))
