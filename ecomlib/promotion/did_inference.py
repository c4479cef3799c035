"""Inference for difference-in-differences with few treated units.

With few clusters, and above all with a single treated unit, cluster-robust standard errors are far
too small: the treated unit's own residuals add nothing to the clustered variance (its fixed effect
and the treatment dummy fit them away), so the variance is estimated from the untreated units alone
and scaled as if every unit were alike. Three remedies live here, each a pure function of arrays:

* :func:`aggregated_t` — each unit's change from before to after (mean of its post periods minus
  mean of its pre periods), compared between treated and untreated units by a two-sample t test
  with pooled variance and ``G - 2`` degrees of freedom (Donald & Lang 2007's two-step). With one
  treated unit the variance comes from the untreated units only, so it is valid if the treated unit
  is no noisier than they are; the interval is then a prediction interval, exact under normal errors.
* :func:`wild_cluster_bootstrap` — the restricted wild cluster bootstrap of the CR1 t statistic
  (WCR11 in MacKinnon, Nielsen & Webb 2023), Rademacher or Webb weights, every draw seeded; the
  interval by inverting the test.
* :func:`randomization_inference` — re-assign the treatment to every possible set of units,
  re-estimate, and rank the actual estimate among the placebo ones (Fisher; Conley & Taber 2011 in
  spirit). With ``M`` possible assignments no p-value is below ``1 / M``.

References
----------
Donald, S. G. & Lang, K. (2007). Inference with difference-in-differences and other panel data.
*Review of Economics and Statistics* 89(2), 221-233. Conley, T. G. & Taber, C. R. (2011).
Inference with "difference in differences" with a small number of policy changes. *Review of
Economics and Statistics* 93(1), 113-125. MacKinnon, J. G. & Webb, M. D. (2017). Wild bootstrap
inference for wildly different cluster sizes. *Journal of Applied Econometrics* 32(2), 233-254.
MacKinnon, J. G. & Webb, M. D. (2018). The wild bootstrap for few (treated) clusters.
*Econometrics Journal* 21(2), 114-135. Webb, M. D. (2023). Reworking wild bootstrap-based
inference for clustered errors. *Canadian Journal of Economics* 56(3), 839-858. Roodman, D.,
MacKinnon, J. G., Nielsen, M. Ø. & Webb, M. D. (2019). Fast and wild: bootstrap inference in Stata
using boottest. *Stata Journal* 19(1), 4-60.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from scipy import stats

__all__ = ["aggregated_leads", "aggregated_t", "randomization_inference", "wild_cluster_bootstrap",
           "WEBB_POINTS"]

WEBB_POINTS = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
"""Webb's six-point weights: +-sqrt(1/2), +-1, +-sqrt(3/2), each with probability 1/6."""


# --- aggregated (Donald-Lang) t -------------------------------------------------------------------

def aggregated_t(change: np.ndarray, treated: np.ndarray, level: float) -> dict:
    """Two-sample t test of the units' before-to-after changes, pooled variance, ``G - 2`` df.

    Parameters
    ----------
    change : array of shape (G,)
        Each unit's mean outcome after minus its mean outcome before.
    treated : array of shape (G,)
        1 for treated units, 0 for untreated ones.
    """
    t_mask = treated == 1
    n1, n0 = int(t_mask.sum()), int((~t_mask).sum())
    df = n1 + n0 - 2
    estimate = change[t_mask].mean() - change[~t_mask].mean()
    resid = np.where(t_mask, change - change[t_mask].mean(), change - change[~t_mask].mean())
    s2 = float(resid @ resid) / df
    se = math.sqrt(s2 * (1 / n1 + 1 / n0))
    crit = stats.t.ppf(0.5 + level / 2, df)
    p = float(2 * stats.t.sf(abs(estimate) / se, df)) if se > 0 else float("nan")
    return {"estimate": float(estimate), "se": se, "df": df, "p_value": p,
            "ci_low": float(estimate - crit * se), "ci_high": float(estimate + crit * se)}


def aggregated_leads(gaps: np.ndarray, treated: np.ndarray, level: float) -> dict:
    """Per-lead t intervals and a joint Hotelling test from units' pre-period gaps.

    ``gaps`` (G x L) holds each unit's outcome in each lead period minus its mean in the other
    pre-periods. The lead estimate is the treated-minus-untreated mean; its covariance is the
    pooled within-group covariance times ``1/N1 + 1/N0`` (``G - 2`` df). The joint test is
    Hotelling's two-sample T^2: ``F = (v - L + 1) / (v L) T^2`` with ``F(L, v - L + 1)``,
    ``v = G - 2``; NaN when ``v < L``.
    """
    t_mask = treated == 1
    n1, n0 = int(t_mask.sum()), int((~t_mask).sum())
    v = n1 + n0 - 2
    est = gaps[t_mask].mean(axis=0) - gaps[~t_mask].mean(axis=0)
    resid = np.where(t_mask[:, None], gaps - gaps[t_mask].mean(axis=0), gaps - gaps[~t_mask].mean(axis=0))
    cov = resid.T @ resid / v * (1 / n1 + 1 / n0)
    se = np.sqrt(np.diag(cov))
    crit = stats.t.ppf(0.5 + level / 2, v)
    n_leads = len(est)
    p = float("nan")
    if v >= n_leads and np.linalg.matrix_rank(cov) == n_leads:
        t2 = float(est @ np.linalg.solve(cov, est))
        f = (v - n_leads + 1) / (v * n_leads) * t2
        p = float(stats.f.sf(f, n_leads, v - n_leads + 1))
    return {"estimate": est, "se": se, "low": est - crit * se, "high": est + crit * se, "p_value": p, "df": v}


