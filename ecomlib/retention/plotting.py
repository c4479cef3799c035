"""Figures for book section 6.3. Each function takes a computed result, draws on ``ax`` and returns it.

No function here fits or estimates anything: compute with :mod:`ecomlib.retention`, then plot.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib import viz
from ecomlib.errors import DataError, ParameterError
from ecomlib.retention.clv import BookCLV
from ecomlib.retention.holdout import HoldoutCheck
from ecomlib.retention.survival import SurvivalResult
from ecomlib.validation import check_columns, check_frame

__all__ = [
    "plot_actions",
    "plot_book_clv",
    "plot_clv_by_group",
    "plot_clv_comparison",
    "plot_cohort_heatmap",
    "plot_holdout",
    "plot_inter_purchase_times",
    "plot_parameter_recovery",
    "plot_repurchase_by_group",
    "plot_retention_curves",
    "plot_rfm_segments",
    "plot_survival",
]

ACTION_COLORS = {"Protect": "#009E73", "Win back": "#D55E00", "Nurture": "#56B4E9", "Let go": viz.NEUTRAL}


def _require(obj, cls, param):
    if not isinstance(obj, cls):
        raise ParameterError(f"`{param}` must be a {cls.__name__}, but a {type(obj).__name__} was passed.")


def plot_cohort_heatmap(table: pd.DataFrame, *, ax=None, max_periods: int | None = None):
    """Heat map of a :func:`~ecomlib.retention.cohort_table` (rates shown as percentages)."""
    check_frame(table, "table")
    shown = table if max_periods is None else table.iloc[:, : max_periods + 1]
    ax = viz.get_ax(ax, figsize=(10, max(3.0, 0.32 * len(shown) + 1)))
    values = shown.to_numpy(dtype=float)
    rate_like = np.nanmax(values) <= 1.5
    image = ax.imshow(values, aspect="auto", cmap="Blues", vmin=0,
                      vmax=np.nanquantile(values[:, 1:], 0.98) if rate_like and values.shape[1] > 1 else None)
    if values.size <= 400:
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                text = f"{v:.0%}" if rate_like else viz.fmt_thousands(v)
                ax.text(j, i, text, ha="center", va="center", fontsize=7,
                        color="white" if j == 0 else "black")
    ax.set_xticks(range(shown.shape[1]), [str(c) for c in shown.columns])
    ax.set_yticks(range(len(shown)), [str(i) for i in shown.index])
    ax.set_xlabel("periods since first purchase 首購後期數")
    ax.set_ylabel("cohort (first purchase) 首購同期群")
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    if rate_like:
        bar.ax.yaxis.set_major_formatter(viz.percent_formatter(0))
    ax.grid(False)
    return ax


def plot_retention_curves(table: pd.DataFrame, average: pd.DataFrame | None = None, *, ax=None):
    """One thin line per cohort of a normalised cohort table, and the weighted average in bold."""
    check_frame(table, "table")
    ax = viz.get_ax(ax, figsize=(8, 4.5))
    periods = np.asarray(table.columns, dtype=float)
    for _, row in table.iloc[:, 1:].iterrows():  # one line per cohort (a few dozen)
        ax.plot(periods[1:], row.to_numpy(dtype=float), color=viz.PALETTE[0], alpha=0.25, linewidth=1)
    if average is not None:
        check_columns(average, ["retention"], "average")
        avg = average.iloc[1:]
        ax.plot(avg.index, avg["retention"], color=viz.PALETTE[3], linewidth=2.5,
                label="average, weighted by cohort size 加權平均")
        ax.legend(loc="upper right")
    ax.set_xlabel("periods since first purchase 首購後期數")
    ax.set_ylabel("share of cohort buying 回購比例")
    ax.yaxis.set_major_formatter(viz.percent_formatter(1))
    ax.set_ylim(bottom=0)
    return ax


def plot_inter_purchase_times(gaps: pd.DataFrame, threshold: float | None = None, *, ax=None,
                              max_days: float | None = None):
    """Histogram of the days between purchases, with the chosen churn threshold.

    ``gaps`` is the output of :func:`~ecomlib.retention.inter_purchase_times` or its counted
    form :func:`~ecomlib.retention.gap_distribution` (the same figure).
    """
    from ecomlib.retention.churn import _gap_values, gap_quantile

    check_frame(gaps, "gaps")
    check_columns(gaps, ["gap_days"], "gaps")
    days, counts = _gap_values(gaps)
    if len(days) == 0:
        raise DataError("`gaps` is empty: no customer made a second purchase, so there are no "
                        "inter-purchase times to plot.")
    ax = viz.get_ax(ax, figsize=(8, 4))
    upper = max_days if max_days is not None else gap_quantile(gaps, 0.99)
    shown = days <= upper
    ax.hist(days[shown], bins=50, weights=None if counts is None else counts[shown],
            color=viz.PALETTE[0], alpha=0.8)
    if threshold is not None:
        share = float((days <= threshold).mean()) if counts is None else float(
            counts[days <= threshold].sum() / counts.sum())
        ax.axvline(threshold, color=viz.PALETTE[3], linewidth=2)
        ax.text(threshold, ax.get_ylim()[1] * 0.9, f"  churn threshold {threshold:.0f} d\n  ({share:.0%} of gaps shorter)",
                color=viz.PALETTE[3], va="top")
    ax.set_xlabel("days between purchases 回購間隔（天）")
    ax.set_ylabel("repeat purchases 回購次數")
    return ax


def plot_survival(result: SurvivalResult, *, ax=None, bands: bool = True):
    """Kaplan-Meier curves of time to churn per group, with the log-rank p-value."""
    _require(result, SurvivalResult, "result")
    ax = viz.get_ax(ax, figsize=(8, 4.5))
    for name, curve in result.curves.groupby("group", sort=True):  # a handful of groups
        color = viz.channel_color(name)
        ax.step(curve["time"], curve["survival"], where="post", color=color, label=str(name))
        if bands:
            ax.fill_between(curve["time"], curve["lower"], curve["upper"], step="post", color=color, alpha=0.12)
    if np.isfinite(result.p_value):
        ax.set_title(f"log-rank chi2 = {result.chi2:.1f} (df {result.df}), p = {result.p_value:.2g}")
    ax.set_xlabel("days since first purchase 首購後天數")
    ax.set_ylabel("share not yet lost 未流失比例")
    ax.yaxis.set_major_formatter(viz.percent_formatter(0))
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower left", fontsize=8)
    return ax


def plot_rfm_segments(segments: pd.DataFrame, *, ax=None, value_col: str = "monetary"):
    """Customers and share of revenue per RFM segment (from :func:`~ecomlib.retention.rfm_segments`)."""
    check_frame(segments, "segments")
    check_columns(segments, ["segment", value_col], "segments")
    ax = viz.get_ax(ax, figsize=(8, 4.5))
    grouped = segments.groupby("segment")
    table = pd.DataFrame({"customers": grouped.size() / len(segments),
                          "revenue": grouped[value_col].sum() / segments[value_col].sum()})
    table = table.sort_values("revenue")
    y = np.arange(len(table))
    ax.barh(y - 0.2, table["customers"], height=0.4, color=viz.PALETTE[5], label="share of customers 客戶占比")
    ax.barh(y + 0.2, table["revenue"], height=0.4, color=viz.PALETTE[0], label="share of revenue 營收占比")
    ax.set_yticks(y, table.index)
    ax.xaxis.set_major_formatter(viz.percent_formatter(0))
    ax.legend(loc="lower right")
    return ax


def plot_holdout(check: HoldoutCheck, *, ax=None):
    """Mean holdout purchases, actual against predicted, by calibration repeat purchases."""
    _require(check, HoldoutCheck, "check")
    ax = viz.get_ax(ax, figsize=(7, 4.5))
    table = check.table
    labels = [str(i) for i in table.index[:-1]] + [f"{table.index[-1]}+"]
    x = np.arange(len(table))
    ax.plot(x, table["actual"], marker="o", color=viz.PALETTE[0], label="actual 實際")
    ax.plot(x, table["predicted"], marker="s", linestyle="--", color=viz.PALETTE[3], label="BG/NBD predicted 預測")
    ax.set_xticks(x, labels)
    ax.set_xlabel("repeat purchases in calibration 校準期回購次數")
    ax.set_ylabel("mean purchases in holdout 驗證期平均購買")
    ax.set_title(f"total: actual {check.actual_total:,.0f}, predicted {check.predicted_total:,.0f} "
                 f"({check.relative_error:+.1%})")
    ax.legend()
    return ax


def plot_clv_comparison(values: pd.Series, *, ax=None):
    """Bars of CLV per customer by method (e.g. constant-retention formula, simple formula, BG/NBD, truth), CNY."""
    if not isinstance(values, pd.Series) or values.empty:
        raise ParameterError("`values` must be a non-empty Series of CLV (CNY) indexed by method name.")
    ax = viz.get_ax(ax, figsize=(8.5, 4.5))
    colors = [viz.NEUTRAL if "truth" in str(k).lower() else viz.PALETTE[i % len(viz.PALETTE)]
              for i, k in enumerate(values.index)]
    bars = ax.bar(range(len(values)), values.to_numpy(dtype=float), color=colors)
    for bar, v in zip(bars, values.to_numpy(dtype=float), strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, v, viz.fmt_cny(v), ha="center", va="bottom")
    ax.set_xticks(range(len(values)), [str(i) for i in values.index])
    ax.set_ylabel(f"CLV per customer ({viz.currency()})\n客戶終身價值")
    ax.yaxis.set_major_formatter(viz.cny_formatter())
    ax.margins(y=0.12)  # room for the value labels above the bars
    ax.figure.subplots_adjust(bottom=0.25, left=0.15)  # multi-line method names and the two-line axis label stay inside
    return ax


def plot_clv_by_group(table: pd.DataFrame, *, ax=None, value_col: str = "clv", truth_col: str | None = None):
    """Mean CLV per group (e.g. acquisition channel), with the true value as a marker when given."""
    check_frame(table, "table")
    check_columns(table, [value_col] + ([truth_col] if truth_col else []), "table")
    ax = viz.get_ax(ax, figsize=(8, 4))
    ordered = table.sort_values(value_col)
    y = np.arange(len(ordered))
    ax.barh(y, ordered[value_col], color=[viz.channel_color(i) for i in ordered.index], label="estimate 估計")
    if truth_col:
        ax.scatter(ordered[truth_col], y, color="black", marker="D", zorder=3, label="truth 真值")
        ax.legend(loc="lower right")
    ax.set_yticks(y, [str(i) for i in ordered.index])
    ax.set_xlabel(f"mean CLV per customer ({viz.currency()}) 平均終身價值")
    ax.xaxis.set_major_formatter(viz.cny_formatter())
    return ax


#: Customers per action that :func:`plot_actions` draws at most (every one below it).
MAX_ACTION_POINTS = 50_000


def plot_actions(actions: pd.DataFrame, *, ax=None, value_col: str = "clv_if_alive",
                 max_points: int = MAX_ACTION_POINTS):
    """Customers by probability alive (x) and value if alive (y), coloured by action.

    An action with more than ``max_points`` customers is drawn with ``max_points`` of them,
    evenly spaced through the table's order (:func:`~ecomlib.retention.customer_actions`
    sorts by value at stake), so that millions of customers do not become millions of markers
    (at 8.1M customers the notebook cell with the full scatter ran 80 s); the legend counts
    all of them.
    """
    check_frame(actions, "actions")
    check_columns(actions, ["prob_alive", value_col, "action"], "actions")
    ax = viz.get_ax(ax, figsize=(7, 5))
    points = actions[["prob_alive", value_col]]  # only the plotted columns are split by action
    for name, group in points.groupby(actions["action"], sort=False):  # four actions
        shown = group
        if len(group) > max_points:
            shown = group.iloc[np.unique(np.linspace(0, len(group) - 1, max_points).round().astype(np.int64))]
        ax.scatter(shown["prob_alive"], shown[value_col], s=6, alpha=0.5,
                   color=ACTION_COLORS.get(str(name), viz.NEUTRAL), label=f"{name} ({len(group):,})")
    ax.set_yscale("symlog", linthresh=10)
    ax.set_xlabel("probability still active 仍活躍機率")
    ax.set_ylabel(f"CLV if active ({viz.currency()}) 若活躍的終身價值")
    ax.legend(markerscale=3, fontsize=8)
    return ax


def plot_repurchase_by_group(table: pd.DataFrame, *, ax=None):
    """Repeat-purchase rate per group with its 95% interval (from :func:`~ecomlib.retention.repurchase_by_group`)."""
    check_frame(table, "table")
    check_columns(table, ["repeat_rate", "lower", "upper"], "table")
    ax = viz.get_ax(ax, figsize=(6, 4))
    x = np.arange(len(table))
    rate = table["repeat_rate"].to_numpy(dtype=float)
    err = np.vstack([rate - table["lower"].to_numpy(dtype=float), table["upper"].to_numpy(dtype=float) - rate])
    ax.bar(x, rate, yerr=err, capsize=6, color=[viz.PALETTE[i % len(viz.PALETTE)] for i in range(len(table))])
    ax.set_xticks(x, [str(i) for i in table.index])
    ax.set_ylabel("repeat-purchase rate 復購率")
    ax.yaxis.set_major_formatter(viz.percent_formatter(0))
    return ax


def plot_parameter_recovery(table: pd.DataFrame, *, ax=None):
    """Estimates with 95% intervals beside the simulation's truth, each divided by the truth.

    ``table`` is a model's ``summary()`` with a ``truth`` column added.
    """
    check_frame(table, "table")
    check_columns(table, ["estimate", "lower", "upper", "truth"], "table")
    ax = viz.get_ax(ax, figsize=(6, 3.5))
    truth = table["truth"].to_numpy(dtype=float)
    y = np.arange(len(table))
    est = table["estimate"].to_numpy(dtype=float) / truth
    err = np.vstack([est - table["lower"].to_numpy(dtype=float) / truth,
                     table["upper"].to_numpy(dtype=float) / truth - est])
    ax.errorbar(est, y, xerr=err, fmt="o", color=viz.PALETTE[0], capsize=4, label="estimate, 95% interval 估計")
    ax.axvline(1.0, color="black", linewidth=1, label="truth 真值")
    ax.set_yticks(y, [str(i) for i in table.index])
    ax.set_xlabel("estimate / truth 估計 ÷ 真值")
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_book_clv(result: BookCLV, *, ax=None):
    """Discounted margin per year of the constant-retention formula, its running total and the CLV it tends to."""
    _require(result, BookCLV, "result")
    ax = viz.get_ax(ax, figsize=(8, 4.5))
    years = result.years
    ax.bar(years["year"], years["discounted"], color=viz.PALETTE[5], label="discounted margin of the year 當年折現毛利")
    ax.plot(years["year"], years["cumulative"], marker="o", color=viz.PALETTE[0], label="running total 累計")
    ax.axhline(result.clv, color=viz.PALETTE[3], linestyle="--",
               label=f"CLV = m r / (1 + d - r) = {viz.fmt_cny(result.clv)}")
    ax.set_xlabel("year 年")
    ax.set_ylabel(f"{viz.currency()} per customer 每位客戶")
    ax.yaxis.set_major_formatter(viz.cny_formatter())
    ax.set_ylim(0, max(result.clv, float(years["cumulative"].max()), 1.0) * 1.15)
    ax.legend(loc="center right", fontsize=8)
    return ax
