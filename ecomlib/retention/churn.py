"""When does a customer count as lost? Inter-purchase times, churn threshold, repeat rate.

In a shop without subscriptions nobody announces that they have left; we *declare* a
customer churned once they have not bought for ``churn_days``. The threshold should be
long compared with how long returning customers usually wait between purchases: a common
choice is the 90th percentile of the inter-purchase times (then only 1 in 10 returning
purchases comes after a gap that long) — see :func:`suggest_churn_threshold`.

:func:`churn_table` turns each customer's history into survival data: the time from the
first purchase until the customer is *declared* lost (the first gap of at least
``churn_days`` — last purchase before the gap plus ``churn_days``), or, if that has not
happened by ``as_of``, the time observed so far (a right-censored duration).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.engine.backend import route
from ecomlib.errors import DataError, NotIdentifiableError
from ecomlib.retention.purchases import check_transactions, purchase_log
from ecomlib.retention.rfm import _as_day, _window
from ecomlib.validation import check_positive, check_probability

__all__ = [
    "inter_purchase_times",
    "gap_distribution",
    "gap_quantile",
    "suggest_churn_threshold",
    "churn_table",
    "repeat_purchase_rate",
]


def _log(transactions, as_of, customer_col, date_col, status_col, quantity_col):
    check_transactions(transactions, customer_col=customer_col, date_col=date_col)
    end = None if as_of is None else _as_day(as_of, "as_of")
    window = _window(transactions, date_col, end=end)
    if window.empty:
        raise DataError(f"`transactions` has no purchases on or before as_of={as_of!r}.")
    log = purchase_log(window, customer_col=customer_col, date_col=date_col, value_col=None,
                       status_col=status_col, quantity_col=quantity_col)
    days = log["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    cust = log["customer_id"].to_numpy()
    if end is None:
        end = days.max()
    else:
        end = end.astype(np.int64)
    return log, cust, days, int(end)


def inter_purchase_times(
    transactions: pd.DataFrame,
    as_of=None,
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    status_col: str = "status",
    quantity_col: str = "quantity",
) -> pd.DataFrame:
    """Days between consecutive purchase days of the same customer.

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Order lines; required columns ``customer_col`` and ``date_col`` (datetime64).
    as_of : date-like, optional
        Ignore purchases after this day.
    customer_col, date_col, status_col, quantity_col : str
        Column names.

    Returns
    -------
    DataFrame
        One row per repeat purchase (an ibis Table is windowed on its backend, a large frame
        in DuckDB; see :func:`ecomlib.engine.choose_engine`): ``customer_id``, ``date`` (the repeat purchase day),
        ``purchase_number`` (2 for the second purchase day, ...), ``gap_days`` (int).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-01-11",
    ...                                                  "2024-01-31", "2024-01-05"])})
    >>> inter_purchase_times(tx)["gap_days"].tolist()
    [10, 20]
    """
    if route(transactions) == "ibis":
        from ecomlib.engine import retention as engine

        end = None if as_of is None else _as_day(as_of, "as_of")
        return engine.inter_purchase_times(transactions, end, customer_col=customer_col, date_col=date_col,
                                           status_col=status_col, quantity_col=quantity_col)
    log, cust, days, _ = _log(transactions, as_of, customer_col, date_col, status_col, quantity_col)
    new_customer = np.r_[True, cust[1:] != cust[:-1]]
    group = np.cumsum(new_customer) - 1
    number = np.arange(len(cust)) - np.flatnonzero(new_customer)[group]  # 0 for the first purchase
    repeat = ~new_customer
    gaps = np.diff(days, prepend=days[0])
    return pd.DataFrame(
        {
            "customer_id": log["customer_id"].to_numpy()[repeat],
            "date": log["date"].to_numpy()[repeat],
            "purchase_number": number[repeat] + 1,
            "gap_days": gaps[repeat].astype(np.int64),
        }
    )


def gap_distribution(
    transactions: pd.DataFrame,
    as_of=None,
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    status_col: str = "status",
    quantity_col: str = "quantity",
) -> pd.DataFrame:
    """How many repeat purchases came after a gap of each length: :func:`inter_purchase_times`, counted.

    One row per gap length instead of one per repeat purchase, so that a shop with tens of
    millions of repeat purchases gets a table of a few hundred rows. :func:`gap_quantile`,
    :func:`suggest_churn_threshold` and ``plotting.plot_inter_purchase_times`` read it as
    they read the gaps themselves, with the same results.

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Order lines, as for :func:`inter_purchase_times`. An ibis Table (or a frame large
        enough for DuckDB, :func:`ecomlib.engine.choose_engine`) is counted on its engine.
    as_of : date-like, optional
        Ignore purchases after this day.
    customer_col, date_col, status_col, quantity_col : str
        Column names.

    Returns
    -------
    DataFrame
        ``gap_days`` (int, ascending, each length once) and ``repeat_purchases`` (int).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b", "b"],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-21",
    ...                                                  "2024-01-05", "2024-01-08"])})
    >>> gap_distribution(tx).values.tolist()
    [[3, 1], [10, 2]]
    """
    if route(transactions) == "ibis":
        from ecomlib.engine import customers as engine

        end = None if as_of is None else _as_day(as_of, "as_of")
        return engine.gap_counts(transactions, end, customer_col=customer_col, date_col=date_col,
                                 status_col=status_col, quantity_col=quantity_col)
    gaps = inter_purchase_times(transactions, as_of, customer_col=customer_col, date_col=date_col,
                                status_col=status_col, quantity_col=quantity_col)
    counts = gaps["gap_days"].value_counts().sort_index()
    return pd.DataFrame({"gap_days": counts.index.to_numpy(dtype=np.int64),
                         "repeat_purchases": counts.to_numpy(dtype=np.int64)})


def _gap_values(gaps) -> tuple[np.ndarray, np.ndarray | None]:
    """Gap lengths and, for a :func:`gap_distribution` table, their counts (None: one each)."""
    if isinstance(gaps, pd.DataFrame) and "repeat_purchases" in gaps and "gap_days" in gaps:
        keep = gaps["gap_days"].notna().to_numpy() & (gaps["repeat_purchases"].to_numpy() > 0)
        return (gaps["gap_days"].to_numpy(dtype=float)[keep],
                gaps["repeat_purchases"].to_numpy(dtype=np.int64)[keep])
    values = gaps["gap_days"] if isinstance(gaps, pd.DataFrame) and "gap_days" in gaps else gaps
    return pd.Series(values).dropna().to_numpy(dtype=float), None


def _counted_quantile(values: np.ndarray, counts: np.ndarray, q: float) -> float:
    """``np.quantile`` (its default linear method) of ``values`` repeated ``counts`` times, without
    building that array: the two order statistics around (n - 1) q and numpy's interpolation."""
    order = np.argsort(values, kind="stable")
    values, ends = values[order], np.cumsum(counts[order])
    n = int(ends[-1])
    h = (n - 1) * q
    below = int(np.floor(h))
    t = h - below
    a = values[np.searchsorted(ends, below, side="right")]
    b = values[np.searchsorted(ends, min(below + 1, n - 1), side="right")]
    return float(b - (b - a) * (1 - t)) if t >= 0.5 else float(a + (b - a) * t)


