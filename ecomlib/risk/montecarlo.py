"""Monte Carlo profit and loss of a launch under uncertainty (book 9.1, risk analysis).

The profit of selling ``demand`` units abroad at ``price`` (foreign currency per unit), paid in
CNY at exchange rate ``fx`` (CNY per unit of foreign currency), with CNY ``unit_cost`` and
``fixed_costs``, is

    profit = demand x (price x fx - unit_cost) - fixed_costs          (CNY)

Each input is a number or a distribution. ``n`` scenarios are drawn at once (vectorised); a
Gaussian copula correlates inputs: draw correlated standard normals ``Z``, turn them into
uniforms ``U = Phi(Z)`` and each input into ``ppf_j(U_j)``, which keeps every input's own
distribution while giving the normal scores the requested correlation.

Risk figures at level ``a`` (for example 0.95):

* value at risk  ``VaR_a = -q_{1-a}(profit)``: the loss exceeded in only ``1-a`` of scenarios;
* expected shortfall ``ES_a = -E[profit | profit <= q_{1-a}]``: the average loss in those worst cases.

References
----------
Vose, D. (2008). *Risk Analysis: A Quantitative Guide*, 3rd ed., Wiley (ch. 13, copulas; ch. 5,
tornado charts). McNeil, Frey & Embrechts (2015). *Quantitative Risk Management*, 2nd ed.,
Princeton University Press, section 2.3 (VaR and expected shortfall).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from ecomlib.errors import ParameterError
from ecomlib.risk.distributions import Constant, as_distribution
from ecomlib.validation import check_probability

__all__ = ["INPUTS", "ProfitSimulation", "profit_formula", "simulate_profit", "tornado",
           "variance_contribution"]

#: The inputs of the profit model, in the order correlation matrices use.
INPUTS = ("demand", "price", "unit_cost", "fx", "fixed_costs")


def profit_formula(demand, price, unit_cost, fx, fixed_costs):
    """Profit in CNY: ``demand x (price x fx - unit_cost) - fixed_costs`` (arrays broadcast)."""
    return demand * (price * fx - unit_cost) - fixed_costs


@dataclass(frozen=True)
class ProfitSimulation:
    """Simulated scenarios and their risk figures.

    Attributes
    ----------
    draws : DataFrame
        One row per scenario: the five inputs and ``profit`` (CNY).
    inputs : dict
        The distribution used for each input.
    level : float
        Confidence level of VaR and expected shortfall.
    seed : int or None
        Seed of the draws.
    """

    draws: pd.DataFrame
    inputs: dict
    level: float
    seed: int | None

    @property
    def profit(self) -> np.ndarray:
        return self.draws["profit"].to_numpy()

    @property
    def prob_loss(self) -> float:
        """Share of scenarios with a negative profit."""
        return float(np.mean(self.profit < 0))

    @property
    def var(self) -> float:
        """Value at risk at ``level`` (CNY; positive = a loss)."""
        return float(-np.quantile(self.profit, 1 - self.level))

    @property
    def expected_shortfall(self) -> float:
        """Expected shortfall at ``level`` (CNY; the mean loss in the worst ``1 - level`` share)."""
        cut = np.quantile(self.profit, 1 - self.level)
        return float(-self.profit[self.profit <= cut].mean())

    def headline(self) -> str:
        """One line for a widget or a log: probability of a loss and value at risk."""
        from ecomlib import viz

        level = f"{100 * self.level:g} %"
        if self.var <= 0:  # even the cut-off month makes money: a negative "loss" reads wrong
            return (f"P(loss) {100 * self.prob_loss:.1f}%, no loss at {level}: the worst "
                    f"{100 * (1 - self.level):g} % of months still make {viz.fmt_cny(-self.var)}")
        return f"P(loss) {100 * self.prob_loss:.1f}%, VaR ({level}) {viz.fmt_cny(self.var)}"

    def summary(self) -> pd.DataFrame:
        """Mean, spread, percentiles, probability of loss, VaR and expected shortfall."""
        p = self.profit
        q = np.percentile(p, [5, 25, 50, 75, 95])
        rows = {
            "scenarios": len(p),
            "mean": p.mean(),
            "sd": p.std(ddof=1),
            "p05": q[0], "p25": q[1], "median": q[2], "p75": q[3], "p95": q[4],
            "prob_loss": self.prob_loss,
            f"VaR_{self.level:g}": self.var,
            f"ES_{self.level:g}": self.expected_shortfall,
        }
        return pd.DataFrame({"value": pd.Series(rows, dtype="float64")}).rename_axis("statistic")


def _correlation_matrix(correlation, names) -> np.ndarray:
    k = len(names)
    if correlation is None:
        return np.eye(k)
    if isinstance(correlation, dict):
        mat = np.eye(k)
        for pair, rho in correlation.items():
            if len(pair) != 2 or not set(pair) <= set(names) or pair[0] == pair[1]:
                raise ParameterError(
                    f"`correlation` keys must be pairs of different inputs from {list(names)}, but "
                    f"{pair!r} was passed."
                )
            i, j = names.index(pair[0]), names.index(pair[1])
            mat[i, j] = mat[j, i] = float(rho)
    else:
        frame = pd.DataFrame(correlation)
        if set(frame.index) == set(names) and set(frame.columns) == set(names):
            frame = frame.loc[list(names), list(names)]
        mat = frame.to_numpy(dtype=float)
        if mat.shape != (k, k):
            raise ParameterError(
                f"`correlation` must be {k}x{k} over {list(names)}, but its shape is {mat.shape}."
            )
    if not np.allclose(mat, mat.T) or np.any(np.abs(mat) > 1) or not np.allclose(np.diag(mat), 1):
        raise ParameterError("`correlation` must be symmetric with ones on the diagonal and values in [-1, 1].")
    try:
        np.linalg.cholesky(mat)
    except np.linalg.LinAlgError:
        raise ParameterError(
            "`correlation` is not positive definite: these correlations cannot hold together.",
            fix="Weaken the correlations, or check that pairs are not contradictory.",
        ) from None
    return mat


def _uniforms(n: int, corr: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``k x n`` uniforms whose normal scores have correlation ``corr`` (one row per input)."""
    z = rng.standard_normal((corr.shape[0], n))
    if not np.allclose(corr, np.eye(corr.shape[0])):
        z = np.linalg.cholesky(corr) @ z
    return special.ndtr(z)


