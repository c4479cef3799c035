"""Service levels from a tickets table (book 3.5): response and resolution times, SLA attainment,
first-contact resolution, contact reasons, CSAT and the contact rate per 100 orders.

Tickets table (one row per ticket): ``ticket_id``, ``customer_id``, ``order_id``, ``channel``,
``reason``, ``created``, ``first_response``, ``resolved`` (timestamps; missing = not yet),
``contacts`` (customer contacts on the ticket), ``csat`` (1-5, missing = no answer).

Intervals: Wilson for shares; distribution-free order-statistic intervals for percentiles
(Conover, *Practical Nonparametric Statistics*, 3rd ed., 1999, sec. 3.2); Student t for mean CSAT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ecomlib.errors import DataError, ParameterError
from ecomlib.risk.control_charts import ChartResult, individuals_chart
from ecomlib.traffic.funnel import wilson_interval
from ecomlib.validation import (
    check_columns,
    check_datetime,
    check_frame,
    check_positive,
    check_probability,
)

__all__ = [
    "ContactRate",
    "contact_rate",
    "csat_summary",
    "csat_trend",
    "first_contact_resolution",
    "quantile_interval",
    "reasons_pareto",
    "response_repurchase",
    "sla_attainment",
    "ticket_durations",
    "time_percentiles",
]

_TIMES = {"first_response": ("first_response", "response_minutes", 1.0),
          "resolution": ("resolved", "resolution_hours", 60.0)}


def _tickets(tickets, columns, param="tickets") -> pd.DataFrame:
    df = check_frame(tickets, param)
    check_columns(df, columns, param)
    check_datetime(df, [c for c in columns if c in ("created", "first_response", "resolved")], param)
    return df


def ticket_durations(tickets: pd.DataFrame) -> pd.DataFrame:
    """Per ticket: ``response_minutes`` (created -> first response) and ``resolution_hours``
    (created -> resolved); NaN where the step has not happened. Negative durations are a data error.
    """
    df = _tickets(tickets, ["created", "first_response", "resolved"])
    out = pd.DataFrame(index=df.index)
    out["response_minutes"] = (df["first_response"] - df["created"]).dt.total_seconds() / 60
    out["resolution_hours"] = (df["resolved"] - df["created"]).dt.total_seconds() / 3600
    bad = (out < 0).any(axis=1)
    if bad.any():
        raise DataError(f"{int(bad.sum())} ticket(s) were answered or resolved before they were created.",
                        fix="Check the time zones of the created / first_response / resolved columns.")
    return out


def quantile_interval(values, q: float, alpha: float = 0.05) -> tuple[float, float, float]:
    """A percentile and its distribution-free confidence interval.

    The estimate is numpy's default (linear) quantile. The interval is ``[x_(l), x_(u)]``, order
    statistics chosen from the Binomial(n, q) distribution of the number of values below the true
    quantile: ``l = B^-1(alpha/2)``, ``u = B^-1(1 - alpha/2) + 1`` (1-based, clipped to 1..n); its
    coverage is at least ``1 - alpha`` up to that clipping.

    Returns
    -------
    (estimate, low, high)

    Examples
    --------
    >>> quantile_interval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)
    (5.5, 2.0, 9.0)
    """
    q = check_probability("q", q)
    x = np.sort(np.asarray(values, dtype=float))
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        raise DataError("No durations to take a percentile of.")
    est = float(np.quantile(x, q))
    lo = int(stats.binom.ppf(alpha / 2, n, q))
    hi = int(stats.binom.ppf(1 - alpha / 2, n, q)) + 1
    lo, hi = min(max(lo, 1), n), min(max(hi, 1), n)
    return est, float(x[lo - 1]), float(x[hi - 1])


def _groups(df: pd.DataFrame, by) -> tuple[pd.DataFrame, list[str]]:
    if by is None:
        return df.assign(_all="all"), ["_all"]
    keys = [by] if isinstance(by, str) else list(by)
    df = df.copy()
    for k in keys:
        if k == "day":
            df["day"] = df["created"].dt.floor("D")
        elif k == "month":
            df["month"] = df["created"].dt.to_period("M").dt.to_timestamp()
        elif k not in df.columns:
            check_columns(df, [k], "tickets")
    return df, keys


def _finish(out: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    if keys == ["_all"]:
        return out.drop(columns="_all").reset_index(drop=True)
    return out.reset_index(drop=True)


def time_percentiles(tickets: pd.DataFrame, *, metric: str = "first_response",
                     q: Sequence[float] = (0.5, 0.9, 0.95), by=None, alpha: float = 0.05) -> pd.DataFrame:
    """Percentiles of response (minutes) or resolution (hours) time with distribution-free intervals.

    Parameters
    ----------
    metric : {"first_response", "resolution"}
    q : percentiles as fractions
    by : column name(s), ``"day"`` or ``"month"``; None for the whole table.

    Returns
    -------
    DataFrame with the group keys, ``quantile``, ``estimate``, ``low``, ``high``, ``n`` (tickets with
    the step done); times in minutes (first response) or hours (resolution).
    """
    if metric not in _TIMES:
        raise ParameterError(f"`metric` must be one of {list(_TIMES)}, but {metric!r} was passed.")
    df = _tickets(tickets, ["created", "first_response", "resolved"])
    col = _TIMES[metric][1]
    df = df.assign(**{col: ticket_durations(df)[col]})
    df, keys = _groups(df, by)
    rows = []
    for key, g in df.groupby(keys, sort=True, observed=True):
        vals = g[col].dropna().to_numpy()
        if len(vals) == 0:
            continue
        key = key if isinstance(key, tuple) else (key,)
        for p in q:
            est, lo, hi = quantile_interval(vals, p, alpha)
            rows.append({**dict(zip(keys, key, strict=True)), "quantile": float(p), "estimate": est, "low": lo,
                         "high": hi, "n": len(vals)})
    if not rows:
        raise DataError(f"No ticket has a {metric.replace('_', ' ')} time.")
    return _finish(pd.DataFrame(rows), keys)


def _share_table(df, flag: pd.Series, keys, alpha) -> pd.DataFrame:
    g = df.assign(_hit=flag.astype(float)).groupby(keys, sort=True, observed=True)["_hit"]
    out = pd.DataFrame({"tickets": g.size(), "hits": g.sum()})
    out["share"] = out["hits"] / out["tickets"]
    out["low"], out["high"] = wilson_interval(out["hits"].to_numpy(), out["tickets"].to_numpy(), alpha)
    return out.reset_index()


def sla_attainment(tickets: pd.DataFrame, sla_minutes: float, *, metric: str = "first_response",
                   by=None, alpha: float = 0.05) -> pd.DataFrame:
    """Share of tickets whose first response (or resolution) came within ``sla_minutes``, with
    Wilson intervals. Tickets not yet answered count as missed.

    Returns
    -------
    DataFrame: group keys, ``tickets``, ``within`` (count), ``share``, ``low``, ``high``.

    Examples
    --------
    >>> t0 = pd.Timestamp("2024-01-01 09:00")
    >>> tk = pd.DataFrame({"created": [t0] * 4,
    ...                    "first_response": t0 + pd.to_timedelta([5, 20, 90, None], unit="min"),
    ...                    "resolved": [pd.NaT] * 4})
    >>> float(sla_attainment(tk, 30)["share"].iloc[0])
    0.5
    """
    if metric not in _TIMES:
        raise ParameterError(f"`metric` must be one of {list(_TIMES)}, but {metric!r} was passed.")
    sla = check_positive("sla_minutes", sla_minutes)
    df = _tickets(tickets, ["created", "first_response", "resolved"])
    dur = ticket_durations(df)[_TIMES[metric][1]] * (60.0 if metric == "resolution" else 1.0)
    df, keys = _groups(df, by)
    out = _share_table(df, (dur <= sla).fillna(False), keys, alpha).rename(columns={"hits": "within"})
    return _finish(out, keys)


def first_contact_resolution(tickets: pd.DataFrame, *, by=None, alpha: float = 0.05) -> pd.DataFrame:
    """Share of tickets resolved with one customer contact (``contacts == 1`` and resolved), with
    Wilson intervals. Returns group keys, ``tickets``, ``first_contact``, ``share``, ``low``, ``high``."""
    df = _tickets(tickets, ["created", "resolved", "contacts"])
    if not pd.api.types.is_numeric_dtype(df["contacts"]):
        raise DataError("`tickets` column 'contacts' must be numeric.")
    flag = (df["contacts"] == 1) & df["resolved"].notna()
    df, keys = _groups(df, by)
    out = _share_table(df, flag, keys, alpha).rename(columns={"hits": "first_contact"})
    return _finish(out, keys)


def reasons_pareto(tickets: pd.DataFrame, *, reason_col: str = "reason", cutoff: float = 0.8) -> pd.DataFrame:
    """Contact reasons by count, largest first, with share, cumulative share and ``vital_few``
    (the reasons that together reach ``cutoff`` of the tickets, the last one included)."""
    df = check_frame(tickets, "tickets")
    check_columns(df, [reason_col], "tickets")
    cutoff = check_probability("cutoff", cutoff, open_interval=False)
    counts = df[reason_col].astype("string").fillna("(missing)").value_counts()
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    out = pd.DataFrame({"reason": counts.index.astype(str), "tickets": counts.to_numpy()})
    out["share"] = out["tickets"] / out["tickets"].sum()
    out["cumulative_share"] = out["share"].cumsum()
    out["vital_few"] = out["cumulative_share"].shift(fill_value=0.0) < cutoff - 1e-12
    return out


def csat_summary(tickets: pd.DataFrame, *, by=None, alpha: float = 0.05, satisfied_from: int = 4) -> pd.DataFrame:
    """Customer satisfaction (1-5 answers): mean score with a Student-t interval and the CSAT share
    (answers >= ``satisfied_from``) with a Wilson interval. Missing answers are left out.

    Returns group keys, ``responses``, ``mean``, ``mean_low``, ``mean_high``, ``csat``, ``csat_low``,
    ``csat_high``.
    """
    df = _tickets(tickets, ["created", "csat"])
    if not pd.api.types.is_numeric_dtype(df["csat"]):
        raise DataError("`tickets` column 'csat' must be numeric (1-5).")
    bad = df["csat"].notna() & ~df["csat"].isin([1, 2, 3, 4, 5])
    if bad.any():
        raise DataError(f"{int(bad.sum())} csat value(s) are not whole numbers 1-5.")
    df = df[df["csat"].notna()]
    if df.empty:
        raise DataError("No ticket has a CSAT answer.")
    df, keys = _groups(df, by)
    g = df.groupby(keys, sort=True, observed=True)["csat"]
    out = pd.DataFrame({"responses": g.size(), "mean": g.mean(), "sd": g.std(ddof=1),
                        "satisfied": g.apply(lambda s: int((s >= satisfied_from).sum()))})
    half = stats.t.ppf(1 - alpha / 2, np.maximum(out["responses"] - 1, 1)) * out["sd"] / np.sqrt(out["responses"])
    out["mean_low"], out["mean_high"] = out["mean"] - half, out["mean"] + half
    out["csat"] = out["satisfied"] / out["responses"]
    out["csat_low"], out["csat_high"] = wilson_interval(out["satisfied"].to_numpy(), out["responses"].to_numpy(), alpha)
    out = out.drop(columns=["sd", "satisfied"]).reset_index()
    return _finish(out, keys)


def csat_trend(tickets: pd.DataFrame, *, freq: str = "month", alpha: float = 0.05) -> pd.DataFrame:
    """CSAT per ``"day"`` or ``"month"`` of ticket creation (see :func:`csat_summary`)."""
    if freq not in ("day", "month"):
        raise ParameterError(f"`freq` must be 'day' or 'month', but {freq!r} was passed.")
    return csat_summary(tickets, by=freq, alpha=alpha)


@dataclass(frozen=True)
class ContactRate:
    """Tickets per 100 orders per period, and its individuals control chart (``ecomlib.risk``)."""

    table: pd.DataFrame
    chart: ChartResult
    moving_range: ChartResult

    @property
    def rate(self) -> float:
        """Tickets per 100 orders over the whole table."""
        return float(100 * self.table["tickets"].sum() / self.table["orders"].sum())

    def summary(self) -> pd.DataFrame:
        out = {"periods": len(self.table), "tickets": int(self.table["tickets"].sum()),
               "orders": int(self.table["orders"].sum()), "per_100_orders": self.rate,
               "signals": int(self.chart.table["signal"].sum())}
        return pd.DataFrame({"value": pd.Series(out, dtype="object")}).rename_axis("statistic")


def contact_rate(tickets: pd.DataFrame, transactions: pd.DataFrame, *, freq: str = "D",
                 baseline=None) -> ContactRate:
    """Tickets per 100 orders per day (``freq="D"``) or week (``"W"``), charted with
    :func:`ecomlib.risk.individuals_chart`. Periods without orders are left out.

    Orders are the distinct ``order_id`` of ``transactions`` per ``order_date`` period (all statuses:
    a cancelled order can still bring a ticket).
    """
    if freq not in ("D", "W"):
        raise ParameterError(f"`freq` must be 'D' or 'W', but {freq!r} was passed.")
    tk = _tickets(tickets, ["created"])
    tx = check_frame(transactions, "transactions")
    check_columns(tx, ["order_id", "order_date"], "transactions")
    rule = "D" if freq == "D" else "W-MON"
    orders = (tx.drop_duplicates("order_id").set_index("order_date")["order_id"]
              .resample(rule, label="left", closed="left").count())
    count = (pd.Series(1, index=pd.DatetimeIndex(tk["created"].dropna()))
             .resample(rule, label="left", closed="left").sum())
    table = pd.DataFrame({"orders": orders}).join(count.rename("tickets"), how="left").fillna({"tickets": 0})
    table = table[table["orders"] > 0].astype({"tickets": "int64", "orders": "int64"})
    if len(table) < 3:
        raise DataError(f"Only {len(table)} period(s) have both orders and tickets; a control chart needs 3.")
    table["per_100_orders"] = 100 * table["tickets"] / table["orders"]
    table.index.name = "period"
    ind, mr = individuals_chart(table["per_100_orders"], baseline=baseline)
    return ContactRate(table, ind, mr)


def response_repurchase(tickets: pd.DataFrame, transactions: pd.DataFrame, *, slow_minutes: float = 60.0,
                        window_days: int = 90, alpha: float = 0.05) -> pd.DataFrame:
    """Repurchase within ``window_days`` after a ticket, for slow (first response later than
    ``slow_minutes`` or never) and fast tickets: an observational comparison, not an effect.

    One row per customer's first ticket (tickets without ``customer_id`` are left out). A repurchase is a
    completed order of the same customer created after the ticket and within the window; tickets too
    close to the end of the orders to see the whole window are left out.

    Returns
    -------
    DataFrame with ``group`` (fast / slow / difference), ``tickets``, ``repurchased``, ``share``,
    ``low``, ``high`` (Wilson; the difference row slow - fast with Newcombe's hybrid interval).
    """
    slow_minutes = check_positive("slow_minutes", slow_minutes)
    window = int(check_positive("window_days", window_days))
    tk = _tickets(tickets, ["created", "first_response", "customer_id"])
    tx = check_frame(transactions, "transactions")
    check_columns(tx, ["order_id", "order_date", "customer_id"], "transactions")
    tk = tk[tk["customer_id"].notna()].sort_values("created").drop_duplicates("customer_id")
    end = tx["order_date"].max()
    tk = tk[tk["created"] + pd.Timedelta(days=window) <= end]
    if len(tk) < 2:
        raise DataError(f"Fewer than 2 tickets have {window} days of orders after them.")
    wait = (tk["first_response"] - tk["created"]).dt.total_seconds() / 60
    slow = (wait > slow_minutes) | wait.isna()
    orders = tx
    if "status" in tx.columns:
        orders = tx[tx["status"] == "completed"]
    orders = orders.drop_duplicates("order_id")[["customer_id", "order_date"]]
    m = tk[["customer_id", "created"]].assign(slow=slow.to_numpy()).merge(orders, on="customer_id", how="left")
    hit = (m["order_date"] > m["created"]) & (m["order_date"] <= m["created"] + pd.Timedelta(days=window))
    per = m.assign(hit=hit).groupby(["customer_id", "slow"], sort=False)["hit"].any().reset_index()
    g = per.groupby("slow")["hit"]
    counts = pd.DataFrame({"tickets": g.size(), "repurchased": g.sum()}).reindex([False, True], fill_value=0)
    if (counts["tickets"] == 0).any():
        raise DataError("Every ticket is fast or every ticket is slow; nothing to compare.",
                        fix="Choose a `slow_minutes` between the typical fast and slow response times.")
    counts["share"] = counts["repurchased"] / counts["tickets"]
    counts["low"], counts["high"] = wilson_interval(counts["repurchased"].to_numpy(), counts["tickets"].to_numpy(), alpha)
    f, s = counts.loc[False], counts.loc[True]
    diff = s["share"] - f["share"]
    lo = diff - np.sqrt((s["share"] - s["low"]) ** 2 + (f["high"] - f["share"]) ** 2)
    hi = diff + np.sqrt((s["high"] - s["share"]) ** 2 + (f["share"] - f["low"]) ** 2)
    out = counts.reset_index(drop=True)
    out.insert(0, "group", ["fast", "slow"])
    out.loc[2] = ["slow - fast", float("nan"), float("nan"), diff, lo, hi]
    return out
