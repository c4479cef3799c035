"""Shapley-value attribution on channel sets (book 6.4).

Journeys are reduced to the **set** of channels they touched (order and repeats ignored).
The worth of a set ``T`` is the conversion rate of the journeys whose channel set is
exactly ``T`` (``v(∅) = 0``). For journeys with set ``S``, channel ``c ∈ S`` receives its
Shapley value in the game restricted to the subsets of ``S``::

    φ_c(S) = Σ_{T ⊆ S∖{c}}  |T|! (|S| − |T| − 1)! / |S|!  · ( v(T ∪ {c}) − v(T) )

The values add up to ``v(S)`` (efficiency), so the ``n_S`` journeys with set ``S`` credit
``n_S · φ_c(S)`` conversions to ``c``, and the credits add up to the observed conversions.
When conversion is additive over the channels touched, ``P(convert | S) = Σ_{c∈S} w_c``,
the Shapley value is exactly ``w_c``: this is the sense in which the model recovers each
channel's causal contribution. Subsets never observed as a journey get ``v = 0`` (an
assumption that biases credit toward channels seen alone; :attr:`ShapleyAttribution.unseen`
counts them).

References
----------
Shapley, L. S. (1953). A value for n-person games. *Contributions to the Theory of Games* II, 307-317.
Dalessandro, B., Perlich, C., Stitelman, O., Provost, F. (2012). Causally motivated
attribution for online advertising. *ADKDD '12*.
Zhao, K., Mahboobi, S. H., Bagheri, S. R. (2018). Shapley value methods for attribution
modeling in online advertising. arXiv:1804.05327.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import factorial

import numpy as np
import pandas as pd

from ecomlib.errors import NotIdentifiableError, ParameterError
from ecomlib.traffic.journeys import Journeys

__all__ = ["MAX_SHAPLEY_CHANNELS", "ShapleyAttribution", "shapley_attribution", "shapley_from_sets"]

MAX_SHAPLEY_CHANNELS = 12


@dataclass(frozen=True)
class ShapleyAttribution:
    """Per-set worths and Shapley credits.

    Attributes
    ----------
    channels : list of str
    sets : DataFrame
        One row per channel set seen: ``channels`` (joined with ' + '), ``journeys``,
        ``conversions``, ``rate`` (the worth ``v``).
    values : DataFrame
        Shapley value ``φ_c(S)`` per seen set (rows, as in ``sets``) and channel (columns).
    conversions : Series
        Conversions credited per channel.
    unseen : int
        Subsets needed by the computation that no journey had (given worth 0).
    """

    channels: list[str]
    sets: pd.DataFrame
    values: pd.DataFrame
    conversions: pd.Series
    unseen: int

    def summary(self) -> pd.DataFrame:
        """Per channel: credited conversions and share."""
        return pd.DataFrame(
            {"conversions": self.conversions, "share": self.conversions / self.conversions.sum()}
        )


def shapley_attribution(journeys: Journeys) -> ShapleyAttribution:
    """Shapley credit per channel for :class:`~ecomlib.traffic.journeys.Journeys`.

    Use :func:`ecomlib.traffic.attribute` with ``model="shapley"`` for the tidy table.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecomlib.traffic.journeys import build_journeys
    >>> tp = pd.DataFrame({"user_id": ["a", "b", "d", "c", "c"],
    ...                    "channel": ["x", "y", "y", "x", "y"],
    ...                    "timestamp": pd.to_datetime(["2024-01-01"] * 5),
    ...                    "converted": [True, False, True, True, True]})
    >>> shapley_attribution(build_journeys(tp)).conversions.tolist()
    [1.75, 1.25]
    """
    if not isinstance(journeys, Journeys):
        raise ParameterError(
            f"`journeys` must be a Journeys object, but a {type(journeys).__name__} was passed.",
            fix="Build it with ecomlib.traffic.build_journeys(touchpoints), or call attribute().",
        )
    k = _checked_channels(journeys.channels)
    n_journeys = len(journeys.journey_converted)
    bits = np.zeros(n_journeys, dtype=np.int64)
    np.bitwise_or.at(bits, journeys.user, np.int64(1) << journeys.channel.astype(np.int64))
    n_masks = 1 << k
    n = np.bincount(bits, minlength=n_masks).astype(float)
    conv = np.bincount(bits, weights=journeys.journey_converted.astype(float), minlength=n_masks)
    return shapley_from_sets(journeys.channels, n, conv)


def _checked_channels(channels) -> int:
    k = len(channels)
    if k > MAX_SHAPLEY_CHANNELS:
        raise ParameterError(
            f"Shapley attribution supports at most {MAX_SHAPLEY_CHANNELS} channels, but the "
            f"touchpoints have {k}.",
            fix="Merge small channels into 'other' first (the cost grows as 2^channels).",
        )
    return k


def shapley_from_sets(channels: list[str], n: np.ndarray, conv: np.ndarray) -> ShapleyAttribution:
    """Shapley credit from journeys ``n`` and conversions ``conv`` per channel-set bit mask.

    ``n[m]``, ``conv[m]``: journeys whose set of channels is the mask ``m`` (bit ``i`` for
    ``channels[i]``), arrays of length ``2 ** len(channels)``. These counts are all the model
    reads, so an engine can count them (:func:`ecomlib.engine.traffic.channel_set_counts`).
    """
    k = _checked_channels(channels)
    n_masks = 1 << k
    if float(np.sum(conv)) == 0:
        raise NotIdentifiableError("No journey converted, so there is nothing to attribute.")
    seen = n > 0
    v = np.where(seen, conv / np.where(seen, n, 1), 0.0)
    v[0] = 0.0
    all_masks = np.arange(n_masks, dtype=np.int64)
    popcount = np.array([bin(m).count("1") for m in range(n_masks)])
    observed = np.flatnonzero(seen)
    observed = observed[observed > 0]
    size_s = popcount[observed]
    is_subset = (all_masks[None, :] & ~observed[:, None]) == 0
    weight_table = np.zeros((k + 1, k + 1))
    for s_size in range(1, k + 1):
        for t_size in range(s_size):
            weight_table[s_size, t_size] = (
                factorial(t_size) * factorial(s_size - t_size - 1) / factorial(s_size)
            )
    weights = weight_table[size_s[:, None], popcount[None, :]]
    phi = np.zeros((len(observed), k))
    needed = np.zeros(n_masks, dtype=bool)
    for c in range(k):
        cbit = np.int64(1) << c
        has_c = (observed & cbit) != 0
        without_c = (all_masks & cbit) == 0
        terms = is_subset[has_c] & without_c[None, :]
        marginal = v[all_masks | cbit] - v
        phi[has_c, c] = (terms * weights[has_c] * marginal[None, :]).sum(axis=1)
        needed |= terms.any(axis=0)
        needed[all_masks[terms.any(axis=0)] | cbit] = True
    needed[0] = False
    credit = (n[observed][:, None] * phi).sum(axis=0)
    names = [" + ".join(channels[c] for c in range(k) if m >> c & 1) for m in observed]
    sets = pd.DataFrame({"channels": names, "journeys": n[observed].astype(int),
                         "conversions": conv[observed], "rate": v[observed]})
    return ShapleyAttribution(
        channels=list(channels), sets=sets,
        values=pd.DataFrame(phi, index=names, columns=list(channels)),
        conversions=pd.Series(credit, index=list(channels), name="conversions"),
        unseen=int((needed & ~seen).sum()),
    )
