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


def test_report_with_postgres_data(postgres_url, tmp_path, monkeypatch, capsys):
    import json
    import os

    from ecomlib.cli import main
    from ecomlib.engine.config import ENGINE_VARIABLE, get_engine, set_engine
    from ecomlib.engine.sources import TABLE_VARIABLE

    monkeypatch.setenv(TABLE_VARIABLE, "")  # (restored after the test)
    monkeypatch.setenv(ENGINE_VARIABLE, "auto")  # (restored after the test)
    previous = get_engine()
    try:
        code = main(["report", "basics", "--data", postgres_url, "--table", "transactions", "--engine", "duckdb",
                     "--out", str(tmp_path)])
        assert os.environ[ENGINE_VARIABLE] == "duckdb" and os.environ[TABLE_VARIABLE] == "transactions"
    finally:
        set_engine(previous)
    out = capsys.readouterr().out
    assert code == 0, out
    record = json.loads((tmp_path / "basics.run.json").read_text())
    assert record["passed"]["data"] == postgres_url
    assert record["data"]["source"] == f"{postgres_url} table 'transactions'"
    html = (tmp_path / "basics.html").read_text()
    assert "table &#x27;transactions&#x27;" in html or "table 'transactions'" in html


def test_report_refuses_a_password_in_the_url_and_a_database_without_table(tmp_path, capsys, monkeypatch):
    from ecomlib.cli import main
    from ecomlib.engine.sources import TABLE_VARIABLE

    monkeypatch.setenv(TABLE_VARIABLE, "")  # (restored after the test)
    code = main(["report", "basics", "--data", "postgresql://ann:s3cret@localhost/shop", "--table", "orders",
                 "--out", str(tmp_path)])
    text = "".join(capsys.readouterr())
    assert code == 2 and "s3cret" not in text and "PGPASSWORD" in text
    monkeypatch.setenv(TABLE_VARIABLE, "")  # (restored after the test)
    code = main(["report", "basics", "--data", "postgresql://ann@localhost/shop", "--out", str(tmp_path)])
    text = "".join(capsys.readouterr())
    assert code == 2 and "--table" in text
    assert not list(tmp_path.glob("basics*"))  # refused before anything ran


def test_retention_aggregations_on_postgres_equal_duckdb(postgres_url, sample_store, tmp_path):
    # the public retention functions take an ibis Table once the engine branch (issue 17) is merged
    pytest.importorskip("ecomlib.engine.retention", reason="ecomlib.engine.retention (the engine branch) "
                        "is not merged yet: the retention functions do not take ibis Tables")
    import duckdb

    from ecomlib.retention import churn_table, cohort_table, rfm_summary

    database = tmp_path / "shop.duckdb"
    lines = sample_store.transactions
    with duckdb.connect(str(database)) as con:
        con.execute("CREATE TABLE transactions AS SELECT * FROM lines")
    on_pg = open_transactions(postgres_url, table="transactions", clean=False).table
    on_duck = open_transactions(database, table="transactions", clean=False).table
    as_of = lines["order_date"].max()
    for name, run in (("rfm_summary", lambda t: rfm_summary(t, as_of=as_of)),
                      ("cohort_table", lambda t: cohort_table(t, "M", "customers", normalize=False)),
                      ("churn_table", lambda t: churn_table(t, 90, as_of=as_of))):
        a, b = run(on_pg), run(on_duck)
        assert len(a) > 10, name
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, obj=name)


def test_discounts_channels_and_attribution_on_postgres_equal_pandas(postgres_url, sample_store):
    import ibis
    import numpy as np

    from ecomlib.engine import engine_option
    from ecomlib.pricing import discount_depth
    from ecomlib.traffic import attribute, channel_performance

    s = sample_store
    con = ibis.connect(postgres_url)
    try:
        for name in ("touchpoints", "sessions", "marketing_spend"):
            con.create_table(name, getattr(s, name), overwrite=True)
        tx, tp = con.table("transactions"), con.table("touchpoints")
        with engine_option("pandas"):
            depth = discount_depth(s.transactions, s.products)
            perf = channel_performance(s.marketing_spend, s.sessions, s.transactions, min_history_days=365)
            credit = attribute(s.touchpoints, model=["markov", "shapley"], markov_order=2)
        on_pg = discount_depth(tx, s.products)
        assert on_pg.lines is None and on_pg.list_price_source == depth.list_price_source
        pd.testing.assert_frame_equal(on_pg.table, depth.table, check_exact=False, rtol=1e-9)
        got = channel_performance(con.table("marketing_spend"), con.table("sessions"), tx, min_history_days=365)
        pd.testing.assert_frame_equal(got, perf, check_exact=False, rtol=1e-9)
        assert got["new_customers"].tolist() == perf["new_customers"].tolist()
        on_pg_credit = attribute(tp, model=["markov", "shapley"], markov_order=2)
        assert on_pg_credit["channel"].tolist() == credit["channel"].tolist()
        np.testing.assert_allclose(on_pg_credit["conversions"], credit["conversions"], rtol=1e-9)
    finally:
        con.disconnect()
