"""Trend forecasting: ETS, SARIMA (with festival regressors) and the seasonal-naive benchmark.

Three methods, one interface (:func:`forecast`), each with a prediction interval:

- ``"naive"``: seasonal naive, tomorrow = the same weekday last week,
  ``y_hat(T+h) = y(T + h - m * ceil(h / m))``; interval sd = sigma x sqrt(k + 1) with
  ``k = floor((h - 1) / m)`` and sigma the sd of the seasonal differences (FPP3, 5.5).
- ``"ets"``: exponential smoothing state-space model ETS(A, Ad, A): additive errors, damped
  additive trend, additive season of length m (statsmodels ``ETSModel``).
- ``"sarima"``: seasonal ARIMA (p,d,q)(P,D,Q)m by state-space maximum likelihood
  (statsmodels ``SARIMAX``), optionally with festival dummies as regressors (618, Double 11).

``log=True`` models log sales and turns the forecast back with ``exp``: a multiplicative
season and intervals that widen with the level (the interval ends map back exactly; the
point forecast becomes the median).

References
----------
Hyndman, R. J. and Athanasopoulos, G. (2021), *Forecasting: Principles and Practice*, 3rd
ed., OTexts (FPP3), sections 5.2, 5.5, 8.5-8.7 and 9.9.
Box, G. E. P., Jenkins, G. M. and Reinsel, G. C. (2008), *Time Series Analysis*, 4th ed.,
Wiley, ch. 9 (the airline model SARIMA(0,1,1)(0,1,1)12).
Seabold, S. and Perktold, J. (2010), "statsmodels: Econometric and statistical modeling with
Python", *Proc. 9th Python in Science Conference*.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_argument, check_probability

__all__ = ["METHODS", "ForecastResult", "forecast", "prepare_series", "seasonal_period_of"]

METHODS = ("ets", "sarima", "naive")
_PERIODS = {"D": 7, "B": 5, "W": 52, "M": 12, "MS": 12, "ME": 12, "Q": 4, "QS": 4, "QE": 4}


def seasonal_period_of(index: pd.DatetimeIndex) -> int:
    """The usual seasonal period of a regular date index: 7 for days, 12 for months, ...

    Examples
    --------
    >>> seasonal_period_of(pd.date_range("2024-01-01", periods=10, freq="D"))
    7
    """
    freq = index.freqstr if index.freq is not None else pd.infer_freq(index)
    base = str(freq).split("-")[0] if freq else ""
    return _PERIODS.get(base, 1)


def prepare_series(series, *, name: str = "series", min_length: int = 3) -> pd.Series:
    """Check a regular, gap-free numeric time series and return it as float with a frequency.

    Parameters
    ----------
    series : Series
        Values indexed by a regular ``DatetimeIndex`` (e.g. from
        :func:`ecomlib.market.daily_sales`), no missing values.
    name : str
        Parameter name for messages.
    min_length : int
        Fewest observations allowed.

    Returns
    -------
    Series
        A float copy whose index carries its frequency.
    """
    if not isinstance(series, pd.Series):
        raise ParameterError(
            f"`{name}` must be a pandas Series indexed by date, but a {type(series).__name__} was passed.",
            fix="Build daily sales with ecomlib.market.daily_sales(transactions).",
        )
    if not isinstance(series.index, pd.DatetimeIndex):
        raise ParameterError(f"`{name}` must have a DatetimeIndex, but has {type(series.index).__name__}.")
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        raise DataError(f"`{name}` must be numeric, but has dtype {series.dtype}.")
    if len(series) < min_length:
        raise DataError(f"`{name}` has {len(series)} observation(s); at least {min_length} needed.")
    if series.isna().any() or not np.all(np.isfinite(series.to_numpy(dtype=float))):
        raise DataError(f"`{name}` has missing or infinite values; fill or drop them first.")
    freq = series.index.freq or pd.infer_freq(series.index)
    if freq is None:
        raise DataError(
            f"`{name}` is not regular: its dates have gaps or uneven steps.",
            fix="Use daily_sales(), which fills days without sales with 0.",
        )
    out = series.astype(float).copy()
    out.index = pd.DatetimeIndex(out.index, freq=freq)
    return out


@dataclass(frozen=True)
class ForecastResult:
    """A forecast with its prediction interval.

    Attributes
    ----------
    method : str
        "ets", "sarima" or "naive".
    level : float
        Coverage of the prediction interval (0.8 = 80%).
    table : DataFrame
        Indexed by the forecast dates: ``mean`` (median when ``log``), ``lower``, ``upper``,
        in the unit of the series (e.g. CNY per day).
    params : dict
        Fitted parameters (name -> value); empty for the naive method.
    seasonal_period : int
        Seasonal period used (7 for daily data).
    log : bool
        Whether the model was fitted to log values.
    aic : float
        Akaike information criterion of the fit (NaN for naive).
    warnings : tuple of str
        What the fit reported about itself: the optimiser did not converge, or the
        parameter covariance is singular. Empty when the fit went through cleanly. Such a
        forecast can still be usable, but compare it with the naive method before trusting it.
    """

    method: str
    level: float
    table: pd.DataFrame
    params: dict = field(default_factory=dict)
    seasonal_period: int = 1
    log: bool = False
    aic: float = float("nan")
    warnings: tuple = ()

    def summary(self) -> pd.DataFrame:
        """The forecast table with a ``date`` column."""
        return self.table.rename_axis("date").reset_index()


@contextmanager
def _fit_warnings(found: list):
    """Collect the statsmodels warnings that say something about the fit (convergence, a
    singular covariance) into ``found``; drop the rest (frequency inference, for instance),
    which would only alarm a student."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        message = " ".join(str(w.message).split())
        if issubclass(w.category, ConvergenceWarning):
            note = f"the optimiser stopped before it converged (statsmodels: {message})"
        elif "covariance matrix" in message.lower():
            note = f"the parameter covariance is unreliable (statsmodels: {message})"
        else:
            continue
        if note not in found:
            found.append(note)


