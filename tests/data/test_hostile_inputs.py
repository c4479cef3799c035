"""Issue 15, sections 4 and 5: encodings, formats and bounded work on small hostile inputs.

Every case here gave mojibake, a deep traceback, a huge message or a hang before; each now
reads right or stops with a clear ecomlib error. Cases that could hang run in a subprocess
with a timeout, so a regression fails the test instead of hanging the suite.
"""

import gzip
import io
import os
import subprocess
import sys
import textwrap
import warnings
import zipfile

import pandas as pd
import pytest

from ecomlib.data import load_table, load_transactions
from ecomlib.data.columns import load_mapping
from ecomlib.errors import DataError, DataWarning, EcomlibError, ParameterError, SchemaError

HEADER = "order_id,order_date,customer_id,product_id,product_name,quantity,unit_price\n"
NAMES = ["Crème brûlée", "Café au lait", "Pâté de campagne", "Tarte à l'oignon", "Crêpe Suzette"]


def lines_with(names):
    return "".join(f"A{i},2024-06-{10 + i % 9},C{i},P{i},{name},1,{2 + i}.5\n" for i, name in enumerate(names))


def write(tmp_path, text, encoding, name="orders.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run_isolated(code, timeout=60):
    """Run ``code`` in a fresh interpreter; a hang becomes a failed test, not a stuck suite."""
    try:
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"did not finish within {timeout} s")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


# --- 4. encodings --------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_latin1_is_read_as_latin_not_as_gb18030(tmp_path, encoding):
    # before: read as gb18030 without a warning, 'Crème brûlée' -> 'Cr鑝e br鹟閑'
    path = write(tmp_path, HEADER + lines_with(NAMES), encoding)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        df, report = load_transactions(path)
    assert df["product_name"].tolist() == NAMES
    assert report.encoding in ("cp1252", "latin-1")
    note = next(n for n in report.notes if n.startswith("encoding:"))
    assert "confidence 100%" in note


def test_big5_headers_and_text_are_read_as_big5(tmp_path):
    # before: gb18030 garbled the traditional headers, so the columns were "missing"
    header = "訂單編號,訂單日期,客戶編號,商品編號,商品名稱,數量,單價\n"
    names = ["珍珠奶茶", "鳳梨酥", "牛肉麵", "小籠包", "臺灣高山茶"]
    path = write(tmp_path, header + lines_with(names), "big5")
    df, report = load_transactions(path)
    assert report.encoding == "big5"
    assert df["product_name"].tolist() == names
    assert any("big5" in n and "confidence" in n for n in report.notes)


def test_shift_jis_is_read_as_shift_jis(tmp_path):
    names = ["抹茶ラテ", "緑茶", "お好み焼き", "東京バナナ", "日本酒"]
    path = write(tmp_path, HEADER + lines_with(names), "shift_jis")
    df, report = load_transactions(path)
    assert report.encoding == "shift_jis"
    assert df["product_name"].tolist() == names


def test_gbk_export_stays_gb18030_without_a_warning(tmp_path):
    names = ["美妆套装", "家居收纳盒", "保温杯", "无线耳机", "儿童绘本"] * 40
    path = write(tmp_path, "订单编号,下单时间,客户,商品编号,商品名称,数量,单价\n" + lines_with(names), "gbk")
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        df, report = load_transactions(path)
    assert report.encoding == "gb18030"
    assert df["product_name"].tolist() == names


def test_half_utf8_half_gbk_is_an_error_naming_the_first_bad_line(tmp_path):
    names = ["美妆套装", "家居收纳盒", "保温杯", "无线耳机"]
    path = tmp_path / "joined.csv"
    path.write_bytes(HEADER.encode() + lines_with(names).encode("utf-8") + lines_with(names).encode("gbk"))
    with pytest.raises(DataError) as info:
        load_transactions(path)
    text = str(info.value)
    assert "mixes text encodings" in text and "line 6 is not valid UTF-8" in text
    assert "encoding=" in text and "--encoding" in text


