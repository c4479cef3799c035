"""What a shop can measure of its brand from its own data (book 5.4).

The book speaks of building a brand; it gives no measures. Ours:

* :func:`bayesian_average` — each product's rating shrunk toward its category's mean, so that a
  product with two five-star reviews does not outrank one with four hundred reviews averaging 4.8:
  ``(C * category_mean + sum of ratings) / (C + n_reviews)``, with the prior weight ``C`` counted
  in reviews (``C = 0`` gives the plain mean).
* :func:`price_premium` — the price premium at equal rating and category: an ordinary
  least-squares regression of log price on rating, category dummies and (optionally) a brand or
  group label; ``exp(coefficient) - 1`` is the premium as a share of price.
* :func:`repeat_buyer_share`, :func:`branded_traffic_share` — over time, the share of buyers who
  come back and of sessions that arrive through branded channels.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

from ecomlib.errors import DataError, NotIdentifiableError, ParameterError
from ecomlib.validation import (
    check_argument,
    check_columns,
    check_frame,
    check_numeric,
    check_positive,
    check_probability,
)

__all__ = ["bayesian_average", "branded_traffic_share", "price_premium", "repeat_buyer_share"]


def bayesian_average(
    reviews: pd.DataFrame,
    *,
    item: str = "product_id",
    rating: str = "rating",
    category: str | None = "category",
    prior_weight: float = 10.0,
) -> pd.DataFrame:
    """Ratings shrunk toward the category mean (a Bayesian average).

    Parameters
    ----------
    reviews : pandas.DataFrame
        One row per review with ``item``, ``rating`` (e.g. 1-5 stars) and ``category``.
    item, rating : str
        Columns naming the product and its rating.
    category : str or None
        Column naming the product's category; None shrinks toward the mean of all reviews.
    prior_weight : float
        ``C``, the weight of the category mean, in reviews (>= 0). A product needs about ``C``
        reviews of its own before they count as much as the category's.

    Returns
    -------
    pandas.DataFrame
        One row per item: ``category`` (when given), ``n_reviews``, ``mean_rating``,
        ``category_mean``, ``bayes_rating``, ``rank`` (1 = best by ``bayes_rating``); sorted by
        rank.

    Examples
    --------
    >>> import pandas as pd
    >>> reviews = pd.DataFrame({"product_id": ["a", "b", "b", "b"], "category": "K", "rating": [5, 4, 4, 5]})
    >>> bayesian_average(reviews, prior_weight=2)["bayes_rating"].round(3).to_dict()
    {'a': 4.667, 'b': 4.4}
    """
    reviews = check_frame(reviews, "reviews")
    cols = [item, rating] + ([category] if category is not None else [])
    check_columns(reviews, cols, "reviews")
    check_numeric(reviews, [rating], "reviews")
    weight = check_positive("prior_weight", prior_weight, allow_zero=True)
    if reviews[cols].isna().any().any():
        raise DataError(
            f"`reviews` has missing values in {cols}.",
            fix="Drop reviews without a product, rating or category before averaging.",
        )
    df = reviews[cols].copy()
    if category is None:
        df["_category"] = "all"
        category_col = "_category"
    else:
        category_col = category
        per_item = df.groupby(item)[category].nunique()
        if (per_item > 1).any():
            bad = per_item.index[per_item > 1][:5].tolist()
            raise DataError(
                f"Products {bad} appear in more than one category in `reviews`.",
                fix="Give each product one category (e.g. merge it from the products table).",
            )
    cat_mean = df.groupby(category_col)[rating].mean()
    g = df.groupby(item)
    out = pd.DataFrame(
        {
            "category": g[category_col].first(),
            "n_reviews": g[rating].size(),
            "mean_rating": g[rating].mean(),
            "sum": g[rating].sum(),
        }
    )
    out["category_mean"] = out["category"].map(cat_mean).astype(float)
    out["bayes_rating"] = (weight * out["category_mean"] + out["sum"]) / (weight + out["n_reviews"])
    out = out.drop(columns="sum")
    if category is None:
        out = out.drop(columns="category")
    out["rank"] = out["bayes_rating"].rank(ascending=False, method="min").astype(int)
    return out.sort_values(["rank", "n_reviews"], ascending=[True, False], kind="mergesort")


def price_premium(
    products: pd.DataFrame,
    *,
    price: str = "price",
    rating: str = "rating",
    category: str = "category",
    group: str | None = None,
    baseline=None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Price premium at equal rating and category, by OLS of log price.

    Fits ``log(price) = a_category + b * rating [+ d_group] + error`` (statsmodels OLS with
    heteroskedasticity-robust HC1 standard errors). ``b`` is the log-price difference per rating
    point within a category; with ``group`` (e.g. a brand or own-label flag) each ``d_group`` is the
    log-price premium of that group over ``baseline`` at equal rating and category.

    Parameters
    ----------
    products : pandas.DataFrame
        One row per product with ``price`` (> 0, CNY), ``rating`` (e.g. its average rating) and
        ``category``.
    group : str, optional
        Column of a label whose premium is wanted.
    baseline : optional
        The group the premiums are measured against; by default the most common one.
    level : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row per term (``rating``, then ``group=<label>``): ``coef`` (log points), ``se``,
        ``low``, ``high``, ``premium`` = ``exp(coef) - 1`` with ``premium_low``,
        ``premium_high``; ``attrs['n']`` holds the number of products used.
    """
    products = check_frame(products, "products")
    cols = [price, rating, category] + ([group] if group is not None else [])
    check_columns(products, cols, "products")
    check_numeric(products, [price, rating], "products")
    level = check_probability("level", level)
    df = products[cols].dropna()
    if (df[price] <= 0).any():
        raise DataError("`products` has prices <= 0; log price needs positive prices.", fix="Drop free or unpriced items.")
    cats = pd.get_dummies(df[category].astype(str), prefix="category", dtype=float)
    X = pd.concat([df[[rating]].astype(float), cats], axis=1)
    if group is not None:
        labels = df[group].astype(str)
        base = labels.value_counts().index[0] if baseline is None else str(baseline)
        if base not in set(labels):
            raise ParameterError(f"`baseline` {baseline!r} is not a value of {group!r}.")
        dummies = pd.get_dummies(labels, prefix=group, prefix_sep="=", dtype=float).drop(columns=f"{group}={base}")
        X = pd.concat([X, dummies], axis=1)
    if len(df) <= X.shape[1] or np.linalg.matrix_rank(X.to_numpy()) < X.shape[1]:
        raise NotIdentifiableError(
            f"{len(df)} products cannot separate rating from category{' and group' if group else ''} "
            f"({X.shape[1]} coefficients).",
            fix="Use more products, fewer categories, or products whose ratings differ within a category.",
        )
    model = sm.OLS(np.log(df[price].to_numpy(dtype=float)), X).fit(cov_type="HC1")
    terms = [rating] + [c for c in X.columns if group is not None and c.startswith(f"{group}=")]
    ci = model.conf_int(alpha=1 - level).loc[terms]
    out = pd.DataFrame(
        {"coef": model.params[terms], "se": model.bse[terms], "low": ci[0], "high": ci[1]}
    ).rename_axis("term")
    out["premium"] = np.expm1(out["coef"])
    out["premium_low"] = np.expm1(out["low"])
    out["premium_high"] = np.expm1(out["high"])
    out.attrs["n"] = len(df)
    return out


