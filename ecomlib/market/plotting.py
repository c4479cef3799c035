"""Figures for chapter 3.1 and 4. Each function takes a result, draws on ``ax`` and returns it.

None of them fits or estimates anything: compute with the functions of ``ecomlib.market``
first, then pass the result here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib import viz
from ecomlib.errors import DataError, ParameterError
from ecomlib.market.backtest import BacktestResult
from ecomlib.market.concentration import HHI_BANDS
from ecomlib.market.decomposition import Decomposition
from ecomlib.market.festivals import FestivalEffects
from ecomlib.market.forecasting import ForecastResult
from ecomlib.market.merger import MergerResult
from ecomlib.market.pareto import ABCResult
from ecomlib.validation import check_columns

__all__ = [
    "plot_attractiveness",
    "plot_backtest",
    "plot_category_shares",
    "plot_concentration",
    "plot_decomposition",
    "plot_festival_effects",
    "plot_forecast",
    "plot_market_growth",
    "plot_market_size",
    "plot_merger",
    "plot_pareto",
    "plot_positioning",
    "plot_sensitivity",
    "plot_shares",
]

SHOP_COLOR = "#D55E00"


def _require(obj, cls, param):
    if not isinstance(obj, cls):
        raise ParameterError(f"`{param}` must be a {cls.__name__}, but a {type(obj).__name__} was passed.")


def _frame(df, columns, param):
    _require(df, pd.DataFrame, param)
    check_columns(df, columns, param=param)


def plot_market_size(table: pd.DataFrame, *, ax=None):
    """TAM / SAM / SOM as a funnel of horizontal bars (``market_size`` or ``compare_market_sizes``).

    With two methods in the table their bars stand side by side per level.
    """
    _frame(table, ["level", "value"], "table")
    ax = viz.get_ax(ax, figsize=(7, 3))
    methods = list(dict.fromkeys(table["method"])) if "method" in table else [None]
    levels = list(dict.fromkeys(table["level"]))
    height = 0.8 / len(methods)
    level_colors = {"TAM": viz.PALETTE[0], "SAM": viz.PALETTE[5], "SOM": SHOP_COLOR}
    for k, method in enumerate(methods):
        part = table if method is None else table[table["method"] == method]
        y = len(levels) - 1 - np.array([levels.index(lv) for lv in part["level"]]) + (k - (len(methods) - 1) / 2) * height
        colors = [level_colors.get(lv, viz.NEUTRAL) for lv in part["level"]]
        ax.barh(y, part["value"], height=height * 0.9, color=colors, alpha=1.0 if k == 0 else 0.6)
        for yi, (level, value) in zip(y, part[["level", "value"]].itertuples(index=False), strict=True):
            label = f" {level} {viz.fmt_cny(value, compact=True)}" + (f" ({method})" if len(methods) > 1 else "")
            ax.text(value, yi, label, va="center", fontsize="small" if len(methods) > 1 else None)
    ax.set_yticks(np.arange(len(levels))[::-1], levels)
    ax.set_xscale("log")
    ax.set_xlabel(f"{viz.currency()} per year (log scale)")
    ax.set_title("Market size 市場規模: TAM / SAM / SOM")
    return ax


def plot_sensitivity(table: pd.DataFrame, *, ax=None):
    """Tornado chart of ``market_size_sensitivity``: the figure when each assumption moves."""
    _frame(table, ["assumption", "low", "base", "high"], "table")
    ax = viz.get_ax(ax, figsize=(7, 3.5))
    y = np.arange(len(table))[::-1]
    base = float(table["base"].iloc[0])
    ax.barh(y, table["low"] - base, left=base, color=viz.PALETTE[0], label="assumption lowered")
    ax.barh(y, table["high"] - base, left=base, color=viz.PALETTE[1], label="assumption raised")
    ax.axvline(base, color=viz.NEUTRAL, lw=1)
    ax.set_yticks(y, table["assumption"])
    ax.xaxis.set_major_formatter(viz.cny_formatter())
    ax.set_title("Which assumption matters most 敏感度")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)  # beside the data
    return ax


def plot_market_growth(table: pd.DataFrame, *, by: str = "segment", period: str = "year", ax=None):
    """Growth of each group in the last period (output of ``growth_rates`` with ``by``)."""
    _frame(table, [by, period, "growth"], "table")
    ax = viz.get_ax(ax, figsize=(7, 3.5))
    last = table[table[period] == table[period].max()].sort_values("growth")
    colors = [viz.PALETTE[2] if g >= 0 else viz.PALETTE[3] for g in last["growth"]]
    ax.barh(last[by].astype(str), last["growth"], color=colors)
    ax.axvline(0, color=viz.NEUTRAL, lw=1)
    ax.xaxis.set_major_formatter(viz.percent_formatter())
    ax.set_xlabel(f"growth vs previous {period}")
    ax.set_title(f"Growth by {by} in {last[period].iloc[0]}")
    return ax


def plot_shares(shares: pd.DataFrame, *, by: str = "company", highlight: str | None = None,
                top: int | None = None, title: str = "Market shares 市場份額", ax=None):
    """Horizontal bars of shares (one period of ``market_shares``), ``highlight`` in orange.

    ``top`` keeps the largest ``top`` groups (the title says how many there are in all).
    """
    _frame(shares, [by, "share"], "shares")
    if shares.empty:
        raise DataError("`shares` is empty: there is no share to plot.")
    ax = viz.get_ax(ax, figsize=(7, 4))
    ordered = shares.sort_values("share")
    if top is not None and len(ordered) > top:
        title = f"{title} (largest {top} of {len(ordered)})"
        ordered = ordered.iloc[-int(top):]
    colors = [SHOP_COLOR if c == highlight else viz.PALETTE[0] for c in ordered[by]]
    ax.barh(ordered[by].astype(str), ordered["share"], color=colors)
    for i, s in enumerate(ordered["share"]):
        ax.text(s, i, f" {viz.fmt_pct(s)}", va="center", fontsize="small")
    ax.xaxis.set_major_formatter(viz.percent_formatter())
    ax.set_xlabel("share of sales")
    ax.set_title(title)
    return ax


def plot_concentration(table: pd.DataFrame, *, period: str = "year", bands: str = "2023", ax=None):
    """HHI per period (``concentration_by_period``) against the guideline bands."""
    _frame(table, [period, "hhi"], "table")
    ax = viz.get_ax(ax, figsize=(6, 3.5))
    low, high = HHI_BANDS[str(bands)]
    x = table[period].astype(str)
    ax.bar(x, table["hhi"], color=viz.PALETTE[0])
    top = max(float(table["hhi"].max()) * 1.2, high * 1.2)
    ax.axhspan(high, top, color=viz.PALETTE[3], alpha=0.12, zorder=0,
               label=f"highly concentrated (> {high:,.0f})")  # fmt: skip
    ax.axhspan(low, high, color=viz.PALETTE[1], alpha=0.12, zorder=0,
               label=f"moderately ({low:,.0f}-{high:,.0f})")  # fmt: skip
    ax.set_ylim(0, top)
    ax.set_ylabel("HHI (0-10,000)")
    ax.set_title(f"Concentration 集中度 ({bands} bands)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize="small")
    return ax


def plot_merger(result: MergerResult, *, ax=None):
    """HHI before and after a hypothetical merger, with the guideline bands."""
    _require(result, MergerResult, "result")
    ax = viz.get_ax(ax, figsize=(5, 3.5))
    low, high = HHI_BANDS[result.bands]
    ax.bar(["before", "after"], [result.hhi_before, result.hhi_after], color=[viz.PALETTE[0], SHOP_COLOR])
    top = max(result.hhi_after * 1.2, high * 1.2)
    ax.axhspan(high, top, color=viz.PALETTE[3], alpha=0.12, zorder=0)
    ax.axhspan(low, high, color=viz.PALETTE[1], alpha=0.12, zorder=0)
    ax.set_ylim(0, top)
    ax.text(1, result.hhi_after, f"+{result.delta:,.0f}", ha="center", va="bottom")
    verdict = "presumed harmful" if result.presumed_harmful else "not presumed harmful"
    ax.set_title(f"Merger {' + '.join(result.firms)}: {verdict}", fontsize="medium")
    ax.set_ylabel("HHI (0-10,000)")
    return ax


#: Offsets (points) tried for a label, in order: above, below, right, left, then further out.
_LABEL_OFFSETS = [(0, 8, "center", "bottom"), (0, -8, "center", "top"), (8, 0, "left", "center"),
                  (-8, 0, "right", "center"), (0, 20, "center", "bottom"), (0, -20, "center", "top"),
                  (14, 12, "left", "bottom"), (-14, 12, "right", "bottom"), (14, -12, "left", "top"),
                  (-14, -12, "right", "top"), (0, 32, "center", "bottom"), (0, -32, "center", "top")]  # fmt: skip


def place_labels(ax, xs, ys, labels, *, fontsize="x-small"):
    """Annotate points so that labels do not overlap: a simple greedy label repel.

    Each label, in the given order, takes the first offset of ``_LABEL_OFFSETS`` whose box
    overlaps no label placed before it (the last offset when all collide).

    Parameters
    ----------
    ax : Axes
    xs, ys : sequence of float
        Data coordinates of the points.
    labels : sequence of str

    Returns
    -------
    list of Annotation
    """
    renderer = ax.figure.canvas.get_renderer()
    placed, boxes = [], []
    for x, y, label in zip(xs, ys, labels, strict=True):
        for dx, dy, ha, va in _LABEL_OFFSETS:
            note = ax.annotate(label, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                               fontsize=fontsize)  # fmt: skip
            box = note.get_window_extent(renderer).expanded(1.05, 1.1)
            if not any(box.overlaps(other) for other in boxes):
                break
            note.remove()
        else:
            note = ax.annotate(label, (x, y), xytext=(0, 8), textcoords="offset points", ha="center",
                               fontsize=fontsize)  # fmt: skip
            box = note.get_window_extent(renderer)
        note.set_parse_math(False)
        placed.append(note)
        boxes.append(box)
    return placed


def plot_positioning(benchmark: pd.DataFrame, *, ax=None):
    """Positioning map: price index (x) vs rating (y), bubble area = sales, the shop in orange."""
    _frame(benchmark, ["company", "price_index", "rating", "sales"], "benchmark")
    ax = viz.get_ax(ax, figsize=(7, 5))
    shop = benchmark["is_shop"] if "is_shop" in benchmark else pd.Series(False, index=benchmark.index)
    size = 2000 * benchmark["sales"] / benchmark["sales"].max()
    colors = [SHOP_COLOR if s else viz.PALETTE[0] for s in shop]
    ax.scatter(benchmark["price_index"], benchmark["rating"], s=size, c=colors, alpha=0.6, edgecolor="white")
    order = benchmark["sales"].sort_values(ascending=False).index  # the biggest bubbles get the best spots
    place_labels(ax, benchmark.loc[order, "price_index"], benchmark.loc[order, "rating"],
                 benchmark.loc[order, "company"].astype(str))
    ax.axvline(100, color=viz.NEUTRAL, lw=1, ls="--")
    ax.axhline(float(np.average(benchmark["rating"], weights=benchmark["sales"])), color=viz.NEUTRAL,
               lw=1, ls="--")  # fmt: skip
    ax.set_xlabel("price index (100 = competitors' sales-weighted average price)")
    ax.set_ylabel("rating")
    ax.set_title("Positioning map 定位圖 (bubble = sales)")
    return ax


def plot_category_shares(table: pd.DataFrame, *, category_col: str = "category", ax=None):
    """Stacked area of each category's revenue share over periods (``category_shares``)."""
    _frame(table, ["period", category_col, "share"], "table")
    if table.empty:
        raise DataError("`table` is empty: there is no category share to plot.",
                        fix="Group by product when the data has no category (category_substitute).")
    ax = viz.get_ax(ax, figsize=(8, 4))
    wide = table.pivot_table(index="period", columns=category_col, values="share", aggfunc="sum").fillna(0)
    palette = viz.category_palette(wide.columns)
    ax.stackplot(wide.index, wide.T.to_numpy(), labels=wide.columns, colors=[palette[c] for c in wide.columns])
    ax.yaxis.set_major_formatter(viz.percent_formatter())
    ax.set_ylim(0, 1)
    ax.set_title("Revenue share by category 品類結構")
    ax.legend(loc="center left", bbox_to_anchor=(1, 0.5), fontsize="small")
    return ax


