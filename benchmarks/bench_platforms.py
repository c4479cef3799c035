"""Platforms chapter benchmark (issue 21), as a ratio to a plain pandas anchor measured in the same run.

Per-platform P&L (:func:`ecomlib.platforms.platform_pnl`) and the customers' platform overlap
(:func:`ecomlib.platforms.platform_overlap`) on 5,000,000 generated order lines held in memory,
against the plain pandas group-bys that give the same raw sums and counts (revenue and cost sums,
distinct orders and customers per platform, the customer x platform pairs), without the checks,
the fee arithmetic or the combinations. Issue 21's absolute target (<= 5 s) is printed beside the
ratio. The same two calls then run on the DuckDB path (:mod:`ecomlib.engine.platforms`) on the same
lines held in an in-memory DuckDB table, built once outside the timing; their time is printed as a
ratio to the same pandas anchor, and against the same 5 s.

Run: ``python benchmarks/bench_platforms.py``. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import best_of, load_average, report  # noqa: E402

from ecomlib.platforms import platform_overlap, platform_pnl, read_fee_schedule  # noqa: E402

N_LINES = 5_000_000
#: ratio target: ours also validates, computes the fees and combines platforms per customer, but
#: counts distinct orders and customers with one bincount instead of group-by nunique (0.85x measured)
TARGET = 1.5
ABSOLUTE_S = 5.0
#: ratio target of the DuckDB path to the same pandas anchor: DuckDB's two distinct counts per platform
#: (orders, customers) take about 2 s of its 3.3 s on 2 busy cores; the pandas path counts with
#: bincounts (1.39x and 1.66x in two runs, 2026-12-07, load average 2.8-3.1)
DUCKDB_TARGET = 2.0


def make_lines(n: int = N_LINES) -> pd.DataFrame:
    """Order lines of 1.5 lines per order, 400,000 customers, five platforms, 5 % returns, 3 % cancelled."""
    rng = np.random.default_rng(0)
    fees = read_fee_schedule()
    orders = n * 2 // 3
    order = np.sort(rng.integers(0, orders, n))
    customer = rng.integers(0, 400_000, orders)[order]
    platform = fees["platform"].to_numpy()[rng.choice(5, orders, p=[0.3, 0.25, 0.2, 0.1, 0.15])][order]
    quantity = rng.integers(1, 4, n)
    price = np.round(rng.gamma(3, 40, n), 1)
    status = rng.choice(np.array(["completed", "returned", "cancelled"]), n, p=[0.92, 0.05, 0.03])
    quantity = np.where(status == "returned", -quantity, quantity)
    date = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 730 * 86400, orders)[order], unit="s")
    return pd.DataFrame({
        "order_id": order, "order_date": date.astype("datetime64[us]"), "customer_id": customer,
        "platform": pd.array(platform, dtype="str"), "quantity": quantity, "revenue": quantity * price,
        "unit_cost": np.round(price * 0.45, 2), "status": pd.array(status, dtype="str"),
    })


def ours(lines: pd.DataFrame, fees: pd.DataFrame) -> None:
    platform_pnl(lines, fees)
    platform_overlap(lines)


def plain(lines: pd.DataFrame) -> None:
    """The anchor: the raw sums and distinct counts per platform, and the customer x platform pairs."""
    sold = lines[lines["status"] != "cancelled"]
    sold.groupby("platform").agg(revenue=("revenue", "sum"), orders=("order_id", "nunique"),
                                 customers=("customer_id", "nunique"))
    (sold["quantity"] * sold["unit_cost"]).groupby(sold["platform"]).sum()
    sold.groupby(["customer_id", "platform"]).size()


def duckdb_table(lines: pd.DataFrame):
    """The lines as a table of an in-memory DuckDB (through ibis), built once outside the timing."""
    import ibis

    return ibis.duckdb.connect().create_table("lines", lines)


def main() -> int:
    print(f"load average: {load_average()}")
    lines = make_lines()
    fees = read_fee_schedule()
    t_ours, t_plain = best_of(lambda: ours(lines, fees)), best_of(lambda: plain(lines))
    ok = report("platforms", f"platform P&L + overlap on {N_LINES:,} order lines", t_ours / t_plain, TARGET,
                anchor="plain pandas group-bys",
                figure=f"{t_ours:.2f} s vs {t_plain:.2f} s; issue 21: <= {ABSOLUTE_S:g} s")
    table = duckdb_table(lines)
    t_duck = best_of(lambda: ours(table, fees))
    ok_duck = report("platforms", f"platform P&L + overlap on {N_LINES:,} order lines (DuckDB table)",
                     t_duck / t_plain, DUCKDB_TARGET, anchor="plain pandas group-bys",
                     figure=f"{t_duck:.2f} s vs {t_plain:.2f} s; issue 21: <= {ABSOLUTE_S:g} s")
    return 0 if ok and ok_duck and max(t_ours, t_duck) <= ABSOLUTE_S else 1


if __name__ == "__main__":
    sys.exit(main())
