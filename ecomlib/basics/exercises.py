"""Exercises of chapter 2 (notebook ``00_basics``).

The notebook loads them with its own data::

    ex = exercises.load("basics", tx=tx, sessions=sessions, base=base, current=current)

``tx`` and ``sessions`` are the canonical tables, ``base`` and ``current`` the two periods
(first day, last day) the notebook compares. Expected answers are computed from them with
this chapter's functions, so they follow the notebook's parameters.
"""

from __future__ import annotations

from ecomlib.basics.decomposition import compare_periods, what_if
from ecomlib.basics.kpi_tree import kpi_tree
from ecomlib.teaching import Mistake, Question

__all__ = ["build"]


def _completed(ctx):
    tx = ctx["tx"]
    return tx.loc[tx["status"] == "completed"]


def _total(ctx):
    return kpi_tree(ctx["tx"], ctx.get("sessions")).total()


def build(ctx: dict) -> list[Question]:
    """Return the chapter-2 questions for the data in ``ctx``."""
    return [
        Question(
            name="q1",
            prompt="What was the shop's GMV over the whole period, in CNY? (GMV = revenue of "
            "completed order lines.)",
            expected=lambda c: float(_completed(c)["revenue"].sum()),
            decimals=0,  # printed as ¥21,145,644
            unit="money",
            requires=["tx"],
            hints=[
                "GMV is a sum of the `revenue` column.",
                "Keep only the rows whose `status` is 'completed' before summing.",
            ],
            mistakes=[
                Mistake(lambda c: c["tx"]["revenue"].sum(),
                        "You summed every line: cancelled and returned lines are not sales."),
                Mistake(lambda c: c["tx"].loc[c["tx"]["status"] != "cancelled", "revenue"].sum(),
                        "Close: that is net of returns. GMV counts completed lines, before returns."),
            ],
            solution_code="""
completed = tx[tx["status"] == "completed"]
answer = completed["revenue"].sum()
""",
        ),
        Question(
            name="q2",
            prompt="What was the conversion rate of the whole period, completed orders per distinct "
            "visitor (the KPI tree's conversion_rate), as a fraction (0.05 = 5 %)?",
            expected=lambda c: float(_total(c)["conversion_rate"]),
            decimals=4,  # printed as a percent with 2 decimals (24.64% = 0.2464)
            unit="share",
            requires=["tx", "sessions"],
            hints=[
                "Conversion rate = completed orders / distinct visitors.",
                "Count orders with `nunique()` on `order_id` (an order has several lines) and "
                "visitors with `nunique()` on `sessions['visitor_id']`.",
            ],
            mistakes=[
                Mistake(lambda c: _completed(c)["order_id"].nunique() / len(c["sessions"]),
                        "You divided by sessions (visits); the tree counts distinct visitors."),
                Mistake(lambda c: len(_completed(c)) / c["sessions"]["visitor_id"].nunique(),
                        "You counted order lines, not orders: one order can have several lines."),
            ],
            solution_code="""
orders = tx.loc[tx["status"] == "completed", "order_id"].nunique()
visitors = sessions["visitor_id"].nunique()
answer = orders / visitors
""",
        ),
        Question(
            name="q3",
            prompt="What was the average order value (AOV, 客單價) of the whole period, in CNY per "
            "completed order?",
            expected=lambda c: float(_total(c)["aov"]),
            decimals=1,  # printed as ¥355.5
            unit="money",
            requires=["tx"],
            hints=[
                "AOV = GMV / number of orders.",
                "Check it: AOV should equal units per order x price per unit in the tree.",
            ],
            mistakes=[
                Mistake(lambda c: _completed(c)["revenue"].mean(),
                        "That is the average order *line*; AOV divides by distinct orders."),
                Mistake(lambda c: float(_total(c)["gmv"] / _total(c)["visitors"]),
                        "That is revenue per visitor; AOV divides by orders."),
            ],
            solution_code="""
completed = tx[tx["status"] == "completed"]
answer = completed["revenue"].sum() / completed["order_id"].nunique()
""",
        ),
        Question(
            name="q4",
            prompt="Which sales channel (the `channel` of the transactions) brought the highest GMV "
            "over the whole period? (its name, e.g. 'email')",
            expected=lambda c: str(
                kpi_tree(c["tx"], by="channel").table["gmv"].idxmax()
            ),
            requires=["tx"],
            hints=[
                "Group completed lines by `channel` and sum `revenue`.",
                "`kpi_tree(tx, by='channel').summary()` has a `gmv` column; `.idxmax()` names "
                "the largest.",
            ],
            mistakes=[
                Mistake(lambda c: str(c["tx"].groupby("channel")["revenue"].sum().idxmax()),
                        "Did you leave cancelled and returned lines in?"),
            ],
            solution_code="""
from ecomlib.basics import kpi_tree
by_channel = kpi_tree(tx, by="channel").summary()
answer = by_channel["gmv"].idxmax()
""",
        ),
        Question(
            name="q5",
            prompt="If conversion rose by 10 % and the price per unit fell by 5 %, with "
            "everything else unchanged, what would the whole period's GMV be, in CNY? (Accepted "
            "within 0.1 %: adding the two changes instead of multiplying them is only 0.5 % off.)",
            expected=lambda c: float(what_if(_total_tree(c), conversion_rate=0.10,
                                             price_per_unit=-0.05).table.loc["total", "gmv_current"]),
            decimals=0,
            rel_tol=1e-3,  # the additive mistake (x 1.05 instead of x 1.045) is 0.48 % off
            unit="money",
            requires=["tx", "sessions"],
            hints=[
                "The drivers multiply: GMV = visitors x conversion x units/order x price/unit.",
                "Multiply today's GMV by 1.10 and by 0.95.",
            ],
            mistakes=[
                Mistake(lambda c: float(_total(c)["gmv"]) * (1 + 0.10 - 0.05),
                        "Changes of multiplied drivers multiply; they do not add up."),
                Mistake(lambda c: float(_total(c)["gmv"]) * (1.10 * 0.95 - 1),
                        "That is the change of GMV; the question asks for the new GMV."),
            ],
            solution_code="""
from ecomlib.basics import kpi_tree, what_if
scenario = what_if(kpi_tree(tx, sessions), conversion_rate=0.10, price_per_unit=-0.05)
answer = scenario.table.loc["total", "gmv_current"]
""",
        ),
        Question(
            name="q6",
            prompt="Between the base and current periods, which driver contributed most to the "
            "change of GMV (largest contribution in absolute value)? Answer with its column "
            "name: visitors, conversion_rate, units_per_order or price_per_unit.",
            expected=lambda c: str(_decomposition(c).contributions.loc["total"].abs().idxmax()),
            requires=["tx", "sessions", "base", "current"],
            hints=[
                "Use compare_periods(tx, sessions, base=base, current=current).",
                "Look at the 'total' row of `.contributions`; take the absolute values first "
                "(a large fall matters as much as a large rise).",
            ],
            mistakes=[
                Mistake(lambda c: str(_decomposition(c).contributions.loc["total"].idxmax()),
                        "You took the largest rise; compare absolute values, falls count too."),
            ],
            solution_code="""
from ecomlib.basics import compare_periods
change = compare_periods(tx, sessions, base=base, current=current)
answer = change.contributions.loc["total"].abs().idxmax()
""",
        ),
    ]


def _total_tree(ctx):
    return kpi_tree(ctx["tx"], ctx.get("sessions"))


def _decomposition(ctx):
    return compare_periods(ctx["tx"], ctx["sessions"], base=ctx["base"], current=ctx["current"])