def test_gbk_first_then_utf8_is_also_mixed(tmp_path):
    names = ["美妆套装", "家居收纳盒", "保温杯", "无线耳机"]
    path = tmp_path / "joined.csv"
    path.write_bytes(HEADER.encode() + lines_with(names).encode("gbk") + lines_with(names).encode("utf-8"))
    with pytest.raises(DataError, match="mixes text encodings.*line 6 is UTF-8.*line 2 is not valid UTF-8"):
        load_transactions(path)


def test_double_encoded_utf8_warns_of_mojibake(tmp_path):
    garbled = [n.encode("utf-8").decode("cp1252") for n in NAMES]  # 'CrÃ¨me brÃ»lÃ©e'
    path = write(tmp_path, HEADER + lines_with(garbled), "utf-8")
    with pytest.warns(DataWarning, match="mojibake"):
        _, report = load_transactions(path)
    assert any("garbled" in n and "Ã©" in n for n in report.notes)


def test_wrong_explicit_encoding_warns_of_mojibake(tmp_path):
    path = write(tmp_path, HEADER + lines_with(NAMES), "utf-8")
    with pytest.warns(DataWarning, match="looks garbled"):
        df, _ = load_transactions(path, encoding="latin-1")
    assert df["product_name"].tolist()[0] == "CrÃ¨me brÃ»lÃ©e"  # as asked, but flagged


def test_explicit_encoding_that_does_not_decode_names_the_line(tmp_path):
    names = ["美妆套装", "家居收纳盒", "保温杯", "无线耳机", "儿童绘本"]
    path = write(tmp_path, HEADER + lines_with(names), "utf-8")
    with pytest.raises(DataError, match=r"is not valid gb18030 text \(bad byte at position 149, line 3\)"):
        load_transactions(path, encoding="gb18030")
    with pytest.raises(ParameterError, match="not a known text encoding"):
        load_transactions(path, encoding="klingon")


def test_utf16_without_bom_is_read_right(tmp_path):
    # before: read as UTF-8 with NULs in every name, then "columns missing"
    path = write(tmp_path, HEADER + lines_with(NAMES), "utf-16-le")
    df, report = load_transactions(path)
    assert report.encoding == "utf-16-le"
    assert df["product_name"].tolist() == NAMES


def test_nul_before_every_comma_is_a_clear_error(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes((HEADER + lines_with(NAMES[:2])).encode().replace(b",", b"\x00,"))
    with pytest.raises(DataError) as info:
        load_transactions(path)
    assert "NUL byte" in str(info.value) and "line 1" in str(info.value) and "--encoding" in str(info.value)


def test_missing_columns_say_what_was_detected(tmp_path):
    path = write(tmp_path, "a;b;c\n1;2;3\n", "utf-8")
    with pytest.raises(SchemaError) as info:
        load_transactions(path)
    text = str(info.value)
    assert "Read as: encoding utf-8" in text and "separator ';'" in text
    assert "--encoding" in text


def test_multi_sheet_workbook_names_its_sheets_and_suggests_sheet(tmp_path):
    path = tmp_path / "export.xlsx"
    orders = pd.DataFrame({"order_id": ["A1"], "order_date": ["2024-06-18"], "product_id": ["P1"],
                           "quantity": [1], "unit_price": [2.0]})
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"note": ["exported by ERP"]}).to_excel(writer, sheet_name="About", index=False)
        orders.to_excel(writer, sheet_name="Orders", index=False)
    with pytest.raises(SchemaError) as info:
        load_transactions(path)
    text = str(info.value)
    assert "sheet 'About' of ['About', 'Orders']" in text
    assert "sheet='Orders'" in text and "--sheet" in text
    df, _ = load_transactions(path, sheet="Orders")
    assert df["order_id"].tolist() == ["A1"]


# --- 4. formats ----------------------------------------------------------------------------


