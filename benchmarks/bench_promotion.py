"""Promotion chapter benchmark (issue 6).

Target: the campaign table for 50 promotions on 1,000,000 transaction lines in at most 10 s
(aggregating the lines to day x product included). Lines and promotions are synthetic: 500
products in 10 categories over two years, 50 category or product promotions of 7-14 days.
Prints measured against target and exits non-zero on a miss.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from ecomlib.promotion import campaign_table, daily_sales

N_LINES, N_PRODUCTS, N_PROMOS, TARGET_S = 1_000_000, 500, 50, 10.0


def make_lines(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-01-01", "2025-12-31", freq="D", unit="us")
    product = rng.integers(0, N_PRODUCTS, N_LINES)
    category = product % 10
    price = 20 + (product % 37) * 3.0
    quantity = rng.integers(1, 4, N_LINES)
    tx = pd.DataFrame({
        "order_date": days[rng.integers(0, len(days), N_LINES)],
        "product_id": pd.Series(product).map(lambda p: f"P{p:04d}").astype("str"),
        "category": pd.Series(category).map(lambda c: f"cat{c}").astype("str"),
        "quantity": quantity,
        "revenue": quantity * price,
        "unit_cost": price * 0.6,
        "discount": 0.0,
        "status": "completed",
    })
    starts = days[rng.integers(120, len(days) - 40, N_PROMOS)]
    scope_is_cat = rng.random(N_PROMOS) < 0.5
    scopes = [f"cat{rng.integers(0, 10)}" if is_cat else ";".join(f"P{p:04d}" for p in rng.integers(0, N_PRODUCTS, 3))
              for is_cat in scope_is_cat]
    promos = pd.DataFrame({
        "promo_id": [f"PR{i:02d}" for i in range(N_PROMOS)], "name": [f"promo {i}" for i in range(N_PROMOS)],
        "start": starts, "end": starts + pd.to_timedelta(rng.integers(6, 14, N_PROMOS), unit="D"),
        "kind": "discount", "discount": 0.2, "scope_type": np.where(scope_is_cat, "category", "product"),
        "scope": scopes, "cost": 5_000.0,
    })
    return tx, promos


def main() -> int:
    tx, promos = make_lines()
    t0 = time.perf_counter()
    daily = daily_sales(tx)
    table = campaign_table(daily, promos)
    secs = time.perf_counter() - t0
    ok = secs <= TARGET_S
    print(f"{'benchmark':58s} {'measured':>9s} {'target':>8s}")
    print(f"{'campaign table, 50 promotions, 1,000,000 lines':58s} {secs:8.2f}s {TARGET_S:7.1f}s  "
          f"{'ok' if ok else 'MISSED'}  ({table['lift'].notna().sum()} estimated)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