def _future_index(index: pd.DatetimeIndex, horizon: int) -> pd.DatetimeIndex:
    return pd.date_range(index[-1], periods=horizon + 1, freq=index.freq, unit="us")[1:]


def _naive(y: np.ndarray, horizon: int, m: int, z: float):
    if len(y) <= m:
        raise DataError(f"The seasonal naive method needs more than {m} observations, got {len(y)}.")
    h = np.arange(1, horizon + 1)
    last_season = y[-m:]
    mean = last_season[(h - 1) % m]
    sigma = np.std(y[m:] - y[:-m], ddof=1)
    half = z * sigma * np.sqrt(np.floor((h - 1) / m) + 1)
    return mean, mean - half, mean + half, {}, float("nan")


def _ets(y: np.ndarray, horizon: int, m: int, alpha: float, index, found: list):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    seasonal = "add" if m > 1 else None
    if m > 1 and len(y) < 2 * m + 2:
        raise DataError(f"ETS with a season of {m} needs at least {2 * m + 2} observations, got {len(y)}.")
    model = ETSModel(
        pd.Series(y, index=index),
        error="add",
        trend="add",
        damped_trend=True,
        seasonal=seasonal,
        seasonal_periods=m if m > 1 else None,
    )
    with _fit_warnings(found):
        # return_params skips the numerical Hessian (standard errors of the smoothing
        # parameters), which costs more than the fit itself and is not needed to forecast.
        params = model.fit(disp=False, maxiter=200, return_params=True)
        fit = model.smooth(params)
        frame = fit.get_prediction(start=len(y), end=len(y) + horizon - 1).summary_frame(alpha=alpha)
    return (
        frame["mean"].to_numpy(),
        frame["pi_lower"].to_numpy(),
        frame["pi_upper"].to_numpy(),
        dict(zip(model.param_names, np.asarray(params, dtype=float).tolist(), strict=True)),
        float(fit.aic),
    )


def _sarima(y, horizon, m, alpha, index, order, seasonal_order, exog, exog_future, simple_diff, found):
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    seasonal = (*seasonal_order, m) if m > 1 else (0, 0, 0, 0)

    def model(simple: bool):
        return SARIMAX(
            pd.Series(y, index=index),
            exog=exog,
            order=order,
            seasonal_order=seasonal,
            simple_differencing=simple,
        )

    with _fit_warnings(found):
        estimate = model(simple_diff).fit(disp=False)
        # A simply differenced model forecasts the differences; run the same parameters
        # through the undifferenced model so the forecast is in the series' own unit.
        fit = model(False).filter(estimate.params) if simple_diff else estimate
        frame = fit.get_forecast(horizon, exog=exog_future).summary_frame(alpha=alpha)
    return (
        frame["mean"].to_numpy(),
        frame["mean_ci_lower"].to_numpy(),
        frame["mean_ci_upper"].to_numpy(),
        dict(zip(estimate.model.param_names, np.asarray(estimate.params, dtype=float).tolist(), strict=True)),
        float(estimate.aic),
    )


def _check_order(name, value):
    if (
        not isinstance(value, list | tuple)
        or len(value) != 3
        or not all(isinstance(v, int | np.integer) and 0 <= v <= 3 for v in value)
    ):
        raise ParameterError(f"`{name}` must be three integers from 0 to 3, but {value!r} was passed.")
    return tuple(int(v) for v in value)


def _festival_regressors(festivals, index, future):
    """Split a regressor table (or build the default calendar) into history and future parts."""
    if festivals is None or festivals is False:
        return None, None
    from ecomlib.market.festivals import festival_calendar

    every = index.append(future)
    table = festival_calendar(every) if festivals is True else festivals
    if not isinstance(table, pd.DataFrame):
        raise ParameterError("`festivals` must be True, None or a DataFrame of regressors indexed by date.")
    missing = every.difference(table.index)
    if len(missing):
        raise DataError(
            f"`festivals` has no row for {len(missing)} date(s) of the history or horizon, "
            f"first {missing[0].date()}.",
            fix="Build it with festival_calendar(dates) over the history and the forecast horizon.",
        )
    table = table.loc[every].astype(float)
    table = table.loc[:, table.loc[index].std() > 0]  # a festival absent from the history
    if table.shape[1] == 0:
        return None, None
    return table.loc[index], table.loc[future]


