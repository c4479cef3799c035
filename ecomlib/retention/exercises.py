"""Exercises for book section 6.3 (notebook ``05_retention``).

The notebook loads them with its own data and settings::

    ex = exercises.load("retention", tx=tx, as_of=as_of, churn_days=churn_days)
    ...
    ex.update(bg=bg)        # once the model is fitted, further down

``tx`` is the canonical transactions table, ``as_of`` the end of observation (a Timestamp),
``churn_days`` the inactivity threshold and ``bg`` the fitted BG/NBD model (weeks; None when
it could not be fitted, and q6 then says it is unavailable). One bank, one progress table. Expected answers are computed with this chapter's functions, so they
follow the notebook's parameters.
"""

from __future__ import annotations

from ecomlib.engine.rules import is_ibis
from ecomlib.retention.churn import (
    churn_table,
    gap_distribution,
    gap_quantile,
    repeat_purchase_rate,
)
from ecomlib.retention.clv import retention_clv
from ecomlib.retention.cohorts import cohort_table
from ecomlib.retention.segments import rfm_scores, rfm_segments
from ecomlib.teaching import Mistake, Question

__all__ = ["build"]


def _frame(ctx):
    """The lines as a pandas frame, for the checks of common mistakes (an ibis Table is loaded:
    only when a student's answer is wrong, on the data a student works with)."""
    tx = ctx["tx"]
    return tx.to_pandas() if is_ibis(tx) else tx


def _gap_mean(ctx) -> float:
    gaps = gap_distribution(ctx["tx"], ctx["as_of"])
    return float((gaps["gap_days"] * gaps["repeat_purchases"]).sum() / gaps["repeat_purchases"].sum())


def _known(ctx):
    tx = _frame(ctx)
    return tx[tx["customer_id"].notna() & (tx["status"] != "cancelled") & (tx["quantity"] > 0)]


def _days_with_any_line(ctx) -> float:
    tx = _frame(ctx)
    known = tx[tx["customer_id"].notna()]
    days = known.assign(day=known["order_date"].dt.floor("D")).groupby("customer_id")["day"].nunique()
    return float((days > 1).mean())


def _first_cohort_month1(ctx) -> float:
    table = cohort_table(ctx["tx"], "M", "customers", normalize=True)
    return float(table.iloc[0, 1])


