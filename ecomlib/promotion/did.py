"""Difference-in-differences: the promotion's effect against untreated units (book section 3.4, 風險管理與效果評估).

Compare the change of the treated units (promoted categories, regions) from before to during the
promotion with the change of untreated units over the same time:

    effect = (treated_post - treated_pre) - (control_post - control_pre)

As a regression, the coefficient ``delta`` of the interaction in

    y_it = a + b treated_i + c post_t + delta (treated_i x post_t) + e_it          (2 x 2)
    y_it = unit_i + time_t + delta D_it + e_it,  D_it = treated_i x post_t        (two-way fixed effects)

The design is credible only if treated and control moved in parallel before: the **leads** — the
treated-minus-control gap in each of the last pre-periods, against the earlier pre-periods — should
be near zero.

**Inference with few units.** Observations of one unit are correlated over time, so errors are
clustered by unit. With few clusters the cluster-robust (CR1) standard error needs ``t(G - 1)``
critical values, not normal ones; with few *treated* clusters it is too small even so, and with a
single treated unit it ignores that unit's own noise altogether (MacKinnon & Webb 2017). ``did``
therefore chooses (``inference="auto"``):

* one treated unit (or one untreated): ``"aggregated-t"`` — each unit's before-to-after change, the
  treated change against the untreated ones, the noise measured by how much the untreated units'
  changes spread, ``t(G - 2)`` (Donald & Lang 2007). It is the only one of the choices here whose
  95 % interval covers the truth 95 % of the time with one treated unit among 8 (measured in
  ``tests/promotion/test_did_coverage.py``): the wild bootstrap's interval is then unbounded and the
  permutation test cannot reach 5 % with fewer than 20 assignments. It assumes the treated unit is
  no noisier than the untreated ones. It needs a balanced panel and no ``controls``; otherwise
  ``"wild"`` is used.
* 2 to 5 treated (or untreated) units: ``"wild"`` — the restricted wild cluster bootstrap
  (Webb weights, seeded).
* more: ``"cluster-t"`` — CR1 standard errors with ``t(G - 1)``.

``"permutation"`` (re-assign the treatment across units) and ``"normal"`` (CR1 with normal critical
values, the usual software default and this function's former behaviour) can be asked for.

References
----------
Wooldridge, J. M. (2020). *Introductory Econometrics: A Modern Approach*, 7th ed., Cengage,
section 13.2 (examples 13.3 on ``kielmc`` and 13.4 on ``injury``). Angrist, J. D. & Pischke,
J.-S. (2009). *Mostly Harmless Econometrics*, ch. 5.2. Cameron, A. C. & Miller, D. L. (2015). A
practitioner's guide to cluster-robust inference. *Journal of Human Resources* 50(2), 317-372.
Donald, S. G. & Lang, K. (2007), *Review of Economics and Statistics* 89(2), 221-233. MacKinnon,
J. G. & Webb, M. D. (2017), *Journal of Applied Econometrics* 32(2), 233-254; (2018),
*Econometrics Journal* 21(2), 114-135. Conley, T. G. & Taber, C. R. (2011), *Review of Economics
and Statistics* 93(1), 113-125.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.sm_exceptions import ValueWarning

from ecomlib.errors import DataError, NotIdentifiableError, ParameterError
from ecomlib.promotion import did_inference as inf
from ecomlib.validation import (
    check_argument,
    check_columns,
    check_frame,
    check_numeric,
    check_probability,
)

__all__ = ["DiDResult", "INFERENCE_METHODS", "comparison_target", "did"]

INFERENCE_METHODS = ("auto", "aggregated-t", "wild", "permutation", "cluster-t", "normal")
FEW_TREATED = 6  # below this many treated (or untreated) clusters, cluster-robust t is not trusted


@dataclass(frozen=True)
class DiDResult:
    """Difference-in-differences estimate.

    Attributes
    ----------
    estimate, ci_low, ci_high, p_value : float
        The interaction coefficient ``delta`` (outcome units), its interval and two-sided p-value
        from the inference named in ``inference``. A bound is infinite when the data cannot
        exclude any value on that side (a wild bootstrap or permutation test with one treated unit).
    se : float
        Standard error: the aggregated one for ``"aggregated-t"``, otherwise the regression's
        (CR1 when clustered; for ``"wild"`` and ``"permutation"`` shown for reference only).
    n_obs, n_clusters, n_treated : int
        ``n_clusters`` and ``n_treated`` (treated units) are None without a panel.
    design : str
        ``"2x2"`` or ``"two-way fixed effects"``.
    cov_type : str
    inference : str
        Which inference gave the interval and p-value (a key of :data:`INFERENCE_METHODS`, or
        ``"normal"`` / ``"t"`` for the unclustered 2 x 2 designs).
    inference_detail : str
        The same in words: weights, draws, seed, degrees of freedom.
    df : float or None
        Degrees of freedom of the t critical values, if any.
    warnings : tuple of str
        Plain-language cautions: a single treated unit, leads that reject parallel trends.
    leads : DataFrame or None
        Pre-period gaps (``time``, ``estimate``, ``se``, ``low``, ``high``) and, in ``leads.attrs``,
        the joint test's ``p_value`` (NaN when too few units make it degenerate) and ``inference``.
    params : Series
        All coefficients of the regression (fixed effects left out).
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    n_obs: int
    n_clusters: int | None
    design: str
    cov_type: str
    leads: pd.DataFrame | None = None
    params: pd.Series = field(default_factory=pd.Series, repr=False)
    inference: str = "normal"
    inference_detail: str = ""
    df: float | None = None
    n_treated: int | None = None
    warnings: tuple[str, ...] = ()

    def summary(self) -> pd.DataFrame:
        rows = {"estimate": self.estimate, "se": self.se, "ci_low": self.ci_low, "ci_high": self.ci_high,
                "p_value": self.p_value, "n_obs": self.n_obs, "n_clusters": self.n_clusters,
                "n_treated": self.n_treated, "design": self.design, "cov_type": self.cov_type,
                "inference": self.inference_detail or self.inference}
        if self.leads is not None:
            rows["parallel_trends_p"] = self.leads.attrs.get("p_value")
        return pd.DataFrame({"value": pd.Series(rows, dtype="object")}).rename_axis("statistic")


