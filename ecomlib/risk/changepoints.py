"""Several shifts in the mean of a series: PELT with a stated penalty (book 9.3, risk monitoring).

:func:`ecomlib.risk.change_point` finds the one most likely shift. A KPI history may hold
several: an outage (down one day, back the next), a price change that persists, a new channel.
Splitting the series into segments with breakpoints ``0 < τ_1 < … < τ_m < n``, each segment
with its own mean, we choose the segmentation that minimises the **penalised cost**::

    Σ_segments Σ_t (x_t − mean of the segment)²  +  β · m

(the least-squares cost of a change in mean; ``β`` is paid for every change). The exact
minimiser is found by PELT (pruned exact linear time; Killick, Fearnhead & Eckley 2012),
written here in numpy. The tests check it against an exhaustive search, the unpruned
optimal-partitioning recursion and the `ruptures` library (``Pelt(model="l2", jump=1)``;
with ``min_size=1`` only: ruptures 1.1.10 prunes too early when segments must be longer and
can then miss the optimum, which our exhaustive test found).

**The penalty rule** (``penalty=None``): ``β = 2 · log(n) · σ²``. For normal noise of standard
deviation ``σ`` the cost divided by ``σ²`` is minus twice the log-likelihood, and each change
adds two parameters (where, and the new mean), so this is the BIC (Schwarz 1978) penalty.
``σ`` is estimated robustly from the day-to-day differences, which a level shift touches only
once: ``σ = 1.4826 · MAD(x_t − x_{t−1}) / √2`` (a difference of two independent noises has
standard deviation ``σ√2``; 1.4826 × MAD estimates a normal standard deviation). When more
than half the differences are equal (a flat series), the MAD is 0 and the plain standard
deviation of the differences is used instead.

For daily KPIs, :func:`kpi_change_points` first removes the weekly pattern (the seasonal part
of an STL decomposition, on the log scale for KPIs that are always positive) and keeps trend
and remainder, so that a busy weekend is not a change but a step in the level is. A one-day
incident shows as two changes a day apart (down, and back up).

References
----------
Killick, R., Fearnhead, P., Eckley, I. A. (2012). Optimal detection of changepoints with a
linear computational cost. *Journal of the American Statistical Association* 107(500),
1590-1598.
Jackson, B. et al. (2005). An algorithm for optimal partitioning of data on an interval.
*IEEE Signal Processing Letters* 12(2), 105-108.
Truong, C., Oudre, L., Vayatis, N. (2020). Selective review of offline change point detection
methods. *Signal Processing* 167, 107299 (the `ruptures` library, the tests' reference).
Schwarz, G. (1978). Estimating the dimension of a model. *Annals of Statistics* 6(2), 461-464.
Cobb, G. W. (1978). The problem of the Nile. *Biometrika* 65(2), 243-251.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.tsa.seasonal import STL

from ecomlib.errors import DataError, ParameterError
from ecomlib.risk.anomalies import kpi_series

__all__ = ["ChangePoints", "bic_penalty", "change_points", "kpi_change_points", "noise_sd",
           "segment_cost"]


@dataclass(frozen=True)
class ChangePoints:
    """Several shifts in the mean of a series.

    Attributes
    ----------
    breakpoints : tuple of int
        Number of observations before each change (positions ``τ_1 < … < τ_m``).
    segments : DataFrame
        One row per segment: ``first``, ``last`` (index labels), ``n`` and ``mean``.
    penalty : float
        ``β`` paid per change, in squared units of the series.
    sigma : float
        The noise standard deviation behind the penalty rule (NaN when ``penalty`` was given).
    cost : float
        The minimised penalised cost: segment sums of squares plus ``β`` times the changes.
    """

    breakpoints: tuple[int, ...]
    segments: pd.DataFrame
    penalty: float
    sigma: float
    cost: float

    def summary(self) -> pd.DataFrame:
        """One row per change: ``position``, ``last_before``, ``first_after``, ``mean_before``,
        ``mean_after`` and ``shift`` (after minus before)."""
        seg = self.segments
        return pd.DataFrame({
            "position": list(self.breakpoints),
            "last_before": seg["last"].iloc[:-1].to_numpy(),
            "first_after": seg["first"].iloc[1:].to_numpy(),
            "mean_before": seg["mean"].iloc[:-1].to_numpy(),
            "mean_after": seg["mean"].iloc[1:].to_numpy(),
            "shift": np.diff(seg["mean"].to_numpy()),
        })


def noise_sd(values) -> float:
    """Robust noise standard deviation from first differences: ``1.4826 · MAD(Δx) / √2``.

    Falls back to ``std(Δx) / √2`` when the MAD is 0; 0 for a constant series.

    Examples
    --------
    >>> round(noise_sd([10, 12, 9, 11, 10, 20, 22, 19, 21, 20, 10, 12, 9, 11, 10]), 4)
    1.5725
    """
    d = np.diff(np.asarray(values, dtype=float))
    if d.size == 0:
        return 0.0
    mad = float(np.median(np.abs(d - np.median(d))))
    return float(1.4826 * mad / np.sqrt(2)) if mad > 0 else float(np.std(d) / np.sqrt(2))


def bic_penalty(n: int, sigma: float) -> float:
    """The per-change penalty ``2 · log(n) · σ²`` (BIC, two parameters per change)."""
    return 2.0 * float(np.log(n)) * float(sigma) ** 2


def segment_cost(values, breakpoints) -> float:
    """Least-squares cost of a segmentation: the sum over segments of ``Σ (x − segment mean)²``.

    Examples
    --------
    >>> segment_cost([1, 1, 5, 5, 1], [2, 4])
    0.0
    """
    x = np.asarray(values, dtype=float)
    edges = np.r_[0, np.asarray(breakpoints, dtype=int), len(x)]
    return float(sum(((x[a:b] - x[a:b].mean()) ** 2).sum() for a, b in zip(edges[:-1], edges[1:],
                                                                            strict=True)))


def _pelt(x: np.ndarray, penalty: float, min_size: int) -> list[int]:
    """Exact PELT on the least-squares cost (Killick, Fearnhead & Eckley 2012, algorithm 2).

    ``F(t) = min_s F(s) + C(s, t) + β`` over the candidate last changes ``s``, with
    ``C(s, t)`` from cumulative sums of the centred series. A candidate with
    ``F(s) + C(s, t) > F(t)`` can never be the last change before any ``T`` at which
    ``(t, T]`` is a legal segment (splitting at ``t`` does not raise the cost), so it is
    dropped ``min_size`` steps later, not at once: dropping it at once (as ruptures 1.1.10
    does) can miss the optimum when ``min_size > 1``.
    """
    n = len(x)
    z = x - x.mean()  # centring keeps the difference of sums accurate
    s1, s2 = np.r_[0.0, np.cumsum(z)], np.r_[0.0, np.cumsum(z * z)]
    f = np.full(n + 1, np.inf)
    f[0] = -penalty
    last = np.zeros(n + 1, dtype=int)
    candidates = np.array([0])
    drop_at: dict[int, np.ndarray] = {}
    for t in range(min_size, n + 1):  # one step per observation; candidates are vectorised
        ready = candidates[t - candidates >= min_size]
        ready = ready[np.isfinite(f[ready])]
        if ready.size:
            seg = s2[t] - s2[ready] - (s1[t] - s1[ready]) ** 2 / (t - ready)
            total = f[ready] + seg
            i = int(np.argmin(total))
            f[t], last[t] = total[i] + penalty, ready[i]
            drop_at[t + min_size] = ready[total > f[t]]
        gone = drop_at.pop(t, None)
        if gone is not None and gone.size:
            candidates = np.setdiff1d(candidates, gone, assume_unique=True)
        if t <= n - min_size:
            candidates = np.r_[candidates, t]
    breaks, t = [], n
    while last[t] > 0:
        breaks.append(int(last[t]))
        t = last[t]
    return breaks[::-1]


def _as_series(values) -> pd.Series:
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    try:
        s = pd.to_numeric(s, errors="raise").astype("float64")
    except (TypeError, ValueError) as exc:
        raise DataError("`values` must be numbers.", fix="Pass one numeric column.") from exc
    if s.isna().any() or not np.isfinite(s.to_numpy()).all():
        raise DataError("`values` has missing or infinite values; fill or drop them first.")
    return s


def change_points(values, *, penalty: float | None = None, min_size: int = 2) -> ChangePoints:
    """Locate several shifts in the mean of a series (PELT, least-squares cost).

    Parameters
    ----------
    values : Series or array-like
        In time order; the index labels the observations (years, dates).
    penalty : float, optional
        ``β`` per change, in squared units of ``values``. Default: the BIC rule
        ``2 · log(n) · σ²`` with ``σ`` from :func:`noise_sd` (see the module notes). A larger
        ``β`` finds fewer, larger shifts.
    min_size : int, default 2
        Fewest observations in a segment; 1 lets a single-day incident be its own segment.

    Returns
    -------
    ChangePoints

    Examples
    --------
    >>> cps = change_points([10, 12, 9, 11, 10, 20, 22, 19, 21, 20, 10, 12, 9, 11, 10])
    >>> cps.breakpoints, cps.segments["mean"].tolist()
    ((5, 10), [10.4, 20.4, 10.4])
    """
    s = _as_series(values)
    if isinstance(min_size, bool) or not isinstance(min_size, (int, np.integer)) or min_size < 1:
        raise ParameterError(f"`min_size` must be a whole number of observations >= 1, but {min_size!r} "
                             "was passed.")
    n = len(s)
    if n < 2 * min_size:
        raise DataError(f"`values` needs at least {2 * min_size} observations for a change, but has {n}.")
    x = s.to_numpy()
    if penalty is None:
        sigma = noise_sd(x)
        beta = bic_penalty(n, sigma)
    else:
        if isinstance(penalty, bool) or not np.isfinite(penalty) or penalty < 0:
            raise ParameterError(f"`penalty` must be a number >= 0 (squared units of the series), but "
                                 f"{penalty!r} was passed.", fix="Leave it out for the BIC rule.")
        sigma, beta = float("nan"), float(penalty)
    if np.ptp(x) == 0:  # a flat series has no change (and every split would tie)
        breaks: list[int] = []
    else:
        breaks = _pelt(x, beta, int(min_size))
    edges = np.array([0, *breaks, n], dtype=int)
    segments = pd.DataFrame({
        "first": [s.index[a] for a in edges[:-1]], "last": [s.index[b - 1] for b in edges[1:]],
        "n": np.diff(edges), "mean": [float(x[a:b].mean()) for a, b in zip(edges[:-1], edges[1:], strict=True)],
    })
    return ChangePoints(tuple(breaks), segments, beta, float(sigma),
                        segment_cost(x, breaks) + beta * len(breaks))


def kpi_change_points(
    kpis: pd.DataFrame,
    *,
    columns=None,
    date_col: str = "date",
    period: int = 7,
    seasonal: int = 13,
    min_size: int = 1,
    blip_days: int = 2,
    log: bool | str = "auto",
) -> pd.DataFrame:
    """Level shifts in each daily KPI, after removing its weekly pattern (PELT, BIC penalty).

    Parameters
    ----------
    kpis : DataFrame
        One row per day with ``date`` and one numeric column per KPI (as for
        :func:`ecomlib.risk.detect_anomalies`; the same KPIs are left out).
    columns : list of str, optional
        KPIs to search; default every numeric column.
    period, seasonal : int
        STL settings of the weekly pattern that is removed (7 days; seasonal smoother of 13
        periods, as in :func:`ecomlib.risk.detect_anomalies`).
    min_size : int, default 1
        Fewest days in a segment (1: a one-day incident is its own segment).
    blip_days : int, default 2
        A new level that lasts at most this many days before another change is a ``"blip"``
        (an incident: an outage, a spike), and the change that ends it a ``"return"``; every
        other change is a lasting ``"shift"``.
    log : bool or "auto"
        Search ``log(KPI)`` (shifts as ratios); "auto" does so for KPIs that are always positive.

    Returns
    -------
    DataFrame
        One row per (KPI, change), sorted by date and KPI: ``date`` (first day of the new
        level), ``kpi``, ``level_before``, ``level_after`` (segment means, in KPI units:
        geometric means on the log scale), ``change`` (after / before − 1 on the log scale,
        after − before otherwise), ``days`` (length of the new segment), ``kind``
        (``"blip"``, ``"return"`` or ``"shift"``, see ``blip_days``), ``log_scale``,
        ``penalty`` and ``sigma`` (of the penalty rule, on the searched scale).
    """
    if isinstance(blip_days, bool) or not isinstance(blip_days, (int, np.integer)) or blip_days < 0:
        raise ParameterError(f"`blip_days` must be a whole number of days >= 0, but {blip_days!r} was passed.")
    frame, dates, series = kpi_series(kpis, columns=columns, date_col=date_col, period=period,
                                      purpose="Removing the weekly pattern")
    parts = []
    for col, y in series.items():  # a handful of KPI series, not rows
        use_log = bool(log) if log != "auto" else bool((y > 0).all())
        x = np.log(y.to_numpy()) if use_log else y.to_numpy()
        season = STL(x, period=period, seasonal=seasonal, robust=False).fit().seasonal
        cps = change_points(pd.Series(x - season, index=dates), min_size=min_size)
        table = cps.summary()
        before, after = table["mean_before"].to_numpy(), table["mean_after"].to_numpy()
        days = cps.segments["n"].iloc[1:].to_numpy()
        blip = (days <= blip_days) & (np.arange(len(days)) < len(days) - 1)  # another change ends it
        kind = np.where(blip, "blip", np.where(np.r_[False, blip[:-1]], "return", "shift"))
        if use_log:
            before, after = np.exp(before), np.exp(after)
        parts.append(pd.DataFrame({
            "date": pd.to_datetime(table["first_after"]).to_numpy(), "kpi": col,
            "level_before": before, "level_after": after,
            "change": after / before - 1 if use_log else after - before,
            "days": days, "kind": kind, "log_scale": use_log,
            "penalty": cps.penalty, "sigma": cps.sigma,
        }))
    columns_out = ["date", "kpi", "level_before", "level_after", "change", "days", "kind", "log_scale",
                   "penalty", "sigma"]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns_out)
    out = out.astype({"kpi": "str", "kind": "str", "date": "datetime64[us]"})
    return out[columns_out].sort_values(["date", "kpi"], ignore_index=True)
