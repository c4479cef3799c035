"""Figures for chapter 6 (traffic, conversion, experiments, attribution).

Each function takes a computed result, draws on ``ax`` (a new one when None) and returns
the Axes. Nothing here fits or estimates anything.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib import viz
from ecomlib.errors import DataError, ParameterError
from ecomlib.traffic.abtest import ABTestResult
from ecomlib.traffic.peeking import PeekingResult
from ecomlib.traffic.response import ResponseCurves
from ecomlib.traffic.scenarios import ExperimentPlan, FunnelWhatIf
from ecomlib.validation import check_argument, check_columns

__all__ = [
    "plot_ab_test",
    "plot_attribution",
    "plot_channel_performance",
    "plot_experiment_plan",
    "plot_funnel",
    "plot_funnel_comparison",
    "plot_funnel_what_if",
    "plot_peeking",
    "plot_response_curves",
]


def _require(obj, cls, param):
    if not isinstance(obj, cls):
        raise ParameterError(f"`{param}` must be a {cls.__name__}, but a {type(obj).__name__} was passed.")


def _frame(obj, columns, param):
    if not isinstance(obj, pd.DataFrame):
        raise ParameterError(f"`{param}` must be a DataFrame, but a {type(obj).__name__} was passed.")
    check_columns(obj, columns, param)


def plot_funnel(funnel_table: pd.DataFrame, *, ax=None):
    """Horizontal funnel: sessions reaching each step, labelled with step and overall conversion."""
    _frame(funnel_table, ["step", "reached", "step_conversion", "overall_conversion"], "funnel_table")
    if funnel_table["step"].duplicated().any():
        raise ParameterError("`funnel_table` must hold one funnel; use plot_funnel_comparison for segments.")
    ax = viz.get_ax(ax, figsize=(8, 4))
    y = np.arange(len(funnel_table))[::-1]
    reached = funnel_table["reached"].to_numpy(float)
    ax.barh(y, reached, color=viz.PALETTE[0], alpha=0.85)
    for yi, n, sc, oc in zip(y, reached, funnel_table["step_conversion"],
                             funnel_table["overall_conversion"], strict=True):
        ax.text(n, yi, f"  {viz.fmt_thousands(n)}  (step {viz.fmt_pct(sc)}, overall {viz.fmt_pct(oc, 2)})",
                va="center", fontsize=9)
    ax.set_yticks(y, funnel_table["step"].astype(str))
    ax.xaxis.set_major_formatter(viz.thousands_formatter())
    ax.set_xlim(0, reached.max() * 1.6)
    ax.set_xlabel("sessions reaching the step 到達該步驟的訪問數")
    return ax


def plot_funnel_comparison(funnel_table: pd.DataFrame, by: str, *, truth: pd.DataFrame | None = None,
                           ax=None):
    """Step conversion with Wilson intervals per segment (``funnel(..., by=by)``).

    ``truth`` (optional) has columns ``by``, ``step`` and ``rate``; drawn as black ticks.
    """
    _frame(funnel_table, [by, "step", "step_index", "step_conversion", "step_ci_low", "step_ci_high"],
           "funnel_table")
    ax = viz.get_ax(ax, figsize=(8, 4))
    data = funnel_table[funnel_table["step_index"] > 0]
    segments = list(pd.unique(data[by]))
    steps = list(pd.unique(data["step"]))
    width = 0.8 / max(len(segments), 1)
    palette = viz.channel_palette(segments) if by == "channel" else {
        s: viz.PALETTE[i % len(viz.PALETTE)] for i, s in enumerate(segments)}
    for i, seg in enumerate(segments):
        rows = data[data[by] == seg].set_index("step").reindex(steps)
        x = np.arange(len(steps)) + (i - (len(segments) - 1) / 2) * width
        rate = rows["step_conversion"].to_numpy(float)
        err = np.vstack([rate - rows["step_ci_low"].to_numpy(float),
                         rows["step_ci_high"].to_numpy(float) - rate])
        ax.bar(x, rate, width, color=palette[seg], label=str(seg), yerr=err, capsize=2)
        if truth is not None:
            t = truth[truth[by] == seg].set_index("step")["rate"].reindex(steps).to_numpy(float)
            ax.scatter(x, t, marker="_", s=120, color="black", zorder=3,
                       label="truth 真值" if i == 0 else None)
    ax.set_xticks(np.arange(len(steps)), steps)
    ax.yaxis.set_major_formatter(viz.percent_formatter())
    ax.set_ylabel("step conversion 步驟轉化率")
    ax.legend(fontsize=8, ncols=min(len(segments) + 1, 4))
    return ax


def plot_channel_performance(perf: pd.DataFrame, metric: str = "roas", *, ax=None):
    """Bars of one column of :func:`channel_performance` per channel (CAC with its interval).

    Raises :class:`~ecomlib.errors.DataError` when no channel has a value of ``metric`` (CAC
    without new customers, costs without a spend table).
    """
    _frame(perf, [metric], "perf")
    data = perf[metric].dropna().sort_values()
    if data.empty:
        raise DataError(f"No channel has a value of {metric!r} to plot.")
    ax = viz.get_ax(ax, figsize=(7, 3.5))
    colors = [viz.channel_color(c) for c in data.index]
    xerr = None
    if metric == "cac" and {"cac_low", "cac_high"} <= set(perf.columns):
        low = perf.loc[data.index, "cac_low"].to_numpy(float)
        high = perf.loc[data.index, "cac_high"].to_numpy(float)
        xerr = np.vstack([data.to_numpy() - low, high - data.to_numpy()])
    ax.barh(data.index.astype(str), data.to_numpy(), color=colors, xerr=xerr, capsize=3)
    money = metric in ("spend", "revenue", "aov", "cac", "cpc", "cac_low", "cac_high")
    rate = metric in ("ctr", "conversion")
    if money:
        ax.xaxis.set_major_formatter(viz.cny_formatter())
    elif rate:
        ax.xaxis.set_major_formatter(viz.percent_formatter(1))
    if metric == "roas":
        ax.axvline(1.0, color=viz.NEUTRAL, linestyle="--", linewidth=1)
    ax.set_xlabel(metric)
    return ax


def plot_response_curves(curves: ResponseCurves, *, channels=None, ax=None):
    """Daily points and fitted ``a · spend^b`` curves per channel; dots mark current spend."""
    _require(curves, ResponseCurves, "curves")
    ax = viz.get_ax(ax, figsize=(8, 4.5))
    names = list(curves.params.index) if channels is None else list(channels)
    for ch in names:
        color = viz.channel_color(ch)
        pts = curves.data[curves.data["channel"] == ch]
        ax.scatter(pts[curves.x], pts[curves.y], s=6, alpha=0.25, color=color)
        grid = np.linspace(max(pts[curves.x].min(), 1e-9), pts[curves.x].max() * 1.5, 100)
        b = curves.params.loc[ch, "b"]
        ax.plot(grid, curves.predict(ch, grid), color=color, label=f"{ch} (b = {b:.2f})")
        x0 = curves.params.loc[ch, "current_spend"]
        ax.scatter([x0], [curves.params.loc[ch, "current_outcome"]], color=color, edgecolor="black",
                   zorder=3, s=40)
    ax.xaxis.set_major_formatter(viz.cny_formatter())
    ax.set_xlabel(f"daily {curves.x} ({viz.currency()}) 每日投放")
    ax.set_ylabel(f"daily {curves.y}")
    ax.legend(fontsize=8)
    return ax


def plot_ab_test(result: ABTestResult, *, truth: float | None = None, ax=None):
    """Per-arm estimate and the lift with its interval; optional true lift as a dashed line."""
    _require(result, ABTestResult, "result")
    ax = viz.get_ax(ax, figsize=(7, 2.6))
    low, high = result.lift_ci
    color = viz.PALETTE[2] if result.significant else viz.NEUTRAL
    ax.errorbar([result.lift], [0], xerr=[[result.lift - low], [high - result.lift]], fmt="o",
                color=color, capsize=6, markersize=8, label="lift and interval 提升與區間")
    ax.axvline(0, color="black", linewidth=1)
    if truth is not None:
        ax.axvline(truth, color="tab:red", linestyle="--", label="true lift 真實提升")
    fmt = viz.percent_formatter(2) if result.kind == "proportion" else viz.cny_formatter(1, compact=False)
    ax.xaxis.set_major_formatter(fmt)
    ax.set_yticks([])
    ax.set_ylim(-1, 1.5)
    unit = "conversion" if result.kind == "proportion" else result.metric
    ax.set_xlabel(f"treatment − control, {unit} (p = {result.p_value:.2g})")
    ax.legend(fontsize=8, loc="upper left")
    return ax


def plot_experiment_plan(plan: ExperimentPlan, *, ax=None):
    """Smallest detectable lift by test duration; the plan's point marked."""
    _require(plan, ExperimentPlan, "plan")
    ax = viz.get_ax(ax, figsize=(7, 3.5))
    c = plan.curve
    ax.plot(c["days"], c["detectable_mde"], color=viz.PALETTE[0])
    ax.scatter([plan.days], [plan.mde], color="tab:red", zorder=3,
               label=f"plan: {plan.days} days, {viz.fmt_thousands(plan.n_per_arm)} users/arm")
    if c["days"].max() <= 366:  # week lines up to a year; beyond that they would fill the axes
        for week in range(7, int(c["days"].max()) + 1, 7):
            ax.axvline(week, color=viz.NEUTRAL, linewidth=0.5, alpha=0.5)
    ax.yaxis.set_major_formatter(viz.percent_formatter(2))
    ax.set_xlabel("test duration (days) 測試天數")
    ax.set_ylabel("detectable lift (abs.) 可檢出提升")
    ax.legend(fontsize=8)
    return ax


