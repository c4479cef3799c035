"""open_transactions: batches cleaned by the pandas rules into DuckDB give the pandas path's table and counts."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from ecomlib.data import load_transactions
from ecomlib.engine.connect import redact
from ecomlib.engine.sources import open_transactions
from ecomlib.errors import DataError, ParameterError


def _same(source, batch_rows, **options):
    """The pandas loader and open_transactions on ``source``: frames, counts, revenue, notes."""
    frame, report = load_transactions(source, **options)
    loaded = open_transactions(source, batch_rows=batch_rows, **options)
    pd.testing.assert_frame_equal(loaded.to_pandas(), frame)
    assert loaded.report.to_frame().equals(report.to_frame())
    for ours, theirs in zip(loaded.report.checks, report.checks, strict=True):
        assert ours.revenue == pytest.approx(theirs.revenue, rel=1e-9, abs=1e-6), ours.check
    assert loaded.report.revenue_read == pytest.approx(report.revenue_read, rel=1e-12)
    assert loaded.report.notes == report.notes
    assert loaded.report.source == report.source
    return loaded, report


def test_tiny_file_duplicates_across_batches(tmp_path):
    # hand-made: line 4 repeats line 1 (batch 2 of 3-line batches), line 5 is a postage line that
    # also repeats line 2: the pandas path counts it as a duplicate, not as a non-product line
    text = ("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
            "1,A,a,1,12/1/2010 8:26,2.5,17850,UK\n"
            "1,POST,postage,1,12/1/2010 8:26,18,17850,UK\n"
            "C2,A,a,-1,12/1/2010 9:00,2.5,,UK\n"
            "1,A,a,1,12/1/2010 8:26,2.5,17850,UK\n"
            "1,POST,postage,1,12/1/2010 8:26,18,17850,UK\n"
            "3,X1,b,2,12/2/2010 10:00,0,17851,UK\n"
            "3,X1,b,x,12/2/2010 10:00,1,17851,UK\n")
    path = tmp_path / "orders.csv"
    path.write_text(text)
    loaded, report = _same(path, 3, preset="online_retail")
    assert report.count("exact duplicates") == 2
    assert report.count("non-product lines") == 1
    assert report.count("missing or unparseable quantities") == 1
    assert report.rows_kept == 3 and loaded.report.rows_kept == 3


def test_online_retail_in_batches_equals_pandas():
    from ecomlib.datasets.online_retail import bundled_data

    path, preset = bundled_data("online_retail")
    loaded, report = _same(path, 150_000, preset=preset)
    assert report.count("exact duplicates") > 5000  # the duplicates straddle batches
    assert "cleaned in batches of 150,000 lines" in loaded.notes


@pytest.mark.parametrize("kind", ["no_status", "no_customer_id", "required_only", "odd_text", "gbk_chinese",
                                  "weekly_panel"])
def test_degraded_exports_equal_pandas(tmp_path_factory, kind):
    from ecomlib.datasets.degraded import write_degraded_exports

    export = write_degraded_exports(tmp_path_factory.mktemp("exports"), kinds=[kind])[kind]
    source = export["data"]
    if not source.endswith(".csv"):
        source = f"{source}/transactions.csv"
    columns = None
    if export["columns"]:
        columns = dict(pair.split("=") for pair in export["columns"].split(","))
    loaded, _ = _same(source, 1_000, columns=columns)
    assert loaded.notes[0].startswith("cleaned in batches")


def test_parquet_and_duckdb_sources_equal_pandas(tmp_path, sample_store):
    lines = sample_store.transactions
    lines = pd.concat([lines.iloc[:5000], lines.iloc[:300]], ignore_index=True)  # 300 repeated lines
    parquet = tmp_path / "orders.parquet"
    lines.to_parquet(parquet)
    loaded, report = _same(parquet, 2_000)
    assert report.count("exact duplicates") == 300
    database = tmp_path / "shop.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("CREATE TABLE orders AS SELECT * FROM lines")
    from_db = open_transactions(database, table="orders", batch_rows=2_000)
    pd.testing.assert_frame_equal(from_db.to_pandas(), loaded.to_pandas())
    assert from_db.report.to_frame().equals(report.to_frame())
    assert "table 'orders'" in from_db.report.source


def test_database_errors(tmp_path):
    database = tmp_path / "shop.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("CREATE TABLE orders (order_id VARCHAR)")
    with pytest.raises(ParameterError, match="no table or view named 'order'.*orders"):
        open_transactions(database, table="order")
    with pytest.raises(ParameterError, match="--table"):
        open_transactions(database)
    with pytest.raises(DataError, match="Could not connect") as info:
        open_transactions("postgresql://shop:s3cret@localhost:1/shop", table="orders")
    assert "s3cret" not in str(info.value) and "***" in str(info.value)
    assert info.value.fix
    with pytest.raises(ParameterError, match="not a connection URL|not installed"):
        open_transactions("nosuchdb://host/shop", table="orders")


def test_redact():
    assert redact("postgresql://ann:pw@db:5432/shop?sslmode=require") == "postgresql://ann:***@db:5432/shop?sslmode=require"
    assert redact("snowflake://ann@acct/db?password=pw&x=1") == "snowflake://ann@acct/db?password=***&x=1"
    assert redact("orders.csv") == "orders.csv"


def test_batches_that_decide_differently_are_an_error(tmp_path):
    # the first batch's prices fit only the decimal point, the second's only the decimal comma
    rows = [f"{i},P,1,2024-01-0{1 + i % 5},12.50" for i in range(4)] + [f"{i},P,1,2024-01-02,7,25" for i in range(4)]
    path = tmp_path / "orders.csv"
    path.write_text("order_id;product_id;quantity;order_date;unit_price\n"
                    + "\n".join(r.replace(",", ";", 4) for r in rows) + "\n")
    with pytest.raises(DataError, match="decimal"):
        load_transactions(path)
    with pytest.raises(DataError, match="decimal"):
        open_transactions(path, batch_rows=4)


def test_an_error_in_a_batch_names_the_file_and_its_lines(tmp_path):
    # lines 5-8 hold no readable date: more than 5 % of that batch (of the whole file too)
    rows = [f"{i},P,1,2024-01-0{1 + i % 5},2.5" for i in range(4)] + [f"{i},P,1,someday,2.5" for i in range(4)]
    path = tmp_path / "orders.csv"
    path.write_text("order_id,product_id,quantity,order_date,unit_price\n" + "\n".join(rows) + "\n")
    with pytest.raises(DataError, match=r"orders.csv' \(data lines 5-8\): 4 of 4 order dates") as info:
        open_transactions(path, batch_rows=4)
    assert "DataFrame" not in str(info.value) and info.value.fix


def test_a_file_pyarrow_refuses_is_read_whole_by_the_pandas_loader(tmp_path):
    path = tmp_path / "orders.csv"  # a short line: pandas' C parser fills it in, pyarrow's refuses it
    path.write_text("order_id,order_date,product_id,product_name,quantity,unit_price\n"
                    + "".join(f"{i},2024-01-0{1 + i % 5},P{i % 3},plain,1,2.5\n" for i in range(8))
                    + "9,2024-01-02,P1,short,1\n")
    loaded, report = _same(path, 4)
    assert loaded.notes[0].startswith("pandas path: pyarrow refused the file")
    assert report.count("missing or unparseable prices") == 1
