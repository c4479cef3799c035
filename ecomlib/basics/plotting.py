"""Figures for chapter 2. Each function takes a result, draws on ``ax`` and returns it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib import viz
from ecomlib.basics.decomposition import Decomposition
from ecomlib.basics.kpi_tree import KPITree
from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_argument

__all__ = [
    "DRIVER_LABELS",
    "plot_category_mix",
    "plot_contributions",
    "plot_customer_mix",
    "plot_kpi_tree",
    "plot_kpi_trend",
    "plot_price_positioning",
    "plot_waterfall",
]

#: Bilingual labels of the tree's measures.
DRIVER_LABELS = {
    "gmv": "GMV 成交額",
    "visitors": "visitors 訪客數",
    "orders": "orders 訂單數",
    "conversion_rate": "conversion 轉化率",
    "aov": "AOV 客單價",
    "units_per_order": "units/order 件/單",
    "price_per_unit": "price/unit 件單價",
    "units": "units 件數",
}

_FORMAT = {
    "gmv": lambda v: viz.fmt_cny(v, compact=True),
    "visitors": lambda v: viz.fmt_thousands(v),
    "orders": lambda v: viz.fmt_thousands(v),
    "units": lambda v: viz.fmt_thousands(v),
    "conversion_rate": lambda v: viz.fmt_pct(v, 2),
    "aov": lambda v: viz.fmt_cny(v, 1),
    "units_per_order": lambda v: f"{v:.2f}",
    "price_per_unit": lambda v: viz.fmt_cny(v, 1),
}


# Names from the data ("Gift card $$") are drawn as they are: every Text that shows one is
# made with parse_math=False, so no figure depends on the theme's text.parse_math setting.
_PLAIN = {"parse_math": False}


def _require_rows(frame: pd.DataFrame, param: str, source: str) -> None:
    if frame.empty:
        raise DataError(f"`{param}` has no rows, so there is nothing to draw.",
                        fix=f"Check what {source} returned before plotting it.")


def _require(obj, cls, param):
    if not isinstance(obj, cls):
        raise ParameterError(f"`{param}` must be a {cls.__name__}, but a {type(obj).__name__} was passed.")


def plot_kpi_tree(tree: KPITree, *, ax=None):
    """Draw the KPI tree of the whole period as boxes: GMV at the top, drivers below."""
    _require(tree, KPITree, "tree")
    ax = viz.get_ax(ax, figsize=(9, 4))
    row = tree.total()
    # (measure, x, y, parent)
    nodes = [("gmv", 0.5, 0.85, None), ("visitors", 0.15, 0.5, "gmv"),
             ("conversion_rate", 0.5, 0.5, "gmv"), ("aov", 0.85, 0.5, "gmv"),
             ("units_per_order", 0.64, 0.15, "aov"), ("price_per_unit", 1.06, 0.15, "aov")]
    if not tree.has_traffic:
        nodes = [("gmv", 0.5, 0.85, None), ("orders", 0.2, 0.5, "gmv"), ("aov", 0.8, 0.5, "gmv"),
                 ("units_per_order", 0.65, 0.15, "aov"), ("price_per_unit", 0.95, 0.15, "aov")]
    where = {name: (x, y) for name, x, y, _ in nodes}
    for name, x, y, parent in nodes:
        if parent is not None:
            px, py = where[parent]
            ax.plot([px, x], [py - 0.08, y + 0.08], color=viz.NEUTRAL, lw=1, zorder=1)
        ax.text(x, y, f"{DRIVER_LABELS[name]}\n{_FORMAT[name](row[name])}", ha="center",
                va="center", zorder=2,
                bbox={"boxstyle": "round,pad=0.5", "fc": "white",
                      "ec": "#0072B2" if name == "gmv" else viz.NEUTRAL})
    ax.set_xlim(-0.05, 1.2)
    ax.set_ylim(0, 1)
    ax.axis("off")
    ax.set_title("KPI tree: GMV = visitors × conversion × units/order × price/unit")
    return ax


def plot_kpi_trend(tree: KPITree, kpi: str = "gmv", *, ax=None):
    """Plot one measure of a monthly tree over time (one line per channel if grouped so)."""
    _require(tree, KPITree, "tree")
    check_argument("kpi", list(DRIVER_LABELS), kpi)
    if "month" not in tree.by:
        raise ParameterError("`tree` must be grouped by month: kpi_tree(..., by='month').")
    ax = viz.get_ax(ax)
    data = tree.table[kpi]
    if "channel" in tree.by:
        wide = data.unstack("channel")
        for channel in wide.columns:
            ax.plot(wide.index, wide[channel], marker="o", ms=3, label=channel,
                    color=viz.channel_color(channel))
        legend = ax.legend(title="channel", fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
        for text in legend.get_texts():
            text.set_parse_math(False)
    else:
        ax.plot(data.index, data.to_numpy(), marker="o", ms=3, color=viz.PALETTE[0])
    formatter = {"gmv": viz.cny_formatter(), "conversion_rate": viz.percent_formatter(1),
                 "aov": viz.cny_formatter(), "price_per_unit": viz.cny_formatter()}
    ax.yaxis.set_major_formatter(formatter.get(kpi, viz.thousands_formatter()))
    ax.set_ylabel(DRIVER_LABELS[kpi])
    ax.set_xlabel("month")
    ax.set_title(f"{DRIVER_LABELS[kpi]} by month")
    return ax


def plot_waterfall(decomposition: Decomposition, row: str = "total", *, ax=None):
    """Waterfall from base GMV, through each driver's contribution, to current GMV."""
    _require(decomposition, Decomposition, "decomposition")
    check_argument("row", list(decomposition.table.index), row)
    ax = viz.get_ax(ax)
    r = decomposition.table.loc[row]
    steps = [float(r[d]) for d in decomposition.drivers]
    labels = ["base", *[DRIVER_LABELS[d].replace(" ", "\n", 1) for d in decomposition.drivers],
              "current"]
    bottoms = np.concatenate([[0.0], r["gmv_base"] + np.cumsum([0.0, *steps[:-1]]), [0.0]])
    heights = np.array([r["gmv_base"], *steps, r["gmv_current"]], dtype=float)
    colors = [viz.NEUTRAL, *["#009E73" if s >= 0 else "#D55E00" for s in steps], "#0072B2"]
    x = np.arange(len(heights))
    ax.bar(x, heights, bottom=bottoms, color=colors, width=0.6)
    for xi, b, h, is_step in zip(x, bottoms, heights, [False, *[True] * len(steps), False],
                                 strict=True):
        text = viz.fmt_cny(h, compact=True)
        if is_step and h >= 0:
            text = "+" + text
        ax.text(xi, b + max(h, 0), text, ha="center", va="bottom", fontsize="small")
    ax.set_xticks(x, labels)
    ax.yaxis.set_major_formatter(viz.cny_formatter())
    tops = np.maximum(bottoms, bottoms + heights)
    lows = np.minimum(bottoms, bottoms + heights)[1:-1]
    low = min(lows.min(initial=r["gmv_base"]), r["gmv_base"], r["gmv_current"])
    high = tops.max()
    span = max(high - low, abs(high) * 0.05, 1e-9)
    ax.set_ylim(bottom=max(0.0, low - 0.25 * span) if low > 0 else None, top=high + 0.12 * span)
    ax.set_ylabel(f"GMV ({viz.currency()})")
    where = "" if row == "total" else f" ({row})"
    ax.set_title(f"What moved GMV{where}: {decomposition.method} decomposition")
    return ax


