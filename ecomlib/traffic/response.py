"""Diminishing returns: the response of clicks, sessions or revenue to spend (book 6.1).

Each channel's daily outcome is fitted with a power curve::

    outcome = a · spend^b,   fitted as  log(outcome) = log(a) + b · log(spend)

by ordinary least squares on the days with positive spend and outcome. ``b`` is the
elasticity of the outcome to spend: ``b < 1`` means diminishing returns (doubling the
budget multiplies the outcome by ``2^b < 2``). The marginal response at spend ``x`` is
``a · b · x^(b − 1)`` = ``b`` x the average response, so with a value per unit of outcome
(CNY of revenue per click, say) the **marginal ROAS** at current spend is ``b`` times the
average ROAS: the last yuan earns less than the average one.

References
----------
Jin, Y., Wang, Y., Sun, Y., Chan, D., Koehler, J. (2017). Bayesian methods for media mix
modeling with carryover and shape effects. Google Inc. (the shape / saturation curves).
Hanssens, D. M., Parsons, L. J., Schultz, R. L. (2001). *Market Response Models*, 2nd ed., ch. 3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ecomlib.errors import NotIdentifiableError
from ecomlib.validation import check_columns, check_frame, check_numeric, check_probability

__all__ = ["ResponseCurves", "response_curve"]


@dataclass(frozen=True)
class ResponseCurves:
    """Power-curve fits per channel from :func:`response_curve`.

    Attributes
    ----------
    params : DataFrame
        Indexed by channel: ``a`` (outcome units per spend^b), ``b`` (elasticity),
        ``b_ci_low``, ``b_ci_high``, ``r2``, ``n_days``, ``current_spend`` (mean daily spend,
        CNY), ``current_outcome`` (fitted outcome at current spend), ``marginal_response``
        (outcome per extra CNY at current spend), ``average_response`` (outcome per CNY) and,
        when a value per unit was supplied, ``average_roas`` and ``marginal_roas``.
    x, y : str
        Names of the spend and outcome columns.
    data : DataFrame
        The daily points used (channel, x, y), for plotting.
    """

    params: pd.DataFrame
    x: str
    y: str
    data: pd.DataFrame

    def predict(self, channel: str, spend) -> np.ndarray:
        """Expected outcome at daily ``spend`` (CNY) for ``channel``."""
        a, b = self.params.loc[channel, ["a", "b"]]
        return a * np.asarray(spend, dtype=float) ** b

    def summary(self) -> pd.DataFrame:
        """The fitted parameters, one row per channel."""
        return self.params.copy()


def response_curve(
    data: pd.DataFrame,
    x: str = "spend",
    y: str = "clicks",
    by: str = "channel",
    *,
    value_per_unit: float | dict | pd.Series | None = None,
    alpha: float = 0.05,
    min_days: int = 10,
) -> ResponseCurves:
    """Fit ``y = a · x^b`` per channel and report marginal returns at current spend.

    Parameters
    ----------
    data : DataFrame
        One row per channel and period (typically day). Required columns: ``by``, ``x``
        (spend, CNY) and ``y`` (clicks, sessions or revenue). Rows with ``x <= 0`` or
        ``y <= 0`` are left out of the log-log fit.
    x, y, by : str
        Column names.
    value_per_unit : float, dict or Series, optional
        CNY of revenue per unit of ``y`` (overall or per channel; use 1 when ``y`` is revenue).
        Adds ``average_roas`` and ``marginal_roas`` at current spend.
    alpha : float, default 0.05
        One minus the level of the interval of ``b``.
    min_days : int, default 10
        Fewer usable rows for a channel raise :class:`NotIdentifiableError`.

    Returns
    -------
    ResponseCurves

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> spend = np.linspace(100, 1000, 20)
    >>> df = pd.DataFrame({"channel": "ads", "spend": spend, "clicks": 5 * spend ** 0.6})
    >>> round(float(response_curve(df).params.loc["ads", "b"]), 3)
    0.6
    """
    data = check_frame(data, "data")
    check_columns(data, [by, x, y], "data")
    check_numeric(data, [x, y], "data")
    alpha = check_probability("alpha", alpha)
    usable = data.loc[(data[x] > 0) & (data[y] > 0), [by, x, y]]
    counts = usable.groupby(by, observed=True).size().reindex(pd.unique(data[by]), fill_value=0)
    thin = counts[counts < min_days]
    if len(thin) == len(counts):
        raise NotIdentifiableError(
            f"No channel has {min_days} or more periods with positive {x!r} and {y!r} "
            f"(found {counts.to_dict()}).",
            fix="Use daily data over a longer period, or lower `min_days`.",
        )
    usable = usable[usable[by].isin(counts.index[counts >= min_days])]
    lx, ly = np.log(usable[x].to_numpy(float)), np.log(usable[y].to_numpy(float))
    g = usable[by].to_numpy()
    frame = pd.DataFrame({"g": g, "lx": lx, "ly": ly, "lxx": lx * lx, "lxy": lx * ly,
                          "lyy": ly * ly, "x": usable[x].to_numpy(float)})
    s = frame.groupby("g", sort=False).agg(
        n=("lx", "size"), mx=("lx", "mean"), my=("ly", "mean"), sxx=("lxx", "sum"),
        sxy=("lxy", "sum"), syy=("lyy", "sum"), current_spend=("x", "mean"),
    )
    sxx = s["sxx"] - s["n"] * s["mx"] ** 2
    sxy = s["sxy"] - s["n"] * s["mx"] * s["my"]
    syy = s["syy"] - s["n"] * s["my"] ** 2
    flat = sxx <= 1e-12 * s["n"]
    if flat.any():
        raise NotIdentifiableError(
            f"Spend never varies for channel(s) {list(s.index[flat])}; the curve cannot be fitted.",
            fix="A response curve needs days with different spend levels.",
        )
    b = sxy / sxx
    loga = s["my"] - b * s["mx"]
    rss = (syy - b * sxy).clip(lower=0)
    se_b = np.sqrt(rss / (s["n"] - 2) / sxx)
    t = stats.t.isf(alpha / 2, s["n"] - 2)
    params = pd.DataFrame(
        {"a": np.exp(loga), "b": b, "b_ci_low": b - t * se_b, "b_ci_high": b + t * se_b,
         "r2": np.where(syy > 0, 1 - rss / syy, np.nan), "n_days": s["n"],
         "current_spend": s["current_spend"]}
    )
    params.index.name = by
    params["current_outcome"] = params["a"] * params["current_spend"] ** params["b"]
    params["average_response"] = params["current_outcome"] / params["current_spend"]
    params["marginal_response"] = params["b"] * params["average_response"]
    if value_per_unit is not None:
        if isinstance(value_per_unit, dict):
            value_per_unit = pd.Series(value_per_unit)
        value = (value_per_unit.reindex(params.index) if isinstance(value_per_unit, pd.Series)
                 else float(value_per_unit))
        params["average_roas"] = params["average_response"] * value
        params["marginal_roas"] = params["marginal_response"] * value
    points = usable.rename(columns={by: "channel"}).reset_index(drop=True)
    return ResponseCurves(params=params, x=x, y=y, data=points)