def gap_quantile(gaps: pd.DataFrame | pd.Series, q: float) -> float:
    """The ``q`` quantile of the inter-purchase times (days), from the gaps or their distribution.

    Parameters
    ----------
    gaps : DataFrame or Series
        Output of :func:`inter_purchase_times` (``gap_days``), of :func:`gap_distribution`
        (``gap_days`` with ``repeat_purchases``), or the gaps themselves.
    q : float
        Quantile, 0-1 (0.5: the median).

    Returns
    -------
    float
        The same number as ``numpy.quantile`` of the gaps (linear interpolation); NaN without gaps.

    Examples
    --------
    >>> import pandas as pd
    >>> gap_quantile(pd.DataFrame({"gap_days": [3, 10], "repeat_purchases": [1, 2]}), 0.5)
    10.0
    """
    q = check_probability("q", q, open_interval=False)
    values, counts = _gap_values(gaps)
    if len(values) == 0:
        return float("nan")
    if counts is None:
        return float(np.quantile(values, q))
    return _counted_quantile(values, counts, q)


def suggest_churn_threshold(gaps: pd.DataFrame | pd.Series, quantile: float = 0.9) -> int:
    """Churn threshold in days: the ``quantile`` of the inter-purchase times, rounded up.

    Parameters
    ----------
    gaps : DataFrame or Series
        Output of :func:`inter_purchase_times` (uses ``gap_days``), of
        :func:`gap_distribution` (the same result from the counts), or the gaps themselves.
    quantile : float
        Share of returning purchases that come within the threshold (0-1), default 0.9.

    Returns
    -------
    int
        Days without a purchase after which a customer is declared lost.

    Examples
    --------
    >>> import pandas as pd
    >>> suggest_churn_threshold(pd.Series([10, 20, 30, 40, 100]), quantile=0.5)
    30
    """
    q = check_probability("quantile", quantile)
    values, counts = _gap_values(gaps)
    n = len(values) if counts is None else int(counts.sum())
    if n < 2:
        found = ("no customer made a second purchase, so there is no time between purchases"
                 if n == 0 else "only 1 found (a single repeat purchase)")
        raise NotIdentifiableError(
            f"At least 2 inter-purchase times are needed to suggest a churn threshold; {found}.",
            fix="Choose `churn_days` from business knowledge, e.g. 2-3 times the usual "
            "repurchase cycle of the category.",
        )
    if counts is not None:
        return int(np.ceil(_counted_quantile(values, counts, q)))
    return int(np.ceil(np.quantile(values, q)))


