"""Risk chapter benchmark (issue 9).

Targets:
* 1,000,000 Monte Carlo scenarios with five correlated inputs: at most 1 s.
* Control charts (I-MR, EWMA, CUSUM) and STL anomaly detection on 3 years of daily KPIs for 20
  series: at most 2 s.

Prints measured against target (best of 3 runs) and exits non-zero on a miss.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from ecomlib.risk import (
    LogNormal,
    Normal,
    Triangular,
    Uniform,
    cusum_chart,
    detect_anomalies,
    ewma_chart,
    individuals_chart,
    simulate_profit,
)


def best_of(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def monte_carlo():
    simulate_profit(
        1_000_000,
        demand=Normal(5_000, 1_200),
        price=Triangular(90, 99, 120),
        unit_cost=Uniform(40, 55),
        fx=LogNormal.from_median(7.1, 0.04),
        fixed_costs=Normal(120_000, 15_000),
        correlation={("demand", "price"): -0.5, ("fx", "unit_cost"): 0.3, ("demand", "fixed_costs"): 0.2},
        seed=1,
    ).summary()


def make_kpis() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 3 * 365
    days = pd.date_range("2023-01-01", periods=n, freq="D", unit="us")
    week = np.tile([1.0, 0.9, 0.9, 1.0, 1.1, 1.4, 1.3], n // 7 + 1)[:n]
    cols = {f"kpi_{i:02d}": 1_000 * (1 + i) * week * rng.lognormal(0, 0.05, n) for i in range(20)}
    return pd.DataFrame({"date": days, **cols})


def monitoring(kpis: pd.DataFrame):
    for col in kpis.columns[1:]:
        individuals_chart(kpis[col], baseline=180)
        ewma_chart(kpis[col], baseline=180)
        cusum_chart(kpis[col], baseline=180)
    detect_anomalies(kpis)


def main() -> int:
    kpis = make_kpis()
    rows = [
        ("Monte Carlo, 1,000,000 scenarios x 5 correlated inputs", best_of(monte_carlo), 1.0),
        ("I-MR + EWMA + CUSUM + STL anomalies, 20 KPIs x 1,095 days", best_of(lambda: monitoring(kpis)), 2.0),
    ]
    failed = False
    print(f"{'benchmark':62s} {'measured':>10s} {'target':>8s}")
    for name, secs, target in rows:
        ok = secs <= target
        failed |= not ok
        print(f"{name:62s} {secs:9.3f}s {target:7.1f}s  {'ok' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
