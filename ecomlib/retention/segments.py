"""RFM scores and segments: who the customers are, and what to do with each group.

Classic marketing RFM (Hughes 1994) scores each customer 1-5 on

* **R**ecency: days since the last purchase (fewer days = higher score);
* **F**requency: number of purchase days;
* **M**onetary: total revenue (CNY);

by quantiles of the customer base (or by thresholds the user chooses), then names segments
from the scores. Ties share a score: a customer's score is set by the lowest position of
their value in the sorted list, so every one-time buyer gets the same F score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.engine.backend import route
from ecomlib.errors import DataError, ParameterError
from ecomlib.retention.purchases import check_transactions, purchase_log
from ecomlib.retention.rfm import _as_day, _window
from ecomlib.validation import check_columns, check_frame

__all__ = [
    "rfm_scores",
    "rfm_segments",
    "rescore_by_thresholds",
    "segment_shares",
    "segment_headline",
    "DEFAULT_SEGMENTS",
    "SEGMENT_ACTIONS",
]

#: Decimals of the monetary value that count when customers are ranked: two sums of the same
#: lines added in another order (pandas and DuckDB, or two DuckDB threads) differ by about
#: 1e-12 CNY, and must tie.
SCORE_DECIMALS = 6

#: Default segment map: (segment, {score: (lowest, highest)}); the first matching rule wins.
DEFAULT_SEGMENTS: list[tuple[str, dict[str, tuple[int, int]]]] = [
    ("Champions", {"R": (4, 5), "F": (4, 5)}),
    ("Loyal", {"R": (3, 5), "F": (3, 5)}),
    ("Potential loyalists", {"R": (4, 5), "F": (2, 2)}),
    ("New", {"R": (4, 5), "F": (1, 1)}),
    ("Can't lose them", {"R": (1, 2), "F": (4, 5), "M": (4, 5)}),
    ("At risk", {"R": (1, 2), "F": (3, 5)}),
    ("Hibernating", {"R": (2, 3), "F": (1, 2)}),
    ("Lost", {"R": (1, 1), "F": (1, 2)}),
]

#: Suggested action per default segment (our rules of thumb: keep, grow, win back or let go).
SEGMENT_ACTIONS: dict[str, str] = {
    "Champions": "Reward and involve them: early access, VIP service, referral programme.",
    "Loyal": "Upsell and cross-sell; invite them to the membership programme.",
    "Potential loyalists": "Push the second or third purchase: bundles, membership trial.",
    "New": "Onboard well: welcome series, first-repeat coupon with a short deadline.",
    "Can't lose them": "Win back personally now: strong offer, service call, ask what went wrong.",
    "At risk": "Reactivate with personalised offers before they lapse for good.",
    "Hibernating": "Low-cost reminders in big festivals (618, Double 11); do not overspend.",
    "Lost": "Spend little; a single win-back campaign, then suppress from paid retargeting.",
}


#: The segment of a customer no rule of the segment map matches.
OTHER_SEGMENT = "Other"


def _scores(values: np.ndarray, n_scores: int, edges, higher_is_better: bool) -> np.ndarray:
    if edges is not None:
        edges = np.sort(np.asarray(edges, dtype=float))
        if len(edges) != n_scores - 1:
            raise ParameterError(
                f"Each entry of `edges` needs {n_scores - 1} thresholds for {n_scores} scores, "
                f"but {len(edges)} were passed."
            )
        idx = np.searchsorted(edges, values, side="right")  # values >= edge k move above it
        return (idx + 1) if higher_is_better else (n_scores - idx)
    key = values if higher_is_better else -values
    rank_min = pd.Series(key).rank(method="min").to_numpy()
    return (1 + np.floor(n_scores * (rank_min - 1) / len(values))).astype(int)


def labels_as_categorical(codes: np.ndarray, names: list[str]) -> pd.Categorical:
    """``names[codes]`` as a categorical whose categories are the names used, sorted as text.

    A customer-level label column (segment, action, RFM code) takes one byte per customer
    instead of its text (an action is about 70 characters: 390 MB at 5M customers as ``str``);
    sorted categories keep ``groupby``, ``sort_values`` and comparisons as for a text column.
    """
    names = [str(name) for name in names]
    used = np.unique(codes)
    present = sorted({names[i] for i in used})
    position = {name: k for k, name in enumerate(present)}
    lookup = np.full(len(names), -1, dtype=np.int64)
    lookup[used] = [position[names[i]] for i in used]
    return pd.Categorical.from_codes(lookup[codes], categories=pd.Index(present, dtype="str"))


def _rfm_values(transactions, end, as_of, columns) -> pd.DataFrame:
    """Recency (days), frequency (purchase days) and monetary (CNY) per customer (pandas)."""
    check_transactions(transactions, customer_col=columns["customer_col"], date_col=columns["date_col"],
                       value_col=columns["value_col"])
    window = _window(transactions, columns["date_col"], end=end)
    if window.empty:
        raise DataError(f"`transactions` has no purchases on or before as_of={as_of!r}.")
    log = purchase_log(window, **columns)
    if end is None:
        end = log["date"].to_numpy().max().astype("datetime64[D]")
    grouped = log.groupby("customer_id", sort=True)
    return pd.DataFrame(
        {
            "recency_days": (end - grouped["date"].max().to_numpy().astype("datetime64[D]")).astype(
                np.int64
            ),
            "frequency": grouped.size().to_numpy(),
            "monetary": grouped["value"].sum().to_numpy(),
        },
        index=pd.Index(grouped.size().index, name="customer_id"),
    )


def _rfm_on_engine(transactions, end, columns) -> pd.DataFrame:
    """The same table from the per-customer sums of :func:`ecomlib.engine.customers.rfm_base`."""
    from ecomlib.engine import customers as engine

    per, end_day = engine.rfm_base(transactions, end, **columns)
    return pd.DataFrame({"recency_days": end_day - per["last"].to_numpy(dtype=np.int64),
                         "frequency": per["n"].to_numpy(dtype=np.int64),
                         "monetary": per["total"].to_numpy(dtype=float)}, index=per.index)


def rfm_scores(
    transactions: pd.DataFrame,
    as_of=None,
    n_scores: int = 5,
    edges: dict | None = None,
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str = "revenue",
    status_col: str = "status",
    quantity_col: str = "quantity",
) -> pd.DataFrame:
    """Recency, frequency and monetary value per customer with scores 1..``n_scores``.

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Order lines. Required columns: ``customer_col``, ``date_col`` (datetime64),
        ``value_col`` (CNY). Cancelled and return lines are ignored. An ibis Table (or a frame
        large enough for DuckDB) is summed per customer on its engine.
    as_of : date-like, optional
        Day the recency is measured from (inclusive end of the data used). Default: the
        last purchase day.
    n_scores : int
        Number of score levels (5 gives quintile scores 1-5).
    edges : dict, optional
        Fixed thresholds instead of quantiles, e.g. ``{"recency_days": [30, 90, 180, 365],
        "frequency": [2, 3, 5, 8]}``; keys are ``recency_days``, ``frequency``,
        ``monetary``; each list holds ``n_scores - 1`` values. For recency, days below the
        first threshold get the top score; for the others a value at or above the last
        threshold gets the top score.
    customer_col, date_col, value_col, status_col, quantity_col : str
        Column names.

    Returns
    -------
    DataFrame
        Index ``customer_id``; columns ``recency_days`` (days since the last purchase),
        ``frequency`` (purchase days), ``monetary`` (total revenue, CNY), ``R``, ``F``,
        ``M`` (int scores, higher is better) and ``RFM`` (e.g. ``"545"``; categorical, its
        categories the codes present, sorted as text).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b", "c"],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-03-01",
    ...                                                  "2024-02-01", "2024-01-15"]),
    ...                    "revenue": [10.0, 30.0, 5.0, 8.0]})
    >>> rfm_scores(tx, n_scores=3)["RFM"].tolist()
    ['333', '211', '112']

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing*. Probus.
    """
    if not isinstance(n_scores, int | np.integer) or n_scores < 2:
        raise ParameterError(f"`n_scores` must be an integer >= 2, but {n_scores!r} was passed.")
    edges = dict(edges or {})
    unknown = set(edges) - {"recency_days", "frequency", "monetary"}
    if unknown:
        raise ParameterError(
            f"`edges` keys must be among ['recency_days', 'frequency', 'monetary'], "
            f"but {sorted(unknown)} were passed."
        )
    end = None if as_of is None else _as_day(as_of, "as_of")
    columns = dict(customer_col=customer_col, date_col=date_col, value_col=value_col, status_col=status_col,
                   quantity_col=quantity_col)
    out = _rfm_on_engine(transactions, end, columns) if route(transactions) == "ibis" else \
        _rfm_values(transactions, end, as_of, columns)
    for col, score, better in (("recency_days", "R", False), ("frequency", "F", True),
                               ("monetary", "M", True)):
        values = out[col].to_numpy(dtype=float)
        if col == "monetary":  # sums equal but for their order of addition score alike
            values = np.round(values, SCORE_DECIMALS)
        out[score] = _scores(values, n_scores, edges.get(col), better)
    out["RFM"] = _rfm_codes(out)
    return out


def _rfm_codes(scores: pd.DataFrame) -> pd.Categorical:
    """The ``RFM`` column: the three scores written one after the other (``"545"``), categorical."""
    r, f, m = (scores[c].to_numpy(dtype=np.int64) for c in ("R", "F", "M"))
    base = int(max(r.max(initial=0), f.max(initial=0), m.max(initial=0))) + 1  # scores are >= 1
    keys, codes = np.unique((r * base + f) * base + m, return_inverse=True)
    return labels_as_categorical(codes.reshape(-1), [f"{k // base // base}{k // base % base}{k % base}" for k in keys])


def rfm_segments(
    scores: pd.DataFrame,
    segment_map: list | None = None,
    *,
    default: str = OTHER_SEGMENT,
) -> pd.DataFrame:
    """Name each customer's segment from their R, F, M scores and attach the suggested action.

    Parameters
    ----------
    scores : DataFrame
        Output of :func:`rfm_scores` (columns ``R``, ``F``, ``M``).
    segment_map : list of (name, rule), optional
        Ordered rules; a rule maps ``"R"``, ``"F"`` and/or ``"M"`` to an inclusive
        ``(lowest, highest)`` score range; the first rule that matches wins. Default:
        :data:`DEFAULT_SEGMENTS` (meant for 5 score levels).
    default : str
        Segment of customers no rule matches.

    Returns
    -------
    DataFrame
        ``scores`` with two more columns: ``segment`` and ``action`` (from
        :data:`SEGMENT_ACTIONS`; empty for segments it does not know). Both are categorical
        (one byte per customer), their categories the labels present, sorted as text.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"R": [5, 1], "F": [5, 1], "M": [5, 1]}, index=["a", "b"])
    >>> rfm_segments(s)["segment"].tolist()
    ['Champions', 'Lost']
    """
    check_frame(scores, "scores")
    check_columns(scores, ["R", "F", "M"], "scores")
    out = scores.copy(deep=False)  # copy-on-write (pandas 3): the scores' columns are shared, not copied
    _name_segments(out, segment_map, default)
    return out


def _name_segments(out: pd.DataFrame, segment_map: list | None, default: str) -> None:
    """Add (or replace) ``segment`` and ``action`` in ``out``, from its R, F, M scores."""
    rules = DEFAULT_SEGMENTS if segment_map is None else segment_map
    conditions, names = [], []
    for item in rules:
        try:
            name, rule = item
            ranges = {k: (int(v[0]), int(v[1])) for k, v in dict(rule).items()}
        except (TypeError, ValueError, IndexError):
            raise ParameterError(
                "`segment_map` must be a list of (name, {'R': (low, high), ...}) pairs, "
                f"but it contains {item!r}."
            ) from None
        bad = set(ranges) - {"R", "F", "M"}
        if bad:
            raise ParameterError(f"`segment_map` rule {name!r} uses unknown score(s) {sorted(bad)}.")
        cond = np.ones(len(out), dtype=bool)
        for col, (low, high) in ranges.items():
            values = out[col].to_numpy()
            cond &= (values >= low) & (values <= high)
        conditions.append(cond)
        names.append(str(name))
    # the first matching rule's position, len(names) for the default
    codes = np.select(conditions, np.arange(len(names)), default=len(names)) if names else \
        np.zeros(len(out), dtype=np.int64)
    names.append(str(default))
    out["segment"] = labels_as_categorical(codes, names)
    out["action"] = labels_as_categorical(codes, [SEGMENT_ACTIONS.get(name, "") for name in names])


def rescore_by_thresholds(scores: pd.DataFrame, recent_days: int = 90, loyal_purchases: int = 3,
                          segment_map: list | None = None) -> pd.DataFrame:
    """Re-score R and F from two business thresholds and name the segments again.

    Instead of quintiles, a shop can say "recent = bought within ``recent_days``" and
    "loyal = at least ``loyal_purchases`` purchase days". The five R levels are then
    days since the last purchase below recent_days / 2, recent_days, 2 x, 4 x recent_days
    and beyond (scores 5 to 1); the five F levels are 1 purchase day, 2 up to
    loyal_purchases - 1, then from loyal_purchases, 2 x and 4 x loyal_purchases on (scores 1 to
    5). The M score is kept. With the default segment map, "Loyal" then means recent within
    2 x ``recent_days`` and at least ``loyal_purchases`` purchase days.

    Parameters
    ----------
    scores : DataFrame
        Output of :func:`rfm_scores` (``recency_days``, ``frequency``, ``M``).
    recent_days : int
        Days (>= 2).
    loyal_purchases : int
        Purchase days (>= 3).
    segment_map : list, optional
        As in :func:`rfm_segments`.

    Returns
    -------
    DataFrame
        As :func:`rfm_segments`.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"recency_days": [10, 400], "frequency": [6, 1], "M": [5, 1]})
    >>> rescore_by_thresholds(s, 90, 3)["segment"].tolist()
    ['Champions', 'Lost']
    """
    check_frame(scores, "scores")
    check_columns(scores, ["recency_days", "frequency", "M"], "scores")
    if recent_days < 2 or loyal_purchases < 3:
        raise ParameterError(
            f"`recent_days` must be >= 2 and `loyal_purchases` >= 3, but {recent_days!r} and "
            f"{loyal_purchases!r} were passed."
        )
    out = scores.drop(columns=["segment", "action"], errors="ignore")  # copy-on-write: R, F, RFM are replaced
    out["R"] = _scores(out["recency_days"].to_numpy(dtype=float), 5,
                       [recent_days / 2, recent_days, 2 * recent_days, 4 * recent_days], False)
    out["F"] = _scores(out["frequency"].to_numpy(dtype=float), 5,
                       [2, loyal_purchases, 2 * loyal_purchases, 4 * loyal_purchases], True)
    out["RFM"] = _rfm_codes(out)
    _name_segments(out, segment_map, OTHER_SEGMENT)
    return out


def segment_shares(segments: pd.DataFrame, value_col: str = "monetary") -> pd.DataFrame:
    """Customers, share of customers and share of ``value_col`` (revenue) per segment.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"segment": ["New", "New", "Lost"], "monetary": [10.0, 30.0, 60.0]})
    >>> segment_shares(s)["revenue_share"].tolist()
    [0.6, 0.4]
    """
    check_frame(segments, "segments")
    check_columns(segments, ["segment", value_col], "segments")
    grouped = segments.groupby("segment")
    out = pd.DataFrame({
        "customers": grouped.size(),
        "customer_share": grouped.size() / len(segments),
        "revenue_share": grouped[value_col].sum() / segments[value_col].sum(),
        "mean_value": grouped[value_col].mean(),
    })
    out.index = out.index.astype("str")  # text, also when the segments are categorical
    out["action"] = out.index.map(SEGMENT_ACTIONS).fillna("").astype(str)
    return out.sort_values("revenue_share", ascending=False)


def segment_headline(segments: pd.DataFrame) -> str:
    """One line: the segment with the largest revenue share and the size of Champions and Lost."""
    shares = segment_shares(segments)
    top = shares.index[0]
    parts = [f"{top}: {shares.loc[top, 'customer_share']:.0%} of customers, "
             f"{shares.loc[top, 'revenue_share']:.0%} of revenue"]
    for name in ("Champions", "Lost"):
        if name in shares.index and name != top:
            parts.append(f"{name}: {shares.loc[name, 'customer_share']:.0%} of customers")
    return "; ".join(parts)
