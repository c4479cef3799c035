"""Figures of the product chapter. Each takes a result, accepts ``ax=None`` and returns the Axes;
none fits a model."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, NullFormatter

from ecomlib import viz

__all__ = ["plot_bass_curve", "plot_bundle", "plot_growth_share", "plot_launch_forecast", "plot_ratings",
           "plot_rules", "plot_stage_curve"]


def plot_growth_share(table: pd.DataFrame, *, share_threshold: float = 1.0, growth_threshold: float = 0.10,
                      label_top: int = 12, ax=None):
    """Growth-share matrix: relative share (log scale) against growth, bubble area = current sales.
    Pooled groups (quadrant ``"pooled"``, no relative share) are not drawn."""
    ax = viz.get_ax(ax)
    table = table[table["quadrant"] != "pooled"]
    rel = table["relative_share"].clip(lower=1e-3)
    size = 2000 * table["current"] / max(float(table["current"].max()), 1e-12)
    names = [str(i) for i in table.index]
    palette = viz.category_palette(names)
    ax.scatter(rel, table["growth"], s=size.clip(lower=15), c=[palette[n] for n in names], alpha=0.6,
               edgecolor="white")
    for name, x, y in list(zip(names, rel, table["growth"], strict=True))[:label_top]:
        ax.annotate(name, (x, y), fontsize=8, ha="center", va="bottom")
    ax.axvline(share_threshold, color=viz.NEUTRAL, lw=1, ls="--")
    ax.axhline(growth_threshold, color=viz.NEUTRAL, lw=1, ls="--")
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(_plain_number))
    _minor_labels(ax, rel, _plain_number)
    ax.set_xlabel("relative share (vs the largest other, log scale)")
    ax.set_ylabel("growth over the span")
    ax.yaxis.set_major_formatter(viz.percent_formatter())
    ax.set_title("Growth-share matrix")
    return ax


def _plain_number(value, _pos=None) -> str:
    return f"{value:g}"


#: The minor ticks a log axis may label, as the first digit of the tick (2 for 0.02, 0.2, 2 ...),
#: from all of them to none: the first set whose labels stay apart is used.
_MINOR_SETS = ((2, 3, 4, 5, 6, 7, 8, 9), (2, 3, 5), (2, 5), ())

#: Size of the minor labels (points); a character is taken as 0.6 of it wide, and two labels
#: need 0.12 inch of space between them.
_MINOR_SIZE = 8
_CHAR_WIDTH = 0.6
_LABEL_SPACE_INCHES = 0.12


def _minor_labels(ax, values, fmt) -> None:
    """Label some minor ticks of a log x axis, when the data span less than two decades (else none).

    The ticks labelled are the largest set of :data:`_MINOR_SETS` whose neighbouring labels do
    not touch at the axis' drawn width (each label as wide as the longest of them): on a narrow
    span every minor tick, on a wider one 2, 3 and 5 of each decade, or only 2 and 5. The minor
    labels are smaller than the major ones and set as low, so that all of them read as one row.
    """
    lo, hi = float(np.min(values)), float(np.max(values))
    keep: tuple[int, ...] = ()
    if lo > 0 and hi / lo < 100:
        left, right = ax.get_xlim()
        inches_per_decade = ax.get_window_extent().width / ax.figure.dpi / np.log10(right / left)
        decades = 10.0 ** np.arange(np.floor(np.log10(left)), np.ceil(np.log10(right)))
        ticks = [m * d for d in decades for m in range(2, 10) if left <= m * d <= right]
        longest = max((len(fmt(t)) for t in ticks), default=0)
        needed = longest * _CHAR_WIDTH * _MINOR_SIZE / 72 + _LABEL_SPACE_INCHES
        for keep in _MINOR_SETS:
            marks = np.log10([1, *keep, 10])
            if keep and np.diff(marks).min() * inches_per_decade >= needed:
                break

    def label(value, pos=None) -> str:
        first = round(value / 10 ** np.floor(np.log10(value) + 1e-9)) if value > 0 else 0
        return fmt(value, pos) if first in keep else ""

    ax.xaxis.set_minor_formatter(FuncFormatter(label) if keep else NullFormatter())
    rc = matplotlib.rcParams
    pad = rc["xtick.major.pad"] + rc["xtick.major.size"] - rc["xtick.minor.size"]
    ax.tick_params(axis="x", which="minor", labelsize=_MINOR_SIZE, pad=pad)


def _small_percent(value, _pos=None) -> str:
    return f"{100 * value:.2g}%"


def plot_bass_curve(curve, *, ax=None):
    """A launch's actual weekly units (bars) and a Bass curve (line), from :func:`bass_explorer`."""
    ax = viz.get_ax(ax)
    weeks = np.arange(1, len(curve.actual) + 1)
    ax.bar(weeks, curve.actual, color=viz.NEUTRAL, alpha=0.5, label="actual units")
    ax.plot(np.arange(1, len(curve.curve) + 1), curve.curve, color="C0", lw=2,
            label=f"Bass p={curve.p:.3f}, q={curve.q:.2f}, m={curve.m:,.0f}")
    ax.set_xlabel("week since launch")
    ax.set_ylabel("units per week")
    ax.yaxis.set_major_formatter(viz.thousands_formatter())
    ax.legend()
    return ax