def test_truncated_zip_is_a_data_error(tmp_path):
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("orders.csv", HEADER + lines_with(NAMES * 50))
    cut = tmp_path / "cut.zip"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(DataError, match="not a valid zip archive"):
        load_transactions(cut)


@pytest.mark.parametrize("name", ["orders.xlsx", "orders.parquet", "orders.xls"])
def test_csv_with_a_spreadsheet_name_is_read_by_its_content(tmp_path, name):
    path = write(tmp_path, HEADER + lines_with(NAMES), "utf-8", name)
    df, report = load_transactions(path)
    assert df["product_name"].tolist() == NAMES
    assert any(f"named '{name}' but holds text (CSV)" in n for n in report.notes)


def test_parquet_named_csv_is_read_by_its_content(tmp_path):
    path = tmp_path / "orders.csv"
    pd.read_csv(io.StringIO(HEADER + lines_with(NAMES))).to_parquet(path)
    df, report = load_transactions(path)
    assert df["product_name"].tolist() == NAMES
    assert any("holds Parquet data" in n for n in report.notes)


def test_repeated_header_name_is_a_schema_error_naming_it(tmp_path):
    # before: "Length mismatch: Expected axis has 6 elements" from deep in pandas
    path = tmp_path / "dup.csv"
    path.write_text("order_id,order_date,product_id,quantity,unit_price,order_id\nA1,2024-06-18,P1,2,10,X\n")
    with pytest.raises(SchemaError, match=r"2 columns named 'order_id' \(columns \[1, 6\]\)") as info:
        load_transactions(path)
    assert "columns=" in str(info.value)


def test_dataframe_with_repeated_labels_is_a_schema_error_and_stays_unchanged():
    df = pd.DataFrame([["A1", "2024-06-18", "P1", 2, 10, "X"]],
                      columns=["order_id", "order_date", "product_id", "quantity", "unit_price", "order_id"])
    before = df.copy()
    with pytest.raises(SchemaError, match="columns named 'order_id'"):
        load_transactions(df)
    pd.testing.assert_frame_equal(df, before)


def test_repeated_unmapped_columns_are_kept_apart_in_other_tables(tmp_path):
    path = tmp_path / "products.csv"
    path.write_text("product_id,category,unit_cost,list_price,note,note\nP1,toys,1,2,a,b\n")
    products, _ = load_table(path, table="products")
    assert products["product_id"].tolist() == ["P1"]


def test_two_mapped_columns_onto_one_canonical_name(tmp_path):
    path = write(tmp_path, HEADER + lines_with(NAMES), "utf-8")
    with pytest.raises(SchemaError, match=r"maps 2 columns \['customer_id', 'product_name'\] onto"):
        load_transactions(path, columns={"customer_id": "product_id", "product_name": "product_id"})


# --- 5. bounded work -----------------------------------------------------------------------


def test_a_header_of_100000_repeated_names_is_refused_quickly(tmp_path):
    # before: 149 s in pandas' quadratic renaming of repeated names (a 6 MB header never ended)
    path = tmp_path / "wide.csv"
    path.write_text(",".join(["x"] * 100_000) + "\n" + ",".join(["1"] * 100_000) + "\n")
    out = run_isolated(f"""
        from ecomlib.data import load_transactions
        from ecomlib.errors import DataError
        try:
            load_transactions({str(path)!r})
        except DataError as exc:
            print("DataError", exc)
    """)
    assert out.startswith("DataError") and "more than 2,000 columns" in out and "MAX_COLUMNS" in out


@pytest.mark.skipif(not os.path.exists("/dev/zero") or not hasattr(os, "mkfifo"), reason="POSIX only")
def test_devices_and_pipes_are_refused_without_hanging(tmp_path):
    fifo = tmp_path / "orders.csv"
    os.mkfifo(fifo)
    out = run_isolated(f"""
        from ecomlib.data import load_transactions
        from ecomlib.errors import ParameterError
        for path in ("/dev/zero", {str(fifo)!r}):
            try:
                load_transactions(path)
            except ParameterError as exc:
                print(type(exc).__name__, str(exc).splitlines()[0])
    """, timeout=30)
    assert "is a device, not a regular file: '/dev/zero'" in out
    assert "is a pipe (FIFO), not a regular file" in out


