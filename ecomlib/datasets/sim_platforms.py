"""Platforms, a channel-expansion panel and partner deliveries of the sample shop (issue 21).

Runs after the core simulation (reads ``transactions`` and ``suppliers``), adds new tables only
and draws only from ``ctx.rng("platforms")``, so every earlier table stays byte-identical.
Every fee below is ILLUSTRATIVE (no real platform's schedule).

platforms (one row per platform: the fee schedule)
    ``PLATFORMS``: commission, payment-fee and advertising-take rates (shares of GMV), fulfilment
    (CNY per order) and a fixed fee (CNY per month). Every platform sells from the first day except
    "Live commerce", which opens on the first of the month at or after the period's midpoint
    (2025-01-01 for the bundled shop).

order_platforms (one row per order of ``transactions``)
    An order shipped outside CN (``country`` != "CN") is sold on "Cross-border marketplace".
    A CN customer has a preference vector over the four domestic platforms,
    ``Dirichlet(PREFERENCE_CONCENTRATION x DOMESTIC_SHARES)``: small concentration, so most
    customers lean on one platform and some split their orders over two or more. Each of their
    orders picks a platform with probability proportional to the preference, over the platforms
    already open on the order day (a customer who prefers live commerce buys elsewhere before it
    opens and moves there after: moved demand), with the weight of "Live commerce" multiplied by
    ``LIVE_RETURN_TILT`` for an order that has a returned line (impulse buys are returned more).
    A CN guest order (no customer_id) uses ``DOMESTIC_SHARES`` themselves.

    Truth ``platform_true_margin`` is each platform's contribution per order over the whole
    period, computed from these lines with the generative schedule exactly as
    ``ecomlib.platforms.platform_pnl`` defines it: cancelled lines are dropped; orders = distinct
    order_id with a completed line; gmv = completed revenue; refunds = |returned revenue|;
    cogs = sum of quantity x unit_cost over completed and returned lines (returned goods go back to
    stock); commission, payment fees and ad take = rate x gmv (not refunded on a return);
    fulfilment = fulfilment_per_order x orders; fixed fees = fixed_fee_per_month x calendar months
    from the platform's first to its last order (both included); contribution = gmv - refunds -
    cogs - commission - payment_fees - ad_take - fulfilment - fixed_fees. ``platform_true_pnl``
    holds every component.

channel_panel (one row per category and week; a SEPARATE simulated panel)
    Weekly GMV of the eight categories, Mondays of the period. Without the new channel,
    ``log B_cw = log level_c + log season_w + u_cw``: ``level_c`` the category's mean weekly
    completed revenue in ``transactions``, ``season_w`` the shop's weekly completed revenue over
    its mean (shared by all categories: parallel trends hold), ``u_cw`` AR(1) with coefficient
    ``PANEL_AR`` and innovation sd ``PANEL_SD``. ``PANEL_TREATED`` categories, drawn at random, open
    on the new channel in the first week on or after Live commerce's start (``post``). There the
    new channel sells ``new_channel_gmv = PANEL_NEW_SHARE x B_cw``, of which a share
    ``PANEL_INCREMENTAL_SHARE`` is new demand and the rest is moved from the other platforms, so
    the category's total is ``gmv = B_cw (1 + PANEL_INCREMENTAL_SHARE x PANEL_NEW_SHARE)`` and the
    true effect on log GMV is ``log(1 + s k)`` in every treated post cell.

partner_deliveries (one row per delivery)
    The suppliers of ``suppliers`` (deliveries in proportion to ``share_of_purchases``,
    ``SUPPLIER_DELIVERIES_PER_DAY`` a day in all; lead time mean and sd and defect rate from that
    table) and the invented carriers of ``CARRIERS`` (no defects). Each partner quotes a
    promised lead ``P = round(mean + buffer x sd)`` days (``buffer ~ U(BUFFER_LOW, BUFFER_HIGH)`` per partner)
    and ships in full with probability ``q ~ U(IN_FULL_LOW, IN_FULL_HIGH)`` (short by 1-15%
    otherwise). An order is placed on a uniform day (leaving ``LAST_ORDER_MARGIN_DAYS`` before the
    end); lead time ``L = max(1, round(Normal(mean, sd)))`` days; defective and damaged units are
    independent ``Binomial(quantity_delivered, rate)``. Truth per partner: OTIF probability
    ``P(L <= P) x q`` (independent), defect and damage rates per unit delivered, and the exact mean
    and sd of ``L``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ecomlib.datasets.simulation import SimContext, SimResult

NAME = "platforms"

FEE_COLUMNS = ("platform", "platform_type", "commission_rate", "payment_fee_rate", "ad_take_rate",
               "fulfilment_per_order", "fixed_fee_per_month")
#: the illustrative fee schedule (shares of GMV; CNY per order; CNY per month)
PLATFORMS = (
    ("Own site", "own_site", 0.00, 0.006, 0.00, 12.0, 20000.0),
    ("Marketplace A", "marketplace", 0.05, 0.006, 0.06, 10.0, 6000.0),
    ("Marketplace B", "marketplace", 0.03, 0.006, 0.04, 10.0, 3000.0),
    ("Live commerce", "live_commerce", 0.05, 0.006, 0.10, 10.0, 0.0),
    ("Cross-border marketplace", "cross_border", 0.08, 0.012, 0.05, 35.0, 2000.0),
)
CROSS_BORDER = "Cross-border marketplace"
LIVE = "Live commerce"
DOMESTIC_SHARES = {"Own site": 0.20, "Marketplace A": 0.40, "Marketplace B": 0.25, "Live commerce": 0.15}
PREFERENCE_CONCENTRATION = 1.2
LIVE_RETURN_TILT = 2.0
NOTE = "ILLUSTRATIVE fees for the sample shop, not any real platform's schedule"

PANEL_AR = 0.5
PANEL_SD = 0.05
PANEL_TREATED = 4
PANEL_NEW_SHARE = 0.25           # k: new-channel GMV as a share of the category's GMV without it
PANEL_INCREMENTAL_SHARE = 0.4    # s: share of the new channel's GMV that is new demand

#: invented carriers: deliveries per day, lead mean and sd (days), damage rate per unit
CARRIERS = {
    "SwiftLink Express": (0.50, 3.0, 1.0, 0.004),
    "Dragon Freight": (0.35, 6.0, 2.0, 0.012),
    "BlueOcean Logistics": (0.25, 9.0, 3.0, 0.008),
    "Pacific Parcel": (0.15, 5.0, 2.5, 0.020),
}
SUPPLIER_DELIVERIES_PER_DAY = 1.0
SUPPLIER_DAMAGE_RATE = 0.003
SUPPLIER_MIN_DELIVERIES = 8
IN_FULL_LOW, IN_FULL_HIGH = 0.93, 0.995
BUFFER_LOW, BUFFER_HIGH = 0.3, 2.5   # promised lead = mean + buffer x sd (days)
LAST_ORDER_MARGIN_DAYS = 60

__all__ = ["NAME", "PLATFORMS", "simulate", "fee_schedule", "true_platform_pnl"]


def _month_start_on_or_after(ts: pd.Timestamp) -> pd.Timestamp:
    ts = ts.normalize()
    return ts if ts.day == 1 else ts + pd.offsets.MonthBegin(1)


def fee_schedule(start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The ``platforms`` table for a period: :data:`PLATFORMS` with start dates and a note."""
    mid = start + (end - start) / 2
    live_start = _month_start_on_or_after(mid)
    df = pd.DataFrame(list(PLATFORMS), columns=list(FEE_COLUMNS))
    df["start_date"] = pd.Series([live_start if p == LIVE else start for p in df["platform"]]
                                 ).astype("datetime64[us]")
    df["note"] = NOTE
    return df.astype({"platform": "str", "platform_type": "str", "note": "str"})


