"""traffic.channel_performance on DuckDB / ibis (channel sales, new customers, sessions, spend) equals pandas."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.engine import engine_option
from ecomlib.errors import DataError
from ecomlib.traffic import channel_performance
from tests.engine.conftest import assert_same, on_both

COUNTS = ["impressions", "clicks", "sessions", "orders", "new_customers"]


def _check(expected, got):
    assert got.attrs["notes"] == expected.attrs["notes"]
    assert_same(expected[COUNTS], got[COUNTS])
    assert_same(expected.drop(columns=COUNTS), got.drop(columns=COUNTS), money=True)


@pytest.mark.parametrize("with_customers", [False, True], ids=["first_line", "customers_table"])
def test_duckdb_and_ibis_equal_pandas_on_the_sample_shop(sample_store, with_customers):
    ibis = pytest.importorskip("ibis")
    s = sample_store
    kwargs = {"customers": s.customers if with_customers else None, "customer_value": 300.0, "min_history_days": 365}
    expected, got = on_both(channel_performance, s.marketing_spend, s.sessions, s.transactions, **kwargs)
    assert expected["new_customers"].sum() > 1000 and expected["sessions"].notna().all()
    _check(expected, got)
    con = ibis.duckdb.connect()
    tables = [con.create_table(name, frame) for name, frame in
              (("spend", s.marketing_spend), ("sessions", s.sessions), ("tx", s.transactions))]
    _check(expected, channel_performance(*tables, **kwargs))


@pytest.mark.slow
def test_duckdb_equals_pandas_on_a_million_lines(million_lines):
    expected, got = on_both(channel_performance, None, None, million_lines)
    assert expected["new_customers"].sum() > 90_000
    _check(expected, got)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_hand_case(engine):
    day = pd.Timestamp("2024-01-01 10:00")
    tx = pd.DataFrame({
        "order_id": ["o1", "o1", "o2", "o3", "o4", "o5"],
        # c1's first order (10:00) has two lines on two channels: the tie goes to "ads"
        "channel": ["search", "ads", "search", "search", None, "ads"],
        "revenue": [10.0, 20.0, 5.0, 7.0, 3.0, 100.0],
        "customer_id": ["c1", "c1", "c1", "c2", "c3", None],
        "order_date": pd.to_datetime([day, day, day + pd.Timedelta("1D"), day, day, day]).astype("datetime64[us]"),
        "status": ["completed", "completed", "completed", "completed", "completed", "cancelled"]})
    sessions = pd.DataFrame({"channel": ["ads", "ads", "search", None], "step": ["view", "purchase", "view", "purchase"]})
    with engine_option(engine):
        out = channel_performance(None, sessions, tx)
        assert out.index.tolist() == ["search", "ads"]  # by revenue: 22 vs 20 (o5 is cancelled)
        assert out["orders"].tolist() == [3, 1] and out["new_customers"].tolist() == [1, 1]
        assert out["sessions"].tolist() == [1, 2] and out["conversion"].tolist() == [0.0, 0.5]
        with pytest.raises(DataError, match="no completed order lines"):
            channel_performance(None, None, tx.assign(status="cancelled"))
        with pytest.raises(DataError, match="channel_substitute"):
            channel_performance(None, None, tx.assign(channel=pd.Series([None] * 6, dtype="str")))
        with pytest.raises(DataError, match="negative"):
            channel_performance(pd.DataFrame({"channel": ["ads"], "spend": [-1.0], "impressions": [1], "clicks": [1]}),
                                None, tx)


def test_ties_at_the_first_line_go_to_the_first_channel_whatever_the_line_order():
    tx = pd.DataFrame({"order_id": ["o1", "o1"], "channel": ["search", "ads"], "revenue": [1.0, 1.0],
                       "customer_id": ["c1", "c1"], "order_date": pd.to_datetime(["2024-01-01"] * 2)})
    flipped = tx.iloc[::-1].reset_index(drop=True)
    for frame in (tx, flipped):
        for engine in ("pandas", "duckdb"):
            with engine_option(engine):
                assert channel_performance(None, None, frame)["new_customers"].to_dict() == {"ads": 1, "search": 0}
    assert np.array_equal(channel_performance(None, None, tx).index, ["ads", "search"])  # equal revenue: by name
