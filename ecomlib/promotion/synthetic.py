"""A synthetic-control comparison: the promoted unit against a weighted mix of the untreated ones.

Difference-in-differences weighs every untreated unit alike and trusts that, on average, they moved
like the treated one. A synthetic control instead chooses non-negative weights summing to 1 on the
untreated units so that their mix follows the treated unit's path *before* the start as closely as
possible (least squares over the pre-periods), and reads the effect as the gap between the treated
unit and that mix afterwards (Abadie, Diamond & Hainmueller 2010). With ``demean=True`` (default)
every unit's pre-period mean is taken out first, so the mix must match the path, not the level
(Doudchenko & Imbens 2016; Ferman & Pinto 2021): the estimate is then a weighted
difference-in-differences, and with equal weights it equals the plain one.

Inference is by placebos in space: each untreated unit in turn is treated as if promoted, with the
other untreated units as its donors. The p-value ranks the treated unit's post/pre RMSPE ratio among
all of them (so with ``G`` units no p-value is below ``1 / G``). The interval is
``estimate +- t(G - 2) x s``, ``s`` the root mean square of the placebo estimates (whose true
effect is zero): like the aggregated t of :mod:`ecomlib.promotion.did_inference`, it takes the
noise from the untreated units and assumes the treated unit is no noisier.

References
----------
Abadie, A., Diamond, A. & Hainmueller, J. (2010). Synthetic control methods for comparative case
studies. *Journal of the American Statistical Association* 105(490), 493-505. Abadie, A. (2021).
Using synthetic controls: feasibility, data requirements, and methodological aspects. *Journal of
Economic Literature* 59(2), 391-425. Doudchenko, N. & Imbens, G. W. (2016). Balancing, regression,
difference-in-differences and synthetic control methods: a synthesis. NBER WP 22791. Ferman, B. &
Pinto, C. (2021). Synthetic controls with imperfect pretreatment fit. *Quantitative Economics*
12(4), 1197-1221.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ecomlib.errors import DataError, NotIdentifiableError
from ecomlib.validation import check_columns, check_frame, check_numeric, check_probability

__all__ = ["SyntheticResult", "synthetic_control", "synthetic_weights"]


@dataclass(frozen=True)
class SyntheticResult:
    """Synthetic-control estimate for one treated unit.

    Attributes
    ----------
    estimate : float
        Mean gap between the treated unit and its synthetic control over the post periods
        (outcome units; for ``log_units`` about log(1 + lift)).
    ci_low, ci_high, p_value : float
        Placebo-based interval and rank p-value (see the module docstring).
    weights : Series
        Weight of each untreated unit (non-negative, summing to 1), largest first.
    path : DataFrame
        ``time``, ``treated``, ``synthetic``, ``gap``, ``post`` (demeaned outcomes when ``demean``).
    pre_rmspe, post_rmspe : float
        Root mean squared gap before and after the start.
    placebo : DataFrame
        One row per unit (the treated one first): ``unit``, ``estimate``, ``pre_rmspe``,
        ``post_rmspe``, ``ratio``, ``treated``.
    treated_unit : str
    inference_detail : str
    """

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    weights: pd.Series
    path: pd.DataFrame = field(repr=False)
    pre_rmspe: float = float("nan")
    post_rmspe: float = float("nan")
    placebo: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    treated_unit: str = ""
    inference_detail: str = ""

    def summary(self) -> pd.DataFrame:
        rows = {"estimate": self.estimate, "ci_low": self.ci_low, "ci_high": self.ci_high,
                "p_value": self.p_value, "pre_rmspe": self.pre_rmspe, "post_rmspe": self.post_rmspe,
                "treated_unit": self.treated_unit, "donors_used": int((self.weights > 1e-6).sum()),
                "inference": self.inference_detail}
        return pd.DataFrame({"value": pd.Series(rows, dtype="object")}).rename_axis("statistic")


def synthetic_weights(target: np.ndarray, donors: np.ndarray) -> np.ndarray:
    """Non-negative weights summing to 1 that minimise ``||target - donors @ w||^2``.

    Parameters
    ----------
    target : array (T,)
        The treated unit's pre-period outcomes.
    donors : array (T, J)
        The untreated units' pre-period outcomes, one column each.

    Examples
    --------
    >>> donors = np.array([[1.0, 3.0], [2.0, 4.0], [3.0, 5.0]])
    >>> np.round(synthetic_weights(np.array([2.0, 3.0, 4.0]), donors), 6)
    array([0.5, 0.5])
    """
    n_donors = donors.shape[1]
    if n_donors == 1:
        return np.ones(1)
    scale = max(float(np.abs(donors).max()), 1e-12)
    A, b = donors / scale, target / scale

    def loss(w):
        r = A @ w - b
        return float(r @ r), 2 * A.T @ r

    res = optimize.minimize(loss, np.full(n_donors, 1 / n_donors), jac=True, method="SLSQP",
                            bounds=[(0.0, 1.0)] * n_donors,
                            constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1, "jac": lambda w: np.ones_like(w)}],
                            options={"ftol": 1e-14, "maxiter": 500})
    w = np.clip(res.x, 0.0, None)
    return w / w.sum()


def _fit_one(values: np.ndarray, i: int, donors: np.ndarray, is_post: np.ndarray, demean: bool) -> dict:
    series = values - values[:, ~is_post].mean(axis=1, keepdims=True) if demean else values
    w = synthetic_weights(series[i, ~is_post], series[donors][:, ~is_post].T)
    synthetic = w @ series[donors]
    gap = series[i] - synthetic
    pre = math.sqrt(float(np.mean(gap[~is_post] ** 2)))
    post = math.sqrt(float(np.mean(gap[is_post] ** 2)))
    return {"weights": w, "series": series[i], "synthetic": synthetic, "gap": gap,
            "estimate": float(gap[is_post].mean()), "pre_rmspe": pre, "post_rmspe": post}


def synthetic_control(
    data: pd.DataFrame,
    *,
    outcome: str,
    treated: str,
    post: str,
    unit: str,
    time: str,
    demean: bool = True,
    level: float = 0.95,
) -> SyntheticResult:
    """Synthetic-control estimate of one treated unit's effect, with placebo inference.

    Parameters
    ----------
    data : DataFrame
        A balanced panel, one row per unit and period (e.g. :func:`category_week_panel`).
    outcome, treated, post, unit, time : str
        Column names as in :func:`ecomlib.promotion.did`; exactly one unit may be treated.
    demean : bool
        Take out every unit's pre-period mean before matching (default; see the module docstring).
    level : float
        Confidence level of the interval.

    Returns
    -------
    SyntheticResult

    Examples
    --------
    >>> panel = pd.DataFrame({"unit": list("aaabbbccc"), "time": [0, 1, 2] * 3,
    ...                       "y": [1.0, 2.0, 5.0, 1.0, 2.0, 2.0, 3.0, 2.0, 2.0],
    ...                       "treated": [1] * 3 + [0] * 6, "post": [0, 0, 1] * 3})
    >>> r = synthetic_control(panel, outcome="y", treated="treated", post="post", unit="unit", time="time")
    >>> round(r.estimate, 6), r.weights.round(6).to_dict()
    (3.0, {'b': 1.0, 'c': 0.0})
    """
    check_frame(data, "data", min_rows=4)
    check_columns(data, [outcome, treated, post, unit, time], "data")
    check_numeric(data, [outcome, treated, post], "data")
    level = check_probability("level", level)
    df = data.dropna(subset=[outcome, treated, post, unit, time])
    if df.duplicated([unit, time]).any():
        raise DataError(f"Several rows share a `{unit}` and `{time}`: a synthetic control needs one row per "
                        "unit and period.", fix="Aggregate the data to one row per unit and period first.")
    wide = df.pivot(index=unit, columns=time, values=outcome)
    if wide.isna().any().any():
        raise DataError("The panel is not balanced: some units miss some periods.",
                        fix="Give every unit every period (e.g. 0 units sold as log1p(0) = 0).")
    units_treated = df.groupby(unit)[treated].max().reindex(wide.index)
    is_post = df.groupby(time)[post].max().reindex(wide.columns).to_numpy() == 1
    n_treated = int((units_treated == 1).sum())
    if n_treated != 1:
        raise NotIdentifiableError(f"A synthetic control compares one treated unit; the data have {n_treated}.",
                                   fix="Sum or average the treated units into one, or use did().")
    if is_post.all() or (~is_post).sum() < 2:
        raise NotIdentifiableError("A synthetic control needs at least two periods before the start.")
    values = wide.to_numpy(dtype=float)
    names = wide.index.astype("str").to_numpy()
    i0 = int(np.flatnonzero(units_treated.to_numpy() == 1)[0])
    controls = np.array([j for j in range(len(names)) if j != i0])
    if len(controls) < 2:
        raise NotIdentifiableError("A synthetic control needs at least two untreated units.")
    main = _fit_one(values, i0, controls, is_post, demean)
    rows = [{"unit": names[i0], "estimate": main["estimate"], "pre_rmspe": main["pre_rmspe"],
             "post_rmspe": main["post_rmspe"], "treated": True}]
    for j in controls:
        fit = _fit_one(values, j, controls[controls != j], is_post, demean)
        rows.append({"unit": names[j], "estimate": fit["estimate"], "pre_rmspe": fit["pre_rmspe"],
                     "post_rmspe": fit["post_rmspe"], "treated": False})
    placebo = pd.DataFrame(rows)
    placebo["ratio"] = placebo["post_rmspe"] / placebo["pre_rmspe"].where(placebo["pre_rmspe"] > 0)
    ratio = placebo["ratio"].to_numpy()
    p = float(np.mean(ratio >= ratio[0] * (1 - 1e-12))) if np.isfinite(ratio).all() else float("nan")
    fake = placebo.loc[~placebo["treated"], "estimate"].to_numpy()
    s = math.sqrt(float(np.mean(fake**2)))
    dof = len(fake) - 1
    crit = stats.t.ppf(0.5 + level / 2, dof)
    path = pd.DataFrame({"time": wide.columns.to_numpy(), "treated": main["series"],
                         "synthetic": main["synthetic"], "gap": main["gap"], "post": is_post.astype("int64")})
    weights = pd.Series(main["weights"], index=names[controls], name="weight").sort_values(ascending=False)
    detail = (f"placebos in space: each of the {len(fake)} untreated units treated as if promoted; p from the rank "
              f"of the post/pre RMSPE ratio among {len(names)} (smallest possible 1/{len(names)}); interval "
              f"+- t({dof}) x the placebo estimates' root mean square")
    return SyntheticResult(estimate=main["estimate"], ci_low=main["estimate"] - crit * s,
                           ci_high=main["estimate"] + crit * s, p_value=p, weights=weights, path=path,
                           pre_rmspe=main["pre_rmspe"], post_rmspe=main["post_rmspe"], placebo=placebo,
                           treated_unit=str(names[i0]), inference_detail=detail)
