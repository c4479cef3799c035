"""The engine setting travels to child processes (notebook kernels); reports open large files through DuckDB."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from ecomlib.engine import config
from ecomlib.errors import ParameterError


def _child_engine(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = "from ecomlib.engine import get_engine; print(get_engine())"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def test_export_engine_reaches_a_child_process(monkeypatch):
    monkeypatch.setenv(config.ENGINE_VARIABLE, "auto")  # (restored after the test)
    previous = config.get_engine()
    try:
        config.export_engine("duckdb")
        assert config.get_engine() == "duckdb" and os.environ[config.ENGINE_VARIABLE] == "duckdb"
        assert _child_engine(dict(os.environ)).stdout.strip() == "duckdb"
    finally:
        config.set_engine(previous)
    env = {k: v for k, v in os.environ.items() if k != config.ENGINE_VARIABLE}
    assert _child_engine(env).stdout.strip() == "auto"
    bad = _child_engine({**env, config.ENGINE_VARIABLE: "spark"})
    assert bad.returncode != 0 and "ECOMLIB_ENGINE" in bad.stderr


def test_report_cli_refuses_an_unknown_engine(tmp_path, capsys):
    from ecomlib.cli import main

    with pytest.raises(SystemExit):
        main(["report", "basics", "--engine", "spark", "--out", str(tmp_path)])
    assert "invalid choice: 'spark'" in capsys.readouterr().err
    with pytest.raises(ParameterError):
        config.set_engine("spark")


def test_open_data_reads_a_large_file_through_duckdb(tmp_path, monkeypatch, capsys, sample_store):
    from ecomlib.reports.shop_data import open_data

    path = tmp_path / "orders.csv"
    lines = sample_store.transactions.iloc[:30_000]
    pd.concat([lines, lines.iloc[:100]]).to_csv(path, index=False)
    with config.engine_option("pandas"):
        expected = open_data(str(path), show=False)
    monkeypatch.setattr(config, "AUTO_DUCKDB_ROWS", 10_000)  # so that "auto" picks DuckDB for this file
    with config.engine_option("auto"):
        got = open_data(str(path), show=False)
    assert "loading: done, 30,000 of 30,100 lines kept" in capsys.readouterr().err
    pd.testing.assert_frame_equal(got.tables["transactions"], expected.tables["transactions"])
    assert got.quality["transactions"].to_frame().equals(expected.quality["transactions"].to_frame())
    assert got.quality["transactions"].count("exact duplicates") == 100


def test_open_data_reads_a_duckdb_table_named_by_the_environment(tmp_path, monkeypatch, sample_store):
    import duckdb

    from ecomlib.engine.sources import TABLE_VARIABLE
    from ecomlib.reports.shop_data import open_data

    lines = sample_store.transactions.iloc[:2_000]  # noqa: F841 (read by DuckDB by name)
    database = tmp_path / "shop.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("CREATE TABLE orders AS SELECT * FROM lines")
    monkeypatch.setenv(TABLE_VARIABLE, "orders")
    shop = open_data(str(database), show=False)
    assert len(shop.tables["transactions"]) == shop.quality["transactions"].rows_kept == 2_000
    assert shop.source == f"{database} table 'orders'"
    assert "sessions" in shop.missing
