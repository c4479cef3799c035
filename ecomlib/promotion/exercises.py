"""Exercises of chapters 3.4 and 5.3 (notebook ``03_promotion_roi``).

The notebook loads them with its own results::

    ex = exercises.load("promotion", campaigns=campaigns, effects=focus, margin=margin, discount=0.2)
    ...
    ex.update(panel=panel_data)      # after the DiD section

``campaigns`` is the campaign table, ``effects`` the :class:`PromotionEffects` of the promotion
the notebook studies, ``panel`` the category x week panel of the DiD section (None when no
category promotion exists), ``margin`` the gross margin (fraction) and ``discount`` a discount
depth. Expected answers are computed from them, so they follow the notebook's parameters.
"""

from __future__ import annotations

from ecomlib.promotion.did import did
from ecomlib.promotion.economics import break_even_lift, max_discount_for_lift
from ecomlib.teaching import Mistake, Question

__all__ = ["build"]


def _best(ctx):
    return ctx["campaigns"].dropna(subset=["roi"]).sort_values("roi", ascending=False).iloc[0]


def _during(ctx):
    return ctx["effects"].baselines["lift"].effect("during")


def _focus_name(ctx) -> str:
    effects = ctx.get("effects")
    return f"promotion {effects.promo_id}" if effects is not None else "the promotion in `effects`"


def build(ctx: dict) -> list[Question]:
    """Return the promotion chapter's questions for the results in ``ctx``."""
    return [
        Question(
            name="q1",
            prompt="A promotion cuts the price by `discount` at a gross margin of `margin` (both "
            "fractions of the price). By how much must units rise to keep gross profit the same? "
            "Give a fraction (0.5 = +50 %), to 4 decimals.",
            expected=lambda c: float(break_even_lift(c["discount"], c["margin"])),
            decimals=4,
            unit="share",
            requires=["discount", "margin"],
            hints=["Profit per unit falls from m to m - d; units must make up the difference.",
                   "Solve (1 + L)(m - d) = m for L."],
            mistakes=[Mistake(lambda c: c["discount"] / c["margin"],
                              "Close: the new unit profit is m - d, so divide d by (m - d), not by m.")],
            solution_code="""
answer = discount / (margin - discount)
""",
        ),
        Question(
            name="q2",
            prompt="Which promotion of the campaign table had the highest ROI? (its promo_id)",
            expected=lambda c: str(_best(c)["promo_id"]),
            requires=["campaigns"],
            hints=["ROI = (net incremental margin - cost) / cost; the table has it.",
                   "Sort the table by `roi` and take the first promo_id."],
            mistakes=[Mistake(lambda c: str(c["campaigns"].sort_values("incremental_revenue", ascending=False)
                                            .iloc[0]["promo_id"]),
                              "That one sold the most extra revenue; ROI also weighs its cost and margin.")],
            solution_code="""
answer = campaigns.sort_values("roi", ascending=False)["promo_id"].iloc[0]
""",
        ),
        Question(
            name="q3",
            prompt="What was the ROI of the promotion with the highest ROI in `campaigns`, as a fraction "
            "(0.25 = 25 %)? Compute it from its `net_margin` and `cost`; the section prints it as a "
            "percentage with 1 decimal (-36.7 % is -0.367).",
            expected=lambda c: float((_best(c)["net_margin"] - _best(c)["cost"]) / _best(c)["cost"]),
            decimals=3,
            unit="share",
            requires=["campaigns"],
            hints=["ROI = (net margin - cost) / cost.", "Take the row with the highest roi."],
            mistakes=[Mistake(lambda c: float(_best(c)["net_margin"] / _best(c)["cost"]),
                              "That is margin per CNY of cost; ROI subtracts the cost first.")],
            solution_code="""
best = campaigns.sort_values("roi", ascending=False).iloc[0]
answer = (best["net_margin"] - best["cost"]) / best["cost"]
""",
        ),
        Question(
            name="q4",
            prompt=f"For {_focus_name(ctx)} — the promotion whose baseline the timetable section plots, "
            "passed to the bank as `effects` — what was its relative lift in units during the "
            "promotion (actual / baseline - 1), as a fraction? Use `effects.baselines['lift'].frame`; "
            "the section prints it as a percentage with 1 decimal.",
            expected=lambda c: float(_during(c)["relative"]),
            decimals=3,
            unit="share",
            requires=["effects"],
            hints=["`effects.baselines['lift'].frame` has daily `actual` and `baseline` and a `period`.",
                   "Sum both over the rows where period == 'during', divide, subtract 1."],
            mistakes=[Mistake(lambda c: float(_during(c)["actual"] / _during(c)["baseline"]),
                              "That is the ratio; the lift is the ratio minus 1.")],
            solution_code="""
frame = effects.baselines["lift"].frame
during = frame[frame["period"] == "during"]
answer = during["actual"].sum() / during["baseline"].sum() - 1
""",
        ),
        Question(
            name="q5",
            prompt="From the DiD panel, compute the difference-in-differences by hand from the four "
            "means of `log_units`: (treated after - treated before) - (control after - control before), "
            "in log units; the section prints the estimate to 3 decimals.",
            expected=lambda c: float(did(c["panel"], outcome="log_units", treated="treated", post="post").estimate),
            decimals=3,
            unit="number",
            requires=["panel"],
            hints=["Group the panel by `treated` and `post` and take the mean of `log_units`.",
                   "Subtract the control group's change from the treated group's change."],
            mistakes=[Mistake(lambda c: float(c["panel"].query("treated == 1 and post == 1")["log_units"].mean()
                                              - c["panel"].query("treated == 1 and post == 0")["log_units"].mean()),
                              "That is only the treated group's change; subtract the control group's change too.")],
            solution_code="""
means = panel.groupby(["treated", "post"])["log_units"].mean()
answer = (means[(1, 1)] - means[(1, 0)]) - (means[(0, 1)] - means[(0, 0)])
""",
        ),
        Question(
            name="q6",
            prompt="Expecting a +50 % lift in units, what is the deepest discount (fraction of the "
            "price) that still pays at gross margin `margin`? Give a fraction, to 4 decimals.",
            expected=lambda c: float(max_discount_for_lift(0.5, c["margin"])),
            decimals=4,
            unit="share",
            requires=["margin"],
            hints=["Solve (1 + 0.5)(m - d) = m for d.", "d = m x L / (1 + L)."],
            mistakes=[Mistake(lambda c: float(break_even_lift(min(0.5 * c["margin"], 0.99), c["margin"])),
                              "That is a lift, not a discount: solve for d.")],
            solution_code="""
answer = margin * 0.5 / 1.5
""",
        ),
    ]
