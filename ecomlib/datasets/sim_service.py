"""Customer service of the sample shop: tickets that follow orders and festivals, the team, and its
engagement survey. Runs after the core simulation (reads ``transactions`` and ``promotions``) and
draws only from ``ctx.rng("service")``, so every earlier table stays byte-identical.

tickets (one row per ticket)
    Each order opens a ticket with probability ``TICKET_RATE[status]`` (completed / returned /
    cancelled), multiplied by ``FESTIVAL_FACTOR`` for orders placed inside a ``festival``
    promotion window (delivery delays). A ticket is created ``Exponential(LAG_MEAN_DAYS)`` days after
    the order, at a time of day from ``HOUR_SHARES``; its ``channel`` and ``reason`` are drawn
    from ``CHANNEL_SHARES`` and ``REASON_SHARES[status]``. First response minutes are log-normal,
    ``log t = log(median_channel) + CONGESTION x log(load_day) + sigma_channel z``, where ``load_day``
    is the day's tickets over the mean day (busy days are slower); the true median of a ticket is
    thus known, and the true share answered within ``s`` minutes is the mean over tickets of
    ``Phi((log s - log median_i) / sigma)`` (:func:`true_response_share`). ``contacts`` is
    ``1 + Geometric`` with first-contact resolution probability ``FCR[reason]``; resolution comes
    ``Lognormal`` hours after the response, longer by ``EXTRA_HOURS_PER_CONTACT`` per extra contact;
    tickets whose resolution would fall after the last day stay unresolved. ``csat`` (1-5) is
    answered with probability ``CSAT_ANSWER_RATE``, from an ordered logit whose latent score falls
    by ``CSAT_SLOW`` when the response missed ``SLOW_MINUTES`` and by ``CSAT_CONTACT`` per extra
    contact; the true probability of 4-5 of each ticket is known (truth: its mean).
    ``agent_id`` names the agent who handled it.

    Repurchase: tickets are simulated *after* all purchases, so slow responses have **no effect**
    on repurchase in this shop (truth ``service_slow_response_repurchase_effect = 0``); any
    association seen in the data comes from who contacts when (festival buyers, returns).

service_team (one row per agent)
    ``agent_id``, ``team`` (售前 pre-sales / 售後 after-sales / 運營 operations), ``employment``
    (permanent / temporary), ``hire_date``, ``hourly_cost`` (CNY), ``trained`` (bool) and ``trained_on``:
    half of the service agents, chosen at random, take a course ``TRAINING_AFTER_DAYS`` after the start;
    afterwards the latent CSAT score of their tickets rises by ``TRAINING_EFFECT`` (truth: the rise of
    the probability of a 4-5 answer on those tickets, the target of a difference-in-differences).

team_survey (one row per agent)
    Eight Likert items 1-5: ``eng1..eng4`` (engagement) and ``wb1..wb4`` (wellbeing). Item =
    round(3 + loading x (trait + team shift) + Normal(0, 1)), clipped to 1..5; the true reliability
    of the unrounded items is ``k l^2 / (k l^2 + 1)`` (truth), rounding lowers it slightly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special, stats

from ecomlib.datasets.simulation import SimContext, SimResult

NAME = "service"

TICKET_RATE = {"completed": 0.06, "returned": 0.55, "cancelled": 0.30}
FESTIVAL_FACTOR = 1.6
LAG_MEAN_DAYS = 3.0
HOUR_SHARES = np.array([1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 1.5, 3, 5, 6, 6, 5.5, 5.5, 6, 6, 5.5, 5,
                        4.5, 5, 5.5, 5, 3.5, 2])
CHANNEL_SHARES = {"chat": 0.55, "email": 0.30, "phone": 0.15}
RESPONSE_MEDIAN_MINUTES = {"chat": 4.0, "email": 150.0, "phone": 2.0}
RESPONSE_SIGMA = {"chat": 0.9, "email": 0.8, "phone": 0.7}
CONGESTION = 0.5
REASONS = ("delivery", "return", "product", "payment", "account")
REASON_SHARES = {
    "completed": (0.45, 0.10, 0.25, 0.12, 0.08),
    "returned": (0.10, 0.70, 0.15, 0.03, 0.02),
    "cancelled": (0.25, 0.05, 0.10, 0.50, 0.10),
}
FCR = {"delivery": 0.70, "return": 0.45, "product": 0.75, "payment": 0.60, "account": 0.80}
RESOLUTION_MEDIAN_HOURS = 6.0
RESOLUTION_SIGMA = 1.0
EXTRA_HOURS_PER_CONTACT = 20.0
CSAT_ANSWER_RATE = 0.35
SLOW_MINUTES = 60.0
CSAT_BASE = 1.2
CSAT_SLOW = 1.0
CSAT_CONTACT = 0.6
CSAT_CUTS = np.array([-2.5, -1.5, -0.5, 1.0])
TEAMS = {"售前 pre-sales": 3, "售後 after-sales": 5, "運營 operations": 4}
TEMP_SHARE = 0.2
HOURLY_COST = {"permanent": 45.0, "temporary": 60.0}
TRAINING_AFTER_DAYS = 366       # trained agents take the course this many days after the start
TRAINING_EFFECT = 0.6           # rise of the latent CSAT score of a trained agent's tickets afterwards
SURVEY_LOADING = 1.0
SURVEY_ITEMS = 4
TEAM_SHIFT = {"售前 pre-sales": 0.3, "售後 after-sales": -0.3, "運營 operations": 0.0}

__all__ = ["NAME", "simulate", "true_response_share"]


def _day_load(created: pd.Series, mean_day: float) -> np.ndarray:
    day = created.dt.floor("D")
    return day.map(day.value_counts()).to_numpy(dtype=float) / mean_day


def true_response_share(tickets: pd.DataFrame, truth: dict, sla_minutes: float, by: str | None = None):
    """The true probability that a ticket is first answered within ``sla_minutes``, averaged over
    the tickets (overall, or per ``by`` column): the simulation's target for SLA attainment.

    Each ticket's true median is its channel's median times (its day's tickets / the mean day's)
    to the power ``CONGESTION``; pass all the sample shop's tickets (the day's load counts every
    channel; a date filter keeps whole days) and split with ``by``.
    """
    load = _day_load(tickets["created"], truth["service_mean_daily_tickets"])
    med = tickets["channel"].map(truth["service_response_median_minutes"]).to_numpy(dtype=float)
    log_med = np.log(med) + truth["service_congestion"] * np.log(load)
    sigma = tickets["channel"].map(truth["service_response_sigma"]).to_numpy(dtype=float)
    p = pd.Series(stats.norm.cdf((np.log(sla_minutes) - log_med) / sigma), index=tickets.index)
    return float(p.mean()) if by is None else p.groupby(tickets[by]).mean()


def _tickets(ctx: SimContext, rng: np.random.Generator, agents: pd.DataFrame):
    tx = ctx.tables["transactions"]
    orders = tx.drop_duplicates("order_id")[["order_id", "order_date", "customer_id", "status"]]
    orders = orders.reset_index(drop=True)
    promos = ctx.tables.get("promotions")
    festival = np.zeros(len(orders), dtype=bool)
    if promos is not None:
        for _, p in promos[promos["kind"] == "festival"].iterrows():
            festival |= ((orders["order_date"] >= p["start"])
                         & (orders["order_date"] < p["end"] + pd.Timedelta(days=1))).to_numpy()
    rate = orders["status"].map(TICKET_RATE).to_numpy(dtype=float) * np.where(festival, FESTIVAL_FACTOR, 1.0)
    opened = rng.random(len(orders)) < rate
    o = orders[opened].reset_index(drop=True)
    n = len(o)
    lag_days = np.floor(rng.exponential(LAG_MEAN_DAYS, n))
    hour = rng.choice(24, size=n, p=HOUR_SHARES / HOUR_SHARES.sum())
    seconds = rng.integers(0, 3600, n)
    created = (o["order_date"].dt.floor("D") + pd.to_timedelta(lag_days, unit="D")
               + pd.to_timedelta(hour * 3600 + seconds, unit="s"))
    channels = np.array(list(CHANNEL_SHARES))
    channel = channels[rng.choice(len(channels), size=n, p=list(CHANNEL_SHARES.values()))]
    reason = np.empty(n, dtype=object)
    for status, shares in REASON_SHARES.items():
        m = (o["status"] == status).to_numpy()
        reason[m] = np.array(REASONS)[rng.choice(len(REASONS), size=int(m.sum()), p=shares)]
    last = ctx.end + pd.Timedelta(days=1)
    keep = (created < last).to_numpy()
    o, created, channel, reason = o[keep].reset_index(drop=True), created[keep].reset_index(drop=True), \
        channel[keep], reason[keep]
    n = len(o)
    mean_day = n / len(ctx.days)
    load = _day_load(created, mean_day)
    med = pd.Series(channel).map(RESPONSE_MEDIAN_MINUTES).to_numpy() * load ** CONGESTION
    sig = pd.Series(channel).map(RESPONSE_SIGMA).to_numpy()
    response_min = med * np.exp(sig * rng.standard_normal(n))
    first_response = created + pd.to_timedelta(np.round(response_min * 60), unit="s")
    fcr = pd.Series(reason).map(FCR).to_numpy(dtype=float)
    contacts = rng.geometric(fcr)
    res_hours = (RESOLUTION_MEDIAN_HOURS * np.exp(RESOLUTION_SIGMA * rng.standard_normal(n))
                 + EXTRA_HOURS_PER_CONTACT * (contacts - 1))
    resolved = first_response + pd.to_timedelta(np.round(res_hours * 3600), unit="s")
    resolved = resolved.where(resolved < last)
    first_response = first_response.where(first_response < last)
    slow = response_min > SLOW_MINUTES
    pick = rng.integers(0, len(agents), n)
    agent = agents["agent_id"].to_numpy()[pick]
    lifted = agents["trained_on"].notna().to_numpy()[pick] & (created >= agents["trained_on"].max()).to_numpy()
    base = CSAT_BASE - CSAT_SLOW * slow - CSAT_CONTACT * (contacts - 1)
    latent = base + TRAINING_EFFECT * lifted
    cdf = special.expit(CSAT_CUTS[None, :] - latent[:, None])          # P(score <= j), j = 1..4
    u = rng.random(n)
    score = 1 + (u[:, None] > cdf).sum(axis=1)
    answered = (rng.random(n) < CSAT_ANSWER_RATE) & resolved.notna().to_numpy()
    p45 = 1 - cdf[:, 2]
    p45_untrained = 1 - special.expit(CSAT_CUTS[2] - base)
    tickets = pd.DataFrame({
        "ticket_id": "T" + pd.Series(np.arange(1, n + 1)).astype("str").str.zfill(6),
        "customer_id": o["customer_id"].astype("str"),
        "order_id": o["order_id"].astype("str"),
        "channel": pd.Series(channel).astype("str"),
        "reason": pd.Series(reason).astype("str"),
        "created": created.astype("datetime64[us]"),
        "first_response": first_response.astype("datetime64[us]"),
        "resolved": resolved.astype("datetime64[us]"),
        "contacts": contacts.astype("int64"),
        "csat": pd.Series(np.where(answered, score, np.nan), dtype="float64"),
        "agent_id": pd.Series(agent).astype("str"),
    })
    order = np.lexsort((tickets["ticket_id"].to_numpy(), tickets["created"].to_numpy()))
    tickets = tickets.iloc[order].reset_index(drop=True)
    ok = answered
    csat_truth = {c: _mean(p45[ok & (channel == c)]) for c in CHANNEL_SHARES}
    training = _mean((p45 - p45_untrained)[ok & lifted])
    return tickets, _mean(p45[ok]), csat_truth, mean_day, training


def _mean(x: np.ndarray) -> float:
    return float(x.mean()) if len(x) else float("nan")


def _team(ctx: SimContext, rng: np.random.Generator) -> pd.DataFrame:
    team = np.repeat(list(TEAMS), list(TEAMS.values()))
    n = len(team)
    temp = rng.random(n) < TEMP_SHARE
    hire = ctx.start - pd.to_timedelta(rng.integers(30, 1500, n), unit="D")
    service = np.flatnonzero(team != "運營 operations")
    trained = np.zeros(n, dtype=bool)
    trained[rng.permutation(service)[: len(service) // 2]] = True
    day = ctx.start + pd.Timedelta(days=TRAINING_AFTER_DAYS)
    return pd.DataFrame({
        "agent_id": "A" + pd.Series(np.arange(1, n + 1)).astype("str").str.zfill(3),
        "team": pd.Series(team).astype("str"),
        "employment": pd.Series(np.where(temp, "temporary", "permanent")).astype("str"),
        "hire_date": pd.Series(hire).astype("datetime64[us]"),
        "hourly_cost": np.where(temp, HOURLY_COST["temporary"], HOURLY_COST["permanent"]),
        "trained": trained,
        "trained_on": pd.Series(np.where(trained, day, pd.NaT)).astype("datetime64[us]"),
    })


def _survey(team: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(team)
    out = {"agent_id": team["agent_id"], "team": team["team"]}
    shift = team["team"].map(TEAM_SHIFT).to_numpy(dtype=float)
    for scale in ("eng", "wb"):
        trait = rng.standard_normal(n) + shift
        for i in range(1, SURVEY_ITEMS + 1):
            raw = 3 + SURVEY_LOADING * trait + rng.standard_normal(n)
            out[f"{scale}{i}"] = np.clip(np.round(raw), 1, 5).astype("int64")
    return pd.DataFrame(out)


def simulate(ctx: SimContext) -> SimResult:
    """Simulate ``tickets``, ``service_team`` and ``team_survey`` and their truth."""
    rng = ctx.rng(NAME)
    team = _team(ctx, rng)
    tickets, csat_all, csat_by, mean_day, training = _tickets(ctx, rng, team[team["team"] != "運營 operations"])
    survey = _survey(team, rng)
    kl2 = SURVEY_ITEMS * SURVEY_LOADING ** 2
    truth = {
        "service_ticket_rate": dict(TICKET_RATE),
        "service_festival_factor": FESTIVAL_FACTOR,
        "service_response_median_minutes": dict(RESPONSE_MEDIAN_MINUTES),
        "service_response_sigma": dict(RESPONSE_SIGMA),
        "service_congestion": CONGESTION,
        "service_mean_daily_tickets": mean_day,
        "service_fcr": dict(FCR),
        "service_csat_share": csat_all,
        "service_csat_share_by_channel": csat_by,
        "service_slow_minutes": SLOW_MINUTES,
        "service_training_date": str(team["trained_on"].max().date()),
        "service_training_effect": training,
        "service_slow_response_repurchase_effect": 0.0,
        "service_survey_reliability": kl2 / (kl2 + 1),
        "service_survey_team_shift": dict(TEAM_SHIFT),
    }
    truth_doc = {
        "service_ticket_rate": "order status -> probability that an order opens a ticket (fraction)",
        "service_festival_factor": "ticket probability multiplier for orders in festival windows (ratio)",
        "service_response_median_minutes": "channel -> median first-response time on a mean day (minutes)",
        "service_response_sigma": "channel -> log-sd of first-response time (unitless)",
        "service_congestion": "elasticity of the response median to the day's ticket load (unitless)",
        "service_mean_daily_tickets": "tickets per day over the whole period, the congestion reference (count)",
        "service_fcr": "reason -> probability a ticket is resolved at the first contact (fraction)",
        "service_csat_share": "true probability that a CSAT answer is 4 or 5, mean over answered tickets (fraction)",
        "service_csat_share_by_channel": "channel -> the same per channel (fraction)",
        "service_training_date": "day the trained agents took the course (ISO date)",
        "service_training_effect": "true rise of the probability of a 4-5 CSAT answer on trained agents' tickets "
        "after the course, mean over those answered tickets (difference in probability)",
        "service_slow_minutes": "a response slower than this lowers the latent CSAT (minutes)",
        "service_slow_response_repurchase_effect": "true effect of a slow response on repurchase: none, "
        "tickets are simulated after all purchases (difference in probability)",
        "service_survey_reliability": "reliability k l^2 / (k l^2 + 1) of each survey scale before "
        "rounding (unitless)",
        "service_survey_team_shift": "team -> shift of the latent engagement and wellbeing traits (sd units)",
    }
    return SimResult(tables={"tickets": tickets, "service_team": team, "team_survey": survey},
                     truth=truth, truth_doc=truth_doc)
