"""Maximum-likelihood fitting shared by the BG/NBD and Gamma-Gamma models.

Both models have only positive parameters. We optimise over their logarithms (so the
optimiser can never step outside the allowed region) with scipy's quasi-Newton BFGS
and the models' analytic gradients, then compute standard errors from the
numerical Hessian of the log-likelihood at the optimum in the natural parameters:
``se = sqrt(diag(inverse(-H)))`` (the observed information).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from ecomlib.errors import DataError, NotIdentifiableError
from ecomlib.validation import check_columns, check_frame, check_numeric

__all__ = ["MLEFit", "fit_positive_mle", "check_summary_columns", "MAX_RELATIVE_SE"]

#: A parameter whose standard error exceeds this multiple of its estimate is not identified:
#: its 95 % interval spans orders of magnitude (e.g. a BG/NBD drop-out process with a -> 0,
#: b -> infinity when almost nobody came back), so the estimate would mislead.
MAX_RELATIVE_SE = 10.0


@dataclass(frozen=True)
class MLEFit:
    """Result of :func:`fit_positive_mle`."""

    params: np.ndarray
    log_likelihood: float
    standard_errors: np.ndarray
    converged: bool
    iterations: int


def numerical_hessian(f: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    """Central-difference Hessian of ``f`` at ``x`` with relative steps."""
    x = np.asarray(x, dtype=float)
    k = len(x)
    h = 1e-4 * np.maximum(np.abs(x), 1e-3)
    hess = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            ei = np.zeros(k)
            ej = np.zeros(k)
            ei[i] = h[i]
            ej[j] = h[j]
            val = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h[i] * h[j])
            hess[i, j] = hess[j, i] = val
    return hess


def gradient_hessian(gradient: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    """Hessian as central differences of an analytic gradient (symmetrised)."""
    x = np.asarray(x, dtype=float)
    k = len(x)
    h = 1e-5 * np.maximum(np.abs(x), 1e-3)
    hess = np.empty((k, k))
    for i in range(k):  # 2 k gradient evaluations
        step = np.zeros(k)
        step[i] = h[i]
        hess[:, i] = (gradient(x + step) - gradient(x - step)) / (2 * h[i])
    return (hess + hess.T) / 2


def fit_positive_mle(
    log_likelihood: Callable[[np.ndarray], float],
    start: np.ndarray,
    *,
    model: str,
    gradient: Callable[[np.ndarray], np.ndarray] | None = None,
    scale: float = 1.0,
    max_iter: int = 2000,
    names: list[str] | tuple[str, ...] | None = None,
) -> MLEFit:
    """Maximise ``log_likelihood(params)`` over positive ``params``.

    Parameters
    ----------
    log_likelihood : callable
        Total log-likelihood as a function of the natural (positive) parameters.
    start : array
        Starting values (positive).
    model : str
        Model name used in error messages.
    gradient : callable, optional
        Analytic gradient of ``log_likelihood`` in the natural parameters. With it the
        optimiser needs one evaluation per step and the Hessian comes from differences of
        the gradient; without it both use finite differences of the log-likelihood.
    scale : float
        The optimiser works on the log-likelihood divided by ``scale`` (the number of
        customers), so its tolerances do not depend on the size of the data.
    max_iter : int
        Iteration limit of the optimiser.
    names : sequence of str, optional
        Parameter names, used in the error when some are not identified.

    Raises
    ------
    NotIdentifiableError
        When the Hessian at the optimum is singular (a flat likelihood) or a parameter's
        standard error exceeds :data:`MAX_RELATIVE_SE` times its estimate.
    """

    def negative(log_params: np.ndarray) -> float:
        value = log_likelihood(np.exp(log_params))
        return -value / scale if np.isfinite(value) else 1e300

    def negative_and_gradient(log_params: np.ndarray):
        params = np.exp(log_params)
        value = log_likelihood(params)
        if not np.isfinite(value):
            return 1e300, np.zeros_like(params)
        return -value / scale, -gradient(params) * params / scale  # chain rule for log-parameters

    x0 = np.log(np.asarray(start, dtype=float))
    if gradient is not None:
        best = optimize.minimize(negative_and_gradient, x0, jac=True, method="BFGS",
                                 options={"gtol": 1e-9, "maxiter": max_iter})
        if not best.success:  # e.g. precision loss near the optimum: confirm with L-BFGS-B
            other = optimize.minimize(negative_and_gradient, best.x, jac=True, method="L-BFGS-B",
                                      options={"ftol": 1e-15, "gtol": 1e-9, "maxiter": max_iter})
            best = other if other.fun <= best.fun else best
            best.success = bool(np.max(np.abs(negative_and_gradient(best.x)[1])) < 1e-5)
    else:
        best = optimize.minimize(negative, x0, method="BFGS", options={"gtol": 1e-6, "maxiter": max_iter})
    converged, iterations = bool(best.success), int(best.nit)
    params = np.exp(best.x)
    ll = float(log_likelihood(params))
    if not np.isfinite(ll) or ll <= -1e299:
        raise DataError(f"The {model} likelihood could not be evaluated on these data.")
    if gradient is not None:
        hess = gradient_hessian(gradient, params)
    else:
        hess = numerical_hessian(log_likelihood, params)
    try:
        cov = np.linalg.inv(-hess)
        diag = np.diag(cov)
        if np.any(diag <= 0) or not np.all(np.isfinite(diag)):
            raise np.linalg.LinAlgError
        se = np.sqrt(diag)
    except np.linalg.LinAlgError:
        raise NotIdentifiableError(
            f"The {model} parameters are not identified by these data: the likelihood is "
            "flat at its maximum, so standard errors cannot be computed.",
            fix="Use more customers or a longer observation period; check that some "
            "customers made repeat purchases.",
        ) from None
    loose = se > MAX_RELATIVE_SE * params
    if loose.any():
        labels = list(names) if names is not None else [f"parameter {i + 1}" for i in range(len(params))]
        which = ", ".join(f"{labels[i]} = {params[i]:.3g} (standard error {se[i]:.3g})"
                          for i in np.flatnonzero(loose))
        raise NotIdentifiableError(
            f"The {model} parameters are not identified by these data: the likelihood is almost "
            f"flat in {which}; a standard error above {MAX_RELATIVE_SE:g} times the estimate "
            "means the value could be anything, so the fitted model would mislead.",
            fix="Use more customers or a longer observation period; the model needs customers "
            "who came back, and enough of them.",
        )
    return MLEFit(params, ll, se, converged, iterations)


def check_summary_columns(summary, columns, param: str = "summary") -> None:
    """Validate an RFM summary table: DataFrame, columns present, numeric, finite, >= 0."""

    check_frame(summary, param)
    check_columns(summary, columns, param)
    check_numeric(summary, columns, param)
    values = summary[list(columns)].to_numpy(dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise DataError(
            f"`{param}` columns {list(columns)} must be finite and >= 0.",
            fix="Build the table with ecomlib.retention.rfm_summary.",
        )
