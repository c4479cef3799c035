"""The chapter's exercise bank: solutions pass, blanks are not attempted, wrong answers fail."""

import numpy as np
import pytest

from ecomlib.pricing.observations import completed_sales
from ecomlib.product import association_rules, launch_weeks
from ecomlib.teaching import exercises


@pytest.fixture(scope="module")
def ctx(sample_store):
    sales = completed_sales(sample_store.transactions)
    reviews = sample_store.reviews.merge(sample_store.products[["product_id", "category"]], on="product_id")
    return {"tx": sales, "level": "category", "growth_span": 180,
            "units": launch_weeks(sample_store.launch_sales).units,
            "rules": association_rules(sales, min_support=0.001), "reviews": reviews}


@pytest.fixture
def ex(ctx):
    return exercises.load("product", **ctx)


def test_wrong_answers_fail_with_a_targeted_hint(ex, ctx):
    assert "subtract 1" in ex.q1.check(ex.q1.expected_value() + 1).message
    assert "p + q" in ex.q2.check(float(np.log(0.35 / 0.02) / 0.33)).message
    assert "first 8" in ex.q3.check(float(ctx["units"].sum())).message
    assert "antecedent" in ex.q4.check(float(ctx["rules"]["support"].iloc[0])).message
    assert f"{ex.q5.expected_value():.4f}" not in ex.q5.check(1.0).message


def test_bank_loads_on_a_shop_with_only_transactions(ctx):
    ex = exercises.load("product", **{**ctx, "units": None, "rules": None, "reviews": None})
    assert ex.q3.check(10.0).status == "unavailable"
    assert ex.q5.check(4.0).status == "unavailable"
    assert ex.q2.check(ex.q2.expected_value()).correct


def test_bank_contract(ex, bank_contract):
    bank_contract(ex)
