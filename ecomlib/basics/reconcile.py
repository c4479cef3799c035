"""Sentences that reconcile the per-channel figures with the whole shop's.

A visitor who came through two channels is one distinct visitor of the shop but one visitor
of *each* channel. So the channels' visitors add up to more than the shop's, every channel's
conversion rate (orders per visitor of that channel) is below the shop's, and in a split of
the GMV change by channel the visitors driver takes a larger part and conversion a smaller
one than in the shop-wide split; the GMV change itself is the same.
"""

from __future__ import annotations

from ecomlib.basics.decomposition import Decomposition
from ecomlib.basics.kpi_tree import KPITree

__all__ = ["describe_channel_total", "describe_channel_visitors"]


def describe_channel_visitors(channels: KPITree, overall: KPITree) -> str:
    """One sentence on why channel conversion rates sit below the shop-wide rate.

    Parameters
    ----------
    channels : KPITree
        ``kpi_tree(..., by="channel")`` with traffic.
    overall : KPITree
        The ungrouped ``kpi_tree(...)`` of the same data.

    Returns
    -------
    str
        Visitors summed over channels vs distinct visitors, and the orders per channel visitor.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecomlib.basics import kpi_tree
    >>> tx = pd.DataFrame({"order_id": ["o1", "o2"], "order_date": pd.to_datetime(["2024-01-02"] * 2),
    ...     "quantity": 1, "revenue": 10.0, "status": "completed", "channel": ["a", "b"]})
    >>> s = pd.DataFrame({"visitor_id": ["v1", "v1", "v2", "v3"], "date": pd.to_datetime(["2024-01-02"] * 4),
    ...     "channel": ["a", "b", "a", "b"]})
    >>> describe_channel_visitors(kpi_tree(tx, s, by="channel"), kpi_tree(tx, s))[:60]
    'The channel rows count a visitor once in every channel they '
    """
    from ecomlib.viz import fmt_pct, fmt_thousands

    table, total = channels.table, overall.total()
    counted, distinct = float(table["visitors"].sum()), float(total["visitors"])
    per_channel_visitor = float(table["orders"].sum()) / counted
    return (f"The channel rows count a visitor once in every channel they came through: the channels add up to "
            f"{fmt_thousands(counted)} visitors against {fmt_thousands(distinct)} distinct visitors "
            f"({counted / distinct:.2f} channels each), so a channel's rate is lower than the shop's "
            f"{fmt_pct(total['conversion_rate'], 2)}; over all channel rows together it is "
            f"{fmt_pct(per_channel_visitor, 2)} orders per channel visitor.")


def describe_channel_total(overall: Decomposition, by_channel: Decomposition) -> str:
    """One sentence comparing the ``total`` row of a per-channel split with the shop-wide split.

    Parameters
    ----------
    overall, by_channel : Decomposition
        ``compare_periods(...)`` without and with ``by="channel"``, same periods.

    Returns
    -------
    str
        The visitors and conversion contributions (CNY) of both, and the common GMV change.
    """
    from ecomlib.viz import fmt_cny

    whole, summed = overall.table.loc["total"], by_channel.table.loc["total"]
    if "visitors" not in whole or "visitors" not in summed:  # orders only: no visitors to reconcile
        return (f"Without sessions the split has no visitors driver; the channels' total row adds up to the "
                f"same GMV change, {fmt_cny(summed['change'])}.")
    if abs(whole["visitors"] - summed["visitors"]) < 0.005 * max(abs(whole["change"]), 1.0):
        return (f"The channels' total row matches the shop-wide split: visitors {fmt_cny(whole['visitors'])}, "
                f"conversion {fmt_cny(whole['conversion_rate'])} of the {fmt_cny(whole['change'])} change.")
    return (f"The total row gives visitors {fmt_cny(summed['visitors'])} and conversion "
            f"{fmt_cny(summed['conversion_rate'])} of the change, the shop-wide split above "
            f"{fmt_cny(whole['visitors'])} and {fmt_cny(whole['conversion_rate'])}: a visitor who came through "
            "several channels counts once per channel here and once in the shop-wide split, so the channel "
            f"rows have more visitors at lower rates. The GMV change is the same, {fmt_cny(summed['change'])}.")
