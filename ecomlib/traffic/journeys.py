"""Turn a touchpoint log into ordered user journeys, the input of every attribution model.

A journey is one user's touchpoints ordered by time. It converted when the ``converted``
flag is true on its rows (the canonical touchpoints table repeats it on every row of a
converting path; any true row counts). The conversion is taken to follow the last touch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, SchemaError
from ecomlib.validation import check_columns, check_frame

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
    touchpoints : DataFrame
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
    touchpoints = check_frame(touchpoints, "touchpoints")
    check_columns(touchpoints, [user_col, time_col, channel_col, converted_col], "touchpoints")
    times = touchpoints[time_col]
    if not pd.api.types.is_datetime64_any_dtype(times):
        raise SchemaError(
            f"`touchpoints` column {time_col!r} must be datetime, but has dtype {times.dtype}.",
            fix="Convert it with pandas.to_datetime, or load the table through ecomlib.data.",
        )
    conv = touchpoints[converted_col]
    if not pd.api.types.is_bool_dtype(conv):
        if pd.api.types.is_numeric_dtype(conv) and conv.dropna().isin([0, 1]).all():
            conv = conv.astype(bool)
        else:
            raise SchemaError(
                f"`touchpoints` column {converted_col!r} must be bool (or 0/1), but has dtype "
                f"{conv.dtype}."
            )
    bad = touchpoints[[user_col, channel_col]].isna().any(axis=1) | times.isna()
    if bad.all():
        raise DataError("Every touchpoint lacks a user, channel or timestamp.")
    user_codes, _ = pd.factorize(touchpoints[user_col])
    chan_codes, chan_names = pd.factorize(touchpoints[channel_col], sort=True)
    t_ns = times.to_numpy(dtype="datetime64[us]").astype("int64")
    keep = ~bad.to_numpy()
    user_codes, chan_codes, t_ns = user_codes[keep], chan_codes[keep], t_ns[keep]
    conv_arr = conv.to_numpy(dtype=bool, na_value=False)[keep]
    order = np.lexsort((t_ns, user_codes))
    u, c, t, cv = user_codes[order], chan_codes[order], t_ns[order], conv_arr[order]
    starts = np.flatnonzero(np.r_[True, u[1:] != u[:-1]])
    lengths = np.diff(np.r_[starts, len(u)])
    journey = np.repeat(np.arange(len(starts)), lengths)
    position = np.arange(len(u)) - np.repeat(starts, lengths)
    journey_conv = np.logical_or.reduceat(cv, starts)
    last_t = t[starts + lengths - 1]
    hours = (np.repeat(last_t, lengths) - t) / 3.6e9
    return Journeys(
        channels=[str(x) for x in chan_names], user=journey, channel=c, position=position,
        length=np.repeat(lengths, lengths), hours_before_last=hours.astype(float),
        converted=np.repeat(journey_conv, lengths), journey_converted=journey_conv,
    )
