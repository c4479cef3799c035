"""Promotion chapter benchmark (issues 6 and 16).

Target: the campaign table for 50 promotions on 1,000,000 transaction lines (aggregating the
lines to day x product included), as a ratio to a plain pandas version measured in the same
run: the same day x product aggregation, then for each promotion its scope's daily revenue
against a day-of-week mean of the 12 weeks before it. ecomlib does more (a fitted baseline
with trend and season, pull-forward, cannibalisation, margins), so the target is at most 6x.
Lines and promotions are synthetic: 500 products in 10 categories over two years, 50
category or product promotions of 7-14 days. Exits non-zero on a miss.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import load_average, report  # noqa: E402

from ecomlib.promotion import campaign_table, daily_sales  # noqa: E402

N_LINES, N_PRODUCTS, N_PROMOS = 1_000_000, 500, 50
TARGET_RATIO = 6.0  # x the plain pandas pre-period comparison
PRE_WEEKS = 12
REPEATS = 3


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


def plain_lifts(tx: pd.DataFrame, promos: pd.DataFrame) -> list[float]:
    """The anchor: day x product totals, then each promotion against its pre-period weekdays."""
    day = tx["order_date"].dt.floor("D")
    daily = (tx.assign(day=day, cost=tx["quantity"] * tx["unit_cost"])
             .groupby(["day", "product_id", "category"], observed=True)
             .agg(quantity=("quantity", "sum"), revenue=("revenue", "sum"), cost=("cost", "sum"))
             .reset_index())
    lifts = []
    for promo in promos.itertuples():
        column = "category" if promo.scope_type == "category" else "product_id"
        scoped = daily[daily[column].isin(promo.scope.split(";"))]
        revenue = scoped.groupby("day")["revenue"].sum()
        pre = revenue[(revenue.index >= promo.start - pd.Timedelta(weeks=PRE_WEEKS)) & (revenue.index < promo.start)]
        during = revenue[(revenue.index >= promo.start) & (revenue.index <= promo.end)]
        by_weekday = pre.groupby(pre.index.day_of_week).mean()
        baseline = by_weekday.reindex(during.index.day_of_week).to_numpy()
        lifts.append(float(during.sum() / baseline.sum() - 1))
    return lifts


def best_time(func):
    best, result = float("inf"), None
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> int:
    print(f"load average {load_average()}", flush=True)
    tx, promos = make_lines()
    secs, table = best_time(lambda: campaign_table(daily_sales(tx), promos))
    plain, lifts = best_time(lambda: plain_lifts(tx, promos))
    print(f"{table['lift'].notna().sum()} of {len(promos)} promotions estimated; plain version {len(lifts)}")
    ok = report("promotion", f"campaign table, {N_PROMOS} promotions, {N_LINES:,} lines", secs / plain,
                TARGET_RATIO, anchor="plain pandas", figure=f"{secs:.2f} s vs {plain:.2f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
