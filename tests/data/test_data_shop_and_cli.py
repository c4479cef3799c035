"""load_shop on folders and single files; the `ecomlib data` command line."""

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ecomlib.cli import main
from ecomlib.data import TABLES, load_shop
from ecomlib.errors import DataError, ParameterError

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]
TX = ("order_id,order_date,customer_id,product_id,quantity,unit_price\n"
      "A1,2024-06-18,C1,P1,2,10\nA2,2024-06-19,C2,P2,1,5\nA2,2024-06-19,C2,P2,1,5\n")


@pytest.fixture
def shop_folder(tmp_path):
    (tmp_path / "transactions.csv.gz").write_bytes(gzip.compress(TX.encode()))
    (tmp_path / "products.csv").write_text(
        "product_id,category,unit_cost,list_price\nP1,beauty,4,12\nP2,home,2,6\n")
    (tmp_path / "customers.csv").write_text(
        "customer_id,signup_date,acquisition_channel,region\nC1,2024-01-05,seo,East\nC2,2024-03-01,ads,North\n")
    (tmp_path / "notes.txt").write_text("not a table")
    return tmp_path


def test_load_shop_folder(shop_folder):
    shop = load_shop(shop_folder)
    assert set(shop.tables) == {"transactions", "products", "customers"}
    assert set(shop.missing) == set(TABLES) - set(shop.tables) - {"categories"}  # a helper table, never missing
    assert shop.quality["transactions"].count("exact duplicates") == 1
    assert len(shop["transactions"]) == 2 and "products" in shop
    assert shop.get("sessions") is None and shop.get("products") is shop["products"]
    text = str(shop)
    assert "3 table(s) loaded" in text and "1 dropped" in text and "missing: sessions" in text
    summary = shop.summary()
    assert summary.set_index("table").loc["products", "rows"] == 2
    assert summary.set_index("table").loc["sessions", "file"] == "(missing)"


def test_load_shop_date_range_applies_to_every_dated_table(shop_folder):
    shop = load_shop(shop_folder, start="2024-02-01")
    assert shop["transactions"]["order_id"].tolist() == ["A1", "A2"]
    assert shop["customers"]["customer_id"].tolist() == ["C2"]
    assert shop.quality["customers"].count("dates outside the requested range") == 1


def test_load_shop_single_file_and_preset_folder():
    shop = load_shop(FIXTURES / "online_retail.csv", preset="online_retail")
    assert list(shop.tables) == ["transactions"] and len(shop.missing) == len(TABLES) - 2  # not transactions, not the helper table categories
    olist = load_shop(FIXTURES / "olist", preset="olist")
    assert len(olist["transactions"]) == 9


def test_load_shop_folder_without_tables(tmp_path):
    (tmp_path / "readme.md").write_text("hello")
    with pytest.raises(DataError, match=r"holds no canonical table file. Found: \['readme.md'\]"):
        load_shop(tmp_path)


def test_load_shop_missing_path(tmp_path):
    with pytest.raises(ParameterError, match="does not exist"):
        load_shop(tmp_path / "nowhere")


def test_load_shop_per_table_column_maps(tmp_path):
    (tmp_path / "transactions.csv").write_text(TX.replace("order_id", "單號"))
    (tmp_path / "products.csv").write_text("sku,category,unit_cost,list_price\nP1,beauty,4,12\n")
    shop = load_shop(tmp_path, columns={"transactions": {"單號": "order_id"},
                                        "products": {"sku": "product_id"}})
    assert shop["products"]["product_id"].tolist() == ["P1"]
    assert shop["transactions"]["order_id"].iloc[0] == "A1"


@pytest.mark.parametrize("fixture, preset, expected", [
    ("online_retail.csv", "online_retail", "non-product lines"),
    ("online_retail_ii.csv", "online_retail", "cancellations"),
    ("shopify_orders.csv", "shopify", "forward-filled"),
    ("olist", "olist", "BRL"),
])
def test_cli_check_prints_each_preset_report(capsys, fixture, preset, expected):
    assert main(["data", "check", str(FIXTURES / fixture), "--preset", preset]) == 0
    out = capsys.readouterr().out
    assert "Quality report: transactions" in out and expected in out and "rows kept" in out


def test_cli_check_shop_folder_and_table(capsys, shop_folder):
    assert main(["data", "check", str(shop_folder)]) == 0
    out = capsys.readouterr().out
    assert "Quality report: products" in out and "Quality report: customers" in out
    assert main(["data", "check", str(shop_folder / "products.csv"), "--table", "products"]) == 0
    assert "Quality report: products" in capsys.readouterr().out


def test_cli_check_with_columns_file(capsys, tmp_path):
    (tmp_path / "orders.csv").write_text(TX.replace("quantity", "件數"))
    (tmp_path / "map.json").write_text(json.dumps({"件數": "quantity"}, ensure_ascii=False), encoding="utf-8")
    assert main(["data", "check", str(tmp_path / "orders.csv"), "--columns", str(tmp_path / "map.json")]) == 0
    assert "件數 -> quantity" in capsys.readouterr().out


