"""Issue 15, numbers and dates: decimal marks, non-finite values, day-first dates, offsets,
plausible years and exact duplicates over whole source rows. Expected values are hand-computed."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.cli import main
from ecomlib.data import load_table, load_transactions, parsing
from ecomlib.data.parsing import parse_dates, parse_numbers
from ecomlib.errors import DataError, EcomlibError

HEADER = "order_id,order_date,product_id,quantity,unit_price\n"


def write(tmp_path, lines, header=HEADER, name="orders.csv"):
    path = tmp_path / name
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- numbers

def test_decimal_comma_column_is_read_as_european():
    notes = []
    values, bad = parse_numbers(pd.Series(["€12,50", "$1.299,00", "1 299,00", "12,5", "1.299"]),
                                column="unit_price", notes=notes)
    assert values.tolist() == [12.5, 1299.0, 1299.0, 12.5, 1299.0]
    assert not bad.any()
    assert notes == ["unit_price: decimal comma (1.299,00 = 1299.00), decided from 4 values"]


def test_decimal_point_column_with_currency_symbols_and_codes():
    notes = []
    values, _ = parse_numbers(pd.Series(["¥1,299.00", "￥12.5", "RMB 1,299", "R$ 3.20", "$1,299,000", "(2.50)"]),
                              column="unit_price", notes=notes)
    assert values.tolist() == [1299.0, 12.5, 1299.0, 3.2, 1299000.0, -2.5]
    assert notes[0].startswith("unit_price: decimal point (1,299.00 = 1299.00)")


def test_invalid_groupings_are_unparseable_not_joined():
    values, bad = parse_numbers(pd.Series(["1,2,3", "12.50", "1.2.3", "12 5", "1,299.00,5"]))
    assert values.isna().tolist() == [True, False, True, True, True]
    assert bad.tolist() == [True, False, True, True, True]


@pytest.mark.parametrize("column", [["1,299", "2,500", "12"], ["12,50", "1,299.00"]],
                         ids=["ambiguous", "contradictory"])
def test_ambiguous_or_contradictory_column_names_the_options(column):
    with pytest.raises(DataError) as info:
        parse_numbers(pd.Series(column), column="unit_price")
    text = str(info.value)
    assert "unit_price" in text and 'decimal=","' in text and "--decimal" in text


def test_forced_decimal_mark():
    values, bad = parse_numbers(pd.Series(["1,299", "12.5", "7"]), decimal=",")
    assert values.iloc[0] == 1.299 and np.isnan(values.iloc[1]) and values.iloc[2] == 7.0
    assert bad.tolist() == [False, True, False]
    values, bad = parse_numbers(pd.Series(["1,299", "12.5", "12,5"]), decimal=".")
    assert values.iloc[:2].tolist() == [1299.0, 12.5] and bad.tolist() == [False, False, True]


def test_load_transactions_decides_and_reports_the_decimal_mark(tmp_path):
    prices = [f'"{i},{i:02d}"' for i in range(1, 100)] + [f'"1.{i:03d},50"' for i in range(100, 201)]
    lines = [f"A{i},2024-06-18,P{i},2,{p}" for i, p in enumerate(prices)]
    df, report = load_transactions(write(tmp_path, lines))
    assert df["unit_price"].iloc[[0, 1, 99, 199]].tolist() == [1.01, 2.02, 1100.5, 1200.5]
    assert df["revenue"].iloc[-1] == 2401.0
    assert "unit_price: decimal comma (1.299,00 = 1299.00), decided from 200 values" in report.notes


def test_load_transactions_ambiguous_prices_raise_and_the_option_decides(tmp_path):
    path = write(tmp_path, ['A1,2024-06-18,P1,2,"1,299"', 'A2,2024-06-18,P2,1,"2,500"'])
    with pytest.raises(DataError, match='decimal=","'):
        load_transactions(path)
    df, report = load_transactions(path, decimal=",")
    assert df["unit_price"].tolist() == [1.299, 2.5] and df["revenue"].tolist() == [2.598, 2.5]
    assert any("decimal comma" in n and "decimal=','" in n for n in report.notes)
    df, _ = load_transactions(path, decimal=".")
    assert df["unit_price"].tolist() == [1299.0, 2500.0]


def test_thousands_dots_are_read_as_text_not_taken_for_decimal_points(tmp_path):
    """1.299 and 2.500 are ambiguous too (found by tests/data/hostile_fuzz.py): the reader must not
    turn them into floats before the column's decimal mark is decided."""
    path = write(tmp_path, ["A1,2024-06-18,P1,2,1.299", "A2,2024-06-18,P2,1,2.500"])
    with pytest.raises(DataError, match='decimal=","'):
        load_transactions(path)
    df, _ = load_transactions(path, decimal=",")
    assert df["unit_price"].tolist() == [1299.0, 2500.0]
    df, _ = load_transactions(path, decimal=".")
    assert df["unit_price"].tolist() == [1.299, 2.5]