def comparison_target(lift: float, others_change: float = 0.0) -> float:
    """What a comparison against untreated categories should find, in log units.

    A DiD (or synthetic control) of log units measures the treated category's change *relative to*
    the comparison categories: ``log(1 + lift) - log(1 + others_change)``. When the promotion draws
    sales from the other categories (``others_change < 0``, as on the sample shop, where lines per
    order do not follow prices) this is larger than ``log(1 + lift)``: the comparison is not
    untouched by the treatment, so the estimate is of the relative, not the absolute, effect.

    Parameters
    ----------
    lift : float
        True relative rise in the treated units (0.5 = +50 %).
    others_change : float, default 0
        True relative change in the comparison categories' units during the promotion; a missing
        value (NaN) counts as 0.

    Returns
    -------
    float
        The target in log units.

    Examples
    --------
    >>> round(comparison_target(0.5), 4), round(comparison_target(0.5, -0.1), 4)
    (0.4055, 0.5108)
    """
    others = 0.0 if others_change is None or np.isnan(others_change) else float(others_change)
    if lift <= -1 or others <= -1:
        raise ParameterError("`lift` and `others_change` must be above -1 (a relative change).",
                             fix="Pass relative changes, e.g. 0.5 for +50 %.")
    return float(np.log1p(lift) - np.log1p(others))


def _as_indicator(df: pd.DataFrame, col: str) -> np.ndarray:
    values = df[col]
    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=float)
    check_numeric(df, [col], "data")
    arr = values.to_numpy(dtype=float)
    if not np.isin(arr, [0.0, 1.0]).all():
        raise DataError(f"`{col}` must be 0/1 or boolean (treated / post indicator).")
    return arr


