"""The counting rules of the book's aggregations, written once for pandas and for ibis.

Every rule below is one function. The predicates take *columns* — a pandas Series or an ibis
column expression — and use only the operators both understand (``==``, ``!=``, ``<``,
``>=``, ``&``, ``|``, ``isnull``, ``notnull``), so the pandas path and the DuckDB / warehouse
path evaluate literally the same expression. Missing values are handled explicitly, because
pandas and SQL disagree about them (``NA != "cancelled"`` is True in pandas, NULL in SQL).

The rules:

* **Known line** (:func:`known_line`): a line counts for customer-level work only with a
  customer id and an order date.
* **Not cancelled** (:func:`not_cancelled`): for customer-level work (retention) a
  ``cancelled`` status drops the line; a missing status counts as completed.
* **Completed sale** (:func:`completed_sale`): for sales figures (KPI tree, shop sales) a
  line counts when its status is one of the statuses counted as sales (default
  ``completed``); a missing status does not count.
* **Priced sale** (:func:`priced_sale`): for price-quantity work (pricing) a line counts
  when its status is ``completed`` in any case (when there is a status) and its quantity
  and unit price are positive.
* **Return** (:func:`is_purchase`): a line with negative quantity is a return; it is not a
  purchase (it starts no cohort and is no purchase day), and counts only where a method asks
  for revenue net of returns. A missing quantity counts as a purchase.
* **Purchase day** (:func:`day_number`): lines are grouped by customer and *calendar day*
  (whole days since 1970-01-01); a repeat purchase is a later purchase day of the same
  customer, so two orders on one day are one purchase occasion (Fader, Hardie & Lee, 2005).
* **Cohort period** (:func:`period_number`): weeks starting on Monday, calendar months or
  quarters, numbered since 1970.
* **First line** (:func:`first_line_order`): a customer's first line (the one whose channel
  acquired them) is the earliest by order date; lines at the same time go to the channel
  first in code-point order, a missing channel last (a table has no line order to break ties).
* **Observation end** (:func:`observation_end_day`): the ``as_of`` day when given, else the
  last day in the data the method reads.

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way:
an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275-284.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "CANCELLED",
    "COMPLETED",
    "completed_sale",
    "EPOCH_MONTH",
    "day_number",
    "first_line_order",
    "is_ibis",
    "is_purchase",
    "known_line",
    "month_number",
    "not_cancelled",
    "observation_end_day",
    "priced_sale",
    "period_number",
    "week_number",
]

#: The status value that removes a line from every count.
CANCELLED = "cancelled"

#: The status of a line that counts as a sale in the sales figures.
COMPLETED = "completed"

#: Months from year 0 to January 1970 (months are numbered from 1970-01 = 0).
EPOCH_MONTH = 1970 * 12

#: 1970-01-01 was a Thursday: shifting day numbers by 3 makes weeks start on Monday.
_WEEK_SHIFT = 3


def is_ibis(obj) -> bool:
    """True for an ibis expression (checked without importing ibis)."""
    return type(obj).__module__.startswith("ibis.")


def known_line(customer, date):
    """Lines with a customer id and an order date (pandas Series or ibis columns)."""
    return customer.notnull() & date.notnull()


def not_cancelled(status):
    """Lines that are not cancelled; a missing status counts as a completed sale."""
    return status.isnull() | (status != CANCELLED)


def completed_sale(status, statuses=(COMPLETED,)):
    """Lines whose status is one of ``statuses`` (a missing status is not a sale)."""
    return status.isin([statuses] if isinstance(statuses, str) else list(statuses))


def _lower(text):
    return text.lower() if is_ibis(text) else text.astype("str").str.lower()


def priced_sale(quantity, price, status=None):
    """Completed (any case) lines with positive quantity and price; ``status=None``: no status column."""
    keep = (quantity > 0) & (price > 0)
    if status is not None:
        keep = keep & (_lower(status) == COMPLETED)
    return keep


def is_purchase(quantity):
    """Lines that are purchases, not returns (negative quantity); missing quantity = purchase."""
    return quantity.isnull() | (quantity >= 0)


def day_number(dates):
    """Whole days since 1970-01-01 of each timestamp (int64 array, or an ibis int64 column)."""
    if is_ibis(dates):
        return dates.date().epoch_days()
    values = dates.to_numpy() if isinstance(dates, pd.Series) else np.asarray(dates)
    return values.astype("datetime64[D]").astype(np.int64)


def week_number(days):
    """Week of each day number, weeks starting on Monday (works on numpy and ibis integers)."""
    return (days + _WEEK_SHIFT) // 7


def month_number(dates):
    """Calendar months since 1970-01 of each timestamp."""
    if is_ibis(dates):
        return dates.year() * 12 + dates.month() - 1 - EPOCH_MONTH
    values = dates.to_numpy() if isinstance(dates, pd.Series) else np.asarray(dates)
    return values.astype("datetime64[M]").astype(np.int64)


def period_number(dates, freq: str):
    """Cohort period of each timestamp: ``"W"`` weeks (Monday start), ``"M"`` months, ``"Q"`` quarters."""
    if freq == "W":
        return week_number(day_number(dates))
    months = month_number(dates)
    return months if freq == "M" else months // 3


def observation_end_day(as_of_day, last_day) -> int:
    """End of observation as a day number: ``as_of`` (a numpy day) if given, else ``last_day``."""
    if as_of_day is None:
        return int(last_day)
    return int(np.datetime64(as_of_day, "D").astype(np.int64))


def first_line_order(dates, channels):
    """Order of lines for "a customer's first line": by time, ties by channel (missing last).

    For ibis columns: the ``order_by`` keys of a window. For pandas Series: the positions of
    the lines in that order (a permutation, stable for lines equal in both).
    """
    if is_ibis(dates):
        return [dates.asc(nulls_first=False), channels.asc(nulls_first=False)]
    codes, names = pd.factorize(channels, sort=True)
    codes = np.where(codes < 0, len(names), codes)
    times = dates.to_numpy(dtype="datetime64[us]")
    times = np.where(np.isnat(times), np.iinfo(np.int64).max, times.astype(np.int64))
    return np.lexsort((codes, times))
