"""Benchmark of the traffic chapter (issues 7 and 16).

Targets, each a ratio to an anchor written plainly in pandas and measured in the same run:

* Markov and Shapley attribution on 1,000,000 touchpoints over 10 channels (both models,
  one ``attribute`` call, journeys built once), against building the journeys and counting
  the channel-to-channel transitions and each journey's channel set in pandas (the
  inputs both models start from): at most 1.5x;
* a funnel on 5,000,000 sessions, against ``value_counts`` of the furthest step and a
  reversed cumulative sum: at most 3x.

The inputs are drawn with numpy (seeded): about 400,000 users with 1-5 touches each over 10
channels, 8 % converting journeys; 5,000,000 sessions whose furthest step follows the sample
shop's step rates. Each measurement is repeated three times and the best time kept (the
machine is shared, so single runs vary).

Run: ``python benchmarks/bench_traffic.py``. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import load_average, report  # noqa: E402

from ecomlib.traffic import attribute, funnel  # noqa: E402

ATTRIBUTION_TARGET = 1.5  # x plain pandas journeys and transition counts
FUNNEL_TARGET = 3.0  # x value_counts
REPEATS = 3
STEPS = ["view", "product", "cart", "checkout", "purchase"]


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


def plain_journeys(tp: pd.DataFrame):
    """The anchor: journeys, transition counts and channel sets of converting journeys, in pandas."""
    ordered = tp.sort_values(["user_id", "timestamp"], kind="stable")
    start = ordered["user_id"].ne(ordered["user_id"].shift())
    previous = ordered["channel"].shift().where(~start, "(start)")
    transitions = pd.DataFrame({"from": previous, "to": ordered["channel"]}).value_counts()
    pairs = ordered.drop_duplicates(["user_id", "channel"])
    bits = pd.Series(np.left_shift(1, pd.Categorical(pairs["channel"]).codes.astype("int64")), index=pairs.index)
    channel_sets = bits.groupby(pairs["user_id"], sort=False).sum()  # one bit per channel
    converted = pairs.groupby("user_id", sort=False)["converted"].first()
    return transitions, channel_sets[converted.to_numpy()].value_counts()


def plain_funnel(sessions: pd.DataFrame) -> pd.Series:
    """The anchor: sessions reaching each step, from the furthest step of each session."""
    counts = sessions["step"].value_counts().reindex(STEPS, fill_value=0)
    return counts[::-1].cumsum()[::-1]


def best_time(fn) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    print(f"load average {load_average()}", flush=True)
    tp = make_touchpoints()
    sessions = make_sessions()
    t_attr = best_time(lambda: attribute(tp, model=["markov", "shapley"]))
    t_attr_plain = best_time(lambda: plain_journeys(tp))
    t_funnel = best_time(lambda: funnel(sessions))
    t_funnel_plain = best_time(lambda: plain_funnel(sessions))
    t_funnel_by = best_time(lambda: funnel(sessions, by="device"))
    ok = report("traffic", f"attribution (markov + shapley), {len(tp):,} touchpoints", t_attr / t_attr_plain,
                ATTRIBUTION_TARGET, anchor="plain journeys", figure=f"{t_attr:.2f} s vs {t_attr_plain:.2f} s")
    ok &= report("traffic", f"funnel, {len(sessions):,} sessions", t_funnel / t_funnel_plain, FUNNEL_TARGET,
                 anchor="value_counts", figure=f"{t_funnel:.2f} s vs {t_funnel_plain:.2f} s")
    print(f"funnel by device, {len(sessions):,} sessions: {t_funnel_by:.2f} s (no target; for reference)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
