"""The retention group-bys on DuckDB / ibis equal the pandas path (issue 17).

Three sources of truth: a hand-computed dozen lines, the pandas path on the sample shop and on
1,000,000 generated lines (counts exact, sums to 1e-9 of the table's scale), and the same
functions on an ibis in-memory DuckDB table.
"""

import numpy as np
import pandas as pd
import pytest

import ecomlib.engine.config as config
from ecomlib.engine import engine_option
from ecomlib.errors import DataError, SchemaError
from ecomlib.retention import (
    churn_table,
    cohort_table,
    inter_purchase_times,
    purchase_log,
    rfm_summary,
)
from tests.engine.conftest import assert_same, on_both

# (id, function, args, kwargs, money?)
CASES = [
    ("rfm", rfm_summary, (), {}, True),
    ("rfm_asof_weeks", rfm_summary, ("2025-06-30", "W"), {}, True),
    ("rfm_no_value", rfm_summary, (), {"value_col": None}, False),
    ("purchase_log", purchase_log, (), {}, True),
    ("cohort_customers_M", cohort_table, (), {}, False),
    ("cohort_customers_W_counts", cohort_table, ("W", "customers", False), {}, False),
    ("cohort_orders_Q", cohort_table, ("Q", "orders", False), {}, False),
    ("cohort_revenue_M", cohort_table, ("M", "revenue", False), {}, True),
    ("cohort_revenue_M_normalised", cohort_table, ("M", "revenue", True), {}, True),
    ("churn_90", churn_table, (90,), {}, False),
    ("churn_60_asof", churn_table, (60, "2025-03-01"), {}, False),
    ("inter_purchase", inter_purchase_times, (), {}, False),
    ("inter_purchase_asof", inter_purchase_times, ("2024-12-31",), {}, False),
]
IDS = [case[0] for case in CASES]


@pytest.mark.parametrize(("name", "func", "args", "kwargs", "money"), CASES, ids=IDS)
def test_duckdb_equals_pandas_on_the_sample_shop(sample_store, name, func, args, kwargs, money):
    expected, got = on_both(func, sample_store.transactions, *args, **kwargs)
    assert len(expected) > 0
    assert_same(expected, got, money)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "func", "args", "kwargs", "money"), CASES, ids=IDS)
def test_duckdb_equals_pandas_on_a_million_lines(million_lines, name, func, args, kwargs, money):
    expected, got = on_both(func, million_lines, *args, **kwargs)
    assert len(expected) > 0
    assert_same(expected, got, money)


@pytest.fixture()
def tiny():
    """Two customers, a guest, a cancelled line, a return and a line without status.

    a: 2024-01-05 (100 + 50, orders O1 and O2), 2024-01-15 (30, O3); returns 20 on 01-20;
    a cancelled 999 on 01-25. b: 2024-02-01 (40, O5), 2024-02-11 (10, O6, status missing).
    A guest buys 500 on 2024-02-10.
    """
    rows = [
        ("O1", "2024-01-05 09:00", "a", 1, 100.0, "completed"),
        ("O2", "2024-01-05 20:00", "a", 1, 50.0, "completed"),
        ("O3", "2024-01-15 10:00", "a", 1, 30.0, "completed"),
        ("R1", "2024-01-20 10:00", "a", -1, -20.0, "returned"),
        ("O4", "2024-01-25 10:00", "a", 9, 999.0, "cancelled"),
        ("O5", "2024-02-01 10:00", "b", 1, 40.0, "completed"),
        ("G1", "2024-02-10 10:00", None, 5, 500.0, "completed"),
        ("O6", "2024-02-11 10:00", "b", 1, 10.0, None),
    ]
    df = pd.DataFrame(rows, columns=["order_id", "order_date", "customer_id", "quantity", "revenue", "status"])
    df["order_date"] = pd.to_datetime(df["order_date"]).astype("datetime64[us]")
    return df


def _ibis_table(df):
    ibis = pytest.importorskip("ibis")
    return ibis.duckdb.connect().create_table("tx", df)


@pytest.fixture(params=["duckdb", "ibis"])
def run(request):
    """Call a function on the DuckDB path of a frame, or on an ibis in-memory DuckDB table."""
    def call(func, df, *args, **kwargs):
        if request.param == "ibis":
            return func(_ibis_table(df), *args, **kwargs)
        with engine_option("duckdb"):
            return func(df, *args, **kwargs)
    return call


