"""The chapter-4 exercise bank: solutions pass, blanks are not attempted, wrong answers fail."""

import pytest

from ecomlib.market import concentration, market_shares
from ecomlib.teaching import exercises


@pytest.fixture(scope="module")
def tables(sample_store):
    return {"tx": sample_store.transactions, "market": sample_store.market,
            "competitors": sample_store.competitors, "shop": sample_store.truth["shop_name"]}  # fmt: skip


@pytest.fixture
def ex(tables):
    return exercises.load("market", **tables, hhi_bands="2023")


def test_wrong_answers_fail_without_revealing_the_value(ex, tables):
    assert "threshold" in ex.q1.check(0.8).message
    comp = tables["competitors"]
    last = market_shares(comp[comp["year"] == comp["year"].max()])
    hhi = concentration(last).hhi
    result = ex.q3.check(hhi / 10_000)
    assert result.status == "incorrect" and "percentages" in result.message
    assert f"{hhi:.0f}" not in result.message
    assert "after the merger" in ex.q4.check(ex.q4.expected_value() + hhi).message
    assert not ex.q6.check(0.0).correct


def test_bank_on_transactions_only(tables):
    ex = exercises.load("market", tx=tables["tx"], market=None, competitors=None, hhi_bands="2010")
    assert ex.q1.check(ex.q1.run_solution()).correct
    assert ex.q6.check(ex.q6.run_solution()).correct
    assert ex.q3.check(1500.0).status == "unavailable"
    assert ex.q2.check(0.05).status == "unavailable"


def _numeric(ex):
    return [q for q in ex if isinstance(q.expected_value(), int | float) and not isinstance(q.expected_value(), bool)]


def test_numeric_questions_and_their_printed_decimals(ex):
    """Issue 14 §1: which answers are numbers, each with its printed decimals (that the printed
    value passes and 5 % off fails is checked by ``bank_contract``)."""
    numeric = _numeric(ex)
    assert {q.name for q in numeric} == {"q1", "q2", "q3", "q4", "q5", "q6"}
    assert all(q.decimals is not None and q.rel_tol <= 0.005 for q in numeric)


def test_share_questions_say_share(ex):
    assert ex.q1.unit == "share" and ex.q2.unit == "share"
    assert ex.q3.unit != "share" and ex.q6.unit == "money"


def test_price_index_question_uses_the_pricing_definition(ex, tables):
    from ecomlib.pricing import price_index

    comp = tables["competitors"]
    index = price_index(comp, own=tables["shop"])
    own = index[index["is_own"] & (index["year"] == comp["year"].max())]["price_index"].iloc[0]
    assert ex.q5.expected_value() == pytest.approx(float(own))
    assert ex.q5.check(ex.q5.run_solution()).correct


def test_bank_contract(ex, bank_contract):
    bank_contract(ex)
