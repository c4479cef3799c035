"""Channel expansion: customers across platforms, a new channel's incrementality, CLV by channel (book 7.2).

**Overlap.** Each identified customer with a completed line is placed in the combination of
platforms on which they bought (an UpSet-style table: one row per combination, its customers
and a membership column per platform). Counts are exact; nothing is sampled.

**Incrementality.** When the shop opens a new channel for some categories (or regions), their
GMV after the launch is the GMV they would have had anyway plus the new demand the channel adds;
sales the channel merely moves from other platforms leave the total unchanged. On a panel of GMV
per unit and week, a difference-in-differences (:func:`ecomlib.promotion.did`, two-way fixed
effects on ``log(gmv)``, clustered inference) or a synthetic control
(:func:`ecomlib.promotion.synthetic.synthetic_control`, the treated units summed into one)
estimates ``delta``, the effect on log GMV. The incremental GMV is then

    incremental = sum over treated post cells of gmv x (1 - exp(-delta))

and the **incremental share** is incremental / the new channel's GMV in those cells: 1 means all
of the channel's sales are new demand, 0 that all were moved. The interval of the share is the
interval of ``delta`` carried through the same (increasing) formula. Measured on panels simulated
in ``tests/platforms`` (16 categories, 6 treated, 40 weeks): the DiD's 95 % interval covered the
true share in 192 of 200 seeded panels; the synthetic control's placebo interval, whose placebos
are single untreated units while the treated units are summed, covered it in 100 of 100, so
it is conservative there.

**CLV by channel.** The retention chapter's BG/NBD + Gamma-Gamma value
(:func:`ecomlib.retention.clv.shop_customer_value`) fitted on each platform's own lines, or once
on all lines with customers grouped by the platform of their first order
(:func:`ecomlib.retention.clv.clv_by_group`).

References
----------
Lex, A., Gehlenborg, N., Strobelt, H., Vuillemot, R. & Pfister, H. (2014). UpSet: visualization
of intersecting sets. *IEEE TVCG* 20(12), 1983-1992. Abadie, A., Diamond, A. & Hainmueller, J.
(2010). Synthetic control methods for comparative case studies. *JASA* 105(490), 493-505.
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way.
*Marketing Science* 24(2), 275-284.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.engine.backend import route
from ecomlib.engine.rules import completed_sale, is_ibis
from ecomlib.errors import DataError, EcomlibError, NotIdentifiableError, ParameterError
from ecomlib.platforms.groups import codes, distinct_pairs
from ecomlib.promotion.did import did
from ecomlib.promotion.synthetic import synthetic_control
from ecomlib.retention.clv import clv_by_group, shop_customer_value
from ecomlib.validation import (
    check_argument,
    check_columns,
    check_frame,
    check_numeric,
    check_probability,
)

__all__ = ["Incrementality", "channel_incrementality", "clv_by_channel", "platform_overlap"]

MAX_PLATFORMS = 30  # combinations are kept as bit masks


_NO_BUYER = ("`lines` has no completed line with a known customer, so no overlap can be counted.",
             "Customer ids are needed: a marketplace export without them cannot show overlap.")


def _completed_known(lines: pd.DataFrame, by: str, customer_col: str):
    """Customer and platform codes of the completed lines with a known customer (-1 elsewhere)."""
    cust, _ = codes(lines[customer_col])
    if "status" in lines:
        cust = np.where(completed_sale(lines["status"]).to_numpy(dtype=bool), cust, -1)
    if not (cust >= 0).any():
        raise DataError(_NO_BUYER[0], fix=_NO_BUYER[1])
    plat, names = codes(lines[by].astype("str"))
    plat = np.where(cust >= 0, plat, -1)
    used = np.bincount(plat[plat >= 0], minlength=len(names)) > 0
    if not used.all():  # platforms seen only on other lines are left out
        remap = np.cumsum(used) - 1
        plat = np.where(plat >= 0, remap[np.maximum(plat, 0)], -1)
        names = names[used]
    return cust, plat, names


def _check_platform_count(names, by: str) -> None:
    if len(names) > MAX_PLATFORMS:
        raise DataError(f"`lines.{by}` has {len(names)} platforms; at most {MAX_PLATFORMS} can be combined.",
                        fix="Group small platforms into 'Other' first.")


def _pandas_tally(lines: pd.DataFrame, by: str, customer_col: str):
    """Customers per platform combination (bit masks) on the pandas path, and the platform names."""
    cust, plat, names = _completed_known(lines, by, customer_col)
    _check_platform_count(names, by)
    c, p = distinct_pairs(cust, plat, len(names))
    masks = np.bincount(c, weights=(1 << p).astype(np.float64), minlength=int(cust.max()) + 1).astype(np.int64)
    if len(names) <= 20:
        tally = np.bincount(masks, minlength=1 << len(names))
        combos = np.flatnonzero(tally)
        counts = tally[combos]
    else:
        combos, counts = np.unique(masks, return_counts=True)
    return combos, counts, np.asarray(names, dtype=object)


def _engine_tally(lines, by: str, customer_col: str):
    """The same through :mod:`ecomlib.engine.platforms` (an ibis Table or a large frame)."""
    from ecomlib.engine import platforms as engine

    n_lines, names = engine.known_platforms(lines, by=by, customer_col=customer_col)
    if n_lines == 0:
        raise DataError(_NO_BUYER[0], fix=_NO_BUYER[1])
    _check_platform_count(names, by)
    if not names:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.asarray(names, dtype=object)
    tally = engine.combination_tally(lines, names, by=by, customer_col=customer_col).sort_values("mask")
    return tally["mask"].to_numpy(), tally["customers"].to_numpy(), np.asarray(names, dtype=object)


def _combination_table(combos: np.ndarray, counts: np.ndarray, names: np.ndarray) -> pd.DataFrame:
    """The UpSet-style table from the customers per combination (shared by both paths)."""
    keep = combos > 0
    combos, counts = combos[keep], counts[keep]
    member = (combos[:, None] >> np.arange(len(names))[None, :]) & 1 == 1
    per_platform = (member * counts[:, None]).sum(axis=0).astype(np.int64)
    order = np.argsort(-per_platform, kind="stable")
    labels = [" + ".join(names[j] for j in order if row[j]) for row in member]
    out = pd.DataFrame({"combination": pd.array(labels, dtype="str"), "n_platforms": member.sum(axis=1),
                        "customers": counts.astype("int64")})
    out["share"] = out["customers"] / out["customers"].sum()
    for j in order:
        out[str(names[j])] = member[:, j]
    out = out.sort_values(["customers", "n_platforms", "combination"], ascending=[False, True, True],
                          kind="stable").reset_index(drop=True)
    out.attrs["platform_customers"] = {str(names[j]): int(per_platform[j]) for j in order}
    return out


def platform_overlap(lines, *, by: str = "platform", customer_col: str = "customer_id") -> pd.DataFrame:
    """Customers per combination of platforms they bought on (an UpSet-style table).

    Parameters
    ----------
    lines : DataFrame or ibis Table
        Order lines with ``by`` and ``customer_col`` (and ``status``; only completed lines count
        when it is present, :func:`ecomlib.engine.rules.completed_sale`). Lines without a
        customer id are left out. An ibis Table, or a frame large enough for the engine setting
        (:func:`ecomlib.engine.choose_engine`), is tallied there
        (:func:`ecomlib.engine.platforms.combination_tally`): only the customers per
        combination come back.
    by : str, default "platform"
        Platform column.
    customer_col : str, default "customer_id"
        Customer id column.

    Returns
    -------
    DataFrame
        One row per combination, most customers first: ``combination`` (platform names joined by
        " + ", in the order of the platforms' customer counts), ``n_platforms``, ``customers``,
        ``share`` (of identified customers) and one bool column per platform (membership).
        ``attrs["platform_customers"]`` holds each platform's total customers.

    Examples
    --------
    >>> lines = pd.DataFrame({"platform": ["A", "B", "A", "A"], "customer_id": ["c1", "c1", "c2", "c3"]})
    >>> platform_overlap(lines)[["combination", "customers"]].to_dict("list")
    {'combination': ['A', 'A + B'], 'customers': [2, 1]}
    """
    if not is_ibis(lines):
        check_frame(lines, "lines")
        check_columns(lines, [by, customer_col], "lines")
    tally = _engine_tally if route(lines) == "ibis" else _pandas_tally
    return _combination_table(*tally(lines, by, customer_col))


@dataclass(frozen=True)
class Incrementality:
    """Did a new channel add demand or move it?

    Attributes
    ----------
    effect_log, effect_low, effect_high : float
        Effect of the launch on log GMV of the treated units, and its interval.
    incremental_gmv : float
        GMV the treated units would not have had without the channel (CNY, post period).
    channel_gmv : float
        The new channel's GMV in the treated units' post period (CNY).
    incremental_share, share_low, share_high : float
        ``incremental_gmv / channel_gmv`` and its interval (NaN without the channel's GMV).
    method : str
        "did" or "synthetic".
    inference : str
        How the interval was found (from the DiD or synthetic-control result).
    level : float
    result : object
        The :class:`~ecomlib.promotion.did.DiDResult` or
        :class:`~ecomlib.promotion.synthetic.SyntheticResult`.
    """

    effect_log: float
    effect_low: float
    effect_high: float
    incremental_gmv: float
    channel_gmv: float
    incremental_share: float
    share_low: float
    share_high: float
    method: str
    inference: str
    level: float
    result: object

    def summary(self) -> pd.DataFrame:
        """One row per figure: estimate, low, high."""
        return pd.DataFrame({
            "estimate": [self.effect_log, self.incremental_share, self.incremental_gmv],
            "low": [self.effect_low, self.share_low, np.nan],
            "high": [self.effect_high, self.share_high, np.nan],
        }, index=pd.Index(["effect on log GMV", "incremental share", "incremental GMV (CNY)"], name="figure"))


def _indicator(panel: pd.DataFrame, col: str) -> np.ndarray:
    values = panel[col]
    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=bool)
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.isna().any() or not numbers.isin([0, 1]).all():
        raise DataError(f"`panel.{col}` must be boolean or 0/1.")
    return numbers.to_numpy() == 1


def channel_incrementality(
    panel: pd.DataFrame,
    *,
    unit: str = "category",
    time: str = "week",
    outcome: str = "gmv",
    treated: str = "treated",
    post: str = "post",
    channel_gmv: str | float | None = "new_channel_gmv",
    method: str = "did",
    level: float = 0.95,
    inference: str = "auto",
    seed: int = 0,
) -> Incrementality:
    """Effect of a new channel on the GMV of the units opened on it, and the share that is new demand.

    Parameters
    ----------
    panel : DataFrame
        One row per unit (category or region) and week: ``unit``, ``time``, ``outcome`` (total GMV
        over all platforms, CNY, > 0), ``treated`` (the unit was opened on the new channel),
        ``post`` (the week is on or after the launch).
    unit, time, outcome, treated, post : str
        Column names.
    channel_gmv : str, float or None, default "new_channel_gmv"
        The new channel's GMV: a column of ``panel`` (summed over the treated units' post weeks;
        ignored when missing from the panel), a number (CNY, the same total), or None (then the
        share is NaN).
    method : {"did", "synthetic"}
        Two-way fixed-effects difference-in-differences on log GMV, or a synthetic control of
        the treated units' summed GMV.
    level : float, default 0.95
        Confidence level.
    inference : str, default "auto"
        Passed to :func:`ecomlib.promotion.did` (method "did").
    seed : int, default 0
        Seeds the DiD's wild bootstrap or permutations when those are used.

    Returns
    -------
    Incrementality

    Raises
    ------
    DataError
        If GMV is not positive everywhere or the panel misses columns.
    """
    check_frame(panel, "panel", min_rows=4)
    check_columns(panel, [unit, time, outcome, treated, post], "panel")
    check_numeric(panel, [outcome], "panel")
    check_argument("method", ["did", "synthetic"], method)
    level = check_probability("level", level)
    gmv = panel[outcome].to_numpy(dtype=float)
    if not (np.isfinite(gmv).all() and (gmv > 0).all()):
        raise DataError(f"`panel.{outcome}` must be > 0 in every unit and week (the model is on log GMV).",
                        fix="Drop units with weeks of no sales, or aggregate to larger units.")
    tr, po = _indicator(panel, treated), _indicator(panel, post)
    df = pd.DataFrame({"unit": panel[unit].astype("str").to_numpy(), "time": panel[time].to_numpy(),
                       "log_gmv": np.log(gmv), "treated": tr.astype("int64"), "post": po.astype("int64")})
    if method == "did":
        res = did(df, outcome="log_gmv", treated="treated", post="post", unit="unit", time="time",
                  level=level, inference=inference, seed=seed)
        how = res.inference_detail or res.inference
    else:
        if not tr.any():
            raise NotIdentifiableError("No unit of the panel is treated.")
        wide = pd.DataFrame({"unit": np.where(tr, "treated units", df["unit"]), "time": df["time"],
                             "gmv": gmv, "post": df["post"]})
        agg = wide.groupby(["unit", "time"], sort=True).agg(gmv=("gmv", "sum"), post=("post", "max")).reset_index()
        agg["log_gmv"] = np.log(agg["gmv"])
        agg["treated"] = (agg["unit"] == "treated units").astype("int64")
        res = synthetic_control(agg, outcome="log_gmv", treated="treated", post="post", unit="unit", time="time",
                                level=level)
        how = res.inference_detail
    cells = tr & po
    treated_post_gmv = float(gmv[cells].sum())
    if isinstance(channel_gmv, str):
        channel_total = float(pd.to_numeric(panel.loc[cells, channel_gmv]).sum()) if channel_gmv in panel else np.nan
    elif channel_gmv is None:
        channel_total = np.nan
    else:
        channel_total = float(channel_gmv)
        if not channel_total > 0:
            raise ParameterError(f"`channel_gmv` must be > 0 CNY, but {channel_gmv!r} was passed.")

    def incremental(delta: float) -> float:
        return float(treated_post_gmv * -np.expm1(-delta))  # an infinite bound stays infinite

    def share(delta: float) -> float:
        return incremental(delta) / channel_total if channel_total > 0 else np.nan

    est, low, high = float(res.estimate), float(res.ci_low), float(res.ci_high)
    return Incrementality(effect_log=est, effect_low=low, effect_high=high, incremental_gmv=incremental(est),
                          channel_gmv=channel_total, incremental_share=share(est), share_low=share(low),
                          share_high=share(high), method=method, inference=how, level=level, result=res)


def clv_by_channel(
    lines: pd.DataFrame,
    *,
    by: str = "platform",
    method: str = "per_platform",
    products: pd.DataFrame | None = None,
    as_of=None,
    horizon_months: int = 12,
    discount_rate: float = 0.1,
    margin: float | None = None,
) -> pd.DataFrame:
    """Customer lifetime value by platform with the retention chapter's BG/NBD + Gamma-Gamma models.

    Parameters
    ----------
    lines : DataFrame
        Order lines with ``by`` and what :func:`ecomlib.retention.clv.shop_customer_value` needs
        (``customer_id``, ``order_date``, ``revenue``, ``order_id``; ``status``, ``unit_cost``).
    by : str, default "platform"
        Platform column.
    method : {"per_platform", "first_platform"}
        "per_platform": fit the models on each platform's own lines (a customer buying on two
        platforms counts on both, with the purchases made there). "first_platform": fit once on
        all lines and group customers by the platform of their first order.
    products, as_of, horizon_months, discount_rate, margin
        As in :func:`~ecomlib.retention.clv.shop_customer_value`; ``as_of`` defaults to the
        last order day of all lines (the same for every platform).

    Returns
    -------
    DataFrame
        One row per platform, largest mean CLV first: ``platform``, ``customers``, ``clv`` (mean,
        CNY over ``horizon_months``), ``total_clv``, ``prob_alive``, ``expected_purchases``,
        ``margin`` and ``note`` (why a platform could not be fitted; its figures are then NaN).
    """
    check_frame(lines, "lines")
    check_columns(lines, [by, "customer_id", "order_date", "revenue", "order_id"], "lines")
    check_argument("method", ["per_platform", "first_platform"], method)
    day = pd.Timestamp(as_of) if as_of is not None else pd.to_datetime(lines["order_date"]).max().floor("D")
    kw = {"as_of": day, "horizon_months": horizon_months, "discount_rate": discount_rate, "margin": margin}
    if method == "first_platform":
        value = shop_customer_value(lines, products, **kw)
        known = lines[lines["customer_id"].notna()].sort_values("order_date", kind="stable")
        first = known.groupby("customer_id")[by].first().astype("str")
        out = clv_by_group(value.clv, first).rename_axis(by).reset_index()
        out["margin"], out["note"] = value.margin, ""
        return out
    rows = []
    for name, part in lines.groupby(lines[by].astype("str"), sort=True):
        try:
            value = shop_customer_value(part, products, **kw)
        except (EcomlibError, ValueError, np.linalg.LinAlgError) as err:
            rows.append({by: name, "customers": int(part["customer_id"].nunique()), "clv": np.nan,
                         "total_clv": np.nan, "prob_alive": np.nan, "expected_purchases": np.nan,
                         "margin": np.nan, "note": f"not fitted: {str(err).splitlines()[0]}"})
            continue
        clv = value.clv
        rows.append({by: name, "customers": int(len(clv)), "clv": float(clv["clv"].mean()),
                     "total_clv": float(clv["clv"].sum()), "prob_alive": float(clv["prob_alive"].mean()),
                     "expected_purchases": float(clv["expected_purchases"].mean()), "margin": value.margin,
                     "note": ""})
    return pd.DataFrame(rows).sort_values("clv", ascending=False, na_position="last",
                                          kind="stable").reset_index(drop=True)
