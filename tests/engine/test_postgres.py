"""The sample shop in a real PostgreSQL server (see conftest.py): loading, aggregations, a report."""

from __future__ import annotations

import pandas as pd
import pytest

from ecomlib.data import load_transactions
from ecomlib.engine.sources import open_transactions

COLUMNS = ["order_id", "order_date", "customer_id", "product_id", "category", "quantity", "unit_price",
           "revenue", "channel", "status"]


@pytest.fixture(scope="module")
def pandas_lines(sample_store):
    return load_transactions(sample_store.transactions)


def test_sample_shop_from_postgres_equals_pandas(postgres_url, pandas_lines):
    frame, report = pandas_lines
    loaded = open_transactions(postgres_url, table="transactions", batch_rows=50_000)
    ours = loaded.to_pandas()
    pd.testing.assert_frame_equal(ours[COLUMNS], frame[COLUMNS])
    assert loaded.report.to_frame().equals(report.to_frame())
    assert loaded.report.source == f"{postgres_url} table 'transactions'"


def test_sql_query_and_missing_table(postgres_url):
    from ecomlib.errors import ParameterError

    query = "SELECT * FROM transactions WHERE channel = 'search'"
    loaded = open_transactions(postgres_url, table=query)
    assert set(loaded.to_pandas()["channel"]) == {"search"}
    with pytest.raises(ParameterError, match="no table or view named 'transaction'.*transactions"):
        open_transactions(postgres_url, table="transaction")


def _monthly(table):
    month = table.order_date.truncate("M").name("month")
    done = table.filter(table.status == "completed")
    return (done.group_by([month, done.channel])
            .aggregate(orders=done.order_id.nunique(), lines=done.count(), revenue=done.revenue.sum(),
                       customers=done.customer_id.nunique())
            .order_by(["month", "channel"]))


def test_group_by_on_postgres_equals_duckdb(postgres_url):
    on_pg = open_transactions(postgres_url, table="transactions", clean=False)
    on_duck = open_transactions(postgres_url, table="transactions")
    assert on_pg.connection.name == "postgres" and on_duck.connection.name == "duckdb"
    a = _monthly(on_pg.table).to_pandas()
    b = _monthly(on_duck.table).to_pandas()
    assert len(a) > 100
    for col in ("orders", "lines", "customers"):
        assert a[col].tolist() == b[col].tolist()
    assert a["revenue"].to_numpy() == pytest.approx(b["revenue"].to_numpy(), rel=1e-9)