def true_platform_pnl(lines: pd.DataFrame, schedule: pd.DataFrame) -> pd.DataFrame:
    """Per-platform P&L of order lines with a ``platform`` column, by the definition in the
    module docstring (an independent implementation of the one in ``ecomlib.platforms``).
    Money in CNY; one row per platform that has a completed line."""
    live = lines[lines["status"] != "cancelled"]
    sold = live[live["status"] == "completed"]
    back = live[live["status"] == "returned"]
    fees = schedule.set_index("platform")
    rows = []
    for platform, s in sold.groupby("platform", sort=True):
        r = back[back["platform"] == platform]
        both = live[live["platform"] == platform]
        f = fees.loc[platform]
        orders = s["order_id"].nunique()
        gmv = float(s["revenue"].sum())
        refunds = float(abs(r["revenue"].sum()))
        cogs = float((both["quantity"] * both["unit_cost"]).sum())
        first, last = s["order_date"].min(), s["order_date"].max()
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        parts = {"commission": f["commission_rate"] * gmv, "payment_fees": f["payment_fee_rate"] * gmv,
                 "ad_take": f["ad_take_rate"] * gmv, "fulfilment": f["fulfilment_per_order"] * orders,
                 "fixed_fees": f["fixed_fee_per_month"] * months}
        contribution = gmv - refunds - cogs - sum(parts.values())
        rows.append({"platform": platform, "orders": orders,
                     "customers": s["customer_id"].dropna().nunique(), "months": months, "gmv": gmv,
                     "refunds": refunds, "cogs": cogs, **parts, "contribution": contribution,
                     "contribution_per_order": contribution / orders})
    return pd.DataFrame(rows)


