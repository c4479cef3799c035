"""Exercises of chapters 3.5 and 8 (notebook ``08_service_team``).

The notebook loads them with its own tables and settings::

    ex = exercises.load("service", tickets=tickets, sla_minutes=sla_minutes, handle_minutes=handle_minutes,
                        target_service_level=target_service_level, answer_within_minutes=answer_within_minutes,
                        interval_minutes=interval_minutes, kpi=kpi, bonus_threshold=threshold,
                        bonus_rate=bonus_rate, survey=survey)

Expected answers are computed with this chapter's functions, so they follow the parameters.
"""

from __future__ import annotations

import numpy as np

from ecomlib.service.erlang import agents_needed, offered_load
from ecomlib.service.incentives import payout
from ecomlib.service.levels import first_contact_resolution, reasons_pareto, sla_attainment
from ecomlib.service.survey import cronbach_alpha
from ecomlib.teaching import Mistake, Question

__all__ = ["ENGAGEMENT_ITEMS", "build"]

ENGAGEMENT_ITEMS = ["eng1", "eng2", "eng3", "eng4"]


def _sla(c):
    return float(sla_attainment(c["tickets"], c["sla_minutes"])["share"].iloc[0])


def _answered_share(c):
    t = c["tickets"]
    wait = (t["first_response"] - t["created"]).dt.total_seconds() / 60
    return float((wait[wait.notna()] <= c["sla_minutes"]).mean())


def _agents(c, peak):
    load = offered_load(peak, c["handle_minutes"], c["interval_minutes"])
    return int(agents_needed(float(load), c["handle_minutes"], c["answer_within_minutes"],
                             c["target_service_level"]))


def build(ctx: dict) -> list[Question]:
    """Return the chapter's questions for the tables and settings in ``ctx``."""
    return [
        Question(
            name="q1",
            prompt="What share of all tickets got a first response within `sla_minutes`? As a "
            "fraction (0.8 for 80 %); tickets never answered count as missed.",
            expected=_sla,
            decimals=3,
            unit="share",
            requires=["tickets"],
            hints=["Response time = first_response - created, in minutes.",
                   "Divide by the number of all tickets, answered or not."],
            mistakes=[Mistake(_answered_share, "That divides by answered tickets only; an unanswered "
                              "ticket missed the SLA too.")],
            solution_code="""
wait = (tickets["first_response"] - tickets["created"]).dt.total_seconds() / 60
answer = (wait <= sla_minutes).mean()
""",
        ),
        Question(
            name="q2",
            prompt="What share of tickets was resolved at the first contact (one contact and "
            "resolved)? As a fraction.",
            expected=lambda c: float(first_contact_resolution(c["tickets"])["share"].iloc[0]),
            decimals=3,
            unit="share",
            requires=["tickets"],
            hints=["A first-contact resolution has `contacts == 1`.",
                   "It must also be resolved: `resolved` is not missing."],
            mistakes=[Mistake(lambda c: float((c["tickets"]["contacts"] > 1).mean()),
                              "That is the share that needed more than one contact: the opposite.")],
            solution_code="""
answer = ((tickets["contacts"] == 1) & tickets["resolved"].notna()).mean()
""",
        ),
        Question(
            name="q3",
            prompt="How many contact reasons make up the 'vital few' - the fewest reasons, largest "
            "first, that together reach 80 % of tickets?",
            expected=lambda c: int(reasons_pareto(c["tickets"])["vital_few"].sum()),
            rel_tol=0.0,
            decimals=0,
            unit="count",
            requires=["tickets"],
            hints=["Count tickets per reason and sort from largest to smallest.",
                   "Take the cumulative share; count reasons up to and including the one that reaches 80 %."],
            solution_code="""
share = tickets["reason"].value_counts(normalize=True)
answer = int((share.cumsum().shift(fill_value=0) < 0.8).sum())
""",
        ),
        Question(
            name="q4",
            prompt="With 40 contacts arriving per interval, how many agents must be answering "
            "(before shrinkage) to reach the target service level? Use the notebook's handle time, "
            "interval, answer-within time and target.",
            expected=lambda c: _agents(c, 40),
            rel_tol=0.0,
            decimals=0,
            unit="count",
            requires=["handle_minutes"],
            hints=["The load in Erlangs is arrivals / interval minutes x handle minutes.",
                   "`agents_needed(load, handle_minutes, answer_within_minutes, target_service_level)`."],
            mistakes=[Mistake(lambda c: int(np.ceil(offered_load(40, c["handle_minutes"], c["interval_minutes"]))),
                              "That is the load rounded up: with exactly that many agents nearly everyone waits.")],
            solution_code="""
from ecomlib.service import agents_needed, offered_load
load = offered_load(40, handle_minutes, interval_minutes)
answer = int(agents_needed(load, handle_minutes, answer_within_minutes, target_service_level))
""",
        ),
        Question(
            name="q5",
            prompt="Under the threshold plan (rate x KPI once the KPI reaches the threshold), what "
            "would one agent-period with the median KPI of `kpi` be paid, in CNY?",
            expected=lambda c: float(payout(np.median(c["kpi"]), c["bonus_threshold"], c["bonus_rate"], "threshold")),
            abs_tol=0.5,
            decimals=0,
            unit="CNY",
            requires=["kpi"],
            hints=["Take the median of `kpi`.",
                   "Below the threshold it pays nothing; at or above it pays rate x KPI (all units, not only "
                   "those above)."],
            mistakes=[Mistake(lambda c: float(payout(np.median(c["kpi"]), c["bonus_threshold"], c["bonus_rate"],
                                                     "linear")),
                              "That is the linear plan (units above the threshold only).")],
            solution_code="""
import numpy as np
x = np.median(kpi)
answer = bonus_rate * x if x >= bonus_threshold else 0.0
""",
        ),
        Question(
            name="q6",
            prompt="What is Cronbach's alpha of the engagement scale (items eng1-eng4)?",
            expected=lambda c: cronbach_alpha(c["survey"], ENGAGEMENT_ITEMS).alpha,
            decimals=3,
            unit="number",
            requires=["survey"],
            hints=["alpha = k / (k - 1) x (1 - sum of item variances / variance of the total).",
                   "Use sample variances (ddof=1) and the sum of the four items as the total."],
            mistakes=[Mistake(lambda c: float(c["survey"][ENGAGEMENT_ITEMS].corr().to_numpy()[np.triu_indices(4, 1)].mean()),
                              "That is the mean inter-item correlation, not alpha.")],
            solution_code="""
items = survey[["eng1", "eng2", "eng3", "eng4"]]
k = items.shape[1]
answer = k / (k - 1) * (1 - items.var(ddof=1).sum() / items.sum(axis=1).var(ddof=1))
""",
        ),
    ]
