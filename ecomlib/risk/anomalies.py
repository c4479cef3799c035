"""Anomalies and level shifts in daily KPIs (book 9.3, risk monitoring).

Daily KPIs swing with the weekday, so a fixed threshold cries wolf every weekend. Seasonal-trend
decomposition by Loess (STL) splits a series into trend + weekly season + remainder; a day is
flagged when its remainder is far from typical, measured robustly:

    score_t = (remainder_t - median(remainder)) / (1.4826 x MAD(remainder))

(1.4826 x MAD estimates the standard deviation of normal noise while ignoring the outliers
themselves). A single level shift (a step change that persists) is located by the CUSUM of
deviations from the overall mean: the split ``tau`` maximising ``|S_tau - tau/n S_n|``, which is
also the least-squares estimate of one change in mean.

References
----------
Cleveland, R. B., Cleveland, W. S., McRae, J. E. & Terpenning, I. (1990). STL: A seasonal-trend
decomposition procedure based on Loess. *Journal of Official Statistics* 6(1), 3-73.
Cobb, G. W. (1978). The problem of the Nile: conditional solution to a change-point problem.
*Biometrika* 65(2), 243-251.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.tsa.seasonal import STL

from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_columns, check_frame, check_positive

__all__ = ["ChangePoint", "change_point", "detect_anomalies", "detection_scores", "kpi_series"]


@dataclass(frozen=True)
class ChangePoint:
    """A single shift in the mean.

    Attributes
    ----------
    last_before, first_after : label
        Index labels either side of the shift.
    mean_before, mean_after : float
        Means of the two segments.
    position : int
        Number of observations before the shift.
    """

    last_before: object
    first_after: object
    mean_before: float
    mean_after: float
    position: int

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({"value": pd.Series(self.__dict__, dtype="object")}).rename_axis("statistic")


def change_point(values, *, min_size: int = 2) -> ChangePoint:
    """Locate the single most likely shift in the mean of a series.

    Parameters
    ----------
    values : Series or array-like
        In time order; the index labels the observations (years, dates).
    min_size : int
        Fewest observations allowed in either segment.

    Examples
    --------
    >>> cp = change_point(pd.Series([10, 11, 9, 10, 20, 21, 19, 20]))
    >>> cp.position, cp.mean_before, cp.mean_after
    (4, 10.0, 20.0)
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    s = pd.to_numeric(s, errors="raise").astype("float64")
    if s.isna().any():
        raise DataError("`values` has missing values; fill or drop them first.")
    n = len(s)
    if n < 2 * min_size:
        raise DataError(f"`values` needs at least {2 * min_size} observations, but has {n}.")
    x = s.to_numpy()
    cum = np.cumsum(x)
    tau = np.arange(1, n)
    stat = np.abs(cum[:-1] - tau / n * cum[-1])
    valid = (tau >= min_size) & (tau <= n - min_size)
    # weight by sqrt(tau (n - tau)) so the statistic is the two-sample t-type contrast
    contrast = np.where(valid, stat / np.sqrt(tau * (n - tau) / n), -np.inf)
    pos = int(tau[np.argmax(contrast)])
    return ChangePoint(s.index[pos - 1], s.index[pos], float(x[:pos].mean()), float(x[pos:].mean()), pos)


def _robust_z(rem: np.ndarray, reference: np.ndarray) -> np.ndarray:
    centre = np.median(reference)
    mad = 1.4826 * np.median(np.abs(reference - centre))
    return (rem - centre) / mad if mad > 0 else np.zeros_like(rem)


