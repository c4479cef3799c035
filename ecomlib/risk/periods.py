"""Which lines and which days the risk chapter can honestly use (thin and coarse exports).

Real exports differ from the sample shop in ways that silently bend a risk figure:

* :func:`completed_lines` keeps the sold lines (``status == "completed"``, or positive
  quantities when there is no status), net of cancellation invoices;
* :func:`partial_months` names a first or last month the data only partly cover (a year that
  ends on 9 December would otherwise enter the demand spread as a very weak month);
* :func:`check_daily` refuses weekly (or coarser) totals where daily demand is needed: a
  weekly panel dated on Mondays looks like six days without sales and one huge day;
* :func:`festival_window` finds the last festival the transactions cover, or says that the
  last days of data stand in for it.

Examples
--------
>>> import pandas as pd
>>> dates = pd.Series(pd.to_datetime(["2025-01-10", "2025-02-15", "2025-03-31"]))
>>> [str(m) for m in partial_months(dates)]
['2025-01']
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ecomlib.errors import DataError
from ecomlib.validation import check_columns, check_frame

__all__ = ["FestivalWindow", "check_daily", "completed_lines", "festival_window", "partial_months"]


def completed_lines(transactions: pd.DataFrame, *, status_col: str = "status",
                    quantity_col: str = "quantity") -> pd.DataFrame:
    """The sold lines: ``status == "completed"``, or ``quantity > 0`` without a status column.

    A *cancelled line with a negative quantity* is kept too: such a line is a cancellation
    invoice that reverses an earlier completed line (UCI Online Retail's ``C`` invoices, where
    an order of 80,995 units is cancelled twelve minutes later), so sums over the result net
    the cancelled units out. Cancelled orders with positive quantities (the sample shop's) are
    left out as before.

    Examples
    --------
    >>> tx = pd.DataFrame({"quantity": [5, -5, 2, 3], "status": ["completed", "cancelled", "cancelled", "completed"]})
    >>> int(completed_lines(tx)["quantity"].sum())
    3
    """
    if status_col in transactions.columns and transactions[status_col].notna().any():
        status = transactions[status_col]
        reversal = (status == "cancelled") & (transactions[quantity_col] < 0)
        return transactions[(status == "completed") | reversal]
    return transactions[transactions[quantity_col] > 0]


def partial_months(dates, *, min_coverage: float = 0.9) -> pd.PeriodIndex:
    """The first and last calendar months that the span of ``dates`` covers only in part.

    A month counts as partial when the span from the first to the last date covers less than
    ``min_coverage`` of its days (a weekly export dated on Mondays still covers most of its
    last month).

    Parameters
    ----------
    dates : Series of datetimes
        Order dates of the whole export (not of one category: a category's first sale is not
        the start of the data).
    min_coverage : float, default 0.9
        Share of a month's days the span must cover.

    Returns
    -------
    PeriodIndex
        Monthly periods, empty when both end months are (nearly) whole.
    """
    day = pd.to_datetime(pd.Series(dates)).dropna().dt.floor("D")
    if day.empty:
        return pd.PeriodIndex([], freq="M")
    lo, hi = day.min(), day.max()
    out = []
    for month in dict.fromkeys([lo.to_period("M"), hi.to_period("M")]):  # at most two months
        first, last = month.start_time.floor("D"), month.end_time.floor("D")
        covered = (min(hi, last) - max(lo, first)).days + 1
        if covered < min_coverage * month.days_in_month:
            out.append(month)
    return pd.PeriodIndex(out, freq="M")


def check_daily(dates, *, what: str = "This analysis") -> None:
    """Raise :class:`~ecomlib.errors.DataError` when the dates are weekly (or coarser) totals.

    The dates look weekly when every one is at midnight, they fall on a single weekday and
    there are at least four distinct ones; daily demand, daily KPIs and their spreads cannot
    be read from such data.

    Examples
    --------
    >>> import pandas as pd
    >>> check_daily(pd.Series(pd.date_range("2025-01-06", periods=3, freq="D")))
    >>> check_daily(pd.Series(pd.date_range("2025-01-06", periods=6, freq="W-MON")), what="Safety stock")
    Traceback (most recent call last):
    ...
    ecomlib.errors.DataError: Safety stock needs daily sales, but every order date falls on a Monday at midnight (weekly totals?).
    """
    day = pd.to_datetime(pd.Series(dates)).dropna()
    distinct = day.drop_duplicates()
    if len(distinct) < 4 or not (distinct == distinct.dt.floor("D")).all():
        return
    weekdays = distinct.dt.day_of_week.unique()
    if len(weekdays) == 1:
        name = distinct.iloc[0].day_name()
        raise DataError(f"{what} needs daily sales, but every order date falls on a {name} at midnight "
                        "(weekly totals?).")


@dataclass(frozen=True)
class FestivalWindow:
    """The days a festival plan learns from.

    Attributes
    ----------
    start, end : Timestamp
        First and last day (inclusive).
    name : str
        The festival's name, or a description of the stand-in window.
    note : str or None
        One sentence when no festival of the data was used (a report shows it as a
        substitute), else None.
    """

    start: pd.Timestamp
    end: pd.Timestamp
    name: str
    note: str | None = None


def festival_window(transactions: pd.DataFrame, promotions: pd.DataFrame | None = None, *,
                    fallback_days: int = 8, date_col: str = "order_date") -> FestivalWindow:
    """The last festival (``promotions`` with ``kind == "festival"``) inside the sales data.

    A festival counts when its whole window lies within the transactions' dates. Without one
    (no promotions table, no festival, or none inside the data's dates), the last
    ``fallback_days`` days of data stand in, and ``note`` says so.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"order_date": pd.date_range("2025-01-01", periods=30, freq="D")})
    >>> festival_window(tx).note
    'no festival within the data (promotions with kind = festival): the last 8 days of sales stand in for it'
    """
    check_frame(transactions, "transactions")
    check_columns(transactions, [date_col], "transactions")
    day = pd.to_datetime(transactions[date_col]).dt.floor("D")
    first, last = day.min(), day.max()
    if promotions is not None and {"kind", "start", "end"} <= set(promotions.columns):
        fest = promotions[promotions["kind"] == "festival"]
        starts, ends = pd.to_datetime(fest["start"]).dt.floor("D"), pd.to_datetime(fest["end"]).dt.floor("D")
        inside = fest[(starts >= first) & (ends <= last)]
        if len(inside):
            row = inside.assign(_start=starts).sort_values("_start").iloc[-1]
            name = str(row["name"]) if "name" in inside.columns and pd.notna(row["name"]) else str(row.get("promo_id", "festival"))
            return FestivalWindow(pd.Timestamp(row["start"]), pd.Timestamp(row["end"]), name)
        why = "no festival within the data's dates" if len(fest) else "no festival in the promotions table"
    else:
        why = "no festival within the data (promotions with kind = festival)"
    start = max(first, last - pd.Timedelta(days=int(fallback_days) - 1))
    n = int((last - start).days) + 1
    return FestivalWindow(start, last, f"the last {n} days of data",
                          f"{why}: the last {n} days of sales stand in for it")

