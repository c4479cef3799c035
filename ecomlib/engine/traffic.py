"""The traffic chapter's group-bys (channel sales and new customers, sessions, journeys) in ibis.

* :func:`channel_facts` gives :func:`ecomlib.traffic.channel_performance` its per-channel
  orders and revenue of completed lines, the new customers per channel of their first
  completed line (:func:`ecomlib.engine.rules.first_line_order`), and the date facts of the
  weekly-totals check; :func:`session_counts` and :func:`spend_sums` the traffic and cost sums.
* :func:`journey_touches` sorts a touchpoint log into journeys on the engine and returns the
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
from ecomlib.errors import SchemaError

__all__ = ["channel_facts", "session_counts", "spend_sums"]


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


def _unused():  # pragma: no cover - keeps numpy imported for the journey functions below
    return np