def plot_pareto(result: ABCResult, *, ax=None):
    """Pareto curve: cumulative revenue share against cumulative share of products."""
    _require(result, ABCResult, "result")
    ax = viz.get_ax(ax, figsize=(6, 4))
    t = result.table
    x = np.r_[0.0, t["cum_item_share"].to_numpy()]
    y = np.r_[0.0, t["cum_share"].to_numpy()]
    ax.plot(x, y, color=viz.PALETTE[0])
    ax.plot([0, 1], [0, 1], color=viz.NEUTRAL, ls=":", lw=1, label="every product equal")
    a = result.item_share_for_a
    ax.axvline(a, color=SHOP_COLOR, ls="--", lw=1)
    ax.axhline(result.thresholds[0], color=SHOP_COLOR, ls="--", lw=1)
    ax.annotate(f"class A: {viz.fmt_pct(a)} of products", (a, result.thresholds[0]),
                xytext=(8, -20), textcoords="offset points", fontsize="small")  # fmt: skip
    ax.xaxis.set_major_formatter(viz.percent_formatter())
    ax.yaxis.set_major_formatter(viz.percent_formatter())
    ax.set_xlabel("share of products (best sellers first)")
    ax.set_ylabel("share of revenue")
    ax.set_title("Pareto / ABC 帕累托")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)  # beside the data
    return ax


