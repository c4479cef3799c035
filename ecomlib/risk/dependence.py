"""Concentration risk: how much the shop depends on a few suppliers, channels or platforms (9.2).

The same measures the market chapter uses for competition apply to dependence: the
Herfindahl-Hirschman index of the shares (0-10,000), the share of the largest one (CR1) and of the
top ``n``. A partner whose share is above ``spof_share`` is flagged as a single point of failure:
losing it would stop a large part of the business at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecomlib.errors import DataError
from ecomlib.market.concentration import concentration, market_shares
from ecomlib.risk.periods import completed_lines
from ecomlib.validation import check_frame, check_probability

__all__ = ["ShopDependence", "dependence_risk", "shop_dependence"]


def dependence_risk(
    data: pd.DataFrame,
    *,
    by: str,
    value: str,
    top_n: int = 3,
    spof_share: float = 0.4,
    bands: str = "2023",
) -> tuple[pd.DataFrame, pd.Series]:
    """Shares, HHI and single-point-of-failure flags for one dependence dimension.

    Parameters
    ----------
    data : DataFrame
        Raw lines or one row per partner, e.g. ``suppliers`` with ``share_of_purchases`` or
        transactions with ``revenue`` by ``channel``; rows of the same partner are summed.
    by : str
        Partner column (``supplier``, ``channel``, ``platform`` ...).
    value : str
        Numeric column to share out (purchases, revenue, orders).
    top_n : int
        Report the combined share of the ``top_n`` largest partners.
    spof_share : float
        Share (0-1) above which a partner is flagged as a single point of failure.
    bands : {"2023", "2010"}
        Concentration bands, as in :func:`ecomlib.market.concentration`.

    Returns
    -------
    (DataFrame, Series)
        Per partner: ``by``, ``value``, ``share``, ``rank``, ``single_point_of_failure``; and a
        summary with ``hhi``, ``band``, ``cr1``, ``top_n_share``, ``partners`` and
        ``single_points_of_failure``.

    Examples
    --------
    >>> sup = pd.DataFrame({"supplier": ["A", "B", "C"], "share_of_purchases": [0.6, 0.3, 0.1]})
    >>> table, summary = dependence_risk(sup, by="supplier", value="share_of_purchases")
    >>> round(float(summary["hhi"]), 6), table["single_point_of_failure"].tolist()
    (4600.0, [True, False, False])
    """
    spof_share = check_probability("spof_share", spof_share)
    table = market_shares(data, by=by, value=value)
    table["single_point_of_failure"] = table["share"] > spof_share
    conc = concentration(table["share"].to_numpy(), n=(1, int(top_n)), bands=bands, scale="fraction")
    summary = pd.Series({
        "dimension": by,
        "hhi": conc.hhi,
        "band": conc.band,
        "cr1": conc.cr[1],
        "top_n": int(top_n),
        "top_n_share": conc.cr[int(top_n)],
        "partners": int(np.sum(table["share"] > 0)),
        "single_points_of_failure": int(table["single_point_of_failure"].sum()),
    }, dtype="object")
    return table, summary


@dataclass(frozen=True)
class ShopDependence:
    """Concentration of a shop on its suppliers and sales channels.

    Attributes
    ----------
    summary : DataFrame
        One row per dimension it could measure (``supplier``, ``channel``), indexed by
        ``dimension``, with :func:`dependence_risk`'s summary fields.
    tables : dict
        Per dimension, the partner table of :func:`dependence_risk`.
    missing : dict
        Per dimension it could not measure: ``(table, columns, reason)`` for a report's note.
    """

    summary: pd.DataFrame
    tables: dict = field(default_factory=dict)
    missing: dict = field(default_factory=dict)


def shop_dependence(transactions: pd.DataFrame, suppliers: pd.DataFrame | None = None, *,
                    spof_share: float = 0.4) -> ShopDependence:
    """Supplier concentration (from ``suppliers``) and channel concentration (revenue by channel).

    A dimension the data cannot measure is listed in ``missing`` rather than faked: an export
    without a channel column would otherwise show one channel with all the revenue, an HHI of
    10,000 that says nothing about the shop.

    Raises
    ------
    DataError
        When neither dimension can be measured.
    """
    check_frame(transactions, "transactions")
    rows, tables, missing = [], {}, {}
    if suppliers is not None and {"supplier", "share_of_purchases"} <= set(suppliers.columns) and len(suppliers):
        tables["supplier"], summary = dependence_risk(suppliers, by="supplier", value="share_of_purchases",
                                                      spof_share=spof_share)
        rows.append(summary)
    else:
        missing["supplier"] = ("suppliers", ["supplier", "share_of_purchases"],
                               "the data has no suppliers table" if suppliers is None
                               else "the suppliers table lacks supplier or share_of_purchases")
    has_channel = "channel" in transactions.columns and transactions["channel"].notna().any()
    if has_channel and "revenue" in transactions.columns:
        sold = completed_lines(transactions)
        sold = sold[sold["channel"].notna()]
        tables["channel"], summary = dependence_risk(sold, by="channel", value="revenue", spof_share=spof_share)
        rows.append(summary)
    else:
        missing["channel"] = ("transactions", ["channel", "revenue"],
                              "the transactions have no channel column, so channel dependence is unknown")
    if not rows:
        raise DataError("Dependence needs a suppliers table (supplier, share_of_purchases) or a channel "
                        "column in the transactions; the data has neither.")
    return ShopDependence(pd.DataFrame(rows).set_index("dimension"), tables, missing)
