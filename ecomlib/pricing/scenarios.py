"""What-if calculations behind the chapter's trainer widgets: move a price, read the result.

Both return small frozen results that :mod:`ecomlib.pricing.plotting` draws, so a widget
(:func:`ecomlib.teaching.panel`) only wires a slider to a compute and a plot function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import ParameterError
from ecomlib.pricing.break_even import break_even_table, break_even_volume
from ecomlib.pricing.demand import OptimalPrice, optimal_price, price_response
from ecomlib.pricing.elasticity import ElasticityResult

__all__ = ["PriceScenario", "BreakEvenScenario", "price_scenario", "break_even_scenario"]


@dataclass(frozen=True)
class PriceScenario:
    """One price for one group on its fitted demand curve (money in CNY, units per period).

    ``curve`` is the :func:`price_response` table around the reference price, ``optimum``
    the profit-maximising price of the curve (possibly not finite).
    """

    group: str
    price: float
    ref_price: float
    units: float
    revenue: float
    gross_profit: float
    unit_cost: float
    curve: pd.DataFrame
    optimum: OptimalPrice

    def headline(self) -> str:
        """One line for the widget: price, units, revenue and profit at this price."""
        from ecomlib.viz import fmt_cny  # the display currency (CNY unless the data says otherwise)

        return (f"{self.group}: price {fmt_cny(self.price, 1)} ({self.price / self.ref_price - 1:+.0%}) -> "
                f"{self.units:,.0f} units, revenue {fmt_cny(self.revenue)}, gross profit "
                f"{fmt_cny(self.gross_profit)} per period")

    def summary(self) -> pd.DataFrame:
        """Price, units, revenue and gross profit at this price and at the reference price."""
        at_ref = self.curve.iloc[(self.curve["price"] - self.ref_price).abs().argmin()]
        return pd.DataFrame(
            {"price": [self.ref_price, self.price], "units": [at_ref["units"], self.units],
             "revenue": [at_ref["revenue"], self.revenue],
             "gross_profit": [at_ref["gross_profit"], self.gross_profit]},
            index=pd.Index(["reference", "scenario"], name="case"),
        )  # fmt: skip


def price_scenario(result: ElasticityResult, unit_costs: Mapping[str, float]) -> Callable[..., PriceScenario]:
    """Return ``compute(group, price_change)`` for a price slider.

    Parameters
    ----------
    result : ElasticityResult
        Fitted elasticities; each group's constant-elasticity curve passes through its
        reference (geometric mean) price and units.
    unit_costs : mapping of str to float
        Unit cost (CNY) per group, e.g. ``unit_economics(...).set_index("category")["unit_cost"]``.

    Returns
    -------
    callable
        ``compute(group, price_change) -> PriceScenario`` with ``price_change`` a fraction of
        the reference price (0.1 = 10% above it).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from ecomlib.pricing import estimate_elasticity
    >>> weeks = pd.date_range("2024-01-01", periods=30, freq="W-MON")
    >>> price = 10 * np.exp(np.tile([-0.1, 0.0, 0.1], 10))
    >>> lines = pd.DataFrame({"order_date": weeks, "category": "tea",
    ...                       "unit_price": price, "quantity": np.round(1e6 * price**-2)})
    >>> compute = price_scenario(estimate_elasticity(lines, controls=()), {"tea": 4.0})
    >>> round(compute("tea", 0.0).optimum.price, 1)
    8.0
    """
    if not isinstance(result, ElasticityResult):
        raise ParameterError(f"`result` must be an ElasticityResult, but a {type(result).__name__} was passed.")
    costs = {str(k): float(v) for k, v in dict(unit_costs).items()}

    def compute(group: str, price_change: float = 0.0) -> PriceScenario:
        demand = result.demand(group)
        if group not in costs:
            raise ParameterError(f"`unit_costs` has no cost for {group!r}; it has {sorted(costs)!r}.")
        change = float(price_change)
        if not np.isfinite(change) or change <= -1:
            raise ParameterError(f"`price_change` must be a fraction > -1, but {price_change!r} was passed.")
        price = demand.ref_price * (1 + change)
        curve = price_response(demand, costs[group], low=0.5, high=2.0, n=151)
        units = float(demand.units(price))
        return PriceScenario(
            group=group, price=price, ref_price=demand.ref_price, units=units,
            revenue=price * units, gross_profit=(price - costs[group]) * units,
            unit_cost=costs[group], curve=curve, optimum=optimal_price(demand, costs[group]),
        )  # fmt: skip

    return compute


@dataclass(frozen=True)
class BreakEvenScenario:
    """A price change at a margin, the volume change it needs, and the curve over changes."""

    price_change: float
    margin: float
    required_volume_change: float
    curve: pd.DataFrame

    def headline(self) -> str:
        """One line for the widget: the volume change the price change needs."""
        return (f"A {self.price_change:+.0%} price change at a {self.margin:.0%} margin needs "
                f"{self.required_volume_change:+.0%} units to keep gross profit")

    def summary(self) -> pd.DataFrame:
        """The scenario as a one-row table (fractions)."""
        return pd.DataFrame({"price_change": [self.price_change], "margin": [self.margin],
                             "required_volume_change": [self.required_volume_change]})  # fmt: skip


def break_even_scenario(price_change: float = -0.1, margin: float = 0.3) -> BreakEvenScenario:
    """Break-even volume change for one price change and margin, plus the curve for that margin.

    Examples
    --------
    >>> round(break_even_scenario(-0.1, 0.3).required_volume_change, 6)
    0.5
    """
    needed = break_even_volume(price_change, margin)
    changes = np.round(np.linspace(-0.5, 0.5, 101), 4)
    curve = break_even_table(changes, [float(margin)]).iloc[:, 0].rename("required_volume_change")
    return BreakEvenScenario(float(price_change), float(margin), float(needed), curve.reset_index())
