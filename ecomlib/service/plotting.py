"""Figures of the service chapter. Each takes a result, accepts ``ax=None`` and returns the Axes;
none computes a model."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FuncFormatter

from ecomlib import viz

__all__ = ["plot_payouts", "plot_response_times", "plot_reasons_pareto", "plot_scale_scores",
           "plot_share_trend", "plot_staffing_curve", "plot_staffing_day"]


def plot_response_times(tickets, durations, *, sla_minutes: float | None = None, ax=None):
    """Empirical distribution of first-response minutes per channel (log scale), with the SLA line."""
    ax = viz.get_ax(ax)
    minutes = durations["response_minutes"]
    channels = tickets["channel"].astype("string").fillna("(none)") if "channel" in tickets else None
    groups = minutes.groupby(channels, sort=True) if channels is not None else [("all", minutes)]
    for name, values in groups:
        v = np.sort(values.dropna().to_numpy())
        v = np.maximum(v, 1 / 60)
        if len(v):
            ax.step(v, np.arange(1, len(v) + 1) / len(v), where="post", label=str(name),
                    color=viz.channel_color(name))
    if sla_minutes:
        ax.axvline(sla_minutes, color=viz.NEUTRAL, ls="--", lw=1, label=f"SLA {sla_minutes:g} min")
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(_plain_number))
    ax.set_xlabel("minutes to first response (log scale)")
    ax.set_ylabel("share of tickets answered")
    ax.yaxis.set_major_formatter(viz.percent_formatter())
    ax.set_title("First response times")
    ax.legend()
    return ax


def _plain_number(value, _pos=None) -> str:
    return f"{value:g}"


def plot_share_trend(table, *, time_col: str, share_col: str = "share", low_col: str = "low",
                     high_col: str = "high", target: float | None = None, ax=None, title: str = ""):
    """A share over time with its interval band (SLA attainment, CSAT, ...)."""
    ax = viz.get_ax(ax)
    t = table.sort_values(time_col)
    ax.fill_between(t[time_col], t[low_col], t[high_col], color="#0072B2", alpha=0.2, lw=0, label="95% interval")
    ax.plot(t[time_col], t[share_col], color="#0072B2", marker="o", ms=3, lw=1)
    if target is not None:
        ax.axhline(target, color="#D55E00", ls="--", lw=1, label="target")
    ax.yaxis.set_major_formatter(viz.percent_formatter())
    ax.set_title(title)
    ax.legend()
    return ax


def plot_reasons_pareto(pareto, *, ax=None):
    """Bars of tickets per reason, largest first, and the cumulative share line."""
    ax = viz.get_ax(ax)
    x = np.arange(len(pareto))
    colors = ["#0072B2" if v else viz.NEUTRAL for v in pareto["vital_few"]]
    ax.bar(x, pareto["tickets"], color=colors)
    ax.set_xticks(x, pareto["reason"], rotation=30, ha="right")
    ax.set_ylabel("tickets")
    ax2 = ax.twinx()
    ax2.plot(x, pareto["cumulative_share"], color="#D55E00", marker="o")
    ax2.set_ylim(0, 1.05)
    ax2.yaxis.set_major_formatter(viz.percent_formatter())
    ax2.grid(False)
    ax.set_title("Contact reasons (Pareto)")
    return ax


def plot_staffing_day(average_plan, peak_plan, *, ax=None):
    """Scheduled agents per time-of-day slot on an average day and on the peak day."""
    from matplotlib.ticker import MaxNLocator

    ax = viz.get_ax(ax)
    arrivals = ax.twinx()
    arrivals.grid(False)
    for plan, label, color in ((average_plan, "average day", "#0072B2"), (peak_plan, "peak day", "#D55E00")):
        t = plan.table
        ax.step(t.index / 60, t["scheduled"], where="post", label=f"agents, {label}", color=color, lw=2)
        arrivals.plot(t.index / 60, t["arrivals"], color=color, lw=1, ls=":", label=f"arrivals, {label}")
    top = max(average_plan.table["scheduled"].max(), peak_plan.table["scheduled"].max())
    ax.set_ylim(0, top + 1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    arrivals.set_ylim(0, None)
    arrivals.set_ylabel("contacts per interval (dotted)")
    ax.set_xlabel("hour of day")
    ax.set_ylabel("agents scheduled")
    ax.set_xlim(0, 24)
    ax.set_title("Agents to schedule per interval (Erlang C)")
    ax.legend()
    return ax


def plot_staffing_curve(curve, *, ax=None):
    """Service level and occupancy against the number of agents answering, with the target."""
    ax = viz.get_ax(ax)
    t = curve.table
    ax.plot(t["agents"], t["service_level"], marker="o", color="#0072B2", label="service level")
    ax.plot(t["agents"], t["occupancy"], marker="s", color=viz.NEUTRAL, label="occupancy")
    ax.axhline(curve.settings["target_service_level"], color="#D55E00", ls="--", lw=1, label="target")
    ax.axvline(curve.needed, color="#D55E00", lw=1, alpha=0.5)
    ax.set_xlabel("agents answering")
    ax.yaxis.set_major_formatter(viz.percent_formatter())
    ax.set_ylim(0, 1.02)
    ax.set_title(curve.headline())
    ax.legend()
    return ax


def plot_payouts(*sims, ax=None, bins: int = 60):
    """Histograms of the team's simulated bonus cost per period, one per plan."""
    ax = viz.get_ax(ax)
    colors = ["#0072B2", "#D55E00", "#009E73"]
    for sim, color in zip(sims, colors, strict=False):
        ax.hist(sim.totals, bins=bins, alpha=0.5, color=color, label=sim.settings["plan"])
        ax.axvline(np.percentile(sim.totals, 95), color=color, ls="--", lw=1)
    ax.xaxis.set_major_formatter(viz.cny_formatter())
    ax.set_xlabel("team bonus cost per period (dashed: 95th percentile)")
    ax.set_ylabel("simulated periods")
    ax.set_title(sims[0].headline() if len(sims) == 1 else "Bonus cost by plan")
    ax.legend()
    return ax


def plot_scale_scores(scores, *, group_col: str = "team", ax=None):
    """Mean scale score per group with its interval, one marker row per scale."""
    ax = viz.get_ax(ax)
    scales = list(dict.fromkeys(scores["scale"]))
    groups = list(dict.fromkeys(scores[group_col]))
    width = 0.8 / max(len(scales), 1)
    for i, scale in enumerate(scales):
        s = scores[scores["scale"] == scale].set_index(group_col).reindex(groups)
        x = np.arange(len(groups)) + (i - (len(scales) - 1) / 2) * width
        ax.errorbar(x, s["mean"], yerr=[s["mean"] - s["low"], s["high"] - s["mean"]], fmt="o", capsize=3,
                    label=f"{scale} (alpha {s['alpha'].iloc[0]:.2f})")
    ax.set_xticks(np.arange(len(groups)), groups)
    ax.set_ylim(1, 5)
    ax.set_ylabel("mean score (1-5)")
    ax.set_title("Survey scales by team, 95% intervals")
    ax.legend()
    return ax
