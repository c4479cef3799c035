"""Cohort tables: how many customers of each first-purchase month come back, and when.

A customer's *cohort* is the period (week, month or quarter) of their first purchase;
period k of a cohort is the k-th period after it (k = 0 is the first-purchase period).
The cell (cohort c, period k) holds the number of cohort-c customers who bought in period
c + k (``metric="customers"``), their orders, or their revenue net of returns. With
``normalize=True`` every row is divided by its period-0 value, so the ``customers`` table
reads as retention rates: the share of a cohort still buying k periods later.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.engine import rules
from ecomlib.engine.backend import route
from ecomlib.errors import DataError
from ecomlib.retention.purchases import check_transactions
from ecomlib.validation import check_argument, check_columns

__all__ = ["cohort_table", "average_retention", "COHORT_FREQS", "COHORT_METRICS"]

COHORT_FREQS = ("W", "M", "Q")
COHORT_METRICS = ("customers", "orders", "revenue")


def _period_numbers(dates: pd.Series, freq: str) -> np.ndarray:
    """Integer period of each timestamp: weeks (Monday start), months or quarters since 1970."""
    return rules.period_number(dates, freq)


def _period_labels(numbers: np.ndarray, freq: str) -> pd.Index:
    if freq == "W":
        starts = (numbers * 7 - 3).astype("datetime64[D]")
        return pd.PeriodIndex(pd.DatetimeIndex(starts), freq="W-SUN")
    if freq == "M":
        return pd.PeriodIndex(pd.DatetimeIndex(numbers.astype("datetime64[M]")), freq="M")
    return pd.PeriodIndex(pd.DatetimeIndex((numbers * 3).astype("datetime64[M]")), freq="Q")


def _counts(transactions, metric, freq, *, customer_col, date_col, value_col, order_col, status_col,
            quantity_col):
    """Cohort x period table of counts or sums (floats; NaN where a cohort has not arrived yet)."""
    if route(transactions) == "ibis":
        from ecomlib.engine import retention as engine

        return engine.cohort_counts(transactions, metric, freq, customer_col=customer_col, date_col=date_col,
                                    value_col=value_col, order_col=order_col, status_col=status_col,
                                    quantity_col=quantity_col)
    codes, _ = pd.factorize(transactions[customer_col])
    dates = transactions[date_col].to_numpy()
    keep = (codes >= 0) & rules.known_line(transactions[customer_col], transactions[date_col]).to_numpy()
    if status_col in transactions.columns:
        keep &= rules.not_cancelled(transactions[status_col]).to_numpy()
    is_purchase = np.ones(len(codes), dtype=bool)
    if quantity_col in transactions.columns and pd.api.types.is_numeric_dtype(transactions[quantity_col]):
        is_purchase = rules.is_purchase(transactions[quantity_col]).to_numpy()
    if metric != "revenue":
        keep &= is_purchase  # only revenue counts return lines (as negative revenue)
    if not (keep & is_purchase).any():
        raise DataError(
            f"`transactions` has no purchase lines with a customer id (column {customer_col!r}) "
            "once cancelled and return lines are set aside.",
            fix="Retention needs orders linked to customers; check the customer id column.",
        )
    period_all = _period_numbers(transactions[date_col], freq)
    last = int(period_all[~np.isnat(dates)].max())
    codes, period, is_purchase = codes[keep], period_all[keep], is_purchase[keep]
    # cohort = first purchase period of each customer (return lines do not start a cohort)
    never = np.iinfo(np.int64).max
    first = np.full(codes.max() + 1, never)
    np.minimum.at(first, codes[is_purchase], period[is_purchase])
    cohort = first[codes]
    has_cohort = (cohort != never) & (period >= cohort)  # a return before the first purchase has no cell
    codes, period, cohort = codes[has_cohort], period[has_cohort], cohort[has_cohort]
    # cohorts present, numbered 0.. in time order (periods are small integers: no sort needed)
    lowest = int(cohort.min())
    present = np.bincount(cohort - lowest) > 0
    cohorts = np.flatnonzero(present) + lowest
    number = np.cumsum(present) - 1
    n_periods = last - lowest + 1
    if metric == "customers":
        # each (customer, period) once, marked in a customers x periods grid
        seen = np.zeros((codes.max() + 1) * n_periods, dtype=bool)
        seen[codes.astype(np.int64) * n_periods + (period - lowest)] = True
        pairs = np.flatnonzero(seen)
        customer, period = pairs // n_periods, pairs % n_periods + lowest
        start = first[customer]
        cell = number[start - lowest] * n_periods + (period - start)
        sums = np.bincount(cell, minlength=len(cohorts) * n_periods).astype(float)
    elif metric == "revenue":
        cell = number[cohort - lowest] * n_periods + (period - cohort)
        weights = transactions[value_col].to_numpy(dtype=float)[keep][has_cohort]
        sums = np.bincount(cell, weights=weights, minlength=len(cohorts) * n_periods)
    else:
        cell = number[cohort - lowest] * n_periods + (period - cohort)
        ids, _ = pd.factorize(transactions[order_col])
        ids = ids[keep][has_cohort]
        n_ids = np.int64(ids.max() + 2)
        pairs = np.sort(cell * n_ids + (ids + 1))
        distinct = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]  # each (cell, order) pair once
        sums = np.bincount(distinct // n_ids, minlength=len(cohorts) * n_periods).astype(float)
    values = sums.reshape(len(cohorts), n_periods)
    reachable = (cohorts[:, None] + np.arange(n_periods)[None, :]) <= last
    values = np.where(reachable, values, np.nan)  # zero if reached, NaN if not
    return pd.DataFrame(values, index=cohorts, columns=np.arange(n_periods))


def cohort_table(
    transactions: pd.DataFrame,
    freq: str = "M",
    metric: str = "customers",
    normalize: bool = True,
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str = "revenue",
    order_col: str = "order_id",
    status_col: str = "status",
    quantity_col: str = "quantity",
) -> pd.DataFrame:
    """Cohorts by first-purchase period against periods since the first purchase.

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Order lines. Required columns: ``customer_col``, ``date_col`` (datetime64); plus
        ``order_col`` for ``metric="orders"`` and ``value_col`` (CNY) for
        ``metric="revenue"``. Cancelled lines are dropped; return lines (negative
        ``quantity_col``) count only in revenue, as negative revenue in their own period.
        An ibis Table (DuckDB, PostgreSQL, ...) is grouped on its backend, a large frame in
        DuckDB (:func:`ecomlib.engine.choose_engine`); only the cohort grid comes back.
    freq : {"W", "M", "Q"}
        Period length: weeks (Monday to Sunday), calendar months or quarters.
    metric : {"customers", "orders", "revenue"}
        What a cell counts: distinct buying customers, distinct orders, or revenue net of
        returns (CNY).
    normalize : bool
        Divide each row by its period-0 value (retention rates / revenue retention).
    customer_col, date_col, value_col, order_col, status_col, quantity_col : str
        Column names.

    Returns
    -------
    DataFrame
        Index ``cohort`` (pandas Period of the first purchase), columns ``period`` (0, 1, ...
        periods since the first purchase). Cells a cohort has not reached yet are NaN; the
        last calendar period may be incomplete.

    Raises
    ------
    DataError
        When no line has a customer id.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "a", "c"],
    ...                    "order_date": pd.to_datetime(["2024-01-03", "2024-01-20",
    ...                                                  "2024-02-05", "2024-02-07"])})
    >>> cohort_table(tx).round(2).to_numpy().tolist()
    [[1.0, 0.5], [1.0, nan]]

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2010). Customer-base valuation in a contractual
    setting: the perils of ignoring heterogeneity. *Marketing Science* 29(1), 85-93.
    """
    check_argument("freq", list(COHORT_FREQS), freq)
    check_argument("metric", list(COHORT_METRICS), metric)
    if not rules.is_ibis(transactions):
        check_transactions(
            transactions,
            customer_col=customer_col,
            date_col=date_col,
            value_col=value_col if metric == "revenue" else None,
        )
        if metric == "orders":
            check_columns(transactions, [order_col], "transactions")
    table = _counts(
        transactions,
        metric,
        freq,
        customer_col=customer_col,
        date_col=date_col,
        value_col=value_col,
        order_col=order_col,
        status_col=status_col,
        quantity_col=quantity_col,
    )
    if normalize:
        base = table[0].replace(0, np.nan)
        table = table.div(base, axis=0)
    table.index = _period_labels(table.index.to_numpy(), freq)
    table.index.name = "cohort"
    table.columns.name = "period"
    return table


def average_retention(
    transactions: pd.DataFrame,
    freq: str = "M",
    metric: str = "customers",
    **columns,
) -> pd.DataFrame:
    """Retention curve averaged over cohorts, weighted by cohort size.

    For period k, the average is (sum over cohorts that reached k of their period-k value) /
    (sum of the same cohorts' period-0 values), so large cohorts weigh more and cohorts that
    have not reached k yet are left out.

    Parameters
    ----------
    transactions : DataFrame
        Order lines, as for :func:`cohort_table`.
    freq, metric : str
        As for :func:`cohort_table`.
    **columns
        Column-name keywords of :func:`cohort_table`.

    Returns
    -------
    DataFrame
        Index ``period``; columns ``retention`` (share of period 0), ``cohorts`` (number of
        cohorts that reached the period) and ``base`` (their period-0 total).

    Raises
    ------
    DataError
        When no line has a customer id, or when every purchase falls in one period (the
        curve needs at least 2 periods).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "b", "a", "c"],
    ...                    "order_date": pd.to_datetime(["2024-01-03", "2024-01-20",
    ...                                                  "2024-02-05", "2024-02-07"])})
    >>> average_retention(tx)["retention"].tolist()
    [1.0, 0.5]
    """
    counts = cohort_table(transactions, freq, metric, normalize=False, **columns)
    if counts.shape[1] < 2:
        unit = {"W": "week", "M": "month", "Q": "quarter"}[freq]
        raise DataError(
            f"A retention curve needs at least 2 periods; every purchase in these data falls in "
            f"one {unit}, so no cohort can be followed into a later {unit}.",
            fix="Use a shorter period (freq='W') or data that cover a longer time.",
        )
    reached = counts.notna()
    base = reached.mul(counts[0], axis=0).sum()
    total = counts.sum()
    out = pd.DataFrame(
        {"retention": total / base.replace(0, np.nan), "cohorts": reached.sum(), "base": base}
    )
    out.index.name = "period"
    return out
