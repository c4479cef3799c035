"""The Gamma-Gamma model: how much a customer spends per purchase.

Each purchase value of a customer is Gamma(p, nu) with mean p/nu; across customers
nu ~ Gamma(q, gamma). Given x repeat purchases with mean value m_x (the RFM summary's
``monetary_value``), the likelihood of one customer is

    f(m_x) = G(p x + q) / (G(p x) G(q)) * gamma^q * x^(p x) * m_x^(p x - 1) / (gamma + x m_x)^(p x + q)

and the expected average value of that customer's future purchases shrinks m_x toward
the population mean p gamma / (q - 1):

    E[M | x, m_x] = (q - 1)/(p x + q - 1) * p gamma/(q - 1) + p x/(p x + q - 1) * m_x.

The model assumes spend per purchase is independent of purchase frequency: check it with
:meth:`GammaGammaModel.frequency_value_correlation` before trusting CLV numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from ecomlib.errors import DataError, NotFittedError
from ecomlib.retention.likelihood import check_summary_columns, fit_positive_mle
from ecomlib.validation import check_columns, check_numeric

__all__ = ["GammaGammaModel", "gamma_gamma_log_likelihood", "gamma_gamma_gradient"]

_PARAMS = ["p", "q", "gamma"]


def gamma_gamma_log_likelihood(params, frequency, monetary_value) -> float:
    """Total Gamma-Gamma log-likelihood of (p, q, gamma) for customers with x >= 1.

    Parameters
    ----------
    params : sequence of 3 floats
        p, q, gamma (all > 0).
    frequency : array-like
        Repeat purchases x (>= 1).
    monetary_value : array-like
        Mean value of the repeat purchases m_x (> 0, CNY).
    """
    p, q, gamma = (float(v) for v in params)
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    px = p * x
    ll = (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(gamma)
        + px * np.log(x)
        + (px - 1) * np.log(m)
        - (px + q) * np.log(gamma + x * m)
    )
    return float(ll.sum())


def gamma_gamma_gradient(params, frequency, monetary_value) -> np.ndarray:
    """Gradient of :func:`gamma_gamma_log_likelihood` with respect to (p, q, gamma)."""
    p, q, gamma = (float(v) for v in params)
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    psi = special.digamma
    px = p * x
    log_total = np.log(gamma + x * m)
    d_p = x * (psi(px + q) - psi(px) + np.log(x) + np.log(m) - log_total)
    d_q = psi(px + q) - psi(q) + np.log(gamma) - log_total
    d_gamma = q / gamma - (px + q) / (gamma + x * m)
    return np.array([d_p.sum(), d_q.sum(), d_gamma.sum()])


class GammaGammaModel:
    """Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005, "RFM and CLV").

    Fitted on customers with at least one repeat purchase and a positive ``monetary_value``;
    other rows of the summary are ignored (their count is kept in ``n_excluded_``).

    Parameters
    ----------
    frequency_col, monetary_col : str
        Columns of the RFM summary passed to :meth:`fit`.

    Attributes
    ----------
    params_ : Series
        Estimates of ``p``, ``q`` and ``gamma`` (CNY).
    standard_errors_ : Series
        Standard errors from the numerical Hessian.
    log_likelihood_ : float
        Maximised log-likelihood.
    n_customers_, n_excluded_ : int
        Customers used in the fit and rows left out (no repeat purchase or value <= 0).

    Examples
    --------
    >>> from ecomlib.retention import GammaGammaModel                      # doctest: +SKIP
    >>> gg = GammaGammaModel().fit(summary)                                # doctest: +SKIP
    >>> gg.conditional_expected_average_value(summary["frequency"],
    ...                                       summary["monetary_value"])   # doctest: +SKIP

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves
    for customer base analysis. *Journal of Marketing Research* 42(4), 415-430.
    Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
    http://brucehardie.com/notes/025/
    """

    def __init__(self, frequency_col: str = "frequency", monetary_col: str = "monetary_value"):
        self.frequency_col = frequency_col
        self.monetary_col = monetary_col

    def _usable(self, summary: pd.DataFrame) -> pd.DataFrame:
        cols = [self.frequency_col, self.monetary_col]
        check_summary_columns(summary, [self.frequency_col])
        check_columns(summary, cols, "summary")
        check_numeric(summary, cols, "summary")
        keep = (summary[self.frequency_col] > 0) & (summary[self.monetary_col] > 0)
        return summary.loc[keep, cols]

    def fit(self, summary: pd.DataFrame) -> GammaGammaModel:
        """Fit by maximum likelihood on an RFM summary; returns self."""
        used = self._usable(summary)
        if len(used) < 3 or used[self.monetary_col].nunique() < 2:
            raise DataError(
                f"The Gamma-Gamma model needs repeat customers with differing spend; `summary` "
                f"has {len(used)} customer(s) with frequency > 0 and monetary_value > 0.",
                fix="Use a longer observation period or more customers.",
            )
        x = used[self.frequency_col].to_numpy(dtype=float)
        m = used[self.monetary_col].to_numpy(dtype=float)

        def ll(params):
            return gamma_gamma_log_likelihood(params, x, m)

        def grad(params):
            return gamma_gamma_gradient(params, x, m)

        # start where the population mean p gamma / (q - 1) equals the observed mean
        start = np.array([1.0, 3.0, 2.0 * float(m.mean())])
        fit = fit_positive_mle(ll, start, model="Gamma-Gamma", gradient=grad, scale=float(len(x)),
                               names=_PARAMS)
        self.params_ = pd.Series(fit.params, index=_PARAMS, name="estimate")
        self.standard_errors_ = pd.Series(fit.standard_errors, index=_PARAMS, name="std_error")
        self.log_likelihood_ = fit.log_likelihood
        self.n_customers_ = int(len(used))
        self.n_excluded_ = int(len(summary) - len(used))
        self.converged_ = fit.converged
        return self

    def _check_fitted(self) -> tuple[float, float, float]:
        if not hasattr(self, "params_"):
            raise NotFittedError("This GammaGammaModel is not fitted yet.", fix="Call .fit(summary) first.")
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

    def population_mean_value(self) -> float:
        """Mean spend per purchase across customers, p gamma / (q - 1) (CNY; inf if q <= 1)."""
        p, q, gamma = self._check_fitted()
        return p * gamma / (q - 1) if q > 1 else float("inf")

    def conditional_expected_average_value(self, frequency, monetary_value) -> np.ndarray:
        """Expected spend per future purchase given x repeat purchases averaging m_x (CNY).

        Customers with x = 0 get the population mean p gamma / (q - 1).
        """
        p, q, gamma = self._check_fitted()
        x = np.asarray(frequency, dtype=float)
        m = np.asarray(monetary_value, dtype=float)
        m = np.where(x > 0, m, 0.0)
        return p * (gamma + x * m) / (p * x + q - 1)

    @staticmethod
    def frequency_value_correlation(
        summary: pd.DataFrame, frequency_col: str = "frequency", monetary_col: str = "monetary_value"
    ) -> pd.Series:
        """Pearson correlation of frequency and monetary value among repeat customers.

        The Gamma-Gamma model assumes it is close to 0 (``|r|`` below about 0.3 is the usual
        rule of thumb). Returns ``correlation``, ``p_value`` and ``n`` as a Series.
        """
        from scipy import stats  # slow import, needed here only

        check_summary_columns(summary, [frequency_col, monetary_col])
        used = summary.loc[summary[frequency_col] > 0, [frequency_col, monetary_col]]
        if len(used) < 3:
            raise DataError("At least 3 repeat customers are needed to measure the correlation.")
        res = stats.pearsonr(used[frequency_col], used[monetary_col])
        return pd.Series(
            {"correlation": float(res.statistic), "p_value": float(res.pvalue), "n": len(used)}
        )