def test_cli_check_broken_file_one_clear_error(capsys, tmp_path):
    (tmp_path / "orders.csv").write_text(TX.replace("quantity", "quantiy"))
    assert main(["data", "check", str(tmp_path / "orders.csv")]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("ecomlib: error: ") and "'quantity' <- 'quantiy'?" in captured.err
    assert "Traceback" not in captured.err and captured.out == ""


def test_cli_presets(capsys):
    assert main(["data", "presets"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in ("online_retail", "shopify", "olist"))


@pytest.mark.slow
def test_cli_subprocess_missing_file(tmp_path):
    done = subprocess.run([sys.executable, "-m", "ecomlib", "data", "check", str(tmp_path / "none.csv")],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode != 0
    assert "does not exist" in done.stderr and "Traceback" not in done.stderr


def test_cli_check_preset_fixture_copied_elsewhere(tmp_path, capsys):
    target = tmp_path / "export.csv"
    shutil.copy(FIXTURES / "shopify_orders.csv", target)
    assert main(["data", "check", str(target), "--preset", "shopify"]) == 0
    assert target.read_bytes() == (FIXTURES / "shopify_orders.csv").read_bytes()


def test_shop_renders_as_html(shop_folder):
    html = load_shop(shop_folder)._repr_html_()
    assert html.startswith("<pre") and "transactions" in html and "<script" not in html


def test_load_shop_folder_with_only_transactions(tmp_path):
    (tmp_path / "transactions.csv").write_text(TX)
    shop = load_shop(tmp_path)
    assert list(shop.tables) == ["transactions"] and "products" in shop.missing


def test_load_shop_folder_with_one_export_of_any_name(tmp_path):
    shutil.copy(FIXTURES / "online_retail.csv", tmp_path / "Online Retail.csv")
    shop = load_shop(tmp_path, preset="online_retail")
    assert len(shop["transactions"]) == 19
    assert "read as transactions: Online Retail.csv" in shop.quality["transactions"].notes[0]


def test_cli_wrong_table_for_a_file(capsys):
    assert main(["data", "check", str(FIXTURES / "shopify_orders.csv"), "--table", "products"]) == 2
    err = capsys.readouterr().err
    assert "lacks required products column(s) ['product_id', 'category', 'unit_cost', 'list_price']" in err
    assert "(49 more)" in err and "--columns MAP" in err and "--preset" not in err  # 79 headers, 30 shown


def test_an_unreadable_optional_table_is_reported_and_left_out(tmp_path):
    import pandas as pd

    from ecomlib.data import load_shop

    pd.DataFrame({"order_id": ["o1", "o2"], "order_date": ["2024-01-01", "2024-01-02"],
                  "product_id": ["a", "b"], "quantity": [1, 2], "unit_price": [3.0, 4.0]}
                 ).to_csv(tmp_path / "transactions.csv", index=False)
    broken = b"\x00\x01garbage;;\n\xff\xfe\"unterminated\n"
    (tmp_path / "products.csv").write_bytes(broken)
    shop = load_shop(tmp_path)
    assert list(shop.tables) == ["transactions"] and len(shop["transactions"]) == 2
    assert "products" in shop.missing and "products.csv" in shop.unreadable["products"]
    assert "could not read products" in str(shop)
    assert (tmp_path / "products.csv").read_bytes() == broken  # inputs are never modified


def test_an_unreadable_transactions_file_still_fails_clearly(tmp_path):
    import pytest

    from ecomlib.data import load_shop
    from ecomlib.errors import DataError

    (tmp_path / "transactions.csv").write_bytes(b"\x00\x01garbage\n\xff\xfe\n")
    with pytest.raises(DataError, match="encoding"):
        load_shop(tmp_path)


def test_a_categories_table_fills_the_missing_category(tmp_path):
    import pandas as pd

    from ecomlib.data import load_shop

    pd.DataFrame({"order_id": ["o1", "o1", "o2"], "order_date": ["2024-01-01"] * 3,
                  "product_id": ["a", "b", "c"], "quantity": [1, 2, 1], "unit_price": [3.0, 4.0, 5.0]}
                 ).to_csv(tmp_path / "transactions.csv", index=False)
    pd.DataFrame({"product_id": ["a", "b"], "category": ["Toys", "Books"]}).to_csv(
        tmp_path / "categories.csv", index=False)
    shop = load_shop(tmp_path)
    assert shop["transactions"]["category"].tolist()[:2] == ["Toys", "Books"]
    assert shop["transactions"]["category"].isna().tolist() == [False, False, True]
    note = [n for n in shop.quality["transactions"].notes if n.startswith("category:")]
    assert note == ["category: 2 of 3 lines (2 of 3 products) filled from the categories table; "
                    "1 line(s) still without one"]