def plot_attractiveness(table: pd.DataFrame, *, ax=None):
    """Weighted attractiveness score of each segment (``segment_attractiveness``), best on top."""
    _frame(table, ["score"], "table")
    ax = viz.get_ax(ax, figsize=(7, 3.5))
    names = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]
    labels = table[names].astype(str).agg(" / ".join, axis=1) if names else table.index.astype(str)
    ordered = table.assign(_label=labels).iloc[::-1]
    ax.barh(ordered["_label"], ordered["score"], color=viz.PALETTE[2])
    ax.set_xlim(0, 1)
    ax.set_xlabel("attractiveness score (0-1)")
    ax.set_title("Segment attractiveness 細分市場吸引力")
    return ax


def plot_decomposition(result: Decomposition, *, ax=None):
    """Observed series with its STL trend (the seasonal and remainder parts are in the table)."""
    _require(result, Decomposition, "result")
    ax = viz.get_ax(ax, figsize=(9, 3.5))
    c = result.components
    ax.plot(c.index, c["observed"], color=viz.NEUTRAL, lw=0.6, label="observed")
    ax.plot(c.index, c["trend"], color=viz.PALETTE[0], lw=2, label="trend (STL)")
    ax.plot(c.index, c["trend"] + c["seasonal"], color=viz.PALETTE[1], lw=0.8, alpha=0.8,
            label=f"trend + season (period {result.period})")  # fmt: skip
    ax.yaxis.set_major_formatter(viz.cny_formatter())
    ax.set_title("Trend and season 趨勢與季節性")
    ax.legend(loc="upper left", fontsize="small")
    return ax


