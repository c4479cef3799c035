"""Group-sequential A/B tests: look at the test as often as planned, stop early, keep alpha (book 6.4).

Checking a fixed-horizon test every day and stopping at the first ``p < alpha`` inflates the false
positives (see :mod:`ecomlib.traffic.peeking`). A group-sequential test fixes the largest sample
beforehand and, at each look, compares ``|z|`` with a boundary that is very strict early and close
to the usual 1.96 at the end. The boundaries come from an **alpha-spending function**
``α(t)``: by the information fraction ``t`` (users so far / planned users) at most ``α(t)`` of
the false-positive probability has been used (Lan & DeMets 1983). The looks need not be equally
spaced nor fixed in advance; they must only not depend on the data seen.

Spending functions (two-sided, total level ``α``)::

    O'Brien-Fleming type   α(t) = 4 · (1 − Φ(z(1 − α/4) / √t))      (α/2 in each tail)
    Pocock type            α(t) = α · ln(1 + (e − 1) · t)

and the classical O'Brien-Fleming design (O'Brien & Fleming 1979), boundaries ``C / √t`` with
the constant ``C`` that makes the whole design spend exactly ``α``.

Under no effect the z statistics at the looks behave like a Brownian motion ``W(t) / √t``
with independent increments; the probability of crossing a boundary for the first time at look
``k`` is computed by recursive numerical integration of the density of ``W`` over the
continuation region (Armitage, McPherson & Rowe 1969; Jennison & Turnbull 2000, ch. 19),
here with Simpson's rule on an even grid.

References
----------
Lan, K. K. G., DeMets, D. L. (1983). Discrete sequential boundaries for clinical trials.
*Biometrika* 70(3), 659-663.
O'Brien, P. C., Fleming, T. R. (1979). A multiple testing procedure for clinical trials.
*Biometrics* 35(3), 549-556.
Jennison, C., Turnbull, B. W. (2000). *Group Sequential Methods with Applications to Clinical
Trials*. Chapman & Hall/CRC, tables 2.3 and 7.x; ch. 19 (numerical computations).
Reboussin, D. M., DeMets, D. L., Kim, K., Lan, K. K. G. (2000). Computations for group
sequential boundaries using the Lan-DeMets spending function method. *Controlled Clinical
Trials* 21(3), 190-207.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special, stats
from statsmodels.stats.proportion import test_proportions_2indep

from ecomlib.errors import DataError, ParameterError
from ecomlib.validation import (
    check_argument,
    check_columns,
    check_frame,
    check_positive,
    check_probability,
)

__all__ = ["SPENDING", "SPENDING_LABELS", "SequentialBounds", "SequentialTestResult", "alpha_spent",
           "sequential_bounds", "sequential_test"]

SPENDING = ("obrien_fleming", "pocock", "classical_obrien_fleming")
SPENDING_LABELS = {"obrien_fleming": "O'Brien-Fleming-type alpha spending",
                   "pocock": "Pocock-type alpha spending",
                   "classical_obrien_fleming": "classical O'Brien-Fleming"}
_GRID_STEPS_PER_SD = 8  # grid points per sd of one increment (Simpson; 16 changes no 5th decimal)
_TAIL_SD = 9.0  # where no boundary applies, the grid stops 9 sd out (mass beyond: ~1e-19)
_MAX_GRID = 2001  # points per grid at most (memory and time); closer looks are refused


def alpha_spent(t, alpha: float = 0.05, spending: str = "obrien_fleming") -> np.ndarray:
    """Cumulative two-sided alpha a Lan-DeMets spending function allows by information fraction ``t``.

    Parameters
    ----------
    t : array-like of float
        Information fractions in [0, 1] (users so far / planned users).
    alpha : float, default 0.05
        Total two-sided significance level, reached at ``t = 1``.
    spending : {"obrien_fleming", "pocock"}

    Returns
    -------
    numpy array of float

    Examples
    --------
    >>> round(float(alpha_spent(1.0)), 6), float(alpha_spent(0.2)) < 1e-5
    (0.05, True)
    """
    check_argument("spending", SPENDING[:2], spending)
    alpha = check_probability("alpha", alpha)
    t = np.clip(np.asarray(t, dtype=float), 0.0, 1.0)
    if spending == "pocock":
        return alpha * np.log1p((np.e - 1) * t)
    with np.errstate(divide="ignore"):
        return 4 * stats.norm.sf(stats.norm.isf(alpha / 4) / np.sqrt(t))


def _grid(c: float, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Even grid over [-c, c] with an odd number of points and its Simpson weights."""
    m = 2 * int(np.ceil(c / step)) + 1
    if m > _MAX_GRID:
        raise ParameterError(
            f"Two looks are too close in information (an increment of {(step * _GRID_STEPS_PER_SD) ** 2:.2g} "
            "of the planned users) for the numerical integration of the boundaries.",
            fix="Merge looks that are less than about 0.001 of the planned users apart, or look less often.")
    x = np.linspace(-c, c, m)
    w = np.ones(m)
    w[1:-1:2], w[2:-1:2] = 4.0, 2.0
    return x, w * (x[1] - x[0]) / 3


