"""The BG/NBD model: how often customers buy and when they quietly leave.

While alive, a customer buys at a Poisson rate lambda; after each purchase they drop out
with probability p. Across customers lambda ~ Gamma(r, alpha) and p ~ Beta(a, b). From the
RFM summary (x = frequency, t_x = recency, T = age) the likelihood of one customer is

    L = B(a, b+x)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
        + [x > 0] * B(a+1, b+x-1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))

(G = gamma function, B = beta function). We evaluate it on the log scale with ``gammaln``
and ``betaln`` and add the two terms with ``logaddexp``, so long histories never overflow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from ecomlib.errors import NotFittedError, NotIdentifiableError
from ecomlib.retention.likelihood import check_summary_columns, fit_positive_mle
from ecomlib.validation import check_positive

__all__ = ["BetaGeoModel", "bgnbd_log_likelihood", "bgnbd_gradient"]

_PARAMS = ["r", "alpha", "a", "b"]


def _dot(u, v) -> float:
    """Sum of products without BLAS (np.dot may wait on busy BLAS threads)."""
    return float((np.asarray(u) * np.asarray(v)).sum())


def _frequency_terms(r, a, b, x):
    """Terms that depend on x only, computed once per distinct x (few) and spread to the rows.

    Returns log G(r+x)/G(r), log B(a, b+x)/B(a, b), log B(a+1, b+x-1)/B(a, b) (-inf for x = 0)
    and the index of each row's x.
    """
    values, index = np.unique(x, return_inverse=True)
    base = special.betaln(a, b)
    gamma_term = special.gammaln(r + values) - special.gammaln(r)
    alive = special.betaln(a, b + values) - base
    with np.errstate(divide="ignore", invalid="ignore"):
        dropped = np.where(values > 0, special.betaln(a + 1, np.maximum(b + values - 1, 1e-300)) - base, -np.inf)
    return values, index, gamma_term, alive, dropped


def _terms(params, frequency, recency, T):
    r, alpha, a, b = (float(v) for v in params)
    x = np.asarray(frequency, dtype=float)
    t_x = np.asarray(recency, dtype=float)
    T = np.asarray(T, dtype=float)
    values, index, gamma_term, alive, dropped = _frequency_terms(r, a, b, x)
    log_alpha_T = np.log(alpha + T)
    log_alpha_tx = np.log(alpha + t_x)
    term_alive = alive[index] - (r + x) * log_alpha_T
    term_dropped = np.where(x > 0, dropped[index] - (r + x) * log_alpha_tx, -np.inf)
    common = gamma_term[index] + r * np.log(alpha)
    return (r, alpha, a, b), x, values, index, common, term_alive, term_dropped, log_alpha_T, log_alpha_tx, T, t_x


def bgnbd_log_likelihood(params, frequency, recency, T, weights=None) -> float:
    """Total BG/NBD log-likelihood of (r, alpha, a, b) for the given customers.

    Parameters
    ----------
    params : sequence of 4 floats
        r, alpha, a, b (all > 0).
    frequency, recency, T : array-like
        Repeat purchases x, recency t_x and age T (same time unit as alpha).
    weights : array-like, optional
        Number of customers sharing each (x, t_x, T) row.

    Returns
    -------
    float
        Sum of the log-likelihoods (Fader, Hardie & Lee 2005, eq. 6).
    """
    _, _, _, _, common, term_alive, term_dropped, *_ = _terms(params, frequency, recency, T)
    ll = common + np.logaddexp(term_alive, term_dropped)
    if weights is None:
        return float(ll.sum())
    return float((ll * np.asarray(weights, dtype=float)).sum())


def bgnbd_gradient(params, frequency, recency, T, weights=None) -> np.ndarray:
    """Gradient of :func:`bgnbd_log_likelihood` with respect to (r, alpha, a, b).

    With ll = C + log(exp(A) + exp(B)) (C the common term, A the "still alive" and B the
    "dropped out after the last purchase" term), d ll = dC + w_A dA + w_B dB where
    w_A, w_B are the shares exp(A - ll + C), exp(B - ll + C); derivatives of log-gamma and
    log-beta functions are digamma differences (computed once per distinct x).
    """
    (r, alpha, a, b), x, values, index, _, term_alive, term_dropped, log_T, log_tx, T, t_x = _terms(
        params, frequency, recency, T)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    psi = special.digamma
    total = np.logaddexp(term_alive, term_dropped)
    share_alive = np.exp(term_alive - total) * w
    share_dropped = np.exp(term_dropped - total) * w
    repeat = x > 0
    psi_abx = psi(a + b + values)
    d_r = _dot(psi(r + values) - psi(r), np.bincount(index, weights=w)) + np.log(alpha) * w.sum() \
        - _dot(share_alive, log_T) - _dot(share_dropped[repeat], log_tx[repeat])
    d_alpha = r / alpha * w.sum() - _dot(share_alive, (r + x) / (alpha + T)) \
        - _dot(share_dropped[repeat], (r + x[repeat]) / (alpha + t_x[repeat]))
    alive_by_x = np.bincount(index, weights=share_alive, minlength=len(values))
    dropped_by_x = np.bincount(index, weights=share_dropped, minlength=len(values))
    with np.errstate(invalid="ignore"):
        psi_b_drop = np.where(values > 0, psi(np.maximum(b + values - 1, 1e-300)), 0.0)
    d_a = -(psi(a) - psi(a + b)) * w.sum() + _dot(alive_by_x, psi(a) - psi_abx) \
        + _dot(dropped_by_x, np.where(values > 0, psi(a + 1) - psi_abx, 0.0))
    d_b = -(psi(b) - psi(a + b)) * w.sum() + _dot(alive_by_x, psi(b + values) - psi_abx) \
        + _dot(dropped_by_x, np.where(values > 0, psi_b_drop - psi_abx, 0.0))
    return np.array([d_r, d_alpha, d_a, d_b])


class BetaGeoModel:
    """BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005).

    Parameters
    ----------
    frequency_col, recency_col, T_col : str
        Columns of the RFM summary passed to :meth:`fit` (see
        :func:`ecomlib.retention.rfm_summary`). Time is in the summary's unit (days or weeks);
        predictions use the same unit.

    Attributes
    ----------
    params_ : Series
        Maximum-likelihood estimates of ``r``, ``alpha`` (same time unit as the summary),
        ``a`` and ``b``.
    standard_errors_ : Series
        Standard errors from the inverse observed information (numerical Hessian).
    log_likelihood_ : float
        Maximised log-likelihood.
    n_customers_ : int
        Number of customers the model was fitted on.

    Examples
    --------
    >>> from ecomlib.datasets import load_cdnow                          # doctest: +SKIP
    >>> from ecomlib.retention import rfm_summary, BetaGeoModel           # doctest: +SKIP
    >>> summary = rfm_summary(load_cdnow("sample"), "1997-09-30", "W")    # doctest: +SKIP
    >>> BetaGeoModel().fit(summary).params_.round(3).tolist()             # doctest: +SKIP
    [0.243, 4.414, 0.793, 2.426]

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy
    way: an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275-284.
    """

    def __init__(self, frequency_col: str = "frequency", recency_col: str = "recency", T_col: str = "T"):
        self.frequency_col = frequency_col
        self.recency_col = recency_col
        self.T_col = T_col

    # -- fitting ---------------------------------------------------------------------------
    def fit(self, summary: pd.DataFrame) -> BetaGeoModel:
        """Fit by maximum likelihood on an RFM summary (one row per customer); returns self."""
        cols = [self.frequency_col, self.recency_col, self.T_col]
        check_summary_columns(summary, cols)
        data = summary[cols].to_numpy(dtype=float)
        if not np.any(data[:, 0] > 0):
            raise NotIdentifiableError(
                "No customer in `summary` made a repeat purchase, so the BG/NBD drop-out "
                "process cannot be estimated.",
                fix="Use a longer observation period or more customers.",
            )
        rows, weights = np.unique(data, axis=0, return_counts=True)
        x, t_x, T = rows.T

        def ll(params):
            return bgnbd_log_likelihood(params, x, t_x, T, weights)

        def grad(params):
            return bgnbd_gradient(params, x, t_x, T, weights)

        total_x, total_T = _dot(x, weights), _dot(T, weights)
        start = np.array([1.0, max(total_T / max(total_x, 1.0), 1e-3), 1.0, 1.0])
        fit = fit_positive_mle(ll, start, model="BG/NBD", gradient=grad, scale=float(len(data)),
                               names=_PARAMS)
        self.params_ = pd.Series(fit.params, index=_PARAMS, name="estimate")
        self.standard_errors_ = pd.Series(fit.standard_errors, index=_PARAMS, name="std_error")
        self.log_likelihood_ = fit.log_likelihood
        self.n_customers_ = int(len(data))
        self.converged_ = fit.converged
        return self

    def _check_fitted(self) -> tuple[float, float, float, float]:
        if not hasattr(self, "params_"):
            raise NotFittedError(
                "This BetaGeoModel is not fitted yet.", fix="Call .fit(summary) first."
            )
        return tuple(float(v) for v in self.params_)

    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """Estimates with standard errors and Wald intervals (``level`` confidence)."""
        self._check_fitted()
        z = float(special.ndtri(0.5 + level / 2))
        est, se = self.params_.to_numpy(), self.standard_errors_.to_numpy()
        return pd.DataFrame(
            {"estimate": est, "std_error": se, "lower": est - z * se, "upper": est + z * se},
            index=pd.Index(_PARAMS, name="parameter"),
        )

    # -- predictions -----------------------------------------------------------------------
    def _log_odds_dropped(self, frequency, recency, T):
        r, alpha, a, b = self._check_fitted()
        x = np.asarray(frequency, dtype=float)
        t_x = np.asarray(recency, dtype=float)
        T = np.asarray(T, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_odds = (
                np.log(a)
                - np.log(np.maximum(b + x - 1, 1e-300))
                + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
            )
        return np.where(x > 0, log_odds, -np.inf), x, T

    def prob_alive(self, frequency, recency, T) -> np.ndarray:
        """P(customer still alive | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))."""
        log_odds, _, _ = self._log_odds_dropped(frequency, recency, T)
        return special.expit(-log_odds)

    def expected_purchases(self, t) -> np.ndarray:
        """E[X(t)]: expected repeat purchases of a new customer in ``t`` time units.

        E[X(t)] = (a+b-1)/(a-1) * [1 - (alpha/(alpha+t))^r * 2F1(r, b; a+b-1; t/(alpha+t))]
        """
        r, alpha, a, b = self._check_fitted()
        t = np.asarray(t, dtype=float)
        check_positive("t", float(np.min(t)) if t.size else 0.0, allow_zero=True)
        hyp = special.hyp2f1(r, b, a + b - 1, t / (alpha + t))
        return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp)

    def conditional_expected_purchases(self, t, frequency, recency, T) -> np.ndarray:
        """E[Y(t) | x, t_x, T]: expected purchases in the next ``t`` time units per customer.

        E[Y(t)|x,t_x,T] = (a+b+x-1)/(a-1)
                          * [1 - ((alpha+T)/(alpha+T+t))^(r+x) * 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
                          * P(alive | x, t_x, T)
        """
        r, alpha, a, b = self._check_fitted()
        t = np.asarray(t, dtype=float)
        check_positive("t", float(np.min(t)) if t.size else 0.0, allow_zero=True)
        p_alive = self.prob_alive(frequency, recency, T)
        x = np.asarray(frequency, dtype=float)
        T = np.asarray(T, dtype=float)
        z = t / (alpha + T + t)
        log_ratio = (r + x) * (np.log(alpha + T) - np.log(alpha + T + t))
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        return (a + b + x - 1) / (a - 1) * (1 - np.exp(log_ratio) * hyp) * p_alive
