"""Tests of the exercise machinery with a small hand-made bank."""

import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError
from ecomlib.teaching import ExerciseSet, Mistake, Question, ____, exercises


@pytest.fixture
def orders():
    return pd.DataFrame(
        {"revenue": [100.0, 50.0, 30.0], "status": ["completed", "completed", "cancelled"]}
    )


def make_set(orders):
    ctx = {"transactions": orders, "sessions": None}
    questions = [
        Question(
            name="q1",
            prompt="GMV of completed orders (CNY)?",
            expected=lambda c: float(
                c["transactions"].loc[c["transactions"]["status"] == "completed", "revenue"].sum()
            ),
            solution_code='answer = transactions.loc[transactions["status"] == "completed", "revenue"].sum()',
            hints=["Sum the revenue.", "Only completed orders count."],
            mistakes=[Mistake(lambda c: c["transactions"]["revenue"].sum(), "Did you keep cancelled orders?")],
            requires=["transactions"],
        ),
        Question(
            name="q2",
            prompt="Which statuses appear?",
            expected=lambda c: set(c["transactions"]["status"]),
            solution_code="answer = sorted(transactions['status'].unique())",
        ),
        Question(
            name="q3",
            prompt="Conversion rate (fraction)?",
            expected=0.025,
            solution_code="answer = 0.025",
            requires=["sessions"],
            unit="share",
        ),
        Question(name="q4", prompt="Is it a rise?", expected=True, solution_code="answer = True"),
        Question(name="q5", prompt="Top channel?", expected="Email", solution_code="answer = 'email '"),
    ]
    for q in questions:
        q.ctx = ctx
    return ExerciseSet("demo", questions)


def test_correct_answers_and_solutions_pass(orders):
    ex = make_set(orders)
    assert ex.q1.check(150).correct
    assert ex.q1.check(150.4).correct  # within the default 0.5 % tolerance
    for q in (ex.q1, ex.q2, ex.q4, ex.q5):
        assert q.check(q.run_solution()).correct, q.name


def test_placeholder_reads_as_not_attempted(orders):
    ex = make_set(orders)
    result = ex.q1.check(____)
    assert result.status == "not attempted" and not result
    assert repr(____) == "____"
    assert ex.q1.attempts == 0


def test_wrong_answers_fail_with_a_hint_but_not_the_value(orders):
    ex = make_set(orders)
    known = ex.q1.check(180.0)
    assert known.status == "incorrect"
    assert "cancelled" in known.message
    for wrong, words in [(15000.0, "far off"), (-150.0, "sign"), (140.0, "too low"), ("150", "number")]:
        result = ex.q1.check(wrong)
        assert not result.correct
        assert words in result.message
        assert "150" not in result.message
    assert not ex.q2.check(["completed"]).correct
    assert "missing" in ex.q2.check(["completed"]).message
    assert not ex.q4.check(False).correct
    assert not ex.q5.check("social").correct


def test_missing_table_is_reported_not_raised(orders):
    ex = make_set(orders)
    assert ex.q3.check(0.025).status == "unavailable"
    with pytest.raises(DataError, match="sessions"):
        ex.q3.expected_value()


def test_hints_and_solution_text(orders):
    ex = make_set(orders)
    assert "Sum the revenue" in ex.q1.hint()
    assert "Only completed" in ex.q1.hint(2)
    assert "last hint" in ex.q1.hint(5)
    assert ex.q1.solution().startswith("```python")
    assert "transactions" in ex.q1.solution()._repr_markdown_()
    with pytest.raises(ParameterError, match="`n`"):
        ex.q1.hint(0)


def test_progress_tracks_status(orders):
    ex = make_set(orders)
    ex.q1.check(150.0)
    ex.q2.check(["x"])
    ex.q1.hint()
    table = ex.progress()
    assert table.index.name == "question"  # named, so no 0, 1, 2 row numbers are shown
    assert table.loc["q1", "status"] == "correct"
    assert table.loc["q2", "status"] == "incorrect"
    assert table.loc["q4", "status"] == "not attempted"
    assert table.loc["q1", "hints_seen"] == 1
    assert list(table.index) == ["q1", "q2", "q3", "q4", "q5"]


def test_solution_cannot_modify_the_notebook_data(orders):
    before = orders.copy()
    q = Question("q1", "?", 1.0, solution_code="transactions['revenue'] = 0\nanswer = 1.0")
    q.ctx = {"transactions": orders}
    q.run_solution()
    pd.testing.assert_frame_equal(orders, before)


