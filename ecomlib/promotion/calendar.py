"""Where the promotions calendar comes from when the data has none (book 3.4 "the timetable").

* :func:`festival_calendar` turns festival periods typed by the user (``"2024-11-04..2024-11-11"``)
  into whole-shop promotion rows;
* :func:`promotions_from_discounts` finds promotion periods in the transactions themselves: runs
  of days on which at least ``min_share`` of the units were sold below list price (a ``discount``
  column is needed). The report says when the calendar was inferred this way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_columns, check_frame, check_probability

__all__ = ["festival_calendar", "promotions_from_discounts", "CALENDAR_COLUMNS"]

CALENDAR_COLUMNS = ["promo_id", "name", "start", "end", "kind", "discount", "scope_type", "scope", "cost"]


def festival_calendar(periods, *, cost: float = 0.0) -> pd.DataFrame:
    """Promotion rows for festival periods given as ``"YYYY-MM-DD..YYYY-MM-DD"`` (or one day).

    Examples
    --------
    >>> festival_calendar(["2024-11-04..2024-11-11"])[["promo_id", "start", "end"]].iloc[0].tolist()
    ['FEST-2024-11-04', Timestamp('2024-11-04 00:00:00'), Timestamp('2024-11-11 00:00:00')]
    """
    rows = []
    for text in periods:
        first, _, last = str(text).partition("..")
        try:
            start, end = pd.Timestamp(first.strip()), pd.Timestamp((last or first).strip())
        except ValueError:
            raise ParameterError(f"Festival period {text!r} is not 'YYYY-MM-DD..YYYY-MM-DD'.") from None
        if end < start:
            raise ParameterError(f"Festival period {text!r} ends before it starts.")
        rows.append({"promo_id": f"FEST-{start:%Y-%m-%d}", "name": f"festival {start:%Y-%m-%d}",
                     "start": start, "end": end, "kind": "festival", "discount": np.nan,
                     "scope_type": "all", "scope": "", "cost": float(cost)})
    out = pd.DataFrame(rows, columns=CALENDAR_COLUMNS)
    return out.astype({"start": "datetime64[us]", "end": "datetime64[us]"})


def promotions_from_discounts(
    transactions: pd.DataFrame,
    *,
    min_share: float = 0.3,
    min_days: int = 3,
    date_col: str = "order_date",
    quantity_col: str = "quantity",
    discount_col: str = "discount",
    status_col: str = "status",
) -> pd.DataFrame:
    """Infer promotion periods: runs of at least ``min_days`` days with many discounted units.

    A day counts as promoted when at least ``min_share`` of its completed units carry a discount.
    Each run becomes a whole-shop promotion row with the average discount depth observed (cost 0:
    unknown).
    """
    check_frame(transactions, "transactions")
    check_columns(transactions, [date_col, quantity_col, discount_col], "transactions")
    min_share = check_probability("min_share", min_share)
    tx = transactions
    if status_col in tx.columns:
        tx = tx[tx[status_col] == "completed"]
    day = pd.to_datetime(tx[date_col]).dt.floor("D")
    discounted = (tx[discount_col].fillna(0) > 0).astype(float) * tx[quantity_col]
    per_day = pd.DataFrame({"units": tx[quantity_col], "disc": discounted}).groupby(day).sum()
    days = pd.date_range(per_day.index.min(), per_day.index.max(), freq="D", unit="us")
    per_day = per_day.reindex(days, fill_value=0)
    flag = (per_day["disc"] / per_day["units"].where(per_day["units"] > 0)).fillna(0).to_numpy() >= min_share
    edges = np.diff(np.r_[0, flag.astype(int), 0])
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    keep = (stops - starts + 1) >= int(min_days)
    if not keep.any():
        raise DataError(f"No run of {min_days}+ days with at least {min_share:.0%} discounted units was found.",
                        fix="Supply a promotions calendar (promotions.csv) or festival dates.")
    rows = []
    for a, b in zip(starts[keep], stops[keep], strict=True):  # a handful of runs
        start, end = days[a], days[b]
        rows.append({"promo_id": f"DISC-{start:%Y-%m-%d}", "name": f"discount period {start:%m-%d}-{end:%m-%d}",
                     "start": start, "end": end, "kind": "discount", "discount": np.nan, "scope_type": "all",
                     "scope": "", "cost": 0.0})
    return pd.DataFrame(rows, columns=CALENDAR_COLUMNS).astype({"start": "datetime64[us]", "end": "datetime64[us]"})