def churn_table(
    transactions: pd.DataFrame,
    churn_days: int,
    as_of=None,
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    status_col: str = "status",
    quantity_col: str = "quantity",
) -> pd.DataFrame:
    """Per customer: first purchase, whether they churned, and the time to churn (survival data).

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Order lines; required columns ``customer_col`` and ``date_col`` (datetime64). An ibis
        Table is windowed on its backend, a large frame in DuckDB
        (:func:`ecomlib.engine.choose_engine`); the result is the same.
    churn_days : int
        Days without a purchase after which a customer counts as lost (> 0).
    as_of : date-like, optional
        End of observation (inclusive). Default: last purchase day.
    customer_col, date_col, status_col, quantity_col : str
        Column names.

    Returns
    -------
    DataFrame
        Index ``customer_id``; columns ``first_purchase`` and ``last_purchase`` (timestamps;
        the last purchase before churning, or the latest one), ``purchases`` (purchase days
        before churn), ``churned`` (bool), ``duration_days`` (first purchase to the day
        the customer was declared lost, or to ``as_of`` if not lost: censored) and
        ``active_days`` (first to last purchase).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-03-25"])})
    >>> churn_table(tx, 30, as_of="2024-03-31")[["churned", "duration_days"]].values.tolist()
    [[True, 40], [False, 6]]
    """
    churn_days = int(check_positive("churn_days", churn_days))
    if route(transactions) == "ibis":
        from ecomlib.engine import retention as engine

        end = None if as_of is None else _as_day(as_of, "as_of")
        return engine.churn_table(transactions, churn_days, end, customer_col=customer_col, date_col=date_col,
                                  status_col=status_col, quantity_col=quantity_col)
    log, cust, days, end = _log(transactions, as_of, customer_col, date_col, status_col, quantity_col)
    n = len(cust)
    new_customer = np.r_[True, cust[1:] != cust[:-1]]
    last_of_customer = np.r_[new_customer[1:], True]
    next_day = np.where(last_of_customer, end, np.r_[days[1:], end])
    gap = next_day - days  # gap after each purchase day (open gap to as_of for the last one)
    is_churn_point = gap >= churn_days
    starts = np.flatnonzero(new_customer)
    # first churn point per customer: position of the first True within each group
    pos = np.where(is_churn_point, np.arange(n), n)
    first_churn = np.minimum.reduceat(pos, starts)
    churned = first_churn < n
    last_index = np.where(churned, first_churn, np.r_[starts[1:], n] - 1)
    first_day = days[starts]
    last_day = days[last_index]
    duration = np.where(churned, last_day + churn_days - first_day, end - first_day)
    return pd.DataFrame(
        {
            "first_purchase": log["date"].to_numpy()[starts],
            "last_purchase": log["date"].to_numpy()[last_index],
            "purchases": last_index - starts + 1,
            "churned": churned,
            "duration_days": duration.astype(np.int64),
            "active_days": (last_day - first_day).astype(np.int64),
        },
        index=pd.Index(cust[starts], name="customer_id"),
    )


