"""Figures of the pricing chapter. Each takes a result, accepts ``ax=None``, returns the Axes
and never fits anything."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ecomlib import viz
from ecomlib.errors import DataError

__all__ = [
    "plot_elasticities",
    "plot_price_quantity",
    "plot_price_response",
    "plot_price_scenario",
    "plot_break_even",
    "plot_break_even_scenario",
    "plot_unit_economics",
    "plot_price_index",
    "plot_price_tiers",
    "plot_discount_depth",
    "plot_van_westendorp",
    "plot_nms",
]


def _require_rows(table: pd.DataFrame, what: str) -> None:
    """A clear error instead of an empty figure (or NaN axis limits) when there is nothing to draw."""
    if len(table) == 0:
        raise DataError(f"Nothing to draw: {what} has no rows.")


def plot_elasticities(result, *, truth: Mapping[str, float] | None = None, ax=None):
    """Elasticity per group with its confidence interval; the true value as a cross if given.

    Raises NotIdentifiableError (a DataError) when no group's elasticity is identifiable.
    """
    result.identified_groups()  # nothing to draw otherwise: raises with the reasons
    ax = viz.get_ax(ax)
    table = result.summary().sort_values("elasticity")
    y = np.arange(len(table))
    colors = list(viz.category_palette(table.index).values())
    ok = table["identifiable"].to_numpy()
    err = np.vstack([table["elasticity"] - table["ci_low"], table["ci_high"] - table["elasticity"]])
    for i in np.flatnonzero(ok):  # one error bar per group (a handful)
        ax.errorbar(table["elasticity"].iloc[i], y[i], xerr=err[:, i:i + 1], fmt="o",
                    color=colors[i], capsize=3)  # fmt: skip
    if truth is not None:
        ax.scatter([truth.get(g, np.nan) for g in table.index], y, marker="x", color="black",
                   zorder=3, label="truth")  # fmt: skip
        # above the axes: inside, the legend's marker read as a truth value of the last row
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.axvline(-1, color=viz.NEUTRAL, linestyle="--", linewidth=1)
    ax.set_yticks(y, [g if k else f"{g} (not identifiable)" for g, k in zip(table.index, ok, strict=True)])
    ax.set_xlabel("price elasticity (dashed: -1, unit elastic)")
    return ax


def plot_price_quantity(result, group: str, *, ax=None):
    """Units against average price for one group (log scales), with the fitted line.

    With period fixed effects the units are shown net of the period effects
    (``units / exp(period_effect)``) and the line has the regression slope ``b``
    (``relative_elasticity``); otherwise raw units and the elasticity.
    """
    obs = result.observations
    data = obs[(obs["group"] == group) & (obs["units"] > 0)]
    _require_rows(data, f"group {group!r} (periods with sales)")
    ax = viz.get_ax(ax)
    row = result.summary().loc[group]
    adjusted = "period_effect" in data.columns and np.isfinite(row["relative_elasticity"])
    units = data["units"] * np.exp(-data["period_effect"]) if adjusted else data["units"]
    slope = row["relative_elasticity"] if adjusted else row["elasticity"]
    ax.scatter(data["price"], units, s=14, alpha=0.6, color=viz.category_color(group))
    if row["identifiable"]:
        grid = np.linspace(data["price"].min(), data["price"].max(), 50)
        centre = np.exp(np.mean(np.log(units)))
        ax.plot(grid, centre * (grid / row["ref_price"]) ** slope, color="black",
                label=f"slope {slope:.2f}")  # fmt: skip
        ax.legend()
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"average paid price per {result.freq} period ({viz.currency()}, log scale)")
    ax.set_ylabel("units net of period effects (log scale)" if adjusted else "units (log scale)")
    ax.set_title(group)
    return ax


def plot_price_response(curve: pd.DataFrame, *, optimum=None, current_price: float | None = None, ax=None):
    """Gross profit over prices (with the elasticity band if present), optimum and current price."""
    ax = viz.get_ax(ax)
    ax.plot(curve["price"], curve["gross_profit"], color="black", label="gross profit")
    if "profit_low" in curve:
        ax.fill_between(curve["price"], curve["profit_low"], curve["profit_high"], alpha=0.25,
                        color=viz.NEUTRAL, label="elasticity interval")  # fmt: skip
    if optimum is not None and optimum.finite:
        ax.axvline(optimum.price, color="tab:green", linestyle="--",
                   label=f"optimum {viz.fmt_cny(optimum.price, 1)}")  # fmt: skip
    if current_price is not None:
        ax.axvline(current_price, color="tab:red", linestyle=":",
                   label=f"current {viz.fmt_cny(current_price, 1)}")  # fmt: skip
    ax.set_xlabel(f"price ({viz.currency()})")
    ax.set_ylabel(f"gross profit per period ({viz.currency()})")
    ax.yaxis.set_major_formatter(viz.cny_formatter())
    ax.legend()
    return ax


def plot_price_scenario(scenario, *, ax=None):
    """The price slider's figure: profit curve, the chosen price and the optimum."""
    ax = plot_price_response(scenario.curve, optimum=scenario.optimum, ax=ax)
    ax.scatter([scenario.price], [scenario.gross_profit], color="tab:red", zorder=4, s=40)
    ax.axvline(scenario.ref_price, color=viz.NEUTRAL, linewidth=1)
    ax.set_title(scenario.group)
    return ax


