"""Exercises for book chapter 6 (sections 6.1, 6.2, 6.4) (notebook ``04_traffic_conversion``).

The notebook loads them with its own data::

    ex = exercises.load("traffic", tx=tx, sessions=sessions, spend=spend, customers=customers,
                        experiment=experiment, touchpoints=touchpoints, alpha=alpha, power=power)

Tables are the canonical ones (None when missing); ``alpha`` and ``power`` are the notebook's
parameters. Expected answers are computed with this chapter's functions, so they follow the data.
"""

from __future__ import annotations

from ecomlib import viz
from ecomlib.teaching import Mistake, Question
from ecomlib.traffic.abtest import ab_test
from ecomlib.traffic.attribution import attribute
from ecomlib.traffic.channels import channel_performance
from ecomlib.traffic.funnel import funnel
from ecomlib.traffic.power import sample_size

__all__ = ["build"]

PLAN_BASELINE = 0.04
PLAN_MDE = 0.006


def _funnel(c):
    return funnel(c["sessions"])


def _perf(c):
    return channel_performance(c["spend"], c["sessions"], c["tx"], customers=c.get("customers"))


def _top_channel(c, model):
    table = attribute(c["touchpoints"], model=model)
    return str(table.loc[table["conversions"].idxmax(), "channel"])


def _worst_step(c):
    f = _funnel(c).iloc[1:]
    return str(f.loc[f["step_conversion"].idxmin(), "step"])


def _most_lost_step(c):
    f = _funnel(c).iloc[1:]
    return str(f.loc[f["dropped"].idxmax(), "step"])


def build(ctx: dict) -> list[Question]:
    """Return the chapter-6 questions for the data in ``ctx``."""
    alpha = float(ctx.get("alpha") or 0.05)
    power = float(ctx.get("power") or 0.8)
    return [
        Question(
            name="q1",
            prompt="What share of sessions ended in a purchase (sessions with a purchase / all "
            "sessions, the funnel's overall conversion), as a fraction (0.1028 for the 10.28 % "
            "the funnel section prints)?",
            expected=lambda c: float(_funnel(c)["overall_conversion"].iloc[-1]),
            decimals=4,
            unit="share",
            requires=["sessions"],
            hints=["Each session records the furthest step it reached in `step`.",
                   "Count the sessions whose step is 'purchase' and divide by all sessions."],
            mistakes=[Mistake(lambda c: float(_funnel(c)["step_conversion"].iloc[-1]),
                              "That is the checkout -> purchase step rate; the question asks for "
                              "purchases per session overall.")],
            solution_code="""
answer = (sessions["step"] == "purchase").mean()
""",
        ),
        Question(
            name="q2",
            prompt="At which funnel step is the step conversion (share of sessions that reached "
            "the previous step and also reach this one) lowest? Give the step name.",
            expected=_worst_step,
            requires=["sessions"],
            hints=["Use ecomlib.traffic.funnel(sessions) and look at `step_conversion`.",
                   "Skip the first step, whose step conversion is 1 by definition."],
            mistakes=[Mistake(_most_lost_step,
                              "That step loses the most sessions in number; the question asks "
                              "for the lowest rate.")],
            solution_code="""
from ecomlib.traffic import funnel
f = funnel(sessions).iloc[1:]
answer = f.loc[f["step_conversion"].idxmin(), "step"]
""",
        ),
        Question(
            name="q3",
            prompt=f"What did one new customer cost through the 'search' channel (CAC, "
            f"{viz.currency()} per new customer, whole units as the channel table prints it) over "
            "the period?",
            expected=lambda c: float(_perf(c).loc["search", "cac"]),
            decimals=0,
            unit="money",
            requires=["spend", "tx", "customers"],
            hints=["CAC = marketing spend / new customers acquired through the channel.",
                   "Sum `spend` for search; count customers whose `acquisition_channel` is search."],
            mistakes=[Mistake(lambda c: float(_perf(c).loc["search", "spend"]
                                              / _perf(c).loc["search", "orders"]),
                              "You divided by orders: repeat orders are not new customers.")],
            solution_code="""
cost = spend.loc[spend["channel"] == "search", "spend"].sum()
new = (customers["acquisition_channel"] == "search").sum()
answer = cost / new
""",
        ),
        Question(
            name="q4",
            prompt=f"Plan a test: baseline conversion {PLAN_BASELINE:.0%}, smallest lift worth "
            f"detecting +{100 * PLAN_MDE:.1f} percentage points, alpha {alpha:g}, power {power:g}. "
            "How many users per arm does the pooled formula (R's power.prop.test) require?",
            expected=lambda c: sample_size(PLAN_BASELINE, PLAN_MDE, alpha=alpha, power=power),
            decimals=0,
            unit="count",
            hints=["Use ecomlib.traffic.sample_size(baseline, mde, alpha=..., power=...).",
                   "`mde` is absolute: half a point is 0.005, not 0.5 and not a relative 12.5 %."],
            mistakes=[Mistake(lambda c: sample_size(PLAN_BASELINE, PLAN_MDE / 100, alpha=alpha,
                                                    power=power),
                              "Percentage points: one point is 0.01 in a rate."),
                      Mistake(lambda c: 2 * sample_size(PLAN_BASELINE, PLAN_MDE, alpha=alpha,
                                                        power=power),
                              "That is both arms together; the question asks per arm.")],
            solution_code=f"""
from ecomlib.traffic import sample_size
answer = sample_size({PLAN_BASELINE}, {PLAN_MDE}, alpha=alpha, power=power)
""",
        ),
        Question(
            name="q5",
            prompt="In the experiment, by how much did the treatment change conversion? Give the "
            "absolute lift in the share of test users who converted, treatment − control, as a "
            "fraction (0.0139 for the +1.39 points the test section prints).",
            expected=lambda c: ab_test(c["experiment"]).lift,
            decimals=4,
            unit="share",
            requires=["experiment"],
            hints=["Conversion rate per arm = mean of `converted` by `variant`.",
                   "Subtract the control rate from the treatment rate."],
            mistakes=[Mistake(lambda c: ab_test(c["experiment"]).relative_lift,
                              "That is the relative lift (treatment / control − 1).")],
            solution_code="""
rates = experiment.groupby("variant")["converted"].mean()
answer = rates["treatment"] - rates["control"]
""",
        ),
        Question(
            name="q6",
            prompt="Which channel gets the most conversions under the Markov attribution model?",
            expected=lambda c: _top_channel(c, "markov"),
            requires=["touchpoints"],
            hints=["Use ecomlib.traffic.attribute(touchpoints, model='markov').",
                   "Take the channel with the largest `conversions`."],
            solution_code="""
from ecomlib.traffic import attribute
table = attribute(touchpoints, model="markov")
answer = table.loc[table["conversions"].idxmax(), "channel"]
""",
        ),
    ]
