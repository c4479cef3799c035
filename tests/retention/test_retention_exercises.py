"""The section-6.3 exercise bank: solutions pass, blanks are not attempted, wrong answers fail."""

import pandas as pd
import pytest

from ecomlib.retention import BetaGeoModel, cohort_table, rfm_summary
from ecomlib.teaching import exercises


@pytest.fixture(scope="module")
def shop(sample_store):
    tx = sample_store.transactions
    tx = tx[tx["order_date"] < "2024-10-01"]  # nine months keep the checks fast
    as_of = tx["order_date"].max().floor("D")
    bg = BetaGeoModel().fit(rfm_summary(tx, as_of, "W"))
    return tx, as_of, bg


@pytest.fixture
def ex(shop):
    tx, as_of, bg = shop
    return exercises.load("retention", tx=tx, as_of=as_of, churn_days=90, bg=bg)


def test_wrong_answers_fail_without_revealing_the_value(ex, shop):
    tx, as_of, bg = shop
    known = tx[tx["customer_id"].notna() & (tx["status"] != "cancelled") & (tx["quantity"] > 0)]
    by_lines = (known.groupby("customer_id").size() > 1).mean()
    result = ex.q1.check(by_lines)
    assert result.status == "incorrect" and "order lines" in result.message
    assert f"{ex.q1.expected_value():.4f}" not in result.message
    assert "second cohort" in ex.q2.check(float(cohort_table(tx).iloc[1, 0])).message
    assert "discount" in ex.q5.check(150.0).message
    assert "brand-new" in ex.q6.check(float(bg.expected_purchases(52))).message
    assert not ex.q7.check(ex.q7.expected_value() + 5).correct


def test_bank_without_a_model(shop):
    tx, as_of, _ = shop
    ex = exercises.load("retention", tx=tx, as_of=as_of, churn_days=90, bg=None)
    assert ex.q5.check(120.0).correct
    assert ex.q6.check(1.0).status == "unavailable"


def test_expected_values_follow_the_parameters(shop):
    tx, as_of, bg = shop
    short = exercises.load("retention", tx=tx, as_of=as_of, churn_days=30, bg=bg)
    long = exercises.load("retention", tx=tx, as_of=as_of, churn_days=180, bg=bg)
    assert short.q4.expected_value() > long.q4.expected_value()
    assert isinstance(as_of, pd.Timestamp)


def test_one_bank_takes_the_model_later(shop):
    """Issue 14 §1: one bank; q6 is unavailable until ``ex.update(bg=...)``, then checks."""
    tx, as_of, bg = shop
    ex = exercises.load("retention", tx=tx, as_of=as_of, churn_days=90)
    result = ex.q6.check(1.0)
    assert result.status == "unavailable" and "bg table" not in result.message
    ex.update(bg=bg)
    assert ex.q6.check(round(ex.q6.expected_value(), 2)).correct
    assert len(ex.progress()) == len(ex)


def test_bank_contract(ex, bank_contract):
    bank_contract(ex)
