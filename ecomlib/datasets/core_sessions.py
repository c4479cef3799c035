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
    step = np.concatenate([np.repeat(name, cnt.sum()) for name, cnt in parts])
    m = len(anchor)
    own = (rng.random(m) < OWN_BROWSING_SHARE) & orders["customer_id"].notna().to_numpy()[anchor]
    pool = max(int(m / ANONYMOUS_VISITS_PER_VISITOR), 1)
    anon = rng.integers(0, pool, m)
    cust = orders["customer_id"].to_numpy(dtype=object)[anchor]
    browse = pd.DataFrame({
        "visitor_key": np.where(own, "V" + pd.Series(cust).fillna("").str[1:].to_numpy(dtype=object),
                                "A" + pd.Series(anon).astype(str).str.zfill(7).to_numpy(dtype=object)),
        "customer_id": np.where(own, cust, None),
        "date": orders["date"].to_numpy()[anchor],
        "channel": orders["channel"].to_numpy()[anchor],
        "device": orders["device"].to_numpy()[anchor],
        "step": step,
        "order_id": None,
        "first_of_customer": np.where(own, orders["is_first"].to_numpy()[anchor], False),
        "tie": rng.random(m),
    })
    guest_key = "G" + orders["order_id"].str[1:]
    buy = pd.DataFrame({
        "visitor_key": np.where(orders["customer_id"].notna(),
                                "V" + orders["customer_id"].fillna("").str[1:], guest_key),
        "customer_id": orders["customer_id"].to_numpy(dtype=object),
        "date": orders["date"].to_numpy(),
        "channel": orders["channel"].to_numpy(),
        "device": orders["device"].to_numpy(),
        "step": "purchase",
        "order_id": orders["order_id"].to_numpy(),
        "first_of_customer": orders["is_first"].to_numpy(),
        "tie": rng.random(n),
    })
    s = pd.concat([buy, browse], ignore_index=True).sort_values(["date", "tie"], kind="stable")
    is_customer = s["visitor_key"].str.startswith("V")
    seen_before = s.duplicated("visitor_key", keep="first")
    s["is_new_visitor"] = np.where(is_customer, s["first_of_customer"].astype(bool), ~seen_before)
    s = s.reset_index(drop=True)
    return pd.DataFrame({
        "session_id": ("S" + pd.Series(np.arange(1, len(s) + 1)).astype("str").str.zfill(7)).astype("str"),
        "visitor_id": pd.array(s["visitor_key"].to_numpy(dtype=object), dtype="str"),
        "customer_id": pd.array(s["customer_id"].to_numpy(dtype=object), dtype="str"),
        "date": s["date"].astype("datetime64[us]").to_numpy(),
        "channel": pd.array(s["channel"].to_numpy(dtype=object), dtype="str"),
        "device": pd.array(s["device"].to_numpy(dtype=object), dtype="str"),
        "step": pd.array(s["step"].to_numpy(dtype=object), dtype="str"),
        "order_id": pd.array(s["order_id"].to_numpy(dtype=object), dtype="str"),
        "is_new_visitor": s["is_new_visitor"].to_numpy(dtype=bool),
    })
