"""Brand measures (issue 19): Bayesian-average ratings and the price premium, hand and numpy checks."""

from fractions import Fraction as Fr

import numpy as np
import pandas as pd
import pytest

from ecomlib.errors import DataError, NotIdentifiableError
from ecomlib.product import (
    bayesian_average,
    branded_traffic_share,
    price_premium,
    repeat_buyer_share,
)


def _reviews():
    rows = [("a", "K", 5)] + [("b", "K", r) for r in (5, 5, 5, 5, 5, 5, 4, 4)] + [("d", "K", 3)] * 4
    rows += [("c", "L", 3), ("c", "L", 3)]
    return pd.DataFrame(rows, columns=["product_id", "category", "rating"])


def test_bayesian_average_by_hand():
    out = bayesian_average(_reviews(), prior_weight=5)
    # category K: 13 reviews summing to 55; a = (5 * 55/13 + 5) / 6 = 340/78;
    # b = (5 * 55/13 + 38) / 13 = 769/169; d = (5 * 55/13 + 12) / 9
    k = Fr(55, 13)
    assert out.loc["a", "category_mean"] == pytest.approx(float(k))
    assert out.loc["a", "bayes_rating"] == pytest.approx(float((5 * k + 5) / 6))
    assert out.loc["b", "bayes_rating"] == pytest.approx(float(Fr(769, 169)))
    assert out.loc["d", "bayes_rating"] == pytest.approx(float((5 * k + 12) / 9))
    assert out.loc["c", "bayes_rating"] == pytest.approx(3.0)
    # b's eight reviews (mean 4.75) now rank above a's single five-star review
    assert out.index.tolist() == ["b", "a", "d", "c"] and out["rank"].tolist() == [1, 2, 3, 4]
    assert out.loc["b", "n_reviews"] == 8 and out.loc["b", "mean_rating"] == 4.75
    plain = bayesian_average(_reviews(), prior_weight=0)
    assert plain.index.tolist()[:2] == ["a", "b"]


def test_bayesian_average_limits():
    plain = bayesian_average(_reviews(), prior_weight=0)
    np.testing.assert_allclose(plain["bayes_rating"], plain["mean_rating"])
    tiny = bayesian_average(_reviews(), prior_weight=1e-9)
    np.testing.assert_allclose(tiny["bayes_rating"], tiny["mean_rating"], rtol=1e-8)
    huge = bayesian_average(_reviews(), prior_weight=1e12)
    np.testing.assert_allclose(huge["bayes_rating"], huge["category_mean"], rtol=1e-9)
    overall = bayesian_average(_reviews(), category=None, prior_weight=5)
    assert "category" not in overall.columns
    assert overall["category_mean"].unique().tolist() == pytest.approx([61 / 15])


def test_bayesian_average_rejects_products_in_two_categories():
    bad = pd.concat([_reviews(), pd.DataFrame({"product_id": ["a"], "category": ["L"], "rating": [1]})])
    with pytest.raises(DataError, match="more than one category"):
        bayesian_average(bad)


def _products(seed=None, n=300):
    rng = np.random.default_rng(0 if seed is None else seed)
    cat = rng.choice(["K", "L", "M"], n)
    rating = rng.uniform(3, 5, n).round(1)
    own = rng.random(n) < 0.3
    base = pd.Series(cat).map({"K": 3.0, "L": 4.0, "M": 5.0}).to_numpy()
    noise = 0.0 if seed is None else rng.normal(0, 0.2, n)
    log_price = base + 0.2 * rating + 0.3 * own + noise
    return pd.DataFrame(
        {"category": cat, "rating": rating, "label": np.where(own, "own", "other"), "price": np.exp(log_price)}
    )


def test_price_premium_exact_case():
    out = price_premium(_products(), group="label")
    assert out.index.tolist() == ["rating", "label=own"]
    assert out.loc["rating", "coef"] == pytest.approx(0.2, abs=1e-10)
    assert out.loc["label=own", "premium"] == pytest.approx(np.exp(0.3) - 1, abs=1e-10)
    assert out.attrs["n"] == 300


def test_price_premium_equals_numpy_within_category_regression():
    df = _products(seed=5)
    out = price_premium(df, group="label", baseline="other")
    # independent: category fixed effects by demeaning (Frisch-Waugh-Lovell), HC1 by hand
    y = np.log(df["price"].to_numpy())
    Z = np.column_stack([df["rating"], (df["label"] == "own").astype(float)])
    g = df["category"]
    yd = y - pd.Series(y).groupby(g).transform("mean").to_numpy()
    Zd = Z - pd.DataFrame(Z).groupby(g.to_numpy()).transform("mean").to_numpy()
    beta = np.linalg.lstsq(Zd, yd, rcond=None)[0]
    np.testing.assert_allclose(out["coef"].to_numpy(), beta, rtol=1e-10)
    D = pd.get_dummies(g, dtype=float).to_numpy()
    X = np.column_stack([Z, D])
    e = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
    n, k = X.shape
    bread = np.linalg.inv(X.T @ X)
    cov = bread @ (X.T * e**2) @ X @ bread * n / (n - k)
    np.testing.assert_allclose(out["se"].to_numpy(), np.sqrt(np.diag(cov))[:2], rtol=1e-8)
    # and the simulated truth (0.2 per rating point, 0.3 log points for own label) is inside
    assert (out["low"] <= [0.2, 0.3]).all() and ([0.2, 0.3] <= out["high"]).all()


def test_price_premium_not_identifiable():
    df = pd.DataFrame({"category": ["K", "K", "L"], "rating": [4.0, 4.0, 3.0], "price": [10.0, 12.0, 9.0]})
    with pytest.raises(NotIdentifiableError):
        price_premium(df)
    with pytest.raises(DataError, match="prices <= 0"):
        price_premium(df.assign(price=[0.0, 1.0, 2.0]))


def test_repeat_buyer_share_by_hand():
    tx = pd.DataFrame(
        {
            "customer_id": ["x", "y", "x", "z", "x", "y", "y"],
            "order_date": pd.to_datetime(
                ["2025-01-03", "2025-01-20", "2025-02-02", "2025-02-10", "2025-02-11", "2025-03-05", "2025-03-06"]
            ),
        }
    )
    out = repeat_buyer_share(tx, freq="M")
    # Jan: x, y new; Feb: x (repeat, counted once), z new; Mar: y repeat
    assert out["period"].dt.month.tolist() == [1, 2, 3]
    assert out["buyers"].tolist() == [2, 2, 1]
    assert out["repeat_buyers"].tolist() == [0, 1, 1]
    assert out["repeat_share"].tolist() == pytest.approx([0.0, 0.5, 1.0])


def test_branded_traffic_share_by_hand():
    sessions = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03", "2025-02-01"]),
            "channel": ["direct", "social", "brand_search", "social"],
        }
    )
    out = branded_traffic_share(sessions, branded=("direct", "brand_search"))
    assert out["sessions"].tolist() == [3, 1] and out["branded_sessions"].tolist() == [2, 0]
    assert out["branded_share"].tolist() == pytest.approx([2 / 3, 0.0])
    with pytest.raises(DataError, match="branded channels"):
        branded_traffic_share(sessions, branded="tv")
