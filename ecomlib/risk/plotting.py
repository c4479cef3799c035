"""Figures of the risk chapter. Each takes a computed result, draws on ``ax`` and returns it."""

from __future__ import annotations

import numpy as np

from ecomlib import viz
from ecomlib.errors import DataError

__all__ = [
    "plot_anomalies",
    "plot_change_points",
    "plot_control_chart",
    "plot_profit_distribution",
    "plot_risk_matrix",
    "plot_safety_stock",
    "plot_tornado",
]

_BAND_COLORS = {"low": "#B7E1CD", "medium": "#FCE8B2", "high": "#F6B26B", "critical": "#E06666"}


def plot_risk_matrix(result, *, ax=None, residual: bool = False):
    """5 x 5 heat map: cells coloured by rating band, numbers = how many risks sit there."""
    ax = viz.get_ax(ax, figsize=(6, 5))
    from matplotlib.colors import to_rgb

    reg = result.register
    lik = "residual_likelihood" if residual else "likelihood"
    imp = "residual_impact" if residual else "impact"
    counts = reg.groupby([lik, imp]).size()
    uppers = list(result.bands.values())
    names = list(result.bands)
    image = np.zeros((5, 5, 3))
    for i, likelihood in enumerate(range(5, 0, -1)):
        for j, impact in enumerate(range(1, 6)):
            band = names[int(np.searchsorted(uppers, likelihood * impact))]
            image[i, j] = to_rgb(_BAND_COLORS.get(band, viz.NEUTRAL))
            n = int(counts.get((likelihood, impact), 0))
            if n:
                ax.text(j, i, str(n), ha="center", va="center", fontsize=13)
    ax.imshow(image, aspect="equal")
    ax.set_xticks(range(5), [str(v) for v in range(1, 6)])
    ax.set_yticks(range(5), [str(v) for v in range(5, 0, -1)])
    ax.set_xlabel("impact 影響")
    ax.set_ylabel("likelihood 可能性")
    ax.grid(False)
    ax.set_title("Residual risk after responses" if residual else "Risk matrix 風險矩陣")
    return ax


def plot_profit_distribution(sim, *, ax=None, bins: int = 80):
    """Histogram of simulated profit with the mean, the loss line and the VaR cut-off."""
    ax = viz.get_ax(ax)
    profit = sim.profit
    lo, hi = np.percentile(profit, [0.1, 99.9])  # a long tail would squeeze the body of the histogram
    ax.hist(profit, bins=bins, range=(lo, hi), color="#0072B2", alpha=0.8, edgecolor="none")
    ax.axvline(0, color="black", lw=1)
    ax.axvline(profit.mean(), color=viz.NEUTRAL, ls="--", label=f"mean {viz.fmt_cny(profit.mean(), compact=True)}")
    ax.axvline(-sim.var, color="#D55E00", ls="-",
               label=f"{100 * (1 - sim.level):g}% worst cut-off {viz.fmt_cny(-sim.var, compact=True)}")
    ax.xaxis.set_major_formatter(viz.cny_formatter())
    ax.set_xlabel(f"profit ({viz.currency()})")
    ax.set_ylabel("scenarios")
    ax.set_title(f"Simulated profit · P(loss) = {viz.fmt_pct(sim.prob_loss)} (middle 99.8% of scenarios)")
    ax.legend()
    return ax


def plot_tornado(table, *, ax=None):
    """Tornado chart: profit range as each input moves between its low and high percentiles."""
    if table.empty:
        raise DataError("The tornado table is empty: every input of the simulation is a constant.")
    ax = viz.get_ax(ax)
    rows = table.iloc[::-1]
    base = float(table["base_profit"].iloc[0])
    y = np.arange(len(rows))
    ax.barh(y, rows["profit_high"] - base, left=base, color="#009E73", label="input at its 90th percentile")
    ax.barh(y, rows["profit_low"] - base, left=base, color="#D55E00", label="input at its 10th percentile")
    ax.axvline(base, color="black", lw=1)
    ax.set_yticks(y, rows["input"])
    ax.xaxis.set_major_formatter(viz.cny_formatter())
    ax.set_xlabel(f"profit ({viz.currency()})")
    ax.set_title("Which input moves profit most")
    ax.legend()
    return ax


