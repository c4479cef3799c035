"""Sample size and power of an A/B test (book 6.4, planning an experiment).

Two formulas are offered for proportions, and both are named so a reader can match
them with the tool they already know:

``method="pooled"`` (default)
    The normal approximation of R's ``power.prop.test`` (``strict = FALSE``): the null
    variance uses the pooled rate ``p̄ = (p1 + p2) / 2``, the alternative variance the two
    rates separately::

        power = Φ( (√n · |p2 − p1| − z(1−α/2) · √(2 p̄ (1 − p̄))) / √(p1 q1 + p2 q2) )

``method="cohen_h"``
    Cohen's effect size ``h = 2·asin(√p2) − 2·asin(√p1)`` with a normal test, as
    statsmodels' ``NormalIndPower`` (both tails counted for a two-sided test)::

        power = Φ(|h|·√n_eff − z(1−α/2)) + Φ(−|h|·√n_eff − z(1−α/2)),  n_eff = n1 / (1 + 1/ratio)

For means, the two-sample t-test with the noncentral t distribution, as R's
``power.t.test`` (equal variances; one tail only, ``strict = FALSE``).

``n`` is always the number of users in the **control** arm; the treatment arm has
``ratio · n`` users.

The computations are statsmodels': ``power_proportions_2indep`` and
``samplesize_proportions_2indep_onetail`` (pooled), ``NormalIndPower`` (Cohen's h) and
``TTestIndPower`` (means); the pooled and mean formulas count the tail of the effect only, at
``alpha / 2`` for a two-sided test, as R does with ``strict = FALSE``.
:func:`minimum_detectable_effect` inverts :func:`power` in the effect.

References
----------
R Core Team, ``stats::power.prop.test`` and ``stats::power.t.test`` help pages.
Cohen, J. (1988). *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed., ch. 6.
Kohavi, R., Tang, D., Xu, Y. (2020). *Trustworthy Online Controlled Experiments*, ch. 17.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import optimize, stats
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import (
    power_proportions_2indep,
    proportion_effectsize,
    samplesize_proportions_2indep_onetail,
)

from ecomlib.errors import NotIdentifiableError, ParameterError
from ecomlib.validation import check_argument, check_positive, check_probability

__all__ = ["sample_size", "power", "minimum_detectable_effect", "duration_days"]

_KINDS = ("proportion", "mean")
_METHODS = ("pooled", "cohen_h")
_ALTERNATIVES = ("two-sided", "one-sided")


def _check_common(baseline, mde, alpha, ratio, alternative, kind, method, sd, relative):
    check_argument("kind", _KINDS, kind)
    check_argument("method", _METHODS, method)
    check_argument("alternative", _ALTERNATIVES, alternative)
    alpha = check_probability("alpha", alpha)
    ratio = check_positive("ratio", ratio)
    try:
        baseline = float(baseline)
        mde = float(mde)
    except (TypeError, ValueError):
        raise ParameterError(
            f"`baseline` and `mde` must be numbers, but {baseline!r} and {mde!r} were passed."
        ) from None
    if not (np.isfinite(baseline) and np.isfinite(mde)):
        raise ParameterError(f"`baseline` and `mde` must be finite, got {baseline!r} and {mde!r}.")
    if mde == 0:
        raise ParameterError(
            "`mde` (the minimum detectable effect) must not be 0: no sample size can detect "
            "a zero difference.",
            fix="Pass the smallest change worth detecting, e.g. mde=0.005 for half a point.",
        )
    if relative:
        mde = baseline * mde
    if kind == "proportion":
        check_probability("baseline", baseline)
        p2 = baseline + mde
        if not 0 < p2 < 1:
            raise ParameterError(
                f"`baseline + mde` must be a rate strictly between 0 and 1, but "
                f"{baseline!r} + {mde!r} = {p2!r}."
            )
        return baseline, p2, alpha, ratio, None
    if sd is None:
        raise ParameterError(
            "`sd` (the standard deviation of the metric per user) is required when kind='mean'.",
            fix="Estimate it from past data, e.g. data['revenue'].std().",
        )
    sd = check_positive("sd", sd)
    return baseline, baseline + mde, alpha, ratio, sd


def _one_tail(diff):
    """statsmodels' name of the tail in which the effect ``diff`` (treatment − control) lies."""
    return "larger" if diff > 0 else "smaller"


