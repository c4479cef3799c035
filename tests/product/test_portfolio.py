"""Portfolio views (issue 19): growth-share, ABC-XYZ and life-cycle stage on hand-built cases."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError
from ecomlib.product import abc_xyz, bass_adopters, growth_share, life_cycle_stage, weekly_units


def _span_sales(previous: dict, current: dict) -> pd.DataFrame:
    # one row per category and span: previous span on 2025-01-15, current on 2025-03-15 (span 59 days
    # ending 2025-03-31: current = Feb 1 - Mar 31, previous = Dec 4 - Jan 31)
    rows = [("x", "2024-12-04", 0.0)]
    rows += [(c, "2025-01-15", v) for c, v in previous.items()]
    rows += [(c, "2025-03-15", v) for c, v in current.items()]
    rows += [("x", "2025-03-31", 0.0)]
    return pd.DataFrame(rows, columns=["category", "order_date", "revenue"]).assign(
        order_date=lambda d: pd.to_datetime(d["order_date"])
    )


def test_growth_share_by_hand():
    sales = _span_sales({"A": 100, "B": 100, "C": 50, "D": 80}, {"A": 120, "B": 60, "C": 75, "D": 40})
    gs = growth_share(sales, growth_span=59, share_threshold=1.0, growth_threshold=0.10)
    gs = gs.drop(index="x")
    # A leads (120 vs next 75): relative share 1.6, growth +20 % -> star
    assert gs.loc["A", "relative_share"] == pytest.approx(120 / 75)
    assert gs.loc["A", "growth"] == pytest.approx(0.20)
    # C: 75 / 120, growth +50 % -> question mark; B: 60 / 120, -40 % -> dog; D: 40/120, -50 % -> dog
    assert gs.loc["C", "relative_share"] == pytest.approx(75 / 120)
    assert gs.loc["C", "growth"] == pytest.approx(0.5)
    assert gs["quadrant"].to_dict() == {"A": "star", "C": "question mark", "B": "dog", "D": "dog"}
    assert gs.loc["A", "market_share"] == pytest.approx(120 / 295)
    # a leader that shrinks is a cash cow; thresholds are parameters
    cow = growth_share(sales, growth_span=59, growth_threshold=0.25).loc["A", "quadrant"]
    assert cow == "cash cow"
    # with high share from 0.5: B (60 / 120 = 0.5, -40 %) is a cash cow, C (0.625, +50 %) a star
    low_bar = growth_share(sales, growth_span=59, share_threshold=0.5)["quadrant"]
    assert low_bar[["B", "C", "D"]].tolist() == ["cash cow", "star", "dog"]


def test_growth_share_new_units_and_too_short():
    sales = _span_sales({"A": 100}, {"A": 100, "N": 30})
    gs = growth_share(sales, growth_span=59)
    assert gs.loc["N", "quadrant"] == "new" and np.isnan(gs.loc["N", "growth"])
    with pytest.raises(DataError, match="two spans"):
        growth_share(sales, growth_span=120)


def _weekly_lines(units_by_item: dict, start="2025-01-06") -> pd.DataFrame:
    # one order line per item and week (Mondays), price 10 per unit
    weeks = pd.date_range(start, periods=max(len(v) for v in units_by_item.values()), freq="7D")
    rows = [(item, weeks[k], q, 10.0 * q) for item, series in units_by_item.items() for k, q in enumerate(series) if q]
    return pd.DataFrame(rows, columns=["product_id", "order_date", "quantity", "revenue"])


def test_abc_xyz_by_hand():
    # revenue: P1 700, P2 200, P3 60, P4 40 (total 1000)
    lines = _weekly_lines(
        {
            "P1": [20, 15, 15, 20],  # mean 17.5, sd 2.5 -> CV 0.143 -> X
            "P2": [10, 0, 10, 0],  # mean 5, sd 5 -> CV 1.0 -> Y (<= 1.0)
            "P3": [6, 0, 0, 0],  # mean 1.5, sd 2.598 -> CV 1.732 -> Z
            "P4": [1, 1, 1, 1],  # CV 0 -> X
        }
    )
    out = abc_xyz(lines)
    assert out.index.tolist() == ["P1", "P2", "P3", "P4"]
    # shares held by the items ranked above: 0, 0.70, 0.90, 0.96 -> A, A (0.70 < 0.80), B, C
    assert out["cumulative_share"].tolist() == pytest.approx([0.7, 0.9, 0.96, 1.0])
    assert out["abc"].tolist() == ["A", "A", "B", "C"]
    assert out["cv"].tolist() == pytest.approx([2.5 / 17.5, 1.0, np.sqrt(6.75) / 1.5, 0.0])
    assert out["class"].tolist() == ["AX", "AY", "BZ", "CX"]
    tight = abc_xyz(lines, abc=(0.5, 0.9), xyz=(0.1, 0.5))
    assert tight["class"].tolist() == ["AY", "BZ", "CZ", "CX"]
    with pytest.raises(ParameterError, match="cut-offs"):
        abc_xyz(lines, abc=(0.9, 0.8))


def test_weekly_units_fills_missing_weeks():
    lines = _weekly_lines({"P1": [3, 0, 0, 2]})
    w = weekly_units(lines)
    assert w["P1"].tolist() == [3.0, 0.0, 0.0, 2.0]
    assert w.index[0] == pd.Timestamp("2025-01-06")


def test_life_cycle_stages_by_hand():
    window = 4
    series = {
        "intro": [1, 1, 1, 1, 2, 2, 2, 2, 5, 5, 5, 5],  # w = 1, 2, 5: rising faster
        "growth": [2, 2, 2, 2, 6, 6, 6, 6, 8, 8, 8, 8],  # w = 2, 6, 8: rising, slowing
        "mature": [9, 10, 11, 10, 10, 10, 10, 10, 11, 9, 10, 10],  # w3/w2 = 1
        "decline": [10, 10, 10, 10, 8, 8, 8, 8, 4, 4, 4, 4],
        "young": [0] * 4 + [1, 2, 3, 4, 5, 6, 7, 8],  # only 8 weeks old
    }
    out = life_cycle_stage(_weekly_lines(series), window=window, flat=0.15)
    assert out["stage"].to_dict() == {
        "decline": "decline",
        "growth": "growth",
        "intro": "introduction",
        "mature": "maturity",
        "young": "too short to tell",
    }
    assert out.loc["growth", "change"] == pytest.approx(8 / 6 - 1)
    assert out.loc["young", "weeks"] == 8
    # constant blocks: no weekly variation, so the calls are settled
    assert out.loc[["intro", "growth", "decline"], "settled"].all()
    assert out.loc["mature", "change_low"] < 0 < out.loc["mature", "change_high"]


def test_life_cycle_on_a_bass_launch():
    # a noiseless Bass launch p = 0.01, q = 0.5: convex rise, concave rise, peak near week 7.3, fall
    n = bass_adopters(40, 0.01, 0.5, 10_000.0).round()

    def stage_at(week):
        return life_cycle_stage(_weekly_lines({"L": n[:week].tolist()}), window=2)["stage"].iloc[0]

    assert stage_at(6) == "introduction"
    assert stage_at(8) == "growth"
    assert stage_at(30) == "decline"
    assert stage_at(4) == "too short to tell"


def test_growth_share_pooled_group_counts_in_the_total_but_never_leads():
    # "other" sells most; the real units are A (current 30, previous 20) and B (10, 10)
    before, now = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-20")  # two 10-day spans
    rows = [("other", before, 60.0), ("other", now, 100.0), ("A", before, 20.0), ("A", now, 30.0),
            ("B", before, 10.0), ("B", now, 10.0)]
    sales = pd.DataFrame(rows, columns=["category", "order_date", "revenue"])
    out = growth_share(sales, growth_span=10, pooled=("other",))
    assert list(out.index) == ["A", "B", "other"]
    assert out.loc["A", "relative_share"] == pytest.approx(3.0)  # 30 / 10: B is the largest other unit
    assert out.loc["B", "relative_share"] == pytest.approx(1 / 3)
    assert out.loc["A", "market_share"] == pytest.approx(30 / 140)  # the total includes "other"
    assert out.loc["other", "quadrant"] == "pooled" and np.isnan(out.loc["other", "relative_share"])
    plain = growth_share(sales, growth_span=10)
    assert plain.index[0] == "other" and plain.loc["A", "relative_share"] == pytest.approx(0.3)
    with pytest.raises(DataError, match="besides the pooled"):
        growth_share(sales[sales["category"] != "B"], growth_span=10, pooled=("other",))
