"""Customer lifetime value: the model-based CLV and two simple constant-retention formulas.

Model-based CLV over a horizon of H months (Fader, Hardie & Lee 2005, "RFM and CLV"):

    CLV_i = margin * E[M_i] * sum_{k=1..H} (E[Y_i(t_k)] - E[Y_i(t_{k-1})]) / (1 + d_m)^k

with E[Y_i(t)] the BG/NBD conditional expected purchases by time t, E[M_i] the Gamma-Gamma
expected spend per purchase, t_k the end of month k and d_m the monthly discount rate
equivalent to the annual ``discount_rate``: (1 + d_m)^12 = 1 + d.

The book (6.3) describes retention and repurchase but gives no formula; two standard ways to put
a number on a customer's value treat every customer alike (the ``book_*`` names are kept for
compatibility: they are the simple formulas used beside section 6.3, not the book's):

* retention formula: CLV = m * r / (1 + d - r), with m the margin per customer per year,
  r the yearly retention rate and d the yearly discount rate (infinite horizon);
* simple formula: CLV = AOV * purchases per year * margin * lifetime in years.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecomlib.engine.backend import route
from ecomlib.errors import DataError, ParameterError
from ecomlib.retention.bgnbd import BetaGeoModel
from ecomlib.retention.gammagamma import GammaGammaModel
from ecomlib.retention.likelihood import check_summary_columns
from ecomlib.retention.purchases import check_transactions, known_customer_lines
from ecomlib.retention.rfm import TIME_UNITS, _as_day, _window
from ecomlib.validation import (
    check_argument,
    check_columns,
    check_frame,
    check_positive,
    check_probability,
)

__all__ = ["customer_lifetime_value", "retention_clv", "simple_clv", "book_clv_inputs",
           "book_clv_projection", "BookCLV", "clv_by_group", "DAYS_PER_MONTH", "margin_rate",
           "ShopCustomerValue", "shop_customer_value"]

#: Average days per month (365.25 / 12).
DAYS_PER_MONTH = 365.25 / 12

#: Customers valued at a time by :func:`customer_lifetime_value`: its customers x months
#: arrays are built block by block (at 100,000 customers and 13 months, 10 MB each).
CLV_BLOCK_CUSTOMERS = 100_000


def _check_rate(name, value, allow_zero=True):
    v = check_positive(name, value, allow_zero=allow_zero)
    if v >= 1:
        raise ParameterError(f"`{name}` is a yearly rate below 1 (e.g. 0.1 for 10%), but {value!r} was passed.")
    return v


def customer_lifetime_value(
    bgnbd: BetaGeoModel,
    gamma_gamma: GammaGammaModel,
    summary: pd.DataFrame,
    horizon_months: int = 12,
    discount_rate: float = 0.1,
    margin: float = 0.3,
    time_unit: str = "D",
    step_months: int = 1,
) -> pd.DataFrame:
    """Expected purchases, spend, probability alive and discounted CLV per customer.

    Parameters
    ----------
    bgnbd : BetaGeoModel
        Fitted BG/NBD model (on a summary in ``time_unit``).
    gamma_gamma : GammaGammaModel
        Fitted Gamma-Gamma model.
    summary : DataFrame
        RFM summary (``frequency``, ``recency``, ``T``, ``monetary_value``) of the customers
        to value, as of the end of observation.
    horizon_months : int
        Months ahead to value (>= 1).
    discount_rate : float
        Yearly discount rate (0 <= d < 1).
    margin : float
        Gross margin as a share of revenue (0-1).
    time_unit : {"D", "W"}
        Time unit of ``summary`` and of the fitted BG/NBD model.
    step_months : int
        Discounting step: 1 discounts month by month; 12 year by year (each year's purchases
        discounted to the end of that year), which is much faster for long horizons.
        ``horizon_months`` must be a multiple of it.

    Returns
    -------
    DataFrame
        Index as ``summary``; columns ``prob_alive``, ``expected_purchases`` (over the
        horizon), ``expected_value`` (spend per purchase, CNY), ``clv`` (discounted margin
        over the horizon, CNY) and ``clv_if_alive`` (the same for a customer known to be
        alive: ``clv / prob_alive``, CNY).

    Examples
    --------
    >>> clv = customer_lifetime_value(bg, gg, summary, horizon_months=12)   # doctest: +SKIP

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). RFM and CLV: using iso-value curves
    for customer base analysis. *Journal of Marketing Research* 42(4), 415-430.
    """
    check_argument("time_unit", list(TIME_UNITS), time_unit)
    if not isinstance(horizon_months, int | np.integer) or horizon_months < 1:
        raise ParameterError(f"`horizon_months` must be an integer >= 1, but {horizon_months!r} was passed.")
    if not isinstance(step_months, int | np.integer) or step_months < 1 or horizon_months % step_months:
        raise ParameterError(
            f"`step_months` must be a positive integer dividing horizon_months={horizon_months}, "
            f"but {step_months!r} was passed."
        )
    d = _check_rate("discount_rate", discount_rate)
    m = check_probability("margin", margin, open_interval=False)
    check_summary_columns(summary, ["frequency", "recency", "T", "monetary_value"])
    x = summary["frequency"].to_numpy(dtype=float)
    t_x = summary["recency"].to_numpy(dtype=float)
    T = summary["T"].to_numpy(dtype=float)
    months = np.arange(0, horizon_months + 1, step_months)
    t = months * DAYS_PER_MONTH / TIME_UNITS[time_unit]
    monthly_discount = (1 + d) ** (1 / 12) - 1
    factors = (1 + monthly_discount) ** -months[1:]
    value = gamma_gamma.conditional_expected_average_value(x, summary["monetary_value"].to_numpy(dtype=float))
    expected, discounted = np.empty(len(x)), np.empty(len(x))
    # customers x horizon steps in blocks: each customer's row is computed alike whatever the
    # block, while the 2-D temporaries stay small (13 months of 5M customers are 520 MB each)
    for lo in range(0, len(x), CLV_BLOCK_CUSTOMERS):
        rows = slice(lo, lo + CLV_BLOCK_CUSTOMERS)
        cumulative = bgnbd.conditional_expected_purchases(t[None, :], x[rows, None], t_x[rows, None],
                                                          T[rows, None])
        expected[rows] = cumulative[:, -1]
        discounted[rows] = (np.diff(cumulative, axis=1) * factors[None, :]).sum(axis=1)  # no BLAS call
    clv = m * value * discounted
    alive = bgnbd.prob_alive(x, t_x, T)
    return pd.DataFrame(
        {
            "prob_alive": alive,
            "expected_purchases": expected,
            "expected_value": value,
            "clv": clv,
            "clv_if_alive": np.where(alive > 0, clv / np.maximum(alive, 1e-300), 0.0),
        },
        index=summary.index,
    )


def retention_clv(margin, retention_rate, discount_rate):
    """Constant-retention CLV = m * r / (1 + d - r) (infinite horizon, constant retention).

    Parameters
    ----------
    margin : float or array
        Margin per customer per year (CNY).
    retention_rate : float or array
        Share of customers who buy again next year (0 <= r < 1).
    discount_rate : float or array
        Yearly discount rate (0 <= d < 1).

    Returns
    -------
    float or ndarray
        CLV in CNY.

    Examples
    --------
    >>> round(retention_clv(100.0, 0.6, 0.1), 2)
    120.0

    References
    ----------
    Gupta, S. & Lehmann, D. R. (2003). Customers as assets. *Journal of Interactive
    Marketing* 17(1), 9-24.
    """
    r = np.asarray(retention_rate, dtype=float)
    d = np.asarray(discount_rate, dtype=float)
    if np.any(~np.isfinite(r)) or np.any(r < 0) or np.any(r >= 1):
        raise ParameterError(f"`retention_rate` must be in [0, 1), but {retention_rate!r} was passed.")
    if np.any(~np.isfinite(d)) or np.any(d < 0) or np.any(d >= 1):
        raise ParameterError(f"`discount_rate` must be in [0, 1), but {discount_rate!r} was passed.")
    out = np.asarray(margin, dtype=float) * r / (1 + d - r)
    return float(out) if out.ndim == 0 else out


def simple_clv(aov, purchases_per_year, margin, lifetime_years):
    """Simple CLV = AOV * purchases per year * margin * lifetime (no discounting).

    Parameters
    ----------
    aov : float
        Average order value (CNY).
    purchases_per_year : float
        Purchases per customer per year.
    margin : float
        Gross margin share (0-1).
    lifetime_years : float
        Expected customer lifetime (years), e.g. 1 / (1 - retention rate).

    Returns
    -------
    float
        CLV in CNY.

    Examples
    --------
    >>> simple_clv(200.0, 2.0, 0.3, 2.5)
    300.0
    """
    for name, value in (("aov", aov), ("purchases_per_year", purchases_per_year),
                        ("lifetime_years", lifetime_years)):
        check_positive(name, value, allow_zero=True)
    m = check_probability("margin", margin, open_interval=False)
    return float(aov) * float(purchases_per_year) * m * float(lifetime_years)


def _two_years_error(end, first_day) -> DataError:
    return DataError(
        f"The simple CLV formulas need two years of history to measure a yearly retention rate; "
        f"the data cover {(end - first_day).astype(int) + 1} days.",
        fix="Use the BG/NBD model, which works with shorter histories.",
    )


def _book_inputs(transactions, as_of, *, customer_col, date_col, value_col, order_col, status_col,
                 quantity_col) -> tuple[float, float, float]:
    """AOV, orders per buyer and yearly retention of :func:`book_clv_inputs` (pandas)."""
    check_transactions(transactions, customer_col=customer_col, date_col=date_col, value_col=value_col)
    check_columns(transactions, [order_col], "transactions")
    lines = known_customer_lines(transactions, customer_col=customer_col, date_col=date_col,
                                 status_col=status_col, quantity_col=quantity_col)
    end = (lines[date_col].max().floor("D").to_datetime64().astype("datetime64[D]")
           if as_of is None else _as_day(as_of, "as_of"))
    first_day = lines[date_col].min().floor("D").to_datetime64().astype("datetime64[D]")
    if end - first_day < np.timedelta64(729, "D"):
        raise _two_years_error(end, first_day)
    year1 = _window(lines, date_col, start=end - np.timedelta64(730, "D"), end=end - np.timedelta64(365, "D"))
    year2 = _window(lines, date_col, start=end - np.timedelta64(365, "D"), end=end)
    buyers1 = pd.Index(year1[customer_col].unique())
    buyers2 = pd.Index(year2[customer_col].unique())
    if len(buyers1) == 0 or len(buyers2) == 0:
        raise DataError("No purchases in one of the two years before `as_of`.")
    r = float(buyers1.isin(buyers2).mean())
    orders = year2[order_col].nunique()
    aov = float(year2[value_col].sum() / orders)
    per_year = float(orders / len(buyers2))
    return aov, per_year, r


def _book_inputs_on_engine(transactions, as_of, **columns) -> tuple[float, float, float]:
    """The same three numbers from the counts of :func:`ecomlib.engine.customers.book_year_counts`."""
    from ecomlib.engine import customers as engine

    got = engine.book_year_counts(transactions, None if as_of is None else _as_day(as_of, "as_of"), **columns)
    end, first_day = np.datetime64(got["end"], "D"), np.datetime64(got["first"], "D")
    if end - first_day < np.timedelta64(729, "D"):
        raise _two_years_error(end, first_day)
    if got["buyers1"] == 0 or got["buyers2"] == 0:
        raise DataError("No purchases in one of the two years before `as_of`.")
    r = float(got["both"] / got["buyers1"])
    aov = float(got["revenue"] / got["orders"])
    return aov, float(got["orders"] / got["buyers2"]), r


def book_clv_inputs(
    transactions: pd.DataFrame,
    margin: float = 0.3,
    discount_rate: float = 0.1,
    as_of=None,
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    value_col: str = "revenue",
    order_col: str = "order_id",
    status_col: str = "status",
    quantity_col: str = "quantity",
) -> pd.Series:
    """Estimate the simple formulas' inputs from the last two years of data, and both CLVs.

    Year 1 is the 365 days before the last 365 days up to ``as_of``; year 2 the last 365
    days. Retention r = share of year-1 buyers who buy again in year 2; AOV = revenue per
    order and purchases per year = orders per buying customer, both over year 2;
    lifetime = 1 / (1 - r) years.

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Order lines with ``customer_col``, ``date_col`` (datetime64), ``value_col`` (CNY)
        and ``order_col``; at least two years of history. An ibis Table (or a frame large
        enough for DuckDB) is counted on its engine; only the yearly counts come back.
    margin : float
        Gross margin share (0-1).
    discount_rate : float
        Yearly discount rate.
    as_of : date-like, optional
        End of observation. Default: last purchase day.
    customer_col, date_col, value_col, order_col, status_col, quantity_col : str
        Column names.

    Returns
    -------
    Series
        ``aov``, ``purchases_per_year``, ``retention_rate``, ``lifetime_years``,
        ``margin_per_year`` (CNY), ``clv_retention_formula``, ``clv_simple_formula`` (CNY).

    Examples
    --------
    >>> book_clv_inputs(transactions, margin=0.3)        # doctest: +SKIP
    """
    m = check_probability("margin", margin, open_interval=False)
    d = _check_rate("discount_rate", discount_rate)
    columns = dict(customer_col=customer_col, date_col=date_col, value_col=value_col, order_col=order_col,
                   status_col=status_col, quantity_col=quantity_col)
    if route(transactions) == "ibis":
        aov, per_year, r = _book_inputs_on_engine(transactions, as_of, **columns)
    else:
        aov, per_year, r = _book_inputs(transactions, as_of, **columns)
    margin_per_year = aov * per_year * m
    lifetime = 1 / (1 - r) if r < 1 else float("inf")
    return pd.Series(
        {
            "aov": aov,
            "purchases_per_year": per_year,
            "retention_rate": r,
            "lifetime_years": lifetime,
            "margin_per_year": margin_per_year,
            "clv_retention_formula": retention_clv(margin_per_year, min(r, 0.999999), d),
            "clv_simple_formula": simple_clv(aov, per_year, m, lifetime),
        }
    )


@dataclass(frozen=True)
class BookCLV:
    """The constant-retention CLV formula with its year-by-year build-up.

    Attributes
    ----------
    margin_per_year : float
        m = AOV x purchases per year x margin share (CNY per active customer per year).
    retention_rate, discount_rate : float
        r and d (yearly).
    clv : float
        m r / (1 + d - r) (CNY), the sum of ``years["discounted"]`` over an infinite horizon.
    years : DataFrame
        Per year t = 1, 2, ...: ``still_active`` (r^t), ``discounted`` (m r^t / (1 + d)^t, CNY)
        and ``cumulative`` (CNY).
    """

    margin_per_year: float
    retention_rate: float
    discount_rate: float
    clv: float
    years: pd.DataFrame

    def headline(self) -> str:
        """One line: the CLV and what it is made of."""
        lifetime = 1 / (1 - self.retention_rate)
        return (f"CLV = ¥{self.clv:,.0f}: margin ¥{self.margin_per_year:,.0f} a year, "
                f"retention {self.retention_rate:.0%} (expected lifetime {lifetime:.1f} years), "
                f"discount {self.discount_rate:.0%}")

    def summary(self) -> pd.DataFrame:
        """One-row table of the inputs and the CLV."""
        return pd.DataFrame({"margin_per_year": [self.margin_per_year], "retention_rate": [self.retention_rate],
                             "discount_rate": [self.discount_rate], "clv": [self.clv]})


def book_clv_projection(
    aov: float,
    purchases_per_year: float,
    margin: float = 0.3,
    retention_rate: float = 0.5,
    discount_rate: float = 0.1,
    years: int = 10,
) -> BookCLV:
    """The constant-retention CLV = m r / (1 + d - r) with the value it adds year by year.

    Parameters
    ----------
    aov : float
        Average order value (CNY).
    purchases_per_year : float
        Orders per active customer per year.
    margin : float
        Gross margin share (0-1); m = aov x purchases_per_year x margin.
    retention_rate : float
        Share of customers active again next year (0 <= r < 1).
    discount_rate : float
        Yearly discount rate (0 <= d < 1).
    years : int
        Years shown in ``BookCLV.years`` (the CLV itself is over an infinite horizon).

    Returns
    -------
    BookCLV

    Examples
    --------
    >>> round(book_clv_projection(200.0, 2.0, 0.25, 0.6, 0.1).clv, 2)
    120.0
    """
    m = check_probability("margin", margin, open_interval=False)
    check_positive("aov", aov, allow_zero=True)
    check_positive("purchases_per_year", purchases_per_year, allow_zero=True)
    margin_per_year = float(aov) * float(purchases_per_year) * m
    clv = retention_clv(margin_per_year, retention_rate, discount_rate)
    t = np.arange(1, int(years) + 1)
    active = float(retention_rate) ** t
    discounted = margin_per_year * active / (1 + float(discount_rate)) ** t
    table = pd.DataFrame({"year": t, "still_active": active, "discounted": discounted,
                          "cumulative": np.cumsum(discounted)})
    return BookCLV(margin_per_year, float(retention_rate), float(discount_rate), float(clv), table)


def clv_by_group(clv: pd.DataFrame, groups: pd.Series, *, unknown: str = "unknown") -> pd.DataFrame:
    """Customers, mean and total CLV, and mean probability alive per group (e.g. acquisition channel).

    Parameters
    ----------
    clv : DataFrame
        Output of :func:`customer_lifetime_value` (index customer id).
    groups : Series
        Group per customer id; customers not in it are labelled ``unknown``.

    Returns
    -------
    DataFrame
        Index ``group``; ``customers``, ``clv`` (mean, CNY), ``total_clv`` (CNY),
        ``prob_alive`` (mean) and ``expected_purchases`` (mean over the horizon), sorted by
        mean CLV, largest first.

    Examples
    --------
    >>> import pandas as pd
    >>> clv = pd.DataFrame({"clv": [10.0, 30.0, 5.0], "prob_alive": [0.5, 0.9, 0.2],
    ...                     "expected_purchases": [1.0, 2.0, 0.5]}, index=["a", "b", "c"])
    >>> clv_by_group(clv, pd.Series({"a": "email", "b": "email", "c": "search"}))["clv"].tolist()
    [20.0, 5.0]
    """
    check_frame(clv, "clv")
    check_columns(clv, ["clv", "prob_alive", "expected_purchases"], "clv")
    if not isinstance(groups, pd.Series):
        raise ParameterError(
            f"`groups` must be a Series indexed by customer id, but a {type(groups).__name__} was passed."
        )
    labels = clv.index.map(groups).to_series(index=clv.index).fillna(unknown).astype(str)
    grouped = clv.groupby(labels)
    out = pd.DataFrame({
        "customers": grouped.size(),
        "clv": grouped["clv"].mean(),
        "total_clv": grouped["clv"].sum(),
        "prob_alive": grouped["prob_alive"].mean(),
        "expected_purchases": grouped["expected_purchases"].mean(),
    })
    out.index.name = "group"
    return out.sort_values("clv", ascending=False)


def margin_rate(transactions: pd.DataFrame, products: pd.DataFrame | None = None) -> tuple[float, str]:
    """Gross margin of the shop's completed sales, as a share of revenue, and where it came from.

    The unit costs come from the lines' ``unit_cost``, else from ``products.unit_cost``
    (:func:`ecomlib.pricing.line_costs`); without either, the shared assumption
    ``1 - ecomlib.pricing.DEFAULT_COST_RATIO`` (40 %) is used, so every chapter that needs a
    margin uses the same one.

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Order lines with ``quantity``, ``unit_price``, ``revenue`` (CNY); optional ``status``,
        ``unit_cost``, ``product_id``. An ibis Table (or a frame large enough for DuckDB) is
        summed on its engine.
    products : DataFrame, optional
        ``product_id`` and ``unit_cost`` (CNY).

    Returns
    -------
    (float, str)
        Margin share (0-1) and its source: ``"unit costs (transactions)"``, ``"unit costs
        (products)"`` or ``"assumed: unit cost 60 % of price"``.

    Examples
    --------
    >>> import pandas as pd
    >>> lines = pd.DataFrame({"quantity": [1, 3], "unit_price": [10.0, 10.0],
    ...                       "revenue": [10.0, 30.0], "unit_cost": [6.0, 5.0]})
    >>> margin_rate(lines)
    (0.475, 'unit costs (transactions)')
    """
    from ecomlib.pricing import DEFAULT_COST_RATIO, line_costs

    if route(transactions) == "ibis":
        from ecomlib.engine import customers as engine

        sums = engine.margin_sums(transactions, products)
        if sums["source"] is None:
            return 1 - DEFAULT_COST_RATIO, f"assumed: unit cost {DEFAULT_COST_RATIO:.0%} of price"
        if sums["revenue"] <= 0:
            raise DataError("The completed sales have no positive revenue, so no margin can be measured.")
        return 1 - sums["cost"] / sums["revenue"], f"unit costs ({sums['source']})"
    check_frame(transactions, "transactions")
    done = transactions
    if "status" in done:
        done = done[done["status"] == "completed"]
    if "quantity" in done:
        done = done[done["quantity"] > 0]
    has_costs = {"quantity", "unit_price"} <= set(done.columns) and not done.empty and (
        ("unit_cost" in done and done["unit_cost"].notna().all())
        or (products is not None and "unit_cost" in products and "product_id" in done))
    if has_costs:
        try:
            cost, source = line_costs(done, products)
        except DataError:  # some products without a cost: fall back to the assumption
            has_costs = False
    if not has_costs:
        return 1 - DEFAULT_COST_RATIO, f"assumed: unit cost {DEFAULT_COST_RATIO:.0%} of price"
    revenue = float(done["revenue"].sum())
    if revenue <= 0:
        raise DataError("The completed sales have no positive revenue, so no margin can be measured.")
    rate = 1 - float((done["quantity"] * cost).sum()) / revenue
    return rate, f"unit costs ({source})"


@dataclass(frozen=True)
class ShopCustomerValue:
    """The shop's customer value, as the retention chapter computes it and the traffic chapter uses it.

    Attributes
    ----------
    clv : DataFrame
        Per customer, the output of :func:`customer_lifetime_value`.
    mean : float
        Mean CLV per identified customer over ``horizon_months`` (CNY): the key figure ``clv_mean``.
    margin : float
        Gross margin share used (0-1).
    margin_source : str
        Where the margin came from (see :func:`margin_rate`).
    horizon_months : int
        Months valued.
    monthly_margin : float
        ``mean / horizon_months``: the average discounted margin per customer and month (CNY).
    """

    clv: pd.DataFrame
    mean: float
    margin: float
    margin_source: str
    horizon_months: int
    monthly_margin: float


def shop_customer_value(
    transactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    as_of=None,
    horizon_months: int = 12,
    discount_rate: float = 0.1,
    margin: float | None = None,
) -> ShopCustomerValue:
    """One customer value for every chapter: BG/NBD + Gamma-Gamma CLV with the shop's own margin.

    Fits both models on the weekly RFM summary as of ``as_of`` and values every identified
    customer over ``horizon_months`` (:func:`customer_lifetime_value`), with the margin from the
    shop's unit costs (:func:`margin_rate`) unless ``margin`` is given. The retention chapter
    computes the same figure step by step; the traffic chapter divides it by CAC (LTV:CAC).

    Parameters
    ----------
    transactions : DataFrame
        Order lines (``customer_id``, ``order_date``, ``revenue``, ``order_id``; ``status``,
        ``quantity``, ``unit_price``, ``unit_cost`` when present).
    products : DataFrame, optional
        ``product_id`` and ``unit_cost`` (CNY), for the margin.
    as_of : date-like, optional
        End of observation; default the last order day.
    horizon_months : int, default 12
        Months valued.
    discount_rate : float, default 0.1
        Yearly discount rate.
    margin : float, optional
        Gross margin share; default: measured (:func:`margin_rate`).

    Returns
    -------
    ShopCustomerValue

    Examples
    --------
    >>> value = shop_customer_value(tx, products)      # doctest: +SKIP
    >>> value.mean, value.margin_source                 # doctest: +SKIP
    """
    from ecomlib.retention.rfm import rfm_summary

    if margin is None:
        m, source = margin_rate(transactions, products)
    else:
        m, source = check_probability("margin", margin, open_interval=False), "set by the `margin` parameter"
    day = (transactions["order_date"].max().floor("D") if as_of is None else pd.Timestamp(as_of))
    summary = rfm_summary(transactions, day, "W")
    bg = BetaGeoModel().fit(summary)
    gg = GammaGammaModel().fit(summary)
    clv = customer_lifetime_value(bg, gg, summary, horizon_months, discount_rate, m, "W")
    mean = float(clv["clv"].mean())
    return ShopCustomerValue(clv, mean, float(m), source, int(horizon_months), mean / horizon_months)