def plot_contributions(decomposition: Decomposition, *, ax=None):
    """Horizontal stacked bars: each channel's change split into its drivers (CNY)."""
    _require(decomposition, Decomposition, "decomposition")
    ax = viz.get_ax(ax)
    table = decomposition.table.drop(index="total", errors="ignore")
    if table.empty:
        table = decomposition.table
    y = np.arange(len(table))
    pos = np.zeros(len(table))
    neg = np.zeros(len(table))
    for i, d in enumerate(decomposition.drivers):
        v = table[d].to_numpy(dtype=float)
        left = np.where(v >= 0, pos, neg)
        ax.barh(y, v, left=left, color=viz.PALETTE[i % len(viz.PALETTE)], label=DRIVER_LABELS[d], height=0.6)
        pos += np.clip(v, 0, None)
        neg += np.clip(v, None, 0)
    ax.scatter(table["change"], y, color="black", marker="D", zorder=3, label="total change")
    ax.axvline(0, color=viz.NEUTRAL, lw=1)
    ax.set_yticks(y, [str(i) for i in table.index], **_PLAIN)
    ax.xaxis.set_major_formatter(viz.cny_formatter())
    ax.set_xlabel(f"contribution to the change of GMV ({viz.currency()})")
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=3)
    ax.set_title("Change of GMV by channel and driver")
    return ax


