"""The chapter-3.3 exercise bank: solutions pass, blanks are not attempted, wrong answers fail."""

import pandas as pd
import pytest

from ecomlib.pricing import estimate_elasticity
from ecomlib.teaching import exercises


@pytest.fixture
def survey():
    return pd.DataFrame({"too_cheap": [10.0, 30.0, 9.0, 12.0], "cheap": [20.0, 20.0, 15.0, 18.0],
                         "expensive": [30.0, 35.0, 25.0, 17.0], "too_expensive": [40.0, 50.0, 33.0, 40.0]})


@pytest.fixture
def ex(lines_three, survey):
    tx = lines_three.assign(revenue=lines_three["quantity"] * lines_three["unit_price"])
    fit = estimate_elasticity(tx)
    costs = {"tea": 30.0, "cups": 60.0, "rice": 80.0}
    return exercises.load("pricing", tx=tx, fit=fit, costs=costs, survey_answers=survey)


def test_wrong_answers_fail_without_revealing_the_value(ex, lines_three):
    result = ex.q1.check(0.15 / 0.40)
    assert result.status == "incorrect" and "margin left" in result.message
    assert f"{ex.q1.expected_value():.3f}" not in result.message
    assert not ex.q2.check("rice").correct
    assert ex.q2.check("tea").correct  # the most elastic synthetic category (truth -2.0)
    assert ex.q5.check(2).correct  # rows 2 (too cheap > cheap) and 4 (cheap > expensive)
    assert not ex.q6.check(False).correct
    revenue = (lines_three["quantity"] * lines_three["unit_price"]).groupby(lines_three["category"]).sum()
    top = lines_three[lines_three["category"] == revenue.idxmax()]
    result = ex.q4.check(float(top["unit_price"].mean()))
    assert not result.correct and "weight" in result.message


def test_bank_on_transactions_only(lines_three):
    tx = lines_three.assign(revenue=lines_three["quantity"] * lines_three["unit_price"])
    ex = exercises.load("pricing", tx=tx, fit=None, costs=None, survey_answers=None)
    assert ex.q4.check(ex.q4.run_solution()).correct
    assert ex.q3.check(10.0).status == "unavailable"
    assert ex.q5.check(3).status == "unavailable"


def test_numeric_questions_and_their_printed_decimals(ex):
    # q4 is the unit-economics table's avg_price (printed to 1 decimal, e.g. 42.8), q3 a price
    # to 2 decimals, q1 a share to 4 and q5 a count
    numeric = [q for q in ex if q.decimals is not None]
    assert {q.name: q.decimals for q in numeric} == {"q1": 4, "q3": 2, "q4": 1, "q5": 0}


def test_q5_asks_about_the_whole_survey(ex, survey):
    assert "WHOLE survey" in ex.q5.prompt and ex.q5.unit == "count"
    assert ex.q5.expected_value() == 2  # every row of the table, not one category


def test_bank_contract(ex, bank_contract):
    bank_contract(ex)
