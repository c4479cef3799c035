"""Product portfolio views: growth-share matrix, ABC-XYZ classes, life-cycle stage (book 3.2, 5.1).

The book speaks of planning a product range; the rules below are ours, and every threshold is a
parameter.

* :func:`growth_share` — each category (or product) by its relative share (its revenue over the
  largest other one's, in the latest span) and its growth (latest span over the span before);
  quadrants: *star* (relative share >= ``share_threshold`` and growth >= ``growth_threshold``),
  *cash cow* (high share, low growth), *question mark* (low share, high growth), *dog* (low, low);
  *new* when it had no sales in the earlier span.
* :func:`abc_xyz` — A/B/C by cumulative revenue share, X/Y/Z by the coefficient of variation of
  weekly units.
* :func:`life_cycle_stage` — introduction / growth / maturity / decline from a product's own
  weekly sales; "too short to tell" when the curve is short.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_columns, check_frame, check_numeric, check_positive

__all__ = ["abc_xyz", "growth_share", "life_cycle_stage", "weekly_units"]


def _dates(df: pd.DataFrame, col: str, param: str) -> pd.Series:
    d = pd.to_datetime(df[col], errors="coerce")
    if d.isna().any():
        raise DataError(
            f"`{param}` column {col!r} has {int(d.isna().sum())} missing or unreadable date(s).",
            fix="Load the data through ecomlib.data, or drop rows without a date.",
        )
    return d


def _week_start(d: pd.Series) -> pd.Series:
    """Monday of each date's week (weeks run Monday to Sunday)."""
    day = d.dt.normalize()
    return day - pd.to_timedelta(day.dt.day_of_week, unit="D")


def growth_share(
    sales: pd.DataFrame,
    *,
    level: str = "category",
    value: str = "revenue",
    date: str = "order_date",
    growth_span: int = 365,
    end=None,
    share_threshold: float = 1.0,
    growth_threshold: float = 0.10,
    pooled=(),
) -> pd.DataFrame:
    """Growth-share matrix of categories or products.

    Parameters
    ----------
    sales : pandas.DataFrame
        One row per order line (or any sales rows) with ``level``, ``value`` and ``date``.
    level : str
        Column naming the unit (e.g. ``category`` or ``product_id``).
    value : str
        Sales measure, e.g. revenue in CNY.
    date : str
        Date column.
    growth_span : int
        Length of each span in days: the latest span ends at ``end`` (inclusive); growth compares
        it with the span just before.
    end : date-like, optional
        Last day of the latest span; by default the last date in ``sales``.
    share_threshold : float
        Relative share at and above which a unit counts as high share (1.0: it leads).
    growth_threshold : float
        Growth (a fraction, 0.10 = +10 %) at and above which a unit counts as high growth.
    pooled : sequence of str, default ()
        Catch-all groups that are not units (the ``"other"`` of
        :func:`ecomlib.data.substitutes.category_substitute`, its ``pooled``): they count in the
        total behind ``market_share`` but are never the largest other unit; their
        ``relative_share`` is NaN, their quadrant ``"pooled"``, and they come last.

    Returns
    -------
    pandas.DataFrame
        One row per unit: ``current``, ``previous`` (value in each span), ``growth``,
        ``market_share`` (of the latest span's total), ``relative_share`` (``current`` over the
        largest other unit's), ``quadrant``; sorted by ``current``, descending, pooled groups last.
    """
    sales = check_frame(sales, "sales")
    check_columns(sales, [level, value, date], "sales")
    check_numeric(sales, [value], "sales")
    span = int(check_positive("growth_span", growth_span))
    share_threshold = check_positive("share_threshold", share_threshold)
    d = _dates(sales, date, "sales").dt.normalize()
    end = d.max() if end is None else pd.Timestamp(end).normalize()
    cut = end - pd.Timedelta(days=span)
    first = cut - pd.Timedelta(days=span)
    if d.min() > first + pd.Timedelta(days=1):
        raise DataError(
            f"Growth over {span} days needs two spans of data ({first + pd.Timedelta(days=1):%Y-%m-%d} to "
            f"{end:%Y-%m-%d}), but the data start on {d.min():%Y-%m-%d}.",
            fix="Pass a shorter `growth_span` or an earlier `start`.",
        )
    span_of = np.select([(d > cut) & (d <= end), (d > first) & (d <= cut)], ["current", "previous"], "")
    rows = sales.assign(_span=span_of)
    rows = rows[rows["_span"] != ""]
    table = rows.pivot_table(index=level, columns="_span", values=value, aggfunc="sum", fill_value=0.0)
    table = table.reindex(columns=["current", "previous"], fill_value=0.0).astype(float)
    is_pooled = table.index.isin(list(pooled))
    if (~is_pooled).sum() < 2:
        raise DataError(
            f"A growth-share matrix compares units; only {(~is_pooled).sum()} {level!r} value(s) have sales"
            + (f" besides the pooled {sorted(map(str, pooled))}." if is_pooled.any() else "."),
            fix="Use a finer `level` (e.g. product_id instead of category).",
        )
    cur = table["current"].to_numpy()
    ranked = np.where(is_pooled, -np.inf, cur)  # pooled groups are never the largest other unit
    order = np.argsort(-ranked, kind="stable")
    top, second = cur[order[0]], cur[order[1]]
    largest_other = np.where(np.arange(len(cur)) == order[0], second, top)
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where(table["previous"] > 0, cur / table["previous"].to_numpy() - 1, np.nan)
        relative = np.where(largest_other > 0, cur / largest_other, np.inf)
    high_share = relative >= share_threshold
    high_growth = growth >= growth_threshold
    quadrant = np.select(
        [is_pooled, np.isnan(growth), high_share & high_growth, high_share, high_growth],
        ["pooled", "new", "star", "cash cow", "question mark"],
        "dog",
    )
    out = table.assign(
        growth=growth,
        market_share=cur / cur.sum() if cur.sum() > 0 else np.nan,
        relative_share=np.where(is_pooled, np.nan, relative),
        quadrant=quadrant,
        _pooled=is_pooled,
    )
    out.columns.name = None
    out = out.sort_values(["_pooled", "current"], ascending=[True, False], kind="mergesort")
    return out.drop(columns="_pooled")


