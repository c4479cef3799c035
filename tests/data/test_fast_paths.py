"""The fast paths of the parsers give exactly the general path's results (issue 16).

``parse_numbers`` reads a pyarrow text column of plain numbers (``12``, ``2.55``) with pyarrow's
kernels; ``parse_dates``, ``parse_ids`` and ``clean_text`` work once per distinct value of a
long, repetitive column. Each test runs the same values through the general path (object
dtype, or the distinct-value threshold raised out of reach) as the oracle.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
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
