"""What to do: whom to win back, whom to protect, and whether membership or coupons bring customers back.

:func:`customer_actions` sorts customers by value and by the probability that they are
still alive (BG/NBD):

* **Protect**: high value, probably alive; value at stake = their expected CLV.
* **Win back**: high value, probably gone; value at stake = what they would be worth if they
  were still active, times the probability they are gone: ``clv_if_alive * (1 - prob_alive)``.
* **Nurture** (low value, alive) and **Let go** (low value, gone): value at stake = CLV.

:func:`repurchase_by_group` compares repeat-purchase rates between groups (members vs
others, first order with a coupon vs without). This is an observational comparison: members
may differ from others in many ways, so the gap is an upper bound on the effect unless the
groups were assigned at random (see the traffic chapter's A/B tests).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.engine.backend import route
from ecomlib.errors import DataError, ParameterError
from ecomlib.retention.churn import repeat_purchase_rate
from ecomlib.retention.purchases import check_transactions, known_customer_lines
from ecomlib.retention.segments import labels_as_categorical
from ecomlib.validation import check_columns, check_frame, check_numeric, check_probability

__all__ = ["customer_actions", "action_summary", "repurchase_by_group", "first_order_flag"]

ACTIONS = ("Protect", "Win back", "Nurture", "Let go")


def customer_actions(
    clv: pd.DataFrame,
    value_quantile: float = 0.8,
    alive_threshold: float = 0.5,
    *,
    value_col: str = "clv_if_alive",
) -> pd.DataFrame:
    """Assign each customer an action from their value and probability alive.

    Parameters
    ----------
    clv : DataFrame
        Output of :func:`ecomlib.retention.customer_lifetime_value` (columns ``clv``,
        ``prob_alive`` and ``value_col``).
    value_quantile : float
        Customers at or above this quantile of ``value_col`` count as high value (0-1).
    alive_threshold : float
        Probability alive below which a customer counts as probably gone (0-1).
    value_col : str
        Value used to rank customers (CNY); default their CLV if they are alive.

    Returns
    -------
    DataFrame
        ``clv`` plus ``high_value`` (bool), ``action`` (categorical, its categories the
        actions present, sorted as text) and ``value_at_stake`` (CNY), sorted by value at
        stake, largest first.

    Examples
    --------
    >>> import pandas as pd
    >>> clv = pd.DataFrame({"clv": [90.0, 5.0, 1.0, 0.5], "prob_alive": [0.9, 0.1, 0.8, 0.1],
    ...                     "clv_if_alive": [100.0, 50.0, 1.25, 5.0]})
    >>> customer_actions(clv, value_quantile=0.5)["action"].tolist()
    ['Protect', 'Win back', 'Nurture', 'Let go']
    """
    check_frame(clv, "clv")
    check_columns(clv, ["clv", "prob_alive", value_col], "clv")
    check_numeric(clv, ["clv", "prob_alive", value_col], "clv")
    q = check_probability("value_quantile", value_quantile, open_interval=False)
    p = check_probability("alive_threshold", alive_threshold)
    value = clv[value_col].to_numpy(dtype=float)
    alive = clv["prob_alive"].to_numpy(dtype=float)
    high = value >= np.quantile(value, q)
    probably_alive = alive >= p
    code = np.select([high & probably_alive, high & ~probably_alive, ~high & probably_alive], [0, 1, 2],
                     default=3)  # positions in ACTIONS
    at_stake = np.where(code == ACTIONS.index("Win back"), value * (1 - alive), clv["clv"].to_numpy(dtype=float))
    out = clv.copy(deep=False)  # copy-on-write (pandas 3); the sort below builds the new columns
    out["high_value"] = high
    out["action"] = labels_as_categorical(code, list(ACTIONS))
    out["value_at_stake"] = at_stake
    return out.sort_values("value_at_stake", ascending=False, kind="stable")


def action_summary(actions: pd.DataFrame) -> pd.DataFrame:
    """Customers, total and mean value at stake per action (CNY), in the order Protect, Win back, Nurture, Let go.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"action": ["Protect", "Protect"], "value_at_stake": [1.0, 3.0]})
    >>> action_summary(a).loc["Protect", "value_at_stake"]
    np.float64(4.0)
    """
    check_frame(actions, "actions")
    check_columns(actions, ["action", "value_at_stake"], "actions")
    grouped = actions.groupby("action")["value_at_stake"]
    out = pd.DataFrame({"customers": grouped.size(), "value_at_stake": grouped.sum(),
                        "mean_value_at_stake": grouped.mean()})
    out.index = out.index.astype("str")  # text, also when the actions are categorical
    return out.reindex([a for a in ACTIONS if a in out.index])


def first_order_flag(
    transactions: pd.DataFrame,
    flag_col: str = "promo_id",
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    status_col: str = "status",
    quantity_col: str = "quantity",
) -> pd.Series:
    """Whether each customer's first purchase day had a line with ``flag_col`` set.

    With the default ``flag_col="promo_id"`` this says whether the first order used a
    promotion or coupon. Returns a bool Series indexed by customer id.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "b"], "promo_id": ["P1", None, None],
    ...                    "order_date": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-02"])})
    >>> first_order_flag(tx).tolist()
    [True, False]
    """
    if route(transactions) == "ibis":
        from ecomlib.engine import customers as engine

        return engine.first_day_flags(transactions, flag_col, customer_col=customer_col, date_col=date_col,
                                      status_col=status_col, quantity_col=quantity_col)
    check_transactions(transactions, customer_col=customer_col, date_col=date_col)
    check_columns(transactions, [flag_col], "transactions")
    lines = known_customer_lines(transactions, customer_col=customer_col, date_col=date_col,
                                 status_col=status_col, quantity_col=quantity_col)
    day = lines[date_col].dt.floor("D")
    first_day = day.groupby(lines[customer_col]).transform("min")
    on_first = lines[day == first_day]
    flag = on_first[flag_col].notna() & (on_first[flag_col].astype(str) != "")
    out = flag.groupby(on_first[customer_col]).any()
    out.index.name = "customer_id"
    return out.rename(flag_col)


def _group_names(labels: pd.Series | pd.Index) -> list:
    """The groups present (sorted as text); at least two are needed."""
    names = sorted(pd.unique(labels.dropna()), key=str)
    if len(names) < 2:
        raise DataError(
            f"`groups` must split the customers into at least 2 groups; found {len(names)}.",
            fix="Check that the Series is indexed by the same customer ids as the transactions.",
        )
    return names


def _group_of(ids: pd.Index, groups: pd.Series) -> pd.Series:
    """``ids.map(groups)`` (missing where an id has no group), by position: no hash table is left
    on ``groups``' index (:func:`ecomlib.engine.retention.customer_positions`)."""
    from ecomlib.engine.retention import customer_positions

    return pd.Series(groups.array.take(customer_positions(ids, groups.index), allow_fill=True))


