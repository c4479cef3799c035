"""STL decomposition of a sales series into trend, season and remainder.

STL (Seasonal-Trend decomposition using Loess) splits ``y = trend + season + remainder``.
How much of the variation each part explains is summarised by the strengths of
Wang, Smith and Hyndman (2006), both between 0 (none) and 1 (all)::

    trend strength    F_T = max(0, 1 - Var(R) / Var(T + R))
    seasonal strength F_S = max(0, 1 - Var(R) / Var(S + R))

References
----------
Cleveland, R. B., Cleveland, W. S., McRae, J. E. and Terpenning, I. (1990), "STL: A
seasonal-trend decomposition procedure based on loess", *Journal of Official Statistics*
6(1), 3-73.
Wang, X., Smith, K. A. and Hyndman, R. J. (2006), "Characteristic-based clustering for time
series data", *Data Mining and Knowledge Discovery* 13(3), 335-364.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.market.forecasting import prepare_series, seasonal_period_of

__all__ = ["Decomposition", "stl_decompose"]


@dataclass(frozen=True)
class Decomposition:
    """An STL decomposition.

    Attributes
    ----------
    components : DataFrame
        Indexed by date: ``observed``, ``trend``, ``seasonal``, ``remainder`` (unit of the series).
    period : int
        Seasonal period used.
    trend_strength, seasonal_strength : float
        Strengths F_T and F_S (0-1).
    """

    components: pd.DataFrame
    period: int
    trend_strength: float
    seasonal_strength: float

    def summary(self) -> pd.DataFrame:
        """Strengths and the seasonal profile range, one row per measure."""
        season = self.components["seasonal"]
        return pd.DataFrame(
            {
                "measure": ["period", "trend strength", "seasonal strength", "seasonal range"],
                "value": [
                    float(self.period),
                    self.trend_strength,
                    self.seasonal_strength,
                    float(season.max() - season.min()),
                ],
            }
        )


def _strength(remainder: np.ndarray, part: np.ndarray) -> float:
    total = np.var(part + remainder, ddof=1)
    return float(max(0.0, 1.0 - np.var(remainder, ddof=1) / total)) if total > 0 else 0.0


def stl_decompose(series: pd.Series, period: int | None = None, *, robust: bool = True) -> Decomposition:
    """Split a series into trend, seasonal and remainder parts with STL.

    Parameters
    ----------
    series : Series
        Regular time series, e.g. daily sales (CNY) from :func:`ecomlib.market.daily_sales`.
    period : int, optional
        Season length; default from the index frequency (7 for days, 12 for months).
    robust : bool, default True
        Down-weight outliers such as festival spikes, so they stay in the remainder instead
        of bending the trend and season.

    Returns
    -------
    Decomposition

    Examples
    --------
    >>> s = pd.Series(np.tile([1.0, 2, 3, 4, 5, 6, 7], 8) + np.arange(56),
    ...               index=pd.date_range("2024-01-01", periods=56))
    >>> round(stl_decompose(s).seasonal_strength, 2)
    1.0
    """
    from statsmodels.tsa.seasonal import STL

    series = prepare_series(series)
    period = seasonal_period_of(series.index) if period is None else period
    if not isinstance(period, int | np.integer) or period < 2:
        raise ParameterError(f"`period` must be an integer >= 2, but {period!r} was passed.")
    if len(series) < 2 * period + 1:
        raise DataError(
            f"STL with period {period} needs at least {2 * period + 1} observations, got {len(series)}."
        )
    fit = STL(series, period=int(period), robust=bool(robust)).fit()
    components = pd.DataFrame(
        {
            "observed": series,
            "trend": fit.trend,
            "seasonal": fit.seasonal,
            "remainder": fit.resid,
        }
    )
    r = components["remainder"].to_numpy()
    return Decomposition(
        components=components,
        period=int(period),
        trend_strength=_strength(r, components["trend"].to_numpy()),
        seasonal_strength=_strength(r, components["seasonal"].to_numpy()),
    )
