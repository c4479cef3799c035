"""Compliance self-assessment (book 9.4).

The checklist is kept as data (``compliance_checklist.yaml`` beside this module): each item has an
area, the requirement, the law it comes from and a weight 1-3. An assessment answers each item
``yes`` (1 point), ``partial`` (0.5), ``no`` (0) or ``na`` (not applicable, left out); the score of
an area is

    score = sum(weight x points) / sum(weight)     over the applicable items   (0-100 %)

Teaching material, not legal advice.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml

from ecomlib.errors import DataError
from ecomlib.validation import check_columns, check_frame

__all__ = ["ANSWER_POINTS", "compliance_checklist", "compliance_score", "sample_assessment"]

#: Points per answer; ``na`` items are left out of the score.
ANSWER_POINTS = {"yes": 1.0, "partial": 0.5, "no": 0.0, "na": np.nan}


@cache
def _load_checklist() -> pd.DataFrame:
    text = resources.files("ecomlib.risk").joinpath("compliance_checklist.yaml").read_text("utf-8")
    table = pd.DataFrame(yaml.safe_load(text)).astype({"weight": "int64"})
    return table.astype({c: "str" for c in ["id", "area", "requirement", "reference", "sample_answer"]})


def sample_assessment() -> pd.DataFrame:
    """The sample shop's self-assessment: ``id`` and ``answer`` for every checklist item.

    A fictional shop that has the basics in place but gaps in cross-border data transfers, EU
    buyers' rights, recalls and advertising wording — enough to show how the score is read.
    """
    return _load_checklist()[["id", "sample_answer"]].rename(columns={"sample_answer": "answer"})


def compliance_checklist(area: str | None = None) -> pd.DataFrame:
    """The checklist as a table: ``id``, ``area``, ``requirement``, ``reference``, ``weight``.

    Parameters
    ----------
    area : str, optional
        Keep only one area (``consumer_protection``, ``personal_information``,
        ``product_safety_labelling``, ``advertising``, ``tax_customs``).
    """
    table = _load_checklist().drop(columns="sample_answer")
    if area is not None:
        from ecomlib.validation import check_argument

        check_argument("area", sorted(table["area"].unique()), area)
        table = table[table["area"] == area].reset_index(drop=True)
    return table


def compliance_score(answers, *, id_col: str = "id", answer_col: str = "answer") -> pd.DataFrame:
    """Score a self-assessment per area.

    Parameters
    ----------
    answers : DataFrame or dict
        Item id -> answer (``yes`` / ``partial`` / ``no`` / ``na``), as a dict or a table with
        ``id`` and ``answer`` columns. Items not answered count as ``no`` and are listed in the
        ``unanswered`` column, so a gap is never silently scored as compliant.

    Returns
    -------
    DataFrame
        One row per area and a final ``overall`` row: ``items``, ``applicable``, ``score`` (0-1),
        ``gaps`` (items answered no or partial) and ``unanswered``.

    Examples
    --------
    >>> ids = compliance_checklist()["id"]
    >>> float(compliance_score({i: "yes" for i in ids}).loc["overall", "score"])
    1.0
    """
    if isinstance(answers, dict):
        answers = pd.DataFrame({id_col: list(answers), answer_col: list(answers.values())})
    check_frame(answers, "answers")
    check_columns(answers, [id_col, answer_col], "answers")
    checklist = _load_checklist()
    given = answers.assign(**{answer_col: answers[answer_col].astype("str").str.strip().str.lower()})
    unknown_ids = sorted(set(given[id_col].astype("str")) - set(checklist["id"]))
    bad_answers = sorted(set(given[answer_col]) - set(ANSWER_POINTS))
    if unknown_ids or bad_answers:
        raise DataError(
            f"`answers` has unknown item ids {unknown_ids} or answers {bad_answers}.",
            fix=f"Use ids from compliance_checklist() and answers from {list(ANSWER_POINTS)}.",
        )
    table = checklist.drop(columns="sample_answer").merge(given[[id_col, answer_col]].rename(columns={id_col: "id", answer_col: "answer"}),
                            on="id", how="left")
    table["unanswered"] = table["answer"].isna()
    table["answer"] = table["answer"].fillna("no")
    table["points"] = table["answer"].map(ANSWER_POINTS)
    table["applicable"] = table["points"].notna()
    table["earned"] = table["weight"] * table["points"].fillna(0)
    table["possible"] = table["weight"] * table["applicable"]
    table["gap"] = table["answer"].isin(["no", "partial"])
    return _aggregate(table)


def _aggregate(table: pd.DataFrame) -> pd.DataFrame:
    def agg(frame):
        return pd.DataFrame({
            "items": frame.groupby("area").size(),
            "applicable": frame.groupby("area")["applicable"].sum(),
            "earned": frame.groupby("area")["earned"].sum(),
            "possible": frame.groupby("area")["possible"].sum(),
            "gaps": frame.groupby("area")["gap"].sum(),
            "unanswered": frame.groupby("area")["unanswered"].sum(),
        })

    by_area = agg(table)
    overall = agg(table.assign(area="overall"))
    out = pd.concat([by_area, overall])
    out["score"] = (out["earned"] / out["possible"].where(out["possible"] > 0)).astype("float64")
    return out[["items", "applicable", "score", "gaps", "unanswered"]].rename_axis("area")
