"""Price elasticity of demand from transactions: a log-log regression per group.

For each group (category or product) and period the units sold ``Q`` and the average paid
price ``P`` are related by the constant-elasticity demand curve ``Q = A * P**e``; taking
logs gives the straight line

    log(Q_t) = a + e * log(P_t) + b * trend_t + seasonal terms_t + error_t

whose slope ``e`` is the price elasticity: a 1% higher price changes units by about e%.
The line is fitted by ordinary least squares (statsmodels) with heteroskedasticity-robust
(HC1) standard errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from ecomlib.errors import NotIdentifiableError, ParameterError
from ecomlib.pricing.demand import ConstantElasticityDemand, LinearDemand
from ecomlib.pricing.observations import CONTROLS, price_quantity_observations
from ecomlib.validation import check_argument, check_probability

__all__ = ["ElasticityResult", "choose_controls", "estimate_elasticity", "fit_linear_demand", "focus_group"]

TABLE_COLUMNS = [
    "group", "model", "elasticity", "std_error", "ci_low", "ci_high", "p_value", "n_obs",
    "n_zero_periods", "n_prices", "log_price_sd", "r_squared", "ref_price", "ref_units",
    "identifiable", "reason", "relative_elasticity", "revenue_share",
]  # fmt: skip


@dataclass(frozen=True)
class ElasticityResult:
    """Elasticities per group and the regression table they were fitted on.

    Attributes
    ----------
    table : DataFrame
        One row per group: ``elasticity`` (dimensionless), ``std_error`` (HC1 robust),
        ``ci_low`` / ``ci_high`` (confidence interval at level ``1 - alpha``), ``p_value``,
        ``n_obs`` (periods with sales used in the fit), ``n_zero_periods`` (periods without
        sales, dropped), ``n_prices`` (distinct average prices, rounded to 0.01 CNY),
        ``log_price_sd`` (standard deviation of log price), ``r_squared``, ``ref_price`` and
        ``ref_units`` (geometric mean price and units, the point the fitted curve passes
        through), ``identifiable`` and ``reason`` (why not, when not), ``revenue_share``
        and ``unit_share`` (the group's share of all revenue and units, 0-1) and, with
        period fixed effects,
        ``relative_elasticity`` (the regression slope ``b``, see
        :func:`estimate_elasticity`).
    observations : DataFrame
        The aggregated regression table (see :func:`price_quantity_observations`).
    regressors : tuple of str
        Columns of ``observations`` used as regressors, in order, after the constant.
    by, freq, controls, pooled, alpha
        The settings used.
    price_measure : str
        ``"index"`` (fixed-weight price index) or ``"unit_value"``: the price measure the
        regression used (see :func:`price_quantity_observations`).
    """

    table: pd.DataFrame
    observations: pd.DataFrame
    regressors: tuple[str, ...]
    by: str | None
    freq: str
    controls: tuple[str, ...]
    pooled: bool
    alpha: float
    price_measure: str = "index"

    def summary(self) -> pd.DataFrame:
        """The per-group table, indexed by group."""
        return self.table.set_index("group")

    def identified_groups(self) -> pd.DataFrame:
        """The rows of :meth:`summary` whose elasticity is identifiable.

        Raises
        ------
        NotIdentifiableError
            When no group's elasticity is identifiable; the message names each group's reason
            (too few periods, too few distinct prices, a price that hardly moved).

        Examples
        --------
        >>> import pandas as pd
        >>> lines = pd.DataFrame({"order_date": pd.date_range("2024-01-01", periods=4, freq="W-MON"),
        ...                       "category": "tea", "quantity": 5, "unit_price": 10.0})
        >>> estimate_elasticity(lines, controls=()).identified_groups()
        Traceback (most recent call last):
        ...
        ecomlib.errors.NotIdentifiableError: too few periods with sales in every group (a short date range for this freq): elasticities not identifiable (tea: only 4 period(s) with sales; at least 8 needed for this model)
        How to fix: Use a longer date range (a year or more of weeks is best), a shorter period (freq='D'), or groups whose prices changed.
        """
        table = self.summary()
        ok = table[table["identifiable"]]
        if len(ok):
            return ok
        if len(table) > 1 and table["reason"].nunique() == 1:  # the same cause everywhere: say it once
            shown, more = [f"all {len(table)} groups: {table['reason'].iloc[0]}"], ""
        else:
            shown = [f"{g}: {r}" for g, r in table["reason"].head(3).items()]
            more = f"; and {len(table) - 3} more group(s)" if len(table) > 3 else ""
        short = table["reason"].str.contains("period(s) with sales", regex=False).all()
        what = ("too few periods with sales in every group (a short date range for this freq)" if short
                else "no price varied enough in any group")
        raise NotIdentifiableError(
            f"{what}: elasticities not identifiable ({'; '.join(shown)}{more})",
            fix="Use a longer date range (a year or more of weeks is best), a shorter period "
            "(freq='D'), or groups whose prices changed.",
        )

    def demand(self, group: str) -> ConstantElasticityDemand:
        """The fitted constant-elasticity demand curve of ``group`` (with its interval)."""
        table = self.summary()
        if group not in table.index:
            raise ParameterError(
                f"`group` must be one of {list(table.index)!r}, but {group!r} was passed."
            )
        row = table.loc[group]
        if not row["identifiable"]:
            self.identified_groups()  # raises the summary when no group is identifiable
            raise NotIdentifiableError(
                f"The elasticity of {group!r} is not identifiable: {row['reason']}",
                fix="Use a group with more price variation, a longer period or pooled=True.",
            )
        return ConstantElasticityDemand(
            elasticity=float(row["elasticity"]),
            ref_price=float(row["ref_price"]),
            ref_units=float(row["ref_units"]),
            elasticity_low=float(row["ci_low"]),
            elasticity_high=float(row["ci_high"]),
        )


def estimate_elasticity(
    transactions: pd.DataFrame,
    *,
    by: str | None = "category",
    freq: str = "W",
    controls: tuple[str, ...] | list[str] = ("trend", "season"),
    pooled: bool = False,
    share_adjust: bool | str = "units",
    min_price_points: int = 3,
    min_log_price_sd: float = 0.01,
    min_periods: int = 8,
    alpha: float = 0.05,
    price_measure: str = "index",
    date_col: str = "order_date",
    quantity_col: str = "quantity",
    price_col: str = "unit_price",
    status_col: str = "status",
    product_col: str = "product_id",
) -> ElasticityResult:
    """Estimate the price elasticity of demand per group with a log-log regression.

    Order lines are aggregated to units and paid price per group and period
    (:func:`price_quantity_observations`; by default the price is a fixed-weight index
    of the products' paid prices, so that a shift between cheap and dear products is not
    mistaken for a price change), then ``log(units)`` is regressed on
    ``log(price)`` plus the controls, by OLS with HC1 robust standard errors and a
    t-based confidence interval. The slope on ``log(price)`` is the elasticity.

    Periods with zero units have no observed price and ``log(0)`` is undefined, so they are
    dropped and counted in ``n_zero_periods``; many of them mean the group is too sparse
    for this ``freq`` (use a coarser period or group). A group is reported as not
    identifiable, with the reason, instead of a meaningless number when it has too few
    periods (fewer than ``min_periods``, or too few for the model's parameters), fewer than
    ``min_price_points`` distinct prices, a standard deviation of log price below
    ``min_log_price_sd`` or prices that move in lockstep with the controls.

    Parameters
    ----------
    transactions : DataFrame
        Order lines with ``order_date``, ``quantity``, ``unit_price``, the ``by`` column and
        optionally ``status`` (only ``completed`` lines count).
    by : str or None, default "category"
        Group column (``"category"``, ``"product_id"``); None fits one curve for all lines.
    freq : {"W", "D", "M"}, default "W"
        Period of aggregation.
    controls : sequence of {"trend", "season", "month", "period"}, default ("trend", "season")
        Trend and seasonality controls (see :func:`price_quantity_observations`), or
        ``("period",)``: period fixed effects shared by all groups, fitted jointly with one
        intercept and one elasticity per group. The period effects absorb everything that
        moves all groups together in a period (season, festivals, traffic, a shop-wide
        sale, the shop's overall price level), so each slope ``b`` is identified by a
        group's price moves *relative to* the other groups. Needs at least two groups.
        ``b`` measures how units move against the rest of the shop; a group with a large
        share ``q`` of the shop's units also moves the shop's total with its own price, so
        its own-price elasticity is reported as ``e = b (1 - q)`` (the attraction or
        multinomial-logit share model, assuming the shop's total units in a period do not
        depend on one group's price; see ``share_adjust``); ``b`` is kept as
        ``relative_elasticity``.
    pooled : bool, default False
        Fit one common elasticity with a fixed effect (own intercept) per group, instead of
        one regression per group. Useful when single groups have too little variation.
    share_adjust : {"units", "revenue"} or bool, default "units"
        Only with period fixed effects: what stays fixed in a period when one group's price
        moves. ``"units"`` (or True): the shop's total units, shared between groups by
        choice, ``e = b (1 - q)`` with ``q`` the group's unit share; ``"revenue"``: the
        shop's total spending, ``e = (b + 1)(1 - s) - 1`` with ``s`` the revenue share.
        False when the groups' demands are independent of each other; then ``e = b``.
    min_price_points : int, default 3
        Fewest distinct average prices a group needs.
    min_log_price_sd : float, default 0.01
        Smallest standard deviation of log price (about 1% price variation).
    min_periods : int, default 8
        Fewest periods with sales a group needs (8 weeks: two months), whatever the model's
        number of parameters. Fewer can be fitted, but the slope then rests on a handful of
        points and its interval (and any price derived from it) means little.
    alpha : float, default 0.05
        One minus the confidence level of ``ci_low`` / ``ci_high``.
    price_measure : {"index", "unit_value"}, default "index"
        Price of a group in a period: the fixed-weight price index of its products (needs
        ``product_col``; without it the unit value is used, and ``result.price_measure``
        says so) or the plain unit value ``revenue / units``, which is biased toward zero
        when buyers' product mix varies (see :func:`price_quantity_observations`).
    date_col, quantity_col, price_col, status_col, product_col : str
        Column names, when they differ from the canonical ones.

    Returns
    -------
    ElasticityResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> weeks = pd.date_range("2024-01-01", periods=30, freq="W-MON")
    >>> price = 10 * np.exp(np.tile([-0.1, 0.0, 0.1], 10))
    >>> lines = pd.DataFrame({"order_date": weeks, "category": "tea",
    ...                       "unit_price": price, "quantity": np.round(1e6 * price**-2)})
    >>> res = estimate_elasticity(lines, controls=())
    >>> round(float(res.summary().loc["tea", "elasticity"]), 2)
    -2.0

    References
    ----------
    Wooldridge, J. M. (2019). *Introductory Econometrics*, 7th ed., sec. 2.6 (log-log
    models), 8.2 (heteroskedasticity-robust inference) and 14.1 (fixed effects).
    Cooper, L. G., Nakanishi, M. (1988). *Market-Share Analysis*, ch. 2 (attraction models:
    share elasticity ``beta * (1 - s)``).
    """
    alpha = check_probability("alpha", alpha)
    if not isinstance(min_price_points, int | np.integer) or min_price_points < 2:
        raise ParameterError(
            f"`min_price_points` must be an integer >= 2, but {min_price_points!r} was passed."
        )
    if isinstance(min_periods, bool) or not isinstance(min_periods, int | np.integer) or min_periods < 2:
        raise ParameterError(f"`min_periods` must be an integer >= 2, but {min_periods!r} was passed.")
    controls = tuple(controls)
    for name in controls:
        check_argument("controls", [*CONTROLS, "period"], name)
    if share_adjust is True:
        share_adjust = "units"
    if share_adjust is not False:
        check_argument("share_adjust", ["units", "revenue"], share_adjust)
    period_fe = "period" in controls
    column_controls = tuple(c for c in controls if c != "period")
    if period_fe and column_controls:
        raise ParameterError(
            f"`controls` cannot combine 'period' with {list(column_controls)}: period fixed "
            "effects already absorb trend and seasonality. Pass controls=('period',)."
        )
    obs = price_quantity_observations(
        transactions, by=by, freq=freq, controls=column_controls, price_measure=price_measure,
        date_col=date_col, quantity_col=quantity_col, price_col=price_col,
        status_col=status_col, product_col=product_col,
    )  # fmt: skip
    regressors = tuple(["log_price"] + [c for name in column_controls for c in CONTROLS[name]])
    checks = _variation_checks(obs, len(regressors) + 1, min_price_points, min_log_price_sd, int(min_periods))
    if period_fe:
        rows = _fit_period_effects(obs, checks, alpha, common_slope=bool(pooled),
                                   share_adjust=share_adjust or None)
    elif pooled:
        rows = _fit_pooled(obs, regressors, checks, alpha)
    else:
        rows = _fit_groups(obs, regressors, checks, alpha)
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    table["unit_share"] = table["group"].map(checks["unit_share"]).astype(float)
    table["identifiable"] = table["identifiable"].astype(bool)
    table["reason"] = table["reason"].astype("str")
    return ElasticityResult(
        table=table, observations=obs, regressors=regressors, by=by, freq=freq,
        controls=controls, pooled=bool(pooled), alpha=alpha,
        price_measure=obs.attrs.get("price_measure", "unit_value"),
    )  # fmt: skip


def _variation_checks(
    obs: pd.DataFrame, n_params: int, min_price_points: int, min_log_price_sd: float, min_periods: int = 2
) -> pd.DataFrame:
    """Per group: counts, price variation and the reason it cannot be fitted ('' if it can)."""
    sold = obs.loc[obs["units"] > 0]
    grouped = sold.groupby("group", sort=True)
    checks = pd.DataFrame(
        {
            "n_obs": grouped.size(),
            "n_prices": sold["price"].round(2).groupby(sold["group"], sort=True).nunique(),
            "log_price_sd": grouped["log_price"].std(ddof=1).fillna(0.0),
            "ref_price": np.exp(grouped["log_price"].mean()),
            "ref_units": np.exp(grouped["log_units"].mean()),
        }
    )
    checks["n_zero_periods"] = (
        obs.loc[obs["units"] == 0].groupby("group").size().reindex(checks.index, fill_value=0)
    )
    revenue = obs.groupby("group", sort=True)["revenue"].sum().reindex(checks.index)
    checks["revenue_share"] = revenue / obs["revenue"].sum()
    units = obs.groupby("group", sort=True)["units"].sum().reindex(checks.index)
    checks["unit_share"] = units / obs["units"].sum()
    need_obs = max(n_params + 3, min_periods)
    reason = pd.Series("", index=checks.index, dtype="str")
    few_sd = checks["log_price_sd"] < min_log_price_sd
    reason = reason.mask(
        few_sd,
        "price hardly varies (sd of log price "
        + checks["log_price_sd"].round(4).astype("str")
        + f" < {min_log_price_sd})",
    )
    few_prices = checks["n_prices"] < min_price_points
    reason = reason.mask(
        few_prices,
        "only " + checks["n_prices"].astype("str")
        + f" distinct price(s); at least {min_price_points} needed",
    )  # fmt: skip
    few_obs = checks["n_obs"] < need_obs
    reason = reason.mask(
        few_obs,
        "only " + checks["n_obs"].astype("str")
        + f" period(s) with sales; at least {need_obs} needed for this model",
    )  # fmt: skip
    checks["reason"] = reason
    return checks


def _empty_row(group: str, check: pd.Series, model: str, reason: str) -> list:
    return [
        group, model, np.nan, np.nan, np.nan, np.nan, np.nan, int(check["n_obs"]),
        int(check["n_zero_periods"]), int(check["n_prices"]), float(check["log_price_sd"]),
        np.nan, float(check["ref_price"]), float(check["ref_units"]), False, reason,
        np.nan, float(check["revenue_share"]),
    ]  # fmt: skip


def _ols(y: np.ndarray, x: np.ndarray):
    """OLS with HC1 robust covariance and t-based inference; None when X is rank deficient."""
    fit = OLS(y, x).fit(cov_type="HC1", use_t=True)
    return None if fit.model.rank < x.shape[1] else fit


def _fit_groups(obs: pd.DataFrame, regressors, checks: pd.DataFrame, alpha: float) -> list:
    """One log-log regression per group; the design is built once and sliced per group."""
    sold = obs.loc[obs["units"] > 0]
    x_all = add_constant(sold[list(regressors)].to_numpy(dtype=float), has_constant="add")
    y_all = sold["log_units"].to_numpy(dtype=float)
    rows_of = sold.groupby("group", sort=True).indices
    return [
        _fit_group(g, x_all[rows_of[g]], y_all[rows_of[g]], checks.loc[g], alpha)
        for g in checks.index  # one small regression per group
    ]


def _fit_group(group: str, x: np.ndarray, y: np.ndarray, check: pd.Series, alpha: float):
    """Fit one group's log-log regression and return its table row."""
    if check["reason"]:
        return _empty_row(group, check, "by group", check["reason"])
    fit = _ols(y, x)
    if fit is None:
        reason = "log price moves in lockstep with the trend/season controls"
        return _empty_row(group, check, "by group", reason)
    low, high = fit.conf_int(alpha=alpha)[1]
    return [
        group, "by group", fit.params[1], fit.bse[1], low, high, fit.pvalues[1],
        int(check["n_obs"]), int(check["n_zero_periods"]), int(check["n_prices"]),
        float(check["log_price_sd"]), fit.rsquared, float(check["ref_price"]),
        float(check["ref_units"]), True, "", np.nan, float(check["revenue_share"]),
    ]  # fmt: skip


def _fit_pooled(obs: pd.DataFrame, regressors, checks: pd.DataFrame, alpha: float) -> list:
    """One common elasticity with group fixed effects; returns one row per group."""
    usable = checks.index[checks["n_obs"] >= 2]
    data = obs.loc[(obs["units"] > 0) & obs["group"].isin(usable)]
    dummies = pd.get_dummies(data["group"], drop_first=True, dtype=float)
    x = np.column_stack(
        [np.ones(len(data)), data[list(regressors)].to_numpy(dtype=float), dummies.to_numpy()]
    )
    fit = _ols(data["log_units"].to_numpy(dtype=float), x)
    sd = data["log_price"].std(ddof=1)
    if fit is None or not np.isfinite(sd) or sd < 1e-12:
        reason = "pooled log price has no variation beyond the group effects and controls"
        return [_empty_row(g, checks.loc[g], "pooled", reason) for g in checks.index]
    low, high = fit.conf_int(alpha=alpha)[1]
    rows = []
    for g in checks.index:  # one row per group (a handful), sharing the common slope
        c = checks.loc[g]
        if g not in usable:
            rows.append(_empty_row(g, c, "pooled", "fewer than 2 periods with sales"))
            continue
        rows.append([
            g, "pooled", fit.params[1], fit.bse[1], low, high, fit.pvalues[1], int(c["n_obs"]),
            int(c["n_zero_periods"]), int(c["n_prices"]), float(c["log_price_sd"]),
            fit.rsquared, float(c["ref_price"]), float(c["ref_units"]), True, "", np.nan,
            float(c["revenue_share"]),
        ])  # fmt: skip
    return rows


def focus_group(result: ElasticityResult, requested: str = "all", *, exclude=()) -> str:
    """The group a price-response analysis should look at.

    ``requested`` when it names a group; with ``"all"`` the identifiable group with the
    largest revenue share (any group when none is identifiable), leaving out the groups in
    ``exclude`` (such as a substitute's catch-all ``"other"``) unless nothing else is left.

    Parameters
    ----------
    result : ElasticityResult
        From :func:`estimate_elasticity`.
    requested : str, default "all"
        A group of ``result`` or ``"all"``.
    exclude : iterable of str, optional
        Groups not to pick automatically.

    Returns
    -------
    str

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> weeks = pd.date_range("2024-01-01", periods=30, freq="W-MON")
    >>> price = 10 * np.exp(np.tile([-0.1, 0.0, 0.1], 10))
    >>> lines = pd.concat([pd.DataFrame({"order_date": weeks, "category": c, "unit_price": price,
    ...                                  "quantity": np.round(k * 1e6 * price**-2)})
    ...                    for c, k in [("tea", 1), ("other", 3)]])
    >>> fit = estimate_elasticity(lines, controls=())
    >>> focus_group(fit), focus_group(fit, exclude=["other"])
    ('other', 'tea')
    """
    if not isinstance(result, ElasticityResult):
        raise ParameterError(
            f"`result` must be an ElasticityResult, but a {type(result).__name__} was passed."
        )
    table = result.summary()
    check_argument("category", ["all", *table.index], requested)
    if requested != "all":
        return requested
    ok = table[table["identifiable"]]
    pool = ok if len(ok) else table
    kept = pool[~pool.index.isin(list(exclude))]
    pool = kept if len(kept) else pool
    return str(pool["revenue_share"].idxmax())


def choose_controls(transactions: pd.DataFrame, by: str | None = "category") -> tuple[str, ...]:
    """The chapter's default controls: period fixed effects when there are at least two
    groups to compare, otherwise a trend and yearly seasonality.

    Examples
    --------
    >>> import pandas as pd
    >>> choose_controls(pd.DataFrame({"category": ["tea", "cups"]}))
    ('period',)
    >>> choose_controls(pd.DataFrame({"category": ["tea", "tea"]}))
    ('trend', 'season')
    """
    if by is None or by not in getattr(transactions, "columns", []):
        return ("trend", "season")
    return ("period",) if transactions[by].nunique() >= 2 else ("trend", "season")


_MAX_DESIGN_CELLS = 20_000_000  # about 160 MB of float64: the limit of the joint fit


def _fit_period_effects(obs: pd.DataFrame, checks: pd.DataFrame, alpha: float, *,
                        common_slope: bool, share_adjust: str | None) -> list:
    """Joint OLS: one intercept and elasticity per group (or one common elasticity when
    ``common_slope``) plus period fixed effects. Adds ``period_effect`` to ``obs``."""
    model = "period effects, pooled" if common_slope else "period effects"
    usable = checks.index[checks["reason"] == ""]
    if len(usable) < 2:
        reason = "period fixed effects need at least 2 groups with enough price variation"
        return [_empty_row(g, checks.loc[g], model, checks.loc[g, "reason"] or reason)
                for g in checks.index]  # fmt: skip
    sold = (obs["units"] > 0) & obs["group"].isin(usable)
    data = obs.loc[sold]
    groups = pd.get_dummies(data["group"], dtype=float)
    periods = pd.get_dummies(data["period_start"], drop_first=True, dtype=float)
    log_price = data["log_price"].to_numpy(dtype=float)
    slopes = log_price[:, None] if common_slope else groups.to_numpy() * log_price[:, None]
    x = np.column_stack([slopes, groups.to_numpy(), periods.to_numpy()])
    if x.size > _MAX_DESIGN_CELLS:
        raise ParameterError(
            f"controls=('period',) with {len(usable)} groups and {periods.shape[1] + 1} periods "
            "is too large a joint model.",
            fix="Use by='category', a coarser freq, or per-group controls ('trend', 'season').",
        )
    fit = _ols(data["log_units"].to_numpy(dtype=float), x)
    if fit is None:
        reason = "prices move in lockstep across groups: no variation beyond the period effects"
        return [_empty_row(g, checks.loc[g], model, reason) for g in checks.index]
    n_slopes = slopes.shape[1]
    effects = np.concatenate([[0.0], fit.params[n_slopes + groups.shape[1]:]])
    starts = np.sort(data["period_start"].unique())
    effect = pd.Series(effects - effects.mean(), index=starts)
    obs["period_effect"] = obs["period_start"].map(effect)
    ci = fit.conf_int(alpha=alpha)
    position = {g: (0 if common_slope else k) for k, g in enumerate(groups.columns)}
    rows = []
    for g in checks.index:  # one row per group (a handful of groups)
        c = checks.loc[g]
        if g not in position:
            rows.append(_empty_row(g, c, model, c["reason"]))
            continue
        k, share = position[g], float(c["revenue_share"])
        # own-price elasticity when the group's price also moves the shop total (attraction
        # model): e = b (1 - q) with fixed total units, e = (b + 1) (1 - s) - 1 with fixed
        # total spending; a linear map of b, so the interval maps too
        keep = {"units": 1 - float(c["unit_share"]), "revenue": 1 - share}.get(share_adjust, 1.0)
        shift = 1.0 if share_adjust == "revenue" else 0.0
        e, se = (fit.params[k] + shift) * keep - shift, fit.bse[k] * keep
        p_value = 2 * stats.t.sf(abs(e / se), fit.df_resid)
        low, high = ((b + shift) * keep - shift for b in ci[k])
        rows.append([
            g, model, e, se, low, high, p_value, int(c["n_obs"]), int(c["n_zero_periods"]),
            int(c["n_prices"]), float(c["log_price_sd"]), fit.rsquared, float(c["ref_price"]),
            float(c["ref_units"]), True, "", fit.params[k], share,
        ])  # fmt: skip
    return rows


def fit_linear_demand(result: ElasticityResult, group: str) -> LinearDemand:
    """Fit a linear demand curve ``units = a + b * price`` on the same regression table.

    Uses the periods with sales of ``group`` in ``result.observations`` and the same
    controls as the elasticity fit (OLS); the controls are then held at their averages, so
    ``a`` is the intercept of an average period. With period fixed effects the units are
    first divided by ``exp(period_effect)``, the demand of an average period.

    Parameters
    ----------
    result : ElasticityResult
        From :func:`estimate_elasticity`.
    group : str
        One of ``result.table["group"]``.

    Returns
    -------
    LinearDemand
        With ``ref_price`` the mean observed price (CNY).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> weeks = pd.date_range("2024-01-01", periods=12, freq="W-MON")
    >>> price = np.tile([8.0, 10.0, 12.0], 4)
    >>> lines = pd.DataFrame({"order_date": weeks, "category": "tea",
    ...                       "unit_price": price, "quantity": 100 - 5 * price})
    >>> curve = fit_linear_demand(estimate_elasticity(lines, controls=()), "tea")
    >>> round(curve.intercept, 6), round(curve.slope, 6)
    (100.0, -5.0)
    """
    if not isinstance(result, ElasticityResult):
        raise ParameterError(
            f"`result` must be an ElasticityResult, but a {type(result).__name__} was passed."
        )
    groups = list(result.table["group"])
    if group not in groups:
        raise ParameterError(f"`group` must be one of {groups!r}, but {group!r} was passed.")
    data = result.observations
    data = data.loc[(data["group"] == group) & (data["units"] > 0)]
    controls = [c for c in result.regressors if c != "log_price"]
    x = np.column_stack(
        [np.ones(len(data)), data["price"].to_numpy(dtype=float), data[controls].to_numpy(dtype=float)]
    )
    if len(data) < x.shape[1] + 1 or np.linalg.matrix_rank(x) < x.shape[1]:
        raise NotIdentifiableError(
            f"A linear demand for {group!r} cannot be fitted: too few periods or no price "
            "variation beyond the controls.",
            fix="Use a longer period, a coarser group or fewer controls.",
        )
    units = data["units"].to_numpy(dtype=float)
    if "period_effect" in data.columns:  # demand of an average period: remove the period effects
        units = units * np.exp(-data["period_effect"].to_numpy(dtype=float))
    coef = np.linalg.lstsq(x, units, rcond=None)[0]
    if coef[1] >= 0:
        raise NotIdentifiableError(
            f"The fitted linear demand of {group!r} does not fall with price (slope {coef[1]:.3g}).",
            fix="Price changes are probably confounded with demand shocks (promotions, "
            "seasons); add controls or use the elasticity estimate with its interval.",
        )
    intercept = coef[0] + float(data[controls].mean().to_numpy() @ coef[2:]) if controls else coef[0]
    return LinearDemand(float(intercept), float(coef[1]), ref_price=float(data["price"].mean()))