def _fit(y, X, cov_type, groups):
    model = OLS(y, X)
    if cov_type == "cluster":
        return model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    return model.fit(cov_type=cov_type)


def did(
    data: pd.DataFrame,
    *,
    outcome: str,
    treated: str,
    post: str,
    unit: str | None = None,
    time: str | None = None,
    controls=(),
    cov_type: str | None = None,
    n_leads: int = 4,
    level: float = 0.95,
    inference: str = "auto",
    weights: str = "webb",
    n_boot: int = 9999,
    seed: int = 0,
) -> DiDResult:
    """Difference-in-differences estimate of a promotion's (or any treatment's) effect.

    Parameters
    ----------
    data : DataFrame
        One row per unit and period (a panel) or per observation (repeated cross-sections).
    outcome : str
        Numeric outcome, e.g. ``log_units``.
    treated, post : str
        0/1 (or boolean) columns: unit is treated; period is after the start.
    unit, time : str, optional
        Panel identifiers. With both, the two-way fixed-effects design with errors clustered by
        unit; without them, the 2 x 2 regression with ``treated`` and ``post`` as regressors.
    controls : sequence of str
        Extra numeric regressors.
    cov_type : {"cluster", "HC1", "nonrobust"}, optional
        Default ``"cluster"`` with a unit, else ``"HC1"``. ``"nonrobust"`` reproduces textbook
        OLS standard errors (with ``t(n - k)``); ``"HC1"`` uses normal critical values.
    n_leads : int
        With a panel: how many pre-periods before the last one get their own treated x period
        coefficient in the parallel-trends check.
    inference : {"auto", "aggregated-t", "wild", "permutation", "cluster-t", "normal"}
        How the interval and p-value are found with clustered errors (see the module docstring);
        ``"auto"`` chooses by the number of treated units. Only ``"auto"`` without clustering.
    weights : {"webb", "rademacher"}
        Wild bootstrap weights. Rademacher weights have only ``2**G`` patterns, all enumerated
        when ``2**G <= n_boot``.
    n_boot : int
        Wild bootstrap draws.
    seed : int
        Seeds the wild bootstrap's weights and a sampled permutation set.

    Returns
    -------
    DiDResult

    Examples
    --------
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 1.0, 4.0, 1.1, 2.1, 0.9, 3.9], "treated": [0, 0, 1, 1] * 2,
    ...                    "post": [0, 1, 0, 1] * 2})
    >>> round(did(df, outcome="y", treated="treated", post="post").estimate, 6)
    2.0
    """
    check_frame(data, "data", min_rows=4)
    controls = list(controls)
    needed = [outcome, treated, post, *controls] + [c for c in (unit, time) if c]
    check_columns(data, needed, "data")
    check_numeric(data, [outcome, *controls], "data")
    if (unit is None) != (time is None):
        raise ParameterError("Give both `unit` and `time` for a panel, or neither for the 2 x 2 design.")
    cov_type = cov_type or ("cluster" if unit else "HC1")
    check_argument("cov_type", ["cluster", "HC1", "nonrobust"], cov_type)
    check_argument("inference", list(INFERENCE_METHODS), inference)
    check_argument("weights", ["webb", "rademacher"], weights)
    if cov_type == "cluster" and unit is None:
        raise ParameterError("`cov_type='cluster'` needs `unit` to cluster on.")
    if cov_type != "cluster" and inference != "auto":
        raise ParameterError(f"`inference={inference!r}` needs clustered errors (a `unit` and `time`, "
                             "cov_type='cluster').", fix="Leave `inference` at 'auto' without clustering.")
    if int(n_boot) < 99:
        raise ParameterError(f"`n_boot` must be at least 99, got {n_boot!r}.")
    level = check_probability("level", level)
    df = data.dropna(subset=needed)
    tr, po = _as_indicator(df, treated), _as_indicator(df, post)
    d = tr * po
    if d.sum() == 0 or d.sum() == len(d) or tr.min() == tr.max():
        raise NotIdentifiableError("The data need treated and untreated units, and treated units both "
                                   "before and after: the effect is not identified.")
    y = df[outcome].to_numpy(dtype=float)
    if unit is None:
        X = pd.DataFrame({"const": 1.0, treated: tr, post: po, "treated_x_post": d}, index=df.index)
        design = "2x2"
    else:
        fe = pd.get_dummies(df[[unit, time]].astype("str"), drop_first=True, dtype="float64")
        X = pd.concat([pd.DataFrame({"const": 1.0, "treated_x_post": d}, index=df.index), fe], axis=1)
        design = "two-way fixed effects"
    for c in controls:
        X[c] = df[c].to_numpy(dtype=float)
    groups = pd.factorize(df[unit])[0] if unit else None
    if unit and cov_type == "cluster":
        unit_treated = pd.Series(tr).groupby(groups).agg(["min", "max"])
        if (unit_treated["min"] != unit_treated["max"]).any():
            raise DataError(f"`{treated}` changes within a `{unit}`: each unit must be treated in every "
                            "period or in none.", fix="Mark the treated units with a unit-level 0/1 column.")
    fit = _fit(y, X, cov_type, groups)
    est, se = float(fit.params["treated_x_post"]), float(fit.bse["treated_x_post"])
    keep = [c for c in X.columns if not c.startswith((f"{unit}_", f"{time}_"))] if unit else list(X.columns)
    common = {"estimate": est, "n_obs": int(len(y)), "design": design, "cov_type": cov_type,
              "params": fit.params[keep]}
    if cov_type != "cluster":
        kind = "t" if cov_type == "nonrobust" else "normal"
        crit = stats.t.ppf(0.5 + level / 2, fit.df_resid) if kind == "t" else stats.norm.ppf(0.5 + level / 2)
        p = float(fit.pvalues["treated_x_post"]) if kind == "t" else float(2 * stats.norm.sf(abs(est / se)))
        leads = _leads(df, y, tr, po, unit, time, cov_type, groups, n_leads, level) if unit else None
        return DiDResult(se=se, ci_low=est - crit * se, ci_high=est + crit * se, p_value=p,
                         n_clusters=None, leads=leads, inference=kind,
                         inference_detail=f"{cov_type} standard errors, {kind} critical values",
                         df=float(fit.df_resid) if kind == "t" else None, **common)
    return _clustered(df, y, X, fit, tr, po, groups, unit, time, controls, n_leads, level, inference,
                      weights, int(n_boot), int(seed), common)


