"""The bundled sample shop (data/sample/, written by ecomlib.datasets) loads cleanly through load_shop."""

import pandas as pd
import pytest

from ecomlib.cli import main
from ecomlib.data import SCHEMAS, TABLES, load_shop


@pytest.fixture(scope="module")
def loaded_sample():
    from ecomlib.datasets import sample_data_dir

    return load_shop(sample_data_dir())


@pytest.mark.slow
def test_sample_shop_loads_every_table_cleanly(loaded_sample):
    assert loaded_sample.missing == ()
    assert set(loaded_sample.tables) == set(TABLES) - {"categories"}  # the sample shop has categories in its lines
    for name, report in loaded_sample.quality.items():
        assert report.rows_dropped == 0, (name, str(report))
        assert report.rows_kept == len(loaded_sample[name])
        SCHEMAS[name].validate(loaded_sample[name], param=name)


@pytest.mark.slow
def test_sample_shop_round_trips_through_the_loader(loaded_sample, sample_store):
    """The canonical loader gives back the store's own tables (same values, same columns)."""
    tables = sample_store.tables()
    for name, frame in loaded_sample.tables.items():
        expected = tables[name]
        assert list(frame.columns) == [c for c in frame.columns if c in expected.columns]
        assert set(frame.columns) == set(expected.columns), name
        got = frame[list(expected.columns)].reset_index(drop=True)
        # lead_time_days is a float in the schema (days may be fractional); the store writes whole days
        pd.testing.assert_frame_equal(got, expected.reset_index(drop=True), check_dtype=False, obj=name)
        for col in frame.columns:
            if col in SCHEMAS[name]:
                assert str(frame[col].dtype) == SCHEMAS[name][col].dtype, (name, col)


def test_cli_sample_calls_the_sample_writer(monkeypatch, tmp_path, capsys):
    import ecomlib.datasets

    calls = []
    monkeypatch.setattr(ecomlib.datasets, "write_sample_store",
                        lambda out, **kw: calls.append((out, kw)) or out)
    assert main(["data", "sample", "--seed", "7", "--out", str(tmp_path / "shop")]) == 0
    assert main(["data", "sample", "--out", str(tmp_path / "other")]) == 0
    assert calls == [(tmp_path / "shop", {"seed": 7}), (tmp_path / "other", {})]
    assert "sample shop written to" in capsys.readouterr().out
