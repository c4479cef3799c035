"""Service chapter benchmark (issue 20), as ratios to plain anchors measured in the same run.

* Service metrics (percentiles with intervals by channel, SLA attainment by channel and day, FCR,
  reasons Pareto, CSAT by channel) on 2,000,000 tickets, against the same figures without
  intervals in plain pandas (group-by quantiles, means and counts). Issue 20's absolute target
  (<= 5 s) is printed beside the ratio.
* An Erlang C staffing plan over a year of 30-minute intervals (17,520), against a brute-force
  numpy Erlang C over every interval and agent count 1..60 (issue 20: <= 2 s).

Run: ``python benchmarks/bench_service.py``. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import best_of, load_average, report  # noqa: E402

from ecomlib.service import (  # noqa: E402
    csat_summary,
    first_contact_resolution,
    reasons_pareto,
    sla_attainment,
    staffing_plan,
    time_percentiles,
)


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


#: ratio targets: our figures carry intervals and checks the plain anchors do not
METRICS_TARGET = 3.0
PLAN_TARGET = 1.0


def plain_metrics(tk: pd.DataFrame) -> None:
    """The anchor: the same figures without intervals, in plain pandas."""
    minutes = (tk["first_response"] - tk["created"]).dt.total_seconds() / 60
    minutes.groupby(tk["channel"]).quantile([0.5, 0.9])
    (minutes <= 30).groupby(tk["channel"]).mean()
    (minutes <= 30).groupby(tk["created"].dt.floor("D")).mean()
    (tk["contacts"] == 1).groupby(tk["reason"]).mean()
    tk["reason"].value_counts(normalize=True).cumsum()
    tk["csat"].groupby(tk["channel"]).agg(["mean", "count"])


def plain_erlang(arrivals: np.ndarray, handle: float = 6.0, interval: float = 30.0) -> None:
    """The anchor: Erlang C for every interval and 1..60 agents at once (numpy), then the first agent count
    reaching 80 % answered within a minute."""
    load = arrivals[:, None] * handle / interval
    n = np.arange(1, 61)[None, :]
    b = special.gammaincc(n + 1, load)  # P(N <= n) of a Poisson(load): the Erlang B building block
    pois = np.exp(n * np.log(np.maximum(load, 1e-300)) - load - special.gammaln(n + 1))
    erlang_b = pois / b
    c = np.where(n > load, erlang_b / (1 - (load / n) * (1 - erlang_b)), 1.0)
    sl = 1 - c * np.exp(-(n - load) * 1.0 / handle)
    np.argmax(sl >= 0.8, axis=1)


def main() -> int:
    print(f"load average: {load_average()}")
    tk = make_tickets()
    arrivals = np.random.default_rng(1).poisson(120, 365 * 48).astype(float)
    t_metrics, t_plain = best_of(lambda: metrics(tk)), best_of(lambda: plain_metrics(tk))
    t_plan, t_numpy = best_of(lambda: staffing_plan(arrivals, 6.0)), best_of(lambda: plain_erlang(arrivals))
    ok = report("service", "service metrics on 2,000,000 tickets", t_metrics / t_plain, METRICS_TARGET,
                anchor="plain pandas", figure=f"{t_metrics:.2f} s vs {t_plain:.2f} s; issue 20: <= 5 s")
    ok &= report("service", "Erlang C plan, a year of 30-minute intervals", t_plan / t_numpy, PLAN_TARGET,
                 anchor="brute-force numpy Erlang C", figure=f"{t_plan:.3f} s vs {t_numpy:.3f} s; issue 20: <= 2 s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
