"""The building blocks of the core simulator against hand computations and published formulas."""

import numpy as np
import pandas as pd
import pytest
from scipy.special import hyp2f1

from ecomlib.datasets import core_calendar as cal
from ecomlib.datasets import core_catalog, core_customers, core_orders, core_sessions

DAYS = pd.date_range("2024-01-01", "2025-12-31", freq="D", unit="us")


def test_intensity_multiplier_averages_one_per_calendar_year():
    plan = cal.promotion_plan(DAYS[0], DAYS[-1])
    raw, m = cal.intensity_multiplier(DAYS, plan)
    for year in (2024, 2025):
        assert m[DAYS.year == year].mean() == pytest.approx(1.0, abs=1e-12)
    # a festival day is (1 + incidence_boost) times the same day without that festival
    raw_without, _ = cal.intensity_multiplier(DAYS, plan, exclude="D11-24")
    day = DAYS.get_loc(pd.Timestamp("2024-11-11"))
    boost = plan.set_index("promo_id").loc["D11-24", "incidence_boost"]
    assert raw[day] / raw_without[day] == pytest.approx(1 + boost, rel=1e-12)


def test_promotion_plan_has_both_festivals_each_year():
    plan = cal.promotion_plan(DAYS[0], DAYS[-1])
    names = set(plan["promo_id"])
    assert {"F618-24", "D11-24", "F618-25", "D11-25"} <= names
    d11 = plan.set_index("promo_id").loc["D11-25"]
    assert d11["end"] == pd.Timestamp("2025-11-11") and d11["scope_type"] == "all"
    short = cal.promotion_plan(pd.Timestamp("2024-12-01"), pd.Timestamp("2025-02-28"))
    assert short.empty


def test_expected_lines_hand_cases_and_simulation():
    # g = 0: exactly one line; small cap: E[min(1 + X, 2)] = 1 + P(X > 0) = 2 - exp(-mu)
    assert core_orders.expected_lines([0.0]) == pytest.approx([1.0])
    mu = core_orders.EXTRA_LINES * 0.7
    capped = 1 + (1 - np.exp(-mu)) + (1 - np.exp(-mu) * (1 + mu))  # cap 3 by hand
    assert core_orders.MAX_LINES >= 3
    rng = np.random.default_rng(0)
    g = np.full(200_000, 0.7)
    drawn = core_orders._lines(rng, g)
    assert drawn.max() <= core_orders.MAX_LINES and drawn.min() >= 1
    assert drawn.mean() == pytest.approx(core_orders.expected_lines([0.7])[0], abs=4 * drawn.std() / np.sqrt(g.size))
    assert np.minimum(drawn, 3).mean() == pytest.approx(capped, abs=4 * drawn.std() / np.sqrt(g.size))


def test_expected_order_value_is_lines_times_units_times_line_price():
    choice = {"prob": np.array([[0.25, 0.75], [1.0, 0.0]]), "price": np.array([[100.0, 200.0], [80.0, 50.0]])}
    value = core_orders.expected_order_value([0.0, 0.0], [0, 1], choice)
    assert value == pytest.approx([175.0, 80.0])  # g = 0: one line of one unit
    g = 2.0
    lines = core_orders.expected_lines([g])[0]
    value = core_orders.expected_order_value([g], [0], choice)
    assert value == pytest.approx([lines * (1 + core_orders.EXTRA_UNITS * g) * 175.0])


def test_base_prices_give_each_category_its_spend_share():
    rng = np.random.default_rng(3)
    products = core_catalog.make_products(rng, DAYS[0], DAYS[-1])
    # undo the reduced popularity of products launched during the period
    late = products["launch_date"] > DAYS[0]
    weight = products["weight"] / np.where(late, core_catalog.NEW_PRODUCT_WEIGHT, 1.0)
    spend = (weight * products["list_price"]).groupby(products["category"]).sum()
    share = (spend / spend.sum()).reindex(cal.CATEGORIES["category"])
    assert share.to_numpy() == pytest.approx(cal.CATEGORIES["spend_share"].to_numpy(), rel=1e-9)


def test_choice_model_moves_category_units_with_its_elasticity():
    """Hand computation of the choice model for a category-wide price change: units per
    line do not depend on the product, so a category's units move with its choice share."""
    cats = cal.CATEGORIES
    products = pd.DataFrame({
        "product_id": [f"P{i}" for i in range(len(cats))],
        "category": cats["category"],
        "list_price": 1000.9,  # large prices, so rounding to .9 endings barely matters
        "launch_date": pd.Timestamp("2020-01-01"),
        "weight": cats["spend_share"],
    })
    days = DAYS[:2]
    index = np.ones((len(cats), 2))
    index[0, 1] = 1.5  # day 2: the first category's list prices rise 50%
    plan = cal.promotion_plan(DAYS[0], DAYS[-1]).iloc[:0]
    ch = core_catalog.choice_arrays(products, index, days, plan)
    units = ch["prob"]
    e, m = cats.loc[0, "elasticity"], cats.loc[0, "spend_share"]  # weights = shares: m = s here
    beta = e / (1 - m)
    expected_ratio = 1.5 ** beta / (m * 1.5 ** beta + 1 - m)
    assert units[1, 0] / units[0, 0] == pytest.approx(expected_ratio, rel=2e-3)
    # a small change: the local own-price elasticity is the category's elasticity
    index[0, 1] = 1.02
    ch = core_catalog.choice_arrays(products, index, days, plan)
    u = ch["prob"][:, 0]
    slope = np.log(u[1] / u[0]) / np.log(ch["price"][1, 0] / ch["price"][0, 0])
    assert slope == pytest.approx(e, abs=0.02)


def test_bgnbd_purchase_counts_match_the_expected_value_formula():
    """E[X(t)] of BG/NBD (Fader, Hardie & Lee 2005, eq. 9) for customers all acquired on day 0
    with a flat intensity: simulated mean repeat purchases within 4 standard errors."""
    n, weeks = 30_000, 52
    rng = np.random.default_rng(11)
    p = core_customers.BGNBD
    latent = pd.DataFrame({
        "lam": rng.gamma(p["r"], 1 / p["alpha"], n),
        "p_drop": rng.beta(p["a"], p["b"], n),
        "acquired_at": np.zeros(n),
    })
    flat = np.ones(7 * weeks)
    purchases = core_customers.purchase_times(rng, latent, flat)
    repeats = np.bincount(purchases.loc[purchases["repeat"] > 0, "cust"], minlength=n)
    r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
    t = weeks
    expected = (a + b - 1) / (a - 1) * (
        1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))
    assert repeats.mean() == pytest.approx(expected, abs=4 * repeats.std() / np.sqrt(n))
    # at most one purchase per customer and day
    day = np.floor(purchases["t"]).astype(int)
    assert not pd.DataFrame({"c": purchases["cust"], "d": day}).duplicated().any()


def test_step_rate_table_is_complete_and_valid():
    rates = core_sessions.step_rates()
    assert len(rates) == len(core_sessions.CHANNEL_FACTOR) * len(core_sessions.DEVICE_FACTOR) * 4
    assert ((rates["rate"] > 0) & (rates["rate"] <= 0.95)).all()
    assert set(rates["step"]) == set(core_sessions.STEPS[1:])


def test_device_shares_sum_to_one_per_channel():
    shares = core_orders.device_shares()
    assert np.allclose(shares.groupby("channel")["share"].sum(), 1.0)