def simulate_profit(
    n: int,
    *,
    demand,
    price,
    unit_cost,
    fx=1.0,
    fixed_costs=0.0,
    seed: int | None = None,
    correlation=None,
    level: float = 0.95,
) -> ProfitSimulation:
    """Simulate ``n`` profit scenarios of a launch.

    Parameters
    ----------
    n : int
        Number of scenarios (at least 100).
    demand, price, unit_cost, fx, fixed_costs : float or distribution
        Units sold; price per unit in the selling currency; CNY cost per unit; CNY per unit of the
        selling currency (1 when selling in CNY); fixed costs in CNY. Distributions come from
        :mod:`ecomlib.risk.distributions` (``Normal``, ``LogNormal``, ``Triangular``, ``Uniform``,
        ``Empirical``).
    seed : int, optional
        Seed of the random draws; the same seed gives identical draws.
    correlation : dict or DataFrame, optional
        Rank-type dependence through a Gaussian copula, as ``{("demand", "fx"): -0.4, ...}`` or a
        full matrix over :data:`INPUTS`. Default: independent inputs.
    level : float
        Confidence level of VaR and expected shortfall, default 0.95.

    Returns
    -------
    ProfitSimulation

    Examples
    --------
    >>> from ecomlib.risk import Normal
    >>> sim = simulate_profit(10_000, demand=Normal(1000, 100), price=20, unit_cost=12, seed=1)
    >>> round(float(sim.summary().loc["mean", "value"]), -2)
    8000.0
    """
    if not isinstance(n, int | np.integer) or n < 100:
        raise ParameterError(f"`n` must be a whole number of scenarios >= 100, but {n!r} was passed.")
    level = check_probability("level", level)
    values = {"demand": demand, "price": price, "unit_cost": unit_cost, "fx": fx,
              "fixed_costs": fixed_costs}
    dists = {name: as_distribution(name, v) for name, v in values.items()}
    corr = _correlation_matrix(correlation, list(INPUTS))
    rng = np.random.default_rng(seed)
    u = _uniforms(int(n), corr, rng)
    draws = pd.DataFrame({name: dists[name].ppf(u[j]) for j, name in enumerate(INPUTS)})
    draws["profit"] = profit_formula(*(draws[name].to_numpy() for name in INPUTS))
    return ProfitSimulation(draws=draws, inputs=dists, level=level, seed=seed)


def tornado(sim: ProfitSimulation, low: float = 0.10, high: float = 0.90) -> pd.DataFrame:
    """One-at-a-time sensitivity: profit with one input at its ``low`` and ``high`` quantiles.

    All other inputs stay at their medians. Rows are sorted by swing (widest first), the order of
    a tornado chart. Constant inputs are left out.

    Returns
    -------
    DataFrame
        ``input``, ``low_value``, ``high_value``, ``profit_low``, ``profit_high``, ``swing``
        (absolute difference, CNY) and ``base_profit`` (all inputs at their medians).
    """
    medians = {name: sim.inputs[name].median() for name in INPUTS}
    base = profit_formula(**medians)
    rows = []
    for name in INPUTS:
        dist = sim.inputs[name]
        if isinstance(dist, Constant):
            continue
        lo, hi = dist.ppf(np.array([low, high]))
        p_lo = profit_formula(**{**medians, name: lo})
        p_hi = profit_formula(**{**medians, name: hi})
        rows.append({"input": name, "low_value": lo, "high_value": hi, "profit_low": p_lo,
                     "profit_high": p_hi, "swing": abs(p_hi - p_lo), "base_profit": base})
    out = pd.DataFrame(rows)
    return out.sort_values("swing", ascending=False, ignore_index=True) if len(out) else out


def variance_contribution(sim: ProfitSimulation) -> pd.DataFrame:
    """Each uncertain input's share of the profit's variance, from squared rank correlations.

    ``share_j = rho_j^2 / sum_k rho_k^2`` with ``rho_j`` Spearman's correlation between input j and
    profit over the scenarios (the usual 'contribution to variance' of Monte Carlo tools; exact for
    a linear model with independent inputs, approximate otherwise).
    """
    names = [n for n in INPUTS if not isinstance(sim.inputs[n], Constant)]
    ranks = sim.draws[[*names, "profit"]].rank()
    rho = ranks[names].corrwith(ranks["profit"])
    share = rho**2 / float((rho**2).sum())
    return pd.DataFrame({"input": names, "rank_correlation": rho.to_numpy(),
                         "share_of_variance": share.to_numpy()}).sort_values(
        "share_of_variance", ascending=False, ignore_index=True)
