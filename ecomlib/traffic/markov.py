"""First-order Markov attribution with exact removal effects (book 6.4).

Every journey is a walk ``start → c1 → c2 → … → conversion`` (or ``→ null``). Counting the
transitions gives a first-order absorbing Markov chain. With ``Q`` the transition
probabilities among channels, ``r`` the probabilities of converting from each channel and
``s`` the probabilities of starting in each channel, the probability that a journey ends
in a conversion is (absorbing-chain algebra, no simulation)::

    P(conversion) = s · (I − Q)^(-1) · r

Removing channel ``c`` sends every visit to ``c`` to ``null``; this drops ``c``'s row and
column. The **removal effect** is ``RE_c = 1 − P_without_c / P``, and the conversions are
shared in proportion to the removal effects::

    credit_c = conversions · RE_c / Σ_d RE_d

References
----------
Anderl, E., Becker, I., von Wangenheim, F., Schumann, J. H. (2016). Mapping the customer
journey: lessons learned from graph-based online attribution modeling. *International
Journal of Research in Marketing* 33(3), 457-474.
Kemeny, J. G., Snell, J. L. (1976). *Finite Markov Chains*, ch. 3 (absorbing chains).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import NotIdentifiableError, ParameterError
from ecomlib.traffic.journeys import Journeys

__all__ = ["MarkovAttribution", "markov_attribution"]


@dataclass(frozen=True)
class MarkovAttribution:
    """The fitted chain and its removal effects.

    Attributes
    ----------
    channels : list of str
    transitions : DataFrame
        Transition probabilities; rows ``start`` and channels, columns channels,
        ``conversion`` and ``null``.
    conversion_probability : float
        P(conversion) of a journey under the chain.
    removal_effects : Series
        ``RE_c`` per channel (0-1).
    conversions : Series
        Conversions credited per channel (sums to the observed conversions).
    """

    channels: list[str]
    transitions: pd.DataFrame
    conversion_probability: float
    removal_effects: pd.Series
    conversions: pd.Series

    def summary(self) -> pd.DataFrame:
        """Per channel: removal effect, credited conversions and share."""
        return pd.DataFrame(
            {"removal_effect": self.removal_effects, "conversions": self.conversions,
             "share": self.conversions / self.conversions.sum()}
        )


def _absorption(start: np.ndarray, q: np.ndarray, r: np.ndarray) -> float:
    if start.size == 0:
        return 0.0
    a = np.eye(len(q)) - q
    try:
        x = np.linalg.solve(a, r)
    except np.linalg.LinAlgError:
        x = np.linalg.lstsq(a, r, rcond=None)[0]
    return float(start @ x)


def markov_attribution(journeys: Journeys) -> MarkovAttribution:
    """Fit the first-order chain of :class:`~ecomlib.traffic.journeys.Journeys` and credit channels.

    Use :func:`ecomlib.traffic.attribute` with ``model="markov"`` for the tidy table.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecomlib.traffic.journeys import build_journeys
    >>> tp = pd.DataFrame({
    ...     "user_id": ["a", "a", "a", "b", "c", "c"],
    ...     "channel": ["c1", "c2", "c3", "c1", "c2", "c3"],
    ...     "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03",
    ...                                  "2024-01-01", "2024-01-01", "2024-01-02"]),
    ...     "converted": [True, True, True, False, False, False]})
    >>> markov_attribution(build_journeys(tp)).conversions.round(3).tolist()
    [0.2, 0.4, 0.4]
    """
    if not isinstance(journeys, Journeys):
        raise ParameterError(
            f"`journeys` must be a Journeys object, but a {type(journeys).__name__} was passed.",
            fix="Build it with ecomlib.traffic.build_journeys(touchpoints), or call attribute().",
        )
    k = len(journeys.channels)
    if journeys.n_conversions == 0:
        raise NotIdentifiableError(
            "No journey converted, so there is nothing to attribute.",
            fix="Check the `converted` column: it must be true on the rows of converting paths.",
        )
    # states: 0 = start, 1..k = channels, k+1 = conversion, k+2 = null
    n_states = k + 3
    state = journeys.channel + 1
    first = journeys.position == 0
    last = journeys.position == journeys.length - 1
    src = np.where(first, 0, np.r_[0, state[:-1]])
    # transitions into each touch, plus each journey's final transition to an absorbing state
    end_state = np.where(journeys.converted[last], k + 1, k + 2)
    from_all = np.r_[src, state[last]]
    to_all = np.r_[state, end_state]
    counts = np.bincount(from_all * n_states + to_all, minlength=n_states * n_states)
    counts = counts.reshape(n_states, n_states).astype(float)
    rows = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        prob = np.where(rows > 0, counts / rows, 0.0)
    s, q, r = prob[0, 1 : k + 1], prob[1 : k + 1, 1 : k + 1], prob[1 : k + 1, k + 1]
    p_all = _absorption(s, q, r)
    effects = np.empty(k)
    for c in range(k):
        keep = np.arange(k) != c
        p_without = _absorption(s[keep], q[np.ix_(keep, keep)], r[keep])
        effects[c] = 1 - p_without / p_all
    effects = np.clip(effects, 0, 1)
    removal = pd.Series(effects, index=journeys.channels, name="removal_effect")
    credit = journeys.n_conversions * effects / effects.sum()
    labels = ["start", *journeys.channels, "conversion", "null"]
    trans = pd.DataFrame(prob[: k + 1, 1:], index=labels[: k + 1], columns=labels[1:])
    return MarkovAttribution(
        channels=list(journeys.channels), transitions=trans, conversion_probability=p_all,
        removal_effects=removal, conversions=pd.Series(credit, index=journeys.channels,
                                                       name="conversions"),
    )
