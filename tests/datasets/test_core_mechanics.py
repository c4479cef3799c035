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


def _rounding(budget, k, prices, n=40_000, seed=0):
    order = np.repeat(np.arange(n), k)
    price = np.tile(prices, n)
    qty = core_orders._round_budget(np.random.default_rng(seed), order, np.full(n, k),
                                    np.full(n, float(budget)), price)
    return qty.reshape(n, k)


def test_budget_rounding_hand_cases():
    # budget 300 for one line at 100: exactly 3 units, no randomness
    assert (_rounding(300, 1, [100.0], n=50) == 3).all()
    # budget 250 at 100: 2 or 3 units, 2.5 on average (se 0.5 / sqrt(n))
    q = _rounding(250, 1, [100.0])
    assert set(np.unique(q)) == {2, 3}
    assert q.mean() == pytest.approx(2.5, abs=4 * 0.5 / np.sqrt(q.size))


def test_budget_rounding_carries_the_remainder_to_the_next_line():
    # budget 300 over lines at 100 and 150 (150 each): the cheap line buys 1 or 2 units
    # (2 with probability 1/2); the leftover 50 or -50 moves to the 150 line, whose budget
    # is then 200 or 100 -> expected units 1 = 150 / 150, and the order spends 300 on average
    q = _rounding(300, 2, [100.0, 150.0])
    assert set(np.unique(q[:, 0])) == {1, 2}
    assert q[:, 0].mean() == pytest.approx(1.5, abs=0.02)
    assert q[:, 1].mean() == pytest.approx(1.0, abs=0.02)
    spend = q @ np.array([100.0, 150.0])
    assert spend.mean() == pytest.approx(300.0, abs=3.0)
    assert spend.min() >= 100.0 and spend.max() <= 400.0  # off by at most one line's rounding


def test_choice_model_moves_category_units_with_its_elasticity():
    """Hand computation of the choice model for a category-wide price change."""
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
    units = ch["prob"] / ch["price"]
    e, s = cats.loc[0, "elasticity"], cats.loc[0, "spend_share"]
    beta = (1 + e) / (1 - s)
    expected_ratio = 1.5 ** beta / (s * 1.5 ** beta + 1 - s) / 1.5
    assert units[1, 0] / units[0, 0] == pytest.approx(expected_ratio, rel=2e-3)
    # a small change: the local own-price elasticity is the category's elasticity
    index[0, 1] = 1.02
    ch = core_catalog.choice_arrays(products, index, days, plan)
    u = ch["prob"][:, 0] / ch["price"][:, 0]
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
