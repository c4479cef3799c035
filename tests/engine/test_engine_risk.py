"""risk.daily_kpis on DuckDB / ibis equals the pandas path."""

import pandas as pd
import pytest

from ecomlib.engine import engine_option
from ecomlib.errors import DataError
from ecomlib.risk import daily_kpis
from tests.engine.conftest import assert_same, on_both


def _check(expected, got):
    assert len(expected) > 0
    assert_same(expected, got, money=True)
    pd.testing.assert_series_equal(got["orders"], expected["orders"], check_exact=True)


@pytest.mark.parametrize("with_sessions", [False, True], ids=["lines", "with_sessions"])
def test_duckdb_and_ibis_equal_pandas_on_the_sample_shop(sample_store, with_sessions):
    ibis = pytest.importorskip("ibis")
    tx = sample_store.transactions
    sessions = sample_store.sessions if with_sessions else None
    expected, got = on_both(daily_kpis, tx, sessions)
    _check(expected, got)
    con = ibis.duckdb.connect()
    on_ibis = daily_kpis(con.create_table("tx", tx),
                         con.create_table("sessions", sessions) if with_sessions else None)
    _check(expected, on_ibis)


@pytest.mark.slow
def test_duckdb_equals_pandas_on_a_million_lines(million_lines):
    _check(*on_both(daily_kpis, million_lines, start="2023-12-25", end="2026-01-10"))


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_hand_case_and_weekly_totals(engine):
    tx = pd.DataFrame({"order_id": ["a", "a", "b", "r", "c"],
                       "order_date": pd.to_datetime(["2025-01-01 09:00", "2025-01-01 10:00", "2025-01-01 11:00",
                                                     "2025-01-03 12:00", "2025-01-03 13:00"]).astype("datetime64[us]"),
                       "quantity": [2, 1, 1, -1, 5], "revenue": [20.0, 10.0, 10.0, -8.0, 50.0],
                       "status": ["completed", "completed", "completed", "returned", "cancelled"]})
    with engine_option(engine):
        kpis = daily_kpis(tx)
    assert kpis["sales"].tolist() == [40.0, 0.0, 0.0] and kpis["orders"].tolist() == [2, 0, 0]
    assert kpis["aov"].iloc[0] == 20.0 and kpis["refund_rate"].isna().iloc[2]
    weekly = pd.DataFrame({"order_id": list("abcd"), "quantity": 1, "revenue": 1.0, "status": "completed",
                           "order_date": pd.date_range("2025-01-06", periods=4, freq="W-MON", unit="us")})
    with engine_option(engine), pytest.raises(DataError, match="weekly totals"):
        daily_kpis(weekly)
