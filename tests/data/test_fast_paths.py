"""The fast paths of the parsers give exactly the general path's results (issue 16).

``parse_numbers`` reads a pyarrow text column of plain numbers (``12``, ``2.55``) with pyarrow's
kernels; ``parse_dates``, ``parse_ids`` and ``clean_text`` work once per distinct value of a
long, repetitive column. Each test runs the same values through the general path (object
dtype, or the distinct-value threshold raised out of reach) as the oracle.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from ecomlib.data import parsing
from ecomlib.errors import DataError


def _both_number_paths(values, **kwargs):
    fast_notes, slow_notes = [], []
    fast = parsing.parse_numbers(pd.Series(values, dtype="str"), notes=fast_notes, **kwargs)
    slow = parsing.parse_numbers(pd.Series(values, dtype=object), notes=slow_notes, **kwargs)
    return fast, slow, fast_notes, slow_notes


PLAIN_COLUMNS = {
    "prices": ["2.55", "0.85", "12", None, "-3.10", "1.299", "+4.5"],
    "whole numbers": ["1", "-2", "007", None, "12"],
    "only grouped-looking": ["1.299", "2.500"],  # ambiguous: the general path raises
    "negative zero": ["-0", "1.5"],
    "huge": ["1" + "0" * 400, "1.5"],
    "beyond 2**53": ["9007199254740993", "1.5"],
    "not plain": ["1,299.00", "2.55"],
    "all missing": [None, None],
}


@pytest.mark.parametrize("name", PLAIN_COLUMNS)
@pytest.mark.parametrize("decimal", [None, ".", ","])
def test_plain_number_fast_path_matches_the_general_path(name, decimal):
    values = PLAIN_COLUMNS[name]
    try:
        slow_result = parsing.parse_numbers(pd.Series(values, dtype=object), decimal, notes=[])
    except DataError as exc:
        with pytest.raises(DataError, match="read differently|mixes"):
            parsing.parse_numbers(pd.Series(values, dtype="str"), decimal)
        assert "1,299" in str(exc) or "mixes" in str(exc)
        return
    fast, slow, fast_notes, slow_notes = _both_number_paths(values, decimal=decimal)
    assert slow_result[0].equals(slow[0])
    np.testing.assert_array_equal(fast[0].to_numpy(), slow[0].to_numpy())
    assert np.signbit(fast[0].to_numpy()).tolist() == np.signbit(slow[0].to_numpy()).tolist()
    assert fast[1].tolist() == slow[1].tolist()
    assert fast_notes == slow_notes


def test_plain_number_fast_path_on_random_decimals():
    rng = np.random.default_rng(16)
    values = [f"{v:.{d}f}" for v, d in zip(rng.gamma(1.5, 40.0, 5_000), rng.integers(0, 7, 5_000), strict=True)]
    values = [None if i % 17 == 0 else v for i, v in enumerate(values)]
    fast, slow, fast_notes, slow_notes = _both_number_paths(values)
    np.testing.assert_array_equal(fast[0].to_numpy(), slow[0].to_numpy())
    assert fast[1].tolist() == slow[1].tolist() and fast_notes == slow_notes
    assert fast_notes and "decimal point" in fast_notes[0]


def _uci_like(n: int, rng) -> pd.Series:
    stamps = pd.Timestamp("2010-12-01 08:00") + pd.to_timedelta(rng.integers(0, 500_000, n // 20), unit="min")
    text = pd.Series(stamps).dt.strftime("%m/%d/%Y %H:%M").str.replace(r"(^|/| )0(\d)", r"\1\2", regex=True)
    return pd.Series(text.to_numpy()[rng.integers(0, n // 20, n)], dtype="str")


@pytest.mark.parametrize("variant", ["month first", "day first", "with junk and blanks", "iso with offsets"])
def test_dates_parsed_per_distinct_value_match_the_whole_column(variant, monkeypatch):
    rng = np.random.default_rng(7)
    s = _uci_like(40_000, rng)
    if variant == "day first":
        s = s.str.replace(r"^(\d+)/(\d+)/", r"\2/\1/", regex=True)
    elif variant == "with junk and blanks":
        s = s.where(rng.random(len(s)) > 0.05, None).where(rng.random(len(s)) > 0.01, "soon")
    elif variant == "iso with offsets":
        s = pd.Series(np.where(rng.random(len(s)) > 0.5, "2024-03-01T01:30:00+08:00", "2024-02-29 23:59"), dtype="str")
    fast_notes, slow_notes = [], []
    fast = parsing.parse_dates(s, column="d", notes=fast_notes)
    monkeypatch.setattr(parsing, "_FACTORIZE_FROM", 10**12)
    slow = parsing.parse_dates(s, column="d", notes=slow_notes)
    pd.testing.assert_series_equal(fast[0], slow[0])
    pd.testing.assert_series_equal(fast[1], slow[1])
    assert fast_notes == slow_notes


def test_dates_mixing_day_and_month_first_still_raise_per_distinct_value():
    s = pd.Series(["13/01/2024", "01/13/2024"] * 10_000, dtype="str")
    with pytest.raises(DataError, match="dayfirst"):
        parsing.parse_dates(s)


@pytest.mark.parametrize("clean", [parsing.clean_text, parsing.parse_ids])
def test_text_cleaned_per_distinct_value_matches_the_whole_column(clean, monkeypatch):
    rng = np.random.default_rng(3)
    pool = np.array([" a", "b\u200b", "", "17850.0", "17850.00", "x ", "\ufeffC536379", "12.5", "Ｆ"], dtype=object)
    s = pd.Series(pool[rng.integers(0, len(pool), 30_000)], dtype="str").where(rng.random(30_000) > 0.1)
    fast = clean(s)
    monkeypatch.setattr(parsing, "_DISTINCT_FROM", 10**12)
    slow = clean(s)
    pd.testing.assert_series_equal(fast, slow)


# --- text files read as categoricals (issue 16: load_transactions at 1M-10M lines) -------------------

def _uci_export(path, n: int, seed: int = 16) -> None:
    """A UCI Online Retail style file with the quirks the checks look for, several pyarrow blocks long."""
    rng = np.random.default_rng(seed)
    invoices = np.sort(rng.integers(536365, 536365 + n // 12, n)).astype(str).astype(object)
    cancelled = rng.random(n) < 0.02
    invoices[cancelled] = np.char.add("C", invoices[cancelled].astype(str))
    codes = np.array(["85123A", "71053", "POST", "M", " 22423", "gift_0001_10", "DOT", "22423", "84406B"])
    frame = pd.DataFrame({
        "InvoiceNo": invoices,
        "StockCode": codes[rng.integers(0, len(codes), n)],
        "Description": np.array(["WHITE HEART", " RED MUG", "", "Ｆｕｌｌ", "a\u200bb", "CREAM CUPID"])[rng.integers(0, 6, n)],
        "Quantity": np.array(["1", "2", "-3", "6", "12", "1.5", "x", ""])[rng.choice(8, n, p=[.3, .2, .1, .2, .14, .02, .02, .02])],
        "InvoiceDate": np.array(["12/1/2010 8:26", "12/13/2010 9:05", "1/5/2011 10:01", "2/30/2011 8:00", "soon",
                                 "", "2011-01-05 10:01", "12/01/2010 08:26"])[rng.choice(8, n, p=[.3, .3, .2, .01, .01,
                                                                                               .01, .07, .1])],
        "UnitPrice": np.array(["2.55", "0", "-1.00", "3.39", "1e400", "12.5", "0.85"])[rng.choice(7, n, p=[.3, .05, .01, .3,
                                                                                                    .01, .13, .2])],
        "CustomerID": np.array(["17850.0", "17850", "13047.0", "", "12583.0"])[rng.integers(0, 5, n)],
        "Country": np.array(["United Kingdom", "France", "EIRE"])[rng.integers(0, 3, n)],
        "Extra": np.array(["a", "b"])[rng.integers(0, 2, n)],
    })
    twins = frame.sample(n // 20, random_state=1)
    near_twins = frame.sample(n // 40, random_state=2).assign(Extra="z")  # differ in an unmapped column only
    header = pd.DataFrame([frame.columns], columns=frame.columns)  # a header pasted mid-file
    out = pd.concat([frame.iloc[: n // 2], header, frame.iloc[n // 2:], twins, near_twins], ignore_index=True)
    out.to_csv(path, index=False)


def _plain_reading(monkeypatch):
    """load_transactions with every column read as plain text: the path the categoricals must match."""
    from ecomlib.data import transactions

    original = transactions.read_source
    monkeypatch.setattr(transactions, "read_source", lambda *a, **k: original(*a, **{**k, "categories": False}))


@pytest.mark.parametrize("large", [False, True], ids=["default pool", "system pool"])
@pytest.mark.parametrize("preset", ["online_retail", None])
def test_categorical_reading_gives_the_same_table_and_report(preset, large, tmp_path, monkeypatch):
    from ecomlib.data import load_transactions, memory

    if large:  # every buffer counts as large: the codes and the decoded text from the system's allocator
        monkeypatch.setattr(memory, "LARGE_BUFFER_BYTES", 0)

    path = tmp_path / "orders.csv"
    _uci_export(path, 120_000)
    assert path.stat().st_size > 3 * 2**20  # several blocks of pyarrow's reader (1 MiB each)
    columns = None if preset else {"InvoiceNo": "order_id", "StockCode": "product_id", "Description": "product_name",
                                   "Quantity": "quantity", "InvoiceDate": "order_date", "UnitPrice": "unit_price",
                                   "CustomerID": "customer_id", "Country": "country"}
    system = pa.system_memory_pool().bytes_allocated()
    fast, fast_report = load_transactions(path, preset=preset, columns=columns)
    held = pa.system_memory_pool().bytes_allocated() - system  # (the frame's text, when large)
    assert held > 100_000 if large else held <= 0
    monkeypatch.setattr(memory, "LARGE_BUFFER_BYTES", 16 * 2**20)
    _plain_reading(monkeypatch)
    slow, slow_report = load_transactions(path, preset=preset, columns=columns)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert [str(t) for t in fast.dtypes] == [str(t) for t in slow.dtypes]
    assert fast_report == slow_report
    assert fast_report.count("exact duplicates") > 0 and fast_report.count("repeated header rows") == 1
    assert fast_report.count("unparseable dates") > 0 and fast_report.count("missing or unparseable prices") > 0


def test_reader_categories_are_the_texts_in_order_of_first_appearance(tmp_path):
    from ecomlib.data.sources import read_source

    path = tmp_path / "orders.csv"
    _uci_export(path, 120_000, seed=5)
    text = ["InvoiceNo", "InvoiceDate", "CustomerID", "Description"]
    coded = read_source(path, text_columns=lambda header: text, categories=True)
    plain = read_source(path, text_columns=lambda header: text)
    assert coded.coded == tuple(text) and not plain.coded
    assert list(coded.frame.columns) == list(plain.frame.columns)
    for name in text:
        column = coded.frame[name]
        assert isinstance(column.dtype, pd.CategoricalDtype)
        assert column.cat.categories.tolist() == pd.unique(plain.frame[name].dropna()).tolist()
        pd.testing.assert_series_equal(parsing.decoded(column), plain.frame[name], check_names=False)
    pd.testing.assert_series_equal(coded.frame["Quantity"], plain.frame["Quantity"])


@pytest.mark.parametrize("fastpath", [True, False])
def test_reader_categories_skip_only_the_distinctness_check(tmp_path, monkeypatch, fastpath):
    from ecomlib.data import sources

    if not fastpath:  # a pandas without the fast path: the checked constructor, same dtype
        monkeypatch.delattr(pd.CategoricalDtype, "_from_fastpath", raising=False)
    path = tmp_path / "orders.csv"
    _uci_export(path, 60_000, seed=9)
    coded = sources.read_source(path, text_columns=lambda header: ["InvoiceNo", "CustomerID"], categories=True)
    for name in ("InvoiceNo", "CustomerID"):
        dtype = coded.frame[name].dtype
        checked = pd.CategoricalDtype(pd.Index(dtype.categories.array))
        assert dtype == checked and hash(dtype) == hash(checked) and not dtype.ordered
        assert dtype.categories.is_unique and str(dtype.categories.dtype) == "str"


@pytest.mark.parametrize("piece", [1_000_000, 997, 1])
@pytest.mark.parametrize("grouped", [True, False])
def test_duplicates_from_codes_match_pandas(grouped, piece, monkeypatch):
    from ecomlib.data import transactions
    from ecomlib.data.transactions import _duplicated

    monkeypatch.setattr(transactions, "DUPLICATE_PIECE_ROWS", piece)  # one piece, ~20, every block its own

    rng = np.random.default_rng(11)
    n = 20_000
    order = rng.integers(0, 800, n)
    frame = pd.DataFrame({"order": np.sort(order) if grouped else order,
                          "product": rng.choice(["a", "b", None], n),
                          "qty": rng.choice([1.0, 2.0, np.nan, -0.0, 0.0], n),
                          "code": pd.Categorical(rng.choice(["x", "y"], n))})
    keep = rng.random(n) > 0.1
    expected = frame[keep].duplicated().to_numpy()
    for coded in (True, False):
        got = _duplicated(frame, keep, coded, "order")
        np.testing.assert_array_equal(got[keep], expected)
        assert not got[~keep].any()
    assert expected.sum() > 100



def test_pieces_are_cut_only_between_blocks():
    from ecomlib.data.transactions import _pieces

    blocks = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 3])
    assert _pieces(blocks, 20) == [(0, 11)]
    assert _pieces(blocks, 4) == [(0, 5), (5, 10), (10, 11)]  # cuts at the next block start after 4, 8
    assert _pieces(blocks, 1) == [(0, 3), (3, 5), (5, 10), (10, 11)]  # each block whole
    assert _pieces(np.zeros(7, dtype=int), 2) == [(0, 7)]  # one block: one piece


@pytest.mark.parametrize(("n", "high", "shift"), [(0, 3, 0), (1, 3, 0), (12, 4, 63), (5_000, 300, 20),
                                                   (200_000, 2**40, 0), (200_000, 2**16, 16)])
def test_repeated_values_are_those_pandas_marks(n, high, shift):
    from ecomlib.data.transactions import _repeated

    rng = np.random.default_rng(n + shift)
    values = rng.integers(0, high, n).astype(np.uint64) << np.uint64(shift)  # (shift 16: equal low bits)
    np.testing.assert_array_equal(_repeated(values), pd.Series(values).duplicated(keep=False).to_numpy())

def _dmy_grid() -> pd.Series:
    import itertools

    fields = itertools.product(["1", "01", "12", "13", "0", "2"], ["1", "01", "29", "30", "31", "32", " 1"],
                               ["2010", "2012", "0999", "10000"], ["0", "08", "23", "24", "9"], ["00", "26", "59", "60", "5"])
    values = [f"{m}/{d}/{y} {h}:{mi}" for m, d, y, h, mi in fields]
    return pd.Series(values + ["12/1/2010  8:26", "2/29/2012 8:26", "12/1/2010 8:26:00", "x", None], dtype="str")



@pytest.mark.parametrize("fmt", ["%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M"])
def test_dates_read_from_random_fields_are_what_strptime_reads(fmt):
    """Fields of one or two digits (years of four) in and out of range, in a sliced large-string
    column: the numbers are read at the right places whatever the widths."""
    rng = np.random.default_rng(3)
    n = 20_000
    width = rng.integers(1, 3, (n, 4))
    numbers = rng.integers(0, 100, (n, 4)) % (10 ** width)
    text = [f"{a:0{wa}d}/{b:0{wb}d}/{y} {h:0{wh}d}:{mi:02d}"
            for (a, b, h, _), (wa, wb, wh, _), y, mi in zip(numbers, width, rng.integers(990, 2100, n),
                                                              rng.integers(0, 70, n), strict=True)]
    s = pd.Series(["x"] + text, dtype="str").iloc[1:]
    assert s.array._pa_array.type == "large_string"  # (64-bit offsets; the reader's categories have 32)
    fast = parsing._dmy_minutes(s, fmt)
    expected = pd.to_datetime(s, format=fmt, errors="coerce").astype("datetime64[us]").to_numpy()
    done = ~np.isnat(fast)
    assert 2_000 < done.sum() < n - 2_000
    np.testing.assert_array_equal(fast[done], expected[done])
    np.testing.assert_array_equal(done, ~np.isnat(expected))  # (all of this shape that strptime reads)

@pytest.mark.parametrize("fmt", ["%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M"])
def test_dates_computed_from_their_fields_are_what_strptime_reads(fmt):
    s = _dmy_grid()
    fast = parsing._dmy_minutes(s, fmt)
    expected = pd.to_datetime(s, format=fmt, errors="coerce").astype("datetime64[us]").to_numpy()
    done = ~np.isnat(fast)
    assert done.sum() > 200  # the common shapes are computed ...
    np.testing.assert_array_equal(fast[done], expected[done])  # ... exactly as strptime reads them
    values, _ = parsing.parse_dates(s, formats=(fmt,))
    np.testing.assert_array_equal(values.to_numpy(), expected)  # and the rest still by strptime