def _clustered(df, y, X, fit, tr, po, groups, unit, time, controls, n_leads, level, inference,
               weights, n_boot, seed, common) -> DiDResult:
    n_clusters = int(groups.max()) + 1
    n_treated = int(pd.Series(tr).groupby(groups).max().sum())
    fewest = min(n_treated, n_clusters - n_treated)
    wide = _balanced(df, y, tr, po, unit, time) if not controls else None
    if inference == "auto":
        inference = ("aggregated-t" if fewest == 1 and wide is not None else
                     "wild" if fewest < FEW_TREATED else "cluster-t")
    if inference == "aggregated-t" and wide is None:
        raise DataError("`inference='aggregated-t'` needs a balanced panel (every unit in every period) "
                        "and no `controls`.", fix="Fill the missing unit-periods or use inference='wild'.")
    est, se = common["estimate"], float(fit.bse["treated_x_post"])
    j = list(X.columns).index("treated_x_post")
    df_t = None
    if inference == "aggregated-t":
        r = inf.aggregated_t(wide["change"], wide["treated"], level)
        se, p, low, high, df_t = r["se"], r["p_value"], r["ci_low"], r["ci_high"], float(r["df"])
        detail = (f"aggregated t: each {unit}'s before-to-after change, treated against untreated, "
                  f"t({r['df']}) (Donald & Lang 2007)")
    elif inference == "wild":
        r = inf.wild_cluster_bootstrap(y, X.to_numpy(float), j, groups, level=level, weights=weights,
                                       n_boot=n_boot, seed=seed)
        p, low, high = r["p_value"], r["ci_low"], r["ci_high"]
        draws = (f"all {r['n_draws']:,} sign patterns" if r["enumerated"]
                 else f"{r['n_draws']:,} draws, seed {seed}")
        detail = f"wild cluster bootstrap (restricted, WCR11), {weights.capitalize()} weights, {draws}"
    elif inference == "permutation":
        treated_units = np.unique(groups[tr == 1])
        r = inf.randomization_inference(y, X.drop(columns="treated_x_post").to_numpy(float),
                                        X["treated_x_post"].to_numpy(float), groups, po, treated_units,
                                        level=level, seed=seed)
        p, low, high = r["p_value"], r["ci_low"], r["ci_high"]
        how = "every" if r["exhaustive"] else f"{r['n_assignments']:,} seeded (seed {seed})"
        detail = (f"randomization inference: the treatment re-assigned to {how} set of {n_treated} of "
                  f"{n_clusters} units ({r['n_assignments']:,} assignments; smallest possible p = "
                  f"1/{r['n_assignments']:,})")
    else:
        df_t = float(n_clusters - 1) if inference == "cluster-t" else None
        crit = stats.t.ppf(0.5 + level / 2, df_t) if df_t else stats.norm.ppf(0.5 + level / 2)
        p = float(2 * (stats.t.sf(abs(est / se), df_t) if df_t else stats.norm.sf(abs(est / se))))
        low, high = est - crit * se, est + crit * se
        detail = (f"cluster-robust (CR1) standard errors, t({n_clusters - 1})" if df_t
                  else "cluster-robust (CR1) standard errors, normal critical values")
    if inference == "aggregated-t":
        leads = _aggregated_leads(wide, n_leads, level)
    else:
        leads = _leads(df, y, tr, po, unit, time, "cluster", groups, n_leads, level)
    notes = _warnings(n_treated, n_clusters, inference, detail, leads, unit)
    return DiDResult(se=se, ci_low=float(low), ci_high=float(high), p_value=float(p), n_clusters=n_clusters,
                     leads=leads, inference=inference, inference_detail=detail, df=df_t,
                     n_treated=n_treated, warnings=notes, **common)