def plot_peeking(result: PeekingResult, *, sequential: bool = True, ax=None):
    """Share of A/A tests declared significant by day when peeking daily, with alpha as a
    reference line; with ``sequential`` also when each look is read against the group-sequential
    boundaries (the remedy)."""
    _require(result, PeekingResult, "result")
    ax = viz.get_ax(ax, figsize=(7, 3.5))
    rate = result.cumulative_rate
    ax.plot(rate.index, rate.to_numpy(), color="tab:red", label="stop at first p < α 偷看")
    if sequential:
        seq = result.sequential_cumulative_rate
        ax.plot(seq.index, seq.to_numpy(), color=viz.PALETTE[2],
                label="stop at the sequential boundary 序貫檢驗")
    ax.axhline(result.alpha, color="black", linestyle="--", label=f"nominal α = {result.alpha:g}")
    ax.scatter([result.days], [result.fixed_horizon_rate], color=viz.PALETTE[0], zorder=3,
               label="test once at the end 只在結束時檢驗")
    ax.yaxis.set_major_formatter(viz.percent_formatter())
    ax.set_xlabel("day of the test 測試天數")
    ax.set_ylabel("false positive rate 假陽性率")
    ax.legend(fontsize=8)
    return ax


def plot_attribution(table: pd.DataFrame, *, truth: pd.Series | None = None, value: str = "share",
                     ax=None):
    """Grouped bars: credit per channel (x) and model (colour); optional true share as ticks."""
    check_argument("value", ("share", "conversions"), value)
    _frame(table, ["model", "channel", value], "table")
    ax = viz.get_ax(ax, figsize=(9, 4))
    wide = table.pivot(index="channel", columns="model", values=value)
    models = list(pd.unique(table["model"]))
    wide = wide[models]
    width = 0.8 / len(models)
    x = np.arange(len(wide))
    for i, m in enumerate(models):
        ax.bar(x + (i - (len(models) - 1) / 2) * width, wide[m].to_numpy(), width,
               color=viz.PALETTE[i % len(viz.PALETTE)], label=m)
    if truth is not None:
        t = truth.reindex(wide.index).to_numpy(float)
        ax.scatter(x, t, marker="_", s=400, color="black", zorder=3, label="truth 真值")
    ax.set_xticks(x, wide.index.astype(str))
    if value == "share":
        ax.yaxis.set_major_formatter(viz.percent_formatter())
    ax.set_ylabel("share of conversions 轉化歸因佔比" if value == "share" else "conversions credited")
    ax.legend(fontsize=8, ncols=4)
    return ax


def plot_funnel_what_if(result: FunnelWhatIf, *, ax=None):
    """Change in sessions reaching each step in the scenario, relative to today."""
    _require(result, FunnelWhatIf, "result")
    ax = viz.get_ax(ax, figsize=(8, 3.5))
    t = result.table
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (t["reached_new"] / t["reached"] - 1).to_numpy(float)
    colors = [viz.PALETTE[0] if c >= 0 else "tab:red" for c in change]
    ax.bar(t["step"].astype(str), change, color=colors)
    ax.axhline(0, color="black", linewidth=1)
    ax.yaxis.set_major_formatter(viz.percent_formatter(1))
    ax.set_ylabel("change in sessions reaching the step")
    ax.set_title(f"{result.step} {viz.fmt_pct(result.rate_change, 1, signed=True)} (points): orders "
                 f"{viz.fmt_thousands(result.orders)} → {viz.fmt_thousands(result.orders_new)}, GMV "
                 f"{viz.fmt_cny(result.gmv, compact=True)} → {viz.fmt_cny(result.gmv_new, compact=True)}",
                 fontsize=10)
    return ax
