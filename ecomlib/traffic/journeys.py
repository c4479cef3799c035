"""Turn a touchpoint log into ordered user journeys, the input of every attribution model.

A journey is one user's touchpoints ordered by time. It converted when the ``converted``
flag is true on its rows (the canonical touchpoints table repeats it on every row of a
converting path; any true row counts; a missing flag is false). The conversion is taken to
follow the last touch.

The order does not depend on the order of the rows (a database table has none): journeys
are numbered in the sorted order of the user ids, channels are numbered in sorted order,
and touches of one user at the same time are ordered by channel. Rows without a user,
channel or timestamp are left out before anything is numbered. The same rules hold on the
pandas path and on an engine (an ibis Table, or a frame large enough for DuckDB), which
sorts and numbers the touches there (:func:`ecomlib.engine.traffic.sorted_touches`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.engine import rules
from ecomlib.engine.backend import route
from ecomlib.errors import DataError, SchemaError
from ecomlib.validation import check_columns, check_datetime, check_frame

__all__ = ["Journeys", "build_journeys"]


@dataclass(frozen=True)
class Journeys:
    """Touchpoints sorted by user and time, as flat arrays (one entry per touch).

    Attributes
    ----------
    channels : list of str
        Channel names; ``channel`` codes index this list.
    user : ndarray of int
        Journey number per touch (0..n_journeys-1, in sorted order).
    channel : ndarray of int
    position : ndarray of int
        0 for the first touch of a journey.
    length : ndarray of int
        Touches in the touch's journey.
    hours_before_last : ndarray of float
        Hours between the touch and the journey's last touch.
    converted : ndarray of bool
        Whether the touch's journey converted (per touch).
    journey_converted : ndarray of bool
        One entry per journey.
    """

    channels: list[str]
    user: np.ndarray
    channel: np.ndarray
    position: np.ndarray
    length: np.ndarray
    hours_before_last: np.ndarray
    converted: np.ndarray
    journey_converted: np.ndarray

    @property
    def n_conversions(self) -> int:
        """Number of converting journeys."""
        return int(self.journey_converted.sum())


def build_journeys(
    touchpoints: pd.DataFrame,
    *,
    user_col: str = "user_id",
    time_col: str = "timestamp",
    channel_col: str = "channel",
    converted_col: str = "converted",
) -> Journeys:
    """Sort a touchpoint log into journeys (see :class:`Journeys`).

    Parameters
    ----------
    touchpoints : DataFrame or ibis Table
        Required columns: ``user_id``, ``timestamp`` (datetime), ``channel`` (str) and
        ``converted`` (bool).

    Returns
    -------
    Journeys

    Examples
    --------
    >>> import pandas as pd
    >>> tp = pd.DataFrame({"user_id": ["u", "u"], "channel": ["search", "email"],
    ...                    "timestamp": pd.to_datetime(["2024-01-02", "2024-01-01"]),
    ...                    "converted": [True, True]})
    >>> j = build_journeys(tp)
    >>> [j.channels[c] for c in j.channel]
    ['email', 'search']
    """
    if route(touchpoints) == "ibis":
        from ecomlib.engine import traffic as engine

        if not rules.is_ibis(touchpoints):
            _checked_flags(touchpoints, user_col, time_col, channel_col, converted_col)
        return from_sorted(*engine.sorted_touches(touchpoints, user_col=user_col, time_col=time_col,
                                                  channel_col=channel_col, converted_col=converted_col))
    conv = _checked_flags(touchpoints, user_col, time_col, channel_col, converted_col)
    times = touchpoints[time_col]
    bad = touchpoints[[user_col, channel_col]].isna().any(axis=1) | times.isna()
    if bad.all():
        raise DataError("Every touchpoint lacks a user, channel or timestamp.")
    keep = ~bad.to_numpy()
    user_codes, _ = pd.factorize(touchpoints[user_col].to_numpy()[keep], sort=True)
    chan_codes, chan_names = pd.factorize(touchpoints[channel_col].to_numpy()[keep], sort=True)
    t_us = times.to_numpy(dtype="datetime64[us]").astype("int64")[keep]
    conv_arr = conv.to_numpy(dtype=bool, na_value=False)[keep]
    order = np.lexsort((chan_codes, t_us, user_codes))
    return from_sorted([str(x) for x in chan_names], user_codes[order], chan_codes[order], t_us[order],
                       conv_arr[order])


def _checked_flags(touchpoints, user_col, time_col, channel_col, converted_col) -> pd.Series:
    """The boundary checks of a touchpoint frame; returns the ``converted`` flags as bool."""
    touchpoints = check_frame(touchpoints, "touchpoints")
    check_columns(touchpoints, [user_col, time_col, channel_col, converted_col], "touchpoints")
    check_datetime(touchpoints, [time_col], "touchpoints")
    conv = touchpoints[converted_col]
    if not pd.api.types.is_bool_dtype(conv):
        if pd.api.types.is_numeric_dtype(conv) and conv.dropna().isin([0, 1]).all():
            conv = conv.astype(bool)
        else:
            raise SchemaError(
                f"`touchpoints` column {converted_col!r} must be bool (or 0/1), but has dtype "
                f"{conv.dtype}."
            )
    return conv


def from_sorted(channels: list[str], u: np.ndarray, c: np.ndarray, t: np.ndarray, cv: np.ndarray) -> Journeys:
    """:class:`Journeys` from touches sorted by journey and time.

    ``u`` journey numbers (0, 1, ... in order), ``c`` channel codes into ``channels``,
    ``t`` times (microseconds), ``cv`` each touch's converted flag.
    """
    if len(u) == 0:
        raise DataError("Every touchpoint lacks a user, channel or timestamp.")
    starts = np.flatnonzero(np.r_[True, u[1:] != u[:-1]])
    lengths = np.diff(np.r_[starts, len(u)])
    journey = np.repeat(np.arange(len(starts)), lengths)
    position = np.arange(len(u)) - np.repeat(starts, lengths)
    journey_conv = np.logical_or.reduceat(cv, starts)
    last_t = t[starts + lengths - 1]
    hours = (np.repeat(last_t, lengths) - t) / 3.6e9
    return Journeys(
        channels=list(channels), user=journey, channel=np.asarray(c, dtype=np.int64), position=position,
        length=np.repeat(lengths, lengths), hours_before_last=hours.astype(float),
        converted=np.repeat(journey_conv, lengths), journey_converted=journey_conv,
    )