def test_unknown_question_and_chapter(orders):
    ex = make_set(orders)
    with pytest.raises(AttributeError, match="q9"):
        ex.q9  # noqa: B018
    with pytest.raises(ParameterError, match="no exercise bank"):
        exercises.load("no_such_chapter")
    with pytest.raises(ParameterError, match="chapter"):
        exercises.load("../x")


def _share_question(expected, **kw):
    q = Question(name="q", prompt="Conversion rate?", expected=expected, solution_code="answer = 0",
                 unit="share", **kw)
    q.ctx = {}
    return q


def test_the_printed_value_passes_and_five_percent_off_does_not():
    # the notebook prints 0.2464 for 0.246381..., 355.5 for 355.4629
    q = _share_question(0.246381, decimals=4)
    assert q.check(0.2464).correct
    assert q.check(0.246).correct  # within 0.5 %
    assert not q.check(0.246381 * 1.05).correct
    money = Question(name="q3", prompt="AOV?", expected=355.4629, solution_code="answer = 0", decimals=1)
    money.ctx = {}
    assert money.check(355.5).correct and not money.check(355.4629 * 0.95).correct
    # a large number printed to the thousand: ¥2,941,000 for 2,940,612
    big = Question(name="q", prompt="GMV?", expected=2_940_612.0, solution_code="", decimals=-3, rel_tol=1e-6)
    big.ctx = {}
    assert big.check(2_941_000).correct and not big.check(2_942_000).correct


def test_a_near_miss_says_give_more_digits_not_too_low():
    q = _share_question(0.1138, rel_tol=1e-4)
    result = q.check(0.11)
    assert not result.correct
    assert result.message.startswith("close: give more digits")
    assert "too low" not in result.message


def test_percentage_hint_only_for_shares():
    share = _share_question(0.025)
    assert "percentage" in share.check(2.5).message
    money = Question(name="q", prompt="AOV (CNY)?", expected=150.0, solution_code="")
    money.ctx = {}
    assert "percentage" not in money.check(15000.0).message
    percent = Question(name="q", prompt="Lift (%)?", expected=25.0, solution_code="", unit="percent")
    percent.ctx = {}
    assert "fraction where a percentage" in percent.check(0.25).message


def test_tolerance_is_stated_per_question():
    q = _share_question(0.246381, decimals=4)
    assert "0.50 %" in q.tolerance_text() or "0.5 %" in q.tolerance_text()
    assert "4 decimals" in q.tolerance_text()
    assert q.tolerance_text() in q._repr_markdown_()


def test_text_answers_accept_either_half_of_a_bilingual_name():
    q = Question(name="q", prompt="Which category?", expected="運動 Sports", solution_code="")
    q.ctx = {}
    for answer in ("Sports", "sports ", "運動", "運動 Sports"):
        assert q.check(answer).correct, answer
    assert not q.check("Apparel").correct
    names = Question(name="q", prompt="Which?", expected={"運動 Sports", "服飾 Apparel"}, solution_code="")
    names.ctx = {}
    assert names.check(["Sports", "服飾"]).correct
    assert "missing" in names.check(["Sports"]).message
    assert not names.check(["Sports", "服飾", "Books"]).correct


def test_update_gives_later_questions_their_objects():
    q = Question(name="q6", prompt="Expected purchases?", expected=lambda c: c["model"] * 2,
                 solution_code="answer = model * 2", requires=["model"])
    ex = ExerciseSet("demo", [q])
    q.ctx = {"model": None}
    assert ex.q6.check(4).status == "unavailable"
    ex.update(model=2.0)
    assert ex.q6.check(4).correct
    assert list(ex.progress()["status"]) == ["correct"]


def test_no_tolerance_is_stated_for_yes_no_or_text_answers(orders):
    ex = make_set(orders)
    assert "Accepted" not in ex.q4._repr_markdown_()
    assert "Accepted" not in ex.q5._repr_markdown_()
    assert "Accepted" in ex.q1._repr_markdown_()


def test_precision_check_finds_a_bank_that_rejects_its_printed_value():
    good = _share_question(0.246381, decimals=4)
    strict = Question(name="q2", prompt="AOV?", expected=355.4629, solution_code="", rel_tol=1e-6, decimals=None)
    loose = Question(name="q3", prompt="Units?", expected=3.0, solution_code="", rel_tol=0.2)
    for q in (good, strict, loose):
        q.ctx = {}
    report = ExerciseSet("demo", [good, strict, loose]).precision_check()
    assert report.loc["q", "printed_ok"] and report.loc["q", "off_rejected"]
    assert not report.loc["q2", "printed_ok"]  # 355 (3 significant digits) vs a 1e-6 tolerance
    assert not report.loc["q3", "off_rejected"]  # 20 % tolerance accepts 5 % off
