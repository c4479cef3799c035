"""Markov attribution of order 1-3: hand cases, today's first-order numbers, an independent oracle.

Two oracles live here, written plainly and independently of ``ecomlib.traffic.markov``:

* ``_first_order_as_of_5afae12``: the first-order computation as it stood at commit 5afae12
  (before orders 2 and 3), so that order 1 is checked against *today's numbers*;
* ``_tuple_chain``: states built as Python tuples from the paths, probabilities from a dict
  of counts, and the fundamental matrix ``N = (I - Q)^-1`` by a dense inverse.
"""

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import NotIdentifiableError, ParameterError
from ecomlib.traffic import (
    attribute,
    build_journeys,
    markov_attribution,
    markov_order_comparison,
    markov_orders,
)


def _tp(paths):
    """paths: list of (channels, converted); one touch per day."""
    rows = []
    for i, (chans, conv) in enumerate(paths):
        for d, c in enumerate(chans):
            rows.append((f"u{i:03d}", pd.Timestamp("2024-01-01") + pd.Timedelta(days=d), c, conv))
    return pd.DataFrame(rows, columns=["user_id", "timestamp", "channel", "converted"])


HAND = _tp([(list("AC"), True), (list("BC"), False), (list("ACAC"), False), (list("BA"), True)])


def _first_order_as_of_5afae12(journeys):
    """Removal effects of the first-order chain, computed as ecomlib did at commit 5afae12."""
    k = len(journeys.channels)
    n_states = k + 3  # 0 = start, 1..k = channels, k+1 = conversion, k+2 = null
    state = journeys.channel + 1
    first = journeys.position == 0
    last = journeys.position == journeys.length - 1
    src = np.where(first, 0, np.r_[0, state[:-1]])
    end_state = np.where(journeys.converted[last], k + 1, k + 2)
    counts = np.bincount(np.r_[src, state[last]] * n_states + np.r_[state, end_state],
                         minlength=n_states * n_states).reshape(n_states, n_states).astype(float)
    rows = counts.sum(axis=1, keepdims=True)
    prob = np.where(rows > 0, counts / np.where(rows > 0, rows, 1), 0.0)
    s, q, r = prob[0, 1:k + 1], prob[1:k + 1, 1:k + 1], prob[1:k + 1, k + 1]

    def absorb(s, q, r):
        return float(s @ np.linalg.solve(np.eye(len(q)) - q, r)) if s.size else 0.0

    p_all = absorb(s, q, r)
    effects = []
    for c in range(k):
        keep = np.arange(k) != c
        effects.append(1 - absorb(s[keep], q[np.ix_(keep, keep)], r[keep]) / p_all)
    return np.clip(effects, 0, 1), p_all


def _tuple_chain(touchpoints, order):
    """Removal effects from tuple states and a dense fundamental matrix (plain Python)."""
    tp = touchpoints.sort_values(["user_id", "timestamp"], kind="stable")
    by_user = tp.groupby("user_id", sort=True)
    counts = Counter()
    for path, converted in zip(by_user["channel"].agg(list), by_user["converted"].any(), strict=True):
        prev = ()
        for t in range(len(path)):
            state = tuple(path[max(0, t - order + 1): t + 1])
            counts[(prev, state)] += 1
            prev = state
        counts[(prev, "conversion" if converted else "null")] += 1
    states = sorted({b for (_, b) in counts if isinstance(b, tuple)})
    index = {s: i for i, s in enumerate(states)}
    out_total = Counter()
    for (a, _), n in counts.items():
        out_total[a] += n

    def conversion(drop=None):
        keep = [s for s in states if drop not in s]
        pos = {s: i for i, s in enumerate(keep)}
        q = np.zeros((len(keep), len(keep)))
        r = np.zeros(len(keep))
        s0 = np.zeros(len(keep))
        for (a, b), n in counts.items():
            if b == "conversion" and a in pos:
                r[pos[a]] += n / out_total[a]
            elif isinstance(b, tuple) and b in pos:
                if a == ():
                    s0[pos[b]] += n / out_total[a]
                elif a in pos:
                    q[pos[a], pos[b]] += n / out_total[a]
        fundamental = np.linalg.inv(np.eye(len(keep)) - q)  # expected visits
        return float(s0 @ fundamental @ r)

    p_all = conversion()
    channels = sorted(tp["channel"].unique())
    effects = np.array([1 - conversion(c) / p_all for c in channels])
    return effects, p_all, len(index)


