"""Benchmark of the pricing chapter (issues 5 and 16).

Target: elasticity for every product of a 1,000,000-line transactions table (500 products,
two years, weekly periods, trend and seasonality controls), as a ratio to the same model
written the plain way and measured in the same run: weekly units and mean price per product
with pandas, then one statsmodels ``OLS`` of log units on log price, trend and two yearly
harmonics per product, with HC1 standard errors. Target: at most 1x (ecomlib fits all
products at once, so it should not be slower than the loop).

Prints measured vs target and exits non-zero on a miss. The table is simulated here
(seeded) and is not part of the timing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import load_average, report  # noqa: E402

from ecomlib.pricing import estimate_elasticity  # noqa: E402

N_LINES = 1_000_000
N_PRODUCTS = 500
TARGET_RATIO = 1.0  # x the plain per-product statsmodels loop
REPEATS = 3


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


def plain_elasticities(lines: pd.DataFrame) -> pd.Series:
    """The anchor: weekly aggregation in pandas, then one statsmodels OLS (HC1) per product."""
    import statsmodels.api as sm

    week = lines["order_date"].dt.to_period("W").dt.start_time
    weekly = (lines.assign(week=week, revenue=lines["quantity"] * lines["unit_price"])
              .groupby(["product_id", "week"], observed=True)
              .agg(units=("quantity", "sum"), revenue=("revenue", "sum")).reset_index())
    weekly["price"] = weekly["revenue"] / weekly["units"]
    first = weekly["week"].min()
    weekly["trend"] = (weekly["week"] - first).dt.days / 7
    angle = 2 * np.pi * weekly["week"].dt.day_of_year / 365.25
    for k in (1, 2):
        weekly[f"sin{k}"], weekly[f"cos{k}"] = np.sin(k * angle), np.cos(k * angle)
    out = {}
    for product, rows in weekly.groupby("product_id", observed=True):
        x = sm.add_constant(np.column_stack([np.log(rows["price"]), rows[["trend", "sin1", "cos1", "sin2", "cos2"]]]))
        out[product] = sm.OLS(np.log(rows["units"].to_numpy(float)), x).fit(cov_type="HC1").params[1]
    return pd.Series(out)


def best_time(func, *args):
    best, result = float("inf"), None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = func(*args)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    print(f"load average {load_average()}", flush=True)
    lines = make_lines()
    seconds, result = best_time(lambda: estimate_elasticity(lines, by="product_id", freq="W"))
    plain, slopes = best_time(plain_elasticities, lines)
    fitted = int(result.table["identifiable"].sum())
    print(f"{fitted} of {lines['product_id'].nunique()} products identifiable; the plain loop fitted {len(slopes)}")
    ok = report("pricing", f"estimate_elasticity, {len(lines):,} lines, {N_PRODUCTS} products, weekly",
                seconds / plain, TARGET_RATIO, anchor="statsmodels loop",
                figure=f"{seconds:.2f} s vs {plain:.2f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
