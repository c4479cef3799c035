"""Exercises of chapters 3.2 and 5 (notebook ``07_product``).

The notebook loads them with its own tables and settings::

    ex = exercises.load("product", tx=tx, level=level, growth_span=growth_span, units=units,
                        rules=rules, reviews=reviews)

``units`` is the chosen launch's weekly units (an array), ``rules`` the association rules shown in
5.3 and ``reviews`` the reviews with a ``category`` column. Expected answers are computed with this
chapter's functions, so they follow the parameters.
"""

from __future__ import annotations

import numpy as np

from ecomlib.product.brand import bayesian_average
from ecomlib.product.diffusion import bass_peak
from ecomlib.product.portfolio import growth_share
from ecomlib.teaching import Mistake, Question

__all__ = ["PRIOR_WEIGHT", "build"]

PRIOR_WEIGHT = 10.0


def _growth(c):
    return float(growth_share(c["tx"], level=c["level"], growth_span=c["growth_span"])["growth"].iloc[0])


def _fewest(c):
    table = bayesian_average(c["reviews"], prior_weight=PRIOR_WEIGHT).rename_axis("product_id").reset_index()
    return table.sort_values(["n_reviews", "mean_rating", "product_id"], kind="mergesort").iloc[0]


def build(ctx: dict) -> list[Question]:
    """Return the chapter's questions for the tables and settings in ``ctx``."""
    return [
        Question(
            name="q1",
            prompt="Growth-share: by how much did the largest unit (by `level`, sales in the latest "
            "`growth_span` days) grow against the span before? As a fraction (0.1 for +10 %).",
            expected=_growth,
            decimals=3,
            unit="share",
            requires=["tx"],
            hints=["`growth_share(tx, level=level, growth_span=growth_span)` sorts units by current sales.",
                   "growth = current / previous - 1."],
            mistakes=[Mistake(lambda c: _growth(c) + 1, "That is current / previous; subtract 1 for the growth.")],
            solution_code="""
gs = ecomlib.product.growth_share(tx, level=level, growth_span=growth_span)
answer = gs["growth"].iloc[0]
""",
        ),
        Question(
            name="q2",
            prompt="A launch follows a Bass curve with p = 0.02 and q = 0.35 (per week). In which week "
            "(a number, not rounded) does its adoption rate peak?",
            expected=lambda c: bass_peak(0.02, 0.35, 1.0)["peak_time"],
            rel_tol=1e-3,
            decimals=2,
            hints=["The peak time is ln(q / p) / (p + q).", "np.log(0.35 / 0.02) / (0.02 + 0.35)."],
            mistakes=[Mistake(lambda c: float(np.log(0.35 / 0.02) / (0.35 - 0.02)),
                              "The denominator is p + q, not q - p.")],
            solution_code="""
answer = np.log(0.35 / 0.02) / (0.02 + 0.35)
""",
        ),
        Question(
            name="q3",
            prompt="How many units did the chosen launch sell in its first 8 weeks (or all its weeks, "
            "if fewer)?",
            expected=lambda c: float(np.asarray(c["units"], dtype=float)[:8].sum()),
            rel_tol=1e-6,
            decimals=0,
            unit="count",
            requires=["units"],
            hints=["`units` holds the launch's weekly units, launch week first.", "Sum the first 8 entries."],
            mistakes=[Mistake(lambda c: float(np.asarray(c["units"], dtype=float).sum()),
                              "That is every week; keep the first 8.")],
            solution_code="""
answer = units[:8].sum()
""",
        ),
        Question(
            name="q4",
            prompt="Of the baskets that hold the antecedent of the strongest rule (first row of `rules`), "
            "what share also hold its consequent? As a fraction.",
            expected=lambda c: float(c["rules"]["confidence"].iloc[0]),
            decimals=4,
            unit="share",
            requires=["rules"],
            hints=["That is the rule's confidence: support(A and C) / support(A).",
                   "rules['support'] / rules['antecedent_support'] in the first row."],
            mistakes=[Mistake(lambda c: float(c["rules"]["support"].iloc[0]),
                              "That is the share of all baskets; divide by the antecedent's support.")],
            solution_code="""
top = rules.iloc[0]
answer = top["support"] / top["antecedent_support"]
""",
        ),
        Question(
            name="q5",
            prompt=f"Take the product with the fewest reviews (ties: the lowest mean rating, then the first product id). What is its "
            f"Bayesian average with a prior weight of {PRIOR_WEIGHT:g} reviews at its category's mean "
            "rating (stars)?",
            expected=lambda c: float(_fewest(c)["bayes_rating"]),
            rel_tol=1e-4,
            decimals=2,
            requires=["reviews"],
            hints=["(n x mean + k x category mean) / (n + k), with k the prior weight.",
                   "The category mean is the mean of all the category's reviews."],
            mistakes=[Mistake(lambda c: float(_fewest(c)["mean_rating"]),
                              "That is the plain mean; shrink it toward the category mean.")],
            solution_code="""
per = reviews.groupby("product_id").agg(n=("rating", "size"), mean=("rating", "mean"), category=("category", "first"))
cat_mean = reviews.groupby("category")["rating"].mean()
one = per.reset_index().sort_values(["n", "mean", "product_id"], kind="mergesort").iloc[0]
k = 10
answer = (one["n"] * one["mean"] + k * cat_mean[one["category"]]) / (one["n"] + k)
""",
        ),
    ]
