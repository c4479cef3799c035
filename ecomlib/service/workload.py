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

__all__ = ["ArrivalProfile", "arrival_profile", "forecast_staffing", "orders_forecast_staffing", "kpi_cascade", "staffing_cost", "interval_arrivals"]


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


def forecast_staffing(order_forecast, profile: ArrivalProfile, *, tickets_per_order: float,
                      handle_minutes: float, **settings) -> pd.DataFrame:
    """Agents for each forecast day: orders forecast -> tickets -> Erlang C plan per interval.

    Tickets follow orders, so a festival's service load is the market chapter's orders forecast
    (:func:`ecomlib.market.forecast` on daily orders) times the contacts per order, spread over the
    day by the time-of-day shape of ``profile`` (its ``average_day`` column, normalised to sum to
    1). Each day is planned twice: for the forecast's central value and for its upper prediction
    bound, so that the plan says what covering a busier day than expected would take.

    Parameters
    ----------
    order_forecast : ForecastResult or DataFrame
        A :class:`ecomlib.market.ForecastResult`, or a table indexed by date with ``mean`` and
        ``upper`` columns (orders per day).
    profile : ArrivalProfile
        From :func:`arrival_profile` (tickets, or orders); only its time-of-day shape is used.
    tickets_per_order : float
        Contacts per order (e.g. tickets per 100 orders / 100).
    handle_minutes : float
        Mean handling time per contact, minutes.
    **settings
        Passed to :func:`ecomlib.service.staffing_plan` (``answer_within_minutes``,
        ``target_service_level``, ``shrinkage``, ``max_occupancy``).

    Returns
    -------
    DataFrame
        Indexed by date: ``orders``, ``orders_upper``, ``tickets``, ``tickets_upper``,
        ``peak_scheduled``, ``peak_scheduled_upper`` (most agents scheduled in one interval),
        ``agent_hours``, ``agent_hours_upper``.
    """
    from ecomlib.service.erlang import staffing_plan

    interval = settings.pop("interval_minutes", profile.interval_minutes)
    if interval != profile.interval_minutes:
        raise ParameterError(f"interval_minutes={interval} differs from the profile's {profile.interval_minutes}.")
    table = getattr(order_forecast, "table", order_forecast)
    if not isinstance(table, pd.DataFrame) or not {"mean", "upper"} <= set(table.columns):
        raise ParameterError("`order_forecast` must be a ForecastResult or a table with `mean` and `upper` columns.",
                             fix="Use ecomlib.market.forecast(daily_orders, horizon) for the orders per day.")
    rate = check_positive("tickets_per_order", tickets_per_order, allow_zero=True)
    shape = profile.table["average_day"].to_numpy(dtype=float)
    if shape.sum() <= 0:
        raise DataError("The arrival profile has no arrivals: there is no time-of-day shape to spread tickets over.")
    shape = shape / shape.sum()
    slots = len(shape)
    hours = profile.interval_minutes / 60
    out = {}
    for name, column in (("", "mean"), ("_upper", "upper")):
        orders = np.clip(table[column].to_numpy(dtype=float), 0.0, None)
        arrivals = (orders[:, None] * rate * shape[None, :]).ravel()  # day x slot, day by day
        plan = staffing_plan(arrivals, handle_minutes, interval_minutes=profile.interval_minutes, **settings)
        scheduled = plan.table["scheduled"].to_numpy().reshape(len(orders), slots)
        out[f"orders{name}"] = orders
        out[f"tickets{name}"] = orders * rate
        out[f"peak_scheduled{name}"] = scheduled.max(axis=1)
        out[f"agent_hours{name}"] = scheduled.sum(axis=1) * hours
    order = ["orders", "orders_upper", "tickets", "tickets_upper", "peak_scheduled", "peak_scheduled_upper",
             "agent_hours", "agent_hours_upper"]
    return pd.DataFrame(out, index=table.index)[order]


def orders_forecast_staffing(lines: pd.DataFrame, profile: ArrivalProfile, *, horizon: int = 28,
                             tickets: pd.DataFrame | None = None, tickets_per_order: float | None = None,
                             handle_minutes: float, level: float = 0.8, **settings) -> pd.DataFrame:
    """The staffing of the next ``horizon`` days from a forecast of the shop's daily orders.

    Daily orders (distinct ``order_id`` per calendar day of ``order_date``, days without orders
    counted as 0) are forecast with the market chapter's ETS model (weekly season, fitted to logs
    when every day has orders), then planned by :func:`forecast_staffing`. The contacts per order
    are the tickets per order over the period both tables cover when ``tickets`` is given, else
    ``tickets_per_order``.

    Parameters
    ----------
    lines : DataFrame
        Order lines with ``order_id`` and ``order_date`` (daily, at least four weeks).
    profile : ArrivalProfile
        Time-of-day shape of the arrivals (:func:`arrival_profile`).
    horizon : int, default 28
        Days ahead.
    tickets : DataFrame, optional
        Tickets with ``created``.
    tickets_per_order : float, optional
        Contacts per order when there are no tickets.
    handle_minutes : float
        Mean handling time per contact, minutes.
    level : float, default 0.8
        Coverage of the forecast's prediction interval (its upper bound is the busy plan).
    **settings
        Passed to :func:`forecast_staffing`.

    Returns
    -------
    DataFrame
        As :func:`forecast_staffing`, with ``attrs["tickets_per_order"]`` and ``attrs["level"]``.

    Raises
    ------
    DataError
        Weekly or coarser dates, fewer than 28 days, or no contact rate.
    """
    from ecomlib.market import forecast
    from ecomlib.risk.periods import check_daily

    check_daily(lines["order_date"], what="A daily orders forecast")
    day = lines["order_date"].dt.floor("D")
    per_day = lines.assign(day=day).groupby("day")["order_id"].nunique()
    per_day = per_day.reindex(pd.date_range(per_day.index.min(), per_day.index.max(), freq="D"), fill_value=0)
    if len(per_day) < 28:
        raise DataError(f"A daily orders forecast needs at least 28 days of orders, the data have {len(per_day)}.")
    if tickets is not None and "created" in tickets and len(tickets):
        inside = tickets["created"].between(per_day.index.min(), per_day.index.max() + pd.Timedelta(days=1))
        rate = float(inside.sum()) / float(per_day.sum())
    elif tickets_per_order is not None:
        rate = float(tickets_per_order)
    else:
        raise DataError("No tickets and no tickets_per_order: the contacts per order are unknown.")
    result = forecast(per_day.astype(float), int(horizon), "ets", level=level, log="auto")
    out = forecast_staffing(result, profile, tickets_per_order=rate, handle_minutes=handle_minutes, **settings)
    out.attrs.update(tickets_per_order=rate, level=float(level))
    return out
