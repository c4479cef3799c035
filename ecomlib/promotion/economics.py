"""Promotion economics: ROI, ROAS, coupon cost and break-even lift (book section 3.4, 預算規劃與資源分配).

* ROI  = (incremental gross margin - promotion cost) / promotion cost
* ROAS = incremental revenue / promotion cost
* coupon cost = redemptions x face value + fixed cost
* break-even lift of a price promotion: with discount ``d`` and gross margin ``m`` as fractions of
  the price, units must rise by ``d / (m - d)`` for the gross profit to stay the same
  ((1 + L)(m - d) = m); with ``d >= m`` every unit sold loses money and no lift pays.
* the deepest discount a given lift ``L`` pays for: ``d = m L / (1 + L)``.

A 20 % discount at a 40 % margin needs +100 % units: 0.2 / (0.4 - 0.2) = 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import ParameterError
from ecomlib.validation import check_positive, check_probability

__all__ = [
    "DiscountEconomics",
    "break_even_lift",
    "coupon_cost",
    "discount_economics",
    "max_discount_for_lift",
    "roas",
    "roi",
]


def _cost(cost) -> np.ndarray:
    c = np.asarray(cost, dtype=float)
    if np.any(~np.isfinite(c)) or np.any(c <= 0):
        raise ParameterError(f"`cost` must be a positive amount (CNY), but {cost!r} was passed.")
    return c


def roi(incremental_margin, cost):
    """(incremental gross margin - cost) / cost; arrays broadcast. Example: ``roi(15_000, 10_000) = 0.5``."""
    c = _cost(cost)
    out = (np.asarray(incremental_margin, dtype=float) - c) / c
    return float(out) if out.ndim == 0 else out


def roas(incremental_revenue, cost):
    """Incremental revenue per CNY of promotion cost. Example: ``roas(40_000, 10_000) = 4.0``."""
    c = _cost(cost)
    out = np.asarray(incremental_revenue, dtype=float) / c
    return float(out) if out.ndim == 0 else out


def coupon_cost(redemptions, face_value, fixed_cost=0.0):
    """Cost of a coupon campaign (CNY): redemptions x face value + fixed cost (design, platform fee)."""
    r, v = np.asarray(redemptions, dtype=float), np.asarray(face_value, dtype=float)
    if np.any(r < 0) or np.any(v < 0) or fixed_cost < 0:
        raise ParameterError("`redemptions`, `face_value` and `fixed_cost` must be >= 0.")
    out = r * v + float(fixed_cost)
    return float(out) if out.ndim == 0 else out


def break_even_lift(discount, margin):
    """Relative rise in units a price cut of ``discount`` needs at gross margin ``margin``.

    Both are fractions of the (undiscounted) price. Returns ``inf`` where the discount eats the
    whole margin (no lift can pay). Examples: ``break_even_lift(0.2, 0.4) = 1.0`` (+100 %);
    ``break_even_lift(0.1, 0.3) = 0.5``.
    """
    d, m = np.asarray(discount, dtype=float), np.asarray(margin, dtype=float)
    if np.any((d < 0) | (d >= 1)) or np.any((m <= 0) | (m > 1)):
        raise ParameterError("`discount` must be in [0, 1) and `margin` in (0, 1] (fractions of the price).")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(d < m, d / (m - d), np.inf)
    return float(out) if out.ndim == 0 else out


def max_discount_for_lift(lift, margin):
    """The deepest discount a relative lift ``lift`` still pays for: ``m L / (1 + L)``."""
    lift_arr = np.asarray(lift, dtype=float)
    if np.any(lift_arr < 0):
        raise ParameterError("`lift` must be >= 0 (a relative rise in units).")
    m = check_probability("margin", margin, open_interval=False)
    out = m * lift_arr / (1 + lift_arr)
    return float(out) if out.ndim == 0 else out


@dataclass(frozen=True)
class DiscountEconomics:
    """Profit of one price promotion against no promotion, and the break-even curve."""

    discount: float
    lift: float
    margin: float
    base_revenue: float
    cost: float
    profit_without: float
    profit_with: float
    break_even_lift: float
    curve: pd.DataFrame

    @property
    def profit_change(self) -> float:
        return self.profit_with - self.profit_without

    @property
    def roi(self) -> float:
        """ROI = (incremental margin - cost) / cost = profit change / cost; NaN without a fixed cost."""
        return (self.profit_change / self.cost) if self.cost > 0 else float("nan")

    def headline(self) -> str:
        """One line for a widget: the break-even lift and the profit change.

        A discount at or above the margin has no break-even lift: it is said in words, not "inf%".
        """
        from ecomlib.viz import fmt_cny

        if math.isfinite(self.break_even_lift):
            lift = f"break-even lift {100 * self.break_even_lift:.0f}%"
        else:
            lift = "no lift can pay for a discount at or above the margin"
        return f"{lift}; profit change {fmt_cny(self.profit_change)}"

    def summary(self) -> pd.DataFrame:
        rows = {"discount": self.discount, "lift": self.lift, "margin": self.margin,
                "break_even_lift": self.break_even_lift, "profit_without": self.profit_without,
                "profit_with": self.profit_with, "profit_change": self.profit_change, "roi": self.roi}
        return pd.DataFrame({"value": pd.Series(rows, dtype="float64")}).rename_axis("statistic")


def discount_economics(discount: float, lift: float, margin: float, *, base_revenue: float = 100_000.0,
                       cost: float = 0.0) -> DiscountEconomics:
    """Gross profit with and without a price promotion, for the trainer widget.

    ``base_revenue`` is what the promoted products would sell at full price in the period (CNY);
    units rise by ``lift`` and are sold at ``1 - discount`` of the price; ``cost`` is the fixed
    cost of running the promotion. The curve gives the break-even lift for discounts 0-``margin``.
    """
    d = check_probability("discount", discount, open_interval=False)
    m = check_probability("margin", margin, open_interval=False)
    if lift < -1:
        raise ParameterError("`lift` must be >= -1 (units cannot fall below zero).")
    base = check_positive("base_revenue", base_revenue)
    cost = check_positive("cost", cost, allow_zero=True)
    without = base * m
    with_promo = base * (1 + lift) * (m - d) - cost
    grid = np.linspace(0, 0.95 * m, 60)
    curve = pd.DataFrame({"discount": grid, "break_even_lift": break_even_lift(grid, m)})
    return DiscountEconomics(discount=d, lift=float(lift), margin=m, base_revenue=base, cost=cost,
                             profit_without=without, profit_with=with_promo,
                             break_even_lift=float(break_even_lift(min(d, 0.999), m)), curve=curve)
