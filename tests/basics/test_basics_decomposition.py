"""Change decomposition: hand cases, exact additivity, an independent Shapley, bad inputs."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomlib.basics import (
    DRIVERS,
    compare_periods,
    decompose_change,
    kpi_tree,
    what_if,
    year_on_year_periods,
)
from ecomlib.basics.decomposition import _decompose
from ecomlib.errors import DataError, NotIdentifiableError, ParameterError


def frames(base, current, index=("total",)):
    b = pd.DataFrame([base], columns=list(DRIVERS), index=list(index))
    c = pd.DataFrame([current], columns=list(DRIVERS), index=list(index))
    return b, c


def test_lmdi_hand_computed():
    # GMV0 = 1000 x 0.02 x 1.5 x 100 = 3000; GMV1 = 1200 x 0.025 x 1.5 x 80 = 3600.
    # L = 600 / ln(1.2); visitors: L ln 1.2 = 600; conversion: L ln 1.25; price: L ln 0.8
    # = -L ln 1.25, so conversion and price cancel exactly and units/order gives 0.
    b, c = frames([1000, 0.02, 1.5, 100.0], [1200, 0.025, 1.5, 80.0])
    d = _decompose(b, c, DRIVERS, "log").table.loc["total"]
    assert d["gmv_base"] == pytest.approx(3000) and d["gmv_current"] == pytest.approx(3600)
    assert d["visitors"] == pytest.approx(600.0, rel=1e-12)
    assert d["conversion_rate"] == pytest.approx(600 * math.log(1.25) / math.log(1.2), rel=1e-12)
    assert d["price_per_unit"] == pytest.approx(-d["conversion_rate"], rel=1e-12)
    assert d["units_per_order"] == 0.0


def test_shapley_hand_computed_two_changes():
    # Only visitors (1000 -> 1100) and price (100 -> 120) move; conversion 0.02, 1 unit/order.
    # GMV0 = 2000, GMV1 = 2640. Shapley for visitors: 1/2 [(1100-1000) x 0.02 x 100
    # + (1100-1000) x 0.02 x 120] = 1/2 (200 + 240) = 220; price: 1/2 (400 + 440) = 420.
    b, c = frames([1000, 0.02, 1.0, 100.0], [1100, 0.02, 1.0, 120.0])
    d = _decompose(b, c, DRIVERS, "shapley").table.loc["total"]
    assert d["visitors"] == pytest.approx(220.0)
    assert d["price_per_unit"] == pytest.approx(420.0)
    assert d["conversion_rate"] == 0.0 and d["units_per_order"] == 0.0


def brute_force_shapley(x0, x1):
    """Independent Shapley: average marginal effects over all 24 orders of switching."""
    n = len(x0)
    out = np.zeros(n)
    perms = list(itertools.permutations(range(n)))
    for order in perms:
        current = list(x0)
        for i in order:
            before = math.prod(current)
            current[i] = x1[i]
            out[i] += math.prod(current) - before
    return out / len(perms)


positive = st.floats(min_value=0.01, max_value=1e4, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(positive, min_size=4, max_size=4), st.lists(positive, min_size=4, max_size=4))
def test_both_methods_add_up_exactly_and_shapley_matches_brute_force(x0, x1):
    b, c = frames(x0, x1)
    change = math.prod(x1) - math.prod(x0)
    # Shapley sums products of mixed base/current drivers, which can be far larger than either
    # GMV (x0 = [1.05, 5694, 6645, 1], x1 = [5454.5, 1, 1, 9277] mixes to ~2e15 against GMVs of
    # ~5e7): rounding is relative to the largest of them
    scale = math.prod(max(a, b) for a, b in zip(x0, x1, strict=True))
    for method in ("log", "shapley"):
        d = _decompose(b, c, DRIVERS, method).table.loc["total"]
        assert d[list(DRIVERS)].sum() == pytest.approx(change, abs=1e-9 * scale)
        assert d["change"] == pytest.approx(change, abs=1e-9 * scale)
    d = _decompose(b, c, DRIVERS, "shapley").table.loc["total"]
    np.testing.assert_allclose(d[list(DRIVERS)], brute_force_shapley(x0, x1), atol=1e-9 * scale)


def test_methods_agree_for_small_changes():
    # both are exact; they differ only in how they share second-order interaction terms
    b, c = frames([5000, 0.03, 1.8, 90.0], [5050, 0.0301, 1.79, 90.5])
    log = _decompose(b, c, DRIVERS, "log").contributions.loc["total"]
    shap = _decompose(b, c, DRIVERS, "shapley").contributions.loc["total"]
    np.testing.assert_allclose(log, shap, rtol=2e-3)


def test_by_channel_rows_and_total_add_up(synthetic_shop):
    tx, sessions = synthetic_shop
    for method in ("log", "shapley"):
        d = compare_periods(tx, sessions, base=("2023-01-01", "2023-12-31"),
                            current=("2024-01-01", "2024-12-31"), by="channel", method=method)
        t = d.table
        np.testing.assert_allclose(t[list(d.drivers)].sum(axis=1), t["change"], rtol=1e-10)
        channels = t.drop(index="total")
        np.testing.assert_allclose(t.loc["total"], channels.sum(), rtol=1e-12)
        assert t.loc["total", "gmv_base"] == pytest.approx(
            tx.loc[(tx.status == "completed") & (tx.order_date.dt.year == 2023), "revenue"].sum()
        )
    flat = compare_periods(tx, sessions, base=("2023-01-01", "2023-12-31"),
                           current=("2024-01-01", "2024-12-31"))
    assert list(flat.table.index) == ["total"]
    assert flat.change == pytest.approx(d.change)
    summary = flat.summary()
    assert summary[[f"share_{x}" for x in DRIVERS]].sum(axis=1).iloc[0] == pytest.approx(1.0)


def test_without_sessions_orders_drive_the_tree(synthetic_shop):
    tx, _ = synthetic_shop
    d = compare_periods(tx, base=("2023-01-01", "2023-06-30"), current=("2024-01-01", "2024-06-30"))
    assert d.drivers == ("orders", "units_per_order", "price_per_unit")
    assert d.contributions.loc["total"].sum() == pytest.approx(d.change)


def test_what_if_single_driver_takes_the_whole_change(tiny):
    tx, sessions = tiny
    tree = kpi_tree(tx, sessions)
    for method in ("log", "shapley"):
        d = what_if(tree, visitors=0.25, method=method).table.loc["total"]
        assert d["gmv_current"] == pytest.approx(100.0)  # 80 x 1.25
        assert d["visitors"] == pytest.approx(20.0)
        assert d["conversion_rate"] == 0.0
    both = what_if(tree, visitors=0.1, conversion_rate=0.1).table.loc["total"]
    assert both["gmv_current"] == pytest.approx(80 * 1.21)
    assert both["visitors"] == pytest.approx(both["conversion_rate"])  # symmetric moves


def test_year_on_year_periods():
    tx = pd.DataFrame({"order_date": pd.to_datetime(["2023-01-01", "2024-12-31"])})
    base, current = year_on_year_periods(tx, 6)
    assert base == (pd.Timestamp("2023-07-01"), pd.Timestamp("2023-12-31"))
    assert current == (pd.Timestamp("2024-07-01"), pd.Timestamp("2024-12-31"))
    partial = pd.DataFrame({"order_date": pd.to_datetime(["2023-01-01", "2024-12-15"])})
    assert year_on_year_periods(partial, 2)[1] == (pd.Timestamp("2024-10-01"), pd.Timestamp("2024-11-30"))
    assert year_on_year_periods(tx, 12)[0] == (pd.Timestamp("2023-01-01"), pd.Timestamp("2023-12-31"))
    short = pd.DataFrame({"order_date": pd.to_datetime(["2023-06-01", "2024-12-31"])})
    with pytest.raises(DataError, match="too short"):
        year_on_year_periods(short, 12)
    with pytest.raises(ParameterError, match="months"):
        year_on_year_periods(tx, 0)


def test_bad_inputs(tiny, synthetic_shop):
    tx, sessions = tiny
    tree = kpi_tree(tx, sessions)
    with pytest.raises(ParameterError, match="`method`"):
        decompose_change(tree, tree, method="ols")
    with pytest.raises(ParameterError, match="KPITree"):
        decompose_change(tree.summary(), tree)
    with pytest.raises(ParameterError, match="grouping"):
        decompose_change(tree, kpi_tree(tx, sessions, by="channel"))
    with pytest.raises(ParameterError, match="month"):
        m = kpi_tree(tx, sessions, by="month")
        decompose_change(m, m)
    with pytest.raises(ParameterError, match="`base`"):
        compare_periods(tx, sessions, base="2024", current=("2024-01-01", "2024-01-31"))
    with pytest.raises(ParameterError, match="ends before"):
        compare_periods(tx, sessions, base=("2024-02-01", "2024-01-01"), current=("2024-01-01", "2024-01-31"))
    with pytest.raises(DataError, match="No transactions"):
        compare_periods(tx, sessions, base=("2020-01-01", "2020-01-31"), current=("2024-01-01", "2024-01-31"))
    with pytest.raises(ParameterError, match="visitors"):
        what_if(tree, visitors=-1.0)
    with pytest.raises(ParameterError, match="traffic"):
        what_if(kpi_tree(tx), visitors=0.1)
    # a channel with no sales in the base period: logs fail with a fix, Shapley works
    stx, ss = synthetic_shop
    base_tx = stx.loc[stx.channel != "email"]
    b = kpi_tree(base_tx.loc[base_tx.order_date.dt.year == 2023], ss.loc[ss.date.dt.year == 2023], by="channel")
    c = kpi_tree(stx.loc[stx.order_date.dt.year == 2024], ss.loc[ss.date.dt.year == 2024], by="channel")
    with pytest.raises(NotIdentifiableError, match="shapley"):
        decompose_change(b, c)
    d = decompose_change(b, c, method="shapley")
    assert d.table.loc["email", "gmv_base"] == 0.0
    assert d.contributions.loc["email"].sum() == pytest.approx(d.table.loc["email", "change"])


def test_comparison_periods_falls_back_to_the_previous_months():
    from ecomlib.basics import comparison_periods

    long = pd.DataFrame({"order_date": pd.to_datetime(["2023-01-01", "2024-12-31"])})
    p = comparison_periods(long, 3)
    assert p.kind == "year on year"
    assert p.base == (pd.Timestamp("2023-10-01"), pd.Timestamp("2023-12-31"))
    one_year = pd.DataFrame({"order_date": pd.to_datetime(["2024-01-01", "2024-12-31"])})
    p = comparison_periods(one_year, 6)
    assert p.kind == "previous period"
    assert p.base == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-06-30"))
    assert p.current == (pd.Timestamp("2024-07-01"), pd.Timestamp("2024-12-31"))
    assert "previous period" in p.describe()
    with pytest.raises(DataError, match="too short"):
        comparison_periods(one_year, 7)
    assert comparison_periods(one_year, 7, strict=False) is None
    with pytest.raises(ParameterError, match="months"):
        comparison_periods(one_year, 13, strict=False)


def test_headline_and_largest_driver():
    b, c = frames([1000, 0.02, 1.0, 100.0], [1100, 0.02, 1.0, 95.0])
    d = _decompose(b, c, DRIVERS, "log")
    assert d.largest_driver() == "visitors"
    assert d.headline() == "GMV ¥2.00k -> ¥2.09k (+4.5%); largest driver: visitors"


@settings(max_examples=40, deadline=None)
@given(st.lists(positive, min_size=4, max_size=4), st.lists(positive, min_size=4, max_size=4))
def test_swapping_the_periods_negates_every_contribution(x0, x1):
    # time-reversal property of both indices (Ang 2004, table 1): no order dependence
    for method in ("log", "shapley"):
        forward = _decompose(*frames(x0, x1), DRIVERS, method).contributions.loc["total"]
        backward = _decompose(*frames(x1, x0), DRIVERS, method).contributions.loc["total"]
        scale = max(math.prod(x0), math.prod(x1))
        np.testing.assert_allclose(forward, -backward, atol=1e-9 * scale)
