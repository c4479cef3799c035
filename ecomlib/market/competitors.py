"""Competitor benchmark: share, growth, price index and rating of every company in a year.

The price index is the one of the pricing chapter (:func:`ecomlib.pricing.price_index`): each
company's average selling price against the sales-weighted average price of the shop's
competitors (every company but the shop; all companies when no shop is named)::

    reference price = sum(sales x avg_price) / sum(sales)     (over the companies other than the shop)
    price index     = 100 x avg_price / reference price        (100 = priced like the competitors)

Together with the rating this places each company on a positioning map (price index on
one axis, rating on the other, bubble size = sales).

References
----------
Kotler, P. and Keller, K. L. (2016), *Marketing Management*, 15th ed., Pearson, ch. 10
(crafting the brand positioning; perceptual maps).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.errors import DataError, ParameterError
from ecomlib.pricing import price_index
from ecomlib.validation import check_columns, check_frame, check_numeric

__all__ = ["competitor_benchmark"]


def competitor_benchmark(
    competitors: pd.DataFrame,
    *,
    year: int | None = None,
    shop: str | None = None,
    company_col: str = "company",
    year_col: str = "year",
    sales_col: str = "sales",
    price_col: str = "avg_price",
    rating_col: str = "rating",
) -> pd.DataFrame:
    """One row per company for one year: sales, share, growth, price index and rating.

    Parameters
    ----------
    competitors : DataFrame
        One row per company and year. Required columns: ``company``, ``year``, ``sales``
        (CNY), ``avg_price`` (CNY per unit, > 0), ``rating`` (e.g. 1-5 stars).
    year : int, optional
        Which year; default the latest.
    shop : str, optional
        Name of the shop's own company, flagged in column ``is_shop``.
    company_col, year_col, sales_col, price_col, rating_col : str
        Column names.

    Returns
    -------
    DataFrame
        Columns ``company, sales, share`` (fraction), ``growth`` (vs the previous year,
        fraction; missing without one), ``avg_price, price_index`` (100 = the competitors'
        sales-weighted average price, see the module docstring),
        ``rating, is_shop``; largest seller first.

    Examples
    --------
    >>> c = pd.DataFrame({"company": ["a", "b"], "year": 2024, "sales": [100.0, 100.0],
    ...                   "avg_price": [10.0, 40.0], "rating": [4.0, 4.5]})
    >>> competitor_benchmark(c)["price_index"].tolist()   # reference = (10 + 40) / 2 = 25
    [40.0, 160.0]
    """
    competitors = check_frame(competitors, "competitors")
    cols = [company_col, year_col, sales_col, price_col, rating_col]
    check_columns(competitors, cols, param="competitors")
    check_numeric(competitors, [sales_col, price_col, rating_col], param="competitors")
    years = competitors[year_col]
    if year is None:
        year = years.max()
    elif not (years == year).any():
        raise ParameterError(
            f"`year` must be one of {sorted(years.unique().tolist())}, but {year!r} was passed."
        )
    now = competitors[years == year]
    if shop is not None and not (now[company_col] == shop).any():
        raise ParameterError(
            f"`shop` names {shop!r}, which is not a company in {year}; "
            f"found {sorted(now[company_col].astype(str).unique())[:10]}."
        )
    if now[company_col].duplicated().any():
        dup = now.loc[now[company_col].duplicated(), company_col].tolist()[:5]
        raise DataError(f"Companies {dup} appear more than once in {year}; one row each is needed.")
    if (now[price_col] <= 0).any() or (now[sales_col] < 0).any():
        raise DataError(f"In {year}, `{price_col}` must be > 0 and `{sales_col}` >= 0 for every company.")
    total = now[sales_col].sum()
    if total <= 0:
        raise DataError(f"Total sales in {year} are zero; shares and price index are undefined.")
    reference = _reference_price(now, shop, company_col, year_col, sales_col, price_col)
    previous = competitors[years == year - 1].set_index(company_col)[sales_col]
    out = pd.DataFrame(
        {
            "company": now[company_col].to_numpy(),
            "sales": now[sales_col].to_numpy(dtype=float),
            "share": now[sales_col].to_numpy(dtype=float) / total,
            "avg_price": now[price_col].to_numpy(dtype=float),
            "rating": now[rating_col].to_numpy(dtype=float),
        }
    )
    prev = out["company"].map(previous).astype(float)
    out.insert(3, "growth", out["sales"] / prev.where(prev > 0) - 1.0)
    out.insert(5, "price_index", 100.0 * out["avg_price"] / reference)
    out["is_shop"] = out["company"] == shop if shop is not None else False
    out = out.sort_values("sales", ascending=False, kind="stable").reset_index(drop=True)
    out.attrs["year"] = int(year) if isinstance(year, int | np.integer) else year
    out.attrs["reference_price"] = float(reference)
    return out


def _reference_price(now, shop, company_col, year_col, sales_col, price_col) -> float:
    """The competitors' sales-weighted average price of one year (CNY per unit)."""
    if shop is not None and len(now) > 1:
        index = price_index(now, own=shop, company_col=company_col, year_col=year_col,
                            price_col=price_col, sales_col=sales_col)
        return float(index["reference_price"].iloc[0])
    weights = now[sales_col].astype(float)
    return float((weights * now[price_col]).sum() / weights.sum())
