"""Exercises of chapter 9 (notebook ``06_risk``).

The notebook loads them with its own results::

    ex = exercises.load("risk", register=register, sim=sim, plan=plan, suppliers=suppliers,
                        flags=flags, answers=answers)

``register`` is the risk register table, ``sim`` the launch's :class:`ProfitSimulation`,
``plan`` the festival order plan, ``suppliers`` the suppliers table, ``flags`` the output of
:func:`detect_anomalies` and ``answers`` the compliance self-assessment. Expected answers are
computed from them with this chapter's functions, so they follow the notebook's parameters.
"""

from __future__ import annotations

from ecomlib.risk.compliance import compliance_score
from ecomlib.risk.dependence import dependence_risk
from ecomlib.risk.inventory import newsvendor
from ecomlib.risk.register import risk_matrix
from ecomlib.teaching import Mistake, Question

__all__ = ["build"]


def _scored(ctx):
    return risk_matrix(ctx["register"]).register


def _first_plan_row(ctx):
    return ctx["plan"].iloc[0]


def _newsvendor_q(ctx):
    row = _first_plan_row(ctx)
    return newsvendor(row["cu"], row["co"], mean=row["mean_demand"], sd=row["sd_demand"]).order_quantity


def _area_scores(ctx):
    return compliance_score(ctx["answers"]).drop(index="overall")["score"]


def build(ctx: dict) -> list[Question]:
    """Return the chapter-9 questions for the results in ``ctx``."""
    return [
        Question(
            name="q1",
            prompt="How many risks in the register are rated 'critical' (likelihood x impact of "
            "16 or more)?",
            expected=lambda c: int((_scored(c)["rating"] == "critical").sum()),
            rel_tol=0.0,
            decimals=0,
            unit="count",
            requires=["register"],
            hints=["Score each risk as likelihood x impact.",
                   "Count the scores of 16 and above (the 'critical' band, 16-25)."],
            mistakes=[Mistake(lambda c: int((_scored(c)["score"] >= 10).sum()),
                              "That counts 'high' risks too; critical starts at 16.")],
            solution_code="""
score = register["likelihood"] * register["impact"]
answer = int((score >= 16).sum())
""",
        ),
        Question(
            name="q2",
            prompt="In the launch simulation, what is the probability of making a loss, as a "
            "fraction (0.114 for the 11.4 % the section prints)?",
            expected=lambda c: float(c["sim"].prob_loss),
            decimals=3,
            unit="share",
            requires=["sim"],
            hints=["A loss is a scenario whose profit is below zero.",
                   "Take the mean of `sim.draws['profit'] < 0`."],
            mistakes=[Mistake(lambda c: float((c["sim"].draws["profit"] <= c["sim"].draws["profit"].mean()).mean()),
                              "That is the share below the average profit, not below zero.")],
            solution_code="""
answer = (sim.draws["profit"] < 0).mean()
""",
        ),
        Question(
            name="q3",
            prompt="For the first product of the festival plan, with normal demand (its "
            "`mean_demand`, `sd_demand`, which include the growth factor) and its `cu` and `co`, how "
            "many units should be ordered? Whole units; the plan rounds up, so one unit either way "
            "is accepted.",
            expected=_newsvendor_q,
            abs_tol=1.0,
            decimals=0,
            unit="count",
            requires=["plan"],
            hints=["The critical ratio is Cu / (Cu + Co).",
                   "Order mean + sd x z, with z the standard normal quantile of the critical ratio "
                   "(scipy.stats.norm.ppf)."],
            mistakes=[Mistake(lambda c: float(_first_plan_row(c)["mean_demand"]),
                              "Ordering the mean ignores the costs: when a shortage costs more "
                              "than a leftover, order above the mean.")],
            solution_code="""
from scipy import stats
row = plan.iloc[0]
ratio = row["cu"] / (row["cu"] + row["co"])
answer = row["mean_demand"] + row["sd_demand"] * stats.norm.ppf(ratio)
""",
        ),
        Question(
            name="q4",
            prompt="What is the HHI (0-10,000 scale) of the suppliers' shares of purchases?",
            decimals=0,
            unit="number",
            expected=lambda c: float(dependence_risk(c["suppliers"], by="supplier",
                                                     value="share_of_purchases")[1]["hhi"]),
            requires=["suppliers"],
            hints=["HHI is the sum of squared shares.",
                   "Express each share in percent (0-100) before squaring."],
            mistakes=[Mistake(lambda c: float((c["suppliers"]["share_of_purchases"] ** 2).sum()),
                              "On the 0-10,000 scale the shares are in percent: multiply by 100 "
                              "before squaring.")],
            solution_code="""
shares = 100 * suppliers["share_of_purchases"] / suppliers["share_of_purchases"].sum()
answer = (shares ** 2).sum()
""",
        ),
        Question(
            name="q5",
            prompt="On how many distinct days was at least one KPI flagged as an anomaly?",
            expected=lambda c: int(c["flags"].loc[c["flags"]["flagged"], "date"].nunique()),
            rel_tol=0.0,
            decimals=0,
            unit="count",
            requires=["flags"],
            hints=["Keep the rows of `flags` where `flagged` is True.",
                   "Several KPIs can be flagged on the same day: count distinct dates."],
            mistakes=[Mistake(lambda c: int(c["flags"]["flagged"].sum()),
                              "That counts (day, KPI) pairs; a day with two flagged KPIs counts once.")],
            solution_code="""
answer = flags.loc[flags["flagged"], "date"].nunique()
""",
        ),
        Question(
            name="q6",
            prompt="Which compliance area has the lowest self-assessment score? (its name, e.g. "
            "'advertising')",
            expected=lambda c: str(_area_scores(c).idxmin()),
            requires=["answers"],
            hints=["Score each area as sum(weight x points) / sum(weight) over applicable items.",
                   "`compliance_score(answers)` gives the table; drop the 'overall' row."],
            mistakes=[Mistake(lambda c: "overall", "'overall' is the total, not an area.")],
            solution_code="""
from ecomlib.risk import compliance_score
scores = compliance_score(answers).drop(index="overall")["score"]
answer = scores.idxmin()
""",
        ),
    ]
