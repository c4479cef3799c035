"""Every preset on its fixture file (tests/data/fixtures/, written with the real export's header).

Expected numbers are counted by hand from the fixture rows (see the comments).
"""

from pathlib import Path

import pandas as pd
import pytest

from ecomlib.data import load_transactions
from ecomlib.data.presets import guess_preset

FIXTURES = Path(__file__).parent / "fixtures"


def test_online_retail_first_header_variant():
    df, report = load_transactions(FIXTURES / "online_retail.csv", preset="online_retail")
    # 28 lines: A563185 has a negative price (bad-debt adjustment); 536409 is listed twice;
    # POST x2, D, M, BANK CHARGES, AMAZONFEE x2 are not products -> 28 - 1 - 1 - 7 = 19 kept
    assert report.rows_read == 28
    assert report.count("negative prices") == 1
    assert report.count("exact duplicates") == 1
    assert report.count("non-product lines") == 7
    assert len(df) == report.rows_kept == 19
    # cancellations kept: only C536383 (C536379 is a Discount line, C537651 an Amazon fee)
    assert report.count("cancellations") == 1
    assert df.loc[df["order_id"] == "C536383", "status"].tolist() == ["cancelled"]
    # 536414, 536544 (2 lines), 538071 have no CustomerID
    assert report.count("missing customer ids") == 4
    assert report.count("zero prices") == 1
    # float ids 17850.0 -> "17850"; m/d/Y H:M dates
    first = df.iloc[0]
    assert first["customer_id"] == "17850"
    assert first["order_date"] == pd.Timestamp("2010-12-01 08:26")
    # invoice 536365 by hand: 6x2.55 + 6x3.39 + 8x2.75 + 6x3.39 + 6x3.39 + 2x7.65 + 6x4.25 = 139.12
    assert df.loc[df["order_id"] == "536365", "revenue"].sum() == pytest.approx(139.12)
    assert not df["product_id"].isin(["POST", "D", "M", "BANK CHARGES", "AMAZONFEE"]).any()
    assert df["order_date"].dtype == "datetime64[us]"
    assert df["quantity"].dtype == "int64"


def test_online_retail_second_header_variant():
    df, report = load_transactions(FIXTURES / "online_retail_ii.csv", preset="online_retail")
    # 20 lines; POST, C2, TEST001, ADJUST, M, gift_0001_40 are not products -> 14 kept
    assert (report.rows_read, report.count("non-product lines"), report.rows_kept) == (20, 6, 14)
    assert report.count("cancellations") == 2  # C489449, two lines
    assert report.count("returns") == 1  # 489464: quantity -96 without a C invoice
    assert report.count("missing customer ids") == 3
    assert df["customer_id"].iloc[0] == "13085"
    assert df["order_date"].iloc[0] == pd.Timestamp("2009-12-01 07:45:00")
    # quoted field with an embedded quote survives
    assert 'RECORD FRAME 7" SINGLE SIZE' in df["product_name"].str.strip().tolist()


def test_shopify_forward_fills_order_fields():
    df, report = load_transactions(FIXTURES / "shopify_orders.csv", preset="shopify")
    assert report.rows_read == report.rows_kept == 10
    second = df.iloc[1]  # second line item of #1001: blank order fields in the file
    assert second["order_id"] == "#1001"
    assert second["customer_id"] == "li.wei@example.com"
    assert second["order_date"] == pd.Timestamp("2023-06-18 10:22:01")  # +0800 wall-clock time kept
    assert second["country"] == "CN"
    assert report.count("cancellations") == 1  # #1004 has Cancelled at
    assert report.count("returns") == 2  # #1003 is refunded, two lines
    assert report.count("missing customer ids") == 3  # #1005 (POS, no email), three lines
    assert set(df.loc[df["order_id"] == "#1003", "status"]) == {"returned"}
    # a line without SKU takes its name as product id
    assert "Gift Card Wrap" in df["product_id"].tolist()
    assert df.loc[df["order_id"] == "#1002", ["promo_id", "discount"]].iloc[0].tolist() == ["618SALE", 89.9]
    # #1001 by hand: 2 x 129.00 + 1 x 59.50 = 317.50 (the file's Subtotal)
    assert df.loc[df["order_id"] == "#1001", "revenue"].sum() == pytest.approx(317.50)


def test_olist_folder_joined():
    df, report = load_transactions(FIXTURES / "olist", preset="olist")
    # 10 item rows; order o4 holds the same product twice at 45.00 -> one line of quantity 2
    assert report.rows_read == len(df) == 9
    assert sorted(df["quantity"].tolist()) == [1] * 8 + [2]
    # customer_unique_id u1 bought twice (orders o1 and o3) under two order-level customer ids
    assert df.groupby("customer_id")["order_id"].nunique().max() == 2
    assert "health_beauty" in set(df["category"])  # translated
    assert "pc_gamer" in set(df["category"])  # no translation row: Portuguese name kept
    assert report.count("cancellations") == 1  # o5 canceled; o6 unavailable has no items
    assert any("without items" in n for n in report.notes)
    assert any("BRL" in n for n in report.notes)


def test_guess_preset_from_headers():
    assert guess_preset(["InvoiceNo", "StockCode", "UnitPrice", "Quantity"]) == "online_retail"
    assert guess_preset(["Invoice", "StockCode", "Price"]) == "online_retail"
    assert guess_preset(["Name", "Lineitem quantity", "Lineitem price"]) == "shopify"
    assert guess_preset(["order_id", "quantity"]) is None


def test_missing_preset_is_suggested():
    from ecomlib.errors import SchemaError

    with pytest.raises(SchemaError, match="preset='online_retail'"):
        load_transactions(FIXTURES / "online_retail.csv")


def test_online_retail_ii_workbook_second_sheet(tmp_path):
    """The real Online Retail II file is a workbook with one sheet per year; the second must be reachable."""
    raw = pd.read_csv(FIXTURES / "online_retail_ii.csv", dtype={"Invoice": "str", "StockCode": "str"})
    raw["InvoiceDate"] = pd.to_datetime(raw["InvoiceDate"])  # Excel cells hold real dates
    raw["Invoice"] = raw["Invoice"].where(raw["Invoice"].str.startswith(("C", "A")),
                                          pd.to_numeric(raw["Invoice"], errors="coerce"))
    first, second = raw.iloc[:12], raw.iloc[12:]
    path = tmp_path / "online_retail_II.xlsx"
    with pd.ExcelWriter(path) as writer:
        first.to_excel(writer, sheet_name="Year 2009-2010", index=False)
        second.to_excel(writer, sheet_name="Year 2010-2011", index=False)
    df, report = load_transactions(path, preset="online_retail", sheet="Year 2010-2011")
    # second sheet: 8 lines, of which C2, TEST001, ADJUST, M (C496350) and the gift voucher are not products
    assert (report.rows_read, report.count("non-product lines"), len(df)) == (8, 5, 3)
    assert df["order_id"].tolist() == ["489597", "489597", "581587"]
    assert df["customer_id"].tolist()[-1] == "12680"
    df_first, _ = load_transactions(path, preset="online_retail", sheet=0)
    assert df_first["order_id"].iloc[0] == "489434"
