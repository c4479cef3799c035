"""The weekly log-log elasticity fit shared by the sample-shop truth checks.

Used by ``tests/datasets/test_truth_sanity.py`` and the scripts ``recovery_report.py`` and
``price_scale_study.py`` beside this file, so the test and the scripts that size its tolerances
run the same regression.
"""

import numpy as np
import pandas as pd
import statsmodels.api as sm

#: Weeks before this are left out: the shop has few customers in its first weeks.
FIRST_WEEK = pd.Timestamp("2024-02-01")


def weekly_table(completed: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Week x category units and log average paid price, and the log orders of each week.

    ``completed``: the completed order lines (``order_date``, ``order_id``, ``category``,
    ``quantity``, ``revenue``).
    """
    week = completed["order_date"].dt.to_period("W").dt.start_time
    orders_per_week = completed.groupby(week)["order_id"].nunique()
    g = completed.assign(week=week).groupby(["week", "category"]).agg(
        units=("quantity", "sum"), revenue=("revenue", "sum"))
    g = g[g.index.get_level_values("week") >= FIRST_WEEK]
    units = g["units"].unstack()
    log_price = np.log(g["revenue"].unstack() / units)
    return units, log_price, np.log(orders_per_week.reindex(units.index))


def loglog_fit(table, category: str, *, other_prices: bool = True) -> tuple[float, float]:
    """Own-price coefficient and HC1 standard error of log(weekly units) of ``category``.

    Regressors: the category's log average paid price, the log orders of the week and, with
    ``other_prices``, every other category's log price. Those are needed: a line's product choice
    is a logit over every product, so a price change elsewhere shifts the category's units.
    ``table`` is what :func:`weekly_table` returns.
    """
    units, log_price, log_orders = table
    others = log_price.drop(columns=category) if other_prices else log_price.iloc[:, :0]
    x = sm.add_constant(np.column_stack([log_price[category], log_orders, others.to_numpy()]))
    fit = sm.OLS(np.log(units[category].to_numpy()), x).fit(cov_type="HC1")
    return float(fit.params[1]), float(fit.bse[1])
