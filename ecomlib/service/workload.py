"""Workload and KPI cascade (book 8.1, 8.2): from the shop's order target to team hours, and the cost
of covering a staffing plan with permanent versus temporary staff.

The cascade is a table a manager edits: each row is one driver with its value and unit; the hours
follow by multiplication. The arithmetic is ours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.errors import ParameterError
from ecomlib.validation import check_positive, check_probability

__all__ = ["kpi_cascade", "staffing_cost", "interval_arrivals"]


def kpi_cascade(orders: float, *, tickets_per_100_orders: float, handle_minutes: float,
                occupancy: float = 0.85, shrinkage: float = 0.3, listings: float = 0.0,
                minutes_per_listing: float = 0.0, campaigns: float = 0.0, hours_per_campaign: float = 0.0,
                hours_per_fte: float = 168.0) -> pd.DataFrame:
    """Orders -> tickets -> service agent hours, and listings / campaigns -> operations hours, for one
    period (e.g. a month), as a table of ``step``, ``value``, ``unit``.

    Service hours = tickets x handle minutes / 60 / occupancy / (1 - shrinkage); FTE = hours /
    ``hours_per_fte`` (paid hours of one full-time employee in the period).

    >>> t = kpi_cascade(10_000, tickets_per_100_orders=8, handle_minutes=6, occupancy=0.8, shrinkage=0.25)
    >>> float(t.set_index("step").loc["service hours (scheduled)", "value"])
    133.33333333333334
    """
    for name, v in {"orders": orders, "tickets_per_100_orders": tickets_per_100_orders,
                    "listings": listings, "minutes_per_listing": minutes_per_listing,
                    "campaigns": campaigns, "hours_per_campaign": hours_per_campaign}.items():
        check_positive(name, v, allow_zero=True)
    check_positive("handle_minutes", handle_minutes)
    check_positive("hours_per_fte", hours_per_fte)
    occ = check_probability("occupancy", occupancy, open_interval=False)
    if occ == 0:
        raise ParameterError("`occupancy` must be above 0.")
    shr = check_probability("shrinkage", shrinkage, open_interval=False)
    if shr >= 1:
        raise ParameterError("`shrinkage` must be below 1.")
    tickets = orders * tickets_per_100_orders / 100
    handling = tickets * handle_minutes / 60
    service = handling / occ / (1 - shr)
    ops = (listings * minutes_per_listing / 60 + campaigns * hours_per_campaign) / (1 - shr)
    rows = [("orders", orders, "orders"), ("tickets", tickets, "tickets"),
            ("handling hours", handling, "hours"), ("service hours (scheduled)", service, "hours"),
            ("service FTE", service / hours_per_fte, "FTE"),
            ("operations hours (scheduled)", ops, "hours"), ("operations FTE", ops / hours_per_fte, "FTE"),
            ("team FTE", (service + ops) / hours_per_fte, "FTE")]
    return pd.DataFrame(rows, columns=["step", "value", "unit"])


def interval_arrivals(created: pd.Series, interval_minutes: int = 30) -> pd.Series:
    """Tickets per interval of ``interval_minutes`` (a Series indexed by interval start, zeros kept)."""
    if not pd.api.types.is_datetime64_any_dtype(created):
        raise ParameterError("`created` must be a Series of timestamps.")
    m = int(check_positive("interval_minutes", interval_minutes))
    s = pd.Series(1, index=pd.DatetimeIndex(created.dropna()))
    return s.resample(f"{m}min").sum().rename("arrivals")


def staffing_cost(scheduled, *, interval_minutes: float, permanent_agents: int, permanent_hourly: float,
                  temp_hourly: float) -> pd.Series:
    """Cost of covering a plan's scheduled agents per interval with ``permanent_agents`` paid for every
    interval and temporary staff for the rest (CNY). Returns ``permanent_cost``, ``temp_cost``,
    ``total_cost``, ``temp_hours``, ``idle_permanent_hours``."""
    n = np.asarray(scheduled, dtype=float)
    hours = check_positive("interval_minutes", interval_minutes) / 60
    p = int(permanent_agents)
    if p < 0:
        raise ParameterError("`permanent_agents` must be >= 0.")
    temp = np.maximum(n - p, 0).sum() * hours
    idle = np.maximum(p - n, 0).sum() * hours
    perm_cost = p * len(n) * hours * check_positive("permanent_hourly", permanent_hourly, allow_zero=True)
    temp_cost = temp * check_positive("temp_hourly", temp_hourly, allow_zero=True)
    return pd.Series({"permanent_cost": perm_cost, "temp_cost": temp_cost, "total_cost": perm_cost + temp_cost,
                      "temp_hours": temp, "idle_permanent_hours": idle})
