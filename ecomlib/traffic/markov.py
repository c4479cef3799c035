"""Markov-chain attribution of order 1, 2 or 3 with exact removal effects (book 6.4).

Every journey is a walk ``start → c1 → c2 → … → conversion`` (or ``→ null``). In a chain of
**order k** the state after a touch is the tuple of the journey's last ``k`` channels (fewer
at the start of a journey: after the first touch of ``c1 > c2 > c3`` the order-2 state is
``(c1)``, then ``(c1, c2)``, then ``(c2, c3)``). Counting the observed transitions between
states gives an absorbing Markov chain. With ``Q`` the transition probabilities among the
states, ``r`` the probabilities of converting from each state and ``s`` the probabilities of
the first state, the probability that a journey ends in a conversion is (absorbing-chain
algebra: one sparse linear solve, no simulation)::

    P(conversion) = s · (I − Q)^(-1) · r

**Removing channel c** sends every state that contains ``c`` to ``null``: their rows and
columns are dropped, so any walk that would enter one is lost. (At order 1 the states are
the channels themselves, and this is the usual removal of one state.) The **removal effect**
is ``RE_c = 1 − P_without_c / P``, and the conversions are shared in proportion to the
removal effects::

    credit_c = conversions · RE_c / Σ_d RE_d

Because the chain is fitted by counting, the expected number of visits to each state equals
the observed one, so ``P(conversion)`` is the observed conversion rate at every order; the
orders differ in what is lost when a channel is removed.

Which order do the data support? :func:`markov_order_comparison` scores each order by the
log-likelihood of the next step (a channel, conversion or null) on held-out journeys.

ChannelAttribution (Altomare & Loris) offers the same orders; it builds order-k states from
windows of k consecutive channels starting with the first k (a journey shorter than k is one
state), estimates the removal effects by simulating walks, and drops repeated consecutive
states. Ours keeps the shorter start-up states and computes the removal effects exactly;
self-transitions do not change absorption probabilities, so they are kept.

References
----------
Anderl, E., Becker, I., von Wangenheim, F., Schumann, J. H. (2016). Mapping the customer
journey: lessons learned from graph-based online attribution modeling. *International
Journal of Research in Marketing* 33(3), 457-474 (higher-order chains, removal effects).
Altomare, D., Loris, D. ChannelAttribution: Markov model for online multi-channel
attribution (R and Python package), ``markov_model(..., order=k)``.
Kemeny, J. G., Snell, J. L. (1976). *Finite Markov Chains*, ch. 3 (absorbing chains).
Krichevsky, R., Trofimov, V. (1981). The performance of universal encoding. *IEEE
Transactions on Information Theory* 27(2), 199-207 (add-1/2 smoothing of counts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.linalg import spsolve

from ecomlib.errors import NotIdentifiableError, ParameterError
from ecomlib.traffic.journeys import Journeys

__all__ = ["MAX_ORDER", "MarkovAttribution", "markov_attribution", "markov_from_steps", "markov_order_comparison",
           "markov_orders"]

#: highest chain order accepted (states grow as channels^order)
MAX_ORDER = 4


@dataclass(frozen=True)
class MarkovAttribution:
    """The fitted chain and its removal effects.

    Attributes
    ----------
    channels : list of str
    order : int
        Chain order ``k`` (1 = the state is the current channel).
    states : list of str
        State labels, oldest channel first (``"email > search"``); at order 1 the channels.
    transition_matrix : scipy.sparse.csr_matrix
        Transition probabilities; rows ``start`` then ``states``, columns ``states`` then
        ``conversion`` and ``null``.
    conversion_probability : float
        P(conversion) of a journey under the chain.
    removal_effects : Series
        ``RE_c`` per channel (0-1).
    conversions : Series
        Conversions credited per channel (sums to the observed conversions).
    """

    channels: list[str]
    order: int
    states: list[str]
    transition_matrix: sparse.csr_matrix
    conversion_probability: float
    removal_effects: pd.Series
    conversions: pd.Series

    @property
    def transitions(self) -> pd.DataFrame:
        """The transition matrix as a labelled DataFrame (dense: mind large state spaces)."""
        return pd.DataFrame(self.transition_matrix.toarray(), index=["start", *self.states],
                            columns=[*self.states, "conversion", "null"])

    def summary(self) -> pd.DataFrame:
        """Per channel: removal effect, credited conversions and share."""
        return pd.DataFrame(
            {"removal_effect": self.removal_effects, "conversions": self.conversions,
             "share": self.conversions / self.conversions.sum()}
        )


def _check_journeys(journeys) -> None:
    if not isinstance(journeys, Journeys):
        raise ParameterError(
            f"`journeys` must be a Journeys object, but a {type(journeys).__name__} was passed.",
            fix="Build it with ecomlib.traffic.build_journeys(touchpoints), or call attribute().",
        )


def _check_order(order, n_channels: int) -> int:
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or not (
            1 <= order <= MAX_ORDER):
        raise ParameterError(f"`order` must be an integer from 1 to {MAX_ORDER}, but {order!r} was passed.",
                             fix="Use 1 (first-order chain), 2 or 3.")
    if float(n_channels + 1) ** int(order) >= 2.0 ** 62:
        raise ParameterError(f"`order` {order} with {n_channels} channels gives too many possible states.",
                             fix="Use a lower order or group rare channels.")
    return int(order)


def _touch_states(journeys: Journeys, order: int) -> np.ndarray:
    """Integer code of each touch's state: digit ``i`` (base channels + 1) is the channel
    ``i`` touches back plus one, 0 where the journey has no such touch; code 0 = start."""
    base = len(journeys.channels) + 1
    codes = np.zeros(len(journeys.channel), dtype=np.int64)
    for back in range(order):  # a handful of shifts, each vectorised over all touches
        digit = np.zeros_like(codes)
        digit[back:] = journeys.channel[: len(codes) - back] + 1
        digit[journeys.position < back] = 0
        codes += digit * base**back
    return codes


def _steps(journeys: Journeys, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Every step as (state code before, next symbol): symbol = channel, or K = conversion,
    K + 1 = null (the journey's last step)."""
    k = len(journeys.channels)
    codes = _touch_states(journeys, order)
    first = journeys.position == 0
    last = journeys.position == journeys.length - 1
    before = np.where(first, 0, np.r_[0, codes[:-1]])
    end_symbol = np.where(journeys.converted[last], k, k + 1)
    return np.r_[before, codes[last]], np.r_[journeys.channel, end_symbol]


