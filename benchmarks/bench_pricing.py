"""Benchmark of the pricing chapter (issue 5).

Target: elasticity for every product of a 1,000,000-line transactions table (500 products,
two years, weekly periods, trend and seasonality controls) in at most 5 s.

Prints measured vs target and exits non-zero on a miss. The table is simulated here
(seeded) and is not part of the timing.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from ecomlib.pricing import estimate_elasticity

N_LINES = 1_000_000
N_PRODUCTS = 500
TARGET_SECONDS = 5.0


def make_lines(seed: int = 0) -> pd.DataFrame:
    """1,000,000 order lines over 2024-2025; each product's price moves in weekly steps."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-01-01", "2025-12-31", freq="D")
    n_weeks = len(days) // 7 + 1
    base = np.exp(rng.normal(4.0, 0.6, N_PRODUCTS))
    steps = rng.normal(0, 0.05, (N_PRODUCTS, n_weeks)) * (rng.random((N_PRODUCTS, n_weeks)) < 0.2)
    price_path = base[:, None] * np.exp(np.cumsum(steps, axis=1))
    elasticity = rng.uniform(-3.0, -0.5, N_PRODUCTS)
    product = rng.integers(0, N_PRODUCTS, N_LINES)
    day = rng.integers(0, len(days), N_LINES)
    price = price_path[product, day // 7]
    mean_qty = 2.0 * (price / base[product]) ** elasticity[product]
    quantity = 1 + rng.poisson(mean_qty)
    return pd.DataFrame({
        "order_date": days[day].astype("datetime64[us]"),
        "product_id": pd.array([f"P{k:03d}" for k in range(N_PRODUCTS)], dtype="str")[product],
        "quantity": quantity,
        "unit_price": np.round(price, 2),
        "status": "completed",
    })


def main() -> int:
    lines = make_lines()
    start, cpu = time.perf_counter(), time.process_time()
    result = estimate_elasticity(lines, by="product_id", freq="W")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    fitted = int(result.table["identifiable"].sum())
    ok = seconds <= TARGET_SECONDS
    print(f"estimate_elasticity, {len(lines):,} lines, {lines['product_id'].nunique()} products, weekly: "
          f"{seconds:.2f} s wall, {cpu:.2f} s CPU (target <= {TARGET_SECONDS:.0f} s wall) "
          f"{'OK' if ok else 'MISS'}; "
          f"{fitted} products identifiable")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
