"""Rolling-origin backtest: does the model beat the seasonal-naive rule on held-out days?

The series is cut at several origins near its end; at each, every method is fitted on the
days before the origin and forecasts the next ``horizon`` days, which it has not seen.
Errors are pooled over all origins::

    MAPE = mean |y - y_hat| / |y| x 100          (days with y = 0 left out)
    MASE = mean |y - y_hat| / mean |y_t - y_{t-m}|   (denominator: in-sample seasonal-naive
                                                     error of each training window)
    coverage = share of held-out days inside the prediction interval

MASE below 1 means the method beats the seasonal-naive rule's in-sample accuracy; the
honest comparison is against the naive method's own out-of-sample MASE in the same table.

References
----------
Hyndman, R. J. and Koehler, A. B. (2006), "Another look at measures of forecast accuracy",
*International Journal of Forecasting* 22(4), 679-688 (MASE).
Tashman, L. J. (2000), "Out-of-sample tests of forecasting accuracy: an analysis and
review", *International Journal of Forecasting* 16(4), 437-450 (rolling origins).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.market.forecasting import METHODS, forecast, prepare_series, seasonal_period_of
from ecomlib.validation import check_argument

__all__ = ["BacktestResult", "backtest"]


@dataclass(frozen=True)
class BacktestResult:
    """Held-out forecasts and their accuracy per method.

    Attributes
    ----------
    predictions : DataFrame
        One row per origin, method and held-out day: ``origin`` (last training day),
        ``method``, ``date``, ``step`` (1 = first day ahead), ``actual``, ``mean``, ``lower``,
        ``upper``.
    scores : DataFrame
        One row per method: ``mape`` (%), ``mase``, ``coverage`` (fraction of held-out days
        inside the interval), ``days`` (held-out days scored); best MASE first.
    level : float
        Nominal interval coverage.
    benchmark : str
        The benchmark method ("naive").
    """

    predictions: pd.DataFrame
    scores: pd.DataFrame
    level: float
    benchmark: str = "naive"

    @property
    def best(self) -> str:
        """Method with the lowest MASE."""
        return str(self.scores.iloc[0]["method"])

    def beats_benchmark(self, method: str) -> bool:
        """Whether ``method`` has a lower out-of-sample MASE than the seasonal-naive rule."""
        s = self.scores.set_index("method")["mase"]
        return bool(s[method] < s[self.benchmark])

    def summary(self) -> pd.DataFrame:
        """The scores table, with a column saying whether each method beats the benchmark."""
        out = self.scores.copy()
        bench = out.set_index("method").loc[self.benchmark, "mase"]
        out["beats_naive"] = out["mase"] < bench
        return out


def backtest(
    series: pd.Series,
    horizon: int = 28,
    methods: tuple[str, ...] = ("ets", "naive"),
    *,
    n_origins: int = 4,
    step: int | None = None,
    level: float = 0.8,
    seasonal_period: int | None = None,
    **forecast_kwargs,
) -> BacktestResult:
    """Rolling-origin evaluation of forecasting methods against the seasonal-naive benchmark.

    Parameters
    ----------
    series : Series
        Regular time series, e.g. daily sales (CNY).
    horizon : int, default 28
        Days (steps) forecast from each origin.
    methods : tuple of str, default ("ets", "naive")
        Methods of :func:`ecomlib.market.forecast`; "naive" is always added as benchmark.
    n_origins : int, default 4
        Number of forecast origins.
    step : int, optional
        Days between origins; default ``horizon`` (held-out windows do not overlap).
    level : float, default 0.8
        Interval coverage.
    seasonal_period : int, optional
        Season length m (default from the index: 7 for days).
    **forecast_kwargs
        Passed to :func:`ecomlib.market.forecast` for every method but naive (e.g. ``log``,
        ``festivals``, ``order``).

    Returns
    -------
    BacktestResult

    Examples
    --------
    >>> s = pd.Series(np.tile([5.0, 6, 7, 8, 9, 3, 2], 20) + 0.1 * np.arange(140),
    ...               index=pd.date_range("2024-01-01", periods=140))
    >>> backtest(s, 7, ("naive",), n_origins=2).scores["mase"].round(6).tolist()
    [1.0]
    """
    series = prepare_series(series)
    methods = tuple(dict.fromkeys([*methods, "naive"]))
    for method in methods:
        check_argument("methods", list(METHODS), method)
    for name, value in {"horizon": horizon, "n_origins": n_origins}.items():
        if not isinstance(value, int | np.integer) or value < 1:
            raise ParameterError(f"`{name}` must be a positive integer, but {value!r} was passed.")
    step = horizon if step is None else step
    if not isinstance(step, int | np.integer) or step < 1:
        raise ParameterError(f"`step` must be a positive integer, but {step!r} was passed.")
    m = seasonal_period_of(series.index) if seasonal_period is None else int(seasonal_period)
    n = len(series)
    first_origin = n - horizon - (n_origins - 1) * step
    if first_origin < 3 * m + 2:
        needed = horizon + (n_origins - 1) * step + 3 * m + 2
        raise DataError(
            f"The series has {n} observations: too short for {n_origins} origin(s) of horizon "
            f"{horizon} with step {step} and a season of {m}, which need at least {needed}.",
            fix="Lower n_origins, horizon or step, or use a longer series.",
        )
    y = series.to_numpy()
    frames, scales = [], []
    for k in range(n_origins):
        cut = first_origin + k * step
        train, test = series.iloc[:cut], series.iloc[cut : cut + horizon]
        scale = np.mean(np.abs(y[m:cut] - y[: cut - m]))
        scales.append(scale)
        for method in methods:
            kwargs = {} if method == "naive" else forecast_kwargs
            result = forecast(train, horizon, method, level=level, seasonal_period=m, **kwargs)
            frame = result.table.reset_index(names="date")
            frame.insert(0, "method", method)
            frame.insert(0, "origin", train.index[-1])
            frame["step"] = np.arange(1, horizon + 1)
            frame["actual"] = test.to_numpy()
            frame["scale"] = scale
            frames.append(frame)
    if not np.all(np.asarray(scales) > 0):
        raise DataError("The series repeats its season exactly, so MASE's denominator is zero.")
    predictions = pd.concat(frames, ignore_index=True)
    err = (predictions["actual"] - predictions["mean"]).abs()
    actual = predictions["actual"].abs()
    scored = predictions.assign(
        ape=(err / actual.where(actual > 0)) * 100.0,
        se=err / predictions["scale"],
        inside=(predictions["actual"] >= predictions["lower"])
        & (predictions["actual"] <= predictions["upper"]),
    )
    scores = scored.groupby("method", sort=False).agg(
        mape=("ape", "mean"), mase=("se", "mean"), coverage=("inside", "mean"), days=("se", "size")
    )
    scores = scores.sort_values("mase", kind="stable").reset_index()
    cols = ["origin", "method", "date", "step", "actual", "mean", "lower", "upper"]
    return BacktestResult(predictions=predictions[cols], scores=scores, level=float(level))
