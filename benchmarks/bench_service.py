"""Service chapter benchmark (issue 20).

Targets:
* Service metrics (percentiles with intervals by channel, SLA attainment by channel and day, FCR,
  reasons Pareto, CSAT by channel) on 2,000,000 tickets: at most 5 s.
* An Erlang C staffing plan over a year of 30-minute intervals (17,520): at most 2 s.

Prints measured against target (best of 3 runs) and exits non-zero on a miss.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from ecomlib.service import (
    csat_summary,
    first_contact_resolution,
    reasons_pareto,
    sla_attainment,
    staffing_plan,
    time_percentiles,
)


def best_of(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def make_tickets(n: int = 2_000_000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    created = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 730 * 86400, n), unit="s")
    response = pd.to_timedelta(np.round(60 * rng.lognormal(2, 1.2, n)), unit="s")
    resolved = response + pd.to_timedelta(np.round(3600 * rng.lognormal(1.5, 1, n)), unit="s")
    csat = np.where(rng.random(n) < 0.3, rng.integers(1, 6, n), np.nan)
    return pd.DataFrame({
        "channel": pd.Series(rng.choice(["chat", "email", "phone"], n)).astype("str"),
        "reason": pd.Series(rng.choice(["delivery", "return", "product", "payment", "account"], n)).astype("str"),
        "created": created.astype("datetime64[us]"),
        "first_response": (created + response).astype("datetime64[us]"),
        "resolved": (created + resolved).astype("datetime64[us]"),
        "contacts": rng.geometric(0.6, n),
        "csat": csat,
    })


def metrics(tk: pd.DataFrame):
    time_percentiles(tk, q=[0.5, 0.9], by="channel")
    sla_attainment(tk, 30, by="channel")
    sla_attainment(tk, 30, by="day")
    first_contact_resolution(tk, by="reason")
    reasons_pareto(tk)
    csat_summary(tk, by="channel")


def main() -> int:
    tk = make_tickets()
    arrivals = np.random.default_rng(1).poisson(120, 365 * 48)
    rows = [
        ("Service metrics on 2,000,000 tickets", best_of(lambda: metrics(tk)), 5.0),
        ("Erlang C plan, a year of 30-minute intervals", best_of(lambda: staffing_plan(arrivals, 6.0)), 2.0),
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
