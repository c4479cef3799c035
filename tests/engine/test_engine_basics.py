"""The sales-side group-bys (KPI tree, shop sales) on DuckDB / ibis equal the pandas path."""

import pandas as pd
import pytest

from ecomlib.basics import kpi_tree
from ecomlib.engine import engine_option
from ecomlib.errors import DataError
from ecomlib.market.shop_sales import category_shares, daily_sales, sales_by_period
from tests.engine.conftest import assert_same, on_both


def _tree(tx, sessions=None, **kwargs):
    return kpi_tree(tx, sessions, **kwargs).table


def _series(func):
    def frame(*args, **kwargs):
        return func(*args, **kwargs).to_frame()
    return frame


# (id, function, args, kwargs); every result holds sums of money, compared to 1e-9
CASES = [
    ("kpi_total", _tree, (), {}),
    ("kpi_month", _tree, (), {"by": "month"}),
    ("kpi_month_channel_net", _tree, (), {"by": ["month", "channel"], "statuses": ("completed", "returned")}),
    ("sales_month", sales_by_period, ("M",), {}),
    ("sales_week_category", sales_by_period, ("W",), {"by": "category"}),
    ("sales_year_all_lines", sales_by_period, ("Y",), {"status": None}),
    ("daily_sales", _series(daily_sales), (), {}),
    ("category_shares_Q", category_shares, ("Q",), {}),
    ("category_shares_M", category_shares, ("M",), {}),
]
IDS = [case[0] for case in CASES]


def _orders_counts_exact(expected, got):
    """Distinct-order and visitor counts must agree exactly, not only to 1e-9."""
    for col in ("orders", "visitors"):
        if col in expected:
            pd.testing.assert_series_equal(got[col], expected[col], check_exact=True)


@pytest.mark.parametrize(("name", "func", "args", "kwargs"), CASES, ids=IDS)
def test_duckdb_equals_pandas_on_the_sample_shop(sample_store, name, func, args, kwargs):
    expected, got = on_both(func, sample_store.transactions, *args, **kwargs)
    assert len(expected) > 0
    assert_same(expected, got, money=True)
    _orders_counts_exact(expected, got)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "func", "args", "kwargs"), CASES, ids=IDS)
def test_duckdb_equals_pandas_on_a_million_lines(million_lines, name, func, args, kwargs):
    expected, got = on_both(func, million_lines, *args, **kwargs)
    assert_same(expected, got, money=True)
    _orders_counts_exact(expected, got)


@pytest.mark.parametrize("by", [None, "month", "channel", ["month", "channel"]])
@pytest.mark.parametrize("traffic", ["visitors", "sessions"])
def test_kpi_tree_with_sessions_on_duckdb_and_ibis(sample_store, by, traffic):
    ibis = pytest.importorskip("ibis")
    tx, sessions = sample_store.transactions, sample_store.sessions
    expected, got = on_both(_tree, tx, sessions, by=by, traffic=traffic)
    assert_same(expected, got, money=True)
    _orders_counts_exact(expected, got)
    con = ibis.duckdb.connect()
    on_ibis = _tree(con.create_table("tx", tx), con.create_table("sessions", sessions), by=by, traffic=traffic)
    assert_same(expected, on_ibis, money=True)


@pytest.mark.parametrize(("name", "func", "args", "kwargs"), CASES, ids=IDS)
def test_an_ibis_duckdb_table_gives_the_pandas_result(sample_store, name, func, args, kwargs):
    ibis = pytest.importorskip("ibis")
    tx = sample_store.transactions
    with engine_option("pandas"):
        expected = func(tx, *args, **kwargs)
    assert_same(expected, func(ibis.duckdb.connect().create_table("tx", tx), *args, **kwargs), money=True)


@pytest.fixture()
def tiny():
    """Orders a (2 lines, 30 + 20, Jan), b (10, Feb, no channel), a cancelled c, a returned line."""
    return pd.DataFrame({
        "order_id": ["a", "a", "b", "c", "r"],
        "order_date": pd.to_datetime(["2024-01-02", "2024-01-31", "2024-02-05", "2024-02-06",
                                      "2024-02-07"]).astype("datetime64[us]"),
        "quantity": [1, 2, 1, 5, -1],
        "revenue": [30.0, 20.0, 10.0, 99.0, -5.0],
        "status": ["completed", "completed", "completed", "cancelled", "returned"],
        "channel": ["search", "search", None, "social", "search"],
    })


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_hand_case(tiny, engine):
    with engine_option(engine):
        tree = kpi_tree(tiny, by="channel").table
        months = sales_by_period(tiny, "M")
        days = daily_sales(tiny)
    assert tree.loc["search", ["orders", "units", "gmv"]].tolist() == [1.0, 3.0, 50.0]
    assert tree.loc["unknown", ["orders", "units", "gmv"]].tolist() == [1.0, 1.0, 10.0]
    assert months["revenue"].tolist() == [50.0, 10.0]
    assert len(days) == 35 and days.sum() == 60.0 and days.index.dtype == "datetime64[us]"


def test_no_completed_line_is_a_clear_error_on_an_ibis_table(tiny):
    ibis = pytest.importorskip("ibis")
    table = ibis.duckdb.connect().create_table("tx", tiny.assign(status="cancelled"))
    with pytest.raises(DataError, match="no lines with status"):
        kpi_tree(table)
    with pytest.raises(DataError, match="No lines with status='completed'"):
        sales_by_period(table)
