"""Difference-in-differences: the promotion's effect against untreated units (book section 3.4, 風險管理與效果評估).

Compare the change of the treated units (promoted categories, regions) from before to during the
promotion with the change of untreated units over the same time:

    effect = (treated_post - treated_pre) - (control_post - control_pre)

As a regression, the coefficient ``delta`` of the interaction in

    y_it = a + b treated_i + c post_t + delta (treated_i x post_t) + e_it          (2 x 2)
    y_it = unit_i + time_t + delta D_it + e_it,  D_it = treated_i x post_t        (two-way fixed effects)

with standard errors clustered by unit (observations of one unit are correlated over time). The
design is credible only if treated and control moved in parallel before: the **leads** — the
treated-minus-control gap in each pre-period relative to the last one — should be near zero.

References
----------
Wooldridge, J. M. (2020). *Introductory Econometrics: A Modern Approach*, 7th ed., Cengage,
section 13.2 (examples 13.3 on ``kielmc`` and 13.4 on ``injury``). Angrist, J. D. & Pischke,
J.-S. (2009). *Mostly Harmless Econometrics*, ch. 5.2. Cameron, A. C. & Miller, D. L. (2015). A
practitioner's guide to cluster-robust inference. *Journal of Human Resources* 50(2), 317-372.
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
from ecomlib.validation import (
    check_argument,
    check_columns,
    check_frame,
    check_numeric,
    check_probability,
)

__all__ = ["DiDResult", "did"]


@dataclass(frozen=True)
class DiDResult:
    """Difference-in-differences estimate.

    Attributes
    ----------
    estimate, se, ci_low, ci_high, p_value : float
        The interaction coefficient ``delta`` (outcome units), its standard error, interval and
        two-sided p-value.
    n_obs, n_clusters : int
    design : str
        ``"2x2"`` or ``"two-way fixed effects"``.
    cov_type : str
    leads : DataFrame or None
        Pre-period gaps (``time``, ``estimate``, ``low``, ``high``) and, in ``leads.attrs``, the
        joint test's ``p_value`` (NaN when too few clusters make the joint test degenerate).
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

    def summary(self) -> pd.DataFrame:
        rows = {"estimate": self.estimate, "se": self.se, "ci_low": self.ci_low, "ci_high": self.ci_high,
                "p_value": self.p_value, "n_obs": self.n_obs, "n_clusters": self.n_clusters,
                "design": self.design, "cov_type": self.cov_type}
        if self.leads is not None:
            rows["parallel_trends_p"] = self.leads.attrs.get("p_value")
        return pd.DataFrame({"value": pd.Series(rows, dtype="object")}).rename_axis("statistic")


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
        return model.fit(cov_type="cluster", cov_kwds={"groups": groups})
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
        OLS standard errors.
    n_leads : int
        With a panel: how many pre-periods before the last one get their own treated x period
        coefficient in the parallel-trends check.

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
    if cov_type == "cluster" and unit is None:
        raise ParameterError("`cov_type='cluster'` needs `unit` to cluster on.")
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
    fit = _fit(y, X, cov_type, groups)
    z = stats.norm.ppf(0.5 + level / 2) if cov_type != "nonrobust" else stats.t.ppf(0.5 + level / 2, fit.df_resid)
    est, se = float(fit.params["treated_x_post"]), float(fit.bse["treated_x_post"])
    leads = _leads(df, y, tr, po, unit, time, cov_type, groups, n_leads, level) if unit else None
    keep = [c for c in X.columns if not c.startswith((f"{unit}_", f"{time}_"))] if unit else list(X.columns)
    return DiDResult(estimate=est, se=se, ci_low=est - z * se, ci_high=est + z * se,
                     p_value=float(fit.pvalues["treated_x_post"]), n_obs=int(len(y)),
                     n_clusters=int(len(np.unique(groups))) if unit else None, design=design,
                     cov_type=cov_type, leads=leads, params=fit.params[keep])


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
    z = stats.norm.ppf(0.5 + level / 2)
    out = pd.DataFrame({"time": lead_times, "estimate": fit.params[names].to_numpy(),
                        "se": fit.bse[names].to_numpy()})
    out["low"], out["high"] = out["estimate"] - z * out["se"], out["estimate"] + z * out["se"]
    constraints = np.eye(len(X.columns))[[list(X.columns).index(n) for n in names]]
    with warnings.catch_warnings(record=True) as caught:  # local: a rank-deficient test is reported as NaN
        warnings.simplefilter("always", ValueWarning)
        wald = fit.wald_test(constraints, scalar=True)
    degenerate = any(issubclass(w.category, ValueWarning) for w in caught)
    out.attrs["p_value"] = float("nan") if degenerate else float(wald.pvalue)
    out.attrs["reference"] = reference
    return out
