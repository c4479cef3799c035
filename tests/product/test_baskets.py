"""Association rules (issue 19): a hand-built 6-basket example, and mlxtend as an oracle."""

from fractions import Fraction as Fr

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, ParameterError
from ecomlib.product import association_rules, basket_matrix, frequent_itemsets

BASKETS = {
    1: ["bread", "milk"],
    2: ["bread", "diapers", "beer", "eggs"],
    3: ["milk", "diapers", "beer", "cola"],
    4: ["bread", "milk", "diapers", "beer"],
    5: ["bread", "milk", "diapers", "cola"],
    6: ["milk", "eggs"],
}


def _lines(baskets=BASKETS):
    rows = [(b, item) for b, items in baskets.items() for item in items]
    return pd.DataFrame(rows, columns=["order_id", "product_id"])


def test_six_baskets_by_hand():
    # counts: bread 4, milk 5, diapers 4, beer 3; pairs with >= 3 of 6 baskets:
    # bread+milk, bread+diapers, milk+diapers, beer+diapers (3 each); no triple reaches 3
    rules = association_rules(_lines(), min_support=0.5)
    got = {(r.antecedents, r.consequents): r for r in rules.itertuples()}
    # (antecedent, consequent): confidence, lift, leverage, conviction — by hand, as fractions
    inf = float("inf")
    expected = {
        (("beer",), ("diapers",)): (Fr(1), Fr(3, 2), Fr(1, 6), inf),
        (("diapers",), ("beer",)): (Fr(3, 4), Fr(3, 2), Fr(1, 6), Fr(2)),
        (("bread",), ("diapers",)): (Fr(3, 4), Fr(9, 8), Fr(1, 18), Fr(4, 3)),
        (("diapers",), ("bread",)): (Fr(3, 4), Fr(9, 8), Fr(1, 18), Fr(4, 3)),
        (("bread",), ("milk",)): (Fr(3, 4), Fr(9, 10), Fr(-1, 18), Fr(2, 3)),
        (("milk",), ("bread",)): (Fr(3, 5), Fr(9, 10), Fr(-1, 18), Fr(5, 6)),
        (("milk",), ("diapers",)): (Fr(3, 5), Fr(9, 10), Fr(-1, 18), Fr(5, 6)),
        (("diapers",), ("milk",)): (Fr(3, 4), Fr(9, 10), Fr(-1, 18), Fr(2, 3)),
    }
    assert set(got) == set(expected)
    for key, (conf, lift, lev, conv) in expected.items():
        r = got[key]
        assert r.n_baskets == 3 and r.support == pytest.approx(0.5)
        assert r.confidence == pytest.approx(float(conf))
        assert r.lift == pytest.approx(float(lift))
        assert r.leverage == pytest.approx(float(lev))
        assert r.conviction == pytest.approx(float(conv))
    # sorted by lift: the beer/diapers rules first
    assert set(rules["antecedents"].iloc[:2]) == {("beer",), ("diapers",)}
    # a confidence floor keeps only beer -> diapers
    strict = association_rules(_lines(), min_support=0.5, min_confidence=0.9)
    assert strict[["antecedents", "consequents"]].values.tolist() == [[("beer",), ("diapers",)]]


def test_six_baskets_triples_by_hand():
    rules = association_rules(_lines(), min_support=2 / 6, max_size=3)
    r = {(row["antecedents"], row["consequents"]): row for _, row in rules.iterrows()}
    # bread, milk, diapers together in baskets 4 and 5; bread+milk in 1, 4, 5
    row = r[(("bread", "milk"), ("diapers",))]
    assert row["n_baskets"] == 2
    assert row["confidence"] == pytest.approx(2 / 3)
    assert row["lift"] == pytest.approx((2 / 3) / (4 / 6))
    row = r[(("diapers",), ("beer", "bread"))]  # beer+bread in 2, 4; with diapers in 2, 4
    assert row["n_baskets"] == 2 and row["confidence"] == pytest.approx(2 / 4)
    items = frequent_itemsets(_lines(), min_support=2 / 6, max_size=3)
    triples = items.loc[items["size"] == 3, "itemsets"].tolist()
    # by hand: every triple in at least two baskets (2 and 4; 3 and 4; 4 and 5; 3 and 5)
    assert triples == [
        ("beer", "bread", "diapers"),
        ("beer", "diapers", "milk"),
        ("bread", "diapers", "milk"),
        ("cola", "diapers", "milk"),
    ]


