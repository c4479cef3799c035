"""Why not to peek: how looking at an A/B test every day inflates false positives (book 6.4).

The simulation runs many A/A tests (no true difference). Each day the cumulative data are
tested with the two-proportion z-test. An analyst who stops at the first day with
``p < alpha`` declares a "winner" far more often than ``alpha``; one who waits for the
planned last day keeps the error at ``alpha``. The remedy is simulated beside the problem: the
same daily looks read against group-sequential boundaries (Lan-DeMets alpha spending of
O'Brien-Fleming type, :mod:`ecomlib.traffic.sequential`) may stop on any day and still keep
the false positives at ``alpha``.

References
----------
Armitage, P., McPherson, C. K., Rowe, B. C. (1969). Repeated significance tests on
accumulating data. *Journal of the Royal Statistical Society A* 132(2), 235-244.
Johari, R., Koomen, P., Pekelis, L., Walsh, D. (2017). Peeking at A/B tests. *KDD '17*.
Lan, K. K. G., DeMets, D. L. (1983). Discrete sequential boundaries for clinical trials.
*Biometrika* 70(3), 659-663.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ecomlib.errors import ParameterError
from ecomlib.traffic.sequential import SPENDING, SPENDING_LABELS, sequential_bounds
from ecomlib.validation import check_argument, check_positive, check_probability

__all__ = ["PeekingResult", "simulate_peeking"]


@dataclass(frozen=True)
class PeekingResult:
    """The outcome of :func:`simulate_peeking`.

    Attributes
    ----------
    days : int
        Planned length of each test (days).
    n_sims : int
        Number of simulated A/A tests.
    alpha : float
        Nominal significance level.
    fixed_horizon_rate : float
        Share of tests significant on the planned last day (close to ``alpha``).
    peeking_rate : float
        Share of tests significant on at least one day (the error rate of daily peeking).
    cumulative_rate : pandas.Series
        Index day 1..days; share of tests that have been significant on some day up to then.
    sequential_rate : float
        Share of tests stopped on some day by the group-sequential boundaries (close to
        ``alpha`` or below): the error rate of daily looks done right.
    sequential_cumulative_rate : pandas.Series
        As ``cumulative_rate``, for the group-sequential boundaries.
    boundaries : tuple of float
        The daily boundaries on ``|z|`` used (day 1 first).
    spending : str
        Spending function of the boundaries (see :func:`ecomlib.traffic.sequential_bounds`).
    """

    days: int
    n_sims: int
    alpha: float
    fixed_horizon_rate: float
    peeking_rate: float
    cumulative_rate: pd.Series
    sequential_rate: float
    sequential_cumulative_rate: pd.Series
    boundaries: tuple[float, ...]
    spending: str

    def summary(self) -> pd.DataFrame:
        """The false-positive rate of each policy beside the nominal one."""
        name = SPENDING_LABELS[self.spending]
        return pd.DataFrame(
            {
                "policy": ["nominal alpha", "test once on the last day", "stop at first p < alpha",
                           f"stop when |z| crosses its boundary ({name})"],
                "false_positive_rate": [self.alpha, self.fixed_horizon_rate, self.peeking_rate,
                                        self.sequential_rate],
            }
        )


def simulate_peeking(
    baseline: float = 0.05,
    daily_visitors: int = 1000,
    days: int = 28,
    *,
    alpha: float = 0.05,
    n_sims: int = 2000,
    seed: int | None = 0,
    rng: np.random.Generator | None = None,
    spending: str = "obrien_fleming",
) -> PeekingResult:
    """Simulate A/A tests checked every day and count how often a false "winner" appears.

    Parameters
    ----------
    baseline : float, default 0.05
        Conversion rate of both arms (0-1).
    daily_visitors : int, default 1000
        Visitors per day, split evenly between the arms (users/day).
    days : int, default 28
        Planned test length (days).
    alpha : float, default 0.05
        Significance level of each daily look.
    n_sims : int, default 2000
        Number of simulated tests.
    seed : int, optional
        Seed for the random stream (ignored when ``rng`` is given).
    rng : numpy.random.Generator, optional
    spending : {"obrien_fleming", "pocock", "classical_obrien_fleming"}, default "obrien_fleming"
        Boundaries of the group-sequential policy, one look a day, the last day being the
        planned sample (:func:`ecomlib.traffic.sequential_bounds`).

    Returns
    -------
    PeekingResult

    Examples
    --------
    >>> res = simulate_peeking(days=14, n_sims=500, seed=1)
    >>> res.peeking_rate > res.fixed_horizon_rate > 0, res.sequential_rate < res.peeking_rate
    (True, True)
    """
    check_argument("spending", SPENDING, spending)
    baseline = check_probability("baseline", baseline)
    alpha = check_probability("alpha", alpha)
    for name, value in (("daily_visitors", daily_visitors), ("days", days), ("n_sims", n_sims)):
        check_positive(name, value)
        if int(value) != value:
            raise ParameterError(f"`{name}` must be a whole number, but {value!r} was passed.")
    days, n_sims, per_arm = int(days), int(n_sims), int(daily_visitors) // 2
    if per_arm < 1:
        raise ParameterError(f"`daily_visitors` must be at least 2, but {daily_visitors!r} was passed.")
    rng = rng if rng is not None else np.random.default_rng(seed)
    conv = rng.binomial(per_arm, baseline, size=(2, n_sims, days)).cumsum(axis=2)
    n = per_arm * np.arange(1, days + 1)
    pc, pt = conv[0] / n, conv[1] / n
    pbar = (pc + pt) / 2
    se = np.sqrt(pbar * (1 - pbar) * 2 / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (pt - pc) / se, 0.0)
    significant = np.abs(z) > stats.norm.isf(alpha / 2)
    ever = np.logical_or.accumulate(significant, axis=1)
    bounds = sequential_bounds(days, alpha=alpha, spending=spending).z
    ever_seq = np.logical_or.accumulate(np.abs(z) >= np.asarray(bounds), axis=1)
    index = pd.RangeIndex(1, days + 1, name="day")
    return PeekingResult(
        days=days, n_sims=n_sims, alpha=alpha,
        fixed_horizon_rate=float(significant[:, -1].mean()),
        peeking_rate=float(ever[:, -1].mean()),
        cumulative_rate=pd.Series(ever.mean(axis=0), index=index, name="false_positive_rate"),
        sequential_rate=float(ever_seq[:, -1].mean()),
        sequential_cumulative_rate=pd.Series(ever_seq.mean(axis=0), index=index, name="false_positive_rate"),
        boundaries=tuple(bounds), spending=spending,
    )
