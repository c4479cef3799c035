"""What would have sold without the promotion: the baseline (what book section 3.4 calls 風險管理與效果評估).

Every lift is actual sales minus a counterfactual nobody observed, so the answer depends on how
the counterfactual is built. Three ways, each with an interval:

* ``"pre_period"``: the average of the weeks before the promotion, adjusted for the weekday
  pattern: ``baseline_t = level x f_dow(t)`` with ``f_dow`` the mean of each weekday divided by the
  overall mean in the pre-period. Simple; blind to trends and yearly seasonality.
* ``"forecast"``: a regression fitted on the pre-period and projected over the promotion and the
  weeks after it: a quasi-Poisson GLM (statsmodels) of daily units on weekday, a linear trend and,
  when list prices are known, the log list-price index,
  ``log E[y_t] = a + weekday_t + b t + e log(price index_t)``; the elasticity ``e`` is estimated
  or given (for example from the pricing chapter). It follows the shop's growth and its ordinary
  price changes; the promotion's own discount is *not* in the index (list prices), so the lift
  it causes is measured, not explained away. Intervals by the delta method plus the
  over-dispersed day-to-day noise.
* ``"control"``: untreated products (other categories) as the counterfactual, scaled by their
  ratio to the treated products in the pre-period: ``baseline_t = control_t x sum(treated_pre) /
  sum(control_pre)``. Shares shocks that hit the whole shop (paydays, the yearly cycle); misleads
  when the promotion also moves the controls (cannibalisation across categories).

Days touched by other promotions are left out of the pre-period.

**Intervals of totals.** A lift is a total over the promotion's days, and daily sales are not
independent: a busy day tends to be followed by busy days (on the sample shop the pre-period
residuals are correlated about 0.1-0.17 at lags 1-3). Summing ``n`` days then has variance

    Var(total) = n sigma^2 x (1 + 2 sum_{k=1..K} (1 - k/n) rho_k),   K = min(6, n - 1),

with ``rho_k`` the lag-``k`` autocorrelation of the pre-period residuals (the Bartlett-type
correction of Newey & West 1987, truncated at six days). The factor in brackets is estimated on
the days the baseline learnt from and never taken below 1. Without it, placebo windows of the
sample shop (no promotion at all) got 95 % intervals that covered zero lift only 91 % (7 days)
and 88 % (14 days) of the time.

References
----------
Hyndman, R. J. & Athanasopoulos, G. (2021). *Forecasting: Principles and Practice*, 3rd ed.,
OTexts, ch. 7 (regression with predictors). McCullagh, P. & Nelder, J. A. (1989). *Generalized
Linear Models*, 2nd ed., ch. 6 (quasi-Poisson). Newey, W. K. & West, K. D. (1987). A simple,
positive semi-definite, heteroskedasticity and autocorrelation consistent covariance matrix.
*Econometrica* 55(3), 703-708. Brodersen, K. H. et al. (2015). Inferring causal impact using Bayesian
structural time-series models. *Annals of Applied Statistics* 9(1), 247-274 (control series).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_argument, check_probability

__all__ = ["BASELINE_METHODS", "BaselineResult", "baseline"]

BASELINE_METHODS = ("pre_period", "forecast", "control")


@dataclass(frozen=True)
class BaselineResult:
    """Actual and counterfactual daily sales around one promotion.

    Attributes
    ----------
    frame : DataFrame
        Index: days from the pre-period to the end of the post-period. Columns ``actual``,
        ``baseline``, ``lower``, ``upper`` (daily interval), ``period`` (``pre`` / ``during`` /
        ``post``) and ``used`` (pre-period days the baseline learnt from).
    method : str
    level : float
        Level of the intervals.
    level_sd : float
        Standard error of the baseline's level per day, in the series' units (for the interval
        of totals: a total over ``n`` days has variance
        ``n x noise_sd^2 x inflation(n) + n^2 x level_sd^2``).
    noise_sd : float
        Day-to-day standard deviation of actual around the baseline in the pre-period.
    total_sd : dict, optional
        Standard deviation of the ``during`` and ``post`` totals, when the method computes them
        itself (``forecast``).
    autocorrelation : tuple of float
        Lag-1.. autocorrelations of the pre-period residuals behind ``inflation`` (module notes).
    """

    frame: pd.DataFrame
    method: str
    level: float
    level_sd: float
    noise_sd: float
    total_sd: dict | None = None
    autocorrelation: tuple = ()

    def inflation(self, n: int) -> float:
        """Variance factor of a total over ``n`` days against independent days (>= 1)."""
        return sum_inflation(self.autocorrelation, n)

    def window(self, period: str) -> pd.DataFrame:
        return self.frame[self.frame["period"] == period]

    def effect(self, period: str = "during") -> pd.Series:
        """Actual minus baseline over ``period``, with its interval and the relative change.

        Returns
        -------
        Series
            ``actual``, ``baseline``, ``incremental``, ``incremental_low``, ``incremental_high``,
            ``relative`` (incremental / baseline), ``relative_low``, ``relative_high``, ``days``.
        """
        w = self.window(period)
        n = len(w)
        actual, base = float(w["actual"].sum()), float(w["baseline"].sum())
        if self.total_sd and period in self.total_sd:
            sd = self.total_sd[period]
        else:
            sd = float(np.sqrt(n * self.noise_sd**2 * self.inflation(n) + (n * self.level_sd) ** 2))
        z = stats.norm.ppf(0.5 + self.level / 2)
        inc = actual - base
        rel = inc / base if base > 0 else np.nan
        return pd.Series({
            "actual": actual, "baseline": base, "incremental": inc,
            "incremental_low": inc - z * sd, "incremental_high": inc + z * sd,
            "relative": rel,
            "relative_low": (inc - z * sd) / base if base > 0 else np.nan,
            "relative_high": (inc + z * sd) / base if base > 0 else np.nan,
            "days": n,
        })

    def summary(self) -> pd.DataFrame:
        """The effect during the promotion and after it."""
        return pd.DataFrame({p: self.effect(p) for p in ("during", "post") if len(self.window(p))}).T


MAX_LAG = 6  # days of residual autocorrelation counted in the variance of a total


def residual_autocorrelation(resid: np.ndarray, max_lag: int = MAX_LAG) -> tuple:
    """Lag-1..``max_lag`` autocorrelations of daily residuals; NaN marks days not used.

    Each lag uses only the pairs of days that are both present, so days left out (other
    promotions) do not join unrelated days.
    """
    r = np.asarray(resid, dtype=float)
    r = r - np.nanmean(r)
    var = np.nanmean(r**2)
    if not np.isfinite(var) or var <= 0:
        return ()
    out = []
    for k in range(1, max_lag + 1):  # a handful of lags
        pairs = r[:-k] * r[k:]
        out.append(float(np.nanmean(pairs) / var) if np.isfinite(pairs).sum() >= 10 else 0.0)
    return tuple(out)


def _on_calendar(resid: pd.Series) -> np.ndarray:
    """Daily residuals from the first to the last day given, NaN on the days left out."""
    days = pd.date_range(resid.index.min(), resid.index.max(), freq="D", unit=resid.index.unit)
    return resid.reindex(days).to_numpy(dtype=float)


def sum_inflation(autocorrelation, n: int) -> float:
    """``1 + 2 sum_{k<n} (1 - k/n) rho_k`` over the given lags, never below 1.

    Examples
    --------
    >>> sum_inflation((0.5,), 2)  # two days correlated 0.5: variance 2 x 1.5 instead of 2
    1.5
    >>> sum_inflation((-0.3,), 7)
    1.0
    """
    rho = np.asarray(autocorrelation, dtype=float)[: max(int(n) - 1, 0)]
    k = np.arange(1, len(rho) + 1)
    return float(max(1.0, 1.0 + 2.0 * np.sum((1.0 - k / n) * rho)))


def _periods(days: pd.DatetimeIndex, start, end, pre_weeks: int, post_weeks: int) -> pd.Series:
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    period = pd.Series("", index=days, dtype="str")
    period[(days >= start - pd.Timedelta(weeks=pre_weeks)) & (days < start)] = "pre"
    period[(days >= start) & (days <= end)] = "during"
    period[(days > end) & (days <= end + pd.Timedelta(weeks=post_weeks))] = "post"
    return period


def _weekday_factors(values: pd.Series) -> pd.Series:
    by_day = values.groupby(values.index.day_of_week).mean()
    factors = by_day / values.mean() if values.mean() > 0 else by_day * 0 + 1
    return factors.reindex(range(7), fill_value=1.0)


def _pre_period(y: pd.Series, used: pd.Series, frame_days: pd.DatetimeIndex):
    pre = y[used]
    f = _weekday_factors(pre)
    adjusted = pre / f.reindex(pre.index.day_of_week).to_numpy()
    level = float(adjusted.mean())
    base = level * f.reindex(frame_days.day_of_week).to_numpy()
    resid = pre - level * f.reindex(pre.index.day_of_week).to_numpy()
    noise = float(resid.std(ddof=1))
    rho = residual_autocorrelation(_on_calendar(resid))
    return base, noise, noise / np.sqrt(len(pre)), None, rho


def _design(days: pd.DatetimeIndex, log_price: pd.Series | None) -> pd.DataFrame:
    weekday = pd.get_dummies(pd.Categorical(days.day_of_week, categories=range(7)), prefix="dow",
                             drop_first=True, dtype="float64")
    weekday.index = days
    design = weekday.assign(const=1.0, trend=np.arange(len(days)) / 365.0)
    if log_price is not None:
        design["log_price"] = log_price.reindex(days).to_numpy(dtype=float)
    return design


def _forecast(y: pd.Series, used: pd.Series, frame_days: pd.DatetimeIndex, periods: pd.Series,
              log_price: pd.Series | None, elasticity: float | None):
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    X = _design(y.index, log_price)
    offset = np.zeros(len(y))
    if log_price is not None and elasticity is not None:
        offset = float(elasticity) * X.pop("log_price").to_numpy()
    elif log_price is not None and np.ptp(X.loc[used, "log_price"].to_numpy()) < 1e-9:
        X = X.drop(columns="log_price")  # prices did not move before the promotion: nothing to learn
    fit = GLM(y[used], X[used], family=families.Poisson(), offset=offset[used.to_numpy()]).fit(scale="X2")
    rows = np.flatnonzero(np.asarray(y.index.isin(frame_days)))
    Xf = X.to_numpy()[rows]
    mu = np.exp(Xf @ fit.params.to_numpy() + offset[rows])
    phi = float(fit.scale)
    cov = fit.cov_params().to_numpy()
    pre_rows = periods.to_numpy()[rows] == "pre"
    fitted = pd.Series(mu[pre_rows], index=y.index[rows][pre_rows])[used[used].index]
    rho = residual_autocorrelation(_on_calendar((y[used] - fitted) / np.sqrt(fitted)))  # Pearson
    total_sd = {}
    for p in ("during", "post"):
        sel = periods.to_numpy()[rows] == p
        if sel.any():
            grad = (mu[sel, None] * Xf[sel]).sum(axis=0)
            noise_var = phi * mu[sel].sum() * sum_inflation(rho, int(sel.sum()))
            fit_var = float(grad @ cov @ grad) * sum_inflation(rho, MAX_LAG + 1)  # long-run factor
            total_sd[p] = float(np.sqrt(noise_var + fit_var))
    noise = float(np.sqrt(phi * mu[pre_rows].mean()))
    return mu, noise, 0.0, total_sd, rho


def _control(y: pd.Series, control: pd.Series, used: pd.Series, frame_days: pd.DatetimeIndex):
    ratio = float(y[used].sum() / control[used].sum())
    base = ratio * control.reindex(frame_days).to_numpy()
    resid = y[used] - ratio * control[used]
    noise = float(resid.std(ddof=1))
    rho = residual_autocorrelation(_on_calendar(resid))
    return base, noise, noise / np.sqrt(int(used.sum())), None, rho


def baseline(
    series: pd.Series,
    start,
    end,
    *,
    method: str = "pre_period",
    pre_weeks: int = 8,
    post_weeks: int = 2,
    control: pd.Series | None = None,
    exclude: np.ndarray | pd.Series | None = None,
    log_price: pd.Series | None = None,
    elasticity: float | None = None,
    level: float = 0.95,
) -> BaselineResult:
    """Baseline of a daily sales series around a promotion running ``start``..``end`` (inclusive).

    Parameters
    ----------
    series : Series
        Daily sales in scope of the promotion (units, revenue or margin), indexed by every day.
    start, end : date-like
        First and last day of the promotion.
    method : {"pre_period", "forecast", "control"}
        How the counterfactual is built (module docstring).
    pre_weeks, post_weeks : int
        Weeks before the promotion the baseline learns from; weeks after it checked for a dip.
    control : Series, optional
        Daily sales of untreated products, same index; required for ``method="control"``.
    exclude : bool array, optional
        Days to leave out of the pre-period (other promotions), aligned with ``series``.
    log_price : Series, optional
        Daily log list-price index of the products in scope (see
        :meth:`DailySales.log_price_index`), used by ``forecast``.
    elasticity : float, optional
        Price elasticity to use with ``log_price`` instead of estimating it from the pre-period
        (a few weeks rarely pin it down; the pricing chapter's estimate is better).
    level : float
        Level of the intervals (0.95).

    Returns
    -------
    BaselineResult
    """
    check_argument("method", BASELINE_METHODS, method)
    level = check_probability("level", level)
    if not isinstance(series, pd.Series) or not isinstance(series.index, pd.DatetimeIndex):
        raise ParameterError("`series` must be a pandas Series indexed by day (DatetimeIndex).")
    if int(pre_weeks) < 2 or int(post_weeks) < 0:
        raise ParameterError(f"`pre_weeks` must be >= 2 and `post_weeks` >= 0; got {pre_weeks}, {post_weeks}.")
    y = series.astype("float64")
    periods = _periods(y.index, start, end, int(pre_weeks), int(post_weeks))
    in_frame = periods != ""
    if not (periods == "during").any():
        raise DataError(f"No sales days between {pd.Timestamp(start).date()} and {pd.Timestamp(end).date()}.")
    skip = np.zeros(len(y), dtype=bool) if exclude is None else np.asarray(exclude, dtype=bool)
    used = (periods == "pre") & ~skip
    if used.sum() < 14:
        raise DataError(
            f"Only {int(used.sum())} usable days before the promotion starting {pd.Timestamp(start).date()} "
            "(at least 14 needed): the data starts too late or other promotions fill the pre-period.",
            fix="Lower `pre_weeks` conflicts by choosing another promotion, or use method='control'.")
    frame_days = y.index[in_frame]
    if method == "pre_period":
        base, noise, level_sd, total_sd, rho = _pre_period(y, used, frame_days)
    elif method == "forecast":
        base, noise, level_sd, total_sd, rho = _forecast(y, used, frame_days, periods, log_price, elasticity)
    else:
        if control is None:
            raise ParameterError("`control` (daily sales of untreated products) is required for method='control'.")
        control = control.reindex(y.index).astype("float64")
        if control[used].sum() <= 0:
            raise DataError("The control series has no sales in the pre-period.")
        base, noise, level_sd, total_sd, rho = _control(y, control, used, frame_days)
    z = stats.norm.ppf(0.5 + level / 2)
    frame = pd.DataFrame({"actual": y[in_frame].to_numpy(), "baseline": base}, index=frame_days)
    frame["lower"] = frame["baseline"] - z * noise
    frame["upper"] = frame["baseline"] + z * noise
    frame["period"] = periods[in_frame].to_numpy()
    frame["used"] = used[in_frame].to_numpy()
    return BaselineResult(frame=frame, method=method, level=level, level_sd=float(level_sd),
                          noise_sd=float(noise), total_sd=total_sd, autocorrelation=rho)
