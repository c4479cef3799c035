"""Bad and messy input: each case asserts the exact error class or the exact report count."""

import gzip
import hashlib
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from ecomlib.data import load_table, load_transactions
from ecomlib.errors import DataError, EcomlibError, ParameterError, SchemaError

HEADER = "order_id,order_date,customer_id,product_id,quantity,unit_price\n"
GOOD = [
    "A1,2024-06-18 10:00,C1,P1,2,10.5",
    "A1,2024-06-18 10:00,C1,P2,1,3.0",
    "A2,2024-06-19 11:30,C2,P1,1,10.5",
    "A3,2024-06-20 09:15,C3,P3,4,2.25",
]


def write(tmp_path, lines, name="orders.csv", header=HEADER, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes((header + "\n".join(lines) + "\n").encode(encoding))
    return path


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(DataError, match="is empty"):
        load_transactions(path)


def test_header_only(tmp_path):
    path = tmp_path / "head.csv"
    path.write_text(HEADER)
    with pytest.raises(DataError, match="no data rows"):
        load_transactions(path)


def test_missing_column_lists_required_found_and_fix(tmp_path):
    path = write(tmp_path, [g.rsplit(",", 1)[0] for g in GOOD],
                 header="order_id,order_date,customer_id,product_id,quantity\n")
    with pytest.raises(SchemaError) as info:
        load_transactions(path)
    text = str(info.value)
    assert "['unit_price']" in text
    assert "Required: ['order_id', 'order_date', 'product_id', 'quantity', 'unit_price']" in text
    assert "found: ['order_id'" in text
    assert "columns=" in text and "--preset" in text


def test_misspelt_column_names_closest_match(tmp_path):
    path = write(tmp_path, GOOD, header="order_id,order_date,customer_id,product_id,quantiy,unit_price\n")
    with pytest.raises(SchemaError, match=r"'quantity' <- 'quantiy'\?"):
        load_transactions(path)


def test_schema_error_is_a_key_error_and_ecomlib_error(tmp_path):
    path = write(tmp_path, GOOD, header="a,b,c,d,e,f\n")
    with pytest.raises(KeyError):
        load_transactions(path)
    with pytest.raises(EcomlibError):
        load_transactions(path)


def test_gbk_file_with_chinese_headers_and_mapping(tmp_path):
    header = "订单编号,下单时间,客户,商品编号,数量,单价,类目\n"
    lines = ["A1,2024-06-18,C1,P1,2,￥10.50,美妆", "A2,2024-06-19,C2,P2,1,￥3.00,家居"]
    path = write(tmp_path, lines, header=header, encoding="gbk")
    mapping = {"订单编号": "order_id", "下单时间": "order_date", "客户": "customer_id",
               "商品编号": "product_id", "数量": "quantity", "单价": "unit_price", "类目": "category"}
    df, report = load_transactions(path, columns=mapping)
    assert report.encoding == "gb18030"
    assert any("gb18030" in n for n in report.notes)
    assert df["category"].tolist() == ["美妆", "家居"]
    assert df["unit_price"].tolist() == [10.5, 3.0]


def test_chinese_headers_recognised_without_mapping(tmp_path):
    header = "訂單編號,下單時間,商品編號,數量,單價\n"
    path = write(tmp_path, ["A1,2024-06-18,P1,2,10", "A2,2024-06-19,P2,1,3"], header=header)
    df, _ = load_transactions(path)
    assert df["revenue"].tolist() == [20.0, 3.0]


def test_utf8_bom(tmp_path):
    path = write(tmp_path, GOOD, encoding="utf-8-sig")
    df, report = load_transactions(path)
    assert report.encoding == "utf-8-sig"
    assert df["order_id"].tolist()[:2] == ["A1", "A1"]


def test_file_in_no_supported_encoding(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(HEADER.encode() + b"A1,2024-06-18,C1,P\xe9\xff,2,10\n")
    with pytest.raises(DataError) as info:
        load_transactions(path)
    assert "utf-8 (bad byte at position" in str(info.value)
    assert "gb18030" in str(info.value) and "encoding=" in str(info.value)


def test_explicit_encoding_reads_latin1(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(HEADER.encode() + "A1,2024-06-18,C1,Café,2,10\n".encode("latin-1"))
    df, report = load_transactions(path, encoding="latin-1")
    assert df["product_id"].tolist() == ["Café"]


def test_mixed_date_formats(tmp_path):
    lines = ["A1,2024-06-18 10:00,C1,P1,1,1", "A2,6/18/2024 10:00,C1,P1,1,1",
             "A3,2024/06/18 10:00,C1,P1,1,1", "A4,2024年6月18日,C1,P1,1,1", "A5,2024-06-18T10:00:00Z,C1,P1,1,1"]
    df, report = load_transactions(write(tmp_path, lines))
    assert report.count("unparseable dates") == 0
    assert (df["order_date"].dt.normalize() == pd.Timestamp("2024-06-18")).all()


def test_twenty_percent_bad_dates_is_an_error_with_examples(tmp_path):
    lines = [f"A{i},2024-06-{10 + i % 10:02d},C1,P1,1,1" for i in range(8)] + \
            ["B1,not a date,C1,P1,1,1", "B2,31/31/2024,C1,P1,1,1"]
    with pytest.raises(DataError) as info:
        load_transactions(write(tmp_path, lines))
    assert "2 of 10 order dates (20.0%)" in str(info.value)
    assert "not a date" in str(info.value)


def test_few_bad_dates_are_dropped_and_counted(tmp_path):
    lines = [f"A{i},2024-06-18,C1,P1,1,1" for i in range(40)] + ["B1,someday,C1,P1,1,1"]
    df, report = load_transactions(write(tmp_path, lines))
    assert report.count("unparseable dates") == 1
    assert len(df) == 40


def test_currency_strings(tmp_path):
    lines = ['A1,2024-06-18,C1,P1,1,"¥1,299.00"', 'A2,2024-06-18,C1,P2,1,"$1,299.00"',
             "A3,2024-06-18,C1,P3,2,RMB 12.5", "A4,2024-06-18,C1,P4,1,12.5元"]
    df, report = load_transactions(write(tmp_path, lines))
    assert df["unit_price"].tolist() == [1299.0, 1299.0, 12.5, 12.5]
    assert df["revenue"].tolist() == [1299.0, 1299.0, 25.0, 12.5]
    assert report.count("missing or unparseable prices") == 0


def test_full_width_digits(tmp_path):
    lines = ["A1,２０２４－０６－１８,C1,P1,３,１２．５０"]
    df, _ = load_transactions(write(tmp_path, lines))
    assert df[["quantity", "unit_price"]].iloc[0].tolist() == [3, 12.5]
    assert df["order_date"].iloc[0] == pd.Timestamp("2024-06-18")


def test_negative_prices_dropped(tmp_path):
    lines = GOOD + ["A9,2024-06-20,C1,P1,1,-5", "A9,2024-06-20,C1,P2,1,-0.5"]
    df, report = load_transactions(write(tmp_path, lines))
    assert report.count("negative prices") == 2
    assert (df["unit_price"] >= 0).all() and len(df) == 4


def test_all_customer_ids_missing(tmp_path):
    lines = [",".join(g.split(",")[:2] + [""] + g.split(",")[3:]) for g in GOOD]
    df, report = load_transactions(write(tmp_path, lines))
    assert report.count("missing customer ids") == 4
    assert df["customer_id"].isna().all() and len(df) == 4


def test_no_customer_column_at_all(tmp_path):
    lines = [",".join(g.split(",")[:2] + g.split(",")[3:]) for g in GOOD]
    df, report = load_transactions(write(tmp_path, lines, header="order_id,order_date,product_id,quantity,unit_price\n"))
    assert report.count("missing customer ids") == 4
    assert "customer_id" in df.columns


def test_header_repeated_mid_file(tmp_path):
    lines = GOOD[:2] + [HEADER.strip()] + GOOD[2:]
    df, report = load_transactions(write(tmp_path, lines))
    assert report.count("repeated header rows") == 1
    assert len(df) == 4 and df["quantity"].dtype == "int64"


def test_excel_data_on_second_sheet(tmp_path):
    path = tmp_path / "orders.xlsx"
    data = pd.DataFrame([g.split(",") for g in GOOD], columns=HEADER.strip().split(","))
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame().to_excel(writer, sheet_name="Notes", index=False)
        data.to_excel(writer, sheet_name="Orders", index=False)
    df, report = load_transactions(path, sheet=1)
    assert len(df) == 4
    df_auto, report_auto = load_transactions(path)  # first sheet empty: the first with data is used
    assert len(df_auto) == 4
    assert any("'Orders'" in n for n in report_auto.notes)
    df_named, _ = load_transactions(path, sheet="Orders")
    assert len(df_named) == 4
    with pytest.raises(ParameterError, match=r"\['Notes', 'Orders'\]"):
        load_transactions(path, sheet="Sheet9")


def test_zip_with_two_files_lists_them(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("orders.csv", HEADER + "\n".join(GOOD))
        archive.writestr("refunds.csv", HEADER)
    with pytest.raises(DataError, match=r"2 files: \['orders.csv', 'refunds.csv'\]"):
        load_transactions(path)


def test_zip_with_one_file(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("orders.csv", HEADER + "\n".join(GOOD))
        archive.writestr("__MACOSX/._orders.csv", "junk")
    df, report = load_transactions(path)
    assert len(df) == 4 and any("orders.csv" in n for n in report.notes)


def test_gzip_and_tsv_and_parquet(tmp_path):
    gz = tmp_path / "orders.csv.gz"
    gz.write_bytes(gzip.compress((HEADER + "\n".join(GOOD)).encode()))
    tsv = tmp_path / "orders.tsv"
    tsv.write_text((HEADER + "\n".join(GOOD)).replace(",", "\t"))
    frames = [load_transactions(p)[0] for p in (gz, tsv)]
    pq = tmp_path / "orders.parquet"
    frames[0].to_parquet(pq)
    frames.append(load_transactions(pq)[0])
    for df in frames:
        assert df["revenue"].sum() == pytest.approx(21 + 3 + 10.5 + 9)


def test_path_that_does_not_exist(tmp_path):
    write(tmp_path, GOOD, name="orders.csv")
    with pytest.raises(ParameterError, match=r"does not exist.*similar name.*orders.csv"):
        load_transactions(tmp_path / "order.csv")


def test_directory_where_a_file_was_expected(tmp_path):
    with pytest.raises(ParameterError, match="is a folder, but a file was expected"):
        load_transactions(tmp_path)


def test_unsupported_file_type(tmp_path):
    path = tmp_path / "orders.json"
    path.write_text("{}")
    with pytest.raises(ParameterError, match="unsupported file type '.json'"):
        load_transactions(path)


def test_source_of_wrong_type():
    with pytest.raises(ParameterError, match="must be a file path or a pandas DataFrame, but a int"):
        load_transactions(42)


def test_unknown_preset():
    with pytest.raises(ParameterError, match="Did you mean 'shopify'"):
        load_transactions(pd.DataFrame(), preset="shopfy")


def test_mapping_to_unknown_canonical_name(tmp_path):
    with pytest.raises(ParameterError, match="'qty', which is not a column of the transactions table"):
        load_transactions(write(tmp_path, GOOD), columns={"Menge": "qty"})


def test_mapping_naming_absent_file_column(tmp_path):
    with pytest.raises(SchemaError, match=r"names column\(s\) \['Qty'\] that are not in the data"):
        load_transactions(write(tmp_path, GOOD), columns={"Qty": "quantity"})


def test_mapping_from_yaml_and_json_files(tmp_path):
    header = "單號,時間,貨號,件數,價格\n"
    path = write(tmp_path, ["A1,2024-06-18,P1,2,10", "A2,2024-06-19,P2,1,3"], header=header)
    mapping = {"單號": "order_id", "時間": "order_date", "貨號": "product_id", "件數": "quantity", "價格": "unit_price"}
    yml = tmp_path / "map.yaml"
    yml.write_text("\n".join(f"{k}: {v}" for k, v in mapping.items()), encoding="utf-8")
    js = tmp_path / "map.json"
    js.write_text(json.dumps(mapping, ensure_ascii=False), encoding="utf-8")
    for columns in (yml, str(js)):
        df, _ = load_transactions(path, columns=columns)
        assert df["revenue"].tolist() == [20.0, 3.0]


def test_reversed_mapping_is_understood(tmp_path):
    path = write(tmp_path, GOOD, header="No,order_date,customer_id,product_id,quantity,unit_price\n")
    df, _ = load_transactions(path, columns={"order_id": "No"})  # canonical: yours
    assert df["order_id"].iloc[0] == "A1"


def test_mapping_file_that_does_not_exist(tmp_path):
    with pytest.raises(ParameterError, match="is not an existing file"):
        load_transactions(write(tmp_path, GOOD), columns=str(tmp_path / "nope.yaml"))


def test_mapping_of_wrong_shape(tmp_path):
    with pytest.raises(ParameterError, match="must map file column names"):
        load_transactions(write(tmp_path, GOOD), columns=["order_id"])


def test_unknown_status_words(tmp_path):
    header = HEADER.strip() + ",status\n"
    lines = [GOOD[0] + ",paid", GOOD[1] + ",已退款", GOOD[2] + ",on hold"]
    with pytest.raises(DataError, match=r"\['on hold'\] that are not a known order status"):
        load_transactions(write(tmp_path, lines, header=header))


def test_status_synonyms(tmp_path):
    header = HEADER.strip() + ",status\n"
    lines = [GOOD[0] + ",paid", GOOD[1] + ",已退款", GOOD[2] + ",Canceled", GOOD[3] + ",completed"]
    df, report = load_transactions(write(tmp_path, lines, header=header))
    assert df["status"].tolist() == ["completed", "returned", "cancelled", "completed"]
    assert (report.count("returns"), report.count("cancellations")) == (1, 1)


def test_non_integer_and_missing_quantities(tmp_path):
    lines = GOOD + ["A8,2024-06-20,C1,P1,1.5,2", "A9,2024-06-20,C1,P1,,2", "A9,2024-06-20,C1,P2,two,2"]
    df, report = load_transactions(write(tmp_path, lines))
    assert report.count("non-integer quantities") == 1
    assert report.count("missing or unparseable quantities") == 2
    assert len(df) == 4


def test_exact_duplicates(tmp_path):
    df, report = load_transactions(write(tmp_path, GOOD + GOOD[:2] + GOOD[:1]))
    assert report.count("exact duplicates") == 3
    assert len(df) == 4


def test_returns_from_negative_quantities(tmp_path):
    df, report = load_transactions(write(tmp_path, GOOD + ["R1,2024-06-21,C1,P1,-1,10.5"]))
    assert report.count("returns") == 1
    assert df["status"].iloc[-1] == "returned" and df["revenue"].iloc[-1] == -10.5


def test_dates_outside_requested_range(tmp_path):
    df, report = load_transactions(write(tmp_path, GOOD), start="2024-06-19", end="2024-06-19")
    assert report.count("dates outside the requested range") == 3  # 06-18 (two lines) and 06-20
    assert df["order_id"].tolist() == ["A2"]


def test_bad_start_value(tmp_path):
    with pytest.raises(ParameterError, match="`start` / `end`"):
        load_transactions(write(tmp_path, GOOD), start="next tuesday")


def test_every_row_dropped(tmp_path):
    with pytest.raises(DataError, match="none of the 2 rows survived"):
        load_transactions(write(tmp_path, ["A1,2024-06-18,C1,P1,1,-1", "A2,2024-06-18,C1,P1,1,-2"]))


def test_too_many_fields_on_a_line(tmp_path):
    with pytest.raises(DataError, match="could not be parsed as a table"):
        load_transactions(write(tmp_path, GOOD + ["A9,2024-06-18,C1,P1,1,2,extra,more"]))


def test_leading_zeros_in_ids_survive(tmp_path):
    df, _ = load_transactions(write(tmp_path, ["007,2024-06-18,0042,00123,1,2"]))
    assert df[["order_id", "customer_id", "product_id"]].iloc[0].tolist() == ["007", "0042", "00123"]


def test_dataframe_is_not_mutated():
    frame = pd.DataFrame({"order_id": [1, 2, 2], "order_date": ["2024-06-18", "2024/06/19", "2024/06/19"],
                          "product_id": ["P1", "P2", "P2"], "quantity": ["1", "2", "2"],
                          "unit_price": ["¥3", "4", "4"]})
    before = frame.copy(deep=True)
    df, report = load_transactions(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert report.source == "DataFrame" and len(df) == 2  # the second order's line is listed twice
    assert report.count("exact duplicates") == 1


def test_source_file_is_not_modified(tmp_path):
    path = write(tmp_path, GOOD + [HEADER.strip(), "A9,2024-06-18,C1,P1,1,-1"])
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    mtime = path.stat().st_mtime_ns
    load_transactions(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest and path.stat().st_mtime_ns == mtime


def test_olist_folder_missing_a_file(tmp_path):
    (tmp_path / "olist_orders_dataset.csv").write_text("order_id\n")
    with pytest.raises(DataError, match="lacks .*olist_order_items_dataset.csv"):
        load_transactions(tmp_path, preset="olist")


def test_load_table_value_out_of_range(tmp_path):
    path = tmp_path / "risk_register.csv"
    path.write_text("risk,likelihood,impact\nsupplier fails,2,4\nfire,7,5\n")
    with pytest.raises(DataError, match=r"'likelihood' fails in_range\(1, 5\) in 1 row\(s\), e.g. \[7\]"):
        load_table(path, "risk_register")


def test_load_table_unknown_funnel_step(tmp_path):
    path = tmp_path / "sessions.csv"
    path.write_text("session_id,visitor_id,date,channel,device,step\n"
                    "s1,v1,2024-06-18,seo,mobile,view\ns2,v2,2024-06-18,seo,mobile,basket\n")
    with pytest.raises(DataError, match=r"'step' fails isin.*basket"):
        load_table(path, "sessions")


def test_load_table_unknown_table_name():
    with pytest.raises(ParameterError, match="Did you mean 'products'"):
        load_table(pd.DataFrame({"a": [1]}), "prodcts")


def test_quantity_overflow_is_not_silent(tmp_path):
    lines = GOOD + ["A7,2024-06-18,C1,P1,1e30,1"]
    df, report = load_transactions(write(tmp_path, lines))
    assert report.count("quantities out of range") == 1
    assert np.isfinite(df["revenue"]).all() and df["quantity"].between(-10, 10).all()
    assert report.rows_read == report.rows_kept + report.rows_dropped


def test_blank_status_counts_as_completed(tmp_path):
    header = HEADER.strip() + ",status\n"
    lines = [GOOD[0] + ",", GOOD[1] + ",returned", "R1,2024-06-21,C1,P1,-1,10.5,"]
    df, _ = load_transactions(write(tmp_path, lines, header=header))
    assert df["status"].tolist() == ["completed", "returned", "returned"]


def test_quoted_line_break_inside_a_field(tmp_path):
    header = HEADER.strip() + ",note\n"
    lines = [GOOD[0] + ',"leave at the door,\nplease"', GOOD[1] + ",", GOOD[2] + ',"x"']
    df, report = load_transactions(write(tmp_path, lines, header=header))
    assert len(df) == 3 and report.rows_read == 3


def test_semicolon_separated_with_decimal_points(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(HEADER.replace(",", ";") + "\n".join(g.replace(",", ";") for g in GOOD))
    df, report = load_transactions(path)
    assert len(df) == 4 and any("separator: ';'" in n for n in report.notes)


def test_stated_revenue_that_disagrees_is_flagged(tmp_path):
    header = HEADER.strip() + ",revenue\n"
    lines = [GOOD[0] + ",21.00", GOOD[1] + ",3.00", GOOD[2] + ",9.99", GOOD[3] + ","]
    df, report = load_transactions(write(tmp_path, lines, header=header))
    assert report.count("revenue differs from quantity x unit_price") == 1  # 9.99 vs 1 x 10.5
    assert df["revenue"].tolist() == [21.0, 3.0, 10.5, 9.0]
