"""Conversion funnels: how many visitors reach each step and where they drop off (book 6.2).

A session records the furthest step it reached, so the number that reached step ``k`` is the
number whose furthest step is ``k`` or later. For each step::

    step conversion     = reached(k) / reached(k − 1)
    overall conversion  = reached(k) / reached(first step)
    drop-off            = 1 − step conversion

Every rate carries a Wilson score interval, which stays inside [0, 1] and behaves well for
small counts and rates near 0 or 1.

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
*Journal of the American Statistical Association* 22(158), 209-212.
Agresti, A., Coull, B. A. (1998). Approximate is better than "exact" for interval estimation
of binomial proportions. *The American Statistician* 52(2), 119-126.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from ecomlib.engine import rules
from ecomlib.engine.backend import route
from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import check_columns, check_frame, check_probability

__all__ = ["DEFAULT_STEPS", "wilson_interval", "funnel", "funnel_from_events", "compare_funnels"]

DEFAULT_STEPS = ("view", "product", "cart", "checkout", "purchase")


def wilson_interval(successes, trials, alpha: float = 0.05):
    """Wilson score interval of a binomial proportion (vectorised; statsmodels'
    ``proportion_confint(method="wilson")``).

    Parameters
    ----------
    successes, trials : array-like of int
        Counts; ``successes <= trials``. Where ``trials`` is 0 the interval is NaN.
    alpha : float, default 0.05
        One minus the confidence level.

    Returns
    -------
    (low, high) : tuple of numpy arrays

    Examples
    --------
    >>> low, high = wilson_interval(81, 263)
    >>> round(float(low), 4), round(float(high), 4)
    (0.2553, 0.3662)
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = proportion_confint(x, n, alpha=alpha, method="wilson")
    low = np.where(n > 0, np.clip(low, 0, 1), np.nan)
    high = np.where(n > 0, np.clip(high, 0, 1), np.nan)
    return low, high


def _check_steps(steps) -> list[str]:
    if isinstance(steps, str) or not isinstance(steps, Sequence):
        raise ParameterError(f"`steps` must be a list of step names, but {steps!r} was passed.")
    steps = [str(s) for s in steps]
    if len(steps) < 2:
        raise ParameterError(f"`steps` needs at least two steps, but {steps!r} was passed.")
    if len(set(steps)) != len(steps):
        raise ParameterError(f"`steps` must not repeat a step, but {steps!r} was passed.")
    return steps


