"""Orders and order lines of the core sample shop.

* Customer orders come from the BG/NBD purchase times; each gets a number of lines, a
  channel and a device.
* Guest orders (no ``customer_id``) are extra one-off orders, ``GUEST_SHARE`` of all
  completed orders, dated like the customer orders; they are not part of any customer's
  purchase process.
* Lines: an order has ``min(1 + Poisson(EXTRA_LINES * g), MAX_LINES)`` lines, with ``g`` the
  customer's basket multiplier (:mod:`~ecomlib.datasets.core_customers`; a guest draws
  one of their own). Each line picks a product with the daily choice probabilities of
  :func:`ecomlib.datasets.core_catalog.choice_arrays` and buys ``1 + Poisson(EXTRA_UNITS * g)``
  units, independent of the product and its price (units first, prices then decide the
  order's value).
  Lines of an order that pick the same product are merged.
* Expected value of an order of a customer with multiplier ``g`` on day ``t`` (CNY):
  ``E[lines | g] * (1 + EXTRA_UNITS * g) * sum_j pi_j(t) price_j(t)``, see
  :func:`expected_lines` and :func:`expected_order_value`.
* Cancellations: ``CANCEL_SHARE`` of all orders are cancelled attempts, each placed by the
  same buyer a few minutes before one of their completed orders (same day, channel and
  products), so they never change a customer's purchase days.
* Returns: each unit of a completed line is returned with its category's return rate; the
  returned units of a line form one separate line with negative quantity and status
  ``returned``, 3-21 days after the sale
  (returns falling after the period's end are not in the data).
* Lines drawn here never depend on each other; :mod:`~ecomlib.datasets.core_pairs` appends the
  lines of a few planted product pairs (from a random stream of its own).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ecomlib.datasets.core_calendar import (
    ACQUISITION_CHANNELS,
    CATEGORIES,
    DEVICES,
    REGIONS,
    REPEAT_CHANNEL_MIX,
    REPEAT_SAME_CHANNEL,
)
from ecomlib.datasets.core_customers import BASKET_SHAPE

__all__ = ["make_orders", "make_lines", "add_cancellations", "make_returns", "expected_lines",
           "expected_order_value", "DEVICE_TILT"]

GUEST_SHARE = 0.04
CANCEL_SHARE = 0.03
EXTRA_LINES = 0.9  # extra lines of an order (Poisson mean) for a customer with basket multiplier 1
MAX_LINES = 8
EXTRA_UNITS = 0.3  # extra units of a line (Poisson mean) for a customer with basket multiplier 1
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


def expected_lines(g) -> np.ndarray:
    """Expected lines of an order, ``E[min(1 + Poisson(EXTRA_LINES * g), MAX_LINES)]``,
    exactly: ``1 + sum_{k=0}^{MAX_LINES-2} P(Poisson > k)``."""
    mu = EXTRA_LINES * np.asarray(g, dtype=float)
    k = np.arange(MAX_LINES - 1)
    return 1 + stats.poisson.sf(k[None, :], mu[:, None]).sum(axis=1)


def expected_order_value(g, day, choice: dict) -> np.ndarray:
    """Expected value (CNY, before returns) of orders with basket multipliers ``g`` placed on
    days ``day`` (rows of ``choice``): expected lines x expected units per line x the
    expected paid price of a line that day."""
    line_price = (choice["prob"] * choice["price"]).sum(axis=1)
    g = np.asarray(g, dtype=float)
    return expected_lines(g) * (1 + EXTRA_UNITS * g) * line_price[np.asarray(day, dtype=int)]


def _lines(rng, g):
    return np.minimum(1 + rng.poisson(EXTRA_LINES * g), MAX_LINES)


def make_orders(rng, purchases: pd.DataFrame, latent: pd.DataFrame,
                customers: pd.DataFrame) -> pd.DataFrame:
    """Return one row per completed order: ``cust`` (-1 for guests), ``t`` (days since the
    start), ``g`` (basket multiplier), ``lines`` (number of lines drawn), ``exp_units``
    (expected units), ``channel``, ``device``, ``country``, ``repeat``."""
    n = len(purchases)
    cust = purchases["cust"].to_numpy()
    g = latent["g"].to_numpy()[cust]
    acq = customers["acquisition_channel"].to_numpy(dtype=object)[cust]
    other = _categorical(rng, list(REPEAT_CHANNEL_MIX), list(REPEAT_CHANNEL_MIX.values()), n)
    same = (purchases["repeat"].to_numpy() == 0) | (rng.random(n) < REPEAT_SAME_CHANNEL)
    channel = np.where(same, acq, other)
    country = latent["country"].to_numpy(dtype=object)[cust]
    orders = pd.DataFrame({"cust": cust, "t": purchases["t"].to_numpy(), "g": g,
                           "lines": _lines(rng, g),
                           "channel": channel, "country": country,
                           "repeat": purchases["repeat"].to_numpy()})
    n_guest = int(round(GUEST_SHARE / (1 - GUEST_SHARE) * n))
    ref = rng.integers(0, n, n_guest)
    guest_g = rng.gamma(BASKET_SHAPE, 1 / BASKET_SHAPE, n_guest)
    region = _categorical(rng, list(REGIONS), [v[0] for v in REGIONS.values()], n_guest)
    guest_country = np.array([REGIONS[r][1][0] for r in REGIONS], dtype=object)
    guest_country = guest_country[pd.Index(list(REGIONS)).get_indexer(region)]
    guests = pd.DataFrame({
        "cust": -1,
        "t": np.floor(orders["t"].to_numpy()[ref]) + rng.random(n_guest),
        "g": guest_g,
        "lines": _lines(rng, guest_g),
        "channel": _categorical(rng, ACQUISITION_CHANNELS["channel"], ACQUISITION_CHANNELS["share"], n_guest),
        "country": guest_country,
        "repeat": 0,
    })
    orders = pd.concat([orders, guests], ignore_index=True)
    orders["exp_units"] = orders["lines"] * (1 + EXTRA_UNITS * orders["g"])
    orders["device"] = _devices(rng, orders["channel"].to_numpy())
    return orders.sort_values(["t", "cust"], kind="stable").reset_index(drop=True)


def make_lines(rng, orders: pd.DataFrame, choice: dict, products: pd.DataFrame) -> pd.DataFrame:
    """Return the completed order lines: ``order`` (row of ``orders``), ``product`` (row of
    ``products``), ``quantity``, ``unit_price``, ``list_price``, ``promo`` (plan row or -1)."""
    n_orders = len(orders)
    k = orders["lines"].to_numpy()
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
    qty = 1 + rng.poisson(EXTRA_UNITS * orders["g"].to_numpy()[order])
    lines = pd.DataFrame({"order": order, "product": product, "quantity": qty.astype(np.int64),
                          "unit_price": price, "list_price": choice["list_price"][day, product],
                          "promo": choice["promo"][day, product]})
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
