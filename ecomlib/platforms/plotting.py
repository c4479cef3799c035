"""Figures of the platforms chapter. Each takes a result, accepts ``ax=None`` and returns the Axes;
none computes a model (matplotlib only)."""

from __future__ import annotations

import numpy as np
from mpl_toolkits.axes_grid1 import make_axes_locatable

from ecomlib import viz

__all__ = ["plot_fx_margin", "plot_landed_cost", "plot_overlap", "plot_partner_otif", "plot_platform_pnl"]

_BAR = "#0072B2"
_OFF = "#D9D9D9"
_COSTS = (("cogs", "product cost"), ("refunds", "refunds"), ("commission", "commission"),
          ("payment_fees", "payment fees"), ("ad_take", "ad take"), ("fulfilment", "fulfilment"),
          ("fixed_fees", "fixed fees"))
_LANDED = (("product_cost", "product cost"), ("freight", "freight"), ("platform_fee", "platform fee"),
           ("fx_cost", "FX margin"), ("contribution", "shop's contribution"), ("duty", "duty"),
           ("import_vat", "import VAT/GST"))
_STACK_COLORS = ("#0072B2", "#56B4E9", "#E69F00", "#F0E442", "#009E73", "#D55E00", "#CC79A7", "#999999")


def plot_overlap(overlap, *, max_combinations: int = 12, ax=None):
    """UpSet-style chart: bars of customers per platform combination over a dot matrix of its platforms.

    Parameters
    ----------
    overlap : DataFrame
        Output of :func:`ecomlib.platforms.platform_overlap`.
    max_combinations : int, default 12
        Largest combinations shown (the rest are left out; the title says how many).
    ax : Axes, optional
        Axes of the bars; the matrix is drawn in a new Axes appended below it.

    Returns
    -------
    Axes
        The bars' Axes (the matrix's Axes is ``ax.upset_matrix``).
    """
    ax = viz.get_ax(ax)
    names = list(overlap.attrs.get("platform_customers") or
                 [c for c in overlap.columns if c not in ("combination", "n_platforms", "customers", "share")])
    shown = overlap.head(max_combinations)
    x = np.arange(len(shown))
    ax.bar(x, shown["customers"], color=_BAR, width=0.6)
    for xi, count in zip(x, shown["customers"], strict=True):
        ax.annotate(viz.fmt_thousands(count), (xi, count), ha="center", va="bottom", fontsize=8,
                    xytext=(0, 2), textcoords="offset points")
    ax.set_ylabel("customers")
    ax.yaxis.set_major_formatter(viz.thousands_formatter())
    left = len(overlap) - len(shown)
    ax.set_title("Customers by the platforms they bought on" + (f" ({left} smaller combinations not shown)" if left else ""))
    ax.tick_params(axis="x", labelbottom=False)
    matrix = make_axes_locatable(ax).append_axes("bottom", size=f"{12 * len(names)}%", pad=0.08, sharex=ax)
    member = shown[names].to_numpy(dtype=bool)
    for i in range(len(names)):
        matrix.scatter(x, np.full(len(x), i), s=40, color=np.where(member[:, i], "#222222", _OFF), zorder=2)
    for xi, row in zip(x, member, strict=True):
        rows = np.flatnonzero(row)
        if len(rows) > 1:
            matrix.plot([xi, xi], [rows.min(), rows.max()], color="#222222", lw=1.5, zorder=1)
    matrix.set_yticks(range(len(names)), [str(n) for n in names])
    matrix.set_ylim(len(names) - 0.5, -0.5)
    matrix.set_xticks([])
    for side in ("top", "right", "bottom"):
        matrix.spines[side].set_visible(False)
    ax.upset_matrix = matrix
    return ax


