"""Risk chapter benchmark (issues 9 and 16).

Targets, each a ratio to an anchor written plainly and measured in the same run:

* 1,000,000 Monte Carlo scenarios with five correlated inputs (``simulate_profit`` and its
  summary) against the same Gaussian copula in numpy and scipy.stats (correlated normals
  by Cholesky, the five inverse CDFs, profit, mean and 5 % quantile): at most 2x;
* control charts (I-MR, EWMA, CUSUM) and STL anomaly detection on 3 years of daily KPIs for
  20 series, against two plain statsmodels ``STL`` fits per series (what the detection
  runs) and pandas' rolling and ewm: at most 3x.

Prints measured against target (best of 3 runs) and exits non-zero on a miss.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import best_of, load_average, report  # noqa: E402

from ecomlib.risk import (  # noqa: E402
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

MONTE_CARLO_TARGET = 2.0  # x numpy + scipy.stats
MONITORING_TARGET = 3.0  # x statsmodels STL + pandas



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


def plain_monte_carlo():
    """The anchor: the same five inputs through a Gaussian copula, in numpy and scipy.stats."""
    from scipy import stats

    corr = np.eye(5)
    for (i, j), rho in {(0, 1): -0.5, (3, 2): 0.3, (0, 4): 0.2}.items():
        corr[i, j] = corr[j, i] = rho
    z = np.linalg.cholesky(corr) @ np.random.default_rng(1).standard_normal((5, 1_000_000))
    u = stats.norm.cdf(z)
    demand = stats.norm.ppf(u[0], 5_000, 1_200)
    price = stats.triang.ppf(u[1], (99 - 90) / (120 - 90), loc=90, scale=30)
    cost = stats.uniform.ppf(u[2], 40, 15)
    fx = stats.lognorm.ppf(u[3], 0.04, scale=7.1)
    fixed = stats.norm.ppf(u[4], 120_000, 15_000)
    profit = demand * (price - cost * fx / 7.1) - fixed
    return profit.mean(), np.quantile(profit, 0.05)


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


def plain_monitoring(kpis: pd.DataFrame):
    """The anchor: two STL fits per series (plain statsmodels), rolling and ewm in pandas."""
    from statsmodels.tsa.seasonal import STL

    for col in kpis.columns[1:]:
        series = pd.Series(kpis[col].to_numpy(), index=kpis["date"])
        first = STL(series, period=7).fit()
        STL(series - first.resid.clip(-first.resid.std(), first.resid.std()), period=7).fit()
        series.diff().abs().rolling(180).mean()
        series.ewm(alpha=0.2).mean()


def main() -> int:
    print(f"load average {load_average()}", flush=True)
    kpis = make_kpis()
    t_mc, t_mc_plain = best_of(monte_carlo), best_of(plain_monte_carlo)
    t_mon, t_mon_plain = best_of(lambda: monitoring(kpis)), best_of(lambda: plain_monitoring(kpis))
    ok = report("risk", "Monte Carlo, 1,000,000 scenarios x 5 correlated inputs", t_mc / t_mc_plain,
                MONTE_CARLO_TARGET, anchor="numpy + scipy", figure=f"{t_mc:.3f} s vs {t_mc_plain:.3f} s")
    ok &= report("risk", "I-MR + EWMA + CUSUM + STL anomalies, 20 KPIs x 1,095 days", t_mon / t_mon_plain,
                 MONITORING_TARGET, anchor="statsmodels STL", figure=f"{t_mon:.3f} s vs {t_mon_plain:.3f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
