"""The retention chapter's group-bys as ibis expressions (DuckDB by default, any ibis backend).

Each function here mirrors a public function of :mod:`ecomlib.retention` and returns exactly
what the pandas path returns (same columns, index, order and dtypes); the public function
calls it when it is given an ibis Table, or a frame large enough for DuckDB
(:func:`~ecomlib.engine.config.choose_engine`). The rules — which lines count, the purchase
day, the cohort period, the observation end — come from :mod:`ecomlib.engine.rules`, the same
functions the pandas path uses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.engine import rules
from ecomlib.engine.backend import as_table, check_table, fetch, numeric_column
from ecomlib.errors import DataError

__all__ = [
    "purchase_days",
    "purchase_arrays",
    "rfm_summary",
    "cohort_counts",
    "churn_table",
    "inter_purchase_times",
    "customer_positions",
]

_NO_LINES = "once cancelled and return lines are set aside."


def _no_lines(customer_col: str, end_day=None, param: str = "transactions") -> DataError:
    return DataError(
        f"`{param}` has no purchase lines with a customer id (column {customer_col!r})"
        + (f" on or before as_of={end_day}" if end_day is not None else "")
        + f" {_NO_LINES}",
        fix="Retention needs orders linked to customers; check the customer id column and dates.",
    )


def _check(data, customer_col, date_col, value_col=None, extra=()):
    """The boundary checks: the pandas ones for a frame, the column checks for a Table."""
    if rules.is_ibis(data):
        required = [customer_col, date_col, *([value_col] if value_col else []), *extra]
        check_table(data, required, date_cols=[date_col])
    else:
        from ecomlib.retention.purchases import check_transactions

        check_transactions(data, customer_col=customer_col, date_col=date_col, value_col=value_col)


def _lines(t, *, customer_col, date_col, status_col, quantity_col, keep_returns=False):
    """Known, not-cancelled lines (and, unless ``keep_returns``, no return lines)."""
    keep = [rules.known_line(t[customer_col], t[date_col])]
    if status_col in t.columns:
        keep.append(rules.not_cancelled(t[status_col]))
    purchase = None
    if numeric_column(t, quantity_col):
        purchase = rules.is_purchase(t[quantity_col])
        if not keep_returns:
            keep.append(purchase)
    return t.filter(*keep), purchase


def purchase_days(t, *, customer_col, date_col, value_col, status_col, quantity_col, end_day=None):
    """One row per customer and purchase day: ``customer``, ``day`` [, ``value``] (an ibis Table)."""
    lines, _ = _lines(t, customer_col=customer_col, date_col=date_col, status_col=status_col,
                      quantity_col=quantity_col)
    cols = {"customer": lines[customer_col], "day": rules.day_number(lines[date_col])}
    if value_col:
        cols["value"] = lines[value_col].cast("float64")
    lines = lines.select(**cols)
    if end_day is not None:
        lines = lines.filter(lines.day <= int(np.datetime64(end_day, "D").astype(np.int64)))
    if value_col:
        return lines.group_by(["customer", "day"]).aggregate(value=lines.value.sum())
    return lines.distinct()


def _customer_index(values, data, customer_col) -> pd.Index:
    """Customer ids as the pandas path gives them (the input column's dtype for a frame)."""
    if isinstance(data, pd.DataFrame):
        return pd.Index(values, dtype=data[customer_col].dtype)
    return pd.Index(values)


def customer_positions(labels: pd.Index, index: pd.Index) -> np.ndarray:
    """The position of each id of ``labels`` in ``index`` (unique ids), -1 where it is absent.

    What ``index.get_indexer(labels)`` gives, without its side effect: pandas keeps the hash
    table it builds on the Index for as long as the Index lives, and for Arrow-string customer
    ids that table holds every id as a Python string (about 120 B per id, 1 GB at 8M customers,
    carried by a customer-level table to the end of a notebook). Arrow's ``index_in`` hashes
    the Arrow strings themselves and frees its table when done. The ids of ``index`` are unique
    when each one's first position is its own (``index_in`` of the index in itself: at 1.6M ids
    0.4 s and 39 MB, where ``count_distinct`` took 1.0 s and 280 MB). Ids Arrow cannot compare
    (mixed types, a non-unique ``index``) go to pandas, on a throwaway copy of the Index.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        within = pa.array(index.array)
        first = pc.index_in(within, value_set=within).fill_null(-1).to_numpy(zero_copy_only=False)
        if np.array_equal(first, np.arange(len(within))):
            found = pc.index_in(pa.array(labels.array), value_set=within)
            return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        pass
    return pd.Index(index.array, copy=False).get_indexer(labels)


def _columns(customer_col, date_col, value_col, status_col, quantity_col, *more):
    return [c for c in (customer_col, date_col, value_col, status_col, quantity_col, *more) if c]


def purchase_arrays(data, *, customer_col, date_col, value_col, status_col, quantity_col,
                    end_day=None, param="transactions"):
    """The ``(codes, customers, days, values)`` of :func:`ecomlib.retention.purchases.purchase_arrays`."""
    if rules.is_ibis(data):
        _check(data, customer_col, date_col, value_col)
    with as_table(data, _columns(customer_col, date_col, value_col, status_col, quantity_col)) as t:
        days = fetch(purchase_days(t, customer_col=customer_col, date_col=date_col, value_col=value_col,
                                   status_col=status_col, quantity_col=quantity_col, end_day=end_day))
    if days.empty:
        raise _no_lines(customer_col, end_day, param)
    days = days.sort_values(["customer", "day"], kind="stable")
    codes, customers = pd.factorize(days["customer"], sort=True)
    customers = _customer_index(customers, data, customer_col)
    values = days["value"].to_numpy(dtype=float) if value_col else None
    return codes.astype(np.int64), customers, days["day"].to_numpy(dtype=np.int64), values


def rfm_summary(data, as_of_day, unit_days: float, *, customer_col, date_col, value_col, status_col,
                quantity_col) -> pd.DataFrame:
    """:func:`ecomlib.retention.rfm_summary` on an ibis Table or in DuckDB (``as_of_day``: numpy day or None)."""
    _check(data, customer_col, date_col, value_col)
    with as_table(data, _columns(customer_col, date_col, value_col, status_col, quantity_col)) as t:
        days = purchase_days(t, customer_col=customer_col, date_col=date_col, value_col=value_col,
                             status_col=status_col, quantity_col=quantity_col, end_day=as_of_day)
        aggs = {"n": days.day.count(), "first": days.day.min(), "last": days.day.max()}
        if value_col:
            aggs["total"] = days.value.sum()
            aggs["first_value"] = days.value.argmin(days.day)
        per = fetch(days.group_by("customer").aggregate(**aggs))
    if per.empty:
        raise _no_lines(customer_col, as_of_day)
    per = per.sort_values("customer", kind="stable")
    end_day = rules.observation_end_day(as_of_day, per["last"].max())
    count = per["n"].to_numpy(dtype=np.int64)
    first = per["first"].to_numpy(dtype=np.int64)
    out = pd.DataFrame(
        {
            "frequency": (count - 1).astype(float),
            "recency": (per["last"].to_numpy(dtype=np.int64) - first) / unit_days,
            "T": (end_day - first) / unit_days,
        },
        index=pd.Index(_customer_index(per["customer"].array, data, customer_col), name="customer_id"),
    )
    if value_col:
        repeat_total = per["total"].to_numpy(dtype=float) - per["first_value"].to_numpy(dtype=float)
        out["monetary_value"] = np.where(count > 1, repeat_total / np.maximum(count - 1, 1), 0.0)
    return out


def _cell_expression(t, metric, freq, *, customer_col, date_col, value_col, order_col, status_col,
                     quantity_col):
    """(cohort, k, cell value) per reached cell, and the last period of any dated line."""
    import ibis

    lines, purchase = _lines(t, customer_col=customer_col, date_col=date_col, status_col=status_col,
                             quantity_col=quantity_col, keep_returns=(metric == "revenue"))
    cols = {"customer": lines[customer_col], "period": rules.period_number(lines[date_col], freq),
            "purchase": purchase if purchase is not None else ibis.literal(True)}
    if metric == "revenue":
        cols["value"] = lines[value_col].cast("float64")
    if metric == "orders":
        cols["order"] = lines[order_col]
    lines = lines.select(**cols)
    # one row per customer and period first (the grid's cells are built from these)
    if metric == "customers":
        cp = lines.filter(lines.purchase).select("customer", "period").distinct()
        first = cp
    elif metric == "orders":
        cp = lines.filter(lines.purchase).select("customer", "period", "order").distinct()
        first = cp
    else:
        cp = lines.group_by(["customer", "period"]).aggregate(n=lines.value.sum(), purchase=lines.purchase.any())
        first = cp.filter(cp.purchase)
    first = first.group_by("customer").aggregate(cohort=first.period.min())
    joined = cp.inner_join(first, "customer")
    joined = joined.mutate(k=joined.period - joined.cohort).filter(lambda s: s.k >= 0)
    by_cell = joined.group_by(["cohort", "k"])
    if metric == "customers":
        cells = by_cell.aggregate(n=joined.count())
    elif metric == "orders":
        # a missing order id counts as one more order of its cell, as on the pandas path
        cells = by_cell.aggregate(n=joined.order.nunique() + joined.order.isnull().any().cast("int64"))
    else:
        cells = by_cell.aggregate(n=joined.n.sum())
    last = rules.period_number(t[date_col], freq).max()
    return cells, last


def cohort_counts(data, metric: str, freq: str, *, customer_col, date_col, value_col, order_col,
                  status_col, quantity_col) -> pd.DataFrame:
    """The raw cohort x period grid of :func:`ecomlib.retention.cohort_table` (before normalising).

    Index: cohort period numbers (:func:`ecomlib.engine.rules.period_number`), columns 0, 1, ...
    periods since the first purchase; float cells, NaN where a cohort has not arrived yet.
    """
    _check(data, customer_col, date_col, value_col if metric == "revenue" else None,
           extra=[order_col] if metric == "orders" else [])
    cols = _columns(customer_col, date_col, value_col if metric == "revenue" else None, status_col,
                    quantity_col, order_col if metric == "orders" else None)
    with as_table(data, cols) as t:
        cells, last = _cell_expression(t, metric, freq, customer_col=customer_col, date_col=date_col,
                                       value_col=value_col, order_col=order_col, status_col=status_col,
                                       quantity_col=quantity_col)
        cells = fetch(cells)
        last = last.execute()
    if cells.empty:
        raise _no_lines(customer_col)
    last = int(last)
    cohort = cells["cohort"].to_numpy(dtype=np.int64)
    k = cells["k"].to_numpy(dtype=np.int64)
    lowest = int(cohort.min())
    cohorts = np.unique(cohort)
    n_periods = last - lowest + 1
    grid = np.zeros((len(cohorts), n_periods))
    grid[np.searchsorted(cohorts, cohort), k] = cells["n"].to_numpy(dtype=float)
    reachable = (cohorts[:, None] + np.arange(n_periods)[None, :]) <= last
    grid = np.where(reachable, grid, np.nan)
    return pd.DataFrame(grid, index=cohorts, columns=np.arange(n_periods))


def _day_log(data, as_of_day, *, customer_col, date_col, status_col, quantity_col):
    """Purchase days up to ``as_of`` (ibis Table) and the observation end (day number)."""
    t = data
    days = purchase_days(t, customer_col=customer_col, date_col=date_col, value_col=None,
                         status_col=status_col, quantity_col=quantity_col, end_day=as_of_day)
    if as_of_day is None:
        last = days.day.max().execute()
        if last is None or pd.isna(last):
            raise _no_lines(customer_col)
        return days, int(last)
    return days, rules.observation_end_day(as_of_day, None)


def _days_to_timestamps(days) -> np.ndarray:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[us]")


def churn_table(data, churn_days: int, as_of_day, *, customer_col, date_col, status_col,
                quantity_col) -> pd.DataFrame:
    """:func:`ecomlib.retention.churn_table` on an ibis Table or in DuckDB."""
    import ibis

    _check(data, customer_col, date_col)
    with as_table(data, _columns(customer_col, date_col, None, status_col, quantity_col)) as t:
        days, end = _day_log(t, as_of_day, customer_col=customer_col, date_col=date_col,
                             status_col=status_col, quantity_col=quantity_col)
        by_day = ibis.window(group_by="customer", order_by="day")
        gap = days.day.lead().over(by_day).fill_null(end) - days.day
        marked = days.mutate(churn_day=ibis.cases((gap >= churn_days, days.day), else_=None))
        marked = marked.mutate(first_churn=marked.churn_day.min().over(group_by="customer"))
        cut = marked.first_churn.fill_null(marked.day.max().over(group_by="customer"))
        marked = marked.mutate(cut=cut)
        per = marked.group_by("customer").aggregate(
            first=marked.day.min(), last=marked.cut.max(), churned=marked.first_churn.notnull().any(),
            purchases=(marked.day <= marked.cut).sum())
        per = fetch(per)
    if per.empty:
        raise _no_lines(customer_col, as_of_day)
    per = per.sort_values("customer", kind="stable")
    first = per["first"].to_numpy(dtype=np.int64)
    last = per["last"].to_numpy(dtype=np.int64)
    churned = per["churned"].to_numpy(dtype=bool)
    duration = np.where(churned, last + churn_days - first, end - first)
    return pd.DataFrame(
        {
            "first_purchase": _days_to_timestamps(first),
            "last_purchase": _days_to_timestamps(last),
            "purchases": per["purchases"].to_numpy(dtype=np.int64),
            "churned": churned,
            "duration_days": duration.astype(np.int64),
            "active_days": (last - first).astype(np.int64),
        },
        index=pd.Index(_customer_index(per["customer"].array, data, customer_col), name="customer_id"),
    )


def inter_purchase_times(data, as_of_day, *, customer_col, date_col, status_col,
                         quantity_col) -> pd.DataFrame:
    """:func:`ecomlib.retention.inter_purchase_times` on an ibis Table or in DuckDB."""
    import ibis

    _check(data, customer_col, date_col)
    with as_table(data, _columns(customer_col, date_col, None, status_col, quantity_col)) as t:
        days, _ = _day_log(t, as_of_day, customer_col=customer_col, date_col=date_col,
                           status_col=status_col, quantity_col=quantity_col)
        by_day = ibis.window(group_by="customer", order_by="day")
        gaps = days.mutate(previous=days.day.lag().over(by_day), number=ibis.row_number().over(by_day))
        gaps = fetch(gaps.filter(gaps.previous.notnull()))
    gaps = gaps.sort_values(["customer", "day"], kind="stable")
    day = gaps["day"].to_numpy(dtype=np.int64)
    return pd.DataFrame(
        {
            "customer_id": _customer_index(gaps["customer"].array, data, customer_col),
            "date": _days_to_timestamps(day),
            "purchase_number": gaps["number"].to_numpy(dtype=np.int64) + 1,
            "gap_days": day - gaps["previous"].to_numpy(dtype=np.int64),
        }
    )
