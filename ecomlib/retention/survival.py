"""Kaplan-Meier curves of time to churn by group, with a log-rank test.

The Kaplan-Meier estimate of the share of customers not yet lost after t days is

    S(t) = product over churn times t_i <= t of (1 - d_i / n_i),

with d_i customers declared lost at t_i and n_i still followed just before t_i; customers
still active at ``as_of`` leave the risk set without an event (censoring), so recent
customers are not mistaken for lost ones. The log-rank test asks whether the curves of the
groups (e.g. acquisition channels) differ by more than chance. Both come from statsmodels
(``SurvfuncRight``, ``survdiff``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from ecomlib.errors import DataError, NotIdentifiableError, ParameterError
from ecomlib.validation import check_columns, check_frame, check_probability

__all__ = ["SurvivalResult", "survival_by_group"]


@dataclass(frozen=True)
class SurvivalResult:
    """Kaplan-Meier curves per group and the log-rank test.

    Attributes
    ----------
    curves : DataFrame
        ``group``, ``time`` (days), ``survival`` (share not yet lost), ``lower``,
        ``upper`` (pointwise confidence band, log(-log) transform), ``at_risk``.
    groups : DataFrame
        Per group: ``customers``, ``churned``, ``median_days`` (first time S(t) <= 0.5;
        NaN if more than half survive to the end) and ``survival_at`` (S at ``horizon_days``;
        NaN when no customer of the group was followed that long: the curve says nothing there).
    horizon_days : int
        Day at which ``survival_at`` is read.
    chi2, df, p_value : float
        Log-rank statistic, its degrees of freedom (groups - 1) and p-value (NaN with one group).
    """

    curves: pd.DataFrame
    groups: pd.DataFrame
    horizon_days: int
    chi2: float
    df: int
    p_value: float

    def summary(self) -> pd.DataFrame:
        """Per-group table; the log-rank test is in ``chi2``, ``df`` and ``p_value``."""
        return self.groups.copy()


def _curve(duration, event, name, z):
    from statsmodels.duration.survfunc import SurvfuncRight  # slow import, needed here only

    sf = SurvfuncRight(duration, event)
    s, se = sf.surv_prob, sf.surv_prob_se
    with np.errstate(divide="ignore", invalid="ignore"):
        loglog_se = se / (s * np.abs(np.log(s)))
        lower = np.exp(-np.exp(np.log(-np.log(s)) + z * loglog_se))
        upper = np.exp(-np.exp(np.log(-np.log(s)) - z * loglog_se))
    lower = np.where(np.isfinite(lower), lower, s)
    upper = np.where(np.isfinite(upper), upper, s)
    start = pd.DataFrame({"group": [name], "time": [0.0], "survival": [1.0], "lower": [1.0],
                          "upper": [1.0], "at_risk": [len(duration)]})
    body = pd.DataFrame({"group": name, "time": sf.surv_times.astype(float), "survival": s,
                         "lower": lower, "upper": upper, "at_risk": sf.n_risk.astype(int)})
    return pd.concat([start, body], ignore_index=True)


def survival_by_group(
    churn: pd.DataFrame,
    group=None,
    horizon_days: int = 365,
    level: float = 0.95,
    *,
    duration_col: str = "duration_days",
    event_col: str = "churned",
    unknown: str = "unknown",
) -> SurvivalResult:
    """Kaplan-Meier time-to-churn curves per group and the log-rank test between them.

    Parameters
    ----------
    churn : DataFrame
        Output of :func:`ecomlib.retention.churn_table` (columns ``duration_col`` in days
        and ``event_col``, bool), indexed by customer id.
    group : str or Series, optional
        A column of ``churn``, or a Series mapping customer id to group (e.g.
        ``customers.set_index("customer_id")["acquisition_channel"]``). None: one curve.
    horizon_days : int
        Day at which each group's survival is reported (``survival_at``; NaN for a group
        whose longest follow-up is shorter).
    level : float
        Confidence level of the pointwise bands.
    duration_col, event_col : str
        Column names in ``churn``.
    unknown : str
        Group label of customers the Series does not cover.

    Returns
    -------
    SurvivalResult

    Examples
    --------
    >>> import pandas as pd
    >>> churn = pd.DataFrame({"duration_days": [10, 20, 30, 40],
    ...                       "churned": [True, True, False, True]})
    >>> survival_by_group(churn, horizon_days=25).groups["survival_at"].round(3).tolist()
    [0.5]

    References
    ----------
    Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete
    observations. *JASA* 53, 457-481. Mantel, N. (1966). Evaluation of survival data and two
    new rank order statistics arising in its consideration. *Cancer Chemotherapy Reports* 50.
    """
    check_frame(churn, "churn")
    check_columns(churn, [duration_col, event_col], "churn")
    z = float(special.ndtri(0.5 + check_probability("level", level) / 2))
    duration = pd.to_numeric(churn[duration_col], errors="coerce").to_numpy(dtype=float)
    if np.isnan(duration).any() or (duration < 0).any():
        raise DataError(f"`churn` column {duration_col!r} must hold durations >= 0 (days).")
    event = churn[event_col].to_numpy().astype(bool).astype(int)
    if group is None:
        labels = np.full(len(churn), "all", dtype=object)
    elif isinstance(group, str):
        check_columns(churn, [group], "churn")
        labels = churn[group].astype(str).to_numpy()
    elif isinstance(group, pd.Series):
        labels = churn.index.map(group).to_series().fillna(unknown).astype(str).to_numpy()
    else:
        raise ParameterError(
            f"`group` must be a column name, a Series or None, but a {type(group).__name__} was passed."
        )
    names = sorted(set(labels))
    curves, rows = [], []
    for name in names:  # one Kaplan-Meier fit per group (a handful), not per customer
        mask = labels == name
        curve = _curve(duration[mask], event[mask], name, z)
        curves.append(curve)
        below = curve["time"].to_numpy()[curve["survival"].to_numpy() <= 0.5 + 1e-12]
        step = curve["survival"].to_numpy()[np.searchsorted(curve["time"].to_numpy(), horizon_days, side="right") - 1]
        rows.append({"group": name, "customers": int(mask.sum()), "churned": int(event[mask].sum()),
                     "median_days": float(below[0]) if len(below) else np.nan,
                     "survival_at": float(step) if duration[mask].max() >= horizon_days else np.nan})
    if event.sum() == 0:
        raise NotIdentifiableError(
            "No customer in `churn` has churned yet, so survival curves are flat at 1.",
            fix="Use a shorter `churn_days` or a longer observation period.",
        )
    if len(names) > 1:
        from statsmodels.duration.survfunc import survdiff

        chi2, p_value = survdiff(duration, event, labels)
        df = len(names) - 1
    else:
        chi2, p_value, df = np.nan, np.nan, 0
    return SurvivalResult(
        curves=pd.concat(curves, ignore_index=True),
        groups=pd.DataFrame(rows).set_index("group"),
        horizon_days=int(horizon_days),
        chi2=float(chi2),
        df=int(df),
        p_value=float(p_value),
    )
