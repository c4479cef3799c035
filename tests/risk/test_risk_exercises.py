"""The chapter-9 exercise bank: solutions pass, blanks are not attempted, wrong answers fail."""

import pytest

from ecomlib.risk import (
    detect_anomalies,
    festival_order_plan,
    launch_scenario,
    sample_assessment,
)
from ecomlib.teaching import exercises


@pytest.fixture(scope="module")
def ctx(sample_store):
    s = sample_store
    return {
        "register": s.risk_register,
        "sim": launch_scenario(s.transactions).simulate(5000, seed=1),
        "plan": festival_order_plan(s.transactions, "2024-11-04", "2024-11-11"),
        "suppliers": s.suppliers,
        "flags": detect_anomalies(s.kpis_daily),
        "answers": sample_assessment(),
    }


@pytest.fixture
def ex(ctx):
    return exercises.load("risk", **ctx)


def test_wrong_answers_fail_with_a_targeted_hint(ex, ctx):
    plan = ctx["plan"]
    assert "above the mean" in ex.q3.check(plan.iloc[0]["mean_demand"]).message
    assert "percent" in ex.q4.check(float((ctx["suppliers"]["share_of_purchases"] ** 2).sum())).message
    flags = ctx["flags"]
    pairs = int(flags["flagged"].sum())
    if pairs != flags.loc[flags["flagged"], "date"].nunique():
        assert "pairs" in ex.q5.check(pairs).message
    assert not ex.q6.check("overall").correct
    assert f"{ex.q2.expected_value():.4f}" not in ex.q2.check(0.999).message


def test_missing_results_make_questions_unavailable(ctx):
    ex = exercises.load("risk", **{**ctx, "suppliers": None})
    assert ex.q4.check(1000).status == "unavailable"


def test_numeric_questions_and_their_printed_decimals(ex):
    """Issue 14 §1: risk q2 accepts the printed P(loss) (0.114 or 0.1138) (the bank-wide printed-value
    check is ``bank_contract``)."""
    assert ex.q2.check(round(ex.q2.expected_value(), 3)).correct
    assert ex.q2.check(round(ex.q2.expected_value(), 4)).correct
    assert all(q.decimals is not None for q in ex if not isinstance(q.expected_value(), str))


def test_one_bank_takes_later_results(ctx):
    """Issue 14 §1: the notebook loads the bank at the first exercise and adds results later."""
    ex = exercises.load("risk", register=ctx["register"])
    assert ex.q2.check(0.1).status == "unavailable"
    ex.update(sim=ctx["sim"])
    assert ex.q2.check(ex.q2.run_solution()).correct


def test_bank_contract(ex, bank_contract):
    bank_contract(ex)
