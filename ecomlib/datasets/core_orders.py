"""Orders and order lines of the core sample shop.

* Customer orders come from the BG/NBD purchase times; each gets a value budget from the
  Gamma-Gamma spend model, a channel and a device.
* Guest orders (no ``customer_id``) are extra one-off orders, ``GUEST_SHARE`` of all
  completed orders, dated like the customer orders; they are not part of any customer's
  purchase process.
* Lines: ``1 + Poisson(LINES_PER_CNY * budget)`` lines (at most ``MAX_LINES``; larger
  baskets hold more lines rather than more units per line) split the budget evenly; each picks a product with the daily choice probabilities of
  :func:`ecomlib.datasets.core_catalog.choice_arrays` and buys ``budget / price`` units,
  rounded stochastically (floor plus a Bernoulli draw of the fraction) so expected units
  are exact. Lines that round to zero units are dropped; an order left with no line keeps
  one unit of its line with the most budget per unit price.
* Cancellations: ``CANCEL_SHARE`` of all orders are cancelled attempts, each placed by the
  same buyer a few minutes before one of their completed orders (same day, channel and
  products), so they never change a customer's purchase days.
* Returns: each unit of a completed line is returned with its category's return rate; the
  returned units of a line form one separate line with negative quantity and status
  ``returned``, 3-21 days after the sale
  (returns falling after the period's end are not in the data).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.datasets.core_calendar import (
    ACQUISITION_CHANNELS,
    CATEGORIES,
    DEVICES,
    REGIONS,
    REPEAT_CHANNEL_MIX,
    REPEAT_SAME_CHANNEL,
)
from ecomlib.datasets.core_customers import GAMMA_GAMMA

__all__ = ["make_orders", "make_lines", "add_cancellations", "make_returns", "DEVICE_TILT"]

GUEST_SHARE = 0.04
CANCEL_SHARE = 0.03
LINES_PER_CNY = 1 / 250  # extra lines per CNY of order budget (Poisson mean)
MAX_LINES = 8
RETURN_DELAY_DAYS = (3, 22)  # uniform integer days after the sale, upper exclusive
#: multiplies the device shares in ``DEVICES`` per channel before renormalising
DEVICE_TILT = {
    "search": {"desktop": 1.5},
    "social": {"mobile": 1.3, "desktop": 0.5},
    "marketplace": {"mobile": 1.2},
    "email": {"desktop": 1.4, "tablet": 1.5},
    "affiliate": {},
    "direct": {"desktop": 1.2},
}


def _categorical(rng, names, probs, n):
    probs = np.asarray(probs, dtype=float)
    return np.asarray(names, dtype=object)[rng.choice(len(names), size=n, p=probs / probs.sum())]


def device_shares() -> pd.DataFrame:
    """Share of orders by device within each channel (the truth of the device mix)."""
    rows = []
    for ch, tilt in DEVICE_TILT.items():
        raw = {d: s * tilt.get(d, 1.0) for d, s in DEVICES.items()}
        total = sum(raw.values())
        rows += [(ch, d, v / total) for d, v in raw.items()]
    return pd.DataFrame(rows, columns=["channel", "device", "share"])


def _devices(rng, channel):
    shares = device_shares()
    device = np.empty(len(channel), dtype=object)
    for ch, grp in shares.groupby("channel", sort=False):  # a handful of channels
        sel = channel == ch
        device[sel] = _categorical(rng, grp["device"].to_numpy(), grp["share"].to_numpy(), sel.sum())
    return device


def make_orders(rng, purchases: pd.DataFrame, latent: pd.DataFrame,
                customers: pd.DataFrame) -> pd.DataFrame:
    """Return one row per completed order: ``cust`` (-1 for guests), ``t`` (days since the
    start), ``budget`` (CNY), ``channel``, ``device``, ``country``, ``repeat``."""
    n = len(purchases)
    cust = purchases["cust"].to_numpy()
    nu = latent["nu"].to_numpy()[cust]
    budget = rng.gamma(GAMMA_GAMMA["p"], 1 / nu)
    acq = customers["acquisition_channel"].to_numpy(dtype=object)[cust]
    other = _categorical(rng, list(REPEAT_CHANNEL_MIX), list(REPEAT_CHANNEL_MIX.values()), n)
    same = (purchases["repeat"].to_numpy() == 0) | (rng.random(n) < REPEAT_SAME_CHANNEL)
    channel = np.where(same, acq, other)
    country = latent["country"].to_numpy(dtype=object)[cust]
    orders = pd.DataFrame({"cust": cust, "t": purchases["t"].to_numpy(), "budget": budget,
                           "channel": channel, "country": country,
                           "repeat": purchases["repeat"].to_numpy()})
    n_guest = int(round(GUEST_SHARE / (1 - GUEST_SHARE) * n))
    ref = rng.integers(0, n, n_guest)
    guest_nu = rng.gamma(GAMMA_GAMMA["q"], 1 / GAMMA_GAMMA["gamma"], n_guest)
    region = _categorical(rng, list(REGIONS), [v[0] for v in REGIONS.values()], n_guest)
    guest_country = np.array([REGIONS[r][1][0] for r in REGIONS], dtype=object)
    guest_country = guest_country[pd.Index(list(REGIONS)).get_indexer(region)]
    guests = pd.DataFrame({
        "cust": -1,
        "t": np.floor(orders["t"].to_numpy()[ref]) + rng.random(n_guest),
        "budget": rng.gamma(GAMMA_GAMMA["p"], 1 / guest_nu),
        "channel": _categorical(rng, ACQUISITION_CHANNELS["channel"], ACQUISITION_CHANNELS["share"], n_guest),
        "country": guest_country,
        "repeat": 0,
    })
    orders = pd.concat([orders, guests], ignore_index=True)
    orders["device"] = _devices(rng, orders["channel"].to_numpy())
    return orders.sort_values(["t", "cust"], kind="stable").reset_index(drop=True)


def _round_budget(rng, order, k, budget, price):
    """Units per line: each line spends its share of the order budget plus what the lines
    before it left over, rounded stochastically (floor + Bernoulli(fraction)), so expected
    units are exact and the order's value misses its budget by at most the last line's
    rounding. Lines are visited from the cheapest to the most expensive, so a leftover is
    rarely larger than the next line's budget (which would make it lose its share)."""
    pos = pd.DataFrame({"order": order, "price": price}).sort_values(
        ["order", "price"], kind="stable")
    rank = np.empty(len(order), dtype=int)
    rank[pos.index.to_numpy()] = pos.groupby("order").cumcount().to_numpy()
    qty = np.zeros(len(order))
    carry = np.zeros(len(budget))
    u = rng.random(len(order))
    for j in range(MAX_LINES):  # at most MAX_LINES passes, vectorised over orders
        sel = rank == j
        o = order[sel]
        line_budget = np.maximum(budget[o] / k[o] + carry[o], 0.0)
        x = line_budget / price[sel]
        q = np.floor(x) + (u[sel] < x - np.floor(x))
        qty[sel] = q
        carry[o] = line_budget - q * price[sel]
    # an order whose every line rounds to zero keeps one unit of its cheapest line
    empty = np.bincount(order, weights=qty, minlength=len(budget)) == 0
    qty[(rank == 0) & empty[order]] = 1
    return qty.astype(np.int64)