def _bomb(path, size=40 * 1024**2):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("orders.csv", HEADER + "A1,2024-06-18,C1,P1,x,1,1\n" * (size // 26))
    return path


def test_zip_member_expanding_over_100x_is_refused(tmp_path):
    path = _bomb(tmp_path / "bomb.zip")
    with pytest.raises(DataError, match="(?s)declares .* bytes uncompressed.*max_unzipped_bytes") as info:
        load_transactions(path)
    assert "zip bomb" in str(info.value)


def test_max_unzipped_bytes_raises_the_cap(tmp_path):
    from ecomlib.data.sources import read_source

    path = _bomb(tmp_path / "bomb.zip", size=20 * 1024**2)
    with pytest.raises(DataError):
        read_source(path)
    raw = read_source(path, max_unzipped_bytes=64 * 1024**2)
    assert len(raw.frame) == 20 * 1024**2 // 26


def test_zip_whose_declared_size_lies_is_stopped(tmp_path):
    path = _bomb(tmp_path / "liar.zip")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.infolist()[0]
    real = info.file_size.to_bytes(4, "little")
    fake = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(data).replace(real, fake))  # local header and central directory
    with zipfile.ZipFile(path) as archive:
        assert archive.infolist()[0].file_size == 1000
    with pytest.raises(DataError, match="zip archive"):
        load_transactions(path)


def test_gzip_bomb_is_refused_while_streaming(tmp_path):
    path = tmp_path / "orders.csv.gz"
    path.write_bytes(gzip.compress((HEADER + "A1,2024-06-18,C1,P1,x,1,1\n" * (40 * 1024**2 // 26)).encode()))
    with pytest.raises(DataError, match="expands to more than"):
        load_transactions(path)


BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(7)]
)


def test_yaml_of_nested_aliases_is_refused_with_a_short_message(tmp_path):
    # before: a 271-byte file gave a 15 MB error message
    path = tmp_path / "map.yaml"
    path.write_text(BILLION_LAUGHS)
    assert path.stat().st_size < 400
    with pytest.raises(ParameterError, match="YAML aliases") as info:
        load_mapping(path)
    assert len(str(info.value)) < 500


def test_yaml_that_is_not_a_flat_map_is_refused(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text("order_id:\n  - a\n  - b\n")
    with pytest.raises(ParameterError, match="must map file column names"):
        load_mapping(path)


def test_deeply_nested_yaml_is_a_clear_error_not_a_recursion_error(tmp_path):
    # found by tests/data/hostile_fuzz.py: 5,000 nested [ (10 KB) gave RecursionError from yaml
    path = tmp_path / "map.yaml"
    path.write_text("[" * 5000 + "]" * 5000)
    with pytest.raises(ParameterError, match="nested too deeply"):
        load_mapping(path)


def test_error_messages_are_capped():
    exc = EcomlibError("x" * 1_000_000, fix="y" * 1_000_000)
    assert len(str(exc)) < 10_000 and "more characters" in str(exc)
    with pytest.raises(ParameterError) as info:
        load_mapping({"a": ["b"] * 100_000})
    assert len(str(info.value)) < 2_000


def test_olist_file_without_a_needed_column_is_a_schema_error(tmp_path):
    import shutil
    from pathlib import Path

    folder = tmp_path / "olist"
    shutil.copytree(Path(__file__).parent / "fixtures" / "olist", folder)
    customers = folder / "olist_customers_dataset.csv"
    frame = pd.read_csv(customers, dtype=str).drop(columns="customer_unique_id")
    frame.to_csv(customers, index=False)
    with pytest.raises(SchemaError, match=r"'olist_customers_dataset.csv' lacks column\(s\) \['customer_unique_id'\]"):
        load_transactions(folder, preset="olist")
