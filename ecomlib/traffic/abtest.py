"""Analyse an A/B test: lift, interval, p-value and detectable effect; sample-ratio mismatch (book 6.4).

Conversion (a proportion) uses the two-proportion z-test with the pooled standard error,
the same statistic as R's ``prop.test(correct = FALSE)``::

    z = (p_t − p_c) / √( p̄(1 − p̄)(1/n_c + 1/n_t) ),   p̄ = (x_c + x_t) / (n_c + n_t)

Continuous metrics such as revenue per visitor use Welch's t-test (unequal variances).
The interval of the absolute lift is the unpooled Wald interval (Welch for means); the
interval of the relative lift ``p_t / p_c − 1`` comes from the delta method on the log ratio.
For proportions the test and both intervals are statsmodels' (``test_proportions_2indep``
with the score method and no correction, ``confint_proportions_2indep`` with ``"wald"`` and
``"log"``); the sample-ratio check is scipy's ``chisquare``.

No "observed power" is reported: the power against the observed lift is a function of the
p-value and adds nothing to it (Hoenig & Heisey 2001). The result gives instead the minimum
detectable effect at the test's own sample size, which does not depend on the outcome.

References
----------
Kohavi, R., Tang, D., Xu, Y. (2020). *Trustworthy Online Controlled Experiments*, ch. 17 and 21
(sample ratio mismatch).
Hoenig, J. M., Heisey, D. M. (2001). The abuse of power: the pervasive fallacy of power
calculations for data analysis. *The American Statistician* 55(1), 19-24.
Bertrand, M., Mullainathan, S. (2004). Are Emily and Greg more employable than Lakisha and
Jamal? *American Economic Review* 94(4), 991-1013.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

from ecomlib.errors import DataError, NotIdentifiableError, ParameterError, SchemaError
from ecomlib.traffic.power import minimum_detectable_effect
from ecomlib.validation import (
    check_argument,
    check_columns,
    check_frame,
    check_numeric,
    check_probability,
)

__all__ = ["ABTestResult", "SRMResult", "ab_test", "srm_check"]


@dataclass(frozen=True)
class ABTestResult:
    """The outcome of :func:`ab_test`.

    Attributes
    ----------
    kind : str
        ``"proportion"`` or ``"mean"``.
    metric : str
        Column analysed.
    n_control, n_treatment : int
        Users per arm.
    control, treatment : float
        Conversion rate (0-1) or mean of the metric per arm (metric units, e.g. CNY/visitor).
    lift : float
        Absolute lift, treatment − control (same units as ``control``).
    lift_ci : tuple of float
        Confidence interval of ``lift`` at level ``1 − alpha``.
    relative_lift : float
        ``treatment / control − 1``.
    relative_lift_ci : tuple of float
        Delta-method interval of the relative lift.
    statistic : float
        z (proportions) or Welch's t (means), oriented treatment − control.
    p_value : float
        Two-sided p-value.
    mde : float
        Minimum detectable effect: the smallest increase (same units as ``lift``) this test,
        with its arm sizes and ``alpha``, detects with probability ``mde_power``. It does not
        depend on the outcome; NaN when it cannot be computed (a control rate of 0 or 1).
    mde_power : float
        Power used for ``mde`` (0.8 unless ``ab_test`` was told otherwise).
    alpha : float
        Significance level used.
    test : str
        Name of the test.
    """

    kind: str
    metric: str
    n_control: int
    n_treatment: int
    control: float
    treatment: float
    lift: float
    lift_ci: tuple[float, float]
    relative_lift: float
    relative_lift_ci: tuple[float, float]
    statistic: float
    p_value: float
    mde: float
    mde_power: float
    alpha: float
    test: str

    @property
    def power(self):
        """Removed: "observed power" is a function of the p-value (Hoenig & Heisey 2001)."""
        raise AttributeError(
            "ABTestResult.power (observed power) was removed: the power against the observed lift "
            "is a function of the p-value and says nothing new (Hoenig & Heisey 2001). Use .mde, the "
            "minimum detectable effect at this test's sample size, or plan with traffic.power()."
        )

    @property
    def significant(self) -> bool:
        """True when ``p_value < alpha``."""
        return bool(self.p_value < self.alpha)

    def summary(self) -> pd.DataFrame:
        """One row per quantity: estimate, interval and note."""
        level = f"{100 * (1 - self.alpha):g}%"
        rows = [
            ("users, control", self.n_control, np.nan, np.nan),
            ("users, treatment", self.n_treatment, np.nan, np.nan),
            (f"{self.metric}, control", self.control, np.nan, np.nan),
            (f"{self.metric}, treatment", self.treatment, np.nan, np.nan),
            ("absolute lift", self.lift, *self.lift_ci),
            ("relative lift", self.relative_lift, *self.relative_lift_ci),
            (f"{self.test} statistic", self.statistic, np.nan, np.nan),
            ("p-value", self.p_value, np.nan, np.nan),
            (f"minimum detectable effect ({100 * self.mde_power:g}% power)", self.mde, np.nan, np.nan),
        ]
        out = pd.DataFrame(rows, columns=["quantity", "estimate", "ci_low", "ci_high"])
        out.attrs["level"] = level
        return out

    def formatted(self) -> pd.DataFrame:
        """:meth:`summary` as text for a report: users as counts, rates and lifts as percentages
        (the absolute lift in points), the statistic to 2 decimals, the p-value as ``< 0.0001``
        when tiny; quantities as the index, a missing interval as ``–``."""
        from ecomlib import viz

        table = self.summary().set_index("quantity")
        rate = self.kind == "proportion"

        def cell(name, value):
            if pd.isna(value):
                return "–"
            if name.startswith("users"):
                return viz.fmt_thousands(value)
            if name == "p-value":
                return viz.fmt_p(value)
            if name.endswith("statistic"):
                return f"{value:.2f}"
            if name == "relative lift":
                return viz.fmt_pct(value, 1)
            if name == "absolute lift" and rate:
                return f"{100 * value:+.2f} points"
            if name.startswith("minimum detectable effect") and rate:
                return f"{100 * value:.2f} points"
            return viz.fmt_pct(value, 2) if rate else viz.fmt_cny(value, 2)

        return pd.DataFrame({col: [cell(name, v) for name, v in table[col].items()] for col in table.columns},
                            index=table.index)


def _arms(data, variant, metric, control, treatment):
    data = check_frame(data, "data")
    check_columns(data, [variant, metric], "data")
    labels = set(pd.unique(data[variant].dropna()))
    for name, label in (("control", control), ("treatment", treatment)):
        if label not in labels:
            raise DataError(
                f"`{name}` label {label!r} is not a value of column {variant!r}; found "
                f"{sorted(map(str, labels))}.",
                fix=f"Pass {name}=<the label your data uses>.",
            )
    y = data[metric]
    if pd.api.types.is_bool_dtype(y):
        y = y.astype(float)
    elif not pd.api.types.is_numeric_dtype(y):
        check_numeric(data, [metric], "data")
    if y.isna().any():
        raise DataError(f"Column {metric!r} has {int(y.isna().sum())} missing value(s).",
                        fix="Drop or fill them before the test.")
    yc = y[data[variant] == control].to_numpy(dtype=float)
    yt = y[data[variant] == treatment].to_numpy(dtype=float)
    return yc, yt


def _rel_ci(mc, mt, var_mc, var_mt, z):
    """Delta-method interval of mt/mc − 1 via log ratio."""
    if mc <= 0 or mt <= 0:
        return (np.nan, np.nan)
    se_log = np.sqrt(var_mc / mc**2 + var_mt / mt**2)
    ratio = mt / mc
    return (float(ratio * np.exp(-z * se_log) - 1), float(ratio * np.exp(z * se_log) - 1))


def ab_test(
    data: pd.DataFrame,
    variant: str = "variant",
    metric: str = "converted",
    kind: str = "proportion",
    *,
    control: str = "control",
    treatment: str = "treatment",
    alpha: float = 0.05,
    mde_power: float = 0.8,
) -> ABTestResult:
    """Compare a treatment with a control: lift with intervals, p-value and detectable effect.

    Parameters
    ----------
    data : DataFrame
        One row per user. Required columns: ``variant`` and ``metric``
        (canonical experiment table: ``user_id``, ``variant``, ``converted``, ``revenue``).
    variant : str, default "variant"
        Column holding the arm label.
    metric : str, default "converted"
        Column analysed: bool or 0/1 for ``kind="proportion"``; numbers (e.g. revenue per
        visitor in CNY, zeros included) for ``kind="mean"``.
    kind : {"proportion", "mean"}
        Two-proportion z-test or Welch's t-test.
    control, treatment : str
        Labels of the two arms in ``variant``.
    alpha : float, default 0.05
        Significance level; intervals have level ``1 − alpha``.
    mde_power : float, default 0.8
        Power at which the minimum detectable effect ``mde`` is given.

    Returns
    -------
    ABTestResult

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"variant": ["control"] * 4 + ["treatment"] * 4,
    ...                    "converted": [1, 0, 0, 0, 1, 1, 0, 0]})
    >>> round(ab_test(df).lift, 2)
    0.25
    """
    check_argument("kind", ("proportion", "mean"), kind)
    alpha = check_probability("alpha", alpha)
    mde_power = check_probability("mde_power", mde_power)
    yc, yt = _arms(data, variant, metric, control, treatment)
    nc, nt = len(yc), len(yt)
    if kind == "proportion":
        if not np.isin(np.concatenate([yc, yt]), (0.0, 1.0)).all():
            raise SchemaError(
                f"Column {metric!r} must hold 0/1 or True/False for kind='proportion'.",
                fix="Use kind='mean' for continuous metrics such as revenue per visitor.",
            )
        return _proportion_test(yc.sum(), nc, yt.sum(), nt, alpha, metric, mde_power)
    if nc < 2 or nt < 2:
        raise NotIdentifiableError("Each arm needs at least 2 users for Welch's t-test.")
    mc, mt = yc.mean(), yt.mean()
    vc, vt = yc.var(ddof=1) / nc, yt.var(ddof=1) / nt
    if vc + vt == 0:
        raise NotIdentifiableError(f"Column {metric!r} does not vary in either arm; no test possible.")
    res = stats.ttest_ind(yt, yc, equal_var=False)
    df = (vc + vt) ** 2 / (vc**2 / (nc - 1) + vt**2 / (nt - 1))
    tcrit = stats.t.isf(alpha / 2, df)
    lift = mt - mc
    sd_pooled = np.sqrt(((nc - 1) * yc.var(ddof=1) + (nt - 1) * yt.var(ddof=1)) / (nc + nt - 2))
    mde = minimum_detectable_effect(mc, nc, alpha=alpha, power=mde_power, ratio=nt / nc, kind="mean",
                                    sd=sd_pooled)
    return ABTestResult(
        kind="mean", metric=metric, n_control=nc, n_treatment=nt, control=float(mc),
        treatment=float(mt), lift=float(lift),
        lift_ci=(float(lift - tcrit * np.sqrt(vc + vt)), float(lift + tcrit * np.sqrt(vc + vt))),
        relative_lift=float(mt / mc - 1) if mc else np.nan,
        relative_lift_ci=_rel_ci(mc, mt, vc, vt, stats.norm.isf(alpha / 2)),
        statistic=float(res.statistic), p_value=float(res.pvalue), mde=float(mde),
        mde_power=mde_power, alpha=alpha, test="Welch t",
    )


def _proportion_test(xc, nc, xt, nt, alpha, metric="converted", mde_power=0.8) -> ABTestResult:
    """Pooled z-test, Wald interval of the difference and log interval of the ratio (statsmodels)."""
    if nc == 0 or nt == 0:
        raise NotIdentifiableError("Each arm needs at least one user.")
    pc, pt = xc / nc, xt / nt
    pbar = (xc + xt) / (nc + nt)
    if pbar in (0.0, 1.0):
        raise NotIdentifiableError(
            f"Every user has the same value of {metric!r} ({pbar:g}); the z-test is undefined."
        )
    # the score test without correction at diff = 0 is the pooled z (R's prop.test, correct = FALSE)
    test = test_proportions_2indep(xt, nt, xc, nc, method="score", compare="diff", correction=False)
    lift_ci = confint_proportions_2indep(xt, nt, xc, nc, method="wald", compare="diff", alpha=alpha)
    if pc > 0 and pt > 0:
        ratio_ci = confint_proportions_2indep(xt, nt, xc, nc, method="log", compare="ratio", alpha=alpha)
        rel_ci = (float(ratio_ci[0] - 1), float(ratio_ci[1] - 1))
    else:
        rel_ci = (np.nan, np.nan)
    mde = (minimum_detectable_effect(pc, nc, alpha=alpha, power=mde_power, ratio=nt / nc)
           if 0 < pc < 1 else np.nan)
    return ABTestResult(
        kind="proportion", metric=metric, n_control=int(nc), n_treatment=int(nt),
        control=float(pc), treatment=float(pt), lift=float(pt - pc),
        lift_ci=(float(lift_ci[0]), float(lift_ci[1])),
        relative_lift=float(pt / pc - 1) if pc else np.nan,
        relative_lift_ci=rel_ci, statistic=float(test.statistic),
        p_value=float(test.pvalue), mde=float(mde), mde_power=mde_power, alpha=alpha,
        test="two-proportion z",
    )


@dataclass(frozen=True)
class SRMResult:
    """The outcome of :func:`srm_check` (chi-square goodness of fit of the arm sizes).

    Attributes
    ----------
    observed, expected : tuple of float
        Users per arm, observed and expected under the planned split.
    chi2 : float
        Pearson's chi-square statistic.
    dof : int
        Arms − 1.
    p_value : float
    threshold : float
        p-value below which a mismatch is declared (0.001 by convention, as in Kohavi et al.).
    labels : tuple of str
    """

    observed: tuple[float, ...]
    expected: tuple[float, ...]
    chi2: float
    dof: int
    p_value: float
    threshold: float
    labels: tuple[str, ...]

    @property
    def mismatch(self) -> bool:
        """True when the split is too unlikely under the plan: do not trust the test."""
        return bool(self.p_value < self.threshold)

    def summary(self) -> pd.DataFrame:
        """One row per arm with observed and expected users and their shares."""
        obs = np.asarray(self.observed)
        exp = np.asarray(self.expected)
        return pd.DataFrame(
            {"arm": list(self.labels), "observed": obs, "expected": exp,
             "observed_share": obs / obs.sum(), "expected_share": exp / exp.sum()}
        )


def srm_check(
    counts: Mapping[str, float] | Sequence[float] | pd.Series,
    expected_ratio: Sequence[float] | float = 1.0,
    *,
    threshold: float = 0.001,
) -> SRMResult:
    """Test for a sample-ratio mismatch: are the arm sizes what the randomisation planned?

    Parameters
    ----------
    counts : mapping, Series or sequence of int
        Users per arm, e.g. ``experiment["variant"].value_counts()``.
    expected_ratio : sequence of float or float, default 1
        Planned split. A sequence gives one weight per arm (``[1, 1]`` or ``[0.5, 0.5]``); a
        single number ``r`` means two arms in the ratio 1 : r.
    threshold : float, default 0.001
        p-value below which a mismatch is declared.

    Returns
    -------
    SRMResult

    Examples
    --------
    >>> srm_check({"control": 5000, "treatment": 5000}).p_value
    1.0
    """
    if isinstance(counts, Mapping):
        labels = tuple(str(k) for k in counts)
        obs = np.asarray(list(counts.values()), dtype=float)
    elif isinstance(counts, pd.Series):
        labels = tuple(str(k) for k in counts.index)
        obs = counts.to_numpy(dtype=float)
    else:
        try:
            obs = np.asarray(counts, dtype=float)
        except (TypeError, ValueError):
            raise ParameterError(f"`counts` must hold numbers, but {counts!r} was passed.") from None
        labels = tuple(f"arm {i + 1}" for i in range(obs.size))
    if obs.ndim != 1:
        raise ParameterError(f"`counts` must be one count per arm, but an array of shape {obs.shape} was passed.")
    if obs.size < 2:
        raise DataError(f"A sample-ratio check needs at least two arms, but the counts hold {obs.size} "
                        f"({', '.join(labels) or 'none'}).")
    if not np.isfinite(obs).all() or (obs < 0).any() or obs.sum() == 0:
        raise DataError(f"`counts` must be non-negative with a positive total, got {obs.tolist()}.")
    if np.ndim(expected_ratio) == 0:
        weights = np.array([1.0, float(expected_ratio)])
    else:
        weights = np.asarray(expected_ratio, dtype=float)
    if weights.shape != obs.shape:
        raise ParameterError(
            f"`expected_ratio` must give one weight per arm ({obs.size}), but "
            f"{expected_ratio!r} was passed."
        )
    if not np.isfinite(weights).all() or (weights <= 0).any():
        raise ParameterError(f"`expected_ratio` weights must be > 0, got {expected_ratio!r}.")
    threshold = check_probability("threshold", threshold)
    expected = obs.sum() * weights / weights.sum()
    test = stats.chisquare(obs, f_exp=expected)
    return SRMResult(
        observed=tuple(obs.tolist()), expected=tuple(expected.tolist()), chi2=float(test.statistic),
        dof=obs.size - 1, p_value=float(test.pvalue), threshold=threshold, labels=labels,
    )


def p_text(p: float) -> str:
    """A p-value as a clause: ``'p = 0.0321'``, or ``'p < 0.0001'`` (never ``'p = 0.0000'``).

    Examples
    --------
    >>> p_text(0.0321), p_text(2e-7)
    ('p = 0.0321', 'p < 0.0001')
    """
    from ecomlib import viz

    text = viz.fmt_p(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"
