"""Input distributions for Monte Carlo risk analysis.

Each distribution turns uniform numbers ``u`` in (0, 1) into draws through its quantile function
(``ppf``). Drawing through quantiles is what lets :func:`ecomlib.risk.simulate_profit` correlate
inputs with a Gaussian copula: correlated normals -> uniforms -> each input's own quantiles.

Any other distribution object with a quantile function ``ppf`` and a sampler ``rvs`` — a frozen
scipy distribution such as ``scipy.stats.gamma(a=2, scale=300)`` — is accepted as well and used
through its ``ppf`` (see :func:`as_distribution`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from ecomlib.errors import ParameterError

__all__ = ["Constant", "Empirical", "External", "LogNormal", "Normal", "Triangular", "Uniform", "as_distribution"]


class _Distribution:
    def ppf(self, u: np.ndarray) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def median(self) -> float:
        return float(self.ppf(np.array([0.5]))[0])


@dataclass(frozen=True)
class Constant(_Distribution):
    """A known value (no uncertainty)."""

    value: float

    def ppf(self, u):
        return np.full(np.shape(u), float(self.value))


@dataclass(frozen=True)
class Normal(_Distribution):
    """Normal with mean ``mean`` and standard deviation ``sd`` (> 0), in the input's units."""

    mean: float
    sd: float

    def __post_init__(self):
        if not self.sd > 0:
            raise ParameterError(f"Normal `sd` must be > 0, but {self.sd!r} was passed.")

    def ppf(self, u):
        return self.mean + self.sd * special.ndtri(u)


@dataclass(frozen=True)
class LogNormal(_Distribution):
    """Log-normal: ``log(X) ~ Normal(mu, sigma)``; its median is ``exp(mu)``."""

    mu: float
    sigma: float

    def __post_init__(self):
        if not self.sigma > 0:
            raise ParameterError(f"LogNormal `sigma` must be > 0, but {self.sigma!r} was passed.")

    @classmethod
    def from_median(cls, median: float, sigma: float) -> LogNormal:
        """Build from the median (in the input's units) and the log-scale spread ``sigma``."""
        if not median > 0:
            raise ParameterError(f"LogNormal `median` must be > 0, but {median!r} was passed.")
        return cls(float(np.log(median)), sigma)

    def ppf(self, u):
        return np.exp(self.mu + self.sigma * special.ndtri(u))


@dataclass(frozen=True)
class Triangular(_Distribution):
    """Triangular on ``[low, high]`` with its peak at ``mode`` (the classic three-point estimate)."""

    low: float
    mode: float
    high: float

    def __post_init__(self):
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ParameterError(
                f"Triangular needs low <= mode <= high and low < high, but ({self.low}, {self.mode}, "
                f"{self.high}) was passed."
            )

    def ppf(self, u):
        # inverse of the triangular CDF, piecewise on either side of the mode
        u = np.asarray(u, dtype=float)
        width = self.high - self.low
        c = (self.mode - self.low) / width
        left = self.low + np.sqrt(u * width * (self.mode - self.low))
        right = self.high - np.sqrt((1 - u) * width * (self.high - self.mode))
        return np.where(u < c, left, right)


@dataclass(frozen=True)
class Uniform(_Distribution):
    """Uniform on ``[low, high]``."""

    low: float
    high: float

    def __post_init__(self):
        if not self.low < self.high:
            raise ParameterError(f"Uniform needs low < high, but ({self.low}, {self.high}) was passed.")

    def ppf(self, u):
        return self.low + (self.high - self.low) * np.asarray(u)


class Empirical(_Distribution):
    """Resample observed values (for example last year's daily demand) through their quantiles."""

    def __init__(self, values):
        arr = np.asarray(values, dtype=float)
        arr = arr[np.isfinite(arr)]
        if arr.size < 2:
            raise ParameterError("Empirical needs at least two finite observed values.")
        self.values = np.sort(arr)

    def ppf(self, u):
        return np.quantile(self.values, u, method="inverted_cdf")

    def __repr__(self) -> str:
        return f"Empirical(n={self.values.size})"


class External(_Distribution):
    """Any distribution object with ``ppf`` and ``rvs`` (e.g. a frozen scipy distribution).

    Draws go through its ``ppf``, so it takes part in the copula like the built-in ones.
    """

    def __init__(self, dist):
        self.dist = dist

    def ppf(self, u):
        return np.asarray(self.dist.ppf(u), dtype=float)

    def __repr__(self) -> str:
        return f"External({self.dist!r})"


def _external(name: str, value) -> External:
    """Wrap ``value`` after checking that its quantiles are finite and non-decreasing."""
    probe = np.array([0.01, 0.25, 0.5, 0.75, 0.99])
    try:
        q = np.asarray(value.ppf(probe), dtype=float)
    except Exception as exc:  # noqa: BLE001 - any failure of a foreign ppf is a bad input here
        raise ParameterError(
            f"`{name}`: calling {value!r}.ppf on probabilities failed ({type(exc).__name__}: {exc})."
        ) from None
    if q.shape != probe.shape or not np.isfinite(q).all() or (np.diff(q) < 0).any():
        raise ParameterError(
            f"`{name}`: {value!r}.ppf must return finite, non-decreasing quantiles for an array of "
            f"probabilities, but gave {q.tolist()!r} for {probe.tolist()!r}."
        )
    return External(value)


def as_distribution(name: str, value) -> _Distribution:
    """Accept a distribution or a plain number (taken as a constant) for input ``name``.

    A distribution is one of this module's classes or any object with a quantile function
    ``ppf`` and a sampler ``rvs`` (a frozen scipy distribution, for example), which is wrapped in
    :class:`External`.

    Examples
    --------
    >>> from scipy import stats
    >>> round(as_distribution("demand", stats.norm(1000, 100)).median())
    1000
    """
    if isinstance(value, _Distribution):
        return value
    if isinstance(value, int | float | np.integer | np.floating) and np.isfinite(value):
        return Constant(float(value))
    if callable(getattr(value, "ppf", None)) and callable(getattr(value, "rvs", None)):
        return _external(name, value)
    raise ParameterError(
        f"`{name}` must be a number or a distribution (Normal, LogNormal, Triangular, Uniform, "
        f"Empirical, or any object with .ppf and .rvs such as a frozen scipy distribution), but "
        f"{value!r} was passed."
    )
