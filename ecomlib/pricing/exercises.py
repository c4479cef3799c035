"""Exercises of chapter 3.3 (notebook ``02_pricing``).

The notebook loads them with its own data::

    ex = exercises.load("pricing", tx=tx, costs=costs, survey_answers=survey_answers)
    ...
    ex.update(fit=fit)          # after the elasticity section

``tx`` is the transactions table, ``fit`` the notebook's :class:`ElasticityResult`,
``costs`` a dict category -> unit cost (CNY) and ``survey_answers`` the price-survey answers (None
when missing; the notebook's parameter ``survey`` is only the path of that table). Expected
answers are computed from them with this chapter's functions, so
they follow the notebook's parameters.
"""

from __future__ import annotations

from ecomlib.pricing.break_even import break_even_volume
from ecomlib.pricing.demand import markup_rule_price
from ecomlib.pricing.van_westendorp import van_westendorp
from ecomlib.teaching import Mistake, Question

__all__ = ["build"]


def _elastic(ctx) -> tuple[str, float]:
    """The identifiable group with the most negative elasticity, and that elasticity."""
    table = ctx["fit"].summary()
    table = table[table["identifiable"] & (table["elasticity"] < -1)]
    group = str(table["elasticity"].idxmin())
    return group, float(table.loc[group, "elasticity"])


def _completed(ctx):
    tx = ctx["tx"]
    return tx.loc[(tx["status"] == "completed") & (tx["quantity"] > 0)]


def _top_category(ctx) -> str:
    sales = _completed(ctx)
    return str(sales.groupby("category")["revenue"].sum().idxmax())


def build(ctx: dict) -> list[Question]:
    """Return the chapter-3.3 questions for the data in ``ctx``."""
    return [
        Question(
            name="q1",
            prompt="Break-even: the shop cuts a price by 15 % at a gross margin of 40 %. By what "
            "fraction must units rise to keep the same gross profit? Give a fraction (0.5 = +50 %), "
            "to 4 decimals.",
            expected=lambda c: break_even_volume(-0.15, 0.40),
            decimals=4,
            unit="share",
            hints=["After the cut, each unit earns 40 % - 15 % = 25 % of the old price.",
                   "Units must rise so that new units x 25 % = old units x 40 %."],
            mistakes=[Mistake(lambda c: 0.15 / 0.40,
                              "You divided by the old margin; divide by the margin left after "
                              "the cut (m + dp).")],
            solution_code="""
answer = 0.15 / (0.40 - 0.15)
""",
        ),
        Question(
            name="q2",
            prompt="Which category is the most price-elastic (the most negative identifiable "
            "elasticity in `fit.summary()`)? Give its name as in the table.",
            expected=lambda c: _elastic(c)[0],
            requires=["fit"],
            hints=["Look at the `elasticity` column of `fit.summary()`.",
                   "Most elastic = most negative; use `.idxmin()`."],
            solution_code="""
table = fit.summary()
answer = table.loc[table["identifiable"], "elasticity"].idxmin()
""",
        ),
        Question(
            name="q3",
            prompt="Markup rule: using that category's estimated elasticity e and its unit cost c "
            "from `costs`, what price p* = c * e / (1 + e) maximises gross profit? Give it in the data's currency, "
            "to 2 decimals, from the unrounded e and c.",
            expected=lambda c: markup_rule_price(c["costs"][_elastic(c)[0]], _elastic(c)[1]),
            decimals=2,
            unit="money",
            requires=["fit", "costs"],
            hints=["e is negative and below -1, so e / (1 + e) is above 1: the price is a "
                   "markup on cost.",
                   "p* = c * e / (1 + e), with c = costs[category]."],
            mistakes=[Mistake(lambda c: c["costs"][_elastic(c)[0]] * (1 + _elastic(c)[1]) / _elastic(c)[1],
                              "You turned the fraction upside down: it is e / (1 + e), not "
                              "(1 + e) / e.")],
            solution_code="""
table = fit.summary()
category = table.loc[table["identifiable"], "elasticity"].idxmin()
e = table.loc[category, "elasticity"]
answer = costs[category] * e / (1 + e)
""",
        ),
        Question(
            name="q4",
            prompt="What was the average paid price per unit of the largest category by revenue, over "
            "completed sales (revenue / units, not the mean of `unit_price`)? This is the "
            "`avg_price` of that category in the unit-economics table, which prints it to 1 decimal.",
            expected=lambda c: float(_completed(c).loc[_completed(c)["category"] == _top_category(c), "revenue"].sum()
                                     / _completed(c).loc[_completed(c)["category"] == _top_category(c), "quantity"].sum()),
            decimals=1,
            unit="money",
            requires=["tx"],
            hints=["Keep completed lines with a positive quantity, then the category with the "
                   "largest revenue.",
                   "Divide that category's revenue by its units: each line counts by its quantity."],
            mistakes=[Mistake(lambda c: float(_completed(c).loc[_completed(c)["category"] == _top_category(c), "unit_price"].mean()),
                              "That is the mean over lines; weight each line by its quantity "
                              "(revenue / units).")],
            solution_code="""
sold = tx[(tx["status"] == "completed") & (tx["quantity"] > 0)]
top = sold.groupby("category")["revenue"].sum().idxmax()
rows = sold[sold["category"] == top]
answer = rows["revenue"].sum() / rows["quantity"].sum()
""",
        ),
        Question(
            name="q5",
            prompt="Van Westendorp: in the WHOLE survey table `survey_answers` (every category, not only the "
            "focus category the section's printout counts), how many respondents gave inconsistent "
            "answers (not too cheap <= cheap <= expensive <= too expensive)?",
            expected=lambda c: van_westendorp(c["survey_answers"]).n_inconsistent,
            decimals=0,
            unit="count",
            requires=["survey_answers"],
            hints=["Compare neighbouring answers of each respondent.",
                   "Count rows where any of too_cheap > cheap, cheap > expensive, "
                   "expensive > too_expensive holds."],
            solution_code="""
bad = ((survey_answers["too_cheap"] > survey_answers["cheap"])
       | (survey_answers["cheap"] > survey_answers["expensive"])
       | (survey_answers["expensive"] > survey_answers["too_expensive"]))
answer = int(bad.sum())
""",
        ),
        Question(
            name="q6",
            prompt="Inelastic demand: for a category with elasticity -0.8, does a 10 % price rise "
            "increase revenue? Answer True or False.",
            expected=lambda c: bool(1.1 * 1.1 ** -0.8 > 1),
            hints=["Revenue = price x units; units change by the factor 1.1 ** e.",
                   "Compare 1.1 x 1.1 ** -0.8 with 1."],
            solution_code="""
answer = 1.1 * 1.1 ** -0.8 > 1
""",
        ),
    ]