def _power_prop(n, p1, p2, alpha, ratio, tails, method):
    """Power for proportions with ``n`` control users (vectorised over ``n`` and ``p2``).

    ``pooled`` is statsmodels' ``power_proportions_2indep`` (pooled null variance, unpooled
    alternative variance) in the tail of the effect at level ``alpha / tails``: the one-tail
    power of R's ``power.prop.test(strict = FALSE)``. ``cohen_h`` is statsmodels'
    ``NormalIndPower`` on Cohen's h, both tails counted for a two-sided test.
    """
    n = np.asarray(n, dtype=float)
    p1, p2 = np.asarray(p1, dtype=float), np.asarray(p2, dtype=float)
    if method == "cohen_h":
        h = np.abs(proportion_effectsize(p2, p1))
        alternative = "two-sided" if tails == 2 else "larger"
        return NormalIndPower().power(h, nobs1=n, alpha=alpha, ratio=ratio, alternative=alternative)
    # statsmodels' sample 1 is the control arm (n users, rate p1), sample 2 the treatment arm
    # (ratio * n users, rate p2), and diff = p1 − p2; the power of a positive lift lies in the
    # 'smaller' tail of p1 − p2, that of a negative lift in the 'larger' tail
    diff = p1 - p2

    def tail(alternative):
        return power_proportions_2indep(diff, p2, n, ratio=ratio, alpha=alpha / tails,
                                        alternative=alternative, return_results=False)

    if np.all(diff < 0):  # the usual case, a positive lift: one tail is enough
        return tail("smaller")
    return np.where(diff > 0, tail("larger"), tail("smaller"))


def _power_mean(n, delta, sd, alpha, ratio, tails):
    """statsmodels' ``TTestIndPower`` (noncentral t, equal variances) in the tail of the effect
    at level ``alpha / tails``: R's ``power.t.test(strict = FALSE)``."""
    n = np.asarray(n, dtype=float)
    return TTestIndPower().power(abs(delta) / sd, nobs1=n, alpha=alpha / tails, ratio=ratio,
                                 alternative="larger")


def power(
    baseline: float,
    mde: float,
    n: float,
    *,
    alpha: float = 0.05,
    ratio: float = 1.0,
    alternative: str = "two-sided",
    kind: str = "proportion",
    method: str = "pooled",
    sd: float | None = None,
    relative: bool = False,
) -> float:
    """Probability that a test with ``n`` control users detects a true effect of ``mde``.

    Parameters
    ----------
    baseline : float
        Control conversion rate (0-1) for ``kind="proportion"``; control mean (e.g. CNY
        revenue per visitor) for ``kind="mean"``.
    mde : float
        The true difference treatment − control (absolute: 0.01 is one percentage point),
        or a fraction of ``baseline`` when ``relative=True``.
    n : float
        Users in the control arm (the treatment arm has ``ratio * n``).
    alpha : float, default 0.05
        Significance level.
    ratio : float, default 1
        Treatment users per control user.
    alternative : {"two-sided", "one-sided"}
    kind : {"proportion", "mean"}
    method : {"pooled", "cohen_h"}
        Formula for proportions (see the module notes); ignored for means.
    sd : float, optional
        Standard deviation of the metric per user; required for ``kind="mean"``.
    relative : bool, default False
        Read ``mde`` as a fraction of ``baseline``.

    Returns
    -------
    float
        Power, between 0 and 1.

    Examples
    --------
    >>> round(power(0.50, 0.25, 50), 4)   # R: power.prop.test(n=50, p1=.5, p2=.75)
    0.7402
    """
    p1, p2, alpha, ratio, sd = _check_common(
        baseline, mde, alpha, ratio, alternative, kind, method, sd, relative
    )
    n = check_positive("n", n)
    tails = 2 if alternative == "two-sided" else 1
    if kind == "proportion":
        return float(_power_prop(n, p1, p2, alpha, ratio, tails, method))
    if n + ratio * n <= 2:
        raise NotIdentifiableError(f"`n` = {n!r} is too small for a t-test (need n*(1+ratio) > 2).")
    return float(_power_mean(n, p2 - p1, sd, alpha, ratio, tails))


