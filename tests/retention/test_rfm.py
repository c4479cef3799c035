"""rfm_summary and calibration_holdout_split: hand-built table, lifetimes oracle on CDNOW."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.retention import calibration_holdout_split, purchase_log, rfm_summary


def test_purchase_log_collapses_days_and_drops_guest_cancelled_return_lines(hand_tx):
    log = purchase_log(hand_tx)
    assert log["customer_id"].tolist() == ["a", "a", "a", "b", "b", "c", "c"]
    assert log["value"].tolist() == [180.0, 60.0, 70.0, 40.0, 90.0, 80.0, 10.0]
    assert str(log["date"].dtype) == "datetime64[us]"


def test_rfm_summary_hand_table_in_days(hand_tx):
    # hand computed: a 3 purchase days, 2024-01-05 -> 2024-03-10 = 65 days, age 86 days,
    # repeat values (60 + 70) / 2; b 41 / 71 days, repeat 90; c 45 / 45 days, repeat 10
    expected = pd.DataFrame(
        {"frequency": [2.0, 1.0, 1.0], "recency": [65.0, 41.0, 45.0], "T": [86.0, 71.0, 45.0],
         "monetary_value": [65.0, 90.0, 10.0]},
        index=pd.Index(["a", "b", "c"], name="customer_id"),
    )
    pd.testing.assert_frame_equal(rfm_summary(hand_tx), expected, check_index_type=False)


def test_rfm_summary_weeks_and_as_of(hand_tx):
    out = rfm_summary(hand_tx, as_of="2024-03-05", time_unit="W")
    # a: 2024-01-05, 2024-02-10 (36 days); b: 01-20, 03-01; c: 02-15 only
    np.testing.assert_allclose(out["frequency"], [1, 1, 0])
    np.testing.assert_allclose(out["recency"], np.array([36, 41, 0]) / 7)
    np.testing.assert_allclose(out["T"], np.array([60, 45, 19]) / 7)
    np.testing.assert_allclose(out["monetary_value"], [60, 90, 0])


def test_rfm_summary_does_not_modify_input(hand_tx):
    before = hand_tx.copy()
    rfm_summary(hand_tx)
    pd.testing.assert_frame_equal(hand_tx, before)


def test_calibration_holdout_split_hand(hand_tx):
    out = calibration_holdout_split(hand_tx, "2024-02-29", "2024-03-31")
    np.testing.assert_allclose(out["frequency_cal"], [1, 0, 0])
    np.testing.assert_allclose(out["recency_cal"], [36, 0, 0])
    np.testing.assert_allclose(out["T_cal"], [55, 40, 14])
    np.testing.assert_allclose(out["monetary_value_cal"], [60, 0, 0])
    np.testing.assert_allclose(out["frequency_holdout"], [1, 1, 1])
    np.testing.assert_allclose(out["monetary_value_holdout"], [70, 90, 10])
    np.testing.assert_allclose(out["duration_holdout"], [31, 31, 31])


def test_cdnow_sample_summary_matches_published_table(cdnow_summary):
    # Fader, Hardie & Lee (2005) CDNOW summary (as shipped with lifetimes,
    # cdnow_customers_summary_with_transactions.csv): customer 1 x = 2, t_x = 30.43, T = 38.86
    # weeks, zbar = 22.35; rounded to 2 decimals there
    assert len(cdnow_summary) == 2357
    first = cdnow_summary.iloc[0]
    np.testing.assert_allclose(first[["frequency", "recency", "T", "monetary_value"]],
                               [2, 30.43, 38.86, 22.35], atol=0.006)
    assert int((cdnow_summary["frequency"] > 0).sum()) == 946


@pytest.mark.slow
@pytest.mark.parametrize(("time_unit", "multiplier"), [("D", 1), ("W", 7)])
def test_rfm_summary_equals_lifetimes_on_cdnow_master(time_unit, multiplier):
    lifetimes_utils = pytest.importorskip("lifetimes.utils")
    from ecomlib.datasets import load_cdnow

    tx = load_cdnow("master")
    ours = rfm_summary(tx, "1998-06-30", time_unit)
    theirs = lifetimes_utils.summary_data_from_transaction_data(
        tx, "customer_id", "order_date", "revenue", observation_period_end="1998-06-30",
        freq="D", freq_multiplier=multiplier,
    )
    assert len(ours) == len(theirs) == 23570
    theirs = theirs.loc[ours.index]
    np.testing.assert_array_equal(ours["frequency"], theirs["frequency"])
    np.testing.assert_allclose(ours[["recency", "T"]], theirs[["recency", "T"]], rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours["monetary_value"], theirs["monetary_value"], rtol=1e-12)


def test_numeric_customer_ids_and_missing_dates(hand_tx):
    numeric = hand_tx.assign(customer_id=hand_tx["customer_id"].map({"a": 10.0, "b": 2.0, "c": 3.0}))
    numeric.loc[4, "order_date"] = pd.NaT  # a's 2024-02-10 purchase loses its date and is ignored
    out = rfm_summary(numeric)
    assert out.index.tolist() == [2.0, 3.0, 10.0]  # sorted by id
    np.testing.assert_allclose(out.loc[10.0, ["frequency", "recency", "monetary_value"]], [1, 65, 70])
