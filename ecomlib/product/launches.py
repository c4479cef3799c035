"""A launch's weeks, launches found in the order lines, and the chapter's two trainer computations.

* :func:`launch_weeks` picks one launch's weekly units out of a ``launch_sales`` table (the latest
  launch by default).
* :func:`launches_from_transactions` builds a ``launch_sales``-shaped table from order lines alone:
  products first sold well after the data begin, with their weekly units since that first week.
  It is the stand-in when a shop has no launch table (a real export such as UCI Online Retail).
* :func:`bass_explorer` and :func:`rule_explorer` are what the notebook's sliders re-run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.product.baskets import BasketMatrix, _as_matrix, association_rules
from ecomlib.product.diffusion import bass_adopters
from ecomlib.validation import check_columns, check_frame, check_numeric

__all__ = ["BassCurve", "LaunchWeeks", "RuleSet", "bass_explorer", "launch_weeks",
           "fit_launches", "launches_from_transactions", "rule_explorer"]


@dataclass(frozen=True)
class LaunchWeeks:
    """One launch: its product id, the Monday of each week since launch and the units sold."""

    product_id: str
    weeks: pd.DatetimeIndex
    units: np.ndarray

    @property
    def n_weeks(self) -> int:
        return len(self.units)


def launch_weeks(launch_sales: pd.DataFrame, product_id: str | None = None, *, item: str = "product_id",
                 week: str = "week", units: str = "units") -> LaunchWeeks:
    """The weekly units of one launch, in week order.

    Parameters
    ----------
    launch_sales : pandas.DataFrame
        One row per launch and week (``item``, ``week``, ``units``).
    product_id : str, optional
        The launch to take; empty or ``"latest"`` takes the launch whose first week is latest
        among those with at least 8 weeks (else the latest).
    """
    launch_sales = check_frame(launch_sales, "launch_sales")
    check_columns(launch_sales, [item, week, units], "launch_sales")
    check_numeric(launch_sales, [units], "launch_sales")
    ids = launch_sales[item].astype("str")
    if product_id in (None, "", "latest"):
        first = launch_sales.groupby(ids)[week].agg(["min", "size"])
        pool = first[first["size"] >= 8] if (first["size"] >= 8).any() else first
        product_id = str(pool.sort_values(["min"], kind="mergesort").index[-1])
    elif product_id not in set(ids):
        raise ParameterError(
            f"`launch` must be a product id of the launches, but {product_id!r} was passed.",
            fix=f"Use one of {', '.join(sorted(set(ids))[:10])} or 'latest'.",
        )
    one = launch_sales[ids == product_id].sort_values(week, kind="mergesort")
    weekly = one.groupby(week, sort=True)[units].sum()
    return LaunchWeeks(str(product_id), pd.DatetimeIndex(weekly.index), weekly.to_numpy(dtype=float))


def launches_from_transactions(tx: pd.DataFrame, *, lead_weeks: int = 8, min_weeks: int = 12,
                               min_units: float = 30.0, item: str = "product_id", date: str = "order_date",
                               units: str = "quantity", max_launches: int = 50) -> pd.DataFrame:
    """Products launched inside the data, found from the order lines alone.

    A product counts as launched when its first sale falls at least ``lead_weeks`` weeks after
    the first week of the data (earlier first sales may be old products seen for the first
    time), it was on sale for at least ``min_weeks`` weeks before the data end, and it sold at
    least ``min_units`` units. Its weeks run from the week of its first sale to the last week of
    the data, with 0 for weeks without sales; returns (negative quantities) are left out.

    Returns
    -------
    pandas.DataFrame
        ``launch_sales``-shaped: ``product_id``, ``week`` (Monday), ``week_number`` (1 = first
        week), ``units``; at most ``max_launches`` products, those with most units.

    Raises
    ------
    DataError
        When no product qualifies (the data are too short, or every product sold from the start).
    """
    tx = check_frame(tx, "tx")
    check_columns(tx, [item, date, units], "tx")
    check_numeric(tx, [units], "tx")
    sold = tx.loc[tx[units] > 0, [item, date, units]]
    day = pd.to_datetime(sold[date]).dt.normalize()
    week = (day - pd.to_timedelta(day.dt.day_of_week, unit="D")).astype("datetime64[us]")
    if week.empty:
        raise DataError("No order line with a positive quantity.", fix="Pass completed order lines.")
    first_week, last_week = week.min(), week.max()
    weekly = sold.assign(week=week).groupby([item, "week"], sort=True)[units].sum()
    start = weekly.reset_index().groupby(item)["week"].min()
    total = weekly.groupby(level=0).sum()
    age = ((last_week - start).dt.days // 7 + 1).astype(int)
    keep = (start >= first_week + pd.Timedelta(weeks=int(lead_weeks))) & (age >= int(min_weeks)) & (total >= min_units)
    chosen = total[keep].sort_values(ascending=False, kind="mergesort").index[: int(max_launches)]
    if len(chosen) == 0:
        raise DataError(
            f"No product was first sold {lead_weeks}+ weeks into the data and then sold for {min_weeks}+ weeks "
            f"({min_units:g}+ units).",
            fix="Supply a launches / launch_sales table, or a longer order history.",
        )
    frames = []
    for pid in sorted(chosen):
        weeks = pd.date_range(start[pid], last_week, freq="7D", unit="us")
        u = weekly.loc[pid].reindex(weeks, fill_value=0).to_numpy(dtype=float)
        frames.append(pd.DataFrame({"product_id": str(pid), "week": weeks,
                                    "week_number": np.arange(1, len(weeks) + 1), "units": u}))
    return pd.concat(frames, ignore_index=True).astype({"product_id": "str"})


@dataclass(frozen=True)
class BassCurve:
    """A Bass curve at chosen ``p, q, m`` beside a launch's actual weeks."""

    actual: np.ndarray
    curve: np.ndarray
    p: float
    q: float
    m: float

    @property
    def rmse(self) -> float:
        n = len(self.actual)
        return float(np.sqrt(np.mean((self.curve[:n] - self.actual) ** 2)))

    def headline(self) -> str:
        peak = int(np.argmax(self.curve)) + 1
        return (f"p={self.p:.3f}, q={self.q:.2f}, m={self.m:,.0f}: peak in week {peak}, "
                f"fit error {self.rmse:,.1f} units/week (RMSE over {len(self.actual)} weeks)")


