"""Incentive plans (book 8.3): Monte Carlo of a bonus plan against the distribution of the KPI it pays on.

Two plans, both paying per agent and period on a KPI ``x`` (for example tickets resolved per month):

* ``"linear"``: ``rate x max(x - threshold, 0)`` — pays each unit above the threshold;
* ``"threshold"``: ``rate x x`` once ``x >= threshold``, nothing below — a cliff at the threshold.

The cliff is what invites gaming (holding work back, or pushing the last units across at month end):
we measure it as the payout jump at the threshold and the share of agent-periods that land just
below it. The plans and measures are ours; see M. C. Jensen, "Paying people to lie", *European
Financial Management* 9, 2003, for the gaming argument.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_argument, check_positive

__all__ = ["PLANS", "IncentiveSimulation", "agent_kpi_sample", "assumed_kpi_sample", "payout", "simulate_incentive"]

PLANS = ("linear", "threshold")


def payout(kpi, threshold: float, rate: float, plan: str = "linear") -> np.ndarray:
    """Payout per agent-period (CNY) for KPI values ``kpi``.

    >>> payout([80, 100, 120], 100, 2.0, "linear").tolist()
    [0.0, 0.0, 40.0]
    >>> payout([80, 100, 120], 100, 2.0, "threshold").tolist()
    [0.0, 200.0, 240.0]
    """
    check_argument("plan", PLANS, plan)
    rate = check_positive("rate", rate, allow_zero=True)
    x = np.asarray(kpi, dtype=float)
    if plan == "linear":
        return rate * np.maximum(x - threshold, 0.0)
    return np.where(x >= threshold, rate * x, 0.0)


@dataclass(frozen=True)
class IncentiveSimulation:
    """Simulated cost of a plan.

    Attributes
    ----------
    totals : ndarray
        Total payout of the team per simulated period, CNY.
    paid_share : ndarray
        Share of agents paid in each simulated period.
    settings : dict
        Plan, threshold, rate, agents, simulations, seed.
    near_miss_share : float
        Share of agent-periods within ``band`` below the threshold (the ones a cliff tempts).
    jump : float
        Payout jump at the threshold, CNY per agent (0 for the linear plan).
    """

    totals: np.ndarray
    paid_share: np.ndarray
    settings: dict
    near_miss_share: float
    jump: float

    def cost_percentiles(self, q=(5, 50, 95)) -> pd.Series:
        """Team cost per period at the given percentiles, CNY."""
        return pd.Series(np.percentile(self.totals, q), index=[f"p{int(p)}" for p in q], name="cost")

    def headline(self) -> str:
        p = self.cost_percentiles()
        return (f"{self.settings['plan']} plan: cost p5 ¥{p['p5']:,.0f}, p50 ¥{p['p50']:,.0f}, "
                f"p95 ¥{p['p95']:,.0f}; {100 * self.paid_share.mean():.0f}% of agents paid")

    def summary(self) -> pd.DataFrame:
        p = self.cost_percentiles()
        out = {**self.settings, "cost_p5": p["p5"], "cost_p50": p["p50"], "cost_p95": p["p95"],
               "mean_cost": float(self.totals.mean()), "paid_share": float(self.paid_share.mean()),
               "near_miss_share": self.near_miss_share, "jump_at_threshold": self.jump}
        return pd.DataFrame({"value": pd.Series(out, dtype="object")}).rename_axis("statistic")


def simulate_incentive(kpi_sample, *, threshold: float, rate: float, plan: str = "linear",
                       agents: int = 20, simulations: int = 10_000, band: float = 0.05,
                       seed: int = 0) -> IncentiveSimulation:
    """Monte Carlo of a plan's team cost: each simulated period draws ``agents`` KPI values with
    replacement from ``kpi_sample`` (observed agent-period values, or draws from a model).

    Parameters
    ----------
    kpi_sample : array-like
        KPI values of past agent-periods (e.g. tickets resolved per agent and month).
    threshold, rate : float
        Plan settings (KPI units; CNY per KPI unit).
    plan : {"linear", "threshold"}
    agents : int
        Team size.
    simulations : int
        Simulated periods.
    band : float
        Width of the near-miss band below the threshold, as a share of the threshold.
    seed : int
        Seed of ``numpy.random.default_rng``.
    """
    check_argument("plan", PLANS, plan)
    x = np.asarray(kpi_sample, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) < 2:
        raise DataError("`kpi_sample` needs at least 2 finite KPI values.")
    if int(agents) < 1 or int(simulations) < 1:
        raise ParameterError("`agents` and `simulations` must be at least 1.")
    rng = np.random.default_rng(seed)
    draws = rng.choice(x, size=(int(simulations), int(agents)), replace=True)
    pay = payout(draws, threshold, rate, plan)
    near = float(np.mean((x < threshold) & (x >= threshold * (1 - band))))
    jump = float(rate * threshold) if plan == "threshold" else 0.0
    settings = {"plan": plan, "threshold": float(threshold), "rate": float(rate), "agents": int(agents),
                "simulations": int(simulations), "seed": int(seed)}
    return IncentiveSimulation(pay.sum(axis=1), (pay > 0).mean(axis=1), settings, near, jump)


def agent_kpi_sample(tickets: pd.DataFrame, *, agent_col: str = "agent_id") -> pd.Series:
    """Tickets resolved per agent and calendar month (the KPI of the bonus plans), one value per
    agent-month in which the agent resolved at least one ticket."""
    from ecomlib.validation import check_columns, check_frame

    df = check_frame(tickets, "tickets")
    check_columns(df, [agent_col, "resolved"], "tickets")
    done = df[df["resolved"].notna() & df[agent_col].notna()]
    if done.empty:
        raise DataError("No resolved ticket names an agent.")
    month = done["resolved"].dt.to_period("M")
    return done.groupby([done[agent_col], month]).size().rename("resolved_tickets")


def assumed_kpi_sample(mean: float, *, periods: int = 240, seed: int = 0) -> np.ndarray:
    """Agent-period KPI values drawn as Poisson(``mean``): a stand-in when the data has no tickets
    per agent (``mean`` e.g. monthly tickets per agent from the KPI cascade)."""
    mean = check_positive("mean", mean)
    return np.random.default_rng(seed).poisson(mean, int(periods)).astype(float)