def test_cli_check_takes_decimal_and_dayfirst(tmp_path, capsys):
    path = write(tmp_path, ['A1,01/03/2024,P1,2,"1,299"', 'A2,02/03/2024,P2,1,"2,500"'])
    assert main(["data", "check", str(path)]) == 2
    assert "--decimal" in capsys.readouterr().err
    assert main(["data", "check", str(path), "--decimal", ",", "--dayfirst", "true"]) == 0
    out = capsys.readouterr().out
    assert "decimal comma" in out and "day first" in out


@pytest.mark.parametrize("value", ["inf", "Infinity", "-inf", "nan", "1e400", "-1e400"])
@pytest.mark.parametrize("column", ["quantity", "unit_price"])
def test_non_finite_values_are_counted_and_dropped(tmp_path, value, column):
    row = {"quantity": "1", "unit_price": "2"} | {column: value}
    path = write(tmp_path, [f"A1,2024-06-18,P1,{row['quantity']},{row['unit_price']}", "A2,2024-06-18,P2,3,2"])
    df, report = load_transactions(path)
    name = "quantities" if column == "quantity" else "prices"
    assert report.count(f"missing or unparseable {name}") == 1
    assert df["order_id"].tolist() == ["A2"] and np.isfinite(df["revenue"]).all()


def test_absurd_prices_are_counted_and_dropped(tmp_path):
    path = write(tmp_path, ["A1,2024-06-18,P1,1,1e308", "A2,2024-06-18,P2,3,2", "A3,2024-06-18,P3,1e308,2",
                            "A4,2024-06-18,P4,1,2000000000"])
    df, report = load_transactions(path)
    assert report.count("prices out of range") == 2 and report.count("quantities out of range") == 1
    assert df["order_id"].tolist() == ["A2"] and report.revenue_read < 1e300


def test_boolean_price_or_quantity_is_a_type_error(tmp_path):
    frame = pd.DataFrame({"order_id": ["A1", "A2"], "order_date": ["2024-06-18"] * 2, "product_id": ["P1", "P2"],
                          "quantity": [1, 2], "unit_price": [True, False]})
    with pytest.raises(EcomlibError, match="'unit_price'.*true/false"):
        load_transactions(frame)
    path = write(tmp_path, ["A1,2024-06-18,P1,true,2", "A2,2024-06-18,P2,false,3"])
    with pytest.raises(EcomlibError, match="'quantity'.*true/false"):
        load_transactions(path)


# ---------------------------------------------------------------- dates

def test_day_first_column_is_inferred_and_reported(tmp_path):
    days = pd.date_range("2024-01-01", periods=200, freq="D")
    lines = [f"A{i},{d:%d/%m/%Y},P1,1,2" for i, d in enumerate(days)]
    df, report = load_transactions(write(tmp_path, lines))
    assert df["order_date"].tolist() == days.tolist()  # not one of the 200 swapped
    assert any(n.startswith("order_date: day first (01/03/2024 = 1 March 2024)") for n in report.notes)


def test_one_rule_for_slash_dot_and_dash_forms():
    values, bad = parse_dates(pd.Series(["01/03/2024", "1.3.2024", "01-03-2024", "13/03/2024 10:30"]))
    assert values.tolist()[:3] == [pd.Timestamp("2024-03-01")] * 3 and not bad.any()
    values, _ = parse_dates(pd.Series(["01/03/2024", "1.3.2024"]))  # undecided: one rule for both
    assert values.iloc[0] == values.iloc[1]


def test_contradictory_dates_name_the_option():
    with pytest.raises(DataError) as info:
        parse_dates(pd.Series(["13/01/2024", "01/13/2024", "02/02/2024"]), column="order_date")
    text = str(info.value)
    assert "order_date" in text and "dayfirst=" in text and "--dayfirst" in text


def test_dayfirst_overrides_and_ambiguous_note():
    assert parse_dates(pd.Series(["01/03/2024"]), dayfirst=True)[0].iloc[0] == pd.Timestamp("2024-03-01")
    assert parse_dates(pd.Series(["01/03/2024"]), dayfirst=False)[0].iloc[0] == pd.Timestamp("2024-01-03")
    values, bad = parse_dates(pd.Series(["13/01/2024", "01/02/2024"]), dayfirst=False)
    assert bad.tolist() == [True, False]
    notes = []
    parse_dates(pd.Series(["01/03/2024", "02/03/2024"]), column="order_date", notes=notes)
    assert "month first" in notes[0] and "dayfirst=True" in notes[0]


