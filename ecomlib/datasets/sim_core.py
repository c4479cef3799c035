"""Core simulator of the sample shop: products, customers, transactions, promotions, sessions.

How the pieces fit (each module's docstring has the details):

1. :mod:`~ecomlib.datasets.core_calendar` fixes categories, channels, festivals and the
   daily purchase-intensity multiplier (mean 1 per calendar year).
2. :mod:`~ecomlib.datasets.core_catalog` makes products, step-wise list prices per category
   and the daily choice probabilities (price response with each category's elasticity,
   promotion effects).
3. :mod:`~ecomlib.datasets.core_customers` acquires customers and simulates BG/NBD purchase
   times; each customer has a basket multiplier (how many lines their orders hold).
4. :mod:`~ecomlib.datasets.core_orders` turns purchases into orders and lines (lines and
   units first, products by choice, prices then give the value), adds guest orders,
   cancellations and returns.
   :mod:`~ecomlib.datasets.core_pairs` appends the lines of a few planted product pairs
   (``A`` brings ``B`` with a known probability), drawn from a stream of their own so that
   every other draw stays as it is.
5. :mod:`~ecomlib.datasets.core_sessions` adds the web sessions behind the orders.

The ground truth (``SimResult.truth``) holds every parameter used and the true effects
derived from them; ``SimResult.truth_doc`` describes each key with its units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecomlib.datasets import core_calendar as cal
from ecomlib.datasets import core_catalog, core_customers, core_orders, core_pairs, core_sessions
from ecomlib.datasets.core_truth import core_truth
from ecomlib.datasets.simulation import SimContext, SimResult

NAME = "core"
SHOP_NAME = "樣本商店 Sample Shop"

__all__ = ["NAME", "SHOP_NAME", "simulate"]


def _ids(prefix: str, n: int, width: int) -> pd.Series:
    return prefix + pd.Series(np.arange(1, n + 1)).astype("str").str.zfill(width)


def _promotions_table(plan: pd.DataFrame) -> pd.DataFrame:
    cols = ["promo_id", "name", "start", "end", "kind", "discount", "scope_type", "scope", "cost"]
    out = plan[cols].copy()
    out["scope"] = out["scope"].where(out["scope"] != "")  # empty (missing) for scope_type "all"
    return out.astype({c: "str" for c in ["promo_id", "name", "kind", "scope_type", "scope"]})


def _promotion_truth(plan, products, index, days, choice, day_units, timed_share, multiplier):
    """True lift, pull-forward, cannibalisation, halo and others' change of each promotion
    (expected units with everything as simulated vs the same days without that promotion).

    Lines per order do not depend on prices, so a category or product promotion wins its lift by
    drawing lines from the other categories: ``others_change`` is their relative change in
    expected units during it (negative), and a comparison against them (difference-in-differences,
    synthetic control) estimates ``log(1 + lift) - log(1 + others_change)``.

    A festival changes the purchase intensity ``m(t)``, which times *repeat* purchases only
    (first purchases follow the acquisition trend, guests copy the days of known customers'
    orders). So without a festival a day's expected units would be
    ``U_t * (1 - timed_share_t * (1 - m_cf(t) / m(t)))``, where ``timed_share_t`` is the
    share of the day's known-customer expected units that comes from repeat purchases.
    Units per line do not depend on the product, so product ``j``'s expected units are
    ``U_t * pi_j(t)``.
    """
    full_units = day_units[:, None] * choice["prob"]
    d = days.values
    rows = []
    for _, row in plan.iterrows():  # a dozen promotions
        cf = core_catalog.choice_arrays(products, index, days, plan, exclude=row["promo_id"])
        _, m_cf = cal.intensity_multiplier(days, plan, exclude=row["promo_id"])
        cf_day = day_units * (1 - timed_share * (1 - m_cf / multiplier))
        cf_units = cf_day[:, None] * cf["prob"]
        scope = core_catalog.in_scope(row, products)
        during = (d >= row["start"]) & (d <= row["end"])
        post = (d > row["end"]) & (d <= row["end"] + pd.Timedelta(weeks=int(row["post_weeks"])))
        scope_cats = products["category"].isin(products.loc[scope, "category"].unique()).to_numpy()
        same_cat = scope_cats & ~scope
        others = ~scope_cats
        halo_cat = (products["category"] == row["halo_category"]).to_numpy()

        def ratio(days_mask, prod_mask, full=full_units, cf=cf_units):
            if not prod_mask.any() or not days_mask.any():
                return np.nan
            return full[np.ix_(days_mask, prod_mask)].sum() / cf[np.ix_(days_mask, prod_mask)].sum()

        rows.append({
            "promo_id": row["promo_id"],
            "lift": ratio(during, scope) - 1,
            "pull_forward": 1 - ratio(post, scope),
            "cannibalisation": 1 - ratio(during, same_cat),
            "halo": ratio(during, halo_cat) - 1 if row["halo_category"] else np.nan,
            "post_weeks": int(row["post_weeks"]),
            "discount": float(row["discount"]),
            "choice_boost": float(row["choice_boost"]),
            "incidence_boost": float(row["incidence_boost"]),
            "post_dip_setting": float(row["post_dip"]),
            "cannibal_setting": float(row["cannibal"]),
            "halo_setting": float(row["halo"]),
            "halo_category": row["halo_category"] or None,
            "others_change": ratio(during, others) - 1,
        })
    columns = ["promo_id", "lift", "pull_forward", "cannibalisation", "halo", "post_weeks", "discount",
               "choice_boost", "incidence_boost", "post_dip_setting", "cannibal_setting", "halo_setting",
               "halo_category", "others_change"]
    out = pd.DataFrame(rows, columns=columns)
    return out.astype({"promo_id": "str", "halo_category": "str", "post_weeks": "int64",
                       "others_change": "float64",
                       **{c: "float64" for c in columns[1:5] + columns[6:12]}})


def _transactions(orders, lines, products, plan, start):
    orders = orders.sort_values("t", kind="stable")
    order_id = pd.Series(_ids("O", len(orders), 7).to_numpy(), index=orders.index)
    cust_id = np.where(orders["cust"].to_numpy() >= 0,
                       "C" + pd.Series(orders["cust"].to_numpy() + 1).astype("str").str.zfill(6), None)
    cust_id = pd.Series(cust_id, index=orders.index)
    o = lines["order"].to_numpy()
    p = lines["product"].to_numpy()
    t = np.where(lines["status"] == "returned", lines["t"], orders["t"].reindex(o).to_numpy()) \
        if "t" in lines else orders["t"].reindex(o).to_numpy()
    stamp = start + pd.to_timedelta(np.round(t * 86400), unit="s")
    qty = lines["quantity"].to_numpy()
    price = lines["unit_price"].to_numpy()
    promo_ids = np.append(plan["promo_id"].to_numpy(dtype=object), None)
    tx = pd.DataFrame({
        "order_id": order_id.reindex(o).to_numpy(),
        "order_date": pd.DatetimeIndex(stamp).astype("datetime64[us]"),
        "customer_id": cust_id.reindex(o).to_numpy(),
        "product_id": products["product_id"].to_numpy()[p],
        "product_name": products["product_name"].to_numpy()[p],
        "category": products["category"].to_numpy()[p],
        "quantity": qty.astype("int64"),
        "unit_price": price.astype(float),
        "revenue": np.round(qty * price, 2),
        "channel": orders["channel"].reindex(o).to_numpy(),
        "country": orders["country"].reindex(o).to_numpy(),
        "status": lines["status"].to_numpy(),
        "unit_cost": products["unit_cost"].to_numpy()[p],
        "discount": np.round((lines["list_price"].to_numpy() - price) * qty, 2) + 0.0,  # no -0.0
        "promo_id": promo_ids[lines["promo"].to_numpy()],
        "device": orders["device"].reindex(o).to_numpy(),
    })
    tx = tx.sort_values(["order_date", "order_id", "product_id"], kind="stable").reset_index(drop=True)
    str_cols = ["order_id", "customer_id", "product_id", "product_name", "category", "channel",
                "country", "status", "promo_id", "device"]
    return tx.astype({c: "str" for c in str_cols}), order_id, cust_id


def simulate(ctx: SimContext) -> SimResult:
    """Simulate the core tables of the sample shop; see the module docstring."""
    rng = ctx.rng(NAME)
    days = ctx.days
    start = pd.Timestamp(ctx.start)
    plan = cal.promotion_plan(start, pd.Timestamp(ctx.end))
    raw_m, multiplier = cal.intensity_multiplier(days, plan)

    products = core_catalog.make_products(rng, start, pd.Timestamp(ctx.end))
    plan = core_catalog.resolve_scopes(plan, products)
    index = core_catalog.price_index_paths(rng, days)
    choice = core_catalog.choice_arrays(products, index, days, plan)

    customers, latent, extra = core_customers.make_customers(rng, ctx.n_customers, days, multiplier)
    purchases = core_customers.purchase_times(rng, latent, multiplier)
    orders = core_orders.make_orders(rng, purchases, latent, customers)
    lines = core_orders.make_lines(rng, orders, choice, products)
    pairs = core_pairs.resolve_pairs(products, start, core_pairs.PLANTED_PAIRS)
    pair_rng = ctx.rng(core_pairs.STREAM)
    planted = core_pairs.plant_pairs(pair_rng, orders, lines, choice, pairs)
    pair_truth = core_pairs.pair_truth(orders, choice, pairs)
    # the cancellation draws do not depend on the lines, so twins copy planted lines too; the
    # core stream's returns are drawn on the lines it drew, the planted lines' on their own stream
    n_drawn = len(lines)
    lines = pd.concat([lines, planted], ignore_index=True).assign(planted=lambda f: f.index >= n_drawn)
    orders, lines = core_orders.add_cancellations(rng, orders, lines)
    returns = core_orders.make_returns(rng, lines[~lines["planted"]], orders, products, len(days))
    planted_returns = core_orders.make_returns(pair_rng, lines[lines["planted"]], orders, products, len(days))
    all_lines = pd.concat([lines.assign(t=np.nan), returns, planted_returns],
                          ignore_index=True).drop(columns="planted")
    tx, order_id, cust_id = _transactions(orders, all_lines, products, plan, start)

    session_orders = pd.DataFrame({
        "order_id": order_id.to_numpy(),
        "date": (start + pd.to_timedelta(np.floor(orders["t"].reindex(order_id.index)), unit="D")).to_numpy(),
        "channel": orders["channel"].reindex(order_id.index).to_numpy(),
        "device": orders["device"].reindex(order_id.index).to_numpy(),
        "customer_id": cust_id.reindex(order_id.index).to_numpy(),
        "is_first": (orders["repeat"].reindex(order_id.index).to_numpy() == 0)
        & (orders["status"].reindex(order_id.index).to_numpy() == "completed")
        & (orders["cust"].reindex(order_id.index).to_numpy() >= 0),
    })
    sessions = core_sessions.make_sessions(rng, session_orders)

    done = orders[orders["status"] == "completed"]
    day = np.floor(done["t"]).astype(int)
    units = done["exp_units"].to_numpy()
    day_units = np.bincount(day, weights=units, minlength=len(days))
    known = done["cust"].to_numpy() >= 0
    repeat = known & (done["repeat"].to_numpy() > 0)
    known_units = np.bincount(day[known], weights=units[known], minlength=len(days))
    repeat_units = np.bincount(day[repeat], weights=units[repeat], minlength=len(days))
    timed_share = np.divide(repeat_units, known_units, out=np.zeros(len(days)), where=known_units > 0)
    promo_truth = _promotion_truth(plan, products, index, days, choice, day_units, timed_share, multiplier)
    value = core_orders.expected_order_value(done["g"].to_numpy(), day, choice) \
        + core_pairs.planted_order_value(done, choice, pairs)
    mine = done[known].assign(value=value[known]).groupby("cust")["value"].mean()
    latent = latent.assign(expected_order_value=mine.reindex(np.arange(len(latent))).to_numpy())

    tables = {
        "products": products.drop(columns=["weight", "code"]),
        "customers": customers,
        "transactions": tx,
        "promotions": _promotions_table(plan),
        "sessions": sessions,
    }
    truth, doc = core_truth(ctx=ctx, plan=plan, products=products, index=index, days=days,
                            multiplier=multiplier, latent=latent, customers=customers, extra=extra,
                            promo_truth=promo_truth, pair_truth=pair_truth, shop_name=SHOP_NAME)
    return SimResult(tables=tables, truth=truth, truth_doc=doc)