def test_order_2_hand_example():
    """Four journeys: A>C converts, B>C does not, A>C>A>C does not, B>A converts.

    Order 2 (states = last two channels). Transition counts:
    start->(A) 2, start->(B) 2; (A)->(A,C) 2; (B)->(B,C) 1, (B)->(B,A) 1;
    (A,C)->conv 1, (A,C)->(C,A) 1, (A,C)->null 1; (C,A)->(A,C) 1; (B,C)->null 1;
    (B,A)->conv 1. With x = P(conv | (A,C)): x = 1/3 + 1/3 x (the loop (A,C)->(C,A)->(A,C)),
    so x = 1/2; P(conv | (B)) = 1/2 * 0 + 1/2 * 1 = 1/2; P = 1/2 x + 1/2 * 1/2 = 1/2, the
    observed rate 2/4.
    Remove A (every state holding A): only start->(B)->(B,C)->null is left, P = 0, RE = 1.
    Remove B: P = 1/2 * x = 1/4, RE = 1/2. Remove C: (A)->null, (B)->(B,A)->conv, P = 1/4,
    RE = 1/2. Credit of the 2 conversions in proportion: A 1, B 1/2, C 1/2.

    Order 1, the same journeys. A: ->C 3, ->conv 1; B: ->C 1, ->A 1; C: ->conv 1, ->null 2,
    ->A 1; start: A 2, B 2. Then a = 3/4 c + 1/4 and c = 1/4 + 1/4 a give a = 7/13,
    c = 5/13, b = 6/13, P = 1/2. Remove A: c = 1/4, b = 1/8, P = 1/16, RE = 7/8.
    Remove B: P = a/2 = 7/26, RE = 6/13. Remove C: a = 1/4, b = 1/8, P = 3/16, RE = 5/8.
    The first-order chain lets B borrow A's conversions through C; order 2 remembers that
    journeys through B and C never convert.

    Order 3 adds (A,C,A) and (C,A,C): (A,C)->conv 1, ->(A,C,A) 1; (A,C,A)->(C,A,C)->null,
    so P(conv | (A,C)) = 1/2 again and the removal effects are those of order 2.
    """
    j = build_journeys(HAND)
    second = markov_attribution(j, order=2)
    assert second.conversion_probability == pytest.approx(1 / 2, abs=1e-12)
    assert second.removal_effects.tolist() == pytest.approx([1, 1 / 2, 1 / 2], abs=1e-12)
    assert second.conversions.tolist() == pytest.approx([1, 1 / 2, 1 / 2], abs=1e-12)
    tr = second.transitions
    assert tr.loc["A > C", ["C > A", "conversion", "null"]].tolist() == pytest.approx([1 / 3] * 3)
    assert tr.loc["B", "B > A"] == pytest.approx(1 / 2)
    assert sorted(second.states) == ["A", "A > C", "B", "B > A", "B > C", "C > A"]
    first = markov_attribution(j, order=1)
    assert first.removal_effects.tolist() == pytest.approx([7 / 8, 6 / 13, 5 / 8], abs=1e-12)
    third = markov_attribution(j, order=3)
    assert third.removal_effects.tolist() == pytest.approx([1, 1 / 2, 1 / 2], abs=1e-12)
    assert "A > C > A" in third.states and third.order == 3
    tidy = attribute(HAND, model="markov", markov_order=2)
    assert tidy["conversions"].tolist() == pytest.approx([1, 1 / 2, 1 / 2], abs=1e-12)


def _random_log(seed, n=400):
    rng = np.random.default_rng(seed)
    paths = []
    for _ in range(n):
        length = rng.integers(1, 6)
        chans = list(rng.choice(list("pqrst"), size=length))
        paths.append((chans, bool(rng.random() < 0.1 + 0.1 * ("q" in chans))))
    return _tp(paths)


@pytest.mark.parametrize("case", ["toy", "hand", "random", "sample_shop"])
def test_order_1_reproduces_todays_numbers(case, sample_store):
    tp = {"toy": _tp([(["c1", "c2", "c3"], True), (["c1"], False), (["c2", "c3"], False)]),
          "hand": HAND, "random": _random_log(3), "sample_shop": sample_store.touchpoints}[case]
    j = build_journeys(tp)
    expected, p_expected = _first_order_as_of_5afae12(j)
    res = markov_attribution(j)  # order 1 is the default
    assert res.order == 1 and res.states == j.channels
    assert res.removal_effects.to_numpy() == pytest.approx(expected, rel=1e-12, abs=1e-14)
    assert res.conversion_probability == pytest.approx(p_expected, rel=1e-12)
    default = attribute(tp, model="markov")["conversions"].to_numpy()
    assert default == pytest.approx(j.n_conversions * expected / expected.sum(), rel=1e-12)


