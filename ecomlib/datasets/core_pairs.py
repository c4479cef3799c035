"""Product pairs planted in the sample shop's baskets, with their true affinity.

Every other order line of the core shop picks its product independently
(:mod:`~ecomlib.datasets.core_orders`), so without this module no product draws another into
a basket. Here a handful of pairs ``A -> B`` are planted (``PLANTED_PAIRS``; ours, not the
book's): a completed order that holds ``A`` and not ``B`` gets one extra line of ``B`` with
probability ``pi``. The line buys ``1 + Poisson(EXTRA_UNITS * g)`` units (``g``: the order's
basket multiplier, the simulator's rule for every line) at ``B``'s list and paid price of the
order's day (with the promotion that applies that day, if any). The cancelled twin of such an
order copies its lines, the planted one too (as it copies every line). Planted units are returned
like every other unit (their category's return rate, the same delay), drawn here.

Draws. Everything is drawn from a stream of its own (``ctx.rng(STREAM)``) and only *appends*
lines: every draw of the core stream (orders, products, quantities, cancellations, returns,
sessions) is the one it would be without planting. Without ``B`` launched on the order's day,
nothing is planted.

Truth (:func:`pair_truth`). For an order on day ``d`` whose ``L`` line draws pick product ``j``
with probability ``p_j = pi_j(d)`` each, ``P(A in) = 1 - (1 - p_A)^L`` and
``P(A and not B) = (1 - p_B)^L - (1 - p_A - p_B)^L``; planting adds ``pi P(A and not B)`` to both
``P(B in)`` and ``P(A and B in)``. With ``L = min(1 + Poisson(EXTRA_LINES g), MAX_LINES)`` summed
out given the order's ``g``, and averaged over the completed orders (their days and ``g`` as
simulated), these give the true supports, confidence ``P(B | A)`` and lift
``P(A and B) / (P(A) P(B))`` of each planted rule, and the same without planting (``baseline_``:
below 1, because larger baskets hold more of everything).

Why both products of a pair are in one category. Planted units of ``B`` follow ``A``'s choice
probability, and when the category's prices (or a category promotion) move, ``A``'s probability
moves as the category's share does: the category's units keep the elasticity of the truth (to
first order; the planted units are a few per mille of them). A pair across categories would put
units that follow another category's prices into ``B``'s and dilute its elasticity (with the
default seed, a Sports -> Apparel pair moved Apparel's estimate from -2.11 to -2.08). The pairs
avoid the products of product-scoped promotions. The promotion truths leave the planted lines
out; the order value truth (``expected_order_value``) includes their expected value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ecomlib.datasets import core_orders as co

__all__ = ["PLANTED_PAIRS", "STREAM", "resolve_pairs", "plant_pairs", "pair_truth", "planted_order_value"]

STREAM = "core.pairs"  # name of the random stream (no simulator has this NAME)

#: The planted pairs (ours, not the book's): (antecedent, consequent, pi), each product named by
#: its category code and its popularity rank among the category's products launched before the
#: period (1 = most popular), so that every seed plants pairs of well-selling products; both of a
#: pair in one category (see the module docstring). With the default seed they add about 0.4 % to
#: the completed lines.
PLANTED_PAIRS = (
    (("HOM", 1), ("HOM", 6), 0.04),
    (("SPO", 1), ("SPO", 4), 0.05),
    (("BEA", 1), ("BEA", 6), 0.03),
    (("FOO", 1), ("FOO", 6), 0.02),
    (("APP", 2), ("APP", 7), 0.05),
)


def resolve_pairs(products: pd.DataFrame, start: pd.Timestamp, pairs=PLANTED_PAIRS) -> pd.DataFrame:
    """Return one row per planted pair: ``antecedent``, ``consequent`` (product ids), ``a``, ``b``
    (their rows in ``products``) and ``pi``.

    ``products`` needs the simulation columns ``code`` and ``weight``
    (:func:`ecomlib.datasets.core_catalog.make_products`).
    """
    old = products[products["launch_date"] < start]
    rank = old.groupby("code")["weight"].rank(method="first", ascending=False)
    pos = pd.Series(np.arange(len(products)), index=products.index)

    def row_of(code: str, k: int) -> int:
        hit = rank.index[(old["code"] == code).to_numpy() & (rank == k).to_numpy()]
        if len(hit) != 1:
            raise ValueError(f"no product of rank {k} in category {code} to plant a pair with")
        return int(pos[hit[0]])

    rows = [(row_of(*a), row_of(*b), float(p)) for a, b, p in pairs]
    ids = products["product_id"].to_numpy()
    out = pd.DataFrame(rows, columns=["a", "b", "pi"]).astype({"a": "int64", "b": "int64", "pi": "float64"})
    out.insert(0, "consequent", ids[out["b"].to_numpy()])
    out.insert(0, "antecedent", ids[out["a"].to_numpy()])
    if len(set(out["a"]) | set(out["b"])) != 2 * len(out):
        raise ValueError("planted pairs must not share products")
    return out.astype({"antecedent": "str", "consequent": "str"})


def plant_pairs(rng: np.random.Generator, orders: pd.DataFrame, lines: pd.DataFrame, choice: dict,
                pairs: pd.DataFrame) -> pd.DataFrame:
    """Return the planted lines (the columns of :func:`~ecomlib.datasets.core_orders.make_lines`).

    Parameters
    ----------
    rng : numpy.random.Generator
        The pairs' own stream.
    orders, lines : pandas.DataFrame
        Completed orders and their lines, before cancellations.
    choice : dict
        :func:`~ecomlib.datasets.core_catalog.choice_arrays` (prices by day and product).
    pairs : pandas.DataFrame
        :func:`resolve_pairs`.
    """
    day_of = np.floor(orders["t"].to_numpy()).astype(int)
    g_of = orders["g"].to_numpy()
    parts = []
    for _, pair in pairs.iterrows():  # a handful of pairs
        has_a = np.unique(lines.loc[lines["product"] == pair["a"], "order"].to_numpy())
        has_b = np.unique(lines.loc[lines["product"] == pair["b"], "order"].to_numpy())
        cand = np.setdiff1d(has_a, has_b)
        day = day_of[cand]
        cand = cand[choice["prob"][day, pair["b"]] > 0]  # B launched that day
        hit = cand[rng.random(len(cand)) < pair["pi"]]
        day = day_of[hit]
        qty = 1 + rng.poisson(co.EXTRA_UNITS * g_of[hit])
        b = int(pair["b"])
        parts.append(pd.DataFrame({
            "order": hit, "product": b, "quantity": qty.astype(np.int64),
            "unit_price": choice["price"][day, b], "list_price": choice["list_price"][day, b],
            "promo": choice["promo"][day, b],
        }))
    if not parts:
        return lines.iloc[:0].copy()
    return pd.concat(parts, ignore_index=True).sort_values(["order", "product"], kind="stable",
                                                           ignore_index=True)


def _line_pmf(g: np.ndarray) -> np.ndarray:
    """P(L = 1..MAX_LINES | g) for ``L = min(1 + Poisson(EXTRA_LINES g), MAX_LINES)``, orders x lines."""
    mu = co.EXTRA_LINES * np.asarray(g, dtype=float)[:, None]
    k = np.arange(co.MAX_LINES - 1)[None, :]
    pmf = stats.poisson.pmf(k, mu)
    last = 1 - pmf.sum(axis=1, keepdims=True)
    return np.hstack([pmf, np.maximum(last, 0.0)])


def _expect(pmf: np.ndarray, base: np.ndarray) -> np.ndarray:
    """E[base^L] per order, ``base`` one value per order."""
    powers = base[:, None] ** np.arange(1, co.MAX_LINES + 1)[None, :]
    return (pmf * powers).sum(axis=1)


def _pair_probabilities(orders: pd.DataFrame, choice: dict, pair: pd.Series):
    """Per completed order: P(A in), P(B in), P(A and B in) before planting, and the probability
    that a line of B is planted (``pi P(A and not B)``, 0 while B is not launched)."""
    day = np.floor(orders["t"].to_numpy()).astype(int)
    pmf = _line_pmf(orders["g"].to_numpy())
    pa, pb = choice["prob"][day, int(pair["a"])], choice["prob"][day, int(pair["b"])]
    not_a, not_b, neither = _expect(pmf, 1 - pa), _expect(pmf, 1 - pb), _expect(pmf, 1 - pa - pb)
    planted = pair["pi"] * (not_b - neither) * (pb > 0)
    return 1 - not_a, 1 - not_b, 1 - not_a - not_b + neither, planted


def pair_truth(orders: pd.DataFrame, choice: dict, pairs: pd.DataFrame) -> pd.DataFrame:
    """True supports, confidence and lift of each planted rule over the completed orders.

    Returns
    -------
    pandas.DataFrame
        ``antecedent``, ``consequent``, ``pi``, ``antecedent_support``, ``consequent_support``,
        ``support`` (shares of completed orders), ``confidence``, ``lift``, ``baseline_confidence``,
        ``baseline_lift`` (without planting) and ``expected_planted_lines`` (in completed orders).
    """
    rows = []
    for _, pair in pairs.iterrows():
        q_a, q_b, q_ab, added = _pair_probabilities(orders, choice, pair)
        s_a, s_b, s_ab = q_a.mean(), (q_b + added).mean(), (q_ab + added).mean()
        rows.append({
            "antecedent": pair["antecedent"], "consequent": pair["consequent"], "pi": float(pair["pi"]),
            "antecedent_support": s_a, "consequent_support": s_b, "support": s_ab,
            "confidence": s_ab / s_a, "lift": s_ab / (s_a * s_b),
            "baseline_confidence": q_ab.mean() / s_a, "baseline_lift": q_ab.mean() / (s_a * q_b.mean()),
            "expected_planted_lines": float(added.sum()),
        })
    cols = ["antecedent", "consequent", "pi", "antecedent_support", "consequent_support", "support",
            "confidence", "lift", "baseline_confidence", "baseline_lift", "expected_planted_lines"]
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({"antecedent": "str", "consequent": "str", **{c: "float64" for c in cols[2:]}})


def planted_order_value(orders: pd.DataFrame, choice: dict, pairs: pd.DataFrame) -> np.ndarray:
    """Expected value (CNY, before returns) the planted lines add to each completed order."""
    day = np.floor(orders["t"].to_numpy()).astype(int)
    units = 1 + co.EXTRA_UNITS * orders["g"].to_numpy()
    value = np.zeros(len(orders))
    for _, pair in pairs.iterrows():
        planted = _pair_probabilities(orders, choice, pair)[3]
        value += planted * units * choice["price"][day, int(pair["b"])]
    return value