def build(ctx: dict) -> list[Question]:
    """Return the section-6.3 questions for the data in ``ctx``."""
    return [
        Question(
            name="q1",
            prompt="What share of identified customers came back for a second purchase day "
            "(repeat-purchase rate, as a fraction: 0.573 for the 57.3 % the section prints)? Cancelled "
            "and return lines are not purchases.",
            expected=lambda c: float(repeat_purchase_rate(c["tx"], as_of=c["as_of"])["repeat_rate"]),
            decimals=3,
            unit="share",
            requires=["tx", "as_of"],
            hints=[
                "Count each customer's distinct purchase *days* "
                "(`order_date.dt.floor('D')`), not orders or lines.",
                "Keep lines with a customer id, status other than 'cancelled' and quantity > 0; "
                "then share of customers with 2 or more days.",
            ],
            mistakes=[
                Mistake(lambda c: float((_known(c).groupby("customer_id").size() > 1).mean()),
                        "You counted order lines: one order with two items is one purchase."),
                Mistake(lambda c: float((_known(c).groupby("customer_id")["order_id"].nunique() > 1).mean()),
                        "You counted orders: two orders on the same day are one purchase occasion."),
                Mistake(_days_with_any_line,
                        "Did you keep cancelled attempts or return lines? They are not purchases."),
            ],
            solution_code="""
buys = tx[tx["customer_id"].notna() & (tx["status"] != "cancelled") & (tx["quantity"] > 0)]
buys = buys.assign(day=buys["order_date"].dt.floor("D"))
days = buys[buys["day"] <= as_of].groupby("customer_id")["day"].nunique()
answer = (days >= 2).mean()
""",
        ),
        Question(
            name="q2",
            prompt="In the first monthly cohort (customers whose first purchase fell in the first "
            "month of the data), what share bought again in the following calendar month (a fraction)?",
            expected=_first_cohort_month1,
            decimals=3,
            unit="share",
            requires=["tx"],
            hints=[
                "`cohort_table(tx, 'M', 'customers')` gives one row per cohort and one column per "
                "month since the first purchase.",
                "Read row 0, column 1 (column 0 is the first month itself, always 100 %).",
            ],
            mistakes=[
                Mistake(lambda c: float(cohort_table(c["tx"], "M", "customers").iloc[1, 0]),
                        "That is the second cohort's first month (always 100 %); take the first "
                        "cohort's month 1."),
            ],
            solution_code="""
from ecomlib.retention import cohort_table
answer = cohort_table(tx, "M", "customers").iloc[0, 1]
""",
        ),
        Question(
            name="q3",
            prompt="What is the median time between two consecutive purchase days of the same "
            "customer, in days?",
            expected=lambda c: gap_quantile(gap_distribution(c["tx"], c["as_of"]), 0.5),
            decimals=0,
            unit="number",
            requires=["tx", "as_of"],
            hints=[
                "`inter_purchase_times(tx)` lists one gap per repeat purchase (column `gap_days`).",
                "Take the median, not the mean: a few very long gaps pull the mean up.",
            ],
            mistakes=[
                Mistake(_gap_mean, "That is the mean; the question asks for the median."),
            ],
            solution_code="""
from ecomlib.retention import inter_purchase_times
answer = inter_purchase_times(tx, as_of)["gap_days"].median()
""",
        ),
        Question(
            name="q4",
            prompt="With the notebook's churn threshold (`churn_days`), what share of customers "
            "had been declared lost by `as_of` (as a fraction)?",
            expected=lambda c: float(churn_table(c["tx"], c["churn_days"], c["as_of"])["churned"].mean()),
            decimals=3,
            unit="share",
            requires=["tx", "churn_days", "as_of"],
            hints=[
                "`churn_table(tx, churn_days, as_of)` has a bool column `churned`.",
                "The mean of a bool column is the share of True values.",
            ],
            mistakes=[
                Mistake(lambda c: float(1 - churn_table(c["tx"], c["churn_days"], c["as_of"])["churned"].mean()),
                        "That is the share still active; the question asks for the share lost."),
            ],
            solution_code="""
from ecomlib.retention import churn_table
answer = churn_table(tx, churn_days, as_of)["churned"].mean()
""",
        ),
        Question(
            name="q5",
            prompt="Constant-retention formula CLV = m r / (1 + d - r): a shop earns a margin of 100 CNY a year from each active customer, "
            "keeps 60 % of its customers each year and discounts future money at 10 % a year. "
            "What is a customer's lifetime value (in the same money, whole units)?",
            expected=lambda c: float(retention_clv(100.0, 0.6, 0.1)),
            decimals=0,
            unit="money",
            hints=[
                "CLV = m x r / (1 + d - r).",
                "m = 100, r = 0.6, d = 0.1.",
            ],
            mistakes=[
                Mistake(lambda c: 100.0 * 0.6 / (1 - 0.6),
                        "You left out the discount rate: money next year is worth less today."),
                Mistake(lambda c: 100.0 / (1 + 0.1 - 0.6),
                        "The formula multiplies the margin by r: the first margin is earned only if "
                        "the customer stays."),
            ],
            solution_code="""
from ecomlib.retention import retention_clv
answer = retention_clv(100.0, 0.6, 0.1)
""",
        ),
        Question(
            name="q6",
            prompt="With the fitted BG/NBD model (`bg`, time in weeks), how many purchases do you "
            "expect in the next 52 weeks from a customer who made 3 repeat purchases, the last "
            "one 40 weeks after the first, and whose first purchase was 60 weeks ago (2 decimals)?",
            expected=lambda c: float(c["bg"].conditional_expected_purchases(52, 3, 40, 60)),
            decimals=2,
            unit="number",
            requires=["bg"],
            hints=[
                "Use `bg.conditional_expected_purchases(t, frequency, recency, T)`.",
                "t = 52, frequency = 3, recency = 40, T = 60 (all in weeks).",
            ],
            mistakes=[
                Mistake(lambda c: float(c["bg"].expected_purchases(52)),
                        "That is for a brand-new customer; use the customer's own history "
                        "(conditional_expected_purchases)."),
                Mistake(lambda c: float(c["bg"].conditional_expected_purchases(52, 3, 60, 40)),
                        "Recency (40) is the time of the last purchase; T (60) is the customer's age."),
            ],
            solution_code="""
answer = bg.conditional_expected_purchases(52, 3, 40, 60)
""",
        ),
        Question(
            name="q7",
            prompt="With quintile RFM scores as of `as_of` and the default segment map, how many "
            "customers are 'Champions'?",
            expected=lambda c: float((rfm_segments(rfm_scores(c["tx"], c["as_of"]))["segment"]
                                      == "Champions").sum()),
            rel_tol=0.0,
            decimals=0,
            unit="count",
            requires=["tx", "as_of"],
            hints=[
                "`rfm_segments(rfm_scores(tx, as_of))` adds a `segment` column.",
                "Count the rows whose segment is 'Champions'.",
            ],
            mistakes=[
                Mistake(lambda c: float((rfm_segments(rfm_scores(c["tx"], c["as_of"]))["segment"]
                                         == "Champions").mean()),
                        "That is the share; the question asks for the number of customers."),
            ],
            solution_code="""
from ecomlib.retention import rfm_scores, rfm_segments
segments = rfm_segments(rfm_scores(tx, as_of))
answer = (segments["segment"] == "Champions").sum()
""",
        ),
    ]