def _stl_scores(series: np.ndarray, period: int, seasonal: int, threshold: float):
    """Two passes of STL: fit, set the outlying days to their expected value, fit again.

    A spike pulls a plain STL fit towards itself, which hides part of it; the second fit on
    the cleaned series does not see the outliers (the idea of R's ``forecast::tsoutliers``,
    Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., 2021).
    Plain rather than robust STL: its robustness weights shrink the remainder of ordinary days
    and make the MAD scale too small, which flagged many normal days in our tests.
    """
    first = STL(series, period=period, seasonal=seasonal, robust=False).fit()
    z = _robust_z(first.resid, first.resid)
    outlying = np.abs(z) > threshold
    cleaned = np.where(outlying, first.trend + first.seasonal, series)
    second = STL(cleaned, period=period, seasonal=seasonal, robust=False).fit()
    expected = second.trend + second.seasonal
    rem = series - expected
    return expected, rem, _robust_z(rem, second.resid)


def kpi_series(kpis: pd.DataFrame, *, columns=None, date_col: str = "date", period: int = 7,
               purpose: str = "Seasonal anomaly detection"):
    """The daily KPI series that a seasonal method can use, sorted by date.

    Checks the table (one row per date, at least two periods and a day), picks the numeric
    columns (or ``columns``), and leaves out each KPI with a value on fewer than half of the
    days or zero on more than half of those. Missing days in between are interpolated.

    Returns
    -------
    (frame, dates, series)
        The table sorted by date, its dates (DatetimeIndex) and ``{kpi: float Series}`` on
        that index, interpolated.
    """
    check_frame(kpis, "kpis")
    if len(kpis) < 2 * period + 1:
        raise DataError(f"{purpose} with a period of {period} needs at least {2 * period + 1} "
                        f"days (two cycles and a day), but `kpis` has {len(kpis)}.")
    check_columns(kpis, [date_col], "kpis")
    if columns is None:
        columns = [c for c in kpis.columns if c != date_col and pd.api.types.is_numeric_dtype(kpis[c])
                   and not pd.api.types.is_bool_dtype(kpis[c])]
    columns = list(columns)
    check_columns(kpis, columns, "kpis")
    if not columns:
        raise ParameterError("`kpis` has no numeric KPI columns to check.")
    frame = kpis.sort_values(date_col)
    dates = pd.to_datetime(frame[date_col])
    if dates.duplicated().any():
        raise DataError("`kpis` has more than one row for some dates; aggregate to one row per day first.")
    values = {col: pd.to_numeric(frame[col], errors="coerce").astype("float64") for col in columns}
    # left out: a KPI observed on fewer than half the days (aov of a shop that sells once a week)
    # would be mostly interpolation; one that is zero on more than half its days (sales of a
    # handful of customers) has a tiny robust scale that turns every ordinary sale into an outlier
    columns = [col for col in columns
               if values[col].notna().sum() >= max(2 * period + 1, len(frame) / 2)
               and (values[col] == 0).sum() <= values[col].notna().sum() / 2]
    if not columns:
        raise DataError(f"No KPI can be scored: each has a value on fewer than half of the {len(frame)} days, or "
                        "is zero on more than half of them (a mostly-zero series makes every ordinary day an "
                        "outlier).")
    dates = pd.DatetimeIndex(dates)
    series = {}
    for col in columns:
        y = pd.Series(values[col].to_numpy(), index=dates)
        series[col] = y.interpolate(limit_direction="both") if y.isna().any() else y
    return frame, dates, series


