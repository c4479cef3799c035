"""Data the engine opened stays in DuckDB until a cell asks for the pandas frame (issue 17).

``open_data`` on a file the engine setting sends to DuckDB keeps the ibis Table
(``shop.table("transactions")``); ``shop["transactions"]`` builds the frame on first access,
equal to the pandas loader's. ``needs``, ``summary`` and the report header do not build it.
The retention report gives the same key figures on the engine path as on the pandas path.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ecomlib.engine import config
from ecomlib.reports.shop_data import LazyTables, ShopData, open_data


@pytest.fixture()
def parquet_lines(tmp_path, sample_store):
    path = tmp_path / "orders.parquet"
    sample_store.transactions.iloc[:20_000].to_parquet(path, index=False)
    return path


def test_lazy_tables_build_once_on_first_access():
    calls = []

    def build():
        calls.append(1)
        return pd.DataFrame({"a": [1, 2]})

    tables = LazyTables({"sessions": pd.DataFrame({"b": [1]})}, lazy={"transactions": build})
    assert list(tables) == ["sessions", "transactions"] and len(tables) == 2
    assert "transactions" in tables and not tables.is_built("transactions") and calls == []
    assert len(tables["transactions"]) == 2 and tables.get("transactions") is tables["transactions"]
    assert calls == [1] and tables.is_built("transactions")
    assert dict(tables).keys() == {"sessions", "transactions"}
    del tables["sessions"]
    assert list(tables) == ["transactions"] and tables.get("sessions") is None


def test_engine_data_keep_the_table_and_build_the_frame_only_when_asked(parquet_lines, capsys):
    with config.engine_option("pandas"):
        expected = open_data(str(parquet_lines), show=False)
    assert not expected.engine_tables and expected.table("transactions") is expected["transactions"]
    with config.engine_option("duckdb"):
        shop = open_data(str(parquet_lines), show=True)
    assert "loading: done" in capsys.readouterr().err
    table = shop.table("transactions")
    assert type(table).__module__.startswith("ibis.")
    assert shop.needs("transactions", ["customer_id", "promo_id"])
    assert not shop.needs("transactions", ["no_such_column"], section="x")
    assert shop.summary().set_index("table").loc["transactions", "rows"] == len(expected["transactions"])
    assert shop.to_json()["tables"] == expected.to_json()["tables"]
    assert not shop.tables.is_built("transactions")  # nothing above built the frame
    pd.testing.assert_frame_equal(shop["transactions"], expected["transactions"])
    assert shop.tables.is_built("transactions") and shop.get("transactions") is shop["transactions"]


def test_a_shop_data_of_frames_is_unchanged():
    frame = pd.DataFrame({"customer_id": ["a"], "order_date": pd.to_datetime(["2024-01-01"])})
    shop = ShopData(tables={"transactions": frame})
    assert shop.tables == {"transactions": frame} and shop.table("transactions") is frame
    assert shop.rows("transactions") == 1 and shop.columns("transactions") == ["customer_id", "order_date"]


#: Key figures of the retention report that come from a fitted BG/NBD / Gamma-Gamma model.
MODEL_FIGURES = {"clv_mean", "holdout_error_pct", "winback_value_at_stake"}


def _key_figures(record) -> dict:
    return {f["name"]: f["value"] for f in record.key_figures}


@pytest.mark.slow
@pytest.mark.notebook
def test_retention_report_on_the_engine_gives_the_pandas_key_figures(tmp_path, monkeypatch, sample_store):
    from ecomlib.reports.runner import run_report

    path = tmp_path / "orders.parquet"
    sample_store.transactions.to_parquet(path, index=False)
    figures = {}
    for engine in ("pandas", "duckdb"):
        monkeypatch.setenv(config.ENGINE_VARIABLE, engine)  # the kernel's engine setting
        rec = run_report("retention", {"data": str(path)}, tmp_path / engine)
        assert rec.ok, rec.message()
        figures[engine] = _key_figures(rec)
    assert figures["pandas"].keys() == figures["duckdb"].keys() and len(figures["pandas"]) >= 6
    for name, value in figures["pandas"].items():
        got = figures["duckdb"][name]
        # counts and sums to 1e-9; the model fits start from inputs equal to 1e-12 and stop at
        # the optimiser's tolerance, so the figures from fitted models agree to 1e-6
        tolerance = 1e-6 if name in MODEL_FIGURES else 1e-9
        assert math.isclose(got, value, rel_tol=tolerance, abs_tol=1e-12), (name, value, got)
