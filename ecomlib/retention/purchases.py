"""From order lines to purchase occasions: the shared first step of every retention method.

Retention analysis counts *purchase occasions*, not order lines: a customer who buys three
items in one order, or places two orders on the same day, made one purchase that day. This
is the convention of the buy-till-you-die (BTYD) literature (Fader, Hardie & Lee, 2005) and
of the lifetimes and pymc-marketing packages.

Rules applied here, once, for the whole chapter:

* lines without a customer id are dropped (anonymous orders cannot be followed over time);
* if a ``status`` column is present, ``cancelled`` lines are dropped;
* if a ``quantity`` column is present, return lines (negative quantity) are not purchases;
  they are kept only where a method asks for revenue *net of returns* (cohort revenue).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.engine import rules
from ecomlib.engine.backend import route
from ecomlib.errors import DataError
from ecomlib.validation import check_columns, check_datetime, check_frame, check_numeric

__all__ = ["purchase_log", "data_overview", "NO_CUSTOMER_IDS"]

#: The reason every customer-level method gives when an export has no customer ids at all.
NO_CUSTOMER_IDS = "needs customer_id; the export has none"

_NS_PER_DAY = 86_400 * 10**6  # microseconds per day (timestamps are datetime64[us])


def _check_dates(df: pd.DataFrame, date_col: str, param: str) -> None:
    check_datetime(df, [date_col], param)


def check_transactions(
    transactions: pd.DataFrame,
    *,
    customer_col: str,
    date_col: str,
    value_col: str | None = None,
    param: str = "transactions",
) -> None:
    """Validate the columns a retention method needs (used at each public boundary)."""
    check_frame(transactions, param)
    required = [customer_col, date_col] + ([value_col] if value_col else [])
    check_columns(transactions, required, param)
    _check_dates(transactions, date_col, param)
    if value_col:
        check_numeric(transactions, [value_col], param)
    if len(transactions) and not transactions[customer_col].notna().any():
        raise DataError(
            f"Retention {NO_CUSTOMER_IDS} (column {customer_col!r} is empty on every line: all "
            "orders are guest orders, so no customer can be followed from one purchase to the next).",
            fix="Export the buyer id with the orders and map it with --columns YOURS=customer_id.",
        )


def known_customer_lines(
    transactions: pd.DataFrame,
    *,
    customer_col: str,
    date_col: str,
    status_col: str = "status",
    keep_returns: bool = False,
    quantity_col: str = "quantity",
    param: str = "transactions",
) -> pd.DataFrame:
    """Return the lines that count for retention (a filtered view; the input is not modified).

    Drops lines with a missing customer id or date, cancelled lines (when ``status_col``
    exists) and, unless ``keep_returns``, return lines (negative ``quantity_col``).
    """
    keep = rules.known_line(transactions[customer_col], transactions[date_col]).to_numpy()
    if status_col in transactions.columns:
        keep = keep & rules.not_cancelled(transactions[status_col]).to_numpy()
    if not keep_returns and quantity_col in transactions.columns:
        qty = transactions[quantity_col]
        if pd.api.types.is_numeric_dtype(qty):
            keep = keep & rules.is_purchase(qty).to_numpy()
    lines = transactions.loc[keep]
    if lines.empty:
        raise DataError(
            f"`{param}` has no purchase lines with a customer id "
            f"(column {customer_col!r}) once cancelled and return lines are set aside.",
            fix="Retention needs orders linked to customers; check the customer id column.",
        )
    return lines


def data_overview(
    transactions: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
) -> pd.Series:
    """What the order lines cover: their number, first and last order, identified customers.

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Order lines with ``customer_col`` and ``date_col`` (datetime64). An ibis Table (or a
        frame large enough for DuckDB, :func:`ecomlib.engine.choose_engine`) is counted on its
        engine; only the five numbers come back.
    customer_col, date_col : str
        Column names.

    Returns
    -------
    Series
        ``lines``, ``first_order`` and ``last_order`` (Timestamps of the earliest and latest
        line, any status), ``customers`` (distinct customer ids) and ``guest_share`` (share of
        lines without a customer id, 0-1; NaN without lines).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", None, "a", "b"],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-05"])})
    >>> data_overview(tx)[["lines", "customers", "guest_share"]].tolist()
    [4, 2, 0.25]
    """
    if route(transactions) == "ibis":
        from ecomlib.engine import customers as engine

        got = engine.data_overview(transactions, customer_col=customer_col, date_col=date_col)
        lines, first, last, customers, known = (got[k] for k in ("lines", "first", "last", "customers", "known"))
        first, last = pd.Timestamp(first), pd.Timestamp(last)
        guest = 1 - known / lines if lines else float("nan")
    else:
        check_frame(transactions, "transactions")
        check_columns(transactions, [customer_col, date_col], "transactions")
        known_lines = transactions[customer_col].notna()
        lines, customers = len(transactions), transactions.loc[known_lines, customer_col].nunique()
        first, last = transactions[date_col].min(), transactions[date_col].max()
        guest = 1 - known_lines.mean()
    return pd.Series({"lines": int(lines), "first_order": first, "last_order": last,
                      "customers": int(customers), "guest_share": float(guest)}, dtype=object)


def day_numbers(dates: pd.Series) -> np.ndarray:
    """Whole days since 1970-01-01 of each timestamp (int64), the time grid of this chapter."""
    return rules.day_number(dates)


def purchase_log(
    transactions: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str | None = "revenue",
    status_col: str = "status",
    quantity_col: str = "quantity",
) -> pd.DataFrame:
    """Collapse order lines into one row per customer and purchase day.

    Parameters
    ----------
    transactions : DataFrame
        One row per order line. Required columns: ``customer_col`` (customer id; rows
        where it is missing are dropped), ``date_col`` (datetime64) and, unless
        ``value_col`` is None, ``value_col`` (numeric, CNY). Optional: ``status_col``
        (``cancelled`` lines are dropped) and ``quantity_col`` (return lines, quantity < 0,
        are dropped).
    customer_col, date_col, value_col, status_col, quantity_col : str
        Column names.

    Returns
    -------
    DataFrame
        Columns ``customer_id``, ``date`` (the purchase day, datetime64[us]) and, with a
        value column, ``value`` (sum of the day's line revenue, CNY); sorted by customer
        and date.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...                    "order_date": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 18:00",
    ...                                                  "2024-01-03 10:00"]),
    ...                    "revenue": [10.0, 5.0, 7.0]})
    >>> purchase_log(tx)["value"].tolist()
    [15.0, 7.0]

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy
    way: an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275-284.
    """
    if not rules.is_ibis(transactions):
        check_transactions(transactions, customer_col=customer_col, date_col=date_col, value_col=value_col)
    codes, uniques, days, values = purchase_arrays(
        transactions,
        customer_col=customer_col,
        date_col=date_col,
        value_col=value_col,
        status_col=status_col,
        quantity_col=quantity_col,
    )
    out = pd.DataFrame(
        {
            "customer_id": uniques.take(codes),
            "date": days.astype("datetime64[D]").astype("datetime64[us]"),
        }
    )
    if value_col:
        out["value"] = values
    return out


def purchase_arrays(
    transactions: pd.DataFrame,
    *,
    customer_col: str,
    date_col: str,
    value_col: str | None,
    status_col: str,
    quantity_col: str,
    end_day: np.datetime64 | None = None,
    param: str = "transactions",
) -> tuple[np.ndarray, pd.Index, np.ndarray, np.ndarray | None]:
    """One entry per customer purchase day, sorted by customer id then day (validated input).

    Returns ``(codes, customers, days, values)``: customer codes into the sorted index
    ``customers``, day numbers since 1970-01-01, and the day's summed value (None without
    ``value_col``). Applies the rules of this module and ignores days after ``end_day``.
    Works on column arrays without copying the frame. An ibis Table, or a frame large enough
    for DuckDB (:func:`ecomlib.engine.choose_engine`), is grouped by its engine instead.
    """
    if route(transactions) == "ibis":
        from ecomlib.engine import retention as engine

        return engine.purchase_arrays(
            transactions, customer_col=customer_col, date_col=date_col, value_col=value_col,
            status_col=status_col, quantity_col=quantity_col, end_day=end_day, param=param)
    codes, uniques = pd.factorize(transactions[customer_col])
    dates = transactions[date_col]
    keep = (codes >= 0) & rules.known_line(transactions[customer_col], dates).to_numpy()
    if status_col in transactions.columns:
        keep &= rules.not_cancelled(transactions[status_col]).to_numpy()
    if quantity_col in transactions.columns and pd.api.types.is_numeric_dtype(transactions[quantity_col]):
        keep &= rules.is_purchase(transactions[quantity_col]).to_numpy()
    days = rules.day_number(dates)
    if end_day is not None:
        keep &= days <= np.int64(end_day.astype(np.int64))
    if not keep.any():
        raise DataError(
            f"`{param}` has no purchase lines with a customer id (column {customer_col!r})"
            + (f" on or before as_of={end_day}" if end_day is not None else "")
            + " once cancelled and return lines are set aside.",
            fix="Retention needs orders linked to customers; check the customer id column and dates.",
        )
    # order customers by id: rank of each unique id
    order = np.asarray(uniques.argsort())
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    codes = rank[codes[keep]]
    days = days[keep]
    first_day = days.min()
    span = np.int64(days.max() - first_day + 1)
    key = codes * span + (days - first_day)
    ukey, inverse = np.unique(key, return_inverse=True)
    values = None
    if value_col:
        values = np.bincount(inverse, weights=transactions[value_col].to_numpy(dtype=float)[keep],
                             minlength=len(ukey))
    return ukey // span, uniques.take(order), (ukey % span) + first_day, values
