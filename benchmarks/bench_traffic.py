"""Benchmark of the traffic chapter (issue 7).

Targets:

* Markov and Shapley attribution on 1,000,000 touchpoints over 10 channels: at most 10 s
  (both models, one ``attribute`` call, journeys built once);
* a funnel on 5,000,000 sessions: at most 3 s.

The inputs are drawn with numpy (seeded): about 400,000 users with 1-5 touches each over 10
channels, 8 % converting journeys; 5,000,000 sessions whose furthest step follows the sample
shop's step rates. Each measurement is repeated three times and the best time kept (the
machine is shared, so single runs vary).

Run: ``python benchmarks/bench_traffic.py``. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from ecomlib.traffic import attribute, funnel

ATTRIBUTION_TARGET = 10.0
FUNNEL_TARGET = 3.0
REPEATS = 3


def make_touchpoints(n_rows: int = 1_000_000, n_channels: int = 10, seed: int = 0) -> pd.DataFrame:
    """About ``n_rows`` touchpoints: users with 1-5 touches, 8 % of journeys converting."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 6, size=n_rows // 2)
    lengths = lengths[: np.searchsorted(np.cumsum(lengths), n_rows) + 1]
    user = np.repeat(np.arange(len(lengths)), lengths)[:n_rows]
    converted = rng.random(len(lengths)) < 0.08
    channels = np.array([f"channel_{k}" for k in range(n_channels)])
    seconds = rng.integers(0, 90 * 86_400, size=len(user))
    return pd.DataFrame({
        "user_id": pd.array(np.char.add("U", user.astype(str)), dtype="str"),
        "timestamp": (np.datetime64("2024-01-01T00:00:00", "us")
                      + (seconds * 1_000_000).astype("timedelta64[us]")),
        "channel": pd.array(channels[rng.integers(0, n_channels, size=len(user))], dtype="str"),
        "converted": converted[user],
    })


def make_sessions(n_rows: int = 5_000_000, seed: int = 1) -> pd.DataFrame:
    """``n_rows`` sessions with their furthest step (view ... purchase)."""
    rng = np.random.default_rng(seed)
    steps = np.array(["view", "product", "cart", "checkout", "purchase"])
    rates = np.array([0.6, 0.4, 0.57, 0.73])
    depth = (rng.random((n_rows, 4)) < rates).cumprod(axis=1).sum(axis=1)
    return pd.DataFrame({"step": pd.array(steps[depth], dtype="str"),
                         "device": pd.array(np.array(["mobile", "desktop", "tablet"])[rng.integers(0, 3, n_rows)],
                                            dtype="str")})


def best_time(fn) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    tp = make_touchpoints()
    sessions = make_sessions()
    t_attr = best_time(lambda: attribute(tp, model=["markov", "shapley"]))
    t_funnel = best_time(lambda: funnel(sessions))
    t_funnel_by = best_time(lambda: funnel(sessions, by="device"))
    ok = True
    print(f"attribution (markov + shapley), {len(tp):,} touchpoints, 10 channels: "
          f"{t_attr:.2f} s (target <= {ATTRIBUTION_TARGET:g} s)")
    ok &= t_attr <= ATTRIBUTION_TARGET
    print(f"funnel, {len(sessions):,} sessions: {t_funnel:.2f} s (target <= {FUNNEL_TARGET:g} s)")
    ok &= t_funnel <= FUNNEL_TARGET
    print(f"funnel by device, {len(sessions):,} sessions: {t_funnel_by:.2f} s (no target; for reference)")
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