class _Recursion:
    """Sub-density of W(t_k) on the continuation region, carried from look to look."""

    def __init__(self, t: np.ndarray):
        self.t = t
        self.sd = np.sqrt(np.diff(np.concatenate([[0.0], t])))
        self.k = -1
        self.x = self.mass = None  # grid and (density x Simpson weight) at the last look

    def crossing(self, c: float) -> float:
        """P(first crossing of ±c at the next look | no crossing before)."""
        k, sd = self.k + 1, self.sd[self.k + 1]
        if k == 0:
            return float(2 * stats.norm.sf(c / sd))
        tail = special.ndtr((self.x - c) / sd) + special.ndtr((-c - self.x) / sd)
        return float(self.mass @ tail)

    def advance(self, c: float) -> None:
        """Move to the next look with continuation region (-c, c) on the W scale."""
        k = self.k + 1
        c = min(c, _TAIL_SD * np.sqrt(self.t[k]))
        nxt = self.sd[k + 1] if k + 1 < len(self.t) else self.sd[k]
        x, w = _grid(c, min(self.sd[k], nxt) / _GRID_STEPS_PER_SD)
        if k == 0:
            dens = stats.norm.pdf(x, scale=self.sd[0])
        else:
            dens = self._convolve(x, self.sd[k])
        self.k, self.x, self.mass = k, x, dens * w

    def _convolve(self, x: np.ndarray, sd: float) -> np.ndarray:
        """Density of W at the next look on ``x``: the weighted old grid convolved with N(0, sd²).

        Only old points within ``_TAIL_SD`` sd of a new point contribute (a band of the full matrix).
        """
        old = self.x
        half = min(int(np.ceil(_TAIL_SD * sd / (old[1] - old[0]))), len(old))
        idx = np.searchsorted(old, x)[:, None] + np.arange(-half, half + 1)
        inside = (idx >= 0) & (idx < len(old))
        idx = np.clip(idx, 0, len(old) - 1)
        u = (x[:, None] - old[idx]) / sd
        kernel = np.where(inside, np.exp(-0.5 * u * u), 0.0) / (np.sqrt(2 * np.pi) * sd)
        return (kernel * self.mass[idx]).sum(axis=1)


def _spending_bounds(t: np.ndarray, cumulative: np.ndarray) -> np.ndarray:
    """Boundaries (z scale) that spend ``diff(cumulative)`` at each look."""
    rec = _Recursion(t)
    spend = np.diff(np.concatenate([[0.0], cumulative]))
    bounds = np.empty(len(t))
    for k, (tk, a) in enumerate(zip(t, spend, strict=True)):
        cap = _TAIL_SD * np.sqrt(tk)
        if a <= 0 or rec.crossing(cap) >= a:
            c = np.inf  # nothing (numerically) left to spend at this look
        else:
            c = optimize.brentq(lambda c, a=a: rec.crossing(c) - a, 1e-9, cap, xtol=1e-12)
        bounds[k] = c / np.sqrt(tk)
        rec.advance(c)
    return bounds


def _classical_bounds(t: np.ndarray, alpha: float) -> np.ndarray:
    """O'Brien-Fleming (1979): boundaries C / √t with C spending exactly alpha over the looks."""

    def total(c):
        rec, out = _Recursion(t), 0.0
        for _ in t:
            out += rec.crossing(c)
            rec.advance(c)
        return out

    const = optimize.brentq(lambda c: total(c) - alpha, 0.5, 8.0, xtol=1e-12)
    return const / np.sqrt(t)


