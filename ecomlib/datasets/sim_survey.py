"""Price survey of the sample shop: Van Westendorp answers with known true curves.

Runs after the core simulation and reads its ``products`` table (categories and list
prices). Draws only from ``ctx.rng("survey")``.

price_survey (one row per respondent)
    ``RESPONDENTS_PER_CATEGORY`` respondents per category answer the four Van Westendorp
    questions about a typical product of that category. The **reference price** ``r_c`` of
    a category is the median list price of its products (CNY). Each respondent has a
    personal price anchor ``a = r_c * exp(z)``, ``z ~ Normal(0, ANCHOR_LOG_SD)``, and names

        too_cheap = a * k_1,  cheap = a * k_2,  expensive = a * k_3,  too_expensive = a * k_4

    with the fixed multipliers ``k`` of ``ANSWER_MULTIPLIERS``, rounded to 0.5 CNY (people
    answer round numbers). Every answer is therefore log-normal with log-mean
    ``log(r_c k_j)`` and log-sd ``ANCHOR_LOG_SD``, so the true curves are known:

        too cheap(p) = 1 - Phi((log p - log(r_c k_1)) / sd),  not cheap(p) = Phi((log p - log(r_c k_2)) / sd)
        not expensive(p) = 1 - Phi((log p - log(r_c k_3)) / sd),  too expensive(p) = Phi((log p - log(r_c k_4)) / sd)

    and, because the log-sds are equal, each crossing is the geometric mean of the two
    answers' medians: PMC = r_c sqrt(k_1 k_2), OPP = r_c sqrt(k_1 k_4),
    IPP = r_c sqrt(k_2 k_3), PME = r_c sqrt(k_3 k_4) (CNY, before rounding to 0.5 CNY).

    **Inconsistent answers**: exactly ``round(INCONSISTENT_SHARE * n)`` respondents, chosen at
    random, have two neighbouring answers swapped (e.g. cheap above expensive). They are a
    random subset, so dropping them leaves the true curves unchanged.

    **Purchase likelihood** (Newton-Miller-Smith extension): ``buy_cheap`` and
    ``buy_expensive`` are a 5-point intention scale calibrated to probabilities
    (0.7 / 0.5 / 0.3 / 0.1 / 0), drawn independently of the prices with the shares in
    ``BUY_CHEAP_SHARES`` and ``BUY_EXPENSIVE_SHARES``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.datasets.simulation import SimContext, SimResult

NAME = "survey"

RESPONDENTS_PER_CATEGORY = 120
ANCHOR_LOG_SD = 0.35
ANSWER_MULTIPLIERS = {"too_cheap": 0.60, "cheap": 0.85, "expensive": 1.15, "too_expensive": 1.50}
INCONSISTENT_SHARE = 0.06
SCALE_PROBABILITIES = (0.7, 0.5, 0.3, 0.1, 0.0)  # "definitely" ... "definitely not"
BUY_CHEAP_SHARES = (0.45, 0.35, 0.15, 0.05, 0.0)
BUY_EXPENSIVE_SHARES = (0.05, 0.20, 0.35, 0.30, 0.10)
ANSWERS = tuple(ANSWER_MULTIPLIERS)

__all__ = ["NAME", "simulate", "true_price_points"]


def true_price_points(reference_price: float) -> dict[str, float]:
    """The four true crossing prices (CNY) for a category with reference price ``r_c``."""
    k = ANSWER_MULTIPLIERS
    return {
        "PMC": reference_price * float(np.sqrt(k["too_cheap"] * k["cheap"])),
        "OPP": reference_price * float(np.sqrt(k["too_cheap"] * k["too_expensive"])),
        "IPP": reference_price * float(np.sqrt(k["cheap"] * k["expensive"])),
        "PME": reference_price * float(np.sqrt(k["expensive"] * k["too_expensive"])),
    }


def simulate(ctx: SimContext) -> SimResult:
    """Simulate the ``price_survey`` table and its truth (see the module docstring)."""
    rng = ctx.rng(NAME)
    products = ctx.tables["products"]
    reference = products.groupby("category", sort=True)["list_price"].median()
    n_cat = len(reference)
    n = n_cat * RESPONDENTS_PER_CATEGORY
    category = np.repeat(reference.index.to_numpy(), RESPONDENTS_PER_CATEGORY)
    anchor = np.repeat(reference.to_numpy(dtype=float), RESPONDENTS_PER_CATEGORY)
    anchor = anchor * np.exp(rng.normal(0.0, ANCHOR_LOG_SD, n))
    answers = np.round(2 * anchor[:, None] * np.array(list(ANSWER_MULTIPLIERS.values()))[None, :]) / 2

    n_bad = int(round(INCONSISTENT_SHARE * n))
    bad = rng.choice(n, size=n_bad, replace=False)
    first = rng.integers(0, 3, size=n_bad)  # swap answer j with answer j + 1
    left = answers[bad, first].copy()
    answers[bad, first] = answers[bad, first + 1]
    answers[bad, first + 1] = left

    inconsistent = (np.diff(answers, axis=1) < 0).any(axis=1)  # a swap of equal answers is not

    scale = np.array(SCALE_PROBABILITIES)
    buy_cheap = scale[rng.choice(5, size=n, p=BUY_CHEAP_SHARES)]
    buy_expensive = scale[rng.choice(5, size=n, p=BUY_EXPENSIVE_SHARES)]
    survey = pd.DataFrame({
        "respondent_id": "R" + pd.Series(np.arange(1, n + 1)).astype("str").str.zfill(4),
        "category": pd.Series(category).astype("str"),
        **{name: answers[:, j] for j, name in enumerate(ANSWERS)},
        "buy_cheap": buy_cheap,
        "buy_expensive": buy_expensive,
    })
    survey = survey.astype({"respondent_id": "str", "category": "str"})
    ref = {str(c): float(v) for c, v in reference.items()}
    truth = {
        "survey_reference_price": ref,
        "survey_answer_multipliers": dict(ANSWER_MULTIPLIERS),
        "survey_anchor_log_sd": ANCHOR_LOG_SD,
        "survey_price_points": {c: true_price_points(v) for c, v in ref.items()},
        "survey_inconsistent_share": INCONSISTENT_SHARE,
        "survey_n_inconsistent": int(inconsistent.sum()),
        "survey_inconsistent_ids": survey.loc[inconsistent, "respondent_id"].tolist(),
    }
    truth_doc = {
        "survey_reference_price": "category -> reference price r_c (CNY): median list price of "
        "its products; respondents' price anchors are log-normal around it",
        "survey_answer_multipliers": "answer -> multiplier k of the respondent's anchor "
        "(too_cheap, cheap, expensive, too_expensive; unitless)",
        "survey_anchor_log_sd": "sd of the log price anchor; every answer is log-normal with "
        "this log-sd (unitless)",
        "survey_price_points": "category -> true Van Westendorp points PMC, OPP, IPP, PME (CNY) "
        "of the answer distributions (before rounding answers to 0.5 CNY)",
        "survey_inconsistent_share": "share of respondents given inconsistent answers (two "
        "neighbouring answers swapped; fraction)",
        "survey_n_inconsistent": "number of respondents with inconsistent answers (count)",
        "survey_inconsistent_ids": "respondent_id of every inconsistent respondent (list of str)",
    }
    return SimResult(tables={"price_survey": survey}, truth=truth, truth_doc=truth_doc)