def _absorption(start: np.ndarray, q: sparse.csr_matrix, r: np.ndarray) -> float:
    """``s · (I − Q)^(-1) · r`` by one sparse solve (0 when no state is left)."""
    if start.size == 0 or not start.any():
        return 0.0
    a = (sparse.identity(q.shape[0], format="csc") - q.tocsc())
    x = np.atleast_1d(spsolve(a, r))
    return float(start @ x)


def _contains(codes: np.ndarray, channel: int, order: int, base: int) -> np.ndarray:
    digits = (codes[:, None] // base ** np.arange(order)[None, :]) % base
    return (digits == channel + 1).any(axis=1)


def _label(code: int, order: int, names: list[str]) -> str:
    base = len(names) + 1
    parts = [(code // base**i) % base for i in range(order)]
    return " > ".join(names[d - 1] for d in reversed(parts) if d > 0)


def markov_attribution(journeys: Journeys, *, order: int = 1) -> MarkovAttribution:
    """Fit the chain of order ``order`` to :class:`~ecomlib.traffic.journeys.Journeys` and credit channels.

    Use :func:`ecomlib.traffic.attribute` with ``model="markov"`` for the tidy table.

    Parameters
    ----------
    journeys : Journeys
    order : int, default 1
        States are the last ``order`` channels of a journey (1 to :data:`MAX_ORDER`).

    Returns
    -------
    MarkovAttribution

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
    >>> markov_attribution(build_journeys(tp), order=2).states
    ['c1', 'c2', 'c1 > c2', 'c2 > c3']
    """
    _check_journeys(journeys)
    k = len(journeys.channels)
    order = _check_order(order, k)
    if journeys.n_conversions == 0:
        raise NotIdentifiableError(
            "No journey converted, so there is nothing to attribute.",
            fix="Check the `converted` column: it must be true on the rows of converting paths.",
        )
    before, symbol = _steps(journeys, order)
    return markov_from_steps(journeys.channels, order, before, symbol, np.ones(len(before)), journeys.n_conversions)


def markov_from_steps(channels: list[str], order: int, before: np.ndarray, symbol: np.ndarray,
                      count: np.ndarray, n_conversions: int) -> MarkovAttribution:
    """Fit the chain from its observed steps, counted: the part of :func:`markov_attribution` after the counting.

    ``before`` (state codes, 0 = start), ``symbol`` (next channel code, ``K`` conversion,
    ``K + 1`` null) and ``count`` (how often the step was seen) are all the model reads, so an
    engine can count them (:func:`ecomlib.engine.traffic.markov_step_counts`); every touch's
    state is the ``before`` of the step after it, so the observed states are the non-zero
    ``before`` codes.
    """
    k = len(channels)
    order = _check_order(order, k)
    codes = np.unique(before[before != 0])  # the observed states, sorted
    n = len(codes)
    base = k + 1
    # next state of a step: drop the oldest channel, append the new one
    is_touch = symbol < k
    after = (before % base ** (order - 1)) * base + symbol + 1
    row = np.searchsorted(codes, before) + 1  # 0 = start (code 0 is never a touch state)
    row[before == 0] = 0
    col = np.where(is_touch, np.searchsorted(codes, np.where(is_touch, after, 0)), n + symbol - k)
    counts = sparse.coo_matrix((np.asarray(count, dtype=float), (row, col)), shape=(n + 1, n + 2)).tocsr()
    totals = np.asarray(counts.sum(axis=1)).ravel()
    prob = sparse.diags(np.where(totals > 0, 1.0 / np.maximum(totals, 1), 0.0)) @ counts
    prob = prob.tocsr()
    s = prob[0, :n].toarray().ravel()
    q = prob[1:, :n]
    r = prob[1:, n].toarray().ravel()
    p_all = _absorption(s, q, r)
    effects = np.empty(k)
    for c in range(k):  # one linear solve per channel
        keep = np.flatnonzero(~_contains(codes, c, order, base))
        p_without = _absorption(s[keep], q[keep][:, keep], r[keep])
        effects[c] = 1 - p_without / p_all
    effects = np.clip(effects, 0, 1)
    removal = pd.Series(effects, index=list(channels), name="removal_effect")
    credit = n_conversions * effects / effects.sum()
    return MarkovAttribution(
        channels=list(channels), order=order,
        states=[_label(int(c), order, list(channels)) for c in codes],
        transition_matrix=prob, conversion_probability=p_all, removal_effects=removal,
        conversions=pd.Series(credit, index=list(channels), name="conversions"),
    )


def markov_orders(journeys: Journeys, orders=(1, 2, 3)) -> pd.DataFrame:
    """Removal effects and credit of the chains of several orders, one tidy table.

    Parameters
    ----------
    journeys : Journeys
    orders : sequence of int, default (1, 2, 3)

    Returns
    -------
    DataFrame
        One row per order and channel: ``model`` (``"markov k=1"``, ...; the shape of
        :func:`ecomlib.traffic.attribute`, so the attribution plot takes it), ``order``,
        ``channel``, ``removal_effect``, ``conversions``, ``share`` and ``states``.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecomlib.traffic.journeys import build_journeys
    >>> tp = pd.DataFrame({"user_id": ["a", "a", "b"], "channel": ["x", "y", "y"],
    ...                    "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-01"]),
    ...                    "converted": [True, True, False]})
    >>> markov_orders(build_journeys(tp), orders=[1, 2])["removal_effect"].round(3).tolist()
    [0.5, 1.0, 1.0, 1.0]
    """
    _check_journeys(journeys)
    orders = list(orders)
    if not orders:
        raise ParameterError("`orders` must list at least one chain order, but none was passed.")
    frames = []
    for order in orders:  # one chain per order, a handful at most
        fit = markov_attribution(journeys, order=order)
        table = fit.summary().rename_axis("channel").reset_index()
        frames.append(table.assign(model=f"markov k={fit.order}", order=fit.order,
                                   states=len(fit.states)))
    out = pd.concat(frames, ignore_index=True)
    out = out[["model", "order", "channel", "removal_effect", "conversions", "share", "states"]]
    return out.astype({"model": "str", "channel": "str"})


def _heldout_log_lik(train: tuple[np.ndarray, np.ndarray], test: tuple[np.ndarray, np.ndarray],
                     n_symbols: int, smoothing: float) -> float:
    """Sum of log P(next symbol | state) on the test steps, counts from the training steps
    with ``smoothing`` added to every (state, symbol) count; an unseen state predicts uniformly."""
    key = train[0] * n_symbols + train[1]
    pair, pair_n = np.unique(key, return_counts=True)
    ctx, ctx_n = np.unique(train[0], return_counts=True)
    tkey = test[0] * n_symbols + test[1]
    i = np.minimum(np.searchsorted(pair, tkey), len(pair) - 1)
    n_pair = np.where(pair[i] == tkey, pair_n[i], 0)
    j = np.minimum(np.searchsorted(ctx, test[0]), len(ctx) - 1)
    n_ctx = np.where(ctx[j] == test[0], ctx_n[j], 0)
    return float(np.log((n_pair + smoothing) / (n_ctx + smoothing * n_symbols)).sum())


def markov_order_comparison(
    journeys: Journeys,
    orders=(1, 2, 3),
    *,
    folds: int = 5,
    smoothing: float = 0.5,
    seed: int = 0,
) -> pd.DataFrame:
    """Which chain order the journeys support: held-out log-likelihood of the next step.

    The journeys are split at random into ``folds`` parts. For each part, every order's
    transition counts are taken from the other parts, and each step of the held-out journeys
    (the first channel, every next channel, and the final conversion or null) is scored by
    ``log P(next | state)``. Counts are smoothed by adding ``smoothing`` to each of the
    ``channels + 2`` possible next steps (1/2 is the Krichevsky-Trofimov rule), so a state
    never seen in training predicts all next steps equally. The order with the highest
    held-out log-likelihood (lowest ``log_loss``) predicts new journeys best; a higher order
    that fits the training journeys better but predicts worse has too many states for the data.

    Parameters
    ----------
    journeys : Journeys
    orders : sequence of int, default (1, 2, 3)
    folds : int, default 5
        Number of cross-validation parts (2 or more, at most the number of journeys).
    smoothing : float, default 0.5
        Pseudo-count added to every (state, next step) count (> 0).
    seed : int, default 0
        Seed of the random split.

    Returns
    -------
    DataFrame
        One row per order: ``order``, ``states`` (observed in all journeys),
        ``heldout_log_lik`` (sum over all held-out steps, nats), ``log_loss`` (minus the mean
        per step, nats), ``log_loss_se`` (standard error of that mean over the folds),
        ``steps`` and ``best`` (bool, the highest held-out log-likelihood).

    Examples
    --------
    >>> import pandas as pd
    >>> from ecomlib.traffic.journeys import build_journeys
    >>> tp = pd.DataFrame({"user_id": list("aabbccdd"), "channel": list("xyyxxyyx"),
    ...                    "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"] * 4),
    ...                    "converted": [True, True, False, False] * 2})
    >>> markov_order_comparison(build_journeys(tp), orders=[1, 2], folds=2)["order"].tolist()
    [1, 2]
    """
    _check_journeys(journeys)
    k = len(journeys.channels)
    orders = [_check_order(o, k) for o in orders]
    if not orders:
        raise ParameterError("`orders` must list at least one chain order, but none was passed.")
    n_journeys = len(journeys.journey_converted)
    if isinstance(folds, bool) or not isinstance(folds, (int, np.integer)) or not (
            2 <= folds <= n_journeys):
        raise ParameterError(f"`folds` must be an integer from 2 to the number of journeys ({n_journeys}), "
                             f"but {folds!r} was passed.")
    if not np.isfinite(smoothing) or smoothing <= 0:
        raise ParameterError(f"`smoothing` must be a positive pseudo-count, but {smoothing!r} was passed.",
                             fix="Use 0.5 (Krichevsky-Trofimov) or 1 (Laplace).")
    fold_of_journey = np.random.default_rng(seed).permutation(n_journeys) % folds
    last = journeys.position == journeys.length - 1
    step_journey = np.r_[journeys.user, journeys.user[last]]
    step_fold = fold_of_journey[step_journey]
    rows = []
    for order in orders:
        before, symbol = _steps(journeys, order)
        per_fold = np.array([
            _heldout_log_lik((before[step_fold != f], symbol[step_fold != f]),
                             (before[step_fold == f], symbol[step_fold == f]), k + 2, smoothing)
            for f in range(folds)])
        n_steps = np.bincount(step_fold, minlength=folds)
        loss = -per_fold / n_steps
        rows.append({"order": order, "states": len(np.unique(before)) - 1,
                     "heldout_log_lik": per_fold.sum(), "log_loss": -per_fold.sum() / len(before),
                     "log_loss_se": loss.std(ddof=1) / np.sqrt(folds), "steps": len(before)})
    out = pd.DataFrame(rows)
    out["best"] = out["heldout_log_lik"] == out["heldout_log_lik"].max()
    return out
