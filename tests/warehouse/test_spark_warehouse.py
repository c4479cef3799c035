"""Spark through ibis's PySpark backend: runs when pyspark and a Java runtime are present."""

from __future__ import annotations

import importlib.util
import shutil

import pandas as pd
import pytest

from ecomlib.data import load_transactions
from ecomlib.engine.sources import open_transactions

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("pyspark") is None,
                       reason="pyspark is not installed (pip install 'ibis-framework[pyspark]')"),
    pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime (JRE) on PATH for Spark"),
]


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[1]").appName("ecomlib-tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    yield session
    session.stop()


def test_sample_shop_on_spark_equals_duckdb(spark, sample_store):
    import ibis

    lines = sample_store.transactions.iloc[:20_000]
    columns = ["order_id", "order_date", "customer_id", "product_id", "quantity", "unit_price", "revenue",
               "channel", "status"]
    values = [[None if pd.isna(v) else v for v in lines[c].tolist()] for c in columns]
    values[1] = [t.to_pydatetime() for t in lines["order_date"]]
    spark.createDataFrame(list(zip(*values, strict=True)), schema=(
        "order_id string, order_date timestamp, customer_id string, product_id string, quantity long, "
        "unit_price double, revenue double, channel string, status string")).createOrReplaceTempView("orders")
    con = ibis.pyspark.connect(spark)
    on_spark = open_transactions(con, table="orders", clean=False)
    assert on_spark.report.source == "the pyspark connection table 'orders'"
    cleaned = open_transactions(con, table="orders", batch_rows=8_000)  # Spark as a source, cleaned into DuckDB

    def by_channel(t):
        done = t.filter(t.status == "completed")
        return (done.group_by("channel").aggregate(lines=done.count(), revenue=done.revenue.sum(),
                                                   customers=done.customer_id.nunique())
                .order_by("channel").to_pandas())

    a, b = by_channel(on_spark.table), by_channel(cleaned.table)
    assert a["lines"].tolist() == b["lines"].tolist() and a["customers"].tolist() == b["customers"].tolist()
    assert a["revenue"].to_numpy() == pytest.approx(b["revenue"].to_numpy(), rel=1e-9)
    frame, report = load_transactions(lines[columns].reset_index(drop=True))
    pd.testing.assert_frame_equal(cleaned.to_pandas(), frame)
    assert cleaned.report.to_frame().equals(report.to_frame())