def weekly_units(
    sales: pd.DataFrame, *, item: str = "product_id", date: str = "order_date", units: str = "quantity"
) -> pd.DataFrame:
    """Units per item and week (weeks start on Monday), every week of the data, zeros filled.

    Returns
    -------
    pandas.DataFrame
        Index: week start dates; columns: items.
    """
    sales = check_frame(sales, "sales")
    check_columns(sales, [item, date, units], "sales")
    check_numeric(sales, [units], "sales")
    week = _week_start(_dates(sales, date, "sales"))
    table = sales.assign(_week=week).pivot_table(index="_week", columns=item, values=units, aggfunc="sum", fill_value=0)
    weeks = pd.date_range(week.min(), week.max(), freq="7D")
    table = table.reindex(weeks, fill_value=0).astype(float)
    table.index.name = "week"
    table.columns.name = item
    return table


def abc_xyz(
    sales: pd.DataFrame,
    *,
    item: str = "product_id",
    date: str = "order_date",
    revenue: str = "revenue",
    units: str = "quantity",
    abc: tuple[float, float] = (0.8, 0.95),
    xyz: tuple[float, float] = (0.5, 1.0),
) -> pd.DataFrame:
    """ABC-XYZ classification of products.

    ABC: rank items by revenue; an item is **A** while the items ranked above it hold less than
    ``abc[0]`` of revenue (so the item that crosses the line is A), **B** while they hold less than
    ``abc[1]``, else **C**. XYZ: the coefficient of variation (population standard deviation over
    mean) of the item's weekly units over every week of the data (weeks without sales count as
    0): **X** when CV <= ``xyz[0]``, **Y** when <= ``xyz[1]``, else **Z** (also when it sold no
    units).

    Returns
    -------
    pandas.DataFrame
        One row per item: ``revenue``, ``revenue_share``, ``cumulative_share``, ``abc``,
        ``weekly_mean``, ``cv``, ``xyz``, ``class`` (e.g. ``"AX"``); sorted by revenue.
    """
    sales = check_frame(sales, "sales")
    check_columns(sales, [item, date, revenue, units], "sales")
    check_numeric(sales, [revenue, units], "sales")
    a_cut, b_cut = _cuts("abc", abc, upper=1.0)
    x_cut, y_cut = _cuts("xyz", xyz, upper=np.inf)
    rev = sales.groupby(item)[revenue].sum().astype(float)
    rev = rev.iloc[np.lexsort((rev.index.astype(str), -rev.to_numpy()))]
    total = rev.sum()
    if not total > 0:
        raise DataError("ABC classes need positive total revenue.", fix="Check the revenue column.")
    share = rev / total
    before = share.cumsum() - share
    eps = 1e-12  # cumulative sums of shares carry rounding: 0.7 + 0.2 is not below 0.9
    abc_class = np.select([before < a_cut - eps, before < b_cut - eps], ["A", "B"], "C")
    weekly = weekly_units(sales, item=item, date=date, units=units).reindex(columns=rev.index)
    mean = weekly.mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = weekly.std(ddof=0) / mean.where(mean > 0)
    xyz_class = np.select([cv <= x_cut, cv <= y_cut], ["X", "Y"], "Z")
    out = pd.DataFrame(
        {
            "revenue": rev,
            "revenue_share": share,
            "cumulative_share": share.cumsum(),
            "abc": abc_class,
            "weekly_mean": mean,
            "cv": cv,
            "xyz": xyz_class,
        }
    )
    out["class"] = out["abc"] + out["xyz"]
    return out


