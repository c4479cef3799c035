"""Traffic tables of the sample shop: marketing spend, one A/B test, touchpoint journeys.

Runs after the core simulation and reads its ``customers`` and ``sessions`` tables and the
truth key ``acquisition_channels`` (column ``expected_share``). Draws only from ``ctx.rng("traffic")``.

marketing_spend (one row per day and paid channel)
    * Each paid channel has a **true CAC** (CNY per new customer, ``TRUE_CAC``). Its total
      spend over the period is ``CAC x expected new customers``, the expected number being
      ``n_customers x`` the core's expected acquisition share of the channel. So
      ``spend / new customers`` estimates the true CAC, and the new-customer count is a sum
      of independent Bernoulli draws (Poisson-binomial, variance below Poisson's).
    * Daily spend follows the daily mix of the channel's sessions in the core simulation
      (marketers spend more in festivals) times an independent log-normal planning noise
      (sd ``SPEND_NOISE``), rescaled to the total above.
    * Clicks respond to spend with **diminishing returns**:
      ``clicks = round(a · spend^b · exp(e))``, ``e ~ Normal(0, CLICK_NOISE)`` independent of
      spend, with ``b < 1`` (``RESPONSE_ELASTICITY``); so ``log clicks`` is linear in
      ``log spend`` with slope ``b``. ``a`` is set so that the median clicks over the period
      add up to ``CLICK_SHARE`` of the channel's sessions. Impressions are
      ``clicks / CTR`` with log-normal noise (sd 0.05).

experiment (one row per user of one A/B test on the product page)
    Users are randomised 50/50. Conversion is Bernoulli with rate ``AB_CONTROL_RATE`` or
    ``AB_TREATMENT_RATE``; a converting user's revenue is Gamma(shape 4, mean
    ``AB_ORDER_VALUE``) CNY in both arms. True effects: on conversion
    ``AB_TREATMENT_RATE − AB_CONTROL_RATE``; on revenue per visitor that difference times
    ``AB_ORDER_VALUE``.

touchpoints (one row per touch of a user journey)
    Each journey touches ``K`` distinct channels (``P(K = 1..4) = JOURNEY_SIZE_P``), chosen
    without replacement with probabilities ``TOUCH_POPULARITY``; each channel is touched 1
    or 2 times, in random order, the touches spread over days. Conversion is **additive
    over the set of channels touched**: every channel ``c`` in the set independently
    "causes" the conversion with probability ``w_c`` (``TOUCH_CONVERSION_WEIGHT``) in the
    sense of a single multinomial draw, so ``P(convert | set S) = Σ_{c∈S} w_c``. The **true
    contribution** of channel ``c`` is its expected share of the caused conversions,
    ``Σ_j 1[c ∈ S_j] w_c / Σ_j Σ_{d∈S_j} w_d`` over the simulated journeys ``j``; it is also
    the true removal effect (take ``c`` out of every journey and exactly these conversions are
    lost). The Shapley value on channel sets recovers this quantity (for an additive game the
    Shapley value of ``c`` is ``w_c``). The first-order Markov model only approximates it:
    its removal effect assumes a journey through ``c`` is lost entirely, which pulls its
    shares toward how often a channel appears on converting paths. With 72 % one-channel
    journeys and weights within a factor 1.8 the Markov bias is about 0.03-0.035 in
    expectation (checked on 600,000 journeys: search 0.253 vs 0.288); a draw of 50,000
    journeys adds noise (largest gap 0.045 on the bundled shop, Shapley 0.013), inside the
    0.05 the tests allow but not by much.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.datasets.simulation import SimContext, SimResult

NAME = "traffic"

#: true cost per acquired customer (CNY) of the paid channels
TRUE_CAC = {"search": 160.0, "social": 120.0, "marketplace": 100.0, "affiliate": 80.0,
            "email": 25.0}
#: elasticity b of clicks to daily spend (clicks = a * spend^b)
RESPONSE_ELASTICITY = {"search": 0.70, "social": 0.55, "marketplace": 0.80, "affiliate": 0.60,
                       "email": 0.85}
CLICK_THROUGH_RATE = {"search": 0.035, "social": 0.012, "marketplace": 0.025, "affiliate": 0.015,
                      "email": 0.060}
CLICK_SHARE = 0.8
SPEND_NOISE = 0.35
CLICK_NOISE = 0.15

AB_USERS = 24_000
AB_CONTROL_RATE = 0.040
AB_TREATMENT_RATE = 0.048
AB_ORDER_VALUE = 400.0

N_JOURNEYS = 50_000
JOURNEY_SIZE_P = (0.72, 0.18, 0.07, 0.03)
TOUCH_POPULARITY = {"search": 0.26, "social": 0.22, "marketplace": 0.18, "email": 0.12,
                    "affiliate": 0.10, "direct": 0.12}
TOUCH_CONVERSION_WEIGHT = {"search": 0.028, "social": 0.018, "marketplace": 0.024,
                           "email": 0.032, "affiliate": 0.020, "direct": 0.022}


def _expected_new_customers(ctx: SimContext) -> pd.Series:
    """n_customers x the core's expected acquisition share, per paid channel."""
    share = None
    acq = ctx.truth.get("acquisition_channels")
    if isinstance(acq, pd.DataFrame) and "expected_share" in acq:
        share = acq.set_index("channel")["expected_share"]
    elif "customers" in ctx.tables:
        share = ctx.tables["customers"]["acquisition_channel"].value_counts(normalize=True)
    else:
        share = pd.Series({c: 1 / len(TRUE_CAC) for c in TRUE_CAC})
    return share.reindex(list(TRUE_CAC)).fillna(0) * ctx.n_customers


