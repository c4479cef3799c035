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
    for wrong, words in [(15000.0, "percentage"), (-150.0, "sign"), (140.0, "too low"), ("150", "number")]:
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
    table = ex.progress().set_index("question")
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