def _period_start(d: pd.Series, freq: str) -> pd.Series:
    check_argument("freq", ["W", "M", "Q", "Y"], freq)
    code = {"W": "W-SUN", "M": "M", "Q": "Q", "Y": "Y"}[freq]
    return d.dt.to_period(code).dt.start_time.astype("datetime64[us]")


def repeat_buyer_share(
    tx: pd.DataFrame, *, customer: str = "customer_id", date: str = "order_date", freq: str = "M"
) -> pd.DataFrame:
    """Share of each period's buyers who had bought before the period began.

    A loyal customer base is one visible trace of a brand: the share rises as earlier buyers come
    back. Buyers are counted once per period; a buyer is a *repeat buyer* when their first order in
    the data is before the period's start (so early periods read low: the data cannot see orders
    before they begin).

    Parameters
    ----------
    tx : pandas.DataFrame
        Orders or order lines with ``customer`` and ``date``.
    freq : {"W", "M", "Q", "Y"}
        Period length (weeks start on Monday).

    Returns
    -------
    pandas.DataFrame
        One row per period: ``period`` (start date), ``buyers``, ``repeat_buyers``,
        ``repeat_share``.
    """
    tx = check_frame(tx, "tx")
    check_columns(tx, [customer, date], "tx")
    df = tx[[customer, date]].dropna()
    d = pd.to_datetime(df[date])
    period = _period_start(d, freq)
    first_period = period.groupby(df[customer]).transform("min")
    buyers = pd.DataFrame({"customer": df[customer], "period": period, "repeat": period > first_period})
    buyers = buyers.drop_duplicates(["customer", "period"])
    out = buyers.groupby("period").agg(buyers=("customer", "size"), repeat_buyers=("repeat", "sum")).reset_index()
    out["repeat_buyers"] = out["repeat_buyers"].astype(int)
    out["repeat_share"] = out["repeat_buyers"] / out["buyers"]
    return out


def branded_traffic_share(
    sessions: pd.DataFrame,
    *,
    branded=("direct",),
    channel: str = "channel",
    date: str = "date",
    freq: str = "M",
) -> pd.DataFrame:
    """Share of sessions per period that came through branded channels (direct, brand search).

    Visitors who type the shop's address or search for its name already know the brand; the share
    of their sessions over time is a second trace of it.

    Parameters
    ----------
    sessions : pandas.DataFrame
        One row per session with ``channel`` and ``date``.
    branded : sequence of str
        Channel labels that count as branded (e.g. ``("direct", "brand_search")``).
    freq : {"W", "M", "Q", "Y"}
        Period length.

    Returns
    -------
    pandas.DataFrame
        ``period``, ``sessions``, ``branded_sessions``, ``branded_share``.
    """
    sessions = check_frame(sessions, "sessions")
    check_columns(sessions, [channel, date], "sessions")
    branded = [branded] if isinstance(branded, str) else list(branded)
    found = set(sessions[channel].dropna().astype(str))
    if not set(branded) & found:
        raise DataError(
            f"None of the branded channels {branded} occurs in `sessions[{channel!r}]`.",
            fix=f"Name the branded channels among {sorted(found)[:10]} with `branded=`.",
        )
    period = _period_start(pd.to_datetime(sessions[date]), freq)
    is_branded = sessions[channel].astype(str).isin(branded)
    out = (
        pd.DataFrame({"period": period, "branded": is_branded})
        .groupby("period")
        .agg(sessions=("branded", "size"), branded_sessions=("branded", "sum"))
        .reset_index()
    )
    out["branded_sessions"] = out["branded_sessions"].astype(int)
    out["branded_share"] = out["branded_sessions"] / out["sessions"]
    return out
