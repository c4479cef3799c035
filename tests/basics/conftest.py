"""Small synthetic shops for the chapter-2 tests (hand-checkable and fast)."""

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def tiny():
    """Two orders, four visitors: numbers small enough to check by hand.

    Order a: 1 x ¥10 + 2 x ¥20 = ¥50 (email, Jan); order b: 1 x ¥30 (social, Feb);
    order c is cancelled (¥99) and order a has a returned line (-1 x ¥20).
    Visitors: u1, u2 (email, Jan), u3, u4 (social, Feb), u1 again (social, Feb).
    """
    tx = pd.DataFrame(
        {
            "order_id": ["a", "a", "b", "c", "a"],
            "order_date": pd.to_datetime(
                ["2024-01-05", "2024-01-05", "2024-02-10", "2024-02-11", "2024-02-01"]
            ).astype("datetime64[us]"),
            "customer_id": ["c1", "c1", None, "c2", "c1"],
            "category": ["美妝 Beauty", "服飾 Apparel", "美妝 Beauty", "服飾 Apparel", "服飾 Apparel"],
            "product_id": ["p1", "p2", "p1", "p2", "p2"],
            "quantity": [1, 2, 1, 1, -1],
            "unit_price": [10.0, 20.0, 30.0, 99.0, 20.0],
            "revenue": [10.0, 40.0, 30.0, 99.0, -20.0],
            "channel": ["email", "email", "social", "social", "email"],
            "status": ["completed", "completed", "completed", "cancelled", "returned"],
        }
    )
    sessions = pd.DataFrame(
        {
            "session_id": ["s1", "s2", "s3", "s4", "s5", "s6"],
            "visitor_id": ["u1", "u2", "u3", "u4", "u1", "u1"],
            "date": pd.to_datetime(
                ["2024-01-05", "2024-01-06", "2024-02-10", "2024-02-12", "2024-02-13", "2024-01-07"]
            ).astype("datetime64[us]"),
            "channel": ["email", "email", "social", "social", "social", "email"],
        }
    )
    return tx, sessions


@pytest.fixture(scope="session")
def synthetic_shop():
    """Two years of a random but seeded shop: 6,000 orders, 60,000 sessions."""
    rng = np.random.default_rng(20240601)
    n_orders = 6000
    order_dates = pd.to_datetime("2023-01-01") + pd.to_timedelta(rng.integers(0, 731, n_orders), unit="D")
    channels = rng.choice(["search", "email", "social", "direct"], n_orders, p=[0.4, 0.2, 0.25, 0.15])
    lines = rng.integers(1, 4, n_orders)
    idx = np.repeat(np.arange(n_orders), lines)
    n = len(idx)
    qty = rng.integers(1, 3, n)
    price = rng.choice([19.9, 49.0, 99.0, 199.0], n)
    tx = pd.DataFrame(
        {
            "order_id": pd.array([f"O{i:05d}" for i in idx], dtype="str"),
            "order_date": order_dates[idx].astype("datetime64[us]"),
            "customer_id": pd.array(
                np.where(rng.random(n_orders) < 0.1, None, [f"C{k:04d}" for k in rng.integers(0, 2500, n_orders)])[idx],
                dtype="str",
            ),
            "category": pd.array(rng.choice(["美妝 Beauty", "服飾 Apparel", "家居 Home"], n), dtype="str"),
            "product_id": pd.array([f"P{k}" for k in rng.integers(0, 50, n)], dtype="str"),
            "quantity": qty,
            "unit_price": price,
            "revenue": qty * price,
            "channel": pd.array(channels[idx], dtype="str"),
            "status": pd.array(np.where(rng.random(n_orders) < 0.05, "cancelled", "completed")[idx], dtype="str"),
        }
    )
    n_s = 60000
    sessions = pd.DataFrame(
        {
            "session_id": pd.array([f"S{k:06d}" for k in range(n_s)], dtype="str"),
            "visitor_id": pd.array([f"V{k:05d}" for k in rng.integers(0, 30000, n_s)], dtype="str"),
            "date": (pd.to_datetime("2023-01-01") + pd.to_timedelta(rng.integers(0, 731, n_s), unit="D")).astype(
                "datetime64[us]"
            ),
            "channel": pd.array(rng.choice(["search", "email", "social", "direct"], n_s), dtype="str"),
        }
    )
    return tx, sessions
