"""Break-even volume: how much must units change so that a price change keeps gross profit.

With price change ``dp`` and gross margin ``m`` both as fractions of the current price,
gross profit per unit goes from ``m`` to ``m + dp`` (in units of the old price), so units
must change by

    dq = m / (m + dp) - 1 = -dp / (m + dp)

to keep the same gross profit. A 10% cut at a 30% margin needs ``0.1 / 0.2 = +50%`` units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError

__all__ = ["break_even_volume", "break_even_table"]


def _fractions(param: str, values) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype=object))
    try:
        out = arr.astype(float)
    except (TypeError, ValueError):
        raise ParameterError(f"`{param}` must be numbers (fractions), but {values!r} was passed.") from None
    if out.size == 0 or not np.all(np.isfinite(out)):
        raise ParameterError(f"`{param}` must be finite numbers, but {values!r} was passed.")
    return out


def break_even_volume(price_change, margin):
    """Volume change needed to keep gross profit after a price change: ``-dp / (m + dp)``.

    Parameters
    ----------
    price_change : float or array-like
        Price change as a fraction of the current price (-0.10 = a 10% cut); > -1.
    margin : float or array-like
        Current gross margin as a fraction of the current price, ``(p - c) / p``; in (0, 1].

    Returns
    -------
    float or ndarray
        Required change in units as a fraction (0.5 = +50%). Broadcasts like numpy.

    Raises
    ------
    DataError
        When the new price is at or below unit cost (``m + dp <= 0``): no volume recovers it.

    Examples
    --------
    >>> round(break_even_volume(-0.10, 0.30), 4)
    0.5
    >>> round(break_even_volume(0.10, 0.30), 4)
    -0.25

    References
    ----------
    Nagle, T., Müller, G. (2018). *The Strategy and Tactics of Pricing*, 6th ed., ch. 6
    ("break-even sales analysis").
    """
    dp = _fractions("price_change", price_change)
    m = _fractions("margin", margin)
    if np.any(dp <= -1):
        raise ParameterError(f"`price_change` must be > -1 (a fraction), but {price_change!r} was passed.")
    if np.any(m <= 0) or np.any(m > 1):
        raise ParameterError(f"`margin` must be in (0, 1] (a fraction of price), but {margin!r} was passed.")
    dp, m = np.broadcast_arrays(dp, m)
    if np.any(m + dp <= 0):
        raise DataError(
            "A price cut at least as deep as the margin puts the price at or below unit cost: "
            "no volume increase can keep gross profit.",
            fix="Use break_even_table, which marks these cells as NaN, or a smaller cut.",
        )
    out = -dp / (m + dp)
    if np.ndim(price_change) == 0 and np.ndim(margin) == 0:
        return float(out[0])
    return out


def break_even_table(price_changes=None, margins=None) -> pd.DataFrame:
    """Break-even volume changes over a grid of price changes (rows) and margins (columns).

    Parameters
    ----------
    price_changes : array-like, optional
        Price changes as fractions; default -30% to +30% in 5% steps (0 left out).
    margins : array-like, optional
        Gross margins as fractions; default 20% to 60% in 10% steps.

    Returns
    -------
    DataFrame
        Index ``price_change``, one column per margin, values the required unit change as a
        fraction; NaN where the new price would be at or below cost.

    Examples
    --------
    >>> break_even_table([-0.1], [0.3, 0.5]).round(3).to_dict("records")
    [{0.3: 0.5, 0.5: 0.25}]
    """
    if price_changes is None:
        price_changes = [-0.30, -0.25, -0.20, -0.15, -0.10, -0.05, 0.05, 0.10, 0.15, 0.20, 0.25, 0.30]
    if margins is None:
        margins = [0.20, 0.30, 0.40, 0.50, 0.60]
    dp = _fractions("price_changes", price_changes)
    m = _fractions("margins", margins)
    if np.any(dp <= -1) or np.any(m <= 0) or np.any(m > 1):
        raise ParameterError("`price_changes` must be > -1 and `margins` in (0, 1], as fractions.")
    denom = m[None, :] + dp[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(denom > 0, -dp[:, None] / denom, np.nan)
    table = pd.DataFrame(values, index=pd.Index(dp, name="price_change"),
                         columns=pd.Index(m, name="margin"))  # fmt: skip
    if table.isna().all().all():
        raise DataError("Every price change in the table is at or below cost for every margin.")
    return table