def plot_break_even(table: pd.DataFrame, *, ax=None):
    """Heat map of the volume change needed to keep gross profit (rows: price change)."""
    ax = viz.get_ax(ax)
    values = table.to_numpy(dtype=float)
    shown = np.clip(values, -1, 2)
    im = ax.imshow(shown, cmap="RdYlGn_r", aspect="auto", vmin=-1, vmax=2)
    for (i, j), v in np.ndenumerate(values):  # annotate each cell of a small table
        ax.text(j, i, "n/a" if np.isnan(v) else f"{v:+.0%}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(table.shape[1]), [f"{m:.0%}" for m in table.columns])
    ax.set_yticks(range(table.shape[0]), [f"{p:+.0%}" for p in table.index])
    ax.set_xlabel("gross margin")
    ax.set_ylabel("price change")
    ax.figure.colorbar(im, ax=ax, label="volume change needed (capped at -100% / +200%)")
    return ax


def plot_break_even_scenario(scenario, *, ax=None):
    """The break-even explorer's figure: needed volume change over price changes at one margin."""
    ax = viz.get_ax(ax)
    curve = scenario.curve
    ax.plot(curve["price_change"], curve["required_volume_change"], color="black")
    ax.scatter([scenario.price_change], [scenario.required_volume_change], color="tab:red", zorder=3)
    ax.axhline(0, color=viz.NEUTRAL, linewidth=1)
    ax.axvline(0, color=viz.NEUTRAL, linewidth=1)
    ax.set_ylim(-1, 3)
    ax.xaxis.set_major_formatter(viz.percent_formatter())
    ax.yaxis.set_major_formatter(viz.percent_formatter())
    ax.set_xlabel("price change")
    ax.set_ylabel("volume change needed")
    ax.set_title(f"gross margin {scenario.margin:.0%}")
    return ax


def plot_unit_economics(table: pd.DataFrame, *, by: str = "category", ax=None):
    """Stacked bars per group: unit cost, fees and margin as shares of the average price."""
    _require_rows(table, "the unit-economics table")
    ax = viz.get_ax(ax)
    t = table.set_index(by)
    parts = pd.DataFrame({"unit cost": t["unit_cost"], "fees": t["fees"],
                          "margin": t["margin_per_unit"]}).div(t["avg_price"], axis=0)  # fmt: skip
    left = np.zeros(len(parts))
    for name, color in zip(parts.columns, [viz.NEUTRAL, "tab:orange", "tab:green"], strict=True):
        ax.barh(parts.index, parts[name], left=left, color=color, label=name)
        left += parts[name].to_numpy()
    ax.xaxis.set_major_formatter(viz.percent_formatter())
    ax.set_xlim(0, max(1.0, float(left.max())))
    ax.set_xlabel("share of the average paid price")
    # above the axes: the stacked bars fill the whole width, so any legend inside would cover them
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    return ax


def plot_price_index(table: pd.DataFrame, *, year=None, ax=None):
    """Price index of every company in one year (latest by default); the own shop highlighted."""
    ax = viz.get_ax(ax)
    year = table["year"].max() if year is None else year
    t = table[table["year"] == year].sort_values("price_index")
    colors = np.where(t["is_own"], "tab:red", viz.NEUTRAL)
    ax.barh(t["company"], t["price_index"], color=colors)
    ax.axvline(100, color="black", linewidth=1)
    ax.set_xlabel(f"price index {year} (100 = competitors' sales-weighted average price)")
    return ax


def plot_price_tiers(table: pd.DataFrame, *, by: str | None = None, ax=None):
    """Stacked bars per group: each price tier's share of units (tier 1 = cheapest).

    ``by`` is the group column; None takes the table's first column (as
    :func:`~ecomlib.pricing.price_tiers` returns it: ``category``, or ``group`` with by=None).
    """
    _require_rows(table, "the price-tier table")
    by = table.columns[0] if by is None else by
    ax = viz.get_ax(ax)
    shares = table.pivot(index=by, columns="tier", values="unit_share").fillna(0.0)
    left = np.zeros(len(shares))
    from matplotlib import colormaps

    blues = colormaps["Blues"](np.linspace(0.35, 0.9, shares.shape[1]))
    for k, tier in enumerate(shares.columns):
        ax.barh(shares.index, shares[tier], left=left, color=blues[k], label=f"tier {tier}")
        left += shares[tier].to_numpy()
    ax.xaxis.set_major_formatter(viz.percent_formatter())
    ax.set_xlabel("share of units (tier 1 = the cheapest products of the group)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return ax


def plot_discount_depth(result, *, ax=None):
    """Heat map of the mean effective discount per group (rows) and period (columns)."""
    _require_rows(result.table, "the discount-depth table")
    ax = viz.get_ax(ax)
    grid = result.table.pivot(index="group", columns="period_start", values="mean_discount")
    im = ax.imshow(grid.to_numpy(dtype=float), cmap="Reds", aspect="auto", vmin=0)
    ax.set_yticks(range(len(grid)), grid.index)
    step = max(1, grid.shape[1] // 12)
    ticks = range(0, grid.shape[1], step)
    ax.set_xticks(ticks, [pd.Timestamp(grid.columns[i]).strftime("%Y-%m") for i in ticks], rotation=45)
    ax.figure.colorbar(im, ax=ax, label="mean discount from list price",
                       format=viz.percent_formatter())  # fmt: skip
    return ax


def plot_van_westendorp(result, *, ax=None):
    """The four PSM curves, the price points and the shaded acceptable range."""
    ax = viz.get_ax(ax)
    c = result.curves
    styles = {"too_cheap": ("tab:green", ":"), "not_cheap": ("tab:green", "-"),
              "not_expensive": ("tab:red", "-"), "too_expensive": ("tab:red", ":")}  # fmt: skip
    for name, (color, style) in styles.items():
        ax.plot(c["price"], c[name], color=color, linestyle=style, label=name.replace("_", " "))
    low, high = result.acceptable_range
    if np.isfinite(low) and np.isfinite(high):
        ax.axvspan(low, high, color=viz.NEUTRAL, alpha=0.15, label="acceptable range")
    for k, (point, row) in enumerate(result.points.iterrows()):
        if np.isfinite(row["price"]):
            ax.axvline(row["price"], color="black", linewidth=0.8)
            ax.annotate(f"{point} {row['price']:.1f}", (row["price"], 1.04 - 0.07 * k), ha="left",
                        va="top", fontsize=8, xytext=(2, 0), textcoords="offset points")  # fmt: skip
    ax.yaxis.set_major_formatter(viz.percent_formatter())
    ax.set_xlabel(f"price ({viz.currency()})")
    ax.set_ylabel("share of respondents")
    ax.legend(loc="center right", fontsize=8)
    return ax


def plot_nms(result, *, ax=None):
    """Newton-Miller-Smith trial and revenue curves with their maxima."""
    ax = viz.get_ax(ax)
    c = result.curve
    ax.plot(c["price"], c["trial"], color="black", label="purchase probability")
    ax.axvline(result.trial_price, color="black", linestyle=":")
    ax.yaxis.set_major_formatter(viz.percent_formatter())
    ax.set_xlabel(f"price ({viz.currency()})")
    ax.set_ylabel("purchase probability")
    twin = ax.twinx()
    twin.plot(c["price"], c["revenue_index"], color="tab:blue", label="revenue index")
    twin.axvline(result.revenue_price, color="tab:blue", linestyle=":")
    twin.set_ylabel(f"revenue index ({viz.currency()} per respondent)", color="tab:blue")
    ax.legend(loc="upper left")
    return ax