def plot_category_mix(mix: pd.DataFrame, *, ax=None):
    """Bars of each category's share of GMV (from :func:`category_mix`)."""
    if not isinstance(mix, pd.DataFrame) or "share" not in mix.columns:
        raise ParameterError("`mix` must be the DataFrame returned by category_mix().")
    _require_rows(mix, "mix", "category_mix()")
    ax = viz.get_ax(ax)
    names = [str(c) for c in mix.index][::-1]
    y = np.arange(len(names))
    shares = mix["share"].to_numpy(dtype=float)[::-1]
    ax.barh(y, shares, color=[viz.category_color(c) for c in names])
    ax.set_yticks(y, names, **_PLAIN)
    for i, (share, gmv) in enumerate(zip(shares, mix["gmv"].to_numpy(dtype=float)[::-1], strict=True)):
        ax.text(share if np.isfinite(share) else 0.0, i,
                f" {viz.fmt_pct(share)} · {viz.fmt_cny(gmv, compact=True)}", va="center",
                fontsize="small", **_PLAIN)
    ax.xaxis.set_major_formatter(viz.percent_formatter())
    top = np.nanmax(shares, initial=0.0)
    ax.set_xlim(0, top * 1.35 if top > 0 else 1.0)
    ax.set_xlabel("share of GMV")
    ax.set_title("Product: where the sales come from")
    return ax


def plot_price_positioning(positioning: pd.DataFrame, *, ax=None):
    """Price range per category: line from p25 to p75 and a dot at the median (CNY)."""
    if not isinstance(positioning, pd.DataFrame) or "median" not in positioning.columns:
        raise ParameterError("`positioning` must be the DataFrame returned by price_positioning().")
    _require_rows(positioning, "positioning", "price_positioning()")
    ax = viz.get_ax(ax)
    names = [str(c) for c in positioning.index][::-1]
    y = np.arange(len(names))
    p = positioning.iloc[::-1]
    colors = [viz.category_color(c) for c in names]
    ax.hlines(y, p["p25"], p["p75"], colors=colors, lw=6, alpha=0.5)
    ax.scatter(p["median"], y, color=colors, zorder=3, s=40)
    ax.set_yticks(y, names, **_PLAIN)
    ax.xaxis.set_major_formatter(viz.cny_formatter())
    ax.set_xlabel(f"price paid per unit ({viz.currency()}): middle half of units, dot = median")
    ax.set_title("Positioning: price points by category")
    return ax


def plot_customer_mix(mix: pd.DataFrame, *, ax=None):
    """Share of orders and of GMV of one-time, repeat and guest buyers."""
    if not isinstance(mix, pd.DataFrame) or "share_of_gmv" not in mix.columns:
        raise ParameterError("`mix` must be the DataFrame returned by customer_mix().")
    _require_rows(mix, "mix", "customer_mix()")
    ax = viz.get_ax(ax)
    x = np.arange(len(mix))
    ax.bar(x - 0.2, mix["share_of_orders"], width=0.4, color="#56B4E9", label="share of orders")
    ax.bar(x + 0.2, mix["share_of_gmv"], width=0.4, color="#0072B2", label="share of GMV")
    ax.set_xticks(x, [str(s) for s in mix.index])
    ax.yaxis.set_major_formatter(viz.percent_formatter())
    ax.legend()
    ax.set_title("Users: one-time, repeat and guest buyers")
    return ax