# --- wild cluster bootstrap -----------------------------------------------------------------------

def bootstrap_weights(n_clusters: int, *, weights: str, n_boot: int, seed: int) -> tuple[np.ndarray, bool]:
    """Weight matrix (G x B) and whether it enumerates every Rademacher sign pattern.

    Rademacher weights take only ``2**G`` distinct patterns; when ``2**G <= n_boot`` all of them are
    used once (full enumeration, no randomness), otherwise ``n_boot`` seeded draws.
    """
    if weights == "rademacher" and 2 ** n_clusters <= n_boot:
        v = np.array(list(itertools.product([-1.0, 1.0], repeat=n_clusters))).T
        return v, True
    rng = np.random.default_rng(seed)
    points = np.array([-1.0, 1.0]) if weights == "rademacher" else WEBB_POINTS
    return rng.choice(points, size=(n_clusters, n_boot)), False


class _WildBootstrap:
    """WCR11 bootstrap t statistics for one coefficient, for any null value ``delta0``."""

    def __init__(self, y, X, j, groups, v):
        n, k = X.shape
        self.codes = groups
        self.G = int(groups.max()) + 1
        self.v = v
        xtx_inv = np.linalg.pinv(X.T @ X)
        self.Q = xtx_inv
        self.a = xtx_inv[j] @ X.T                       # row j of (X'X)^-1 X'
        self.X, self.d = X, X[:, j]
        others = np.delete(X, j, axis=1)
        coef_y, *_ = np.linalg.lstsq(others, y, rcond=None)
        coef_d, *_ = np.linalg.lstsq(others, self.d, rcond=None)
        self.u_y, self.u_d = y - others @ coef_y, self.d - others @ coef_d  # restricted residuals
        self.ssc = (n - 1) / (n - k) * self.G / (self.G - 1)
        self.F = self._by_cluster(self.a[:, None] * X)  # G x k: a_g' X_g
        beta = xtx_inv @ (X.T @ y)
        resid = y - X @ beta
        score = self._by_cluster(self.a * resid)
        self.estimate = float(beta[j])
        self.se = math.sqrt(self.ssc * float(score @ score))

    def _by_cluster(self, values):
        out = np.zeros((self.G,) + values.shape[1:])
        np.add.at(out, self.codes, values)
        return out

    def t_stats(self, delta0: float) -> tuple[float, np.ndarray]:
        u = self.u_y - delta0 * self.u_d
        s = self._by_cluster(self.a * u)                 # G: a_g' u_g
        W = self._by_cluster(u[:, None] * self.X)        # G x k: X_g' u_g
        C = np.diag(s) - self.F @ self.Q @ W.T           # G x G
        numer = s @ self.v
        denom = np.sqrt(self.ssc * np.sum((C @ self.v) ** 2, axis=0))
        with np.errstate(divide="ignore", invalid="ignore"):
            t_boot = np.where(denom > 0, numer / denom, 0.0)
        return (self.estimate - delta0) / self.se, t_boot

    def p_value(self, delta0: float) -> float:
        """Share of bootstrap |t| at least as large as the actual |t| (ties count: the all-equal
        weight patterns rebuild the actual sample, and whether their t equals the actual one to
        the last bit is rounding)."""
        t, t_boot = self.t_stats(delta0)
        return float(np.mean(np.abs(t_boot) >= abs(t) * (1 - 1e-9)))