def _order_platforms(ctx: SimContext, rng: np.random.Generator, schedule: pd.DataFrame):
    tx = ctx.tables["transactions"]
    orders = tx.drop_duplicates("order_id")[["order_id", "order_date", "customer_id", "country"]]
    orders = orders.sort_values("order_id", kind="stable").reset_index(drop=True)
    returned = set(tx.loc[tx["status"] == "returned", "order_id"])
    platform = np.full(len(orders), CROSS_BORDER, dtype=object)
    cn = (orders["country"] == "CN").to_numpy()
    dom = list(DOMESTIC_SHARES)
    base = np.array(list(DOMESTIC_SHARES.values()))
    o = orders[cn]
    customers = np.sort(o["customer_id"].dropna().unique())
    prefs = rng.dirichlet(PREFERENCE_CONCENTRATION * base, size=len(customers))
    w = np.tile(base, (len(o), 1))
    has = o["customer_id"].notna().to_numpy()
    w[has] = prefs[np.searchsorted(customers, o["customer_id"].to_numpy()[has])]
    starts = schedule.set_index("platform").loc[dom, "start_date"].to_numpy()
    opened = o["order_date"].to_numpy()[:, None] >= starts[None, :]
    w = np.maximum(w, 1e-12) * opened
    live = dom.index(LIVE)
    w[o["order_id"].isin(returned).to_numpy(), live] *= LIVE_RETURN_TILT
    cum = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)
    pick = (rng.random(len(o))[:, None] > cum).sum(axis=1).clip(0, len(dom) - 1)
    platform[cn] = np.array(dom, dtype=object)[pick]
    return pd.DataFrame({"order_id": orders["order_id"].astype("str"),
                         "platform": pd.Series(platform).astype("str")})


