"""Control charts for daily KPIs (book 9.3, risk monitoring).

* **Individuals / moving-range (I-MR)**: with one value a day, the day-to-day spread is estimated
  from the average moving range ``MR-bar`` as ``sigma = MR-bar / d2(2)``; limits are
  ``centre +/- 3 sigma`` and the moving range's upper limit is ``D4 x MR-bar`` with
  ``D4 = 1 + 3 d3(2) / d2(2) = 3.267``.
* **EWMA**: ``z_t = lambda x_t + (1 - lambda) z_{t-1}`` with limits
  ``mu0 +/- L sigma sqrt(lambda / (2 - lambda) [1 - (1 - lambda)^(2t)])``; good at small drifts.
* **Tabular CUSUM**: ``C+_t = max(0, C+_{t-1} + x_t - mu0 - k)`` and
  ``C-_t = max(0, C-_{t-1} + mu0 - k - x_t)`` with ``k = K sigma`` and decision interval
  ``h = H sigma``; good at sustained level shifts.

``d2(n)``, the mean range of ``n`` standard normal draws, is computed by integration:
``d2(n) = integral of 1 - Phi(x)^n - (1 - Phi(x))^n over the real line``.

References
----------
Montgomery, D. C. (2019). *Introduction to Statistical Quality Control*, 8th ed., Wiley:
6.4 (individuals charts), 9.1 (CUSUM), 9.2 (EWMA), Appendix VI (d2 = 1.128, 1.693, 2.059, 2.326
for n = 2..5).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from scipy import integrate, signal, stats

from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_columns, check_positive

__all__ = [
    "ChartResult",
    "KpiCharts",
    "cusum_chart",
    "d2",
    "d3",
    "ewma_chart",
    "individuals_chart",
    "kpi_control_charts",
]

#: KPIs that hover around a stable level (preferred for control charts: sales grow with the
#: shop, which a chart reads as a signal).
RATIO_KPIS = ("conversion_rate", "aov", "return_rate")


def d2(n: int) -> float:
    """Expected range of ``n`` independent standard normal values (control-chart constant d2)."""
    if not isinstance(n, int | np.integer) or n < 2:
        raise ParameterError(f"`n` must be a whole number >= 2, but {n!r} was passed.")
    return _d2(int(n))


@cache
def _d2(n: int) -> float:

    def integrand(x):
        return 1 - stats.norm.cdf(x) ** n - stats.norm.sf(x) ** n

    return float(integrate.quad(integrand, -np.inf, np.inf)[0])


def d3(n: int) -> float:
    """Standard deviation of the range of ``n`` standard normal values (constant d3)."""
    if not isinstance(n, int | np.integer) or n < 2:
        raise ParameterError(f"`n` must be a whole number >= 2, but {n!r} was passed.")
    return _d3(int(n))


@cache
def _d3(n: int) -> float:

    def joint(y, x):  # E[R^2] = 2 * double integral over x < y of 1 - F(y)^n - (1-F(x))^n + (F(y)-F(x))^n
        fx, fy = stats.norm.cdf(x), stats.norm.cdf(y)
        return 1 - fy**n - (1 - fx) ** n + (fy - fx) ** n

    second = 2 * integrate.dblquad(joint, -8, 8, lambda x: x, lambda x: 8)[0]
    return float(np.sqrt(second - d2(n) ** 2))


@dataclass(frozen=True)
class ChartResult:
    """One control chart.

    Attributes
    ----------
    table : DataFrame
        Per observation: ``value``, the charted ``statistic``, ``centre``, ``lower``, ``upper`` and
        ``signal`` (bool); CUSUM charts also ``cusum_upper`` and ``cusum_lower``.
    kind : str
        ``"individuals"``, ``"moving_range"``, ``"ewma"`` or ``"cusum"``.
    params : dict
        Centre, sigma and the chart's settings.
    """

    table: pd.DataFrame
    kind: str
    params: dict

    @property
    def signals(self) -> pd.DataFrame:
        """The observations outside the limits."""
        return self.table[self.table["signal"]]

    def summary(self) -> pd.DataFrame:
        out = {**self.params, "observations": len(self.table), "signals": int(self.table["signal"].sum())}
        return pd.DataFrame({"value": pd.Series(out, dtype="object")}).rename_axis("statistic")


def _as_series(values, name: str = "values") -> pd.Series:
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        raise ParameterError(f"`{name}` must be numeric, but its dtype is {s.dtype}.")
    s = s.astype("float64")
    if s.isna().any():
        raise DataError(f"`{name}` has {int(s.isna().sum())} missing value(s); fill or drop them first.")
    if len(s) < 3:
        raise DataError(f"`{name}` needs at least 3 observations, but has {len(s)}.")
    return s


def _baseline(s: pd.Series, baseline) -> tuple[float, pd.Series]:
    """Return the centre and the phase-I values used to estimate it (``baseline`` = first n or slice)."""
    if baseline is None:
        ref = s
    elif isinstance(baseline, int | np.integer):
        if baseline < 3 or baseline > len(s):
            raise ParameterError(f"`baseline` must be between 3 and {len(s)} observations, got {baseline}.")
        ref = s.iloc[: int(baseline)]
    else:
        ref = s.loc[baseline]
    return float(ref.mean()), ref


def _moving_range_sigma(ref: pd.Series) -> tuple[float, float]:
    mr_bar = float(ref.diff().abs().mean())
    if not mr_bar > 0:
        raise DataError("All values are equal: the moving range is zero, so no spread can be estimated.")
    return mr_bar, mr_bar / d2(2)


def individuals_chart(values, *, baseline=None, width: float = 3.0) -> tuple[ChartResult, ChartResult]:
    """Individuals and moving-range charts.

    Parameters
    ----------
    values : Series or array-like
        One value per period (e.g. daily sales), in time order.
    baseline : int or slice, optional
        Phase-I data used to set the limits: the first ``baseline`` values, or a label slice.
        Default: all values.
    width : float
        Limits at ``centre +/- width x sigma``; 3 by default.

    Returns
    -------
    (ChartResult, ChartResult)
        The individuals chart and the moving-range chart.
    """
    s = _as_series(values)
    width = check_positive("width", width)
    centre, ref = _baseline(s, baseline)
    mr_bar, sigma = _moving_range_sigma(ref)
    lo, hi = centre - width * sigma, centre + width * sigma
    ind = pd.DataFrame({"value": s, "statistic": s, "centre": centre, "lower": lo, "upper": hi})
    ind["signal"] = (s < lo) | (s > hi)
    d4 = 1 + 3 * d3(2) / d2(2)
    mr = s.diff().abs()
    mrt = pd.DataFrame({"value": s, "statistic": mr, "centre": mr_bar, "lower": 0.0, "upper": d4 * mr_bar})
    mrt["signal"] = mr > d4 * mr_bar
    params = {"centre": centre, "sigma": sigma, "mr_bar": mr_bar, "width": width}
    return (ChartResult(ind, "individuals", params),
            ChartResult(mrt, "moving_range", {**params, "D4": d4}))


def ewma_chart(values, *, lam: float = 0.2, width: float = 3.0, baseline=None) -> ChartResult:
    """EWMA chart with time-varying limits (sigma from the moving range of the baseline).

    ``lam`` is the weight of the newest value (0 < lam <= 1; 0.05-0.25 are usual).
    """
    s = _as_series(values)
    if not 0 < lam <= 1:
        raise ParameterError(f"`lam` must be in (0, 1], but {lam!r} was passed.")
    centre, ref = _baseline(s, baseline)
    _, sigma = _moving_range_sigma(ref)
    x = s.to_numpy()
    z, _ = signal.lfilter([lam], [1.0, -(1 - lam)], x, zi=[(1 - lam) * centre])
    t = np.arange(1, len(x) + 1)
    half = width * sigma * np.sqrt(lam / (2 - lam) * (1 - (1 - lam) ** (2 * t)))
    table = pd.DataFrame({"value": x, "statistic": z, "centre": centre, "lower": centre - half,
                          "upper": centre + half}, index=s.index)
    table["signal"] = (table["statistic"] < table["lower"]) | (table["statistic"] > table["upper"])
    return ChartResult(table, "ewma", {"centre": centre, "sigma": sigma, "lambda": lam, "width": width})


def _lindley(steps: np.ndarray) -> np.ndarray:
    """``C_t = max(0, C_{t-1} + y_t)`` with ``C_0 = 0``, vectorised: ``S_t - min(0, min_{s<=t} S_s)``."""
    cum = np.cumsum(steps)
    return cum - np.minimum(np.minimum.accumulate(cum), 0.0)


def cusum_chart(values, *, k: float = 0.5, h: float = 5.0, baseline=None, target: float | None = None,
                sigma: float | None = None) -> ChartResult:
    """Tabular CUSUM for shifts of the mean in either direction.

    Parameters
    ----------
    k, h : float
        Allowance and decision interval in units of sigma (0.5 and 5 detect a one-sigma shift
        quickly with few false alarms).
    target, sigma : float, optional
        In-control mean and standard deviation; estimated from ``baseline`` (mean, and moving range
        / d2) when not given.
    """
    s = _as_series(values)
    k = check_positive("k", k, allow_zero=True)
    h = check_positive("h", h)
    centre, ref = _baseline(s, baseline)
    mu0 = centre if target is None else float(target)
    sig = _moving_range_sigma(ref)[1] if sigma is None else check_positive("sigma", sigma)
    x = s.to_numpy()
    upper = _lindley(x - mu0 - k * sig)
    lower = _lindley(mu0 - k * sig - x)
    table = pd.DataFrame({"value": x, "statistic": np.maximum(upper, lower), "centre": 0.0,
                          "lower": 0.0, "upper": h * sig, "cusum_upper": upper, "cusum_lower": lower},
                         index=s.index)
    table["signal"] = (upper > h * sig) | (lower > h * sig)
    return ChartResult(table, "cusum", {"centre": mu0, "sigma": sig, "k": k, "h": h})


@dataclass(frozen=True)
class KpiCharts:
    """Individuals, moving-range, EWMA and CUSUM charts of one daily KPI.

    Attributes
    ----------
    kpi : str
        The KPI charted.
    series : Series
        Its observed values by date (days without a value left out).
    baseline : int
        Number of first values that set the limits.
    individuals, moving_range, ewma, cusum : ChartResult
        The four charts.
    """

    kpi: str
    series: pd.Series
    baseline: int
    individuals: ChartResult
    moving_range: ChartResult
    ewma: ChartResult
    cusum: ChartResult

    def summary(self) -> pd.DataFrame:
        """Signals per chart, with the centre and sigma of the limits."""
        return pd.DataFrame({
            "chart": ["individuals", "ewma", "cusum"],
            "signals": [int(c.table["signal"].sum()) for c in (self.individuals, self.ewma, self.cusum)],
            "observations": len(self.series),
            "centre": self.individuals.params["centre"],
            "sigma": self.individuals.params["sigma"],
        })


def kpi_control_charts(kpis: pd.DataFrame, *, columns=None, kpi: str | None = None, date_col: str = "date",
                       baseline: int = 90, min_days: int = 20) -> KpiCharts:
    """Control charts of one daily KPI, chosen from ``columns`` (a ratio KPI first).

    Parameters
    ----------
    kpis : DataFrame
        One row per day: ``date`` and KPI columns (as :func:`ecomlib.risk.daily_kpis` builds).
    columns : list of str, optional
        KPIs that may be charted; default every column but the date.
    kpi : str, optional
        The KPI to chart; default the first of :data:`RATIO_KPIS` in ``columns`` with at least
        ``min_days`` values, else the first such column.
    baseline : int
        Limits come from the first ``baseline`` values (all of them when the series is shorter).
    min_days : int
        Fewest observed values to set limits on (Montgomery, 6.4, asks for 20-25).

    Returns
    -------
    KpiCharts

    Raises
    ------
    DataError
        No KPI has ``min_days`` observed values, or the chosen one never varies.
    """
    check_columns(kpis, [date_col], "kpis")
    columns = [c for c in kpis.columns if c != date_col] if columns is None else list(columns)
    check_columns(kpis, columns if kpi is None else [kpi], "kpis")
    observed = {c: pd.to_numeric(kpis[c], errors="coerce").notna().sum() for c in columns}
    if kpi is None:
        deep = [c for c in columns if observed[c] >= min_days]
        kpi = next((c for c in RATIO_KPIS if c in deep), deep[0] if deep else None)
        if kpi is None:
            best = max(observed.values(), default=0)
            raise DataError(f"Control limits need at least {min_days} days with a value of one KPI, but the "
                            f"longest KPI series has {best}.")
    series = kpis.set_index(date_col)[kpi].dropna().astype("float64")
    if len(series) < min_days:
        raise DataError(f"Control limits need at least {min_days} days with a value of {kpi!r}, "
                        f"but it has {len(series)}.")
    n = min(int(baseline), len(series))
    ind, mr = individuals_chart(series, baseline=n)
    return KpiCharts(kpi, series, n, ind, mr, ewma_chart(series, baseline=n), cusum_chart(series, baseline=n))
