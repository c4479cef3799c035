"""A small synthetic shop with one promotion whose effects are known exactly."""

import numpy as np
import pandas as pd
import pytest


def make_promo_shop(lift=1.0, dip=0.3, cannibal=0.25, seed=0):
    """Two categories, 3 products; product A1 promoted 2025-03-03..09 (units x (1 + lift)),
    the 14 days after at (1 - dip), same-category A2 down by ``cannibal`` during the promotion."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-12-01", "2025-04-30", freq="D", unit="us")
    weekday = np.array([1.0, 0.9, 0.9, 1.0, 1.1, 1.3, 1.2])[days.day_of_week]
    start, end = pd.Timestamp("2025-03-03"), pd.Timestamp("2025-03-09")
    during = (days >= start) & (days <= end)
    post = (days > end) & (days <= end + pd.Timedelta(days=14))
    rows = []
    for pid, cat, base, price, cost in [("A1", "a", 40, 20.0, 10.0), ("A2", "a", 30, 15.0, 9.0),
                                        ("B1", "b", 50, 12.0, 6.0)]:
        mult = np.ones(len(days))
        if pid == "A1":
            mult[during] *= 1 + lift
            mult[post] *= 1 - dip
        if pid == "A2":
            mult[during] *= 1 - cannibal
        units = rng.poisson(base * weekday * mult)
        paid = np.where(during & (pid == "A1"), price * 0.8, price)
        rows.append(pd.DataFrame({"order_date": days, "product_id": pid, "product_name": pid, "category": cat,
                                  "quantity": units, "unit_price": paid, "revenue": units * paid,
                                  "unit_cost": cost, "discount": units * (price - paid), "status": "completed"}))
    tx = pd.concat(rows, ignore_index=True)
    tx = tx[tx["quantity"] > 0].reset_index(drop=True)
    promos = pd.DataFrame({"promo_id": ["P1"], "name": ["A1 week"], "start": [start], "end": [end],
                           "kind": ["discount"], "discount": [0.2], "scope_type": ["product"], "scope": ["A1"],
                           "cost": [500.0]})
    return tx, promos


@pytest.fixture(scope="module")
def promo_shop():
    return make_promo_shop()