def _warnings(n_treated, n_clusters, inference, detail, leads, unit) -> tuple[str, ...]:
    notes = []
    n_untreated = n_clusters - n_treated
    fewest = min(n_treated, n_untreated)
    side = "treated" if n_treated <= n_untreated else "untreated"
    other = "untreated" if side == "treated" else "treated"
    if fewest == 1:
        notes.append(
            f"Only one {unit} is {side}: the estimate compares that single {unit} with the "
            f"{n_clusters - 1} {other} ones, so anything else that happened to it in those periods is "
            f"counted as the effect. Usual cluster-robust standard errors are far too small with one "
            f"{side} {unit}; the interval here comes from {detail}"
            + (f", which assumes the {side} {unit} is no noisier than the others." if inference == "aggregated-t"
               else "."))
    elif fewest < FEW_TREATED:
        notes.append(f"Only {fewest} of the {n_clusters} {unit} clusters are {side}: the interval comes from {detail}, "
                     "as cluster-robust errors are unreliable with so few.")
    p = leads.attrs.get("p_value") if leads is not None else None
    if p is not None and np.isfinite(p) and p < 0.05:
        notes.append(f"Before the start, the treated {unit} and the untreated ones did not move in parallel "
                     f"(pre-trend test p = {p:.3f}): the estimate mixes the effect with that diverging trend. "
                     f"Compare it with a synthetic-control estimate, which matches the treated {unit}'s path "
                     "before the start.")
    return tuple(notes)


