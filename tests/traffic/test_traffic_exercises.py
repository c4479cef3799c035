"""The chapter-6 exercise bank: solutions pass, blanks are not attempted, wrong answers fail."""

import pytest

from ecomlib.teaching import exercises


@pytest.fixture(scope="module")
def tables(sample_store):
    s = sample_store
    return dict(tx=s.transactions, sessions=s.sessions, spend=s.marketing_spend,
                customers=s.customers, experiment=s.experiment, touchpoints=s.touchpoints,
                alpha=0.05, power=0.8)


@pytest.fixture
def ex(tables):
    return exercises.load("traffic", **tables)


def test_wrong_answers_fail_without_revealing_the_value(ex, tables):
    exp = tables["experiment"]
    rates = exp.groupby("variant")["converted"].mean()
    relative = rates["treatment"] / rates["control"] - 1
    result = ex.q5.check(relative)
    assert result.status == "incorrect" and "relative" in result.message
    assert f"{ex.q5.expected_value():.4f}" not in result.message
    both_arms = 2 * ex.q4.expected_value()
    assert "both arms" in ex.q4.check(both_arms).message
    assert not ex.q2.check("view").correct
    assert not ex.q6.check("no such channel").correct


def test_bank_on_transactions_only(tables):
    ex = exercises.load("traffic", tx=tables["tx"], sessions=None, spend=None, customers=None,
                        experiment=None, touchpoints=None, alpha=0.05, power=0.8)
    assert ex.q4.check(ex.q4.run_solution()).correct  # planning needs no data
    assert ex.q1.check(0.1).status == "unavailable"
    assert ex.q3.check(100.0).status == "unavailable"


def test_numeric_questions_and_their_printed_decimals(ex):
    """Issue 14 §1: 0.1028 (the 10.28 % the funnel prints) is right for q1 (the bank-wide printed-value
    check is ``bank_contract``)."""
    assert ex.q1.check(round(ex.q1.expected_value(), 4)).correct
    assert all(q.decimals is not None for q in ex if not isinstance(q.expected_value(), str))


def test_cac_question_names_the_display_currency(tables):
    from ecomlib import viz

    before = viz.currency()
    try:
        viz.set_currency("GBP")
        ex = exercises.load("traffic", **tables)
        assert "GBP" in ex.q3.prompt and "CNY" not in ex.q3.prompt
    finally:
        viz.set_currency(before)


def test_bank_contract(ex, bank_contract):
    bank_contract(ex)