def plot_platform_pnl(pnl, *, by: str = "platform", ax=None):
    """Per platform: GMV split into its costs and the contribution (CNY), one horizontal bar each.

    ``pnl`` is the output of :func:`ecomlib.platforms.platform_pnl`; a negative contribution is
    drawn left of zero.
    """
    ax = viz.get_ax(ax)
    t = pnl.iloc[::-1]
    y = np.arange(len(t))
    left = np.zeros(len(t))
    for (col, label), color in zip(_COSTS, _STACK_COLORS[1:], strict=False):
        values = t[col].clip(lower=0).to_numpy(dtype=float)
        ax.barh(y, values, left=left, color=color, label=label, height=0.6)
        left += values
    contribution = t["contribution"].to_numpy(dtype=float)
    ax.barh(y, contribution, left=np.where(contribution >= 0, left, 0.0), color=_STACK_COLORS[0],
            label="contribution", height=0.6, hatch=None)
    ax.set_yticks(y, t[by].astype("str"))
    ax.xaxis.set_major_formatter(viz.cny_formatter())
    ax.set_xlabel("CNY")
    ax.set_title("Where each platform's GMV goes")
    ax.legend(ncols=4, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.15))
    return ax


def plot_landed_cost(landed, *, label_col: str = "destination", ax=None):
    """What the buyer pays, split into product cost, freight, fees, FX, the shop's contribution, duty and tax.

    ``landed`` is one row per destination from :func:`ecomlib.platforms.landed_cost` (or
    :func:`~ecomlib.platforms.localised_price`); amounts are shown in CNY at each row's mid rate so
    destinations compare.
    """
    ax = viz.get_ax(ax)
    x = np.arange(len(landed))
    bottom = np.zeros(len(landed))
    rate = landed["fx_rate"].to_numpy(dtype=float)
    for (col, label), color in zip(_LANDED, _STACK_COLORS, strict=False):
        values = landed[col].to_numpy(dtype=float) * rate
        ax.bar(x, values, bottom=bottom, color=color, label=label, width=0.6)
        bottom += values
    ax.set_xticks(x, landed[label_col].astype("str"))
    ax.yaxis.set_major_formatter(viz.cny_formatter())
    ax.set_ylabel("CNY per item (at the mid rate)")
    ax.set_title("Landed cost by destination")
    ax.legend(ncols=4, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1))
    return ax


def plot_partner_otif(scorecard, *, target: float | None = 0.95, ax=None):
    """OTIF of each partner with its Wilson interval, partners on review marked, worst at the top."""
    ax = viz.get_ax(ax)
    t = scorecard.sort_values("otif", ascending=False)
    y = np.arange(len(t))
    colors = np.where(t["review"].to_numpy(dtype=bool), "#D55E00", _BAR)
    ax.hlines(y, t["otif_low"], t["otif_high"], color=colors, lw=2)
    ax.scatter(t["otif"], y, color=colors, zorder=3)
    if target is not None:
        ax.axvline(target, color=viz.NEUTRAL, ls="--", lw=1, label=f"target {target:.0%}")
        ax.legend(loc="lower left")
    ax.set_yticks(y, t["partner"].astype("str"))
    ax.xaxis.set_major_formatter(viz.percent_formatter())
    ax.set_xlabel("on time in full (95% Wilson interval; orange = on the review list)")
    ax.set_title("Partners' OTIF")
    return ax


def plot_fx_margin(sensitivity, *, ax=None, bins: int = 50):
    """Histogram of the margin under simulated exchange rates, with today's margin and zero marked."""
    ax = viz.get_ax(ax)
    m = sensitivity.draws["margin"].to_numpy()
    ax.hist(m, bins=bins, color=_BAR, alpha=0.8)
    ax.axvline(sensitivity.margin_today, color="#222222", lw=1.5, label="at today's rate")
    if m.min() < 0:
        ax.axvline(0.0, color="#D55E00", ls="--", lw=1, label="break-even")
    ax.xaxis.set_major_formatter(viz.percent_formatter())
    ax.set_xlabel("margin (share of what the buyer pays the shop)")
    ax.set_ylabel("scenarios")
    ax.set_title(f"Margin if the exchange rate moves (log sd {sensitivity.fx_volatility:g})")
    ax.legend()
    return ax
