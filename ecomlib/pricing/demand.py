"""Demand curves, the profit-maximising price and the price-response table.

Two demand curves are used in the pricing chapter:

* constant elasticity, ``Q(p) = Q0 * (p / p0) ** e``: every 1% price change moves units by
  e%, wherever you are on the curve. Its profit ``(p - c) * Q(p)`` has a maximum only
  when demand is elastic (``e < -1``), at the markup rule ``p* = c * e / (1 + e)``.
* linear, ``Q(p) = a + b * p`` (``b < 0``): units fall by ``-b`` per CNY. Its profit is a
  parabola with maximum at ``p* = (c - a / b) / 2``, halfway between the unit cost and the
  choke price ``-a / b`` at which nobody buys.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, NotIdentifiableError, ParameterError
from ecomlib.validation import check_positive

__all__ = [
    "ConstantElasticityDemand",
    "LinearDemand",
    "OptimalPrice",
    "markup_rule_price",
    "optimal_price",
    "price_response",
]

_INELASTIC_FIX = (
    "Under constant elasticity with -1 <= e < 0 a higher price always raises profit, so the "
    "model has no finite optimum: it is only trustworthy near the prices you have charged. "
    "Test a moderate price increase and re-estimate, fit a linear demand curve "
    "(fit_linear_demand), or read price_response over the observed price range instead."
)


@dataclass(frozen=True)
class ConstantElasticityDemand:
    """``Q(p) = ref_units * (p / ref_price) ** elasticity`` (units per period, p in CNY).

    ``elasticity_low`` / ``elasticity_high`` optionally carry a confidence interval; the
    band pivots around the reference point, where the data are.
    """

    elasticity: float
    ref_price: float
    ref_units: float
    elasticity_low: float = np.nan
    elasticity_high: float = np.nan

    def units(self, price, elasticity: float | None = None) -> np.ndarray:
        """Units per period at ``price`` (CNY), optionally with another elasticity."""
        e = self.elasticity if elasticity is None else elasticity
        return self.ref_units * (np.asarray(price, dtype=float) / self.ref_price) ** e


@dataclass(frozen=True)
class LinearDemand:
    """``Q(p) = max(intercept + slope * p, 0)`` (units per period, p in CNY, slope < 0)."""

    intercept: float
    slope: float
    ref_price: float

    def units(self, price) -> np.ndarray:
        """Units per period at ``price`` (CNY); zero above the choke price."""
        return np.maximum(self.intercept + self.slope * np.asarray(price, dtype=float), 0.0)

    @property
    def choke_price(self) -> float:
        """The price (CNY) at which units fall to zero, ``-intercept / slope``."""
        return -self.intercept / self.slope


@dataclass(frozen=True)
class OptimalPrice:
    """The profit-maximising price of a demand curve at a unit cost (all money in CNY)."""

    price: float
    units: float
    revenue: float
    gross_profit: float
    unit_cost: float
    rule: str
    finite: bool
    note: str

    def summary(self) -> pd.DataFrame:
        """The fields as a one-column table."""
        return pd.Series(self.__dict__, name="value").to_frame()


def markup_rule_price(unit_cost: float, elasticity: float) -> float:
    """Profit-maximising price under constant elasticity: ``p* = c * e / (1 + e)``.

    Parameters
    ----------
    unit_cost : float
        Marginal cost per unit ``c`` (CNY), > 0.
    elasticity : float
        Constant price elasticity ``e``; must be below -1 for a finite optimum.

    Returns
    -------
    float
        The optimal price in CNY.

    Raises
    ------
    NotIdentifiableError
        When ``-1 <= e < 0``: no finite optimum exists under this model (the message says
        what to do instead).

    Examples
    --------
    >>> markup_rule_price(10.0, -2.0), markup_rule_price(10.0, -3.0)
    (20.0, 15.0)

    References
    ----------
    Nagle, T., Müller, G. (2018). *The Strategy and Tactics of Pricing*, 6th ed., ch. 6;
    the Lerner condition ``(p - c) / p = -1 / e``.
    """
    c = check_positive("unit_cost", unit_cost)
    try:
        e = float(elasticity)
    except (TypeError, ValueError):
        raise ParameterError(f"`elasticity` must be a number, but {elasticity!r} was passed.") from None
    if not np.isfinite(e) or e >= 0:
        raise ParameterError(
            f"`elasticity` must be a finite negative number, but {elasticity!r} was passed.",
            fix="A non-negative elasticity means demand rises with price; check the estimate.",
        )
    if e >= -1:
        raise NotIdentifiableError(
            f"With constant elasticity e = {e:.2f} demand is inelastic (-1 <= e < 0): "
            "no finite profit-maximising price exists under this model.",
            fix=_INELASTIC_FIX,
        )
    return c * e / (1 + e)


def optimal_price(demand, unit_cost: float, *, require_elastic_interval: bool = False) -> OptimalPrice:
    """Profit-maximising price of a constant-elasticity or linear demand curve.

    Unlike :func:`markup_rule_price` this never raises for an inelastic curve: it returns
    ``finite=False`` with the explanation in ``note``, so a report can print it.

    Parameters
    ----------
    demand : ConstantElasticityDemand or LinearDemand
        The fitted curve.
    unit_cost : float
        Marginal cost per unit (CNY), > 0.
    require_elastic_interval : bool, default False
        Constant elasticity only: give no price (``finite=False``, with the reason in
        ``note``) when the elasticity's interval reaches -1 or above. There profit has no
        peak, so the markup rule's price depends on where in the interval the truth lies and
        the data do not pin it down.

    Returns
    -------
    OptimalPrice

    Examples
    --------
    >>> optimal_price(LinearDemand(100.0, -2.0, ref_price=20.0), 10.0).price
    30.0
    >>> wide = ConstantElasticityDemand(-1.2, 10.0, 100.0, elasticity_low=-1.9, elasticity_high=-0.5)
    >>> round(optimal_price(wide, 5.0).price, 6), optimal_price(wide, 5.0, require_elastic_interval=True).finite
    (30.0, False)
    """
    c = check_positive("unit_cost", unit_cost)
    if isinstance(demand, ConstantElasticityDemand):
        if np.isfinite(demand.elasticity) and demand.elasticity >= 0:
            note = (f"The estimated elasticity {demand.elasticity:.2f} is not negative (units rise with "
                    "price in these data): the model gives no best price. Check the estimate's interval "
                    "and the price variation before using it.")
            return OptimalPrice(np.nan, np.nan, np.nan, np.nan, c, "markup rule", False, note)
        try:
            p = markup_rule_price(c, demand.elasticity)
        except NotIdentifiableError as err:
            return OptimalPrice(np.nan, np.nan, np.nan, np.nan, c, "markup rule", False,
                                f"{err.message} {err.fix}")  # fmt: skip
        rule = "markup rule p* = c * e / (1 + e)"
        high = demand.elasticity_high
        if require_elastic_interval and np.isfinite(high) and high >= -1:
            note = (f"the elasticity's interval reaches {high:.2f}, at or above -1, where profit has no "
                    "peak: a markup-rule price would rest on the point estimate alone, and the data do "
                    "not pin down a best price. Test moderate price changes and re-estimate.")
            return OptimalPrice(np.nan, np.nan, np.nan, np.nan, c, "markup rule", False, note)
    elif isinstance(demand, LinearDemand):
        if demand.slope >= 0:
            raise ParameterError("`demand.slope` must be negative for a linear demand curve.")
        if c >= demand.choke_price:
            note = (f"The unit cost {c:.2f} is above the choke price {demand.choke_price:.2f}: "
                    "no price earns a profit under this curve.")  # fmt: skip
            return OptimalPrice(np.nan, 0.0, 0.0, 0.0, c, "linear", False, note)
        p = (c + demand.choke_price) / 2
        rule = "linear p* = (c - a / b) / 2"
    else:
        raise ParameterError(
            "`demand` must be a ConstantElasticityDemand or LinearDemand, but a "
            f"{type(demand).__name__} was passed."
        )
    q = float(demand.units(p))
    return OptimalPrice(p, q, p * q, (p - c) * q, c, rule, True, "")


def price_response(
    demand,
    unit_cost: float,
    prices=None,
    *,
    low: float = 0.5,
    high: float = 2.0,
    n: int = 151,
) -> pd.DataFrame:
    """Units, revenue and gross profit over a grid of prices for a demand curve.

    Parameters
    ----------
    demand : ConstantElasticityDemand or LinearDemand
        The fitted curve.
    unit_cost : float
        Cost per unit (CNY), >= 0.
    prices : array-like, optional
        Prices (CNY) to evaluate. By default ``n`` prices from ``low`` to ``high`` times
        the curve's reference price.
    low, high : float
        Grid bounds as multiples of ``demand.ref_price`` (used when ``prices`` is None).
    n : int
        Number of grid points.

    Returns
    -------
    DataFrame
        ``price``, ``units``, ``revenue`` (= price x units) and ``gross_profit``
        (= (price - unit_cost) x units), per period. For a constant-elasticity curve with an
        interval also ``profit_low`` / ``profit_high``: the profit at the interval's two
        ends (the band to draw around the curve).

    Examples
    --------
    >>> curve = ConstantElasticityDemand(-2.0, ref_price=20.0, ref_units=100.0)
    >>> price_response(curve, 10.0, prices=[20.0, 40.0])["gross_profit"].tolist()
    [1000.0, 750.0]
    """
    c = check_positive("unit_cost", unit_cost, allow_zero=True)
    if not isinstance(demand, ConstantElasticityDemand | LinearDemand):
        raise ParameterError(
            "`demand` must be a ConstantElasticityDemand or LinearDemand, but a "
            f"{type(demand).__name__} was passed."
        )
    if prices is None:
        low, high = check_positive("low", low), check_positive("high", high)
        if not (isinstance(n, int | np.integer) and n >= 2) or high <= low:
            raise ParameterError(
                f"Need `high` > `low` and an integer `n` >= 2, but got low={low}, high={high}, n={n!r}."
            )
        prices = np.linspace(low, high, n) * demand.ref_price
    prices = np.asarray(prices, dtype=float)
    if prices.ndim != 1 or prices.size == 0 or not np.all(np.isfinite(prices)) or np.any(prices <= 0):
        raise DataError("`prices` must be a non-empty 1-d array of positive, finite prices (CNY).")
    units = demand.units(prices)
    out = pd.DataFrame({"price": prices, "units": units, "revenue": prices * units,
                        "gross_profit": (prices - c) * units})  # fmt: skip
    if isinstance(demand, ConstantElasticityDemand) and np.isfinite(demand.elasticity_low):
        ends = [(prices - c) * demand.units(prices, e)
                for e in (demand.elasticity_low, demand.elasticity_high)]  # fmt: skip
        out["profit_low"] = np.minimum(*ends)
        out["profit_high"] = np.maximum(*ends)
    return out
