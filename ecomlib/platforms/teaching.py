"""Helpers of the platforms notebook (``09_platforms``): the orders' platforms, the trainer panels'
what-if computations and their one-line readings, and illustrative exchange rates.

Nothing here estimates anything new: the what-ifs call :func:`ecomlib.platforms.platform_pnl` and
:func:`ecomlib.platforms.landed_cost` with one setting changed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib import viz
from ecomlib.errors import DataError, ParameterError
from ecomlib.platforms.crossborder import landed_cost, read_tax_rules
from ecomlib.platforms.pnl import platform_pnl, read_fee_schedule

__all__ = ["ILLUSTRATIVE_FX_CNY", "attach_platforms", "pnl_what_if", "pnl_headline", "fx_rates",
           "destination_baskets", "landed_what_if", "landed_headline", "parse_weights"]

#: CNY per unit of each currency: ILLUSTRATIVE round mid rates for teaching, not market data;
#: pass your own (``fx_rates(..., rates=...)``) for real decisions.
ILLUSTRATIVE_FX_CNY = {"USD": 7.10, "EUR": 7.75, "GBP": 9.00, "AUD": 4.65, "CAD": 5.15, "HKD": 0.91,
                       "TWD": 0.22, "SGD": 5.30, "MYR": 1.55, "THB": 0.20, "NZD": 4.25, "JPY": 0.048,
                       "KRW": 0.0052}


def attach_platforms(tx: pd.DataFrame, order_platforms: pd.DataFrame | None = None,
                     *, by: str = "platform") -> pd.DataFrame | None:
    """Order lines with a ``platform`` column, or None when the data cannot say.

    ``tx``'s own ``platform`` column is used when it has one; else ``order_platforms``
    (``order_id``, ``platform``, one row per order) is joined on ``order_id``; lines of an order
    it does not list are dropped. None when neither is there.
    """
    if by in tx.columns:
        return tx
    if order_platforms is None or not {"order_id", by} <= set(order_platforms.columns):
        return None
    if order_platforms["order_id"].duplicated().any():
        raise DataError("`order_platforms` lists an order twice; it needs one row per order_id.",
                        fix="Keep one platform per order.")
    return tx.merge(order_platforms[["order_id", by]], on="order_id", how="inner")


def pnl_what_if(lines: pd.DataFrame, fee_schedule, *, platform: str, commission_rate: float,
                ad_take_rate: float, return_rate: float, by: str = "platform") -> pd.DataFrame:
    """One platform's P&L with its commission and ad take replaced and its returns scaled.

    Parameters
    ----------
    lines : DataFrame
        Order lines with ``by`` (as :func:`~ecomlib.platforms.platform_pnl` takes them).
    fee_schedule : DataFrame, path or None
        The schedule (:func:`~ecomlib.platforms.read_fee_schedule`).
    platform : str
        The platform to recompute.
    commission_rate, ad_take_rate : float
        Shares of GMV (0-1) that replace the schedule's.
    return_rate : float
        Refunds as a share of GMV (0-1). The returned lines' refunds and the cost they recover
        are scaled by ``return_rate / observed rate`` (observed = refunds / gmv).

    Returns
    -------
    DataFrame
        One row, the columns of :func:`~ecomlib.platforms.platform_pnl`.
    """
    for name, value in (("commission_rate", commission_rate), ("ad_take_rate", ad_take_rate),
                        ("return_rate", return_rate)):
        if not 0 <= float(value) <= 1:
            raise ParameterError(f"`{name}` must be a share between 0 and 1, but {value!r} was passed.")
    fees = read_fee_schedule(fee_schedule).copy()
    if platform not in set(fees["platform"]):
        raise ParameterError(f"`platform` {platform!r} is not in the fee schedule: {sorted(fees['platform'])}.")
    mine = lines[lines[by] == platform]
    if mine.empty:
        raise DataError(f"No order lines are on {platform!r}.", fix="Pick a platform that has orders.")
    row = fees["platform"] == platform
    fees.loc[row, "commission_rate"] = float(commission_rate)
    fees.loc[row, "ad_take_rate"] = float(ad_take_rate)
    pnl = platform_pnl(mine, fees, by=by).reset_index(drop=True)
    gmv, refunds = float(pnl.at[0, "gmv"]), float(pnl.at[0, "refunds"])
    back = mine[mine["status"] == "returned"]
    recovered = float(-(back["quantity"] * back["unit_cost"]).sum())  # cost of returned goods, > 0
    if refunds > 0:
        factor = return_rate * gmv / refunds
        new_refunds, new_recovered = refunds * factor, recovered * factor
    else:  # no returns seen: returned goods cost what sold goods cost, per yuan
        new_refunds = return_rate * gmv
        new_recovered = new_refunds * float(pnl.at[0, "cogs"]) / gmv if gmv > 0 else 0.0
    pnl.at[0, "contribution"] += refunds - new_refunds + new_recovered - recovered
    pnl.at[0, "refunds"] = new_refunds
    pnl.at[0, "cogs"] += recovered - new_recovered
    for per, denominator in (("contribution_per_order", "orders"), ("contribution_per_customer", "customers"),
                             ("contribution_per_gmv", "gmv")):
        d = float(pnl.at[0, denominator])
        pnl.at[0, per] = pnl.at[0, "contribution"] / d if d > 0 else np.nan
    return pnl


def pnl_headline(pnl: pd.DataFrame) -> str:
    """One line for a one-platform P&L: contribution in all, per order and per yuan of GMV."""
    r = pnl.iloc[0]
    return (f"{r['platform']}: contribution {viz.fmt_cny(r['contribution'], compact=True)}, "
            f"{viz.fmt_cny(r['contribution_per_order'])} per order, "
            f"{viz.fmt_pct(r['contribution_per_gmv'])} of GMV")


def fx_rates(tax_rules=None, rates: dict | None = None) -> dict:
    """CNY per unit of each destination currency of ``tax_rules``: ``rates`` where given, else
    :data:`ILLUSTRATIVE_FX_CNY`. A currency in neither is a ParameterError naming it."""
    rules = read_tax_rules(tax_rules)
    table = {**ILLUSTRATIVE_FX_CNY, **(rates or {})}
    missing = sorted(set(rules["currency"]) - set(table))
    if missing:
        raise ParameterError(f"No exchange rate for {missing}.",
                             fix="Pass rates={'XXX': CNY per unit} for these currencies.")
    return {c: float(table[c]) for c in rules["currency"].unique()}


def destination_baskets(lines: pd.DataFrame, tax_rules=None, *, home: str = "CN") -> pd.DataFrame:
    """Cross-border orders per destination: orders, mean goods value and cost per completed order (CNY).

    Orders whose ``country`` is not ``home`` and is in the rules table; a DataError when there are none.
    """
    rules = read_tax_rules(tax_rules)
    need = {"order_id", "country", "status", "revenue"}
    if not need <= set(lines.columns):
        raise DataError(f"Cross-border baskets need the columns {sorted(need)}.",
                        fix="Supply `country` (ISO 2 destination) on the order lines.")
    sold = lines[(lines["status"] == "completed") & (lines["country"] != home)
                 & lines["country"].isin(rules["destination"])]
    if sold.empty:
        raise DataError("No completed orders ship to a destination of the tax rules table.",
                        fix="`country` must hold ISO 2 codes such as US, DE, AU.")
    cost = sold["quantity"] * sold["unit_cost"] if "unit_cost" in sold else pd.Series(np.nan, index=sold.index)
    per = sold.assign(cost=cost).groupby("country").agg(orders=("order_id", "nunique"),
                                                        goods=("revenue", "sum"), cost=("cost", "sum"))
    out = pd.DataFrame({"destination": per.index.astype("str"), "orders": per["orders"].to_numpy(),
                        "goods_per_order": (per["goods"] / per["orders"]).to_numpy(),
                        "cost_per_order": (per["cost"] / per["orders"]).to_numpy()})
    return out.sort_values("orders", ascending=False, kind="stable").reset_index(drop=True)


def landed_what_if(*, destination: str, price_cny: float, fx_change: float, fx_margin: float,
                   fx_rates: dict, freight_cny: float = 0.0, unit_cost_cny: float = 0.0,
                   platform_fee_rate: float = 0.0, tax_rules=None) -> pd.DataFrame:
    """:func:`~ecomlib.platforms.landed_cost` of one item after the exchange rate moved by ``fx_change``
    (a share: -0.1 = the destination currency buys 10 % fewer yuan)."""
    rules = read_tax_rules(tax_rules)
    currency = rules.loc[rules["destination"] == destination, "currency"]
    if currency.empty:
        raise ParameterError(f"`destination` {destination!r} is not in the tax rules table.")
    rate = float(fx_rates[currency.iloc[0]]) * (1 + float(fx_change))
    return landed_cost(float(price_cny), destination, fx_rate=rate, freight_cny=freight_cny, tax_rules=rules,
                       fx_margin=fx_margin, platform_fee_rate=platform_fee_rate, unit_cost_cny=unit_cost_cny)


def landed_headline(landed: pd.DataFrame) -> str:
    """One line for a landed cost row: what the buyer pays and the shop's margin."""
    r = landed.iloc[0]
    return (f"{r['destination']}: buyer pays {r['landed_cost']:,.2f} {r['currency']} "
            f"({viz.fmt_cny(r['landed_cost_cny'])}); shop margin {viz.fmt_pct(r['margin'])}")


def parse_weights(text: str) -> dict[str, float]:
    """Read scorecard weights written ``"contribution_per_order=3,customers=1"`` into a dict.

    Empty text is an error; each weight must be a number >= 0 (the scorecard normalises them).
    """
    out: dict[str, float] = {}
    for part in str(text).split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        try:
            weight = float(value)
        except ValueError:
            weight = -1.0
        if not sep or not name.strip() or weight < 0:
            raise ParameterError(f"`scorecard_weights` must look like 'contribution_per_order=3,customers=1', "
                                 f"but {part.strip()!r} was passed.")
        out[name.strip()] = weight
    if not out:
        raise ParameterError("`scorecard_weights` is empty.", fix="Give e.g. 'contribution_per_order=3,customers=1'.")
    return out
