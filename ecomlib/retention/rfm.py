"""The RFM summary of the BTYD literature and the calibration / holdout split.

Per customer, counted in purchase *days* (see :mod:`ecomlib.retention.purchases`):

* ``frequency`` x  = number of repeat purchase days (all purchase days minus the first);
* ``recency``  t_x = time from the first to the last purchase day;
* ``T``            = time from the first purchase day to the end of observation ``as_of``;
* ``monetary_value`` = mean value of the repeat purchase days (0 when x = 0).

These are the definitions of Fader, Hardie & Lee (2005), of lifetimes'
``summary_data_from_transaction_data`` (``freq="D"``; ``freq_multiplier=7`` for weeks) and
of pymc-marketing's ``rfm_summary``; the BG/NBD and Gamma-Gamma models take this table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.engine import rules
from ecomlib.engine.backend import route
from ecomlib.errors import DataError, ParameterError
from ecomlib.retention.purchases import check_transactions, purchase_arrays, purchase_log
from ecomlib.validation import check_argument

__all__ = ["rfm_summary", "calibration_holdout_split", "TIME_UNITS"]

#: Length of one time unit in days; ``"W"`` = 7 days, as in the CDNOW studies.
TIME_UNITS = {"D": 1.0, "W": 7.0}


def _as_day(value, param: str) -> np.datetime64:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ParameterError(
            f"`{param}` must be a date such as '2024-06-30', but {value!r} was passed."
        ) from None
    if ts is pd.NaT:
        raise ParameterError(f"`{param}` must be a date such as '2024-06-30', but {value!r} was passed.")
    return np.datetime64(ts.floor("D").date(), "D")


def _summarise(codes, customers, days, values, end_day: int, unit_days: float) -> pd.DataFrame:
    """Summary from purchase-day arrays sorted by customer then day (see ``purchase_arrays``)."""
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ends = np.r_[starts[1:], len(codes)] - 1
    count = ends - starts + 1
    first, last = days[starts], days[ends]
    out = pd.DataFrame(
        {
            "frequency": (count - 1).astype(float),
            "recency": (last - first) / unit_days,
            "T": (end_day - first) / unit_days,
        },
        index=pd.Index(customers.take(codes[starts]), name="customer_id"),
    )
    if values is not None:
        repeat_total = np.add.reduceat(values, starts) - values[starts]
        out["monetary_value"] = np.where(count > 1, repeat_total / np.maximum(count - 1, 1), 0.0)
    return out


def _window(transactions, date_col, start=None, end=None):
    if start is None and end is None:
        return transactions
    day = transactions[date_col].to_numpy().astype("datetime64[D]")
    keep = np.ones(len(day), dtype=bool)
    if start is not None:
        keep &= day > start
    if end is not None:
        keep &= day <= end
    return transactions.loc[keep]


def rfm_summary(
    transactions: pd.DataFrame,
    as_of=None,
    time_unit: str = "D",
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str | None = "revenue",
    status_col: str = "status",
    quantity_col: str = "quantity",
) -> pd.DataFrame:
    """Frequency, recency, age and average repeat value per customer (the BTYD summary).

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Order lines. Required columns: ``customer_col``, ``date_col`` (datetime64) and
        ``value_col`` (CNY) unless it is None. Cancelled and return lines are ignored. An
        ibis Table (DuckDB, PostgreSQL, ...) is summarised on its backend; a large frame in
        DuckDB (:func:`ecomlib.engine.choose_engine`); the result is the same.
    as_of : date-like, optional
        End of observation (inclusive day). Purchases after it are ignored. Default: the
        last purchase day in the data.
    time_unit : {"D", "W"}
        Unit of ``recency`` and ``T``: days, or weeks of 7 days. Purchases are always
        grouped by calendar day.
    customer_col, date_col, value_col, status_col, quantity_col : str
        Column names (``value_col=None`` skips ``monetary_value``).

    Returns
    -------
    DataFrame
        Index ``customer_id``; float columns ``frequency`` (repeat purchase days),
        ``recency`` and ``T`` (in ``time_unit``) and ``monetary_value`` (CNY per repeat
        purchase day; 0 for one-time buyers).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-01-05",
    ...                                                  "2024-01-11", "2024-01-10"]),
    ...                    "revenue": [20.0, 10.0, 30.0, 5.0]})
    >>> rfm_summary(tx).loc["a"].tolist()
    [2.0, 10.0, 10.0, 20.0]

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy
    way. *Marketing Science* 24(2), 275-284.
    """
    check_argument("time_unit", list(TIME_UNITS), time_unit)
    end = None if as_of is None else _as_day(as_of, "as_of")
    if route(transactions) == "ibis":
        from ecomlib.engine import retention as engine

        return engine.rfm_summary(transactions, end, TIME_UNITS[time_unit], customer_col=customer_col,
                                  date_col=date_col, value_col=value_col, status_col=status_col,
                                  quantity_col=quantity_col)
    check_transactions(transactions, customer_col=customer_col, date_col=date_col, value_col=value_col)
    codes, customers, days, values = purchase_arrays(
        transactions,
        customer_col=customer_col,
        date_col=date_col,
        value_col=value_col,
        status_col=status_col,
        quantity_col=quantity_col,
        end_day=end,
    )
    end_day = rules.observation_end_day(end, days.max())
    return _summarise(codes, customers, days, values, end_day, TIME_UNITS[time_unit])


def calibration_holdout_split(
    transactions: pd.DataFrame,
    calibration_end,
    observation_end=None,
    time_unit: str = "D",
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str | None = "revenue",
    status_col: str = "status",
    quantity_col: str = "quantity",
) -> pd.DataFrame:
    """Summarise a calibration period and count each customer's purchases in the holdout.

    Customers are those with a first purchase on or before ``calibration_end``. Fit a
    model on the ``*_cal`` columns, predict purchases over ``duration_holdout`` and compare
    with ``frequency_holdout``.

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Order lines, as for :func:`rfm_summary` (an ibis Table, or a frame large enough for
        DuckDB, is summarised on its engine).
    calibration_end : date-like
        Last day of the calibration period (inclusive).
    observation_end : date-like, optional
        Last day of the holdout period (inclusive). Default: last purchase day in the data.
    time_unit : {"D", "W"}
        Unit of recency, T and the holdout duration.
    customer_col, date_col, value_col, status_col, quantity_col : str
        Column names.

    Returns
    -------
    DataFrame
        Index ``customer_id``; columns ``frequency_cal``, ``recency_cal``, ``T_cal``,
        [``monetary_value_cal``,] ``frequency_holdout`` (purchase days in the holdout),
        [``monetary_value_holdout`` (mean value per holdout purchase day, CNY),]
        ``duration_holdout`` (length of the holdout in ``time_unit``).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a"],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-02-01"]),
    ...                    "revenue": [1.0, 2.0, 3.0]})
    >>> split = calibration_holdout_split(tx, "2024-01-10")
    >>> split[["frequency_cal", "frequency_holdout", "duration_holdout"]].iloc[0].tolist()
    [1.0, 1.0, 22.0]

    References
    ----------
    Fader, Hardie & Lee (2005), section 4 (calibration and holdout periods).
    """
    check_argument("time_unit", list(TIME_UNITS), time_unit)
    on_engine = route(transactions) == "ibis"
    if not on_engine:
        check_transactions(transactions, customer_col=customer_col, date_col=date_col, value_col=value_col)
    cal_end = _as_day(calibration_end, "calibration_end")
    obs_end = None if observation_end is None else _as_day(observation_end, "observation_end")
    kwargs = dict(
        customer_col=customer_col,
        date_col=date_col,
        value_col=value_col,
        status_col=status_col,
        quantity_col=quantity_col,
    )
    if obs_end is None:
        last = transactions[date_col].max()
        last = last.execute() if rules.is_ibis(transactions) else last
        obs_end = pd.Timestamp(last).floor("D").to_datetime64().astype("datetime64[D]")
    if obs_end <= cal_end:
        raise ParameterError(
            f"`observation_end` ({obs_end}) must be after `calibration_end` ({cal_end}).",
            fix="Choose a calibration end that leaves a holdout period after it.",
        )
    out = rfm_summary(transactions, cal_end, time_unit, **kwargs).add_suffix("_cal")
    out["frequency_holdout"] = 0.0
    if value_col:
        out["monetary_value_holdout"] = 0.0
    if on_engine:
        from ecomlib.engine import customers as engine
        from ecomlib.engine.retention import customer_positions

        per = engine.holdout_counts(transactions, cal_end, obs_end, **kwargs)
        where = customer_positions(per.index, out.index)  # -1: first purchase in the holdout
        kept = where >= 0
        columns = [("frequency_holdout", "n")] + ([("monetary_value_holdout", "mean")] if value_col else [])
        for col, source in columns:
            values = out[col].to_numpy(dtype=float, copy=True)
            values[where[kept]] = per[source].to_numpy(dtype=float)[kept]
            out[col] = values
        out["duration_holdout"] = float((obs_end - cal_end).astype(np.int64)) / TIME_UNITS[time_unit]
        return out
    holdout_lines = _window(transactions, date_col, start=cal_end, end=obs_end)
    if not holdout_lines.empty:
        try:
            log = purchase_log(holdout_lines, **kwargs)
        except DataError:
            log = None
        if log is not None:
            log = log[log["customer_id"].isin(out.index)]
            grouped = log.groupby("customer_id", sort=False)
            counts = grouped.size()
            out.loc[counts.index, "frequency_holdout"] = counts.to_numpy(dtype=float)
            if value_col:
                means = grouped["value"].mean()
                out.loc[means.index, "monetary_value_holdout"] = means.to_numpy()
    out["duration_holdout"] = float((obs_end - cal_end).astype(np.int64)) / TIME_UNITS[time_unit]
    return out
