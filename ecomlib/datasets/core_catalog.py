"""Products, list-price paths and the daily choice model of the core sample shop.

Demand model (the one the notebooks explain)
--------------------------------------------
An order first draws how many lines and units it holds (independent of prices, see
:mod:`ecomlib.datasets.core_orders`). Each line picks product ``j`` on day ``t`` with
probability

    pi_j(t) = w_j(t) * (price_j(t) / base_j) ** beta_c / sum_k (same for k),
    beta_c = e_c / (1 - m_c)

where ``w_j(t)`` is the product's popularity times promotion effects, ``e_c`` the
constant price elasticity of its category and ``m_c`` the category's share of the choice
weight at base prices (all products launched, no promotion).

Why this exponent. Units per line do not depend on the product, so the expected units of
category ``c`` on day ``t`` are ``U_t * M_c(t)``, with ``U_t`` the day's expected units and
``M_c = sum_{j in c} pi_j`` its choice share. Multiply every price of ``c`` by ``x``, other
prices fixed: ``M_c(x) = A x**beta_c / (A x**beta_c + R)`` (``A``: the category's weight,
``R``: everyone else's), so ``d log M_c / d log x = beta_c * (1 - M_c(x))``. At base prices
``M_c = m_c``, and ``beta_c = e_c / (1 - m_c)`` makes the category's own-price elasticity of
units exactly ``e_c`` there (away from base prices it drifts slowly with the share: ``e_c
(1 - M_c(x)) / (1 - m_c)``). A promotion's effect on units is then the ratio of choice
probabilities (times the festival's effect on the day's orders), the same expression the
promotion truths use.

Popularity within a category is lognormal; the category's choice weight is set so that
spend shares at base prices are the categories' ``spend_share`` ``s_c``: with ``P_c`` the
popularity-weighted mean base price of ``c``, ``m_c`` is proportional to ``s_c / P_c``
(cheap categories are chosen more often per unit of spend).

List prices move in steps: each category has a price index that changes every 5-10 weeks
by a random step (log-scale), so every category has many distinct price levels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.datasets.core_calendar import CATEGORIES

__all__ = ["make_products", "price_index_paths", "resolve_scopes", "choice_arrays", "choice_shares"]

PRICE_STEP_SD = 0.22  # sd of a log list-price step
PRICE_INDEX_LIMIT = 0.40  # |log index| is kept within this bound (mean reverting)
PRICE_STEP_WEEKS = (3, 8)  # weeks between list-price changes (uniform, upper exclusive)
LAUNCHED_DURING_SHARE = 0.05  # share of products launched during the period
NEW_PRODUCT_WEIGHT = 0.25  # their popularity relative to the others (small, so launches barely move category demand)


def make_products(rng: np.random.Generator, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Return the products table plus the simulation columns ``weight`` and ``code``."""
    cat = CATEGORIES.loc[CATEGORIES.index.repeat(CATEGORIES["n_products"])].reset_index(drop=True)
    n = len(cat)
    number = cat.groupby("category", sort=False).cumcount() + 1
    base = cat["median_price"].to_numpy() * np.exp(rng.normal(0, 0.35, n))
    list_price = np.round(base, 0) - 0.1  # prices end in .9
    unit_cost = np.round(list_price * cat["cost_ratio"].to_numpy() * np.exp(rng.normal(0, 0.08, n)), 2)
    weight = rng.lognormal(0, 0.8, n)
    # popularity sums to 1 within a category; the category's choice mass is proportional to
    # spend share / mean base price, so spend shares at base prices are the spend_share
    by_cat = pd.Series(weight).groupby(cat["category"].to_numpy())
    weight = weight / by_cat.transform("sum").to_numpy()
    mean_price = pd.Series(weight * list_price).groupby(cat["category"].to_numpy()).transform("sum").to_numpy()
    mass = cat["spend_share"].to_numpy() / mean_price
    n_per_cat = cat.groupby("category", sort=False)["category"].transform("size").to_numpy()
    weight = weight * mass / (mass / n_per_cat).sum()
    span = (end - start).days
    during = rng.random(n) < LAUNCHED_DURING_SHARE
    weight = np.where(during, NEW_PRODUCT_WEIGHT * weight, weight)
    offset = np.where(during, rng.integers(min(30, span // 2), max(span - 90, 31), n), -rng.integers(60, 1500, n))
    launch = start + pd.to_timedelta(offset, unit="D")
    codes = cat["code"].to_numpy()
    return pd.DataFrame(
        {
            "product_id": [f"{c}{k:03d}" for c, k in zip(codes, number, strict=True)],
            "product_name": [f"{noun} {k:02d}" for noun, k in zip(cat["noun"], number, strict=True)],
            "category": cat["category"].astype("str"),
            "unit_cost": unit_cost,
            "list_price": list_price,
            "launch_date": pd.DatetimeIndex(launch).astype("datetime64[us]"),
            "weight": weight,
            "code": codes,
        }
    ).astype({"product_id": "str", "product_name": "str", "code": "str"})


def price_index_paths(rng: np.random.Generator, days: pd.DatetimeIndex) -> np.ndarray:
    """Return the list-price index of every category on every day (category x day), base 1."""
    n_cat, n_days = len(CATEGORIES), len(days)
    lo, hi = PRICE_STEP_WEEKS
    max_steps = n_days // (7 * lo) + 2
    gaps = rng.integers(lo, hi, size=(n_cat, max_steps)) * 7
    first = rng.integers(0, 7 * lo, size=(n_cat, 1))
    change_days = first + np.cumsum(gaps, axis=1) - gaps[:, :1]
    steps = rng.normal(0, PRICE_STEP_SD, size=(n_cat, max_steps))
    # mean-reverting random walk of the log index, evaluated step by step (few steps)
    level = np.zeros((n_cat, max_steps))
    current = rng.normal(0, PRICE_STEP_SD, n_cat)
    for k in range(max_steps):
        current = np.clip(0.5 * current + steps[:, k], -PRICE_INDEX_LIMIT, PRICE_INDEX_LIMIT)
        level[:, k] = current
    day = np.arange(n_days)
    which = (day[None, None, :] >= change_days[:, :, None]).sum(axis=1) - 1  # cat x day
    log_index = np.where(which >= 0, np.take_along_axis(level, np.maximum(which, 0), axis=1), 0.0)
    return np.exp(log_index)


def resolve_scopes(plan: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    """Replace ``@CODE:n`` product scopes by the ``n`` most popular products of that category
    launched before the promotion; return the plan with a ``scope`` of product ids."""
    plan = plan.copy()
    for i, scope in plan["scope"].items():
        if not str(scope).startswith("@"):
            continue
        code, n = scope[1:].split(":")
        cand = products[(products["code"] == code) & (products["launch_date"] < plan.at[i, "start"])]
        top = cand.nlargest(int(n), "weight")["product_id"].sort_values()
        plan.at[i, "scope"] = ";".join(top)
    return plan


def in_scope(plan_row: pd.Series, products: pd.DataFrame) -> np.ndarray:
    """Boolean mask of the products a promotion applies to."""
    if plan_row["scope_type"] == "all":
        return np.ones(len(products), dtype=bool)
    names = str(plan_row["scope"]).split(";")
    col = "category" if plan_row["scope_type"] == "category" else "product_id"
    return products[col].isin(names).to_numpy()


def choice_arrays(products: pd.DataFrame, index: np.ndarray, days: pd.DatetimeIndex,
                  plan: pd.DataFrame, exclude: str | None = None) -> dict[str, np.ndarray]:
    """Daily choice probabilities and prices of every product (day x product).

    Returns ``prob`` (choice probability of a line), ``price`` (paid unit price),
    ``list_price`` (list price that day), ``promo`` (index into ``plan`` of the promotion
    whose discount applies, -1 for none). ``exclude`` leaves one promotion out entirely
    (its counterfactual).
    """
    cat_pos = pd.Categorical(products["category"], categories=CATEGORIES["category"]).codes
    elasticity = CATEGORIES["elasticity"].to_numpy()[cat_pos]
    list_price = np.round(products["list_price"].to_numpy()[None, :] * index[cat_pos].T, 0) - 0.1
    launched = days.values[:, None] >= products["launch_date"].to_numpy()[None, :]
    weight = np.where(launched, products["weight"].to_numpy()[None, :], 0.0)
    discount = np.zeros_like(list_price)
    promo = np.full(list_price.shape, -1)
    d = days.values[:, None]
    for i, row in plan.iterrows():
        if row["promo_id"] == exclude:
            continue
        scope = in_scope(row, products)[None, :]
        during = (d >= row["start"]) & (d <= row["end"])
        after = (d > row["end"]) & (d <= row["end"] + pd.Timedelta(weeks=int(row["post_weeks"])))
        on = during & scope
        discount = np.where(on, row["discount"], discount)
        promo = np.where(on, i, promo)
        if row["kind"] == "festival":
            continue  # festival timing effects act on purchase incidence, not on choice
        weight = weight * np.where(during & scope, 1 + row["choice_boost"], 1.0)
        weight = weight * np.where(after & scope, 1 - row["post_dip"], 1.0)
        same_cat = products["category"].isin(
            products.loc[in_scope(row, products), "category"].unique()).to_numpy()[None, :]
        weight = weight * np.where(during & same_cat & ~scope, 1 - row["cannibal"], 1.0)
        if row["halo_category"]:
            halo = (products["category"] == row["halo_category"]).to_numpy()[None, :]
            weight = weight * np.where(during & halo, 1 + row["halo"], 1.0)
    price = np.where(discount > 0, np.round(list_price * (1 - discount), 0) - 0.1, list_price)
    base = products["list_price"].to_numpy()[None, :]
    share = choice_shares(products).to_numpy()[cat_pos]
    exponent = elasticity / (1 - share)  # so that d log(units) / d log(price) = elasticity at base prices
    utility = weight * (price / base) ** exponent[None, :]
    prob = utility / utility.sum(axis=1, keepdims=True)
    return {"prob": prob, "price": price, "list_price": list_price, "promo": promo}


def choice_shares(products: pd.DataFrame) -> pd.Series:
    """Each category's share ``m_c`` of the choice weight at base prices (all products
    launched, no promotion), in the order of ``CATEGORIES``."""
    mass = products.groupby("category")["weight"].sum()
    return (mass / mass.sum()).reindex(CATEGORIES["category"].to_numpy())