def _channel_panel(ctx: SimContext, rng: np.random.Generator, launch: pd.Timestamp):
    tx = ctx.tables["transactions"]
    done = tx[tx["status"] == "completed"]
    week = (done["order_date"].dt.normalize()
            - pd.to_timedelta(done["order_date"].dt.day_of_week, unit="D")).astype("datetime64[us]")
    first = ctx.start - pd.Timedelta(days=ctx.start.day_of_week)
    weeks = pd.date_range(first, ctx.end, freq="7D", unit="us")
    shop = done.groupby(week)["revenue"].sum().reindex(weeks, fill_value=0.0).to_numpy()
    shop = np.maximum(shop, 1e-9 + 0.05 * shop.mean())
    season = shop / shop.mean()
    cats = np.sort(done["category"].unique())
    level = done.groupby("category")["revenue"].sum().reindex(cats).to_numpy() / len(weeks)
    n_c, n_w = len(cats), len(weeks)
    u = np.zeros((n_c, n_w))
    z = rng.standard_normal((n_c, n_w)) * PANEL_SD
    u[:, 0] = z[:, 0] / np.sqrt(1 - PANEL_AR ** 2)
    for t in range(1, n_w):
        u[:, t] = PANEL_AR * u[:, t - 1] + z[:, t]
    base = level[:, None] * season[None, :] * np.exp(u)
    treated = np.zeros(n_c, dtype=bool)
    treated[rng.permutation(n_c)[: min(PANEL_TREATED, n_c // 2)]] = True
    launch_week = launch - pd.Timedelta(days=launch.day_of_week)
    if launch_week < launch:
        launch_week += pd.Timedelta(days=7)
    post = (weeks >= launch_week)
    on = treated[:, None] & post[None, :]
    new = np.where(on, PANEL_NEW_SHARE * base, 0.0)
    gmv = base + PANEL_INCREMENTAL_SHARE * new
    panel = pd.DataFrame({
        "category": pd.Series(np.repeat(cats, n_w)).astype("str"),
        "week": pd.Series(np.tile(weeks, n_c)).astype("datetime64[us]"),
        "gmv": np.round(gmv.ravel(), 2),
        "treated": np.repeat(treated, n_w),
        "post": np.tile(post, n_c),
        "new_channel_gmv": np.round(new.ravel(), 2),
    })
    return panel, [str(c) for c in cats[treated]], launch_week


def _lead_pmf(mean: float, sd: float) -> tuple[np.ndarray, np.ndarray]:
    k = np.arange(1, int(np.ceil(mean + 12 * sd)) + 2)
    upper = stats.norm.cdf((k + 0.5 - mean) / sd)
    lower = np.r_[0.0, upper[:-1]]
    return k, upper - lower


def _partners(ctx: SimContext, rng: np.random.Generator) -> pd.DataFrame:
    sup = ctx.tables.get("suppliers")
    n_days = len(ctx.days)
    rows = []
    if sup is not None:
        for _, s in sup.iterrows():
            n = max(SUPPLIER_MIN_DELIVERIES, int(round(n_days * SUPPLIER_DELIVERIES_PER_DAY
                                                       * s["share_of_purchases"])))
            rows.append((str(s["supplier"]), "supplier", n, float(s["lead_time_days"]),
                         float(s["lead_time_sd_days"]), float(s["defect_rate"]), SUPPLIER_DAMAGE_RATE))
    for name, (per_day, mean, sd, damage) in CARRIERS.items():
        rows.append((name, "logistics", max(SUPPLIER_MIN_DELIVERIES, int(round(n_days * per_day))),
                     mean, sd, 0.0, damage))
    df = pd.DataFrame(rows, columns=["partner", "partner_type", "n", "lead_mean", "lead_sd",
                                     "defect_rate", "damage_rate"])
    df["buffer"] = rng.uniform(BUFFER_LOW, BUFFER_HIGH, len(df))
    df["promised_days"] = np.maximum(1, np.round(df["lead_mean"] + df["buffer"] * df["lead_sd"])).astype(int)
    df["in_full"] = rng.uniform(IN_FULL_LOW, IN_FULL_HIGH, len(df))
    return df


def _deliveries(ctx: SimContext, rng: np.random.Generator, partners: pd.DataFrame) -> pd.DataFrame:
    n_days = len(ctx.days)
    window = max(1, n_days - min(LAST_ORDER_MARGIN_DAYS, n_days // 3))
    p = partners.loc[partners.index.repeat(partners["n"])].reset_index(drop=True)
    n = len(p)
    ordered = ctx.start + pd.to_timedelta(rng.integers(0, window, n), unit="D")
    lead = np.maximum(1, np.round(p["lead_mean"].to_numpy() + p["lead_sd"].to_numpy() * rng.standard_normal(n)))
    size = np.where(p["partner_type"] == "supplier", 500.0, 120.0)
    qty = np.maximum(1, np.round(size * np.exp(0.5 * rng.standard_normal(n)))).astype(np.int64)
    full = rng.random(n) < p["in_full"].to_numpy()
    short = np.maximum(1, np.round(qty * rng.uniform(0.01, 0.15, n))).astype(np.int64)
    delivered = np.where(full, qty, np.maximum(qty - short, 0))
    defective = rng.binomial(delivered, p["defect_rate"].to_numpy())
    damaged = rng.binomial(delivered, p["damage_rate"].to_numpy())
    out = pd.DataFrame({
        "partner": p["partner"].astype("str"),
        "partner_type": p["partner_type"].astype("str"),
        "ordered_date": pd.Series(ordered).astype("datetime64[us]"),
        "promised_date": (pd.Series(ordered) + pd.to_timedelta(p["promised_days"], unit="D")
                          ).astype("datetime64[us]"),
        "delivered_date": (pd.Series(ordered) + pd.to_timedelta(lead, unit="D")).astype("datetime64[us]"),
        "quantity_ordered": qty,
        "quantity_delivered": delivered.astype(np.int64),
        "defective_units": defective.astype(np.int64),
        "damaged_units": damaged.astype(np.int64),
    })
    order = np.lexsort((out["partner"].to_numpy(), out["ordered_date"].to_numpy()))
    out = out.iloc[order].reset_index(drop=True)
    out.insert(0, "delivery_id", "D" + pd.Series(np.arange(1, n + 1)).astype("str").str.zfill(6))
    return out


def _partner_truth(partners: pd.DataFrame) -> tuple[dict, dict]:
    otif, lead = {}, {}
    for _, r in partners.iterrows():
        k, pmf = _lead_pmf(r["lead_mean"], r["lead_sd"])
        on_time = float(pmf[k <= r["promised_days"]].sum())
        otif[r["partner"]] = on_time * float(r["in_full"])
        mean = float((k * pmf).sum())
        lead[r["partner"]] = {"mean": mean, "sd": float(np.sqrt((pmf * (k - mean) ** 2).sum()))}
    return otif, lead


def simulate(ctx: SimContext) -> SimResult:
    """Simulate ``platforms``, ``order_platforms``, ``channel_panel`` and ``partner_deliveries``."""
    rng = ctx.rng(NAME)
    schedule = fee_schedule(ctx.start, ctx.end)
    op = _order_platforms(ctx, rng, schedule)
    launch = schedule.loc[schedule["platform"] == LIVE, "start_date"].iloc[0]
    panel, treated, launch_week = _channel_panel(ctx, rng, launch)
    partners = _partners(ctx, rng)
    deliveries = _deliveries(ctx, rng, partners)
    lines = ctx.tables["transactions"].merge(op, on="order_id", how="left")
    pnl = true_platform_pnl(lines, schedule)
    otif, lead = _partner_truth(partners)
    s, k = PANEL_INCREMENTAL_SHARE, PANEL_NEW_SHARE
    truth = {
        "platform_true_margin": dict(zip(pnl["platform"], pnl["contribution_per_order"].astype(float), strict=True)),
        "platform_true_pnl": pnl,
        "platform_start_dates": {p: str(d.date()) for p, d in zip(schedule["platform"], schedule["start_date"], strict=True)},
        "platform_domestic_shares": dict(DOMESTIC_SHARES),
        "platform_preference_concentration": PREFERENCE_CONCENTRATION,
        "platform_live_return_tilt": LIVE_RETURN_TILT,
        "channel_incremental_share": s,
        "channel_new_share": k,
        "channel_true_effect_log": float(np.log1p(s * k)),
        "channel_treated_categories": treated,
        "channel_launch_week": str(launch_week.date()),
        "partner_true_otif": otif,
        "partner_true_defect_rate": dict(zip(partners["partner"], partners["defect_rate"].astype(float), strict=True)),
        "partner_true_damage_rate": dict(zip(partners["partner"], partners["damage_rate"].astype(float), strict=True)),
        "partner_true_lead_time": lead,
        "partner_promised_days": dict(zip(partners["partner"], partners["promised_days"].astype(int), strict=True)),
        "partner_true_in_full": dict(zip(partners["partner"], partners["in_full"].astype(float), strict=True)),
    }
    truth_doc = {
        "platform_true_margin": "platform -> true contribution per order over the whole period (CNY): gmv - "
        "refunds - cogs - commission - payment fees - ad take - fulfilment - fixed fees, over orders with a "
        "completed line; fees are rates x gmv (not refunded on returns), cogs = quantity x unit_cost over "
        "completed and returned lines, fixed fees x calendar months from first to last order, cancelled "
        "lines dropped (the definition of ecomlib.platforms.platform_pnl)",
        "platform_true_pnl": "per platform every component of that P&L (CNY; orders, customers, months counts)",
        "platform_start_dates": "platform -> first day it sells (ISO date; Live commerce opens mid-way)",
        "platform_domestic_shares": "domestic platform -> base share m_p of the customer preference "
        "Dirichlet(concentration x m) and of CN guest orders (fraction)",
        "platform_preference_concentration": "concentration of the customers' Dirichlet platform preferences "
        "(small = loyal to one platform; unitless)",
        "platform_live_return_tilt": "weight multiplier of Live commerce for an order that has a returned "
        "line (ratio)",
        "channel_incremental_share": "share s of the new channel's GMV in treated categories after launch "
        "that is new demand; the rest is moved from other platforms (fraction)",
        "channel_new_share": "new-channel GMV as a share k of a treated category's GMV without the channel "
        "(fraction)",
        "channel_true_effect_log": "true effect of the new channel on a treated category's log weekly GMV, "
        "log(1 + s k), the same in every treated post week (log points)",
        "channel_treated_categories": "categories opened on the new channel (list of str)",
        "channel_launch_week": "first post week of channel_panel (Monday, ISO date)",
        "partner_true_otif": "partner -> probability a delivery is on time (delivered <= promised) and in "
        "full (delivered >= ordered) (fraction)",
        "partner_true_defect_rate": "partner -> probability a delivered unit is defective (fraction)",
        "partner_true_damage_rate": "partner -> probability a delivered unit is damaged (fraction)",
        "partner_true_lead_time": "partner -> exact mean and sd of the lead time delivered - ordered (days)",
        "partner_promised_days": "partner -> promised lead time quoted on every order (days)",
        "partner_true_in_full": "partner -> probability a delivery is in full (fraction)",
    }
    tables = {"platforms": schedule, "order_platforms": op, "channel_panel": panel,
              "partner_deliveries": deliveries}
    return SimResult(tables=tables, truth=truth, truth_doc=truth_doc)
