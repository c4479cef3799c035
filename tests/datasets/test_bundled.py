"""Writing and reading the bundled sample shop: round trip, byte-identical regeneration,
reading from any working directory."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from ecomlib.datasets import (
    DEFAULT_SEED,
    load_sample_store,
    make_store,
    sample_data_dir,
    write_sample_store,
)
from ecomlib.datasets.bundled import truth_from_json, truth_to_json
from ecomlib.errors import DataError, ParameterError


@pytest.fixture(scope="module")
def small_store():
    return make_store(seed=5, n_customers=300, start="2024-01-01", end="2024-04-30")


def test_round_trip_keeps_tables_dtypes_and_truth(small_store, tmp_path):
    write_sample_store(tmp_path, store=small_store)
    back = load_sample_store(tmp_path)
    assert back.tables().keys() == small_store.tables().keys()
    for name, df in small_store.tables().items():
        pd.testing.assert_frame_equal(back.tables()[name], df, check_exact=True)
    assert back.truth.keys() == small_store.truth.keys()
    for key, value in small_store.truth.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(back.truth[key], value.reset_index(drop=True), check_exact=True)
    assert back.truth["bgnbd"] == small_store.truth["bgnbd"]
    assert back.truth_doc == small_store.truth_doc
    assert back.settings == small_store.settings


def test_manifest_describes_every_file(small_store, tmp_path):
    write_sample_store(tmp_path, store=small_store)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 5
    for name, df in small_store.tables().items():
        meta = manifest["tables"][name]
        assert (tmp_path / meta["file"]).is_file()
        assert meta["rows"] == len(df)
        assert meta["columns"] == list(df.columns)
    assert manifest["tables"]["transactions"]["dtypes"]["order_date"] == "datetime64[us]"


def test_writing_twice_gives_identical_bytes(small_store, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write_sample_store(a, store=small_store)
    write_sample_store(b, store=small_store)
    files = sorted(p.name for p in a.iterdir())
    assert files == sorted(p.name for p in b.iterdir())
    for name in files:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_truth_json_round_trip_handles_missing_and_dates():
    frame = pd.DataFrame({
        "when": pd.to_datetime(["2024-01-01", "2024-02-03 04:05:06"], format="ISO8601").astype("datetime64[us]"),
        "name": pd.Series(["a", None], dtype="str"),
        "x": [0.1 + 0.2, float("nan")],
        "n": [1, 2],
        "flag": [True, False],
    })
    truth = {"frame": frame, "nested": {"v": [1.5, 2], "s": "text"}, "nan": float("nan")}
    back, doc = truth_from_json(truth_to_json(truth, {"frame": "d"}))
    pd.testing.assert_frame_equal(back["frame"], frame, check_exact=True)
    assert back["nested"] == {"v": [1.5, 2], "s": "text"} and back["nan"] is None and doc == {"frame": "d"}


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="make data"):
        load_sample_store(tmp_path / "nowhere")


def test_out_dir_that_is_a_file_is_an_error(tmp_path, small_store):
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(ParameterError, match="`out_dir`"):
        write_sample_store(target, store=small_store)


def test_bundled_folder_size_and_seed():
    folder = sample_data_dir()
    total = sum(p.stat().st_size for p in folder.iterdir())
    assert total <= 25 * 1024 * 1024, f"data/sample is {total / 2**20:.1f} MB, more than 25 MB"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == DEFAULT_SEED


def test_load_from_another_working_directory(tmp_path):
    code = ("from ecomlib.datasets import load_sample_store; s = load_sample_store(); "
            "print(len(s.transactions), s.transactions['order_date'].dtype)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         check=True)
    rows, dtype = out.stdout.split()
    assert int(rows) > 10_000 and dtype == "datetime64[us]"


@pytest.mark.slow
def test_regenerating_the_bundled_shop_is_byte_identical(tmp_path):
    """`make data` must reproduce data/sample bit for bit (re-run it after changing a simulator)."""
    write_sample_store(tmp_path, seed=DEFAULT_SEED)
    bundled = sample_data_dir()
    names = sorted(p.name for p in bundled.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    differ = [n for n in names if (bundled / n).read_bytes() != (tmp_path / n).read_bytes()]
    assert not differ, f"{differ} differ from data/sample: run `make data` and commit the result"