def _balanced(df, y, tr, po, unit, time) -> dict | None:
    """Unit x time outcome matrix with treated and post flags, or None if the panel is not balanced."""
    u_codes, _ = pd.factorize(df[unit], sort=True)
    t_codes, times = pd.factorize(df[time], sort=True)
    n_u, n_t = int(u_codes.max()) + 1, len(times)
    if len(y) != n_u * n_t:
        return None  # a unit misses a period, or a unit-period appears twice
    cell = u_codes * n_t + t_codes
    if len(np.unique(cell)) != len(cell):
        return None
    values = np.empty(n_u * n_t)
    values[cell] = y
    post_cells = np.zeros(n_u * n_t)
    post_cells[cell] = po
    post_cells = post_cells.reshape(n_u, n_t)
    if (post_cells != post_cells[:1]).any():
        return None  # staggered timing: no common before / after
    is_post = post_cells[0] == 1
    values = values.reshape(n_u, n_t)
    treated = np.zeros(n_u)
    np.maximum.at(treated, u_codes, tr)
    change = values[:, is_post].mean(axis=1) - values[:, ~is_post].mean(axis=1)
    return {"values": values, "times": np.asarray(times), "is_post": is_post, "treated": treated,
            "change": change}


def _aggregated_leads(wide, n_leads, level) -> pd.DataFrame | None:
    """Leads from the units' own pre-period paths (matches the regression's lead coefficients)."""
    pre_idx = np.flatnonzero(~wide["is_post"])
    if len(pre_idx) < 2:
        return None
    lead_idx = pre_idx[-(n_leads + 1):-1]
    base_idx = np.setdiff1d(pre_idx, lead_idx)
    vals = wide["values"]
    gaps = vals[:, lead_idx] - vals[:, base_idx].mean(axis=1, keepdims=True)
    r = inf.aggregated_leads(gaps, wide["treated"], level)
    out = pd.DataFrame({"time": wide["times"][lead_idx], "estimate": r["estimate"], "se": r["se"],
                        "low": r["low"], "high": r["high"]})
    out.attrs.update(p_value=r["p_value"], reference=wide["times"][pre_idx[-1]],
                     inference=f"aggregated t({r['df']}) per lead; joint Hotelling T-squared")
    return out


def _leads(df, y, tr, po, unit, time, cov_type, groups, n_leads, level) -> pd.DataFrame | None:
    """Treated x period gaps for the last ``n_leads`` pre-periods before the reference one."""
    pre_times = np.sort(df.loc[po == 0, time].unique())
    if len(pre_times) < 2:
        return None
    reference = pre_times[-1]
    lead_times = pre_times[-(n_leads + 1):-1]
    X = pd.get_dummies(df[[unit, time]].astype("str"), drop_first=True, dtype="float64")
    X.insert(0, "const", 1.0)
    X["treated_x_post"] = tr * po
    names = []
    for t in lead_times:
        name = f"lead_{t}"
        X[name] = tr * (df[time] == t).to_numpy()
        names.append(name)
    fit = _fit(y, X, cov_type, groups)
    if cov_type == "cluster":
        crit, how = stats.t.ppf(0.5 + level / 2, int(groups.max())), f"cluster-robust, t({int(groups.max())})"
    else:
        crit, how = stats.norm.ppf(0.5 + level / 2), f"{cov_type}, normal"
    out = pd.DataFrame({"time": lead_times, "estimate": fit.params[names].to_numpy(),
                        "se": fit.bse[names].to_numpy()})
    out["low"], out["high"] = out["estimate"] - crit * out["se"], out["estimate"] + crit * out["se"]
    constraints = np.eye(len(X.columns))[[list(X.columns).index(n) for n in names]]
    with warnings.catch_warnings(record=True) as caught:  # local: a rank-deficient test is reported as NaN
        warnings.simplefilter("always", ValueWarning)
        wald = fit.wald_test(constraints, scalar=True)
    degenerate = any(issubclass(w.category, ValueWarning) for w in caught)
    out.attrs["p_value"] = float("nan") if degenerate else float(wald.pvalue)
    out.attrs["reference"] = reference
    out.attrs["inference"] = how
    return out
