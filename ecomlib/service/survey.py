"""Team engagement survey (book 8.4): Likert item and scale scores with intervals, Cronbach's alpha
per scale, and a comparison between teams.

Survey table: one row per respondent, a ``team`` column and one numeric column per item (1-5).
Cronbach's alpha: L. J. Cronbach, *Psychometrika* 16, 1951; its interval: L. S. Feldt, D. J. Woodruff
and F. A. Salih, *Applied Psychological Measurement* 11, 1987.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_columns, check_frame, check_numeric

__all__ = ["Alpha", "compare_teams", "cronbach_alpha", "item_scores", "scale_scores"]


@dataclass(frozen=True)
class Alpha:
    """Cronbach's alpha of one scale with its Feldt interval."""

    alpha: float
    low: float
    high: float
    items: int
    respondents: int

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({"value": pd.Series(self.__dict__, dtype="object")}).rename_axis("statistic")


def _items(survey, items, param="survey") -> pd.DataFrame:
    df = check_frame(survey, param)
    items = list(items)
    if len(items) < 2:
        raise ParameterError(f"A scale needs at least 2 items, but {items!r} was passed.")
    check_columns(df, items, param)
    check_numeric(df, items, param)
    return df


def cronbach_alpha(survey: pd.DataFrame, items, *, confidence: float = 0.95) -> Alpha:
    """Cronbach's alpha ``k / (k - 1) x (1 - sum of item variances / variance of the total)``
    (sample variances), on the respondents who answered every item, with the Feldt interval
    ``1 - (1 - alpha) F``, F quantiles on ``(n - 1, (n - 1)(k - 1))`` degrees of freedom.

    Examples
    --------
    >>> s = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 3, 3, 5]})
    >>> round(cronbach_alpha(s, ["a", "b"]).alpha, 6)
    0.96
    """
    df = _items(survey, items).loc[:, list(items)].dropna()
    n, k = df.shape
    if n < 3:
        raise DataError(f"Cronbach's alpha needs at least 3 complete answers, but {n} were found.")
    total_var = df.sum(axis=1).var(ddof=1)
    if not total_var > 0:
        raise DataError("Every respondent gave the same total score; alpha is undefined.")
    a = k / (k - 1) * (1 - df.var(ddof=1).sum() / total_var)
    lvl = 1 - confidence
    d1, d2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - a) * stats.f.ppf(1 - lvl / 2, d1, d2)
    high = 1 - (1 - a) * stats.f.ppf(lvl / 2, d1, d2)
    return Alpha(float(a), float(low), float(high), int(k), int(n))


def _mean_ci(g, alpha):
    out = pd.DataFrame({"respondents": g.count(), "mean": g.mean(), "sd": g.std(ddof=1)})
    half = stats.t.ppf(1 - alpha / 2, np.maximum(out["respondents"] - 1, 1)) * out["sd"] / np.sqrt(out["respondents"])
    out["low"], out["high"] = out["mean"] - half, out["mean"] + half
    return out


def item_scores(survey: pd.DataFrame, items, *, by: str | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """Mean of each item (per ``by`` group) with a Student-t interval and the top-2-box share (4-5)."""
    df = _items(survey, items)
    long = df.melt(id_vars=[by] if by else None, value_vars=list(items), var_name="item", value_name="score")
    keys = ([by] if by else []) + ["item"]
    g = long.dropna(subset=["score"]).groupby(keys, sort=True)["score"]
    out = _mean_ci(g, alpha)
    out["top2_share"] = g.apply(lambda s: float((s >= 4).mean()))
    return out.drop(columns="sd").reset_index()


def scale_scores(survey: pd.DataFrame, scales: dict, *, by: str | None = "team", alpha: float = 0.05) -> pd.DataFrame:
    """Scale score per respondent = mean of the scale's items; its mean per group with a t interval,
    and Cronbach's alpha of the scale over all respondents.

    Parameters
    ----------
    scales : dict
        Scale name -> list of item columns.
    """
    if not isinstance(scales, dict) or not scales:
        raise ParameterError("`scales` must be a dict of scale name -> list of item columns.")
    rows = []
    for name, items in scales.items():
        df = _items(survey, items)
        if by is not None:
            check_columns(df, [by], "survey")
        score = df[list(items)].mean(axis=1, skipna=False)
        grp = df[by] if by is not None else pd.Series("all", index=df.index)
        out = _mean_ci(score.groupby(grp, sort=True), alpha).drop(columns="sd")
        out["alpha"] = cronbach_alpha(df, items).alpha
        out.insert(0, "scale", name)
        rows.append(out.rename_axis(by or "group").reset_index())
    return pd.concat(rows, ignore_index=True)


def compare_teams(survey: pd.DataFrame, items, *, team_col: str = "team") -> pd.Series:
    """One-way ANOVA of a scale score (mean of ``items``) across teams: ``F``, ``p_value``,
    ``eta_squared`` (share of variance between teams), ``teams``, ``respondents``."""
    df = _items(survey, items)
    check_columns(df, [team_col], "survey")
    score = df[list(items)].mean(axis=1, skipna=False)
    ok = score.notna()
    groups = [s.to_numpy() for _, s in score[ok].groupby(df.loc[ok, team_col], sort=True)]
    if len(groups) < 2 or any(len(g) < 2 for g in groups):
        raise DataError("Comparing teams needs at least 2 teams with 2 or more complete answers each.")
    f, p = stats.f_oneway(*groups)
    allv = np.concatenate(groups)
    ss_b = sum(len(g) * (g.mean() - allv.mean()) ** 2 for g in groups)
    ss_t = ((allv - allv.mean()) ** 2).sum()
    return pd.Series({"F": float(f), "p_value": float(p), "eta_squared": float(ss_b / ss_t),
                      "teams": len(groups), "respondents": int(len(allv))})