def make_lines(rng, orders: pd.DataFrame, choice: dict, products: pd.DataFrame) -> pd.DataFrame:
    """Return the completed order lines: ``order`` (row of ``orders``), ``product`` (row of
    ``products``), ``quantity``, ``unit_price``, ``list_price``, ``promo`` (plan row or -1)."""
    n_orders = len(orders)
    k = np.minimum(1 + rng.poisson(LINES_PER_CNY * orders["budget"].to_numpy()), MAX_LINES)
    order = np.repeat(np.arange(n_orders), k)
    day = np.floor(orders["t"].to_numpy()[order]).astype(int)
    n_days, n_products = choice["prob"].shape
    cum = np.cumsum(choice["prob"], axis=1)
    cum = cum / cum[:, -1:]
    # one sorted array for all days: day d occupies (d, d + 1], so a single searchsorted
    # finds every line's product (inverse-CDF draw within its day)
    flat = (np.arange(n_days)[:, None] + cum).ravel()
    u = rng.random(len(order))
    pos = np.searchsorted(flat, day + u, side="right")
    product = np.clip(pos - day * n_products, 0, n_products - 1)
    price = choice["price"][day, product]
    qty = _round_budget(rng, order, k, orders["budget"].to_numpy(), price)
    lines = pd.DataFrame({"order": order, "product": product, "quantity": qty,
                          "unit_price": price, "list_price": choice["list_price"][day, product],
                          "promo": choice["promo"][day, product]})
    lines = lines[lines["quantity"] > 0]
    # one line per product in an order
    lines = lines.groupby(["order", "product"], as_index=False, sort=True).agg(
        quantity=("quantity", "sum"), unit_price=("unit_price", "first"),
        list_price=("list_price", "first"), promo=("promo", "first"))
    return lines


def add_cancellations(rng, orders: pd.DataFrame, lines: pd.DataFrame):
    """Add cancelled twin orders; return ``(orders, lines)`` with a ``status`` column."""
    n = len(orders)
    n_cancel = int(round(CANCEL_SHARE / (1 - CANCEL_SHARE) * n))
    src = np.sort(rng.choice(n, size=n_cancel, replace=False))
    twins = orders.iloc[src].copy()
    twins["t"] = twins["t"] - rng.uniform(2, 30, n_cancel) / (24 * 60)  # minutes before
    twins["t"] = np.maximum(twins["t"], np.floor(orders["t"].to_numpy()[src]))
    twins["status"] = "cancelled"
    orders = orders.assign(status="completed")
    new_pos = np.arange(n, n + n_cancel)
    twin_lines = lines[lines["order"].isin(src)].copy()
    twin_lines["order"] = new_pos[np.searchsorted(src, twin_lines["order"].to_numpy())]
    twin_lines["status"] = "cancelled"
    all_orders = pd.concat([orders, twins.set_index(pd.RangeIndex(n, n + n_cancel))])
    all_lines = pd.concat([lines.assign(status="completed"), twin_lines], ignore_index=True)
    return all_orders, all_lines


def make_returns(rng, lines: pd.DataFrame, orders: pd.DataFrame, products: pd.DataFrame,
                 n_days: int) -> pd.DataFrame:
    """Return lines for returned completed lines (negative quantity, status ``returned``),
    with ``t`` the return time in days since the start; returns after the period are dropped."""
    done = lines[lines["status"] == "completed"]
    cat_rate = CATEGORIES.set_index("category")["return_rate"]
    rate = cat_rate.reindex(products["category"].to_numpy()).to_numpy()[done["product"].to_numpy()]
    units_back = rng.binomial(done["quantity"].to_numpy(), rate)
    ret = done[units_back > 0].copy()
    lo, hi = RETURN_DELAY_DAYS
    delay = rng.integers(lo, hi, len(ret)) + rng.random(len(ret))
    ret["t"] = np.floor(orders["t"].to_numpy()[ret["order"].to_numpy()]) + delay
    ret["quantity"] = -units_back[units_back > 0]
    ret["status"] = "returned"
    return ret[ret["t"] < n_days]
