"""Who responded to a promotion and which products carried it (book sections 3.4, 分析消費者需求與行為, and 5.3).

Descriptive comparisons, each against the promotion's own pre-period (the ``pre_weeks`` before
it, same number of weekdays represented): units per day in each segment during the promotion
against units per day before it. They show *where* a promotion's sales came from; the causal
lift of the whole promotion is :func:`ecomlib.promotion.promotion_effects`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.errors import DataError
from ecomlib.promotion.sales import DailySales, require_promotion, scope_mask
from ecomlib.validation import check_columns, check_frame

__all__ = ["product_contributions", "who_responds"]


def _windows(days: pd.Series, start, end, pre_weeks: int):
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    during = (days >= start) & (days <= end)
    before = (days >= start - pd.Timedelta(weeks=pre_weeks)) & (days < start)
    return during, before, (end - start).days + 1, 7 * pre_weeks


def who_responds(
    transactions: pd.DataFrame,
    promotion: pd.Series,
    *,
    by: str = "customer_type",
    pre_weeks: int = 4,
    date_col: str = "order_date",
    quantity_col: str = "quantity",
    status_col: str = "status",
    customer_col: str = "customer_id",
) -> pd.DataFrame:
    """Units per day by segment, during the promotion against the weeks before it.

    Parameters
    ----------
    transactions : DataFrame
        Canonical order lines (completed lines count).
    promotion : Series
        One promotions row (``start``, ``end``).
    by : str
        A column such as ``channel`` or ``device``, or ``"customer_type"``: ``new`` (the line
        belongs to the customer's first order), ``returning`` or ``guest`` (no customer id).

    Returns
    -------
    DataFrame
        Per segment: ``units_per_day_before``, ``units_per_day_during``, ``change`` (relative),
        ``share_of_extra_units`` (its part of the rise over all segments).

    Other parameters: ``date_col``, ``quantity_col``, ``status_col``, ``customer_col`` name your
    columns when they differ from the canonical ones.
    """
    require_promotion(promotion)
    check_frame(transactions, "transactions")
    check_columns(transactions, [date_col, quantity_col, status_col], "transactions")
    if by != "customer_type" and by in transactions.columns and transactions[by].isna().all():
        raise DataError(f"`transactions` column {by!r} is empty on every line, so there are no groups to compare.",
                        fix=f"Use ecomlib.data.substitutes (e.g. channel_substitute) or supply {by!r}.")
    tx = transactions[transactions[status_col] == "completed"].rename(
        columns={date_col: "order_date", quantity_col: "quantity", customer_col: "customer_id"})
    if by == "customer_type":
        check_columns(tx, ["customer_id"], "transactions")
        first = tx.groupby("customer_id")["order_date"].transform("min")
        is_first_order = tx["order_date"] == first
        segment = pd.Series(np.where(tx["customer_id"].isna(), "guest", np.where(is_first_order, "new", "returning")),
                            index=tx.index)
    else:
        check_columns(tx, [by], "transactions")
        segment = tx[by].astype("str")
    during, before, n_during, n_before = _windows(tx["order_date"], promotion["start"], promotion["end"], pre_weeks)
    out = pd.DataFrame({
        "units_per_day_before": tx.loc[before, "quantity"].groupby(segment[before]).sum() / n_before,
        "units_per_day_during": tx.loc[during, "quantity"].groupby(segment[during]).sum() / n_during,
    }).fillna(0.0)
    if out.empty or not (out["units_per_day_before"] + out["units_per_day_during"]).gt(0).any():
        raise DataError(f"No completed units by {by} during {promotion.get('promo_id', 'the promotion')!r} or in the "
                        f"{pre_weeks} weeks before it, so there is nothing to compare.")
    out["change"] = out["units_per_day_during"] / out["units_per_day_before"].where(out["units_per_day_before"] > 0) - 1
    extra = out["units_per_day_during"] - out["units_per_day_before"]
    out["share_of_extra_units"] = extra / extra.sum() if extra.sum() != 0 else np.nan
    return out.rename_axis(by).sort_values("share_of_extra_units", ascending=False)


def product_contributions(daily: DailySales, promotion: pd.Series, *, pre_weeks: int = 4, top: int = 10) -> pd.DataFrame:
    """In-scope products ranked by extra units during the promotion against their own pre-weeks.

    Returns
    -------
    DataFrame
        ``product_id``, ``category``, ``units_during``, ``expected_units`` (pre-period units per
        day x promotion days), ``extra_units``, ``extra_revenue`` (CNY, at the promotion's paid
        prices) and ``share_of_extra``.
    """
    require_promotion(promotion)
    mask = scope_mask(promotion, daily.products)
    days = pd.Series(daily.days, index=daily.days)
    during, before, n_during, n_before = _windows(days, promotion["start"], promotion["end"], pre_weeks)
    units = daily.units.loc[:, mask]
    revenue = daily.revenue.loc[:, mask]
    got = units.loc[during.to_numpy()].sum()
    expected = units.loc[before.to_numpy()].sum() / n_before * n_during
    price = revenue.loc[during.to_numpy()].sum() / got.where(got > 0)
    out = pd.DataFrame({"category": daily.products.loc[mask, "category"], "units_during": got,
                        "expected_units": expected, "extra_units": got - expected})
    out["extra_revenue"] = out["extra_units"] * price.fillna(0)
    total = out["extra_units"].clip(lower=0).sum()
    if total <= 0:
        raise DataError(f"No product in scope of {promotion.get('promo_id', 'the promotion')!r} sold more during it "
                        f"than in the {pre_weeks} weeks before, so no product carried it.")
    out["share_of_extra"] = out["extra_units"].clip(lower=0) / total if total > 0 else np.nan
    return out.sort_values("extra_units", ascending=False).head(int(top)).rename_axis("product_id").reset_index()
