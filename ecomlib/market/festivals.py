"""Shopping festivals (618, Double 11) as calendar regressors, and the sales lift they bring.

A festival is a window of days up to its peak date each year: by default the peak
week of 618 (June 12-18) and the Double 11 run from November 4 to 11, as the big platforms
schedule them. :func:`festival_calendar` turns the windows into
0/1 columns (one per festival) that SARIMA takes as regressors. :func:`festival_effects`
measures each festival's lift as an event study by least squares on log daily sales::

    log y_t = a + b t + sum_d c_d [weekday_t = d] + sum_k g_k sin/cos(2 pi k t / 365.25)
              + sum_f beta_f festival_f(t) + e_t,             lift_f = exp(beta_f) - 1

The weekday dummies and yearly Fourier terms take out the ordinary week and season, so the
lift is the festival days' sales over what those days would sell without the festival.

References
----------
Hyndman, R. J. and Athanasopoulos, G. (2021), *Forecasting: Principles and Practice*, 3rd
ed., OTexts, sections 7.4 (dummy and Fourier predictors, "holidays") and 12.1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, NotIdentifiableError, ParameterError
from ecomlib.market.forecasting import prepare_series

__all__ = ["FESTIVALS", "FestivalEffects", "festival_calendar", "festival_effects"]

#: Each festival's peak day and how many days before it the sale starts: (month, day, lead).
FESTIVALS: dict[str, tuple[int, int, int]] = {"618": (6, 18, 6), "double11": (11, 11, 7)}


def festival_calendar(
    dates,
    festivals: dict[str, tuple[int, ...]] | None = None,
    *,
    lead: int | None = None,
    lag: int = 0,
) -> pd.DataFrame:
    """0/1 festival indicators for each date.

    Parameters
    ----------
    dates : DatetimeIndex or array of dates
        Days to mark (history and forecast horizon).
    festivals : dict of str to (month, day) or (month, day, lead), optional
        Festival name -> peak day and optionally the days before it that belong to the
        window; default :data:`FESTIVALS` (618: June 12-18, Double 11: November 4-11).
    lead : int, optional
        Days before the peak in every window, overriding each festival's own lead (a
        festival given without one has lead 0).
    lag : int, default 0
        Days after the peak that belong to the window.

    Returns
    -------
    DataFrame
        Indexed by ``dates`` (normalised to midnight), one float column per festival named
        ``fest_<name>``: 1.0 inside its window, else 0.0.

    Examples
    --------
    >>> cal = festival_calendar(pd.date_range("2024-11-03", "2024-11-12"))
    >>> cal["fest_double11"].tolist()
    [0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0]
    """
    festivals = dict(FESTIVALS if festivals is None else festivals)
    for name, value in {"lead": 0 if lead is None else lead, "lag": lag}.items():
        if not isinstance(value, int | np.integer) or not 0 <= value <= 60:
            raise ParameterError(f"`{name}` must be an integer from 0 to 60, but {value!r} was passed.")
    try:
        days = pd.DatetimeIndex(dates).normalize()
    except (TypeError, ValueError):
        raise ParameterError("`dates` must be dates (a DatetimeIndex or date strings).") from None
    if len(days) == 0:
        raise DataError("`dates` is empty.")
    out = {}
    years = np.arange(days.year.min() - 1, days.year.max() + 2)
    for name, peak in festivals.items():
        try:
            if len(peak) not in (2, 3):
                raise ValueError
            month, day = int(peak[0]), int(peak[1])
            before = int(peak[2]) if len(peak) == 3 and lead is None else int(lead or 0)
            peaks = pd.to_datetime({"year": years, "month": month, "day": day})
        except (TypeError, ValueError, IndexError):
            raise ParameterError(
                f"`festivals[{name!r}]` must be (month, day) or (month, day, lead), but {peak!r} "
                "was passed."
            ) from None
        offsets = (days.to_numpy()[:, None] - peaks.to_numpy()[None, :]) / np.timedelta64(1, "D")
        inside = ((offsets >= -before) & (offsets <= lag)).any(axis=1)
        out[f"fest_{name}"] = inside.astype(float)
    return pd.DataFrame(out, index=days)


@dataclass(frozen=True)
class FestivalEffects:
    """Estimated sales lift of each festival window.

    Attributes
    ----------
    table : DataFrame
        One row per festival: ``festival``, ``days`` (festival days in the data), ``lift``
        (fraction: 0.8 = sales 80% above a normal day), ``lower`` / ``upper`` (confidence
        interval of the lift at ``level``), ``coef`` and ``se`` (log scale).
    level : float
        Confidence level of the interval.
    r_squared : float
        Share of the variance of log sales the regression explains.
    """

    table: pd.DataFrame
    level: float
    r_squared: float

    def summary(self) -> pd.DataFrame:
        """The lift table."""
        return self.table.copy()


def festival_effects(
    series: pd.Series,
    calendar: pd.DataFrame | None = None,
    *,
    level: float = 0.95,
    fourier_terms: int = 3,
) -> FestivalEffects:
    """Sales lift of each festival, from a regression of log daily sales (see module notes).

    Parameters
    ----------
    series : Series
        Daily sales (CNY), positive, indexed by a daily DatetimeIndex.
    calendar : DataFrame, optional
        Festival indicators covering the series' dates; default :func:`festival_calendar`.
    level : float, default 0.95
        Confidence level of the lift intervals.
    fourier_terms : int, default 3
        Pairs of yearly sine/cosine terms for the ordinary season (0 for none).

    Returns
    -------
    FestivalEffects

    Raises
    ------
    NotIdentifiableError
        If a festival has no day in the data, or every day is a festival day.

    Examples
    --------
    >>> days = pd.date_range("2023-01-01", "2024-12-31")
    >>> y = pd.Series(100.0, index=days)
    >>> y[festival_calendar(days)["fest_618"].to_numpy() == 1] = 150.0
    >>> round(float(festival_effects(y, fourier_terms=0).table["lift"].iloc[0]), 6)
    0.5
    """
    from statsmodels.regression.linear_model import OLS

    series = prepare_series(series, min_length=28)
    if np.any(series.to_numpy() <= 0):
        zero = int(np.sum(series.to_numpy() <= 0))
        raise DataError(
            "Festival lifts are estimated on log sales, which needs every day's sales above 0; "
            f"{zero} of {len(series)} days have no sales.",
            fix="Aggregate to a level without zero days, or drop the zero days' series start.",
        )
    if calendar is None:
        calendar = festival_calendar(series.index)
    if not isinstance(calendar, pd.DataFrame) or calendar.shape[1] == 0:
        raise ParameterError("`calendar` must be a DataFrame with one 0/1 column per festival.")
    missing = series.index.difference(calendar.index)
    if len(missing):
        raise DataError(f"`calendar` lacks {len(missing)} of the series' dates, first {missing[0].date()}.")
    fest = calendar.loc[series.index].astype(float)
    counts = fest.sum()
    if (counts == 0).any() or (counts == len(fest)).any():
        bad = counts.index[(counts == 0) | (counts == len(fest))].tolist()
        raise NotIdentifiableError(
            f"Festival column(s) {bad} have no festival day (or only festival days) in the data; "
            "their lift cannot be estimated.",
            fix="Use a series that covers the festival and ordinary days.",
        )
    t = np.arange(len(series), dtype=float)
    design = pd.DataFrame({"const": 1.0, "trend": t / 365.25}, index=series.index)
    weekday = pd.get_dummies(series.index.day_of_week, prefix="dow", drop_first=True, dtype=float)
    design = pd.concat([design, weekday.set_axis(series.index)], axis=1)
    doy = series.index.day_of_year.to_numpy(dtype=float)
    for k in range(1, int(fourier_terms) + 1):
        design[f"sin{k}"] = np.sin(2 * np.pi * k * doy / 365.25)
        design[f"cos{k}"] = np.cos(2 * np.pi * k * doy / 365.25)
    design = pd.concat([design, fest], axis=1)
    fit = OLS(np.log(series.to_numpy()), design).fit()
    alpha = 1.0 - float(level)
    ci = fit.conf_int(alpha=alpha)
    names = list(fest.columns)
    table = pd.DataFrame(
        {
            "festival": [n.removeprefix("fest_") for n in names],
            "days": counts[names].astype(int).to_numpy(),
            "lift": np.exp(fit.params[names].to_numpy()) - 1.0,
            "lower": np.exp(ci.loc[names, 0].to_numpy()) - 1.0,
            "upper": np.exp(ci.loc[names, 1].to_numpy()) - 1.0,
            "coef": fit.params[names].to_numpy(),
            "se": fit.bse[names].to_numpy(),
        }
    )
    return FestivalEffects(table=table, level=float(level), r_squared=float(fit.rsquared))