def bass_explorer(actual, p: float, q: float, m: float, *, horizon: int = 0) -> BassCurve:
    """The Bass curve at ``(p, q, m)`` over the actual weeks plus ``horizon`` more."""
    actual = np.asarray(actual, dtype=float).ravel()
    if len(actual) < 1:
        raise DataError("The launch has no weeks.", fix="Pick a launch with sales.")
    periods = len(actual) + int(horizon)
    return BassCurve(actual, bass_adopters(periods, float(p), float(q), float(m)), float(p), float(q), float(m))


@dataclass(frozen=True)
class RuleSet:
    """Association rules at a minimum support and confidence, strongest (by lift) first."""

    rules: pd.DataFrame
    n_baskets: int
    min_support: float
    min_confidence: float

    def headline(self) -> str:
        if self.rules.empty:
            return (f"no rule reaches support {self.min_support:.2%} and confidence "
                    f"{self.min_confidence:.0%} in {self.n_baskets:,} baskets")
        top = self.rules.iloc[0]
        return (f"{len(self.rules):,} rules in {self.n_baskets:,} baskets; strongest "
                f"{'+'.join(top['antecedents'])} -> {'+'.join(top['consequents'])}: lift {top['lift']:.2f}, "
                f"confidence {top['confidence']:.1%} ({int(top['n_baskets'])} baskets)")


def rule_explorer(baskets: BasketMatrix | pd.DataFrame, min_support: float, min_confidence: float) -> RuleSet:
    """Pair rules at ``min_support`` and ``min_confidence`` (see :func:`association_rules`)."""
    bm = _as_matrix(baskets)
    rules = association_rules(bm, min_support=float(min_support), min_confidence=float(min_confidence))
    return RuleSet(rules, bm.n_baskets, float(min_support), float(min_confidence))


def fit_launches(launch_sales: pd.DataFrame, *, exclude=(), max_launches: int | None = None,
                 item: str = "product_id", week: str = "week", units: str = "units") -> pd.DataFrame:
    """Bass ``p, q, m`` of each launch in ``launch_sales`` (e.g. the analogues of a new launch).

    Launches whose series cannot be fitted (fewer than 4 weeks, or p, q, m not identified) are
    left out and counted in ``attrs['not_fitted']``.

    Returns
    -------
    pandas.DataFrame
        Index ``product_id``; columns ``p``, ``q``, ``m``, ``weeks``.

    Raises
    ------
    DataError
        When no launch could be fitted.
    """
    from ecomlib.errors import NotIdentifiableError
    from ecomlib.product.diffusion import fit_bass

    launch_sales = check_frame(launch_sales, "launch_sales")
    check_columns(launch_sales, [item, week, units], "launch_sales")
    ids = [i for i in pd.unique(launch_sales[item].astype("str")) if i not in set(exclude)]
    ids = ids[: int(max_launches)] if max_launches is not None else ids
    rows, failed = {}, 0
    for pid in ids:
        series = launch_weeks(launch_sales, pid, item=item, week=week, units=units)
        try:
            params = fit_bass(series.units).params
        except (DataError, NotIdentifiableError):
            failed += 1
            continue
        rows[pid] = {"p": float(params["p"]), "q": float(params["q"]), "m": float(params["m"]), "weeks": series.n_weeks}
    if not rows:
        raise DataError("No launch could be fitted with the Bass model.",
                        fix="Supply earlier launches with at least 4 weeks of sales each.")
    out = pd.DataFrame.from_dict(rows, orient="index").rename_axis("product_id")
    out.attrs["not_fitted"] = failed
    return out