@pytest.mark.parametrize("order", [1, 2, 3])
def test_orders_match_tuple_oracle(order, sample_store):
    # the sample shop (6 channels, up to 8 touches) and a random log with repeats
    for tp in (sample_store.touchpoints, _random_log(7)):
        effects, p_all, n_states = _tuple_chain(tp, order)
        res = markov_attribution(build_journeys(tp), order=order)
        assert len(res.states) == n_states
        assert res.conversion_probability == pytest.approx(p_all, rel=1e-10)
        assert res.removal_effects.to_numpy() == pytest.approx(np.clip(effects, 0, 1), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("order", [1, 2, 3])
def test_conversion_probability_is_the_observed_rate(order, sample_store):
    # fitted by counting, the chain's expected visits equal the observed ones (module notes)
    j = build_journeys(sample_store.touchpoints)
    res = markov_attribution(j, order=order)
    assert res.conversion_probability == pytest.approx(j.journey_converted.mean(), rel=1e-10)
    assert res.conversions.sum() == pytest.approx(j.n_conversions)
    rows = np.asarray(res.transition_matrix.sum(axis=1)).ravel()
    assert rows == pytest.approx(np.ones(len(res.states) + 1))


def test_order_comparison_leave_one_out_by_hand():
    """x>y converts, y>x does not, each twice; leave-one-out (folds = journeys), KT smoothing 1/2.

    Four next steps are possible everywhere (x, y, conversion, null). Leaving out one x>y
    journey, order 1 counts: start x 1 of 3, x->y 1 of 3, y->conv 1 of 3, each scored
    (1 + 1/2) / (3 + 2) = 0.3; by symmetry every left-out journey scores 3 log 0.3, so the
    log loss is -log 0.3 = 1.2040 nats per step. Order 2: start->x 0.3, (x)->y and
    (x,y)->conv are seen 1 of 1: (1 + 1/2) / (1 + 2) = 1/2; log loss
    -(log 0.3 + 2 log 0.5) / 3 = 0.8634. Order 2 is better: it knows x-first journeys convert.
    """
    tp = _tp([(["x", "y"], True), (["y", "x"], False)] * 2)
    out = markov_order_comparison(build_journeys(tp), orders=[1, 2], folds=4)
    assert out["log_loss"].tolist() == pytest.approx(
        [-np.log(0.3), -(np.log(0.3) + 2 * np.log(0.5)) / 3], rel=1e-12)
    assert out["heldout_log_lik"].iloc[0] == pytest.approx(12 * np.log(0.3))
    assert out["best"].tolist() == [False, True]
    assert out["states"].tolist() == [2, 4] and out["steps"].tolist() == [12, 12]


def _markov_journeys(order, seed, n=6000):
    """Journeys from a chain whose next step depends on the last ``order`` channels."""
    rng = np.random.default_rng(seed)
    chans = list("abc")
    paths = []
    for _ in range(n):
        path = [chans[rng.integers(3)]]
        while True:
            if order == 1:
                p_stay = 0.7 if path[-1] == "a" else 0.3
            else:  # continue while the last two differ, stop soon after a repeat
                p_stay = 0.3 if len(path) > 1 and path[-1] == path[-2] else 0.8
            if rng.random() > p_stay or len(path) > 12:
                break
            path.append(chans[rng.integers(3)])
        paths.append((path, bool(rng.random() < 0.2)))
    return build_journeys(_tp(paths))


@pytest.mark.parametrize("true_order", [1, 2])
def test_order_comparison_recovers_the_simulated_order(true_order):
    out = markov_order_comparison(_markov_journeys(true_order, seed=true_order), seed=1)
    assert int(out.loc[out["best"], "order"].iloc[0]) == true_order, out


def test_markov_order_bad_inputs():
    j = build_journeys(HAND)
    for bad in (0, 5, 2.0, "2", True):
        with pytest.raises(ParameterError, match="order"):
            markov_attribution(j, order=bad)
    with pytest.raises(ParameterError, match="order"):
        attribute(HAND, model="markov", markov_order=0)
    with pytest.raises(ParameterError, match="folds"):
        markov_order_comparison(j, folds=1)
    with pytest.raises(ParameterError, match="folds"):
        markov_order_comparison(j, folds=5)  # 4 journeys
    with pytest.raises(ParameterError, match="smoothing"):
        markov_order_comparison(j, folds=2, smoothing=0)
    with pytest.raises(ParameterError, match="orders"):
        markov_order_comparison(j, orders=[], folds=2)
    with pytest.raises(ParameterError, match="Journeys"):
        markov_order_comparison(HAND)
    with pytest.raises(NotIdentifiableError):
        markov_attribution(build_journeys(HAND.assign(converted=False)), order=2)


def test_markov_orders_table():
    # the order-2 hand example again, through the tidy table
    out = markov_orders(build_journeys(HAND), orders=[1, 2])
    assert out["model"].unique().tolist() == ["markov k=1", "markov k=2"]
    second = out[out["order"] == 2].set_index("channel")
    assert second["removal_effect"].tolist() == pytest.approx([1, 1 / 2, 1 / 2])
    assert second["share"].tolist() == pytest.approx([1 / 2, 1 / 4, 1 / 4])
    assert out.groupby("order")["conversions"].sum().tolist() == pytest.approx([2, 2])
    assert out["states"].tolist() == [3] * 3 + [6] * 3
    with pytest.raises(ParameterError, match="orders"):
        markov_orders(build_journeys(HAND), orders=[])
