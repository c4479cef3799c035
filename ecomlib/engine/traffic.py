"""The traffic chapter's group-bys (channel sales and new customers, sessions, journeys) in ibis.

* :func:`channel_facts` gives :func:`ecomlib.traffic.channel_performance` its per-channel
  orders and revenue of completed lines, the new customers per channel of their first
  completed line (:func:`ecomlib.engine.rules.first_line_order`), and the date facts of the
  weekly-totals check; :func:`session_counts` and :func:`spend_sums` the traffic and cost sums.
* :func:`sorted_touches` sorts a touchpoint log into journeys on the engine and returns the
  per-touch arrays of :class:`ecomlib.traffic.Journeys` (the models read every touch, so the
  arrays come back; the sort and the numbering run on the engine).
* :func:`channel_set_counts` and :func:`markov_step_counts` are the aggregates the Shapley and
  Markov models need (journeys and conversions per channel set; transitions per state and next
  step), so attribution over a warehouse table never fetches the touches.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.engine import rules
from ecomlib.engine.backend import as_table, check_table, fetch
from ecomlib.errors import DataError, SchemaError

__all__ = ["channel_facts", "channel_set_counts", "markov_step_counts", "session_counts", "sorted_touches",
           "spend_sums"]


def _check_numeric(t, cols, param):
    schema = t.schema()
    bad = [f"{c!r} ({schema[c]})" for c in cols if not schema[c].is_numeric() or schema[c].is_boolean()]
    if bad:
        raise SchemaError(f"`{param}` column(s) {', '.join(bad)} must be numeric.",
                          fix="Cast the column(s) to numbers in the database or in a view.")


def channel_facts(data, by, *, new_from_lines: bool, order_col, revenue_col, customer_col, date_col,
                  status_col) -> dict:
    """Completed-line facts per channel for :func:`ecomlib.traffic.channel_performance`.

    Returns a dict: ``lines`` (completed lines), ``with_channel`` (of them with a ``by``
    value), ``sales`` (DataFrame indexed by channel, sorted: ``orders`` distinct,
    ``revenue``), ``first`` / ``last`` (first and last completed order date),
    ``weekdays`` (distinct weekdays of the completed lines' dates), ``known`` (completed
    lines with a customer id) and, when ``new_from_lines``, ``new_customers`` (a Series per
    channel of the customers whose first completed line is on that channel).
    """
    import ibis

    cols = [by, order_col, revenue_col, customer_col, date_col, status_col]
    with as_table(data, cols) as t:
        if rules.is_ibis(data):
            check_table(t, [by, order_col, revenue_col, customer_col, date_col], date_cols=[date_col])
            _check_numeric(t, [revenue_col], "transactions")
        done = t.filter(rules.completed_sale(t[status_col])) if status_col in t.columns else t
        facts = fetch(done.aggregate(
            lines=done.count(), with_channel=done[by].notnull().sum(), first=done[date_col].min(),
            last=done[date_col].max(), weekdays=done[date_col].day_of_week.index().nunique(),
            known=done[customer_col].notnull().sum())).iloc[0].to_dict()
        out = {k: 0 if pd.isna(facts[k]) else int(facts[k]) for k in ("lines", "with_channel", "weekdays", "known")}
        out["first"], out["last"] = pd.Timestamp(facts["first"]), pd.Timestamp(facts["last"])
        if out["lines"] == 0 or out["with_channel"] == 0:
            return out
        sold = done.filter(done[by].notnull())
        sales = fetch(sold.group_by(channel=sold[by]).aggregate(
            orders=sold[order_col].nunique(), revenue=sold[revenue_col].cast("float64").sum()))
        out["sales"] = _by_channel(sales, data, by).astype({"orders": "int64", "revenue": float})
        if new_from_lines and out["known"]:
            known = done.filter(done[customer_col].notnull())
            first = ibis.row_number().over(group_by=known[customer_col],
                                           order_by=rules.first_line_order(known[date_col], known[by]))
            firsts = known.mutate(_n=first).filter(lambda s: (s._n == 0) & s[by].notnull())
            counts = fetch(firsts.group_by(channel=firsts[by]).aggregate(new_customers=firsts.count()))
            out["new_customers"] = _by_channel(counts, data, by)["new_customers"].astype("int64")
    return out


def _by_channel(frame: pd.DataFrame, data, by) -> pd.DataFrame:
    """Index a per-channel result by its channel (the frame's dtype for a frame), sorted."""
    index = frame["channel"]
    if isinstance(data, pd.DataFrame):
        index = index.astype(data[by].dtype)
    return frame.drop(columns="channel").set_axis(pd.Index(index, name=by)).sort_index()


def session_counts(data, by, *, step_col, purchase_step) -> pd.DataFrame:
    """Sessions and purchase sessions per ``by`` value (sorted; no row for a missing value)."""
    with as_table(data, [by, step_col]) as t:
        if rules.is_ibis(data):
            check_table(t, [by, step_col], param="sessions")
        known = t.filter(t[by].notnull())
        counts = fetch(known.group_by(channel=known[by]).aggregate(
            sessions=known.count(), purchase_sessions=(known[step_col] == purchase_step).fill_null(False).sum()))
    return _by_channel(counts, data, by).astype("int64")


def spend_sums(data, by, *, spend_col, impressions_col, clicks_col) -> tuple[pd.DataFrame, bool]:
    """Spend, impressions and clicks per ``by`` value (sorted), and whether any spend is negative."""
    cols = [spend_col, impressions_col, clicks_col]
    with as_table(data, [by, *cols]) as t:
        if rules.is_ibis(data):
            check_table(t, [by, *cols], param="spend")
            _check_numeric(t, cols, "spend")
        negative = bool(fetch(t.aggregate(n=(t[spend_col] < 0).sum()))["n"].iloc[0])
        known = t.filter(t[by].notnull())
        sums = fetch(known.group_by(channel=known[by]).aggregate(
            **{c: known[c].sum() for c in cols}))
    return _by_channel(sums, data, by), negative


def _touches(data, *, user_col, time_col, channel_col, converted_col):
    """(context of the Table of kept touches with ``u``, ``c``, ``t``, ``cv`` codes, and the channels)."""
    import ibis

    t = data
    kept = t.filter(t[user_col].notnull(), t[channel_col].notnull(), t[time_col].notnull())
    flag = kept[converted_col]
    if not flag.type().is_boolean():
        flag = flag != 0
    # channel codes in Python's (code-point) order, whatever the database's collation: the
    # sorted names go to the backend as a small table and are joined on
    names = fetch(kept.group_by(name=kept[channel_col].cast("string")).aggregate(n=kept.count()))["name"]
    channels = sorted(str(x) for x in names)
    if not channels:
        raise DataError("Every touchpoint lacks a user, channel or timestamp.")
    codes = ibis.memtable(pd.DataFrame({"_name": pd.Series(channels, dtype="str"),
                                        "_code": np.arange(len(channels), dtype=np.int64)}))
    kept = kept.mutate(_name=kept[channel_col].cast("string"), _flag=flag.fill_null(False))
    kept = kept.inner_join(codes, "_name")
    touches = kept.select(u=ibis.dense_rank().over(order_by=kept[user_col]), c=kept["_code"],
                          t=kept[time_col].cast("timestamp(6)"), cv=kept["_flag"])
    return touches, channels


def _check_touchpoints(data, user_col, time_col, channel_col, converted_col):
    if rules.is_ibis(data):
        check_table(data, [user_col, time_col, channel_col, converted_col], date_cols=[time_col],
                    param="touchpoints")
        dtype = data.schema()[converted_col]
        if not (dtype.is_boolean() or dtype.is_integer()):
            raise SchemaError(f"`touchpoints` column {converted_col!r} must be bool (or 0/1), but its type is "
                              f"{dtype}.", fix="Cast the column to a boolean in the database or in a view.")


def sorted_touches(data, *, user_col, time_col, channel_col, converted_col):
    """Touches sorted by journey, time and channel on the engine: ``(channels, u, c, t, cv)`` arrays.

    The arguments of :func:`ecomlib.traffic.journeys.from_sorted`: journey numbers in the
    sorted order of the user ids, channel codes in the sorted order of the channel names,
    times in microseconds, converted flags (missing = false). Rows without a user, channel
    or timestamp are left out first.
    """
    _check_touchpoints(data, user_col, time_col, channel_col, converted_col)
    with as_table(data, [user_col, time_col, channel_col, converted_col]) as t:
        touches, channels = _touches(t, user_col=user_col, time_col=time_col, channel_col=channel_col,
                                     converted_col=converted_col)
        rows = touches.order_by(["u", "t", "c"]).to_pyarrow()
    u = rows["u"].to_numpy().astype(np.int64)  # ibis ranks count from 0
    c = rows["c"].to_numpy().astype(np.int64)
    when = rows["t"].to_numpy().astype("datetime64[us]").astype(np.int64)
    return channels, u, c, when, rows["cv"].to_numpy(zero_copy_only=False).astype(bool)


def channel_set_counts(data, *, user_col, time_col, channel_col, converted_col):
    """Journeys and converting journeys per channel set: ``(channels, masks, journeys, conversions)``.

    A journey's set is the bit mask of the channels it touched (bit ``i`` for the ``i``-th
    channel in sorted order), as :func:`ecomlib.traffic.shapley_attribution` reduces it.
    """
    _check_touchpoints(data, user_col, time_col, channel_col, converted_col)
    with as_table(data, [user_col, time_col, channel_col, converted_col]) as t:
        touches, channels = _touches(t, user_col=user_col, time_col=time_col, channel_col=channel_col,
                                     converted_col=converted_col)
        bit = touches.c.cast("int64")
        per = touches.group_by("u").aggregate(mask=(2 ** bit).cast("int64").bit_or(), conv=touches.cv.any())
        sets = fetch(per.group_by("mask").aggregate(journeys=per.count(), conversions=per.conv.sum()))
    sets = sets.sort_values("mask").reset_index(drop=True)
    return (channels, sets["mask"].to_numpy(dtype=np.int64), sets["journeys"].to_numpy(dtype=np.int64),
            sets["conversions"].to_numpy(dtype=np.int64))


def markov_step_counts(data, order: int, *, user_col, time_col, channel_col, converted_col):
    """Observed steps of the order-``order`` chain, counted: ``(channels, before, symbol, count, conversions)``.

    Codes as :func:`ecomlib.traffic.markov` numbers them: a state is the journey's last
    ``order`` channels (digit ``i`` in base channels + 1 is the channel ``i`` touches back
    plus one; 0 = start); the next symbol is a channel code, ``K`` (conversion) or ``K + 1``
    (null) with ``K`` channels. ``conversions`` is the number of converting journeys.
    """
    import ibis

    _check_touchpoints(data, user_col, time_col, channel_col, converted_col)
    with as_table(data, [user_col, time_col, channel_col, converted_col]) as t:
        touches, channels = _touches(t, user_col=user_col, time_col=time_col, channel_col=channel_col,
                                     converted_col=converted_col)
        k, base = len(channels), len(channels) + 1
        walk = ibis.window(group_by="u", order_by=["t", "c"])
        journey = ibis.window(group_by="u")
        touches = touches.mutate(position=ibis.row_number().over(walk), n=touches.u.count().over(journey),
                                 conv=touches.cv.any().over(journey))
        code = ibis.literal(0, type="int64")
        for back in range(order):
            digit = touches.c.lag(back).over(walk) if back else touches.c
            code = code + ibis.ifelse(touches.position >= back, digit.cast("int64") + 1, 0) * base**back
        touches = touches.mutate(code=code)
        touches = touches.mutate(before=touches.code.lag().over(walk).fill_null(0))
        moves = touches.select(before="before", symbol=touches.c.cast("int64"))
        ends = touches.filter(touches.position == touches.n - 1).select(
            before="code", symbol=ibis.ifelse(touches.conv, k, k + 1).cast("int64"))
        steps = moves.union(ends, distinct=False)
        counts = fetch(steps.group_by(["before", "symbol"]).aggregate(count=steps.count()))
        conversions = fetch(ends.aggregate(n=(ends.symbol == k).sum()))["n"].iloc[0]
    counts = counts.sort_values(["before", "symbol"]).reset_index(drop=True)
    return (channels, counts["before"].to_numpy(dtype=np.int64), counts["symbol"].to_numpy(dtype=np.int64),
            counts["count"].to_numpy(dtype=np.int64), int(conversions))
