"""Target customers: segment profiles of the shop's buyers and a segment attractiveness score.

A segment is any customer attribute (region, acquisition channel, or both). The profile
says how big each segment is, how its customers buy (orders per customer, order value),
how fast it grows (revenue of the last 12 months vs the 12 before) and, when costs are
known, its gross margin. The attractiveness matrix then min-max scales each criterion to
0-1 across segments (higher is better) and takes a weighted sum::

    score = sum_k w_k x (x_k - min x_k) / (max x_k - min x_k),     sum_k w_k = 1

The weights are a judgement, not an estimate: the notebook lets the reader change them.

References
----------
Kotler, P. and Keller, K. L. (2016), *Marketing Management*, 15th ed., Pearson, ch. 9
(identifying market segments and targets; evaluating segments on size, growth and
structural attractiveness).
McKinsey / GE multifactor portfolio matrix: Hax, A. C. and Majluf, N. S. (1983), "The use of
the industry attractiveness-business strength matrix in strategic planning", *Interfaces*
13(2), 54-71.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.market.shop_sales import completed_lines
from ecomlib.validation import check_columns, check_frame, check_numeric

__all__ = ["DEFAULT_SEGMENT_WEIGHTS", "segment_attractiveness", "segment_profiles"]

#: Default weights of the attractiveness score (criteria are columns of segment_profiles).
DEFAULT_SEGMENT_WEIGHTS = {"revenue": 0.4, "growth": 0.3, "margin": 0.3}


def _attach_segments(lines, customers, by, customer_col):
    """Return the lines with the segment columns, joined from ``customers`` when needed."""
    missing = [c for c in by if c not in lines.columns]
    if not missing:
        return lines
    if customers is None:
        raise DataError(
            f"Segment column(s) {missing} are not in the transactions and no customers table was given.",
            fix="Pass customers= (a table with customer_id and the segment columns).",
        )
    customers = check_frame(customers, "customers")
    check_columns(customers, [customer_col, *missing], param="customers")
    if customers[customer_col].duplicated().any():
        raise DataError(f"`customers` lists some {customer_col!r} more than once; one row each is needed.")
    return lines.merge(customers[[customer_col, *missing]], on=customer_col, how="inner")


def segment_profiles(
    transactions: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    *,
    by: str | list[str] = "region",
    customer_col: str = "customer_id",
    order_col: str = "order_id",
    date_col: str = "order_date",
    revenue_col: str = "revenue",
    quantity_col: str = "quantity",
    cost_col: str = "unit_cost",
    status_col: str = "status",
    status: str | None = "completed",
) -> pd.DataFrame:
    """Size, buying behaviour, growth and margin of each customer segment.

    Parameters
    ----------
    transactions : DataFrame
        Order lines. Required: ``customer_id``, ``order_id``, ``order_date``, ``revenue``,
        ``status``; optional ``quantity`` and ``unit_cost`` for the margin. Lines without a
        customer are left out.
    customers : DataFrame, optional
        ``customer_id`` plus the segment columns, needed when ``by`` is not in transactions
        (``region``, ``acquisition_channel``).
    by : str or list of str, default "region"
        Segment column(s).
    customer_col, order_col, date_col, revenue_col, quantity_col, cost_col, status_col, status
        Column names and the status counted as a sale.

    Returns
    -------
    DataFrame
        One row per segment, largest revenue first: the ``by`` columns, ``customers``,
        ``customer_share``, ``revenue`` (CNY), ``revenue_share``, ``orders_per_customer``,
        ``avg_order_value`` (CNY), ``revenue_per_customer`` (CNY), ``growth`` (revenue of the
        last 12 months over the 12 before, minus 1; missing with under two years of data) and
        ``margin`` (gross margin fraction; missing without ``unit_cost``).

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["c1", "c1", "c2"], "order_id": ["o1", "o2", "o3"],
    ...                   "order_date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-05"]),
    ...                   "revenue": [10.0, 30.0, 20.0], "status": "completed",
    ...                   "region": ["north", "north", "south"]})
    >>> segment_profiles(t)[["region", "orders_per_customer", "avg_order_value"]].values.tolist()
    [['north', 2.0, 20.0], ['south', 1.0, 20.0]]
    """
    by = [by] if isinstance(by, str) else list(by)
    if not by:
        raise ParameterError("`by` must name at least one segment column.")
    lines = completed_lines(
        transactions,
        columns=[customer_col, order_col],
        date_col=date_col,
        revenue_col=revenue_col,
        status_col=status_col,
        status=status,
    )
    lines = lines[lines[customer_col].notna()]
    lines = _attach_segments(lines, customers, by, customer_col)
    if lines.empty:
        raise DataError("No completed line belongs to a known customer; segments are empty.")
    g = lines.groupby(by, observed=True, dropna=False)
    out = g.agg(
        customers=(customer_col, "nunique"),
        orders=(order_col, "nunique"),
        revenue=(revenue_col, "sum"),
    )
    out["customer_share"] = out["customers"] / lines[customer_col].nunique()
    out["revenue_share"] = out["revenue"] / out["revenue"].sum()
    out["orders_per_customer"] = out["orders"] / out["customers"]
    out["avg_order_value"] = out["revenue"] / out["orders"]
    out["revenue_per_customer"] = out["revenue"] / out["customers"]
    last = lines[date_col].max()
    year_ago, two_years_ago = last - pd.DateOffset(years=1), last - pd.DateOffset(years=2)
    if lines[date_col].min() <= two_years_ago + pd.Timedelta(days=1):
        recent = lines[lines[date_col] > year_ago].groupby(by, observed=True)[revenue_col].sum()
        before = lines[(lines[date_col] > two_years_ago) & (lines[date_col] <= year_ago)]
        before = before.groupby(by, observed=True)[revenue_col].sum()
        ratio = recent.reindex(out.index) / before.reindex(out.index)
        out["growth"] = ratio.where(before.reindex(out.index) > 0) - 1.0
    else:
        out["growth"] = np.nan
    if cost_col in lines.columns and quantity_col in lines.columns:
        check_numeric(lines, [cost_col, quantity_col], param="transactions")
        cost = (lines[cost_col] * lines[quantity_col]).groupby(
            [lines[c] for c in by], observed=True
        ).sum()
        out["margin"] = 1.0 - cost.reindex(out.index) / out["revenue"].where(out["revenue"] > 0)
    else:
        out["margin"] = np.nan
    out = out.drop(columns="orders").sort_values("revenue", ascending=False, kind="stable")
    return out.reset_index()


def segment_attractiveness(
    profiles: pd.DataFrame,
    weights: dict[str, float] | list[float] | None = None,
    *,
    segment_cols: str | list[str] | None = None,
) -> pd.DataFrame:
    """Score and rank segments by a weighted sum of min-max scaled criteria.

    Parameters
    ----------
    profiles : DataFrame
        One row per segment, e.g. from :func:`segment_profiles`; every key of ``weights``
        must be a numeric column (higher = more attractive).
    weights : dict of str to float, or list of 3 float, optional
        Criterion column -> weight (>= 0, at least one > 0); rescaled to sum to 1. A list
        gives the weights of revenue, growth and margin in that order. Default
        :data:`DEFAULT_SEGMENT_WEIGHTS` (revenue 0.4, growth 0.3, margin 0.3); criteria whose
        column is entirely missing are dropped with their weight.
    segment_cols : str or list of str, optional
        Columns naming the segment; default every non-numeric column.

    Returns
    -------
    DataFrame
        The segment columns, each criterion's raw value and ``<criterion>_score`` (0-1),
        ``score`` (0-1) and ``rank`` (1 = most attractive), best first. A criterion equal
        across all segments scores 0.5 everywhere (it does not discriminate).

    Examples
    --------
    >>> p = pd.DataFrame({"region": ["n", "s"], "revenue": [100.0, 50.0], "growth": [0.0, 0.5]})
    >>> segment_attractiveness(p, {"revenue": 1, "growth": 3})["region"].tolist()
    ['s', 'n']
    """
    profiles = check_frame(profiles, "profiles")
    if isinstance(weights, list | tuple):
        if len(weights) != len(DEFAULT_SEGMENT_WEIGHTS):
            raise ParameterError(
                f"`weights` as a list must give {len(DEFAULT_SEGMENT_WEIGHTS)} numbers, for "
                f"{list(DEFAULT_SEGMENT_WEIGHTS)}, but {weights!r} was passed."
            )
        weights = dict(zip(DEFAULT_SEGMENT_WEIGHTS, weights, strict=True))
    weights = dict(DEFAULT_SEGMENT_WEIGHTS if weights is None else weights)
    if not weights:
        raise ParameterError("`weights` must name at least one criterion.")
    check_columns(profiles, list(weights), param="profiles")
    check_numeric(profiles, list(weights), param="profiles")
    for key, w in weights.items():
        if not isinstance(w, int | float | np.number) or not np.isfinite(w) or w < 0:
            raise ParameterError(f"`weights[{key!r}]` must be a finite number >= 0, but {w!r} was passed.")
    usable = {k: float(w) for k, w in weights.items() if profiles[k].notna().any()}
    total = sum(usable.values())
    if total <= 0:
        raise ParameterError(
            f"`weights` must give a positive weight to a criterion with data, but {weights!r} was passed."
        )
    if segment_cols is None:
        segment_cols = [c for c in profiles.columns if not pd.api.types.is_numeric_dtype(profiles[c])]
    segment_cols = [segment_cols] if isinstance(segment_cols, str) else list(segment_cols)
    check_columns(profiles, segment_cols, param="profiles")
    out = profiles[segment_cols + list(usable)].copy()
    score = np.zeros(len(out))
    for key, w in usable.items():
        x = out[key].astype(float)
        span = x.max() - x.min()
        scaled = (x - x.min()) / span if span > 0 else pd.Series(0.5, index=x.index)
        out[f"{key}_score"] = scaled.fillna(0.0)
        score += (w / total) * out[f"{key}_score"].to_numpy()
    out["score"] = score
    out = out.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out
