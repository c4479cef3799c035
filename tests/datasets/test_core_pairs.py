"""Planted product pairs of the core sample shop (issue 19): they only append lines, and their
truth (computed from the choice model) matches a brute-force draw of the simulator's own lines."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.datasets import core_orders, core_pairs
from ecomlib.datasets.store import make_store

SMALL = {"seed": 7, "n_customers": 2000, "start": "2024-01-01", "end": "2024-12-31"}


@pytest.fixture(scope="module")
def with_and_without():
    planted = make_store(**SMALL)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(core_pairs, "PLANTED_PAIRS", ())
        plain = make_store(**SMALL)
    return planted, plain


def test_planting_only_appends_lines(with_and_without):
    planted, plain = with_and_without
    pairs = planted.truth["basket_pairs"]
    assert len(pairs) == len(core_pairs.PLANTED_PAIRS) and plain.truth["basket_pairs"].empty
    # every line of the unplanted shop is in the planted one, unchanged (same order, product,
    # quantity, price, date, status ...): the core stream's draws are the same draws
    new, old = planted.transactions, plain.transactions
    both = new.merge(old, how="outer", indicator=True)
    assert (both["_merge"] == "right_only").sum() == 0
    extra = both[both["_merge"] == "left_only"].drop(columns="_merge")
    assert len(new) == len(old) + len(extra) and len(extra) > 0
    # the extra lines are consequents, in orders (or their cancelled twins, or returns) holding
    # the antecedent, and no more than a few per mille of the lines
    assert set(extra["product_id"]) <= set(pairs["consequent"])
    ante = dict(zip(pairs["consequent"], pairs["antecedent"], strict=True))
    holds = set(zip(old["order_id"], old["product_id"], strict=True))
    assert all((o, ante[p]) in holds for o, p in zip(extra["order_id"], extra["product_id"], strict=True))
    assert set(extra["status"]) <= {"completed", "cancelled", "returned"}
    sold = extra[extra["status"] == "completed"]
    assert len(sold) < 0.01 * (old["status"] == "completed").sum()
    # a planted line is never a second line of a product the order already holds
    assert not new.duplicated(["order_id", "product_id", "status"]).any()
    # tables that do not read the lines are untouched
    for name in ("products", "customers", "sessions", "promotions", "experiment", "touchpoints", "launches",
                 "launch_sales", "tickets", "partner_deliveries"):
        pd.testing.assert_frame_equal(getattr(planted, name), getattr(plain, name), obj=name)


def test_planted_count_is_near_its_expectation(with_and_without):
    planted, plain = with_and_without
    pairs = planted.truth["basket_pairs"]
    new = planted.transactions[planted.transactions["status"] == "completed"]
    old = plain.transactions[plain.transactions["status"] == "completed"]
    n_extra = len(new) - len(old)
    expected = pairs["expected_planted_lines"].sum()
    # Poisson-binomial count: within 3 standard deviations (sd <= sqrt(expected))
    assert abs(n_extra - expected) < 3 * np.sqrt(expected), (n_extra, expected)


def _choice(n_days=3, n_products=5, seed=0):
    rng = np.random.default_rng(seed)
    prob = rng.dirichlet(np.ones(n_products) * 2, size=n_days)
    prob[0, 4] = 0.0  # the consequent of the second pair is not launched on day 0
    prob = prob / prob.sum(axis=1, keepdims=True)
    price = rng.uniform(10, 50, (n_days, n_products))
    return {"prob": prob, "price": price, "list_price": price + 1, "promo": np.full((n_days, n_products), -1)}


def test_pair_truth_matches_a_brute_force_draw_of_the_simulators_lines():
    # the closed form (lines summed out given g, products iid by the day's choice probabilities)
    # against the simulator's own make_lines + plant_pairs on many orders
    rng = np.random.default_rng(1)
    n = 200_000
    choice = _choice()
    g = rng.gamma(3.5, 1 / 3.5, n)
    orders = pd.DataFrame({"t": rng.integers(0, 3, n) + rng.random(n), "g": g,
                           "lines": np.minimum(1 + rng.poisson(core_orders.EXTRA_LINES * g), core_orders.MAX_LINES)})
    pairs = pd.DataFrame({"antecedent": ["P0", "P2"], "consequent": ["P1", "P4"], "a": [0, 2], "b": [1, 4],
                          "pi": [0.3, 0.1]})
    truth = core_pairs.pair_truth(orders, choice, pairs).set_index("antecedent")
    lines = core_orders.make_lines(rng, orders, choice, pd.DataFrame(index=range(5)))
    planted = core_pairs.plant_pairs(rng, orders, lines, choice, pairs)
    all_lines = pd.concat([lines, planted])
    x = np.zeros((n, 5), dtype=bool)
    x[all_lines["order"], all_lines["product"]] = True
    for _, p in pairs.iterrows():
        t = truth.loc[p["antecedent"]]
        for col, got in [("antecedent_support", x[:, p["a"]].mean()), ("consequent_support", x[:, p["b"]].mean()),
                         ("support", (x[:, p["a"]] & x[:, p["b"]]).mean())]:
            se = np.sqrt(t[col] * (1 - t[col]) / n)
            assert abs(got - t[col]) < 4 * se, (p["antecedent"], col, got, t[col])
        conf = (x[:, p["a"]] & x[:, p["b"]]).sum() / x[:, p["a"]].sum()
        assert conf == pytest.approx(t["confidence"], rel=0.03)
        added = (planted["product"] == p["b"]).sum()
        assert abs(added - t["expected_planted_lines"]) < 4 * np.sqrt(t["expected_planted_lines"])
    # planting is what lifts the pair: above its baseline, and nothing planted on day 0 for P4
    assert (truth["lift"] > truth["baseline_lift"]).all()
    day0 = np.floor(orders["t"].to_numpy()[planted["order"]]) == 0
    assert not (day0 & (planted["product"] == 4).to_numpy()).any()
    # planted lines take the day's prices and the line-units rule (1 + Poisson)
    day = np.floor(orders["t"].to_numpy()[planted["order"]]).astype(int)
    assert np.allclose(planted["unit_price"], choice["price"][day, planted["product"]])
    assert (planted["quantity"] >= 1).all()


def test_zero_pi_plants_nothing_and_keeps_the_baseline():
    rng = np.random.default_rng(2)
    choice = _choice()
    orders = pd.DataFrame({"t": rng.random(1000) * 3, "g": np.ones(1000), "lines": np.full(1000, 3)})
    pairs = pd.DataFrame({"antecedent": ["P0"], "consequent": ["P1"], "a": [0], "b": [1], "pi": [0.0]})
    lines = core_orders.make_lines(rng, orders, choice, pd.DataFrame(index=range(5)))
    assert core_pairs.plant_pairs(rng, orders, lines, choice, pairs).empty
    t = core_pairs.pair_truth(orders, choice, pairs).iloc[0]
    assert t["lift"] == pytest.approx(t["baseline_lift"]) and t["expected_planted_lines"] == 0


def test_pairs_resolve_to_distinct_popular_products(with_and_without):
    planted, _ = with_and_without
    pairs = planted.truth["basket_pairs"]
    ids = list(pairs["antecedent"]) + list(pairs["consequent"])
    assert len(set(ids)) == len(ids) and set(ids) <= set(planted.products["product_id"])
    assert pairs["pi"].tolist() == [p for _, _, p in core_pairs.PLANTED_PAIRS]
