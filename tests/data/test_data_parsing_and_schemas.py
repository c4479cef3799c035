"""Hand-computed cases for the parsers, the schemas and load_table, and the quality report's forms."""

import pandas as pd
import pytest

from ecomlib.data import SCHEMAS, TABLES, QualityReport, load_table, load_transactions
from ecomlib.data.parsing import parse_bools, parse_dates, parse_ids, parse_numbers
from ecomlib.errors import DataError, SchemaError


def test_parse_numbers_by_hand():
    values, bad = parse_numbers(pd.Series(["¥1,299.00", "$1,299.00", "RMB 12.5", "１２．５", "(3.50)",
                                           "12.5元", "￥８", "", None, "n/a"]))
    assert values.iloc[:7].tolist() == [1299.0, 1299.0, 12.5, 12.5, -3.5, 12.5, 8.0]
    assert values.iloc[7:].isna().all()
    assert bad.tolist() == [False] * 9 + [True]  # blanks are missing, not bad


def test_parse_dates_by_hand():
    values, bad = parse_dates(pd.Series(["12/1/2010 8:26", "2010-12-01T08:26:00+08:00", "2010年12月1日",
                                         "12.01.2010", "20101201", "13/25/2010", ""]))  # one d/m order: month first
    assert values.iloc[:2].tolist() == [pd.Timestamp("2010-12-01 08:26")] * 2
    assert values.iloc[2:5].tolist() == [pd.Timestamp("2010-12-01")] * 3
    assert bad.tolist() == [False] * 5 + [True, False]
    assert values.dtype == "datetime64[us]"


def test_parse_dates_keeps_datetime_input():
    s = pd.Series(pd.to_datetime(["2024-06-18 10:00"]).tz_localize("Asia/Shanghai"))
    values, bad = parse_dates(s)
    assert values.iloc[0] == pd.Timestamp("2024-06-18 10:00") and not bad.any()


def test_parse_ids_and_bools():
    assert parse_ids(pd.Series([17850.0, None, 12346.0])).tolist()[::2] == ["17850", "12346"]
    assert parse_ids(pd.Series(["17850.0", " 0042 ", ""])).tolist()[:2] == ["17850", "0042"]
    assert parse_ids(pd.Series(["17850.0", " 0042 ", ""])).isna().tolist() == [False, False, True]
    values, bad = parse_bools(pd.Series(["yes", "0", "是", "True", "maybe"]))
    assert values.tolist()[:4] == [True, False, True, True] and bad.tolist() == [False] * 4 + [True]


def test_every_table_of_the_data_model_has_a_schema():
    assert set(TABLES) == {
        "transactions", "products", "customers", "sessions", "marketing_spend", "promotions",
        "experiment", "touchpoints", "market", "competitors", "risk_register", "suppliers",
        "kpis_daily", "price_survey", "categories",
        "tickets", "service_team", "team_survey", "launches", "launch_sales", "reviews",
        "platforms", "order_platforms", "channel_panel", "partner_deliveries",
    }
    assert SCHEMAS["transactions"].required == ("order_id", "order_date", "product_id", "quantity", "unit_price")
    assert SCHEMAS["sessions"]["step"].kind == "str"


def test_schema_validate_wrong_dtype_and_values():
    frame = pd.DataFrame({"user_id": ["u1", "u2"], "variant": ["control", "treatment"],
                          "converted": [True, False]})
    assert SCHEMAS["experiment"].validate(frame) is frame
    with pytest.raises(DataError, match="'variant' fails isin"):
        SCHEMAS["experiment"].validate(frame.assign(variant=["control", "B"]))
    with pytest.raises(SchemaError, match="'converted' is int64 but must be 'bool'"):
        SCHEMAS["experiment"].validate(frame.assign(converted=[1, 0]))
    with pytest.raises(SchemaError, match=r"missing required column\(s\) \['variant'\]"):
        SCHEMAS["experiment"].validate(frame.drop(columns="variant"))


def test_loaded_transactions_pass_their_schema(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("order_id,order_date,product_id,quantity,unit_price,status\n"
                    "1,2024-01-02,P1,2,3.5,completed\n2,2024-01-03,P2,-1,3.5,returned\n")
    df, _ = load_transactions(path)
    SCHEMAS["transactions"].validate(df)
    assert df["revenue"].tolist() == [7.0, -3.5]


def test_load_table_parses_by_kind(tmp_path):
    path = tmp_path / "experiment.csv"
    path.write_text("User ID,variant,converted,revenue\nu1,control,yes,0\nu2,treatment,1,¥12.50\n"
                    "u2,treatment,1,¥12.50\n")
    df, report = load_table(path, "experiment")
    assert df.dtypes.astype(str).tolist() == ["str", "str", "bool", "float64"]
    assert df["revenue"].tolist() == [0.0, 12.5]
    assert report.count("exact duplicates") == 1
    assert report.rows_read == report.rows_kept + report.rows_dropped


def test_load_table_drops_rows_missing_required_values(tmp_path):
    path = tmp_path / "market.csv"
    path.write_text("year,segment,market_size\n2023,beauty,1e9\n2024,beauty,\n2024,home,two\n2024.5,toys,3\n")
    df, report = load_table(path, "market")
    assert report.count("missing or unparseable market_size") == 2
    assert report.count("missing or unparseable year") == 1  # 2024.5 is not a year
    assert df["year"].dtype == "int64" and len(df) == 1


def test_load_table_kpis_keep_every_kpi_column(tmp_path):
    path = tmp_path / "kpis_daily.csv"
    path.write_text("date,sales,orders,conversion_rate\n2024-06-01,1000,10,0.02\n2024-06-02,1200,12,0.025\n")
    df, _ = load_table(path, "kpis_daily", start="2024-06-02")
    assert df.columns.tolist() == ["date", "sales", "orders", "conversion_rate"]
    assert df["sales"].tolist() == [1200.0]


def test_quality_report_forms(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("order_id,order_date,product_id,quantity,unit_price\n1,2024-01-02,P1,2,3.5\n1,2024-01-02,P1,2,3.5\n")
    _, report = load_transactions(path)
    frame = report.to_frame()
    assert frame.columns.tolist() == ["check", "rows", "share", "action"]
    assert frame["check"].iloc[0] == "rows read" and frame["check"].iloc[-1] == "rows kept"
    dup = frame.set_index("check").loc["exact duplicates"]
    assert (dup["rows"], dup["share"]) == (1, 0.5)
    text = str(report)
    assert "exact duplicates" in text and "50.0%" in text and "encoding: utf-8" in text
    html = report._repr_html_()
    assert html.count("<tr>") == len(frame) + 1 and "<th>action</th>" in html
    assert isinstance(report, QualityReport) and report.summary().equals(frame)


def test_non_product_check_is_reported_as_not_checked_without_a_preset(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("order_id,order_date,product_id,quantity,unit_price\n1,2024-01-02,POST,1,18\n")
    df, report = load_transactions(path)
    row = report.to_frame().set_index("check").loc["non-product lines"]
    assert row["rows"] == 0 and row["action"].startswith("not checked")
    assert df["product_id"].tolist() == ["POST"]


def test_optional_whole_numbers_may_have_gaps(tmp_path):
    path = tmp_path / "marketing_spend.csv"
    path.write_text("date,channel,spend,impressions,clicks\n2024-06-01,seo,¥100,1000,\n2024-06-02,seo,120,1100,30\n")
    df, _ = load_table(path, "marketing_spend")
    assert df["clicks"].isna().tolist() == [True, False]
    assert df["spend"].tolist() == [100.0, 120.0] and df["impressions"].dtype == "int64"
