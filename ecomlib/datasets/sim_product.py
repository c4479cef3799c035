"""Product launches and reviews of the sample shop, with known truth (issue 19).

Runs after the core simulation and reads its ``products`` and ``transactions`` tables; adds new
tables only, and draws only from ``ctx.rng("product")``.

launches (one row per launch) and launch_sales (one row per launch and week)
    ``N_LAUNCHES`` new products, each in a category of the catalogue and launched on a Monday
    chosen at random so that at least ``MIN_WEEKS_OBSERVED`` weeks are observed before the end
    (all of the period's weeks when it is shorter).
    Each launch follows a Bass process with its own ``p``, ``q``, ``m``:
    ``p = P_MEDIAN * exp(N(0, LOG_SD))``, ``q = Q_MEDIAN * exp(N(0, LOG_SD))``,
    ``m = M_MEDIAN * exp(N(0, M_LOG_SD))``; units in launch week ``t`` (1, 2, ...) are
    Poisson with mean ``m (F(t) - F(t-1))`` (:func:`ecomlib.product.bass_adopters`).

reviews (one row per review)
    Every catalogue product has a true mean rating ``mu_j``: its category's level
    (``CATEGORY_RATING`` drawn once per category around 4.1) plus ``N(0, PRODUCT_RATING_SD)``.
    A rating is k = 1..5 with probability proportional to ``exp(-(k - mu_j)^2 / (2 s^2))``,
    ``s = RATING_SPREAD``; the truth is the exact expected rating ``sum_k k P(k)``. The number of
    reviews of a product is Poisson with mean ``REVIEW_RATE`` x its number of order lines; each
    review is dated 0-14 days after a random order line of that product (capped at the end), and
    ``verified`` is True with probability ``VERIFIED_SHARE``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.datasets.simulation import SimContext, SimResult
from ecomlib.product.diffusion import bass_adopters

NAME = "product"

N_LAUNCHES = 12
MIN_WEEKS_OBSERVED = 16
P_MEDIAN, Q_MEDIAN, LOG_SD = 0.02, 0.35, 0.25
M_MEDIAN, M_LOG_SD = 1500.0, 0.4
PRODUCT_RATING_SD = 0.3
RATING_SPREAD = 0.9
REVIEW_RATE = 0.05
VERIFIED_SHARE = 0.85

__all__ = ["NAME", "rating_probabilities", "simulate"]


def rating_probabilities(mu) -> np.ndarray:
    """Probabilities of ratings 1..5 (rows) for true levels ``mu`` (see the module docstring)."""
    k = np.arange(1, 6, dtype=float)
    w = np.exp(-((k[None, :] - np.asarray(mu, dtype=float)[:, None]) ** 2) / (2 * RATING_SPREAD**2))
    return w / w.sum(axis=1, keepdims=True)


def _launches(ctx: SimContext, rng: np.random.Generator, categories: np.ndarray):
    first_monday = ctx.start + pd.Timedelta(days=(7 - ctx.start.day_of_week) % 7)
    mondays = pd.date_range(first_monday, ctx.end, freq="7D", unit="us")
    # a short simulated period (60 days has 8 or 9 Mondays) launches everything in its first weeks
    last_ok = len(mondays) - min(MIN_WEEKS_OBSERVED, len(mondays))
    start_idx = np.sort(rng.integers(0, last_ok + 1, N_LAUNCHES))
    p = P_MEDIAN * np.exp(rng.normal(0, LOG_SD, N_LAUNCHES))
    q = Q_MEDIAN * np.exp(rng.normal(0, LOG_SD, N_LAUNCHES))
    m = M_MEDIAN * np.exp(rng.normal(0, M_LOG_SD, N_LAUNCHES))
    cat = rng.choice(categories, N_LAUNCHES)
    ids = [f"L{j + 1:03d}" for j in range(N_LAUNCHES)]
    launches = pd.DataFrame({
        "launch_id": ids,
        "product_id": [f"NEW{j + 1:03d}" for j in range(N_LAUNCHES)],
        "category": pd.Series(cat, dtype="str"),
        "launch_date": mondays[start_idx],
    }).astype({"launch_id": "str", "product_id": "str"})
    frames, truth = [], {}
    for j in range(N_LAUNCHES):
        weeks = len(mondays) - start_idx[j]
        units = rng.poisson(bass_adopters(weeks, p[j], q[j], m[j]))
        frames.append(pd.DataFrame({
            "launch_id": ids[j], "product_id": launches["product_id"].iloc[j],
            "week": mondays[start_idx[j]:], "week_number": np.arange(1, weeks + 1), "units": units,
        }))
        truth[ids[j]] = {"p": float(p[j]), "q": float(q[j]), "m": float(m[j]), "weeks_observed": int(weeks)}
    sales = pd.concat(frames, ignore_index=True).astype({"launch_id": "str", "product_id": "str"})
    return launches, sales, truth


def _reviews(ctx: SimContext, rng: np.random.Generator, products: pd.DataFrame, tx: pd.DataFrame):
    cats = np.sort(products["category"].unique())
    cat_level = dict(zip(cats, 4.1 + rng.normal(0, 0.2, len(cats)), strict=True))
    mu = products["category"].map(cat_level).to_numpy(dtype=float) + rng.normal(0, PRODUCT_RATING_SD, len(products))
    probs = rating_probabilities(mu)
    expected = probs @ np.arange(1, 6)
    lines = tx.loc[tx["product_id"].isin(products["product_id"]), ["product_id", "order_date"]]
    lines = lines.sort_values(["product_id", "order_date"], kind="mergesort")
    by_product = lines.groupby("product_id", sort=True)["order_date"]
    counts = by_product.size().reindex(products["product_id"], fill_value=0).to_numpy()
    n_reviews = rng.poisson(REVIEW_RATE * counts)
    rows = np.repeat(np.arange(len(products)), n_reviews)
    # a random order line of the product: an offset into its block of the lines, which are sorted
    # by product_id like ``products``
    block_start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    ordered = lines["order_date"].to_numpy()
    pick = block_start[rows] + (rng.random(len(rows)) * counts[rows]).astype(int)
    lag = pd.to_timedelta(rng.integers(0, 15, len(rows)), unit="D")
    date = pd.Series(ordered[pick]).dt.normalize() + lag
    date = date.where(date <= ctx.end, ctx.end).astype("datetime64[us]")
    u = rng.random(len(rows))
    rating = (u[:, None] > np.cumsum(probs[rows], axis=1)).sum(axis=1) + 1
    reviews = pd.DataFrame({
        "review_id": [f"V{k + 1:06d}" for k in range(len(rows))],
        "product_id": products["product_id"].to_numpy()[rows],
        "date": date.to_numpy(),
        "rating": rating.astype("int64"),
        "verified": rng.random(len(rows)) < VERIFIED_SHARE,
    }).astype({"review_id": "str", "product_id": "str"})
    reviews = reviews.sort_values(["date", "review_id"], kind="mergesort").reset_index(drop=True)
    truth = {pid: float(e) for pid, e in zip(products["product_id"], expected, strict=True)}
    return reviews, truth, {str(c): float(v) for c, v in cat_level.items()}


def simulate(ctx: SimContext) -> SimResult:
    """Simulate the ``launches``, ``launch_sales`` and ``reviews`` tables and their truth."""
    rng = ctx.rng(NAME)
    products = ctx.tables["products"].sort_values("product_id", kind="mergesort").reset_index(drop=True)
    tx = ctx.tables["transactions"]
    launches, sales, launch_truth = _launches(ctx, rng, np.sort(products["category"].unique()))
    reviews, rating_truth, cat_level = _reviews(ctx, rng, products, tx)
    truth = {
        "launch_bass": launch_truth,
        "review_true_rating": rating_truth,
        "review_category_level": cat_level,
    }
    truth_doc = {
        "launch_bass": "launch_id -> Bass p, q (per week), m (units) and weeks observed of each launch",
        "review_true_rating": "product_id -> the product's exact expected rating (stars, 1-5)",
        "review_category_level": "category -> level of its products' true ratings before "
        "product noise (stars)",
    }
    return SimResult(
        tables={"launches": launches, "launch_sales": sales, "reviews": reviews}, truth=truth, truth_doc=truth_doc
    )