def forecast(
    series: pd.Series,
    horizon: int,
    method: str = "ets",
    *,
    level: float = 0.8,
    seasonal_period: int | None = None,
    log: bool | str = False,
    festivals: bool | pd.DataFrame | None = None,
    order: tuple[int, int, int] = (1, 0, 1),
    seasonal_order: tuple[int, int, int] = (0, 1, 1),
    simple_differencing: bool = False,
) -> ForecastResult:
    """Forecast ``horizon`` steps ahead with a prediction interval.

    Parameters
    ----------
    series : Series
        Regular time series, e.g. daily sales in CNY from :func:`ecomlib.market.daily_sales`.
    horizon : int
        Steps ahead (days for daily data), >= 1.
    method : {"ets", "sarima", "naive"}
        Model, see the module notes.
    level : float, default 0.8
        Interval coverage, strictly between 0 and 1.
    seasonal_period : int, optional
        Season length m; default from the index frequency (7 for days, 12 for months).
    log : bool or "auto", default False
        Fit to log values (needs positive values) and map the forecast back. ``"auto"`` fits
        to log values when every value is above 0, else to the values themselves, with the
        interval cut at 0 and a note in ``warnings`` (a shop with days without sales).
    festivals : True, DataFrame or None
        SARIMA only: festival regressors. True builds the default 618 / Double 11 calendar
        (:func:`ecomlib.market.festival_calendar`); a DataFrame must cover history and horizon.
    order, seasonal_order : tuple of 3 int
        SARIMA (p, d, q) and (P, D, Q); the seasonal period is ``seasonal_period``.
    simple_differencing : bool, default False
        SARIMA only: difference the data before fitting (the likelihood R's ``arima`` uses),
        instead of handling differences inside the state-space model.

    Returns
    -------
    ForecastResult

    Examples
    --------
    >>> s = pd.Series([1.0, 2, 3, 4, 5, 6, 7] * 3, index=pd.date_range("2024-01-01", periods=21))
    >>> forecast(s, 3, "naive").table["mean"].tolist()
    [1.0, 2.0, 3.0]
    """
    check_argument("method", list(METHODS), method)
    series = prepare_series(series)
    if not isinstance(horizon, int | np.integer) or horizon < 1:
        raise ParameterError(f"`horizon` must be a positive integer, but {horizon!r} was passed.")
    alpha = 1.0 - check_probability("level", level)
    m = seasonal_period_of(series.index) if seasonal_period is None else seasonal_period
    if not isinstance(m, int | np.integer) or m < 1:
        raise ParameterError(f"`seasonal_period` must be a positive integer, but {m!r} was passed.")
    if festivals is not None and festivals is not False and method != "sarima":
        raise ParameterError(
            f"`festivals` are regressors, which only method='sarima' takes; {method!r} was passed.",
            fix="Use method='sarima', or measure festival lifts with festival_effects().",
        )
    y = series.to_numpy()
    found: list[str] = []
    floor = False
    if isinstance(log, str):
        if log != "auto":
            raise ParameterError(f"`log` must be True, False or 'auto', but {log!r} was passed.")
        log = bool(np.all(y > 0))
        if not log:
            floor = True
            found.append(f"{int(np.sum(y <= 0))} of {len(y)} values are 0 or below, so the model is fitted "
                         "to the values, not their logs (the interval is cut at 0)")
    if log:
        if np.any(y <= 0):
            raise DataError("`log=True` needs positive values, but the series has zeros or negatives.")
        y = np.log(y)
    future = _future_index(series.index, int(horizon))
    z = stats.norm.ppf(1 - alpha / 2)
    if method == "naive":
        mean, lower, upper, params, aic = _naive(y, int(horizon), int(m), z)
    elif method == "ets":
        mean, lower, upper, params, aic = _ets(y, int(horizon), int(m), alpha, series.index, found)
    else:
        exog, exog_future = _festival_regressors(festivals, series.index, future)
        mean, lower, upper, params, aic = _sarima(
            y,
            int(horizon),
            int(m),
            alpha,
            series.index,
            _check_order("order", order),
            _check_order("seasonal_order", seasonal_order),
            exog,
            exog_future,
            bool(simple_differencing),
            found,
        )
    if log:
        mean, lower, upper = np.exp(mean), np.exp(lower), np.exp(upper)
    elif floor:
        mean, lower, upper = np.maximum(mean, 0.0), np.maximum(lower, 0.0), np.maximum(upper, 0.0)
    table = pd.DataFrame({"mean": mean, "lower": lower, "upper": upper}, index=future)
    return ForecastResult(
        method=method,
        level=float(level),
        table=table,
        params=params,
        seasonal_period=int(m),
        log=bool(log),
        aic=aic,
        warnings=tuple(found),
    )