def _funnel_table(reached: pd.DataFrame, steps: list[str], by: list[str], alpha: float) -> pd.DataFrame:
    """Turn a wide table of 'reached' counts (one row per segment, one column per step) tidy."""
    counts2d = reached.to_numpy().astype("int64")
    n_groups, n_steps = counts2d.shape
    prev2d = np.concatenate([counts2d[:, :1], counts2d[:, :-1]], axis=1)
    first2d = np.repeat(counts2d[:, :1], n_steps, axis=1)
    counts, prev, first = counts2d.ravel(), prev2d.ravel(), first2d.ravel()
    long = reached.index.to_frame(index=False).loc[np.repeat(np.arange(n_groups), n_steps)]
    long = long.reset_index(drop=True)
    long["step"] = np.tile(np.asarray(steps, dtype=object), n_groups)
    long["step"] = long["step"].astype("str")
    long["step_index"] = np.tile(np.arange(n_steps), n_groups)
    long["reached"] = counts
    lo, hi = wilson_interval(counts, prev, alpha)
    olo, ohi = wilson_interval(counts, first, alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        long["step_conversion"] = counts / prev
        long["step_ci_low"], long["step_ci_high"] = lo, hi
        long["overall_conversion"] = counts / first
    long["overall_ci_low"], long["overall_ci_high"] = olo, ohi
    long["drop_off"] = 1 - long["step_conversion"]
    long["dropped"] = prev - counts
    return long


def funnel(
    sessions: pd.DataFrame,
    steps: Sequence[str] = DEFAULT_STEPS,
    by: str | Sequence[str] | None = None,
    *,
    step_col: str = "step",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Count sessions reaching each funnel step, with step and overall conversion.

    Parameters
    ----------
    sessions : DataFrame or ibis Table
        One row per session. Required column: ``step_col`` (the furthest step reached, one of
        ``steps``), plus the ``by`` columns. Rows whose step is not in ``steps`` raise an error.
        An ibis Table is counted per segment and step on its backend, a large frame in DuckDB
        (:func:`ecomlib.engine.choose_engine`); only the counts come back.
    steps : sequence of str, default ("view", "product", "cart", "checkout", "purchase")
        Funnel steps in order.
    by : str or list of str, optional
        Segment columns (e.g. ``"device"`` or ``["channel", "device"]``).
    step_col : str, default "step"
    alpha : float, default 0.05
        One minus the level of the Wilson intervals.

    Returns
    -------
    DataFrame
        One row per (segment and) step: ``step``, ``step_index``, ``reached`` (sessions),
        ``step_conversion``, ``step_ci_low``, ``step_ci_high``, ``overall_conversion``,
        ``overall_ci_low``, ``overall_ci_high``, ``drop_off`` (1 − step conversion) and
        ``dropped`` (sessions lost since the previous step). The first step has
        step conversion 1.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"step": ["view", "view", "cart", "purchase"]})
    >>> funnel(s, steps=["view", "cart", "purchase"])["reached"].tolist()
    [4, 2, 1]
    """
    if not rules.is_ibis(sessions):
        sessions = check_frame(sessions, "sessions")
    steps = _check_steps(steps)
    by = [] if by is None else ([by] if isinstance(by, str) else list(by))
    check_columns(sessions, [step_col, *by], "sessions")
    alpha = check_probability("alpha", alpha)
    weights = None  # one row per session; from an engine, one row per segment and step with its count
    if route(sessions) == "ibis":
        from ecomlib.engine import basics as engine

        sessions = engine.step_counts(sessions, step_col, by)
        weights = sessions["n"].to_numpy(dtype=np.int64)
    # factorize once, then map the few distinct labels to step positions (fast on millions of rows)
    raw_codes, labels = pd.factorize(sessions[step_col], use_na_sentinel=False)
    label_pos = pd.Index(steps).get_indexer(pd.Index(labels))
    unknown_labels = [lab for lab, pos in zip(labels, label_pos, strict=True) if pos < 0]
    if unknown_labels:
        raise DataError(
            f"Column {step_col!r} holds value(s) {unknown_labels[:5]!r} not in `steps` {steps}.",
            fix="Pass every step your data uses in `steps`, in funnel order.",
        )
    codes = label_pos[raw_codes]
    n_steps = len(steps)
    if by:
        key_codes, key_values = [], []
        for col in by:  # one pass per segment column
            kc, kv = pd.factorize(sessions[col], sort=True, use_na_sentinel=False)
            key_codes.append(kc)
            key_values.append(pd.Index(kv).astype("object").fillna("(missing)"))
        sizes = [len(v) for v in key_values]
        flat = np.ravel_multi_index(key_codes, sizes) if len(by) > 1 else key_codes[0]
        counts = np.bincount(flat * n_steps + codes, weights=weights, minlength=int(np.prod(sizes)) * n_steps)
        counts = counts.astype(np.int64)
        counts = counts.reshape(-1, n_steps)
        present = np.flatnonzero(counts.sum(axis=1) > 0)
        combos = np.unravel_index(present, sizes)
        index = pd.MultiIndex.from_arrays([key_values[i][combos[i]] for i in range(len(by))], names=by)
        grouped = pd.DataFrame(counts[present], index=index)
    else:
        grouped = pd.DataFrame([np.bincount(codes, weights=weights, minlength=n_steps).astype(np.int64)])
    reached_arr = grouped.to_numpy()[:, ::-1].cumsum(axis=1)[:, ::-1]
    reached = pd.DataFrame(reached_arr, index=grouped.index, columns=steps)
    if not by:
        reached.index.name = "_all"
        out = _funnel_table(reached, steps, ["_all"], alpha).drop(columns="_all")
        return out.reset_index(drop=True)
    reached.index.names = by
    return _funnel_table(reached, steps, by, alpha)


def funnel_from_events(
    events: Mapping[str, pd.DataFrame | pd.Series | Sequence],
    *,
    user_col: str = "user_id",
    strict: bool = True,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Build a funnel from separate per-step tables of user ids (a common analytics export).

    Parameters
    ----------
    events : mapping of step name to DataFrame, Series or list
        In funnel order: ``{"view": views_df, "cart": carts_df, ...}``. A DataFrame must have
        ``user_col``; a Series or list holds the ids themselves. Duplicates are ignored.
    user_col : str, default "user_id"
    strict : bool, default True
        Count a user at step ``k`` only if they also appear at every earlier step (a proper
        funnel). With ``False`` each step counts every user seen there, so a step can exceed
        the one before it (people who skip steps).
    alpha : float, default 0.05

    Returns
    -------
    DataFrame
        The columns of :func:`funnel`, counting users instead of sessions.

    Examples
    --------
    >>> funnel_from_events({"view": ["a", "b", "c"], "cart": ["a", "c", "d"], "buy": ["c"]})[
    ...     "reached"].tolist()
    [3, 2, 1]
    """
    if not isinstance(events, Mapping) or len(events) < 2:
        raise ParameterError(
            "`events` must be a mapping of at least two step names to user-id tables, "
            f"but {type(events).__name__} with {len(events) if hasattr(events, '__len__') else '?'} "
            "item(s) was passed."
        )
    alpha = check_probability("alpha", alpha)
    steps = [str(s) for s in events]
    parts = []
    for i, (name, table) in enumerate(events.items()):
        if isinstance(table, pd.DataFrame):
            check_columns(table, [user_col], f"events[{name!r}]")
            ids = table[user_col]
        else:
            ids = pd.Series(list(table) if not isinstance(table, pd.Series) else table)
        ids = ids.dropna()
        parts.append(pd.DataFrame({"user": ids.astype(str).to_numpy(), "bit": np.int64(1) << i}))
    allev = pd.concat(parts, ignore_index=True).drop_duplicates()
    if allev.empty:
        raise DataError("`events` holds no user ids at any step.")
    if len(steps) > 62:
        raise ParameterError(f"At most 62 steps are supported, {len(steps)} were passed.")
    mask = allev.groupby("user", sort=False)["bit"].sum().to_numpy()
    if strict:
        # number of consecutive steps reached from the first: position of the lowest unset bit
        lowest_unset = ~mask & (mask + 1)
        depth = np.log2(lowest_unset).round().astype(int)
        hist = np.bincount(depth, minlength=len(steps) + 1)[1:]
        reached_arr = hist[::-1].cumsum()[::-1]
    else:
        bits = (mask[:, None] >> np.arange(len(steps))) & 1
        reached_arr = bits.sum(axis=0)
    reached = pd.DataFrame([reached_arr], columns=steps)
    reached.index.name = "_all"
    if reached_arr[0] == 0:
        raise DataError(f"No user appears at the first step {steps[0]!r}.")
    out = _funnel_table(reached, steps, ["_all"], alpha).drop(columns="_all")
    return out.reset_index(drop=True)