def plot_control_chart(chart, *, ax=None, title: str | None = None):
    """The charted statistic over time with its centre line, limits and the signals marked."""
    ax = viz.get_ax(ax)
    t = chart.table
    x = t.index
    ax.plot(x, t["statistic"], color="#0072B2", lw=1)
    ax.plot(x, t["upper"], color="#D55E00", lw=1, ls="--", label="limits")
    if chart.kind != "cusum":
        ax.plot(x, t["lower"], color="#D55E00", lw=1, ls="--")
    ax.plot(x, t["centre"], color=viz.NEUTRAL, lw=1)
    sig = t[t["signal"]]
    ax.scatter(sig.index, sig["statistic"], color="#D55E00", zorder=3, s=18, label="signal")
    ax.set_title(title or f"{chart.kind.replace('_', ' ')} chart")
    ax.legend()
    return ax


def plot_anomalies(flags, kpi: str, *, ax=None, truth=None):
    """One KPI's daily values, its expected level (trend + weekly season) and the flagged days."""
    d = flags[flags["kpi"] == kpi]
    if d.empty:
        raise DataError(f"The anomaly table has no rows for KPI {kpi!r}; it has {sorted(flags['kpi'].unique())}.")
    ax = viz.get_ax(ax)
    ax.plot(d["date"], d["value"], color="#0072B2", lw=1, label=kpi)
    ax.plot(d["date"], d["expected"], color=viz.NEUTRAL, lw=1, label="expected")
    hit = d[d["flagged"]]
    ax.scatter(hit["date"], hit["value"], color="#D55E00", zorder=3, s=25, label="flagged")
    if truth is not None:
        known = truth[truth["kpi"] == kpi]
        for day in known["date"]:
            ax.axvline(day, color="#E69F00", lw=0.8, alpha=0.6)
    ax.set_title(f"{kpi}: flagged days")
    ax.legend()
    return ax


def plot_change_points(kpis, changes, kpi: str, *, date_col: str = "date", ax=None, truth=None):
    """One KPI's daily values with the levels between its change points (the table of
    :func:`ecomlib.risk.kpi_change_points`); blips in orange, known incidents as vertical lines."""
    if kpi not in kpis.columns:
        raise DataError(f"`kpis` has no column {kpi!r}.")
    d = kpis.sort_values(date_col)
    c = changes[changes["kpi"] == kpi].sort_values("date")
    ax = viz.get_ax(ax)
    ax.plot(d[date_col], d[kpi], color="#0072B2", lw=0.8, alpha=0.7, label=kpi)
    if len(c):
        steps_x = np.r_[d[date_col].iloc[0], c["date"].to_numpy(), d[date_col].iloc[-1]]
        steps_y = np.r_[c["level_before"].iloc[0], c["level_after"].to_numpy(), c["level_after"].iloc[-1]]
        ax.step(steps_x, steps_y, where="post", color="black", lw=1.2, label="level between changes")
        blips = c[c["kind"] == "blip"]
        ax.scatter(blips["date"], blips["level_after"], color="#D55E00", zorder=3, s=25, label="blip")
    if truth is not None:
        for day in truth.loc[truth["kpi"] == kpi, "date"]:
            ax.axvline(day, color="#E69F00", lw=0.8, alpha=0.6)
    ax.set_title(f"{kpi}: {len(c)} change points (weekly pattern removed before the search)")
    ax.legend()
    return ax


def plot_safety_stock(tradeoff, *, ax=None):
    """Safety stock and expected units short per cycle against the service level.

    ``tradeoff`` is a :class:`ecomlib.risk.ServiceLevelTradeoff` (the chosen level is marked) or
    the table of :func:`ecomlib.risk.service_level_curve`.
    """
    ax = viz.get_ax(ax)
    table = getattr(tradeoff, "curve", tradeoff)
    pct = table["service_level"] * 100
    ax.plot(pct, table["safety_stock"], color="#0072B2", label="safety stock (units)")
    ax.plot(pct, table["expected_short_per_cycle"], color="#D55E00", label="expected units short per cycle")
    chosen = getattr(tradeoff, "chosen", None)
    if chosen is not None:
        x = 100 * chosen["service_level"]
        ax.axvline(x, color=viz.NEUTRAL, ls="--")
        ax.scatter([x, x], [chosen["safety_stock"], chosen["expected_short_per_cycle"]], color="black", zorder=3)
        ax.set_title(f"{x:.1f}% service: safety stock {chosen['safety_stock']:,.0f} units, "
                     f"{chosen['expected_short_per_cycle']:.2f} short per cycle")
    ax.set_xlabel("cycle service level (%)")
    ax.set_ylabel("units")
    ax.legend()
    return ax
