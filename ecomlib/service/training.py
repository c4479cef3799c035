"""Training read-out (book 8.3): a trained and an untrained group of agents, before and after the
course, compared with the promotion chapter's difference-in-differences (:func:`ecomlib.promotion.did`).

The panel is one row per answered ticket: the outcome ``satisfied`` (CSAT 4-5 as 0/1), whether its
agent was ``trained``, whether it came ``post`` (after the course), the ``agent_id`` (the unit the
errors are clustered by) and the ``month``. The comparison is ours; it assumes the two groups would
have moved in parallel without the course, which the leads check of ``did`` probes.
"""

from __future__ import annotations

import pandas as pd

from ecomlib.errors import DataError
from ecomlib.validation import check_columns, check_frame

__all__ = ["training_panel"]


def training_panel(tickets: pd.DataFrame, team: pd.DataFrame, *, satisfied_from: int = 4) -> pd.DataFrame:
    """Answered tickets with ``satisfied``, ``trained``, ``post``, ``agent_id`` and ``month``.

    ``team`` needs ``agent_id`` and ``trained_on`` (the day of the course, missing for untrained agents);
    all trained agents must share one course day (a staggered roll-out needs another design).
    """
    tk = check_frame(tickets, "tickets")
    check_columns(tk, ["agent_id", "created", "csat"], "tickets")
    tm = check_frame(team, "team")
    check_columns(tm, ["agent_id", "trained_on"], "team")
    days = tm["trained_on"].dropna().unique()
    if len(days) == 0:
        raise DataError("No agent in the team table has a training date (`trained_on`).")
    if len(days) > 1:
        raise DataError(f"The trained agents took the course on {len(days)} different days; this read-out needs one.",
                        fix="Compare one cohort of the course at a time.")
    day = pd.Timestamp(days[0])
    trained = set(tm.loc[tm["trained_on"].notna(), "agent_id"])
    ans = tk[tk["csat"].notna() & tk["agent_id"].isin(set(tm["agent_id"]))]
    out = pd.DataFrame({
        "agent_id": ans["agent_id"].astype("str"),
        "month": ans["created"].dt.to_period("M").dt.to_timestamp(),
        "satisfied": (ans["csat"] >= satisfied_from).astype(float),
        "trained": ans["agent_id"].isin(trained).astype(int),
        "post": (ans["created"] >= day).astype(int),
    }).reset_index(drop=True)
    cells = out.groupby(["trained", "post"]).size()
    if len(cells) < 4 or cells.min() < 2:
        raise DataError("A training read-out needs answered tickets of trained and untrained agents, before and "
                        "after the course.")
    return out
