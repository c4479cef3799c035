"""What-if calculators for planning: funnel changes and experiment plans (book 6.2, 6.4).

:func:`funnel_what_if` answers "what is one more point of conversion at this step worth?":
the sessions reaching every later step scale with the changed step rate, so::

    orders_new = orders × (rate_k + Δ) / rate_k        GMV_new = orders_new × AOV

:func:`plan_experiment` turns a baseline rate, a minimum detectable effect and the daily
traffic into the users and days an A/B test needs, with the curve of the smallest effect
detectable after each number of days (the trade-off a trainer shows with the slider).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.traffic.power import _power_prop, duration_days, sample_size
from ecomlib.validation import check_argument, check_columns, check_frame, check_positive

__all__ = ["ExperimentPlan", "FunnelWhatIf", "PlanningInputs", "funnel_what_if", "plan_experiment",
           "planning_inputs", "value_of_one_point"]

#: What a test plan assumes when the data have neither an experiment nor sessions.
ASSUMED_BASELINE = 0.03
ASSUMED_DAILY_VISITORS = 1000.0


@dataclass(frozen=True)
class FunnelWhatIf:
    """Result of :func:`funnel_what_if`.

    Attributes
    ----------
    table : DataFrame
        Per step: ``step``, ``rate`` (today's step conversion), ``rate_new``, ``reached``,
        ``reached_new`` (sessions).
    step : str
        The step changed.
    rate_change : float
        Absolute change of its step conversion (0.01 = one percentage point).
    aov : float
        Average order value (CNY).
    orders, orders_new, gmv, gmv_new : float
        Orders (sessions reaching the last step) and GMV (CNY) before and after.
    """

    table: pd.DataFrame
    step: str
    rate_change: float
    aov: float
    orders: float
    orders_new: float
    gmv: float
    gmv_new: float

    @property
    def extra_gmv(self) -> float:
        """GMV gained (CNY; negative for a loss)."""
        return self.gmv_new - self.gmv

    def headline(self) -> str:
        """One line: the change and what it is worth."""
        return (f"{self.step} step {100 * self.rate_change:+.1f} points: orders "
                f"{self.orders:,.0f} -> {self.orders_new:,.0f}, GMV {self.extra_gmv:+,.0f} CNY")

    def summary(self) -> pd.DataFrame:
        """Orders and GMV before and after."""
        return pd.DataFrame({"measure": ["orders", "GMV (CNY)"], "today": [self.orders, self.gmv],
                             "scenario": [self.orders_new, self.gmv_new]})


def _overall(funnel_table: pd.DataFrame) -> pd.DataFrame:
    funnel_table = check_frame(funnel_table, "funnel_table", min_rows=2)
    check_columns(funnel_table, ["step", "reached", "step_conversion"], "funnel_table")
    if funnel_table["step"].duplicated().any():
        raise DataError(
            "`funnel_table` must be one funnel (one row per step), but steps repeat.",
            fix="Pass funnel(sessions) without `by`, or one segment's rows.",
        )
    return funnel_table


def funnel_what_if(
    funnel_table: pd.DataFrame, step: str, rate_change: float = 0.01, *, aov: float
) -> FunnelWhatIf:
    """Orders and GMV if one step's conversion changed by ``rate_change``.

    Parameters
    ----------
    funnel_table : DataFrame
        Output of :func:`ecomlib.traffic.funnel` without ``by``.
    step : str
        A step after the first (its step conversion is changed).
    rate_change : float, default 0.01
        Absolute change of the step conversion (0.01 = +1 percentage point); the new rate is
        kept within [0, 1].
    aov : float
        Average order value (CNY per order).

    Returns
    -------
    FunnelWhatIf

    Examples
    --------
    >>> import pandas as pd
    >>> from ecomlib.traffic import funnel
    >>> f = funnel(pd.DataFrame({"step": ["view"] * 50 + ["cart"] * 30 + ["purchase"] * 20}),
    ...            steps=["view", "cart", "purchase"])
    >>> funnel_what_if(f, "purchase", 0.1, aov=100.0).orders_new   # 50 x 0.4 -> 50 x 0.5
    25.0
    """
    table = _overall(funnel_table)
    steps = table["step"].astype(str).tolist()
    check_argument("step", steps[1:], step)
    aov = check_positive("aov", aov)
    try:
        change = float(rate_change)
    except (TypeError, ValueError):
        raise ParameterError(f"`rate_change` must be a number, but {rate_change!r} was passed.") from None
    if not -1 <= change <= 1:
        raise ParameterError(f"`rate_change` must be between -1 and 1, but {rate_change!r} was passed.")
    rate = table["step_conversion"].to_numpy(dtype=float)
    reached = table["reached"].to_numpy(dtype=float)
    k = steps.index(step)
    rate_new = rate.copy()
    rate_new[k] = min(max(rate[k] + change, 0.0), 1.0)
    reached_new = reached[0] * np.cumprod(np.r_[1.0, rate_new[1:]])
    out = pd.DataFrame({"step": steps, "rate": rate, "rate_new": rate_new, "reached": reached,
                        "reached_new": reached_new})
    orders, orders_new = float(reached[-1]), float(reached_new[-1])
    return FunnelWhatIf(table=out, step=step, rate_change=change, aov=aov, orders=orders,
                        orders_new=orders_new, gmv=orders * aov, gmv_new=orders_new * aov)


def value_of_one_point(funnel_table: pd.DataFrame, *, aov: float, points: float = 1.0) -> pd.DataFrame:
    """Extra orders and GMV from ``points`` percentage points more conversion at each step.

    Parameters
    ----------
    funnel_table : DataFrame
        Output of :func:`ecomlib.traffic.funnel` without ``by``.
    aov : float
        Average order value (CNY).
    points : float, default 1
        Percentage points added to one step at a time.

    Returns
    -------
    DataFrame
        One row per step after the first: ``step``, ``rate``, ``extra_orders``,
        ``extra_gmv`` (CNY) and ``relative_gain`` (fraction of today's orders).

    Raises
    ------
    DataError
        When no session reached the last step: a point more at any step of a funnel without
        purchases still gives no orders, so no step has a value.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecomlib.traffic import funnel
    >>> f = funnel(pd.DataFrame({"step": ["view"] * 50 + ["cart"] * 30 + ["purchase"] * 20}),
    ...            steps=["view", "cart", "purchase"])
    >>> value_of_one_point(f, aov=100.0, points=10)["extra_orders"].round(2).tolist()
    [4.0, 5.0]
    """
    table = _overall(funnel_table)
    if not table["reached"].iloc[-1] > 0:
        raise DataError(f"No session reached the last funnel step ({table['step'].iloc[-1]!r}), so a point "
                        "more conversion at any step is worth no orders; the value of a point needs purchases.")
    rows = []
    for step in table["step"].astype(str).tolist()[1:]:  # a handful of funnel steps
        res = funnel_what_if(table, step, points / 100, aov=aov)
        rows.append((step, float(table.loc[table["step"] == step, "step_conversion"].iloc[0]),
                     res.orders_new - res.orders, res.extra_gmv,
                     (res.orders_new - res.orders) / res.orders if res.orders else np.nan))
    return pd.DataFrame(rows, columns=["step", "rate", "extra_orders", "extra_gmv", "relative_gain"])


@dataclass(frozen=True)
class ExperimentPlan:
    """Result of :func:`plan_experiment`.

    Attributes
    ----------
    baseline, mde, alpha, power : float
        The inputs (``mde`` absolute, in rate units).
    method : str
        Power formula used (``"pooled"`` as R's power.prop.test, or ``"cohen_h"``).
    n_per_arm : int
        Users per arm (control; treatment has ``ratio`` times as many), rounded up.
    total_users : int
    days : int
        Days needed at ``daily_visitors`` (rounded up; plan whole weeks).
    daily_visitors : float
    curve : DataFrame
        ``days``, ``users_per_arm`` and ``detectable_mde`` (smallest absolute lift detectable
        with the chosen power after that many days) for up to 60 durations from 1 to
        max(4 × days, 28) days.
    """

    baseline: float
    mde: float
    alpha: float
    power: float
    method: str
    n_per_arm: int
    total_users: int
    days: int
    daily_visitors: float
    ratio: float
    curve: pd.DataFrame

    def headline(self) -> str:
        """One line: users and days."""
        return (f"{self.n_per_arm:,} users per arm ({self.total_users:,} in all): {self.days} days "
                f"at {self.daily_visitors:,.0f} visitors a day")

    def summary(self) -> pd.DataFrame:
        """The plan as a two-column table."""
        return pd.DataFrame({
            "quantity": ["baseline rate", "minimum detectable effect (abs.)", "alpha", "power",
                         "users per arm", "total users", "days"],
            "value": [self.baseline, self.mde, self.alpha, self.power, self.n_per_arm,
                      self.total_users, self.days],
        })


def plan_experiment(
    baseline: float,
    mde: float,
    *,
    daily_visitors: float,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    method: str = "pooled",
    share_in_test: float = 1.0,
) -> ExperimentPlan:
    """Users and days a conversion A/B test needs, and the detectable effect by duration.

    Parameters
    ----------
    baseline : float
        Control conversion rate (0-1).
    mde : float
        Minimum detectable effect, absolute (0.005 = half a percentage point).
    daily_visitors : float
        Eligible visitors per day (users/day).
    alpha, power, ratio, method
        As in :func:`ecomlib.traffic.sample_size`.
    share_in_test : float, default 1
        Fraction of daily visitors enrolled.

    Returns
    -------
    ExperimentPlan

    Examples
    --------
    >>> plan = plan_experiment(0.04, 0.008, daily_visitors=2000)
    >>> plan.n_per_arm, plan.days
    (10317, 11)
    """
    check_argument("method", ("pooled", "cohen_h"), method)
    n = sample_size(baseline, mde, alpha=alpha, power=power, ratio=ratio, method=method)
    days = duration_days(n, daily_visitors, ratio=ratio, share_in_test=share_in_test)
    n_arm = math.ceil(n)
    horizon = np.unique(np.linspace(1, max(4 * days, 28), 60).round().astype(int))
    per_day = daily_visitors * share_in_test / (1 + ratio)
    users = horizon * per_day
    detectable = _detectable(baseline, users, alpha, power, ratio, method)
    curve = pd.DataFrame({"days": horizon, "users_per_arm": users, "detectable_mde": detectable})
    return ExperimentPlan(baseline=float(baseline), mde=float(mde), alpha=float(alpha),
                          power=float(power), method=method, n_per_arm=n_arm,
                          total_users=int(math.ceil(n_arm * (1 + ratio))), days=days,
                          daily_visitors=float(daily_visitors), ratio=float(ratio), curve=curve)


def _detectable(baseline, n, alpha, target, ratio, method) -> np.ndarray:
    """Smallest positive lift with power >= target at each of ``n`` control users (bisection,
    vectorised over ``n``; power rises with the lift for a fixed n)."""
    n = np.asarray(n, dtype=float)
    lo = np.zeros_like(n)
    hi = np.full_like(n, 1 - baseline - 1e-9)
    reachable = _power_prop(n, baseline, baseline + hi, alpha, ratio, 2, method) >= target
    for _ in range(45):  # halves the bracket each time: about 1e-14 at the end
        mid = (lo + hi) / 2
        ok = _power_prop(n, baseline, baseline + mid, alpha, ratio, 2, method) >= target
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    return np.where(reachable, hi, np.nan)


@dataclass(frozen=True)
class PlanningInputs:
    """Result of :func:`planning_inputs`: what a test plan starts from, and where it came from.

    Attributes
    ----------
    baseline : float
        Conversion rate of the control (0-1).
    daily_visitors : float
        Visitors a day (users/day).
    baseline_source, traffic_source : str
        ``"experiment"``, ``"sessions"`` or ``"assumed"``.
    note : str or None
        One sentence saying which inputs are assumed (for a report's substitute note); None
        when both came from the data.
    """

    baseline: float
    daily_visitors: float
    baseline_source: str
    traffic_source: str
    note: str | None = None

    @property
    def assumed(self) -> bool:
        """True when the baseline or the traffic is an assumption, not a measurement."""
        return self.note is not None


def planning_inputs(
    experiment: pd.DataFrame | None = None,
    sessions: pd.DataFrame | None = None,
    funnel_table: pd.DataFrame | None = None,
    *,
    assumed_baseline: float = ASSUMED_BASELINE,
    assumed_daily_visitors: float = ASSUMED_DAILY_VISITORS,
    control: str = "control",
    variant_col: str = "variant",
    converted_col: str = "converted",
    date_col: str = "date",
) -> PlanningInputs:
    """Baseline conversion and daily traffic for :func:`plan_experiment`, from the data when it can.

    The baseline is the control arm's conversion in ``experiment``, else the overall
    conversion of ``funnel_table`` (a :func:`~ecomlib.traffic.funnel` of the sessions), else
    ``assumed_baseline``. Daily visitors are the mean sessions per calendar day that has
    sessions, else ``assumed_daily_visitors``. Transactions alone give neither: orders are
    not visitors.

    Parameters
    ----------
    experiment : DataFrame, optional
        With ``variant`` and ``converted`` (0/1).
    sessions : DataFrame, optional
        With ``date``.
    funnel_table : DataFrame, optional
        With ``overall_conversion`` (its last row is the purchase rate).
    assumed_baseline, assumed_daily_visitors : float
        Used, and named in ``note``, when the data lack them.

    Returns
    -------
    PlanningInputs

    Examples
    --------
    >>> inputs = planning_inputs()
    >>> inputs.baseline, inputs.daily_visitors, inputs.baseline_source
    (0.03, 1000.0, 'assumed')
    >>> inputs.note
    'no experiment or sessions table: the plan assumes a 3.0% baseline conversion and 1,000 visitors a day'
    """
    baseline, baseline_source = float("nan"), "assumed"
    if experiment is not None:
        check_columns(check_frame(experiment, "experiment"), [variant_col, converted_col], "experiment")
        arm = experiment.loc[experiment[variant_col] == control, converted_col]
        baseline, baseline_source = float(pd.to_numeric(arm, errors="coerce").mean()), "experiment"
    if not 0 < baseline < 1 and funnel_table is not None and len(funnel_table):
        check_columns(funnel_table, ["overall_conversion"], "funnel_table")
        baseline, baseline_source = float(funnel_table["overall_conversion"].iloc[-1]), "sessions"
    if not 0 < baseline < 1:
        baseline, baseline_source = float(assumed_baseline), "assumed"
    daily, traffic_source = float(assumed_daily_visitors), "assumed"
    if sessions is not None and date_col in sessions and sessions[date_col].notna().any():
        days = sessions[date_col].dropna()
        daily, traffic_source = float(days.groupby(days.dt.normalize()).size().mean()), "sessions"
    assumed = []
    if baseline_source == "assumed":
        assumed.append(f"a {100 * baseline:.1f}% baseline conversion")
    if traffic_source == "assumed":
        assumed.append(f"{daily:,.0f} visitors a day")
    note = None
    if assumed:
        no_data = experiment is None and funnel_table is None
        why = []
        if baseline_source == "assumed" and not no_data:
            why.append("no control conversion between 0 and 1 in the data")
        if traffic_source == "assumed":
            why.append("no sessions table" if sessions is None else "no session dates")
        if baseline_source == "assumed" and no_data and sessions is None:
            why = ["no experiment or sessions table"]
        elif baseline_source == "assumed" and no_data:
            why.insert(0, "no funnel of the sessions")
        note = f"{' and '.join(why)}: the plan assumes {' and '.join(assumed)}"
    return PlanningInputs(baseline=baseline, daily_visitors=daily, baseline_source=baseline_source,
                          traffic_source=traffic_source, note=note)