def _marketing_spend(rng, ctx: SimContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    days = ctx.days
    channels = list(TRUE_CAC)
    if "sessions" in ctx.tables:
        s = ctx.tables["sessions"]
        daily = pd.crosstab(s["date"].dt.normalize(), s["channel"]).reindex(
            index=days, columns=channels, fill_value=0).astype(float)
    else:
        daily = pd.DataFrame(100.0, index=days, columns=channels)
    sessions_total = daily.sum(axis=0)
    # smoothed daily mix of each channel's traffic (7-day centred mean) sets the spend plan
    mix = daily.rolling(7, center=True, min_periods=1).mean() + 1e-9
    noise = np.exp(rng.normal(0, SPEND_NOISE, size=mix.shape))
    plan = mix.to_numpy() * noise
    plan = plan / plan.sum(axis=0, keepdims=True)
    expected_new = _expected_new_customers(ctx)
    total_spend = np.array([TRUE_CAC[c] for c in channels]) * expected_new.to_numpy()
    spend = np.round(plan * total_spend[None, :], 2)
    b = np.array([RESPONSE_ELASTICITY[c] for c in channels])
    target_clicks = np.maximum(CLICK_SHARE * sessions_total.to_numpy(), 100.0)
    a = target_clicks / (spend**b).sum(axis=0)
    clicks = np.round(a[None, :] * spend**b * np.exp(rng.normal(0, CLICK_NOISE, size=spend.shape)))
    ctr = np.array([CLICK_THROUGH_RATE[c] for c in channels])
    impressions = np.round(clicks / ctr[None, :] * np.exp(rng.normal(0, 0.05, size=clicks.shape)))
    impressions = np.maximum(impressions, clicks).astype("int64")
    n_days = len(days)
    table = pd.DataFrame(
        {
            "date": np.repeat(days.to_numpy(), len(channels)).astype("datetime64[us]"),
            "channel": pd.array(np.tile(channels, n_days), dtype="str"),
            "spend": spend.ravel(),
            "impressions": impressions.ravel(),
            "clicks": clicks.ravel().astype("int64"),
        }
    )
    truth = pd.DataFrame(
        {"channel": channels, "cac": [TRUE_CAC[c] for c in channels],
         "expected_new_customers": expected_new.to_numpy(), "total_spend": spend.sum(axis=0),
         "response_a": a, "response_b": b, "ctr": ctr}
    ).astype({"channel": "str"})
    return table, truth


def _experiment(rng) -> tuple[pd.DataFrame, dict]:
    treated = rng.random(AB_USERS) < 0.5
    rate = np.where(treated, AB_TREATMENT_RATE, AB_CONTROL_RATE)
    converted = rng.random(AB_USERS) < rate
    value = rng.gamma(4.0, AB_ORDER_VALUE / 4.0, AB_USERS)
    revenue = np.round(np.where(converted, value, 0.0), 2)
    table = pd.DataFrame(
        {
            "user_id": pd.array(np.char.add("E", np.char.zfill(np.arange(1, AB_USERS + 1).astype(str), 6)),
                                dtype="str"),
            "variant": pd.array(np.where(treated, "treatment", "control"), dtype="str"),
            "converted": converted,
            "revenue": revenue,
        }
    )
    truth = {
        "control_rate": AB_CONTROL_RATE,
        "treatment_rate": AB_TREATMENT_RATE,
        "conversion_effect": AB_TREATMENT_RATE - AB_CONTROL_RATE,
        "relative_conversion_effect": AB_TREATMENT_RATE / AB_CONTROL_RATE - 1,
        "order_value": AB_ORDER_VALUE,
        "revenue_per_visitor_effect": (AB_TREATMENT_RATE - AB_CONTROL_RATE) * AB_ORDER_VALUE,
        "treatment_share": 0.5,
    }
    return table, truth


def _touchpoints(rng, start: pd.Timestamp, end: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    channels = list(TOUCH_POPULARITY)
    k = len(channels)
    pop = np.array([TOUCH_POPULARITY[c] for c in channels])
    w = np.array([TOUCH_CONVERSION_WEIGHT[c] for c in channels])
    n = N_JOURNEYS
    size = rng.choice(np.arange(1, len(JOURNEY_SIZE_P) + 1), size=n, p=JOURNEY_SIZE_P)
    # channels without replacement, weighted: Gumbel-top-k on log popularity
    keys = np.log(pop)[None, :] + rng.gumbel(size=(n, k))
    ranked = np.argsort(-keys, axis=1)
    in_set = np.zeros((n, k), dtype=bool)
    rank_pos = np.argsort(ranked, axis=1)
    in_set = rank_pos < size[:, None]
    # the causing channel: one multinomial draw over the channels touched and "none"
    u = rng.random(n)
    cum = np.cumsum(np.where(in_set, w[None, :], 0.0), axis=1)
    cause = np.where(u[:, None] < cum, 1, 0).argmax(axis=1)
    converted = u < cum[:, -1]
    # touches: each channel in the set 1 or 2 times, order random, days apart
    repeats = np.where(in_set, rng.integers(1, 3, size=(n, k)), 0)
    journey = np.repeat(np.repeat(np.arange(n), k), repeats.ravel())
    channel = np.repeat(np.tile(np.arange(k), n), repeats.ravel())
    order = np.lexsort((rng.random(len(journey)), journey))
    journey, channel = journey[order], channel[order]
    span_days = (end - start).days - 30
    journey_start = rng.integers(0, max(span_days, 1), size=n)
    gaps = rng.exponential(1.5 * 24 * 3600, size=len(journey))  # seconds between touches
    starts = np.flatnonzero(np.r_[True, journey[1:] != journey[:-1]])
    gaps[starts] = rng.uniform(0, 24 * 3600, size=len(starts))
    offset = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[starts] - gaps[starts],
                                        np.diff(np.r_[starts, len(journey)]))
    seconds = journey_start[journey] * 86400.0 + offset
    timestamp = (start + pd.to_timedelta(np.round(seconds), unit="s")).astype("datetime64[us]")
    table = pd.DataFrame(
        {
            "user_id": pd.array(np.char.add("U", np.char.zfill((journey + 1).astype(str), 6)),
                                dtype="str"),
            "timestamp": timestamp,
            "channel": pd.array(np.asarray(channels)[channel], dtype="str"),
            "converted": converted[journey],
        }
    )
    expected = (in_set * w[None, :]).sum(axis=0)
    realised = np.bincount(cause[converted], minlength=k)
    truth = pd.DataFrame(
        {"channel": channels, "weight": w, "journeys_touching": in_set.sum(axis=0),
         "expected_conversions": expected, "share": expected / expected.sum(),
         "caused_conversions": realised}
    ).astype({"channel": "str"})
    return table, truth


def simulate(ctx: SimContext) -> SimResult:
    """Simulate ``marketing_spend``, ``experiment`` and ``touchpoints`` (see the module notes)."""
    rng = ctx.rng(NAME)
    spend, spend_truth = _marketing_spend(rng, ctx)
    experiment, ab_truth = _experiment(rng)
    touchpoints, attribution_truth = _touchpoints(rng, ctx.start, ctx.end)
    truth = {
        "traffic_channel_economics": spend_truth,
        "traffic_ab_test": ab_truth,
        "traffic_attribution": attribution_truth,
    }
    doc = {
        "traffic_channel_economics": (
            "Per paid channel: true CAC (CNY per new customer), expected new customers "
            "(n_customers x expected acquisition share), total spend (CNY), the clicks response "
            "curve clicks = response_a * spend^response_b (daily spend in CNY) and the true CTR."
        ),
        "traffic_ab_test": (
            "The A/B test: true conversion rates per arm (0-1), conversion_effect (treatment - "
            "control, absolute), relative_conversion_effect, order_value (CNY, mean revenue of a "
            "converting user in both arms), revenue_per_visitor_effect (CNY per visitor), "
            "treatment_share (planned split)."
        ),
        "traffic_attribution": (
            "Per channel: weight w_c (additive conversion probability it adds to a journey), "
            "journeys touching it, expected conversions it causes (sum of w_c over journeys "
            "touching it), share (its true contribution, 0-1; what Shapley recovers) and the "
            "realised caused conversions."
        ),
    }
    return SimResult(
        tables={"marketing_spend": spend, "experiment": experiment, "touchpoints": touchpoints},
        truth=truth,
        truth_doc=doc,
    )
