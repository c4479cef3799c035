"""The KPI tree of an online shop: our way to put numbers on the sales side of book sections 2.1-2.3
(the book itself has no KPI tree and no formulas).

Sales are the product of a few drivers an operations team can act on::

    GMV = visitors x conversion rate x average order value (AOV)
    AOV = units per order x price per unit

so that ``GMV = visitors x conversion rate x units per order x price per unit`` holds
exactly in every row of the tree (overall, per channel, per month), because

- ``conversion rate = orders / visitors``,
- ``units per order = units / orders``,
- ``price per unit = GMV / units``.

Without a sessions table the tree still has its lower half (``GMV = orders x AOV``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.engine import rules
from ecomlib.engine.backend import route
from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import (
    check_argument,
    check_columns,
    check_datetime,
    check_frame,
    check_numeric,
)

__all__ = ["DRIVERS", "KPITree", "kpi_tree"]

#: The multiplicative drivers of GMV, in the order of the tree.
DRIVERS = ("visitors", "conversion_rate", "units_per_order", "price_per_unit")
#: Drivers when no traffic data is available: GMV = orders x units per order x price per unit.
ORDER_DRIVERS = ("orders", "units_per_order", "price_per_unit")

_GROUPINGS = ("channel", "month")
_COLUMNS = [
    "visitors",
    "orders",
    "conversion_rate",
    "units",
    "units_per_order",
    "price_per_unit",
    "aov",
    "gmv",
]


@dataclass(frozen=True)
class KPITree:
    """The KPI tree of a period, overall or per group.

    Attributes
    ----------
    table : DataFrame
        One row per group (index ``"total"`` when ungrouped; ``channel`` and/or ``month``
        otherwise) with columns ``visitors`` (distinct visitors, or sessions when
        ``traffic="sessions"``), ``orders`` (distinct orders), ``conversion_rate`` (orders
        per visitor, fraction), ``units`` (items sold), ``units_per_order``,
        ``price_per_unit`` (CNY), ``aov`` (CNY per order) and ``gmv`` (CNY).
        Traffic columns are NaN when no sessions were given.
    by : tuple of str
        The grouping (empty for the whole period).
    traffic : str
        ``"visitors"`` or ``"sessions"``: what the top of the tree counts.
    has_traffic : bool
        Whether sessions were available.
    """

    table: pd.DataFrame
    by: tuple[str, ...]
    traffic: str
    has_traffic: bool

    @property
    def drivers(self) -> tuple[str, ...]:
        """The multiplicative drivers whose product is GMV in every row."""
        return DRIVERS if self.has_traffic else ORDER_DRIVERS

    def summary(self) -> pd.DataFrame:
        """The tree as a table (a copy of :attr:`table`)."""
        return self.table.copy()

    def total(self) -> pd.Series:
        """The ungrouped row: the drivers of the sum of all groups."""
        if not self.by:
            return self.table.loc["total"].copy()
        sums = self.table[["visitors", "orders", "units", "gmv"]].sum(min_count=1)
        return _ratios(sums.to_frame().T).iloc[0].rename("total")


def _ratios(t: pd.DataFrame) -> pd.DataFrame:
    """Add the ratio columns to a frame holding visitors, orders, units and gmv."""
    t = t.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        t["conversion_rate"] = t["orders"] / t["visitors"]
        t["units_per_order"] = t["units"] / t["orders"]
        t["price_per_unit"] = t["gmv"] / t["units"]
        t["aov"] = t["gmv"] / t["orders"]
    return t[_COLUMNS].astype(float)


def _keys(by: str | Sequence[str] | None) -> tuple[str, ...]:
    if by is None:
        return ()
    keys = (by,) if isinstance(by, str) else tuple(by)
    for key in keys:
        check_argument("by", _GROUPINGS, key)
    if len(set(keys)) != len(keys):
        raise ParameterError(f"`by` must not repeat a grouping, but {list(keys)!r} was passed.")
    # month first, so a month x channel tree reads as a time series per channel
    return tuple(k for k in ("month", "channel") if k in keys)


def _month(dates: pd.Series) -> pd.Series:
    return dates.dt.to_period("M").dt.start_time.astype("datetime64[us]")


def kpi_tree(
    transactions: pd.DataFrame,
    sessions: pd.DataFrame | None = None,
    *,
    by: str | Sequence[str] | None = None,
    traffic: str = "visitors",
    statuses: Sequence[str] = ("completed",),
    order_id_col: str = "order_id",
    date_col: str = "order_date",
    quantity_col: str = "quantity",
    revenue_col: str = "revenue",
    channel_col: str = "channel",
    status_col: str = "status",
    session_date_col: str = "date",
    visitor_col: str = "visitor_id",
    session_id_col: str = "session_id",
    session_channel_col: str = "channel",
) -> KPITree:
    """Compute the KPI tree GMV = visitors x conversion rate x units per order x price per unit.

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Order lines with ``order_id``, ``order_date``, ``quantity``, ``revenue`` (CNY),
        ``status``, and ``channel`` when grouping by channel (a line without one counts in
        channel ``"unknown"``; a table without any raises :class:`~ecomlib.errors.DataError`).
        An ibis Table (DuckDB, PostgreSQL, ...) is grouped on its backend, a large frame in
        DuckDB (:func:`ecomlib.engine.choose_engine`); only the per-group sums come back.
    sessions : DataFrame or ibis Table, optional
        Visits with ``date``, ``visitor_id`` (or ``session_id`` for ``traffic="sessions"``)
        and ``channel`` when grouping by channel. Without it the traffic half of the tree
        (visitors, conversion rate) is NaN.
    by : {None, "channel", "month"} or a list of both
        Grouping. Months are calendar months (``month`` holds the first day).
    traffic : {"visitors", "sessions"}
        Count distinct visitors (UV, default) or sessions (visits) at the
        top of the tree. A visitor seen in two months or two channels counts in each.
    statuses : sequence of str
        Order-line statuses that count as sales. The default, completed lines, gives GMV as
        this chapter defines it: gross value of the orders placed and not cancelled, before
        returns (returns are separate lines with status ``returned`` and negative quantity;
        add ``"returned"`` to get net sales).
    *_col : str
        Column names, if yours differ from the canonical ones.

    Returns
    -------
    KPITree
        ``summary()`` gives one row per group with visitors, orders, conversion_rate, units,
        units_per_order, price_per_unit (CNY), aov (CNY) and gmv (CNY).

    Notes
    -----
    Conversion rate is orders per visitor, so orders that arrive without a recorded visit
    (phone orders, marketplaces) raise it; the identity GMV = product of the drivers still
    holds exactly. Sales channel comes from ``transactions.channel`` and traffic channel
    from ``sessions.channel``; they must use the same names.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"order_id": ["a", "a", "b"], "quantity": [1, 2, 1],
    ...     "revenue": [10.0, 40.0, 30.0], "status": ["completed"] * 3,
    ...     "order_date": pd.to_datetime(["2024-01-01"] * 3)})
    >>> s = pd.DataFrame({"visitor_id": ["u1", "u2", "u3", "u4"],
    ...     "date": pd.to_datetime(["2024-01-01"] * 4)})
    >>> t = kpi_tree(tx, s).summary()
    >>> float(t.loc["total", "conversion_rate"]), float(t.loc["total", "aov"])
    (0.5, 40.0)
    """
    keys = _keys(by)
    check_argument("traffic", ("visitors", "sessions"), traffic)
    statuses = [statuses] if isinstance(statuses, str) else list(statuses)
    columns = dict(order_id_col=order_id_col, date_col=date_col, quantity_col=quantity_col,
                   revenue_col=revenue_col, channel_col=channel_col, status_col=status_col)
    if not rules.is_ibis(transactions):
        _check_transactions(transactions, keys, **columns)
    if route(transactions) == "ibis":
        from ecomlib.engine import basics as engine

        orders = engine.kpi_orders(transactions, keys, statuses, **columns)
    else:
        orders = _orders(transactions, keys, statuses, **columns)

    has_traffic = sessions is not None
    if has_traffic:
        if route(sessions) == "ibis":
            from ecomlib.engine import basics as engine

            visits = engine.kpi_traffic(sessions, keys, traffic, date_col=session_date_col,
                                        visitor_col=visitor_col, session_id_col=session_id_col,
                                        channel_col=session_channel_col)
        else:
            visits = _traffic(sessions, keys, traffic, session_date_col, visitor_col,
                              session_id_col, session_channel_col)
        table = orders.join(visits, how="outer") if keys else orders.assign(visitors=float(visits))
        table[["orders", "units", "gmv"]] = table[["orders", "units", "gmv"]].fillna(0.0)
    else:
        table = orders.assign(visitors=np.nan)
    return KPITree(table=_ratios(table), by=keys, traffic=traffic, has_traffic=has_traffic)


def _check_transactions(transactions, keys, *, order_id_col, date_col, quantity_col, revenue_col,
                        channel_col, status_col) -> None:
    check_frame(transactions, "transactions")
    tx_cols = [order_id_col, quantity_col, revenue_col, status_col]
    if "month" in keys:
        tx_cols.append(date_col)
    if "channel" in keys:
        tx_cols.append(channel_col)
    check_columns(transactions, tx_cols, "transactions")
    check_numeric(transactions, [quantity_col, revenue_col], "transactions")
    if "month" in keys:
        check_datetime(transactions, [date_col], "transactions")


def _orders(transactions, keys, statuses, *, order_id_col, date_col, quantity_col, revenue_col,
            channel_col, status_col) -> pd.DataFrame:
    """Orders, units and GMV of the completed lines per group (the pandas path)."""
    sales = transactions.loc[rules.completed_sale(transactions[status_col], statuses)]
    if sales.empty:
        raise DataError(
            f"`transactions` has no lines with status in {statuses}, so there are no sales to "
            f"analyse (statuses found: {sorted(transactions[status_col].dropna().unique())}).",
            fix="Pass `statuses=` naming the statuses that count as sales in your data.",
        )
    frame = pd.DataFrame(
        {
            "order": sales[order_id_col],
            "units": sales[quantity_col].astype(float),
            "gmv": sales[revenue_col].astype(float),
        }
    )
    if "month" in keys:
        frame["month"] = _month(sales[date_col])
    if "channel" in keys:
        frame["channel"] = _channels(sales[channel_col], "transactions", channel_col)
    if keys:
        grouped = frame.groupby(list(keys), observed=True, sort=True)
        return grouped.agg(orders=("order", "nunique"), units=("units", "sum"), gmv=("gmv", "sum"))
    return pd.DataFrame(
        {"orders": [frame["order"].nunique()], "units": [frame["units"].sum()],
         "gmv": [frame["gmv"].sum()]},
        index=pd.Index(["total"]),
    )


def _channels(values: pd.Series, table: str, col: str) -> pd.Series:
    """Channel names as strings; a missing name is ``"unknown"``, no name at all is an error."""
    known = values.notna() & (values.astype("str").str.strip() != "")
    if not known.any():
        raise DataError(
            f"`{table}` has no {col!r} on any line that counts, so nothing can be split by "
            f"channel (a split needs the channel of each order).",
            fix=f"Supply a {col!r} column, or leave out the split by channel.",
        )
    return values.astype("str").where(known, "unknown")


def _traffic(sessions, keys, traffic, date_col, visitor_col, session_id_col, channel_col):
    check_frame(sessions, "sessions")
    id_col = visitor_col if traffic == "visitors" else session_id_col
    cols = [id_col]
    if "month" in keys:
        cols.append(date_col)
    if "channel" in keys:
        cols.append(channel_col)
    check_columns(sessions, cols, "sessions")
    frame = pd.DataFrame({"id": sessions[id_col]})
    if "month" in keys:
        frame["month"] = _month(pd.to_datetime(sessions[date_col]))
    if "channel" in keys:
        frame["channel"] = _channels(sessions[channel_col], "sessions", channel_col)
    if not keys:
        return frame["id"].nunique()
    return frame.groupby(list(keys), observed=True, sort=True)["id"].nunique().rename("visitors").to_frame()