def _group_rates_on_engine(transactions, groups, within_days, as_of, customer_col, date_col) -> dict:
    """:func:`repeat_purchase_rate` per group from one customer-level table of the engine."""
    from ecomlib.engine import customers as engine
    from ecomlib.engine import rules
    from ecomlib.retention.churn import _repeat_rate, _starts_on_engine

    names = _group_names(_group_of(engine.customer_ids(transactions, customer_col=customer_col), groups))
    if as_of is None:  # one common end of observation for every group: the last line of any status
        last = transactions[date_col].max()
        as_of = last.execute() if rules.is_ibis(transactions) else last
    first, to_second, counts, end, customers = _starts_on_engine(
        transactions, as_of, customer_col=customer_col, date_col=date_col, status_col="status",
        quantity_col="quantity")
    labels = _group_of(customers, groups).to_numpy()
    rows = {}
    for name in names:  # a handful of groups
        mine = labels == name
        if not mine.any():
            raise DataError(f"Group {name!r} has no purchase lines with a customer id on or before "
                            f"as_of={as_of!r} once cancelled and return lines are set aside.")
        rows[name] = _repeat_rate(first[mine], to_second[mine], counts[mine], end, within_days)
    return rows


def repurchase_by_group(
    transactions: pd.DataFrame,
    groups: pd.Series,
    within_days: int = 180,
    reference=None,
    as_of=None,
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
) -> pd.DataFrame:
    """Repeat-purchase rate within ``within_days`` of the first purchase, per group.

    Parameters
    ----------
    transactions : DataFrame or ibis Table
        Order lines (``customer_col``, ``date_col``). An ibis Table (or a frame large enough
        for DuckDB) gives the first and second purchase day of every customer from its engine.
    groups : Series
        Group of each customer, indexed by customer id (e.g. ``is_member`` from the
        customers table, or :func:`first_order_flag`). Customers not in it are left out.
    within_days : int
        Window after the first purchase; only customers observed that long are counted.
    reference : optional
        Group the others are compared with. Default: the first group in sorted order.
    as_of : date-like, optional
        End of observation.
    customer_col, date_col : str
        Column names.

    Returns
    -------
    DataFrame
        Index ``group``; ``customers``, ``repeat_customers``, ``repeat_rate``, ``lower``,
        ``upper`` (95% Wilson interval), ``median_days_to_second``, ``difference`` (rate
        minus the reference's, percentage points as a fraction) and ``p_value``
        (two-proportion z test against the reference; NaN for the reference; 1 when both
        groups' rates are 0 or both 1, where the test statistic is undefined).

    Examples
    --------
    >>> effect = repurchase_by_group(transactions, customers.set_index("customer_id")["is_member"])  # doctest: +SKIP
    """
    from statsmodels.stats.proportion import proportion_confint, proportions_ztest  # slow import

    on_engine = route(transactions) == "ibis"
    if not on_engine:
        check_transactions(transactions, customer_col=customer_col, date_col=date_col)
    if not isinstance(groups, pd.Series):
        raise ParameterError(
            f"`groups` must be a Series indexed by customer id, but a {type(groups).__name__} was passed."
        )
    if on_engine:
        rows = _group_rates_on_engine(transactions, groups, within_days, as_of, customer_col, date_col)
    else:
        labels = transactions[customer_col].map(groups)
        names = _group_names(labels)
        if as_of is None:  # one common end of observation for every group
            as_of = transactions[date_col].max()
        rows = {}
        for name in names:  # one vectorised pass per group (a handful of groups)
            rows[name] = repeat_purchase_rate(transactions[labels == name], within_days, as_of,
                                              customer_col=customer_col, date_col=date_col)
    names = list(rows)
    out = pd.DataFrame(rows).T
    out.index.name = "group"
    if out["repeat_customers"].sum() == 0:
        raise DataError(
            f"No customer made a second purchase within {within_days} days of the first, in any "
            "group: there is no repeat rate to compare.",
            fix="Use a longer `within_days` or data with repeat buyers.",
        )
    lower, upper = proportion_confint(out["repeat_customers"].astype(int), out["customers"].astype(int),
                                      method="wilson")
    out["lower"], out["upper"] = lower, upper
    ref = names[0] if reference is None else reference
    if ref not in out.index:
        raise ParameterError(f"`reference` must be one of {list(out.index)}, but {reference!r} was passed.")
    out["difference"] = out["repeat_rate"] - out.loc[ref, "repeat_rate"]
    p_values = []
    ref_pos = out.index.get_loc(ref)
    repeaters = out["repeat_customers"].astype(int).to_numpy()
    customers = out["customers"].astype(int).to_numpy()
    for pos in range(len(out)):  # a handful of groups
        if pos == ref_pos:
            p_values.append(np.nan)
            continue
        pair = [pos, ref_pos]
        pooled = repeaters[pair].sum() / customers[pair].sum()
        # both groups all repeat (or none does): the rates are equal and the z statistic 0 / 0
        p_values.append(float(proportions_ztest(repeaters[pair], customers[pair])[1]) if 0 < pooled < 1 else 1.0)
    out["p_value"] = p_values
    for col in ("customers", "repeat_customers"):
        out[col] = out[col].astype(int)
    return out
