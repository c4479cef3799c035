"""Fixtures of the engine tests: generated order lines with every rule's edge case, and helpers."""

import numpy as np
import pandas as pd
import pytest

from ecomlib.engine import engine_option


def make_lines(rows: int, seed: int = 0) -> pd.DataFrame:
    """``rows`` canonical order lines over 2024-2025, with the cases the rules must agree on.

    About 10 lines per customer; 5 % without a customer id, 3 % cancelled, 2 % returns
    (negative quantity and revenue), 1 % with a missing status (counts as completed), 0.5 %
    with a missing order id; several lines share a customer and a day.
    """
    rng = np.random.default_rng(seed)
    n_customers = max(rows // 10, 1)
    customer = pd.Series(rng.integers(0, n_customers, rows)).map("C{:06d}".format).astype("str")
    customer[rng.random(rows) < 0.05] = None
    seconds = rng.integers(0, 730 * 86_400, rows)
    quantity = rng.integers(1, 4, rows)
    returned = rng.random(rows) < 0.02
    quantity[returned] *= -1
    unit_price = rng.gamma(2.0, 50.0, rows).round(2)
    status = pd.Series(np.where(rng.random(rows) < 0.03, "cancelled", "completed"), dtype="str")
    status[returned] = "returned"
    status[rng.random(rows) < 0.01] = None
    order = pd.Series(rng.integers(0, rows // 2 + 1, rows)).map("O{:08d}".format).astype("str")
    order[rng.random(rows) < 0.005] = None
    categories = np.array(["Beauty", "Electronics", "Home", "Sports"])
    channels = np.array(["search", "social", "direct", "email"])
    return pd.DataFrame({
        "order_id": order,
        "order_date": (np.datetime64("2024-01-01T00:00:00", "us") + seconds * 1_000_000).astype("datetime64[us]"),
        "customer_id": customer,
        "product_id": pd.Series(rng.integers(0, 200, rows)).map("P{:04d}".format).astype("str"),
        "category": pd.Series(categories[rng.integers(0, 4, rows)], dtype="str"),
        "quantity": quantity,
        "unit_price": unit_price,
        "revenue": quantity * unit_price,
        "channel": pd.Series(channels[rng.integers(0, 4, rows)], dtype="str"),
        "status": status,
    })


def on_both(func, *args, **kwargs):
    """``func`` run on the pandas path and on the DuckDB path (same input): (pandas, duckdb)."""
    with engine_option("pandas"):
        expected = func(*args, **kwargs)
    with engine_option("duckdb"):
        got = func(*args, **kwargs)
    return expected, got


def assert_same(expected: pd.DataFrame, got: pd.DataFrame, money: bool = False) -> None:
    """Equal frames: exact for counts; sums to 1e-9 of the table's scale when ``money``."""
    if not money:
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        return
    scale = float(np.nanmax(np.abs(expected.select_dtypes("number").to_numpy(dtype=float)), initial=1.0))
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-9, atol=1e-9 * scale)


@pytest.fixture(scope="session")
def million_lines():
    """1,000,000 generated order lines (seed 17)."""
    return make_lines(1_000_000, seed=17)