def plot_forecast(result: ForecastResult, history: pd.Series | None = None, *, last: int = 120, ax=None):
    """Forecast with its prediction interval, after the last ``last`` points of ``history``."""
    _require(result, ForecastResult, "result")
    ax = viz.get_ax(ax, figsize=(9, 3.5))
    if history is not None:
        tail = history.iloc[-last:]
        ax.plot(tail.index, tail.to_numpy(), color=viz.NEUTRAL, lw=0.8, label="history")
    t = result.table
    ax.fill_between(t.index, t["lower"], t["upper"], color=viz.PALETTE[0], alpha=0.2,
                    label=f"{result.level:.0%} prediction interval")  # fmt: skip
    ax.plot(t.index, t["mean"], color=viz.PALETTE[0], lw=1.5, label=f"forecast ({result.method})")
    ax.yaxis.set_major_formatter(viz.cny_formatter())
    ax.set_title("Forecast 預測")
    ax.legend(loc="upper left", fontsize="small")
    return ax


def plot_backtest(result: BacktestResult, *, ax=None):
    """MASE of each method on held-out days, coverage of its interval written on the bar."""
    _require(result, BacktestResult, "result")
    ax = viz.get_ax(ax, figsize=(6, 3))
    s = result.scores
    colors = [viz.NEUTRAL if m == result.benchmark else viz.PALETTE[0] for m in s["method"]]
    ax.barh(s["method"], s["mase"], color=colors)
    for i, row in enumerate(s.itertuples(index=False)):
        ax.text(row.mase, i, f" MASE {row.mase:.2f}, MAPE {row.mape:.1f}%, coverage {row.coverage:.0%}",
                va="center", fontsize="small")  # fmt: skip
    ax.set_xlim(0, float(s["mase"].max()) * 2.2)
    ax.set_xlabel("MASE (lower is better)")
    ax.set_title("Backtest: model vs seasonal naive 回測")
    return ax


def plot_festival_effects(result: FestivalEffects, truth: dict | None = None, *, ax=None):
    """Estimated lift of each festival with its confidence interval (and the truth if given)."""
    _require(result, FestivalEffects, "result")
    ax = viz.get_ax(ax, figsize=(6, 3))
    t = result.table
    y = np.arange(len(t))
    ax.errorbar(t["lift"], y, xerr=[t["lift"] - t["lower"], t["upper"] - t["lift"]], fmt="o",
                color=viz.PALETTE[0], capsize=4, label=f"estimate, {result.level:.0%} CI")  # fmt: skip
    if truth:
        known = [(i, truth[f]) for i, f in enumerate(t["festival"]) if f in truth]
        if known:
            ax.scatter([v for _, v in known], [i for i, _ in known], marker="x", color=SHOP_COLOR,
                       zorder=3, label="truth")  # fmt: skip
    ax.axvline(0, color=viz.NEUTRAL, lw=1)
    ax.set_yticks(y, t["festival"])
    ax.xaxis.set_major_formatter(viz.percent_formatter())
    ax.set_xlabel("sales lift on festival days")
    ax.set_title("Festival effects 大促效應")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)  # beside the data
    return ax