def sample_size(
    baseline: float,
    mde: float,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    alternative: str = "two-sided",
    *,
    kind: str = "proportion",
    method: str = "pooled",
    sd: float | None = None,
    relative: bool = False,
) -> float:
    """Users needed in the control arm to detect ``mde`` with the given power.

    Solves ``power(n) = power`` for ``n`` (not rounded: round up with ``math.ceil``
    before planning). Parameters are those of :func:`power`.

    Returns
    -------
    float
        Users in the control arm; the treatment arm needs ``ratio`` times as many.

    Examples
    --------
    >>> round(sample_size(0.50, 0.25, power=0.90), 2)   # R: power.prop.test(p1=.5, p2=.75, power=.9)
    76.71
    >>> round(sample_size(0.50, 0.25, power=0.90, method="cohen_h"), 2)  # statsmodels NormalIndPower
    76.65
    """
    p1, p2, alpha, ratio, sd = _check_common(
        baseline, mde, alpha, ratio, alternative, kind, method, sd, relative
    )
    target = check_probability("power", power)
    tails = 2 if alternative == "two-sided" else 1
    if target <= alpha / tails:
        raise ParameterError(f"`power` must exceed alpha ({alpha}), but {power!r} was passed.")

    if kind == "proportion" and method == "pooled":
        # closed form: n = (z(1−α/tails)·σ0 + z(power)·σ1)² / (p1 − p2)²
        n = float(samplesize_proportions_2indep_onetail(
            p1 - p2, p2, target, ratio=ratio, alpha=alpha / tails, alternative="larger"))
    elif kind == "proportion":
        h = abs(float(proportion_effectsize(p2, p1)))
        n = _solve(lambda: NormalIndPower().solve_power(
            h, nobs1=None, alpha=alpha, power=target, ratio=ratio,
            alternative="two-sided" if tails == 2 else "larger"))
    else:
        n = _solve(lambda: TTestIndPower().solve_power(
            abs(p2 - p1) / sd, nobs1=None, alpha=alpha / tails, power=target, ratio=ratio,
            alternative="larger"))
        n = max(n, 2.0 / (1 + ratio) + 1e-6)  # a t-test needs n·(1 + ratio) > 2 users
    if not np.isfinite(n) or n > 1e13:
        raise NotIdentifiableError("The effect is too small to detect with any sample size.")
    return float(n)


