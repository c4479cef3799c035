"""Property tests: loading conserves money and loses no row silently.

For any messy input the loader either raises a clear error or returns a report where

* rows read = rows kept + rows counted by each dropping check, and
* revenue in = completed + cancelled + returned revenue kept + revenue of the dropped rows,

with "revenue in" computed here, independently, from the generated numbers. The parsers
also recover known dates (checked against Python's own ``strptime``) and money written
in every supported form.
"""

import math
from datetime import datetime

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomlib.data import load_transactions
from ecomlib.data.parsing import DATE_FORMATS, parse_dates, parse_numbers
from ecomlib.data.schemas import STATUSES
from ecomlib.errors import DataError

PRICES = [0.0, 1.5, 2.25, 10.0, 99.9, -1.0]
STATUS_WORDS = ["completed", "cancelled", "returned", "paid", "refunded", "Canceled"]

row = st.tuples(
    st.sampled_from(["A1", "A2", "A3", "C4", "A5"]),  # order id
    st.one_of(st.integers(1, 28).map(lambda d: f"2024-06-{d:02d}"), st.just("not a date")),
    st.sampled_from(["C1", "C2", None]),  # customer
    st.sampled_from(["P1", "P2", "P3"]),
    st.integers(-3, 6),  # quantity
    st.sampled_from(PRICES),
    st.booleans(),  # write the price as a currency string
    st.sampled_from(STATUS_WORDS),
)


def _frame(rows):
    return pd.DataFrame({
        "order_id": [r[0] for r in rows],
        "order_date": [r[1] for r in rows],
        "customer_id": [r[2] for r in rows],
        "product_id": [r[3] for r in rows],
        "quantity": [r[4] for r in rows],
        "unit_price": [f"¥{r[5]:,.2f}" if r[6] and r[5] >= 0 else r[5] for r in rows],
        "status": [r[7] for r in rows],
    })


def _check_balances(rows, start=None, end=None):
    frame = _frame(rows)
    revenue_in = math.fsum(r[4] * r[5] for r in rows)
    try:
        df, report = load_transactions(frame, start=start, end=end)
    except DataError as exc:  # allowed only for the documented fatal cases
        bad_dates = sum(r[1] == "not a date" for r in rows)
        assert bad_dates / len(rows) > 0.05 or "survived cleaning" in str(exc)
        return
    assert report.rows_read == len(rows)
    assert len(df) == report.rows_kept
    dropped = sum(c.rows for c in report.checks if c.drops)
    assert report.rows_read == report.rows_kept + dropped
    assert set(df["status"]) <= set(STATUSES)
    by_status = df.groupby("status")["revenue"].sum()
    kept = math.fsum(by_status.get(s, 0.0) for s in STATUSES)
    assert math.isclose(revenue_in, kept + report.revenue_dropped, rel_tol=1e-9, abs_tol=1e-6)
    assert math.isclose(report.revenue_read, revenue_in, rel_tol=1e-9, abs_tol=1e-6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, min_size=1, max_size=40))
def test_rows_and_money_balance(rows):
    _check_balances(rows)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, min_size=1, max_size=40), st.integers(1, 28), st.integers(0, 10))
def test_rows_and_money_balance_with_date_range(rows, first, span):
    _check_balances(rows, start=f"2024-06-{first:02d}", end=f"2024-06-{min(first + span, 28):02d}")


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(row, min_size=1, max_size=30))
def test_same_result_from_a_csv_file(tmp_path, rows):
    frame = _frame(rows)
    path = tmp_path / "orders.csv"
    frame.to_csv(path, index=False)
    try:
        expected, _ = load_transactions(frame)
    except DataError:
        return
    got, _ = load_transactions(path)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


# --- the parsers recover known values written in every supported form ----------------------

_FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.datetimes(datetime(2000, 1, 1), datetime(2030, 12, 31)),
                          st.sampled_from(("ISO",) + DATE_FORMATS)), min_size=1, max_size=30))
def test_dates_agree_with_pythons_strptime(pairs):
    """Independent reference: Python's element-wise ``datetime.strptime`` / ``fromisoformat``."""
    texts, expected = [], []
    for moment, fmt in pairs:
        # day-first forms are ambiguous when the day is 12 or less: month-first wins by design
        if fmt.startswith("%d") and moment.day <= 12:
            fmt = "ISO"
        if fmt == "ISO":
            text = moment.isoformat(sep=" ", timespec="seconds")
            expected.append(pd.Timestamp(datetime.fromisoformat(text)))
        else:
            text = moment.strftime(fmt)
            expected.append(pd.Timestamp(datetime.strptime(text, fmt)))
        texts.append(text)
    values, bad = parse_dates(pd.Series(texts))
    assert not bad.any()
    assert values.tolist() == expected


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**9), st.sampled_from(["¥{:,.2f}", "${:,.2f}", "RMB {:.2f}",
                                                                   "{:.2f}元", "￥{:,.2f}", "FW"])),
                min_size=1, max_size=30))
def test_money_written_in_any_supported_form_is_recovered(pairs):
    texts = [f"{c / 100:,.2f}".translate(_FULL_WIDTH) if fmt == "FW" else fmt.format(c / 100) for c, fmt in pairs]
    values, bad = parse_numbers(pd.Series(texts))
    assert not bad.any()
    assert values.tolist() == [c / 100 for c, _ in pairs]
