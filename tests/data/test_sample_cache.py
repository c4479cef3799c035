"""The parsed sample shop is cached on the files' content (issue 16: reports start faster)."""

from __future__ import annotations

import pandas as pd
import pytest

from ecomlib.datasets import store as store_module
from ecomlib.datasets.store import Store, read_cached


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOMLIB_CACHE_DIR", str(tmp_path / "cache"))
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "transactions.csv").write_text("order_id,quantity\nO1,2\n")
    (shop / "manifest.json").write_text("{}")
    return shop


def _reader(calls):
    def read(path):
        calls.append(path)
        frame = pd.read_csv(path / "transactions.csv", dtype={"order_id": "str"})
        return Store(transactions=frame, settings={"read": len(calls)})
    return read


def test_second_read_comes_from_the_cache_and_equals_the_first(folder):
    calls = []
    first = read_cached(folder, _reader(calls))
    second = read_cached(folder, _reader(calls))
    assert len(calls) == 1
    pd.testing.assert_frame_equal(first.transactions, second.transactions)
    assert second.settings == {"read": 1}


def test_changed_files_are_read_again(folder):
    calls = []
    read_cached(folder, _reader(calls))
    (folder / "transactions.csv").write_text("order_id,quantity\nO1,3\n")
    again = read_cached(folder, _reader(calls))
    assert len(calls) == 2 and again.transactions["quantity"].tolist() == [3]


def test_cache_switched_off_reads_every_time(folder, monkeypatch, tmp_path):
    monkeypatch.setenv("ECOMLIB_CACHE_DIR", "off")
    calls = []
    read_cached(folder, _reader(calls))
    read_cached(folder, _reader(calls))
    assert len(calls) == 2 and not (tmp_path / "cache").exists()


def test_damaged_cache_file_is_ignored(folder, tmp_path):
    calls = []
    read_cached(folder, _reader(calls))
    (cached,) = (tmp_path / "cache").glob("sample-*.pickle")
    cached.write_bytes(b"not a pickle")
    store = read_cached(folder, _reader(calls))
    assert len(calls) == 2 and store.transactions["quantity"].tolist() == [2]


def test_only_the_newest_copies_are_kept(folder, tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "CACHE_KEEP", 2)
    for quantity in range(4):
        (folder / "transactions.csv").write_text(f"order_id,quantity\nO1,{quantity}\n")
        read_cached(folder, _reader([]))
    assert len(list((tmp_path / "cache").glob("sample-*.pickle"))) == 2


def test_folder_rewritten_while_read_is_not_cached(folder, tmp_path):
    def read_while_rewritten(path):
        (path / "transactions.csv").write_text("order_id,quantity\nO1,9\n")
        return Store(settings={"mixed": True})

    read_cached(folder, read_while_rewritten)
    assert not list((tmp_path / "cache").glob("sample-*.pickle"))


def test_a_changed_reader_is_not_served_an_old_copy(folder, tmp_path):
    """The key covers the reader's source: new parsing code never gets the old parse."""
    import importlib.util

    def load(source: str, name: str):
        path = tmp_path / f"{name}.py"
        path.write_text(source)
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.read

    reader = ("import pandas as pd\nfrom ecomlib.datasets.store import Store\n"
              "def read(path):\n    frame = pd.read_csv(path / 'transactions.csv', dtype={'order_id': 'str'})\n"
              "    return Store(transactions=frame * {factor})\n")
    read_v1 = load(reader.replace("{factor}", "1"), "reader_v1")
    assert read_cached(folder, read_v1).transactions["quantity"].tolist() == [2]
    read_v1_again = load(reader.replace("{factor}", "1"), "reader_v1")
    assert read_cached(folder, read_v1_again).transactions["quantity"].tolist() == [2]
    assert len(list((tmp_path / "cache").glob("sample-*.pickle"))) == 1  # same code: the same copy
    read_v2 = load(reader.replace("{factor}", "1").replace("transactions=frame * 1",
                                                          "transactions=frame.assign(quantity=frame['quantity'] * 10)"),
                   "reader_v1")
    assert read_cached(folder, read_v2).transactions["quantity"].tolist() == [20]
