"""Web sessions of the core sample shop, consistent with the orders.

Every order (completed or cancelled, customer or guest) has exactly one ``purchase``
session on its day, channel and device. The sessions that stop earlier are generated
backwards from the purchases with the true step rates: if ``n`` sessions reached step
``k + 1``, the sessions that reached step ``k`` but went no further number
``NegativeBinomial(n, rate_k)`` (failures before ``n`` successes). Summed over any group,
this keeps ``reached(k + 1) / reached(k)`` a consistent estimate of the true step rate.

Non-purchase sessions belong to the ordering customer (``OWN_BROWSING_SHARE``) or to an
anonymous visitor from a pool of returning visitors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["STEPS", "step_rates", "make_sessions"]

STEPS = ["view", "product", "cart", "checkout", "purchase"]
BASE_STEP_RATES = {"product": 0.60, "cart": 0.40, "checkout": 0.60, "purchase": 0.75}
#: channel multipliers of the view->product and product->cart rates
CHANNEL_FACTOR = {
    "search": (1.10, 1.00),
    "social": (0.80, 0.85),
    "marketplace": (1.15, 1.10),
    "email": (1.20, 1.25),
    "affiliate": (0.90, 0.95),
    "direct": (1.05, 1.10),
}
#: device multipliers of the cart->checkout and checkout->purchase rates
DEVICE_FACTOR = {"mobile": (0.90, 0.92), "desktop": (1.10, 1.08), "tablet": (1.00, 1.00)}
OWN_BROWSING_SHARE = 0.35
ANONYMOUS_VISITS_PER_VISITOR = 1.6


def step_rates() -> pd.DataFrame:
    """True step rates: one row per channel x device x step (``rate`` = share of sessions
    reaching the previous step that also reach ``step``)."""
    rows = []
    for ch, (f1, f2) in CHANNEL_FACTOR.items():
        for dev, (g1, g2) in DEVICE_FACTOR.items():
            factors = {"product": f1, "cart": f2, "checkout": g1, "purchase": g2}
            for step, base in BASE_STEP_RATES.items():
                rows.append((ch, dev, step, min(base * factors[step], 0.95)))
    return pd.DataFrame(rows, columns=["channel", "device", "step", "rate"]).astype(
        {"channel": "str", "device": "str", "step": "str"})


def make_sessions(rng, orders: pd.DataFrame) -> pd.DataFrame:
    """Return the sessions table.

    ``orders`` needs ``order_id``, ``date``, ``channel``, ``device``, ``customer_id``
    (missing for guests) and ``is_first`` (the customer's first order).
    """
    rates = step_rates().set_index(["channel", "device", "step"])["rate"]
    n = len(orders)
    reached = np.ones(n, dtype=np.int64)  # sessions that reached the current step, per order
    parts = []
    for step_pos in range(len(STEPS) - 1, 0, -1):  # purchase, checkout, cart, product
        step = STEPS[step_pos]
        idx = pd.MultiIndex.from_arrays([orders["channel"], orders["device"], [step] * n])
        rate = rates.reindex(idx).to_numpy()
        stopped = rng.negative_binomial(reached, rate)  # reached the step before, went no further
        parts.append((STEPS[step_pos - 1], stopped))
        reached = reached + stopped
    anchor = np.concatenate([np.repeat(np.arange(n), cnt) for _, cnt in parts])
    step_code = np.concatenate([np.repeat(STEPS.index(name), cnt.sum()) for name, cnt in parts])
    m = len(anchor)
    has_customer = orders["customer_id"].notna().to_numpy()
    own = (rng.random(m) < OWN_BROWSING_SHARE) & has_customer[anchor]
    pool = max(int(m / ANONYMOUS_VISITS_PER_VISITOR), 1)
    anon = rng.integers(0, pool, m)
    tie_browse = rng.random(m)
    tie = np.concatenate([rng.random(n), tie_browse])
    # every session as integers: the order it belongs to, its visitor (kind, number)
    cust_number = pd.to_numeric(orders["customer_id"].str[1:], errors="coerce").fillna(0).to_numpy(np.int64)
    order_number = pd.to_numeric(orders["order_id"].str[1:]).to_numpy(np.int64)
    anchor = np.concatenate([np.arange(n), anchor])  # purchase sessions first, then the others
    step_code = np.concatenate([np.full(n, len(STEPS) - 1), step_code])
    own = np.concatenate([has_customer, own])
    kind = np.where(own, 0, np.concatenate([np.full(n, 2), np.ones(m, dtype=int)]))  # 0 V, 1 A, 2 G
    number = np.where(kind == 0, cust_number[anchor],
                      np.where(kind == 2, order_number[anchor], np.concatenate([np.zeros(n, int), anon])))
    first = own & orders["is_first"].to_numpy(dtype=bool)[anchor]
    date = orders["date"].to_numpy()[anchor]
    order = np.lexsort((tie, date))
    anchor, step_code, own, kind, number, first = (a[order] for a in (anchor, step_code, own, kind, number, first))
    seen_before = pd.Series(kind * 10**9 + number).duplicated(keep="first").to_numpy()
    is_new = np.where(kind == 0, first, ~seen_before)
    digits = pd.Series(number).astype("str")
    visitor = np.where(kind == 0, "V" + digits.str.zfill(6), np.where(kind == 1, "A", "G") + digits.str.zfill(7))
    purchase = step_code == len(STEPS) - 1

    def take(col):
        return orders[col].take(anchor).reset_index(drop=True).astype("str")

    return pd.DataFrame({
        "session_id": ("S" + pd.Series(np.arange(1, n + m + 1)).astype("str").str.zfill(7)).astype("str"),
        "visitor_id": pd.array(visitor, dtype="str"),
        "customer_id": take("customer_id").where(own),
        "date": date[order].astype("datetime64[us]"),
        "channel": take("channel"),
        "device": take("device"),
        "step": pd.array(np.array(STEPS, dtype=object)[step_code], dtype="str"),
        "order_id": take("order_id").where(purchase),
        "is_new_visitor": is_new.astype(bool),
    })
