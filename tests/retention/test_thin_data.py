"""Thin exports (issue 13): each retention method says what it needs instead of failing oddly.

Every frame here is hand-made and small; each test names the export kind of
``ecomlib.datasets.degraded`` whose report failure it pins down.
"""

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, NotIdentifiableError
from ecomlib.retention import (
    NO_CUSTOMER_IDS,
    BetaGeoModel,
    average_retention,
    book_clv_inputs,
    churn_table,
    cohort_table,
    inter_purchase_times,
    repeat_purchase_rate,
    repurchase_by_group,
    rfm_scores,
    rfm_summary,
    suggest_churn_threshold,
    survival_by_group,
)
from ecomlib.retention import plotting as rp
from ecomlib.retention.likelihood import MAX_RELATIVE_SE, fit_positive_mle


def _tx(rows):
    tx = pd.DataFrame(rows, columns=["order_id", "order_date", "customer_id", "quantity", "revenue"])
    tx["order_date"] = pd.to_datetime(tx["order_date"]).astype("datetime64[us]")
    tx["customer_id"] = tx["customer_id"].astype("str")
    return tx


@pytest.fixture()
def guest_tx():
    """required_only / no_customer_id / weekly_panel: a customer_id column that is empty on every line."""
    return _tx([("O1", "2024-01-05", None, 1, 10.0), ("O2", "2024-02-05", None, 2, 30.0),
                ("O3", "2024-03-05", None, 1, 15.0)])


@pytest.fixture()
def one_month_tx():
    """four_weeks / gbk_chinese: every purchase in one calendar month (two weeks)."""
    return _tx([("O1", "2024-03-04", "a", 1, 10.0), ("O2", "2024-03-06", "b", 1, 20.0),
                ("O3", "2024-03-13", "a", 1, 15.0), ("O4", "2024-03-14", "c", 1, 5.0)])


@pytest.fixture()
def first_orders_tx():
    """no_repeat: each customer's first order only."""
    return _tx([("O1", "2024-01-05", "a", 1, 10.0), ("O2", "2024-03-06", "b", 1, 20.0),
                ("O3", "2024-06-13", "c", 1, 15.0), ("O4", "2024-09-14", "d", 1, 5.0)])


@pytest.mark.parametrize("call", [
    lambda tx: cohort_table(tx),
    lambda tx: average_retention(tx),
    lambda tx: inter_purchase_times(tx),
    lambda tx: repeat_purchase_rate(tx),
    lambda tx: churn_table(tx, 30),
    lambda tx: rfm_scores(tx, "2024-03-31"),
    lambda tx: rfm_summary(tx, "2024-03-31", "W"),
    lambda tx: book_clv_inputs(tx, as_of="2024-03-31"),
    lambda tx: repurchase_by_group(tx, pd.Series({"a": "x", "b": "y"})),
], ids=["cohort_table", "average_retention", "inter_purchase_times", "repeat_purchase_rate",
        "churn_table", "rfm_scores", "rfm_summary", "book_clv_inputs", "repurchase_by_group"])
def test_no_customer_ids_says_so(guest_tx, call):
    with pytest.raises(DataError, match=NO_CUSTOMER_IDS):
        call(guest_tx)


def test_no_customer_ids_message_is_the_reports_wording():
    assert NO_CUSTOMER_IDS == "needs customer_id; the export has none"


def test_one_period_of_cohorts_needs_at_least_2_periods(one_month_tx):
    assert cohort_table(one_month_tx, "M").shape == (1, 1)  # a valid table, but no curve
    with pytest.raises(DataError, match="needs at least 2 periods") as info:
        average_retention(one_month_tx, "M")
    assert "one month" in str(info.value)


def test_one_month_still_gives_weekly_cohorts(one_month_tx):
    # 2024-03-04 and 2024-03-13 are in consecutive Monday-to-Sunday weeks: a came back, b did not
    table = cohort_table(one_month_tx, "W")
    assert table.shape == (2, 2)
    assert table.iloc[0, 1] == pytest.approx(0.5)


def test_no_repeat_purchase_has_no_churn_threshold(first_orders_tx):
    gaps = inter_purchase_times(first_orders_tx)
    assert gaps.empty
    with pytest.raises(NotIdentifiableError, match="no customer made a second purchase"):
        suggest_churn_threshold(gaps)


def test_single_gap_is_named():
    with pytest.raises(NotIdentifiableError, match="only 1 found"):
        suggest_churn_threshold(pd.Series([12]))


def test_plot_of_no_gaps_is_a_clear_error(first_orders_tx):
    with pytest.raises(DataError, match="`gaps` has no rows"):
        rp.plot_inter_purchase_times(inter_purchase_times(first_orders_tx), 30)


def test_repurchase_without_any_repeat_buyer_is_not_compared(first_orders_tx):
    # no_repeat: both groups at 0 % would print "p = nan"
    groups = pd.Series({"a": "promotion", "b": "no promotion", "c": "promotion", "d": "no promotion"})
    with pytest.raises(DataError, match="No customer made a second purchase within 30 days"):
        repurchase_by_group(first_orders_tx, groups, within_days=30, as_of="2024-12-31")


def test_repurchase_window_longer_than_the_data_is_a_data_error(one_month_tx):
    # five_months: a 180-day window on a shorter history; reports.attempt_part catches DataError
    groups = pd.Series({"a": "x", "b": "y", "c": "x"})
    with pytest.raises(DataError, match="observed for 180 days"):
        repurchase_by_group(one_month_tx, groups, within_days=180)


def test_survival_beyond_the_longest_follow_up_is_not_reported():
    churn = pd.DataFrame({"duration_days": [10, 20, 30, 40], "churned": [True, True, False, True]})
    assert np.isnan(survival_by_group(churn, horizon_days=365).groups["survival_at"].iloc[0])
    assert survival_by_group(churn, horizon_days=40).groups["survival_at"].iloc[0] == 0.0


def test_flat_likelihood_in_one_parameter_names_it():
    # curvature 100 in p0 (standard error 0.1 at 2: rel 0.05), 0.002 in p1 (se 22 at 1: rel 22)
    def ll(p):
        return -50.0 * (p[0] - 2.0) ** 2 - 0.001 * (p[1] - 1.0) ** 2

    def grad(p):
        return np.array([-100.0 * (p[0] - 2.0), -0.002 * (p[1] - 1.0)])

    with pytest.raises(NotIdentifiableError, match=r"almost flat in b = 1 \(standard error 22.4\)"):
        fit_positive_mle(ll, np.array([1.0, 2.0]), model="test", gradient=grad, names=["a", "b"])
    assert MAX_RELATIVE_SE == 10.0


def test_bgnbd_without_evidence_of_drop_out_is_not_identified():
    # one_product: 36 of 40 customers never came back, the 4 others bought again just before the
    # end. Nothing shows drop-out, so a -> 0 and b -> infinity: a, b are not identified and the
    # fit used to return them with standard errors thousands of times the estimates.
    rows = [(0, 0.0, 40.0)] * 36 + [(1, 38.0, 40.0), (1, 39.0, 40.0), (2, 39.5, 40.0), (1, 37.0, 40.0)]
    summary = pd.DataFrame(rows, columns=["frequency", "recency", "T"])
    with pytest.raises(NotIdentifiableError, match="almost flat in a = .*, b = "):
        BetaGeoModel().fit(summary)