def plot_launch_forecast(adopters, forecast: pd.DataFrame, *, fitted=None, analogy: pd.DataFrame | None = None,
                         truth=None, ax=None):
    """Weeks used for the fit, the Bass forecast with its prediction band, and the analogy range."""
    ax = viz.get_ax(ax)
    n = np.asarray(adopters, dtype=float)
    ax.bar(np.arange(1, len(n) + 1), n, color=viz.NEUTRAL, alpha=0.5, label="weeks fitted")
    if fitted is not None:
        ax.plot(np.arange(1, len(fitted) + 1), fitted, color="C0", lw=1.5)
    ax.plot(forecast["period"], forecast["forecast"], color="C0", lw=2, label="Bass forecast")
    ax.fill_between(forecast["period"], forecast["low"], forecast["high"], color="C0", alpha=0.15,
                    label="95% prediction band")
    if analogy is not None:
        ax.fill_between(analogy["period"], analogy["low"], analogy["high"], color="C1", alpha=0.15,
                        label="range by analogy")
    if truth is not None:
        t = np.asarray(truth, dtype=float)
        ax.plot(np.arange(1, len(t) + 1), t, color="C3", lw=1, ls=":", label="actual (held out)")
    ax.set_xlabel("week since launch")
    ax.set_ylabel("units per week")
    ax.yaxis.set_major_formatter(viz.thousands_formatter())
    ax.set_title("Forecasting a launch from its first weeks")
    ax.legend(fontsize=8)
    return ax


def plot_stage_curve(weekly: pd.DataFrame, stages: pd.DataFrame, *, ax=None):
    """Weekly units of a few products (from :func:`weekly_units`), labelled with their stage."""
    ax = viz.get_ax(ax)
    for col in weekly.columns:
        ax.plot(weekly.index, weekly[col], lw=1.2, label=f"{col}: {stages.loc[col, 'stage']}")
    ax.set_ylabel("units per week")
    ax.yaxis.set_major_formatter(viz.thousands_formatter())
    ax.set_title("Life-cycle stage from each product's own curve")
    ax.legend(fontsize=8)
    return ax


def plot_rules(result, *, top: int = 300, ax=None):
    """Rules as points: support (x, log) against confidence (y), colour = lift, from :func:`rule_explorer`."""
    ax = viz.get_ax(ax)
    rules = result.rules.head(top)
    if rules.empty:
        ax.text(0.5, 0.5, result.headline(), ha="center", va="center", transform=ax.transAxes, wrap=True)
        ax.set_axis_off()
        return ax
    pts = ax.scatter(rules["support"], rules["confidence"], c=rules["lift"], cmap="viridis", s=20, alpha=0.8)
    ax.figure.colorbar(pts, ax=ax, label="lift")
    ax.set_xscale("log")
    ax.set_xlabel("support (share of baskets, log scale)")
    ax.set_ylabel("confidence")
    ax.xaxis.set_major_formatter(FuncFormatter(_small_percent))
    _minor_labels(ax, rules["support"], _small_percent)
    ax.yaxis.set_major_formatter(viz.percent_formatter())
    ax.set_title(f"Pair rules at support >= {result.min_support:.2%}, confidence >= {result.min_confidence:.0%}")
    return ax


def plot_ratings(table: pd.DataFrame, *, truth: pd.Series | None = None, ax=None):
    """Plain mean against Bayesian average per product (point size = reviews), with truth when known."""
    ax = viz.get_ax(ax)
    size = 10 + 3 * np.sqrt(table["n_reviews"])
    ax.scatter(table["mean_rating"], table["bayes_rating"], s=size, color="C0", alpha=0.6, label="products")
    lo, hi = float(table["mean_rating"].min()), float(table["mean_rating"].max())
    ax.plot([lo, hi], [lo, hi], color=viz.NEUTRAL, lw=1, ls="--", label="no shrinkage")
    if truth is not None:
        ax.scatter(table["mean_rating"], truth.reindex(table.index), s=8, color="C3", marker="x", label="true rating")
    ax.set_xlabel("plain mean rating (stars)")
    ax.set_ylabel("Bayesian average (stars)")
    ax.set_title("Few reviews: the Bayesian average pulls toward the category")
    ax.legend(fontsize=8)
    return ax


def plot_bundle(table: pd.DataFrame, *, ax=None):
    """Revenue and margin without and with the bundle, from :func:`bundle_what_if`."""
    ax = viz.get_ax(ax)
    rows = table.loc[["without", "with bundle"], ["revenue", "margin"]]
    x = np.arange(2)
    ax.bar(x - 0.2, rows["revenue"], width=0.4, label="revenue", color="C0")
    ax.bar(x + 0.2, rows["margin"], width=0.4, label="margin", color="C2")
    ax.set_xticks(x, rows.index)
    ax.yaxis.set_major_formatter(viz.cny_formatter())
    ax.set_title("Bundle what-if")
    ax.legend()
    return ax
