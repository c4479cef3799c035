"""The chapter's exercise bank: solutions pass, blanks are not attempted, wrong answers fail."""

import pytest

from ecomlib.platforms import read_tax_rules
from ecomlib.platforms.teaching import attach_platforms, fx_rates
from ecomlib.teaching import exercises


@pytest.fixture(scope="module")
def ctx(sample_store):
    rules = read_tax_rules()
    return {"lines": attach_platforms(sample_store.transactions, sample_store.order_platforms),
            "fees": sample_store.platforms, "deliveries": sample_store.partner_deliveries, "tax_rules": rules,
            "fx": fx_rates(rules), "new_platform_fixed": 10_000.0, "target_margin": 0.25}


@pytest.fixture
def ex(ctx):
    return exercises.load("platforms", **ctx)


def test_wrong_answers_fail_with_a_targeted_hint(ex, ctx):
    gmv_leader = "Cross-border marketplace"
    if ex.q1.expected_value() != gmv_leader:
        assert "most GMV" in ex.q1.check(gmv_leader).message
    d = ctx["deliveries"]
    top = d[d["partner"] == d["partner"].value_counts().idxmax()]
    on_time = float((top["delivered_date"] <= top["promised_date"]).mean())
    assert "in full" in ex.q4.check(on_time).message
    assert f"{ex.q5.expected_value():.4f}" not in ex.q5.check(1.0).message
    assert not ex.q6.check(1.0).correct


def test_bank_loads_without_platforms_or_deliveries(ctx):
    ex = exercises.load("platforms", **{**ctx, "lines": None, "deliveries": None})
    assert ex.q1.check("Own site").status == "unavailable"
    assert ex.q4.check(0.5).status == "unavailable"
    assert ex.q5.check(ex.q5.expected_value()).correct


def test_bank_contract(ex, bank_contract):
    bank_contract(ex)