def test_stated_offset_keeps_local_wall_time_on_every_path(tmp_path):
    only = write(tmp_path, ["1,2024-03-01T01:30:00+08:00,P,1,2", "2,2024-03-01T01:30:00+08:00,P,1,3"])
    mixed = write(tmp_path, ["1,2024-03-01T01:30:00+08:00,P,1,2", "2,2024-03-01 01:30,P,1,3"], name="m.csv")
    expected = pd.Timestamp("2024-03-01 01:30")
    assert load_transactions(only)[0]["order_date"].tolist() == [expected] * 2
    assert load_transactions(mixed)[0]["order_date"].tolist() == [expected] * 2
    assert parse_dates(pd.Series(["2024-03-01T01:30:00Z"]))[0].iloc[0] == expected
    spend = write(tmp_path, ["2024-03-01T01:30:00+08:00,seo,5"], header="date,channel,spend\n", name="s.csv")
    assert load_table(spend, "marketing_spend")[0]["date"].iloc[0] == expected


def test_implausible_years_are_counted_and_dropped(tmp_path, monkeypatch):
    lines = ["A1,0001-03-01,P1,1,2", "A2,1900-03-01,P1,1,2", "A3,2200-03-01,P1,1,2", "A4,9999-03-01,P1,1,2"]
    lines += [f"B{i},2024-03-01,P1,1,2" for i in range(80)]
    df, report = load_transactions(write(tmp_path, lines))
    assert report.count("dates outside the plausible range") == 4 and len(df) == 80
    monkeypatch.setattr(parsing, "EARLIEST_DATE", "1800-01-01")
    _, report = load_transactions(write(tmp_path, lines))
    assert report.count("dates outside the plausible range") == 3


def test_load_table_applies_decimal_dayfirst_and_plausible_range(tmp_path):
    path = write(tmp_path, ['13/03/2024,seo,"1.299,00"', '01/03/2024,ads,"12,50"', "01/03/1900,ads,1"],
                 header="date,channel,spend\n", name="marketing_spend.csv")
    df, report = load_table(path, "marketing_spend")
    assert df["date"].tolist() == [pd.Timestamp("2024-03-13"), pd.Timestamp("2024-03-01")]
    assert df["spend"].tolist() == [1299.0, 12.5]
    assert report.count("dates outside the plausible range") == 1
    df, _ = load_table(path, "marketing_spend", dayfirst=True, decimal=",")
    assert df["spend"].tolist() == [1299.0, 12.5]


# ---------------------------------------------------------------- duplicates

def test_exact_duplicates_compare_whole_source_rows(tmp_path):
    header = "line_no," + HEADER
    lines = ["1,A1,2024-06-18,P1,1,2", "2,A1,2024-06-18,P1,1,2", "2,A1,2024-06-18,P1,1,2"]
    df, report = load_transactions(write(tmp_path, lines, header=header))
    assert report.count("exact duplicates") == 1 and len(df) == 2


def test_required_dates_of_a_table_share_one_plausible_range_line(tmp_path):
    header = "promo_id,start,end,kind,discount\n"
    path = write(tmp_path, ["P1,2024-06-01,2024-06-18,festival,0.1", "P2,2024-06-01,2200-06-18,festival,0.1",
                            "P3,1900-06-01,2200-06-18,festival,0.1"], header=header, name="promotions.csv")
    df, report = load_table(path, "promotions")
    checks = [c.check for c in report.checks]
    assert checks.count("dates outside the plausible range") == 1
    assert report.count("dates outside the plausible range") == 2 and df["promo_id"].tolist() == ["P1"]


def test_a_byte_order_mark_in_mid_file_does_not_stay_in_the_data(tmp_path):
    """Two exports pasted together leave a BOM at the start of a line (found by hostile_fuzz.py)."""
    path = tmp_path / "orders.csv"
    path.write_bytes(("order_id,order_date,product_id,quantity,unit_price\n"
                      "o1,2024-06-18,P1,1,2\n\ufeffo2,2024-06-18,P\u200b2,1,\ufeff3\n").encode("utf-8"))
    df, _ = load_transactions(path)
    assert df["order_id"].tolist() == ["o1", "o2"]
    assert df["product_id"].tolist() == ["P1", "P2"]
    assert df["unit_price"].tolist() == [2.0, 3.0]