def repeat_purchase_rate(
    transactions: pd.DataFrame,
    within_days: int | None = None,
    as_of=None,
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    status_col: str = "status",
    quantity_col: str = "quantity",
) -> pd.Series:
    """Share of customers who came back for a second purchase day.

    Parameters
    ----------
    transactions : DataFrame
        Order lines; required columns ``customer_col`` and ``date_col`` (datetime64).
    within_days : int, optional
        Count only second purchases within this many days of the first; then only
        customers observed for at least ``within_days`` are counted (fair comparison).
    as_of : date-like, optional
        End of observation. Default: last purchase day.
    customer_col, date_col, status_col, quantity_col : str
        Column names.

    Returns
    -------
    Series
        ``customers`` (counted), ``repeat_customers``, ``repeat_rate`` (0-1) and
        ``median_days_to_second`` (days from the first to the second purchase day).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-05"])})
    >>> float(repeat_purchase_rate(tx)["repeat_rate"])
    0.5
    """
    if route(transactions) == "ibis":
        first, to_second, counts, end, _ = _starts_on_engine(transactions, as_of, customer_col=customer_col,
                                                          date_col=date_col, status_col=status_col,
                                                          quantity_col=quantity_col)
        return _repeat_rate(first, to_second, counts, end, within_days)
    log, cust, days, end = _log(transactions, as_of, customer_col, date_col, status_col, quantity_col)
    new_customer = np.r_[True, cust[1:] != cust[:-1]]
    starts = np.flatnonzero(new_customer)
    counts = np.diff(np.r_[starts, len(cust)])
    first = days[starts]
    second_pos = np.minimum(starts + 1, len(cust) - 1)
    to_second = np.where(counts > 1, days[second_pos] - first, np.inf)
    return _repeat_rate(first, to_second, counts, end, within_days)


def _starts_on_engine(transactions, as_of, **columns):
    """``first`` day, days ``to_second`` (inf: none), purchase day ``counts`` per customer, and the end day."""
    from ecomlib.engine import customers as engine

    end = None if as_of is None else _as_day(as_of, "as_of")
    per, end_day = engine.purchase_starts(transactions, end, **columns)
    first, second, counts = (per[c].to_numpy() for c in ("first", "second", "n"))
    return first, np.where(counts > 1, second - first, np.inf), counts, end_day, per.index


def _repeat_rate(first, to_second, counts, end, within_days) -> pd.Series:
    """The repeat rate from each customer's first day, days to the second and purchase days."""
    eligible = np.ones(len(first), dtype=bool)
    if within_days is not None:
        within = check_positive("within_days", within_days)
        eligible = (end - first) >= within
        came_back = to_second <= within
    else:
        came_back = counts > 1
    n = int(eligible.sum())
    if n == 0:
        raise NotIdentifiableError(
            f"No customer has been observed for {within_days} days yet.",
            fix="Use a shorter `within_days` or a later `as_of`.",
        )
    repeaters = eligible & came_back
    finite = to_second[repeaters]
    return pd.Series(
        {
            "customers": n,
            "repeat_customers": int(repeaters.sum()),
            "repeat_rate": float(repeaters.sum() / n),
            "median_days_to_second": float(np.median(finite)) if len(finite) else float("nan"),
        }
    )