def _solve(solver) -> float:
    """Run a statsmodels ``solve_power`` and return its root as a float (NaN when it fails)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its convergence warnings: checked by the caller instead
        try:
            return float(np.squeeze(solver()))
        except (ValueError, RuntimeError):
            return float("nan")


def minimum_detectable_effect(
    baseline: float,
    n: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    alternative: str = "two-sided",
    kind: str = "proportion",
    method: str = "pooled",
    sd: float | None = None,
) -> float:
    """Smallest true increase a test with ``n`` control users detects with the given power.

    The inverse of :func:`power` in the effect: it solves ``power(baseline, mde, n) = power``
    for ``mde > 0``. Quote it beside a finished test instead of the "observed power": with the
    test's own sample size it says which effects the test could have found, whatever the data
    showed (Hoenig & Heisey 2001).

    Parameters
    ----------
    baseline : float
        Control conversion rate (0-1) for ``kind="proportion"``; control mean for ``kind="mean"``.
    n : float
        Users in the control arm (the treatment arm has ``ratio * n``).
    alpha, power, ratio, alternative, kind, method, sd
        As in :func:`power`; ``sd`` (per user, metric units) is required for ``kind="mean"``.

    Returns
    -------
    float
        The absolute lift (rate units for proportions: 0.01 is one point; metric units for
        means). NaN when no increase up to a rate of 1 reaches the power.

    References
    ----------
    Hoenig, J. M., Heisey, D. M. (2001). The abuse of power: the pervasive fallacy of power
    calculations for data analysis. *The American Statistician* 55(1), 19-24.

    Examples
    --------
    >>> round(minimum_detectable_effect(0.50, 50, power=0.90), 4)  # R: power.prop.test(n=50, p1=.5, power=.9)
    0.3026
    """
    # validate the inputs with a tiny placeholder effect, then solve for the effect itself
    placeholder = min(1e-6, (1 - float(baseline)) / 2) if kind == "proportion" and _is_rate(baseline) else 1e-6
    p1, _, alpha, ratio, sd = _check_common(
        baseline, placeholder, alpha, ratio, alternative, kind, method, sd, False
    )
    n = check_positive("n", n)
    target = check_probability("power", power)
    tails = 2 if alternative == "two-sided" else 1
    if target <= alpha / tails:
        raise ParameterError(f"`power` must exceed alpha ({alpha}), but {power!r} was passed.")
    if kind == "mean":
        if n + ratio * n <= 2:
            raise NotIdentifiableError(f"`n` = {n!r} is too small for a t-test (need n*(1+ratio) > 2).")
        d = _solve(lambda: TTestIndPower().solve_power(
            None, nobs1=n, alpha=alpha / tails, power=target, ratio=ratio, alternative="larger"))
        return float(d * sd)
    top = 1 - p1 - 1e-12

    def gap(mde):
        return float(_power_prop(n, p1, p1 + mde, alpha, ratio, tails, method)) - target

    # bracket around the equal-variance normal approximation first (few evaluations), else all of (0, top)
    guess = (stats.norm.isf(alpha / tails) + stats.norm.isf(1 - target)) * np.sqrt(
        p1 * (1 - p1) * (1 / n + 1 / (ratio * n)))
    lo, hi = 0.5 * guess, min(2.0 * guess, top)
    if not (lo < hi and gap(lo) < 0 < gap(hi)):
        if gap(top) < 0:
            return float("nan")
        lo, hi = 1e-12, top
    return float(optimize.brentq(gap, lo, hi, xtol=1e-14, rtol=1e-12))


def _is_rate(value) -> bool:
    try:
        return 0 < float(value) < 1
    except (TypeError, ValueError):
        return False


def duration_days(n_per_arm_control: float, daily_visitors: float, *, ratio: float = 1.0,
                       share_in_test: float = 1.0) -> int:
    """Whole days needed to reach the sample size, given the site's daily eligible visitors.

    Parameters
    ----------
    n_per_arm_control : float
        Users needed in the control arm (from :func:`sample_size`).
    daily_visitors : float
        Eligible visitors per day (users/day).
    ratio : float, default 1
        Treatment users per control user.
    share_in_test : float, default 1
        Fraction of the daily visitors enrolled in the experiment (0-1].

    Returns
    -------
    int
        Days, rounded up; plan at least one full week to cover weekday effects.

    Examples
    --------
    >>> duration_days(7663, 2000)
    8
    """
    n = check_positive("n_per_arm_control", n_per_arm_control)
    daily = check_positive("daily_visitors", daily_visitors)
    ratio = check_positive("ratio", ratio)
    share = check_probability("share_in_test", share_in_test, open_interval=False)
    if share == 0:
        raise ParameterError("`share_in_test` must be above 0, but 0 was passed.")
    total = math.ceil(n) * (1 + ratio)
    return int(math.ceil(total / (daily * share)))