def wild_cluster_bootstrap(y, X, j, groups, *, level: float = 0.95, weights: str = "webb",
                           n_boot: int = 9999, seed: int = 0) -> dict:
    """Restricted wild cluster bootstrap (WCR11) p-value and interval for coefficient ``j``.

    The bootstrap imposes the null ``delta = delta0`` on the data-generating process, flips each
    cluster's restricted residuals by a weight (Rademacher +-1, or Webb's six points), and compares
    the CR1 t statistic with its bootstrap distribution (two-sided, symmetric; the small-sample
    factor ``(n - 1) / (n - k) x G / (G - 1)`` as in the ``wildboottest`` package). The interval holds
    every ``delta0`` that the test does not reject at ``1 - level``, found by bisection; a bound is
    infinite when no finite ``delta0`` is rejected, as happens with a single treated cluster
    (MacKinnon & Webb 2017).

    Parameters
    ----------
    y : array (n,)
    X : array (n, k)
        The full design, fixed effects included.
    j : int
        Column of the coefficient tested.
    groups : array (n,) of int
        Cluster codes 0..G-1.
    """
    v, enumerated = bootstrap_weights(int(groups.max()) + 1, weights=weights, n_boot=n_boot, seed=seed)
    boot = _WildBootstrap(np.asarray(y, float), np.asarray(X, float), j, np.asarray(groups), v)
    alpha = 1 - level
    step = max(boot.se, 1e-12) * 4
    bounds = []
    for sign in (-1.0, 1.0):
        inside, outside = boot.estimate, None
        for k in range(12):  # up to 4 x 2^11 standard errors away
            trial = boot.estimate + sign * step * 2 ** k
            if boot.p_value(trial) <= alpha:
                outside = trial
                break
            inside = trial
        if outside is None:
            bounds.append(sign * math.inf)
            continue
        for _ in range(50):
            mid = (inside + outside) / 2
            if boot.p_value(mid) <= alpha:
                outside = mid
            else:
                inside = mid
            if abs(outside - inside) < 1e-6 * boot.se:
                break
        bounds.append((inside + outside) / 2)
    return {"p_value": boot.p_value(0.0), "ci_low": bounds[0], "ci_high": bounds[1], "se": boot.se,
            "n_draws": int(v.shape[1]), "enumerated": enumerated}


# --- randomization inference ----------------------------------------------------------------------

def _assignments(n_units: int, n_treated: int, actual: tuple, max_draws: int, seed: int) -> list[tuple]:
    total = math.comb(n_units, n_treated)
    if total <= max_draws:
        return list(itertools.combinations(range(n_units), n_treated))
    rng = np.random.default_rng(seed)
    draws = {actual}
    while len(draws) < max_draws:
        draws.add(tuple(sorted(rng.choice(n_units, n_treated, replace=False).tolist())))
    return sorted(draws)


def randomization_inference(y, X_other, d, unit_codes, post, treated_units, *, level: float = 0.95,
                            max_draws: int = 5000, seed: int = 0) -> dict:
    """Permutation p-value and interval: the treatment re-assigned across units.

    Every set of ``N1`` units (all ``C(G, N1)`` of them, or ``max_draws`` seeded ones) gets the
    treatment in the actual post periods; each placebo estimate comes from the same regression
    (Frisch-Waugh: ``X_other`` holds the fixed effects and controls). The p-value is the share of
    assignments, the actual one included, whose estimate is at least as large in absolute value.
    The interval inverts the test: ``delta0`` is kept if, after subtracting ``delta0 x D`` from
    the outcome, the p-value exceeds ``1 - level``; the bounds are found exactly from the points
    where a placebo estimate's size crosses the actual one's.
    """
    y, d = np.asarray(y, float), np.asarray(d, float)
    actual = tuple(int(u) for u in treated_units)
    chosen = _assignments(int(unit_codes.max()) + 1, len(actual), actual, max_draws, seed)
    D = np.column_stack([np.isin(unit_codes, m) * post for m in chosen]).astype(float)
    coef, *_ = np.linalg.lstsq(X_other, np.column_stack([D, d, y]), rcond=None)
    R = np.column_stack([D, d, y]) - X_other @ coef
    Dt, dt, yt = R[:, :-2], R[:, -2], R[:, -1]
    norm = np.sum(Dt * Dt, axis=0)
    A, B = (Dt.T @ yt) / norm, (Dt.T @ dt) / norm     # placebo estimate at delta0: A - B delta0
    i0 = chosen.index(actual)
    est = float(A[i0])

    def p_at(delta0):
        return float(np.mean(np.abs(A - B * delta0) >= abs(est - delta0) - 1e-12 * (1 + abs(est))))

    # |A - B x| = |est - x| where A - B x = +-(est - x)
    with np.errstate(divide="ignore", invalid="ignore"):
        roots = np.concatenate([(A - est) / (B - 1), (A + est) / (B + 1)])
    roots = np.unique(roots[np.isfinite(roots)])
    span = max(1.0, float(np.abs(roots).max(initial=0.0)), abs(est)) * 10
    grid = np.unique(np.concatenate([roots, (roots[:-1] + roots[1:]) / 2, [est, -span, span]]))
    keep = np.array([p_at(x) > 1 - level for x in grid])
    kept = grid[keep]
    low = -math.inf if keep[0] else float(kept.min())
    high = math.inf if keep[-1] else float(kept.max())
    return {"estimate": est, "p_value": p_at(0.0), "ci_low": low, "ci_high": high,
            "n_assignments": len(chosen), "placebo": A, "exhaustive": len(chosen) == math.comb(
                int(unit_codes.max()) + 1, len(actual))}
