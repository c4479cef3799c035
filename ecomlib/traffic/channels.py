"""Channel economics: what each traffic source costs and brings (book 6.1).

Per channel::

    CTR  = clicks / impressions            CPC  = spend / clicks
    conversion = purchase sessions / sessions
    AOV  = revenue / orders                ROAS = revenue / spend
    CAC  = spend / new customers           LTV:CAC = customer value / CAC
    payback (months) = CAC / (gross margin per customer per month)

New customers are counted from the customers table (``acquisition_channel``) when given,
otherwise from the channel of each customer's first completed order. The CAC interval uses
the exact (Garwood) Poisson interval of the new-customer count, spend being known.

When no customer value is at hand, :func:`simple_customer_value` gives the textbook
formula ``margin per order x orders per year x expected lifetime in years`` (the retention
chapter estimates a better one).

References
----------
Farris, P. W., Bendle, N. T., Pfeifer, P. E., Reibstein, D. J. (2010). *Marketing Metrics*,
2nd ed., ch. 5 and 9. Garwood, F. (1936). Fiducial limits for the Poisson distribution.
*Biometrika* 28, 437-442.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ecomlib.engine import rules
from ecomlib.engine.backend import route
from ecomlib.errors import DataError
from ecomlib.validation import (
    check_columns,
    check_frame,
    check_numeric,
    check_positive,
    check_probability,
)

__all__ = ["CustomerEconomics", "channel_performance", "customer_economics", "poisson_interval",
           "simple_customer_value"]


def poisson_interval(count, alpha: float = 0.05):
    """Exact (Garwood) interval of a Poisson mean from an observed ``count`` (vectorised).

    Examples
    --------
    >>> low, high = poisson_interval(10)
    >>> round(float(low), 3), round(float(high), 3)
    (4.795, 18.39)
    """
    k = np.asarray(count, dtype=float)
    low = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * k) / 2, 0.0)
    high = stats.chi2.ppf(1 - alpha / 2, 2 * (k + 1)) / 2
    return low, high


def simple_customer_value(
    margin_per_order: float, orders_per_year: float, lifetime_years: float
) -> float:
    """Customer value as margin x frequency x lifetime (CNY of gross margin per customer).

    Parameters
    ----------
    margin_per_order : float
        Gross margin of an average order (CNY).
    orders_per_year : float
        Orders per active customer per year.
    lifetime_years : float
        Expected years a customer stays active.

    Examples
    --------
    >>> simple_customer_value(60.0, 2.5, 3.0)
    450.0
    """
    m = check_positive("margin_per_order", margin_per_order, allow_zero=True)
    f = check_positive("orders_per_year", orders_per_year)
    life = check_positive("lifetime_years", lifetime_years)
    return float(m * f * life)


@dataclass(frozen=True)
class CustomerEconomics:
    """Inputs of the simple customer value, measured on the transactions.

    Attributes
    ----------
    margin_per_order : float
        Gross margin of an average completed order (CNY).
    orders_per_year : float
        Completed orders per identified customer per year of data.
    lifetime_years : float
        Assumed customer lifetime (years).
    value : float
        ``margin_per_order x orders_per_year x lifetime_years`` (CNY per customer).
    monthly_margin : float
        ``margin_per_order x orders_per_year / 12`` (CNY per customer per month).
    margin_source : str
        ``"unit_cost"`` when costs were in the data, else ``"assumed margin_rate"``.
    """

    margin_per_order: float
    orders_per_year: float
    lifetime_years: float
    value: float
    monthly_margin: float
    margin_source: str

    def summary(self) -> pd.DataFrame:
        """The inputs and results as a two-column table."""
        return pd.DataFrame({
            "quantity": ["margin per order (CNY)", "orders per customer per year",
                         "lifetime (years)", "customer value (CNY)", "margin per month (CNY)"],
            "value": [self.margin_per_order, self.orders_per_year, self.lifetime_years,
                      self.value, self.monthly_margin],
        })


def customer_economics(
    transactions: pd.DataFrame,
    *,
    lifetime_years: float = 3.0,
    margin_rate: float = 0.3,
    min_days: int = 365,
    order_col: str = "order_id",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    revenue_col: str = "revenue",
    quantity_col: str = "quantity",
    cost_col: str = "unit_cost",
    status_col: str = "status",
) -> CustomerEconomics:
    """Measure margin per order and purchase frequency, and form the simple customer value.

    Parameters
    ----------
    transactions : DataFrame
        Order lines with ``order_id``, ``customer_id``, ``order_date``, ``revenue`` (CNY) and,
        when available, ``quantity`` and ``unit_cost`` (CNY) for the gross margin. Completed
        lines only count when ``status`` is present.
    lifetime_years : float, default 3
        Assumed years a customer stays (the retention chapter estimates it).
    margin_rate : float, default 0.3
        Gross margin as a share of revenue, used only when ``unit_cost`` is missing.
    min_days : int, default 365
        Days of orders needed to annualise the purchase frequency. Over a shorter window
        nearly every customer is seen once, so orders per customer per year come out near
        ``365 / days`` whatever the true frequency (four weeks would read as 13 orders a year).

    Returns
    -------
    CustomerEconomics

    Raises
    ------
    DataError
        When no completed line has a ``customer_id`` (guest orders, a store x product panel)
        or the orders cover fewer than ``min_days`` days: the customer value would mislead.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"order_id": ["a", "b"], "customer_id": ["c", "c"],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-12-31"]),
    ...                    "revenue": [100.0, 300.0]})
    >>> econ = customer_economics(tx, lifetime_years=2)  # margin 30 % of revenue, no unit_cost
    >>> econ.margin_per_order, round(econ.value, 1)  # 60 x (2 orders / 366 days x 365.25) x 2
    (60.0, 239.5)
    """
    transactions = check_frame(transactions, "transactions")
    check_columns(transactions, [order_col, customer_col, date_col, revenue_col], "transactions")
    check_numeric(transactions, [revenue_col], "transactions")
    life = check_positive("lifetime_years", lifetime_years)
    rate = check_probability("margin_rate", margin_rate, open_interval=False)
    done = transactions
    if status_col in transactions:
        done = transactions[transactions[status_col] == "completed"]
    if done.empty:
        raise DataError("`transactions` has no completed order lines.")
    if cost_col in done and quantity_col in done and done[cost_col].notna().all():
        margin = done[revenue_col] - done[quantity_col] * done[cost_col]
        source = "unit_cost"
    else:
        margin = done[revenue_col] * rate
        source = "assumed margin_rate"
    orders = done[order_col].nunique()
    margin_per_order = float(margin.sum() / orders)
    known = done.dropna(subset=[customer_col])
    days = (done[date_col].max() - done[date_col].min()).days + 1
    if known.empty:
        raise DataError("Need identified customers (customer_id) to measure purchase frequency; "
                        "no completed order line has one, so the customer value (and LTV:CAC, "
                        "payback) is left out.")
    needed = int(check_positive("min_days", min_days))
    if days < needed:
        raise DataError(f"Purchase frequency needs {needed} days of orders to be annualised; the "
                        f"data cover {days} day(s), over which most customers are seen only once, "
                        "so the customer value (and LTV:CAC, payback) is left out.")
    per_year = known[order_col].nunique() / known[customer_col].nunique() / (days / 365.25)
    return CustomerEconomics(
        margin_per_order=margin_per_order, orders_per_year=float(per_year), lifetime_years=life,
        value=margin_per_order * per_year * life, monthly_margin=margin_per_order * per_year / 12,
        margin_source=source,
    )


def _as_channel_series(value, name: str, channels) -> pd.Series:
    if value is None:
        return pd.Series(np.nan, index=channels)
    if isinstance(value, dict):
        value = pd.Series(value)
    if isinstance(value, pd.Series):
        return value.reindex(channels).astype(float)
    return pd.Series(check_positive(name, value), index=channels)


def _new_customers(facts, customers, cols, min_history_days):
    """New customers per channel, or (NaN series, the reason) when they cannot be counted."""
    if customers is not None:
        customers = check_frame(customers, "customers")
        check_columns(customers, [cols["acquisition"]], "customers")
        return customers[cols["acquisition"]].value_counts().rename("new_customers"), None
    unknown = pd.Series(np.nan, index=pd.Index([], dtype=object), name="new_customers")
    if not facts["known"]:
        return unknown, ("new customers per channel need customer ids (customer_id) in the "
                         "transactions or a customers table with acquisition_channel")
    days = (facts["last"] - facts["first"]).days + 1
    if min_history_days and days < min_history_days:
        return unknown, (f"new customers per channel need {int(min_history_days)} days of orders "
                         f"(or a customers table with acquisition_channel); in {days} day(s) a "
                         "customer's first order in the data is mostly not their first ever")
    return facts["new_customers"].rename("new_customers"), None


def _channel_facts(done: pd.DataFrame, by: str, cols: dict, new_from_lines: bool) -> dict:
    """The facts of :func:`ecomlib.engine.traffic.channel_facts`, computed in pandas."""
    dates = done[cols["date"]]
    known = done.dropna(subset=[cols["customer"]])
    facts = {"lines": len(done), "with_channel": int(done[by].notna().sum()), "first": dates.min(),
             "last": dates.max(), "weekdays": int(dates.dropna().dt.day_of_week.nunique()), "known": len(known)}
    if not facts["lines"] or not facts["with_channel"]:
        return facts
    facts["sales"] = done.groupby(by, observed=True).agg(orders=(cols["order"], "nunique"),
                                                         revenue=(cols["revenue"], "sum"))
    if new_from_lines and len(known):
        ordered = known.iloc[rules.first_line_order(known[cols["date"]], known[by])]
        first = ordered.drop_duplicates(cols["customer"])
        facts["new_customers"] = first[by].value_counts().sort_index()
    return facts


def _weekly_totals(facts: dict, min_weeks: int = 3) -> str | None:
    """Why the lines are not orders when every one is dated on the same weekday, else None."""
    if pd.isna(facts["first"]):
        return None
    weeks = (facts["last"].normalize() - facts["first"].normalize()).days // 7 + 1
    if facts["weekdays"] > 1 or weeks < min_weeks:
        return None
    return (f"every line is dated on a {facts['first']:%A} over {weeks} weeks: the export holds weekly "
            "totals, not orders, so orders and order value (AOV) per channel are left out")


def channel_performance(
    spend: pd.DataFrame | None,
    sessions: pd.DataFrame | None,
    transactions: pd.DataFrame,
    by: str = "channel",
    *,
    customers: pd.DataFrame | None = None,
    customer_value: float | dict | pd.Series | None = None,
    monthly_margin: float | dict | pd.Series | None = None,
    alpha: float = 0.05,
    min_history_days: int = 0,
    purchase_step: str = "purchase",
    step_col: str = "step",
    spend_col: str = "spend",
    impressions_col: str = "impressions",
    clicks_col: str = "clicks",
    order_col: str = "order_id",
    revenue_col: str = "revenue",
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    status_col: str = "status",
    acquisition_col: str = "acquisition_channel",
) -> pd.DataFrame:
    """One row per channel with its traffic, conversion, revenue and acquisition economics.

    Parameters
    ----------
    spend : DataFrame or None
        Marketing spend: ``by``, ``spend`` (CNY), ``impressions``, ``clicks`` (any rows, e.g.
        daily). None when unknown (cost columns are then NaN).
    sessions : DataFrame or None
        Sessions: ``by`` and ``step`` (furthest funnel step). None when unknown.
    transactions : DataFrame
        Order lines: ``order_id``, ``by``, ``revenue`` (CNY), ``customer_id``, ``order_date``,
        ``status``. Only ``completed`` lines count toward orders and revenue.
    by : str, default "channel"
    customers : DataFrame, optional
        With ``acquisition_channel``: new customers per channel come from here.
    customer_value : float, dict or Series, optional
        Lifetime gross margin per customer (CNY), overall or per channel; adds ``ltv_cac``.
    monthly_margin : float, dict or Series, optional
        Gross margin per customer per month (CNY); adds ``payback_months``.
    alpha : float, default 0.05
        One minus the level of the CAC interval.
    min_history_days : int, default 0
        When new customers come from the transactions (no ``customers`` table), the days of
        orders needed to count them: in a short window a customer's first order in the data
        is mostly a returning customer's. 0 counts them whatever the window.
    purchase_step, step_col, *_col : str
        Column names and the funnel's last step.

    Returns
    -------
    DataFrame
        Indexed by channel: ``spend``, ``impressions``, ``clicks``, ``ctr``, ``cpc``,
        ``sessions``, ``conversion``, ``orders``, ``revenue``, ``aov``, ``new_customers``,
        ``cac``, ``cac_low``, ``cac_high``, ``roas``, ``ltv_cac``, ``payback_months``.
        Channels without spend (organic, direct) have NaN cost ratios. ``new_customers``
        (and so CAC) is NaN when it cannot be counted: no customer ids and no customers
        table, or fewer than ``min_history_days`` days. ``orders`` and ``aov`` are NaN when
        every line is dated on the same weekday over three weeks or more (a weekly store x
        product panel: its lines are weekly totals, not orders). ``attrs["notes"]`` says why
        (a list of sentences, empty when every column could be computed).

    Raises
    ------
    DataError
        When no completed line has a ``by`` value (an export without a channel column: use
        :func:`ecomlib.data.substitutes.channel_substitute` for one channel "all").

    Examples
    --------
    >>> import pandas as pd
    >>> spend = pd.DataFrame({"channel": ["ads"], "spend": [100.0], "impressions": [1000],
    ...                       "clicks": [50]})
    >>> tx = pd.DataFrame({"order_id": ["o1"], "channel": ["ads"], "revenue": [300.0],
    ...                    "customer_id": ["c1"], "order_date": pd.to_datetime(["2024-01-01"]),
    ...                    "status": ["completed"]})
    >>> channel_performance(spend, None, tx).loc["ads", ["cac", "roas"]].tolist()
    [100.0, 3.0]
    """
    engine = route(transactions) == "ibis"
    if not engine:
        transactions = check_frame(transactions, "transactions")
        check_columns(transactions, [by, order_col, revenue_col, customer_col, date_col], "transactions")
        check_numeric(transactions, [revenue_col], "transactions")
    alpha = check_probability("alpha", alpha)
    cols = {"status": status_col, "customer": customer_col, "date": date_col, "order": order_col,
            "revenue": revenue_col, "acquisition": acquisition_col}
    if engine:
        from ecomlib.engine import traffic as engine_traffic

        facts = engine_traffic.channel_facts(transactions, by, new_from_lines=customers is None,
                                             order_col=order_col, revenue_col=revenue_col,
                                             customer_col=customer_col, date_col=date_col, status_col=status_col)
    else:
        done = transactions
        if status_col in transactions:
            done = transactions[rules.completed_sale(transactions[status_col])]
        facts = _channel_facts(done, by, cols, new_from_lines=customers is None)
    if not facts["lines"]:
        raise DataError("`transactions` has no completed order lines.")
    if not facts["with_channel"]:
        raise DataError(f"`transactions` has no {by!r} on any completed line, so nothing can be "
                        f"split by {by}; ecomlib.data.substitutes.channel_substitute puts every "
                        "order in one channel 'all'.")
    new_customers, why_not = _new_customers(facts, customers, cols, min_history_days)
    parts = [facts["sales"], new_customers]
    if spend is not None:
        parts.append(_spend_sums(spend, by, spend_col, impressions_col, clicks_col))
    if sessions is not None:
        parts.append(_session_counts(sessions, by, step_col, purchase_step))
    out = pd.concat(parts, axis=1)
    out.index.name = by
    for col in ("spend", "impressions", "clicks", "sessions", "purchase_sessions"):
        if col not in out:
            out[col] = np.nan
    for col in ("orders", "revenue") if why_not else ("orders", "revenue", "new_customers"):
        out[col] = out[col].fillna(0)
    weekly = _weekly_totals(facts)
    if weekly:
        out["orders"] = np.nan
    paid = out["spend"] > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ctr"] = out["clicks"] / out["impressions"]
        out["cpc"] = (out["spend"] / out["clicks"]).where(paid)
        out["conversion"] = out["purchase_sessions"] / out["sessions"]
        out["aov"] = out["revenue"] / out["orders"].replace(0, np.nan)
        out["cac"] = (out["spend"] / out["new_customers"].replace(0, np.nan)).where(paid)
        low, high = poisson_interval(out["new_customers"].to_numpy(), alpha)
        out["cac_low"] = (out["spend"] / high).where(paid)
        out["cac_high"] = (out["spend"] / pd.Series(low, index=out.index).replace(0, np.nan)).where(paid)
        out["roas"] = (out["revenue"] / out["spend"]).where(paid)
    channels = out.index
    value = _as_channel_series(customer_value, "customer_value", channels)
    margin = _as_channel_series(monthly_margin, "monthly_margin", channels)
    out["ltv_cac"] = value / out["cac"]
    out["payback_months"] = out["cac"] / margin
    cols_out = ["spend", "impressions", "clicks", "ctr", "cpc", "sessions", "conversion", "orders",
                "revenue", "aov", "new_customers", "cac", "cac_low", "cac_high", "roas", "ltv_cac",
                "payback_months"]
    out = out[cols_out].sort_index().sort_values("revenue", ascending=False, kind="stable")
    out.attrs["notes"] = [note for note in (weekly, why_not) if note]
    return out


def _spend_sums(spend, by, spend_col, impressions_col, clicks_col) -> pd.DataFrame:
    if route(spend) == "ibis":
        from ecomlib.engine import traffic as engine_traffic

        cost, negative = engine_traffic.spend_sums(spend, by, spend_col=spend_col, impressions_col=impressions_col,
                                                   clicks_col=clicks_col)
    else:
        spend = check_frame(spend, "spend")
        check_columns(spend, [by, spend_col, impressions_col, clicks_col], "spend")
        check_numeric(spend, [spend_col, impressions_col, clicks_col], "spend")
        negative = bool((spend[spend_col] < 0).any())
        cost = spend.groupby(by, observed=True)[[spend_col, impressions_col, clicks_col]].sum()
    if negative:
        raise DataError(f"`spend` column {spend_col!r} has negative values.")
    return cost.rename(columns={spend_col: "spend", impressions_col: "impressions", clicks_col: "clicks"})


def _session_counts(sessions, by, step_col, purchase_step) -> pd.DataFrame:
    if route(sessions) == "ibis":
        from ecomlib.engine import traffic as engine_traffic

        return engine_traffic.session_counts(sessions, by, step_col=step_col, purchase_step=purchase_step)
    sessions = check_frame(sessions, "sessions")
    check_columns(sessions, [by, step_col], "sessions")
    is_purchase = (sessions[step_col] == purchase_step).rename("purchases")
    traffic = is_purchase.groupby(sessions[by], observed=True).agg(["size", "sum"])
    return traffic.rename(columns={"size": "sessions", "sum": "purchase_sessions"})