def compare_funnels(
    sessions: pd.DataFrame,
    by: str,
    steps: Sequence[str] = DEFAULT_STEPS,
    *,
    step_col: str = "step",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Test, step by step, whether segments (device, channel, new vs returning) convert alike.

    For each step after the first, the sessions that reached the previous step form a
    segments x (continued, dropped) table, tested with Pearson's chi-square test of
    homogeneity (no continuity correction). With two segments this is the square of the
    two-proportion z statistic.

    Parameters
    ----------
    sessions : DataFrame
        Required columns: ``step_col`` and ``by``.
    by : str
        Segment column, e.g. ``"device"`` or ``"is_new_visitor"``.
    steps : sequence of str
    step_col : str, default "step"
    alpha : float, default 0.05
        Level for the ``significant`` flag.

    Returns
    -------
    DataFrame
        One row per step transition: ``step``, ``rate_<segment>`` (step conversion per
        segment), ``best``, ``worst`` (segments with the highest and lowest rate),
        ``chi2``, ``dof``, ``p_value`` and ``significant``.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"step": ["view", "cart"] * 50 + ["view"] * 20,
    ...                   "device": ["app"] * 100 + ["web"] * 20})
    >>> compare_funnels(s, "device", steps=["view", "cart"])["p_value"].round(4).tolist()
    [0.0]
    """
    if not isinstance(by, str):
        raise ParameterError(f"`by` must be one column name, but {by!r} was passed.")
    table = funnel(sessions, steps, by=by, step_col=step_col, alpha=alpha)
    segments = pd.unique(table[by])
    if len(segments) < 2:
        raise DataError(f"Column {by!r} has a single segment {list(segments)!r}; nothing to compare.")
    reached = table.pivot(index="step_index", columns=by, values="reached").to_numpy(dtype=float)
    cont = reached[1:]
    prev = reached[:-1]
    drop = prev - cont
    tot_cont, tot_prev = cont.sum(axis=1, keepdims=True), prev.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = tot_cont / tot_prev
        e_cont, e_drop = prev * share, prev * (1 - share)
        terms = np.where(e_cont > 0, (cont - e_cont) ** 2 / e_cont, 0.0) + np.where(
            e_drop > 0, (drop - e_drop) ** 2 / e_drop, 0.0
        )
        rates = cont / prev
    seg_present = prev > 0
    chi2 = terms.sum(axis=1)
    dof = seg_present.sum(axis=1) - 1
    degenerate = (dof < 1) | (share[:, 0] <= 0) | (share[:, 0] >= 1)
    p = np.where(degenerate, np.nan, stats.chi2.sf(chi2, np.maximum(dof, 1)))
    cols = table.pivot(index="step_index", columns=by, values="reached").columns
    out = pd.DataFrame({"step": list(steps)[1:]})
    for j, seg in enumerate(cols):
        out[f"rate_{seg}"] = rates[:, j]
    masked = np.where(seg_present, rates, np.nan)
    names = np.asarray([str(c) for c in cols], dtype=object)
    with np.errstate(invalid="ignore"):
        out["best"] = names[np.nanargmax(np.where(np.isnan(masked), -1, masked), axis=1)]
        out["worst"] = names[np.nanargmin(np.where(np.isnan(masked), 2, masked), axis=1)]
    out["best"] = out["best"].astype("str")
    out["worst"] = out["worst"].astype("str")
    out["chi2"] = np.where(degenerate, np.nan, chi2)
    out["dof"] = dof
    out["p_value"] = p
    out["significant"] = p < alpha
    return out
