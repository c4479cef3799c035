"""Where the promotions calendar comes from when the data has none (book section 3.4, 制定促銷時間表).

* :func:`festival_calendar` turns festival periods typed by the user (``"2024-11-04..2024-11-11"``)
  into whole-shop promotion rows;
* :func:`promotions_from_discounts` finds promotion periods in the transactions themselves: runs
  of days on which at least ``min_share`` of the units were sold below list price (a ``discount``
  column is needed), for the whole shop or, with ``by="product_id"``, per product (price-cut
  episodes). The report says when the calendar was inferred this way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_columns, check_frame, check_probability

__all__ = ["festival_calendar", "discount_calendar", "promotions_from_discounts", "scope_lines", "CALENDAR_COLUMNS"]

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


_BY_SCOPE = {"product_id": "product", "category": "category"}


def promotions_from_discounts(
    transactions: pd.DataFrame,
    *,
    by: str | None = None,
    min_share: float = 0.3,
    min_days: int = 3,
    min_units: float = 0,
    min_history_days: int = 0,
    history_days: int = 84,
    max_promotions: int | None = None,
    date_col: str = "order_date",
    quantity_col: str = "quantity",
    discount_col: str = "discount",
    status_col: str = "status",
    rate_col: str = "discount_rate",
    name_col: str = "product_name",
) -> pd.DataFrame:
    """Infer promotion periods: runs of at least ``min_days`` days with many discounted units.

    With ``by=None`` (whole shop) a day counts as promoted when at least ``min_share`` of its
    completed units carry a discount (``discount > 0``); each run of at least ``min_days``
    consecutive promoted days becomes a whole-shop promotion row (``scope_type="all"``).

    With ``by="product_id"`` (or ``"category"``) the same rule is applied within each group, to
    find price-cut episodes of single products (or categories): a day is *flagged* for a group when
    the group sold something that day and at least ``min_share`` of those units were discounted.
    Days on which the group sold nothing neither break nor extend a run: a run goes on over them
    when the group's selling days just before and just after are both flagged, and it starts and
    ends on flagged selling days. A run is kept when it spans at least ``min_days`` calendar days,
    has at least 2 flagged selling days, at least ``min_units`` completed units (all of the
    group's units from its first to its last day, discounted or not) and, before it, at least
    ``min_history_days`` selling days in the ``history_days`` days before its start (a baseline
    for the episode needs the group's ordinary sales; a product launched a few days before
    its "cut" has none).

    Parameters
    ----------
    transactions : DataFrame
        Order lines with ``order_date``, ``quantity`` and ``discount`` (money off the line; e.g.
        derived by :func:`ecomlib.data.derive_discounts`), plus the ``by`` column. Only completed
        lines count when there is a ``status`` column.
    by : {None, "product_id", "category"}, default None
        None: shop-wide periods. Otherwise the column whose groups are searched one by one; the
        rows get ``scope_type`` ``"product"`` or ``"category"`` and the group as ``scope``.
    min_share : float, default 0.3
        Share of a day's (group's) completed units that must be discounted for the day to count.
    min_days : int, default 3
        Shortest run, in calendar days from its first to its last day.
    min_units : float, default 0
        Fewest completed units a run must hold (only with ``by``).
    min_history_days, history_days : int, default 0 and 84
        Fewest days with sales of the group in the ``history_days`` days before a run (only with
        ``by``; 0 = no condition).
    max_promotions : int, optional
        Keep only this many runs: those with the most completed units in them (ties: the earlier
        first). The rows stay in calendar order. ``attrs["runs_found"]`` of the result says how
        many runs met the rule before this cut.
    date_col, quantity_col, discount_col, status_col : str
        Column names.
    rate_col : str, default "discount_rate"
        Discount as a fraction of the regular price, when present (only with ``by``): the row's
        ``discount`` is its units-weighted mean over the run's discounted lines; NaN otherwise.
    name_col : str, default "product_name"
        With ``by="product_id"``, the row's ``name`` shows the product's most frequent name when
        this column is present.

    Returns
    -------
    DataFrame
        Calendar rows (``promo_id``, ``name``, ``start``, ``end``, ``kind="discount"``, ``discount``,
        ``scope_type``, ``scope``, ``cost=0``: unknown). ``promo_id`` is ``DISC-<start>`` for the
        whole shop and ``DISC-<group>-<start>`` with ``by``.

    Raises
    ------
    DataError
        When no run meets the rule (the message names the rule).
    ParameterError
        When ``by`` is not None, ``"product_id"`` or ``"category"``, or ``max_promotions`` is not a
        positive integer.

    Examples
    --------
    Product ``a`` is cut on days 3-6 (nothing sold on day 5), ``b`` is never cut:

    >>> import pandas as pd
    >>> days = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-06"])
    >>> tx = pd.DataFrame({"order_date": days.append(days), "product_id": ["a"] * 5 + ["b"] * 5,
    ...                    "quantity": [5] * 10, "discount": [0, 0, 2.0, 2.0, 2.0] + [0] * 5})
    >>> cal = promotions_from_discounts(tx, by="product_id")
    >>> cal[["promo_id", "start", "end", "scope_type", "scope"]].iloc[0].tolist()
    ['DISC-a-2024-01-03', Timestamp('2024-01-03 00:00:00'), Timestamp('2024-01-06 00:00:00'), 'product', 'a']
    """
    check_frame(transactions, "transactions")
    if by is not None and by not in _BY_SCOPE:
        raise ParameterError(f"`by` must be None, 'product_id' or 'category', but {by!r} was passed.")
    if max_promotions is not None and (isinstance(max_promotions, bool) or not isinstance(max_promotions, (int, np.integer))
                                       or max_promotions < 1):
        raise ParameterError(f"`max_promotions` must be a positive integer or None, but {max_promotions!r} was passed.")
    check_columns(transactions, [date_col, quantity_col, discount_col] + ([by] if by else []), "transactions")
    min_share = check_probability("min_share", min_share)
    tx = transactions
    if status_col in tx.columns:
        tx = tx[tx[status_col] == "completed"]
    if by is not None:
        return _group_runs(tx, by, min_share=min_share, min_days=int(min_days), min_units=float(min_units),
                           min_history_days=int(min_history_days), history_days=int(history_days),
                           max_promotions=max_promotions, date_col=date_col, quantity_col=quantity_col,
                           discount_col=discount_col, rate_col=rate_col, name_col=name_col)
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
    starts, stops = starts[keep], stops[keep]
    found = len(starts)
    if max_promotions is not None and found > max_promotions:
        cum = np.r_[0.0, np.cumsum(per_day["units"].to_numpy(dtype=float))]
        best = np.sort(np.argsort(-(cum[stops + 1] - cum[starts]), kind="stable")[:max_promotions])
        starts, stops = starts[best], stops[best]
    rows = []
    for a, b in zip(starts, stops, strict=True):  # a handful of runs
        start, end = days[a], days[b]
        rows.append({"promo_id": f"DISC-{start:%Y-%m-%d}", "name": f"discount period {start:%m-%d}-{end:%m-%d}",
                     "start": start, "end": end, "kind": "discount", "discount": np.nan, "scope_type": "all",
                     "scope": "", "cost": 0.0})
    out = pd.DataFrame(rows, columns=CALENDAR_COLUMNS).astype({"start": "datetime64[us]", "end": "datetime64[us]"})
    out.attrs["runs_found"] = found
    return out


def _group_runs(tx: pd.DataFrame, by: str, *, min_share: float, min_days: int, min_units: float,
                min_history_days: int, history_days: int, max_promotions: int | None, date_col: str, quantity_col: str, discount_col: str,
                rate_col: str, name_col: str) -> pd.DataFrame:
    """Runs of flagged selling days per group (see :func:`promotions_from_discounts`), vectorised
    on a (group x day) matrix of the groups that have any discounted unit."""
    rule = (f"No {_BY_SCOPE[by]} had a run of {min_days}+ days (and at least 2 selling days) on which at least "
            f"{min_share:.0%} of its units were discounted")
    fix = "Supply a promotions calendar (promotions.csv) or festival dates."
    qty = pd.to_numeric(tx[quantity_col], errors="coerce").fillna(0).to_numpy(dtype=float)
    is_disc = pd.to_numeric(tx[discount_col], errors="coerce").fillna(0).to_numpy() > 0
    group = tx[by].astype("str")
    ok = group.notna().to_numpy() & tx[date_col].notna().to_numpy()
    cut_groups = pd.unique(group[ok & is_disc & (qty > 0)])
    if len(cut_groups) == 0:
        raise DataError(rule + ": no line was discounted.", fix=fix)
    sub = ok & group.isin(cut_groups).to_numpy()
    gcode, labels = pd.factorize(group[sub])
    day = pd.to_datetime(tx.loc[sub, date_col]).dt.floor("D")
    day0 = day.min()
    dcode = ((day - day0) // pd.Timedelta(days=1)).to_numpy(dtype=np.int64)
    n_g, n_d = len(labels), int(dcode.max()) + 1
    flat = gcode * n_d + dcode
    q, disc = qty[sub], is_disc[sub]
    units = np.bincount(flat, weights=q, minlength=n_g * n_d).reshape(n_g, n_d)
    disc_units = np.bincount(flat, weights=q * disc, minlength=n_g * n_d).reshape(n_g, n_d)
    sold = units > 0
    flag = sold & (disc_units >= min_share * units)
    # bridge no-sale days: a day without sales is in a run when the selling days either side are flagged
    col = np.arange(n_d)
    last = np.maximum.accumulate(np.where(sold, col, -1), axis=1)
    nxt = np.minimum.accumulate(np.where(sold, col, n_d)[:, ::-1], axis=1)[:, ::-1]
    rows_idx = np.arange(n_g)[:, None]
    prev_flag = np.where(last >= 0, flag[rows_idx, np.clip(last, 0, None)], False)
    next_flag = np.where(nxt < n_d, flag[rows_idx, np.clip(nxt, None, n_d - 1)], False)
    in_run = flag | (~sold & prev_flag & next_flag)
    edges = np.diff(np.pad(in_run.astype(np.int8), ((0, 0), (1, 1))), axis=1)
    g_start, d_start = np.nonzero(edges == 1)  # row-major: starts and stops pair up
    g_stop, d_stop = np.nonzero(edges == -1)
    d_stop = d_stop - 1
    cum_units = np.pad(np.cumsum(units, axis=1), ((0, 0), (1, 0)))
    cum_flags = np.pad(np.cumsum(flag, axis=1), ((0, 0), (1, 0)))
    run_units = cum_units[g_start, d_stop + 1] - cum_units[g_start, d_start]
    run_flags = cum_flags[g_start, d_stop + 1] - cum_flags[g_start, d_start]
    cum_sold = np.pad(np.cumsum(sold, axis=1), ((0, 0), (1, 0)))
    history = cum_sold[g_start, d_start] - cum_sold[g_start, np.clip(d_start - history_days, 0, None)]
    keep = ((d_stop - d_start + 1) >= min_days) & (run_flags >= 2) & (run_units >= min_units)
    if min_history_days > 0:
        keep &= history >= min_history_days
        rule += f", after at least {min_history_days} days with sales in the {history_days} days before"
    if not keep.any():
        raise DataError(rule + ".", fix=fix)
    g_start, d_start, d_stop, run_units = g_start[keep], d_start[keep], d_stop[keep], run_units[keep]
    found = len(g_start)
    if max_promotions is not None and found > max_promotions:
        best = np.argsort(-run_units, kind="stable")[:max_promotions]
        g_start, d_start, d_stop, run_units = g_start[best], d_start[best], d_stop[best], run_units[best]
    depth = np.full(len(g_start), np.nan)
    if rate_col in tx.columns:  # units-weighted mean rate of the discounted lines in each run
        rate = pd.to_numeric(tx.loc[sub, rate_col], errors="coerce").fillna(0).to_numpy(dtype=float)
        w = q * disc
        rate_units = np.bincount(flat, weights=w * rate, minlength=n_g * n_d).reshape(n_g, n_d)
        cum_rate = np.pad(np.cumsum(rate_units, axis=1), ((0, 0), (1, 0)))
        cum_disc = np.pad(np.cumsum(disc_units, axis=1), ((0, 0), (1, 0)))
        got = cum_disc[g_start, d_stop + 1] - cum_disc[g_start, d_start]
        depth = (cum_rate[g_start, d_stop + 1] - cum_rate[g_start, d_start]) / np.where(got > 0, got, np.nan)
    scope_type = _BY_SCOPE[by]
    shown = {}
    if by == "product_id" and name_col in tx.columns:  # the kept products' most frequent names
        kept = pd.Index(labels[np.unique(g_start)])
        lines = sub & group.isin(kept).to_numpy() & tx[name_col].notna().to_numpy()
        counts = pd.DataFrame({"id": group[lines], "name": tx.loc[lines, name_col].astype("str")}).value_counts()
        shown = {pid: f"{nm} ({pid})" for pid, nm in counts.reset_index().drop_duplicates("id")[["id", "name"]]
                 .itertuples(index=False)}
    rows = []
    for g, a, b, dep in zip(g_start, d_start, d_stop, depth, strict=True):  # the few runs kept
        start, end = day0 + pd.Timedelta(days=int(a)), day0 + pd.Timedelta(days=int(b))
        name = str(labels[g])
        rows.append({"promo_id": f"DISC-{name}-{start:%Y-%m-%d}",
                     "name": f"{shown.get(name, name)} price cut {start:%m-%d}-{end:%m-%d}", "start": start, "end": end,
                     "kind": "discount", "discount": float(dep), "scope_type": scope_type, "scope": name,
                     "cost": 0.0})
    out = pd.DataFrame(rows, columns=CALENDAR_COLUMNS).astype({"start": "datetime64[us]", "end": "datetime64[us]"})
    out = out.sort_values(["start", "scope"], ignore_index=True)
    out.attrs["runs_found"] = found
    return out


def discount_calendar(
    transactions: pd.DataFrame,
    *,
    max_promotions: int = 10,
    min_share: float = 0.3,
    min_days: int = 3,
    pre_weeks: int = 12,
    derived: bool = False,
) -> tuple[pd.DataFrame, str | None]:
    """The report's calendar found in the discounts: shop-wide periods, else product price cuts.

    First :func:`promotions_from_discounts` for the whole shop; when it finds no run, the same
    rule per product (``by="product_id"``) among products that sold on at least a third of the
    ``pre_weeks`` weeks' days before the run (so that the product has ordinary sales for a
    baseline to learn from), keeping the ``max_promotions`` episodes with the most units.

    Parameters
    ----------
    transactions : DataFrame
        Order lines with ``order_date``, ``product_id``, ``quantity`` and ``discount``.
    max_promotions : int, default 10
        Product episodes kept in the fallback (those with the most units).
    min_share, min_days
        As in :func:`promotions_from_discounts`.
    pre_weeks : int, default 12
        Weeks before an episode in which the product must have sold on a third of the days.
    derived : bool, default False
        The discounts were derived against regular prices (the note says so).

    Returns
    -------
    (DataFrame, str or None)
        The calendar, and None for shop-wide periods or one sentence for the report naming the
        product rule and how many episodes were found and kept.

    Raises
    ------
    DataError
        When neither the shop nor any product has such a run (the message names both rules).

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-06"])
    >>> tx = pd.DataFrame({"order_date": days.append(days), "product_id": ["a"] * 5 + ["b"] * 5,
    ...                    "quantity": [5] * 10, "discount": [0, 0, 2.0, 2.0, 2.0] + [0] * 5})
    >>> cal, note = discount_calendar(tx, pre_weeks=0)
    >>> cal["promo_id"].tolist(), note.split(":")[0]
    (['DISC-a-2024-01-03'], 'no shop-wide run of 3+ days with at least 30% discounted units')
    """
    try:
        return promotions_from_discounts(transactions, min_share=min_share, min_days=min_days), None
    except DataError as exc:
        shop_wide = exc.message.rstrip(".")
    history = 7 * int(pre_weeks)
    try:
        cal = promotions_from_discounts(transactions, by="product_id", min_share=min_share, min_days=min_days,
                                        min_history_days=-(-history // 3), history_days=history,
                                        max_promotions=max_promotions)
    except DataError as exc:
        raise DataError(f"{shop_wide}; {exc.message}", fix=exc.fix) from None
    found = int(cal.attrs.get("runs_found", len(cal)))
    below = "below their derived regular price" if derived else "discounted"
    kept = f"the {len(cal)} with the most units are studied" if found > len(cal) else "all are studied"
    note = (f"no shop-wide run of {min_days}+ days with at least {min_share:.0%} discounted units: the promotions are "
            f"product price-cut episodes instead, runs of {min_days}+ days (at least 2 selling days; days without "
            f"sales bridged) on which at least {min_share:.0%} of a product's units sold {below}"
            + (f", among products that sold on a third of the days of the {pre_weeks} weeks before" if history else "")
            + f"; {found} found, {kept}")
    return cal, note


def scope_lines(transactions: pd.DataFrame, promotion: pd.Series, *, product_col: str = "product_id",
                category_col: str = "category") -> pd.DataFrame:
    """The order lines of the products a promotion covers (all lines for ``scope_type`` ``all``).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"product_id": ["a", "b", "a"], "category": ["x", "y", "x"]})
    >>> len(scope_lines(tx, pd.Series({"scope_type": "product", "scope": "a"})))
    2
    """
    kind = str(promotion["scope_type"])
    if kind == "all":
        return transactions
    if kind not in ("product", "category"):
        raise ParameterError(f"`scope_type` must be all, category or product, but {kind!r} was passed.")
    col = product_col if kind == "product" else category_col
    check_columns(transactions, [col], "transactions")
    items = [s.strip() for s in str(promotion.get("scope", "")).split(";") if s.strip()]
    return transactions[transactions[col].astype("str").isin(items)]
