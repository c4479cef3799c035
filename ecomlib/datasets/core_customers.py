"""Customers of the core sample shop and their BG/NBD purchase process.

Model (Fader, Hardie & Lee 2005, "Counting your customers the easy way", Marketing Science
24(2); and Fader, Hardie & Lee 2005, "RFM and CLV", for spend)
-----------------------------------------------------------------------------------------
* Each customer's first purchase is the day they are acquired; a customer orders at most
  once a day (a repeat purchase falling on the day of the previous one moves to the next
  day; those pushed past the period's end are dropped).
* While alive, a customer repeats purchases as a Poisson process with rate ``lambda``
  (per week) in *operational time*: calendar time stretched by the daily intensity
  multiplier ``m(t)`` (mean 1 over each calendar year), so festivals bring purchases
  forward without changing the yearly rate. ``lambda ~ Gamma(shape r, rate alpha)``.
* After each repeat purchase the customer drops out with probability
  ``p ~ Beta(a, b)``.
* Each customer has a basket multiplier ``g ~ Gamma(shape BASKET_SHAPE, rate BASKET_SHAPE)``
  (mean 1) that scales the extra lines and extra units of their orders (see
  :mod:`~ecomlib.datasets.core_orders`), so customers differ in how much they spend per
  order; spend is independent of ``lambda, p``.

Acquisition channel and membership are *selected* on ``lambda`` (frequent buyers come
more often through email and direct, and join membership more often), so the pooled
``lambda`` stays exactly Gamma(r, alpha). Membership also has a causal effect: a member
buys ``MEMBER_RATE_MULTIPLIER`` times as often as the same customer would without it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.datasets.core_calendar import ACQUISITION_CHANNELS, REGIONS

__all__ = ["BGNBD", "BASKET_SHAPE", "MEMBER_RATE_MULTIPLIER", "make_customers", "purchase_times"]

#: BG/NBD parameters, time unit one week.
BGNBD = {"r": 0.55, "alpha": 9.0, "a": 0.85, "b": 4.5}
#: shape (= rate) of each customer's Gamma basket multiplier g (mean 1, variance 1 / shape)
BASKET_SHAPE = 3.5
MEMBER_RATE_MULTIPLIER = 1.25  # causal effect of membership on the purchase rate
MEMBER_SELECTION = (-1.3, 0.6)  # logit P(member) = c0 + c1 * log(lambda / E[lambda])
ACQUISITION_GROWTH = 0.6  # acquisitions per day rise linearly by 60% over the period


def _acquisition_days(rng, n, multiplier):
    """Acquisition day of each customer: a linear growth trend, not seasonal (acquiring more
    customers at festival peaks would bias BG/NBD fits on calendar time, see the README)."""
    n_days = len(multiplier)
    trend = 1 + ACQUISITION_GROWTH * np.arange(n_days) / max(n_days - 1, 1)
    weight = trend / trend.sum()
    return np.sort(rng.choice(n_days, size=n, p=weight)), weight


def make_customers(rng: np.random.Generator, n: int, days: pd.DatetimeIndex,
                   multiplier: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Return ``(customers, latent, extra_truth)``.

    ``latent`` holds the per-customer latent values (``lam`` per week, ``p_drop``, basket
    multiplier ``g``, ``acquired_at`` in days since the start as a float).
    """
    day, day_weight = _acquisition_days(rng, n, multiplier)
    acquired_at = day + rng.random(n)
    lam = rng.gamma(BGNBD["r"], 1 / BGNBD["alpha"], n)
    p_drop = rng.beta(BGNBD["a"], BGNBD["b"], n)
    g = rng.gamma(BASKET_SHAPE, 1 / BASKET_SHAPE, n)
    z = np.log(lam * BGNBD["alpha"] / BGNBD["r"])
    z = (z - z.mean()) / z.std()
    ch = ACQUISITION_CHANNELS
    logits = np.log(ch["share"].to_numpy())[None, :] + ch["rate_tilt"].to_numpy()[None, :] * z[:, None]
    probs = np.exp(logits)
    probs /= probs.sum(axis=1, keepdims=True)
    channel_pos = (rng.random(n)[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
    c0, c1 = MEMBER_SELECTION
    p_member = 1 / (1 + np.exp(-(c0 + c1 * np.log(lam * BGNBD["alpha"] / BGNBD["r"]))))
    is_member = rng.random(n) < p_member
    region_names = list(REGIONS)
    region_share = np.array([REGIONS[r][0] for r in region_names])
    region_pos = rng.choice(len(region_names), size=n, p=region_share / region_share.sum())
    country_u = rng.random(n)
    country = np.empty(n, dtype=object)
    for k, name in enumerate(region_names):  # a handful of regions
        options = np.array(REGIONS[name][1], dtype=object)
        sel = region_pos == k
        country[sel] = options[(country_u[sel] * len(options)).astype(int)]
    ids = pd.Index("C" + pd.Series(np.arange(1, n + 1)).astype("str").str.zfill(6), dtype="str")
    customers = pd.DataFrame(
        {
            "customer_id": ids,
            "signup_date": days[day].astype("datetime64[us]"),
            "acquisition_channel": pd.array(ch["channel"].to_numpy()[channel_pos], dtype="str"),
            "region": pd.array(np.array(region_names)[region_pos], dtype="str"),
            "is_member": is_member,
        }
    )
    latent = pd.DataFrame(
        {
            "customer_id": ids,
            "lam": lam,
            "p_drop": p_drop,
            "g": g,
            "is_member": is_member,
            "purchase_rate_without_membership": np.where(is_member, lam / MEMBER_RATE_MULTIPLIER, lam),
            "acquired_at": acquired_at,
            "country": pd.array(country, dtype="str"),
        }
    )
    expected_mix = pd.DataFrame({"channel": ch["channel"], "expected_share": probs.mean(axis=0)})
    sel = is_member
    extra = {
        "acquisition_day_weight": day_weight,
        "acquisition_channel_expected_share": expected_mix,
        "member_observed_rate_ratio": float(lam[sel].mean() / lam[~sel].mean()) if sel.any() and (~sel).any() else 1.0,
    }
    return customers, latent, extra


def purchase_times(rng: np.random.Generator, latent: pd.DataFrame,
                   multiplier: np.ndarray) -> pd.DataFrame:
    """Simulate every purchase (first and repeats) as (customer position, time in days).

    Returns a frame with ``cust`` (row of ``latent``), ``t`` (days since the start, float)
    and ``repeat`` (number of the repeat purchase, 0 for the first purchase).
    """
    n_days = len(multiplier)
    # operational time in weeks at day boundaries: tau(k) = sum of m over days < k, / 7
    tau_edges = np.concatenate([[0.0], np.cumsum(multiplier)]) / 7.0
    t0 = latent["acquired_at"].to_numpy()
    tau0 = np.interp(t0, np.arange(n_days + 1), tau_edges)
    horizon = tau_edges[-1] - tau0
    lam = latent["lam"].to_numpy()
    # a member's counterfactual rate without membership is lam / multiplier; lam is observed
    n_events = rng.poisson(lam * horizon)
    n_alive = rng.geometric(latent["p_drop"].to_numpy())  # repeat purchases made before dropping out
    keep = np.minimum(n_events, n_alive)
    cust = np.repeat(np.arange(len(latent)), n_events)
    u = rng.random(len(cust))
    order = np.lexsort((u, cust))
    cust, u = cust[order], u[order]
    rank = np.arange(len(cust)) - np.repeat(np.cumsum(n_events) - n_events, n_events)
    kept = rank < keep[cust]
    cust, u, rank = cust[kept], u[kept], rank[kept]
    tau = tau0[cust] + u * horizon[cust]
    t = np.interp(tau, tau_edges, np.arange(n_days + 1))
    # a customer orders at most once a day: a purchase landing on the day of the previous one
    # moves to the next free day (d'_i = i + cummax(d_i - i) within a customer)
    day = np.floor(t)
    day0 = np.floor(t0)[cust]
    shifted = rank + 1 + pd.Series(day - (rank + 1)).groupby(cust).cummax().to_numpy()
    shifted = np.maximum(shifted, day0 + rank + 1)
    t = np.where(shifted > day, shifted + (t - day), t)
    inside = t < n_days
    cust, t, rank = cust[inside], t[inside], rank[inside]
    first = pd.DataFrame({"cust": np.arange(len(latent)), "t": t0, "repeat": 0})
    repeats = pd.DataFrame({"cust": cust, "t": t, "repeat": rank + 1})
    out = pd.concat([first, repeats], ignore_index=True)
    return out.sort_values(["t", "cust"], kind="stable").reset_index(drop=True)
