"""Workload and KPI cascade (book 8.1, 8.2): from the shop's order target to team hours, and the cost
of covering a staffing plan with permanent versus temporary staff.

The cascade is a table a manager edits: each row is one driver with its value and unit; the hours
follow by multiplication. The arithmetic is ours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_positive, check_probability

__all__ = ["ArrivalProfile", "arrival_profile", "kpi_cascade", "staffing_cost", "interval_arrivals"]


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


@dataclass(frozen=True)
class ArrivalProfile:
    """Arrivals per time-of-day slot on an average day and on the busiest day.

    ``table``: ``slot`` (minutes after midnight), ``average_day``, ``peak_day`` (arrivals per slot);
    ``peak_date`` the busiest day; ``note`` says what was assumed (empty when nothing was).
    """

    table: pd.DataFrame
    peak_date: pd.Timestamp
    interval_minutes: int
    note: str


def arrival_profile(times: pd.Series, *, interval_minutes: int = 30, scale: float = 1.0) -> ArrivalProfile:
    """Time-of-day profile of arrivals (tickets, or orders times ``scale`` = tickets per order).

    Days are calendar days from the first to the last arrival; the average day is the mean over them.
    The peak day has the average day's time-of-day shape scaled to the busiest day's total (one day's own
    slots are too few to estimate a shape). When no time has a clock part (daily or weekly exports),
    each day's arrivals are spread evenly over its slots, and the note says so.
    """
    if not pd.api.types.is_datetime64_any_dtype(times):
        raise ParameterError("`times` must be a Series of timestamps.")
    m = int(check_positive("interval_minutes", interval_minutes))
    if 1440 % m:
        raise ParameterError(f"`interval_minutes` must divide a day (1440 minutes), but {m} was passed.")
    t = times.dropna()
    if t.empty:
        raise DataError("No arrival times.")
    slots = 1440 // m
    day = t.dt.floor("D")
    days = pd.date_range(day.min(), day.max(), freq="D")
    per_day = day.value_counts().reindex(days, fill_value=0)
    peak = per_day.idxmax()
    note = ""
    if (t == day).all():
        avg = np.full(slots, per_day.mean() / slots)
        note = "the data has dates without clock times: each day's arrivals are spread evenly over the day"
    else:
        slot = ((t - day).dt.total_seconds() // (60 * m)).astype(int)
        avg = np.bincount(slot, minlength=slots) / len(days)
    top = avg * per_day.max() / per_day.mean()
    table = pd.DataFrame({"slot": np.arange(slots) * m, "average_day": scale * np.asarray(avg, dtype=float),
                          "peak_day": scale * np.asarray(top, dtype=float)})
    return ArrivalProfile(table, pd.Timestamp(peak), m, note)