def test_quantities_and_duplicate_lines_count_once():
    lines = pd.concat([_lines(), _lines().iloc[[0, 0, 3]]], ignore_index=True)
    bm = basket_matrix(lines)
    assert bm.matrix.max() == 1 and bm.n_baskets == 6
    pd.testing.assert_frame_equal(association_rules(lines, min_support=0.5), association_rules(_lines(), min_support=0.5))


def _random_baskets(seed, n=3_000, n_items=25):
    # independent purchases with a planted affinity: whoever buys 0 buys 1 with probability 0.6
    rng = np.random.default_rng(seed)
    base = rng.uniform(0.02, 0.25, n_items)
    X = rng.random((n, n_items)) < base
    X[:, 1] |= X[:, 0] & (rng.random(n) < 0.6)
    X[:, 5] |= X[:, 3] & X[:, 4] & (rng.random(n) < 0.5)
    X = X[X.any(axis=1)]
    return pd.DataFrame(X, columns=[f"P{j:02d}" for j in range(n_items)])


def _key(df):
    """'a,b->c' for each rule, items sorted (mlxtend gives frozensets, we give tuples)."""
    return pd.Index(
        [",".join(sorted(a)) + "->" + ",".join(sorted(c)) for a, c in zip(df["antecedents"], df["consequents"], strict=True)]
    )


def _to_lines(onehot):
    b, j = np.nonzero(onehot.to_numpy())
    return pd.DataFrame({"order_id": b, "product_id": onehot.columns.to_numpy()[j]})


@pytest.mark.parametrize("max_size", [2, 3])
def test_equals_mlxtend(max_size):
    mlx = pytest.importorskip("mlxtend.frequent_patterns")
    onehot = _random_baskets(19)
    ours = association_rules(_to_lines(onehot), min_support=0.01, max_size=max_size)
    freq = mlx.apriori(onehot, min_support=0.01, use_colnames=True, max_len=max_size)
    theirs = mlx.association_rules(freq, num_itemsets=len(onehot), metric="confidence", min_threshold=0.0)
    theirs = theirs[(theirs["antecedents"].map(len) + theirs["consequents"].map(len)) <= max_size]
    a = ours.set_index(_key(ours)).sort_index()
    b = theirs.set_index(_key(theirs)).sort_index()
    assert len(a) == len(b) > 100
    assert a.index.equals(b.index)
    cols = ["support", "antecedent support", "consequent support", "confidence", "lift", "leverage", "conviction"]
    ours_cols = [c.replace(" ", "_") for c in cols]
    np.testing.assert_allclose(a[ours_cols].to_numpy(), b[cols].to_numpy(dtype=float), rtol=1e-12)
    # the planted affinity is the top pair rule
    top = ours[ours["antecedents"].map(len) + ours["consequents"].map(len) == 2].iloc[0]
    assert {top["antecedents"][0], top["consequents"][0]} == {"P00", "P01"}


def test_bad_input():
    with pytest.raises(ParameterError, match="min_support"):
        association_rules(_lines(), min_support=0)
    with pytest.raises(ParameterError, match="max_size"):
        association_rules(_lines(), max_size=4)
    with pytest.raises(DataError, match="missing values"):
        basket_matrix(pd.DataFrame({"order_id": [1, None], "product_id": ["a", "b"]}))
    with pytest.raises(ParameterError, match="BasketMatrix"):
        association_rules([1, 2, 3])
    empty = association_rules(_lines(), min_support=1.0)
    assert empty.empty and list(empty.columns)[:2] == ["antecedents", "consequents"]