def _cuts(name: str, cuts, *, upper: float) -> tuple[float, float]:
    try:
        lo, hi = (float(c) for c in cuts)
    except (TypeError, ValueError):
        raise ParameterError(f"`{name}` must be two numbers (low, high), but {cuts!r} was passed.") from None
    if not (0 < lo < hi <= upper):
        raise ParameterError(f"`{name}` cut-offs must satisfy 0 < low < high <= {upper}, but {cuts!r} was passed.")
    return lo, hi


STAGES = ("introduction", "growth", "maturity", "decline", "too short to tell")


def life_cycle_stage(
    sales: pd.DataFrame,
    *,
    item: str = "product_id",
    date: str = "order_date",
    units: str = "quantity",
    window: int = 4,
    flat: float = 0.15,
    min_weeks: int | None = None,
) -> pd.DataFrame:
    """Life-cycle stage of each product from its own weekly sales curve.

    The rule (ours). Take the product's weekly units from its first week with sales to the last
    week of the data, and the mean of each of the last three blocks of ``window`` weeks,
    ``w1, w2, w3`` (oldest to newest). The recent change is ``w3 / w2 - 1``.

    * **too short to tell**: fewer than ``min_weeks`` (default ``3 * window``) weeks since the
      first sale;
    * **decline**: the change is below ``-flat`` (or nothing sold in the last block);
    * **maturity**: the change is within ``±flat``;
    * rising (the change is above ``+flat``): **introduction** when the rise is speeding up
      (``w3 - w2 > w2 - w1``, the slow start of a diffusion curve), **growth** when it is slowing
      down toward a peak.

    The change's 95 % interval (``change_low``, ``change_high``, from the weekly variation within
    the two blocks, on the log scale) shows how sure the call is; ``settled`` is False when that
    interval crosses the threshold that decided the stage.

    The rule reads raw weekly sales: a seasonal peak (Double 11, the year-end festivals) looks
    like growth and its end like decline. On the sample shop's established catalogue, with the
    data ending in December, most products come out rising but few calls are settled; read the
    stage of a seasonal product from a launch's first weeks or year over year.

    Returns
    -------
    pandas.DataFrame
        One row per item: ``weeks``, ``w1``, ``w2``, ``w3``, ``change``, ``change_low``,
        ``change_high``, ``stage``, ``settled``.
    """
    window = int(check_positive("window", window))
    flat = check_positive("flat", flat)
    min_weeks = 3 * window if min_weeks is None else int(min_weeks)
    if min_weeks < 3 * window:
        raise ParameterError(f"`min_weeks` must be at least 3 * window = {3 * window}, but {min_weeks} was passed.")
    weekly = weekly_units(sales, item=item, date=date, units=units)
    values = weekly.to_numpy()
    n_weeks = len(weekly)
    started = values > 0
    first = np.where(started.any(axis=0), started.argmax(axis=0), n_weeks)
    age = n_weeks - first
    blocks = []
    for k in (3, 2, 1):  # w1 (oldest) .. w3 (latest)
        block = values[n_weeks - k * window : n_weeks - (k - 1) * window] if n_weeks >= k * window else np.full((window, values.shape[1]), np.nan)
        blocks.append(block)
    w1, w2, w3 = (b.mean(axis=0) for b in blocks)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = w3 / w2 - 1
        se_log = np.sqrt(blocks[2].var(axis=0, ddof=1) / (window * w3**2) + blocks[1].var(axis=0, ddof=1) / (window * w2**2))
        log_ratio = np.log(w3 / w2)
        low = np.exp(log_ratio - 1.96 * se_log) - 1
        high = np.exp(log_ratio + 1.96 * se_log) - 1
    short = age < min_weeks
    rising = change > flat
    stage = np.select(
        [short, (change < -flat) | (w3 == 0), ~rising, (w3 - w2) > (w2 - w1)],
        ["too short to tell", "decline", "maturity", "introduction"],
        "growth",
    )
    settled = np.select(
        [short, (change < -flat) | (w3 == 0), ~rising],
        [False, (high < -flat) | (w3 == 0), (low >= -flat) & (high <= flat)],
        low > flat,
    )
    return pd.DataFrame(
        {
            "weeks": age,
            "w1": w1,
            "w2": w2,
            "w3": w3,
            "change": change,
            "change_low": low,
            "change_high": high,
            "stage": stage,
            "settled": settled.astype(bool),
        },
        index=weekly.columns,
    )