def detect_anomalies(
    kpis: pd.DataFrame,
    *,
    columns=None,
    date_col: str = "date",
    period: int = 7,
    seasonal: int = 13,
    threshold: float = 5.0,
    log: bool | str = "auto",
) -> pd.DataFrame:
    """Flag days whose KPI is far from its trend and weekly pattern (STL remainder).

    Parameters
    ----------
    kpis : DataFrame
        One row per day with ``date`` and one numeric column per KPI.
    columns : list of str, optional
        KPIs to check; default every numeric column.
    period : int
        Seasonal period in days (7 = weekly).
    seasonal : int
        Length (odd, in periods) of STL's seasonal smoother; 13 lets the weekly pattern drift
        slowly over about three months without chasing single days.
    threshold : float
        Flag when ``|score| > threshold`` (robust z-score of the STL remainder). The default 5 is
        stricter than the 3.5 often quoted for normal data (Iglewicz & Hoaglin 1993) because daily
        ratios such as return and refund rates, built from a few dozen orders, have heavy tails:
        on the sample shop 3.5 flagged about three ordinary days for every real incident.
    log : bool or "auto"
        Decompose ``log(KPI)`` so that a weekly pattern that scales the level (busy weekends) and
        noise proportional to the level are handled; "auto" does so for series that are all
        positive. ``expected`` is always on the KPI's own scale.

    Returns
    -------
    DataFrame
        One row per (day, KPI) for each KPI with a value on at least half of the days and
        zero on at most half of those (others are left out; missing days in between are
        interpolated for the fit, never flagged, and their ``value`` stays missing): ``date``,
        ``kpi``, ``value``, ``expected`` (trend + season),
        ``remainder`` (on the log scale when ``log``), ``score`` and ``flagged`` (bool); sorted by
        date and KPI.
    """
    threshold = check_positive("threshold", threshold)
    frame, dates, series = kpi_series(kpis, columns=columns, date_col=date_col, period=period)
    parts = []
    for col, y in series.items():  # a handful of KPI series, not rows
        use_log = bool(log) if log != "auto" else bool((y > 0).all())
        x = np.log(y.to_numpy()) if use_log else y.to_numpy()
        expected, rem, score = _stl_scores(x, period, seasonal, threshold)
        parts.append(pd.DataFrame({
            "date": dates.to_numpy(), "kpi": col, "value": frame[col].to_numpy(dtype=float),
            "expected": np.exp(expected) if use_log else expected, "remainder": rem, "score": score,
        }))
    out = pd.concat(parts, ignore_index=True)
    out["kpi"] = out["kpi"].astype("str")
    out["flagged"] = (out["score"].abs() > threshold) & out["value"].notna()  # never an interpolated day
    return out.sort_values(["date", "kpi"], ignore_index=True)


def detection_scores(flagged: pd.DataFrame, truth: pd.DataFrame, *, tolerance_days: int = 0,
                     by_kpi: bool = True) -> pd.Series:
    """Precision and recall of flagged days against known anomalies.

    Parameters
    ----------
    flagged : DataFrame
        Output of :func:`detect_anomalies` (rows with ``flagged``) or any table with ``date`` (and
        ``kpi`` when ``by_kpi``).
    truth : DataFrame
        The known anomalies with ``date`` (and ``kpi``).
    tolerance_days : int
        A flag within this many days of a true anomaly counts as a hit.

    Returns
    -------
    Series
        ``true_positives``, ``flags``, ``anomalies``, ``precision``, ``recall``.
    """
    keys = ["date", "kpi"] if by_kpi else ["date"]
    check_columns(flagged, keys, "flagged")
    check_columns(truth, keys, "truth")
    if "flagged" in flagged.columns:
        flagged = flagged[flagged["flagged"]]
    flags = _normalise_keys(flagged, keys).rename_axis("flag").reset_index()
    known = _normalise_keys(truth, keys).rename_axis("anomaly").reset_index()
    if by_kpi:
        pairs = flags.merge(known, on="kpi", suffixes=("_flag", "_true"))
    else:
        pairs = flags.merge(known, how="cross", suffixes=("_flag", "_true"))
    close = (pairs["date_flag"] - pairs["date_true"]).abs() <= pd.Timedelta(days=tolerance_days)
    hits = pairs[close]
    precision = hits["flag"].nunique() / len(flags) if len(flags) else float("nan")
    recall = hits["anomaly"].nunique() / len(known) if len(known) else float("nan")
    return pd.Series({"true_positives": hits["anomaly"].nunique(), "flags": len(flags),
                      "anomalies": len(known), "precision": precision, "recall": recall})


def _normalise_keys(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = frame[keys].drop_duplicates().reset_index(drop=True)
    out["date"] = pd.to_datetime(out["date"]).dt.floor("D")
    if "kpi" in out.columns:
        out["kpi"] = out["kpi"].astype("str")
    return out
