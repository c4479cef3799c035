"""Shares of the shop's own revenue by country or product: the stand-in for competitor shares.

Without a competitors table the chapter cannot say how big the shop is beside its rivals.
It can still measure the same thing on its own sales: how concentrated its revenue is in a
few countries (or, without countries, a few products). The HHI and CR4 of those shares say
how dependent the shop is on its largest markets or products, not what share of a market
it holds, and the report says so in one line.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ecomlib.errors import DataError
from ecomlib.market.concentration import market_shares
from ecomlib.market.shop_sales import completed_lines

__all__ = ["SalesShares", "sales_shares"]

_WORDS = {"country": "country", "product_id": "product", "category": "category", "channel": "channel"}
_PLURALS = {"country": "countries", "category": "categories"}


def _plural(word: str) -> str:
    return _PLURALS.get(word, word + "s")


@dataclass(frozen=True)
class SalesShares:
    """Shares of the shop's revenue by one attribute, per period.

    Attributes
    ----------
    table : DataFrame
        Columns ``period, by, revenue, share, rank`` as in
        :func:`ecomlib.market.market_shares` (``revenue`` in the data's currency).
    by : str
        The column the revenue is shared out by, e.g. ``"country"``.
    period : str
        Name of the period column (``"year"``).
    note : str
        One line for the report saying what the shares are and are not.
    word : str
        What one group is, in plain words ("country", "product").
    """

    table: pd.DataFrame
    by: str
    period: str
    note: str
    word: str

    @property
    def plural(self) -> str:
        """``word`` in the plural ("countries")."""
        return _plural(self.word)

    @property
    def title(self) -> str:
        """A figure title, e.g. "Shop revenue by country 收入結構"."""
        return f"Shop revenue by {self.word} 收入結構"


def sales_shares(
    transactions: pd.DataFrame,
    by: str | None = None,
    *,
    candidates: tuple[str, ...] = ("country", "product_id"),
    date_col: str = "order_date",
    revenue_col: str = "revenue",
    status_col: str = "status",
    status: str | None = "completed",
) -> SalesShares:
    """Each country's (or product's) share of the shop's completed revenue, per calendar year.

    Parameters
    ----------
    transactions : DataFrame
        Order lines; see :func:`ecomlib.market.completed_lines`, plus ``by``.
    by : str, optional
        Column to share revenue out by; default the first of ``candidates`` with at least
        two distinct values on completed lines.
    candidates : tuple of str, default ("country", "product_id")
        Columns tried in turn when ``by`` is None.
    date_col, revenue_col, status_col, status
        As in :func:`ecomlib.market.completed_lines`.

    Returns
    -------
    SalesShares
        Groups whose revenue sums to zero or less in a year (returns exceeding sales) are
        left out of that year.

    Raises
    ------
    DataError
        If no candidate column has two distinct values: shares need at least two groups.

    Examples
    --------
    >>> t = pd.DataFrame({"order_date": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-03-01"]),
    ...                   "revenue": [30.0, 10.0, 60.0], "status": "completed",
    ...                   "country": ["CN", "HK", "CN"]})
    >>> s = sales_shares(t)
    >>> s.by, s.table["share"].tolist()
    ('country', [0.9, 0.1])
    """
    tried = [by] if by is not None else [c for c in candidates if c in transactions.columns]
    lines = completed_lines(transactions, columns=tried, date_col=date_col, revenue_col=revenue_col,
                            status_col=status_col, status=status)
    chosen = next((c for c in tried if lines[c].nunique(dropna=True) >= 2), None)
    if chosen is None:
        names = " or ".join(_plural(_WORDS.get(c, c)) for c in (tried or list(candidates)))
        raise DataError(
            f"Shares of the shop's revenue need at least 2 {names}; the data has fewer.",
            fix="Supply a competitors table (company, year, sales, avg_price, rating).",
        )
    known = lines[lines[chosen].notna()]
    frame = pd.DataFrame({"year": known[date_col].dt.year.to_numpy(),
                          chosen: known[chosen].astype("str").to_numpy(),
                          "revenue": known[revenue_col].to_numpy(dtype=float)})
    totals = frame.groupby(["year", chosen], sort=False)["revenue"].sum().reset_index()
    totals = totals[totals["revenue"] > 0]
    if totals.empty:
        raise DataError("No group has a positive completed revenue; shares are undefined.")
    table = market_shares(totals, by=chosen, value="revenue", period="year")
    word = _WORDS.get(chosen, chosen)
    note = (f"no competitors table: shares and concentration of the shop's own revenue by {word} "
            f"(how dependent the shop is on its largest {_plural(word)}), not market shares")
    return SalesShares(table=table, by=chosen, period="year", note=note, word=word)
