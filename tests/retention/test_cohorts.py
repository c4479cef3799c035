"""Cohort tables on the hand-built dozen lines, compared in full."""

import numpy as np
import pandas as pd

from ecomlib.retention import average_retention, cohort_table

NAN = np.nan


def _frame(values, cohorts, freq="M"):
    out = pd.DataFrame(values, index=pd.PeriodIndex(cohorts, freq=freq, name="cohort"), dtype=float)
    out.columns = pd.Index(range(out.shape[1]), name="period")
    return out


def test_customers_counts_and_rates(hand_tx):
    # January cohort {a, b}: Feb a; Mar a and b. February cohort {c}: Mar c.
    counts = cohort_table(hand_tx, "M", "customers", normalize=False)
    pd.testing.assert_frame_equal(counts, _frame([[2, 1, 2], [1, 1, NAN]], ["2024-01", "2024-02"]),
                                  check_column_type=False)
    rates = cohort_table(hand_tx)
    pd.testing.assert_frame_equal(rates, _frame([[1, 0.5, 1], [1, 1, NAN]], ["2024-01", "2024-02"]),
                                  check_column_type=False)


def test_orders_ignore_cancelled_and_return_lines(hand_tx):
    # January cohort: O1, O2, O3 | O4 | O7, O9; February cohort: O5 (O6 cancelled) | O10
    counts = cohort_table(hand_tx, "M", "orders", normalize=False)
    pd.testing.assert_frame_equal(counts, _frame([[3, 1, 2], [1, 1, NAN]], ["2024-01", "2024-02"]),
                                  check_column_type=False)


def test_revenue_is_net_of_returns(hand_tx):
    # January cohort: 100 + 50 + 30 + 40 | 60 - 30 (a's return) | 90 + 70; February: 80 | 10
    counts = cohort_table(hand_tx, "M", "revenue", normalize=False)
    pd.testing.assert_frame_equal(counts, _frame([[220, 30, 160], [80, 10, NAN]], ["2024-01", "2024-02"]),
                                  check_column_type=False)
    rates = cohort_table(hand_tx, "M", "revenue")
    np.testing.assert_allclose(rates.to_numpy(), [[1, 30 / 220, 160 / 220], [1, 0.125, NAN]])


def test_quarterly_single_cohort(hand_tx):
    out = cohort_table(hand_tx, "Q", normalize=False)
    pd.testing.assert_frame_equal(out, _frame([[3]], ["2024Q1"], "Q"), check_column_type=False)


def test_weekly_periods_start_on_monday(hand_tx):
    out = cohort_table(hand_tx, "W", normalize=False)
    # first week 2024-01-01 (Mon) .. 01-07 holds a's first purchase (Fri 01-05)
    assert str(out.index[0]) == "2024-01-01/2024-01-07"
    # a buys again on 2024-02-10: (Feb 5-11 week) - (Jan 1-7 week) = 5 weeks later
    assert out.iloc[0, 5] == 1


def test_average_retention_weights_by_cohort_size(hand_tx):
    out = average_retention(hand_tx)
    # period 1: (1 of 2 January + 1 of 1 February) / 3; period 2: January only, 2 of 2
    np.testing.assert_allclose(out["retention"], [1, 2 / 3, 1])
    np.testing.assert_array_equal(out["cohorts"], [2, 2, 1])


def test_input_not_modified(hand_tx):
    before = hand_tx.copy()
    cohort_table(hand_tx, metric="revenue")
    pd.testing.assert_frame_equal(hand_tx, before)


def test_matches_a_plain_pandas_groupby_on_random_lines():
    # independent reference: pandas Period grouping and nunique on 5,000 random lines
    rng = np.random.default_rng(5)
    n = 5000
    tx = pd.DataFrame({
        "order_id": [f"O{i}" for i in rng.integers(0, 3000, n)],
        "customer_id": pd.Series([f"C{i}" for i in rng.integers(0, 400, n)], dtype="str"),
        "order_date": (np.datetime64("2024-01-01", "us") + rng.integers(0, 500, n) * 86_400_000_000)
        .astype("datetime64[us]"),
        "revenue": rng.gamma(2.0, 50.0, n),
    })
    month = tx["order_date"].dt.to_period("M")
    first = month.groupby(tx["customer_id"]).transform("min")
    age = (month.dt.year - first.dt.year) * 12 + (month.dt.month - first.dt.month)
    expected = tx.assign(cohort=first, age=age).groupby(["cohort", "age"])["customer_id"].nunique().unstack()
    got = cohort_table(tx, "M", "customers", normalize=False)
    np.testing.assert_array_equal(got.fillna(-1).to_numpy(),
                                  expected.reindex(columns=got.columns).fillna(0).where(got.notna(), -1).to_numpy())
    revenue = tx.assign(cohort=first, age=age).groupby(["cohort", "age"])["revenue"].sum().unstack()
    got_rev = cohort_table(tx, "M", "revenue", normalize=False)
    np.testing.assert_allclose(got_rev.fillna(-1).to_numpy(),
                               revenue.reindex(columns=got_rev.columns).fillna(0).where(got_rev.notna(), -1).to_numpy())
