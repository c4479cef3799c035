"""Figures of the promotion chapter. Each takes a computed result, draws on ``ax`` and returns it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib import viz
from ecomlib.errors import DataError

__all__ = [
    "plot_baseline",
    "plot_break_even",
    "plot_calendar",
    "plot_campaigns",
    "plot_did_leads",
    "plot_effects",
    "plot_synthetic",
]

_PERIOD_SHADE = {"during": "#E69F00", "post": "#CC79A7"}


def plot_baseline(result, *, ax=None, title: str | None = None):
    """Actual daily units against the baseline and its band; promotion and after-weeks shaded.

    ``result`` is a :class:`BaselineResult` or a :class:`PromotionEffects` (its lift baseline).
    """
    ax = viz.get_ax(ax, figsize=(9, 4))
    base = result.baselines["lift"] if hasattr(result, "baselines") else result
    f = base.frame
    ax.fill_between(f.index, f["lower"], f["upper"], color=viz.NEUTRAL, alpha=0.2, label="baseline band")
    ax.plot(f.index, f["baseline"], color=viz.NEUTRAL, lw=1.5, label=f"baseline ({base.method})")
    ax.plot(f.index, f["actual"], color="#0072B2", lw=1.2, label="actual")
    for period, colour in _PERIOD_SHADE.items():
        days = f.index[f["period"] == period]
        if len(days):
            ax.axvspan(days[0], days[-1] + pd.Timedelta(days=1), color=colour, alpha=0.12,
                       label="promotion" if period == "during" else "after")
    ax.set_ylabel("units per day")
    ax.set_title(title or "Actual sales against the baseline")
    # outside, right of the axes: inside, the legend covered the first weeks of the band and the series
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    _date_axis(ax)
    return ax


def _date_axis(ax) -> None:
    """Few, short date labels (month names, the year once) so that they never overlap."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def plot_effects(effects, *, ax=None, truth: dict | None = None):
    """Each effect with its interval (fractions); the simulation's truth as a diamond when given."""
    ax = viz.get_ax(ax)
    t = effects.table
    y = np.arange(len(t))[::-1]
    ax.errorbar(t["estimate"], y, xerr=[t["estimate"] - t["low"], t["high"] - t["estimate"]], fmt="o",
                color="#0072B2", capsize=4, label="estimate")
    if truth:
        vals = [truth.get(name, np.nan) for name in t.index]
        ax.scatter(vals, y, marker="D", color="#D55E00", zorder=3, label="truth")
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(y, t.index)
    ax.xaxis.set_major_formatter(viz.percent_formatter())
    ax.set_title(f"Effects of {effects.promo_id}")
    ax.legend(fontsize="small")
    return ax


def plot_campaigns(table: pd.DataFrame, *, ax=None):
    """ROI of every promotion (bars, best at the top) with the break-even line at 0.

    Raises :class:`DataError` when no promotion has an ROI (none estimated, or every cost 0).
    """
    t = table.dropna(subset=["roi"]).iloc[::-1] if table is not None and "roi" in table.columns else table
    if t is None or t.empty:
        raise DataError("No promotion has an ROI to show: none could be estimated, or none has a known cost "
                        "(calendars inferred from the data have cost 0).",
                        fix="Supply a promotions calendar with each promotion's cost.")
    ax = viz.get_ax(ax, figsize=(8, 0.45 * len(t) + 1.5))
    colours = np.where(t["roi"] >= 0, "#009E73", "#D55E00")
    ax.barh(t["name"].astype("str"), t["roi"], color=colours)
    ax.axvline(0, color="black", lw=1)
    ax.xaxis.set_major_formatter(viz.percent_formatter())
    ax.set_xlabel("ROI = (net incremental margin - cost) / cost")
    ax.set_title("Which promotions paid?")
    return ax