def test_hand_case_rfm(run, tiny):
    out = run(rfm_summary, tiny)
    # a: days 01-05 (150) and 01-15 (30); T to the last purchase day 02-11 = 37 days
    assert out.loc["a"].tolist() == [1.0, 10.0, 37.0, 30.0]
    assert out.loc["b"].tolist() == [1.0, 10.0, 10.0, 10.0]
    assert out.index.tolist() == ["a", "b"] and out.index.name == "customer_id"


def test_hand_case_cohorts(run, tiny):
    counts = run(cohort_table, tiny, "M", "customers", False)
    assert counts.to_numpy().tolist()[0] == [1.0, 0.0] and counts.iloc[1, 0] == 1.0
    assert np.isnan(counts.iloc[1, 1])  # the February cohort has not reached March
    assert [str(p) for p in counts.index] == ["2024-01", "2024-02"]
    revenue = run(cohort_table, tiny, "M", "revenue", False)
    assert revenue.iloc[0].tolist() == [160.0, 0.0]  # 150 + 30 - 20 (the return), cancelled left out
    assert revenue.iloc[1, 0] == 50.0
    orders = run(cohort_table, tiny, "M", "orders", False)
    assert orders.iloc[0, 0] == 3.0 and orders.iloc[1, 0] == 2.0


def test_hand_case_churn_and_gaps(run, tiny):
    churn = run(churn_table, tiny, 15)
    # a: gap 10 < 15, then 27 days to the end (02-11): lost 15 days after 01-15 -> 25 days
    assert churn.loc["a", ["purchases", "churned", "duration_days", "active_days"]].tolist() == [2, True, 25, 10]
    assert churn.loc["b", ["purchases", "churned", "duration_days", "active_days"]].tolist() == [2, False, 10, 10]
    assert churn.loc["a", "last_purchase"] == pd.Timestamp("2024-01-15")
    gaps = run(inter_purchase_times, tiny)
    assert gaps[["customer_id", "purchase_number", "gap_days"]].values.tolist() == [["a", 2, 10], ["b", 2, 10]]


@pytest.mark.parametrize(("name", "func", "args", "kwargs", "money"), CASES, ids=IDS)
def test_an_ibis_duckdb_table_gives_the_pandas_result(sample_store, name, func, args, kwargs, money):
    tx = sample_store.transactions
    with engine_option("pandas"):
        expected = func(tx, *args, **kwargs)
    assert_same(expected, func(_ibis_table(tx), *args, **kwargs), money)


def test_engine_option_routes_the_public_function(monkeypatch, tiny):
    import ecomlib.engine.retention as engine

    calls = []
    original = engine.rfm_summary
    monkeypatch.setattr(engine, "rfm_summary", lambda *a, **k: calls.append(1) or original(*a, **k))
    with engine_option("pandas"):
        rfm_summary(tiny)
    assert calls == []
    with engine_option("duckdb"):
        rfm_summary(tiny)
    assert calls == [1]
    monkeypatch.setattr(config, "AUTO_DUCKDB_ROWS", len(tiny))  # auto: DuckDB from this size on
    with engine_option("auto"):
        rfm_summary(tiny)
    assert calls == [1, 1]


def test_an_ibis_table_is_checked_like_a_frame(tiny):
    with pytest.raises(SchemaError, match="customer_id"):
        rfm_summary(_ibis_table(tiny.drop(columns="customer_id")))
    only_cancelled = tiny.assign(status="cancelled")
    with pytest.raises(DataError, match="no purchase lines"):
        rfm_summary(_ibis_table(only_cancelled))
    with pytest.raises(DataError, match="no purchase lines"):
        cohort_table(_ibis_table(only_cancelled))
    with engine_option("duckdb"), pytest.raises(DataError, match="no purchase lines"):
        churn_table(only_cancelled, 30)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_a_return_before_the_first_purchase_counts_in_no_cohort(tiny, engine):
    # d returns 15 on 2024-01-10 (bought before the data start), then buys 25 on 2024-02-03
    early = pd.DataFrame({"order_id": ["R2", "O9"], "customer_id": ["d", "d"], "quantity": [-1, 1],
                          "order_date": pd.to_datetime(["2024-01-10", "2024-02-03"]).astype("datetime64[us]"),
                          "revenue": [-15.0, 25.0], "status": ["returned", "completed"]})
    tx = pd.concat([early, tiny], ignore_index=True)
    with engine_option(engine):
        revenue = cohort_table(tx, "M", "revenue", False)
    assert revenue.iloc[0].tolist() == [160.0, 0.0]  # the January cohort (a) is untouched
    assert revenue.iloc[1, 0] == 75.0  # February cohort: b's 50 and d's 25, not d's return