def _crossing_by_look(t: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """P(first crossing at look k) under no effect, for given z boundaries."""
    rec, out = _Recursion(t), []
    for tk, b in zip(t, bounds, strict=True):
        c = b * np.sqrt(tk)
        out.append(rec.crossing(c) if np.isfinite(c) else 0.0)
        rec.advance(c)
    return np.asarray(out)


@dataclass(frozen=True)
class SequentialBounds:
    """Boundaries of a two-sided group-sequential test (from :func:`sequential_bounds`).

    Attributes
    ----------
    information : tuple of float
        Information fraction of each look (users so far / planned users), increasing, in (0, 1].
    z : tuple of float
        Stop and declare a difference at look ``k`` when ``|z_k| >= z[k]`` (``inf``: no stop).
    alpha_spent : tuple of float
        Probability under no effect of having stopped by look ``k`` (cumulative).
    alpha : float
        Total two-sided level.
    spending : str
    """

    information: tuple[float, ...]
    z: tuple[float, ...]
    alpha_spent: tuple[float, ...]
    alpha: float
    spending: str

    def summary(self) -> pd.DataFrame:
        """One row per look: ``look``, ``information``, ``z_boundary``, ``nominal_p`` (the two-sided
        p-value that the boundary corresponds to) and ``alpha_spent``."""
        z = np.asarray(self.z)
        return pd.DataFrame({
            "look": np.arange(1, len(z) + 1), "information": self.information, "z_boundary": z,
            "nominal_p": 2 * stats.norm.sf(z), "alpha_spent": self.alpha_spent,
        })


def _check_looks(looks) -> np.ndarray:
    if isinstance(looks, int | np.integer) and not isinstance(looks, bool):
        if looks < 1:
            raise ParameterError(f"`looks` must be at least 1, but {looks!r} was passed.")
        return np.arange(1, int(looks) + 1) / int(looks)
    try:
        t = np.asarray(looks, dtype=float)
    except (TypeError, ValueError):
        t = np.array([np.nan])
    if t.ndim != 1 or t.size == 0 or not np.isfinite(t).all():
        raise ParameterError(
            f"`looks` must be a number of equally spaced looks or a list of information fractions, "
            f"but {looks!r} was passed.")
    if (t <= 0).any() or (t > 1).any() or (np.diff(t) <= 0).any():
        raise ParameterError(
            f"Information fractions in `looks` must increase strictly within (0, 1], but {t.tolist()} "
            "was passed.", fix="Give users so far / planned users at each look, e.g. [0.25, 0.5, 0.75, 1].")
    return t


def sequential_bounds(
    looks: int | Sequence[float],
    alpha: float = 0.05,
    spending: str = "obrien_fleming",
) -> SequentialBounds:
    """Two-sided boundaries of a group-sequential test with ``looks`` interim analyses.

    Parameters
    ----------
    looks : int or sequence of float
        Number of equally spaced looks (the last at the planned sample size), or the information
        fraction of each look (users so far / planned users), increasing, in (0, 1].
    alpha : float, default 0.05
        Two-sided significance level of the whole design.
    spending : {"obrien_fleming", "pocock", "classical_obrien_fleming"}, default "obrien_fleming"
        Lan-DeMets spending of O'Brien-Fleming type (strict early, near 1.96 at the end) or Pocock
        type (about equal boundaries), or the classical O'Brien-Fleming design ``C / √t``.

    Returns
    -------
    SequentialBounds

    Examples
    --------
    >>> [round(z, 3) for z in sequential_bounds(5).z]   # Lan-DeMets O'Brien-Fleming, K = 5
    [4.877, 3.357, 2.68, 2.29, 2.031]
    """
    check_argument("spending", SPENDING, spending)
    alpha = check_probability("alpha", alpha)
    t = _check_looks(looks)
    if spending == "classical_obrien_fleming":
        z = _classical_bounds(t, alpha)
    else:
        z = _spending_bounds(t, alpha_spent(t, alpha, spending))
    spent = np.cumsum(_crossing_by_look(t, z))
    return SequentialBounds(information=tuple(t.tolist()), z=tuple(z.tolist()),
                            alpha_spent=tuple(spent.tolist()), alpha=alpha, spending=spending)


@dataclass(frozen=True)
class SequentialTestResult:
    """The outcome of :func:`sequential_test`.

    Attributes
    ----------
    looks : DataFrame
        One row per look: ``look``, ``users`` (both arms), ``information``, ``control``,
        ``treatment`` (conversion rates), ``lift``, ``z`` (pooled two-proportion z, treatment −
        control), ``z_boundary`` and ``crossed``.
    stopped_at : int or None
        First look whose ``|z|`` reached the boundary (1-based), None when none did.
    bounds : SequentialBounds
    """

    looks: pd.DataFrame
    stopped_at: int | None
    bounds: SequentialBounds

    @property
    def significant(self) -> bool:
        """True when some look crossed its boundary: the difference is declared at level alpha."""
        return self.stopped_at is not None

    def headline(self) -> str:
        """One sentence: where the test stopped, or that it has not (yet)."""
        if self.stopped_at is None:
            last = self.looks.iloc[-1]
            done = last["information"] >= 1
            return (f"No boundary crossed in {len(self.looks)} look(s) (|z| = {abs(last['z']):.2f} against "
                    f"{last['z_boundary']:.2f} at {100 * last['information']:.0f} % of the planned users): "
                    + ("no difference shown at the planned size." if done else "keep the test running."))
        row = self.looks.iloc[self.stopped_at - 1]
        return (f"Stopped at look {self.stopped_at} ({100 * row['information']:.0f} % of the planned users): "
                f"|z| = {abs(row['z']):.2f} reached the boundary {row['z_boundary']:.2f}; lift "
                f"{100 * row['lift']:+.2f} points.")


_LOOK_COLUMNS = ("users_control", "conversions_control", "users_treatment", "conversions_treatment")


def sequential_test(
    looks: pd.DataFrame,
    planned_users: float,
    *,
    alpha: float = 0.05,
    spending: str = "obrien_fleming",
) -> SequentialTestResult:
    """Read a running conversion test at each look against group-sequential boundaries.

    Parameters
    ----------
    looks : DataFrame
        One row per look, in time order, with cumulative counts: ``users_control``,
        ``conversions_control``, ``users_treatment``, ``conversions_treatment``.
    planned_users : float
        Users planned in both arms together (e.g. ``2 * sample_size(...)``); the information
        fraction of a look is its users / ``planned_users``, capped at 1. A look past the plan
        spends what alpha is left; after it the test must stop.
    alpha : float, default 0.05
    spending : {"obrien_fleming", "pocock", "classical_obrien_fleming"}

    Returns
    -------
    SequentialTestResult

    Examples
    --------
    >>> import pandas as pd
    >>> looks = pd.DataFrame({"users_control": [1000, 2000], "conversions_control": [50, 100],
    ...                       "users_treatment": [1000, 2000], "conversions_treatment": [80, 150]})
    >>> sequential_test(looks, planned_users=4000).stopped_at
    2
    """
    looks = check_frame(looks, "looks")
    check_columns(looks, list(_LOOK_COLUMNS), "looks")
    planned = check_positive("planned_users", planned_users)
    counts = looks[list(_LOOK_COLUMNS)].to_numpy(dtype=float)
    nc, xc, nt, xt = counts.T
    if (np.diff(counts, axis=0) < 0).any() or (nc <= 0).any() or (nt <= 0).any():
        raise DataError("`looks` must hold positive, cumulative (never decreasing) users and conversions.",
                        fix="One row per look with the totals so far, in time order.")
    if (xc > nc).any() or (xt > nt).any() or (counts < 0).any():
        raise DataError("`looks` has more conversions than users, or negative counts, in some row.")
    users = nc + nt
    t = np.minimum(users / planned, 1.0)
    if (np.diff(t) <= 0).any():
        raise DataError("Two looks have the same information (no new users, or both past the plan).",
                        fix="Drop looks without new users; stop the test at the first look past the plan.")
    bounds = sequential_bounds(t, alpha=alpha, spending=spending)
    pooled = (xc + xt) / users
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where((pooled > 0) & (pooled < 1),
                     test_proportions_2indep(xt, nt, xc, nc, method="score", correction=False).statistic,
                     0.0)
    crossed = np.abs(z) >= np.asarray(bounds.z)
    table = pd.DataFrame({"look": np.arange(1, len(t) + 1), "users": users.astype("int64"), "information": t,
                          "control": xc / nc, "treatment": xt / nt, "lift": xt / nt - xc / nc, "z": z,
                          "z_boundary": bounds.z, "crossed": crossed})
    first = int(np.argmax(crossed)) + 1 if crossed.any() else None
    return SequentialTestResult(looks=table, stopped_at=first, bounds=bounds)
