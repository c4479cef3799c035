"""platforms.platform_pnl and platform_overlap on DuckDB / ibis equal the pandas path (issue 21)."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.engine import engine_option
from ecomlib.errors import DataError
from ecomlib.platforms import platform_overlap, platform_pnl, read_fee_schedule
from tests.engine.conftest import assert_same, make_lines, on_both

COUNTS = ["orders", "customers"]


def _check_pnl(expected, got):
    assert list(got.columns) == list(expected.columns)
    assert_same(expected[["platform", *COUNTS]], got[["platform", *COUNTS]])
    assert_same(expected.drop(columns=["platform", *COUNTS]), got.drop(columns=["platform", *COUNTS]), money=True)


def _check_overlap(expected, got):
    assert_same(expected, got, money=True)
    assert got.attrs["platform_customers"] == expected.attrs["platform_customers"]


@pytest.fixture(scope="module")
def shop_lines(sample_store):
    if getattr(sample_store, "order_platforms", None) is None:
        pytest.skip("the bundled sample shop has no platforms tables")
    return sample_store.transactions.merge(sample_store.order_platforms, on="order_id", how="left")


def with_platforms(lines: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """The engine tests' generated lines with a platform (from the fee schedule) and a unit cost."""
    rng = np.random.default_rng(seed)
    names = read_fee_schedule()["platform"].to_numpy()
    platform = pd.Series(names[rng.integers(0, len(names), len(lines))], dtype="str")
    platform[rng.random(len(lines)) < 0.01] = None
    return lines.assign(platform=platform.to_numpy(), unit_cost=(lines["unit_price"] * 0.45).round(2))


def test_hand_case_through_duckdb():
    ibis = pytest.importorskip("ibis")
    lines = pd.DataFrame({
        "platform": ["A", "A", "A", "B", "B", "B"], "order_id": ["o1", "o1", "o2", "o3", "o4", "o5"],
        "order_date": pd.to_datetime(["2024-01-03", "2024-01-03", "2024-03-09", "2024-02-01", "2024-02-02",
                                      "2024-02-03"]).astype("datetime64[us]"),
        "customer_id": ["c1", "c1", "c2", "c1", None, "c3"], "revenue": [100.0, 20.0, -50.0, 80.0, 40.0, 30.0],
        "quantity": [1, 1, -1, 2, 1, 1], "unit_cost": [40.0, 5.0, 20.0, 10.0, 10.0, 10.0],
        "status": ["completed", "completed", "returned", "completed", "completed", "cancelled"],
    })  # fmt: skip
    fees = pd.DataFrame({"platform": ["A", "B"], "commission_rate": [0.1, 0.0], "payment_fee_rate": [0.0, 0.05],
                         "ad_take_rate": [0.0, 0.0], "fulfilment_per_order": [5.0, 2.0],
                         "fixed_fee_per_month": [10.0, 0.0]})
    table = ibis.duckdb.connect().create_table("lines", lines)
    got = platform_pnl(table, fees).set_index("platform")
    # A: gmv 120, refunds 50, cogs 40 + 5 - 20 = 25 (the return's cost comes back), commission 12, fulfilment 5 x 1 order, 1 month of 10
    # B: gmv 120, cogs 20 + 10 = 30 (the cancelled line drops), payment 6, fulfilment 2 x 2 orders
    assert got.loc["A", ["orders", "customers"]].tolist() == [1, 1]
    assert got.loc["B", ["orders", "customers"]].tolist() == [2, 1]
    assert got.loc["A", "contribution"] == pytest.approx(120 - 50 - 25 - 12 - 5 - 10)
    assert got.loc["B", "contribution"] == pytest.approx(120 - 30 - 6 - 4)
    overlap = platform_overlap(table)
    # c1 bought on A and B, c2 only returned on A (not a buyer), c3's line was cancelled
    assert overlap[["combination", "customers"]].to_dict("list") == {"combination": ["A + B"], "customers": [1]}


def test_duckdb_and_ibis_equal_pandas_on_the_sample_shop(sample_store, shop_lines):
    ibis = pytest.importorskip("ibis")
    fees = sample_store.platforms
    expected, got = on_both(platform_pnl, shop_lines, fees)
    assert len(expected) >= 3 and expected["orders"].sum() > 1000
    _check_pnl(expected, got)
    table = ibis.duckdb.connect().create_table("lines", shop_lines)
    _check_pnl(expected, platform_pnl(table, fees))
    expected, got = on_both(platform_overlap, shop_lines)
    assert (expected["n_platforms"] > 1).any()
    _check_overlap(expected, got)
    _check_overlap(expected, platform_overlap(table))


def test_missing_platforms_statuses_and_ids_agree():
    lines = with_platforms(make_lines(20_000, seed=3))
    assert lines["status"].isna().any() and lines["platform"].isna().any() and lines["order_id"].isna().any()
    expected, got = on_both(platform_pnl, lines, None, months={"Own site": 3.0})
    _check_pnl(expected, got)
    _check_overlap(*on_both(platform_overlap, lines))


def test_the_same_errors_on_both_paths():
    lines = with_platforms(make_lines(2_000, seed=5))
    bad = lines.assign(status=lines["status"].replace({"cancelled": "void"}))
    for frame, match in ((bad, "void"), (lines.assign(platform="Nowhere"), "Nowhere"),
                         (lines.assign(status="cancelled"), "no completed line")):
        with pytest.raises(DataError, match=match):
            on_both(platform_pnl, frame)
        with pytest.raises(DataError, match=match), engine_option("duckdb"):
            platform_pnl(frame)
    with pytest.raises(DataError, match="known customer"):
        on_both(platform_overlap, lines.assign(customer_id=None))


@pytest.mark.slow
def test_duckdb_equals_pandas_on_a_million_lines(million_lines):
    lines = with_platforms(million_lines, seed=17)
    expected, got = on_both(platform_pnl, lines)
    assert expected["orders"].sum() > 400_000
    _check_pnl(expected, got)
    expected, got = on_both(platform_overlap, lines)
    assert expected["customers"].sum() > 90_000
    _check_overlap(expected, got)
