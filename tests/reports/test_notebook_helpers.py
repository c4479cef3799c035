"""record(), open_data() and skip notes, outside a kernel."""

import numpy as np
import pandas as pd
import pytest

from ecomlib import reports
from ecomlib.errors import ParameterError
from ecomlib.reports.key_figures import format_value
from ecomlib.reports.shop_data import ShopData, parse_column_map, quality_to_json


@pytest.fixture(autouse=True)
def _fresh_registry():
    reports.clear_recorded()
    yield
    reports.clear_recorded()


def test_record_keeps_plain_values_and_replaces_by_name():
    reports.record("gmv", np.float64(1234.5), label="GMV", unit="CNY")
    reports.record("orders", np.int64(12))
    reports.record("gmv", 99.0, label="GMV")
    figs = reports.recorded()
    assert figs["gmv"].value == 99.0 and type(figs["orders"].value) is int
    assert figs["orders"].label == "orders"
    reports.record("empty", float("nan"))
    assert reports.recorded()["empty"].value is None
    reports.record("day", pd.Timestamp("2024-01-02"))
    assert reports.recorded()["day"].value.startswith("2024-01-02")


@pytest.mark.parametrize("name", ["", "1abc", "with space", 3])
def test_record_rejects_bad_names(name):
    with pytest.raises(ParameterError, match="`name`"):
        reports.record(name, 1)


def test_record_rejects_non_scalar_values():
    with pytest.raises(ParameterError, match="key figure `x`"):
        reports.record("x", [1, 2])


def test_format_value():
    assert format_value(1234567.0, "CNY") == "1,234,567 CNY"
    assert format_value(0.03456, "%") == "0.03456%"
    assert format_value(12) == "12"
    assert format_value(None) == "n/a" and format_value(None, "GBP") == "n/a"  # no unit after n/a


def test_needs_shows_skip_note_and_returns_false(capsys):
    tx = pd.DataFrame({"order_id": ["a"], "revenue": [1.0]})
    shop = ShopData(tables={"transactions": tx}, missing=["sessions"], source="x")
    assert shop.needs("transactions", ["order_id"])
    assert not shop.needs("sessions", ["session_id", "step"], section="6.1 Traffic")
    out = capsys.readouterr().out
    assert "Section '6.1 Traffic' needs the table 'sessions' with the columns session_id, step" in out
    assert "sessions.csv" in out
    assert not shop.needs("transactions", ["order_id", "channel"])
    assert "lacks ['channel']" in capsys.readouterr().out


def test_getitem_of_missing_table_says_how_to_guard():
    shop = ShopData(tables={}, source="x")
    with pytest.raises(ParameterError, match="shop.needs"):
        shop["sessions"]
    assert shop.get("sessions") is None


def test_open_sample_filters_dates(monkeypatch):
    import ecomlib.datasets as datasets

    class FakeStore:
        truth = {"elasticity": -1.5}
        truth_doc = {"elasticity": "price elasticity"}

        def tables(self):
            days = pd.date_range("2024-01-01", periods=10, freq="D", unit="us")
            return {"transactions": pd.DataFrame({"order_date": days, "revenue": 1.0})}

    monkeypatch.setattr(datasets, "load_sample_store", FakeStore, raising=False)
    shop = reports.open_data("", start="2024-01-03", end="2024-01-05", show=False)
    assert shop.is_sample and shop.truth == {"elasticity": -1.5}
    assert len(shop.tables["transactions"]) == 3
    with pytest.raises(ParameterError, match="`end`"):
        reports.open_data("", end="soon")


def test_parse_column_map_uses_the_data_layer_direction(tmp_path):
    assert parse_column_map("") is None
    assert parse_column_map("InvoiceNo=order_id, InvoiceDate = order_date") == {
        "InvoiceNo": "order_id",
        "InvoiceDate": "order_date",
    }
    assert parse_column_map('{"No": "order_id"}') == {"No": "order_id"}
    f = tmp_path / "map.yaml"
    f.write_text("InvoiceNo: order_id\n", encoding="utf-8")
    assert parse_column_map(str(f)) == str(f)  # the data layer reads the file
    with pytest.raises(ParameterError, match="yours=canonical"):
        parse_column_map("order_id")
    with pytest.raises(ParameterError, match="yours=canonical"):
        parse_column_map("a=b,c")


def test_quality_to_json_accepts_frames_and_objects():
    class Report:
        def summary(self):
            return pd.DataFrame({"check": ["<b>dupes</b>"], "rows": [3]})

    assert quality_to_json(Report()) == {"columns": ["check", "rows"], "rows": [["<b>dupes</b>", 3]], "notes": []}
    assert quality_to_json("plain") == {"text": "plain"}
