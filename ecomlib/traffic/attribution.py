"""Attribution: which channels get credit for the conversions (book 6.4).

Rule-based models share each converting journey's one conversion among its touches:

========== ==============================================================================
last       all credit to the last touch
first      all credit to the first touch
linear     equal credit to every touch
time_decay weight ``2^(−h / half_life)`` for a touch ``h`` hours before the last one,
           normalised within the journey (half-life in days, default 7)
position   40 % first, 40 % last, 20 % shared by the touches in between (U-shaped);
           a two-touch journey splits 50/50, a one-touch journey gives 100 %
========== ==============================================================================

Data-driven models use the non-converting journeys too: ``markov`` (a chain of order 1, 2
or 3, exact removal effects; :mod:`ecomlib.traffic.markov`) and ``shapley`` (Shapley values
on channel sets; :mod:`ecomlib.traffic.shapley`).

References
----------
Kannan, P. K., Reinartz, W., Verhoef, P. C. (2016). The path to purchase and attribution
modeling. *International Journal of Research in Marketing* 33(3), 449-456.
Google Analytics Help (2023). Attribution models for conversions (rule definitions).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ecomlib.engine.backend import route
from ecomlib.errors import NotIdentifiableError, ParameterError
from ecomlib.traffic.journeys import Journeys, build_journeys
from ecomlib.traffic.markov import markov_attribution
from ecomlib.traffic.shapley import shapley_attribution
from ecomlib.validation import check_argument, check_positive

__all__ = ["ATTRIBUTION_MODELS", "attribute", "rule_weights"]

ATTRIBUTION_MODELS = ("last", "first", "linear", "time_decay", "position", "markov", "shapley")


def rule_weights(
    journeys: Journeys,
    model: str,
    *,
    half_life_days: float = 7.0,
    position_weights: tuple[float, float, float] = (0.4, 0.2, 0.4),
) -> np.ndarray:
    """Credit of every touch under a rule-based model (sums to 1 within each journey).

    Parameters
    ----------
    journeys : Journeys
    model : {"last", "first", "linear", "time_decay", "position"}
    half_life_days : float, default 7
        Time-decay half-life (days).
    position_weights : (first, middle, last), default (0.4, 0.2, 0.4)

    Returns
    -------
    ndarray of float, one weight per touch.

    Examples
    --------
    >>> import pandas as pd
    >>> tp = pd.DataFrame({"user_id": ["a"] * 4, "channel": ["w", "x", "y", "z"],
    ...                    "timestamp": pd.date_range("2024-01-01", periods=4),
    ...                    "converted": True})
    >>> rule_weights(build_journeys(tp), "position").tolist()
    [0.4, 0.1, 0.1, 0.4]
    """
    check_argument("model", ATTRIBUTION_MODELS[:5], model)
    if not isinstance(journeys, Journeys):
        raise ParameterError(
            f"`journeys` must be a Journeys object, but a {type(journeys).__name__} was passed."
        )
    pos, length = journeys.position, journeys.length
    is_first, is_last = pos == 0, pos == length - 1
    if model == "last":
        return is_last.astype(float)
    if model == "first":
        return is_first.astype(float)
    if model == "linear":
        return 1.0 / length
    if model == "time_decay":
        half_life = check_positive("half_life_days", half_life_days)
        raw = np.exp2(-journeys.hours_before_last / (24.0 * half_life))
        totals = np.bincount(journeys.user, weights=raw)
        return raw / totals[journeys.user]
    try:
        w_first, w_mid, w_last = (float(w) for w in position_weights)
    except (TypeError, ValueError):
        w_first = w_mid = w_last = -1.0
    if min(w_first, w_mid, w_last) < 0 or not np.isclose(w_first + w_mid + w_last, 1.0):
        raise ParameterError(
            f"`position_weights` must be three non-negative shares adding to 1, but "
            f"{position_weights!r} was passed."
        )
    n_mid = np.maximum(length - 2, 1)
    w = np.where(is_first, w_first, np.where(is_last, w_last, w_mid / n_mid))
    w = np.where(length == 2, 0.5, w)
    return np.where(length == 1, 1.0, w)


def attribute(
    touchpoints: pd.DataFrame,
    model: str | Sequence[str] = "markov",
    *,
    half_life_days: float = 7.0,
    position_weights: tuple[float, float, float] = (0.4, 0.2, 0.4),
    markov_order: int = 1,
    user_col: str = "user_id",
    time_col: str = "timestamp",
    channel_col: str = "channel",
    converted_col: str = "converted",
) -> pd.DataFrame:
    """Conversions credited to each channel by one or several attribution models.

    Parameters
    ----------
    touchpoints : DataFrame
        One row per touch. Required columns: ``user_id``, ``timestamp`` (datetime),
        ``channel`` and ``converted`` (bool, true on every row of a converting journey).
    model : str or list of str, default "markov"
        Any of ``"last"``, ``"first"``, ``"linear"``, ``"time_decay"``, ``"position"``,
        ``"markov"``, ``"shapley"``, or ``"all"``.
    half_life_days : float, default 7
        Half-life of the time-decay model (days).
    position_weights : (first, middle, last), default (0.4, 0.2, 0.4)
        Shares of the position-based (U-shaped) model.
    markov_order : int, default 1
        Order of the Markov chain: its states are a journey's last ``markov_order``
        channels (see :func:`ecomlib.traffic.markov_attribution`).
    *_col : str
        Column names.

    Returns
    -------
    DataFrame
        Tidy: one row per model and channel with ``model``, ``channel``, ``conversions``
        (credited; each model's total equals the number of converting journeys) and ``share``.

    Examples
    --------
    >>> import pandas as pd
    >>> tp = pd.DataFrame({"user_id": ["a", "a", "b"], "channel": ["email", "search", "search"],
    ...                    "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"]),
    ...                    "converted": [True, True, False]})
    >>> attribute(tp, model="first")["conversions"].tolist()
    [1.0, 0.0]
    """
    models = list(ATTRIBUTION_MODELS) if model == "all" else (
        [model] if isinstance(model, str) else list(model))
    if not models:
        raise ParameterError("`model` must name at least one attribution model, but [] was passed.")
    for m in models:
        check_argument("model", ATTRIBUTION_MODELS, m)
    cols = {"user_col": user_col, "time_col": time_col, "channel_col": channel_col, "converted_col": converted_col}
    # on an engine the data-driven models read only counts; the rule-based ones need every touch
    counted = route(touchpoints) == "ibis" and not set(models) - {"markov", "shapley"}
    journeys = None if counted else build_journeys(touchpoints, **cols)
    if journeys is not None and journeys.n_conversions == 0:
        raise _nothing_converted(converted_col)
    frames = []
    for m in models:
        if m == "markov":
            fit = (_counted_markov(touchpoints, markov_order, converted_col, cols) if counted
                   else markov_attribution(journeys, order=markov_order))
            channels, credit = fit.channels, fit.conversions.to_numpy()
        elif m == "shapley":
            fit = _counted_shapley(touchpoints, converted_col, cols) if counted else shapley_attribution(journeys)
            channels, credit = fit.channels, fit.conversions.to_numpy()
        else:
            w = rule_weights(journeys, m, half_life_days=half_life_days,
                             position_weights=position_weights)
            channels = journeys.channels
            credit = np.bincount(journeys.channel, weights=w * journeys.converted, minlength=len(channels))
        n_conversions = journeys.n_conversions if journeys is not None else round(float(credit.sum()))
        frames.append(pd.DataFrame({"model": m, "channel": channels, "conversions": credit,
                                    "share": credit / n_conversions}))
    out = pd.concat(frames, ignore_index=True)
    out["model"] = out["model"].astype("str")
    out["channel"] = out["channel"].astype("str")
    return out


def _nothing_converted(converted_col: str) -> NotIdentifiableError:
    return NotIdentifiableError(
        "No journey converted, so there is nothing to attribute.",
        fix=f"Check the {converted_col!r} column: it must be true on the rows of converting paths.",
    )


def _counted_markov(touchpoints, order, converted_col, cols):
    """The Markov fit from the step counts of an engine (no touch leaves the engine)."""
    from ecomlib.engine import traffic as engine
    from ecomlib.traffic.markov import _check_order, markov_from_steps

    _check_order(order, 1)  # before the engine counts; markov_from_steps checks it against the channels
    channels, before, symbol, count, conversions = engine.markov_step_counts(touchpoints, int(order), **cols)
    if conversions == 0:
        raise _nothing_converted(converted_col)
    return markov_from_steps(channels, order, before, symbol, count, conversions)


def _counted_shapley(touchpoints, converted_col, cols):
    """The Shapley credit from the channel-set counts of an engine."""
    from ecomlib.engine import traffic as engine
    from ecomlib.traffic.shapley import _checked_channels, shapley_from_sets

    channels, masks, journeys, conversions = engine.channel_set_counts(touchpoints, **cols)
    if conversions.sum() == 0:
        raise _nothing_converted(converted_col)
    n_masks = 1 << _checked_channels(channels)
    n = np.bincount(masks, weights=journeys, minlength=n_masks)
    conv = np.bincount(masks, weights=conversions, minlength=n_masks)
    return shapley_from_sets(channels, n, conv)