def plot_did_leads(result, *, ax=None):
    """Treated-minus-control gaps before the promotion (should straddle 0) and the DiD estimate."""
    ax = viz.get_ax(ax)
    leads = result.leads
    labels, est, lo, hi = [], [], [], []
    if leads is not None:
        for _, row in leads.iterrows():
            labels.append(pd.Timestamp(row["time"]).strftime("%m-%d") if not isinstance(row["time"], str) else row["time"])
            est.append(row["estimate"])
            lo.append(row["low"])
            hi.append(row["high"])
    labels += ["reference", "promotion"]
    est += [0.0, result.estimate]
    lo += [0.0, result.ci_low]
    hi += [0.0, result.ci_high]
    x = np.arange(len(labels))
    est, lo, hi = map(np.asarray, (est, lo, hi))
    colours = ["#0072B2"] * (len(labels) - 1) + ["#D55E00"]
    ax.errorbar(x, est, yerr=[est - lo, hi - est], fmt="none", ecolor=viz.NEUTRAL, capsize=4)
    ax.scatter(x, est, color=colours, zorder=3)
    ax.axhline(0, color="black", lw=1)
    ax.set_xticks(x, labels, rotation=30)
    p = leads.attrs.get("p_value") if leads is not None else None
    ax.set_title("Parallel trends check" + (f" (joint p = {p:.3f})" if p is not None and np.isfinite(p) else ""))
    ax.set_ylabel("treated - control (log units)")
    return ax


def plot_synthetic(result, *, ax=None):
    """The treated unit's path against its synthetic control (a :class:`SyntheticResult`); start marked."""
    ax = viz.get_ax(ax, figsize=(9, 4))
    path = result.path
    x = pd.to_datetime(path["time"]) if not pd.api.types.is_numeric_dtype(path["time"]) else path["time"]
    ax.plot(x, path["treated"], color="#D55E00", lw=2, label=f"{result.treated_unit} (treated)")
    ax.plot(x, path["synthetic"], color="#0072B2", lw=2, ls="--", label="synthetic control")
    post = path["post"].to_numpy() == 1
    if post.any():
        ax.axvline(x[np.flatnonzero(post)[0]], color=viz.NEUTRAL, lw=1)
    if not pd.api.types.is_numeric_dtype(path["time"]):
        import matplotlib.dates as mdates

        ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
        ax.tick_params(axis="x", labelrotation=30)
    ax.set_ylabel("outcome, pre-period mean removed" if abs(float(path["treated"][~post].mean())) < 1e-9
                  else "outcome")
    ax.set_title(f"Synthetic control: gap after the start {result.estimate:+.3f}")
    ax.legend(loc="best")
    return ax


def plot_break_even(economics, *, ax=None):
    """Break-even lift against discount depth, with the chosen discount and expected lift."""
    ax = viz.get_ax(ax)
    c = economics.curve
    ax.plot(c["discount"], c["break_even_lift"], color="#0072B2", label=f"break-even lift at {economics.margin:.0%} margin")
    ax.fill_between(c["discount"], c["break_even_lift"], c["break_even_lift"].max() * 1.1, color="#009E73",
                    alpha=0.08, label="pays")
    ok = economics.lift >= economics.break_even_lift
    ax.scatter([economics.discount], [economics.lift], color="#009E73" if ok else "#D55E00", zorder=3, s=60,
               label=f"this promotion: profit change {viz.fmt_cny(economics.profit_change)}")
    ax.xaxis.set_major_formatter(viz.percent_formatter())
    ax.yaxis.set_major_formatter(viz.percent_formatter())
    ax.set_ylim(0, min(c["break_even_lift"].max() * 1.1, 5))
    ax.set_xlabel("discount (share of price)")
    ax.set_ylabel("lift in units needed")
    ax.legend(fontsize="small")
    return ax


def plot_calendar(daily, promotions: pd.DataFrame, *, ax=None):
    """Daily units of the whole shop with every promotion shaded (festivals darker).

    ``promotions`` None (no calendar supplied or found): the daily units alone, and the title says so.
    """
    ax = viz.get_ax(ax, figsize=(10, 3.5))
    if promotions is None:
        promotions = pd.DataFrame(columns=["start", "end", "kind"])
    total = daily.units.sum(axis=1)
    ax.plot(total.index, total.to_numpy(), color="#0072B2", lw=0.8)
    for _, promo in promotions.iterrows():
        festival = promo.get("kind") == "festival"
        ax.axvspan(promo["start"], promo["end"] + pd.Timedelta(days=1), color="#D55E00" if festival else "#E69F00",
                   alpha=0.25 if festival else 0.15)
    ax.set_ylabel("units per day")
    ax.set_title("Daily units; promotions shaded (festivals darker)" if len(promotions)
                 else "Daily units (no promotion in the calendar or found in the data)")
    return ax
