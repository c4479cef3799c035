"""Trainer panels of chapter 4 whose slider ranges follow the shop's own numbers.

A fixed range (say an order value from 50 to 1,000) breaks on a shop whose order value lies
outside it, e.g. a British export with an average order of a few hundred pounds or a
wholesaler with orders of many thousands. Here every range is built around the value it
starts from: :func:`slider_around` spans a factor (5 by default) below and above it, in
round steps, and :func:`market_size_panel` builds the TAM / SAM / SOM funnel from the
assumptions the notebook uses.

Examples
--------
>>> s = slider_around(41.3)
>>> (s.min, s.max, s.step, s.value)
(8.0, 207.0, 1.0, 41.0)
>>> s = slider_around(1_200_000, integer=True)
>>> (s.min, s.max, s.step, s.value)
(240000, 6000000, 20000, 1200000)
"""

from __future__ import annotations

import math
from functools import partial

from ecomlib.errors import ParameterError
from ecomlib.market.sizing import MARKET_SIZE_METHODS, market_size, market_size_headline
from ecomlib.teaching import Slider, panel

__all__ = ["fraction_slider", "market_size_panel", "slider_around"]

#: Fractions shown as sliders in the funnel, with their default (low, high, step).
_FRACTIONS = {
    "penetration": (0.005, 0.2, 0.005),
    "serviceable_share": (0.05, 1.0, 0.05),
    "obtainable_share": (0.005, 0.2, 0.005),
}


def _nice_step(span: float, steps: int) -> float:
    """A 1-2-5 step close to ``span / steps``."""
    raw = span / steps
    power = 10.0 ** math.floor(math.log10(raw))
    for mult in (1.0, 2.0, 5.0, 10.0):
        if raw <= mult * power:
            return mult * power
    return 10.0 * power  # pragma: no cover - the loop always returns


def slider_around(value: float, *, factor: float = 5.0, steps: int = 50, integer: bool = False,
                  label: str | None = None) -> Slider:
    """A slider from ``value / factor`` to ``value * factor`` in round steps, starting near ``value``.

    Parameters
    ----------
    value : float
        The starting value, > 0 (e.g. the shop's measured order value).
    factor : float, default 5
        How far the range reaches below and above ``value``, > 1.
    steps : int, default 50
        About how many steps the range has below ``value``.
    integer : bool, default False
        Integer bounds, step and value (e.g. a number of buyers).
    label : str, optional
        The slider's label.

    Returns
    -------
    Slider
        Bounds on the step's grid; the value is ``value`` rounded to the step's decimals
        (to a whole number for steps of 1 or more) and always lies inside.
    """
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise ParameterError(f"`value` must be a finite number above 0, but {value!r} was passed.")
    if not factor > 1:
        raise ParameterError(f"`factor` must be above 1, but {factor!r} was passed.")
    low = value / factor
    step = _nice_step(value - low, steps)
    if integer:
        step = max(1.0, step)
    lo = max(step, math.floor(low / step) * step)
    hi = math.ceil(value * factor / step) * step
    digits = max(0, -math.floor(math.log10(step)))
    start = min(max(round(value, digits), lo), hi)  # whole numbers when the step is 1 or more
    if integer:
        return Slider(int(lo), int(hi), int(step), value=int(round(start)), label=label)
    return Slider(round(lo, digits), round(hi, digits), step, value=float(start), label=label)


def fraction_slider(value: float, low: float, high: float, step: float, *, label: str | None = None) -> Slider:
    """A slider of a fraction from ``low`` to ``high``, widened to hold ``value`` (at most 1)."""
    if not (isinstance(value, int | float) and 0 < value <= 1):
        raise ParameterError(f"`value` must be a fraction in (0, 1], but {value!r} was passed.")
    return Slider(min(low, value), min(1.0, max(high, value)), step, value=value, label=label)


def market_size_panel(method: str, assumptions: dict, *, title: str = "Market size: move an assumption"):
    """The TAM / SAM / SOM trainer panel, every slider's range built around the assumption it starts from.

    Parameters
    ----------
    method : {"top_down", "bottom_up"}
        As in :func:`ecomlib.market.market_size`.
    assumptions : dict
        The method's inputs as passed to ``market_size``. For ``"bottom_up"`` the measured
        ``orders_per_year`` stays fixed; every other input gets a slider.
    title : str
        Panel title.

    Returns
    -------
    Panel
        Shows TAM, SAM and SOM (:func:`ecomlib.market.plotting.plot_market_size`).

    Examples
    --------
    >>> p = market_size_panel("bottom_up", dict(buyers=1000, orders_per_year=2.0, order_value=41.3,
    ...                       serviceable_share=0.8, obtainable_share=0.03))
    >>> round(float(p.result["value"].iloc[0]))
    82000
    """
    from ecomlib.market import plotting as mp

    if method not in MARKET_SIZE_METHODS:
        raise ParameterError(f"`method` must be one of {list(MARKET_SIZE_METHODS)}, but {method!r} was passed.")
    fixed = {"orders_per_year": assumptions["orders_per_year"]} if method == "bottom_up" else {}
    controls = {}
    for key, value in assumptions.items():
        if key in fixed:
            continue
        label = key.replace("_", " ")
        if key in _FRACTIONS:
            controls[key] = fraction_slider(float(value), *_FRACTIONS[key], label=label)
        else:
            integer = key in ("buyers", "population")
            controls[key] = slider_around(float(value), integer=integer, label=label)
    return panel(
        compute=partial(market_size, method, **fixed),
        plot=mp.plot_market_size,
        controls=controls,
        title=title,
        describe=market_size_headline,
    )
